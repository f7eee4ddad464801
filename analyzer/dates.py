"""Find and resolve the days people name in English and Chinese sales mail.

Why a focused grammar and not a library: measured on our own sentences (the libraries
compared are listed in bench/README.md) dateparser reads "We" as Wednesday and "3月12日" as June 14, ctparse and
parsedatetime know no Chinese, jionlp knows no English and weighs ~220 MB, and the one
library good at both runs at ~100 sentences/s. A commitment only needs a *day*, so a
single compiled alternation plus a small resolver covers what mail actually says, at
tens of thousands of sentences per second, with no dependencies.

Policy (all relative to ``today``, the sent day in the sender's own zone; weeks start
on Monday):

* bare weekday ("Friday", "周五", "by Friday", "周五前"): the next such day strictly
  after today — the same week if still ahead, else next week ("Friday" said on Friday
  means a week later).
* "this Friday" / "本周五" / "这周五": Friday of the current calendar week; in English
  only, once that day has passed, "this Thursday" (said on Friday) is the coming one.
* "last Friday" / "this past Friday" / "上周五": a day behind us (never a due day).
* "next Friday" / "下周五" / "Friday next week": Friday of next calendar week;
  "下下周一" / "Monday the week after next": the week after that.
* deadlines name their last day: "end of the week" / "this week" / "本周内" /
  "下周之前" → Friday of this week (today when that has passed); "end of next week" /
  "下周内" → next week's Friday; "end of the month" / "月底前" → the month's last day.
* "in N days" / "N天后" / "N天内" / "within a week" / "一周内" → today + N days
  (business days skip Saturday and Sunday).
* a date without a year rolls forward a year when it would be more than ~2 months in
  the past (so "Jan 5" written on Dec 28 is next January).
* numeric dates ("3/12", "3.12号", "12/03/2026") are read in the order the caller
  passes (analyzer.text_locale decides it per mail); a weekday beside the date
  ("Tuesday 15/9", "3/28（周六）") picks the reading it matches; when the order is
  undecided and the two readings differ, the mention is vague, never a guessed day.
* "the week of March 9", and a choice of days ("Thursday or Friday", "周二或周四"),
  are vague; "this weekend" / "周末" is the Saturday, "by the weekend" the Friday.
* "the 15th" / "15号": this month if the day has not passed, else next month.
* times of day only anchor a day ("Thursday at 3pm", "周四下午三点" → Thursday).
* month-level or looser times ("next month", "Q3", "in March", "下个月", "下周",
  "next week", "soon") are *vague*: a next step without a day.
"""

from __future__ import annotations

import datetime as dt
import re
import re._constants as _sre
import re._parser as _sre_parse
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from dealnudge.analyzer.text_calendar import (
    add_business_days,
    add_months,
    coming,
    day_of_month,
    month_day,
    month_end,
    ordinal_word,
    safe_date,
    week_friday,
    week_start,
    zh_number,
)
from dealnudge.analyzer.text_locale import Order, readings
from dealnudge.analyzer.text_time_patterns import EXPLICIT, PATTERNS


@dataclass(frozen=True)
class TimeMention:
    """One time expression: a resolved day, or a vague time with ``due`` None."""

    start: int
    end: int
    due: dt.date | None
    rank: int = 1  # 0 explicit date, 1 weekday or relative day, 2 "end of day" alone


_EN_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "saturday": 5, "sunday": 6,
}
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
               "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2}




def _r_iso(m: re.Match[str], today: dt.date) -> dt.date | None:
    return safe_date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))


def _r_iso8(m: re.Match[str], today: dt.date) -> dt.date | None:
    return safe_date(int(m["iso8_y"]), int(m["iso8_m"]), int(m["iso8_d"]))


def _r_en_md(m: re.Match[str], today: dt.date) -> dt.date | None:
    return month_day(today, _MONTHS[m["en_md_m"]], int(m["en_md_d"]), m["en_md_y"])


def _r_en_dm(m: re.Match[str], today: dt.date) -> dt.date | None:
    return month_day(today, _MONTHS[m["en_dm_m"]], int(m["en_dm_d"]), m["en_dm_y"])


def _r_num_dm(m: re.Match[str], today: dt.date) -> dt.date | None:
    return month_day(today, _MONTHS[m["num_dm_m"]], int(m["num_dm_d"]), m["num_dm_y"])


def _r_en_in(m: re.Match[str], today: dt.date) -> dt.date | None:
    raw = " ".join(m["en_in_n"].split())
    count = int(raw) if raw.isdigit() else _EN_NUMBERS[raw]
    return _ahead(today, count, m["en_in_u"])


def _ahead(today: dt.date, count: int, unit: str) -> dt.date:
    """``count`` units after today: days, business days, weeks, months or hours."""
    if unit.startswith(("business", "working", "个工作日")):
        return add_business_days(today, count)
    if unit.startswith(("hour", "小时", "个小时")):
        return today + dt.timedelta(days=count // 24)
    if unit.startswith(("month", "个月")):
        year, month = add_months(today, count)
        return safe_date(year, month, today.day) or month_end(year, month)
    weekly = unit.startswith("week") or unit.endswith(("星期", "礼拜", "周"))
    return today + dt.timedelta(days=count * (7 if weekly else 1))


def _r_en_wd(m: re.Match[str], today: dt.date) -> dt.date | None:
    day = _en_weekday(today, m["en_wd_d"], "", m["en_wd_post"] or "")
    return day + dt.timedelta(days=7) if m["en_wd_week"] and not m["en_wd_post"] else day


def _r_en_wkfrom(m: re.Match[str], today: dt.date) -> dt.date | None:
    return coming(today, _EN_WEEKDAYS[m["en_wkfrom_d"]]) + dt.timedelta(days=7)


def _r_en_wdm(m: re.Match[str], today: dt.date) -> dt.date | None:
    return _en_weekday(today, m["en_wdm_d"], m["en_wdm_mod"], "")


def _en_weekday(today: dt.date, name: str, mod: str, post: str) -> dt.date:
    weekday = _EN_WEEKDAYS[name]
    mod, post = " ".join(mod.split()), " ".join(post.split())
    if post == "week after next":
        return week_start(today, 2) + dt.timedelta(days=weekday)
    if mod in ("next", "the following", "following") or post == "next week":
        return week_start(today, 1) + dt.timedelta(days=weekday)
    if post == "this week":
        return week_start(today) + dt.timedelta(days=weekday)
    if mod in ("last", "past", "this past"):  # the latest such day strictly before today
        return today - dt.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    if mod == "this":  # "this Thursday" said on Friday means the coming one
        this_week = week_start(today) + dt.timedelta(days=weekday)
        return this_week if this_week >= today else coming(today, weekday)
    return coming(today, weekday)


def _r_zh_wd(m: re.Match[str], today: dt.date) -> dt.date | None:
    raw = m["zh_wd_d"]
    weekday = int(raw) - 1 if raw.isdigit() else _ZH_WEEKDAYS[raw]
    mod = (m["zh_wd_mod"] or "").replace("个", "")
    if not mod:
        return coming(today, weekday)
    weeks = {"下下": 2, "下": 1, "这": 0, "本": 0, "上": -1, "上上": -2}[mod]
    return week_start(today, weeks) + dt.timedelta(days=weekday)


def _r_zh_md(m: re.Match[str], today: dt.date) -> dt.date | None:
    month, day = zh_number(m["zh_md_m"]), zh_number(m["zh_md_d"])
    if month is None or day is None:
        return None
    return month_day(today, month, day, m["zh_md_y"])


def _r_zh_nmd(m: re.Match[str], today: dt.date) -> dt.date | None:
    year, month = add_months(today, 1)
    day = zh_number(m["zh_nmd_d"])
    return None if day is None else safe_date(year, month, day)


def _r_zh_eom(m: re.Match[str], today: dt.date) -> dt.date | None:
    mod = (m["zh_eom_mod"] or "").replace("个", "")
    if mod == "下":
        return month_end(*add_months(today, 1))
    if m["zh_eom_n"]:
        month = zh_number(m["zh_eom_n"])
        return None if month is None or not 1 <= month <= 12 else _named_month_end(today, month)
    return month_end(today.year, today.month)


def _named_month_end(today: dt.date, month: int) -> dt.date:
    """The last day of the named month: this year's, or next year's once it has passed."""
    found = month_end(today.year, month)
    return found if found >= today else month_end(today.year + 1, month)


def _r_en_wdord(m: re.Match[str], today: dt.date) -> dt.date | None:
    """"Friday 13th": the next 13th that is a Friday (this month or the next two); a day
    that matches no such date ("Friday 12th" in a month where the 12th is a Thursday)
    is no day."""
    weekday, dom = _EN_WEEKDAYS[m["en_wdord_w"]], int(m["en_wdord_d"] or m["en_wdord_n"])
    for ahead in range(3):
        year, month = add_months(today, ahead)
        found = safe_date(year, month, dom)
        if found is not None and found >= today and found.weekday() == weekday:
            return found
    return None


_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def _r_en_nthwd(m: re.Match[str], today: dt.date) -> dt.date | None:
    """"The second Sunday in August": that day of the named month, this year's or next."""
    weekday, nth = _EN_WEEKDAYS[m["nthwd_w"]], _NTH[m["nthwd_n"]]
    month = _MONTHS[m["nthwd_m"].rstrip(".")]
    for year in (today.year, today.year + 1):
        days = [d for d in (safe_date(year, month, dom) for dom in range(1, 32))
                if d is not None and d.weekday() == weekday]
        found = days[nth - 1] if nth > 0 else days[-1]
        if found >= today:
            return found
    return None


def _r_zh_wkin(m: re.Match[str], today: dt.date) -> dt.date | None:
    mod = m["zh_wkin_mod"].replace("个", "")
    within_next = mod == "下" and m["zh_wkin_k"].endswith("内")
    return week_friday(today, 1 if within_next else 0)


def _r_zh_nd(m: re.Match[str], today: dt.date) -> dt.date | None:
    count = zh_number(m["zh_nd_n"])
    if count is None:
        return None
    return _ahead(today, count, m["zh_nd_u"])


def _r_zh_rel(m: re.Match[str], today: dt.date) -> dt.date | None:
    word = m["zh_rel_w"]
    offset = 0 if word.startswith("今") else 2 if word == "后天" else 1
    return today + dt.timedelta(days=offset)


def _r_en_eoq(m: re.Match[str], today: dt.date) -> dt.date | None:
    return _quarter_end(today, int(m["en_eoq_q"]) if m["en_eoq_q"] else None)


def _r_zh_eoq(m: re.Match[str], today: dt.date) -> dt.date | None:
    return _quarter_end(today, zh_number(m["zh_eoq_q"]) if m["zh_eoq_q"] else None)


def _quarter_end(today: dt.date, quarter: int | None) -> dt.date:
    """Last day of the given quarter (this year, or next once passed), or of this one."""
    if quarter is None:
        quarter = (today.month - 1) // 3 + 1
    found = month_end(today.year, quarter * 3)
    return found if found >= today else month_end(today.year + 1, quarter * 3)


def _weekend(today: dt.date, next_week: bool) -> dt.date:
    """Saturday of this week (today once it has begun) or of next week."""
    saturday = week_start(today, 1 if next_week else 0) + dt.timedelta(days=5)
    return max(today, saturday)


def _r_en_nwwd(m: re.Match[str], today: dt.date) -> dt.date | None:
    return week_start(today, 1) + dt.timedelta(days=_EN_WEEKDAYS[m["en_nwwd_d"]])


def _fixed(offset: int) -> Callable[[re.Match[str], dt.date], dt.date | None]:
    def resolve(m: re.Match[str], today: dt.date) -> dt.date | None:
        return today + dt.timedelta(days=offset)
    return resolve


def _vague(m: re.Match[str], today: dt.date) -> dt.date | None:
    return None


_RESOLVERS: dict[str, Callable[[re.Match[str], dt.date], dt.date | None]] = {
    "iso": _r_iso, "iso8": _r_iso8,
    "md_dash": lambda m, today: month_day(today, int(m["md_dash_m"]), int(m["md_dash_d"]), None), "num_dm": _r_num_dm, "en_md": _r_en_md, "en_dm": _r_en_dm,
    "en_weekof": _vague,
    "en_from_today": lambda m, today: _ahead(today, _EN_NUMBERS[m["eft_n"]], m["eft_u"]),
    "zh_tmd": lambda m, today: safe_date(today.year, today.month, zh_number(m["zh_tmd_d"]) or 0),
    "en_word_ord": lambda m, today: month_day(today, _MONTHS[m["wo_m"]],
                                              ordinal_word(m["wo_d"]), None),
    "en_ord": lambda m, today: day_of_month(today, int(m["ord_d"])),
    "num_ord": lambda m, today: day_of_month(today, int(m["num_ord_d"])),
    "en_dat": _fixed(2), "en_tom": _fixed(1), "en_today": _fixed(0), "en_eod": _fixed(0),
    "en_in": _r_en_in,
    "en_eonw": lambda m, today: week_friday(today, 1),
    "en_eow": lambda m, today: week_friday(today, 0),
    "en_wkby": lambda m, today: week_friday(today, 0),
    "en_wkend": lambda m, today: _weekend(today, m["en_wkend_mod"] == "next"),
    "en_nextwk": _fixed(7),
    "zh_wkend": lambda m, today: _weekend(today, (m["zh_wkend_mod"] or "").startswith("下")),
    "en_eonm": lambda m, today: month_end(*add_months(today, 1)),
    "en_eom": lambda m, today: month_end(today.year, today.month),
    "en_eonamed": lambda m, today: (month_end(int(m["en_eonamed_y"]), _MONTHS[m["en_eonamed_m"].rstrip(".")])
                                    if m["en_eonamed_y"] else
                                    _named_month_end(today, _MONTHS[m["en_eonamed_m"].rstrip(".")])),
    "en_wdord": _r_en_wdord, "en_nthwd": _r_en_nthwd,
    "en_eoy": lambda m, today: dt.date(today.year, 12, 31), "en_eoq": _r_en_eoq,
    "zh_eoq": _r_zh_eoq,
    "en_nwwd": _r_en_nwwd, "en_wkfrom": _r_en_wkfrom, "en_wdm": _r_en_wdm, "en_wd": _r_en_wd, "en_vague": _vague,
    "zh_nmd": _r_zh_nmd, "zh_md": _r_zh_md, "zh_eom": _r_zh_eom,
    "zh_eoy": lambda m, today: dt.date(today.year, 12, 31),
    "zh_wkin": _r_zh_wkin, "zh_wd": _r_zh_wd,
    "zh_thismonth": lambda m, today: month_end(today.year, today.month),
    "zh_thiswk": lambda m, today: week_friday(today, 0),
    "zh_dat": _fixed(3), "zh_rel": _r_zh_rel, "zh_nd": _r_zh_nd,
    "zh_day": lambda m, today: day_of_month(today, zh_number(m["zh_day_d"])),
    "zh_vague": _vague,
}
_VAGUE_KINDS = frozenset({"en_vague", "zh_vague", "en_weekof"})


def _family(name: str) -> str:
    return "num" if name in ("iso", "iso8", "md_dash", "num_dm", "us", "dot") else name.split("_")[0]


# Where a family's match can start: one character (a digit, an English word's first
# letter, a Chinese pattern's first character), so no other position is tried. The
# English family is tried there only with its patterns that can start with the letter.
_ZH_FIRST = "下这本上周星礼今明后大月年第过改近尽回有找以将晚半零〇一二两三四五六七八九十0123456789"
_STARTS = {"en": "abcdefghijklmnopqrstuvwxyz"}
_GUARDS = {"num": "[0-9]", "en": r"(?<![a-z0-9])[a-z]", "zh": f"[{_ZH_FIRST}]"}


# Full-width digits and letters ("３", "Ｆ"); full-width punctuation ("，", "：") is
# common and the patterns accept it as it is.
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold(text: str) -> str:
    """Lower-case, with full-width forms folded ("３月１２日", "Ｆｒｉｄａｙ"): Chinese input
    methods type them, and the patterns are written for the ASCII forms. Traditional
    characters of the words the patterns use ("會議", "週五", "預計") read as simplified,
    one character for one, so offsets stay those of the text."""
    if text.isascii():
        return text.lower()
    low = text.lower() if _FULL_WIDTH.search(text) is None else unicodedata.normalize(
        "NFKC", text).lower()  # NFKC is costly; rarely needed
    return low.translate(_TRADITIONAL) if _TRADITIONAL_CHAR.search(low) else low


_TRADITIONAL_CHAR = re.compile("[" + "們會議週號時間點後貴說確認開發給簽約見準備將報還這個來過參請嗎聯繫禮與對應題預計繳經總訂單貨匯轉帳幫裡麼為無沒問關於從讓處辦傳達歡謝隊場務業產評審論試驗標價錢額費條規劃圖團導長書記電話郵線網頁連結較讀寫學習課實現際師員門東車舉佈調換遲啟動狀態歷曆層樓館區鐘夠討內決盡負責維護術衝機鬆麗讚買賣戶碼興專衛戰爭創設屆聽頭變證據頻適當兩歲節陽農廠採購緊寶順熱邊擔憂徵職錄蓋紀賬託飯級屬廣灣臺" + "]")
# Traditional → simplified for the characters of mail words about dates, meetings and
# promises (Taiwan, Hong Kong); a character-for-character table keeps offsets.
_TRADITIONAL = str.maketrans(
    "們會議週號時間點後貴說確認開發給簽約見準備將報還這個來過參請嗎聯繫禮與對應題預計繳經總訂單貨匯轉帳幫裡麼為無沒問關於從讓處辦傳達歡謝隊場務業產評審論試驗標價錢額費條規劃圖團導長書記電話郵線網頁連結較讀寫學習課實現際師員門東車舉佈調換遲啟動狀態歷曆層樓館區鐘夠討內決盡負責維護術衝機鬆麗讚買賣戶碼興專衛戰爭創設屆聽頭變證據頻適當兩歲節陽農廠採購緊寶順熱邊擔憂徵職錄蓋紀賬託飯級屬廣灣臺",
    "们会议周号时间点后贵说确认开发给签约见准备将报还这个来过参请吗联系礼与对应题预计缴经总订单货汇转账帮里么为无没问关于从让处办传达欢谢队场务业产评审论试验标价钱额费条规划图团导长书记电话邮线网页连结较读写学习课实现际师员门东车举布调换迟启动状态历历层楼馆区钟够讨内决尽负责维护术冲机松丽赞买卖户码兴专卫战争创设届听头变证据频适当两岁节阳农厂采购紧宝顺热边担忧征职录盖纪账托饭级属广湾台")


def any_of(substrings: tuple[str, ...]) -> Callable[[str], re.Match[str] | None] | None:
    """A search for any of ``substrings``, or None when there are none."""
    return re.compile(substrings_pattern(substrings)).search if substrings else None


def substrings_pattern(substrings: tuple[str, ...]) -> str:
    """A pattern that finds any of ``substrings``, written as a trie ("m(?:eet|ov)|c(?:all|lass)"
    rather than "meet|mov|call|class"): the engine tries one alternative per first character
    instead of every substring at every position, 2-4x cheaper for long lists. It finds a
    substring wherever the plain alternation does (only whether one is found matters)."""
    trie: dict[str, Any] = {}
    for substring in substrings:
        node = trie
        for char in substring:
            node = node.setdefault(char, {})
        node[""] = {}  # a substring ends here: whatever follows, it is found
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    if "" in node:
        return ""  # a shorter substring ends here, so the longer ones need not be tried
    alternatives = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items())]
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


def ascii_bounds(pattern: str) -> str:
    """Read ``\\b`` as the end of an ASCII word, so "我们Friday签" still has a "Friday"."""
    return pattern.replace("\\b", "(?![a-z0-9])")


def _compile_family(family: str) -> re.Pattern[str]:
    return re.compile(f"(?={_GUARDS[family]})" + ascii_bounds("(?:" + "|".join(
        f"(?P<{name}>{body})" for name, body in PATTERNS if _family(name) == family) + ")"))


_NUM_RE = _compile_family("num")


# The characters a pattern can match first, among those that can start a family's match
# (``alphabet``), as far as its parsed form tells: zero-width items (look-arounds,
# anchors) are stepped over, and anything not understood counts as any character of the
# alphabet, so the set is never too small.
def _first_chars(items: Any, alphabet: frozenset[str]) -> tuple[frozenset[str], bool]:
    """The characters ``items`` (a parsed pattern) can start with, and whether it can
    match the empty string (then what follows it may start the match too)."""
    found: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            return frozenset(found | ({chr(av)} & alphabet)), False
        if op is _sre.IN:
            for kind, value in av:
                if kind is _sre.LITERAL:
                    found |= {chr(value)} & alphabet
                elif kind is _sre.RANGE:
                    found |= {char for char in alphabet if value[0] <= ord(char) <= value[1]}
                elif kind is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
                    found |= set("0123456789") & alphabet  # the alphabets hold no other digit
                else:  # a negated set, another category (\w): any character
                    return alphabet, False
            return frozenset(found), False
        if op is _sre.SUBPATTERN or op is _sre.BRANCH or op in _REPEATS:
            parts = [av[3]] if op is _sre.SUBPATTERN else av[1] if op is _sre.BRANCH else [av[2]]
            empty = op in _REPEATS and av[0] == 0
            for part in parts:
                chars, part_empty = _first_chars(part, alphabet)
                found |= chars
                empty = empty or part_empty
            if not empty:
                return frozenset(found), False
        elif op not in _ZERO_WIDTH:
            return alphabet, False  # ".", a back reference …: any character
    return frozenset(found), True


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT)


class _ByFirstChar:
    """A family of patterns, tried only where the family's guard lets a match start, and
    there only with the patterns that can start with the character found.

    Same matches as one alternation behind the guard (the patterns keep their order
    within each character's alternation, and the others cannot match there), but the
    engine no longer tries every alternative at every candidate: the English family
    alone tried about thirty at every word of every clause, and was the most costly
    regex of extraction.
    """

    def __init__(self, patterns: list[tuple[str, str]], start: str, alphabet: frozenset[str]) -> None:
        starts = []
        for name, body in patterns:
            chars, empty = _first_chars(_sre_parse.parse(ascii_bounds(body)), alphabet)
            if empty:
                raise ValueError(f"{name} can match the empty string")
            starts.append((chars, f"(?P<{name}>{body})"))
        self._by_char = {
            char: re.compile(ascii_bounds("(?:" + "|".join(
                alternative for chars, alternative in starts if char in chars) + ")"))
            for char in sorted(alphabet) if any(char in chars for chars, _ in starts)}
        # one character where the family's guard holds, and only one a pattern can start
        # with: no English pattern starts with "b", "h", "r" …, so "be", "have", "review"
        # are passed over by the engine rather than by the loop below
        self._start = re.compile(f"(?:{start})(?<=[{''.join(map(re.escape, self._by_char))}])")

    def finditer(self, low: str) -> Iterator[re.Match[str]]:
        end = 0
        by_char = self._by_char
        for candidate in self._start.finditer(low):
            start = candidate.start()
            if start < end:
                continue
            found = by_char[low[start]].match(low, start)
            if found is not None:
                end = found.end()
                yield found


def _by_first_char(family: str) -> _ByFirstChar:
    patterns = [(name, body) for name, body in PATTERNS if _family(name) == family]
    return _ByFirstChar(patterns, _GUARDS[family], frozenset(_STARTS[family]))


_EN_RE, _ZH_RE = _by_first_char("en"), _compile_family("zh")
_AFTER_HOLIDAY = re.compile(r"(?:国庆|春节|五一|十一|中秋|元旦|端午|清明|节|假期?|放假|开学)(?:之?后|以后|前后)")
_HAS_DIGIT = re.compile(r"[0-9]")
_HAS_LATIN = re.compile(r"[a-z]")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


# Every English time pattern contains one of these (or a digit): a clause without them
# skips the English family, which costs ~8 µs per clause otherwise.
_EN_GATE = ("day", "week", "mon", "tue", "wed", "thu", "fri", "tom", "tmr", "tmw", "tod", "tonight", "month",
            "hour", "in a few", "in a bit", "in a sec", "in a min", "way",
            "year", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
            "dec", "quarter", "eod", "cob", "eow", "business", "morning", "afternoon", "evening", "soon",
            "some", "late", "early", "mid", "point", "future", "road", "holiday")


# A trie: cheaper than fifty "in" tests when no word is there, the usual case (~1.7x on
# English text, ~15x on Chinese).
_NAMES_A_TIME = re.compile(substrings_pattern(_EN_GATE))


def _names_a_time(low: str) -> bool:
    return _NAMES_A_TIME.search(low) is not None


def may_name_a_time(low: str) -> bool:
    """False only if ``find_times`` finds nothing in ``low`` (``fold``ed) nor in any part
    of it: no digit, none of the words every English time pattern holds, and none of the
    characters a Chinese one starts with."""
    return _HAS_DIGIT.search(low) is not None or _names_a_time(low) or (
        not low.isascii() and _ZH_START.search(low) is not None)


_ZH_START = re.compile(_GUARDS["zh"])  # "后" of _AFTER_HOLIDAY's "节后" is one too


def folds_by_character(text: str) -> bool:
    """Whether ``fold`` maps ``text`` one character at a time, so that a part of it folds
    to the same part of ``fold(text)``: it does unless NFKC is applied (full-width forms),
    which can join a character with the next."""
    return _FULL_WIDTH.search(text) is None


def find_times(text: str, today: dt.date, low: str | None = None,
               order: Order | None = "md", scripts: tuple[bool, bool] | None = None
               ) -> list[TimeMention]:
    """Every day or vague time named in ``text``; unresolvable matches are dropped.

    ``low`` is ``text.lower()`` when the caller already has it. ``order`` says how the
    writer orders numeric dates ("3/10"); None means undecided, and a numeric date
    that reads two ways is then a vague time, never a guessed day. ``scripts`` is
    whether ``low`` has Latin letters ([a-z]) and CJK characters, when the caller
    already knows (``text_cues.Clause``).
    """
    low = fold(text) if low is None else low
    if scripts is None:
        latin, cjk = _HAS_LATIN.search(low) is not None, _HAS_CJK.search(low) is not None
    else:
        latin, cjk = scripts
    found: list[TimeMention] = []
    digits = _HAS_DIGIT.search(low) is not None
    if digits:
        found += _scan(_NUM_RE, text, low, today, order)
    if latin and (digits or _names_a_time(low)):
        found += _scan(_EN_RE, text, low, today, order)
    if cjk:
        found += _scan(_ZH_RE, text, low, today, order)
        if "后" in low:  # "节后", "国庆节后", "春节以后": after a holiday, no day
            found += [TimeMention(m.start(), m.end(), None, 1) for m in _AFTER_HOLIDAY.finditer(low)]
    found.sort(key=lambda t: (t.start, -t.end))
    kept: list[TimeMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    if len(kept) > 1:
        kept = _without_echoes(kept, low)
    if "after" in low or "后" in low:
        kept = [TimeMention(m.start, m.end, None, m.rank) if m.due is not None and (
            _AFTER_BEFORE.search(low, max(0, m.start - 16), m.start)
            or _AFTER_AFTER.match(low, m.end)) else m for m in kept]
    if len(kept) > 1 and ("之间" in low or "between" in low):
        kept = _not_between(kept, low)  # "5月21日到31日之间", "between March 21 and 31": no one day
    if " month" in low:  # "the first Saturday of the month": a standing date, no one day
        kept = [TimeMention(m.start, m.end, None, m.rank) if m.due is not None
                and _OF_THE_MONTH.match(low, m.end) else m for m in kept]
    if "except" in low or "除了" in low:  # "any day except Tuesday": ruled out, not named
        kept = [TimeMention(m.start, m.end, None, m.rank) if m.due is not None
                and _EXCEPT.search(low, max(0, m.start - 40), m.start) else m for m in kept]
    if len(kept) > 1 and ("/" in low or "-" in low or "–" in low or "—" in low or " to " in low
                          or " thr" in low) and any(m.rank == 1 for m in kept):
        kept = _no_weekday_span(kept, low)
    if " or " in low or "或" in low or "还是" in low or (len(kept) > 1 and _EITHER.search(low)):
        return _unless_a_choice(kept, low)
    return kept


# "Mon–Fri", "Wed/Thu/Fri", "Monday to Friday": a span or a choice of weekdays, no one day.
_WEEKDAY_SPAN = re.compile(r"(?<![a-z])(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
                           r"(?:\s*(?:/|–|—|-|to|through|thru)\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)+")


def _no_weekday_span(kept: list[TimeMention], low: str) -> list[TimeMention]:
    spans = [(m.start(), m.end()) for m in _WEEKDAY_SPAN.finditer(low)
             if re.search(r"/|–|—|-|to|thr", m.group(0)[3:])]
    if not spans:
        return kept
    return [TimeMention(m.start, m.end, None, m.rank) if m.due is not None and m.rank == 1 and any(
        lo <= m.start < hi for lo, hi in spans) else m for m in kept]


def _not_between(kept: list[TimeMention], low: str) -> list[TimeMention]:
    spans = []
    for first, second in pairwise(kept):
        joined = low[first.end:second.start]
        if (_RANGE_JOIN.fullmatch(joined) and low.startswith("之间", second.end + (
                len(low[second.end:]) - len(low[second.end:].lstrip())))) or (
                joined.strip() == "and" and low[max(0, first.start - 9):first.start].rstrip().endswith("between")):
            spans += [first.start, second.start]
    return [TimeMention(m.start, m.end, None, m.rank) if m.start in spans else m for m in kept]


_RANGE_JOIN = re.compile(r"\s*(?:到|至|-|–|~|～)\s*")
_OF_THE_MONTH = re.compile(r"\s+of\s+(?:the|each|every)\s+month(?![a-z])")
_EXCEPT = re.compile(r"(?<![a-z])except(?:\s+for)?(?![a-z])[^.;!?。；]*$|除了[^。；，,]*$")
# "after March 15", "3月15日之后": some time after the day, not the day.
_AFTER_BEFORE = re.compile(r"(?<![a-z])(?:until\s+|till\s+|not\s+)?after\s+(?:the\s+)?$")
_AFTER_AFTER = re.compile(r"\s*(?:之后|以后|后)(?![天日\d一二三四五六七八九十两])"
                          r"|[^\s，,。]{1,4}?(?:之后|以后|后)(?=再|才)")  # "下周三回来后再定"
_BESIDE = re.compile(r"[\s,，(（)）]{0,3}")


def _without_echoes(kept: list[TimeMention], low: str) -> list[TimeMention]:
    """Drop a weekday that only restates the date beside it ("3月12日（周四）",
    "Thursday, March 12"): the date decides, the weekday is no second day."""
    explicit = [m for m in kept if m.rank == 0]
    if not explicit:
        return kept
    clash: set[int] = set()  # explicit dates a weekday beside them contradicts
    dropped: set[int] = set()  # weekdays that only restate (or contradict) a date
    for m in kept:
        if m.rank == 0:
            continue
        beside = [e for e in explicit if _BESIDE.fullmatch(low, e.end, m.start)
                  or _BESIDE.fullmatch(low, m.end, e.start)]
        if not beside:
            continue
        dropped.add(id(m))
        if m.due is not None and _WEEKDAY_ONLY.fullmatch(low, m.start, m.end):
            # "Thursday March 13" (a Friday): which of the two is meant is unknown
            clash |= {id(e) for e in beside if e.due is not None
                      and e.due.weekday() != m.due.weekday()}
    return [TimeMention(m.start, m.end, None, m.rank) if id(m) in clash else m
            for m in kept if id(m) not in dropped]


_WEEKDAY_ONLY = re.compile(r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|weds|thu|thur"
                           r"|thurs|fri|sat|sun)\.?|(?:周|星期|礼拜)[一二三四五六日天]")


def _unless_a_choice(kept: list[TimeMention], low: str) -> list[TimeMention]:
    """Once two days are offered as a choice ("Thursday 10/8 or Friday 10/9", "周二或周四"),
    no day of the clause is decided."""
    if not any(m.due is not None and _offered_as_choice(m, low) for m in kept) and not (
            _EITHER.search(low) and len({m.due for m in kept if m.due is not None}) > 1):
        return kept
    return [m if m.due is None else TimeMention(m.start, m.end, None, m.rank) for m in kept]


# "9月12日 9月13日 都可以", "Monday and Tuesday both work": any of the days named, none chosen.
_EITHER = re.compile(r"都(?:可以|行|ok|没问题|方便)|均可|(?<![a-z])(?:either\s+(?:one\s+|day\s+)?(?:works|is\s+fine)"
                     r"|(?<![a-z])work(?:\s+(?:ok|okay|fine|well))?\s+for\s+(?:me|us)"
                     r"|both\s+(?:work|are\s+(?:fine|good|ok))|any\s+of\s+(?:those|these|them))(?![a-z])")
# "December 9 or 10", "周二或周四": a choice between days is not yet a day.
_OR_AFTER = re.compile(r"(?:\s*(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)?)?\s*(?:or|或者?|还是)\s*"
                       r"(?:on\s+)?(?:the\s+)?(?:\d|周|星期|礼拜|下|本|这|月|明|后|mon|tue|wed|thu|fri|sat"
                       r"|sun|early|mid|late|end|next)")
_OR_BEFORE = re.compile(r"(?:(?:\d|day|am|pm|[)）]|(?<![a-z])(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)\s+or\s+"
                        r"|[\d一二三四五六日天号][)）]?\s*(?:或者?|还是)\s*)(?:on\s+)?(?:the\s+)?"
                        r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?$")


def _offered_as_choice(mention: TimeMention, low: str) -> bool:
    if _HOURS_CHOICE.match(low, mention.end):
        return False  # "Tuesday at 4 or 5 pm", "周二下午4点或5点": one day, two hours
    return bool(_OR_AFTER.match(low, mention.end) or _OR_BEFORE.search(
        low, max(0, mention.start - 24), mention.start))


# Two clock times offered for one day: "at 4 or 5 pm", "4 or 5pm", "3:00 or 3:30", "下午4点或5点".
_HOURS_CHOICE = re.compile(
    r"\s*(?:at\s+)?(?:(?<=at\s)\d{1,2}(?::\d\d)?|\d{1,2}:\d\d|\d{1,2}(?=\s*(?:am|pm|or\s+\d{1,2}(?::\d\d)?\s*(?:am|pm))))"
    r"\s*(?:am|pm)?\s+or\s+\d{1,2}(?::\d\d)?\s*(?:am|pm|o['’]clock)?(?![\d/.]|\s*(?:st|nd|rd|th)\b)"
    r"|\s*(?:上午|下午|晚上)?[0-9一二三四五六七八九十两]{1,3}点(?:半)?\s*(?:或者?|还是)\s*[0-9一二三四五六七八九十两]{1,3}点")


def _scan(pattern: re.Pattern[str] | _ByFirstChar, text: str, low: str, today: dt.date,
          order: Order | None) -> list[TimeMention]:
    found: list[TimeMention] = []
    for m in pattern.finditer(low):
        kind = m.lastgroup or ""  # the alternative's own group closes last
        if kind in _WEEKDAY_GROUPS and not _weekday_word(m, kind, text):
            continue
        if kind in _NUMERIC_KINDS:
            numeric = _numeric(m, kind, low, today, order)
            if numeric is not None:
                found.append(numeric)
            continue
        due = _RESOLVERS[kind](m, today)
        if due is None and kind not in _VAGUE_KINDS:
            continue  # "24/7", "2月30日": looked like a date, is not one
        rank = 0 if kind in EXPLICIT else 2 if kind == "en_eod" else 1
        found.append(TimeMention(m.start(), m.end(), due, rank))
    return found


_NUMERIC_KINDS = frozenset({"us", "dot"})
_NEAR_WEEKDAY_BEFORE = re.compile(
    r"(?:(?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|"
    r"thur|thurs|fri|sat|sun)\.?|(?:周|星期|礼拜)(?P<zh>[一二三四五六日天]))[,，\s]*(?:the\s+)?$")
_NEAR_WEEKDAY_AFTER = re.compile(
    r"^\s*[（(]\s*(?:(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|(?:周|星期|礼拜)"
    r"(?P<zh>[一二三四五六日天]))\s*[)）]")
_EN_WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _numeric(m: re.Match[str], kind: str, low: str, today: dt.date,
             order: Order | None) -> TimeMention | None:
    """A numeric date, read in the writer's order; a weekday beside it decides first.

    When the two readings differ and nothing decides between them, the mention is a
    vague time: the step keeps "a day was named" without a guessed day.
    """
    first, second, year = int(m[kind + "_a"]), int(m[kind + "_b"]), m[kind + "_y"]
    days = [day for month, dom in readings(first, second)
            if (day := month_day(today, month, dom, year)) is not None]
    if not days:
        return None
    weekday = _weekday_beside(low, m.start(), m.end())
    if weekday is not None:
        days = [day for day in days if day.weekday() == weekday]
    if len(days) == 2 and kind == "dot" and year:
        days = [days[1]]  # "12.03.2026": dotted with a year is written day-first (Chinese writes 2026.3.12)
    if len(days) == 2:  # no weekday, or both readings fall on it
        days = [] if order is None else [days[0] if order == "md" else days[1]]
    return TimeMention(m.start(), m.end(), days[0] if len(days) == 1 else None, 0)


def _weekday_beside(low: str, start: int, end: int) -> int | None:
    before = _NEAR_WEEKDAY_BEFORE.search(low, max(0, start - 14), start)
    after = _NEAR_WEEKDAY_AFTER.search(low[end:end + 12])
    for found in (before, after):
        if found is not None:
            if found["zh"]:
                return _ZH_WEEKDAYS[found["zh"]]
            return _EN_WEEKDAY_INDEX[found["en"][:3]]
    return None


_WEEKDAY_GROUPS = {"en_wdord": "en_wdord_w", "en_wd": "en_wd_d", "en_wdm": "en_wdm_d", "en_nwwd": "en_nwwd_d",
                   "en_wkfrom": "en_wkfrom_d"}


def _weekday_word(m: re.Match[str], kind: str, text: str) -> bool:
    """Full weekday names always count; "Wed", "Fri" only capitalised ("wed" is a verb)."""
    start, end = m.span(_WEEKDAY_GROUPS[kind])
    if end - start >= 6:
        return True
    cased = unicodedata.normalize("NFKC", text) if _FULL_WIDTH.search(text) else text
    return cased[start:start + 1].isupper()


def best_day(times: list[TimeMention], today: dt.date) -> dt.date | None:
    """The best-ranked named day not before today (explicit dates first, then earliest)."""
    days = [t for t in times if t.due is not None and t.due >= today]
    return min(days, key=lambda t: (t.rank, t.start)).due if days else None


def resolve_day(text: str, today: dt.date) -> dt.date | None:
    """The day a text names, as a commitment would be dated."""
    return best_day(find_times(text, today), today)
