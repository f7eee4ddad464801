"""send_due_nudges against a real store (SQLite and PostgreSQL): due, once, mute, failures."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from dealnudge.config.schema import Config, Mute, SmtpDelivery
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.sending import NudgeOutcome
from dealnudge.store import Store

from dealnudge.records import Finding
from tests.scheduler.factories import (
    LI,
    MANAGER,
    SARAH,
    config,
    finding,
    li,
    parts,
    read_outbox,
    sarah,
    seed,
    standard_findings,
)
from tests.scheduler.smtp_server import Handler, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
UTC = dt.UTC
THURSDAY_NY_9AM = dt.datetime(2026, 3, 5, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


def statuses(outcomes: list[NudgeOutcome]) -> dict[str, str]:
    return {o.rep: o.status for o in outcomes if o.kind == "digest"}


def ctx(now: dt.datetime, sleeps: list[float] | None = None) -> ConnectorContext:
    return ConnectorContext(now=now, sleep=(sleeps if sleeps is not None else []).append)


def test_each_rep_is_judged_in_their_own_zone(store: Store, tmp_path: Path) -> None:
    cfg = config(tmp_path, weekdays=["mon", "tue", "wed", "thu", "fri"])
    seed(store, standard_findings(SARAH) + standard_findings(LI), THURSDAY_NY_9AM, cfg)
    early = dt.datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # 07:00 New York, 20:00 Shanghai
    assert statuses(send_due_nudges(cfg, store, early)) == {SARAH: "skipped_not_due", LI: "sent"}
    assert statuses(send_due_nudges(cfg, store, THURSDAY_NY_9AM)) == {
        SARAH: "sent", LI: "skipped_already_sent"}
    saturday = dt.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # Saturday 09:00 NY, 22:00 Shanghai
    assert set(statuses(send_due_nudges(cfg, store, saturday)).values()) == {"skipped_not_due"}
    sunday_night = dt.datetime(2026, 3, 9, 0, 30, tzinfo=UTC)  # Monday 08:30 in Shanghai
    assert statuses(send_due_nudges(cfg, store, sunday_night)) == {
        SARAH: "skipped_not_due", LI: "sent"}
    assert len(read_outbox(tmp_path / "outbox")) == 3
    nudge = store.nudge(LI, dt.date(2026, 3, 9), "digest")
    assert nudge is not None and nudge.status == "sent" and nudge.message_id


def test_repeated_runs_send_one_digest_per_rep_per_local_day(store: Store, tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()])
    seed(store, standard_findings(SARAH), THURSDAY_NY_9AM, cfg)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
            "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False)})})
        runs = [send_due_nudges(cfg, store, THURSDAY_NY_9AM + dt.timedelta(minutes=m))
                for m in range(0, 600, 60)]
        next_day = send_due_nudges(cfg, store, THURSDAY_NY_9AM + dt.timedelta(days=1))
    assert [statuses(r)[SARAH] for r in runs] == ["sent"] + ["skipped_already_sent"] * 9
    assert statuses(next_day)[SARAH] == "sent"
    assert len(handler.messages) == 2


def race(store_url: str, cfg: Config, now: dt.datetime, runners: int = 4
         ) -> list[list[NudgeOutcome]]:
    """``runners`` threads, each with its own Store (engine and connections, like another
    process), released together by a barrier to send the nudges due at ``now``."""
    results: list[list[NudgeOutcome]] = []
    barrier = threading.Barrier(runners)

    def run() -> None:
        own = Store.open(store_url)
        try:
            barrier.wait()
            results.append(send_due_nudges(cfg, own, now))
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == runners, "a runner failed or hung"
    return results


def test_concurrent_runs_from_two_connections_send_once(store: Store, store_url: str,
                                                        tmp_path: Path) -> None:
    cfg = config(tmp_path)
    seed(store, standard_findings(SARAH) + standard_findings(LI), THURSDAY_NY_9AM, cfg)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
            "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False)})})
        results = race(store_url, cfg, THURSDAY_NY_9AM)
    every = [o for r in results for o in r]
    assert len(results) == 4
    assert sorted(o.status for o in every if o.status == "sent") == ["sent", "sent"]
    assert {o.status for o in every} == {"sent", "skipped_already_sent"}
    assert len(handler.messages) == 2  # one per rep, whatever the interleaving


def test_dst_days_in_new_york_send_once(store: Store, tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()], send_at=dt.time(2, 30))
    seed(store, standard_findings(SARAH), dt.datetime(2026, 3, 1, tzinfo=UTC), cfg)
    before_gap = dt.datetime(2026, 3, 8, 6, 59, tzinfo=UTC)  # 01:59 EST
    assert statuses(send_due_nudges(cfg, store, before_gap))[SARAH] == "skipped_not_due"
    after_gap = dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    [outcome] = send_due_nudges(cfg, store, after_gap)
    assert (outcome.status, outcome.local_day) == ("sent", dt.date(2026, 3, 8))

    cfg = config(tmp_path, reps=[sarah()], send_at=dt.time(1, 30))
    first = dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, an hour later
    assert statuses(send_due_nudges(cfg, store, first - dt.timedelta(seconds=1)))[SARAH] \
        == "skipped_not_due"
    assert statuses(send_due_nudges(cfg, store, first))[SARAH] == "sent"
    assert statuses(send_due_nudges(cfg, store, second))[SARAH] == "skipped_already_sent"
    assert len(read_outbox(tmp_path / "outbox")) == 2


def test_shanghai_digest_belongs_to_the_local_day(store: Store, tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[li()])
    seed(store, standard_findings(LI), THURSDAY_NY_9AM, cfg)
    assert statuses(send_due_nudges(cfg, store, dt.datetime(2026, 3, 8, 23, 59, tzinfo=UTC)))[
        LI] == "skipped_not_due"  # 07:59 on Monday the 9th in Shanghai (Sunday in UTC)
    [o] = send_due_nudges(cfg, store, dt.datetime(2026, 3, 9, 0, 0, tzinfo=UTC))
    assert (o.status, o.local_day) == ("sent", dt.date(2026, 3, 9))


def test_no_email_when_nothing_is_open_unless_asked(store: Store, tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()])
    seed(store, [], THURSDAY_NY_9AM, cfg)
    assert statuses(send_due_nudges(cfg, store, THURSDAY_NY_9AM))[SARAH] == "skipped_empty"
    assert not (tmp_path / "outbox").exists()
    cfg = config(tmp_path, reps=[sarah()], send_when_empty=True)
    assert statuses(send_due_nudges(cfg, store, THURSDAY_NY_9AM))[SARAH] == "sent"
    [msg] = read_outbox(tmp_path / "outbox")
    assert msg["Subject"] == "No open items today"
    assert "Nothing is open today" in parts(msg)[0]


def test_mutes_silence_a_rep_or_leave_out_an_account(store: Store, tmp_path: Path) -> None:
    day = dt.date(2026, 3, 5)
    cfg = config(tmp_path, reps=[sarah(mute=[Mute(until=day)]),
                                 li(mute=[Mute(until=day, account="acme.example")])])
    seed(store, standard_findings(SARAH) + standard_findings(LI), THURSDAY_NY_9AM, cfg)
    thursday_shanghai = dt.datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    outcomes = send_due_nudges(cfg, store, thursday_shanghai, force=True)
    assert statuses(outcomes) == {SARAH: "skipped_muted", LI: "sent"}
    assert [o.findings for o in outcomes if o.rep == LI] == [2]  # acme's two findings left out
    [msg] = read_outbox(tmp_path / "outbox")
    assert "acme.example" not in parts(msg)[0]
    only_acme = [finding(SARAH, "missing_follow_up", "acme.example")]
    store.sync_findings(only_acme, THURSDAY_NY_9AM, [SARAH])
    cfg = config(tmp_path, reps=[sarah(mute=[Mute(until=day, account="acme.example")])])
    assert statuses(send_due_nudges(cfg, store, THURSDAY_NY_9AM))[SARAH] == "skipped_empty"


def test_force_ignores_time_and_weekday_but_not_once_per_day(store: Store,
                                                             tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()], weekdays=["mon"])
    seed(store, standard_findings(SARAH), THURSDAY_NY_9AM, cfg)
    night = dt.datetime(2026, 3, 5, 5, 0, tzinfo=UTC)  # Thursday 00:00 in New York
    assert statuses(send_due_nudges(cfg, store, night))[SARAH] == "skipped_not_due"
    assert statuses(send_due_nudges(cfg, store, night, force=True))[SARAH] == "sent"
    assert statuses(send_due_nudges(cfg, store, night, force=True))[SARAH] == \
        "skipped_already_sent"


def test_failed_delivery_is_retried_reported_and_sent_by_a_later_run(store: Store,
                                                                    tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()], retry_attempts=3)
    seed(store, standard_findings(SARAH), THURSDAY_NY_9AM, cfg)
    handler = Handler(refuse=["451 4.3.0 Try again later"] * 3)
    sleeps: list[float] = []
    with smtp_server(handler) as port:
        cfg = cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
            "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False)})})
        [failed] = send_due_nudges(cfg, store, THURSDAY_NY_9AM, ctx=ctx(THURSDAY_NY_9AM, sleeps))
        assert failed.status == "failed" and "451" in (failed.error or "")
        assert len(sleeps) == 2 and handler.messages == []
        record = store.nudge(SARAH, dt.date(2026, 3, 5), "digest")
        assert record is not None and record.status == "failed" and "451" in (record.error or "")
        later = THURSDAY_NY_9AM + dt.timedelta(minutes=15)
        [sent] = send_due_nudges(cfg, store, later, ctx=ctx(later))
        [again] = send_due_nudges(cfg, store, later, ctx=ctx(later))
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    assert len(handler.messages) == 1
    assert sent.message_id == failed.message_id  # the same message, retried


def test_manager_rollup_once_per_week(store: Store, tmp_path: Path) -> None:
    reps = [sarah(manager=MANAGER), li(manager=MANAGER)]
    cfg = config(tmp_path, reps=reps, manager_rollup_weekday="mon")
    seed(store, standard_findings(SARAH) + standard_findings(LI)[:2], THURSDAY_NY_9AM, cfg)
    monday = dt.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 in New York (the first rep's zone)

    def rollups(now: dt.datetime) -> list[str]:
        return [o.status for o in send_due_nudges(cfg, store, now) if o.kind == "rollup"]

    assert rollups(monday - dt.timedelta(hours=2)) == ["skipped_not_due"]  # 07:00 local
    assert rollups(monday) == ["sent"]
    assert rollups(monday + dt.timedelta(hours=3)) == ["skipped_already_sent"]
    assert rollups(monday + dt.timedelta(days=1)) == ["skipped_not_due"]  # Tuesday
    assert rollups(monday + dt.timedelta(days=7)) == ["sent"]  # the next week
    mails = [m for m in read_outbox(tmp_path / "outbox") if m["To"].addresses[0].addr_spec
             == MANAGER]
    assert len(mails) == 2
    text, html = parts(mails[0])
    assert mails[0]["Subject"] == "Weekly roll-up: 6 open items across 2 reps"
    for body in (text, html):
        assert "Sarah Chen" in body and "李伟" in body
        assert "2 follow-up owed · 1 vague next step · 1 stalled deal" in body
        assert "Oldest open items" in body
    record = store.nudge(MANAGER, dt.date(2026, 3, 9), "rollup")
    assert record is not None and record.status == "sent"


def test_a_delivery_that_cannot_even_be_set_up_is_recorded_as_failed(store: Store,
                                                                     tmp_path: Path) -> None:
    from dealnudge.config.schema import GmailDelivery

    cfg = config(tmp_path, reps=[sarah()], delivery=GmailDelivery(kind="gmail"))  # no provider
    seed(store, standard_findings(SARAH), THURSDAY_NY_9AM, cfg)
    [outcome] = send_due_nudges(cfg, store, THURSDAY_NY_9AM)
    assert outcome.status == "failed" and outcome.error
    record = store.nudge(SARAH, dt.date(2026, 3, 5), "digest")
    assert record is not None and record.status == "failed"  # not stranded in "sending"


@pytest.mark.filterwarnings("ignore:DELETE statement on table 'nudges'")  # a lost release race
def test_concurrent_retries_of_a_failed_day_send_once(store: Store, store_url: str,
                                                      tmp_path: Path) -> None:
    cfg = config(tmp_path, reps=[sarah()], retry_attempts=1)
    seed(store, standard_findings(SARAH), THURSDAY_NY_9AM, cfg)
    handler = Handler(refuse=["451 4.3.0 Try again later"])
    with smtp_server(handler) as port:
        cfg = cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
            "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False)})})
        [failed] = send_due_nudges(cfg, store, THURSDAY_NY_9AM)
        assert failed.status == "failed"
        results = [o for r in race(store_url, cfg, THURSDAY_NY_9AM) for o in r]
    assert sorted(o.status for o in results) == ["sent"] + ["skipped_already_sent"] * 3
    assert len(handler.messages) == 1


def test_manager_rollup_counts_the_deal_signals(store: Store, tmp_path: Path) -> None:
    reps = [sarah(manager=MANAGER), li(manager=MANAGER)]
    cfg = config(tmp_path, reps=reps, manager_rollup_weekday="mon")
    since = dt.datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    signals = [
        Finding(SARAH, "slipped_commitment", "acme.example", None, since, "slipped",
                evidence="Legal will return the contract by Monday.", due=dt.date(2026, 3, 2),
                message_id="p@acme.example"),
        Finding(SARAH, "unanswered_customer", "acme.example", None, since, "asked",
                evidence="Could you send the whitepaper?", message_id="q1@acme.example"),
        Finding(SARAH, "unanswered_customer", "globex.example", None, since, "asked",
                evidence="Any news?", message_id="q2@globex.example"),
        Finding(LI, "repeated_reschedules", "huaxin.cn", None, since, "moved", count=2),
        Finding(LI, "single_threaded", "jinqiao.cn", None, since, "one", count=3,
                evidence="wang@jinqiao.cn"),
    ]
    seed(store, signals, THURSDAY_NY_9AM, cfg)
    monday = dt.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert [o.status for o in send_due_nudges(cfg, store, monday) if o.kind == "rollup"] == ["sent"]
    [mail] = [m for m in read_outbox(tmp_path / "outbox")
              if m["To"].addresses[0].addr_spec == MANAGER]
    text, _ = parts(mail)
    assert mail["Subject"] == "Weekly roll-up: 5 open items across 2 reps"
    assert "Sarah Chen: 1 slipped promise · 2 unanswered mail" in text
    assert "李伟: 1 reschedules · 1 single thread" in text
