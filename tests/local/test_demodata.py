"""The generated sample team: deterministic, big enough, and readable without a skip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.config.loader import load_config
from dealnudge.config.schema import OutboxDelivery
from dealnudge.connectors import registry
from dealnudge.connectors.base import ConnectorContext

from dealnudge.demo.team import DEMO_NOW, write_demo_team
from dealnudge.records import CalendarEvent, EmailMessage

FREE = {"qq.com", "163.com", "126.com", "gmail.com", "outlook.com"}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_team(out, now=DEMO_NOW)
    return out


@pytest.fixture(scope="module")
def synced(team: Path) -> tuple[list[tuple[str, CalendarEvent]], list[tuple[str, EmailMessage]],
                                list[str]]:
    config = load_config(team / "dealnudge.yaml")
    events, mails, skipped = [], [], []
    for rep in config.reps:
        conn = registry.create(rep, config, ConnectorContext(now=DEMO_NOW))
        for stream in conn.streams():
            for page in conn.sync(stream, None):
                events += [(rep.email, e) for e in page.events]
                mails += [(rep.email, m) for m in page.messages]
                skipped += page.skipped
    return events, mails, skipped


def test_same_seed_same_bytes_other_seed_other_bytes(team: Path, tmp_path: Path) -> None:
    write_demo_team(tmp_path / "again", now=DEMO_NOW, scale=2)
    write_demo_team(tmp_path / "again", now=DEMO_NOW)  # rewriting leaves no stray files
    write_demo_team(tmp_path / "other", now=DEMO_NOW, seed=8)
    first = files(team)
    assert first == files(tmp_path / "again")
    assert first != files(tmp_path / "other")
    assert sum(1 for name in first if name.endswith(".eml") or "/mail/" in name) > 50


def test_team_shape(team: Path) -> None:
    config = load_config(team / "dealnudge.yaml")
    assert config.organization.name == "Northwind"
    assert config.organization.internal_domains == ["northwind.example"]
    assert config.database == f"sqlite:///{team / 'dealnudge.db'}"
    delivery = config.nudges.delivery
    assert isinstance(delivery, OutboxDelivery) and delivery.path == team / "outbox"
    assert len(config.reps) >= 4
    assert {r.language for r in config.reps} == {"zh", "en"}
    zones = {r.timezone for r in config.reps}
    assert len(zones) >= 2
    january, july = dt.datetime(2026, 1, 15), dt.datetime(2026, 7, 15)
    assert any(ZoneInfo(z).utcoffset(january) != ZoneInfo(z).utcoffset(july) for z in zones)


def test_every_file_parses_without_a_skip(synced: tuple[list, list, list]) -> None:  # type: ignore[type-arg]
    events, mails, skipped = synced
    assert skipped == []
    assert len(events) > 50 and len(mails) > 80


def _accounts(mails: list[tuple[str, EmailMessage]]) -> set[str]:
    found = set()
    for _, m in mails:
        for a in (m.sender, *m.recipients):
            domain = a.email.split("@")[1]
            if domain != "northwind.example":
                found.add(a.email if domain in FREE else domain)
    return found


def test_accounts_and_time_span(synced: tuple[list, list, list]) -> None:  # type: ignore[type-arg]
    events, mails, _ = synced
    accounts = _accounts(mails)
    assert len(accounts) >= 20
    assert {a.split("@")[1] for a in accounts if "@" in a} & {"qq.com", "163.com", "126.com"}
    assert {a.split("@")[1] for a in accounts if "@" in a} & {"gmail.com", "outlook.com"}
    sent = [m.sent_at for _, m in mails]
    assert max(sent) < DEMO_NOW
    assert DEMO_NOW - min(sent) >= dt.timedelta(days=60)
    held = [e.start for _, e in events if e.start < DEMO_NOW]
    assert DEMO_NOW - min(held) >= dt.timedelta(days=60)


def test_situations_are_present(synced: tuple[list, list, list]) -> None:  # type: ignore[type-arg]
    events, mails, _ = synced
    bodies = "\n".join(m.body_text for _, m in mails)
    assert "原始邮件" in bodies and " wrote:\n> " in bodies  # Foxmail and Gmail quoting
    assert any(m.is_auto_reply for _, m in mails)
    assert any(m.folder == "sent" for _, m in mails) and any(m.folder == "inbox" for _, m in mails)
    assert any(m.in_reply_to for _, m in mails)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in bodies)
    for phrase in ("回头再联系", "内部评估一下", "We'll get back to you", "Let me check with my boss"):
        if phrase in bodies:
            break
    else:
        pytest.fail("no vague customer phrasing")
    reps_per_uid: dict[str, set[str]] = {}
    for rep, e in events:
        reps_per_uid.setdefault(e.uid, set()).add(rep)
    assert any(len(r) >= 2 for r in reps_per_uid.values()), "a meeting shared by two reps"
    assert any(e.status == "cancelled" for _, e in events)
    assert any(p.is_self and p.response == "declined" for _, e in events for p in e.participants)
    assert any(p.response == "declined" and not p.is_self and "northwind" not in p.email
               for _, e in events for p in e.participants)
    assert any(p.is_resource for _, e in events for p in e.participants)
    assert any(e.all_day for _, e in events) and any(e.recurrence_id for _, e in events)
    future = [e for _, e in events if e.start > DEMO_NOW and any(
        p.response == "accepted" and "northwind" not in p.email for p in e.participants)]
    assert future, "a customer-accepted follow-up meeting"


def test_dated_sentences_agree_with_the_calendar(synced: tuple[list, list, list]) -> None:  # type: ignore[type-arg]
    _, mails, _ = synced
    import re
    for _, m in mails:
        for weekday, month, day in re.findall(r"(\w+day), (\w+) (\d+)", m.body_text):
            stamp = dt.datetime.strptime(f"{month} {day} {m.sent_at.year}", "%B %d %Y")
            if stamp.date() < m.sent_at.date() - dt.timedelta(days=200):
                stamp = stamp.replace(year=stamp.year + 1)
            assert stamp.strftime("%A") == weekday, m.body_text


def test_scale_multiplies_accounts(tmp_path: Path) -> None:
    write_demo_team(tmp_path / "s3", now=DEMO_NOW, scale=3)
    config = load_config(tmp_path / "s3" / "dealnudge.yaml")
    mails = []
    for rep in config.reps:
        conn = registry.create(rep, config, ConnectorContext(now=DEMO_NOW))
        for page in conn.sync(next(s for s in conn.streams() if s.kind == "mail"), None):
            assert page.skipped == []
            mails += [(rep.email, m) for m in page.messages]
    assert len(_accounts(mails)) >= 3 * 20


def test_now_must_be_aware(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        write_demo_team(tmp_path, now=dt.datetime(2026, 3, 10))


def _findings(team: Path, events: list, mails: list, now: dt.datetime) -> list:  # type: ignore[type-arg]
    from dealnudge.analyzer.rules import AnalysisInput, RepView, analyze
    config = load_config(team / "dealnudge.yaml")
    return analyze(AnalysisInput(
        reps=tuple(RepView(r.email, tuple(r.aliases), r.zone) for r in config.reps),
        internal_domains=tuple(config.organization.internal_domains), ignore_addresses=(),
        thresholds=config.thresholds, events=tuple(events), messages=tuple(mails)), now)


def test_the_analyzer_finds_every_situation_for_every_rep(
        team: Path, synced: tuple[list, list, list]) -> None:  # type: ignore[type-arg]
    config = load_config(team / "dealnudge.yaml")
    events, mails, _ = synced
    findings = _findings(team, events, mails, DEMO_NOW)
    kinds = {"missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal",
             "slipped_commitment", "repeated_reschedules", "single_threaded",
             "unanswered_customer"}
    for rep in config.reps:
        assert {f.kind for f in findings if f.rep == rep.email} == kinds, rep.email
    assert any("@" in f.account for f in findings)
    flagged = {f.account for f in findings}
    assert len(flagged) < len(_accounts(mails)), "healthy deals must stay quiet"


def test_any_instant_works_even_across_a_year_end(tmp_path: Path) -> None:
    now = dt.datetime(2027, 1, 4, 3, 0, tzinfo=dt.UTC)
    config = load_config(write_demo_team(tmp_path, now=now, seed=11))
    events, mails = [], []
    for rep in config.reps:
        conn = registry.create(rep, config, ConnectorContext(now=now))
        for stream in conn.streams():
            for page in conn.sync(stream, None):
                assert page.skipped == []
                events += [(rep.email, e) for e in page.events]
                mails += [(rep.email, m) for m in page.messages]
    assert all(m.sent_at < now for _, m in mails)
    findings = _findings(tmp_path, events, mails, now)
    assert {f.kind for f in findings} == {
        "missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal",
        "slipped_commitment", "repeated_reschedules", "single_threaded", "unanswered_customer"}
