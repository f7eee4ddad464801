"""The Gmail half of the fake Google server: one mailbox per user, with history.

Modelled on the documented behaviour the connector relies on:
- ``messages.list`` is newest first, pages with ``pageToken``/``maxResults``
  (default 100, at most 500) and understands the ``q`` terms the connector sends
  (``after:<epoch>``, inclusive, and ``-in:``/``-category:`` exclusions) and the
  sent check sends (``rfc822msgid:<id>``, with or without brackets, ``in:sent``,
  ``to:<address>`` over To/Cc/Bcc); spam and trash are left out unless
  ``includeSpamTrash`` is set. Unknown ``q`` terms are a 400 so a changed query
  cannot silently match everything.
- every change appends a history record with a new, increasing (gapped) id;
  ``history.list`` returns records strictly after ``startHistoryId``, oldest
  first, and answers 404 when the id is older than the retained window.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.message
import email.policy
import email.utils
import itertools
from dataclasses import dataclass, field

Json = dict[str, object]

EXCLUDABLE = {"in:chats": "CHAT", "in:drafts": "DRAFT", "in:spam": "SPAM", "in:trash": "TRASH",
              "category:promotions": "CATEGORY_PROMOTIONS", "category:social": "CATEGORY_SOCIAL"}


class ApiError(Exception):
    """An HTTP error in Google's JSON error shape."""

    def __init__(self, status: int, reason: str, message: str, *,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message
        self.headers = headers or {}

    def body(self) -> Json:
        return {"error": {"code": self.status, "message": self.message,
                          "errors": [{"domain": "global", "reason": self.reason,
                                      "message": self.message}]}}


@dataclass
class FakeMessage:
    id: str
    thread_id: str
    raw: bytes
    labels: list[str]
    internal_ms: int
    history_id: int

    def resource(self, fmt: str) -> Json:
        out: Json = {"id": self.id, "threadId": self.thread_id, "labelIds": list(self.labels),
                     "historyId": str(self.history_id), "internalDate": str(self.internal_ms),
                     "sizeEstimate": len(self.raw), "snippet": ""}
        if fmt == "raw":
            out["raw"] = base64.urlsafe_b64encode(self.raw).decode("ascii")
        return out


@dataclass
class HistoryRecord:
    id: int
    kind: str  # messageAdded | messageDeleted
    message: Json


@dataclass
class Mailbox:
    email: str
    messages: dict[str, FakeMessage] = field(default_factory=dict)
    history: list[HistoryRecord] = field(default_factory=list)
    history_id: int = 1000
    history_floor: int = 0  # start ids below this are "too old" (404)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _next_history(self) -> int:
        self.history_id += 7  # ids increase but are not contiguous
        return self.history_id

    def add(self, raw: bytes, labels: list[str], when: dt.datetime) -> FakeMessage:
        n = next(self._ids)
        mid = f"18c{n:013x}"
        hid = self._next_history()
        msg = FakeMessage(mid, f"t{mid}", raw, labels, int(when.timestamp() * 1000), hid)
        self.messages[mid] = msg
        self.history.append(HistoryRecord(hid, "messageAdded", {
            "id": mid, "threadId": msg.thread_id, "labelIds": list(labels)}))
        return msg

    def delete(self, mid: str) -> None:
        msg = self.messages.pop(mid)
        self.history.append(HistoryRecord(self._next_history(), "messageDeleted", {
            "id": mid, "threadId": msg.thread_id}))

    def expire_history(self) -> None:
        """As after a long pause: every id handed out so far is now too old."""
        self._next_history()
        self.history_floor = self.history_id

    # -- API methods ---------------------------------------------------------

    def list_messages(self, query: dict[str, list[str]]) -> Json:
        terms = _parse_q(_one(query, "q") or "")
        excluded = set(terms.excluded)
        if _one(query, "includeSpamTrash") != "true":
            excluded |= {"SPAM", "TRASH"}
        found = sorted((m for m in self.messages.values()
                        if not excluded & set(m.labels) and m.internal_ms // 1000 >= terms.after
                        and terms.matches(m)),
                       key=lambda m: (-m.internal_ms, m.id))
        size = min(int(_one(query, "maxResults") or 100), 500)
        start = _token_offset(_one(query, "pageToken"), [m.id for m in found])
        page = found[start:start + size]
        out: Json = {"messages": [{"id": m.id, "threadId": m.thread_id} for m in page],
                     "resultSizeEstimate": len(found)}
        if start + size < len(found):
            out["nextPageToken"] = "p" + found[start + size].id
        if not page:
            del out["messages"]
        return out

    def get_message(self, mid: str, query: dict[str, list[str]]) -> Json:
        if mid not in self.messages:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        return self.messages[mid].resource(_one(query, "format") or "full")

    def profile(self) -> Json:
        return {"emailAddress": self.email, "messagesTotal": len(self.messages),
                "threadsTotal": len(self.messages), "historyId": str(self.history_id)}

    def list_history(self, query: dict[str, list[str]]) -> Json:
        start = int(_one(query, "startHistoryId") or "0")
        if start < self.history_floor or start > self.history_id:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        types = set(query.get("historyTypes", [])) or {"messageAdded", "messageDeleted"}
        records = [r for r in self.history if r.id > start and r.kind in types]
        size = min(int(_one(query, "maxResults") or 100), 500)
        token = _one(query, "pageToken")
        offset = int(token[1:]) if token else 0
        page = records[offset:offset + size]
        out: Json = {"historyId": str(self.history_id)}
        if page:
            out["history"] = [_history_json(r) for r in page]
        if offset + size < len(records):
            out["nextPageToken"] = f"h{offset + size}"
        return out


def _history_json(record: HistoryRecord) -> Json:
    key = "messagesAdded" if record.kind == "messageAdded" else "messagesDeleted"
    brief = {"id": record.message["id"], "threadId": record.message["threadId"]}
    return {"id": str(record.id), "messages": [brief], key: [{"message": record.message}]}


def _one(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None


def _token_offset(token: str | None, ids: list[str]) -> int:
    if not token:
        return 0
    try:
        return ids.index(token[1:])
    except ValueError:
        raise ApiError(400, "invalidArgument", "Invalid pageToken") from None


@dataclass
class Terms:
    """The ``q`` terms the fake models, as Gmail's search box reads them."""

    excluded: set[str] = field(default_factory=set)
    after: int = 0
    labels: set[str] = field(default_factory=set)  # in:sent
    message_id: str | None = None  # rfc822msgid:
    to: str | None = None  # to: (To, Cc and Bcc)

    def matches(self, message: FakeMessage) -> bool:
        if self.labels - set(message.labels):
            return False
        if self.message_id is None and self.to is None:
            return True
        headers = email.message_from_bytes(message.raw, policy=email.policy.default)
        if self.message_id is not None and _bare(str(headers.get("Message-ID", ""))) != \
                _bare(self.message_id):
            return False
        if self.to is not None:
            people = email.utils.getaddresses([str(v) for key in ("To", "Cc", "Bcc")
                                               for v in headers.get_all(key, [])])
            return any(addr.lower() == self.to.lower() for _, addr in people)
        return True


def _bare(message_id: str) -> str:
    """Gmail matches ``rfc822msgid:`` with or without the angle brackets."""
    return message_id.strip().strip("<>").lower()


def _parse_q(q: str) -> Terms:
    terms = Terms()
    for term in q.split():
        if term.startswith("after:") and term[6:].isdigit():
            terms.after = int(term[6:])
        elif term.startswith("-") and term[1:] in EXCLUDABLE:
            terms.excluded.add(EXCLUDABLE[term[1:]])
        elif term == "in:sent":
            terms.labels.add("SENT")
        elif term.startswith("rfc822msgid:") and len(term) > 12:
            terms.message_id = term[12:]
        elif term.startswith("to:") and "@" in term:
            terms.to = term[3:]
        else:
            raise ApiError(400, "invalidArgument", f"the fake does not model q term {term!r}")
    return terms


def rfc822(sender: str, to: tuple[str, ...], subject: str, body: str, when: dt.datetime,
           message_id: str) -> bytes:
    """A plain UTF-8 message as a mail client would store it."""
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content(body)
    return msg.as_bytes()
