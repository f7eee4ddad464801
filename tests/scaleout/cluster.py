"""A small cluster for the fault tests: the demo team's files, one PostgreSQL schema,
and `dealnudge worker` processes started, killed, frozen and stopped for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import yaml
from dealnudge.config.loader import load_config
from dealnudge.config.schema import Config

from dealnudge.demo.team import DEMO_NOW, write_demo_team

WORKER = {"tick_seconds": 1, "heartbeat_seconds": 1, "stalled_after_seconds": 4,
          "shutdown_grace_seconds": 3, "claim_check_after_minutes": 0.05}


def write_cluster_config(out: Path, database: str, *, scale: int = 1,
                         delivery: dict[str, object] | None = None) -> Path:
    """The demo team, with a digest due all day every day and short worker timings."""
    path = write_demo_team(out, now=DEMO_NOW, scale=scale)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["database"] = database
    doc["nudges"].update({"send_at": "00:00", "grace_hours": 24, "send_when_empty": True,
                          "manager_rollup_weekday": None,
                          "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})
    if delivery is not None:
        doc["nudges"]["delivery"] = delivery
    doc["sync"] = {"interval_minutes": 0.05, "jitter_seconds": 0, "concurrency": 2}
    doc["worker"] = dict(WORKER)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Cluster:
    config_path: Path
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def config(self) -> Config:
        return load_config(self.config_path)

    def start(self, concurrency: int = 2) -> subprocess.Popen[bytes]:
        n = len(self.processes)
        log = (self.logs / f"worker-{n}.log").open("wb")
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dealnudge"), "--config", str(self.config_path), "-v",
             "worker", "--concurrency", str(concurrency)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.processes.append(process)
        return process

    def signal(self, process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        process.send_signal(sig)

    def stop_all(self, timeout: float = 20) -> list[float]:
        """SIGTERM every live worker; the seconds each took to exit."""
        took = []
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                began = time.monotonic()
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                took.append(time.monotonic() - began)
        return took

    def log_text(self, tail: int | None = 3000) -> str:
        texts = (p.read_text(errors="replace") for p in sorted(self.logs.glob("worker-*.log")))
        return "\n".join(text[-tail:] if tail else text for text in texts)


def wait_for(condition: Callable[[], bool], deadline: float, what: str,
             cluster: Cluster | None = None) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.5)
    logs = cluster.log_text() if cluster else ""
    raise AssertionError(f"not within {deadline:.0f} s: {what}\n{logs}")


def query(dsn: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn, autocommit=True) as connection:
        return connection.execute(sql).fetchall()  # type: ignore[arg-type]
