"""Gmail sync at the wire: the requests made, cursors, batches and fault recovery."""

from __future__ import annotations

import datetime as dt

import pytest
from dealnudge.connectors.base import (
    AdminError,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    TransientError,
)
from dealnudge.connectors.google.connector import MAIL
from dealnudge.connectors.google.gmail import EXCLUSIONS, MailCursor

from tests.conformance import drain, message
from tests.google.fake_google import FakeGoogle, Recorded
from tests.google.world import NOW, GoogleWorld, make_config

REP = "rep@northwind.example"


def _paths(fake: FakeGoogle) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] if "/messages/" in r.path else r.path
            for r in fake.api_requests()]


def _gets(fake: FakeGoogle) -> list[Recorded]:
    return [r for r in fake.api_requests() if "/messages/" in r.path and r.method == "GET"]


def test_full_sync_asks_for_the_window_without_noise(world: GoogleWorld) -> None:
    world.add_message(message(1, "inbox", REP))
    world.add_message(message(2, "sent", REP))
    for label in ("DRAFT", "SPAM", "TRASH", "CATEGORY_PROMOTIONS", "CATEGORY_SOCIAL", "CHAT"):
        world.add_message(message(3, "inbox", REP), labels=[label])
    old = message(4, "inbox", REP)
    world.add_message(old.__class__(**{**old.__dict__, "sent_at": NOW - dt.timedelta(days=91)}))
    out = drain(world.connector(), MAIL, None)
    assert sorted(m.subject for m in out.messages) == ["Pilot plan 1 / 试用计划",
                                                       "Pilot plan 2 / 试用计划"]
    assert {m.folder for m in out.messages} == {"inbox", "sent"}
    listing = next(r for r in world.fake.api_requests() if r.path.endswith("/messages"))
    after = int((NOW - dt.timedelta(days=90)).timestamp())
    assert listing.query["q"] == [f"after:{after} {EXCLUSIONS}"]
    assert listing.query["maxResults"] == ["3"] and "pageToken" not in listing.query
    assert all(r.query["format"] == ["raw"] and r.batch is not None for r in _gets(world.fake))
    assert all(m.thread_id for m in out.messages)
    for m in out.messages:  # the thread in the rep's own Gmail, from the stored thread id
        assert m.web_link == f"https://mail.google.com/mail/u/{REP}/#all/{m.thread_id}"
    profile = world.fake.mailbox(REP).history_id
    assert MailCursor.decode(out.cursor or "").history_id == str(profile)


def test_bodies_come_in_batches_of_at_most_batch_size(fake: FakeGoogle, key_file: object) -> None:
    config = make_config(fake, key_file, [REP], page_size=500, batch_size=50)  # type: ignore[arg-type]
    world = GoogleWorld(fake, config)
    for i in range(120):
        world.add_message(message(i, "inbox", REP))
    out = drain(world.connector(), MAIL, None)
    assert len({m.source_id for m in out.messages}) == 120
    assert fake.batch_sizes() == [50, 50, 20]
    envelopes = [r for r in fake.requests if r.path == "/batch/gmail/v1"]
    assert len(envelopes) == 3


def test_incremental_uses_history_and_reports_deletions(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", REP))
    conn = world.connector()
    first = drain(conn, MAIL, None)
    start = MailCursor.decode(first.cursor or "").history_id
    world.add_message(message(1, "sent", REP))
    world.add_message(message(2, "inbox", REP), labels=["DRAFT"])
    world.delete_message("m0")
    before = len(world.fake.api_requests())
    later = drain(world.connector(), MAIL, first.cursor)
    assert [m.subject for m in later.messages] == ["Pilot plan 1 / 试用计划"]
    assert later.messages[0].folder == "sent"
    assert later.deleted == [world.message_ids["m0"]]
    history = [r for r in world.fake.api_requests()[before:] if r.path.endswith("/history")]
    assert history[0].query["startHistoryId"] == [start]
    assert history[0].query["historyTypes"] == ["messageAdded", "messageDeleted"]
    assert MailCursor.decode(later.cursor or "").history_id == \
        str(world.fake.mailbox(REP).history_id)


def test_history_pages_resume_after_a_crash(world: GoogleWorld) -> None:
    conn = world.connector()
    first = drain(conn, MAIL, None)
    for i in range(8):
        world.add_message(message(i, "inbox", REP))
    pages = world.connector().sync(MAIL, first.cursor)
    page1 = next(pages)  # stored, then the process dies
    assert page1.cursor is not None and not page1.complete
    rest = drain(world.connector(), MAIL, page1.cursor)
    ids = [m.source_id for m in page1.messages + rest.messages]
    assert len(ids) == len(set(ids)) == 8


def test_full_sync_resumes_from_its_page_after_a_crash(world: GoogleWorld) -> None:
    for i in range(7):
        world.add_message(message(i, "inbox", REP))
    page1 = next(world.connector().sync(MAIL, None))
    world.add_message(message(20, "inbox", REP))  # arrives while we are down
    rest = drain(world.connector(), MAIL, page1.cursor)
    listings = [r for r in world.fake.api_requests() if r.path.endswith("/messages")]
    assert len(listings) == 3 and all("pageToken" in r.query for r in listings[1:])
    ids = [m.source_id for m in page1.messages + rest.messages]
    assert len(ids) == len(set(ids)) == 7
    newer = drain(world.connector(), MAIL, rest.cursor)
    assert [m.subject for m in newer.messages] == ["Pilot plan 20 / 试用计划"]


def test_history_404_is_cursor_expired_and_full_sync_recovers(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", REP))
    first = drain(world.connector(), MAIL, None)
    world.fake.mailbox(REP).expire_history()
    with pytest.raises(CursorExpired):
        drain(world.connector(), MAIL, first.cursor)
    again = drain(world.connector(), MAIL, None)
    assert [m.subject for m in again.messages] == ["Pilot plan 0 / 试用计划"]
    assert drain(world.connector(), MAIL, again.cursor).messages == []


def test_other_404s_are_not_cursor_expiry(world: GoogleWorld) -> None:
    world.fake.stub(lambda r: r.path.endswith("/messages"), 404, reason="notFound")
    with pytest.raises(ConnectorError) as caught:
        drain(world.connector(), MAIL, None)
    assert not isinstance(caught.value, CursorExpired)
    assert caught.value.kind is ErrorKind.BUG


def test_partly_failed_batch_is_requeued_with_backoff(world: GoogleWorld) -> None:
    for i in range(3):
        world.add_message(message(i, "inbox", REP))
    slow, broken = world.message_ids["m0"], world.message_ids["m1"]
    world.fake.stub(lambda r: r.batch is not None and r.path.endswith(slow), 429,
                    reason="rateLimitExceeded", headers={"Retry-After": "9"})
    world.fake.stub(lambda r: r.batch is not None and r.path.endswith(broken), 500, times=2)
    out = drain(world.connector(), MAIL, None)
    assert len({m.source_id for m in out.messages}) == 3
    assert world.fake.batch_sizes() == [3, 2, 1]
    assert world.sleeps and world.sleeps[0] >= 9


def test_message_deleted_before_fetch_is_a_deletion(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", REP))
    gone = world.add_message(message(1, "inbox", REP))
    world.fake.stub(lambda r: r.batch is not None and r.path.endswith(gone), 404,
                    reason="notFound")
    out = drain(world.connector(), MAIL, None)
    assert [m.subject for m in out.messages] == ["Pilot plan 0 / 试用计划"]
    assert out.deleted == [gone]


@pytest.mark.parametrize(("status", "reason"), [(500, "backendError"), (503, "backendError"),
                                           (403, "userRateLimitExceeded"),
                                           (403, "rateLimitExceeded")])
def test_transient_failures_are_retried(world: GoogleWorld, status: int, reason: str) -> None:
    world.add_message(message(0, "inbox", REP))
    world.fake.stub(lambda r: r.path.endswith("/messages"), status, reason=reason, times=2)
    out = drain(world.connector(), MAIL, None)
    assert len(out.messages) == 1
    assert len(world.sleeps) == 2 and all(s >= 1 for s in world.sleeps)


def test_retries_give_up_as_transient_error(world: GoogleWorld) -> None:
    world.fake.stub(lambda r: r.path.endswith("/profile"), 503, times=6)
    with pytest.raises(TransientError):
        drain(world.connector(), MAIL, None)
    assert len([r for r in world.fake.api_requests() if r.path.endswith("/profile")]) == 6


@pytest.mark.parametrize("reason", ["domainPolicy", "accessNotConfigured",
                                    "insufficientPermissions"])
def test_policy_refusals_are_admin_errors_and_not_retried(world: GoogleWorld,
                                                          reason: str) -> None:
    world.fake.stub(lambda r: r.path.endswith("/profile"), 403, reason=reason)
    with pytest.raises(AdminError) as caught:
        drain(world.connector(), MAIL, None)
    assert REP in str(caught.value) and world.sleeps == []


def test_client_side_budget_paces_a_backfill(fake: FakeGoogle, key_file: object) -> None:
    config = make_config(fake, key_file, [REP], page_size=500,  # type: ignore[arg-type]
                         quota_units_per_minute=300)
    world = GoogleWorld(fake, config)
    for i in range(100):
        world.add_message(message(i, "inbox", REP))
    conn = world.connector()
    drain(conn, MAIL, None)
    units = 1 + 5 + 100 * 5
    assert conn.gmail_caller.stats.units == units
    # the bucket starts full (300 units); the rest is paced at 300 units a minute
    assert sum(world.sleeps) == pytest.approx((units - 300) / 5, rel=0.05)


def test_a_stale_saved_page_token_restarts_the_full_sync(world: GoogleWorld) -> None:
    for i in range(4):
        world.add_message(message(i, "inbox", REP))
    stale = MailCursor("1", int((NOW - dt.timedelta(days=90)).timestamp()), "pGONE").encode()
    out = drain(world.connector(), MAIL, stale)
    assert len({m.source_id for m in out.messages}) == 4
    assert out.pages[-1].full and MailCursor.decode(out.cursor or "").page_token is None
