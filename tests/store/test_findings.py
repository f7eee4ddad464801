"""Finding life-cycle: open → refresh → close → reopen, scoped to the analysed reps."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dealnudge.store import Store

from tests.store.samples import NOW, OTHER_REP, REP, SHANGHAI, finding

DAY = dt.timedelta(days=1)


def test_life_cycle_open_refresh_close_reopen(store: Store) -> None:
    f = finding()
    opened = store.sync_findings([f], NOW, [REP])
    assert (opened.opened, opened.refreshed, opened.closed) == ([f.key], [], [])
    (stored,) = store.open_findings(REP)
    assert stored.finding == f and stored.first_seen == stored.last_seen == NOW
    assert stored.finding.since.tzinfo == SHANGHAI  # zones survive here too

    newer = dataclasses.replace(f, detail="Still no follow-up.", seller_touches=3)
    refreshed = store.sync_findings([newer], NOW + DAY, [REP])
    assert (refreshed.opened, refreshed.refreshed, refreshed.closed) == ([], [f.key], [])
    (stored,) = store.open_findings()
    assert stored.finding == newer
    assert (stored.first_seen, stored.last_seen) == (NOW, NOW + DAY)

    closed = store.sync_findings([], NOW + 2 * DAY, [REP])
    assert closed.closed == [f.key] and store.open_findings() == []
    record = store.finding(f.key)
    assert record is not None and record.status == "closed"
    assert record.closed_at == NOW + 2 * DAY

    reopened = store.sync_findings([f], NOW + 5 * DAY, [REP])
    assert reopened.opened == [f.key]
    (stored,) = store.open_findings()
    assert (stored.first_seen, stored.last_seen, stored.closed_at) == (
        NOW + 5 * DAY, NOW + 5 * DAY, None)


def test_same_snapshot_twice_is_a_no_op(store: Store) -> None:
    findings = [finding("acme.cn"), finding("globex.com", kind="stalled_deal", meeting=None)]
    store.sync_findings(findings, NOW, [REP])
    before = store.findings()

    again = store.sync_findings(findings, NOW, [REP])

    assert again.opened == [] and again.closed == []
    assert sorted(again.refreshed) == sorted(f.key for f in findings)
    assert store.findings() == before


def test_only_analysed_reps_lose_their_findings(store: Store) -> None:
    mine, theirs = finding("acme.cn"), finding("acme.cn", rep=OTHER_REP)
    store.sync_findings([mine, theirs], NOW, [REP, OTHER_REP])

    changes = store.sync_findings([], NOW + DAY, [REP])

    assert changes.closed == [mine.key]
    assert [s.finding for s in store.open_findings()] == [theirs]
    assert store.open_findings(REP) == []


def test_findings_for_reps_outside_the_scope_are_still_saved(store: Store) -> None:
    theirs = finding(rep=OTHER_REP)
    changes = store.sync_findings([theirs], NOW, [])

    assert changes.opened == [theirs.key]
    assert [s.finding for s in store.open_findings(OTHER_REP)] == [theirs]


def test_many_findings_beyond_one_query_chunk(store: Store) -> None:
    findings = [finding(f"customer{i}@gmail.com") for i in range(620)]  # chunks are 500
    assert len(store.sync_findings(findings, NOW, [REP]).opened) == 620

    changes = store.sync_findings(findings[:510], NOW + DAY, [REP])

    assert len(changes.refreshed) == 510 and len(changes.closed) == 110
    assert len(store.open_findings(REP)) == 510
