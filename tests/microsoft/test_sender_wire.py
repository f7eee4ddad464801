"""Nudges sent through Graph sendMail as JSON with saveToSentItems false."""

from __future__ import annotations

import base64
import email.message
import json

import pytest
from dealnudge.config.schema import GraphDelivery
from dealnudge.connectors import microsoft
from dealnudge.connectors.base import AdminError, TransientError

from tests.microsoft.world import FakeMicrosoft, GraphWorld

SENDER = "nudges@northwind.example"


def _nudge() -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"] = SENDER
    msg["To"] = "李伟 <li.wei@northwind.example>"
    msg["Subject"] = "今日跟进 / Today's follow-ups"
    msg["Reply-To"] = "sales-ops@northwind.example"
    msg["X-Dealnudge-Digest"] = "2026-03-10"
    msg.set_content("Acme: no dated next step.\n王总 meeting needs a follow-up.")
    msg.add_alternative("<p>Acme: no dated next step.</p><p>王总 meeting</p>", subtype="html")
    return msg


def test_send_posts_json_html_without_saving_a_copy(fake: FakeMicrosoft) -> None:
    fake.graph.put(SENDER, "inbox", {"id": "x", "receivedDateTime": "2026-01-01T00:00:00Z"})
    config = fake.config(["a@northwind.example"], sender=SENDER)
    microsoft.create_sender(config, GraphWorld(fake).context()).send(_nudge())
    (posted,) = fake.graph.sent
    assert posted["saveToSentItems"] is False
    body = posted["message"]["body"]
    assert body["contentType"] == "HTML" and "王总 meeting" in body["content"]
    assert posted["message"]["toRecipients"] == [
        {"emailAddress": {"address": "li.wei@northwind.example", "name": "李伟"}}]
    assert posted["message"]["replyTo"] == [
        {"emailAddress": {"address": "sales-ops@northwind.example"}}]
    assert posted["message"]["internetMessageHeaders"] == [
        {"name": "X-Dealnudge-Digest", "value": "2026-03-10"}]
    (call,) = list(fake.graph_requests())
    assert call.path == f"/v1.0/users/{SENDER}/sendMail"
    assert 'IdType="ImmutableId"' in call.prefer
    assert json.loads(call.body)["message"]["subject"] == "今日跟进 / Today's follow-ups"


def test_send_throttled_then_accepted(fake: FakeMicrosoft) -> None:
    fake.graph.put(SENDER, "inbox", {"id": "x", "receivedDateTime": "2026-01-01T00:00:00Z"})
    world = GraphWorld(fake)
    fake.throttle(times=1, retry_after=12)
    config = fake.config(["a@northwind.example"], sender=SENDER)
    microsoft.create_sender(config, world.context()).send(_nudge())
    assert len(fake.graph.sent) == 1 and world.sleeps[0] >= 12


def test_sender_needs_a_mailbox_and_permission(fake: FakeMicrosoft) -> None:
    with pytest.raises(AdminError, match="sender"):
        microsoft.create_sender(fake.config(["a@northwind.example"]), GraphWorld(fake).context())
    fake.graph.put(SENDER, "inbox", {"id": "x", "receivedDateTime": "2026-01-01T00:00:00Z"})
    fake.graph.denied.add(SENDER)
    config = fake.config(["a@northwind.example"], sender=SENDER)
    with pytest.raises(AdminError, match=SENDER):
        microsoft.create_sender(config, GraphWorld(fake).context()).send(_nudge())
    assert not isinstance(AdminError("x"), TransientError)


def test_sent_check_sends_base64_mime_with_crlf_and_our_headers(fake: FakeMicrosoft) -> None:
    fake.graph.put(SENDER, "inbox", {"id": "x", "receivedDateTime": "2026-01-01T00:00:00Z"})
    config = fake.config(["a@northwind.example"], sender=SENDER)
    config = config.model_copy(update={"nudges": config.nudges.model_copy(update={
        "delivery": GraphDelivery(kind="graph", sent_check=True)})})
    nudge = _nudge()
    nudge["Message-ID"] = "<digest.20260310.abc@northwind.example>"
    microsoft.create_sender(config, GraphWorld(fake).context()).send(nudge)
    (call,) = list(fake.graph_requests())
    assert call.path == f"/v1.0/users/{SENDER}/sendMail"
    assert call.header("Content-Type") == "text/plain"
    raw = base64.b64decode(call.body, validate=True)
    assert b"\r\nMessage-ID: <digest.20260310.abc@northwind.example>\r\n" in raw
    assert b"\r\nX-Dealnudge-Digest: 2026-03-10\r\n" in raw
    assert fake.graph.sent == [] and fake.graph.sent_mime == [raw]
    (copy,) = fake.graph.mailboxes[SENDER].collections["sentitems"].values()
    assert copy.doc["internetMessageId"] == "<digest.20260310.abc@northwind.example>"
