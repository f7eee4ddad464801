"""Fake Microsoft Graph v1.0: message delta per folder, calendarView delta, sendMail,
``$value`` (MIME) and ``$batch`` — the documented behaviour the connector relies on.

Modelled from the Graph docs: query options only on the first delta request (they
are encoded into the state tokens; a follow-up carrying them again is recorded as a
violation), absolute ``@odata.nextLink`` / ``@odata.deltaLink`` URLs, the deltaLink
only on the last page, ``Prefer: odata.maxpagesize`` (answered with
``Preference-Applied``), ``@removed`` entries, ``$filter=receivedDateTime ge`` on
message delta, calendar ``@removed`` for events outside the window, expired state as
``410 Gone`` with code ``syncStateNotFound``, and ``ErrorInvalidUser`` /
``ErrorAccessDenied`` for unknown or out-of-scope mailboxes.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import secrets
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from tests.microsoft.server import Reply, Request

IMMUTABLE = 'IdType="ImmutableId"'
DELTA_ONLY = ("$skiptoken", "$deltatoken")


@dataclass
class Item:
    doc: dict[str, Any]
    seq: int
    deleted: bool = False
    mime: bytes = b""


@dataclass
class Token:
    mailbox: str
    collection: str
    base: int  # changes after this sequence number (0: initial round, live items only)
    upper: int  # ... up to this one (the round's snapshot)
    offset: int
    since: str | None
    select: tuple[str, ...]
    window: tuple[str, str] | None
    expired: bool = False


@dataclass
class Mailbox:
    collections: dict[str, dict[str, Item]] = field(
        default_factory=lambda: {"inbox": {}, "sentitems": {}, "calendar": {}})


class FakeGraph:
    def __init__(self) -> None:
        self.mailboxes: dict[str, Mailbox] = {}
        self.denied: set[str] = set()
        self.tokens: dict[str, Token] = {}
        self.sent: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.valid_tokens: set[str] = set()
        self.replay = False  # repeat the previous page's last item at the top of each page
        self._seq = itertools.count(1)

    # ---- data --------------------------------------------------------------------
    def put(self, mailbox: str, collection: str, doc: dict[str, Any], mime: bytes = b"") -> None:
        box = self.mailboxes.setdefault(mailbox, Mailbox())
        box.collections[collection][doc["id"]] = Item(doc, next(self._seq), mime=mime)

    def remove(self, mailbox: str, collection: str, item_id: str) -> None:
        item = self.mailboxes[mailbox].collections[collection][item_id]
        item.deleted, item.seq = True, next(self._seq)

    def expire(self, collection: str) -> None:
        for token in self.tokens.values():
            if token.collection == collection:
                token.expired = True

    # ---- HTTP --------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if IMMUTABLE not in request.prefer:
            self.violations.append(f"no ImmutableId preference on {request.path}")
        auth = request.header("Authorization")
        if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
            return Reply.graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        if request.path == "/v1.0/$batch":
            return self._batch(request)
        parts = request.path.split("/")  # "", v1.0, users, {mailbox}, ...
        if len(parts) < 5 or parts[:3] != ["", "v1.0", "users"]:
            return Reply.graph_error(400, "BadRequest", "Unsupported path.")
        mailbox, rest = parts[3].lower(), parts[4:]
        if mailbox in self.denied:
            return Reply.graph_error(403, "ErrorAccessDenied",
                                     "Access is denied. Check credentials and try again.")
        if mailbox not in self.mailboxes:
            return Reply.graph_error(404, "ErrorInvalidUser",
                                     f"The requested user '{mailbox}' is invalid.")
        return self._route(request, mailbox, rest)

    def _route(self, request: Request, mailbox: str, rest: list[str]) -> Reply:
        if rest == ["sendMail"] and request.method == "POST":
            self.sent.append(json.loads(request.body))
            return Reply(202)
        if rest[:1] == ["mailFolders"] and rest[2:] == ["messages", "delta"]:
            return self._delta(request, mailbox, rest[1].lower())
        if rest == ["calendarView", "delta"]:
            return self._delta(request, mailbox, "calendar")
        if rest[:1] == ["messages"] and rest[2:] == ["$value"]:
            return self._mime(mailbox, rest[1])
        return Reply.graph_error(400, "BadRequest", f"Unsupported path {'/'.join(rest)}.")

    def _delta(self, request: Request, mailbox: str, collection: str) -> Reply:
        token_id = request.query.get("$skiptoken") or request.query.get("$deltatoken")
        if token_id:
            extra = set(request.query) - set(DELTA_ONLY)
            if extra:
                self.violations.append(f"query options {sorted(extra)} repeated on a follow-up")
            token = self.tokens.get(token_id)
            if token is None or token.expired:
                return Reply.graph_error(410, "SyncStateNotFound",
                                         "The sync state could not be found.")
            if "$deltatoken" in request.query:
                token = Token(**{**token.__dict__, "upper": self._now_seq()})
        else:
            token = self._first_token(request, mailbox, collection)
            if token is None:
                return Reply.graph_error(400, "ErrorInvalidUrlQuery", "Bad query option.")
        return self._page(request, token)

    def _first_token(self, request: Request, mailbox: str, collection: str) -> Token | None:
        query = request.query
        since, window = None, None
        if collection == "calendar":
            if "$select" in query or "startDateTime" not in query:
                return None
            window = (query["startDateTime"], query["endDateTime"])
        elif "$filter" in query:
            prefix = "receivedDateTime ge "
            if not query["$filter"].startswith(prefix):
                return None
            since = query["$filter"][len(prefix):]
        select = tuple(query["$select"].split(",")) if "$select" in query else ()
        return Token(mailbox, collection, 0, self._now_seq(), 0, since, select, window)

    def _page(self, request: Request, token: Token) -> Reply:
        size = _max_page_size(request.prefer)
        changes = self._changes(token)
        chunk = changes[token.offset:token.offset + size]
        if self.replay and token.offset > 0 and chunk:
            chunk = [changes[token.offset - 1], *chunk]
        values = [self._render(token, item, request.prefer) for item in chunk]
        path = request.path
        if token.offset + size < len(changes):
            link_key = "@odata.nextLink"
            new = Token(**{**token.__dict__, "offset": token.offset + size})
            query = "$skiptoken"
        else:
            link_key, query = "@odata.deltaLink", "$deltatoken"
            new = Token(**{**token.__dict__, "base": token.upper, "offset": 0})
        new_id = secrets.token_hex(6)
        self.tokens[new_id] = new
        link = f"https://{request.host}{path}?{query}={new_id}"  # literal $, as Graph writes
        return Reply.json(200, {"@odata.context": "fake", link_key: link, "value": values},
                          {"Preference-Applied": f"odata.maxpagesize={size}"})

    def _changes(self, token: Token) -> list[Item]:
        items = self.mailboxes[token.mailbox].collections[token.collection].values()
        picked = [i for i in items if token.base < i.seq <= token.upper
                  and not (token.base == 0 and i.deleted) and self._in_scope(token, i)]
        return sorted(picked, key=lambda i: (i.seq, i.doc["id"]))

    def _in_scope(self, token: Token, item: Item) -> bool:
        if token.since and item.doc.get("receivedDateTime", "") < token.since:
            return False
        if token.window and not item.deleted and token.base == 0:
            return _overlaps(item.doc, token.window)
        return True

    def _render(self, token: Token, item: Item, prefer: list[str]) -> dict[str, Any]:
        outside = token.window is not None and not _overlaps(item.doc, token.window)
        if item.deleted or outside:
            kind = "event" if token.collection == "calendar" else "message"
            return {"@odata.type": f"#microsoft.graph.{kind}", "id": item.doc["id"],
                    "@removed": {"reason": "deleted"}}
        doc = dict(item.doc)
        if 'outlook.body-content-type="text"' not in prefer and "body" in doc:
            text = doc["body"]["content"]
            doc["body"] = {"contentType": "html", "content": _html(text)}
        if token.collection == "calendar" and 'outlook.timezone="UTC"' not in prefer:
            self.violations.append("calendar read without outlook.timezone=UTC")
        if token.select:
            doc = {k: v for k, v in doc.items() if k in token.select or k == "id"}
        return {"@odata.etag": f'W/"{item.seq}"', **doc}

    def _mime(self, mailbox: str, item_id: str) -> Reply:
        for collection in ("inbox", "sentitems"):
            item = self.mailboxes[mailbox].collections[collection].get(item_id)
            if item is not None and not item.deleted:
                return Reply(200, item.mime, {"Content-Type": "text/plain"})
        return Reply.graph_error(404, "ErrorItemNotFound", "Not found.")

    def _batch(self, request: Request) -> Reply:
        doc = json.loads(request.body)
        if len(doc["requests"]) > 20:
            return Reply.graph_error(400, "BadRequest", "Too many requests in the batch.")
        answers = []
        for sub in doc["requests"]:
            inner = Request("GET", request.host, "/v1.0" + sub["url"], {},
                            {**request.headers, **sub.get("headers", {})}, b"")
            reply = self.handle(inner)
            is_json = reply.headers.get("Content-Type") == "application/json"
            body = json.loads(reply.body) if is_json else base64.b64encode(reply.body).decode()
            answers.append({"id": sub["id"], "status": reply.status,
                            "headers": reply.headers, "body": body})
        return Reply.json(200, {"responses": answers})

    def _now_seq(self) -> int:
        return max((i.seq for b in self.mailboxes.values() for c in b.collections.values()
                    for i in c.values()), default=0)


def _max_page_size(prefer: list[str]) -> int:
    for value in prefer:
        if value.startswith("odata.maxpagesize="):
            return int(value.split("=", 1)[1])
    return 10


def _overlaps(doc: dict[str, Any], window: tuple[str, str]) -> bool:
    start = _utc(doc["start"]["dateTime"])
    end = _utc(doc["end"]["dateTime"])
    return end > _utc(window[0]) and start < _utc(window[1])


def _utc(text: str) -> dt.datetime:
    clean = text.replace("Z", "").split(".")[0]
    return dt.datetime.fromisoformat(clean)


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines())
    return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
            f"charset=utf-8\"></head><body><div>{paragraphs}</div></body></html>")


def mime_of(subject: str, sender: str, to: list[str], sent: str, text: str) -> bytes:
    """What ``$value`` returns: Outlook sends text and HTML alternatives."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Date"] = sent
    message["Message-ID"] = f"<{secrets.token_hex(8)}@acme.example>"
    message.set_content(text)
    message.add_alternative(_html(text), subtype="html")
    return message.as_bytes()
