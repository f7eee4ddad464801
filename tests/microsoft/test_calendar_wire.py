"""calendarView delta at the wire: fixed window, UTC times, attendees, removals."""

from __future__ import annotations

import datetime as dt
import json

from dealnudge.connectors.base import Stream

from tests.conformance import EventSpec, drain, event
from tests.microsoft.world import NOW, FakeMicrosoft, GraphWorld

CALENDAR = Stream("calendar", "calendar")
UTC = dt.UTC


def _spec(key: str, start: dt.datetime, attendees: tuple[tuple[str, str], ...],
          organizer: str = "rep@northwind.example") -> EventSpec:
    return EventSpec(key=key, uid=f"{key}@acme.example", title=f"Meeting {key}", start=start,
                     end=start + dt.timedelta(hours=1), organizer=organizer,
                     attendees=attendees)


def test_window_query_once_and_utc_preference(world: GraphWorld, fake: FakeMicrosoft) -> None:
    for i in range(4):
        world.add_event(event(i, world.rep_email))
    first = drain(world.connector(), CALENDAR, None)
    calls = fake.graph_requests()
    assert calls[0].query == {"startDateTime": "2025-12-10T00:00:00Z",
                              "endDateTime": "2026-05-10T00:00:00Z"}
    assert all(set(r.query) == {"$skiptoken"} for r in calls[1:])
    assert all('outlook.timezone="UTC"' in r.prefer for r in calls)
    assert json.loads(first.cursor or "{}")["window_end"] == "2026-05-10T00:00:00Z"
    drain(world.connector(), CALENDAR, first.cursor)
    assert set(fake.graph_requests()[-1].query) == {"$deltatoken"}


def test_attendees_organizer_resources_and_cancelled(world: GraphWorld,
                                                     fake: FakeMicrosoft) -> None:
    start = NOW + dt.timedelta(days=1)
    people = (("rep@northwind.example", "accepted"), ("cfo@acme.example", "tentative"),
              ("cto@acme.example", "declined"), ("pm@acme.example", "needs_action"))
    item_id = fake.add_event(world.rep_email, _spec("x", start, people, "cfo@acme.example"),
                             isCancelled=True)
    doc = fake.graph.mailboxes[world.rep_email].collections["calendar"][item_id].doc
    doc["attendees"].append({"type": "resource", "status": {"response": "accepted"},
                             "emailAddress": {"name": "Room 1", "address": "room1@northwind.example"}})
    (got,) = drain(world.connector(), CALENDAR, None).events
    people_by = {p.email: p for p in got.participants}
    assert people_by["cfo@acme.example"].is_organizer
    assert people_by["cfo@acme.example"].response == "accepted"  # Graph says "organizer"
    assert people_by["cto@acme.example"].response == "declined"
    assert people_by["pm@acme.example"].response == "needs_action"
    assert people_by["rep@northwind.example"].is_self
    assert people_by["room1@northwind.example"].is_resource
    assert got.status == "cancelled" and got.organizer == "cfo@acme.example"
    assert got.uid == "x@acme.example" and got.source_id == item_id
    assert got.start == start and got.start.tzinfo is not None
    assert got.web_link == doc["webLink"] and item_id in (got.web_link or "")


def test_all_day_events_are_midnights_in_the_reps_zone(world: GraphWorld,
                                                      fake: FakeMicrosoft) -> None:
    day = dt.datetime(2026, 3, 12, tzinfo=UTC)
    fake.add_event(world.rep_email, _spec("d", day, ()), isAllDay=True,
                   end={"dateTime": "2026-03-13T00:00:00.0000000", "timeZone": "UTC"})
    (got,) = drain(world.connector(), CALENDAR, None).events
    assert got.all_day and got.start.isoformat() == "2026-03-12T00:00:00+08:00"
    assert got.end.date() == dt.date(2026, 3, 13)


def test_removed_events_including_ones_moved_out_of_the_window(world: GraphWorld,
                                                               fake: FakeMicrosoft) -> None:
    world.add_event(event(1, world.rep_email))
    world.add_event(event(2, world.rep_email))
    first = drain(world.connector(), CALENDAR, None)
    moved = world.keys["e2"][1]
    item = fake.graph.mailboxes[world.rep_email].collections["calendar"][moved]
    far = {"dateTime": "2027-01-01T10:00:00.0000000", "timeZone": "UTC"}
    fake.graph.put(world.rep_email, "calendar", {**item.doc, "start": far, "end": far})
    world.cancel_event("e1")
    later = drain(world.connector(), CALENDAR, first.cursor)
    assert sorted(later.deleted) == sorted([world.keys["e1"][1], moved])
    assert later.events == []


def test_a_used_up_window_starts_a_fresh_full_round(world: GraphWorld,
                                                   fake: FakeMicrosoft) -> None:
    world.add_event(event(1, world.rep_email))
    first = drain(world.connector(), CALENDAR, None)
    world.now = NOW + dt.timedelta(days=40)  # more than half the 60 future days later
    again = drain(world.connector(), CALENDAR, first.cursor)
    assert again.pages[0].full and "startDateTime" in fake.graph_requests()[-1].query
