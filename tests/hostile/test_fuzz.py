"""Fuzzing the parsers and the local connector: generated and mutated inputs, each run.

Each test feeds at least 1,000 inputs (mutations of real fixtures and of the hostile
set, plus generated headers, properties and bytes) and asserts what every caller
relies on: only the parser's own error escapes, no input takes more than 2 s, and the
records keep their invariants (aware datetimes, lower-case addresses, no NUL).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from dealnudge.connectors.ics import MalformedCalendar, parse_calendar_report
from dealnudge.connectors.local import CALENDAR, MAIL
from dealnudge.connectors.mime import MalformedMessage, parse_message
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dealnudge.records import CalendarEvent, EmailMessage
from tests.conformance import drain
from tests.hostile.inputs import calendar, hostile_events, poison_mail, vevent
from tests.local.test_local_connector import connector
from tests.local.world import NOW

FIXTURES = Path(__file__).parent.parent / "fixtures"
MAIL_SEEDS = [p.read_bytes() for p in sorted((FIXTURES / "local" / "mail").rglob("*.eml"))] \
    + [raw for raw in poison_mail().values() if len(raw) < 20_000]
ICS_SEEDS = [p.read_bytes() for p in sorted((FIXTURES / "local" / "ics").glob("*.ics"))] \
    + [calendar(e) for e in hostile_events(dt.date(2026, 3, 2)).values()]
ZONE = ZoneInfo("Asia/Shanghai")
WINDOW = (NOW - dt.timedelta(days=90), NOW + dt.timedelta(days=60))
LIMIT = 2.0  # CPU seconds: the machine running the suite may be shared and busy
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
# Generation only: a failure is reported as found (shrinking a slow input can take minutes).
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- strategies -------------------------------------------------------------------------

_INTERESTING = [b"\x00", b"\r\n", b"\n\n", b"=?", b"?=", b"(", b")", b"<", b">", b"\"", b":",
                b";", b"\\", b"\xff", b"\xe4\xb8", b"--", b"boundary=", b"charset=",
                b"=?undefined?B?AA==?=", b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n",
                b"END:VCALENDAR\r\n", b"TZID=", b"RRULE:FREQ=SECONDLY\r\n", b"VALUE=DATE",
                b"EXDATE:", b"DTSTART:", b";TZID=\"(UTC+08:00) Beijing\"", b"\t", b" "]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "repeat", "flip", "truncate"]))
        if action == "insert":
            piece = draw(st.sampled_from(_INTERESTING) | st.binary(max_size=16))
            data[at:at] = piece
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif action == "repeat":
            chunk = bytes(data[at:at + draw(st.integers(1, 40))])
            data[at:at] = chunk * draw(st.integers(1, 50))
        elif action == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        else:
            del data[at:]
    return bytes(data)


_header_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@st.composite
def generated_mail(draw: st.DrawFn) -> bytes:
    charset = draw(st.sampled_from(["utf-8", "gbk", "undefined", "utf\x00-8", "x-unknown",
                                    "base64", "rot13", "idna", "unicode_escape", "big5", ""]))
    word = b"=?" + charset.encode("utf-8", "replace") + b"?B?" + draw(
        st.binary(max_size=30)).hex().encode() + b"?="
    sender = draw(_header_text).encode("utf-8", "surrogateescape")
    headers = [b"From: " + sender + b" <Buyer@Customer.Example>",
               b"Subject: " + word + b" " + draw(_header_text).encode(),
               b"Date: " + draw(st.sampled_from([b"Mon, 2 Mar 2026 10:00:00 +0800", b"garbage",
                                                 b"Mon, 2 Mar 1800 10:00:00", b""])),
               b"Content-Type: text/plain; charset=\"" + charset.encode("utf-8", "replace")
               + b"\""]
    return b"\r\n".join(headers) + b"\r\n\r\n" + draw(st.binary(max_size=200))


@st.composite
def generated_event(draw: st.DrawFn) -> bytes:
    start = draw(st.sampled_from([
        "DTSTART:20260302T100000Z", "DTSTART;TZID=:20260302T100000",
        "DTSTART;TZID=Europe/Berlin;VALUE=DATE:20260302", "DTSTART;VALUE=DATE:20260302",
        'DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20260302T100000',
        "DTSTART;TZID=Nowhere/Land:20260302T100000", "DTSTART:19000101T000000",
        "DTSTART:20260302", "DTSTART:99991231T235959Z"]))
    freq = draw(st.sampled_from(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY",
                                 "MONTHLY", "YEARLY", "BOGUS"]))
    parts = [f"FREQ={freq}", *draw(st.lists(st.sampled_from(["COUNT=3", "COUNT=100000", "INTERVAL=0", "INTERVAL=7", "UNTIL=20270101T000000Z", "BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12", "BYMINUTE=0,15,30,45", "BYSECOND=0,30", "BYDAY=MO,TU,WE,TH,FR", "BYMONTHDAY=31", "BYSETPOS=-1", "BYMONTH=2;BYMONTHDAY=30"]), max_size=4))]
    extra = f"RRULE:{';'.join(parts)}\r\n" if draw(st.booleans()) else ""
    if draw(st.booleans()):
        extra += "EXDATE:" + ",".join(f"202603{d:02d}T100000Z" for d in range(1, 29)) + "\r\n"
    return calendar(vevent(draw(st.text("abc-@.", min_size=0, max_size=8)), start,
                           extra=extra, duration=draw(st.sampled_from(["PT1H", "P1D", "-PT1H",
                                                                       "bogus"]))))

# --- invariants ---------------------------------------------------------------------------


def check_message(msg: EmailMessage) -> None:
    assert msg.sent_at.tzinfo is not None
    for address in (msg.sender, *msg.to, *msg.cc):
        assert address.email == address.email.lower() and "@" in address.email
    for text in (msg.subject, msg.body_text, msg.message_id, msg.sender.name):
        assert "\x00" not in text


def check_event(event: CalendarEvent) -> None:
    assert event.start.tzinfo is not None and event.end.tzinfo is not None
    assert event.end >= event.start
    assert event.start < WINDOW[1] and (event.end > WINDOW[0] or event.start >= WINDOW[0])
    assert all(p.email == p.email.lower() for p in event.participants)
    assert "\x00" not in event.title


def run_mail(raw: bytes) -> None:
    started = time.process_time()
    try:
        msg = parse_message(raw, source_id="fuzz", folder="inbox", default_tz=ZONE)
    except MalformedMessage:
        pass
    else:
        check_message(msg)
    assert time.process_time() - started < LIMIT


def run_calendar(data: bytes) -> None:
    started = time.process_time()
    try:
        found = parse_calendar_report(data, window_start=WINDOW[0], window_end=WINDOW[1],
                                      default_tz=ZONE, owner="rep@northwind.example")
    except MalformedCalendar:
        pass
    else:
        for event in found.events:
            check_event(event)
        assert not any("bug:" in p for p in found.problems), found.problems
    assert time.process_time() - started < LIMIT


@FUZZ
@given(st.one_of(mutated(MAIL_SEEDS), generated_mail(), st.binary(max_size=600)))
def test_parse_message_survives_fuzzing(raw: bytes) -> None:
    run_mail(raw)


@FUZZ
@given(st.one_of(mutated(ICS_SEEDS), generated_event()))
def test_the_ics_reader_survives_fuzzing(data: bytes) -> None:
    run_calendar(data)


@FUZZ
@given(st.lists(mutated(MAIL_SEEDS), min_size=1, max_size=3),
       st.one_of(mutated(ICS_SEEDS), generated_event()))
def test_the_local_connector_survives_fuzzed_files(mails: list[bytes], ics: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "mail").mkdir()
        for i, raw in enumerate(mails):
            (root / "mail" / f"m{i}.eml").write_bytes(raw)
        (root / "calendar.ics").write_bytes(ics)
        conn = connector(root, mail=root / "mail", calendar=root / "calendar.ics")
        started = time.process_time()
        got = drain(conn, MAIL, None)
        for msg in got.messages:
            check_message(msg)
        skipped = [s for p in got.pages for s in p.skipped]
        assert len(got.messages) + len(skipped) == len(mails)
        cal = drain(conn, CALENDAR, None)
        for event in cal.events:
            check_event(event)
        assert not any("bug:" in s for p in got.pages + cal.pages for s in p.skipped)
        assert time.process_time() - started < 2 * LIMIT
