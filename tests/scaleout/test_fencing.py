"""A zombie cannot regress a cursor: a sync run superseded by a newer one writes nothing.

The frozen-worker scenario without processes: run A starts and stores a page, run B
(the worker that took over) starts and stores newer data with a newer cursor, then
A wakes up and tries to store its next page with an older cursor.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from dealnudge.store import StaleSync, Store

from dealnudge.records import SyncPage
from tests.store.samples import INBOX, REP, message

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def test_a_superseded_run_cannot_move_the_cursor_back(store: Store) -> None:
    a = store.begin_sync(REP, NOW)
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m1")], cursor="h-10"), 1, epoch=a)
    b = store.begin_sync(REP, NOW + dt.timedelta(minutes=3))
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m2")], cursor="h-20"), 1, epoch=b)

    with pytest.raises(StaleSync):
        store.apply_page(REP, INBOX, SyncPage(messages=[message("m1", body="old text")],
                                              cursor="h-11"), 1, epoch=a)
    with pytest.raises(StaleSync):
        store.reset_cursor(REP, INBOX, epoch=a)
    with pytest.raises(StaleSync):
        store.record_sync(REP, INBOX, ok=True, at=NOW, items=1, epoch=a)

    assert b > a
    assert store.get_cursor(REP, INBOX, 1) == "h-20"
    assert [m.body_text for _, m in store.messages(REP)] == [message("m1").body_text] * 2
    assert store.health() == []
    store.apply_page(REP, INBOX, SyncPage(messages=[], cursor="h-21"), 1, epoch=b)
    assert store.get_cursor(REP, INBOX, 1) == "h-21"


def test_runs_starting_together_get_distinct_epochs(store: Store) -> None:
    epochs: list[int] = []
    lock = threading.Lock()

    def start() -> None:
        epoch = store.begin_sync(REP, NOW)
        with lock:
            epochs.append(epoch)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(epochs) == list(range(1, 7))
    # only the last one may write
    for epoch in range(1, 6):
        with pytest.raises(StaleSync):
            store.apply_page(REP, INBOX, SyncPage(cursor=f"c{epoch}"), 1, epoch=epoch)
    store.apply_page(REP, INBOX, SyncPage(cursor="c6"), 1, epoch=6)
    assert store.get_cursor(REP, INBOX, 1) == "c6"
