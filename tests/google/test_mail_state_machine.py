"""Property test of the Gmail stream: any mix of new mail, deletions, expired history
and crashes between pages leaves the stored mailbox equal to the live one.

A "store" here is a dict applied page by page, exactly as the pipeline does (rows
and cursor together). After an expired cursor the full resync cannot report
messages deleted in the meantime, so from then on only "nothing live is missing"
is required. A message deleted while a round is left open by a crash may still be
stored when that round completes (its snapshot predates the deletion); the round
after it reports the deletion from history, and the model requires exactly that."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Generator
from pathlib import Path

import hypothesis.strategies as st
from dealnudge.connectors.base import CursorExpired
from dealnudge.connectors.google.connector import MAIL
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from dealnudge.records import SyncPage
from tests.conformance import message
from tests.google.fake_google import FakeGoogle
from tests.google.world import (
    ALL_GRANTED,
    CLIENT_EMAIL,
    NOW,
    GoogleWorld,
    make_config,
    make_key,
    write_key_file,
)

REP = "rep@northwind.example"
KEY = make_key()


class GmailSyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeGoogle(KEY.public_pem, CLIENT_EMAIL, set(ALL_GRANTED)).start()
        self.tmp = tempfile.TemporaryDirectory()
        key_file = write_key_file(Path(self.tmp.name) / "sa.json", KEY, self.fake.token_uri)
        self.world = GoogleWorld(self.fake, make_config(self.fake, key_file, [REP],
                                                        page_size=2, batch_size=3))
        self.conn = self.world.connector()
        self.stored: dict[str, str] = {}
        self.cursor: str | None = None
        self.count = 0
        self.stale_allowed = False
        self.open_round = False  # a crash left the cursor in the middle of a round
        self.late: set[str] = set()  # deleted while a round was open

    def live(self) -> set[str]:
        return {m.id for m in self.fake.mailbox(REP).messages.values() if "DRAFT" not in m.labels}

    @rule(folder=st.sampled_from(["inbox", "sent", "draft"]))
    def receive(self, folder: str) -> None:
        self.count += 1
        spec = message(self.count, "sent" if folder == "sent" else "inbox", REP)
        spec = spec.__class__(**{**spec.__dict__, "sent_at": NOW - dt.timedelta(hours=self.count)})
        self.world.add_message(spec, labels=["DRAFT"] if folder == "draft" else None)

    @precondition(lambda self: bool(self.fake.mailbox(REP).messages))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        victim = data.draw(st.sampled_from(sorted(self.fake.mailbox(REP).messages)))
        self.fake.mailbox(REP).delete(victim)
        if self.open_round:
            self.late.add(victim)

    @rule()
    def expire(self) -> None:
        self.fake.mailbox(REP).expire_history()

    def _apply(self, page: SyncPage) -> None:
        for msg in page.messages:
            self.stored[msg.source_id] = msg.subject
        for gone in page.deleted_ids:
            self.stored.pop(gone, None)
        if page.cursor is not None:
            self.cursor = page.cursor

    @rule(crash_after_first_page=st.booleans())
    def sync(self, crash_after_first_page: bool) -> None:
        resumed = self.open_round
        try:
            pages = self.conn.sync(MAIL, self.cursor)
            first = next(pages)
        except CursorExpired:
            self.cursor, self.stale_allowed = None, True
            pages = self.conn.sync(MAIL, None)
            first = next(pages)
        self._apply(first)
        if crash_after_first_page:
            assert isinstance(pages, Generator)  # dropped mid-round, as a crash would
            pages.close()
            self.open_round = True
            return
        for page in pages:
            self._apply(page)
        self.open_round = False
        live = self.live()
        assert live <= set(self.stored), live - set(self.stored)
        if not self.stale_allowed:
            stale = set(self.stored) - live
            assert stale <= (self.late if resumed else set()), stale
        self.late = set()

    def teardown(self) -> None:
        self.conn.close()
        self.fake.stop()
        self.tmp.cleanup()
        self.fake.verify()


TestGmailSyncMachine = GmailSyncMachine.TestCase
TestGmailSyncMachine.settings = settings(max_examples=8, stateful_step_count=10, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
