"""Workers on a real PostgreSQL: the team is synced and digested once, whatever happens
to the workers. Each test is bounded (generous deadlines, never timing assertions)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dealnudge.store import NudgeRecord, Store

from tests.scaleout.cluster import Cluster, wait_for

pytestmark = pytest.mark.postgres


def _synced(store: Store, reps: set[str], after: float = 0) -> bool:
    done = {h.rep for h in store.health() if h.last_success is not None
            and h.last_success.timestamp() > after and not h.failing}
    return reps <= done


def _digested(cluster: Cluster, store: Store) -> bool:
    reps = {r.email for r in cluster.config.reps}
    sent = {c.rep for c in _digests(store) if c.status == "sent"}
    return reps <= sent


def _digests(store: Store) -> list[NudgeRecord]:
    return [c for c in store.nudges() if c.kind == "digest"]


def assert_exactly_one_digest_each(cluster: Cluster, store: Store) -> None:
    reps = sorted(r.email for r in cluster.config.reps)
    claims = sorted(c.rep for c in _digests(store))
    assert claims == reps
    outbox = Path(cluster.config.nudges.delivery.path)  # type: ignore[union-attr]
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert len(files) == len(reps), files
    assert not list(outbox.glob(".*.tmp"))


def assert_nothing_lost_or_duplicated(cluster: Cluster, store: Store) -> None:
    """Every message file of the demo team is stored once per rep, no more, no less."""
    from dealnudge.connectors import registry
    from dealnudge.connectors.base import ConnectorContext

    from dealnudge.demo.team import DEMO_NOW

    config = cluster.config
    for rep in config.reps:
        conn = registry.create(rep, config, ConnectorContext(now=DEMO_NOW))
        expected = sorted(m.source_id for s in conn.streams() for page in conn.sync(s, None)
                          for m in page.messages)
        stored = sorted(m.source_id for _, m in store.messages(rep.email))
        assert stored == expected, rep.email


def test_two_workers_sync_every_rep_and_send_one_digest_each(cluster: Cluster) -> None:
    cluster.start()
    cluster.start()
    with Store.open(cluster.config.database) as store:
        reps = {r.email for r in cluster.config.reps}
        wait_for(lambda: _synced(store, reps), 60, "every rep synced", cluster)
        wait_for(lambda: _digested(cluster, store), 60, "every digest sent", cluster)
        time.sleep(3)  # more ticks: nothing further may be sent
        took = cluster.stop_all()
        assert_exactly_one_digest_each(cluster, store)
        assert_nothing_lost_or_duplicated(cluster, store)
    assert all(t < 15 for t in took), took
