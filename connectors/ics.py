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
import recurring_ical_events

from dealnudge.records import CalendarEvent, EventStatus, Participant, ResponseStatus

log = logging.getLogger(__name__)

UTC = dt.UTC

__all__ = [
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
                          self_addresses: Iterable[str] = ()) -> CalendarParse:
    """Like ``parse_calendar`` but returns the skipped VEVENTs instead of only logging them."""
    calendars = _load(data)
    ctx = _Context(default_tz, {owner.lower(), *(a.lower() for a in self_addresses)},
                   source_prefix)
    out = CalendarParse()
    for calendar in calendars:
        cancelled_all = str(calendar.get("METHOD", "")).upper() == "CANCEL"
        zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        for uid, group in _by_uid(calendar).items():
            try:
                found = _expand(uid, group, zones, window_start, window_end, ctx)
            except Exception as err:  # noqa: BLE001 - one bad series must not hide the rest
                out.problems.append(f"{uid}: {err}")
                continue
            if cancelled_all:
                found = [_cancelled(e) for e in found]
            out.events.extend(found)
    out.events.sort(key=lambda e: (e.start, e.source_id))
    return out


def _load(data: bytes) -> list[icalendar.Calendar]:
    if not data.strip():
        raise MalformedCalendar("empty calendar data")
    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as err:
        raise MalformedCalendar(f"not an iCalendar file ({err})") from err
    calendars = [c for c in found if c.name == "VCALENDAR"]
    if not calendars:
        raise MalformedCalendar("no VCALENDAR object")
    return calendars


def _by_uid(calendar: icalendar.Calendar) -> dict[str, list[icalendar.Component]]:
    groups: dict[str, list[icalendar.Component]] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        if not uid:  # RFC 5545 requires one; old exporters omit it: derive a stable one
            uid = hashlib.sha256(event.to_ical()).hexdigest()[:32] + "@dealnudge.invalid"
            event["UID"] = uid
        groups.setdefault(uid, []).append(event)
    return groups


@dataclass(frozen=True)
class _Context:
    default_tz: ZoneInfo
    self_addresses: set[str]
    prefix: str


def _expand(uid: str, group: list[icalendar.Component], zones: list[icalendar.Component],
            start: dt.datetime, end: dt.datetime, ctx: _Context) -> list[CalendarEvent]:
    for event in group:
        broken = [name for name, _ in getattr(event, "errors", [])
                  if name in ("DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID")]
        if broken:
            raise ValueError(f"unreadable {', '.join(broken)}")
        if "DTSTART" not in event:
            raise ValueError("no DTSTART")
    recurring = any(k in e for e in group for k in ("RRULE", "RDATE", "RECURRENCE-ID"))
    single = icalendar.Calendar()
    for zone in zones:
        single.add_component(zone)
    for event in group:
        single.add_component(event)
    occurrences = recurring_ical_events.of(single).between(start, end)
    return [_record(uid, o, recurring, ctx) for o in occurrences]


def _record(uid: str, vevent: icalendar.Event, recurring: bool, ctx: _Context) -> CalendarEvent:
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
    value = getattr(prop, "dt", prop)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            tzid = getattr(prop, "params", {}).get("TZID")
            iana = windows_zone_to_iana(str(tzid)) if tzid else None
            zone: dt.tzinfo = ZoneInfo(iana) if iana else default_tz
            return value.replace(tzinfo=zone), False
        return value, False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=default_tz), True
    raise ValueError(f"unexpected date value {value!r}")


def _end(vevent: icalendar.Event, start: dt.datetime, all_day: bool,
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


def _updated(vevent: icalendar.Event, default_tz: ZoneInfo) -> dt.datetime | None:
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


def _participants(vevent: icalendar.Event,
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


# Windows zone name (Graph ``timeZone``, Exchange TZID) → IANA, after CLDR windowsZones.xml
# (territory "001" entries). icalendar's own copy is consulted for names not listed here.
WINDOWS_ZONES: dict[str, str] = {
    "UTC": "Etc/UTC", "Coordinated Universal Time": "Etc/UTC", "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik", "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest", "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw", "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev", "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow", "Turkey Standard Time": "Europe/Istanbul",
    "Israel Standard Time": "Asia/Jerusalem", "South Africa Standard Time": "Africa/Johannesburg",
    "Egypt Standard Time": "Africa/Cairo", "Arabian Standard Time": "Asia/Dubai",
    "Arab Standard Time": "Asia/Riyadh", "Iran Standard Time": "Asia/Tehran",
    "Pakistan Standard Time": "Asia/Karachi", "India Standard Time": "Asia/Kolkata",
    "Nepal Standard Time": "Asia/Katmandu", "Bangladesh Standard Time": "Asia/Dhaka",
    "SE Asia Standard Time": "Asia/Bangkok", "China Standard Time": "Asia/Shanghai",
    "Taipei Standard Time": "Asia/Taipei", "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth", "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul", "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin", "AUS Eastern Standard Time": "Australia/Sydney",
    "E. Australia Standard Time": "Australia/Brisbane", "New Zealand Standard Time": "Pacific/Auckland",
    "Hawaiian Standard Time": "Pacific/Honolulu", "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles", "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver", "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York", "Atlantic Standard Time": "America/Halifax",
    "Canada Central Standard Time": "America/Regina", "Mexico Standard Time": "America/Mexico_City",
    "Central Standard Time (Mexico)": "America/Mexico_City", "SA Pacific Standard Time": "America/Bogota",
    "E. South America Standard Time": "America/Sao_Paulo", "Argentina Standard Time": "America/Buenos_Aires",
    "Newfoundland Standard Time": "America/St_Johns", "Malay Peninsula Standard Time": "Asia/Kuala_Lumpur",
    "Vietnam Standard Time": "Asia/Ho_Chi_Minh", "Philippines Standard Time": "Asia/Manila",
}


def windows_zone_to_iana(name: str) -> str | None:
    """The IANA zone for a Windows zone name, an IANA name passed through, else None."""
    name = name.strip().strip('"')
    found = WINDOWS_ZONES.get(name)
    if found is None:
        try:
            from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
            found = WINDOWS_TO_OLSON.get(name)
        except ImportError:  # pragma: no cover - older icalendar
            found = None
    if found is None and "/" in name:
        try:
            ZoneInfo(name)
            found = name
        except (ValueError, KeyError, OSError):
            found = None
    return found
