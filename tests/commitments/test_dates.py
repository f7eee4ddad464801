"""Date resolution: every form the issue lists, weekday policy, year roll-over, zones."""

from __future__ import annotations

import datetime as dt

import pytest
from dealnudge.analyzer.dates import find_times, resolve_day, zh_number

MONDAY = dt.date(2026, 3, 2)  # weeks start on Monday; this one runs 2-8 March
THURSDAY = dt.date(2026, 3, 5)
FRIDAY_MAY = dt.date(2026, 5, 29)
DEC_30 = dt.date(2026, 12, 30)  # a Wednesday


@pytest.mark.parametrize(("text", "today", "expected"), [
    # weekdays: bare = next such day strictly ahead; this = this week; next = next week
    ("Friday", MONDAY, "2026-03-06"),
    ("by Friday", MONDAY, "2026-03-06"),
    ("Monday", MONDAY, "2026-03-09"),
    ("Thursday", THURSDAY, "2026-03-12"),
    ("this Friday", MONDAY, "2026-03-06"),
    ("next Friday", MONDAY, "2026-03-13"),
    ("next Friday", THURSDAY, "2026-03-13"),
    ("this coming Tuesday", MONDAY, "2026-03-03"),
    ("Tuesday next week", MONDAY, "2026-03-10"),
    ("next week Thursday", MONDAY, "2026-03-12"),
    ("Monday the week after next", MONDAY, "2026-03-16"),
    ("Thursday at 3pm", MONDAY, "2026-03-05"),
    ("by end of day Thursday", MONDAY, "2026-03-05"),
    ("周五", MONDAY, "2026-03-06"),
    ("星期五", MONDAY, "2026-03-06"),
    ("礼拜五", MONDAY, "2026-03-06"),
    ("本周五", MONDAY, "2026-03-06"),
    ("这周五", MONDAY, "2026-03-06"),
    ("下周三", MONDAY, "2026-03-11"),
    ("下个星期二", MONDAY, "2026-03-10"),
    ("下下周一", MONDAY, "2026-03-16"),
    ("周五前", MONDAY, "2026-03-06"),
    ("周日", MONDAY, "2026-03-08"),
    ("星期天", MONDAY, "2026-03-08"),
    ("周四下午三点", MONDAY, "2026-03-05"),
    ("周四下班前", MONDAY, "2026-03-05"),
    ("周一", FRIDAY_MAY, "2026-06-01"),
    # explicit dates
    ("March 12", MONDAY, "2026-03-12"),
    ("12 March", MONDAY, "2026-03-12"),
    ("Mar. 12th", MONDAY, "2026-03-12"),
    ("the 12th of March", MONDAY, "2026-03-12"),
    ("Thursday, March 12", MONDAY, "2026-03-12"),
    ("March 12, 2027", MONDAY, "2027-03-12"),
    ("3/12", MONDAY, "2026-03-12"),
    ("3/12/2026", MONDAY, "2026-03-12"),
    ("2026-03-12", MONDAY, "2026-03-12"),
    ("2026/3/12", MONDAY, "2026-03-12"),
    ("3月12日", MONDAY, "2026-03-12"),
    ("3月12号", MONDAY, "2026-03-12"),
    ("三月十二日", MONDAY, "2026-03-12"),
    ("2026年3月20日", MONDAY, "2026-03-20"),
    ("12号", MONDAY, "2026-03-12"),
    ("二十号", MONDAY, "2026-03-20"),
    ("1号", MONDAY, "2026-04-01"),
    ("the 15th", MONDAY, "2026-03-15"),
    ("the 1st", MONDAY, "2026-04-01"),
    ("the 2nd", FRIDAY_MAY, "2026-06-02"),
    ("Tuesday the 17th", MONDAY, "2026-03-17"),
    ("下个月5号", MONDAY, "2026-04-05"),
    # a date without a year rolls forward when it is more than ~2 months past
    ("Jan 7", DEC_30, "2027-01-07"),
    ("1月5日", DEC_30, "2027-01-05"),
    ("January 15", dt.date(2026, 11, 26), "2027-01-15"),
    ("the 8th", DEC_30, "2027-01-08"),
    # relative days
    ("today", MONDAY, "2026-03-02"),
    ("tonight", MONDAY, "2026-03-02"),
    ("tomorrow", MONDAY, "2026-03-03"),
    ("tomorrow", DEC_30, "2026-12-31"),
    ("the day after tomorrow", MONDAY, "2026-03-04"),
    ("the day after tomorrow", DEC_30, "2027-01-01"),
    ("今天", MONDAY, "2026-03-02"),
    ("明天", MONDAY, "2026-03-03"),
    ("后天", MONDAY, "2026-03-04"),
    ("大后天", MONDAY, "2026-03-05"),
    ("in 3 days", MONDAY, "2026-03-05"),
    ("in three days", MONDAY, "2026-03-05"),
    ("in 2 weeks", MONDAY, "2026-03-16"),
    ("within a week", MONDAY, "2026-03-09"),
    ("within 3 business days", THURSDAY, "2026-03-10"),
    ("三天后", MONDAY, "2026-03-05"),
    ("3天内", MONDAY, "2026-03-05"),
    ("一周内", MONDAY, "2026-03-09"),
    ("两周内", MONDAY, "2026-03-16"),
    ("5个工作日内", MONDAY, "2026-03-09"),
    # deadlines
    ("by end of day", MONDAY, "2026-03-02"),
    ("end of the week", MONDAY, "2026-03-06"),
    ("this week", MONDAY, "2026-03-06"),
    ("end of next week", MONDAY, "2026-03-13"),
    ("end of the month", MONDAY, "2026-03-31"),
    ("end of next month", DEC_30, "2027-01-31"),
    ("end of the year", MONDAY, "2026-12-31"),
    ("月底前", MONDAY, "2026-03-31"),
    ("月底前", FRIDAY_MAY, "2026-05-31"),
    ("下个月底", MONDAY, "2026-04-30"),
    ("本周内", MONDAY, "2026-03-06"),
    ("本周内", FRIDAY_MAY, "2026-05-29"),
    ("下周之前", MONDAY, "2026-03-06"),
    ("下周内", MONDAY, "2026-03-13"),
    ("年底前", MONDAY, "2026-12-31"),
    ("by the end of Q2", MONDAY, "2026-06-30"),
    ("end of Q1", dt.date(2026, 5, 4), "2027-03-31"),
    ("end of the quarter", MONDAY, "2026-03-31"),
    ("本季度内", MONDAY, "2026-03-31"),
    ("第三季度末", MONDAY, "2026-09-30"),
    ("within 24 hours", MONDAY, "2026-03-03"),
    ("24小时内", MONDAY, "2026-03-03"),
    ("within a month", MONDAY, "2026-04-02"),
    ("in 1 month", dt.date(2026, 1, 31), "2026-02-28"),
    ("3个月内", MONDAY, "2026-06-02"),
    # full-width forms typed by Chinese input methods
    ("３月１２日", MONDAY, "2026-03-12"),
    ("１２号", MONDAY, "2026-03-12"),
    ("我们Ｆｒｉｄａｙ签", MONDAY, "2026-03-06"),
    ("我们Ｆｒｉ签", MONDAY, "2026-03-06"),
])
def test_day_forms_resolve(text: str, today: dt.date, expected: str) -> None:
    assert resolve_day(text, today) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("text", [
    "next month", "Q3", "maybe in Q3", "later this year", "soon", "next week", "in March",
    "in a few weeks", "sometime", "下个月", "过段时间", "下半年", "第三季度", "下周", "尽快", "回头",
    "in the 3rd quarter", "3月中旬", "月初",
])
def test_vague_times_name_no_day(text: str) -> None:
    times = find_times(text, MONDAY)
    assert times and all(t.due is None for t in times)


@pytest.mark.parametrize("text", [
    "We work 24/7.", "It was 50/50.", "May I ask a question?", "We sat down together.",
    "2月30日", "Great product!", "I am wed to this idea", "我们的日常工作",
])
def test_non_dates_are_not_days(text: str) -> None:
    assert resolve_day(text, MONDAY) is None


def test_past_days_are_not_chosen() -> None:
    assert resolve_day("上周三", MONDAY) is None
    assert resolve_day("March 1", MONDAY) is None  # a reference to the past, not a deadline
    assert resolve_day("We decided last Friday.", MONDAY) is None


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("last Friday", MONDAY, "2026-02-27"),
    ("last Monday", MONDAY, "2026-02-23"),
    ("last Wednesday", THURSDAY, "2026-03-04"),
    ("this past Tuesday", THURSDAY, "2026-03-03"),
])
def test_last_weekday_is_the_latest_one_behind_us(text: str, today: dt.date,
                                                  expected: str) -> None:
    [mention] = find_times(text, today)
    assert mention.due == dt.date.fromisoformat(expected)


def test_explicit_date_outranks_weekday_in_the_same_text() -> None:
    assert resolve_day("on Friday, or at the latest March 20", MONDAY) == dt.date(2026, 3, 20)


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("两", 2), ("五", 5),
])
def test_chinese_numbers(text: str, value: int) -> None:
    assert zh_number(text) == value


def test_a_week_from_a_weekday_is_the_one_after_the_coming_one() -> None:
    wednesday = dt.date(2026, 3, 4)
    for text in ("a week from Friday", "Friday week", "one week after Friday"):
        assert resolve_day(text, wednesday) == dt.date(2026, 3, 13), text
    assert resolve_day("Weds", wednesday) == dt.date(2026, 3, 11)
    assert resolve_day("Friday weekly sync", wednesday) == dt.date(2026, 3, 6)


WEDNESDAY = dt.date(2026, 3, 4)


@pytest.mark.parametrize(("text", "expected"), [
    ("4月底", "2026-04-30"),  # April's end, not this month's
    ("1月底", "2027-01-31"),
    ("下个月底", "2026-04-30"),
    ("end of March", "2026-03-31"),
    ("by the end of April", "2026-04-30"),
    ("Friday 13th", "2026-03-13"),
    ("Weds the 11th", "2026-03-11"),
    ("Friday 13th March", "2026-03-13"),
])
def test_named_month_ends_and_weekday_ordinals(text: str, expected: str) -> None:
    assert resolve_day(text, WEDNESDAY) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("text", [
    "Thursday March 13",  # the 13th is a Friday: one of the two is wrong
    "3月9日（周二）",  # 9 March is a Monday
    "Friday 12th",
    "半个月内",  # about two weeks, not the month's end
    "节后", "国庆节后", "春节以后",
])
def test_a_contradicted_or_approximate_day_is_no_day(text: str) -> None:
    assert resolve_day(text, WEDNESDAY) is None


def test_a_dotted_date_with_a_year_is_day_first_whatever_the_mails_order() -> None:
    mentions = find_times("12.03.2026", WEDNESDAY, None, "md")
    assert [m.due for m in mentions] == [dt.date(2026, 3, 12)]


@pytest.mark.parametrize("text", ["三号楼", "地铁2号线", "5号院", "12号门"])
def test_numbered_buildings_and_lines_are_no_day(text: str) -> None:
    assert resolve_day(text, WEDNESDAY) is None


def test_an_english_mail_from_plus_eight_leaves_an_ambiguous_numeric_date_undecided() -> None:
    from dealnudge.analyzer.text_locale import numeric_order
    sent = dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert numeric_order("We will issue the PO on 3/12.", sent) is None  # Singapore or Shanghai?
    assert numeric_order("我们3/12下单。", sent) == "md"  # the language decides
