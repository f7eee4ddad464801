"""The Google connector inside the real sync pipeline and a real SQLite store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from dealnudge.connectors.base import ErrorKind
from dealnudge.scheduler.compose import render_digest
from dealnudge.store import Store

from dealnudge.pipeline import run_analysis, sync_all
from tests.conformance import event, message
from tests.google.fake_calendar import html_link
from tests.google.world import GoogleWorld

REP, SECOND = "rep@northwind.example", "second@northwind.example"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store.open(f"sqlite:///{tmp_path / 'dealnudge.db'}")
    yield db
    db.close()


def test_revoked_rep_is_isolated_and_increments_stay_cheap(world: GoogleWorld,
                                                           store: Store) -> None:
    for i in range(5):
        world.add_message(message(i, "inbox", SECOND), rep=SECOND)
    world.add_message(message(9, "sent", SECOND), rep=SECOND)
    world.add_event(event(1, SECOND), rep=SECOND)
    world.fake.revoked.add(REP)
    results = {r.rep: r for r in sync_all(world.config, store, world.ctx())}
    assert results[REP].error_kind is ErrorKind.ADMIN and REP in (results[REP].error or "")
    assert results[SECOND].ok and results[SECOND].items == 7
    assert len(store.messages(SECOND)) == 6 and len(store.events(SECOND)) == 1

    before = len(world.fake.api_requests(user=SECOND))
    again = {r.rep: r for r in sync_all(world.config, store, world.ctx(), reps=[SECOND])}
    assert again[SECOND].ok and again[SECOND].items == 0
    assert len(world.fake.api_requests(user=SECOND)) - before == 2  # one per stream


def test_expired_history_resyncs_without_losing_or_doubling(world: GoogleWorld,
                                                            store: Store) -> None:
    for i in range(4):
        world.add_message(message(i, "inbox", SECOND), rep=SECOND)
    sync_all(world.config, store, world.ctx(), reps=[SECOND])
    world.fake.mailbox(SECOND).expire_history()
    world.add_message(message(7, "inbox", SECOND), rep=SECOND)
    (result,) = sync_all(world.config, store, world.ctx(), reps=[SECOND])
    mail = next(s for s in result.streams if s.stream == "google:mail")
    assert result.ok and mail.full_resync
    subjects = sorted(m.subject for _, m in store.messages(SECOND))
    assert subjects == sorted(f"Pilot plan {i} / 试用计划" for i in (0, 1, 2, 3, 7))


def test_digest_items_open_the_meeting_from_its_stored_html_link(world: GoogleWorld,
                                                                  store: Store) -> None:
    spec = event(1, SECOND)
    event_id = world.add_event(spec, rep=SECOND)
    sync_all(world.config, store, world.ctx(), reps=[SECOND])
    ((_, stored),) = store.events(SECOND)
    assert stored.web_link == html_link(event_id, SECOND)
    now = spec.end + dt.timedelta(days=4)
    findings = run_analysis(world.config, store, now, persist=True)
    owed = next(f for f in findings if f.kind == "missing_follow_up")
    assert owed.web_link == stored.web_link and owed.contacts == ("buyer1@acme.example",)
    rep = next(r for r in world.config.reps if r.email == SECOND)
    msg = render_digest(rep, store.open_findings(SECOND), now.date(), world.config)
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'href="{stored.web_link}"' in html
