"""Nudge claims: the database, not Python, guarantees one nudge per rep, day and kind."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from dealnudge.store import NudgeNotFound, NudgeRecord, Store

from tests.store.samples import NOW, OTHER_REP, REP

DAY = dt.date(2026, 3, 10)


def test_second_claim_is_refused(store: Store) -> None:
    first = store.claim_nudge(REP, DAY, "digest", ["k1", "k2"], NOW)

    assert first is not None and first.status == "sending" and first.finding_keys == ("k1", "k2")
    assert store.claim_nudge(REP, DAY, "digest", ["k1"], NOW) is None
    assert store.claim_nudge(REP, DAY + dt.timedelta(days=1), "digest", [], NOW) is not None
    assert store.claim_nudge(OTHER_REP, DAY, "digest", [], NOW) is not None
    assert store.claim_nudge(REP, DAY, "weekly", [], NOW) is not None
    assert store.nudge(REP, DAY, "digest") == first


def test_claim_from_a_second_store_is_refused(store: Store, store_url: str) -> None:
    other = Store.open(store_url)  # its own engine and connections, like another process
    try:
        assert store.claim_nudge(REP, DAY, "digest", [], NOW) is not None
        assert other.claim_nudge(REP, DAY, "digest", [], NOW) is None
        assert other.nudge(REP, DAY, "digest") is not None
    finally:
        other.close()


def test_racing_claims_have_exactly_one_winner(store: Store, store_url: str) -> None:
    store.ensure_rep(REP, "Li Wei", "Asia/Shanghai")
    stores = [Store.open(store_url) for _ in range(4)]
    start = threading.Barrier(len(stores))
    results: list[NudgeRecord | None] = []
    errors: list[BaseException] = []

    def claim(contender: Store) -> None:
        start.wait()
        try:
            results.append(contender.claim_nudge(REP, DAY, "digest", ["k"], NOW))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for contender in stores:
            contender.close()

    assert errors == []
    assert sum(result is not None for result in results) == 1 and len(results) == 4


def test_finish_sent_and_failed(store: Store) -> None:
    claim = store.claim_nudge(REP, DAY, "digest", ["k"], NOW)
    assert claim is not None and claim.attempts == 0 and claim.finished_at is None

    later = NOW + dt.timedelta(seconds=3)
    sent = store.finish_nudge(claim.id, status="sent", now=later, message_id="abc@northwind")

    assert (sent.status, sent.attempts, sent.message_id, sent.finished_at) == (
        "sent", 1, "abc@northwind", later)
    assert store.nudge(REP, DAY, "digest") == sent
    with pytest.raises(ValueError, match="cannot be released"):
        store.release_nudge(claim.id)

    other = store.claim_nudge(OTHER_REP, DAY, "digest", [], NOW)
    assert other is not None
    failed = store.finish_nudge(other.id, status="failed", now=later, error="SMTP 550")
    assert (failed.status, failed.error) == ("failed", "SMTP 550")
    assert store.claim_nudge(OTHER_REP, DAY, "digest", [], NOW) is None  # failed still blocks


def test_released_claim_can_be_claimed_again(store: Store) -> None:
    claim = store.claim_nudge(REP, DAY, "digest", ["k"], NOW)
    assert claim is not None

    assert store.release_nudge(claim.id) is True
    assert store.release_nudge(claim.id) is False  # a racing retry released it already

    assert store.nudge(REP, DAY, "digest") is None
    again = store.claim_nudge(REP, DAY, "digest", ["k", "k2"], NOW)
    assert again is not None and again.id != claim.id and again.finding_keys == ("k", "k2")


def test_unknown_nudge_and_bad_status(store: Store) -> None:
    with pytest.raises(NudgeNotFound):
        store.finish_nudge(999, status="sent", now=NOW)
    assert store.release_nudge(999) is False
    claim = store.claim_nudge(REP, DAY, "digest", [], NOW)
    assert claim is not None
    with pytest.raises(ValueError, match="finishes as 'sent', 'failed' or 'ambiguous'"):
        store.finish_nudge(claim.id, status="sending", now=NOW)  # type: ignore[arg-type]
