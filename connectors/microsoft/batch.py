"""Several Graph GETs in one ``POST /v1.0/$batch``, each item with its own fate.

Why: an unchanged incremental round is one delta request per stream, all of which
answer "nothing new". Sending the first request of every stream in one JSON batch
makes that round one HTTP request per rep instead of three.

Graph JSON batching as documented (learn.microsoft.com/graph/json-batching,
/graph/throttling#throttling-and-batching, /graph/throttling-limits#outlook):
- at most 20 items; each has ``id`` (unique, case-insensitive), ``method``, ``url``
  relative to the version root (``/users/…``) and its own ``headers``: the outer
  request's ``Prefer`` does not reach the items, so every item carries
  ``Prefer: IdType="ImmutableId"`` and the page-size/body/time-zone preferences;
- the batch answers 200 when it parses, whatever happened to the items: each item of
  ``responses`` (in any order) has ``id``, ``status``, ``headers`` and ``body``;
- items are evaluated individually against the throttling limits, so each counts
  against the 10,000 requests / 10 minutes of the mailbox, and a throttled item is a
  429 *inside* the 200 with its own ``Retry-After``; the throttled items are retried
  together in a new batch after the longest ``Retry-After``;
- Outlook runs up to 4 items of a batch in parallel, within its 4 concurrent
  requests per app and mailbox, so a batch holds as many of the mailbox's slots.

A failed item is classified by the same table as a direct request
(``connectors.microsoft.errors``); the caller gets the error for that item only. A
batch whose answer is over ``MAX_RESPONSE_BYTES`` is not read: its items are left
unanswered, so each stream asks for itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from dealnudge.connectors.base import ConnectorError, CursorExpired, ErrorKind
from dealnudge.connectors.microsoft.errors import graph_error
from dealnudge.connectors.microsoft.graph import IMMUTABLE_IDS, GraphClient, ResponseTooLarge

MAX_ITEMS = 20  # Graph rejects a larger batch with 400

Answer = dict[str, Any] | ConnectorError  # an item's JSON document, or why there is none


@dataclass(frozen=True)
class BatchItem:
    """One GET: an absolute URL on our endpoint, first-request params, preferences."""

    id: str
    url: str
    params: Mapping[str, str] | None
    prefer: tuple[str, ...]
    what: str

    def wire(self, client: GraphClient) -> dict[str, Any]:
        relative = client.relative(self.url)
        if relative is None:
            raise ConnectorError(f"Microsoft 365 ({client.rep}): refusing to batch a link "
                                 f"outside {client.base}", kind=ErrorKind.BUG)
        if self.params:
            joiner = "&" if "?" in relative else "?"
            relative += joiner + urlencode(self.params, quote_via=quote, safe="$,:")
        prefer = ", ".join((IMMUTABLE_IDS, *self.prefer))
        return {"id": self.id, "method": "GET", "url": relative,
                "headers": {"Prefer": prefer, "Accept": "application/json"}}


def get_all(client: GraphClient, items: Sequence[BatchItem]) -> dict[str, Answer]:
    """Every item's answer by id; items missing from Graph's answer are left out."""
    answers: dict[str, Answer] = {}
    for start in range(0, len(items), MAX_ITEMS):
        answers.update(_get_chunk(client, items[start:start + MAX_ITEMS]))
    return answers


def _get_chunk(client: GraphClient, items: Sequence[BatchItem]) -> dict[str, Answer]:
    """One batch; throttled / unavailable items go again together, with backoff."""
    answers: dict[str, Answer] = {}
    pending, attempt = list(items), 0
    while pending:
        try:
            raw = _post(client, pending)  # a whole-batch 429/5xx is retried in here
        except ResponseTooLarge:  # not read: each stream asks for itself, one page at a time
            return answers
        except ConnectorError as err:  # the batch itself failed: so did every item
            answers.update({item.id: err for item in pending})
            return answers
        retry: list[tuple[BatchItem, ConnectorError]] = []
        for item in pending:
            if item.id not in raw:
                answers.pop(item.id, None)  # not answered: the stream asks for itself
                continue
            answer = _answer(client, item, raw[item.id])
            answers[item.id] = answer
            if isinstance(answer, ConnectorError) and _retryable(answer):
                retry.append((item, answer))
        attempt += 1
        if not retry or attempt >= client.backoff.attempts:
            return answers
        longest = max((e.retry_after for _, e in retry if e.retry_after is not None),
                      default=None)
        client.ctx.sleep(client.backoff.delay(attempt, longest))
        pending = [item for item, _ in retry]
    return answers


def _post(client: GraphClient, items: Sequence[BatchItem]) -> dict[str, dict[str, Any]]:
    body = {"requests": [item.wire(client) for item in items]}
    response = client.post_json(f"{client.base}/v1.0/$batch", body, items=len(items),
                                what=f"a batch of {len(items)} requests")
    try:
        doc = response.json()
    except ValueError:
        doc = None
    found = doc.get("responses") if isinstance(doc, dict) else None
    if not isinstance(found, list):
        raise ConnectorError(f"Microsoft 365 ({client.rep}): a $batch answer has no "
                             f"responses", kind=ErrorKind.BAD_DATA)
    return {str(r.get("id")).lower(): r for r in found if isinstance(r, dict)}


def _answer(client: GraphClient, item: BatchItem, raw: dict[str, Any]) -> Answer:
    status, body, headers = raw.get("status"), raw.get("body"), raw.get("headers")
    headers = headers if isinstance(headers, dict) else {}
    if not isinstance(status, int):
        return ConnectorError(f"Microsoft 365 ({client.rep}): a $batch item for "
                              f"{item.what} has no status", kind=ErrorKind.BAD_DATA)
    if status >= 400:
        content = json.dumps(body).encode() if isinstance(body, dict) else b""
        return graph_error(status, content, {str(k): str(v) for k, v in headers.items()},
                           rep=client.rep, mailbox=client.mailbox, what=item.what)
    if not isinstance(body, dict):
        return ConnectorError(f"Microsoft 365 ({client.rep}): {item.what} returned "
                              f"unexpected JSON", kind=ErrorKind.BAD_DATA)
    return body


def _retryable(err: ConnectorError) -> bool:
    return err.kind is ErrorKind.TRANSIENT and not isinstance(err, CursorExpired)
