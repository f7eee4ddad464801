"""``$batch`` at the wire: one request per rep for an unchanged round, per-item faults.

The pipeline and a real SQLite store drive the connector, so the test covers the
pipeline's ``prefetch`` call as production makes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dealnudge.connectors import microsoft
from dealnudge.connectors.base import AdminError, ConnectorError, CursorExpired, ErrorKind, Stream
from dealnudge.connectors.microsoft.auth import graph_app
from dealnudge.connectors.microsoft.batch import BatchItem, get_all
from dealnudge.store import Store

from dealnudge.pipeline import sync_all
from tests.conformance import drain, event, message
from tests.microsoft.fake_graph import Mailbox
from tests.microsoft.server import Reply, Request
from tests.microsoft.world import FakeMicrosoft, GraphWorld

REP, SECOND = "rep@northwind.example", "second@northwind.example"
INBOX, SENT, CALENDAR = (Stream("mail:inbox", "mail"), Stream("mail:sent", "mail"),
                         Stream("calendar", "calendar"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store.open(f"sqlite:///{tmp_path / 'dealnudge.db'}")
    yield db
    db.close()


@pytest.fixture
def two_reps(world: GraphWorld, fake: FakeMicrosoft) -> GraphWorld:
    world.config = fake.config([REP, SECOND], page_size=3)
    fake.graph.mailboxes.setdefault(SECOND, Mailbox())
    for rep in (REP, SECOND):
        fake.add_message(rep, message(1, "inbox", rep))
        fake.add_message(rep, message(2, "sent", rep))
        fake.add_event(rep, event(3, rep))
    return world


def _inbox(request: Request) -> bool:
    return "/mailFolders/inbox/" in request.path


def _batches(fake: FakeMicrosoft) -> list[list[dict[str, object]]]:
    return [json.loads(r.body)["requests"] for r in fake.graph_requests()
            if r.path == "/v1.0/$batch"]


def test_unchanged_incremental_is_one_request_per_rep(two_reps: GraphWorld, store: Store,
                                                      fake: FakeMicrosoft) -> None:
    first = sync_all(two_reps.config, store, two_reps.context())
    assert all(r.ok and r.items == 3 for r in first)
    assert not _batches(fake)  # a backfill has no cursors to batch
    before = len(fake.graph_requests())
    again = sync_all(two_reps.config, store, two_reps.context())
    assert all(r.ok and r.items == 0 for r in again)
    calls = fake.graph_requests()[before:]
    assert [(c.method, c.path) for c in calls] == [("POST", "/v1.0/$batch")] * 2
    for items in _batches(fake):
        assert len(items) == 3 and all(str(i["url"]).startswith("/users/") for i in items)
    assert len(fake.graph.batch_items) == 6
    for item in fake.graph.batch_items:
        assert 'IdType="ImmutableId"' in item.prefer and "odata.maxpagesize=3" in item.prefer
        assert 'outlook.body-content-type="text"' in item.prefer
        assert set(item.query) == {"$deltatoken"}
    calendar = [i for i in fake.graph.batch_items if i.path.endswith("/calendarView/delta")]
    assert len(calendar) == 2 and all('outlook.timezone="UTC"' in i.prefer for i in calendar)


def test_new_data_arrives_through_the_batch_and_later_pages_follow(
        world: GraphWorld, store: Store, fake: FakeMicrosoft) -> None:
    sync_all(world.config, store, world.context())
    for i in range(4):  # more than a page of 3: the inbox pages on after its batched page
        world.add_message(message(10 + i, "inbox", REP))
    world.add_event(event(5, REP))
    before = len(fake.graph_requests())
    (result,) = sync_all(world.config, store, world.context())
    assert result.ok and result.items == 5
    calls = fake.graph_requests()[before:]
    assert [c.method for c in calls] == ["POST", "GET"]  # the inbox's second page
    assert set(calls[1].query) == {"$skiptoken"}
    assert len(store.messages(REP)) == 4 and len(store.events(REP)) == 1


def test_item_429_inside_a_200_is_retried_alone_after_its_retry_after(
        two_reps: GraphWorld, store: Store, fake: FakeMicrosoft) -> None:
    sync_all(two_reps.config, store, two_reps.context(), reps=[REP])
    fake.add_message(REP, message(7, "inbox", REP))
    fake.add_message(REP, message(8, "sent", REP))
    fake.graph.script_item(_inbox, Reply.graph_error(
        429, "ApplicationThrottled", "Too many requests.", {"Retry-After": "30"}), "item 429")
    (result,) = sync_all(two_reps.config, store, two_reps.context(), reps=[REP])
    assert result.ok and result.items == 2
    first, second = _batches(fake)
    assert len(first) == 3 and len(second) == 1 and "/mailFolders/inbox/" in str(second[0]["url"])
    assert len(two_reps.sleeps) == 1 and 30 <= two_reps.sleeps[0] <= 64
    assert len(fake.graph_requests()) == 3 + 2  # backfill, then the two batches only
    assert len(store.messages(REP)) == 4


def test_item_410_expires_that_stream_only(two_reps: GraphWorld, store: Store,
                                           fake: FakeMicrosoft) -> None:
    sync_all(two_reps.config, store, two_reps.context(), reps=[REP])
    fake.add_message(REP, message(8, "sent", REP))
    fake.add_event(REP, event(9, REP))
    fake.graph.script_item(_inbox, Reply.graph_error(
        410, "SyncStateNotFound", "The sync state could not be found."), "item 410")
    (result,) = sync_all(two_reps.config, store, two_reps.context(), reps=[REP])
    by_stream = {s.stream: s for s in result.streams}
    assert result.ok and by_stream["microsoft:mail:inbox"].full_resync
    assert not by_stream["microsoft:mail:sent"].full_resync
    assert by_stream["microsoft:mail:sent"].items == 1
    assert by_stream["microsoft:calendar"].items == 1
    assert len(store.events(REP)) == 2 and len(store.messages(REP)) == 3
    resync = [r for r in fake.graph_requests() if r.method == "GET"][-1]
    assert "$filter" in resync.query  # the inbox's full round, asked for directly


def test_item_errors_are_raised_by_their_own_stream(world: GraphWorld,
                                                    fake: FakeMicrosoft) -> None:
    world.add_message(message(0, "inbox", REP))
    conn = world.connector()
    cursors = {s.name: drain(conn, s, None).cursor for s in (INBOX, SENT, CALENDAR)}
    fake.graph.script_item(_inbox, Reply(410, b""), "item 410 without a body")
    fake.graph.script_item(lambda r: "/sentitems/" in r.path, Reply.graph_error(
        403, "ErrorAccessDenied", "Access is denied."), "item 403")
    conn = world.connector()
    conn.prefetch(cursors)  # type: ignore[attr-defined]
    before = len(fake.graph_requests())
    with pytest.raises(CursorExpired):
        drain(conn, INBOX, cursors["mail:inbox"])
    with pytest.raises(AdminError, match="access to mailbox"):
        drain(conn, SENT, cursors["mail:sent"])
    assert drain(conn, CALENDAR, cursors["calendar"]).events == []
    assert len(fake.graph_requests()) == before  # every answer came from the batch
    drain(conn, CALENDAR, cursors["calendar"])  # used up: asks for itself again
    assert len(fake.graph_requests()) == before + 1


def test_whole_batch_429_is_retried_as_one(world: GraphWorld, fake: FakeMicrosoft) -> None:
    conn = world.connector()
    cursors = {s.name: drain(conn, s, None).cursor for s in (INBOX, SENT, CALENDAR)}
    fake.throttle(times=1, retry_after=12)
    conn.prefetch(cursors)  # type: ignore[attr-defined]
    throttled, retried = _batches(fake)
    assert throttled == retried and len(retried) == 3
    assert len(world.sleeps) == 1 and world.sleeps[0] >= 12
    assert len(fake.graph.batch_items) == 3  # the throttled POST never reached the items


def test_persistent_item_throttling_ends_as_that_streams_transient_error(
        world: GraphWorld, fake: FakeMicrosoft) -> None:
    conn = world.connector()
    cursors = {s.name: drain(conn, s, None).cursor for s in (INBOX, SENT, CALENDAR)}
    fake.graph.script_item(_inbox, Reply.graph_error(
        503, "ServiceUnavailable", "Busy.", {"Retry-After": "2"}), "item 503", times=6)
    conn.prefetch(cursors)  # type: ignore[attr-defined]
    assert [len(b) for b in _batches(fake)] == [3, 1, 1, 1, 1, 1] and len(world.sleeps) == 5
    with pytest.raises(ConnectorError) as caught:
        drain(conn, INBOX, cursors["mail:inbox"])
    assert caught.value.kind is ErrorKind.TRANSIENT and caught.value.status == 503
    assert drain(conn, SENT, cursors["mail:sent"]).messages == []


def test_a_batch_costs_its_items_against_the_mailbox_budget(fake: FakeMicrosoft) -> None:
    world = GraphWorld(fake)
    world.config = fake.config([REP], page_size=3, requests_per_10_minutes=3)
    conn = world.connector()
    cursors = {s.name: drain(conn, s, None).cursor for s in (INBOX, SENT, CALENDAR)}
    world.sleeps.clear()
    world.clock += 600  # a full budget again
    conn.prefetch(cursors)  # type: ignore[attr-defined]
    assert world.sleeps == []
    conn.prefetch(cursors)  # type: ignore[attr-defined]
    assert sum(world.sleeps) >= 590  # 3 items at 3 per 600 s: a whole window to wait


def test_more_than_20_items_go_in_several_batches(world: GraphWorld,
                                                  fake: FakeMicrosoft) -> None:
    world.add_message(message(0, "inbox", REP))
    conn = world.connector()
    link = json.loads(drain(conn, INBOX, None).cursor or "{}")["link"]
    client = conn.client  # type: ignore[attr-defined]
    items = [BatchItem(str(n), link, None, ("odata.maxpagesize=3",), "inbox")
             for n in range(25)]
    answers = get_all(client, items)
    assert [len(b) for b in _batches(fake)] == [20, 5]
    assert sorted(answers, key=int) == [str(n) for n in range(25)]
    assert all(isinstance(a, dict) and "@odata.deltaLink" in a for a in answers.values())


def test_the_fake_refuses_a_batch_graph_would_refuse(world: GraphWorld,
                                                     fake: FakeMicrosoft) -> None:
    client = world.connector().client  # type: ignore[attr-defined]
    item = {"id": "1", "method": "GET", "url": f"/users/{REP}/calendarView/delta"}
    for bad in ([item] * 2, [{**item, "id": str(n)} for n in range(21)],
                [{**item, "url": f"{client.base}/v1.0/users/{REP}/messages"}]):
        with pytest.raises(ConnectorError) as caught:
            client.post_json(f"{client.base}/v1.0/$batch", {"requests": bad}, what="bad")
        assert caught.value.kind is ErrorKind.BUG and caught.value.status == 400
    assert len(fake.graph.violations) == 3
    fake.graph.violations.clear()


def test_a_batch_holds_a_slot_per_item(world: GraphWorld) -> None:
    provider = world.config.providers.microsoft
    assert provider is not None
    gate = graph_app(provider).gate("slots@northwind.example", world.context())
    with gate.hold(3):
        assert [gate.slots.acquire(blocking=False) for _ in range(2)] == [True, False]
        gate.slots.release()
    with gate.hold(9):  # never more than there are
        assert not gate.slots.acquire(blocking=False)
    assert all(gate.slots.acquire(blocking=False) for _ in range(4))


def test_registry_connector_offers_prefetch(world: GraphWorld) -> None:
    conn = microsoft.create(world.config.reps[0], world.config, world.context())
    conn.prefetch({})  # nothing to batch: no request at all
    assert conn.client.requests_made == 0
