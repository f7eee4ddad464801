"""Read a reply against the day its quoted message proposed.

"Yes, Thursday works" and "有，到时候我一定来" commit the customer to the day the
quoted message proposed, but the quote itself is never evidence (a quoted seller
promise must not count). So the quote is read only for *proposed days*: explicit
calendar dates ("周四（7月30日）", "Tuesday, March 10"), which do not depend on when
the quoted message was written. Two uses:

* a weekday in the reply ("周四吧") that a proposed date shares, one or two weeks
  later than the plain reading, is that proposed date (the proposal said which
  Thursday);
* a reply that only accepts ("see you then", "到时候我一定来", "没问题") takes the
  proposed day when the quote proposed exactly one.
"""

from __future__ import annotations

import datetime as dt
import re

from dealnudge.analyzer.dates import TimeMention, find_times
from dealnudge.analyzer.text_cues import Cue
from dealnudge.analyzer.text_locale import Order

ACCEPTS = Cue(
    en=r"(?:works\s+(?:for\s+(?:me|us|both)|fine|great|well)|sounds\s+(?:good|great|fine)|"
       r"see\s+you\s+(?:then|there)|(?:i|we)['’]ll\s+(?:be|b)\s+there|(?:that|this)\s+(?:day|time|date|slot)"
       r"\s+(?:works|is\s+fine|suits)|count\s+(?:me|us)\s+in|let['’]s\s+(?:go\s+(?:for|with)|do|say|"
       r"make\s+it)|^\W*(?:ok(?:ay)?|yes|yep|sure(?:\s+thing)?|sounds\s+good|perfect|great|will\s+do|confirmed)\W*$"
       r"|(?:that|this)\s+will\s+be\s+(?:fine|good|perfect|great)|(?:that|this|it)(?:['’]s|['’]d\s+be|\s+is|\s+will|\s+(?:should|would)(?:\s+be)?)?\s+(?:works?|fine|good|perfect|great)"
       r"(?:\s+(?:for|with)\s+(?:me|us|both))?\s*[.!]*$|(?:i|we)\s+can\s+make\s+(?:it|that)"
       r"(?:\s+work)?|(?:talk|speak|chat)\s+(?:to\s+you\s+)?then"
       r"|(?:i|we)(?:['’]ll|\s+will)\s+(?:send|set\s+up)\s+(?:the|an?)\s+(?:calendar\s+)?invit[a-z]*"
       # "I'll be attending.", "Noted, will attend.", "I will join too.": the quoted event
       r"|^\W*(?:[a-z]+[,.!]+\s*)?(?:(?:i|we)\s*)?(?:['’]ll|will|['’]m|am|['’]re|are)?\s*(?:be\s+)?"
       r"(?:attending|attend|joining|join)(?:\s+(?:it|this|that|then|too|as\s+well|the\s+(?:call|meeting)))?"
       r"\s*[.!]*$|^\W*(?:\+1|i['’]?m\s+in(?=\W*$|\s+(?:too|as\s+well|for|\+1))|count\s+me\s+in|sign\s+me\s+up|i['’]ll\s+come(?!\s+back))\b"
       r"|^\W*(?:i['’]m\s+|we['’]re\s+)?going[.!]*$"  # "Going.": an RSVP
       # "Great, I'm in.", "I'm coming", "Will be there!", "I'd love to come", "RSVP yes"
       r"|^\W*(?:(?:great|yes|ok(?:ay)?|sure|cool)[,!.]*\s*)?(?:i['’]?m|we['’]re|i\s+am|we\s+are)\s+"
       r"(?:going|coming|in)(?:\s+too)?[.!]*$|^\W*(?:(?:i|we)\s*)?(?:['’]ll|will)\s+be\s+there\b"
       r"|sounds\s+like\s+a\s+plan|(?:i|we)['’]d\s+love\s+to\s+(?:come|join|attend)"
       r"|(?:i|we)\s+(?:will|['’]ll)\s+come[.!]*$|plan(?:ning)?\s+to\s+(?:attend|come|join)"
       r"|register\s+(?:me|us)|rsvp\W*yes|(?:send|provide|forward)\s+(?:me\s+|us\s+)?(?:a|an|the)\s+(?:calendar\s+)?invit[a-z]*|(?:i|we)\s*(?:am|['’]m|are|['’]re)\s+(?:fine|ok|okay|good|happy)\s+with\s+(?:that|this|it)|(?:it['’]s|that['’]s|is)\s+fine\s+(?:by|with)\s+(?:me|us)"
       r"|(?:that|this|[a-z]+day)\s+would\s+be\s+(?:perfect|great|fine|good|best|ideal)(?:\s+for\s+(?:me|us))?\W*$"
       r"|^\W*(?:ok(?:ay)?|fine|good|works)\s+(?:for|with)\s+(?:me|us)\W*$|^\W*should\s+be\s+(?:good|fine|ok(?:ay)?|great|perfect)\W*$"
       r"|^\W*(?:yes|yep|sure|ok(?:ay)?|perfect)[,.!\s]+(?:thanks?|thank\s+you)(?:\s+[a-z]+)?\W*$"
       r"|(?:that|this|the)\s+(?:day|time|date|slot)\s+(?:would|should|will)\s+(?:work|be\s+(?:fine|good|great))"
       # "I am pleased to confirm my availability": the offered interview or visit
       r"|confirm(?:ing)?\s+(?:my|our)\s+(?:availability|attendance|participation)"
       # "Yes, it's on": the event the quote asked about goes ahead
       r"|^\W*(?:yes[,!.]*\s*)?it['’]s\s+on(?=\W*$|[,.!;])"
       # "… and yes I will be on this call."
       r"|(?:i|we)(?:['’]ll|\s+will)\s+be\s+on\s+(?:this|the|that)\s+(?:call|meeting|zoom|webex|hangout)"
       r")\b",
    zh=r"(?:到场|到达|抵达)时间|到时候?(?:我|我们)?(?:一定|准时|会)?(?:来|到|参加|过去|见)|到时候?[^，,。！!]{0,6}?(?:等(?:你们?|您|各位)|恭候)|在[^，,。！!]{0,10}(?:等|恭候)(?:你们?|您|各位)|(?:那天|当天|这个时间|那个时间|^\W*时间)"
       r"(?:我们?|都|也|对我们?来说)*(?:可以|没问题|行|方便|合适)|就这么定|就这样定|一定(?:来|到|参加|准时)|准时(?:参加|到)"
       r"|(?:^|[，,\s])\W*(?:先|也|我也)?(?:\+1|报名|报上|报个名|算我一个)|(?:我|我们)?已(?:经)?(?:在[^，,。！!]{0,8})?报(?:了)?名|(?<![不没])来报名|^\W*(?:我|我们)也?(?:来|报名)\W*$|(?:我|我们)(?:也|一定|必须)?(?:想)?(?:去|参加)(?:[啊吧哈呀的了]|一下)?(?=\W*$|[，,。！!~])(?![^，,。！!]*(?:不|没))|(?:必须|一定)(?:去|来|到)(?=\W*$|[，,。！!~啊吧])|(?:走|开车|骑车)?过去\W*$|(?:^|[，,\s])(?:我们?|本人)?也?(?:会|将|一定|准时|届时|到时候?|尽力|尽量)*(?:[^，,。！!不没无]{0,8}?)"
       r"(?<![不没])(?:参加|参会|出席|到场)\W*$|^\W*(?:好的?|可以的?|没问题|行|ok|方便|欢迎|同意)(?:[，,。!！\s]*(?:好的?|可以的?|没问题|行|方便|"
       r"欢迎|同意))*\W*$",
    gate=("works", "sounds", "see you", "be there", "day", "time", "date", "slot", "count", "let",
          "ok", "yes", "yep", "sure", "perfect", "great", "will do", "confirmed", "work", "fine",
          "good", "make it", "make that", "then", "invit", "attend", "join", "+1", "i'm in", "i’m in",
          "sign me up", "come", "im in", "going", "coming", "in", "plan", "love", "register", "rsvp", "be ", "b there",
          "confirm", "it's on", "it’s on"),
    # "+1", "+1, will be there": the sign-up of issue threads; "11 would be perfect": a time
    en_inside=r"^\W*\+1(?![\d.])|(?<![\d:])\d{1,2}(?::\d\d)?(?:\s*[ap]\.?m\.?)?\s+would\s+be\s+"
              r"(?:perfect|great|fine|good|best|ideal)(?:\s+for\s+(?:me|us))?\W*$",
)


# Every explicit date has a digit beside a separator, 月, or a month name: a cheap
# test that spares the full grammar on quotes that propose nothing.
_EXPLICIT_HINT = re.compile(
    r"\d\s*(?:[/.月-]|(?:st|nd|rd|th)?\s+(?:of\s+)?[JFMASONDjfmasond][a-z]{2})|"
    r"(?:[JFMASONDjfmasond][a-z]{2,8})\.?\s+\d")
# Both alternatives hold a digit: a one-class search skips the hint on most sentences.
_DIGIT = re.compile(r"\d")


_CHOICE = re.compile(r"\s+or\s+|或者?|还是")
_WHEN_HEADING = re.compile(r"^([#*> \t]*(?:时[ \t]*间|日[ \t]*期|time|date|when)[ \t]*\**)[ \t]*\n(?:[ \t>]*\n)*[ \t>]*",
                           re.IGNORECASE | re.MULTILINE)


_ATTRIBUTION = re.compile(r"^[^\n]*(?:wrote|写道|sent|date|发送时间|日期|时间)\s*[:：][^\n]*$",
                          re.IGNORECASE | re.MULTILINE)
_HAS_TIME_WORD = re.compile(r"\d|[周星礼今明后]|mon|tue|wed|thu|fri|sat|sun|tomorrow|today",
                            re.IGNORECASE)


def proposed_days(quoted: str, today: dt.date, order: Order | None,
                  explicit_only: bool = False) -> list[dt.date]:
    """Days from today on that the quoted message proposes, in order, once each.

    Relative days ("tomorrow (Thursday)", "本周日") are read against the quoted
    message's own date, from its attribution line ("On Wed, May 27, 2026 … wrote:",
    "在 2026年2月3日 … 写道："); without one, only explicit dates and weekdays count
    (a weekday a few days back still names the same coming day). ``explicit_only``
    keeps calendar dates alone: all that pinning a reply's weekday needs.
    """
    days: list[dt.date] = []
    if explicit_only:
        hinted = _dated_lines(quoted)
        if not hinted:
            return days
        header = _header(quoted)
        if header is not None and all(header.start() <= start and end <= header.end()
                                      for start, end in hinted):
            return days  # only the attribution names a date: the message proposes none
    elif not _HAS_TIME_WORD.search(quoted):
        return days
    else:
        header = _header(quoted)
    written: dt.date | None = None
    dated = header is None  # the header's day is read once a sentence needs it
    text = quoted[:header.start()] + quoted[header.end():] if header else quoted
    offered = _CHOICE.sub("，", _WHEN_HEADING.sub(r"\1: ", text))  # "周二（7月28日）或周四（7月30日）":
    # each is proposed; a "### 时间" heading is read with the line below it
    explicit: list[dt.date] = []
    clock_only = False
    for sentence in _SENTENCE.findall(offered):
        if explicit_only and (_DIGIT.search(sentence) is None or not _EXPLICIT_HINT.search(sentence)):
            continue  # pinning a weekday needs a calendar date
        if not _OFFERS.search(sentence) or _CONFLICT.search(sentence):
            continue  # "我周五前把议程发给您" promises, "I have a conflict tomorrow" rules out
        if not dated and header is not None:
            written, dated = _header_day(header.group(), today, order), True
        mentions = find_times(sentence, written or today, None, order)
        if not mentions and written is not None and written >= today and not explicit_only \
                and _CLOCK.search(sentence):
            clock_only = True  # "Would 2pm work?": the day it was written, if nothing else
        for mention in mentions:
            due = mention.due
            if due is None or due < today or due in days:
                continue
            if mention.rank != 0 and (explicit_only or (
                    written is None and not _names_weekday(sentence, mention))):
                continue
            days.append(due)
            if mention.rank == 0:
                explicit.append(due)
    if not days and clock_only and written is not None:
        return [written]
    if len(days) > 1 and len(explicit) == 1:
        return explicit  # "cancel this week's and pick back up on 2 April": the date decides
    return days


def _dated_lines(quoted: str) -> list[tuple[int, int]]:
    """Where the lines holding an explicit-date hint lie. With ``explicit_only`` a sentence
    counts only if it holds one, and no sentence spans lines (nor do the heading and
    "or" rewrites make a hint), so a quote whose only such line is the attribution,
    which is cut out before reading, proposes nothing: the usual case, settled without
    the rewrites and the sentence split."""
    found = []
    start = 0
    for line in quoted.split("\n"):
        if _DIGIT.search(line) is not None and _EXPLICIT_HINT.search(line) is not None:
            found.append((start, start + len(line)))
        start += len(line) + 1
    return found


_SENTENCE = re.compile(r"(?:[^。！？!?\n.]+|\.(?!\s|$))+[。！？!?.]?")
# The attribution of the message replied to ("On …\nwrote:", "Sent: …"), looked for before
# any other line with a colon: a "时间：" label inside the quote is no attribution.
_WROTE = re.compile(r"(?:wrote|写道)\s*[:：][ \t]*$|^[ \t]*(?:sent|date|发送时间|日期)\s*[:：][^\n]*$",
                    re.IGNORECASE | re.MULTILINE)


class _Span:
    """A found attribution: its text and where it lies in the quote."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def group(self) -> str:
        return self._text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _header(quoted: str) -> _Span | re.Match[str] | None:
    found = _WROTE.search(quoted)
    if found is None:
        return _ATTRIBUTION.search(quoted)
    line_start = quoted.rfind("\n", 0, found.start()) + 1
    if found.group().lstrip()[:1].isalpha() and not found.group().lower().lstrip().startswith(
            ("wrote", "写道")):
        start = line_start  # "Sent: …" / "发送时间: …" is the line itself
    elif any(ch.isdigit() for ch in quoted[line_start:found.start()]):
        start = line_start  # "On Tue, Mar 3, 2026 … wrote:"
    else:
        start = quoted.rfind("\n", 0, max(0, line_start - 1)) + 1  # "On …\nwrote:" wrapped
    end = quoted.find("\n", found.end())
    end = len(quoted) if end < 0 else end
    return _Span(quoted[start:end], start, end)
# A sentence that rules a day out ("I have a conflict tomorrow", "那天我们没空").
_CONFLICT = re.compile(r"(?<![a-z])(?:conflict|unavailable|not\s+available|can['’]?t|cannot|won['’]t)(?![a-z])"
                       r"|有事|没空|不方便|冲突|来不了|不在(?!乎|意)"
                       r"|^\W*(?:报名)?截止", re.IGNORECASE)  # "- 截止: 周五 23:42 前有效": the sign-up's deadline, not the event
_CLOCK = re.compile(r"(?<![\d:])\d{1,2}(?::[0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:[0-5]\d|[0-9一二三四五六七八九十两]{1,3}点",
                    re.IGNORECASE)
# A sentence that offers a day to accept: a question, an invitation or a meeting.
_OFFERS = re.compile(
    r"[?？]|吗|方便|可否|能否|是否|有空|邀请|参加|会议|开会|见面|讨论|站会|大会|"
    r"时\s*间\s*[:：]|日\s*期\s*[:：]|(?<![a-z])(?:time|date|when)\s*:|"
    r"(?:主\s*题|subject)\s*[:：][^\n]*(?:会|活动|聚会|沙龙|讲座|分享|站|party|meetup|meeting|call|workshop|webinar)|"
    r"(?<![a-z])(?:meet|meeting|meetup|event|party|workshop|webinar|lunch|dinner|call|session|appointment|"
    r"works?|available|free|how\s+about|reserved|booked|confirmed|scheduled\s+for|hoping\s+to|planning\s+to|demo|hold(?:ing)?|host(?:ing)?|"
    r"office\s+hours|ok(?:ay)?|"
    r"would|could|can\s+we|shall|let['’]s|invite|join|it\s+is)(?![a-z])", re.IGNORECASE)


def _header_day(line: str, today: dt.date, order: Order | None) -> dt.date | None:
    dated = [m.due for m in find_times(line, today, None, order)
             if m.rank == 0 and m.due is not None and m.due <= today]
    return dated[0] if dated else None


_WEEKDAY_NAME = re.compile(r"mon|tue|wed|thu|fri|sat|sun|周|星期|礼拜", re.IGNORECASE)


def _names_weekday(text: str, mention: TimeMention) -> bool:
    return _WEEKDAY_NAME.search(text, mention.start, mention.end) is not None


def pinned_by_proposal(due: dt.date, proposals: list[dt.date]) -> dt.date:
    """The proposed date a reply's weekday means, if the proposal pins a later week."""
    later = [p for p in proposals if p.weekday() == due.weekday() and 0 < (p - due).days <= 14]
    return later[0] if len(later) == 1 else due
