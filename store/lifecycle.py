"""The finding life-cycle: open → refreshed → closed → (reopened), by stable key.

The analyzer recomputes every finding from scratch each run; this module turns
that snapshot into history. A key seen again keeps its ``first_seen`` (so nudges
can say "open for 3 days" and never re-announce it); a key that disappeared is
closed, but only for the reps the run covered, so analysing one rep cannot close
another rep's findings; a closed key that comes back is a new episode and gets a
new ``first_seen``. Running the same snapshot twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from dealnudge.store import convert
from dealnudge.store.models import FindingRow
from dealnudge.store.pages import chunks
from dealnudge.store.results import FindingChanges
from sqlalchemy import select
from sqlalchemy.orm import Session

from dealnudge.records import Finding


def _rows_by_key(session: Session, keys: Sequence[str]) -> dict[str, FindingRow]:
    rows: dict[str, FindingRow] = {}
    for part in chunks(keys):
        rows.update({row.key: row for row in
                     session.scalars(select(FindingRow).where(FindingRow.key.in_(part)))})
    return rows


def _open_rows(session: Session, reps: Sequence[str]) -> list[FindingRow]:
    rows: list[FindingRow] = []
    for part in chunks(reps):
        rows.extend(session.scalars(select(FindingRow).where(
            FindingRow.status == "open", FindingRow.rep.in_(part))))
    return rows


def _upsert(session: Session, finding: Finding, row: FindingRow | None, now: dt.datetime,
            changes: FindingChanges) -> None:
    columns = convert.finding_columns(finding)
    if row is None:
        session.add(FindingRow(key=finding.key, status="open", first_seen=now, last_seen=now,
                               closed_at=None, **columns))
        changes.opened.append(finding.key)
        return
    for name, value in columns.items():
        setattr(row, name, value)
    row.last_seen = now
    if row.status == "open":
        changes.refreshed.append(finding.key)
        return
    row.status, row.first_seen, row.closed_at = "open", now, None
    changes.opened.append(finding.key)


def sync(session: Session, findings: Iterable[Finding], now: dt.datetime,
         reps: Iterable[str]) -> FindingChanges:
    current = {finding.key: finding for finding in findings}
    changes = FindingChanges()
    existing = _rows_by_key(session, sorted(current))
    for key in sorted(current):
        _upsert(session, current[key], existing.get(key), now, changes)
    for row in _open_rows(session, sorted(set(reps))):
        if row.key not in current:
            row.status, row.closed_at = "closed", now
            changes.closed.append(row.key)
    changes.closed.sort()
    return changes
