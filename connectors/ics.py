"""iCalendar bytes → ``CalendarEvent`` occurrences: the parser local files and CalDAV share.

Calendars exported from Exchange/Outlook, Google, Tencent Exmail and DingTalk
differ in ways that matter for "did this meeting happen, and who accepted it":

* Exchange writes Windows zone names as TZID ("China Standard Time"), sometimes
  without a VTIMEZONE. icalendar 7 resolves many of them itself; anything still
  naive after parsing but carrying a Windows TZID is re-attached through our table.
* Floating times (no TZID, no "Z") are the calendar owner's wall clock: they are
  interpreted in ``default_tz``. All-day events (DATE values) become midnights in
  ``default_tz`` with ``all_day=True``.
* ``recurring-ical-events`` expands RRULE/RDATE/EXDATE and applies RECURRENCE-ID
  overrides; it stamps a RECURRENCE-ID on every occurrence, even of single events,
  so "is this an instance" is decided from the source components instead.
* One broken VEVENT (an unparsable DTSTART, a bad RRULE) must not hide the others:
  events are expanded per UID and a failing UID is reported as a problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import icalendar
from dealnudge.connectors import ics_scan
from dealnudge.connectors.ics_bounds import (
    MAX_RULE_STEPS,
    Damaged,
    bound_rules,
    check_complete,
    check_possible,
    load_per_component,
    occurrences,
    pop_exdates,
    rule_cost,
)
from dealnudge.connectors.ics_zones import WINDOWS_ZONES, resolve_tzid, windows_zone_to_iana
from dealnudge.connectors.items import MAX_CALENDAR_BYTES, clean_event, skip_reason

from dealnudge.records import CalendarEvent, EventStatus, Participant, ResponseStatus

log = logging.getLogger(__name__)

UTC = dt.UTC

__all__ = [
    "WINDOWS_ZONES",
    "CalendarParse",
    "MalformedCalendar",
    "parse_calendar",
    "parse_calendar_report",
    "windows_zone_to_iana",
]

_PARTSTAT: dict[str, ResponseStatus] = {
    "ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative",
    "NEEDS-ACTION": "needs_action",
}
_STATUS: dict[str, EventStatus] = {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}
_RESOURCE_TYPES = {"ROOM", "RESOURCE"}
_RESOURCE_DOMAINS = ("@resource.calendar.google.com",)
# Odd data makes icalendar, recurring_ical_events and dateutil raise these; others are bugs.
_EXPECTED = (ValueError, KeyError, IndexError, OverflowError, TypeError)


class MalformedCalendar(ValueError):
    """The data is not an iCalendar object at all."""


@dataclass
class CalendarParse:
    """Occurrences found in one calendar file, and the VEVENTs that had to be skipped."""

    events: list[CalendarEvent] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "UID: reason"


def parse_calendar(data: bytes, *, window_start: dt.datetime, window_end: dt.datetime,
                   default_tz: ZoneInfo, owner: str, source_prefix: str = "",
                   self_addresses: Iterable[str] = ()) -> list[CalendarEvent]:
    """Every occurrence overlapping [window_start, window_end); bad VEVENTs are logged and skipped."""
    result = parse_calendar_report(data, window_start=window_start, window_end=window_end,
                                   default_tz=default_tz, owner=owner,
                                   source_prefix=source_prefix, self_addresses=self_addresses)
    for problem in result.problems:
        log.warning("skipped calendar event %s", problem)
    return result.events


def parse_calendar_report(data: bytes, *, window_start: dt.datetime, window_end: dt.datetime,
                          default_tz: ZoneInfo, owner: str, source_prefix: str = "",
                          self_addresses: Iterable[str] = (),
                          whole_file: bool = False) -> CalendarParse:
    """Like ``parse_calendar`` but returns the skipped VEVENTs instead of only logging them.

    The file is split into its components and events that certainly lie outside the
    window are not parsed (``ics_scan``); ``whole_file`` parses it in one go instead,
    the slower reading the split one is tested against.
    """
    out = CalendarParse()
    window = (window_start, window_end)
    _check(data)
    calendars = None if whole_file else _load_split(data, window, out.problems)
    if calendars is None:
        calendars = [ics_scan.LoadedCalendar(
            str(c.get("METHOD", "")), [z for z in c.subcomponents if z.name == "VTIMEZONE"],
            c.walk("VEVENT")) for c in _load(data, out.problems)]
    if not calendars:
        raise MalformedCalendar("no VCALENDAR object")
    ctx = _Context(default_tz, {owner.lower(), *(a.lower() for a in self_addresses)},
                   source_prefix)
    for calendar in calendars:
        cancelled_all = calendar.method.upper() == "CANCEL"
        for uid, group in _by_uid(calendar.events).items():
            try:
                found = _expand(uid, group, calendar.zones, window, ctx, out.problems)
            except Exception as err:  # noqa: BLE001 - one bad series must not hide the rest
                out.problems.append(skip_reason(uid, err, _EXPECTED))
                continue
            if cancelled_all:
                found = [_cancelled(e) for e in found]
            out.events.extend(clean_event(e) for e in found)
    out.events.sort(key=lambda e: (e.start, e.source_id))
    return out


def _check(data: bytes) -> None:
    """Refuse what is no calendar at all, too large, or cut off."""
    if not data.strip():
        raise MalformedCalendar("empty calendar data")
    if len(data) > MAX_CALENDAR_BYTES:
        raise MalformedCalendar(f"the calendar is {len(data):,} bytes, over the "
                                f"{MAX_CALENDAR_BYTES:,}-byte limit")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise MalformedCalendar("not an iCalendar file (no BEGIN:VCALENDAR at the start)")
    try:
        check_complete(data)
    except Damaged as err:
        raise MalformedCalendar(str(err)) from None


def _load_split(data: bytes, window: tuple[dt.datetime, dt.datetime],
                problems: list[str]) -> list[ics_scan.LoadedCalendar] | None:
    """``ics_scan.load``; should the scan itself fail (a defect: it only reads text), the
    file is still read, whole, and the defect logged."""
    found: list[str] = []
    try:
        calendars = ics_scan.load(data, window, found)
    except Exception:  # logged with its traceback; the whole parse follows
        log.exception("the split reading of a calendar failed; parsing it whole")
        return None
    problems.extend(found)
    return calendars


def _load(data: bytes, problems: list[str]) -> list[icalendar.Calendar]:
    """The whole file parsed in one go; on an error, component by component."""
    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except RecursionError:
        raise MalformedCalendar("the calendar is nested too deeply to read") from None
    except Exception:  # noqa: BLE001 - one broken component: read the others one by one
        found, broken = load_per_component(data)
        problems.extend(broken)
    calendars = [c for c in found if c.name == "VCALENDAR"]
    if not calendars:
        raise MalformedCalendar("no VCALENDAR object")
    return calendars


def _by_uid(events: list[icalendar.Component]) -> dict[str, list[icalendar.Component]]:
    groups: dict[str, list[icalendar.Component]] = {}
    for event in events:
        uid = str(event.get("UID", "")).strip()
        if not uid:  # RFC 5545 requires one; old exporters omit it: derive a stable one
            uid = hashlib.sha256(event.to_ical()).hexdigest()[:32] + ics_scan.DERIVED_UID
            event["UID"] = uid
        groups.setdefault(uid, []).append(event)
    return groups


@dataclass(frozen=True)
class _Context:
    default_tz: ZoneInfo
    self_addresses: set[str]
    prefix: str


def _expand(uid: str, group: list[icalendar.Component], zones: list[icalendar.Component],
            window: tuple[dt.datetime, dt.datetime], ctx: _Context,
            problems: list[str]) -> list[CalendarEvent]:
    for event in group:
        broken = [name for name, _ in getattr(event, "errors", [])
                  if name in ("DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID")]
        if broken:
            raise ValueError(f"unreadable {', '.join(broken)}")
        if "DTSTART" not in event:
            raise ValueError("no DTSTART")
        _fix_times(event, uid)
    recurring = any(k in e for e in group for k in ("RRULE", "RDATE", "RECURRENCE-ID"))
    if not recurring and len(group) == 1:  # the common case: no expansion library needed
        record = _record(uid, group[0], False, ctx)
        return [record] if _overlaps(record, window) else []
    estimate = max((rule_cost(e, window) for e in group), key=lambda r: r.steps)
    if estimate.steps > MAX_RULE_STEPS:
        raise ValueError(f"{estimate.label} recurrence would take about {estimate.steps:,} "
                         f"steps to expand (limit {MAX_RULE_STEPS:,}); skipped")
    single = icalendar.Calendar()
    for zone in zones:
        single.add_component(zone)
    excluded: set[object] = set()
    for event in group:
        check_possible(event)
        excluded |= pop_exdates(event)
        bound_rules(event, window[1])
        single.add_component(event)
    records = [_record(uid, o, recurring, ctx)
               for o in occurrences(single, window, estimate, excluded, problems, uid)]
    return [r for r in records if _overlaps(r, window)]


def _overlaps(event: CalendarEvent, window: tuple[dt.datetime, dt.datetime]) -> bool:
    start, end = window
    return event.start < end and (event.end > start or event.start >= start)


def _fix_times(event: icalendar.Component, uid: str) -> None:
    """Resolve TZIDs icalendar left naive (Windows display names, empty ``TZID=``) and
    make ``VALUE=DATE`` all-day whatever its TZID says, before anything reads the times."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = event.get(name)
        if prop is None or isinstance(prop, list):
            continue
        params = getattr(prop, "params", {})
        value = getattr(prop, "dt", None)
        if str(params.get("VALUE", "")).upper() == "DATE" and isinstance(value, dt.datetime):
            del event[name]
            event.add(name, value.date())
        elif isinstance(value, dt.datetime) and value.tzinfo is None and "TZID" in params:
            zone = _zone_for(str(params["TZID"]), uid)
            del event[name]
            event.add(name, value if zone is None else value.replace(tzinfo=zone))
    for name in ("EXDATE", "RDATE"):
        props = event.get(name)
        for prop in props if isinstance(props, list) else [props] if props is not None else []:
            dts = getattr(prop, "dts", None)
            if isinstance(dts, list):  # a bare time (VALUE=TIME) is no instant: dateutil fails
                dts[:] = [d for d in dts if not isinstance(getattr(d, "dt", None), dt.time)]
            tzid = str(getattr(prop, "params", {}).get("TZID", ""))
            for item in getattr(prop, "dts", []):
                value = getattr(item, "dt", None)
                if isinstance(value, dt.datetime) and value.tzinfo is None and tzid:
                    zone = _zone_for(tzid, uid)
                    if zone is not None:
                        item.dt = value.replace(tzinfo=zone)


def _zone_for(tzid: str, uid: str) -> dt.tzinfo | None:
    """The zone a TZID names; None (floating: the rep's zone) when empty or unknown."""
    if not tzid.strip():
        return None
    zone = resolve_tzid(tzid)
    if zone is None:
        log.warning("event %s: unknown time zone %r without a VTIMEZONE; read in the "
                    "calendar owner's zone", uid, tzid[:80])
    return zone


def _record(uid: str, vevent: icalendar.Component, recurring: bool, ctx: _Context) -> CalendarEvent:
    # A lone event reaches here without its X-*, CLASS, TRANSP and COMMENT lines
    # (ics_scan._unread_removed): reading one of them needs a change there first.
    start, all_day = _instant(vevent["DTSTART"], ctx.default_tz)
    end = _end(vevent, start, all_day, ctx.default_tz)
    recurrence_id: dt.datetime | None = None
    source_id = ctx.prefix + uid
    if recurring:
        rid = vevent.get("RECURRENCE-ID") or vevent["DTSTART"]
        recurrence_id, _ = _instant(rid, ctx.default_tz)
        source_id += "/" + recurrence_id.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    organizer, participants = _participants(vevent, ctx.self_addresses)
    status = _STATUS.get(str(vevent.get("STATUS", "")).upper(), "confirmed")
    return CalendarEvent(
        source_id=source_id, uid=uid, title=str(vevent.get("SUMMARY", "")).strip(),
        start=start, end=end, all_day=all_day, status=status, organizer=organizer,
        participants=participants, recurrence_id=recurrence_id,
        updated=_updated(vevent, ctx.default_tz),
        description=str(vevent.get("DESCRIPTION", "")).strip(),
        location=str(vevent.get("LOCATION", "")).strip())


def _instant(prop: object, default_tz: ZoneInfo) -> tuple[dt.datetime, bool]:
    """An aware datetime from a DATE / DATE-TIME property (or a bare value)."""
    if isinstance(prop, list) and prop:  # the property written twice: the first one counts
        prop = prop[0]
    value = getattr(prop, "dt", prop)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            tzid = getattr(prop, "params", {}).get("TZID")
            zone = resolve_tzid(str(tzid)) if tzid else None
            return value.replace(tzinfo=zone or default_tz), False
        return value, False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=default_tz), True
    raise ValueError(f"unexpected date value {value!r}")


def _end(vevent: icalendar.Component, start: dt.datetime, all_day: bool,
         default_tz: ZoneInfo) -> dt.datetime:
    if "DTEND" in vevent:
        end, _ = _instant(vevent["DTEND"], default_tz)
        if all_day and end.tzinfo is not start.tzinfo:
            end = dt.datetime.combine(end.date(), dt.time(0), tzinfo=default_tz)
    elif "DURATION" in vevent:
        duration = getattr(vevent["DURATION"], "dt", None)
        if not isinstance(duration, dt.timedelta):
            raise ValueError(f"unreadable DURATION {vevent['DURATION']!r}")
        end = start + duration
    else:  # RFC 5545 3.6.1: a DATE start lasts one day, a DATE-TIME start is instantaneous
        end = start + dt.timedelta(days=1) if all_day else start
    return max(end, start)


def _updated(vevent: icalendar.Component, default_tz: ZoneInfo) -> dt.datetime | None:
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        if name in vevent:
            try:
                return _instant(vevent[name], default_tz)[0]
            except (ValueError, AttributeError):
                continue
    return None


def _address(prop: object) -> str:
    text = str(prop).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    return text.strip().lower()


def _participants(vevent: icalendar.Component,
                  self_addresses: set[str]) -> tuple[str | None, tuple[Participant, ...]]:
    organizer_prop = vevent.get("ORGANIZER")
    organizer = _address(organizer_prop) if organizer_prop is not None else ""
    organizer = organizer if "@" in organizer else ""
    people: dict[str, Participant] = {}
    attendees = vevent.get("ATTENDEE", [])
    for prop in attendees if isinstance(attendees, list) else [attendees]:
        person = _participant(prop, organizer, self_addresses)
        if person is not None and person.email not in people:
            people[person.email] = person
    if organizer and organizer not in people:
        people[organizer] = Participant(
            email=organizer, name=_cn(organizer_prop), response="accepted", is_organizer=True,
            is_self=organizer in self_addresses, is_resource=_is_resource(organizer, ""))
    ordered = sorted(people.values(), key=lambda p: (not p.is_organizer, p.email))
    return (organizer or None), tuple(ordered)


def _participant(prop: object, organizer: str, self_addresses: set[str]) -> Participant | None:
    email = _address(prop)
    if "@" not in email:
        return None
    params = getattr(prop, "params", {})
    cutype = str(params.get("CUTYPE", "")).upper()
    return Participant(
        email=email, name=_cn(prop),
        response=_PARTSTAT.get(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(), "needs_action"),
        is_organizer=email == organizer, is_self=email in self_addresses,
        is_resource=_is_resource(email, cutype))


def _cn(prop: object) -> str:
    return str(getattr(prop, "params", {}).get("CN", "")).strip().strip('"')


def _is_resource(email: str, cutype: str) -> bool:
    return cutype in _RESOURCE_TYPES or email.endswith(_RESOURCE_DOMAINS)


def _cancelled(event: CalendarEvent) -> CalendarEvent:
    return replace(event, status="cancelled")


