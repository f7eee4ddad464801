"""Calendar sync at the wire: window, sync tokens, 410, cancellations, mapping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors.base import CursorExpired
from dealnudge.connectors.cursors import decode_cursor
from dealnudge.connectors.google.connector import CALENDAR

from tests.conformance import drain, event
from tests.google.fake_calendar import html_link
from tests.google.world import NOW, GoogleWorld

REP = "rep@northwind.example"
UTC = dt.UTC


def _listings(world: GoogleWorld) -> list[dict[str, list[str]]]:
    return [r.query for r in world.fake.api_requests() if r.path.startswith("/calendar/v3/")]


def test_full_then_incremental_requests(world: GoogleWorld) -> None:
    for i in range(5):
        world.add_event(event(i, REP))
    conn = world.connector()
    first = drain(conn, CALENDAR, None)
    assert len(first.events) == 5 and len(first.pages) == 2
    assert first.pages[0].cursor is None and first.pages[-1].cursor is not None
    full = _listings(world)
    assert [r.path for r in world.fake.api_requests()] == \
        ["/calendar/v3/calendars/primary/events"] * 2
    assert full[0]["timeMin"] == ["2025-12-10T12:00:00Z"]
    assert full[0]["timeMax"] == ["2026-05-09T12:00:00Z"]
    assert full[0]["singleEvents"] == ["true"] and "syncToken" not in full[0]
    assert "pageToken" in full[1]
    world.add_event(event(7, REP))
    later = drain(conn, CALENDAR, first.cursor)
    assert [e.title for e in later.events] == ["Discovery call 7"]
    inc = _listings(world)[-1]
    assert first.cursor is not None
    assert inc["syncToken"] == [decode_cursor(first.cursor, "calendar")["sync_token"]]
    assert not {"timeMin", "timeMax", "showDeleted", "orderBy"} & set(inc)


def test_outside_window_is_not_listed(world: GoogleWorld) -> None:
    spec = event(1, REP)
    far = spec.__class__(**{**spec.__dict__, "start": NOW + dt.timedelta(days=61),
                            "end": NOW + dt.timedelta(days=61, hours=1)})
    world.add_event(far)
    world.add_event(event(2, REP))
    out = drain(world.connector(), CALENDAR, None)
    assert [e.title for e in out.events] == ["Discovery call 2"]


def test_410_is_cursor_expired_and_full_sync_recovers(world: GoogleWorld) -> None:
    world.add_event(event(1, REP))
    conn = world.connector()
    first = drain(conn, CALENDAR, None)
    world.fake.calendar(REP).expire_tokens()
    with pytest.raises(CursorExpired):
        drain(conn, CALENDAR, first.cursor)
    again = drain(conn, CALENDAR, None)
    assert [e.title for e in again.events] == ["Discovery call 1"]
    assert drain(conn, CALENDAR, again.cursor).events == []


def test_bare_cancellations_become_deletions(world: GoogleWorld) -> None:
    cal = world.fake.calendar(REP)
    start = dt.datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    cal.put({"id": "weekly_20260312T020000Z", "status": "confirmed", "iCalUID": "weekly@x",
             "summary": "Weekly sync", "recurringEventId": "weekly",
             "originalStartTime": {"dateTime": "2026-03-12T02:00:00Z"},
             "start": {"dateTime": "2026-03-12T10:00:00+08:00", "timeZone": "Asia/Shanghai"},
             "end": {"dateTime": "2026-03-12T11:00:00+08:00", "timeZone": "Asia/Shanghai"}},
            start, start + dt.timedelta(hours=1))
    conn = world.connector()
    first = drain(conn, CALENDAR, None)
    one = first.events[0]
    assert one.recurrence_id == start and one.start.tzinfo == ZoneInfo("Asia/Shanghai")
    assert one.start == start and one.uid == "weekly@x"
    cal.cancel("weekly_20260312T020000Z")
    later = drain(conn, CALENDAR, first.cursor)
    assert later.deleted == ["weekly_20260312T020000Z"] and later.events == []


def test_cancelled_event_with_details_keeps_its_status(world: GoogleWorld) -> None:
    cal = world.fake.calendar(REP)
    start = dt.datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    cal.put({"id": "c1", "status": "cancelled", "iCalUID": "c1@x", "summary": "Dropped",
             "start": {"dateTime": "2026-03-12T02:00:00Z"},
             "end": {"dateTime": "2026-03-12T03:00:00Z"}}, start, start)
    cal.events["c1"].cancelled = False  # listed in full, as Google does for showDeleted items
    out = drain(world.connector(), CALENDAR, None)
    assert [(e.source_id, e.status) for e in out.events] == [("c1", "cancelled")]


def test_attendees_all_day_and_organizer_are_mapped(world: GoogleWorld) -> None:
    cal = world.fake.calendar(REP)
    cal.time_zone = "Asia/Shanghai"
    day = dt.datetime(2026, 3, 11, tzinfo=ZoneInfo("Asia/Shanghai"))
    cal.put({"id": "offsite", "status": "tentative", "iCalUID": "offsite@acme.example",
             "summary": "Onsite workshop", "start": {"date": "2026-03-11"},
             "end": {"date": "2026-03-12"}, "location": "Shanghai",
             "organizer": {"email": "Buyer@Acme.example", "displayName": "Wang"},
             "attendees": [
                 {"email": "buyer@acme.example", "organizer": True,
                  "responseStatus": "accepted"},
                 {"email": REP, "self": True, "responseStatus": "tentative"},
                 {"email": "cfo@acme.example", "responseStatus": "declined"},
                 {"email": "ops@acme.example", "responseStatus": "needsAction"},
                 {"email": "room-1@resource.calendar.google.com", "resource": True,
                  "responseStatus": "accepted"}]},
            day, day + dt.timedelta(days=1))
    (ev,) = drain(world.connector(), CALENDAR, None).events
    assert ev.all_day and ev.start == day and ev.end == day + dt.timedelta(days=1)
    assert ev.status == "tentative" and ev.organizer == "buyer@acme.example"
    people = {p.email: p for p in ev.participants}
    assert people["buyer@acme.example"].is_organizer
    assert people[REP].is_self and people[REP].response == "tentative"
    assert people["cfo@acme.example"].response == "declined"
    assert people["ops@acme.example"].response == "needs_action"
    assert people["room-1@resource.calendar.google.com"].is_resource
    assert ev.updated is not None and ev.location == "Shanghai"
    assert ev.web_link == html_link("offsite", REP)  # Calendar's own htmlLink, kept as given


def test_throttled_calendar_honours_retry_after(world: GoogleWorld) -> None:
    world.add_event(event(1, REP))
    world.throttle(times=1, retry_after=12)
    out = drain(world.connector(), CALENDAR, None)
    assert len(out.events) == 1 and world.sleeps[0] >= 12
