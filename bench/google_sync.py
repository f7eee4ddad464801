"""What a Google backfill and an unchanged increment cost, per rep, against the fake.

Runs the real client libraries against the in-process fake Google server and
prints JSON: HTTP requests, API calls (batch parts counted), Gmail quota units,
the time the client-side budget would pace us (sleeps are injected, never slept)
and the backfill's wall time. Usage: ``python bench/google_sync.py [--messages N]
[--events N] [--reps N]``.
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

from dealnudge.connectors.base import Stream
from dealnudge.connectors.google import GoogleConnector

from tests.conformance import EventSpec, MessageSpec
from tests.google.fake_google import FakeGoogle
from tests.google.world import (
    ALL_GRANTED,
    CLIENT_EMAIL,
    NOW,
    GoogleWorld,
    make_config,
    make_key,
    write_key_file,
)


def populate(world: GoogleWorld, rep: str, messages: int, events: int) -> None:
    for i in range(messages):
        sent = i % 4 == 0
        customer = f"buyer{i % 17}@acme{i % 5}.example"
        world.add_message(MessageSpec(
            key=f"{rep}-m{i}", folder="sent" if sent else "inbox", subject=f"Pilot {i} / 试用",
            body=f"Thanks. 我们下周三确认合同。 #{i}\n" * 8, sender=rep if sent else customer,
            to=(customer,) if sent else (rep,),
            sent_at=NOW - dt.timedelta(minutes=37 * i + 5)), rep=rep)
    for i in range(events):
        start = NOW - dt.timedelta(days=60) + dt.timedelta(hours=11 * i)  # inside the window
        world.add_event(EventSpec(
            key=f"{rep}-e{i}", uid=f"{rep}-e{i}@northwind.example", title=f"Call {i}",
            start=start, end=start + dt.timedelta(minutes=45), organizer=rep,
            attendees=((rep, "accepted"), (f"buyer{i}@acme.example", "needs_action"))), rep=rep)


def drain(conn: GoogleConnector, stream: Stream, cursor: str | None) -> tuple[str, int]:
    items, last = 0, None
    for page in conn.sync(stream, cursor):
        items += len(page.messages) + len(page.events)
        last = page.cursor or last
    assert last is not None
    return last, items


def measure(fake: FakeGoogle, world: GoogleWorld, rep: str) -> dict[str, object]:
    conn = world.connector(rep)
    before = len(fake.requests)
    started = time.perf_counter()
    cursors, items = {}, 0
    for stream in conn.streams():
        cursors[stream.name], got = drain(conn, stream, None)
        items += got
    wall = time.perf_counter() - started
    backfill = _costs(fake, before, conn)
    units_before, requests_before = conn.gmail_caller.stats.units, len(fake.requests)
    per_stream: dict[str, int] = {}
    for stream in conn.streams():
        mark = len(fake.requests)
        drain(conn, stream, cursors[stream.name])
        per_stream[stream.name] = len([r for r in fake.requests[mark:] if r.batch is None
                                       and r.path != "/token"])
    conn.close()
    return {"backfill": {**backfill, "items": items, "wall_seconds": round(wall, 3)},
            "unchanged_incremental": {
                "requests_per_stream": per_stream,
                "gmail_quota_units": conn.gmail_caller.stats.units - units_before,
                "total_requests": len(fake.requests) - requests_before}}


def _costs(fake: FakeGoogle, before: int, conn: GoogleConnector) -> dict[str, object]:
    recent = fake.requests[before:]
    return {
        "http_requests": len([r for r in recent if r.batch is None and r.path != "/token"]),
        "token_requests": len([r for r in recent if r.path == "/token"]),
        "api_calls": len([r for r in recent if r.path not in ("/token", "/batch/gmail/v1")]),
        "batches": len({r.batch for r in recent if r.batch is not None}),
        "gmail_quota_units": conn.gmail_caller.stats.units,
        "calendar_requests": conn.calendar_caller.stats.requests,
        "paced_wait_seconds": round(conn.gmail_caller.stats.waited
                                    + conn.calendar_caller.stats.waited, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    key = make_key()
    fake = FakeGoogle(key.public_pem, CLIENT_EMAIL, set(ALL_GRANTED)).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            key_file = write_key_file(Path(tmp) / "sa.json", key, fake.token_uri)
            reps = [f"rep{i}@northwind.example" for i in range(args.reps)]
            world = GoogleWorld(fake, make_config(fake, key_file, reps))
            results = {}
            for rep in reps:
                populate(world, rep, args.messages, args.events)
                results[rep] = measure(fake, world, rep)
    finally:
        fake.stop()
    settings = world.config.providers.google
    assert settings is not None
    print(json.dumps({"messages_per_rep": args.messages, "events_per_rep": args.events,
                      "page_size": settings.page_size, "batch_size": settings.batch_size,
                      "quota_units_per_minute": settings.quota_units_per_minute,
                      "per_rep": results}, indent=2))


if __name__ == "__main__":
    main()
