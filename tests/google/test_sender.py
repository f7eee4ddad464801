"""The Gmail nudge sender at the wire: only gmail.send, as the configured sender."""

from __future__ import annotations

import base64
import email.message
import email.policy
import json

import pytest
from dealnudge.connectors.base import AdminError, TransientError
from dealnudge.connectors.google import create_sender

from tests.google.fake_google import GMAIL_SEND
from tests.google.world import GoogleWorld


def _nudge() -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"] = "nudges@northwind.example"
    msg["To"] = "rep@northwind.example"
    msg["Subject"] = "今天的跟进 / Today's follow-ups"
    msg.set_content("Acme: send the recap. 请发送会议纪要。")
    return msg


def test_send_posts_the_raw_message_as_the_sender(world: GoogleWorld) -> None:
    sender = create_sender(world.config, world.ctx())
    sender.send(_nudge())
    (grant,) = world.fake.token_requests()
    assert grant.claims["sub"] == "nudges@northwind.example"
    assert str(grant.claims["scope"]).split() == [GMAIL_SEND]
    (post,) = world.fake.api_requests()
    assert post.method == "POST" and post.path == "/gmail/v1/users/me/messages/send"
    raw = base64.urlsafe_b64decode(json.loads(post.body)["raw"])
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "今天的跟进 / Today's follow-ups"
    body = parsed.get_body()
    assert body is not None
    assert "请发送会议纪要" in body.get_content()
    assert post.user == "nudges@northwind.example"


def test_throttled_send_is_transient_and_not_repeated(world: GoogleWorld) -> None:
    world.throttle(times=1, retry_after=30)
    with pytest.raises(TransientError) as caught:
        create_sender(world.config, world.ctx()).send(_nudge())
    assert caught.value.retry_after == 30
    assert len(world.fake.api_requests()) == 1


def test_sender_without_send_grant_is_an_admin_error(world: GoogleWorld) -> None:
    world.fake.granted_scopes -= {GMAIL_SEND}
    with pytest.raises(AdminError, match=r"nudges@northwind\.example"):
        create_sender(world.config, world.ctx()).send(_nudge())
