"""Reading hostile or damaged iCalendar data with bounded work.

* **Truncation.** A file cut off mid-write or mid-download is not a smaller
  calendar: data that does not end with ``END:VCALENDAR`` (or whose BEGIN/END
  lines do not pair up) is refused whole, so the caller keeps what it stored.
* **One broken component.** icalendar parses a file in one go and one bad
  component (a VTIMEZONE repeating its TZID line raises ``AttributeError`` inside
  icalendar 7) fails all of it. Then the file is split into its top-level
  components, each is parsed alone, and the broken ones are reported.
* **Recurrence.** A rule is estimated before it is expanded: rule steps from
  DTSTART to the end of the window (``FREQ=SECONDLY`` without an end is billions),
  times the BYxxx fan-out. Over ``MAX_RULE_STEPS`` the series is skipped with a
  reason. Expansion then stops at the window's end, at ``MAX_OCCURRENCES``
  occurrences per series, and after ``SERIES_SECONDS`` of work.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import icalendar
import recurring_ical_events

MAX_OCCURRENCES = 400  # occurrences of one series inside the sync window
MAX_RULE_STEPS = 200_000  # estimated rule steps from DTSTART to the window's end
SERIES_SECONDS = 2.0  # wall-clock budget for expanding one series

_FREQ_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400,
                 "WEEKLY": 7 * 86400, "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400}
_FAN_OUT = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
            "BYMONTH")
_LINE = re.compile(rb"^(BEGIN|END):([A-Za-z0-9-]+)[ \t\r]*$", re.IGNORECASE | re.MULTILINE)
# The same lines, each found after its "\n" (the data gets one in front): a pattern that
# starts with a literal is searched for quickly, one that starts with "^" is tried at
# every byte (0.6 s for a 25 MB calendar).
_LINE_AFTER_NEWLINE = re.compile(rb"\n(BEGIN|END):([A-Za-z0-9-]+)[ \t\r]*(?=\n|\Z)",
                                 re.IGNORECASE)


class Damaged(ValueError):
    """The data is cut off or its components do not pair up: not a usable snapshot."""


def check_complete(data: bytes) -> None:
    """Refuse data cut off mid-write: every BEGIN needs its END, the last one END:VCALENDAR.

    Lines after the last END:VCALENDAR that open nothing (stray text some exporters
    append) are tolerated; a BEGIN after it is a second calendar that was cut off.
    """
    depth, last_end, closed = 0, b"", True
    for match in _LINE_AFTER_NEWLINE.finditer(b"\n" + data):
        kind, name = match.group(1, 2)
        opening = kind.upper() == b"BEGIN"
        depth += 1 if opening else -1
        if depth < 0:
            raise Damaged("the calendar data is damaged: an END line closes nothing")
        last_end = b"" if opening else name
        closed = depth == 0
    if not closed or last_end.upper() != b"VCALENDAR":
        raise Damaged("the calendar data is cut off (it does not end with END:VCALENDAR); "
                      "a partial file or download is not read")


def split_components(data: bytes) -> list[tuple[bytes, list[bytes]]]:
    """Each VCALENDAR as (its own property lines, its top-level component blocks)."""
    calendars: list[tuple[bytes, list[bytes]]] = []
    lines = data.splitlines(keepends=True)
    depth, block, header = 0, b"", b""
    blocks: list[bytes] = []
    for line in lines:
        match = _LINE.match(line.strip())
        if match and match.group(1).upper() == b"BEGIN":
            depth += 1
        if depth == 1 and not match:
            header += line
        elif depth >= 2:
            block += line
        if match and match.group(1).upper() == b"END":
            depth -= 1
            if depth == 1:
                blocks.append(block)
                block = b""
            elif depth == 0:
                calendars.append((header, blocks))
                header, blocks = b"", []
    return calendars


def load_per_component(data: bytes) -> tuple[list[icalendar.Calendar], list[str]]:
    """Parse component by component; returns the calendars and the components refused."""
    calendars: list[icalendar.Calendar] = []
    problems: list[str] = []
    for header, blocks in split_components(data):
        try:
            calendar = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + header
                                                    + b"END:VCALENDAR\r\n")
        except Exception:  # noqa: BLE001 - a broken calendar header: keep its components
            calendar = icalendar.Calendar()
        for block in blocks:
            try:
                calendar.add_component(icalendar.Component.from_ical(block))
            except Exception as err:  # noqa: BLE001 - one broken component, the rest are read
                problems.append(f"{_describe(block)}: unreadable ({type(err).__name__}: {err})")
        calendars.append(calendar)
    return calendars, problems


def _describe(block: bytes) -> str:
    name = _LINE.match(block.split(b"\n", 1)[0].strip())
    kind = name.group(2).decode("ascii", "replace").upper() if name else "component"
    uid = re.search(rb"^(?:UID|TZID)[;:][^\r\n]*", block, re.IGNORECASE | re.MULTILINE)
    label = uid.group(0).decode("utf-8", "replace")[:120] if uid else ""
    return f"{kind} {label}".strip()


@dataclass(frozen=True)
class RuleEstimate:
    steps: int  # rule steps from DTSTART to the end of the window (the work to expand)
    in_window: int  # occurrences expected inside the window (an upper estimate)
    label: str  # "FREQ=…" of the costliest rule, for messages


def rule_cost(event: icalendar.Component, window: tuple[dt.datetime, dt.datetime]) -> RuleEstimate:
    """An upper estimate of the work to expand ``event``'s rules up to the window's end."""
    rules = event.get("RRULE")
    worst = RuleEstimate(0, 0, "")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        freq = str((rule.get("FREQ") or ["?"])[0]).upper()
        seconds = _FREQ_SECONDS.get(freq)
        if seconds is None:
            raise ValueError(f"RRULE has no usable FREQ ({freq})")
        interval = int((rule.get("INTERVAL") or [1])[0])
        if interval < 1:  # dateutil would never advance
            raise ValueError(f"RRULE INTERVAL={interval} is not a positive number")
        step = seconds * interval
        start = _as_utc(getattr(event["DTSTART"], "dt", None))
        until = rule.get("UNTIL")
        end = min(window[1], _as_utc(until[0])) if until else window[1]
        fan_out = math.prod(len(rule.get(part) or [1]) for part in _FAN_OUT)
        steps = (max(0.0, (end - start).total_seconds()) / step + 1) * fan_out
        inside = (max(0.0, (end - max(start, window[0])).total_seconds()) / step + 1) * fan_out
        count = rule.get("COUNT")
        if count:
            steps, inside = min(steps, float(int(count[0]))), min(inside, float(int(count[0])))
        if steps > worst.steps:
            worst = RuleEstimate(int(min(steps, 1e18)), int(min(inside, 1e18)), f"FREQ={freq}")
    return worst


def check_possible(event: icalendar.Component) -> None:
    """Refuse a rule whose day filters no date satisfies (``BYMONTH=2;BYMONTHDAY=30``).

    dateutil searches for such a rule's next occurrence day by day until the year 9999
    (seconds of work, and neither COUNT nor UNTIL stops it), so the day filters are
    tried here first on every day of eight years, which covers every leap-year case.
    """
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        months = {int(m) for m in rule.get("BYMONTH") or []}
        monthdays = {int(d) for d in rule.get("BYMONTHDAY") or []}
        yeardays = {int(d) for d in rule.get("BYYEARDAY") or []}
        if not (months or monthdays or yeardays):
            continue
        day = dt.date(2024, 1, 1)
        for _ in range(366 * 8):
            if _day_matches(day, months, monthdays, yeardays):
                break
            day += dt.timedelta(days=1)
        else:
            raise ValueError("its RRULE matches no date (BYMONTH/BYMONTHDAY/BYYEARDAY "
                             "exclude every day); skipped")


def _day_matches(day: dt.date, months: set[int], monthdays: set[int], yeardays: set[int]) -> bool:
    if months and day.month not in months:
        return False
    if monthdays:
        last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if day.day not in monthdays and day.day - last.day - 1 not in monthdays:
            return False
    if yeardays:
        first = dt.date(day.year, 1, 1)
        size = (dt.date(day.year + 1, 1, 1) - first).days
        number = (day - first).days + 1
        if number not in yeardays and number - size - 1 not in yeardays:
            return False
    return True


def bound_rules(event: icalendar.Component, window_end: dt.datetime) -> None:
    """Give every RRULE without COUNT an UNTIL no later than the window's end, so dateutil
    stops there. A rule with COUNT is already finite and its size was estimated before;
    RFC 5545 forbids writing both, and dateutil deprecates reading both."""
    rules = event.get("RRULE")
    start = getattr(event.get("DTSTART"), "dt", None)
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        limit: dt.date = window_end
        if isinstance(start, dt.datetime) and start.tzinfo is None:
            limit = window_end.astimezone(dt.UTC).replace(tzinfo=None)
        elif not isinstance(start, dt.datetime) and isinstance(start, dt.date):
            limit = window_end.date()
        if rule.get("COUNT"):
            rule.pop("UNTIL", None)  # a writer that gave both broke the RFC: COUNT bounds it
            continue
        until = rule.get("UNTIL")
        if until and _as_utc(until[0]) <= window_end:
            continue  # already ends inside the window
        rule["UNTIL"] = [limit]


def _as_utc(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC)
    raise ValueError(f"unreadable date {value!r}")


def pop_exdates(event: icalendar.Component) -> set[object]:
    """Remove EXDATE from ``event`` and return the excluded instants (UTC) and dates.

    recurring_ical_events copies every property, EXDATE included, into every occurrence
    it yields: with a few thousand EXDATEs that is milliseconds per occurrence (measured
    in bench/hostile_inputs.py), so exclusions are applied here instead.
    """
    props = event.get("EXDATE")
    if props is None:
        return set()
    del event["EXDATE"]
    excluded: set[object] = set()
    for prop in props if isinstance(props, list) else [props]:
        for item in getattr(prop, "dts", []):
            value = getattr(item, "dt", None)
            if isinstance(value, dt.datetime):
                excluded.add(_as_utc(value))
            elif isinstance(value, dt.date):
                excluded.add(value)
    return excluded


def _excluded(occurrence: icalendar.Component, excluded: set[object]) -> bool:
    if not excluded:
        return False
    prop = occurrence.get("RECURRENCE-ID") or occurrence["DTSTART"]
    value = getattr(prop, "dt", None)
    if isinstance(value, dt.datetime):
        return _as_utc(value) in excluded or value.date() in excluded
    return value in excluded


def occurrences(calendar: icalendar.Calendar, window: tuple[dt.datetime, dt.datetime],
                estimate: RuleEstimate, excluded: set[object], problems: list[str],
                uid: str) -> Iterator[icalendar.Component]:
    """Occurrences overlapping the window, bounded in count and time; limits are reported.

    ``between`` is used rather than the lazy ``after``: ``after`` re-expands the rule
    from DTSTART for every few occurrences (1.3 s for 150 daily occurrences of a rule
    started six years earlier, against 0.03 s). The count is bounded by shrinking the
    window when the estimate says it holds more than ``MAX_OCCURRENCES``.
    """
    start, end = window
    if estimate.in_window > MAX_OCCURRENCES:
        end = start + (end - start) * (MAX_OCCURRENCES / estimate.in_window)
        problems.append(f"{uid}: about {estimate.in_window:,} occurrences inside the sync "
                        f"window; only the first {MAX_OCCURRENCES} are read")
    deadline = time.monotonic() + SERIES_SECONDS
    found = 0
    for occurrence in recurring_ical_events.of(calendar).between(start, end):
        if _excluded(occurrence, excluded):
            continue
        found += 1
        if found > MAX_OCCURRENCES:
            problems.append(f"{uid}: more than {MAX_OCCURRENCES} occurrences inside the sync "
                            "window; the later ones are not read")
            return
        yield occurrence
        if time.monotonic() > deadline:
            problems.append(f"{uid}: expanding the series took over {SERIES_SECONDS:g} s; "
                            "the later occurrences are not read")
            return
