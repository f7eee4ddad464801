# ruff: noqa: F811  (the Microsoft fixtures are imported by name; test arguments reuse the names)
"""Delivery kind ``graph`` with ``sent_check``: nudges go out as MIME (Sent Items keeps
their own Message-ID), and a digest claim stranded in ``sending`` is looked up there
with ``$filter=internetMessageId eq '…'`` (msal and real HTTP against the fake tenant):
completed when found, released and sent once when not, left when the check fails."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging

import pytest
from dealnudge.config.schema import Config, GraphDelivery
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from tests.microsoft.conftest import fake, tls  # noqa: F401  (fixtures)
from tests.microsoft.fake_graph import Mailbox
from tests.microsoft.world import FakeMicrosoft, GraphWorld
from tests.scheduler.factories import LI, li, seed, standard_findings
from tests.scheduler.stranded import settle, strand

SENDER = "nudges@northwind.example"
NOW = dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
LATER = NOW + dt.timedelta(minutes=10)


def graph_config(fake: FakeMicrosoft, *, sent_check: bool = True) -> Config:
    fake.graph.mailboxes.setdefault(SENDER, Mailbox())
    base = fake.config([LI], sender=SENDER)
    return base.model_copy(update={"reps": [li()], "nudges": base.nudges.model_copy(update={
        "delivery": GraphDelivery(kind="graph", sent_check=sent_check)})})


def _lookups(fake: FakeMicrosoft) -> list[str]:
    return [r.query.get("$filter", "") for r in fake.graph_requests()
            if r.method == "GET" and r.path.endswith("/mailFolders/SentItems/messages")]


def test_sends_mime_that_keeps_the_message_id(fake: FakeMicrosoft, store: Store) -> None:
    cfg = graph_config(fake)
    seed(store, standard_findings(LI), NOW, cfg)
    [sent] = send_due_nudges(cfg, store, NOW, ctx=GraphWorld(fake).context())
    assert sent.status == "sent" and fake.graph.sent == []  # no JSON form
    [raw] = fake.graph.sent_mime
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Message-ID"] == sent.message_id
    assert parsed.get_body(preferencelist=("plain",)) is not None  # both parts travel
    [post] = [r for r in fake.graph_requests() if r.path.endswith("/sendMail")]
    assert post.header("Content-Type") == "text/plain"
    [copy] = fake.graph.mailboxes[SENDER].collections["sentitems"].values()
    assert copy.doc["internetMessageId"] == sent.message_id


def test_a_sent_digest_is_found_in_sent_items_and_completed(fake: FakeMicrosoft,
                                                           store: Store) -> None:
    cfg = graph_config(fake)
    seed(store, standard_findings(LI), NOW, cfg)
    fake.graph.clock = NOW
    claim, message = strand(store, cfg, cfg.reps[0], NOW, GraphWorld(fake).context(),
                            delivered=True)
    [check] = settle(store, cfg, LATER, GraphWorld(fake).context())
    assert check.verdict == "delivered"
    done = store.nudge(LI, claim.local_day, "digest")
    assert done is not None and (done.id, done.status) == (claim.id, "sent")
    [again] = send_due_nudges(cfg, store, LATER, ctx=GraphWorld(fake).context())
    assert again.status == "skipped_already_sent"
    assert len(fake.graph.sent_mime) == 1
    assert _lookups(fake) == [f"internetMessageId eq '{message['Message-ID']}'"]


def test_a_digest_that_never_left_is_released_and_sent_once(fake: FakeMicrosoft,
                                                           store: Store) -> None:
    cfg = graph_config(fake)
    seed(store, standard_findings(LI), NOW, cfg)
    fake.graph.clock = LATER
    claim, message = strand(store, cfg, cfg.reps[0], NOW, GraphWorld(fake).context(),
                            delivered=False)
    [check] = settle(store, cfg, LATER, GraphWorld(fake).context())
    assert check.verdict == "absent"
    assert store.nudge(LI, claim.local_day, "digest") is None
    [sent] = send_due_nudges(cfg, store, LATER, ctx=GraphWorld(fake).context())
    [again] = send_due_nudges(cfg, store, LATER, ctx=GraphWorld(fake).context())
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    assert sent.message_id == message["Message-ID"]
    assert len(fake.graph.sent_mime) == 1
    assert _lookups(fake)[1].startswith("sentDateTime ge 2026-03-05T00:50:00Z")


def test_without_read_permission_the_claim_stays_with_one_warning(
        fake: FakeMicrosoft, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    cfg = graph_config(fake)
    seed(store, standard_findings(LI), NOW, cfg)
    fake.graph.read_denied.add(SENDER)  # Mail.Send granted, Mail.ReadBasic not
    claim, _ = strand(store, cfg, cfg.reps[0], NOW, GraphWorld(fake).context(), delivered=False)
    with caplog.at_level(logging.WARNING):
        [check] = settle(store, cfg, LATER, GraphWorld(fake).context())
    assert check.verdict == "unknown"
    left = store.nudge(LI, claim.local_day, "digest")
    assert left is not None and left.status == "sending"
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "Mail.ReadBasic" in warning.getMessage() and "\n" not in warning.getMessage()
    [again] = send_due_nudges(cfg, store, LATER, ctx=GraphWorld(fake).context())
    assert again.status == "skipped_already_sent" and fake.graph.sent_mime == []


def test_another_copy_to_the_recipient_since_the_claim_is_not_called_absent(
        fake: FakeMicrosoft, store: Store) -> None:
    cfg = graph_config(fake)
    seed(store, standard_findings(LI), NOW, cfg)
    fake.graph.clock = NOW
    claim, _ = strand(store, cfg, cfg.reps[0], NOW, GraphWorld(fake).context(), delivered=False)
    for n in range(120):  # copies to others fill the first page of $top=100
        fake.graph._file_sent(SENDER, f"<other{n}@northwind.example>", "x",
                              [{"emailAddress": {"address": f"rep{n}@northwind.example"}}], [])
    fake.graph._file_sent(SENDER, "<replaced@exchange.example>", "x", [],
                          [{"emailAddress": {"address": LI.upper()}}])
    [check] = settle(store, cfg, LATER, GraphWorld(fake).context())
    assert check.verdict == "unknown"
    left = store.nudge(LI, claim.local_day, "digest")
    assert left is not None and left.status == "sending"
    assert len(_lookups(fake)) == 3  # by id, then two pages of copies since the claim
