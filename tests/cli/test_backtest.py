"""`dealnudge backtest` on the demo team: the replay agrees with `report --now` morning by
morning, answers what-if questions about thresholds, and never sees the future."""

from __future__ import annotations

import collections
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dealnudge.config.loader import load_config
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.timing import due_instant
from dealnudge.store import Store

from dealnudge.cli import main
from dealnudge.demo.team import DEMO_NOW
from dealnudge.pipeline import run_analysis

LAST = DEMO_NOW.date() - dt.timedelta(days=1)  # every rep's morning of that day is before DEMO_NOW
FIRST = LAST - dt.timedelta(days=13)
SHAPE = {"date", "rep", "config", "counts", "digest"}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("backtest") / "team"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _cli(config: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def _backtest(config: Path, *extra: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _cli(config, "backtest", "--from", FIRST.isoformat(),
                                      "--to", LAST.isoformat(), "--json", *extra)
    return rows


def test_each_morning_equals_report_at_that_morning(demo_dir: Path) -> None:
    path = demo_dir / "dealnudge.yaml"
    config = load_config(path)
    rows = _backtest(path)
    assert all(set(row) == SHAPE and row["config"] == str(path) for row in rows)
    assert len(rows) == 14 * len(config.reps)
    reports: dict[dt.datetime, list[dict[str, Any]]] = {}
    for row in rows:
        rep = next(r for r in config.reps if r.email == row["rep"])
        at = due_instant(dt.date.fromisoformat(row["date"]), config.nudges.send_at, rep.zone)
        if at not in reports:
            reports[at] = _cli(path, "report", "--json", "--now", at.isoformat())
        expected = collections.Counter(f["kind"] for f in reports[at] if f["rep"] == rep.email)
        assert row["counts"] == dict(expected), (row, expected)
    assert sum(sum(row["counts"].values()) for row in rows) > 0
    weekend = [row for row in rows if dt.date.fromisoformat(row["date"]).weekday() >= 5]
    assert weekend and not any(row["digest"] for row in weekend)  # demo: weekdays only
    assert any(row["digest"] for row in rows)


def test_a_lower_stall_threshold_raises_the_stalled_counts(demo_dir: Path) -> None:
    path = demo_dir / "dealnudge.yaml"
    other = demo_dir / "stall-7.yaml"
    other.write_text(path.read_text().replace("stall_after_days: 14", "stall_after_days: 7"))
    rows = _backtest(path, "--config-b", str(other))
    stalled: dict[str, int] = collections.Counter()
    for row in rows:
        stalled[row["config"]] += row["counts"].get("stalled_deal", 0)
    assert stalled[str(other)] > stalled[str(path)] > 0
    table = _cli(path, "backtest", "--from", FIRST.isoformat(), "--to", LAST.isoformat(),
                 "--config-b", str(other))
    assert f"A = {path}" in table and f"B = {other}" in table and "SD" in table


def test_nothing_is_sent_or_stored(demo_dir: Path) -> None:
    config = load_config(demo_dir / "dealnudge.yaml")
    outbox = sorted(p.name for p in (demo_dir / "outbox").iterdir())
    with Store.open(config.database) as store:
        before = store.findings(), [store.nudge(r.email, d, "digest") for r in config.reps
                                    for d in (FIRST, LAST)]
    _backtest(demo_dir / "dealnudge.yaml")
    with Store.open(config.database) as store:
        after = store.findings(), [store.nudge(r.email, d, "digest") for r in config.reps
                                   for d in (FIRST, LAST)]
    assert after == before
    assert sorted(p.name for p in (demo_dir / "outbox").iterdir()) == outbox


def _eml(sender: str, to: str, subject: str, sent: dt.datetime) -> str:
    return (f"From: {sender}\nTo: {to}\nSubject: {subject}\n"
            f"Date: {sent.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n"
            f"Message-ID: <late-{sent.timestamp():.0f}@northwind.example>\n"
            "Content-Type: text/plain; charset=utf-8\n\nThanks for the meeting, notes attached.\n")


def _ics(uid: str, rep: str, customer: str, start: dt.datetime, stamp: dt.datetime) -> str:
    def utc(moment: dt.datetime) -> str:
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", f"UID:{uid}",
        f"DTSTAMP:{utc(stamp)}", f"LAST-MODIFIED:{utc(stamp)}", f"DTSTART:{utc(start)}",
        f"DTEND:{utc(start + dt.timedelta(hours=1))}", "SUMMARY:Follow-up workshop",
        f"ORGANIZER:mailto:{rep}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{rep}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{customer}", "END:VEVENT", "END:VCALENDAR", ""])


def test_records_added_after_a_morning_do_not_change_it(demo_dir: Path,
                                                        tmp_path: Path) -> None:
    team = tmp_path / "team"
    shutil.copytree(demo_dir, team)
    path = team / "dealnudge.yaml"
    config = load_config(path)
    sarah = next(r for r in config.reps if r.email.startswith("sarah"))
    before = _backtest(path)
    last_morning = due_instant(LAST, config.nudges.send_at, sarah.zone)
    added = last_morning - dt.timedelta(hours=2)
    report = _cli(path, "report", "--json", "--now", last_morning.isoformat())
    mine = [f for f in report if f["rep"] == sarah.email and f["contacts"]
            and f.get("meeting_start")  # message findings have contacts but no meeting
            and dt.datetime.fromisoformat(f["meeting_start"]) < added]
    owed = next(f for f in mine if f["kind"] == "missing_follow_up")
    step = next(f for f in mine if f["kind"] in ("no_next_step", "vague_next_step"))
    mail = team / "data" / sarah.email.split("@")[0] / "mail" / "late"
    mail.mkdir()
    (mail / "late.eml").write_text(_eml(sarah.email, owed["contacts"][0], "Recap", added))
    calendar = team / "data" / sarah.email.split("@")[0] / "calendar"
    (calendar / "late.ics").write_text(_ics("late-1@northwind.example", sarah.email,
                                            step["contacts"][0], added + dt.timedelta(days=3),
                                            added))
    _cli(path, "sync", "--now", DEMO_NOW.isoformat())
    after = _backtest(path)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
    assert changed, "the added records should matter to a later morning"
    for old, new in changed:
        rep = next(r for r in config.reps if r.email == new["rep"])
        at = due_instant(dt.date.fromisoformat(new["date"]), config.nudges.send_at, rep.zone)
        assert at > added, (old, new)
    last = next(a for a in after if a["rep"] == sarah.email and a["date"] == LAST.isoformat())
    was = next(b for b in before if b["rep"] == sarah.email and b["date"] == LAST.isoformat())
    assert last["counts"].get("missing_follow_up", 0) < was["counts"]["missing_follow_up"]


@pytest.mark.parametrize("args", [["--from", "2026-03-09", "--to", "2026-03-01"],
                                  ["--from", "March 1", "--to", "2026-03-02"],
                                  ["--from", "2020-01-01", "--to", "2026-03-02"]])
def test_bad_ranges_are_usage_errors(demo_dir: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--config", str(demo_dir / "dealnudge.yaml"),
                                       "backtest", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_broken_second_config_is_a_usage_error(demo_dir: Path) -> None:
    broken = demo_dir / "broken.yaml"
    broken.write_text("database: [\n")
    result = CliRunner().invoke(main, ["--config", str(demo_dir / "dealnudge.yaml"), "backtest",
                                       "--from", "2026-03-02", "--to", "2026-03-02",
                                       "--config-b", str(broken)])
    assert result.exit_code == 2 and "broken.yaml" in result.output


def test_the_digest_flag_is_what_nudge_does_at_that_morning(demo_dir: Path,
                                                            tmp_path: Path) -> None:
    team = tmp_path / "team"
    shutil.copytree(demo_dir, team)
    config = load_config(team / "dealnudge.yaml")
    friday = LAST - dt.timedelta(days=(LAST.weekday() - 4) % 7)
    days = [friday, friday + dt.timedelta(days=1)]  # a working day and a Saturday
    rows = _cli(team / "dealnudge.yaml", "backtest", "--from", days[0].isoformat(),
                "--to", days[1].isoformat(), "--json")
    with Store.open(config.database) as store:
        for row in rows:
            rep = next(r for r in config.reps if r.email == row["rep"])
            at = due_instant(dt.date.fromisoformat(row["date"]), config.nudges.send_at, rep.zone)
            run_analysis(config, store, at)
            (outcome,) = send_due_nudges(config, store, at, reps=[rep.email], rollups=False)
            assert (outcome.status == "sent") == row["digest"], (row, outcome)
    assert {row["digest"] for row in rows} == {True, False}
