"""The Calendar half of the fake Google server: one primary calendar per user.

Modelled on the documented ``events.list`` sync contract:
- a full listing honours ``timeMin``/``timeMax`` (overlap), leaves cancelled
  events out unless ``showDeleted``, and pages with ``pageToken``;
  ``nextSyncToken`` appears on the last page only;
- ``syncToken`` may not be combined with timeMin/timeMax/q/orderBy/updatedMin/
  iCalUID (400), returns everything changed since the token *including*
  cancellations, which carry only ``id`` and ``status`` (plus
  ``recurringEventId``/``originalStartTime`` for instances);
- an expired token answers 410 with reason ``fullSyncRequired``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from tests.google.fake_mail import ApiError, Json

RESTRICTED_WITH_SYNC_TOKEN = ("timeMin", "timeMax", "q", "orderBy", "updatedMin", "iCalUID")


@dataclass
class FakeEvent:
    resource: Json
    start: dt.datetime
    end: dt.datetime
    seq: int
    cancelled: bool = False

    def as_listed(self) -> Json:
        if not self.cancelled:
            return self.resource
        out: Json = {"kind": "calendar#event", "etag": f'"{self.seq}"',
                     "id": self.resource["id"], "status": "cancelled"}
        for key in ("recurringEventId", "originalStartTime"):
            if key in self.resource:
                out[key] = self.resource[key]
        return out


def html_link(event_id: str, calendar: str) -> str:
    """What Calendar returns as ``htmlLink``: ``eid`` is base64url("<event id> <calendar>")."""
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


@dataclass
class FakeCalendar:
    email: str
    time_zone: str = "UTC"
    events: dict[str, FakeEvent] = field(default_factory=dict)
    seq: int = 1
    token_floor: int = 0

    def put(self, resource: Json, start: dt.datetime, end: dt.datetime) -> None:
        self.seq += 1
        resource = dict(resource, updated=_stamp(self.seq), etag=f'"{self.seq}"')
        resource.setdefault("htmlLink", html_link(str(resource["id"]), self.email))
        self.events[str(resource["id"])] = FakeEvent(resource, start, end, self.seq)

    def cancel(self, event_id: str) -> None:
        self.seq += 1
        event = self.events[event_id]
        event.cancelled, event.seq = True, self.seq
        event.resource = dict(event.resource, status="cancelled", updated=_stamp(self.seq))

    def expire_tokens(self) -> None:
        self.seq += 1
        self.token_floor = self.seq

    def list_events(self, query: dict[str, list[str]]) -> Json:
        sync = _one(query, "syncToken")
        if sync is not None:
            chosen, since = self._changed_since(sync, query), _decode(sync)["seq"]
        else:
            chosen, since = self._in_window(query), 0
        state = _decode(_one(query, "pageToken")) if _one(query, "pageToken") else \
            {"offset": 0, "seq": self.seq}
        size = min(int(_one(query, "maxResults") or 250), 2500)
        offset = int(state["offset"])
        page = chosen[offset:offset + size]
        out: Json = {"kind": "calendar#events", "summary": self.email, "timeZone": self.time_zone,
                     "accessRole": "owner", "updated": _stamp(self.seq),
                     "items": [e.as_listed() for e in page]}
        if offset + size < len(chosen):
            out["nextPageToken"] = _encode({"offset": offset + size, "seq": state["seq"],
                                            "since": since})
        else:
            out["nextSyncToken"] = _encode({"seq": state["seq"]})
        return out

    def _changed_since(self, token: str, query: dict[str, list[str]]) -> list[FakeEvent]:
        bad = [k for k in RESTRICTED_WITH_SYNC_TOKEN if k in query]
        if bad or _one(query, "showDeleted") == "false":
            raise ApiError(400, "invalid", "Sync token cannot be used with other request "
                                           "restrictions.")
        try:
            seq = int(_decode(token)["seq"])
        except (ValueError, KeyError):
            raise ApiError(400, "invalid", "Invalid sync token value.") from None
        if seq < self.token_floor:
            raise ApiError(410, "fullSyncRequired",
                           "Sync token is no longer valid, a full sync is required.")
        return sorted((e for e in self.events.values() if e.seq > seq), key=lambda e: e.seq)

    def _in_window(self, query: dict[str, list[str]]) -> list[FakeEvent]:
        lo, hi = _one(query, "timeMin"), _one(query, "timeMax")
        show_deleted = _one(query, "showDeleted") == "true"
        chosen = [e for e in self.events.values()
                  if (show_deleted or not e.cancelled)
                  and (lo is None or e.end > dt.datetime.fromisoformat(lo))
                  and (hi is None or e.start < dt.datetime.fromisoformat(hi))]
        return sorted(chosen, key=lambda e: (e.start, str(e.resource["id"])))


def _stamp(seq: int) -> str:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seq)
    return base.isoformat().replace("+00:00", ".000Z")


def _encode(state: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _decode(token: str | None) -> dict[str, int]:
    if not token:
        raise ApiError(400, "invalid", "Invalid token value.")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        raise ApiError(400, "invalid", "Invalid token value.") from None
    return {k: int(v) for k, v in data.items()}


def _one(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None
