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
"""

from __future__ import annotations

import json
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
from dealnudge.connectors.microsoft.auth import GraphApp
from dealnudge.connectors.microsoft.errors import graph_error
from dealnudge.connectors.retry import Backoff, call_with_retry

IMMUTABLE_IDS = 'IdType="ImmutableId"'
TEXT_BODIES = 'outlook.body-content-type="text"'
UTC_TIMES = 'outlook.timezone="UTC"'


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
                 prefer: Sequence[str] = (), what: str) -> dict[str, Any]:
        """GET one page; ``params`` only on the first request of a delta round."""
        self.check_link(url)
        response = self._with_retry("GET", url, params=params, prefer=prefer, what=what)
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
              headers: dict[str, str] | None = None, items: int = 1) -> requests.Response:
        token = self.app.token(self.rep)
        all_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                       "Prefer": ", ".join((IMMUTABLE_IDS, *prefer)), **(headers or {})}
        gate = self.app.gate(self.mailbox, self.ctx)
        gate.budget.acquire(min(items, gate.budget.capacity))  # never more than it holds
        with gate.hold(items):
            self.requests_made += 1
            try:
                response = self.app.session.request(method, url, params=params, data=data,
                                                    headers=all_headers)
            except requests.RequestException as err:
                raise TransientError(f"Microsoft 365 ({self.rep}): {what} failed: "
                                     f"{type(err).__name__}") from None
        if response.status_code >= 400:
            raise graph_error(response.status_code, response.content, response.headers,
                              rep=self.rep, mailbox=self.mailbox, what=what)
        return response
