"""What one rep's analysis must read: that rep's records and the few neighbours' records
its rules look at, instead of the whole team's store.

The rules are per rep, with two exceptions that reach across calendars and
mailboxes: a meeting held by several reps (same iCalendar UID and start) is one
meeting whose accounts and primary account come from every copy, and its next step
is settled by a dated customer promise in *any* attending rep's mailbox or by a
later meeting with the account on *anyone's* calendar. So the window of rep R is:

* R's whole calendar, and R's mail sent up to *now* (a stall is measured from the
  last customer action, however old it is);
* every other copy of R's meetings, and every event (with all its copies) that
  involves a customer account on any of those meetings: the follow-up meetings;
* the mail of each rep who holds a copy of one of R's meetings, from the earliest
  such shared meeting's start up to *now*, from or to those meetings' accounts.

The first pass, ``TeamCalendar.build``, reads the calendar index (rep, UID, start,
people — no titles, no bodies, no mail) once per analysis round. Feeding the window
to the unchanged analyzer and keeping R's findings gives exactly what one analysis
of the whole store gives for R: every record the rules consult for R is in the
window, and extra records never change R's findings. Memory then follows the
largest neighbourhood, not the team.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dealnudge.analyzer.accounts import AddressBook, normalise
from dealnudge.analyzer.context import AnalysisInput, RepView
from dealnudge.config.schema import Config
from dealnudge.records import CalendarEvent, EmailMessage
from dealnudge.store import CalendarEntry, Store

UTC = dt.UTC
MAX_FILTERED_ACCOUNTS = 40  # beyond this, filtering in SQL costs more than it saves
MeetingKey = tuple[str, dt.datetime]  # (iCalendar UID, start in UTC): one occurrence


def rep_views(config: Config) -> tuple[RepView, ...]:
    return tuple(RepView(r.email, tuple(r.aliases), r.zone) for r in config.reps)


def address_book(config: Config, reps: Iterable[RepView]) -> AddressBook:
    """Classifies addresses exactly as the analyzer will (same team, domains, ignores)."""
    return AddressBook.build((a for rep in reps for a in rep.addresses),
                             config.organization.internal_domains,
                             config.organization.ignore_addresses)


@dataclass
class TeamCalendar:
    """Which calendars share which meetings and which customer accounts."""

    keys_of: dict[str, set[MeetingKey]] = field(default_factory=lambda: defaultdict(set))
    reps_of: dict[MeetingKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    accounts_of: dict[MeetingKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    keys_with: dict[str, set[MeetingKey]] = field(default_factory=lambda: defaultdict(set))
    book: AddressBook = field(default_factory=lambda: AddressBook.build((), (), ()))

    @classmethod
    def build(cls, entries: Iterable[CalendarEntry], book: AddressBook) -> TeamCalendar:
        team = cls(book=book)
        for entry in entries:
            rep, key = normalise(entry.rep), (entry.uid, entry.start.astimezone(UTC))
            team.keys_of[rep].add(key)
            team.reps_of[key].add(rep)
            for person in entry.people:
                account = book.customer_account(normalise(person))
                if account is not None:
                    team.accounts_of[key].add(account)
                    team.keys_with[account].add(key)
        return team

    def event_keys(self, rep: str) -> set[MeetingKey]:
        """R's meetings, and every meeting with a customer account on any of their copies."""
        own = self.keys_of.get(rep, set())
        accounts = set().union(*(self.accounts_of.get(key, set()) for key in own))
        return own.union(*(self.keys_with.get(account, set()) for account in accounts))

    def shared_mail(self, rep: str) -> dict[str, SharedMail]:
        """Other reps holding a copy of one of R's meetings: from when, with which accounts."""
        shared: dict[str, SharedMail] = {}
        for key in self.keys_of.get(rep, set()):
            for other in self.reps_of[key] - {rep}:
                entry = shared.setdefault(other, SharedMail(key[1], set()))
                entry.since = min(entry.since, key[1])
                entry.accounts |= self.accounts_of.get(key, set())
        return shared


@dataclass
class SharedMail:
    """The part of a colleague's mailbox that can settle R's shared meetings' next step:
    mail from or to the meetings' accounts since the earliest of them started."""

    since: dt.datetime
    accounts: set[str]

    def wants(self, message: EmailMessage, book: AddressBook) -> bool:
        people = (message.sender, *message.recipients)
        return any(book.customer_account(normalise(p.email)) in self.accounts for p in people)


def load_rep_window(config: Config, store: Store, rep_email: str, now: dt.datetime,
                    team: TeamCalendar, reps: tuple[RepView, ...] | None = None
                    ) -> AnalysisInput:
    """The analyzer's input for one rep: see the module docstring for what it holds."""
    return load_window(config, store, [rep_email], now, team, reps)


def load_window(config: Config, store: Store, rep_emails: Sequence[str], now: dt.datetime,
                team: TeamCalendar, reps: tuple[RepView, ...] | None = None) -> AnalysisInput:
    """The union of the windows of ``rep_emails``: their whole records once, and the
    neighbours' records any of them needs. A colleague inside the batch is read whole
    (which covers the shared part), so reps that share meetings share one read."""
    members = {normalise(r): r for r in rep_emails}
    events: list[tuple[str, CalendarEvent]] = []
    messages: list[tuple[str, EmailMessage]] = []
    keys: set[MeetingKey] = set()
    shared: dict[str, SharedMail] = {}
    for rep, rep_email in members.items():
        events += store.events(rep_email)
        messages += store.messages(rep_email, until=now)
        keys |= team.event_keys(rep)
        for other, part in team.shared_mail(rep).items():
            if other not in members:
                merged = shared.setdefault(other, SharedMail(part.since, set()))
                merged.since = min(merged.since, part.since)
                merged.accounts |= part.accounts
    events += [(owner, event) for owner, event in
               store.events(uids={uid for uid, _ in keys}, exclude_reps=members.values())
               if normalise(owner) not in members
               and (event.uid, event.start.astimezone(UTC)) in keys]
    by_address = {normalise(r.email): r.email for r in config.reps}
    for other, wanted in sorted(shared.items()):
        messages += _shared_messages(store, by_address.get(other, other), wanted, now,
                                     team.book)
    return AnalysisInput(
        reps=reps or rep_views(config),
        internal_domains=tuple(config.organization.internal_domains),
        ignore_addresses=tuple(config.organization.ignore_addresses),
        thresholds=config.thresholds,
        events=tuple(events),
        messages=tuple(messages),
        disabled=frozenset(config.findings.disabled),
    )


def _shared_messages(store: Store, other: str, shared: SharedMail, now: dt.datetime,
                     book: AddressBook) -> list[tuple[str, EmailMessage]]:
    # stored JSON may escape non-ASCII addresses: filter in SQL only on plain ones
    plain = len(shared.accounts) <= MAX_FILTERED_ACCOUNTS and all(
        account.isascii() for account in shared.accounts)
    coarse = shared.accounts if plain else None
    return [(owner, message) for owner, message in
            store.messages(other, shared.since, until=now, mentioning=coarse)
            if shared.wants(message, book)]


def batches(team: TeamCalendar, rep_emails: Sequence[str], size: int) -> list[list[str]]:
    """Reps in groups of at most ``size``, each grown from one rep through the
    colleagues it shares meetings with, so that a group reads shared mail once."""
    by_address = {normalise(r): r for r in rep_emails}
    left = dict.fromkeys(by_address)
    groups: list[list[str]] = []
    while left:
        first = next(iter(left))
        group: list[str] = []
        queue = [first]
        while queue and len(group) < size:
            rep = queue.pop(0)
            if rep not in left:
                continue
            del left[rep]
            group.append(by_address[rep])
            queue += sorted(o for o in team.shared_mail(rep) if o in left)
        groups.append(group)
    return groups
