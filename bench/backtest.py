"""What a 14-day backtest costs next to one `report`, on the synthetic team of
``bench/analyze.py`` stored in a real SQLite database.

Run: ``.venv/bin/python bench/backtest.py [--reps 200] [--messages-per-rep 100]
[--meetings-per-rep 15] [--days 14] [--seed 7]``. Prints one JSON object. ``report``
is what the command does: open the store, read every record, analyse at one instant.
``backtest`` is what its command does: read every record once, then replay each rep's
``send_at`` on each day (reps in one zone share an analysis). The budget is
``backtest_seconds <= days * report_seconds``; ``ratio`` is their quotient.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealnudge.config.schema import Config, LocalSource, Nudges, Organization, OutboxDelivery, Rep
from dealnudge.store import Store

from bench.analyze import NOW, generate
from dealnudge.backtest import Records, backtest
from dealnudge.pipeline import run_analysis
from dealnudge.records import SyncPage


def team_config(database: str, reps: list[tuple[str, str]], outbox: Path) -> Config:
    return Config(
        database=database,
        organization=Organization(name="Northwind", internal_domains=["northwind.example"]),
        nudges=Nudges(delivery=OutboxDelivery(kind="outbox", path=outbox)),
        reps=[Rep(email=email, timezone=zone, aliases=[email.replace("@", "@sales.")],
                  source=LocalSource(kind="local")) for email, zone in reps])


def fill(store: Store, args: argparse.Namespace) -> list[tuple[str, str]]:
    inp = generate(args.reps, args.messages_per_rep, args.meetings_per_rep, args.seed)
    for rep in inp.reps:
        events = [e for owner, e in inp.events if owner == rep.email]
        messages = [m for owner, m in inp.messages if owner == rep.email]
        store.apply_page(rep.email, "bench:all", SyncPage(events=events, messages=messages,
                                                          cursor="done", complete=True), 1)
    return [(rep.email, rep.zone.key) for rep in inp.reps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--messages-per-rep", type=int, default=100)
    parser.add_argument("--meetings-per-rep", type=int, default=15)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        with Store.open(url) as store:
            began = time.perf_counter()
            reps = fill(store, args)
            stored = time.perf_counter() - began
        config = team_config(url, reps, Path(tmp) / "outbox")
        began = time.perf_counter()
        with Store.open(url) as store:
            findings = run_analysis(config, store, NOW, persist=False)
        report = time.perf_counter() - began
        last = NOW.date() - dt.timedelta(days=1)
        first = last - dt.timedelta(days=args.days - 1)
        began = time.perf_counter()
        with Store.open(url) as store:
            records = Records(store.events(), store.messages())
        mornings = backtest([("bench", config)], records, first, last)
        replay = time.perf_counter() - began
    print(json.dumps({
        "reps": args.reps, "messages": len(records.messages), "events": len(records.events),
        "store_seconds": round(stored, 2), "report_seconds": round(report, 2),
        "report_findings": len(findings), "days": args.days,
        "backtest_seconds": round(replay, 2), "mornings": len(mornings),
        "ratio_to_days_x_report": round(replay / (args.days * report), 3),
    }, indent=2))


if __name__ == "__main__":
    main()
