"""How long the analyzer takes on a realistic team: 20 reps over three months
(~20k messages, ~3k meetings), records generated in-process from a fixed seed.

Run: ``.venv/bin/python bench/analyze.py [--reps 20] [--messages-per-rep 1000]
[--meetings-per-rep 150] [--seed 7] [--rounds 3]``. Prints one JSON object of
figures (CPU seconds). Each round times, side by side on the same input, the rules of the
follow-up, next-step and stall duties alone (``core_*``: the deal signals switched
off through ``disabled``) and every rule (``all_*``), each with a fresh extraction
cache, as every scheduled run starts from nothing; the order alternates between
rounds so neither side always runs warm. ``growth_best`` compares the fastest
runs (the least disturbed by other load on the machine), ``growth_median`` the medians.
``extractor_calls`` is how many messages the rules had to read (at most once each).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealnudge.analyzer.mailbox import CommitmentCache
from dealnudge.analyzer.rules import AnalysisInput, RepView, analyze_with
from dealnudge.config.schema import Thresholds

from dealnudge.records import Address, CalendarEvent, EmailMessage, Participant

SIGNALS = frozenset({"slipped_commitment", "repeated_reschedules", "single_threaded",
                     "unanswered_customer"})

UTC = dt.UTC
FIRST_DAY = dt.datetime(2026, 1, 5, tzinfo=UTC)
DAYS = 90
NOW = FIRST_DAY + dt.timedelta(days=DAYS)
ZONES = (ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London"))
CUSTOMER_LINES = (
    "Thanks for the demo yesterday, the team liked it.",
    "I've booked our CFO for a pricing review with you on Thursday, March 12.",
    "Legal will return the redlined contract by end of day Thursday.",
    "We'll get back to you.", "Let me check with my boss.", "Maybe in Q3.",
    "Please send me the pricing sheet.",
    "我下周三安排我们王总一起讨论你们的方案。", "我们月底前做决定，到时候通知你。",
    "回头再联系。", "我们内部评估一下。", "收到，谢谢！",
)
SELLER_LINES = (
    "Thanks for your time today. Slides attached.",
    "As agreed, you'll bring Dana from finance to the review on March 10.",
    "I'll send you the quote Friday.", "Just checking in on the proposal. Any news?",
    "Could you sign by March 20?", "您好，附件是我们的报价单，请查收。",
)
QUOTE = "\n\nOn Mon, Feb 2, 2026 at 10:00 AM Someone <someone@example.com> wrote:\n> {}\n"
SIGNATURE = "\n\n--\nBest regards\nSales | Northwind\n+1 555 0100"


class Team:
    """A deterministic synthetic team: reps, their accounts and contacts."""

    def __init__(self, reps: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.reps = tuple(RepView(f"rep{i}@northwind.example", (f"rep{i}@sales.northwind.example",),
                                  ZONES[i % len(ZONES)]) for i in range(reps))
        self.contacts: dict[str, list[list[str]]] = {}
        for i, rep in enumerate(self.reps):
            accounts = []
            for j in range(30):
                if j % 10 == 9:
                    accounts.append([f"buyer{i}.{j}@qq.com"])
                else:
                    suffix = "com.cn" if j % 3 == 0 else "example"
                    domain = f"{'mail.' if j % 4 == 0 else ''}cust{i}-{j}.{suffix}"
                    accounts.append([f"p{k}@{domain}" for k in range(1 + j % 4)])
            self.contacts[rep.email] = accounts

    def instant(self) -> dt.datetime:
        day = FIRST_DAY + dt.timedelta(days=self.rnd.randrange(DAYS))
        return day.replace(hour=self.rnd.randrange(1, 22), minute=self.rnd.choice((0, 15, 30, 45)))

    def event(self, rep: RepView, n: int) -> CalendarEvent:
        people = self.rnd.choice(self.contacts[rep.email])
        start = self.instant().astimezone(rep.zone)
        roll = self.rnd.random()
        answer = "needs_action" if roll < 0.15 else "declined" if roll < 0.2 else "accepted"
        participants = [Participant(rep.email, response="declined" if roll > 0.97 else "accepted",
                                    is_organizer=True, is_self=True)]
        participants += [Participant(p, response=answer) for p in people]  # type: ignore[arg-type]
        participants.append(Participant("room-1@resource.calendar.google.com", is_resource=True))
        moved = self.rnd.random() < 0.05  # the store saw it first at another start
        return CalendarEvent(
            source_id=f"{rep.email}:{n}", uid=f"evt-{n}@northwind.example", title=f"Meeting {n}",
            start=start, end=start + dt.timedelta(minutes=self.rnd.choice((30, 60, 90))),
            status="cancelled" if self.rnd.random() < 0.05 else "confirmed",
            organizer=rep.email, participants=tuple(participants),
            updated=start - dt.timedelta(days=self.rnd.randrange(1, 10)),
            first_start=start - dt.timedelta(days=2) if moved else None)

    def message(self, rep: RepView, n: int) -> EmailMessage:
        people = self.rnd.choice(self.contacts[rep.email])
        customer = self.rnd.choice(people)
        outgoing = self.rnd.random() < 0.55
        sender, to = (rep.email, people) if outgoing else (customer, [rep.email])
        body = self.rnd.choice(SELLER_LINES if outgoing else CUSTOMER_LINES)
        if self.rnd.random() < 0.5:
            body += QUOTE.format(self.rnd.choice(CUSTOMER_LINES + SELLER_LINES))
        return EmailMessage(
            source_id=f"{rep.email}:{n}", message_id=f"{n}.{rep.email}", sent_at=self.instant(),
            sender=Address(sender), to=tuple(Address(a) for a in to), subject=f"Deal {n}",
            body_text=body + (SIGNATURE if outgoing else ""), folder="sent" if outgoing else "inbox",
            is_auto_reply=not outgoing and self.rnd.random() < 0.03)


def generate(reps: int, messages_per_rep: int, meetings_per_rep: int, seed: int) -> AnalysisInput:
    team = Team(reps, seed)
    events, messages = [], []
    for i, rep in enumerate(team.reps):
        for n in range(meetings_per_rep):
            ev = team.event(rep, i * meetings_per_rep + n)
            events.append((rep.email, ev))
            if n % 10 == 0:  # shared with the next rep: same UID on two calendars
                other = team.reps[(i + 1) % reps]
                events.append((other.email, ev))
        messages += [(rep.email, team.message(rep, i * messages_per_rep + n))
                     for n in range(messages_per_rep)]
    return AnalysisInput(reps=team.reps, internal_domains=("northwind.example",),
                         ignore_addresses=(), thresholds=Thresholds(), events=tuple(events),
                         messages=tuple(messages))


def timed(inp: AnalysisInput) -> tuple[float, int, collections.Counter[str]]:
    """CPU seconds of one analysis (it runs on one thread): other load on a shared
    machine slows the wall clock far more than it changes the CPU time."""
    cache = CommitmentCache()
    began = time.process_time()
    findings = analyze_with(inp, NOW, cache)
    return time.process_time() - began, cache.calls, collections.Counter(f.kind for f in findings)


def side_by_side(inp: AnalysisInput, rounds: int) -> dict[str, object]:
    """Core rules alone vs every rule, alternating which runs first in each round."""
    core_input = dataclasses.replace(inp, disabled=SIGNALS)
    core: list[float] = []
    every: list[float] = []
    for i in range(rounds):
        order = ((core_input, core), (inp, every)) if i % 2 == 0 else ((inp, every),
                                                                        (core_input, core))
        for chosen, times in order:
            times.append(timed(chosen)[0])
    _, core_calls, _ = timed(core_input)
    _, calls, kinds = timed(inp)
    core_median, all_median = statistics.median(core), statistics.median(every)
    return {
        "core_seconds": [round(t, 3) for t in core], "all_seconds": [round(t, 3) for t in every],
        "core_best_seconds": round(min(core), 3), "all_best_seconds": round(min(every), 3),
        "growth_best": f"{(min(every) / min(core) - 1) * 100:+.1f}%",
        "core_median_seconds": round(core_median, 3), "all_median_seconds": round(all_median, 3),
        "growth_median": f"{(all_median / core_median - 1) * 100:+.1f}%",
        "core_extractor_calls": core_calls, "extractor_calls": calls,
        "findings": dict(sorted(kinds.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--messages-per-rep", type=int, default=1000)
    parser.add_argument("--meetings-per-rep", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
    inp = generate(args.reps, args.messages_per_rep, args.meetings_per_rep, args.seed)
    generated = time.perf_counter() - began
    print(json.dumps({
        "reps": args.reps, "messages": len(inp.messages), "events": len(inp.events),
        "generate_seconds": round(generated, 3), **side_by_side(inp, max(1, args.rounds)),
    }, indent=2))


if __name__ == "__main__":
    main()
