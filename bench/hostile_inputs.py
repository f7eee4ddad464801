"""What hostile and large inputs cost: a 50,000-event calendar synced end to end, a
series with a long EXDATE list, endless dense rules, and poison mail.

The 50,000-event calendar is synced through the pipeline into a SQLite store, as
`dealnudge sync` does (first sync, then an unchanged round). The other cases time the
parsers alone. Prints JSON. Usage: ``python bench/hostile_inputs.py [--events N]``.
Runs against whichever dealnudge is importable, so the same script measures an older
checkout for a before/after comparison (only the calendar sync needs no new API).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
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
from dealnudge.store import Store

from dealnudge.pipeline import sync_all
from tests.hostile.inputs import big_calendar, calendar, hostile_events, poison_mail

NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)
REP = "rep@northwind.example"


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return round(time.perf_counter() - started, 3)


def big_sync(events: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ics = root / "calendar.ics"
        ics.write_bytes(big_calendar(events, NOW - dt.timedelta(days=30)))
        config = Config.model_validate({
            "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
            "reps": [{"email": REP, "timezone": "Asia/Shanghai",
                      "source": {"kind": "local", "calendar": str(ics)}}]})
        store = Store.open(f"sqlite:///{root / 'store.db'}")
        ctx = ConnectorContext(now=NOW)
        items: list[int] = []
        first = _timed(lambda: items.append(sync_all(config, store, ctx)[0].items))
        again = _timed(lambda: sync_all(config, store, ctx))
        stored = len(store.events(REP))
        store.close()
        return {"events_in_file": events, "file_mb": round(ics.stat().st_size / 1e6, 1),
                "first_sync_s": first, "unchanged_sync_s": again, "stored": stored,
                "items": items[0]}


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
    parser.add_argument("--calendar-only", action="store_true",
                        help="only the big calendar (older versions hang on the rules)")
    args = parser.parse_args()
    figures: dict[str, object] = {"big_calendar": big_sync(args.events)}
    if not args.calendar_only:
        figures |= {"rules_s": rules(), "poison_mail_s": mail()}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
