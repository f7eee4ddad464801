"""Workers under faults, end to end: a team on one PostgreSQL, three workers, one killed
every 15 s and one frozen for 40 s, a change to every rep's mail in the middle of it.

    .venv/bin/python bench/chaos.py [--reps 60] [--days 14] [--chaos-seconds 120]

Starts a private PostgreSQL (the test suite's helper) and writes the team with
``bench/bigteam.py`` (local sources). Three ``dealnudge worker`` processes run with the
default worker timings; every 15 s one live worker gets SIGKILL and a new one is
started; from 20 s to 60 s one worker is frozen with SIGSTOP. Halfway through, every
rep gets one new customer mail (the last change). Prints one JSON object:

* ``seconds_last_change_to_all_synced``: from the last change until every rep's new
  mail is in the store;
* ``seconds_last_change_to_all_digested``: until every rep's digest is recorded as sent;
* ``digests``: digest claims and outbox files per rep (each must be exactly one), read
  20 s after the last digest;
* ``findings_equal_single_process``: ``report --json`` on the workers' PostgreSQL store
  against a single ``sync`` + ``report`` on SQLite over the same files, at one instant;
* ``sigterm_exit_seconds``: how long each live worker took to exit after SIGTERM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bigteam import NOW, write_team
from tests.conftest import private_postgres

KILL_EVERY = 15.0
FREEZE_FROM, FREEZE_UNTIL = 20.0, 60.0
NEW_MAIL = """From: Client <buyer@{domain}>
To: {rep}
Subject: Signed order form
Date: {date}
Message-ID: <last-change-{n}@{domain}>

Hi, the signed order form is attached. We will send the PO on Friday.
"""


def _dealnudge() -> str:
    return str(Path(sys.executable).parent / "dealnudge")


def _start(config: Path, logs: Path, n: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([_dealnudge(), "--config", str(config), "worker", "--concurrency", "2"],
                            stdout=(logs / f"worker-{n}.log").open("wb"), stderr=subprocess.STDOUT)


def _reps_with_new_mail(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(DISTINCT rep) FROM email_messages "
                           "WHERE message_id LIKE 'last-change-%'").fetchone()
    return int(row[0]) if row else 0


def _digests_sent(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(DISTINCT rep) FROM nudges "
                           "WHERE kind = 'digest' AND status = 'sent'").fetchone()
    return int(row[0]) if row else 0


def _report(config: Path, now: str) -> list[dict[str, object]]:
    out = subprocess.run([_dealnudge(), "--config", str(config), "report", "--json", "--now", now],
                         check=True, capture_output=True, text=True).stdout
    findings: list[dict[str, object]] = json.loads(out)
    return sorted(findings, key=lambda f: json.dumps(f, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--chaos-seconds", type=float, default=120.0)
    args = parser.parse_args()
    rnd = random.Random(17)
    with tempfile.TemporaryDirectory() as tmp, private_postgres() as server:
        team = write_team(Path(tmp) / "team", reps=args.reps, days=args.days)
        logs = Path(tmp) / "logs"
        logs.mkdir()
        doc = yaml.safe_load(team.read_text(encoding="utf-8"))
        reps = [r["email"] for r in doc["reps"]]
        doc["nudges"].update({"send_at": "00:00", "grace_hours": 24, "send_when_empty": True,
                              "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})
        doc["sync"] = {"interval_minutes": 1, "jitter_seconds": 0, "concurrency": 2}
        doc["database"] = server.url
        cluster_config = team.with_name("cluster.yaml")
        cluster_config.write_text(yaml.safe_dump(doc), encoding="utf-8")
        dsn = server.url.replace("postgresql+psycopg://", "postgresql://")

        began = time.monotonic()
        workers = [_start(cluster_config, logs, n) for n in range(3)]
        started, kills, frozen, changed_at = 3, 0, None, None
        next_kill = KILL_EVERY
        while (elapsed := time.monotonic() - began) < args.chaos_seconds:
            if frozen is None and FREEZE_FROM <= elapsed < FREEZE_UNTIL:
                frozen = workers[0]
                frozen.send_signal(signal.SIGSTOP)
            if frozen is not None and elapsed >= FREEZE_UNTIL and frozen.poll() is None:
                frozen.send_signal(signal.SIGCONT)
            if changed_at is None and elapsed >= args.chaos_seconds / 2:
                when = (NOW + dt.timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
                for n, rep in enumerate(reps):
                    mail = team.parent / rep / "mail" / f"last-change-{n}.eml"
                    mail.write_text(NEW_MAIL.format(domain="client.example", rep=rep, date=when,
                                                    n=n), encoding="utf-8")
                changed_at = time.monotonic()
            if elapsed >= next_kill:
                next_kill += KILL_EVERY
                candidates = [w for w in workers if w.poll() is None and w is not frozen]
                victim = rnd.choice(candidates)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                workers.remove(victim)
                workers.append(_start(cluster_config, logs, started))
                started, kills = started + 1, kills + 1
            time.sleep(0.5)
        if frozen is not None and frozen.poll() is None:
            frozen.send_signal(signal.SIGCONT)
        assert changed_at is not None
        while _reps_with_new_mail(dsn) < len(reps):
            if time.monotonic() - changed_at > 900:
                break
            time.sleep(1)
        synced_after = time.monotonic() - changed_at
        while _digests_sent(dsn) < len(reps) and time.monotonic() - changed_at < 900:
            time.sleep(1)
        digested_after = time.monotonic() - changed_at
        time.sleep(20)  # a few more plans: no digest may go out twice
        exits = []
        for w in workers:
            if w.poll() is None:
                t0 = time.monotonic()
                w.send_signal(signal.SIGTERM)
                try:
                    w.wait(60)
                except subprocess.TimeoutExpired:
                    w.kill()
                    w.wait()
                exits.append(round(time.monotonic() - t0, 1))
        with psycopg.connect(dsn, autocommit=True) as conn:
            claims = Counter(str(r[0]) for r in conn.execute(
                "SELECT rep FROM nudges WHERE kind = 'digest'").fetchall())
        files = len(list((team.parent / "outbox").glob("*.eml")))

        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        single = dict(doc, database="sqlite:///single.db")
        single_config = team.with_name("single.yaml")
        single_config.write_text(yaml.safe_dump(single), encoding="utf-8")
        t0 = time.monotonic()
        subprocess.run([_dealnudge(), "--config", str(single_config), "sync", "--now", now],
                       check=True, capture_output=True)
        single_sync = time.monotonic() - t0
        cluster_findings = _report(cluster_config, now)
        single_findings = _report(single_config, now)
        print(json.dumps({
            "reps": len(reps), "days": args.days, "chaos_seconds": args.chaos_seconds,
            "workers_killed": kills, "frozen_seconds": FREEZE_UNTIL - FREEZE_FROM,
            "seconds_last_change_to_all_synced": round(synced_after, 1),
            "reps_with_last_change": _reps_with_new_mail(dsn),
            "seconds_last_change_to_all_digested": round(digested_after, 1),
            "digests": {"reps_with_one_claim": sum(1 for r in reps if claims[r] == 1),
                        "claims": sum(claims.values()), "outbox_files": files},
            "findings": len(cluster_findings),
            "findings_equal_single_process": cluster_findings == single_findings,
            "single_process_sqlite_sync_seconds": round(single_sync, 1),
            "sigterm_exit_seconds": exits,
        }, indent=1))


if __name__ == "__main__":
    main()
