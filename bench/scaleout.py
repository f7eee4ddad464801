"""Workers on one PostgreSQL: reps synced per minute, job latency and peak memory per
worker, for 1, 2 and 4 workers over the same synthetic team (local sources).

    .venv/bin/python bench/scaleout.py [--reps 40] [--days 30] [--workers 1 2 4]

Starts a private PostgreSQL (the test suite's helper), writes the team with
``bench/bigteam.py``, and for each worker count: a fresh schema, N
``dealnudge worker --concurrency 2`` processes, the time until every rep's first
sync succeeded, the engine's own record of each rep job's wait (deferred → started),
and each worker's peak RSS (``VmHWM``). Prints one JSON object per worker count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bigteam import NOW, write_team
from tests.conftest import private_postgres

WORKER = {"tick_seconds": 2, "heartbeat_seconds": 2, "stalled_after_seconds": 10,
          "shutdown_grace_seconds": 5, "claim_check_after_minutes": 5}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _synced(dsn: str, reps: int) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('sync_health')").fetchone() == (None,):
            return 0  # the first worker has not migrated the schema yet
        row = conn.execute("SELECT count(DISTINCT rep) FROM sync_health "
                           "WHERE last_success IS NOT NULL AND stream = 'local:mail'").fetchone()
    return int(row[0]) if row else 0


def _latencies(dsn: str) -> list[float]:
    query = """SELECT extract(epoch FROM s.at - d.at) FROM procrastinate_jobs j
               JOIN procrastinate_events d ON d.job_id = j.id AND d.type = 'deferred'
               JOIN procrastinate_events s ON s.job_id = j.id AND s.type = 'started'
               WHERE j.task_name = 'dealnudge.rep'"""
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [float(r[0]) for r in conn.execute(query).fetchall()]


def run(server_url: str, config: Path, reps: int, workers: int, logs: Path) -> dict[str, object]:
    schema = f"b_{uuid.uuid4().hex[:8]}"
    dsn = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]
    url = f"{server_url}?options=-csearch_path%3D{schema}"
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    doc.update({"database": url, "worker": WORKER,
                "sync": {"interval_minutes": 60, "jitter_seconds": 0, "concurrency": 2}})
    doc["nudges"]["weekdays"] = []  # no digests: this measures syncing
    path = config.with_name(f"workers-{workers}.yaml")
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    exe = str(Path(sys.executable).parent / "dealnudge")
    began = time.monotonic()
    procs = [subprocess.Popen([exe, "--config", str(path), "worker", "--concurrency", "2"],
                              stdout=(logs / f"w{workers}-{n}.log").open("wb"),
                              stderr=subprocess.STDOUT) for n in range(workers)]
    target = f"{dsn}?options=-csearch_path%3D{schema}"
    while _synced(target, reps) < reps:
        time.sleep(1)
    took = time.monotonic() - began
    peaks = [round(_peak_rss_mb(p.pid), 1) for p in procs]
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(30)
    waits = _latencies(target)
    return {"workers": workers, "reps": reps, "seconds_to_sync_all": round(took, 1),
            "reps_synced_per_minute": round(reps / took * 60, 1),
            "job_wait_median_s": round(statistics.median(waits), 2) if waits else None,
            "job_wait_max_s": round(max(waits), 2) if waits else None,
            "peak_rss_mb_per_worker": peaks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, private_postgres() as server:
        config = write_team(Path(tmp) / "team", reps=args.reps, days=args.days)
        logs = Path(tmp) / "logs"
        logs.mkdir()
        print(json.dumps({"team": {"reps": args.reps, "days": args.days,
                                   "now": NOW.isoformat()}}))
        for workers in args.workers:
            print(json.dumps(run(server.url, config, args.reps, workers, logs)), flush=True)


if __name__ == "__main__":
    main()
