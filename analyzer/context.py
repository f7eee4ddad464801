"""What every rule reads: the analysis input, classified and indexed once.

``analyze`` builds one ``Context`` and hands it to each rule module, so address
classification, calendar de-duplication and the mail index are computed a single
time however many meetings and accounts the rules then look at.

An analysis "as of" an instant sees only what was known then: messages sent by then
(see ``analyzer.mailbox``) and calendar events whose stored version the provider
stamped by then (``updated``: Google ``updated``, Graph ``lastModifiedDateTime``,
iCalendar ``LAST-MODIFIED`` or ``DTSTAMP``). Only an event's latest version is
stored, so one stamped later is not what the calendar showed at that instant; an
event without a stamp is taken as known all along. This is what makes
``report --now <past>`` and ``dealnudge backtest`` agree, and what keeps a record
added later from changing a past morning.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dealnudge.analyzer.accounts import AddressBook, normalise
from dealnudge.analyzer.mailbox import Classified, CommitmentCache, RepMail, index_mail
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


@dataclass
class Memo:
    """What analyses of one team at many instants can share: each record classified
    once (for ``dealnudge backtest``; one analysis needs none)."""

    mail: Classified = field(default_factory=Classified)
    views: dict[tuple[str, int], EventView] = field(default_factory=dict)

    def view(self, rep: str, addresses: frozenset[str], event: CalendarEvent,
             book: AddressBook) -> EventView:
        found = self.views.get((rep, id(event)))
        if found is None or found.event is not event:
            found = self.views[(rep, id(event))] = view_event(rep, addresses, event, book)
        return found


def known_by(event: CalendarEvent, now: dt.datetime) -> bool:
    """Whether the stored version of ``event`` existed at ``now`` (see the module docstring)."""
    return event.updated is None or event.updated <= now


def build_context(inp: AnalysisInput, now: dt.datetime, commitments: CommitmentCache,
                  memo: Memo | None = None) -> Context:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    reps = {normalise(rep.email): rep for rep in inp.reps}
    addresses = {email: rep.addresses for email, rep in reps.items()}
    book = AddressBook.build(
        (a for group in addresses.values() for a in group), inp.internal_domains,
        inp.ignore_addresses)
    make_view = memo.view if memo is not None else view_event
    views = dedupe_copies(
        make_view(normalise(rep), addresses[normalise(rep)], event, book)
        for rep, event in inp.events if normalise(rep) in reps and known_by(event, now))
    known = ((normalise(rep), m) for rep, m in inp.messages if normalise(rep) in reps)
    return Context(
        now=now, thresholds=inp.thresholds, reps=reps, book=book,
        mail=index_mail(known, addresses, book, now, memo.mail if memo else None), views=views,
        commitments=commitments)
