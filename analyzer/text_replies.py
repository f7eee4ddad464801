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

from dealnudge.analyzer.dates import find_times
from dealnudge.analyzer.text_cues import Cue
from dealnudge.analyzer.text_locale import Order

ACCEPTS = Cue(
    en=r"(?:works\s+(?:for\s+(?:me|us|both)|fine|great|well)|sounds\s+(?:good|great|fine)|"
       r"see\s+you\s+(?:then|there)|(?:i|we)['’]ll\s+be\s+there|(?:that|this)\s+(?:day|time|date|slot)"
       r"\s+(?:works|is\s+fine|suits)|count\s+(?:me|us)\s+in)\b",
    zh=r"到时候?(?:我|我们)?(?:一定|准时|会)?(?:来|到|参加|过去|见)|(?:那天|当天|这个时间|那个时间)"
       r"(?:可以|没问题|行|方便)|就这么定|就这样定|一定(?:来|到|参加|准时)|准时(?:参加|到)",
    gate=("works", "sounds", "see you", "be there", "day", "time", "date", "slot", "count"),
)


# Every explicit date has a digit beside a separator, 月, or a month name: a cheap
# test that spares the full grammar on quotes that propose nothing.
_EXPLICIT_HINT = re.compile(
    r"\d\s*(?:[/.月-]|(?:st|nd|rd|th)?\s+(?:of\s+)?[JFMASONDjfmasond][a-z]{2})|"
    r"(?:[JFMASONDjfmasond][a-z]{2,8})\.?\s+\d")


_CHOICE = re.compile(r"\s+or\s+|或者?|还是")


def proposed_days(quoted: str, today: dt.date, order: Order | None) -> list[dt.date]:
    """Explicit dates from today on that the quoted messages name, in order, once each."""
    days: list[dt.date] = []
    if not _EXPLICIT_HINT.search(quoted):
        return days
    offered = _CHOICE.sub("，", quoted)  # "周二（7月28日）或周四（7月30日）": each is proposed
    for mention in find_times(offered, today, None, order):
        if mention.rank == 0 and mention.due is not None and mention.due >= today \
                and mention.due not in days:
            days.append(mention.due)
    return days


def pinned_by_proposal(due: dt.date, proposals: list[dt.date]) -> dt.date:
    """The proposed date a reply's weekday means, if the proposal pins a later week."""
    later = [p for p in proposals if p.weekday() == due.weekday() and 0 < (p - due).days <= 14]
    return later[0] if len(later) == 1 else due
