"""The plain-event reader (connectors/ics_plain.py) builds exactly the component
icalendar's ``Component.from_ical`` builds, or hands the block back: on every VEVENT of
the test fixtures and on generated events full of the forms that decide it (escapes,
folded lines, quoted parameters holding , : ;, parameters in odd case, zones with and
without VTIMEZONE, Windows zone names, floating times, DATE values, DURATION, missing
DTEND, attendee lists, non-ASCII text, CRLF and LF). The events such calendars give
through the split reading equal the whole-file reading's."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import icalendar
import pytest
from dealnudge.connectors import ics_plain, ics_scan

from tests.hostile.inputs import OUTLOOK_ZONE, years_calendar
from tests.hostile.test_ics_prefilter import CUSTOM_ZONE, NY_ZONE, WINDOW, assert_same

FIXTURES = Path(__file__).parent.parent / "fixtures"
CALENDARS = sorted(FIXTURES.rglob("*.ics"))


def _value_key(value: object) -> tuple[object, ...]:
    moment = getattr(value, "dt", None)
    zone = getattr(moment, "tzinfo", None)
    params = getattr(value, "params", None)
    return (type(value).__name__, str(value) if isinstance(value, str) else None,
            repr(moment), type(zone).__name__, repr(zone),
            getattr(moment, "fold", None),
            sorted((k, repr(v)) for k, v in params.items()) if params is not None else None,
            value.to_ical() if hasattr(value, "to_ical") else None)


def component_key(component: icalendar.Component) -> tuple[object, ...]:
    """Every property (type, value, time and zone, parameters), the errors recorded,
    and the subcomponents, in order."""
    props = []
    for name, value in component.items():
        values = value if isinstance(value, list) else [value]
        props.append((name, isinstance(value, list), [_value_key(v) for v in values]))
    return (type(component).__name__, component.name, props, list(component.errors),
            [component_key(c) for c in component.subcomponents], component.to_ical())


def assert_reads_the_same(block: str) -> bool:
    """The reader's component equals icalendar's; True when the reader took the block."""
    try:
        expected: object = component_key(icalendar.Component.from_ical(block))
    except Exception as err:  # noqa: BLE001 - then the reader must hand the block back
        expected = f"raises {type(err).__name__}"
    found = ics_plain.PlainReader().read(block)
    if found is None:
        return False
    assert component_key(found) == expected
    return True


def _vevent_blocks(data: bytes) -> list[str]:
    scan = ics_scan.split(data)
    if scan is None:
        return []
    return [scan.block(b) for c in scan.calendars for b in c.blocks if b.name == "VEVENT"]


def test_the_reader_is_on_for_the_installed_icalendar() -> None:
    assert ics_plain.ENABLED, icalendar.__version__


@pytest.mark.parametrize("path", CALENDARS, ids=lambda p: p.name)
def test_every_fixture_event_reads_as_icalendar_reads_it(path: Path) -> None:
    for block in _vevent_blocks(path.read_bytes()):
        assert_reads_the_same(block)


# --- generated events ------------------------------------------------------------------

ZONES = {"China Standard Time": OUTLOOK_ZONE, "Custom Plus Five": CUSTOM_ZONE,
         "Eastern Custom": NY_ZONE}
TZIDS = ["Europe/Berlin", "China Standard Time", "Custom Plus Five", "Eastern Custom",
         "W. Europe Standard Time", "Pacific Standard Time", "Mars/Olympus_Mons", "",
         '"(UTC-08:00) Pacific Time (US & Canada)"', "Asia/Tokyo", "Etc/GMT+12",
         "/freeassociation.sourceforge.net/Tzfile/Asia/Tokyo", "Tokyo Standard Time"]
TEXTS = ["Pricing call", "Kick-off\\, then lunch", "Line one\\nLine two", "a\\;b\\\\c",
         "Preisgespräch mit Müller", "报价会议：下一步", "ends with backslash \\\\",
         "odd escape \\x and \\N", "colon: inside; semicolon", "  padded  ", "",
         "quote \" inside", "trailing blank "]
NAMES = ['"Buyer, Anna"', '"Doe: John; Jr."', "Colleague 3", '"Zoë Ünal"', "plain",
         '"a,b"', "x,y", "", '"^n caret"', "Dr. O'Neil"]


def _time(at: dt.datetime, rng: random.Random, zones: set[str]) -> str:
    """The parameters and value of a DTSTART-like line for ``at`` in some form."""
    form = rng.choice(["utc", "zoned", "zoned", "zoned", "floating", "date", "date_plain",
                       "odd_case", "date_tz"])
    if form == "utc":
        return ":" + at.strftime("%Y%m%dT%H%M%SZ")
    if form == "floating":
        return ":" + at.strftime("%Y%m%dT%H%M%S")
    if form == "date":
        return ";VALUE=DATE:" + at.strftime("%Y%m%d")
    if form == "date_plain":
        return ":" + at.strftime("%Y%m%d")
    if form == "date_tz":
        return ";TZID=Europe/Berlin;VALUE=DATE:" + at.strftime("%Y%m%d")
    tzid = rng.choice(TZIDS)
    zones.add(tzid)
    name = "tzid" if form == "odd_case" else "TZID"
    return f";{name}={tzid}:" + at.strftime("%Y%m%dT%H%M%S")


def _person(rng: random.Random, kind: str) -> str:
    params = []
    if rng.random() < 0.8:
        params.append(rng.choice(["CN", "cn", "Cn"]) + "=" + rng.choice(NAMES))
    if kind == "ATTENDEE":
        if rng.random() < 0.8:
            params.append("PARTSTAT=" + rng.choice(["ACCEPTED", "DECLINED", "TENTATIVE",
                                                     "NEEDS-ACTION", "accepted", "DELEGATED"]))
        if rng.random() < 0.4:
            params.append("ROLE=" + rng.choice(["REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR"]))
        if rng.random() < 0.3:
            params.append("CUTYPE=" + rng.choice(["INDIVIDUAL", "ROOM", "RESOURCE", "room"]))
        if rng.random() < 0.2:
            params.append(rng.choice(["RSVP=TRUE", 'SENT-BY="mailto:a@x.example"',
                                      "X-NUM-GUESTS=0", 'DELEGATED-FROM="mailto:d@x.example"',
                                      "LANGUAGE=de", "CN = spaced ", "EMAIL=b@x.example",
                                      "PARTSTAT= ACCEPTED", "ROLE=CHAIR ", 'X-N= "q, r" ']))
    rng.shuffle(params)
    who = rng.choice(["b", "c", "Anna.Buyer", "rep", "room-1"]) + "@" + rng.choice(
        ["customer.example", "northwind.example", "resource.calendar.google.com"])
    address = rng.choice(["mailto:", "MAILTO:", "", "mailto: "]) + who
    return kind + "".join(";" + p for p in params) + ":" + address


def _event(rng: random.Random, i: int, zones: set[str]) -> str:
    at = WINDOW[0] + dt.timedelta(days=10, minutes=rng.randint(0, 120 * 1440))
    lines = [f"UID:plain-{i}@gen.example", "DTSTART" + _time(at, rng, zones)]
    end = rng.choice(["dtend", "dtend", "duration", "none"])
    if end == "dtend":
        lines.append("DTEND" + _time(at + dt.timedelta(hours=rng.randint(0, 30)), rng, zones))
    elif end == "duration":
        lines.append("DURATION:" + rng.choice(["PT1H", "P1D", "PT90M", "P1W", "-PT1H", "P1DT2H",
                                               "PT0S", "PT1H30M"]))
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
        if rng.random() < 0.8:
            params = rng.choice(["", "", ";LANGUAGE=de", ";language=en", ';ALTREP="cid:x@y"'])
            lines.append(f"{name}{params}:{rng.choice(TEXTS)}")
    if rng.random() < 0.9:
        lines.append(_person(rng, "ORGANIZER"))
    lines += [_person(rng, "ATTENDEE") for _ in range(rng.randint(0, 6))]
    if rng.random() < 0.4:
        lines.append("STATUS:" + rng.choice(["CONFIRMED", "CANCELLED", "TENTATIVE", "cancelled"]))
    for name in ("SEQUENCE", "PRIORITY"):
        if rng.random() < 0.5:
            lines.append(name + rng.choice([":0", ":3", ":12"]))
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED"):
        if rng.random() < 0.5:
            lines.append(name + rng.choice([":20260101T000000Z", ":20260101T000000",
                                            ";TZID=Europe/Berlin:20260101T000000", ":20260101"]))
    if rng.random() < 0.05:  # a value icalendar cannot read
        lines.append(rng.choice(["SEQUENCE:x", "DTSTAMP:2026", "PRIORITY:", "CREATED:x"]))
    if rng.random() < 0.2:  # twice: icalendar keeps a list
        lines.append(rng.choice(["SUMMARY:Second title", "DTEND:20260301T100000Z",
                                 "ORGANIZER:mailto:other@x.example", "STATUS:TENTATIVE"]))
    if rng.random() < 0.2:
        lines.append(rng.choice(["CATEGORIES:a,b", "URL:http://x.example/a,b",
                                 "GEO:1.5;2.5", "ATTACH:http://x.example/f", "RESOURCES:Beamer",
                                 "CONTACT:Anna\\, 555", "X-WR-ODD:1", "CLASS:PUBLIC",
                                 "summary:lower-case name", "ATTENDEE;CN=x;:mailto:a@b.example",
                                 'ATTENDEE;CN="unclosed:mailto:a@b.example',
                                 "ATTENDEE;CN=back\\slash:mailto:a@b.example",
                                 "SUMMARY;X-P=\"q\":v", "DESCRIPTION;:empty params",
                                 "REQUEST-STATUS:2.0;Success", "DTSTART:2026"]))
    if rng.random() < 0.3:
        lines.append("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n"
                     + rng.choice(["DESCRIPTION:Soon\r\n", "TRIGGER;RELATED=END:PT5M\r\n",
                                   "DESCRIPTION:\\, odd\r\n", ""]) + "END:VALARM")
    rng.shuffle(lines)
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


def plain_calendar(seed: int) -> bytes:
    rng = random.Random(seed)
    zones: set[str] = set()
    events = [_event(rng, i, zones) for i in range(rng.randint(5, 30))]
    defined = [ZONES[z] for z in sorted(zones) if z in ZONES and rng.random() < 0.7]
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gen//EN\r\n" + "".join(defined)
            + "".join(events) + "END:VCALENDAR\r\n")
    if rng.random() < 0.4:
        text = text.replace("\r\n", "\n")
    if rng.random() < 0.3:  # fold long lines as Outlook does, at 60 characters
        text = re.sub(r"([^\r\n]{60})(?=[^\r\n])", "\\1\r\n ", text)
    return text.encode()


SEEDS = range(120)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_events_read_as_icalendar_reads_them(seed: int) -> None:
    data = plain_calendar(seed)
    for block in _vevent_blocks(data):
        assert_reads_the_same(block)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_plain_calendars_read_the_same_split_and_whole(seed: int) -> None:
    assert_same(plain_calendar(seed), WINDOW)


def test_most_generated_events_take_the_plain_reading() -> None:
    """The comparisons above cover the reader itself, not only its hand-backs."""
    taken = total = 0
    for seed in SEEDS:
        for block in _vevent_blocks(plain_calendar(seed)):
            total += 1
            taken += ics_plain.PlainReader().read(block) is not None
    assert taken > 0.5 * total, (taken, total)


def test_an_outlook_export_takes_the_plain_reading() -> None:
    data = years_calendar(500, WINDOW[0] + dt.timedelta(days=1), WINDOW[1] - dt.timedelta(days=1))
    blocks = _vevent_blocks(data)
    assert sum(assert_reads_the_same(b) for b in blocks) >= 495
    assert_same(data, WINDOW)
