"""A 20,000-message Inbox: the window bounds the work, batches are resumable, and an
unchanged round is one EXAMINE however big the folder is.

15,000 messages arrived before the 90-day window (a long-lived mailbox) and 5,000
inside it. Only the 5,000 are fetched and parsed: MIME parsing, not IMAP, is what
costs time here (a few milliseconds per message on a loaded CI machine).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from dealnudge.connectors.base import Stream

from tests.conformance import drain, message
from tests.imap.conftest import NOW, ImapWorld, mime
from tests.imap.test_imap_mail import commands

OLD, RECENT = 15_000, 5_000


@pytest.mark.slow
def test_twenty_thousand_message_mailbox(world: ImapWorld) -> None:
    world.page_size = 500
    old = [message(i, "inbox", world.rep_email) for i in range(OLD)]
    world.dovecot.write_maildir(world.rep_email, [mime(s) for s in old],
                                received=NOW - dt.timedelta(days=200))
    recent = [message(OLD + i, "inbox", world.rep_email) for i in range(RECENT)]
    world.dovecot.write_maildir(world.rep_email, [mime(s) for s in recent],
                                received=NOW - dt.timedelta(days=3))
    inbox = Stream("mail:inbox", "mail")
    conn = world.connector()
    started = time.monotonic()
    full = drain(conn, inbox, None)
    time.monotonic() - started
    conn.close()
    assert len({m.source_id for m in full.messages}) == RECENT == len(full.messages)
    assert {m.subject for m in full.messages} == {s.subject for s in recent}
    assert len(full.pages) == RECENT // 500
    assert all(p.cursor for p in full.pages), "every page must be resumable"
    assert world.progress[-1] == ("mail:inbox", RECENT, RECENT)
    assert len(full.cursor or "") < 20 * RECENT  # the UID map stays compact
    world.dovecot.clear_rawlog(world.rep_email)
    conn = world.connector()
    again = drain(conn, inbox, full.cursor)
    conn.close()
    assert again.messages == [] and again.deleted == []
    assert [c for c in commands(world) if c != "LOGOUT"] == ["EXAMINE"]
