"""Backoff and client-side rate limiting shared by the HTTP connectors.

Both honour an injected ``sleep`` and ``monotonic`` clock so tests never wait.
Backoff is exponential with full jitter, starts at one second (Gmail's advice),
is capped, and always honours a server's ``Retry-After`` when that is longer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from dealnudge.connectors.base import ConnectorError, CursorExpired, ErrorKind

T = TypeVar("T")


@dataclass
class Backoff:
    attempts: int = 6
    base: float = 1.0
    cap: float = 64.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        ceiling = min(self.cap, self.base * (2 ** (attempt - 1)))
        wait = self.base + self.rng.uniform(0, max(0.0, ceiling - self.base))
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait


def call_with_retry(fn: Callable[[], T], *, backoff: Backoff, sleep: Callable[[float], None],
                    on_retry: Callable[[ConnectorError, float], None] | None = None) -> T:
    """Run ``fn``; retry TRANSIENT ``ConnectorError``s with backoff, re-raise the rest.

    ``CursorExpired`` is never retried: asking again with the same cursor cannot help,
    the caller must resync.
    """
    attempt = 0
    while True:
        try:
            return fn()
        except ConnectorError as err:
            attempt += 1
            if (isinstance(err, CursorExpired) or err.kind is not ErrorKind.TRANSIENT
                    or attempt >= backoff.attempts):
                raise
            wait = backoff.delay(attempt, err.retry_after)
            if on_retry is not None:
                on_retry(err, wait)
            sleep(wait)


class RateLimiter:
    """Token bucket: at most ``capacity`` calls (or quota units) per ``period`` seconds."""

    def __init__(self, capacity: float, period: float, *, monotonic: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.capacity = capacity
        self.rate = capacity / period
        self._tokens = capacity
        self._last = monotonic()
        self._monotonic = monotonic
        self._sleep = sleep

    def acquire(self, cost: float = 1.0) -> None:
        while True:
            now = self._monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= cost - 1e-6:  # float rounding must not leave a sliver to wait for
                self._tokens = max(0.0, self._tokens - cost)
                return
            self._sleep(max((cost - self._tokens) / self.rate, 0.001))
