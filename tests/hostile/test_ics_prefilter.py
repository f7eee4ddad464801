"""The split reading of a calendar (connectors/ics_scan.py: components cut out by a line
scan, events outside the window set aside unparsed) yields exactly the events of the
whole-file parse: on every .ics of the test fixtures and regression corpus, and on
generated calendars full of the cases that decide it — series, moved and cancelled
instances, all-day and floating times, odd zones, events straddling the window's
edges, shared and missing UIDs, reminders, folded and odd lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors import ics_scan
from dealnudge.connectors.ics import CalendarParse, MalformedCalendar, parse_calendar_report
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.content_line import UFOLD

from dealnudge.records import CalendarEvent
from tests.hostile.inputs import OUTLOOK_ZONE, hostile_events, years_calendar

FIXTURES = Path(__file__).parent.parent / "fixtures"
CALENDARS = sorted(FIXTURES.rglob("*.ics"))
ZONE = ZoneInfo("Europe/Berlin")
OWNER = "rep@northwind.example"
NOW = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
WINDOW = (NOW - dt.timedelta(days=90), NOW + dt.timedelta(days=60))
# The corpus dates from 2005–2016: its own wide window, and narrow ones that cut through it.
CORPUS_WINDOWS = [(dt.datetime(1990, 1, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC))] + [
    (dt.datetime(year, month, 1, tzinfo=dt.UTC), dt.datetime(year, month, 1, tzinfo=dt.UTC)
     + dt.timedelta(days=150)) for year, month in ((2005, 9), (2010, 6), (2013, 3), (2016, 1))]


def _moment(value: dt.datetime | None) -> object:
    if value is None:
        return None
    return value.isoformat(), type(value.tzinfo).__name__, value.tzname()


def _key(event: CalendarEvent) -> tuple[object, ...]:
    """Every field, and for times the offset and zone as well as the instant."""
    return tuple(_moment(v) if isinstance(v, dt.datetime) else v
                 for v in (getattr(event, f.name) for f in dataclasses.fields(event)))


def _read(data: bytes, window: tuple[dt.datetime, dt.datetime],
          whole_file: bool) -> CalendarParse | str:
    try:
        return parse_calendar_report(data, window_start=window[0], window_end=window[1],
                                     default_tz=ZONE, owner=OWNER, whole_file=whole_file)
    except MalformedCalendar as err:
        return f"refused: {err}"


def assert_same(data: bytes, window: tuple[dt.datetime, dt.datetime]) -> None:
    whole = _read(data, window, whole_file=True)  # first: icalendar caches zones as it goes
    ics_scan.load(data, window, [])  # raises on a defect (parse_calendar_report would hide it)
    split = _read(data, window, whole_file=False)
    if isinstance(whole, str) or isinstance(split, str):
        assert split == whole
        return
    assert [_key(e) for e in split.events] == [_key(e) for e in whole.events]
    # An event set aside unparsed cannot report that it is broken: the split reading
    # reports no more problems than the whole one, and the same ones on the window.
    labels = Counter(_label(p) for p in whole.problems)
    assert not Counter(_label(p) for p in split.problems) - labels, (split.problems,
                                                                    whole.problems)


def _label(problem: str) -> str:
    return problem.split(": unreadable", 1)[0]


def skipped(data: bytes, window: tuple[dt.datetime, dt.datetime]) -> int:
    loaded = ics_scan.load(data, window, [])
    return -1 if loaded is None else sum(c.skipped for c in loaded)


@pytest.mark.parametrize("path", CALENDARS, ids=lambda p: p.name)
def test_every_fixture_reads_the_same_split_and_whole(path: Path) -> None:
    data = path.read_bytes()
    for window in [*CORPUS_WINDOWS, WINDOW]:
        assert_same(data, window)


def test_the_fixtures_do_take_the_split_reading() -> None:
    """Most fixtures are split (not handed whole to icalendar), and on the narrow
    windows events are set aside: the comparison above covers the fast path."""
    split = [p for p in CALENDARS if ics_scan.split(p.read_bytes()) is not None]
    assert len(split) > 0.8 * len(CALENDARS)
    assert sum(max(0, skipped(p.read_bytes(), w)) for p in split for w in CORPUS_WINDOWS[1:]) > 50


# --- generated calendars -----------------------------------------------------------------

CUSTOM_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Custom Plus Five\r\nBEGIN:STANDARD\r\n"
               "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"
               "END:STANDARD\r\nEND:VTIMEZONE\r\n")
NY_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Eastern Custom\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\n"
           "TZOFFSETTO:-0400\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
           "END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
           "DTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
           "END:VTIMEZONE\r\n")
TZIDS = ["", "TZID=Europe/Berlin", "TZID=China Standard Time", "TZID=Custom Plus Five",
         "TZID=Eastern Custom", 'TZID="(UTC-08:00) Pacific Time (US & Canada)"',
         "TZID=Mars/Olympus_Mons", "TZID=", "TZID=Pacific/Kiritimati", "TZID=Etc/GMT+12",
         "TZID=/freeassociation.sourceforge.net/Tzfile/Asia/Tokyo"]


OUTLOOK_LINES = ["CLASS:PUBLIC", "TRANSP:OPAQUE", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
                 ("X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Agenda: pricing\\, next steps"
                  "</p></body></html>"), "COMMENT:see notes", "X-TYPED;VALUE=INTEGER:abc",
                 'X-BROKEN;P="unclosed:value', "X-ATTENDEE-NOTE;CN=\"a:b\":kept or not",
                 "SEQUENCE:x", "X-STATUS:CANCELLED"]


def _stamp(at: dt.datetime, rng: random.Random) -> tuple[str, str]:
    """(parameters, value) of a DTSTART-like property for ``at`` in some form."""
    form = rng.choice(["utc", "zoned", "zoned", "floating", "date", "date_tz"])
    if form == "utc":
        return "", at.strftime("%Y%m%dT%H%M%SZ")
    if form == "floating":
        return "", at.strftime("%Y%m%dT%H%M%S")
    if form == "date":
        return ";VALUE=DATE", at.strftime("%Y%m%d")
    if form == "date_tz":
        return ";TZID=Europe/Berlin;VALUE=DATE", at.strftime("%Y%m%d")
    tzid = rng.choice(TZIDS)
    return (";" + tzid if tzid else ""), at.strftime("%Y%m%dT%H%M%S")


def _when(rng: random.Random, window: tuple[dt.datetime, dt.datetime]) -> dt.datetime:
    """A time anywhere over three years, or close to one of the window's edges."""
    if rng.random() < 0.5:
        edge = rng.choice(window)
        return edge + dt.timedelta(minutes=rng.randint(-5 * 1440, 5 * 1440))
    return window[0] + dt.timedelta(minutes=rng.randint(-500 * 1440, 550 * 1440))


def _event(rng: random.Random, uid: str | None, window: tuple[dt.datetime, dt.datetime],
           extra: str = "", at: dt.datetime | None = None) -> str:
    at = at or _when(rng, window)
    params, value = _stamp(at, rng)
    lines = [f"DTSTART{params}:{value}"]
    end = rng.choice(["dtend", "duration", "none", "long", "negative"])
    if end == "dtend":
        lines.append("DTEND{}:{}".format(*_stamp(at + dt.timedelta(hours=rng.randint(0, 30)), rng)))
    elif end == "duration":
        lines.append(rng.choice(["DURATION:PT1H", "DURATION:P1D", "DURATION:PT90M",
                                 "DURATION:P1W", "DURATION:P1DT2H"]))
    elif end == "long":
        lines.append(rng.choice(["DURATION:P40D", "DURATION:P200D", "DTEND:" + (
            at + dt.timedelta(days=rng.randint(3, 300))).strftime("%Y%m%dT%H%M%SZ")]))
    elif end == "negative":
        lines.append("DURATION:-PT2H")
    if uid is not None:
        lines.append(f"UID:{uid}")
    lines += [f"SUMMARY:Meeting {uid}", "DTSTAMP:20260101T000000Z",
              "ORGANIZER;CN=Rep:mailto:rep@northwind.example",
              (f"ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Buyer, {rng.randint(1, 9)}\":"
               f"mailto:b{rng.randint(1, 9)}@customer.example")]
    if rng.random() < 0.2:
        lines.append(rng.choice(["STATUS:CANCELLED", "STATUS:TENTATIVE"]))
    if rng.random() < 0.3:  # what Outlook adds, and text-valued lines ics.py never reads
        lines += rng.sample(OUTLOOK_LINES, rng.randint(1, len(OUTLOOK_LINES)))
    if rng.random() < 0.3:  # a reminder, sometimes with its own UID line as Apple writes
        alarm = ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "DESCRIPTION:Soon"]
        if rng.random() < 0.5:
            alarm.append(f"UID:alarm-{rng.randint(1, 5)}")
        lines.append("\r\n".join([*alarm, "END:VALARM"]))
    rng.shuffle(lines)
    body = "\r\n".join(lines) + "\r\n" + extra
    return "BEGIN:VEVENT\r\n" + body + "END:VEVENT\r\n"


def _rule(rng: random.Random) -> str:
    return rng.choice(["RRULE:FREQ=WEEKLY;COUNT=30\r\n", "RRULE:FREQ=DAILY;INTERVAL=3\r\n",
                       "RRULE:FREQ=MONTHLY;UNTIL=20280101T000000Z\r\n",
                       "RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=80\r\n",
                       "RDATE:20260305T100000Z,20260520T100000Z\r\n",
                       "RRULE:FREQ=YEARLY\r\nEXDATE:20260310T100000Z\r\n"])


def generated_calendar(seed: int, window: tuple[dt.datetime, dt.datetime] = WINDOW) -> bytes:
    rng = random.Random(seed)
    events: list[str] = []
    for i in range(rng.randint(5, 40)):
        uid = f"e{seed}-{i}@gen.example"
        kind = rng.random()
        if kind < 0.45:
            events.append(_event(rng, uid, window))
        elif kind < 0.6:  # a series, starting well before the window
            start = window[0] - dt.timedelta(days=rng.randint(-30, 400))
            events.append(_event(rng, uid, window, _rule(rng), at=start))
        elif kind < 0.72:  # a series with a moved instance: in or out of the window, either way
            start = window[0] - dt.timedelta(days=rng.randint(0, 200))
            master = _event(rng, uid, window, "RRULE:FREQ=WEEKLY\r\n", at=start)
            moved_from = start + dt.timedelta(weeks=rng.randint(0, 60))
            moved = _event(rng, uid, window, "RECURRENCE-ID:"
                           + moved_from.strftime("%Y%m%dT%H%M%SZ") + "\r\n")
            events += [master, moved] if rng.random() < 0.5 else [moved, master]
        elif kind < 0.78:  # the same UID twice without a rule (an exporter's duplicate)
            events += [_event(rng, uid, window), _event(rng, uid, window)]
        elif kind < 0.82:
            events.append(_event(rng, None, window))  # no UID
        elif kind < 0.86:
            events.append(_event(rng, f"esc\\,aped-{seed}-{i}", window))
        elif kind < 0.9:  # a name icalendar reads after folding case and dropping blanks
            text = _event(rng, uid, window)
            events.append(rng.choice([text.replace("DTSTART", "dtstart", 1),
                                      text.replace("UID:", "U ID:", 1),
                                      text.replace("END:VEVENT", "RRULE :FREQ=DAILY\r\nEND:VEVENT"),
                                      text.replace("DTSTART", "DT\r\n START", 1)]))
        elif kind < 0.94:
            events.append(rng.choice(list(hostile_events(window[0].date()).values())))
        elif kind < 0.97:
            events.append(f"BEGIN:VTODO\r\nUID:todo-{i}\r\nDTSTART:20260301T100000Z\r\n"
                          "SUMMARY:Call back\r\nEND:VTODO\r\n")
        else:  # an unreadable DTSTART, in or out of the window
            events.append(_event(rng, uid, window).replace("DTSTART:", "DTSTART:9", 1))
    zones = [CUSTOM_ZONE, NY_ZONE, OUTLOOK_ZONE]
    rng.shuffle(zones)
    head = "".join(zones[:rng.randint(0, 3)])
    tail = ""
    if rng.random() < 0.3:  # zones written after the events that use them (RFC 5545 allows it)
        head, tail = "", head
    method = "METHOD:CANCEL\r\n" if rng.random() < 0.1 else ""
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gen//EN\r\n" + method + head
            + "".join(events) + tail + "END:VCALENDAR\r\n")
    if rng.random() < 0.15:  # two calendars in one file
        text += "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events[:3]) + "END:VCALENDAR\r\n"
    if rng.random() < 0.3:
        text = text.replace("\r\n", "\n")
    if rng.random() < 0.3:  # fold every long line as Outlook does, at 60 characters
        text = re.sub(r"([^\r\n]{60})(?=[^\r\n])", "\\1\r\n ", text)
    return text.encode()


SEEDS = range(150)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_calendars_read_the_same_split_and_whole(seed: int) -> None:
    data = generated_calendar(seed)
    assert_same(data, WINDOW)
    assert_same(data, (WINDOW[0] + dt.timedelta(days=200), WINDOW[1] + dt.timedelta(days=200)))


def test_the_generated_calendars_do_set_events_aside() -> None:
    counts = [skipped(generated_calendar(seed), WINDOW) for seed in SEEDS]
    assert sum(c > 0 for c in counts) > len(counts) / 2
    assert sum(c == -1 for c in counts) < len(counts) / 10  # few are handed over whole


def test_a_big_export_sets_most_events_aside_and_reads_the_same() -> None:
    data = years_calendar(3000, NOW - dt.timedelta(days=730), NOW + dt.timedelta(days=365))
    assert skipped(data, WINDOW) > 2000
    assert_same(data, WINDOW)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.text(alphabet="a\r\n \tB", max_size=24))
def test_unfolding_matches_icalendar(text: str) -> None:
    assert ics_scan.unfold(text) == UFOLD.sub("", text)
