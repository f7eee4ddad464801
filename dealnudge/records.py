"""The shapes every layer shares: provider-neutral records and the analyzer's findings.

Connectors produce ``CalendarEvent`` / ``EmailMessage`` / ``SyncPage``; the store keeps
them; the analyzer reads them and produces ``Finding``; the scheduler turns findings
into nudges. Keeping them in one module that imports nothing of the project lets the
layers depend on it and never on each other.

Records: every connector (local files, Google, Microsoft, IMAP/CalDAV) turns its
provider's data into these plain dataclasses, so the store and the analyzer never see
a provider type. All datetimes are timezone-aware; e-mail addresses are lower-case;
bodies are already decoded to text (quotes and signatures still inside: the analyzer
strips them itself, because only it knows what counts as evidence).

Findings: one ``Finding`` per open problem, with a stable identity (rep, kind, account,
meeting key), so it is reported once, stays open while its condition holds and closes
when it clears; nudges refer to it by ``key``. ``detail`` is an English sentence for
reports; nudges are rendered in the rep's language from the structured fields, never
by translating ``detail``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal

ResponseStatus = Literal["accepted", "declined", "tentative", "needs_action"]
EventStatus = Literal["confirmed", "tentative", "cancelled"]
Folder = Literal["inbox", "sent", "other"]


@dataclass(frozen=True)
class Address:
    """One mailbox: lower-cased address and the display name as written."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class Participant:
    """A person (or room) on a calendar event, with their answer to the invitation."""

    email: str
    name: str = ""
    response: ResponseStatus = "needs_action"
    is_organizer: bool = False
    is_self: bool = False  # the calendar's owner (Google ``self: true``)
    is_resource: bool = False  # rooms and equipment (CUTYPE=ROOM/RESOURCE, resource calendars)


@dataclass(frozen=True)
class CalendarEvent:
    """One occurrence of a calendar event on one rep's calendar.

    ``source_id`` is unique within the rep's calendar stream (for a recurring series
    it names the occurrence, e.g. Google's instance id or ``UID/RECURRENCE-ID``).
    ``uid`` is the iCalendar UID shared by every copy of the meeting on other
    people's calendars; ``recurrence_id`` tells occurrences of one series apart.
    ``start``/``end`` are aware; ``end`` is exclusive. For all-day events they are
    midnights in the calendar's zone and ``all_day`` is true.

    ``first_start`` is filled by the store, never by a connector: the start the store
    saw when it first stored this event, when that differs from ``start`` — a meeting
    moved since (None: not moved, as far as the store knows). Providers forget the
    old start of a moved event; only the store's history can tell a move.
    """

    source_id: str
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool = False
    status: EventStatus = "confirmed"
    organizer: str | None = None
    participants: tuple[Participant, ...] = ()
    recurrence_id: dt.datetime | None = None
    updated: dt.datetime | None = None
    description: str = ""
    location: str = ""
    first_start: dt.datetime | None = None
    web_link: str | None = None  # the provider's page for it (Google htmlLink, Graph webLink)


@dataclass(frozen=True)
class EmailMessage:
    """One e-mail in one of the rep's folders, body decoded to text.

    ``source_id`` is unique within the rep's mail stream (Gmail id, Graph immutable
    id, Maildir key, ``UIDVALIDITY:UID`` …). ``message_id`` is the RFC 5322
    Message-ID without angle brackets (synthesised from ``source_id`` when absent).
    ``sent_at`` keeps the sender's UTC offset where the headers gave one, because
    relative dates ("明天") are resolved in the writer's own zone.
    """

    source_id: str
    message_id: str
    sent_at: dt.datetime
    sender: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str = ""
    body_text: str = ""
    folder: Folder = "inbox"
    is_auto_reply: bool = False
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    thread_id: str | None = None
    attachments: tuple[str, ...] = ()
    web_link: str | None = None  # the thread in the provider's web client (Gmail, Outlook)

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc


@dataclass
class SyncPage:
    """What one step of a sync returns; the store applies it in one transaction.

    ``cursor`` is set on the last page of a round (the provider's sync token, history
    id or delta link) and, where a provider allows resuming mid-round, on
    intermediate pages too. It is saved in the same transaction as the page's rows,
    so a crash never skips or duplicates data. ``full`` marks pages of a full
    (re)sync; ``complete`` is true on the round's last page.
    """

    events: list[CalendarEvent] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)
    cursor: str | None = None
    full: bool = False
    complete: bool = False
    skipped: list[str] = field(default_factory=list)  # "path-or-id: reason" for bad input
    # Snapshot sources (calendar files, .ics feeds, CalDAV) infer ``deleted_ids`` from
    # absence: the caller applies them only with the round's last page and refuses a
    # sharp shrink. ``refused`` says what the connector itself kept because it could not
    # read its source cleanly ("calendar.ics could not be read …; stored events kept").
    inferred_deletions: bool = False
    refused: list[str] = field(default_factory=list)


# --- findings ---------------------------------------------------------------

FindingKind = Literal[
    "missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal",
    "slipped_commitment", "repeated_reschedules", "single_threaded", "unanswered_customer"]
FINDING_KINDS: tuple[FindingKind, ...] = (
    "missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal",
    "slipped_commitment", "repeated_reschedules", "single_threaded", "unanswered_customer")
KIND_LABELS: dict[FindingKind, str] = {  # short English labels for reports and summaries
    "missing_follow_up": "follow-up owed", "no_next_step": "no next step",
    "vague_next_step": "vague next step", "stalled_deal": "stalled deal",
    "slipped_commitment": "slipped promise", "repeated_reschedules": "reschedules",
    "single_threaded": "single thread", "unanswered_customer": "unanswered mail"}
# Kinds about a whole deal (or one message) rather than one meeting: ``meeting_uid`` is null.
DEAL_KINDS: frozenset[FindingKind] = frozenset({
    "stalled_deal", "slipped_commitment", "repeated_reschedules", "single_threaded",
    "unanswered_customer"})


@dataclass(frozen=True)
class Finding:
    rep: str
    kind: FindingKind
    account: str
    meeting_uid: str | None  # iCalendar UID; None for the deal kinds (``DEAL_KINDS``)
    since: dt.datetime  # when the problem began (meeting end + window, or the last customer action)
    detail: str
    meeting_key: str | None = None  # UID plus occurrence start: tells recurring instances apart
    meeting_title: str | None = None
    meeting_start: dt.datetime | None = None
    evidence: str | None = None  # the vague sentence, or the last customer action
    last_customer_action: dt.datetime | None = None
    seller_touches: int | None = None
    due: dt.date | None = None  # slipped_commitment: the promised day
    count: int | None = None  # repeated_reschedules: meetings called off or moved
    message_id: str | None = None  # unanswered_customer and slipped_commitment: the mail
    web_link: str | None = None  # the meeting or thread in the rep's own web client
    contacts: tuple[str, ...] = ()  # the customer people to write to (a meeting's attendees)
    subject: str | None = None  # unanswered_customer and slipped_commitment: the mail's subject

    @property
    def key(self) -> str:
        """Stable identity: rep, kind, account and the meeting, message or commitment."""
        parts = [self.rep, self.kind, self.account, self.meeting_key or ""]
        if self.message_id is not None:  # absent for the older kinds: their keys never change
            parts.append(self.message_id)
        if self.due is not None:
            parts.append(self.due.isoformat())
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, object]:
        def iso(value: dt.datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "rep": self.rep, "kind": self.kind, "account": self.account,
            "meeting_uid": self.meeting_uid, "since": iso(self.since), "detail": self.detail,
            "id": self.key, "meeting_title": self.meeting_title,
            "meeting_start": iso(self.meeting_start), "evidence": self.evidence,
            "last_customer_action": iso(self.last_customer_action),
            "seller_touches": self.seller_touches, "web_link": self.web_link,
            "contacts": list(self.contacts),
            **self._kind_fields(),
        }

    def _kind_fields(self) -> dict[str, object]:
        """The keys ``report --json`` adds for the deal-signal kinds (slipped, reschedules, unanswered)."""
        if self.kind == "slipped_commitment":
            return {"due": self.due.isoformat() if self.due else None,
                    "message_id": self.message_id}
        if self.kind in ("repeated_reschedules", "single_threaded"):
            return {"count": self.count}  # meetings called off or moved / held with one person
        if self.kind == "unanswered_customer":
            return {"message_id": self.message_id}
        return {}
