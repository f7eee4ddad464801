"""The pure parts of the IMAP connector: cursor encoding, folder choice, change test."""

from __future__ import annotations

import pytest
from dealnudge.connectors.base import CursorExpired
from dealnudge.connectors.imap.calendar import mode_of
from dealnudge.connectors.imap.cursor import FolderCursor, parse_uid_set, uid_set
from dealnudge.connectors.imap.folders import find_sent
from dealnudge.connectors.imap.mail import FolderState, record_key
from hypothesis import given
from hypothesis import strategies as st


@given(st.sets(st.integers(min_value=1, max_value=5000), max_size=200))
def test_uid_set_round_trips(uids: set[int]) -> None:
    ordered = sorted(uids)
    assert parse_uid_set(uid_set(ordered)) == ordered


def test_uid_set_is_compact() -> None:
    assert uid_set([1, 2, 3, 7, 9, 10]) == "1:3,7,9:10"


def test_cursor_round_trip_and_garbage() -> None:
    cur = FolderCursor(folder="已发送", uidvalidity=7, last_uid=9, uidnext=10, exists=3,
                       highestmodseq=None, since="2026-01-01",
                       keys={2: "a" * 12, 3: "b" * 12, 9: "c" * 12})
    assert FolderCursor.loads(cur.dumps()) == cur
    with pytest.raises(CursorExpired):
        FolderCursor.loads('{"folder": "INBOX"}')


def test_sent_folder_choice() -> None:
    flagged: list[tuple[tuple[bytes, ...], bytes | None, str]] = [((b"\\HasNoChildren",), b"/", "已发送"), ((b"\\Sent",), b"/", "Gesendet")]
    assert find_sent(flagged) == "Gesendet"
    named: list[tuple[tuple[bytes, ...], bytes | None, str]] = [((), b".", "INBOX"), ((), b".", "INBOX.已发送邮件"), ((), b".", "Sent Items")]
    assert find_sent(named) == "Sent Items"  # English names rank first, then Chinese
    assert find_sent([((), b"/", "INBOX"), ((), b"/", "已发邮件")]) == "已发邮件"
    assert find_sent([((b"\\Noselect",), b"/", "Sent"), ((), b"/", "INBOX")]) is None


def test_unchanged_means_uidnext_and_exists_or_same_modseq() -> None:
    cur = FolderCursor(folder="INBOX", uidvalidity=1, uidnext=10, exists=5, highestmodseq=40)
    assert FolderState(1, 10, 5, 41).same_as(cur)  # flags changed only
    assert FolderState(1, 10, 5, None).same_as(cur)  # server without CONDSTORE
    assert not FolderState(1, 11, 5, 41).same_as(cur)  # new mail
    assert not FolderState(1, 10, 4, 41).same_as(cur)  # expunge


def test_record_key_prefers_message_id() -> None:
    a = b"Message-ID: <x@y>\r\nSubject: one\r\n\r\nbody"
    b = b"Subject: two\r\nMessage-Id:   <x@y> \r\n\r\nother body"
    assert record_key(a) == record_key(b)
    assert record_key(b"Subject: s\r\nFrom: a@b\r\n\r\n1") != record_key(b"Subject: t\r\n\r\n1")


def test_calendar_location_kinds() -> None:
    assert mode_of("https://dav.example.net/li/calendar/") == "caldav"
    assert mode_of("https://cal.example.net/li.ics?token=1") == "feed"
    assert mode_of("webcal://cal.example.net/li") == "feed"
    assert mode_of("/srv/cal/li.ics") == "file"
