"""A large synthetic team on local files: ``reps`` reps × ``days`` days of mail and calendar.

    .venv/bin/python bench/bigteam.py OUT [--reps 200] [--days 60] [--mails-per-day 15]
    .venv/bin/python bench/bigteam.py OUT --sync-only [--parse-processes N]

Each rep works 20 accounts (the next rep shares two of them), writes and receives
about ``mails-per-day`` messages a day (.eml files, English and Chinese, some with
dated customer promises) and holds about two meetings a day, a fifth of them shared
with the next rep (same UID on both calendars). Deterministic for a seed. Used by
``bench/scaleout.py`` for the memory and speed figures.

``--sync-only`` writes nothing: it syncs the team already in OUT into a fresh store, as
``dealnudge sync`` does, with ``N`` mail parsing worker processes (0: parse in process;
default: automatic) and prints the wall time and the CPU time of this process and of
its workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import time
from email.utils import format_datetime
from pathlib import Path

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
DOMAIN = "northwind.example"
CUSTOMER = ("Thanks for the demo, the team liked it.",
            "I've booked our CFO for a pricing review with you on Thursday, December 3.",
            "We'll get back to you.", "Let me check with my boss.",
            "我下周三安排我们王总一起讨论你们的方案。", "回头再联系。", "收到，谢谢！",
            "Legal will return the redlined contract by end of day Friday.")
SELLER = ("Thanks for your time today. Slides attached.",
          "As agreed, you'll bring Dana from finance to the review on Tuesday.",
          "Just checking in on the proposal. Any news?", "您好，附件是我们的报价单，请查收。")
FILLER = ("Best regards,\nSales | Northwind\n+1 555 0100\n\n> earlier message quoted here\n"
          "> with a few lines of history\n> and a signature\n") * 2


def _rep(i: int) -> str:
    return f"rep{i:03d}@{DOMAIN}"


def _accounts(i: int, reps: int) -> list[list[str]]:
    own = [[f"p{k}@c{i:03d}-{j}.example" for k in range(1 + j % 3)] for j in range(18)]
    shared = [[f"p{k}@c{(i + 1) % reps:03d}-{j}.example" for k in range(1 + j % 3)]
              for j in range(2)]
    return own + shared


def _eml(n: int, sender: str, to: list[str], when: dt.datetime, body: str) -> bytes:
    head = (f"From: {sender}\r\nTo: {', '.join(to)}\r\nSubject: Deal {n}\r\n"
            f"Date: {format_datetime(when)}\r\nMessage-ID: <{n}@bench.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return head.encode() + (body + "\n\n" + FILLER).encode("utf-8")


def _event(uid: str, start: dt.datetime, organizer: str, attendees: list[str],
           status: str) -> str:
    stamp = f"{start - dt.timedelta(days=2):%Y%m%dT%H%M%SZ}"
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}",
             f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
             f"DTEND:{start + dt.timedelta(hours=1):%Y%m%dT%H%M%SZ}",
             f"SUMMARY:Meeting {uid.split('@')[0]}", f"STATUS:{status}",
             f"ORGANIZER:mailto:{organizer}"]
    lines += [f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees]
    return "\r\n".join([*lines, "END:VEVENT"])


def write_team(out: Path, *, reps: int = 200, days: int = 60, mails_per_day: int = 15,
               seed: int = 3) -> Path:
    rnd = random.Random(seed)
    events: dict[int, list[str]] = {i: [] for i in range(reps)}
    n = 0
    for i in range(reps):
        rep, accounts = _rep(i), _accounts(i, reps)
        mail = out / rep / "mail"
        mail.mkdir(parents=True, exist_ok=True)
        for day in range(days):
            base = NOW - dt.timedelta(days=days - day)
            for _ in range(mails_per_day):
                n += 1
                people = rnd.choice(accounts)
                when = base + dt.timedelta(minutes=rnd.randrange(60 * 8, 60 * 19))
                if rnd.random() < 0.55:
                    data = _eml(n, rep, people, when, rnd.choice(SELLER))
                else:
                    data = _eml(n, rnd.choice(people), [rep], when, rnd.choice(CUSTOMER))
                (mail / f"{n}.eml").write_bytes(data)
            for _ in range(2):
                n += 1
                people = rnd.choice(accounts)
                start = base + dt.timedelta(hours=rnd.randrange(9, 17))
                holders = [i] + ([(i + 1) % reps] if rnd.random() < 0.2 else [])
                status = "CANCELLED" if rnd.random() < 0.05 else "CONFIRMED"
                vevent = _event(f"m{n}@{DOMAIN}", start, rep,
                                [_rep(h) for h in holders] + people, status)
                for h in holders:
                    events[h].append(vevent)
    for i in range(reps):
        body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN",
                            *events[i], "END:VCALENDAR", ""])
        (out / _rep(i) / "calendar.ics").write_text(body, encoding="utf-8")
    return _config(out, reps)


def _config(out: Path, reps: int) -> Path:
    lines = ["database: sqlite:///dealnudge.db", "organization:", "  name: Northwind",
             f"  internal_domains: [{DOMAIN}]", "nudges:", "  delivery:", "    kind: outbox",
             "    path: ./outbox", "reps:"]
    for i in range(reps):
        rep = _rep(i)
        lines += [f"  - email: {rep}", f"    timezone: {('Asia/Shanghai', 'Europe/London')[i % 2]}",
                  "    source:", "      kind: local", f"      calendar: {rep}/calendar.ics",
                  f"      mail: {rep}/mail"]
    path = out / "dealnudge.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sync_team(out: Path, parse_processes: int | None) -> dict[str, object]:
    from dealnudge.config.loader import load_config
    from dealnudge.connectors.base import ConnectorContext
    from dealnudge.store import Store

    from dealnudge.pipeline import sync_all

    config = load_config(out / "dealnudge.yaml")
    for suffix in ("", "-wal", "-shm"):
        (out / f"dealnudge.db{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    with Store.open(config.database) as store:
        results = sync_all(config, store, ConnectorContext(now=NOW),
                           parse_processes=parse_processes)
    wall = time.perf_counter() - started
    own, workers = (resource.getrusage(who) for who in
                    (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"reps": len(results), "ok": all(r.ok for r in results),
            "items": sum(r.items for r in results), "wall_s": round(wall, 1),
            "cpu_s": round(own.ru_utime + own.ru_stime, 1),
            "workers_cpu_s": round(workers.ru_utime + workers.ru_stime, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--mails-per-day", type=int, default=15)
    parser.add_argument("--sync-only", action="store_true")
    parser.add_argument("--parse-processes", type=int, default=None)
    args = parser.parse_args()
    if args.sync_only:
        print(json.dumps(sync_team(args.out, args.parse_processes)))
    else:
        print(write_team(args.out, reps=args.reps, days=args.days,
                         mails_per_day=args.mails_per_day))
