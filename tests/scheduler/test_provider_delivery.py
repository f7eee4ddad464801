"""Delivery kind ``gmail``: the digest goes out through the registry's Google sender,
against the Google connector's fake server (the real google client libraries)."""

# ruff: noqa: F811  (the Google fixtures are imported by name; test arguments reuse the names)
from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import json

from dealnudge.config.schema import GmailDelivery
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from tests.google.conftest import fake, key_file, key_pair, world  # noqa: F401  (fixtures)
from tests.google.world import GoogleWorld
from tests.scheduler.factories import SARAH, sarah, seed, standard_findings

NOW = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)


def gmail_config(world: GoogleWorld):  # type: ignore[no-untyped-def]
    cfg = world.config
    return cfg.model_copy(update={
        "reps": [sarah()],
        "nudges": cfg.nudges.model_copy(update={"delivery": GmailDelivery(kind="gmail")})})


def test_gmail_delivery_sends_the_digest_once(world: GoogleWorld, store: Store) -> None:
    cfg = gmail_config(world)
    seed(store, standard_findings(SARAH), NOW, cfg)
    world.throttle(times=1, retry_after=30)
    [sent] = send_due_nudges(cfg, store, NOW, ctx=world.ctx())
    [again] = send_due_nudges(cfg, store, NOW, ctx=world.ctx())
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    assert world.sleeps and world.sleeps[0] >= 30  # the 429's Retry-After was honoured
    posts = [r for r in world.fake.api_requests() if r.path.endswith("/messages/send")]
    assert len(posts) == 2  # the throttled one and the one that went through
    raw = base64.urlsafe_b64decode(json.loads(posts[-1].body)["raw"])
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Message-ID"] == sent.message_id
    assert parsed["Subject"] == "2 follow-ups owed, 1 meeting without a next step, 1 stalled deal"
    assert posts[-1].user == "nudges@northwind.example"
    assert parsed["From"].addresses[0].addr_spec == "nudges@northwind.example"  # the mailbox
