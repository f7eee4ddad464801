"""Mail delta at the wire: headers, query options, paging, replays, deletions, faults."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from dealnudge.connectors.base import CursorExpired, Stream, TransientError

from tests.conformance import drain, message
from tests.microsoft.server import Reply
from tests.microsoft.world import NOW, FakeMicrosoft, GraphWorld

INBOX = Stream("mail:inbox", "mail")
SENT = Stream("mail:sent", "mail")


def test_first_request_carries_query_options_and_follow_ups_only_tokens(
        world: GraphWorld, fake: FakeMicrosoft) -> None:
    for i in range(7):
        world.add_message(message(i, "inbox", world.rep_email))
    drained = drain(world.connector(), INBOX, None)
    assert len(drained.messages) == 7 and len(drained.pages) == 3
    calls = fake.graph_requests()
    assert len(calls) == 3
    first, *rest = calls
    since = (NOW - dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert first.path == f"/v1.0/users/{world.rep_email}/mailFolders/inbox/messages/delta"
    assert first.query["$filter"] == f"receivedDateTime ge {since}"
    assert "body" in first.query["$select"].split(",")
    assert all(set(r.query) == {"$skiptoken"} for r in rest)
    for request in calls:
        assert 'IdType="ImmutableId"' in request.prefer
        assert "odata.maxpagesize=3" in request.prefer
        assert 'outlook.body-content-type="text"' in request.prefer
        assert request.header("Authorization").startswith("Bearer at-")


def test_cursor_is_the_absolute_delta_link_and_intermediate_pages_resume(
        world: GraphWorld, fake: FakeMicrosoft) -> None:
    for i in range(4):
        world.add_message(message(i, "inbox", world.rep_email))
    drained = drain(world.connector(), INBOX, None)
    assert f"https://127.0.0.1:{fake.server.port}/v1.0/" in drained.pages[0].cursor  # type: ignore[operator]
    assert "$skiptoken" in drained.pages[0].cursor and not drained.pages[0].complete  # type: ignore[operator]
    assert "$deltatoken" in drained.cursor  # type: ignore[operator]


def test_crash_between_pages_resumes_without_loss_or_duplicates(world: GraphWorld,
                                                                fake: FakeMicrosoft) -> None:
    for i in range(8):
        world.add_message(message(i, "inbox", world.rep_email))
    pages = world.connector().sync(INBOX, None)
    stored = {m.source_id for m in next(pages).messages}
    cursor = None
    second = next(pages)
    stored |= {m.source_id for m in second.messages}
    cursor = second.cursor  # both pages committed; the process dies here
    rest = drain(world.connector(), INBOX, cursor)
    again = [m.source_id for m in rest.messages]
    assert not stored & set(again) and len(stored | set(again)) == 8
    assert fake.graph_requests()[-1].query.keys() == {"$skiptoken"}


def test_removed_items_and_replays(world: GraphWorld, fake: FakeMicrosoft) -> None:
    for i in range(5):
        world.add_message(message(i, "inbox", world.rep_email))
    fake.graph.replay = True  # Graph may repeat an item on the next page
    first = drain(world.connector(), INBOX, None)
    assert sorted(m.subject for m in first.messages) == sorted({m.subject for m in first.messages})
    assert len(first.messages) == 5
    world.delete_message("m2")
    later = drain(world.connector(), INBOX, first.cursor)
    assert later.deleted == [world.keys["m2"][1]] and later.messages == []


def test_expired_delta_token_is_cursor_expired_for_that_folder_only(
        world: GraphWorld, fake: FakeMicrosoft) -> None:
    world.add_message(message(0, "inbox", world.rep_email))
    world.add_message(message(1, "sent", world.rep_email))
    conn = world.connector()
    inbox, sent = drain(conn, INBOX, None), drain(conn, SENT, None)
    fake.server.script(lambda r: "/mailFolders/inbox/" in r.path and "$deltatoken" in r.query,
                       Reply(410, b""), "410 inbox")
    with pytest.raises(CursorExpired):
        drain(conn, INBOX, inbox.cursor)
    assert drain(conn, SENT, sent.cursor).messages == []


@pytest.mark.parametrize(("status", "code"), [(400, "resyncRequired"), (410, "syncStateNotFound")])
def test_sync_state_codes_mean_cursor_expired(world: GraphWorld, fake: FakeMicrosoft,
                                              status: int, code: str) -> None:
    world.add_message(message(0, "inbox", world.rep_email))
    first = drain(world.connector(), INBOX, None)
    fake.server.script(lambda r: "$deltatoken" in r.query,
                       Reply.graph_error(status, code, "Resync."), code)
    with pytest.raises(CursorExpired):
        drain(world.connector(), INBOX, first.cursor)


def test_503_and_429_are_retried_honouring_retry_after(world: GraphWorld,
                                                       fake: FakeMicrosoft) -> None:
    world.add_message(message(0, "inbox", world.rep_email))
    fake.throttle(times=2, retry_after=0, status=503)
    fake.throttle(times=1, retry_after=30)
    drained = drain(world.connector(), INBOX, None)
    assert len(drained.messages) == 1
    assert len(world.sleeps) == 3 and max(world.sleeps) >= 30 and min(world.sleeps) >= 1


def test_persistent_throttling_gives_up_as_transient(world: GraphWorld,
                                                     fake: FakeMicrosoft) -> None:
    fake.throttle(times=6, retry_after=5)
    with pytest.raises(TransientError):
        drain(world.connector(), INBOX, None)
    assert len(world.sleeps) == 5


def test_request_budget_per_mailbox_waits_on_the_injected_clock(fake: FakeMicrosoft) -> None:
    world = GraphWorld(fake)
    world.config = fake.config([world.rep_email], page_size=1, requests_per_10_minutes=2)
    for i in range(3):
        world.add_message(message(i, "inbox", world.rep_email))
    assert len(drain(world.connector(), INBOX, None).messages) == 3
    assert world.sleeps and sum(world.sleeps) >= 290  # 2 per 600 s: the 3rd waits ~300 s


def test_auto_replies_drafts_and_window(world: GraphWorld, fake: FakeMicrosoft) -> None:
    base = message(1, "inbox", world.rep_email)
    world.add_message(base.__class__(**{**base.__dict__, "key": "ar",
                                        "subject": "自动回复: Pilot plan"}))
    world.add_message(base.__class__(**{**base.__dict__, "key": "old",
                                        "sent_at": NOW - dt.timedelta(days=120)}))
    draft_id = fake.add_message(world.rep_email, base.__class__(**{**base.__dict__, "key": "d"}))
    fake.graph.mailboxes[world.rep_email].collections["inbox"][draft_id].doc["isDraft"] = True
    got = drain(world.connector(), INBOX, None).messages
    assert [(m.subject, m.is_auto_reply) for m in got] == [("自动回复: Pilot plan", True)]
    assert got[0].message_id == "ar@acme.example" and got[0].thread_id == "conv-ar"
    assert got[0].web_link is not None  # Outlook on the web, from Graph's webLink
    assert got[0].web_link.startswith("https://outlook.office365.com/owa/?ItemID=")


def test_concurrent_streams_share_the_mailbox_limit(fake: FakeMicrosoft) -> None:
    world = GraphWorld(fake)
    world.config = fake.config([world.rep_email], page_size=1, max_concurrency=2)
    for i in range(3):
        world.add_message(message(i, "inbox", world.rep_email))
        world.add_message(message(i + 10, "sent", world.rep_email))
    fake.server.delay = 0.02
    results: list[int] = []

    def run(stream: Stream) -> None:
        results.append(len(drain(world.connector(), stream, None).messages))

    threads = [threading.Thread(target=run, args=(s,)) for s in (INBOX, SENT) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [3] * 6
    assert fake.server.max_in_flight == 2  # 6 parallel syncs, never more than the limit


def test_html_body_is_reduced_to_text_if_the_preference_is_ignored() -> None:
    from dealnudge.connectors.microsoft.mapping import parse_message
    item = {"id": "x", "sentDateTime": "2026-03-02T10:00:00Z", "subject": "Hi",
            "body": {"contentType": "html", "content": "<html><head><style>p{}</style></head>"
                     "<body><p>Thursday &amp; Friday</p><p>下周三</p></body></html>"}}
    assert parse_message(item, "inbox").body_text == "Thursday & Friday\n下周三"
