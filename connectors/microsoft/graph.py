"""The one place that sends HTTP requests to Microsoft Graph for one mailbox.

Every request goes through the mailbox's gate (at most ``max_concurrency`` — Graph
allows 4 — in flight, and a client-side budget under Graph's 10,000 requests per
10 minutes per app and mailbox), carries ``Prefer: IdType="ImmutableId"`` (so ids
survive moves between folders and stay stable store keys), and is retried on 429 /
5xx / network errors with exponential backoff that honours ``Retry-After``. Graph
answers 429 with ``Retry-After`` in seconds; waiting less only earns more 429s.
A ``$batch`` (``connectors.microsoft.batch``) passes the same gate counted as its
items, since Graph throttles and runs the items of a batch one by one.

Links that Graph returns (``@odata.nextLink`` / ``@odata.deltaLink``) are absolute;
we follow them only when they point at the configured ``graph_endpoint`` so the
bearer token is never sent anywhere else, even from a tampered stored cursor.

Answers are streamed and never read past ``MAX_RESPONSE_BYTES`` (decompressed): a
delta page carries every message's text inline, and nothing else bounds it. An
answer over the cap raises ``ResponseTooLarge``; the caller asks again for one
message per page, and a page of one message that is still too large is read
through without being kept (``salvage``): only its first and last
``SALVAGE_BYTES`` stay, enough to find the message's id and the page's link, so
the stream skips that one message and goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from dealnudge.connectors.base import (
    ConnectorContext,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    TransientError,
)
from dealnudge.connectors.items import MAX_MESSAGE_BYTES
from dealnudge.connectors.microsoft.auth import GraphApp
from dealnudge.connectors.microsoft.errors import graph_error
from dealnudge.connectors.retry import Backoff, call_with_retry

IMMUTABLE_IDS = 'IdType="ImmutableId"'
TEXT_BODIES = 'outlook.body-content-type="text"'
UTC_TIMES = 'outlook.timezone="UTC"'
MAX_RESPONSE_BYTES = MAX_MESSAGE_BYTES  # one JSON answer: a delta page or a $batch
MAX_ERROR_BYTES = 64 * 1024  # what is kept of an error answer's body
SALVAGE_BYTES = 64 * 1024  # kept from each end of an answer that is read through
CHUNK = 64 * 1024
_LINK = re.compile(rb'"@odata\.(next|delta)Link"\s*:\s*("(?:[^"\\]|\\.){1,8000}")')
_ID = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.){1,400}")')


class ResponseTooLarge(ConnectorError):
    """An answer over ``MAX_RESPONSE_BYTES``; ``head``/``tail`` are set when it was
    read through (``salvage``), else empty."""

    kind = ErrorKind.BAD_DATA

    def __init__(self, message: str, head: bytes = b"", tail: bytes = b"") -> None:
        super().__init__(message)
        self.head, self.tail = head, tail

    def link(self) -> tuple[str, str] | None:
        """``("next" | "delta", url)``: the page's link, wherever Graph put it."""
        found = _LINK.search(self.head) or _LINK.search(self.tail)
        url = _json_string(found.group(2)) if found else None
        return (found.group(1).decode(), url) if found and url else None

    def item_id(self) -> str | None:
        """The first item's id, when it is among the answer's first bytes."""
        found = _ID.search(self.head)
        return _json_string(found.group(1)) if found else None


def _json_string(quoted: bytes) -> str | None:
    try:
        value = json.loads(quoted)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


class _NoRetry(Exception):
    def __init__(self, error: CursorExpired) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class GraphClient:
    app: GraphApp
    mailbox: str
    rep: str
    ctx: ConnectorContext
    backoff: Backoff = field(default_factory=Backoff)
    requests_made: int = 0

    @property
    def base(self) -> str:
        return self.app.provider.graph_endpoint.rstrip("/")

    def user_url(self, path: str) -> str:
        return f"{self.base}/v1.0/users/{self.mailbox}/{path.lstrip('/')}"

    def get_json(self, url: str, *, params: dict[str, str] | None = None,
                 prefer: Sequence[str] = (), what: str, salvage: bool = False) -> dict[str, Any]:
        """GET one page; ``params`` only on the first request of a delta round."""
        self.check_link(url)
        response = self._with_retry("GET", url, params=params, prefer=prefer, what=what,
                                    salvage=salvage)
        try:
            doc = response.json()
        except ValueError:
            raise ConnectorError(f"Microsoft 365 ({self.rep}): {what} returned no JSON",
                                 kind=ErrorKind.BAD_DATA) from None
        if not isinstance(doc, dict):
            raise ConnectorError(f"Microsoft 365 ({self.rep}): {what} returned "
                                 f"unexpected JSON", kind=ErrorKind.BAD_DATA)
        return doc

    def post_json(self, url: str, body: dict[str, Any], *, what: str,
                  items: int = 1) -> requests.Response:
        """POST JSON; a ``$batch`` of ``items`` requests costs that many against the
        budget and holds up to that many of the mailbox's slots (Graph runs up to 4
        items of a batch in parallel)."""
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self._with_retry("POST", url, data=data, what=what, items=items,
                                headers={"Content-Type": "application/json"})

    def relative(self, url: str) -> str | None:
        """``url`` as a ``$batch`` item URL (relative to ``/v1.0``), None if not ours."""
        prefix = f"{self.base}/v1.0/"
        if not url.startswith(prefix):
            return None
        return url[len(prefix) - 1:]

    def check_link(self, url: str) -> None:
        mine, theirs = urlsplit(self.base), urlsplit(url)
        if (theirs.scheme, theirs.netloc.lower()) != (mine.scheme, mine.netloc.lower()):
            raise ConnectorError(f"Microsoft 365 ({self.rep}): refusing to follow a link "
                                 f"outside {self.base}", kind=ErrorKind.BUG)

    def _with_retry(self, method: str, url: str, *, what: str, prefer: Sequence[str] = (),
                    **kwargs: Any) -> requests.Response:
        def attempt() -> requests.Response:
            try:
                return self._send(method, url, prefer=prefer, what=what, **kwargs)
            except CursorExpired as err:  # its kind is TRANSIENT, yet retrying cannot help
                raise _NoRetry(err) from None
        try:
            return call_with_retry(attempt, backoff=self.backoff, sleep=self.ctx.sleep)
        except _NoRetry as stop:
            raise stop.error from None

    def _send(self, method: str, url: str, *, prefer: Sequence[str], what: str,
              params: dict[str, str] | None = None, data: bytes | None = None,
              headers: dict[str, str] | None = None, items: int = 1,
              salvage: bool = False) -> requests.Response:
        token = self.app.token(self.rep)
        all_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                       "Prefer": ", ".join((IMMUTABLE_IDS, *prefer)), **(headers or {})}
        gate = self.app.gate(self.mailbox, self.ctx)
        gate.budget.acquire(min(items, gate.budget.capacity))  # never more than it holds
        with gate.hold(items):
            self.requests_made += 1
            try:
                response = self.app.session.request(method, url, params=params, data=data,
                                                    headers=all_headers, stream=True)
                with response:
                    _read_capped(response, what=f"Microsoft 365 ({self.rep}): {what}",
                                 salvage=salvage)
            except requests.RequestException as err:
                raise TransientError(f"Microsoft 365 ({self.rep}): {what} failed: "
                                     f"{type(err).__name__}") from None
        if response.status_code >= 400:
            raise graph_error(response.status_code, response.content, response.headers,
                              rep=self.rep, mailbox=self.mailbox, what=what)
        return response


def _read_capped(response: requests.Response, *, what: str, salvage: bool) -> None:
    """Read the body into ``response`` (so ``.content``/``.json()`` work), never more
    than ``MAX_RESPONSE_BYTES`` of it; an error answer keeps ``MAX_ERROR_BYTES``."""
    error = response.status_code >= 400
    cap = MAX_ERROR_BYTES if error else MAX_RESPONSE_BYTES
    body = bytearray()
    tail = b""
    total = 0
    for chunk in response.iter_content(CHUNK):
        total += len(chunk)
        if len(body) <= cap:
            room = cap + 1 - len(body)
            body += chunk[:room]
            chunk = chunk[room:]
            if len(body) <= cap:
                continue
        if error:
            break  # the start of an error answer is all the error table reads
        if not salvage:
            raise ResponseTooLarge(f"{what} returned more than {cap:,} bytes")
        tail = (tail + chunk)[-SALVAGE_BYTES:]
    if len(body) > cap and error:
        del body[cap:]
    elif len(body) > cap:
        raise ResponseTooLarge(f"{what} returned {total:,} bytes, over the {cap:,}-byte "
                               "limit", head=bytes(body[:SALVAGE_BYTES]),
                               tail=(bytes(body[-SALVAGE_BYTES:]) + tail)[-SALVAGE_BYTES:])
    response._content = bytes(body)  # what requests itself fills on a full read
