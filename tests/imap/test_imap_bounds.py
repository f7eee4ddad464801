"""A message over the size cap is never fetched whole from Dovecot.

The cap is lowered to 300,000 bytes for these tests; the big message carries a
600 KB attachment. Dovecot's rawlog (every command the connector sent) shows which
UIDs were fetched with ``BODY.PEEK[]`` and which only had their header read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from email.message import EmailMessage as Mime
from email.utils import format_datetime
from pathlib import Path

import pytest
from dealnudge.connectors.base import Stream
from dealnudge.connectors.imap import mail
from dealnudge.connectors.imap.cursor import FolderCursor, parse_uid_set
from dealnudge.store import Store

from dealnudge.pipeline import run_analysis, sync_all
from tests.conformance import EventSpec, drain, message
from tests.imap.conftest import NOW, ImapWorld

INBOX = Stream("mail:inbox", "mail")
CAP = 300_000
FETCH = re.compile(r"^\d+\.\d+ \S+ UID FETCH (\S+) \((.*)\)\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "MAX_MESSAGE_BYTES", CAP)


def big_message(rep: str, when: dt.datetime = NOW - dt.timedelta(days=2)) -> bytes:
    msg = Mime()
    msg["From"], msg["To"] = rep, "buyer@acme.example"
    msg["Subject"] = "Proposal and the signed order form"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = "<deck.1@test.northwind.example>"
    msg.set_content("Attached: the proposal. We will call you on Friday at 10:00.")
    msg.add_attachment(os.urandom(450_000), maintype="application", subtype="pdf",
                       filename="proposal.pdf")
    raw = msg.as_bytes()
    assert len(raw) > 2 * CAP
    return raw


def fetches(world: ImapWorld) -> list[tuple[set[int], str]]:
    """(UIDs, items) of every UID FETCH the connector sent."""
    log = world.dovecot.rawlog(world.rep_email)
    return [(set(parse_uid_set(uids)), items) for uids, items in FETCH.findall(log)]


def body_fetched(world: ImapWorld, uid: int) -> bool:
    return any(uid in uids and "BODY.PEEK[]" in items for uids, items in fetches(world))


def seed(world: ImapWorld) -> int:
    """Two messages, the big one, two more; returns the big one's UID."""
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(2)])
    world.append("INBOX", big_message(world.rep_email), NOW - dt.timedelta(days=2))
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(2, 4)])
    with world.imap() as c:
        c.select_folder("INBOX", readonly=True)
        found = c.search(["HEADER", "Message-ID", "deck.1"])
        sizes = c.fetch(found, ["RFC822.SIZE"])
    assert len(found) == 1 and sizes[found[0]][b"RFC822.SIZE"] > CAP
    return int(found[0])


def test_oversized_message_is_skipped_by_its_size_and_never_fetched(world: ImapWorld) -> None:
    world.page_size = 2  # the big one shares a batch with a normal message
    big = seed(world)
    world.dovecot.clear_rawlog(world.rep_email)
    first = drain(world.connector(), INBOX, None)

    skipped = [s for p in first.pages for s in p.skipped]
    assert len(skipped) == 1, skipped
    assert skipped[0].startswith(f"mail:inbox UID {big} in 'INBOX': the message is ")
    assert "over the 300,000-byte limit; only its headers are kept" in skipped[0]
    assert not body_fetched(world, big), fetches(world)
    assert any(big in uids and "BODY.PEEK[HEADER]<0." in items for uids, items in fetches(world))
    assert all(big not in uids or items == "BODY.PEEK[HEADER]<0.262144>"
               or items == "RFC822.SIZE" for uids, items in fetches(world))

    # the four normal messages are stored whole; the big one as headers only
    assert len(first.messages) == 5
    deck = next(m for m in first.messages if m.message_id == "deck.1@test.northwind.example")
    assert deck.body_text == "" and deck.subject == "Proposal and the signed order form"
    assert [a.email for a in deck.to] == ["buyer@acme.example"] and deck.folder == "inbox"
    assert all(m.body_text for m in first.messages if m is not deck)
    assert first.cursor is not None
    assert FolderCursor.loads(first.cursor).last_uid >= big

    # the next round neither reads it again nor is held up by it
    world.add_message(message(9, "inbox", world.rep_email))
    world.dovecot.clear_rawlog(world.rep_email)
    again = drain(world.connector(), INBOX, first.cursor)
    assert [m.subject for m in again.messages] == [message(9, "inbox", world.rep_email).subject]
    assert not [s for p in again.pages for s in p.skipped]
    assert all(big not in uids for uids, _ in fetches(world)), fetches(world)


def test_newest_message_oversized_still_moves_the_cursor(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(2)])
    world.append("INBOX", big_message(world.rep_email), NOW - dt.timedelta(days=1))
    first = drain(world.connector(), INBOX, None)
    cursor = FolderCursor.loads(first.cursor or "")
    assert cursor.complete and cursor.last_uid == 3 and len(cursor.keys) == 3
    world.dovecot.clear_rawlog(world.rep_email)
    again = drain(world.connector(), INBOX, first.cursor)
    assert again.messages == [] and not [s for p in again.pages for s in p.skipped]
    assert fetches(world) == []


def test_header_of_an_oversized_message_is_read_only_up_to_its_cap(world: ImapWorld) -> None:
    raw = big_message(world.rep_email)
    head, body = raw.split(b"\n\n", 1)
    hops = b"".join(b"Received: from relay%d.example by mx.example; " % i + b"x" * 900 + b"\n"
                    for i in range(400))  # ~370 KB of header after the fields we need
    world.append("INBOX", head + b"\n" + hops + b"\n" + body, NOW - dt.timedelta(days=1))
    first = drain(world.connector(), INBOX, None)
    [deck] = first.messages
    assert deck.subject == "Proposal and the signed order form" and deck.body_text == ""
    assert deck.message_id == "deck.1@test.northwind.example"
    [(uids, items)] = [f for f in fetches(world) if "HEADER" in f[1]]
    assert items == f"BODY.PEEK[HEADER]<0.{mail.HEADER_BYTES}>" and uids == {1}


def test_server_without_sizes_falls_back_to_the_check_after_fetching(
        world: ImapWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    # Asking for FLAGS instead of RFC822.SIZE: Dovecot answers, but with no size in it,
    # as a server that leaves the item out would.
    monkeypatch.setattr(mail, "SIZE_ITEM", b"FLAGS")
    big = seed(world)
    world.dovecot.clear_rawlog(world.rep_email)
    first = drain(world.connector(), INBOX, None)
    assert body_fetched(world, big)  # the old way: fetched, then checked
    skipped = [s for p in first.pages for s in p.skipped]
    assert len(skipped) == 1 and f"UID {big} in 'INBOX'" in skipped[0]
    assert "only its headers are kept" in skipped[0]
    deck = next(m for m in first.messages if m.message_id == "deck.1@test.northwind.example")
    assert deck.body_text == ""
    assert len(first.messages) == 5


def test_oversized_follow_up_still_counts_and_is_reported(world: ImapWorld,
                                                          tmp_path: Path) -> None:
    """The reason to keep the header: a follow-up that carries the deck is a follow-up."""
    rep, buyer = world.rep_email, "buyer@acme.example"
    start = NOW - dt.timedelta(days=3)
    world.add_event(EventSpec(key="m1", uid="pilot-1@northwind.example", title="Acme pilot",
                              start=start, end=start + dt.timedelta(hours=1), organizer=rep,
                              attendees=((rep, "accepted"), (buyer, "accepted"))))
    sent_at = start + dt.timedelta(hours=3)
    world.append("Sent", big_message(rep, sent_at), sent_at)
    config = world.config()
    store = Store.open(f"sqlite:///{tmp_path / 'dealnudge.db'}")
    try:
        results = sync_all(config, store, world.ctx())
        assert results[0].ok and results[0].skipped == 1
        health = {h.stream: h for h in store.health() if h.rep == rep}
        assert health["imap:mail:sent"].skipped == 1
        assert "over the 300,000-byte limit" in health["imap:mail:sent"].skipped_reasons[0]
        kinds = {f.to_json()["kind"] for f in run_analysis(config, store, NOW)
                 if f.to_json()["rep"] == rep}
        assert "missing_follow_up" not in kinds
        stored = [m for _, m in store.messages(rep)]
        assert [(m.folder, m.body_text) for m in stored] == [("sent", "")]
    finally:
        store.close()


@pytest.mark.parametrize(("item", "size"), [
    ({b"RFC822.SIZE": 1234}, 1234), ({b"RFC822.SIZE": b"77"}, 77), ({}, None),
    ({b"RFC822.SIZE": None}, None), ({b"RFC822.SIZE": -1}, None),
    ({b"RFC822.SIZE": b"NIL"}, None), ({b"RFC822.SIZE": True}, None),
])
def test_odd_sizes_are_unknown(item: dict[bytes, object], size: int | None) -> None:
    assert mail.message_size(item) == size


def test_header_block_of_a_cut_header() -> None:
    assert mail.header_block(b"A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore") == b"A: 1\r\nB: 2\r\n\r\n"
    assert mail.header_block(b"A: 1\nB: 2\n\nbody\r\n\r\n") == b"A: 1\nB: 2\n\n"
    assert mail.header_block(b"A: 1\r\nB: half of a li") == b"A: 1\r\n\r\n"
    assert mail.header_block(b"no line end") == b"\r\n"
