"""apply_page: one transaction per page, idempotent replays, cursors that move only
with their rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dealnudge.store import Store
from dealnudge.store.models import EventRow, MessageRow, ParticipantRow
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dealnudge.records import SyncPage
from tests.store.samples import CALENDAR, INBOX, REP, event, message


def count(store: Store, model: Any) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_replaying_a_page_changes_nothing(store: Store) -> None:
    page = SyncPage(events=[event("e1"), event("e2")], cursor="sync-token-1")
    mail = SyncPage(messages=[message("m1"), message("m2")], cursor="history-7")

    first = store.apply_page(REP, CALENDAR, page, 1)
    store.apply_page(REP, INBOX, mail, 1)
    before = (store.events(), store.messages(), count(store, ParticipantRow))
    again = store.apply_page(REP, CALENDAR, page, 1)
    mail_again = store.apply_page(REP, INBOX, mail, 1)

    assert (first.inserted, first.updated, first.cursor_saved) == (2, 0, True)
    assert (again.inserted, again.updated, again.unchanged, again.deleted) == (0, 0, 2, 0)
    assert (mail_again.inserted, mail_again.unchanged) == (0, 2)
    assert (store.events(), store.messages(), count(store, ParticipantRow)) == before
    assert count(store, EventRow) == 2 and count(store, MessageRow) == 2
    assert count(store, ParticipantRow) == 6


def test_changed_record_is_updated_in_place(store: Store) -> None:
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m1")]), 1)
    edited = dataclasses.replace(message("m1"), subject="Re: 报价", body_text="已确认")

    stats = store.apply_page(REP, INBOX, SyncPage(messages=[edited]), 1)

    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 1, 0)
    assert [m for _, m in store.messages()] == [edited]


def test_zone_change_alone_counts_as_an_update(store: Store) -> None:
    original = event("e1")
    store.apply_page(REP, CALENDAR, SyncPage(events=[original]), 1)
    same_instant = dataclasses.replace(original, start=original.start.astimezone(dt.UTC))

    stats = store.apply_page(REP, CALENDAR, SyncPage(events=[same_instant]), 1)

    assert stats.updated == 1
    (_, stored), = store.events()
    assert stored.start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_cancelled_event_is_an_upsert_and_deleted_ids_remove_rows(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1"), event("e2")]), 1)
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m1"), message("m2")]), 1)

    cancelled = store.apply_page(
        REP, CALENDAR, SyncPage(events=[event("e1", status="cancelled")]), 1)
    gone = store.apply_page(REP, CALENDAR, SyncPage(deleted_ids=["e2", "never-seen"]), 1)
    mail_gone = store.apply_page(REP, INBOX, SyncPage(deleted_ids=["m1", "m1"]), 1)

    assert cancelled.updated == 1 and gone.deleted == 1 and mail_gone.deleted == 1
    assert [(e.source_id, e.status) for _, e in store.events()] == [("e1", "cancelled")]
    assert [m.source_id for _, m in store.messages()] == ["m2"]
    assert count(store, ParticipantRow) == 3  # e2's participants went with it


def test_deletion_is_scoped_to_the_stream(store: Store) -> None:
    store.apply_page(REP, "google:mail:inbox", SyncPage(messages=[message("x")]), 1)
    store.apply_page(REP, "google:mail:sent", SyncPage(messages=[message("x")]), 1)

    store.apply_page(REP, "google:mail:sent", SyncPage(deleted_ids=["x"]), 1)

    assert len(store.messages()) == 1


def test_record_also_listed_as_deleted_ends_deleted(store: Store) -> None:
    stats = store.apply_page(
        REP, INBOX, SyncPage(messages=[message("m1"), message("m2")], deleted_ids=["m1"]), 1)

    assert [m.source_id for _, m in store.messages()] == ["m2"]
    assert (stats.inserted, stats.deleted) == (2, 1)


def test_duplicate_ids_within_one_page_keep_the_last(store: Store) -> None:
    newer = dataclasses.replace(message("m1"), subject="newer")
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m1"), newer]), 1)

    assert [m.subject for _, m in store.messages()] == ["newer"]


def test_cursor_versions_and_reset(store: Store) -> None:
    assert store.get_cursor(REP, CALENDAR, 1) is None
    store.apply_page(REP, CALENDAR, SyncPage(cursor="token-a"), 1)
    assert store.get_cursor(REP, CALENDAR, 1) == "token-a"
    assert store.get_cursor(REP, CALENDAR, 2) is None  # written by an older cursor format
    assert store.get_cursor(REP, INBOX, 1) is None

    store.apply_page(REP, CALENDAR, SyncPage(cursor="token-b"), 2)
    assert store.get_cursor(REP, CALENDAR, 2) == "token-b"
    assert store.get_cursor(REP, CALENDAR, 1) is None

    stats = store.apply_page(REP, CALENDAR, SyncPage(events=[event()]), 2)  # mid-round page
    assert not stats.cursor_saved and store.get_cursor(REP, CALENDAR, 2) == "token-b"

    store.reset_cursor(REP, CALENDAR)
    assert store.get_cursor(REP, CALENDAR, 2) is None
    store.reset_cursor(REP, CALENDAR)  # resetting nothing is fine


@pytest.fixture
def break_cursor_writes(store: Store) -> Iterator[Callable[[], list[str]]]:
    """Arms a hook that makes the statement writing a cursor fail (after the page's
    rows were sent); returns the statements seen once armed."""
    seen: list[str] = []

    def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        verb = statement.lstrip().split()[0].upper()
        seen.append(verb)
        if "sync_cursors" in statement and verb in ("INSERT", "UPDATE"):
            raise RuntimeError("disk full while saving the cursor")

    def arm() -> list[str]:
        sa_event.listen(store.engine, "before_cursor_execute", before_execute)
        return seen

    yield arm
    if sa_event.contains(store.engine, "before_cursor_execute", before_execute):
        sa_event.remove(store.engine, "before_cursor_execute", before_execute)


def test_failure_while_saving_the_cursor_rolls_back_the_rows(
        store: Store, break_cursor_writes: Callable[[], list[str]]) -> None:
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m0")], cursor="history-1"), 1)
    before = store.messages()
    seen = break_cursor_writes()

    with pytest.raises(RuntimeError, match="disk full"):
        store.apply_page(REP, INBOX, SyncPage(
            messages=[message("m1"), dataclasses.replace(message("m0"), subject="edited")],
            deleted_ids=["m0"], cursor="history-2"), 1)

    assert {"INSERT", "UPDATE", "DELETE"} <= set(seen)  # rows were written before the failure
    assert store.messages() == before
    assert store.get_cursor(REP, INBOX, 1) == "history-1"


def test_constraint_violation_in_a_page_keeps_rows_and_cursor(store: Store) -> None:
    store.apply_page(REP, INBOX, SyncPage(messages=[message("m1")], cursor="history-1"), 1)
    before = store.messages()
    bad = message("m3", folder="spam")  # outside the Folder literal: a CHECK constraint fails

    with pytest.raises(IntegrityError):
        store.apply_page(REP, INBOX, SyncPage(
            messages=[dataclasses.replace(message("m1"), subject="changed"), message("m2"), bad],
            deleted_ids=["m1"], cursor="history-2"), 1)

    assert store.messages() == before
    assert store.get_cursor(REP, INBOX, 1) == "history-1"
