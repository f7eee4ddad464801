"""What every rule reads: the analysis input, classified and indexed once.

``analyze`` builds one ``Context`` and hands it to each rule module, so address
classification, calendar de-duplication and the mail index are computed a single
time however many meetings and accounts the rules then look at.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dealnudge.analyzer.accounts import AddressBook, normalise
from dealnudge.analyzer.mailbox import CommitmentCache, RepMail, index_mail
from dealnudge.analyzer.meetings import EventView, dedupe_copies, view_event
from dealnudge.config.schema import Thresholds

from dealnudge.records import CalendarEvent, EmailMessage

UTC = dt.UTC


@dataclass(frozen=True)
class RepView:
    email: str
    aliases: tuple[str, ...]
    zone: ZoneInfo

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(normalise(a) for a in (self.email, *self.aliases))


@dataclass(frozen=True)
class AnalysisInput:
    reps: tuple[RepView, ...]
    internal_domains: tuple[str, ...]
    ignore_addresses: tuple[str, ...]  # exact addresses or "@domain"
    thresholds: Thresholds
    events: tuple[tuple[str, CalendarEvent], ...]  # (rep email, event)
    messages: tuple[tuple[str, EmailMessage], ...]  # (rep email, message)
    disabled: frozenset[str] = frozenset()  # finding kinds switched off (``findings.disabled``)


@dataclass
class Context:
    now: dt.datetime  # UTC
    thresholds: Thresholds
    reps: dict[str, RepView]  # by lower-cased address; findings carry RepView.email as given
    book: AddressBook
    mail: dict[str, RepMail]
    views: list[EventView]  # one per (rep, occurrence), sorted by start
    commitments: CommitmentCache

    def mailbox(self, rep: str) -> RepMail:
        return self.mail.get(rep) or RepMail()

    def views_by_rep(self) -> dict[str, list[EventView]]:
        grouped: dict[str, list[EventView]] = defaultdict(list)
        for view in self.views:
            grouped[view.rep].append(view)
        return grouped


def build_context(inp: AnalysisInput, now: dt.datetime, commitments: CommitmentCache) -> Context:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    reps = {normalise(rep.email): rep for rep in inp.reps}
    addresses = {email: rep.addresses for email, rep in reps.items()}
    book = AddressBook.build(
        (a for group in addresses.values() for a in group), inp.internal_domains,
        inp.ignore_addresses)
    views = dedupe_copies(
        view_event(normalise(rep), addresses[normalise(rep)], event, book)
        for rep, event in inp.events if normalise(rep) in reps)
    known = ((normalise(rep), m) for rep, m in inp.messages if normalise(rep) in reps)
    return Context(
        now=now, thresholds=inp.thresholds, reps=reps, book=book,
        mail=index_mail(known, addresses, book, now), views=views, commitments=commitments)
