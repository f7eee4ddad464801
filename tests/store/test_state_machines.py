"""Property tests: random page sequences and finding snapshots against a dict model.

Each machine runs on a real database (both kinds); the database is emptied before
every generated example, so examples stay independent while the store is opened
once per test (opening and migrating per example would dominate the run time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import ClassVar, TypeVar

import pytest
from dealnudge.store import Store
from dealnudge.store.models import Base
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from dealnudge.records import CalendarEvent, EmailMessage, Finding, SyncPage
from tests.store.samples import NOW, OTHER_REP, PLUS8, REP, event, finding, message

SETTINGS = settings(max_examples=12, stateful_step_count=8, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
STREAMS = ("google:mail:inbox", "google:mail:sent")
IDS = ("a", "b", "c", "d")
SUBJECTS = ("方案", "Quote v2", "")
StoreKey = tuple[str, str]  # (stream, source_id)


def empty(store: Store) -> None:
    with store.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def shared_store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


mails = st.builds(
    lambda source_id, subject, hour: dataclasses.replace(
        message(source_id, sent_at=dt.datetime(2026, 3, 1, hour, tzinfo=PLUS8)), subject=subject),
    st.sampled_from(IDS), st.sampled_from(SUBJECTS), st.integers(0, 23))
pages = st.builds(
    SyncPage, messages=st.lists(mails, max_size=4),
    deleted_ids=st.lists(st.sampled_from(IDS), max_size=2),
    cursor=st.one_of(st.none(), st.sampled_from(("c1", "c2", "c3"))))


M = TypeVar("M", bound="StoreMachine")


class StoreMachine(RuleBasedStateMachine):
    store: ClassVar[Store]


def on(machine: type[M], store: Store) -> type[M]:
    """The machine class bound to one test's store (hypothesis builds instances itself)."""
    return type(machine.__name__, (machine,), {"store": store})


class PageReplay(StoreMachine):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[StoreKey, EmailMessage] = {}
        self.cursors: dict[str, str] = {}
        self.last: tuple[str, SyncPage] | None = None
        empty(self.store)

    def apply_to_model(self, stream: str, page: SyncPage) -> None:
        for record in page.messages:
            self.rows[(stream, record.source_id)] = record
        for source_id in page.deleted_ids:
            self.rows.pop((stream, source_id), None)
        if page.cursor is not None:
            self.cursors[stream] = page.cursor

    @rule(stream=st.sampled_from(STREAMS), page=pages)
    def apply(self, stream: str, page: SyncPage) -> None:
        self.store.apply_page(REP, stream, page, 1)
        self.apply_to_model(stream, page)
        self.last = (stream, page)

    @rule()
    def replay_last_page(self) -> None:
        if self.last is None:
            return
        stream, page = self.last
        stats = self.store.apply_page(REP, stream, page, 1)
        deleted_in_page = set(page.deleted_ids)
        if not deleted_in_page & {m.source_id for m in page.messages}:
            assert stats.changed == 0, stats

    @rule(stream=st.sampled_from(STREAMS), page=pages)
    def failing_page(self, stream: str, page: SyncPage) -> None:
        bad = dataclasses.replace(message("bad"), folder="junk")  # type: ignore[arg-type]
        broken = dataclasses.replace(page, messages=[*page.messages, bad])
        try:
            self.store.apply_page(REP, stream, broken, 1)
        except IntegrityError:
            return
        raise AssertionError("a page with an invalid folder was stored")

    @invariant()
    def store_matches_model(self) -> None:
        stored = {(m.folder, m.source_id, m.subject, m.sent_at)
                  for _, m in self.store.messages(REP)}
        expected = {(m.folder, m.source_id, m.subject, m.sent_at) for m in self.rows.values()}
        assert stored == expected
        assert len(self.store.messages(REP)) == len(self.rows)
        for stream in STREAMS:
            assert self.store.get_cursor(REP, stream, 1) == self.cursors.get(stream)


def test_random_pages_and_replays(shared_store: Store) -> None:
    run_state_machine_as_test(on(PageReplay, shared_store), settings=SETTINGS)


POOL: tuple[Finding, ...] = (
    finding("acme.cn"), finding("acme.cn", kind="no_next_step"),
    finding("globex.com", kind="stalled_deal", meeting=None),
    finding("acme.cn", rep=OTHER_REP), finding("wang@qq.com", rep=OTHER_REP),
)


@dataclasses.dataclass
class Life:
    finding: Finding
    open: bool
    first_seen: dt.datetime
    last_seen: dt.datetime


class FindingLifeCycle(StoreMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = NOW
        self.model: dict[str, Life] = {}

    @initialize()
    def start_empty(self) -> None:
        empty(self.store)

    @rule(chosen=st.sets(st.integers(0, len(POOL) - 1)),
          reps=st.sets(st.sampled_from((REP, OTHER_REP))), hours=st.integers(0, 30),
          detail=st.sampled_from(("Still open.", "依然没有下一步。")))
    def analyse(self, chosen: set[int], reps: set[str], hours: int, detail: str) -> None:
        self.now += dt.timedelta(hours=hours)
        snapshot = [dataclasses.replace(POOL[i], detail=detail) for i in sorted(chosen)]
        changes = self.store.sync_findings(snapshot, self.now, sorted(reps))
        opened, closed = set(), set()
        for f in snapshot:
            life = self.model.get(f.key)
            if life is None or not life.open:
                opened.add(f.key)
                self.model[f.key] = Life(f, True, self.now, self.now)
            else:
                life.finding, life.last_seen = f, self.now
        keys = {f.key for f in snapshot}
        for key, life in self.model.items():
            if life.open and life.finding.rep in reps and key not in keys:
                life.open = False
                closed.add(key)
        assert (set(changes.opened), set(changes.closed)) == (opened, closed)

    @invariant()
    def open_findings_match(self) -> None:
        stored = {s.key: (s.finding, s.first_seen, s.last_seen)
                  for s in self.store.open_findings()}
        expected = {key: (life.finding, life.first_seen, life.last_seen)
                    for key, life in self.model.items() if life.open}
        assert stored == expected


def test_finding_life_cycle_model(shared_store: Store) -> None:
    run_state_machine_as_test(on(FindingLifeCycle, shared_store), settings=SETTINGS)


def test_events_replay_with_participant_changes(store: Store) -> None:
    """Not generated, but the event twin of the replay property: same page twice, no change."""
    page = SyncPage(events=[event("e1"), dataclasses.replace(event("e2"), participants=())])
    store.apply_page(REP, "google:calendar", page, 1)
    assert store.apply_page(REP, "google:calendar", page, 1).changed == 0
    records: list[CalendarEvent] = [e for _, e in store.events()]
    assert records == page.events
