"""Bulk reads of events and messages for the analysis, as plain column rows.

An analysis round reads each rep's window: tens of thousands of rows per round on a
large team. Building ORM objects (and a second ORM load for participants) cost more
than the rules themselves, so these reads select plain columns, fetch participants
in one query per chunk of events, and decode the JSON lists of a message directly
(most of them are empty). What they return is exactly what the ORM path returned.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any, cast

from dealnudge.store import pages
from dealnudge.store.models import EventHistoryRow, EventRow, MessageRow, ParticipantRow
from dealnudge.store.types import in_zone, maybe_in_zone
from sqlalchemy import Row, Select, Text, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from dealnudge.records import (
    Address,
    CalendarEvent,
    EmailMessage,
    EventStatus,
    Folder,
    Participant,
    ResponseStatus,
)

_EVENT_COLUMNS = list(EventRow.__table__.columns)
_JSON_MESSAGE_COLUMNS = {"to", "cc", "references", "attachments"}


def _message_columns() -> list[Any]:
    """Every message column; the JSON lists as their stored text."""
    columns: list[Any] = []
    for attribute in MessageRow.__mapper__.column_attrs:
        column = attribute.class_attribute
        if attribute.key in _JSON_MESSAGE_COLUMNS:
            columns.append(sql_cast(column, Text).label(attribute.key))
        else:
            columns.append(column.label(attribute.key))
    return columns


MESSAGE_COLUMNS = _message_columns()


def _json_list(text: str | None) -> list[Any]:
    if text is None or text == "[]":
        return []
    return cast(list[Any], json.loads(text))


def message_query() -> Select[Any]:
    return select(*MESSAGE_COLUMNS).order_by(MessageRow.rep, MessageRow.sent_at,
                                             MessageRow.stream, MessageRow.source_id)


def message_from_row(row: Row[Any]) -> EmailMessage:
    return EmailMessage(
        source_id=row.source_id, message_id=row.message_id,
        sent_at=in_zone(row.sent_at, row.sent_tz),
        sender=Address(email=row.sender_email, name=row.sender_name),
        to=tuple(Address(email=e, name=n) for e, n in _json_list(row.to)),
        cc=tuple(Address(email=e, name=n) for e, n in _json_list(row.cc)),
        subject=row.subject, body_text=row.body_text, folder=cast(Folder, row.folder),
        is_auto_reply=row.is_auto_reply, in_reply_to=row.in_reply_to,
        references=tuple(_json_list(row.references)), thread_id=row.thread_id,
        attachments=tuple(_json_list(row.attachments)), web_link=row.web_link,
    )


def event_query() -> Select[Any]:
    history = EventHistoryRow
    return (select(*_EVENT_COLUMNS, history.first_start_at, history.first_start_tz)
            .outerjoin(history, (history.rep == EventRow.rep)
                       & (history.stream == EventRow.stream)
                       & (history.source_id == EventRow.source_id))
            .order_by(EventRow.rep, EventRow.start_at, EventRow.stream, EventRow.source_id))


def events(session: Session, query: Select[Any]) -> list[tuple[str, CalendarEvent]]:
    """Run an ``event_query`` and build the events with their participants."""
    rows = list(session.execute(query))
    people = _participants(session, [row.id for row in rows])
    return [(row.rep, _event(row, people.get(row.id, ()))) for row in rows]


def events_with_uids(session: Session, query: Select[Any], uids: Collection[str]
                     ) -> list[tuple[str, CalendarEvent]]:
    found: list[tuple[str, CalendarEvent]] = []
    for part in pages.chunks(sorted(set(uids))):
        found += events(session, query.where(EventRow.uid.in_(part)))
    return found


def _participants(session: Session, ids: Sequence[int]) -> dict[int, tuple[Participant, ...]]:
    grouped: dict[int, list[Participant]] = defaultdict(list)
    p = ParticipantRow
    for part in pages.chunks(sorted(ids)):
        query = (select(p.event_id, p.email, p.name, p.response, p.is_organizer, p.is_self,
                        p.is_resource)
                 .where(p.event_id.in_(part)).order_by(p.event_id, p.position))
        for event_id, email, name, response, organizer, is_self, resource in \
                session.execute(query):
            grouped[event_id].append(Participant(
                email=email, name=name, response=cast(ResponseStatus, response),
                is_organizer=organizer, is_self=is_self, is_resource=resource))
    return {event_id: tuple(found) for event_id, found in grouped.items()}


def _first_start(row: Row[Any]) -> dt.datetime | None:
    """The remembered first start, only when the event has moved since."""
    first_at, first_tz = row.first_start_at, row.first_start_tz
    if first_at is None or first_tz is None or first_at == row.start_at:
        return None
    return in_zone(first_at, first_tz)


def _event(row: Row[Any], participants: tuple[Participant, ...]) -> CalendarEvent:
    return CalendarEvent(
        source_id=row.source_id, uid=row.uid, title=row.title,
        start=in_zone(row.start_at, row.start_tz), end=in_zone(row.end_at, row.end_tz),
        all_day=row.all_day, status=cast(EventStatus, row.status), organizer=row.organizer,
        participants=participants,
        recurrence_id=maybe_in_zone(row.recurrence_id, row.recurrence_tz),
        updated=maybe_in_zone(row.updated, row.updated_tz),
        description=row.description, location=row.location, web_link=row.web_link,
        first_start=_first_start(row),
    )
