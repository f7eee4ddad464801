"""Bounded work on Microsoft 365: message sizes through PidTagMessageSize, pages
read with a cap, inline text cut to MAX_BODY_TEXT_BYTES.

The fake Graph honours ``$expand=singleValueExtendedProperties($filter=id eq …)`` on
message delta as Graph documents it; the caps are lowered for the tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from dealnudge.connectors.base import ConnectorError, Stream
from dealnudge.connectors.items import MAX_BODY_TEXT_BYTES
from dealnudge.connectors.microsoft import connector as ms_connector
from dealnudge.connectors.microsoft import graph
from dealnudge.connectors.microsoft.connector import MicrosoftConnector
from dealnudge.connectors.microsoft.mapping import SIZE_EXPAND, message_size, parse_message

from tests.conformance import drain, message
from tests.microsoft.fake_graph import Item
from tests.microsoft.world import FakeMicrosoft, GraphWorld

INBOX = Stream("mail:inbox", "mail")


def add(world: GraphWorld, n: int, *, body: str | None = None,
        size: int | None = None, no_size: bool = False) -> tuple[str, Item]:
    spec = message(n, "inbox", world.rep_email)
    world.add_message(spec)
    item_id = world.keys[spec.key][1]
    item = world.fake.graph.mailboxes[world.rep_email].collections["inbox"][item_id]
    if body is not None:
        item.doc["body"]["content"] = body
    if size is not None:
        item.size = size
    if no_size:
        item.size = None
    return item_id, item


def skipped(drained: Any) -> list[str]:
    return [s for p in drained.pages for s in p.skipped]


def test_first_request_asks_for_the_size_and_links_carry_it(world: GraphWorld,
                                                            fake: FakeMicrosoft) -> None:
    for i in range(5):
        add(world, i)
    drained = drain(world.connector(), INBOX, None)
    first, *rest = fake.graph_requests()
    assert first.query["$expand"] == (
        "singleValueExtendedProperties($filter=id eq 'Integer 0x0E08')") == SIZE_EXPAND
    assert rest and all(set(r.query) == {"$skiptoken"} for r in rest)  # never repeated
    assert len(drained.messages) == 5 and not skipped(drained)


def test_message_over_the_cap_keeps_its_headers_only(world: GraphWorld, fake: FakeMicrosoft,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ms_connector, "MAX_MESSAGE_BYTES", 300_000)
    for i in range(2):
        add(world, i)
    big_id, _ = add(world, 7, body="We will send the signed order form on Friday.",
                    size=45_000_000)
    add(world, 8, size=300_000)  # at the cap: read as usual
    drained = drain(world.connector(), INBOX, None)
    assert len(drained.messages) == 4
    big = next(m for m in drained.messages if m.source_id == big_id)
    assert big.body_text == "" and big.subject == message(7, "inbox", world.rep_email).subject
    assert big.to and big.sender.email
    assert all(m.body_text for m in drained.messages if m is not big)
    assert skipped(drained) == [
        (f"{big_id}: the message is 45,000,000 bytes, over the 300,000-byte limit; only its "
         "headers are kept (its text is not analysed)")]
    add(world, 9)  # the next round goes on past it and does not report it again
    again = drain(world.connector(), INBOX, drained.cursor)
    assert [m.subject for m in again.messages] == [message(9, "inbox", world.rep_email).subject]
    assert not skipped(again)


def test_without_the_size_property_messages_are_read_as_before(
        world: GraphWorld, fake: FakeMicrosoft, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ms_connector, "MAX_MESSAGE_BYTES", 300_000)
    add(world, 1, body="Call on Friday.", no_size=True)
    drained = drain(world.connector(), INBOX, None)
    assert [m.body_text for m in drained.messages] == ["Call on Friday."]
    assert not skipped(drained)
    page = fake.graph_requests()[0]
    assert "$expand" in page.query  # asked for, not answered for this item


def test_fake_refuses_an_expand_graph_would_refuse(world: GraphWorld, fake: FakeMicrosoft) -> None:
    conn = world.connector()
    assert isinstance(conn, MicrosoftConnector)
    url = conn.client.user_url("mailFolders/inbox/messages/delta")
    for bad in ("singleValueExtendedProperties", "attachments",
                "singleValueExtendedProperties($filter=id eq 0x0E08)"):
        with pytest.raises(ConnectorError) as refused:
            conn.client.get_json(url, params={"$expand": bad}, what="inbox")
        assert refused.value.status == 400, refused.value
    cal = conn.client.user_url("calendarView/delta")
    window = {"startDateTime": "2026-03-01T00:00:00Z", "endDateTime": "2026-04-01T00:00:00Z"}
    with pytest.raises(ConnectorError) as refused:
        conn.client.get_json(cal, params={"$expand": SIZE_EXPAND, **window}, what="calendar")
    assert refused.value.status == 400, refused.value


@pytest.mark.parametrize(("props", "size"), [
    ([{"id": "Integer 0xe08", "value": "1234"}], 1234),
    ([{"id": "integer 0x0E08", "value": 99}], 99),
    ([{"id": "Binary 0xe0a", "value": "AAAA"}, {"id": "Integer 0xE08", "value": "7"}], 7),
    ([{"id": "Integer 0xe07", "value": "5"}], None),
    ([{"id": "Integer 0xe08", "value": "-1"}], None),
    ([{"id": "Integer 0xe08", "value": None}], None),
    ([{"id": "Integer 0xe08", "value": True}], None),
    ([{"id": "Integer zz", "value": "5"}], None),
    ("not a list", None), (None, None),
])
def test_size_property_is_read_forgivingly(props: object, size: int | None) -> None:
    assert message_size({"id": "x", "singleValueExtendedProperties": props}) == size


def test_huge_inline_text_is_cut(world: GraphWorld, fake: FakeMicrosoft) -> None:
    text = "见面后我们周五发合同。" * (MAX_BODY_TEXT_BYTES // 20)  # ~3.1 MB of UTF-8
    assert len(text.encode()) > MAX_BODY_TEXT_BYTES
    add(world, 1, body=text, no_size=True)
    drained = drain(world.connector(), INBOX, None)
    body = drained.messages[0].body_text
    assert MAX_BODY_TEXT_BYTES - 3 <= len(body.encode()) <= MAX_BODY_TEXT_BYTES
    assert text.startswith(body)
    html = parse_message({"id": "h", "sentDateTime": "2026-03-02T10:00:00Z", "body": {
        "contentType": "html", "content": "<p>" + "x" * (3 * MAX_BODY_TEXT_BYTES) + "</p>"}},
        "inbox").body_text
    assert len(html) <= MAX_BODY_TEXT_BYTES


def test_page_over_the_response_cap_is_asked_again_one_item_per_page(
        world: GraphWorld, fake: FakeMicrosoft, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph, "MAX_RESPONSE_BYTES", 200_000)
    for i in range(3):
        add(world, i)
    add(world, 3, body="a" * 120_000)
    add(world, 4, body="b" * 120_000)  # pages of 3: this page is ~240 KB
    for i in range(5, 9):
        add(world, i)
    drained = drain(world.connector(), INBOX, None)
    assert len(drained.messages) == 9 and not skipped(drained)
    sizes = [next(p for p in r.prefer if p.startswith("odata.maxpagesize="))
             for r in fake.graph_requests()]
    assert "odata.maxpagesize=1" in sizes and sizes[0] == "odata.maxpagesize=3"
    assert sizes[-1] == "odata.maxpagesize=3"  # back to full pages afterwards


@pytest.mark.parametrize("links_last", [False, True])
def test_item_too_large_even_alone_is_skipped_and_the_stream_goes_on(
        world: GraphWorld, fake: FakeMicrosoft, monkeypatch: pytest.MonkeyPatch,
        links_last: bool) -> None:
    monkeypatch.setattr(graph, "MAX_RESPONSE_BYTES", 200_000)
    fake.graph.links_last = links_last
    for i in range(4):
        add(world, i)
    big_id, _ = add(world, 4, body="z" * 300_000, no_size=True)
    for i in range(5, 8):
        add(world, i)
    drained = drain(world.connector(), INBOX, None)
    assert len(drained.messages) == 7 and big_id not in {m.source_id for m in drained.messages}
    lines = skipped(drained)
    assert len(lines) == 1 and lines[0].startswith(f"{big_id}: Microsoft 365 (")
    assert "over the 200,000-byte limit; skipped without being read" in lines[0]
    add(world, 9)
    again = drain(world.connector(), INBOX, drained.cursor)
    assert [m.subject for m in again.messages] == [message(9, "inbox", world.rep_email).subject]


def test_batch_answer_over_the_cap_lets_each_stream_ask_itself(
        world: GraphWorld, fake: FakeMicrosoft, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = world.connector()
    assert isinstance(conn, MicrosoftConnector)
    cursors = {s.name: drain(conn, s, None).cursor for s in conn.streams()}
    add(world, 1, body="c" * 150_000)
    add(world, 2, body="d" * 150_000)
    monkeypatch.setattr(graph, "MAX_RESPONSE_BYTES", 200_000)
    conn.prefetch(cursors)
    assert not conn._prefetched  # the batch was not read
    drained = drain(conn, INBOX, cursors["mail:inbox"])
    assert len(drained.messages) == 2 and not skipped(drained)


def test_a_refused_size_expand_still_reads_the_mail(world: GraphWorld, fake: FakeMicrosoft,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """Graph documents the $expand on message delta; a tenant that answers it with 400 must
    not stop the mail stream: the first request is asked again without it."""
    fake.graph.refuse_expand = True
    for i in range(3):
        add(world, i)
    drained = drain(world.connector(), INBOX, None)
    first, second, *_ = fake.graph_requests()
    assert "$expand" in first.query and "$expand" not in second.query
    assert second.query["$filter"] == first.query["$filter"]
    assert len(drained.messages) == 3 and not skipped(drained)
    assert "refused the message-size $expand" in caplog.text
