"""Poison mail and calendars: each is read or skipped with a reason, fast, and never
stops the items around it."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors.ics import parse_calendar_report
from dealnudge.connectors.ics_bounds import MAX_OCCURRENCES
from dealnudge.connectors.items import clean_text, skip_reason
from dealnudge.connectors.local import CALENDAR, MAIL
from dealnudge.connectors.mime import MalformedMessage, parse_message

from tests.conformance import drain, message
from tests.hostile.inputs import (
    REPEATED_TZID_ZONE,
    calendar,
    hostile_events,
    poison_mail,
    vevent,
)
from tests.local.test_local_connector import connector
from tests.local.world import NOW, mime_bytes

NEW_YORK = ZoneInfo("America/New_York")
REP = "rep@northwind.example"
WINDOW = (NOW - dt.timedelta(days=90), NOW + dt.timedelta(days=60))


@pytest.mark.parametrize("name", sorted(poison_mail()))
def test_poison_mail_is_read_or_refused_quickly(name: str) -> None:
    raw = poison_mail()[name]
    started = time.process_time()
    reason = ""
    try:
        msg = parse_message(raw, source_id=name, folder="inbox")
    except MalformedMessage as err:
        reason = str(err)
    if reason:
        assert len(reason) < 200  # one sentence, not the input echoed back
    else:
        texts = [msg.subject, msg.body_text, msg.sender.email, msg.message_id]
        assert all("\x00" not in t for t in texts)
        assert msg.sender.email == msg.sender.email.lower() and msg.sent_at.tzinfo is not None
    assert time.process_time() - started < 2


def test_an_encoded_word_decoding_to_nul_keeps_the_message_without_the_nul() -> None:
    msg = parse_message(poison_mail()["word_decodes_to_nul.eml"], source_id="x", folder="inbox")
    assert msg.subject == "Re: offer"


def test_a_from_with_200000_parentheses_is_refused_by_name() -> None:
    with pytest.raises(MalformedMessage, match="From"):
        parse_message(poison_mail()["from_with_200000_parens.eml"], source_id="x",
                      folder="inbox")


def test_hundreds_of_nested_comments_still_find_the_address() -> None:
    msg = parse_message(poison_mail()["from_with_900_parens.eml"], source_id="x", folder="inbox")
    assert msg.sender.email == "x@customer.example"


def test_unexpected_failures_are_marked_as_bugs_and_expected_ones_are_not() -> None:
    assert skip_reason("m1", MalformedMessage("no From address"), (MalformedMessage,)) \
        == "m1: no From address"
    assert skip_reason("m2", ZeroDivisionError("division by zero"), (MalformedMessage,)) \
        == "m2: bug: ZeroDivisionError division by zero"
    assert clean_text("a\x00b\udc80") == "ab\ufffd"


def test_poison_files_in_a_mail_folder_never_stop_the_good_ones(tmp_path: Path) -> None:
    root = tmp_path / "mail"
    root.mkdir()
    for name, raw in poison_mail().items():
        (root / name).write_bytes(raw)
    for i in range(3):
        (root / f"good{i}.eml").write_bytes(mime_bytes(message(i, world_rep=REP)))
    got = drain(connector(tmp_path, mail=root), MAIL, None)
    ids = {m.source_id for m in got.messages}
    assert {"good0.eml", "good1.eml", "good2.eml"} <= ids
    reasons = dict(s.split(": ", 1) for s in got.pages[-1].skipped)
    assert reasons[str(root / "outlook.msg")] == "Outlook .msg is not supported: export as .eml"
    assert "multipart" in reasons[str(root / "five_thousand_nested_multiparts.eml")]
    assert not any("bug:" in r for r in reasons.values())
    assert len(ids) + len(reasons) == len(poison_mail()) + 3  # every file accounted for


def test_oversized_mail_is_skipped_without_being_read(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "mail"
    root.mkdir()
    (root / "big.eml").write_bytes(mime_bytes(message(1, world_rep=REP)) + b"x" * 5000)
    monkeypatch.setattr("dealnudge.connectors.local.MAX_MESSAGE_BYTES", 4096)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    got = drain(connector(tmp_path, mail=root), MAIL, None)
    assert got.messages == []
    assert "over the 4,096-byte limit" in got.pages[-1].skipped[0]
    assert "big.eml" not in opened


def test_mh_folders_and_files_without_extension_are_read(tmp_path: Path) -> None:
    root = tmp_path / "mh"
    (root / "inbox").mkdir(parents=True)
    (root / ".mh_sequences").write_text("unseen: 1\n")
    for i in (1, 2, 3):
        (root / "inbox" / str(i)).write_bytes(mime_bytes(message(i, world_rep=REP)))
    (root / "export-without-extension").write_bytes(mime_bytes(message(4, world_rep=REP)))
    (root / "notes.txt").write_text("not mail")
    (root / "README").write_text("a folder of exported mail\n")
    got = drain(connector(tmp_path, mail=root), MAIL, None)
    assert sorted(m.source_id for m in got.messages) == [
        "export-without-extension", "inbox/1", "inbox/2", "inbox/3"]
    assert got.pages[-1].skipped == []


@pytest.mark.parametrize("name", sorted(hostile_events(dt.date(2026, 3, 2))))
def test_one_hostile_event_never_hides_the_others(name: str) -> None:
    data = calendar(hostile_events(dt.date(2026, 3, 2))[name],
                    vevent("good", "DTSTART:20260302T020000Z"),
                    zones=REPEATED_TZID_ZONE if name == "broken_zone_ref" else "")
    started = time.process_time()
    found = parse_calendar_report(data, window_start=WINDOW[0], window_end=WINDOW[1],
                                  default_tz=NEW_YORK, owner=REP)
    assert time.process_time() - started < 2
    assert "good" in {e.uid for e in found.events}
    assert all(e.start.tzinfo is not None and e.end >= e.start for e in found.events)
    assert not any("bug:" in p for p in found.problems)


def parse(*events: str, zones: str = "") -> dict[str, list[dt.datetime]]:
    found = parse_calendar_report(calendar(*events, zones=zones), window_start=WINDOW[0],
                                  window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
    out: dict[str, list[dt.datetime]] = {}
    for e in found.events:
        out.setdefault(e.uid, []).append(e.start)
    return out


def test_time_zone_forms_exchange_writes_are_resolved_not_read_in_the_reps_zone() -> None:
    events = hostile_events(dt.date(2026, 3, 2))
    display = parse(events["display_name_tzid"])["display-tz"][0]
    assert display == dt.datetime(2026, 3, 2, 7, tzinfo=dt.UTC)  # 15:00 in Beijing
    empty = parse(events["empty_tzid"])["empty-tzid"][0]
    assert empty == dt.datetime(2026, 3, 2, 10, tzinfo=NEW_YORK)  # floating: the owner's zone
    found = parse_calendar_report(calendar(events["date_with_tzid"]), window_start=WINDOW[0],
                                  window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
    assert [(e.all_day, e.start.date()) for e in found.events] == [(True, dt.date(2026, 3, 2))]


def test_a_vtimezone_repeating_its_tzid_is_reported_and_the_events_survive() -> None:
    events = hostile_events(dt.date(2026, 3, 2))
    found = parse_calendar_report(
        calendar(events["broken_zone_ref"], vevent("good", "DTSTART:20260302T020000Z"),
                 zones=REPEATED_TZID_ZONE),
        window_start=WINDOW[0], window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
    assert {e.uid for e in found.events} == {"good", "broken-zone"}
    assert any(p.startswith("VTIMEZONE TZID:Broken Zone") for p in found.problems)


def test_endless_dense_rules_are_skipped_with_a_reason() -> None:
    events = hostile_events(dt.date(2026, 3, 2))
    for name in ("secondly_forever", "minutely_forever"):
        found = parse_calendar_report(calendar(events[name]), window_start=WINDOW[0],
                                      window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
        assert found.events == [] and "recurrence would take about" in found.problems[0]


def test_a_long_exdate_list_is_honoured_and_fast() -> None:
    started = time.process_time()
    starts = parse(hostile_events(dt.date(2026, 3, 2))["daily_long_exdate"])["exdates"]
    assert time.process_time() - started < 2
    excluded_until = dt.datetime(2020, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=1999)
    assert len(starts) == 150 and all(s > excluded_until for s in starts)
    five_excluded = vevent("five", "DTSTART:20260301T090000Z", extra=(
        "RRULE:FREQ=DAILY;COUNT=10\r\nEXDATE:20260302T090000Z,20260303T090000Z\r\n"
        "EXDATE:20260304T090000Z\r\nEXDATE;VALUE=DATE:20260305\r\n"))
    assert len(parse(five_excluded)["five"]) == 6


def test_a_series_is_capped_inside_the_window() -> None:
    hourly = vevent("hourly", "DTSTART:20260101T000000Z", extra="RRULE:FREQ=HOURLY\r\n")
    found = parse_calendar_report(calendar(hourly), window_start=WINDOW[0],
                                  window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
    assert len(found.events) <= MAX_OCCURRENCES
    assert all(WINDOW[0] <= e.start < WINDOW[1] for e in found.events)
    assert f"only the first {MAX_OCCURRENCES}" in found.problems[0]


def test_aliases_mark_the_rep_on_local_invitations(tmp_path: Path) -> None:
    ics = tmp_path / "calendar.ics"
    ics.write_bytes(calendar(vevent("alias", "DTSTART:20260302T020000Z",
                                    attendee="rep.alias@northwind.example")))
    got = drain(connector(tmp_path, calendar=ics, aliases=("rep.alias@northwind.example",)),
                CALENDAR, None)
    people = {p.email: p.is_self for p in got.events[0].participants}
    assert people["rep.alias@northwind.example"] is True


def test_a_rule_no_date_satisfies_is_skipped_at_once() -> None:
    impossible = vevent("never", "DTSTART:20260302T100000Z",
                        extra="RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3\r\n")
    started = time.process_time()
    found = parse_calendar_report(calendar(impossible, vevent("good", "DTSTART:20260302T020000Z")),
                                  window_start=WINDOW[0], window_end=WINDOW[1],
                                  default_tz=NEW_YORK, owner=REP)
    assert time.process_time() - started < 2
    assert [e.uid for e in found.events] == ["good"] and "matches no date" in found.problems[0]
    leap = vevent("leap", "DTSTART:20240229T100000Z",
                  extra="RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29\r\n")
    assert parse(leap) == {}  # possible (next in 2028), just not inside this window


def test_a_rule_that_never_advances_is_skipped() -> None:
    stuck = vevent("stuck", "DTSTART:20260302T100000Z",
                   extra="RRULE:FREQ=YEARLY;COUNT=100000;INTERVAL=0\r\n")
    started = time.process_time()
    found = parse_calendar_report(calendar(stuck), window_start=WINDOW[0],
                                  window_end=WINDOW[1], default_tz=NEW_YORK, owner=REP)
    assert time.process_time() - started < 2
    assert found.events == [] and "INTERVAL=0" in found.problems[0]
