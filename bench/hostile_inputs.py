"""What hostile and large inputs cost: a 50,000-event calendar synced end to end, a
series with a long EXDATE list, endless dense rules, and poison mail.

The 50,000-event calendar is synced through the pipeline into a SQLite store, as
`dealnudge sync` does (first sync, then an unchanged round), then analysed as `nudge`
(analysis stored, digests written to an outbox) and `report` do. ``--shape years``
spreads the meetings over three years around now (an Outlook-style export with its
VTIMEZONE, reminders, three attendees, a weekly series every 250 meetings);
``--shape dense`` packs them ten minutes apart from 30 days ago, so a third of them
fall inside the sync window; ``--shape window`` puts all of them inside it (nothing to
set aside: the worst case). Wall and CPU seconds are printed for each step. The other
cases time the parsers alone. Prints JSON.
Usage: ``python bench/hostile_inputs.py [--events N] [--shape years|dense|window]``.
Runs against whichever dealnudge is importable, so the same script measures an older
checkout for a before/after comparison (only the calendar sync needs no new API).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.connectors.ics import parse_calendar_report
from dealnudge.connectors.mime import parse_message
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from dealnudge.pipeline import run_analysis, sync_all
from tests.hostile.inputs import big_calendar, calendar, hostile_events, poison_mail, years_calendar

NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)
REP = "rep@northwind.example"


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return round(time.perf_counter() - started, 3)


def _wall_cpu(work: Callable[[], object]) -> list[float]:
    """[wall seconds, CPU seconds of this process] of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return [round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)]


def big_sync(events: int, shape: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ics = root / "calendar.ics"
        if shape == "dense":
            ics.write_bytes(big_calendar(events, NOW - dt.timedelta(days=30)))
        elif shape == "window":
            ics.write_bytes(years_calendar(events, NOW - dt.timedelta(days=89),
                                           NOW + dt.timedelta(days=59)))
        else:
            ics.write_bytes(years_calendar(events, NOW - dt.timedelta(days=730),
                                           NOW + dt.timedelta(days=365)))
        config = Config.model_validate({
            "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
            "nudges": {"delivery": {"kind": "outbox", "path": str(root / "outbox")}},
            "reps": [{"email": REP, "timezone": "Asia/Shanghai",
                      "source": {"kind": "local", "calendar": str(ics)}}]})
        store = Store.open(f"sqlite:///{root / 'store.db'}")
        ctx = ConnectorContext(now=NOW)
        items: list[int] = []
        first = _wall_cpu(lambda: items.append(sync_all(config, store, ctx)[0].items))
        again = _wall_cpu(lambda: sync_all(config, store, ctx))
        stored = len(store.events(REP))
        findings: list[int] = []

        def nudge() -> None:  # what `dealnudge nudge --force` runs after opening the store
            findings.append(len(run_analysis(config, store, NOW)))
            send_due_nudges(config, store, NOW, ctx=ctx, force=True)
        nudged = _wall_cpu(nudge)
        reported = _wall_cpu(lambda: run_analysis(config, store, NOW, persist=False))
        store.close()
        return {"shape": shape, "events_in_file": events,
                "file_mb": round(ics.stat().st_size / 1e6, 1),
                "first_sync_wall_cpu_s": first, "unchanged_sync_wall_cpu_s": again,
                "stored": stored, "items": items[0],
                "nudge_wall_cpu_s": nudged, "report_wall_cpu_s": reported,
                "findings": findings[0],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _parse(data: bytes) -> int:
    found = parse_calendar_report(data, window_start=NOW - dt.timedelta(days=90),
                                  window_end=NOW + dt.timedelta(days=60),
                                  default_tz=ZoneInfo("Asia/Shanghai"), owner=REP)
    return len(found.events)


def rules() -> dict[str, float]:
    events = hostile_events(NOW.date())
    names = ("daily_long_exdate", "secondly_forever", "minutely_forever")
    return {name: _timed(functools.partial(_parse, calendar(events[name]))) for name in names}


def mail() -> dict[str, float]:
    def one(raw: bytes) -> None:
        with contextlib.suppress(ValueError):  # MalformedMessage: refused, which is fine
            parse_message(raw, source_id="bench", folder="inbox")
    return {name: _timed(functools.partial(one, raw)) for name, raw in poison_mail().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--shape", choices=("years", "dense", "window"), default="years")
    parser.add_argument("--calendar-only", action="store_true",
                        help="only the big calendar (older versions hang on the rules)")
    args = parser.parse_args()
    figures: dict[str, object] = {"big_calendar": big_sync(args.events, args.shape)}
    if not args.calendar_only:
        figures |= {"rules_s": rules(), "poison_mail_s": mail()}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
