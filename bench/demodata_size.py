"""How big and how fast: the generated demo team at a given scale, written and read back.

    .venv/bin/python bench/demodata_size.py [scale ...]   # default: 1 10 50

Prints, per scale: accounts' files written, bytes, generation time, and the local
connector's full-sync time and rate (MIME + iCalendar parsing included).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from dealnudge.config.loader import load_config
from dealnudge.connectors import registry
from dealnudge.connectors.base import ConnectorContext

from dealnudge.demo.team import DEMO_NOW, write_demo_team


def measure(scale: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        config_path = write_demo_team(out, now=DEMO_NOW, scale=scale)
        generated = time.perf_counter() - started
        paths = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in paths)
        config = load_config(config_path)
        started = time.perf_counter()
        events = messages = skipped = 0
        for rep in config.reps:
            conn = registry.create(rep, config, ConnectorContext(now=DEMO_NOW))
            for stream in conn.streams():
                for page in conn.sync(stream, None):
                    events += len(page.events)
                    messages += len(page.messages)
                    skipped += len(page.skipped)
        synced = time.perf_counter() - started
        print(f"scale {scale:>3}: {len(paths):>6} files {size / 1e6:7.1f} MB "
              f"generated in {generated:6.2f} s; synced {messages} messages + {events} events "
              f"in {synced:6.2f} s ({(messages + events) / synced:,.0f}/s), {skipped} skipped")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1", "10", "50"]:
        measure(int(arg))
