"""Delivery kind ``gmail`` with ``sent_check``: a digest claim stranded in ``sending`` is
looked up in the sender's Gmail by Message-ID (the real google client libraries against
the fake server, which honours ``rfc822msgid:`` and enforces scopes) and completed when
the message is there, released and sent once when it is not, and left when the check
cannot be made."""

# ruff: noqa: F811  (the Google fixtures are imported by name; test arguments reuse the names)
from __future__ import annotations

import datetime as dt
import logging

import pytest
from dealnudge.config.schema import Config, GmailDelivery
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from tests.google.conftest import fake, key_file, key_pair, world  # noqa: F401  (fixtures)
from tests.google.fake_google import GMAIL_READ
from tests.google.world import GoogleWorld
from tests.scheduler.factories import SARAH, sarah, seed, standard_findings
from tests.scheduler.stranded import settle, strand

NOW = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=10)
SENDER = "nudges@northwind.example"


def gmail_config(world: GoogleWorld, *, sent_check: bool = True) -> Config:
    cfg = world.config
    return cfg.model_copy(update={"reps": [sarah()], "nudges": cfg.nudges.model_copy(update={
        "delivery": GmailDelivery(kind="gmail", sent_check=sent_check)})})


def _sends(world: GoogleWorld) -> int:
    return sum(1 for r in world.fake.api_requests() if r.path.endswith("/messages/send")
               and r.status == 200)


def _lookups(world: GoogleWorld) -> list[str]:
    return [r.query.get("q", [""])[0] for r in world.fake.api_requests()
            if r.path.endswith("/messages") and r.method == "GET"]


def test_a_sent_digest_is_found_by_message_id_and_completed(world: GoogleWorld,
                                                           store: Store) -> None:
    cfg = gmail_config(world)
    seed(store, standard_findings(SARAH), NOW, cfg)
    world.fake.clock = NOW
    claim, message = strand(store, cfg, cfg.reps[0], NOW, world.ctx(), delivered=True)
    [check] = settle(store, cfg, LATER, world.ctx())
    assert check.verdict == "delivered"
    done = store.nudge(SARAH, claim.local_day, "digest")
    assert done is not None and (done.id, done.status) == (claim.id, "sent")
    assert done.message_id == message["Message-ID"]
    [again] = send_due_nudges(cfg, store, LATER, ctx=world.ctx())
    assert again.status == "skipped_already_sent"
    assert _sends(world) == 1
    assert _lookups(world) == [f"rfc822msgid:{message['Message-ID']}"]
    reads = [g for g in world.fake.token_requests() if g.claims.get("scope") == GMAIL_READ]
    assert [g.claims["sub"] for g in reads] == [SENDER]  # read-only, the sender's own mailbox


def test_a_digest_that_never_left_is_released_and_sent_once(world: GoogleWorld,
                                                           store: Store) -> None:
    cfg = gmail_config(world)
    seed(store, standard_findings(SARAH), NOW, cfg)
    world.fake.clock = LATER
    claim, message = strand(store, cfg, cfg.reps[0], NOW, world.ctx(), delivered=False)
    [check] = settle(store, cfg, LATER, world.ctx())
    assert check.verdict == "absent"
    assert store.nudge(SARAH, claim.local_day, "digest") is None
    [sent] = send_due_nudges(cfg, store, LATER, ctx=world.ctx())
    [again] = send_due_nudges(cfg, store, LATER, ctx=world.ctx())
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    assert sent.message_id == message["Message-ID"]  # the same deterministic id
    assert _sends(world) == 1
    assert settle(store, cfg, LATER + dt.timedelta(hours=1), world.ctx()) == []


def test_without_the_read_scope_the_claim_stays_with_one_warning(
        world: GoogleWorld, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    cfg = gmail_config(world)
    seed(store, standard_findings(SARAH), NOW, cfg)
    world.fake.granted_scopes -= {GMAIL_READ}  # the delegation entry lacks gmail.readonly
    claim, _ = strand(store, cfg, cfg.reps[0], NOW, world.ctx(), delivered=False)
    with caplog.at_level(logging.WARNING):
        [check] = settle(store, cfg, LATER, world.ctx())
    assert check.verdict == "unknown"
    left = store.nudge(SARAH, claim.local_day, "digest")
    assert left is not None and left.status == "sending"
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    text = warning.getMessage()
    assert "gmail.readonly" in text and SENDER in text and "\n" not in text
    [again] = send_due_nudges(cfg, store, LATER, ctx=world.ctx())
    assert again.status == "skipped_already_sent" and _sends(world) == 0


def test_a_copy_filed_under_another_message_id_is_not_called_absent(world: GoogleWorld,
                                                                   store: Store) -> None:
    cfg = gmail_config(world)
    seed(store, standard_findings(SARAH), NOW, cfg)
    world.fake.clock = NOW
    world.fake.replace_message_ids = True
    claim, _ = strand(store, cfg, cfg.reps[0], NOW, world.ctx(), delivered=True)
    [check] = settle(store, cfg, LATER, world.ctx())
    assert check.verdict == "unknown"  # "absent" would send the digest a second time
    left = store.nudge(SARAH, claim.local_day, "digest")
    assert left is not None and left.status == "sending"
    assert _lookups(world)[1].startswith(f"in:sent to:{SARAH} after:")


def test_without_sent_check_nothing_is_read(world: GoogleWorld, store: Store) -> None:
    cfg = gmail_config(world, sent_check=False)
    seed(store, standard_findings(SARAH), NOW, cfg)
    strand(store, cfg, cfg.reps[0], NOW, world.ctx(), delivered=True)
    [check] = settle(store, cfg, LATER, world.ctx())
    assert check.verdict == "unknown" and _lookups(world) == []
