"""Google Calendar as one ``calendar`` stream: a windowed full listing, then sync tokens.

Quirks honoured (Calendar API v3 sync guide and events.list reference):
- ``singleEvents=True`` expands recurring series into instances, so each
  occurrence has its own ``id`` and an ``originalStartTime`` (our recurrence id);
- the full listing is bounded by ``timeMin``/``timeMax``; an increment passes
  only ``syncToken`` (combining it with timeMin/timeMax/q/orderBy/updatedMin/
  iCalUID, or ``showDeleted=false``, is a 400);
- ``nextSyncToken`` appears on the last page only; 410 means the token expired;
- incremental results include cancellations that may carry nothing but ``id``
  (plus ``recurringEventId``/``originalStartTime`` for a cancelled instance):
  those become ``deleted_ids``; a cancelled item with its details stays an
  event with status ``cancelled``;
- all-day events use ``start.date`` (``end`` exclusive) and are placed at
  midnight in the calendar's zone (the listing's ``timeZone``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dealnudge.connectors.base import ConnectorContext, CursorExpired
from dealnudge.connectors.cursors import decode_cursor, encode_cursor
from dealnudge.connectors.google.calls import Caller
from dealnudge.connectors.google.errors import Call
from dealnudge.connectors.items import clean_event, skip_reason

from dealnudge.records import CalendarEvent, EventStatus, Participant, ResponseStatus, SyncPage

RESPONSES: dict[str, ResponseStatus] = {"accepted": "accepted", "declined": "declined",
                                        "tentative": "tentative", "needsAction": "needs_action"}
_EXPECTED = (KeyError, ValueError, TypeError)  # odd provider data; anything else is a bug
STATUSES: dict[str, EventStatus] = {"confirmed": "confirmed", "tentative": "tentative",
                                    "cancelled": "cancelled"}


class CalendarSync:
    def __init__(self, service: Any, caller: Caller, *, page_size: int, past_days: int,
                 future_days: int, ctx: ConnectorContext, default_tz: dt.tzinfo,
                 stream_name: str) -> None:
        self.service, self.caller, self.page_size = service, caller, page_size
        self.past_days, self.future_days = past_days, future_days
        self.ctx, self.default_tz, self.stream_name = ctx, default_tz, stream_name

    def _params(self, sync_token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"calendarId": "primary", "singleEvents": True,
                                  "maxResults": self.page_size}
        if sync_token is not None:
            params["syncToken"] = sync_token
        else:
            params["timeMin"] = _rfc3339(self.ctx.now - dt.timedelta(days=self.past_days))
            params["timeMax"] = _rfc3339(self.ctx.now + dt.timedelta(days=self.future_days))
        return params

    def sync(self, cursor: str | None) -> Iterator[SyncPage]:
        params = self._params(None if cursor is None else _sync_token(cursor))
        call = Call.CALENDAR if cursor is None else Call.CALENDAR_SYNC
        page_token: str | None = None
        done = 0
        while True:
            resp = self.caller.run(
                partial(self.service.events().list, **params, pageToken=page_token), call=call)
            page = self._page(resp, full=cursor is None)
            page_token = resp.get("nextPageToken")
            done += len(page.events)
            self.ctx.progress(self.stream_name, done, None)
            if page_token is None:
                page.cursor = encode_cursor({"sync_token": str(resp["nextSyncToken"])})
                page.complete = True
                yield page
                return
            yield page

    def _page(self, resp: dict[str, Any], *, full: bool) -> SyncPage:
        zone = _zone(resp.get("timeZone"), self.default_tz)
        page = SyncPage(full=full)
        for item in resp.get("items", []):
            try:
                event = to_event(item, zone)
                event = clean_event(event) if event is not None else None
            except Exception as err:  # noqa: BLE001 - one event never stops the stream
                where = str(item.get("id", "?")) if isinstance(item, dict) else "?"
                page.skipped.append(skip_reason(where, err, _EXPECTED))
                continue
            if event is None:
                page.deleted_ids.append(str(item["id"]))
            else:
                page.events.append(event)
        return page


def to_event(item: dict[str, Any], zone: dt.tzinfo) -> CalendarEvent | None:
    """The neutral record, or None for a bare cancellation (only its id is known)."""
    status = STATUSES.get(str(item.get("status", "confirmed")), "confirmed")
    if status == "cancelled" and "start" not in item:
        return None
    start, all_day = when(item["start"], zone)
    end, _ = when(item["end"], zone)
    original = item.get("originalStartTime")
    organizer = (item.get("organizer") or {}).get("email")
    return CalendarEvent(
        source_id=str(item["id"]), uid=str(item.get("iCalUID") or item["id"]),
        title=str(item.get("summary", "")), start=start, end=end, all_day=all_day,
        status=status, organizer=organizer.lower() if organizer else None,
        participants=tuple(_participant(a) for a in item.get("attendees", []) if a.get("email")),
        recurrence_id=when(original, zone)[0] if original else None,
        updated=_instant(item["updated"]) if item.get("updated") else None,
        description=str(item.get("description", "")), location=str(item.get("location", "")),
        web_link=str(item["htmlLink"]) if item.get("htmlLink") else None)


def _participant(att: dict[str, Any]) -> Participant:
    return Participant(email=str(att["email"]).lower(), name=str(att.get("displayName", "")),
                       response=RESPONSES.get(str(att.get("responseStatus")), "needs_action"),
                       is_organizer=bool(att.get("organizer")), is_self=bool(att.get("self")),
                       is_resource=bool(att.get("resource")))


def when(value: dict[str, Any], zone: dt.tzinfo) -> tuple[dt.datetime, bool]:
    """(aware instant, all-day?) of a Calendar ``start``/``end``/``originalStartTime``."""
    if "date" in value:
        day = dt.date.fromisoformat(str(value["date"]))
        return dt.datetime.combine(day, dt.time(0), zone), True
    instant = _instant(str(value["dateTime"]))
    named = value.get("timeZone")
    return (instant.astimezone(_zone(named, instant.tzinfo or zone)) if named else instant), False


def _instant(text: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _zone(name: object, fallback: dt.tzinfo) -> dt.tzinfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _sync_token(cursor: str) -> str:
    token = decode_cursor(cursor, "Google Calendar").get("sync_token")
    if not isinstance(token, str) or not token:
        raise CursorExpired("the saved Google Calendar cursor has no sync token")
    return token
