"""Sync health per (rep, stream), for the admin's status view and alerts."""

from __future__ import annotations

import datetime as dt

from dealnudge.connectors.base import ErrorKind
from dealnudge.store import Store

from tests.store.samples import CALENDAR, INBOX, NOW, OTHER_REP, REP


def test_success_failure_and_recovery(store: Store) -> None:
    later = NOW + dt.timedelta(minutes=15)
    store.record_sync(REP, INBOX, ok=True, at=NOW, items=42)
    store.record_sync(REP, INBOX, ok=False, at=later, error="consent revoked",
                      error_kind=ErrorKind.ADMIN)
    store.record_sync(REP, INBOX, ok=False, at=later, error="consent revoked",
                      error_kind="admin")
    store.record_sync(OTHER_REP, CALENDAR, ok=True, at=NOW, items=3)

    failing, other = store.health()

    assert (failing.rep, failing.stream, failing.last_success, failing.items) == (
        REP, INBOX, NOW, 42)
    assert (failing.last_error, failing.last_error_at, failing.error_kind) == (
        "consent revoked", later, "admin")
    assert failing.failing and failing.consecutive_failures == 2
    assert not other.failing and other.last_error is None

    store.record_sync(REP, INBOX, ok=True, at=later + dt.timedelta(minutes=15), items=1)
    recovered = store.health()[0]
    assert not recovered.failing and recovered.items == 1
    assert recovered.last_error == "consent revoked"  # kept for the admin's history


def test_ensure_rep_updates_the_placeholder(store: Store) -> None:
    store.record_sync(REP, INBOX, ok=True, at=NOW)  # rep row created on the fly
    store.ensure_rep(REP, "李伟", "Asia/Shanghai")
    store.ensure_rep(REP, "李伟", "Asia/Shanghai")

    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT email, name, timezone FROM reps").all()
    assert [tuple(row) for row in rows] == [(REP, "李伟", "Asia/Shanghai")]
