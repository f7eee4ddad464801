"""Applying one ``SyncPage`` inside the caller's transaction.

Rows are matched by (rep, stream, source_id): the provider's id is the only
identity a replayed or overlapping page is guaranteed to repeat. Existing rows
are loaded in bulk (chunked under SQLite's bound-parameter limit), compared column
by column and only touched when something changed, so replaying a page after a
crash writes nothing. Deletions run after the upserts: an id listed in
``deleted_ids`` is gone even if the same page also carried it. The cursor is
written last, after a flush, so it can only be committed together with its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from dealnudge.store import convert
from dealnudge.store.models import CursorRow, EventHistoryRow, EventRow, MessageRow, ParticipantRow
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session, selectinload

from dealnudge.records import CalendarEvent, EmailMessage, SyncPage

CHUNK = 500  # well under SQLite's 999/32766 bound-parameter limits
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def _existing_events(session: Session, rep: str, stream: str,
                     ids: list[str]) -> dict[str, EventRow]:
    found: dict[str, EventRow] = {}
    for part in chunks(ids):
        query = (select(EventRow).options(selectinload(EventRow.participants))
                 .where(EventRow.rep == rep, EventRow.stream == stream,
                        EventRow.source_id.in_(part)))
        found.update({row.source_id: row for row in session.scalars(query)})
    return found


def _existing_messages(session: Session, rep: str, stream: str,
                       ids: list[str]) -> dict[str, MessageRow]:
    found: dict[str, MessageRow] = {}
    for part in chunks(ids):
        query = select(MessageRow).where(MessageRow.rep == rep, MessageRow.stream == stream,
                                         MessageRow.source_id.in_(part))
        found.update({row.source_id: row for row in session.scalars(query)})
    return found


def remember_first_starts(session: Session, rep: str, stream: str,
                          events: dict[str, CalendarEvent]) -> None:
    """Write the start of every event the store has never seen before; later moves
    leave these rows alone, which is what lets the analyzer tell a moved meeting."""
    known: set[str] = set()
    for part in chunks(list(events)):
        known.update(session.scalars(select(EventHistoryRow.source_id).where(
            EventHistoryRow.rep == rep, EventHistoryRow.stream == stream,
            EventHistoryRow.source_id.in_(part))))
    new = [{"rep": rep, "stream": stream, "source_id": source_id,
            "first_start_at": event.start, "first_start_tz": convert.zone_name(event.start)}
           for source_id, event in events.items() if source_id not in known]
    if new:
        session.execute(insert(EventHistoryRow), new)


def _table_columns(model: type[EventRow | MessageRow]) -> dict[str, str]:
    """Attribute name → column name (``to`` is stored as ``to_addresses`` …)."""
    return {attr.key: attr.columns[0].name for attr in model.__mapper__.column_attrs}


_EVENT_COLUMNS = _table_columns(EventRow)
_EVENTS = cast(Table, EventRow.__table__)
_PARTICIPANTS = cast(Table, ParticipantRow.__table__)
_MESSAGES = cast(Table, MessageRow.__table__)
_MESSAGE_COLUMNS = _table_columns(MessageRow)


def _as_table_row(columns: convert.Columns, names: dict[str, str]) -> convert.Columns:
    return {names[name]: value for name, value in columns.items()}


def insert_events(session: Session, rep: str, stream: str,
                  events: Sequence[CalendarEvent]) -> None:
    """New events and their participants as two multi-row inserts: no ORM objects, which
    cost more than the rest of a first calendar sync's writes."""
    rows = [_as_table_row({"rep": rep, "stream": stream, "source_id": event.source_id,
                           **convert.event_columns(event)}, _EVENT_COLUMNS) for event in events]
    statement = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
    ids = session.execute(statement, rows).scalars().all()
    people = [{"event_id": event_id, "position": i, "email": email, "name": name,
               "response": response, "is_organizer": organizer, "is_self": self_,
               "is_resource": resource}
              for event_id, event in zip(ids, events, strict=True)
              for i, (email, name, response, organizer, self_, resource)
              in enumerate(convert.participant_tuples(event))]
    if people:
        session.execute(insert(_PARTICIPANTS), people)


def upsert_events(session: Session, rep: str, stream: str,
                  events: Sequence[CalendarEvent], counts: Counts) -> None:
    by_id = {event.source_id: event for event in events}
    existing = _existing_events(session, rep, stream, list(by_id))
    remember_first_starts(session, rep, stream, by_id)
    new: list[CalendarEvent] = []
    for source_id, event in by_id.items():
        columns = convert.event_columns(event)
        row = existing.get(source_id)
        if row is None:
            new.append(event)
            continue
        same_people = convert.stored_participant_tuples(row) == convert.participant_tuples(event)
        if same_people and convert.same_columns(row, columns):
            counts.unchanged += 1
            continue
        for name, value in columns.items():
            setattr(row, name, value)
        if not same_people:
            row.participants.clear()
            session.flush()  # old positions must be gone before new ones reuse them
            row.participants.extend(convert.participant_rows(event))
        counts.updated += 1
    if new:
        insert_events(session, rep, stream, new)
        counts.inserted += len(new)


def upsert_messages(session: Session, rep: str, stream: str,
                    messages: Sequence[EmailMessage], counts: Counts) -> None:
    by_id = {message.source_id: message for message in messages}
    existing = _existing_messages(session, rep, stream, list(by_id))
    new_rows: list[convert.Columns] = []
    for source_id, message in by_id.items():
        columns = convert.message_columns(message)
        row = existing.get(source_id)
        if row is None:
            new_rows.append({"rep": rep, "stream": stream, "source_id": source_id, **columns})
        elif convert.same_columns(row, columns):
            counts.unchanged += 1
        else:
            for name, value in columns.items():
                setattr(row, name, value)
            counts.updated += 1
    if new_rows:  # one executemany: a 500-message page is the common case on a first sync
        session.execute(insert(_MESSAGES),
                        [_as_table_row(row, _MESSAGE_COLUMNS) for row in new_rows])
        counts.inserted += len(new_rows)


def delete_ids(session: Session, rep: str, stream: str, ids: Sequence[str]) -> int:
    deleted = 0
    unique = sorted(set(ids))
    for part in chunks(unique):
        event_ids = list(session.scalars(select(EventRow.id).where(
            EventRow.rep == rep, EventRow.stream == stream, EventRow.source_id.in_(part))))
        for id_part in chunks(event_ids):
            # participants go with their event (ON DELETE CASCADE; SQLite has foreign_keys=ON)
            session.execute(delete(EventRow).where(EventRow.id.in_(id_part)))
        result = session.execute(delete(MessageRow).where(
            MessageRow.rep == rep, MessageRow.stream == stream, MessageRow.source_id.in_(part)))
        deleted += len(event_ids) + int(getattr(result, "rowcount", 0) or 0)
    return deleted


def save_cursor(session: Session, rep: str, stream: str, value: str, version: int,
                now: dt.datetime) -> None:
    row = session.get(CursorRow, (rep, stream))
    if row is None:
        session.add(CursorRow(rep=rep, stream=stream, version=version, value=value,
                              updated_at=now))
    else:
        row.version, row.value, row.updated_at = version, value, now


def apply(session: Session, rep: str, stream: str, page: SyncPage, version: int,
          now: dt.datetime) -> tuple[Counts, bool]:
    counts = Counts()
    if page.events:
        upsert_events(session, rep, stream, page.events, counts)
    if page.messages:
        upsert_messages(session, rep, stream, page.messages, counts)
    session.flush()
    if page.deleted_ids:
        counts.deleted = delete_ids(session, rep, stream, page.deleted_ids)
    if page.cursor is None:
        return counts, False
    save_cursor(session, rep, stream, page.cursor, version, now)
    session.flush()
    return counts, True
