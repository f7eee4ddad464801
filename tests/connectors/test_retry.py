"""Backoff and rate limiting with injected clocks: no test ever sleeps."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from dealnudge.connectors.base import AdminError, CursorExpired, TransientError
from dealnudge.connectors.retry import Backoff, RateLimiter, call_with_retry


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def flaky(failures: list[Exception]) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"
    return calls, fn


def test_transient_errors_are_retried_honouring_retry_after() -> None:
    clock = Clock()
    calls, fn = flaky([TransientError("429", retry_after=30), TransientError("503")])
    assert call_with_retry(fn, backoff=Backoff(rng=random.Random(1)), sleep=clock.sleep) == "done"
    assert len(calls) == 3
    assert clock.sleeps[0] >= 30 and 1 <= clock.sleeps[1] <= 2


def test_backoff_grows_and_is_capped() -> None:
    backoff = Backoff(rng=random.Random(3), cap=64)
    delays = [backoff.delay(n) for n in range(1, 12)]
    assert all(1 <= d <= 64 for d in delays)
    assert max(delays[6:]) > max(delays[:2])


@pytest.mark.parametrize("error", [AdminError("revoked"), CursorExpired("history too old")])
def test_admin_errors_and_expired_cursors_are_not_retried(error: Exception) -> None:
    clock = Clock()
    calls, fn = flaky([error])
    with pytest.raises(type(error)):
        call_with_retry(fn, backoff=Backoff(), sleep=clock.sleep)
    assert len(calls) == 1 and clock.sleeps == []


def test_gives_up_after_the_attempts() -> None:
    clock = Clock()
    calls, fn = flaky([TransientError("503") for _ in range(10)])
    with pytest.raises(TransientError):
        call_with_retry(fn, backoff=Backoff(attempts=4), sleep=clock.sleep)
    assert len(calls) == 4 and len(clock.sleeps) == 3


def test_rate_limiter_keeps_under_the_budget() -> None:
    clock = Clock()
    limiter = RateLimiter(100, 60, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(400):
        limiter.acquire(5)  # 2,000 units at 100 units/min
    assert 60 * (2000 - 100) / 100 - 1 <= clock.now <= 60 * (2000 - 100) / 100 + 1


@pytest.mark.parametrize("start", [0.0, 1_795_457_198.531928])
@pytest.mark.parametrize(("capacity", "cost"), [(500, 1), (500, 5), (100, 2), (4800, 5)])
def test_rate_limiter_terminates_despite_float_rounding(start: float, capacity: int,
                                                         cost: int) -> None:
    clock = Clock()
    clock.now = start
    limiter = RateLimiter(capacity, 60, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire(cost)
        assert len(clock.sleeps) <= 1000, "the limiter keeps asking for slivers of sleep"
    assert clock.now - start >= 60 * (1000 * cost - capacity) / capacity - 1
