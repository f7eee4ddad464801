"""Decide whether a mail writes numeric dates day-first or month-first, or admit it cannot.

"03/02" is 3 February in Birmingham and March 2 in Boston; a wrong day is worse than
none (it dates a promise that was never made, or hides one that slipped), so a numeric
date whose two readings differ gets a day only when the mail itself says how its
writer orders dates. The clues, strongest first:

1. a numeric date in the same mail (quoted part and signature included: they show the
   writer's and the thread's locale, never a commitment) that only reads one way
   ("28/02/2026", "10/26");
2. dates written with a month name: "5 March 2026" and a Gmail/Apple attribution
   "On Thu, 10 Sep 2026" are day-first, "March 5" / "On Tue, Mar 3, 2026" month-first;
3. where the writer is: phone country codes (+44, +65 … day-first; +1 month-first)
   and country-code domains in addresses and links (.uk, .sg, .de …);
4. the language: Chinese writes 3/10 and 3.10 for 3月10日;
When 2-4 disagree (a Chinese-language mail signed with a Singapore number), nothing
decides: no day.

5. the sender's UTC offset: the Americas north of the equator (-04:00 to -10:00) and
   Japan/Korea (+09:00) write month-first, most other zones day-first; +00:00 is also
   the offset of machines that report UTC, and +08:00 is China as much as Singapore,
   Hong Kong and Perth, so neither says anything.

A weekday next to the date ("Tuesday 15/9", "3/28（周六）") overrides all of these:
the reading whose weekday matches wins, and neither matching gives no day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

Order = Literal["dm", "md"]

_NUMERIC = re.compile(r"(?<![\d/.:,$£€¥])(\d{1,2})([/.])(\d{1,2})(?:\2(?:20)?\d\d)?(?![\d/]|\.\d)")
_WRITTEN_DM = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:,?\s+20\d\d)?\b")
_WRITTEN_MD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?!\d|:)\b")
_DM_PHONES = ("+44", "+61", "+64", "+65", "+60", "+91", "+353", "+27", "+852", "+33", "+49",
              "+34", "+39", "+31", "+32", "+41", "+43", "+45", "+46", "+47", "+48", "+351",
              "+971", "+966", "+62", "+66", "+84", "+55", "+54", "+52", "+90", "+30")
_DM_PHONE = re.compile(r"\+(?:" + "|".join(code[1:] for code in _DM_PHONES) + r")[\s(-]")
_DM_DOMAINS = re.compile(
    r"[a-z0-9-]\.(?:co\.uk|uk|org\.uk|ac\.uk|com\.au|au|nz|ie|sg|com\.sg|my|com\.my|in|co\.in|"
    r"za|co\.za|hk|com\.hk|de|fr|es|it|nl|be|ch|at|dk|se|no|fi|pl|pt|br|com\.br|ar|mx|ae|"
    r"id|th|vn)\b(?![.-]\w)")
_MD_DOMAINS = re.compile(r"[a-z0-9-]\.(?:us|gov)\b(?![.-]\w)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MD_OFFSETS = frozenset(range(-10, -3)) | {9}
# +00:00 is also the offset of machines that report UTC; +08:00 is China (month-first, but a
# Chinese mail says so by its language) as much as Singapore, Hong Kong, Malaysia and Perth
# (day-first) and the Philippines (month-first): neither says how the writer orders dates.
_UNDECIDED_OFFSETS = frozenset({0, 8})


def numeric_order(text: str, sent_at: dt.datetime) -> Order | None:
    """How this mail orders day and month in numeric dates; None when nothing says."""
    low = text.lower()
    decided = _from_unambiguous_dates(low)
    if decided is not None:
        return decided
    uk: Order | None = "dm" if _UK_POSTCODE.search(text) else None
    chinese: Order | None = "md" if len(_CJK.findall(text)) >= 4 else None
    hints = {hint for hint in (_from_written_dates(low), _from_country(low), uk, chinese)
             if hint is not None}
    if len(hints) > 1:
        return None  # a Chinese mail from a Singapore number: the clues disagree
    if hints:
        return hints.pop()
    return _from_offset(sent_at)


def _from_unambiguous_dates(low: str) -> Order | None:
    votes: dict[Order, int] = {"dm": 0, "md": 0}
    for m in _NUMERIC.finditer(low):
        if m[2] == "." and _BEFORE_A_TIME.search(low, max(0, m.start() - 4), m.start()):
            continue  # "Rhea - 05/03, 3.30": a time after the date, not a date
        first, second = int(m[1]), int(m[3])
        if first > 12 and 1 <= second <= 12 and first <= 31:
            votes["dm"] += 1
        elif second > 12 and 1 <= first <= 12 and second <= 31:
            votes["md"] += 1
    return _winner(votes)


def _from_written_dates(low: str) -> Order | None:
    votes: dict[Order, int] = {"dm": len(_WRITTEN_DM.findall(low)),
                               "md": len(_WRITTEN_MD.findall(low))}
    return _winner(votes)


_BEFORE_A_TIME = re.compile(r"(?:,\s*|(?<![a-z])at\s+|@\s*)$")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")


def _from_country(low: str) -> Order | None:
    votes: dict[Order, int] = {"dm": len(_DM_PHONE.findall(low)) + len(_DM_DOMAINS.findall(low)),
             "md": len(re.findall(r"\+1[\s(.-]", low)) + len(_MD_DOMAINS.findall(low))}
    return _winner(votes)


def _from_offset(sent_at: dt.datetime) -> Order | None:
    offset = sent_at.utcoffset()
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    if minutes % 60:
        return "dm"  # +05:30 India, +09:30 Adelaide, -03:30 Newfoundland … all day-first
    hours = minutes // 60
    if hours in _UNDECIDED_OFFSETS:
        return None
    return "md" if hours in _MD_OFFSETS else "dm"


def _winner(votes: dict[Order, int]) -> Order | None:
    if votes["dm"] > votes["md"]:
        return "dm"
    if votes["md"] > votes["dm"]:
        return "md"
    return None


def readings(first: int, second: int) -> list[tuple[int, int]]:
    """Plausible (month, day) readings of "first/second": month-first, then day-first."""
    found = []
    if 1 <= first <= 12 and 1 <= second <= 31:
        found.append((first, second))
    if 1 <= second <= 12 and 1 <= first <= 31 and first != second:
        found.append((second, first))
    return found
