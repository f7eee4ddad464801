"""What an IMAP backfill and an unchanged increment cost, per rep, on a real Dovecot.

Starts a private Dovecot (and Radicale for the calendar stream) as the tests do,
seeds each rep's Inbox and Sent folder as Maildir files, then runs one backfill
and one unchanged incremental round per rep. IMAP round trips are counted from
Dovecot's rawlog (every tagged command a logged-in client sent: the server's own
record, login excluded), per folder. Prints JSON. Usage: ``python bench/imap_sync.py
[--reps N] [--inbox N] [--sent N] [--batch N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealnudge.connectors.base import Stream

from tests.conformance import drain, event, message
from tests.imap.conftest import NOW, ImapWorld, mime
from tests.imap.servers import Dovecot, LocalCA, Radicale, temp_root

COMMAND = re.compile(r"^\d+\.\d+ \S+ ((?:UID )?[A-Z]+)", re.MULTILINE)
MAIL = [Stream("mail:inbox", "mail"), Stream("mail:sent", "mail")]


def _commands(world: ImapWorld) -> list[str]:
    found = COMMAND.findall(world.dovecot.rawlog(world.rep_email))
    return [c for c in found if c != "LOGOUT"]


def _round(world: ImapWorld, cursors: dict[str, str | None]) -> dict[str, object]:
    world.dovecot.clear_rawlog(world.rep_email)
    conn = world.connector()
    started = time.monotonic()
    items = 0
    for stream in conn.streams():
        out = drain(conn, stream, cursors.get(stream.name))
        cursors[stream.name] = out.cursor
        items += len(out.messages) + len(out.events)
    seconds = time.monotonic() - started
    conn.close()
    cmds = _commands(world)
    return {"seconds": round(seconds, 3), "items": items, "imap_round_trips": len(cmds),
            "round_trips_per_folder": round(len(cmds) / len(MAIL), 2),
            "commands": {c: cmds.count(c) for c in sorted(set(cmds))}}


def _seed(world: ImapWorld, inbox: int, sent: int) -> None:
    recent = NOW - dt.timedelta(days=2)
    world.dovecot.write_maildir(world.rep_email, [
        mime(message(i, "inbox", world.rep_email)) for i in range(inbox)], received=recent)
    world.dovecot.write_maildir(world.rep_email, [
        mime(message(inbox + i, "sent", world.rep_email)) for i in range(sent)],
        folder="Sent", received=recent)
    for i in range(5):
        world.add_event(event(i, world.rep_email))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--inbox", type=int, default=2000)
    parser.add_argument("--sent", type=int, default=500)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    ca = LocalCA.create(temp_root("dealnudge-bench-ca-"))
    users: dict[str, str | None] = {f"rep{i}@northwind.example": "pw" for i in range(1, 400)}
    dovecot = Dovecot(temp_root("dealnudge-bench-dovecot-"), ca, users)
    radicale = Radicale(temp_root("dealnudge-bench-radicale-"), ca, {"calendars": "cal-secret"})
    dovecot.start()
    radicale.start()
    try:
        reps = []
        for _ in range(args.reps):
            world = ImapWorld(dovecot, radicale, ca, page_size=args.batch)
            _seed(world, args.inbox, args.sent)
            cursors: dict[str, str | None] = {}
            reps.append({"rep": world.rep_email, "backfill": _round(world, cursors),
                         "unchanged_incremental": _round(world, cursors)})
        print(json.dumps({"server": "dovecot", "inbox": args.inbox, "sent": args.sent,
                          "fetch_batch": args.batch, "calendar_events": 5, "reps": reps},
                         indent=2))
    finally:
        dovecot.stop()
        radicale.stop()


if __name__ == "__main__":
    main()
