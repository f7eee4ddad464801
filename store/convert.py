"""Translation between neutral records / findings and table rows, in both directions.

The contract is exact round trips: a record read back equals the record stored,
including the UTC offset or IANA zone of every datetime (kept in ``*_tz`` columns),
tuple order of participants and recipients, and Chinese text. Values are
compared column by column before an update so that replaying a page is a no-op.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from dealnudge.store.models import EventRow, FindingRow, NudgeRow, ParticipantRow
from dealnudge.store.results import FindingStatus, NudgeRecord, NudgeStatus, StoredFinding
from dealnudge.store.types import in_zone, maybe_in_zone, maybe_zone_name, require_aware, zone_name

from dealnudge.records import (
    Address,
    CalendarEvent,
    EmailMessage,
    Finding,
    FindingKind,
)

Columns = dict[str, Any]


def event_columns(event: CalendarEvent) -> Columns:
    require_aware(event.start, f"event {event.source_id!r} start")
    require_aware(event.end, f"event {event.source_id!r} end")
    return {
        "uid": event.uid, "title": event.title,
        "start_at": event.start, "start_tz": zone_name(event.start),
        "end_at": event.end, "end_tz": zone_name(event.end),
        "all_day": event.all_day, "status": event.status, "organizer": event.organizer,
        "recurrence_id": event.recurrence_id, "recurrence_tz": maybe_zone_name(event.recurrence_id),
        "updated": event.updated, "updated_tz": maybe_zone_name(event.updated),
        "description": event.description, "location": event.location,
        "web_link": event.web_link,
    }


def participant_tuples(event: CalendarEvent) -> list[tuple[str, str, str, bool, bool, bool]]:
    return [(p.email, p.name, p.response, p.is_organizer, p.is_self, p.is_resource)
            for p in event.participants]


def participant_rows(event: CalendarEvent) -> list[ParticipantRow]:
    return [ParticipantRow(position=i, email=email, name=name, response=response,
                           is_organizer=organizer, is_self=self_, is_resource=resource)
            for i, (email, name, response, organizer, self_, resource)
            in enumerate(participant_tuples(event))]


def stored_participant_tuples(row: EventRow) -> list[tuple[str, str, str, bool, bool, bool]]:
    return [(p.email, p.name, p.response, p.is_organizer, p.is_self, p.is_resource)
            for p in row.participants]


def _addresses(addresses: tuple[Address, ...]) -> list[list[str]]:
    return [[a.email, a.name] for a in addresses]


def message_columns(message: EmailMessage) -> Columns:
    require_aware(message.sent_at, f"message {message.source_id!r} sent_at")
    return {
        "message_id": message.message_id,
        "sent_at": message.sent_at, "sent_tz": zone_name(message.sent_at),
        "sender_email": message.sender.email, "sender_name": message.sender.name,
        "to": _addresses(message.to), "cc": _addresses(message.cc),
        "subject": message.subject, "body_text": message.body_text, "folder": message.folder,
        "is_auto_reply": message.is_auto_reply, "in_reply_to": message.in_reply_to,
        "references": list(message.references), "thread_id": message.thread_id,
        "attachments": list(message.attachments), "web_link": message.web_link,
    }


def same_columns(row: object, columns: Columns) -> bool:
    """True when every column already holds the value (instants compared as instants,
    zones through their ``*_tz`` columns)."""
    return all(getattr(row, name) == value for name, value in columns.items())


def finding_columns(finding: Finding) -> Columns:
    require_aware(finding.since, f"finding {finding.key} since")
    return {
        "rep": finding.rep, "kind": finding.kind, "account": finding.account,
        "meeting_uid": finding.meeting_uid, "meeting_key": finding.meeting_key,
        "since": finding.since, "since_tz": zone_name(finding.since), "detail": finding.detail,
        "meeting_title": finding.meeting_title, "meeting_start": finding.meeting_start,
        "meeting_start_tz": maybe_zone_name(finding.meeting_start),
        "evidence": finding.evidence, "last_customer_action": finding.last_customer_action,
        "last_customer_action_tz": maybe_zone_name(finding.last_customer_action),
        "seller_touches": finding.seller_touches, "due": finding.due,
        "count": finding.count, "message_id": finding.message_id, "web_link": finding.web_link,
        "contacts": list(finding.contacts), "subject": finding.subject,
    }


def finding_from_row(row: FindingRow) -> Finding:
    return Finding(
        rep=row.rep, kind=cast(FindingKind, row.kind), account=row.account,
        meeting_uid=row.meeting_uid, since=in_zone(row.since, row.since_tz), detail=row.detail,
        meeting_key=row.meeting_key, meeting_title=row.meeting_title,
        meeting_start=maybe_in_zone(row.meeting_start, row.meeting_start_tz),
        evidence=row.evidence,
        last_customer_action=maybe_in_zone(row.last_customer_action,
                                           row.last_customer_action_tz),
        seller_touches=row.seller_touches, due=row.due, count=row.count,
        message_id=row.message_id, web_link=row.web_link, contacts=tuple(row.contacts or ()),
        subject=row.subject,
    )


def stored_finding(row: FindingRow) -> StoredFinding:
    status: FindingStatus = "open" if row.status == "open" else "closed"
    return StoredFinding(finding=finding_from_row(row), first_seen=row.first_seen,
                         last_seen=row.last_seen, status=status, closed_at=row.closed_at)


def nudge_record(row: NudgeRow) -> NudgeRecord:
    return NudgeRecord(
        id=row.id, rep=row.rep, local_day=row.local_day, kind=row.kind,
        finding_keys=tuple(row.finding_keys), status=cast(NudgeStatus, row.status),
        attempts=row.attempts, message_id=row.message_id, error=row.error,
        claimed_at=row.claimed_at, finished_at=row.finished_at,
    )


def as_utc(value: dt.datetime, what: str) -> dt.datetime:
    return require_aware(value, what).astimezone(dt.UTC)
