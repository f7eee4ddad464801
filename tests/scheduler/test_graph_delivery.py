# ruff: noqa: F811  (the Microsoft fixtures are imported by name; test arguments reuse the names)
"""Delivery kind ``graph``: the digest goes out through the registry's Graph sender,
against the Microsoft connector's fake authority and Graph (msal and real HTTP)."""

from __future__ import annotations

import datetime as dt

from dealnudge.config.schema import GraphDelivery
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from tests.microsoft.conftest import fake, tls  # noqa: F401  (fixtures)
from tests.microsoft.world import FakeMicrosoft, GraphWorld
from tests.scheduler.factories import LI, li, seed, standard_findings

SENDER = "nudges@northwind.example"
NOW = dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


def test_graph_delivery_sends_the_chinese_digest_once(fake: FakeMicrosoft, store: Store) -> None:
    fake.graph.put(SENDER, "inbox", {"id": "x", "receivedDateTime": "2026-01-01T00:00:00Z"})
    base = fake.config([LI], sender=SENDER)
    cfg = base.model_copy(update={
        "reps": [li()],
        "nudges": base.nudges.model_copy(update={"delivery": GraphDelivery(kind="graph")})})
    seed(store, standard_findings(LI), NOW, cfg)
    world = GraphWorld(fake)
    fake.throttle(times=1, retry_after=12)
    [sent] = send_due_nudges(cfg, store, NOW, ctx=world.context())
    [again] = send_due_nudges(cfg, store, NOW + dt.timedelta(hours=1), ctx=world.context())
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    (posted,) = fake.graph.sent
    message = posted["message"]
    assert message["subject"] == "2 封跟进邮件待发，1 场会议缺少明确下一步，1 个停滞商机"
    assert message["toRecipients"] == [
        {"emailAddress": {"address": LI, "name": "李伟"}}]
    assert "待发的跟进邮件" in message["body"]["content"]
    assert world.sleeps and world.sleeps[0] >= 12  # the 429's Retry-After was honoured
