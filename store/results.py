"""What the store hands back: small frozen dataclasses, never ORM rows.

ORM rows stay inside ``store``; a row outliving its session is a classic source of
lazy-load errors and accidental writes, so callers get plain values instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from dealnudge.records import Finding

NudgeStatus = Literal["sending", "sent", "failed"]
AMBIGUOUS = "ambiguous: "  # the error prefix of a claim that may have been delivered
FinishStatus = Literal["sent", "failed", "ambiguous"]
FindingStatus = Literal["open", "closed"]


@dataclass(frozen=True)
class PageStats:
    """How one applied page changed the stored rows (replaying a page changes none)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    cursor_saved: bool = False

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass(frozen=True)
class SyncHealth:
    rep: str
    stream: str
    last_success: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    error_kind: str | None  # an ``ErrorKind`` value
    items: int  # records handled by the last successful sync
    consecutive_failures: int = 0
    skipped: int = 0  # items the last round that read anything could not read
    skipped_reasons: tuple[str, ...] = ()  # the first of them, "<item>: <reason>"
    warning: str | None = None  # what the last round refused to do (kept stored data)

    @property
    def failing(self) -> bool:
        """The most recent sync of this stream failed."""
        return self.consecutive_failures > 0


@dataclass(frozen=True)
class StoredFinding:
    finding: Finding
    first_seen: dt.datetime
    last_seen: dt.datetime
    status: FindingStatus = "open"
    closed_at: dt.datetime | None = None

    @property
    def key(self) -> str:
        return self.finding.key


@dataclass(frozen=True)
class FindingChanges:
    """Keys whose state changed in one ``sync_findings`` call."""

    opened: list[str] = field(default_factory=list)  # new, or closed before and back again
    refreshed: list[str] = field(default_factory=list)  # still open, seen again
    closed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NudgeRecord:
    id: int
    rep: str
    local_day: dt.date
    kind: str
    finding_keys: tuple[str, ...]
    status: NudgeStatus
    attempts: int  # finished delivery attempts of this claim
    message_id: str | None
    error: str | None
    claimed_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def ambiguous(self) -> bool:
        """Handed to the server, but whether it was delivered is unknown: never resent."""
        return self.status == "sending" and (self.error or "").startswith(AMBIGUOUS)

@dataclass(frozen=True)
class CalendarEntry:
    """One stored event, reduced to what tells which calendars share a meeting or a
    customer: who holds it, its iCalendar UID and start, its status, and its people
    (participants that are not resources, and the organiser)."""

    rep: str
    uid: str
    start: dt.datetime  # UTC
    status: str
    people: tuple[str, ...]

    def with_person(self, email: str) -> CalendarEntry:
        return CalendarEntry(self.rep, self.uid, self.start, self.status, (*self.people, email))
