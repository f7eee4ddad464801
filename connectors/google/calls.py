"""One place where Google API requests are executed: budget, retry, classification.

Each rep's connector owns one ``Caller`` per API. Before a request it takes its
quota cost from a client-side token bucket sized below Google's per-user quota
(Gmail counts quota units: list 5, get 5, history 2, send 100, getProfile 1;
Calendar counts requests), so a backfill slows down instead of being throttled.
Requests run with the library's own retries off (``num_retries=0``) and are
retried here with exponential backoff and jitter, honouring ``Retry-After``, so
a failure is never retried twice over. httplib2 connections are not thread-safe,
hence the lock: one connector instance may be driven from several threads.

Batches (``/batch/gmail/v1``) report per-call failures inside a 200 response; the
calls that failed with a retryable status are re-queued into the next batch after
a backoff, and the others are classified like single calls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from dealnudge.connectors.base import ConnectorContext, ConnectorError, ErrorKind
from dealnudge.connectors.google.errors import Call, classify
from dealnudge.connectors.retry import Backoff, RateLimiter, call_with_retry
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, HttpRequest

T = TypeVar("T")
log = logging.getLogger(__name__)

# Gmail quota units per method (Google's published table); Calendar counts requests.
GMAIL_UNITS = {"list": 5, "get": 5, "history": 2, "send": 100, "profile": 1}


@dataclass
class CallStats:
    requests: int = 0  # HTTP requests sent (a batch envelope counts once)
    calls: int = 0  # API calls (each batch part counts)
    units: int = 0  # quota units charged
    retries: int = 0
    waited: float = 0.0  # seconds asked of ctx.sleep (backoff and rate limiting)


class Caller:
    def __init__(self, rep: str, ctx: ConnectorContext, budget_per_minute: float,
                 backoff: Backoff | None = None, lock: threading.Lock | None = None) -> None:
        self.rep = rep
        self.ctx = ctx
        self.stats = CallStats()
        self.backoff = backoff or Backoff()
        self._lock = lock or threading.Lock()  # shared by the APIs of one connector
        self.limiter = RateLimiter(budget_per_minute, 60.0, monotonic=ctx.monotonic,
                                   sleep=self._counting_sleep)

    def _counting_sleep(self, seconds: float) -> None:
        self.stats.waited += seconds
        self.ctx.sleep(seconds)

    def _take(self, cost: float) -> None:
        self.limiter.acquire(min(cost, self.limiter.capacity))
        self.stats.units += int(cost)

    def run(self, make: Callable[[], HttpRequest], *, call: Call, cost: float = 1) -> Any:
        """Execute one request (built fresh per attempt) with budget and retries."""
        def attempt() -> Any:
            self._take(cost)
            with self._lock:
                self.stats.requests += 1
                self.stats.calls += 1
                try:
                    return make().execute(num_retries=0)
                except Exception as exc:
                    raise classify(exc, rep=self.rep, call=call, now=self.ctx.now) from exc
        return self._with_retry(attempt)

    def _with_retry(self, fn: Callable[[], T]) -> T:
        def note(err: ConnectorError, wait: float) -> None:
            self.stats.retries += 1
            self.stats.waited += wait
            log.info("%s; retrying in %.1f s", err, wait)
        return call_with_retry(fn, backoff=self.backoff, sleep=self.ctx.sleep, on_retry=note)

    def batch(self, batch_uri: str, requests: Mapping[str, Callable[[], HttpRequest]], *,
              call: Call, cost_each: float) -> dict[str, Any | None]:
        """Run calls in one batch; returns id -> response (None when the item is gone, 404)."""
        results: dict[str, Any | None] = {}
        pending = dict(requests)
        attempt = 0
        while pending:
            failed = self._batch_once(batch_uri, pending, results, call=call, cost_each=cost_each)
            pending = {key: requests[key] for key in failed}
            if not pending:
                break
            attempt += 1
            waits = [err.retry_after for err in failed.values() if err.retry_after is not None]
            if attempt >= self.backoff.attempts:
                raise next(iter(failed.values()))
            wait = self.backoff.delay(attempt, max(waits) if waits else None)
            log.info("Google batch for %s: %d calls failed (%s); re-queued in %.1f s",
                     self.rep, len(failed), next(iter(failed.values())), wait)
            self.stats.retries += 1
            self.stats.waited += wait
            self.ctx.sleep(wait)
        return results

    def _batch_once(self, batch_uri: str, pending: dict[str, Callable[[], HttpRequest]],
                    results: dict[str, Any | None], *, call: Call,
                    cost_each: float) -> dict[str, ConnectorError]:
        failed: dict[str, ConnectorError] = {}

        def done(request_id: str, response: Any, exc: HttpError | None) -> None:
            if exc is None:
                results[request_id] = response
            elif int(exc.resp.status) == 404:
                results[request_id] = None  # deleted between listing and fetching
            else:
                failed[request_id] = classify(exc, rep=self.rep, call=call, now=self.ctx.now)

        def send() -> None:
            failed.clear()
            self._take(cost_each * len(pending))
            batch = BatchHttpRequest(callback=done, batch_uri=batch_uri)
            for key, make in pending.items():
                batch.add(make(), request_id=key)
            with self._lock:
                self.stats.requests += 1
                self.stats.calls += len(pending)
                try:
                    batch.execute()
                except Exception as exc:
                    raise classify(exc, rep=self.rep, call=call, now=self.ctx.now) from exc

        self._with_retry(send)
        fatal = [err for err in failed.values() if err.kind is not ErrorKind.TRANSIENT]
        if fatal:
            raise fatal[0]
        return failed
