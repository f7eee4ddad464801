"""Never delete on doubt: a calendar source that cannot be read cleanly, or that shrinks
sharply, keeps every stored event; a clean, plausible snapshot still deletes.

Runs the real pipeline into the real store (SQLite and PostgreSQL), as `sync` does.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.store import Store

from dealnudge.cli import main
from dealnudge.pipeline import RepSyncResult, sharp_shrink, sync_all
from tests.hostile.inputs import REPEATED_TZID_ZONE, calendar, hostile_events, poison_mail, vevent
from tests.local.world import NOW

REP = "rep@northwind.example"
STREAM = "local:calendar"


def team(tmp_path: Path, *, calendar_path: Path, mail: Path | None = None) -> Config:
    source: dict[str, object] = {"kind": "local", "calendar": str(calendar_path)}
    if mail is not None:
        source["mail"] = str(mail)
    return Config.model_validate({
        "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
        "database": f"sqlite:///{tmp_path / 'unused.db'}",
        "reps": [{"email": REP, "timezone": "America/New_York", "source": source}]})


def meetings(count: int, *, first: int = 0) -> list[str]:
    day = NOW - dt.timedelta(days=3)
    return [vevent(f"m{i}", "DTSTART:" + (day + dt.timedelta(hours=i)).strftime("%Y%m%dT%H%M%SZ"))
            for i in range(first, first + count)]


def sync(config: Config, store: Store, *, accept: bool = False,
         now: dt.datetime = NOW) -> RepSyncResult:
    return sync_all(config, store, ConnectorContext(now=now), accept_shrink=accept)[0]


def stored(store: Store) -> set[str]:
    return {e.uid for _, e in store.events(REP)}


@pytest.fixture
def six(tmp_path: Path, store: Store) -> tuple[Config, Path]:
    ics = tmp_path / "calendar.ics"
    ics.write_bytes(calendar(*meetings(6)))
    config = team(tmp_path, calendar_path=ics)
    first = sync(config, store)
    assert first.ok and not first.warnings and stored(store) == {f"m{i}" for i in range(6)}
    return config, ics


def rewrite(ics: Path, data: bytes) -> None:
    ics.write_bytes(data)
    stamp = ics.stat().st_mtime_ns + 1_000_000_000
    os.utime(ics, ns=(stamp, stamp))


def test_a_file_cut_off_mid_write_keeps_every_stored_event(six: tuple[Config, Path],
                                                           store: Store) -> None:
    config, ics = six
    whole = ics.read_bytes()
    for cut in (len(whole) // 2, whole.rindex(b"END:VCALENDAR"), whole.rindex(b"BEGIN:VEVENT")):
        rewrite(ics, whole[:cut])
        result = sync(config, store)
        assert stored(store) == {f"m{i}" for i in range(6)}, cut
        assert result.warnings and "cut off" in result.streams[0].skipped[0]
        health = next(h for h in store.health() if h.stream == STREAM)
        assert health.warning and health.skipped == 1


def test_a_real_exchange_meeting_with_an_empty_tzid_is_added_not_a_wipe(
        six: tuple[Config, Path], store: Store) -> None:
    config, ics = six
    extra = hostile_events((NOW - dt.timedelta(days=2)).date())
    rewrite(ics, calendar(*meetings(6), extra["empty_tzid"], extra["broken_zone_ref"],
                          extra["secondly_forever"], zones=REPEATED_TZID_ZONE))
    result = sync(config, store)
    assert stored(store) == {f"m{i}" for i in range(6)} | {"empty-tzid", "broken-zone"}
    assert result.skipped == 2  # the broken VTIMEZONE and the endless rule, with reasons
    assert not any("bug:" in s for s in result.streams[0].skipped)


def test_a_partly_broken_file_never_deletes_but_a_clean_one_does(
        six: tuple[Config, Path], store: Store) -> None:
    config, ics = six
    bad = hostile_events(NOW.date())["bad_dtstart"]
    rewrite(ics, calendar(*meetings(5), bad))  # m5 gone, one event unreadable: doubt
    result = sync(config, store)
    assert "m5" in stored(store) and result.warnings
    rewrite(ics, calendar(*meetings(5)))  # clean now: m5 really is gone
    result = sync(config, store)
    assert stored(store) == {f"m{i}" for i in range(5)}
    assert result.ok and not result.warnings
    assert next(h for h in store.health() if h.stream == STREAM).warning is None


def test_a_sharp_shrink_is_refused_until_the_admin_accepts_it(six: tuple[Config, Path],
                                                              store: Store) -> None:
    config, ics = six
    rewrite(ics, calendar(*meetings(2)))  # 4 of 6 gone at once
    for _ in range(2):  # asked again on every round, nothing deleted
        result = sync(config, store)
        assert stored(store) == {f"m{i}" for i in range(6)}
        assert "kept 4 of 6 stored event(s)" in result.warnings[0]
    result = sync(config, store, accept=True)
    assert stored(store) == {"m0", "m1"} and not result.warnings


def test_an_emptied_calendar_is_refused_but_a_normal_deletion_goes_through(
        six: tuple[Config, Path], store: Store) -> None:
    config, ics = six
    rewrite(ics, calendar())
    assert sync(config, store).warnings and len(stored(store)) == 6
    rewrite(ics, calendar(*meetings(4)))  # 2 of 6: an ordinary week
    result = sync(config, store)
    assert stored(store) == {f"m{i}" for i in range(4)} and not result.warnings


def test_shrink_rule() -> None:
    assert [sharp_shrink(g, s) for g, s in ((1, 1), (2, 2), (1, 2), (2, 3), (3, 5), (3, 6),
                                            (4, 6), (0, 0))] == [
        True, True, False, False, True, False, True, False]


def test_a_big_calendar_shrinking_across_pages_is_refused_as_a_whole(tmp_path: Path,
                                                                     store: Store) -> None:
    folder = tmp_path / "calendars"
    folder.mkdir()
    for i in range(8):  # the local connector pages every 500 records; 8 files of 100
        (folder / f"part{i}.ics").write_bytes(calendar(*meetings(100, first=100 * i)))
    config = team(tmp_path, calendar_path=folder)
    assert sync(config, store).ok and len(stored(store)) == 800
    for i in range(1, 8):
        rewrite(folder / f"part{i}.ics", calendar(*meetings(1, first=100 * i)))
    result = sync(config, store)
    assert len(stored(store)) == 800 and "kept 693 of 800" in result.warnings[0]


def test_sync_says_kept_and_exits_1_when_data_was_refused(tmp_path: Path) -> None:
    ics = tmp_path / "calendar.ics"
    ics.write_bytes(calendar(*meetings(6)))
    mail = tmp_path / "mail"
    mail.mkdir()
    for name, raw in poison_mail().items():
        (mail / name).write_bytes(raw)
    path = tmp_path / "dealnudge.yaml"
    path.write_text(
        "organization:\n  name: Northwind\n  internal_domains: [northwind.example]\n"
        f"database: sqlite:///{tmp_path / 'store.db'}\n"
        f"reps:\n  - email: {REP}\n    timezone: America/New_York\n    source:\n"
        f"      kind: local\n      calendar: {ics}\n      mail: {mail}\n", encoding="utf-8")
    runner = CliRunner()
    args = ["--config", str(path), "sync", "--now", NOW.isoformat()]
    first = runner.invoke(main, args)
    assert first.exit_code == 0  # skipped poison mail is reported, not a failure
    assert f"ok {REP}: 11 item(s), 5 skipped" in first.output
    rewrite(ics, ics.read_bytes()[:200])
    second = runner.invoke(main, args)
    assert second.exit_code == 1 and f"kept {REP}" in second.output
    assert "kept stored data on doubt" in second.output and "Traceback" not in second.output
    status = runner.invoke(main, ["--config", str(path), "status"], terminal_width=200)
    assert "kept:" in status.output and "cut off" in status.output
    assert "Outlook .msg is not supported: export as .eml" in status.output
