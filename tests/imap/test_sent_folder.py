"""Which sent folder is read when the server flags none (Courier-like layouts), on the
real Dovecot: the folder holding the rep's own mail, a warning when several hold mail,
and ``sent_folder:`` to settle it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from dealnudge.connectors.base import Stream
from dealnudge.connectors.imap.cursor import FolderCursor
from dealnudge.connectors.imap.folders import FolderUse, choose_sent

from tests.conformance import drain, message
from tests.imap.conftest import ImapWorld, mime
from tests.imap.servers import Dovecot, LocalCA, Radicale

SENT = Stream("mail:sent", "mail")


def courier_like(dovecot: Dovecot, radicale: Radicale, ca: LocalCA,
                 folders: list[str]) -> ImapWorld:
    """No folder flagged \\Sent (the flagged ``Sent`` is removed); the given ones instead."""
    world = ImapWorld(dovecot, radicale, ca)
    with world.imap() as c:
        c.delete_folder("Sent")
        for name in folders:
            c.create_folder(name)
        assert not any(b"\\Sent" in flags for flags, _, _ in c.list_folders())
    return world


@pytest.fixture
def courier(dovecot: Dovecot, radicale: Radicale, ca: LocalCA) -> Iterator[ImapWorld]:
    world = courier_like(dovecot, radicale, ca, ["INBOX/Sent", "INBOX/Sent Items", "Drafts"])
    yield world
    world.close()


def test_the_folder_with_the_reps_mail_wins_over_an_empty_one(courier: ImapWorld) -> None:
    mine = message(1, "sent", courier.rep_email)
    courier.append("INBOX/Sent Items", mime(mine), mine.sent_at)
    page = drain(courier.connector(), SENT, None)
    assert [m.subject for m in page.messages] == [mine.subject]
    assert FolderCursor.loads(page.cursor or "").folder == "INBOX/Sent Items"


def test_rep_mail_beats_a_bigger_folder_of_other_mail_and_is_warned(
        courier: ImapWorld, caplog: pytest.LogCaptureFixture) -> None:
    for i in range(3):  # a shared archive: more mail, none of it the rep's
        other = message(10 + i, "inbox", courier.rep_email)
        courier.append("INBOX/Sent", mime(other), other.sent_at)
    mine = message(1, "sent", courier.rep_email)
    courier.append("INBOX/Sent Items", mime(mine), mine.sent_at)
    with caplog.at_level(logging.WARNING, logger="dealnudge.connectors.imap"):
        page = drain(courier.connector(), SENT, None)
    assert [m.subject for m in page.messages] == [mine.subject]
    warned = [r.getMessage() for r in caplog.records if "sent folder" in r.getMessage()]
    assert len(warned) == 1 and "'INBOX/Sent' (3 messages, 0 from the rep)" in warned[0]
    assert "set sent_folder" in warned[0]


def test_sent_folder_overrides_and_moves_an_existing_cursor(courier: ImapWorld) -> None:
    mine = message(1, "sent", courier.rep_email)
    courier.append("INBOX/Sent Items", mime(mine), mine.sent_at)
    first = drain(courier.connector(), SENT, None)
    assert FolderCursor.loads(first.cursor or "").folder == "INBOX/Sent Items"
    other = message(2, "sent", courier.rep_email)
    courier.append("INBOX/Sent", mime(other), other.sent_at)
    later = drain(courier.connector(sent_folder="inbox/sent"), SENT, first.cursor)
    assert [m.subject for m in later.messages] == [other.subject]
    assert FolderCursor.loads(later.cursor or "").folder == "INBOX/Sent"


def test_a_configured_sent_folder_that_does_not_exist_is_said(courier: ImapWorld) -> None:
    page = drain(courier.connector(sent_folder="Envoyés"), SENT, None)
    assert page.messages == [] and any("sent_folder" in s for p in page.pages for s in p.skipped)


def test_choosing_reads_nothing_and_writes_nothing(courier: ImapWorld) -> None:
    mine = message(1, "sent", courier.rep_email)
    courier.append("INBOX/Sent Items", mime(mine), mine.sent_at)
    before = courier.flags("INBOX/Sent Items")
    courier.dovecot.clear_rawlog(courier.rep_email)
    drain(courier.connector(), SENT, None)
    log = courier.dovecot.rawlog(courier.rep_email)
    assert "STATUS" in log and "SEARCH" in log
    assert not any(f" {cmd} " in log for cmd in ("SELECT", "STORE", "EXPUNGE", "APPEND", "COPY"))
    assert courier.flags("INBOX/Sent Items") == before


def test_choice_rules_without_a_server() -> None:
    listing = [((), b".", "INBOX"), ((), b".", "INBOX.Sent"), ((), b".", "INBOX.Sent Items"),
               ((b"\\HasNoChildren",), b".", "INBOX.已发送")]
    uses = {"INBOX.Sent": FolderUse(0, 0), "INBOX.Sent Items": FolderUse(4, 4),
            "INBOX.已发送": FolderUse(9, 1)}
    choice = choose_sent(listing, uses.__getitem__)
    assert choice.folder == "INBOX.Sent Items" and choice.ambiguous
    flagged = [*listing, ((b"\\Sent",), b".", "INBOX.Outbox")]
    assert choose_sent(flagged, uses.__getitem__).folder == "INBOX.Outbox"
    assert choose_sent(listing, uses.__getitem__, "INBOX.SENT").folder == "INBOX.Sent"
    # Courier's dotted names count even on a server whose delimiter is "/"
    slash = [((), b"/", "INBOX"), ((), b"/", "INBOX.Sent Messages")]
    assert choose_sent(slash, None).folder == "INBOX.Sent Messages"
    only_empty = [((), b".", "INBOX.Sent"), ((), b".", "INBOX.Sent Items")]
    quiet = choose_sent(only_empty, lambda n: FolderUse(0, 0))
    assert quiet.folder == "INBOX.Sent" and not quiet.ambiguous
