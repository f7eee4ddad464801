"""Fake Microsoft Graph v1.0: message delta per folder, calendarView delta, sendMail,
``$value`` (MIME) and ``$batch`` — the documented behaviour the connector relies on.

Modelled from the Graph docs: query options only on the first delta request (they
are encoded into the state tokens; a follow-up carrying them again is recorded as a
violation), absolute ``@odata.nextLink`` / ``@odata.deltaLink`` URLs, the deltaLink
only on the last page, ``Prefer: odata.maxpagesize`` (answered with
``Preference-Applied``), ``@removed`` entries, ``$filter=receivedDateTime ge`` on
message delta, calendar ``@removed`` for events outside the window, expired state as
``410 Gone`` with code ``syncStateNotFound``, and ``ErrorInvalidUser`` /
``ErrorAccessDenied`` for unknown or out-of-scope mailboxes (``read_denied``: a mailbox
the app may send as but not read). ``sendMail`` takes JSON (a copy is filed in Sent
Items under a Message-ID Exchange makes up, unless ``saveToSentItems`` is false) or
MIME (``Content-Type: text/plain``, base64; the copy keeps the message's own
Message-ID), and a plain ``mailFolders/{folder}/messages`` list answers the
``$filter`` forms ``internetMessageId eq '…'`` and ``sentDateTime ge …``.

Extended properties: message delta takes ``$expand=singleValueExtendedProperties(
$filter=id eq '<Type> <tag>')`` on its first request (carried by the links like
every option); each message then carries ``singleValueExtendedProperties`` with the
property in Graph's own spelling (``Integer 0xe08``, value as a string), or no such
key when it does not have the property. PidTagMessageSize (``Integer 0x0E08``) is
the size of the message's MIME unless ``put(size=…)`` says otherwise. Any other
``$expand`` is a 400, as is ``$expand`` on calendar delta. ``links_last`` moves the
next/delta link after ``value`` in a page (Graph's examples differ on where it goes).

``$batch`` is served strictly (JSON POST, 1–20 items with unique ids, relative urls,
string headers, Content-Type with a body; anything else is a 400 and a violation).
Each item goes to the same handler as a direct request with the outer bearer token
and only its own headers — the outer ``Prefer`` does not reach the items — and the
answers come back in another order than asked. ``script_item`` injects per-item
faults (429 + Retry-After, 410) inside the 200.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import email.utils
import itertools
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.microsoft.server import Reply, Request, Scripted

IMMUTABLE = 'IdType="ImmutableId"'
BATCH_LIMIT = 20
DELTA_ONLY = ("$skiptoken", "$deltatoken")
EXPAND = re.compile(r"^singleValueExtendedProperties\(\$filter=id eq '(\w+) (0x[0-9a-f]+)'\)$",
                    re.IGNORECASE)
MESSAGE_SIZE = ("integer", 0x0E08)
_EXCHANGE_HOST = "AM0PR01MB0001.eurprd01.prod.exchangelabs.com"
_ID_FILTER = re.compile(r"^internetMessageId eq '([^']+)'$")
_SENT_FILTER = re.compile(r"^sentDateTime ge (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


@dataclass
class Item:
    doc: dict[str, Any]
    seq: int
    deleted: bool = False
    mime: bytes = b""
    size: int | None = None  # PidTagMessageSize; None: the item does not have it


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
    expand: tuple[str, int] | None = None  # the extended property asked for (type, tag)


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
        self.batch_items: list[Request] = []  # every item of every $batch, as dispatched
        self.item_scripts: list[Scripted] = []  # faults for batch items (429 inside a 200 …)
        self.links_last = False  # put @odata.nextLink / deltaLink after "value"
        self.refuse_expand = False  # answer every $expand with 400, as an API version might
        self.sent_mime: list[bytes] = []  # every MIME sendMail, decoded
        self.read_denied: set[str] = set()  # Mail.Send granted here, but no read permission
        self.clock = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # sentDateTime of sent copies
        self.list_tokens: dict[str, tuple[list[dict[str, Any]], tuple[str, ...], int, int]] = {}
        self._seq = itertools.count(1)

    # ---- data --------------------------------------------------------------------
    def put(self, mailbox: str, collection: str, doc: dict[str, Any], mime: bytes = b"",
            size: int | None = None) -> None:
        box = self.mailboxes.setdefault(mailbox, Mailbox())
        if size is None and collection != "calendar":
            size = len(mime) or None
        box.collections[collection][doc["id"]] = Item(doc, next(self._seq), mime=mime, size=size)

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
            return self._send_mail(request, mailbox)
        if request.method == "GET" and mailbox in self.read_denied:
            return Reply.graph_error(403, "ErrorAccessDenied",
                                     "Access is denied. Check credentials and try again.")
        if rest[:1] == ["mailFolders"] and rest[2:] == ["messages", "delta"]:
            return self._delta(request, mailbox, rest[1].lower())
        if rest[:1] == ["mailFolders"] and rest[2:] == ["messages"] and request.method == "GET":
            return self._list(request, mailbox, rest[1].lower())
        if rest == ["calendarView", "delta"]:
            return self._delta(request, mailbox, "calendar")
        if rest[:1] == ["messages"] and rest[2:] == ["$value"]:
            return self._mime(mailbox, rest[1])
        return Reply.graph_error(400, "BadRequest", f"Unsupported path {'/'.join(rest)}.")

    def _send_mail(self, request: Request, mailbox: str) -> Reply:
        """JSON (``saveToSentItems`` defaults to true; Exchange picks the Message-ID) or
        MIME (``Content-Type: text/plain``, base64; always saved, headers kept)."""
        kind = request.header("Content-Type").split(";")[0].strip().lower()
        if kind == "text/plain":
            try:
                raw = base64.b64decode(request.body, validate=True)
            except ValueError:
                return Reply.graph_error(400, "ErrorMimeContentInvalidBase64String",
                                         "Invalid base64 string for MIME content.")
            parsed = message_from_bytes(raw, policy=email.policy.default)
            if not parsed.get_all("To") or not parsed.get("Message-ID"):
                return Reply.graph_error(400, "ErrorMimeContentInvalid", "Invalid MIME content.")
            self.sent_mime.append(raw)
            self._file_sent(mailbox, str(parsed["Message-ID"]), str(parsed.get("Subject", "")),
                            _graph_people(parsed.get_all("To", [])),
                            _graph_people(parsed.get_all("Cc", [])))
            return Reply(202)
        if kind != "application/json":
            return Reply.graph_error(415, "UnsupportedMediaType", "Unsupported content type.")
        doc = json.loads(request.body)
        self.sent.append(doc)
        if doc.get("saveToSentItems", True):
            message = doc["message"]
            self._file_sent(mailbox, f"<{secrets.token_hex(10)}@{_EXCHANGE_HOST}>",
                            message.get("subject", ""), message.get("toRecipients", []),
                            message.get("ccRecipients", []))
        return Reply(202)

    def _file_sent(self, mailbox: str, message_id: str, subject: str,
                   to: list[dict[str, Any]], cc: list[dict[str, Any]]) -> None:
        stamp = self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.put(mailbox, "sentitems", {
            "id": f"AAkALgAAsent{secrets.token_hex(6)}", "internetMessageId": message_id,
            "subject": subject, "sentDateTime": stamp, "receivedDateTime": stamp,
            "toRecipients": to, "ccRecipients": cc, "bccRecipients": [], "isDraft": False})

    def _list(self, request: Request, mailbox: str, folder: str) -> Reply:
        """``GET mailFolders/{folder}/messages`` with the ``$filter`` forms the sent check
        uses (``internetMessageId eq '…'``, ``sentDateTime ge …``), ``$select``, ``$top``
        and absolute ``@odata.nextLink`` paging; any other filter is a 400."""
        collection = {"sentitems": "sentitems", "inbox": "inbox"}.get(folder)
        if collection is None:
            return Reply.graph_error(404, "ErrorInvalidIdMalformed", "Folder not found.")
        query = request.query
        if "$skiptoken" in query:
            token = self.list_tokens.get(query["$skiptoken"])
            if token is None:
                return Reply.graph_error(400, "BadRequest", "Unknown skip token.")
            matches, select, offset, top = token
        else:
            test = _message_filter(query.get("$filter", ""))
            if test is None:
                self.violations.append(f"unsupported $filter {query.get('$filter')!r}")
                return Reply.graph_error(400, "ErrorInvalidUrlQueryFilter",
                                         "The query filter contains one or more invalid nodes.")
            items = self.mailboxes[mailbox].collections[collection].values()
            matches = [i.doc for i in items if not i.deleted and test(i.doc)]
            select = tuple(query["$select"].split(",")) if "$select" in query else ()
            offset, top = 0, int(query.get("$top", "10"))
        page = matches[offset:offset + top]
        values = [{k: v for k, v in d.items() if not select or k in select or k == "id"}
                  for d in page]
        doc: dict[str, Any] = {"@odata.context": "fake", "value": values}
        if offset + top < len(matches):
            token_id = secrets.token_hex(6)
            self.list_tokens[token_id] = (matches, select, offset + top, top)
            doc["@odata.nextLink"] = f"https://{request.host}{request.path}?$skiptoken={token_id}"
        return Reply.json(200, doc)

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
        since, window, expand = None, None, None
        if "$expand" in query:
            found = EXPAND.match(query["$expand"])
            if collection == "calendar" or found is None or self.refuse_expand:
                return None
            expand = (found.group(1).lower(), int(found.group(2), 16))
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
        return Token(mailbox, collection, 0, self._now_seq(), 0, since, select, window,
                     expand=expand)

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
        doc = {"@odata.context": "fake", link_key: link, "value": values}
        if self.links_last:
            doc = {"@odata.context": "fake", "value": values, link_key: link}
        return Reply.json(200, doc, {"Preference-Applied": f"odata.maxpagesize={size}"})

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
        if token.expand == MESSAGE_SIZE and item.size is not None:
            doc["singleValueExtendedProperties"] = [
                {"id": f"Integer {MESSAGE_SIZE[1]:#x}", "value": str(item.size)}]
        return {"@odata.etag": f'W/"{item.seq}"', **doc}

    def _mime(self, mailbox: str, item_id: str) -> Reply:
        for collection in ("inbox", "sentitems"):
            item = self.mailboxes[mailbox].collections[collection].get(item_id)
            if item is not None and not item.deleted:
                return Reply(200, item.mime, {"Content-Type": "text/plain"})
        return Reply.graph_error(404, "ErrorItemNotFound", "Not found.")

    def _batch(self, request: Request) -> Reply:
        """Graph JSON batching: validate the envelope, answer each item as if direct."""
        problem = _batch_problem(request)
        if problem:
            self.violations.append(f"$batch: {problem}")
            return Reply.graph_error(400, "BadRequest", f"Invalid batch payload: {problem}.")
        answers = []
        for sub in json.loads(request.body)["requests"]:
            url = urlsplit(sub["url"] if sub["url"].startswith("/") else "/" + sub["url"])
            inner = Request(sub["method"], request.host, "/v1.0" + url.path,
                            dict(parse_qsl(url.query, keep_blank_values=True)),
                            {"Authorization": request.header("Authorization"),
                             **sub.get("headers", {})}, b"")  # the outer Prefer stays outside
            self.batch_items.append(inner)
            reply = self._scripted_item(inner) or self.handle(inner)
            is_json = reply.headers.get("Content-Type") == "application/json"
            body = json.loads(reply.body) if is_json else base64.b64encode(reply.body).decode()
            answers.append({"id": sub["id"], "status": reply.status,
                            "headers": reply.headers, **({"body": body} if reply.body else {})})
        answers.reverse()  # Graph may answer in any order; callers must match by id
        return Reply.json(200, {"responses": answers})

    def script_item(self, matches: Callable[[Request], bool], reply: Reply, label: str,
                    times: int = 1) -> None:
        """Answer the next ``times`` matching batch items with ``reply`` (429, 410 …)."""
        self.item_scripts.extend(Scripted(matches, reply, label) for _ in range(times))

    def _scripted_item(self, inner: Request) -> Reply | None:
        found = next((s for s in self.item_scripts if s.matches(inner)), None)
        if found is None:
            return None
        self.item_scripts.remove(found)
        return found.reply

    def _now_seq(self) -> int:
        return max((i.seq for b in self.mailboxes.values() for c in b.collections.values()
                    for i in c.values()), default=0)


def _batch_problem(request: Request) -> str:
    """What makes this ``$batch`` request one Graph would refuse, or ""."""
    if request.method != "POST" or not request.header("Content-Type").startswith(
            "application/json"):
        return "not a JSON POST"
    try:
        doc = json.loads(request.body)
    except ValueError:
        return "body is not JSON"
    subs = doc.get("requests") if isinstance(doc, dict) else None
    if not isinstance(subs, list) or not 1 <= len(subs) <= BATCH_LIMIT:
        return f"requests must be a list of 1 to {BATCH_LIMIT} items"
    ids = [str(s.get("id", "")).lower() for s in subs if isinstance(s, dict)]
    if len(ids) != len(subs) or "" in ids or len(set(ids)) != len(ids):
        return "every item needs a unique id"
    for sub in subs:
        if sub.get("method") not in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            return f"item {sub['id']} has no valid method"
        url = sub.get("url")
        if not isinstance(url, str) or "://" in url or url.startswith(("/v1.0", "v1.0")):
            return f"item {sub['id']} url must be relative to the version root"
        if "$batch" in url.split("?")[0]:
            return "batches do not nest"
        headers = sub.get("headers", {})
        if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            return f"item {sub['id']} headers must be an object of strings"
        if "body" in sub and "content-type" not in {k.lower() for k in headers}:
            return f"item {sub['id']} has a body but no Content-Type"
    return ""


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


def _message_filter(text: str) -> Callable[[dict[str, Any]], bool] | None:
    """The ``$filter`` forms of a plain message list the fake models, else None."""
    by_id = _ID_FILTER.match(text)
    if by_id:
        wanted = by_id.group(1)
        return lambda doc: doc.get("internetMessageId") == wanted
    since = _SENT_FILTER.match(text)
    if since:
        bound = since.group(1)
        return lambda doc: str(doc.get("sentDateTime", "")) >= bound
    return None


def _graph_people(values: list[Any]) -> list[dict[str, Any]]:
    return [{"emailAddress": {"name": name, "address": addr}}
            for name, addr in email.utils.getaddresses([str(v) for v in values]) if addr]
