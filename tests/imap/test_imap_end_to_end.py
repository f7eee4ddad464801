"""A team whose rep reads mail over IMAP and calendar over CalDAV, end to end:
Dovecot + Radicale → connector → store → analyzer → a finding."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from dealnudge.connectors.base import ErrorKind
from dealnudge.store import Store

from dealnudge.pipeline import run_analysis, sync_all
from tests.conformance import EventSpec, message
from tests.imap.conftest import NOW, ImapWorld
from tests.imap.servers import Dovecot, LocalCA, Radicale


def test_imap_team_syncs_and_reports_missing_follow_up(world: ImapWorld, tmp_path: Path,
                                                       dovecot: Dovecot, radicale: Radicale,
                                                       ca: LocalCA) -> None:
    rep, buyer = world.rep_email, "wang@acme.example"
    start = NOW - dt.timedelta(days=3)
    world.add_event(EventSpec(key="e1", uid="demo-1@northwind.example", title="Acme pilot review",
                              start=start, end=start + dt.timedelta(hours=1), organizer=rep,
                              attendees=((rep, "accepted"), (buyer, "accepted"))))
    inbound = dataclasses.replace(message(1, "inbox", rep), sender=buyer,
                                  sent_at=start - dt.timedelta(days=2))
    world.add_message(inbound)
    locked_out = ImapWorld(dovecot, radicale, ca, password="stale-app-password")
    config = world.config()
    config = config.model_copy(update={"reps": [*config.reps, locked_out.config().reps[0]]})
    store = Store.open(f"sqlite:///{tmp_path / 'dealnudge.db'}")
    try:
        results = sync_all(config, store, world.ctx())
        assert results[0].error is None and results[1].error_kind is ErrorKind.ADMIN
        assert "stale-app-password" not in str(results[1].error)
        assert [s.error for s in results[0].streams] == [None, None, None]
        assert {m.subject for _, m in store.messages(rep)} == {inbound.subject}
        findings = run_analysis(config, store, NOW)
        mine = [f.to_json() for f in findings if f.to_json()["rep"] == rep]
        missing = [f for f in mine if f["kind"] == "missing_follow_up"]
        assert missing and missing[0]["meeting_uid"] == "demo-1@northwind.example"
        assert missing[0]["account"] == "acme.example"
        again = sync_all(config, store, world.ctx(), reps=[rep])  # unchanged: nothing new, no errors
        assert [s.items for s in again[0].streams] == [0, 0, 0]
    finally:
        store.close()
        locked_out.close()
