"""The store remembers the first start of every event, so a move shows across syncs.

Runs on SQLite and PostgreSQL (the ``store`` fixture is parametrised over both).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from alembic import command
from alembic.script import ScriptDirectory
from dealnudge.store import Store, database
from dealnudge.store.models import EventHistoryRow
from sqlalchemy import func, select

from dealnudge.records import CalendarEvent, Finding, SyncPage
from tests.store.samples import CALENDAR, NOW, OTHER_REP, REP, SHANGHAI, event

FIRST = dt.datetime(2026, 3, 5, 14, 0, tzinfo=SHANGHAI)


def stored(store: Store, rep: str = REP) -> dict[str, CalendarEvent]:
    return {e.source_id: e for _, e in store.events(rep)}


def move(source: CalendarEvent, days: int) -> CalendarEvent:
    return dataclasses.replace(source, start=source.start + dt.timedelta(days=days),
                               end=source.end + dt.timedelta(days=days))


def test_an_unmoved_event_reads_back_unchanged(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1")]), 1)
    assert stored(store)["e1"] == event("e1")
    assert stored(store)["e1"].first_start is None


def test_a_moved_event_keeps_its_first_start_across_syncs(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1")]), 1)
    store.apply_page(REP, CALENDAR, SyncPage(events=[move(event("e1"), 2)]), 1)
    first = stored(store)["e1"].first_start
    assert first == FIRST and first is not None and first.utcoffset() == dt.timedelta(hours=8)
    store.apply_page(REP, CALENDAR, SyncPage(events=[move(event("e1"), 5)]), 1)
    assert stored(store)["e1"].first_start == FIRST  # moved again: still the first start
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1")]), 1)
    assert stored(store)["e1"].first_start is None  # back where it began: not moved


def test_history_outlives_a_deletion(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1")]), 1)
    store.apply_page(REP, CALENDAR, SyncPage(deleted_ids=["e1"]), 1)
    assert stored(store) == {}
    store.apply_page(REP, CALENDAR, SyncPage(events=[move(event("e1"), 1)]), 1)
    assert stored(store)["e1"].first_start == FIRST


def test_history_is_per_rep_and_stream(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1")]), 1)
    store.apply_page(OTHER_REP, CALENDAR, SyncPage(events=[move(event("e1"), 3)]), 1)
    store.apply_page(REP, "caldav:calendar", SyncPage(events=[move(event("e1"), 3)]), 1)
    assert stored(store, OTHER_REP)["e1"].first_start is None
    assert {e.first_start for _, e in store.events(REP)} == {None}
    with store.engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(EventHistoryRow)).scalar_one()
    assert rows == 3


def test_a_store_from_before_the_history_keeps_working(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e1"), event("e2")]), 1)
    with store.engine.begin() as connection:
        config = database.alembic_config(connection)
        before = ScriptDirectory.from_config(config).get_revision("0002").down_revision
        command.downgrade(config, str(before))  # the schema just before the history
    assert database.migrate(store.engine) is True  # backfills: first start = current start
    assert {e.first_start for e in stored(store).values()} == {None}
    assert stored(store)["e1"] == event("e1")
    store.apply_page(REP, CALENDAR, SyncPage(events=[move(event("e2"), 1)]), 1)
    assert stored(store)["e2"].first_start == FIRST


def test_deal_signal_fields_of_findings_round_trip(store: Store) -> None:
    finding = Finding(
        rep=REP, kind="slipped_commitment", account="acme.cn", meeting_uid=None, since=NOW,
        detail="acme.cn promised …", evidence="我们下周三前把签好的保密协议发给你们。",
        due=dt.date(2026, 3, 4), message_id="m-1@acme.cn")
    counted = Finding(rep=REP, kind="repeated_reschedules", account="acme.cn", meeting_uid=None,
                      since=NOW, detail="2 meetings …", count=2)
    store.sync_findings([finding, counted], NOW, [REP])
    assert sorted((s.finding for s in store.open_findings(REP)), key=lambda f: f.kind) == [
        counted, finding]
