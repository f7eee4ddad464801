"""Property: whatever the sequence of runs, clock jumps, delivery failures and findings
coming and going, each rep gets at most one digest per local day, every day recorded as
sent was delivered exactly once, and a failed day is sent by a later run that works."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from dealnudge.config.schema import SmtpDelivery
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.timing import local_day
from dealnudge.store import Store
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.scheduler.factories import LI, SARAH, config, li, sarah, seed, standard_findings
from tests.scheduler.smtp_server import Handler, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
START = dt.datetime(2026, 3, 6, 0, 0, tzinfo=dt.UTC)  # a Friday; the DST change is on the 8th
TRANSIENT = "451 4.3.0 Try again later"


class NudgeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="nudge-machine-"))
        self.store = Store.open(f"sqlite:///{self.tmp / 'db.sqlite'}")
        self.handler = Handler()
        self.server = smtp_server(self.handler)
        port = self.server.__enter__()
        self.cfg = config(self.tmp, reps=[sarah(), li()], retry_attempts=2,
                          weekdays=["mon", "tue", "wed", "thu", "fri"],
                          delivery=SmtpDelivery(kind="smtp", host="127.0.0.1", port=port,
                                                starttls=False, timeout_seconds=5))
        self.now = START
        self.findings = standard_findings(SARAH) + standard_findings(LI)
        seed(self.store, self.findings, self.now, self.cfg)
        self.open = True

    def teardown(self) -> None:
        self.server.__exit__(None, None, None)
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(minutes=st.integers(min_value=1, max_value=30 * 60))
    def advance(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)

    @rule(open_=st.booleans())
    def findings_change(self, open_: bool) -> None:
        self.store.sync_findings(self.findings if open_ else [], self.now, [SARAH, LI])
        self.open = open_

    @rule(failures=st.integers(min_value=0, max_value=3))
    def run_nudge(self, failures: int) -> None:
        self.handler.refuse = [TRANSIENT] * failures
        outcomes = send_due_nudges(self.cfg, self.store, self.now,
                                   ctx=ConnectorContext(now=self.now, sleep=lambda s: None))
        self.handler.refuse = []
        for o in outcomes:
            assert o.local_day == local_day(self.now, self.cfg.rep(o.rep).zone)
            assert o.status != "sent" or self.open
            assert o.status != "failed" or failures > 0
            assert o.status != "skipped_empty" or not self.open
            if failures == 0 and o.status in ("sent", "skipped_already_sent"):
                record = self.store.nudge(o.rep, o.local_day, "digest")  # a failed day is
                assert record is not None and record.status == "sent"  # retried and sent

    @invariant()
    def at_most_one_digest_per_rep_and_day(self) -> None:
        ids = Counter(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]
                      for raw in self.handler.messages)
        assert all(count == 1 for count in ids.values()), ids
        for rep in (SARAH, LI):
            day = local_day(self.now, self.cfg.rep(rep).zone)
            record = self.store.nudge(rep, day, "digest")
            if record is not None and record.status == "sent":
                assert ids[record.message_id] == 1


NudgeMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_nudges_are_sent_at_most_once_per_rep_and_day = NudgeMachine.TestCase
