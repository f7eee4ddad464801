"""Meetings moved between two syncs of local files are reported as repeated reschedules.

A local .ics file only ever shows the current start, so the move is visible only
because the store remembered the first start it saw. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from pathlib import Path

from click.testing import CliRunner

from dealnudge.cli import main

REP = "sarah.chen@northwind.example"
NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
FIRST_SYNC = NOW - dt.timedelta(days=3)


def vevent(uid: str, start: dt.datetime, stamp: dt.datetime, title: str) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    return "\r\n".join((
        "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp:{fmt}}", f"LAST-MODIFIED:{stamp:{fmt}}",
        f"DTSTART:{start:{fmt}}", f"DTEND:{start + dt.timedelta(hours=1):{fmt}}",
        f"SUMMARY:{title}", f"ORGANIZER:mailto:{REP}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{REP}",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:dana@acme.example",
        "END:VEVENT"))


def write_calendar(path: Path, moves: dict[str, int], stamp: dt.datetime) -> None:
    base = NOW + dt.timedelta(days=2)
    events = [vevent(f"{name}@northwind.example",
                     base + dt.timedelta(days=i * 2 + moves.get(name, 0)), stamp, title)
              for i, (name, title) in enumerate((("pilot", "Pilot kickoff"),
                                                 ("pricing", "Pricing review"),
                                                 ("legal", "Contract review")))]
    path.write_text("\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
                                 *events, "END:VCALENDAR", "")), encoding="utf-8")


def write_config(tmp_path: Path, database: str) -> Path:
    (tmp_path / "mail").mkdir()
    config = tmp_path / "dealnudge.yaml"
    config.write_text(f"""\
database: {database}
organization:
  name: Northwind
  internal_domains: [northwind.example]
nudges:
  delivery: {{kind: outbox, path: ./outbox}}
reps:
  - email: {REP}
    name: Sarah Chen
    timezone: America/New_York
    source:
      kind: local
      calendar: calendar.ics
      mail: mail
""", encoding="utf-8")
    return config


def cli(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def reschedules(config: Path) -> list[dict[str, object]]:
    found = json.loads(cli(config, "report", "--json", "--now", NOW.isoformat()))
    return [f for f in found if f["kind"] == "repeated_reschedules"]


def test_two_meetings_moved_between_syncs_are_repeated_reschedules(
        tmp_path: Path, store_url: str) -> None:
    config = write_config(tmp_path, store_url)
    calendar = tmp_path / "calendar.ics"
    stale = FIRST_SYNC - dt.timedelta(days=60)  # like many exports, the stamp never changes
    write_calendar(calendar, {}, stale)
    cli(config, "sync", "--now", FIRST_SYNC.isoformat())
    assert reschedules(config) == []

    write_calendar(calendar, {"pilot": 7}, stale)
    cli(config, "sync", "--now", (FIRST_SYNC + dt.timedelta(days=1)).isoformat())
    assert reschedules(config) == []  # one move is not a pattern

    write_calendar(calendar, {"pilot": 7, "pricing": 3}, stale)
    cli(config, "sync", "--now", NOW.isoformat())
    [finding] = reschedules(config)
    assert (finding["rep"], finding["account"], finding["count"]) == (REP, "acme.example", 2)
    assert finding["meeting_uid"] is None
    assert "Pilot kickoff" in str(finding["evidence"]) and "moved from" in str(finding["evidence"])

    cli(config, "nudge", "--force", "--now", NOW.isoformat())
    [digest] = (tmp_path / "outbox").glob("*_digest_*.eml")
    msg = email.message_from_bytes(digest.read_bytes(), policy=email.policy.default)
    plain = msg.get_body(("plain",))
    assert plain is not None
    assert "Meetings called off or moved again and again" in plain.get_content()
