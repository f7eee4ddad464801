"""What a Microsoft 365 backfill and an unchanged increment cost per rep, and what the
mail body format costs, measured against the local fake tenant (TLS, real msal).

Prints JSON: Graph requests and response bytes for a backfill (messages across Inbox
and Sent Items, events in the calendar window) and for an unchanged incremental sync
(the first request of all three streams in one ``$batch``, as the pipeline does it:
1 request per rep, where one delta request per stream cost 3), token requests, and the two body strategies side by side — text bodies inside the
delta pages (``Prefer: outlook.body-content-type="text"``, what the connector does)
versus delta without bodies plus ``$batch``es of 20 ``/messages/{id}/$value`` MIME
downloads. The fake's MIME is minimal (no Received/DKIM/ARC headers), so real MIME
costs more than measured here. Usage: ``python bench/graph_sync.py [--messages N]
[--events N] [--page-size N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealnudge.connectors import microsoft
from dealnudge.connectors.base import Stream
from dealnudge.connectors.microsoft.connector import MicrosoftConnector
from dealnudge.connectors.microsoft.mapping import MESSAGE_FIELDS

from tests.conformance import EventSpec, MessageSpec
from tests.microsoft.tls import make_tls
from tests.microsoft.world import NOW, FakeMicrosoft, GraphWorld

REP = "rep@northwind.example"
BATCH = 20


def populate(fake: FakeMicrosoft, messages: int, events: int) -> None:
    for i in range(messages):
        sent = i % 4 == 0
        customer = f"buyer{i % 17}@acme{i % 5}.example"
        fake.add_message(REP, MessageSpec(
            key=f"m{i}", folder="sent" if sent else "inbox", subject=f"Pilot {i} / 试用",
            body=f"Thanks. 我们下周三确认合同。 #{i}\n" * 8, sender=REP if sent else customer,
            to=(customer,) if sent else (REP,), sent_at=NOW - dt.timedelta(minutes=37 * i + 5)))
    for i in range(events):
        start = NOW - dt.timedelta(days=60) + dt.timedelta(hours=17 * i)
        fake.add_event(REP, EventSpec(
            key=f"e{i}", uid=f"e{i}@northwind.example", title=f"Call {i}", start=start,
            end=start + dt.timedelta(minutes=45), organizer=REP,
            attendees=((REP, "accepted"), (f"buyer{i}@acme.example", "needs_action"))))


def measure(fake: FakeMicrosoft, run: Any) -> dict[str, int]:
    requests, sent = len(fake.graph_requests()), fake.server.bytes_out
    run()
    return {"requests": len(fake.graph_requests()) - requests,
            "response_bytes": fake.server.bytes_out - sent}


def sync_all(conn: MicrosoftConnector, cursors: dict[str, str | None]) -> int:
    """Like the pipeline: ``prefetch`` first (one ``$batch`` once there are cursors)."""
    items = 0
    conn.prefetch(cursors)
    for stream in conn.streams():
        for page in conn.sync(stream, cursors.get(stream.name)):
            items += len(page.messages) + len(page.events)
            cursors[stream.name] = page.cursor or cursors.get(stream.name)
    return items


def mime_backfill(conn: MicrosoftConnector) -> None:
    """Delta without bodies, then each message's MIME through $batch (20 per request)."""
    client = conn.client
    fields = ",".join(f for f in MESSAGE_FIELDS if f != "body")
    for folder in ("inbox", "sentitems"):
        url: str | None = client.user_url(f"mailFolders/{folder}/messages/delta")
        params: dict[str, str] | None = {"$select": fields}
        ids: list[str] = []
        while url:
            doc = client.get_json(url, params=params, what=folder,
                                  prefer=(f"odata.maxpagesize={conn.provider.page_size}",))
            params = None
            ids += [item["id"] for item in doc["value"]]
            url = doc.get("@odata.nextLink")
        for start in range(0, len(ids), BATCH):
            batch = [{"id": str(n), "method": "GET", "url": f"/users/{REP}/messages/{i}/$value",
                      "headers": {"Prefer": 'IdType="ImmutableId"'}}
                     for n, i in enumerate(ids[start:start + BATCH])]
            answer = client.post_json(f"{client.base}/v1.0/$batch", {"requests": batch},
                                      what="$batch").json()
            assert all(r["status"] == 200 for r in answer["responses"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        fake = FakeMicrosoft(make_tls(Path(folder)))
        try:
            print(json.dumps(run_bench(fake, args), indent=2))
        finally:
            fake.stop()


def run_bench(fake: FakeMicrosoft, args: argparse.Namespace) -> dict[str, Any]:
    populate(fake, args.messages, args.events)
    world = GraphWorld(fake)
    world.config = fake.config([REP], page_size=args.page_size)
    conn = microsoft.create(world.config.reps[0], world.config, world.context())
    cursors: dict[str, str | None] = {}
    started = time.perf_counter()
    backfill = measure(fake, lambda: sync_all(conn, cursors))
    wall = time.perf_counter() - started
    unchanged = measure(fake, lambda: sync_all(conn, cursors))
    mail_text = measure(fake, lambda: [list(conn.sync(Stream(n, "mail"), None))
                                       for n in ("mail:inbox", "mail:sent")])
    mail_mime = measure(fake, lambda: mime_backfill(conn))
    return {
        "per_rep": {"messages": args.messages, "events": args.events,
                    "page_size": args.page_size},
        "backfill": {**backfill, "wall_seconds": round(wall, 2)},
        "unchanged_incremental": unchanged,
        "token_requests": len(fake.token_requests()),
        "mail_bodies": {"text_in_delta": mail_text, "mime_via_batch": mail_mime},
        "injected_sleeps": world.sleeps,
    }


if __name__ == "__main__":
    main()
