"""A synthetic team whose reps share meetings and customers, written into a store.

Built to exercise what crosses calendars and mailboxes: copies of one meeting on
several calendars (one copy sometimes cancelled, sometimes with an extra customer),
follow-up meetings the customer accepted on a colleague's calendar, recaps and
customer promises in a colleague's mailbox, accounts two reps both work on.
"""

from __future__ import annotations

import datetime as dt
import random

from dealnudge.config.schema import Config, LocalSource, Nudges, Organization, OutboxDelivery, Rep
from dealnudge.store import Store

from dealnudge.records import Address, CalendarEvent, EmailMessage, Participant, SyncPage

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
ZONES = ("America/New_York", "Asia/Shanghai", "Europe/London")
CUSTOMER = ("Thanks for the demo, the team liked it.",
            "I've booked our CFO for a pricing review with you on Thursday, March 12.",
            "We'll get back to you.", "Let's find some time to try it.",
            "我下周三安排我们王总一起讨论你们的方案。", "回头再联系。", "收到，谢谢！")
SELLER = ("Thanks for your time today. Slides attached.",
          "As agreed, you'll bring Dana from finance to the review on March 10.",
          "Just checking in on the proposal. Any news?", "Could you sign by March 20?")


def team_config(reps: int) -> Config:
    return Config(
        database="sqlite:///unused.db",
        organization=Organization(name="Northwind", internal_domains=["northwind.example"]),
        nudges=Nudges(delivery=OutboxDelivery(kind="outbox", path="outbox")),  # type: ignore[arg-type]
        reps=[Rep(email=f"rep{i}@northwind.example", name=f"Rep {i}",  # type: ignore[arg-type]
                  timezone=ZONES[i % 3], source=LocalSource(kind="local")) for i in range(reps)])


class _Writer:
    def __init__(self, reps: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.reps = [f"rep{i}@northwind.example" for i in range(reps)]
        # accounts 0..2*reps; rep i works on accounts i, i+1 (shared with the next rep) and
        # a free-mail buyer
        self.accounts = [[f"p{k}@cust{j}.example" for k in range(1 + j % 3)]
                         for j in range(reps + 1)]
        self.events: dict[str, list[CalendarEvent]] = {rep: [] for rep in self.reps}
        self.mail: dict[str, list[EmailMessage]] = {rep: [] for rep in self.reps}
        self.n = 0

    def instant(self) -> dt.datetime:
        day = NOW - dt.timedelta(days=self.rnd.randrange(1, 60))
        return day.replace(hour=self.rnd.randrange(1, 22), minute=self.rnd.choice((0, 30)))

    def people(self, i: int) -> list[str]:
        if self.rnd.random() < 0.1:
            return [f"buyer{i}@qq.com"]
        return self.accounts[i + self.rnd.randrange(2)]

    def meeting(self, i: int) -> None:
        self.n += 1
        people, start = self.people(i), self.instant()
        if self.rnd.random() < 0.1:
            start = NOW + dt.timedelta(days=self.rnd.randrange(1, 10))  # still ahead
        holders = [self.reps[i]]
        if self.rnd.random() < 0.35:  # shared with a colleague (or two)
            holders += self.rnd.sample([r for r in self.reps if r != self.reps[i]],
                                       self.rnd.choice((1, 1, 2)))
        roll = self.rnd.random()
        answer = "needs_action" if roll < 0.2 else "declined" if roll < 0.25 else "accepted"
        for n, holder in enumerate(holders):
            extra = [f"boss@{people[0].split('@')[1]}"] if n and self.rnd.random() < 0.3 else []
            participants = [Participant(r, response="accepted", is_organizer=r == holders[0],
                                        is_self=r == holder) for r in holders]
            participants += [Participant(p, response=answer) for p in people + extra]  # type: ignore[arg-type]
            cancelled = n > 0 and self.rnd.random() < 0.1
            self.events[holder].append(CalendarEvent(
                source_id=f"e{self.n}", uid=f"m{self.n}@northwind.example", title=f"Deal {self.n}",
                start=start.astimezone(dt.timezone(dt.timedelta(hours=n))),
                end=start + dt.timedelta(minutes=60),
                status="cancelled" if cancelled or self.rnd.random() < 0.04 else "confirmed",
                organizer=holders[0], participants=tuple(participants),
                updated=start - dt.timedelta(days=self.rnd.randrange(1, 5))))

    def message(self, i: int) -> None:
        self.n += 1
        rep, people = self.reps[i], self.people(i)
        outgoing = self.rnd.random() < 0.55
        sender, to = (rep, people) if outgoing else (self.rnd.choice(people), [rep])
        message = EmailMessage(
            source_id=f"m{self.n}", message_id=f"<{self.n}@mail.example>", sent_at=self.instant(),
            sender=Address(sender), to=tuple(Address(a) for a in to), subject=f"Deal {self.n}",
            body_text=self.rnd.choice(SELLER if outgoing else CUSTOMER),
            folder="sent" if outgoing else "inbox",
            is_auto_reply=not outgoing and self.rnd.random() < 0.03)
        self.mail[rep].append(message)
        if self.rnd.random() < 0.15:  # cc'd to a colleague: the same mail in their Inbox
            other = self.rnd.choice(self.reps)
            self.mail[other].append(message)


def write_team(store: Store, reps: int, *, meetings: int = 25, messages: int = 60,
               seed: int = 11) -> None:
    writer = _Writer(reps, seed)
    for i in range(reps):
        for _ in range(meetings):
            writer.meeting(i)
        for _ in range(messages):
            writer.message(i)
    for rep in writer.reps:
        store.apply_page(rep, "local:calendar", SyncPage(events=writer.events[rep]), version=1)
        store.apply_page(rep, "local:mail", SyncPage(messages=writer.mail[rep]), version=1)
