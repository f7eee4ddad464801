"""Workers on a real PostgreSQL: the team is synced and digested once, whatever happens
to the workers. Each test is bounded (generous deadlines, never timing assertions)."""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from dealnudge.scheduler.sending import delivery_label
from dealnudge.store import NudgeRecord, Store

from tests.conftest import private_postgres
from tests.scaleout.cluster import Cluster, wait_for, write_cluster_config

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
    """Every rep claimed a digest, at most one per local day, and the outbox holds
    exactly the claimed digests: no file without its claim, no claim without its file.
    A test that runs across a rep's local midnight (Asia/Shanghai's at 16:00 UTC)
    rightly sends that rep the new day's digest as well."""
    reps = sorted(r.email for r in cluster.config.reps)
    claims = _digests(store)
    assert sorted({c.rep for c in claims}) == reps
    per_day = Counter((c.rep, c.local_day) for c in claims)
    assert set(per_day.values()) == {1}, per_day
    outbox = Path(cluster.config.nudges.delivery.path)  # type: ignore[union-attr]
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert files == sorted(f"{delivery_label(c.local_day, 'digest', c.rep)}.eml"
                           for c in claims), files
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


def _settle(cluster: Cluster, store: Store, since: float) -> None:
    reps = {r.email for r in cluster.config.reps}
    wait_for(lambda: _synced(store, reps, after=since), 90, "every rep synced again", cluster)
    wait_for(lambda: _digested(cluster, store), 60, "every digest sent", cluster)
    time.sleep(3)


def test_workers_killed_with_sigkill_lose_and_duplicate_nothing(cluster: Cluster) -> None:
    rnd = random.Random(5)
    live = [cluster.start(), cluster.start(), cluster.start()]
    end = time.monotonic() + 20
    while time.monotonic() < end:  # mid-sync and mid-send: syncs run every 3 s
        time.sleep(rnd.uniform(1.0, 3.0))
        victim = live.pop(rnd.randrange(len(live)))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        live.append(cluster.start())
    calm = time.time()
    with Store.open(cluster.config.database) as store:
        _settle(cluster, store, calm)
        cluster.stop_all()
        assert_exactly_one_digest_each(cluster, store)
        assert_nothing_lost_or_duplicated(cluster, store)


def test_a_frozen_worker_is_taken_over_and_writes_nothing_when_it_wakes(
        cluster: Cluster) -> None:
    frozen = cluster.start(concurrency=4)
    time.sleep(4)  # it has jobs running or queued
    frozen.send_signal(signal.SIGSTOP)
    stopped = time.time()
    cluster.start()
    with Store.open(cluster.config.database) as store:
        reps = {r.email for r in cluster.config.reps}
        wait_for(lambda: _synced(store, reps, after=stopped), 90,
                 "every rep synced by the other worker while one is frozen", cluster)
        time.sleep(4)  # past the heartbeat timeout: its jobs were handed over
        frozen.send_signal(signal.SIGCONT)
        _settle(cluster, store, time.time())
        took = cluster.stop_all()
        assert_exactly_one_digest_each(cluster, store)
        assert_nothing_lost_or_duplicated(cluster, store)
    assert all(t < 15 for t in took), took


def test_postgresql_restarted_under_running_workers(tmp_path: Path) -> None:
    with private_postgres(durable=True) as server:
        logs = tmp_path / "logs"
        logs.mkdir()
        cluster = Cluster(write_cluster_config(tmp_path / "team", server.url), logs)
        try:
            cluster.start()
            cluster.start()
            with Store.open(server.url) as store:
                reps = {r.email for r in cluster.config.reps}
                wait_for(lambda: _synced(store, reps), 60, "every rep synced", cluster)
            server.stop()  # immediate: connections drop mid-transaction
            time.sleep(3)
            server.launch()
            restarted = time.time()
            with Store.open(server.url) as store:
                _settle(cluster, store, restarted)
                took = cluster.stop_all()
                assert_exactly_one_digest_each(cluster, store)
                assert_nothing_lost_or_duplicated(cluster, store)
            assert all(t < 15 for t in took), took
            assert all(p.returncode == 0 for p in cluster.processes)
        finally:
            cluster.stop_all()


def test_workers_racing_for_one_rep_never_overlap(cluster: Cluster) -> None:
    """Three workers, one rep due every few seconds: the per-rep job lock keeps its
    runs apart, so no run is ever superseded by an overlapping one."""
    doc = yaml.safe_load(cluster.config_path.read_text(encoding="utf-8"))
    doc["reps"] = doc["reps"][:1]
    cluster.config_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for _ in range(3):
        cluster.start()
    rep = cluster.config.reps[0].email
    with Store.open(cluster.config.database) as store:
        wait_for(lambda: _runs(store, rep) >= 5, 60, "five runs of the one rep", cluster)
        cluster.stop_all()
        assert_exactly_one_digest_each(cluster, store)
        assert_nothing_lost_or_duplicated(cluster, store)
    logs = cluster.log_text(tail=None)
    assert "taken over by a newer run" not in logs
    assert logs.count("Starting job dealnudge.rep") >= 5


def _runs(store: Store, rep: str) -> int:
    return next((run.epoch for run in store.rep_runs() if run.rep == rep), 0)
