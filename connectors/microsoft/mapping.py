"""Graph JSON (messages, events) to the neutral records.

Why JSON and not MIME for mail: with ``Prefer: outlook.body-content-type="text"``
the delta page itself carries the decoded text body, so a backfill costs one
request per page; MIME would add a ``$value`` download per message (or a ``$batch``
per 20) and roughly twice the bytes (``bench/graph_sync.py`` measures both). What
JSON lacks: ``In-Reply-To``/``References`` (we keep ``conversationId`` as the
thread id instead) and attachment names (only ``hasAttachments``).

Graph sometimes answers with an HTML body despite the text preference (users report
it on the Graph docs tracker); such bodies are reduced to text here. All preferences
go in one comma-separated ``Prefer`` header (RFC 7240), as Graph accepts.

Auto-replies: Graph has no flag on a message for them (``inferenceClassification``
is Focused/Other, not this), and ``internetMessageHeaders`` would add kilobytes per
message; we use the subject prefixes Outlook and Exchange write in English and
Chinese ("Automatic reply:", "自动回复", "自动答复", "Out of Office").

Size: Graph's message resource has no size property, so the first delta request
asks for the MAPI property PidTagMessageSize (``Integer 0x0E08``, the whole message
with attachments) through ``$expand=singleValueExtendedProperties($filter=…)``; the
option is carried by every link Graph returns. Graph answers with the id written
its own way (``Integer 0xe08``) and the value as a string; ``message_size`` reads
both forgivingly and returns None when the property is absent (a cursor saved
before the option was added, or a server that does not return it).

Text: a body is cut to ``MAX_BODY_TEXT_BYTES`` (UTF-8) before anything else is
done with it, as the MIME parser does.

Times: ``sentDateTime`` is UTC ("...Z"). Events are read with
``Prefer: outlook.timezone="UTC"`` so ``start.dateTime`` is UTC wall time with seven
fractional digits and ``timeZone: "UTC"``; all-day events are dates, placed at
midnight in the rep's own zone.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dealnudge.connectors.ics import windows_zone_to_iana
from dealnudge.connectors.items import MAX_BODY_TEXT_BYTES

from dealnudge.records import (
    Address,
    CalendarEvent,
    EmailMessage,
    Folder,
    Participant,
    ResponseStatus,
)

UTC = dt.UTC
MESSAGE_FIELDS = ("id", "internetMessageId", "conversationId", "subject", "body", "from",
                  "sender", "toRecipients", "ccRecipients", "sentDateTime",
                  "receivedDateTime", "hasAttachments", "isDraft", "webLink")
SIZE_PROPERTY = "Integer 0x0E08"  # PidTagMessageSize, PT_LONG
SIZE_EXPAND = f"singleValueExtendedProperties($filter=id eq '{SIZE_PROPERTY}')"
AUTO_REPLY_PREFIXES = ("automatic reply:", "auto reply:", "autoreply:", "out of office:",
                       "自动回复", "自動回覆", "自动答复")
RESPONSES: dict[str, ResponseStatus] = {
    "none": "needs_action", "notresponded": "needs_action", "accepted": "accepted",
    "tentativelyaccepted": "tentative", "declined": "declined", "organizer": "accepted",
}
_BREAKS = re.compile(r"<(br|/p|/div|/li|/tr)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<(head|style|script)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


class BadItem(ValueError):
    """One item we cannot read; the page goes on and the item is reported as skipped."""


def parse_message(item: dict[str, Any], folder: Folder) -> EmailMessage:
    source_id = _required(item, "id")
    sent = parse_instant(item.get("sentDateTime") or item.get("receivedDateTime"))
    sender = _address(item.get("from")) or _address(item.get("sender")) or Address("")
    subject = str(item.get("subject") or "")
    internet_id = str(item.get("internetMessageId") or "").strip().strip("<>")
    return EmailMessage(
        source_id=source_id,
        message_id=internet_id or f"{source_id}@graph.invalid",
        sent_at=sent, sender=sender,
        to=_addresses(item.get("toRecipients")), cc=_addresses(item.get("ccRecipients")),
        subject=subject, body_text=_body(item), folder=folder,
        is_auto_reply=is_auto_reply(subject),
        thread_id=item.get("conversationId") or None, web_link=_link(item))


def message_size(item: dict[str, Any]) -> int | None:
    """PidTagMessageSize from the expanded extended properties, None when absent or odd."""
    props = item.get("singleValueExtendedProperties")
    for prop in props if isinstance(props, list) else []:
        if not isinstance(prop, dict) or not _is_size_property(prop.get("id")):
            continue
        value = prop.get("value")
        text = str(value).strip() if isinstance(value, (str, int)) and value is not True else ""
        if text.isdigit():
            return int(text)
    return None


def _is_size_property(prop_id: object) -> bool:
    kind, _, tag = str(prop_id or "").strip().partition(" ")
    try:
        return kind.lower() == "integer" and int(tag.strip(), 16) == 0x0E08
    except ValueError:
        return False


def without_body(item: dict[str, Any]) -> dict[str, Any]:
    """The message with its text left out (it is over the size cap)."""
    return {**item, "body": {"contentType": "text", "content": ""}, "bodyPreview": ""}


def parse_event(item: dict[str, Any], *, mailbox: str, zone: ZoneInfo) -> CalendarEvent:
    source_id = _required(item, "id")
    all_day = bool(item.get("isAllDay"))
    start = _event_time(item.get("start"), all_day, zone)
    end = _event_time(item.get("end"), all_day, zone)
    organizer = _address(item.get("organizer"))
    original = item.get("originalStart")
    return CalendarEvent(
        source_id=source_id, uid=str(item.get("iCalUId") or source_id),
        title=str(item.get("subject") or ""), start=start, end=end, all_day=all_day,
        status="cancelled" if item.get("isCancelled") else "confirmed",
        organizer=organizer.email if organizer else None,
        participants=_participants(item, organizer, mailbox),
        recurrence_id=parse_instant(original) if original else None,
        updated=parse_instant(item["lastModifiedDateTime"])
        if item.get("lastModifiedDateTime") else None,
        description=_body(item),
        location=str((item.get("location") or {}).get("displayName") or ""),
        web_link=_link(item))


def _link(item: dict[str, Any]) -> str | None:
    """Graph's ``webLink``: the item in Outlook on the web (absent on some old items)."""
    link = item.get("webLink")
    return str(link) if isinstance(link, str) and link else None


def is_auto_reply(subject: str) -> bool:
    return subject.strip().lower().startswith(AUTO_REPLY_PREFIXES)


def parse_instant(value: object) -> dt.datetime:
    """Graph's ``2026-03-02T09:00:00Z`` (or an offset) as an aware datetime."""
    if not isinstance(value, str) or not value:
        raise BadItem("missing date-time")
    try:
        parsed = dt.datetime.fromisoformat(_trim_fraction(value.replace("Z", "+00:00")))
    except ValueError:
        raise BadItem(f"unreadable date-time {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _event_time(value: object, all_day: bool, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dict):
        raise BadItem("event without start/end")
    try:
        wall = dt.datetime.fromisoformat(_trim_fraction(str(value.get("dateTime"))))
    except ValueError:
        raise BadItem(f"unreadable event time {value.get('dateTime')!r}") from None
    if all_day:
        return dt.datetime.combine(wall.date(), dt.time(0), tzinfo=zone)
    return wall.replace(tzinfo=_zone(str(value.get("timeZone") or "UTC")))


def _zone(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "ETC/UTC", "COORDINATED UNIVERSAL TIME"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:  # a Windows zone name despite Prefer outlook.timezone="UTC"
        iana = windows_zone_to_iana(name)
        if iana is not None:
            return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise BadItem(f"unknown time zone {name!r}")


def _trim_fraction(text: str) -> str:
    """Graph writes seven fractional digits; Python reads at most six."""
    head, dot, rest = text.partition(".")
    if not dot:
        return text
    digits = "".join(c for c in rest if c.isdigit())
    return f"{head}.{digits[:6]}{rest[len(digits):]}"


def _participants(item: dict[str, Any], organizer: Address | None,
                  mailbox: str) -> tuple[Participant, ...]:
    people: dict[str, Participant] = {}
    for attendee in item.get("attendees") or []:
        address = _address(attendee)
        if address is None:
            continue
        status = str(((attendee.get("status") or {}).get("response")) or "none")
        people[address.email] = Participant(
            email=address.email, name=address.name,
            response=RESPONSES.get(status.lower(), "needs_action"),
            is_organizer=organizer is not None and address.email == organizer.email,
            is_self=address.email == mailbox,
            is_resource=str(attendee.get("type") or "").lower() == "resource")
    if organizer is not None and organizer.email not in people:
        people[organizer.email] = Participant(
            email=organizer.email, name=organizer.name, response="accepted",
            is_organizer=True, is_self=organizer.email == mailbox)
    return tuple(people.values())


def _address(holder: object) -> Address | None:
    inner = holder.get("emailAddress") if isinstance(holder, dict) else None
    if not isinstance(inner, dict) or not inner.get("address"):
        return None
    return Address(str(inner["address"]).strip().lower(), str(inner.get("name") or ""))


def _addresses(items: object) -> tuple[Address, ...]:
    found = (_address(i) for i in items) if isinstance(items, list) else ()
    return tuple(a for a in found if a is not None)


def _body(item: dict[str, Any]) -> str:
    body = item.get("body")
    if not isinstance(body, dict):
        return str(item.get("bodyPreview") or "")
    content = cut_text(str(body.get("content") or ""))
    if str(body.get("contentType") or "").lower() == "html":  # the preference was ignored
        content = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", content))).strip()
    return content


def cut_text(text: str, limit: int = MAX_BODY_TEXT_BYTES) -> str:
    """At most ``limit`` bytes of UTF-8; a character cut in half is dropped."""
    if len(text) <= limit // 4:  # cannot be over: at most 4 bytes per character
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def _required(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not value:
        raise BadItem(f"item without {key}")
    return str(value)
