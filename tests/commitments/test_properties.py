"""Properties: quotes and signatures never change the result; future phrases never land
in the past; stripping is idempotent on any text."""

from __future__ import annotations

import datetime as dt

from dealnudge.analyzer.commitments import Author, extract_commitments
from dealnudge.analyzer.quotes import strip_quoted, zones
from hypothesis import given, settings
from hypothesis import strategies as st

NEW_TEXTS = [
    "We will send the signed order form on Friday.", "我们下周三安排王总参加评审。",
    "Let's meet next Tuesday at 3pm.", "我们内部评估一下，回头再联系。",
    "Could you sign by March 20?", "Great product, thanks!", "I'll send the quote tomorrow.",
    "咱们月底前一起把方案定下来。", "As agreed, you'll bring Dana to the review on the 15th.",
    "OK，我们 next Friday 把 PO 发给您。", "Hi Tom,\n\nThanks for today.\nWe'll decide by 3/20.",
]
QUOTED_PROMISES = [
    "I'll send the revised contract on Friday.", "我周五前把合同草稿发给您。",
    "Let's meet on Thursday.", "您说下周三会安排王总参加。", "We will sign tomorrow.",
]
QUOTE_HEADERS = [
    "On Mon, Mar 2, 2026 at 9:00 AM Tom Reed <tom@northwind.example> wrote:",
    "李明 <liming@northwind.example> 于2026年3月1日周日 18:22写道：",
    "-----Original Message-----\nFrom: Tom Reed\nSent: Sunday, March 1, 2026\nTo: Dana",
    "发件人：李明 <liming@northwind.example>\n发送时间：2026年3月1日 18:22\n收件人：张伟",
    "------------------ 原始邮件 ------------------",
    "在 2026-03-01 18:22:10，\"李明\" <liming@northwind.example> 写道：",
    "On Mar 1, 2026, at 18:22, Tom Reed <tom@northwind.example> wrote:",
]
SIGNATURES = [
    "Best regards,\nDana Smith\nAcme Corp\n+1 212 555 0199", "Thanks,\nDana",
    "-- \nDana Smith | dana@acme.example", "此致\n敬礼！\n张伟\n华信科技", "祝好\n张伟",
    "Sent from my iPhone", "发自我的iPhone", "顺祝商祺\n张伟",
]
FUTURE_PHRASES = [
    "Friday", "next Tuesday", "this Thursday", "tomorrow", "the day after tomorrow",
    "in 3 days", "within a week", "end of the month", "end of next week", "the 15th",
    "周五", "下周三", "下下周一", "明天", "后天", "大后天", "三天后", "一周内",
    "月底前", "本周内", "15号", "下个月5号",
]

sent_times = st.builds(
    lambda day, minutes, offset: dt.datetime.combine(
        day, dt.time(), tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    + dt.timedelta(minutes=minutes),
    st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
    st.integers(0, 24 * 60 - 1),
    st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
)
authors: st.SearchStrategy[Author] = st.sampled_from(["customer", "seller"])


def keys(text: str, sent_at: dt.datetime, author: Author) -> list[tuple[object, ...]]:
    return [(c.actor, c.due, c.vague) for c in
            extract_commitments(text, sent_at=sent_at, author=author)]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NEW_TEXTS), st.sampled_from(QUOTE_HEADERS),
       st.lists(st.sampled_from(QUOTED_PROMISES), min_size=1, max_size=3),
       st.sampled_from(SIGNATURES), st.booleans(), sent_times, authors)
def test_quotes_and_signatures_never_change_the_result(
        new: str, header: str, quoted: list[str], signature: str, angle: bool,
        sent_at: dt.datetime, author: Author) -> None:
    prefix = "> " if angle else ""
    quote = header + "\n" + "\n".join(prefix + line for line in quoted)
    expected = keys(new, sent_at, author)
    assert keys(f"{new}\n\n{signature}", sent_at, author) == expected
    assert keys(f"{new}\n\n{quote}", sent_at, author) == expected
    assert keys(f"{new}\n\n{signature}\n\n{quote}", sent_at, author) == expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FUTURE_PHRASES), sent_times, authors,
       st.sampled_from(["We will sign the contract {}.", "我们{}签合同。", "Let's meet {}.",
                        "I'll send the quote by {}.", "我{}把报价发给您。"]))
def test_future_phrases_never_land_before_the_sent_day(
        phrase: str, sent_at: dt.datetime, author: Author, template: str) -> None:
    found = extract_commitments(template.format(phrase), sent_at=sent_at, author=author)
    assert found, template.format(phrase)
    for commitment in found:
        assert commitment.due is not None and commitment.due >= sent_at.date()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab >-\n:：,.我您写道于在OnwroteFrmSn1")), max_size=80))
def test_stripping_is_idempotent_on_any_text(text: str) -> None:
    once = strip_quoted(text)
    assert strip_quoted(once) == once
    assert zones(text).new == once


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)), st.integers(1, 12),
       st.integers(1, 28), st.sampled_from(["We will sign on {m}/{d}.", "我们{m}月{d}日签合同。"]))
def test_dates_without_year_fall_between_two_months_back_and_a_year_ahead(
        today: dt.date, month: int, day: int, template: str) -> None:
    from dealnudge.analyzer.dates import find_times

    [mention] = find_times(template.format(m=month, d=day), today)
    assert mention.due is not None
    assert -62 <= (mention.due - today).days <= 366


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), sent_times, authors)
def test_any_text_gives_well_formed_commitments(text: str, sent_at: dt.datetime,
                                                author: Author) -> None:
    for commitment in extract_commitments(text, sent_at=sent_at, author=author):
        assert commitment.actor in ("customer", "seller", "joint")
        assert commitment.vague == (commitment.due is None)
        assert commitment.due is None or commitment.due >= sent_at.date()
        assert commitment.text and commitment.text in text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NEW_TEXTS + QUOTED_PROMISES + SIGNATURES + QUOTE_HEADERS
                                + ["> quoted line", "", "Hi Tom,", "谢谢！", "Thanks!"]),
                max_size=12))
def test_stripping_is_idempotent_on_mail_like_text(lines: list[str]) -> None:
    once = strip_quoted("\n".join(lines))
    assert strip_quoted(once) == once
    assert zones("\n".join(lines)).new == once  # what ``explain`` shows is what was judged
