"""Two processes saving the same findings snapshot at once: both read "no such finding",
then both insert. The loser retries and refreshes instead of crashing with a duplicate
key (SQLite and PostgreSQL). A barrier in ``before_flush`` makes the race certain."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from dealnudge.store import Store
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.store.samples import NOW, REP, finding


@pytest.fixture
def both_read_first() -> Iterator[threading.Barrier]:
    barrier = threading.Barrier(2)
    waited: set[int] = set()

    def hold(session: Session, flush_context: object, instances: object) -> None:
        me = threading.get_ident()
        if me not in waited and session.new:
            waited.add(me)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)

    event.listen(Session, "before_flush", hold)
    yield barrier
    event.remove(Session, "before_flush", hold)


def test_the_same_snapshot_saved_twice_at_once(store_url: str,
                                               both_read_first: threading.Barrier) -> None:
    with Store.open(store_url) as first:  # migrated, and the rep known (as after a sync)
        first.ensure_rep(REP, "Sarah", "UTC")
    stores = [Store.open(store_url), Store.open(store_url)]
    snapshot = [finding("a.example"), finding("b.example")]
    errors: list[BaseException] = []
    results = []

    def save(store: Store) -> None:
        try:
            results.append(store.sync_findings(snapshot, NOW, [REP]))
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == [] and not both_read_first.broken  # both really raced
        assert sorted(len(r.opened) for r in results) == [0, 2]  # one opened, one refreshed
        assert sorted(f.key for f in stores[0].open_findings()) == sorted(f.key for f in snapshot)
    finally:
        for s in stores:
            s.close()
