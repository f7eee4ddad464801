"""iCalendar parsing quirks (tests/fixtures/local/ics): recurrence, zones, people, bad data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors.ics import (
    MalformedCalendar,
    parse_calendar,
    parse_calendar_report,
    windows_zone_to_iana,
)

from dealnudge.records import CalendarEvent

ICS = Path(__file__).parent.parent / "fixtures" / "local" / "ics"
UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW = {"window_start": dt.datetime(2026, 2, 1, tzinfo=UTC),
          "window_end": dt.datetime(2026, 4, 1, tzinfo=UTC)}


def parse(name: str, tz: str = "Asia/Shanghai", owner: str = "li.wei@northwind.example",
          **kw: object) -> list[CalendarEvent]:
    return parse_calendar((ICS / name).read_bytes(), default_tz=ZoneInfo(tz), owner=owner,
                          source_prefix=f"{name}#", **WINDOW, **kw)  # type: ignore[arg-type]


def test_recurrence_with_exdate_and_override() -> None:
    events = parse("recurring.ics")
    assert [e.start for e in events] == [
        dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI),
        dt.datetime(2026, 3, 16, 14, tzinfo=SHANGHAI),  # moved by its RECURRENCE-ID override
        dt.datetime(2026, 3, 23, 10, tzinfo=SHANGHAI)]  # 9 March is an EXDATE
    moved = events[1]
    assert moved.title == "Weekly sync with Acme (moved)"
    assert moved.recurrence_id == dt.datetime(2026, 3, 16, 10, tzinfo=SHANGHAI)
    assert moved.source_id == "recurring.ics#weekly-sync@northwind.example/2026-03-16T02:00:00Z"
    assert {e.uid for e in events} == {"weekly-sync@northwind.example"}
    assert len({e.source_id for e in events}) == 3
    assert {p.email: p.response for p in moved.participants}["wang.jianguo@acme-tech.cn"] == "declined"


def test_participants_organizer_room_and_self() -> None:
    first = parse("recurring.ics")[0]
    people = {p.email: p for p in first.participants}
    assert first.organizer == "li.wei@northwind.example"
    me = people["li.wei@northwind.example"]
    assert me.is_organizer and me.is_self and me.name == "李伟" and me.response == "accepted"
    wang = people["wang.jianguo@acme-tech.cn"]
    assert (wang.name, wang.response, wang.is_self, wang.is_organizer) == ("王建国", "accepted", False, False)
    assert people["room-5f@northwind.example"].is_resource
    assert not wang.is_resource


def test_zones_floating_allday_cancelled_resources() -> None:
    events = {e.uid.split("@")[0]: e for e in parse("zones.ics", tz="Europe/London",
                                                    owner="sam.taylor@northwind.example")}
    assert "outside" not in events
    ny = events["ny-dst"]
    assert ny.start == dt.datetime(2026, 3, 9, 13, 30, tzinfo=UTC)  # EDT (-4) after 8 March
    people = {p.email: p for p in ny.participants}
    assert people["sam.taylor@northwind.example"].response == "tentative"
    assert people["sam.taylor@northwind.example"].is_self
    assert people["c-1234@resource.calendar.google.com"].is_resource
    assert people["dana@initech.example"].is_organizer
    assert ny.source_id == "zones.ics#ny-dst@northwind.example" and ny.recurrence_id is None
    utc = events["utc"]
    assert utc.status == "cancelled" and utc.end - utc.start == dt.timedelta(minutes=45)
    floating = events["floating"]
    assert floating.start == dt.datetime(2026, 3, 11, 15, tzinfo=ZoneInfo("Europe/London"))
    allday = events["allday"]
    assert allday.all_day and not floating.all_day
    assert allday.start == dt.datetime(2026, 3, 12, tzinfo=ZoneInfo("Europe/London"))
    assert allday.end == dt.datetime(2026, 3, 14, tzinfo=ZoneInfo("Europe/London"))
    tokyo = events["tokyo"]
    assert tokyo.start == dt.datetime(2026, 3, 13, 1, tzinfo=UTC)


def test_one_bad_event_is_reported_and_the_rest_survive() -> None:
    result = parse_calendar_report((ICS / "one_bad_event.ics").read_bytes(), default_tz=SHANGHAI,
                                   owner="li.wei@northwind.example", **WINDOW)  # type: ignore[arg-type]
    assert [e.title for e in result.events] == ["Good"]
    assert sorted(p.split(":")[0] for p in result.problems) == [
        "bad-rrule@northwind.example", "bad-start@northwind.example", "no-start@northwind.example"]


def test_method_cancel_marks_everything_cancelled() -> None:
    assert [e.status for e in parse("cancel_method.ics")] == ["cancelled"]


def test_unparsable_file_raises() -> None:
    with pytest.raises(MalformedCalendar):
        parse("not_a_calendar.ics")
    with pytest.raises(MalformedCalendar):
        parse_calendar(b"", default_tz=SHANGHAI, owner="x@y.example", **WINDOW)  # type: ignore[arg-type]


def test_aliases_count_as_self() -> None:
    first = parse("recurring.ics", owner="someone@northwind.example",
                  self_addresses=["LI.WEI@northwind.example"])[0]
    assert {p.email for p in first.participants if p.is_self} == {"li.wei@northwind.example"}


@pytest.mark.parametrize(("windows", "iana"), [
    ("China Standard Time", "Asia/Shanghai"), ("Eastern Standard Time", "America/New_York"),
    ("Pacific Standard Time", "America/Los_Angeles"), ("GMT Standard Time", "Europe/London"),
    ("W. Europe Standard Time", "Europe/Berlin"), ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Singapore Standard Time", "Asia/Singapore"), ("India Standard Time", "Asia/Kolkata"),
    ("AUS Eastern Standard Time", "Australia/Sydney"), ("UTC", "Etc/UTC"),
    ("Asia/Shanghai", "Asia/Shanghai"), ("Not A Zone", None)])
def test_windows_zone_names(windows: str, iana: str | None) -> None:
    assert windows_zone_to_iana(windows) == iana


def test_windows_table_names_real_zones() -> None:
    from dealnudge.connectors.ics import WINDOWS_ZONES
    assert len(WINDOWS_ZONES) >= 40
    for iana in WINDOWS_ZONES.values():
        ZoneInfo(iana)
