"""Hostile files mixed into the sample team: every expected finding is kept.

Each rep's calendar gains the hostile events (internal meetings, so they add no
findings of their own) and each mail folder the poison e-mails; a fresh sync and
report must still show every finding the clean team shows, with no traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from dealnudge.cli import main
from dealnudge.demo.team import DEMO_NOW, write_demo_team
from tests.hostile.inputs import REPEATED_TZID_ZONE, hostile_events, poison_mail

INTERNAL = "ops@northwind.example"


def _findings(config: Path) -> tuple[set[tuple[str, str, str, str]], str]:
    runner = CliRunner()
    now = ["--now", DEMO_NOW.isoformat()]
    synced = runner.invoke(main, ["--config", str(config), "sync", *now])
    assert "Traceback" not in synced.output and synced.exit_code in (0, 1), synced.output
    report = runner.invoke(main, ["--config", str(config), "report", "--json", *now])
    assert report.exit_code == 0, report.output
    return {(f["rep"], f["kind"], f["account"], f["meeting_start"] or "")
            for f in json.loads(report.stdout)}, synced.output


def _poison(team: Path) -> None:
    day = (DEMO_NOW - dt.timedelta(days=2)).date()
    events = "".join(e.replace("buyer@customer.example", INTERNAL)
                     for e in hostile_events(day).values())
    for rep in sorted((team / "data").iterdir()):
        for ics in [*rep.glob("*.ics"), *rep.glob("calendar/*.ics")][:1]:
            text = ics.read_bytes()
            at = text.rindex(b"END:VCALENDAR")
            ics.write_bytes(text[:at] + (REPEATED_TZID_ZONE + events).encode() + text[at:])
        mail = rep / "mail"
        target = mail / "cur" if (mail / "cur").is_dir() else mail
        if target.is_dir():
            for name, raw in poison_mail().items():
                (target / name).write_bytes(raw)


def test_hostile_files_in_a_team_keep_every_expected_finding(tmp_path: Path) -> None:
    clean, _ = _findings(write_demo_team(tmp_path / "clean", now=DEMO_NOW))
    hostile_config = write_demo_team(tmp_path / "hostile", now=DEMO_NOW)
    _poison(hostile_config.parent)
    hostile, output = _findings(hostile_config)
    assert output.count(" skipped") >= 4, output  # the poison reached every rep's sync
    assert len(clean) >= 9
    assert clean <= hostile, sorted(clean - hostile)
