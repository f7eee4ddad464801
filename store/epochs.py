"""Fencing a rep's sync runs: a compare-and-set on one integer per rep.

Several workers share one database. The task engine gives a rep to one worker at a
time, but a worker that freezes (a stopped VM, a long GC pause, SIGSTOP) loses its
job to another worker after its heartbeat goes stale, and may wake up later in the
middle of a page. Its writes must then be refused, or it would move a cursor back
to where it stood and re-apply old pages over newer ones.

``begin`` raises the rep's epoch and returns the new value: the run's fencing
token. ``check`` runs inside each write transaction of that run and is itself a
write (``UPDATE … WHERE epoch = :mine``): on PostgreSQL it takes the row lock, so
a ``begin`` by the new owner waits for an in-flight page to commit and every later
page of the old run sees the new epoch and fails; on SQLite the write lock does
the same. A refused write raises ``StaleSync`` and its whole transaction rolls back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dealnudge.store.models import SyncEpochRow
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class RepRun:
    """When a rep's last sync run started, and which day's digest was last dealt with."""

    rep: str
    epoch: int
    started_at: dt.datetime
    digest_day: dt.date | None


class StaleSync(RuntimeError):
    """Another run took this rep over; this run's writes are refused."""


def begin(session: Session, rep: str, now: dt.datetime) -> int:
    """One atomic upsert (the row lock on PostgreSQL, the write lock on SQLite), then a
    read inside the same transaction: two runs starting together get distinct epochs."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite_insert
    statement = insert(SyncEpochRow).values(rep=rep, epoch=1, started_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[SyncEpochRow.rep],
        set_={"epoch": SyncEpochRow.epoch + 1, "started_at": statement.excluded.started_at}))
    return int(session.execute(select(SyncEpochRow.epoch)
                               .where(SyncEpochRow.rep == rep)).scalar_one())


def check(session: Session, rep: str, epoch: int | None) -> None:
    """Raise ``StaleSync`` unless ``epoch`` is still the rep's (None: an unfenced caller)."""
    if epoch is None:
        return
    result = session.execute(
        update(SyncEpochRow).where(SyncEpochRow.rep == rep, SyncEpochRow.epoch == epoch)
        .values(epoch=SyncEpochRow.epoch).execution_options(synchronize_session=False))
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        raise StaleSync(f"the sync of {rep} was taken over by a newer run (epoch {epoch} "
                        "is no longer current); this run's writes are discarded")


def runs(session: Session) -> list[RepRun]:
    return [RepRun(row.rep, row.epoch, row.started_at, row.digest_day)
            for row in session.scalars(select(SyncEpochRow).order_by(SyncEpochRow.rep))]


def mark_digest(session: Session, rep: str, day: dt.date, now: dt.datetime) -> None:
    row = session.get(SyncEpochRow, rep)
    if row is None:
        session.add(SyncEpochRow(rep=rep, epoch=0, started_at=now, digest_day=day))
    elif row.digest_day is None or row.digest_day < day:
        row.digest_day = day
