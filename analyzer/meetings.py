"""Calendar events seen through the sales method: which ones are customer meetings,
with which accounts, and what the customer did about each invitation.

A rep's calendar mixes customer meetings with internal syncs, room bookings,
all-day reminders, invitations the rep declined and meetings that were cancelled.
Only a held, timed, non-declined meeting with at least one customer on it creates
follow-up and next-step duties (docs/method.md, rule 1); a customer counts when they did
not decline (an event every customer declined is an unanswered invitation). The same meeting appears once on
every invited rep's calendar with the same iCalendar UID, so copies are grouped by a
meeting key — the UID plus the occurrence's start instant in UTC — which also tells
the occurrences of a recurring series apart. Everything here is normalised to UTC
at once: adding a 24-hour window to a zone-aware ``datetime`` in Python is
wall-clock arithmetic and would be off by an hour across a DST change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dealnudge.analyzer.accounts import AddressBook, normalise

from dealnudge.records import CalendarEvent, Participant, ResponseStatus

UTC = dt.UTC


@dataclass(frozen=True)
class CustomerSeat:
    """One customer person on an event and their answer to it."""

    email: str
    account: str
    response: ResponseStatus
    is_organizer: bool


@dataclass(frozen=True)
class EventView:
    """One rep's copy of a calendar event, classified once."""

    rep: str
    key: str
    event: CalendarEvent
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    customers: tuple[CustomerSeat, ...]
    rep_declined: bool
    rep_organised: bool

    @property
    def cancelled(self) -> bool:
        return self.event.status == "cancelled"

    @property
    def accounts(self) -> frozenset[str]:
        return frozenset(seat.account for seat in self.customers)

    def engaged_accounts(self) -> frozenset[str]:
        """Accounts where someone accepted or organised this event."""
        return frozenset(seat.account for seat in self.customers
                         if seat.is_organizer or seat.response == "accepted")

    def attended_accounts(self) -> frozenset[str]:
        """Accounts with a customer on the event who did not decline it."""
        return frozenset(seat.account for seat in self.customers if seat.response != "declined")

    def changed_at(self, now: dt.datetime) -> dt.datetime:
        """When the invitation last changed (an answer, a cancellation), as far as we
        can tell: the provider's ``updated`` stamp, else the start, never after now."""
        stamp = self.event.updated.astimezone(UTC) if self.event.updated else self.start
        return min(stamp, now)

    def is_customer_meeting(self, now: dt.datetime) -> bool:
        """Rule 1 of docs/method.md, for this rep. A meeting every customer declined did not
        happen with the customer: it is an unanswered invitation, not a meeting."""
        return (not self.cancelled and not self.event.all_day and not self.rep_declined
                and bool(self.attended_accounts()) and self.end <= now)


@dataclass(frozen=True)
class Meeting:
    """One customer meeting (all reps' copies of one occurrence)."""

    key: str
    uid: str
    start: dt.datetime
    end: dt.datetime
    copies: tuple[EventView, ...]  # one per attending rep, sorted by rep
    accounts: tuple[str, ...]  # sorted
    primary_account: str

    @property
    def reps(self) -> tuple[str, ...]:
        return tuple(copy.rep for copy in self.copies)


def meeting_key(event: CalendarEvent) -> str:
    return f"{event.uid}/{event.start.astimezone(UTC).isoformat()}"


def _rep_answer(participants: Iterable[Participant], rep_addresses: frozenset[str]
                ) -> tuple[bool, bool]:
    declined = organised = False
    for person in participants:
        if person.is_self or normalise(person.email) in rep_addresses:
            declined = declined or person.response == "declined"
            organised = organised or person.is_organizer
    return declined, organised


def _customer_seats(event: CalendarEvent, book: AddressBook) -> tuple[CustomerSeat, ...]:
    organizer = normalise(event.organizer) if event.organizer else None
    seats: dict[str, CustomerSeat] = {}
    for person in event.participants:
        email = normalise(person.email)
        account = None if person.is_resource else book.customer_account(email)
        if account is not None:
            is_org = person.is_organizer or email == organizer
            seats[email] = CustomerSeat(email, account, person.response, is_org)
    if organizer and organizer not in seats:
        account = book.customer_account(organizer)
        if account is not None:
            seats[organizer] = CustomerSeat(organizer, account, "accepted", True)
    return tuple(sorted(seats.values(), key=lambda seat: seat.email))


def view_event(rep: str, rep_addresses: frozenset[str], event: CalendarEvent,
               book: AddressBook) -> EventView:
    declined, organised = _rep_answer(event.participants, rep_addresses)
    if event.organizer and normalise(event.organizer) in rep_addresses:
        organised = True
    return EventView(
        rep=rep, key=meeting_key(event), event=event,
        start=event.start.astimezone(UTC), end=event.end.astimezone(UTC),
        customers=_customer_seats(event, book), rep_declined=declined, rep_organised=organised,
    )


def _preferred(a: EventView, b: EventView) -> EventView:
    """Of two copies of one occurrence on the same calendar, the newer one wins."""
    def rank(view: EventView) -> tuple[dt.datetime, str, str]:
        stamp = (view.event.updated or view.start).astimezone(UTC)
        return stamp, view.event.source_id, repr(view.event)  # a total order: input order never decides
    return a if rank(a) >= rank(b) else b


def dedupe_copies(views: Iterable[EventView]) -> list[EventView]:
    """One copy per (rep, meeting key), whatever order the records came in."""
    chosen: dict[tuple[str, str], EventView] = {}
    for view in views:
        slot = (view.rep, view.key)
        chosen[slot] = _preferred(chosen[slot], view) if slot in chosen else view
    return sorted(chosen.values(), key=lambda v: (v.start, v.key, v.rep))


def _primary_account(copies: Iterable[EventView]) -> str:
    """The organiser's account if a customer organised, else the best-represented one."""
    people: dict[str, set[str]] = defaultdict(set)
    organisers: set[str] = set()
    for copy in copies:
        for seat in copy.customers:
            people[seat.account].add(seat.email)
            if seat.is_organizer:
                organisers.add(seat.account)
    if organisers:
        return min(organisers)
    return min(people, key=lambda account: (-len(people[account]), account))


def customer_meetings(views: Iterable[EventView], now: dt.datetime) -> list[Meeting]:
    """Group the reps' copies into meetings (rule 1), sorted by start and key."""
    grouped: dict[str, list[EventView]] = defaultdict(list)
    for view in views:
        if view.is_customer_meeting(now):
            grouped[view.key].append(view)
    meetings = []
    for key, copies in grouped.items():
        copies.sort(key=lambda v: v.rep)
        accounts = sorted(set().union(*(copy.accounts for copy in copies)))
        meetings.append(Meeting(
            key=key, uid=copies[0].event.uid, start=copies[0].start, end=copies[0].end,
            copies=tuple(copies), accounts=tuple(accounts),
            primary_account=_primary_account(copies)))
    meetings.sort(key=lambda m: (m.start, m.key))
    return meetings
