"""The database schema as typed SQLAlchemy 2.0 models: one schema for two databases.

Every constraint has a name from ``NAMING`` so Alembic can alter it later on both
SQLite (batch mode rebuilds tables and needs names) and PostgreSQL. Instants are
stored as UTC (``UTCDateTime``); where the writer's zone matters, a ``*_tz``
companion column keeps it (see ``store.types``). Value sets that come from
``Literal`` types are guarded by CHECK constraints, so a bad value fails the whole
page's transaction instead of landing in the database.

The migration in ``store/migrations/versions`` creates exactly these tables; a test
compares the migrated database with this metadata on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args

from dealnudge.store.types import JSONType, UTCDateTime
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dealnudge.records import EventStatus, Folder, ResponseStatus

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EMAIL = 320  # RFC 5321 path limit; for reps, who come from the validated config
# Everything a provider sends (ids, Message-IDs, addresses) is TEXT: a length limit
# would let one malformed header fail its page on PostgreSQL forever (SQLite ignores it).
# For the same reason none of them is indexed alone: PostgreSQL refuses btree entries
# over 2704 bytes (measured: a 5000-character Message-ID failed its page). The analyzer
# matches Message-IDs and UIDs in memory, so no query needs such an index.
FINDING_STATUSES = ("open", "closed")
NUDGE_STATUSES = ("sending", "sent", "failed")


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RepRow(Base):
    __tablename__ = "reps"

    email: Mapped[str] = mapped_column(String(EMAIL), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


def rep_fk() -> ForeignKey:
    return ForeignKey("reps.email", ondelete="CASCADE", onupdate="CASCADE")


class CursorRow(Base):
    """One provider sync cursor per (rep, stream), stamped with its format version."""

    __tablename__ = "sync_cursors"

    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk(), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class EventRow(Base):
    __tablename__ = "calendar_events"
    __table_args__ = (
        UniqueConstraint("rep", "stream", "source_id"),
        Index(None, "rep", "start_at"),
        one_of("status", get_args(EventStatus), "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk())
    stream: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(Text)
    uid: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    start_tz: Mapped[str] = mapped_column(String(64))
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end_tz: Mapped[str] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    organizer: Mapped[str | None] = mapped_column(Text)
    recurrence_id: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    recurrence_tz: Mapped[str | None] = mapped_column(String(64))
    updated: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_tz: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    web_link: Mapped[str | None] = mapped_column(Text)

    participants: Mapped[list[ParticipantRow]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ParticipantRow.position")


class EventHistoryRow(Base):
    """The first start the store saw for each event, kept when the event moves or goes.

    Providers send a moved meeting with its new start only; this row is how a move is
    told from a meeting that was always at that time, for every connector alike. It
    outlives its event row (deleted or cancelled meetings may come back), and costs
    one small row per event ever seen.
    """

    __tablename__ = "event_history"
    __table_args__ = (UniqueConstraint("rep", "stream", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk())
    stream: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(Text)
    first_start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    first_start_tz: Mapped[str] = mapped_column(String(64))


class ParticipantRow(Base):
    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "position"),
        one_of("response", get_args(ResponseStatus), "response"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("calendar_events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(String(16))
    is_organizer: Mapped[bool] = mapped_column(Boolean)
    is_self: Mapped[bool] = mapped_column(Boolean)
    is_resource: Mapped[bool] = mapped_column(Boolean)

    event: Mapped[EventRow] = relationship(back_populates="participants")


class MessageRow(Base):
    """One mail. Recipients are JSON lists of ``[email, name]``: always read whole."""

    __tablename__ = "email_messages"
    __table_args__ = (
        UniqueConstraint("rep", "stream", "source_id"),
        Index(None, "rep", "sent_at"),
        one_of("folder", get_args(Folder), "folder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk())
    stream: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_tz: Mapped[str] = mapped_column(String(64))
    sender_email: Mapped[str] = mapped_column(Text)
    sender_name: Mapped[str] = mapped_column(Text)
    to: Mapped[list[list[str]]] = mapped_column("to_addresses", JSONType)
    cc: Mapped[list[list[str]]] = mapped_column("cc_addresses", JSONType)
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(String(16))
    is_auto_reply: Mapped[bool] = mapped_column(Boolean)
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    references: Mapped[list[str]] = mapped_column("reference_ids", JSONType)
    thread_id: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[str]] = mapped_column(JSONType)
    web_link: Mapped[str | None] = mapped_column(Text)


class FindingRow(Base):
    """A finding's life: open while the analyzer reports it, closed when it clears."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("key"),
        Index(None, "rep", "status"),
        one_of("status", FINDING_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk())
    kind: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(Text)
    meeting_uid: Mapped[str | None] = mapped_column(Text)
    meeting_key: Mapped[str | None] = mapped_column(Text)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    since_tz: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    meeting_title: Mapped[str | None] = mapped_column(Text)
    meeting_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    meeting_start_tz: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[str | None] = mapped_column(Text)
    last_customer_action: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_customer_action_tz: Mapped[str | None] = mapped_column(String(64))
    seller_touches: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[dt.date | None] = mapped_column(Date)
    count: Mapped[int | None] = mapped_column("reschedule_count", Integer)
    message_id: Mapped[str | None] = mapped_column(Text)
    web_link: Mapped[str | None] = mapped_column(Text)
    contacts: Mapped[list[str] | None] = mapped_column(JSONType)  # None in rows before 0003
    subject: Mapped[str | None] = mapped_column(Text)  # the customer mail's, for a reply draft
    status: Mapped[str] = mapped_column(String(8))
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class NudgeRow(Base):
    """A claimed morning nudge. The unique key is what makes "once per day" hold
    across processes: a second claim fails in the database, not in Python."""

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("rep", "local_day", "kind"),
        one_of("status", NUDGE_STATUSES, "status"),
        # never reuse a released claim's id: a late finish_nudge must not hit a new claim
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk())
    local_day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    finding_keys: Mapped[list[str]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SyncHealthRow(Base):
    __tablename__ = "sync_health"

    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk(), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_success: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error_kind: Mapped[str | None] = mapped_column(String(16))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped_detail: Mapped[str | None] = mapped_column(Text)
    warning: Mapped[str | None] = mapped_column(Text)


class SyncEpochRow(Base):
    """Which sync run of a rep may write: a zombie's pages must not land after a takeover.

    ``Store.begin_sync`` raises the epoch when a run starts; every page, cursor and
    health row that run writes compares its epoch in the same transaction, so a worker
    that froze and wakes up after another took the rep over writes nothing.
    """

    __tablename__ = "sync_epochs"

    rep: Mapped[str] = mapped_column(String(EMAIL), rep_fk(), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # the rep-local day whose digest a worker last dealt with (sent, or nothing to send)
    digest_day: Mapped[dt.date | None] = mapped_column(Date)
