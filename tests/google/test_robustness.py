"""The fake's own strictness, concurrent use of one connector, unreadable messages."""

from __future__ import annotations

import threading

import pytest
from dealnudge.connectors.google.connector import CALENDAR, MAIL

from tests.conformance import Drained, drain, event, message
from tests.google.fake_google import FakeGoogle
from tests.google.fake_mail import ApiError
from tests.google.world import GoogleWorld

REP = "rep@northwind.example"


def test_fake_fails_on_an_unused_stub(fake: FakeGoogle) -> None:
    stub = fake.stub(lambda r: r.path.endswith("/history"), 500, label="never-called")
    with pytest.raises(AssertionError, match="never-called"):
        fake.verify()
    stub.used = stub.times  # keep the fixture's own verify() quiet


def test_fake_rejects_a_query_term_it_does_not_model(world: GoogleWorld) -> None:
    world.fake.mailbox(REP)
    with pytest.raises(ApiError, match="fake does not model"):
        world.fake.mailbox(REP).list_messages({"q": ["is:unread"]})


def test_one_connector_serves_two_threads(world: GoogleWorld) -> None:
    for i in range(7):
        world.add_message(message(i, "inbox", REP))
        world.add_event(event(i, REP))
    conn = world.connector()
    results: dict[str, Drained] = {}
    errors: list[BaseException] = []

    def run(stream_name: str) -> None:
        try:
            results[stream_name] = drain(conn, MAIL if stream_name == "mail" else CALENDAR, None)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("mail", "calendar")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(results["mail"].messages) == 7 and len(results["calendar"].events) == 7
    assert len(world.fake.token_requests()) == 1


def test_unreadable_message_is_skipped_not_fatal(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", REP))
    broken = world.fake.mailbox(REP).add(b"Subject: no sender here\r\n\r\nbody\r\n", ["INBOX"],
                                         message(1).sent_at).id
    out = drain(world.connector(), MAIL, None)
    assert [m.subject for m in out.messages] == ["Pilot plan 0 / 试用计划"]
    skipped = [s for p in out.pages for s in p.skipped]
    assert len(skipped) == 1 and skipped[0].startswith(broken)
