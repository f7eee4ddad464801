"""``dealnudge check --online`` against the real Dovecot and Radicale: per rep, the login,
the folders chosen and what the calendar URL leads to; exit 1 when any fails; nothing
written (no database file, mailbox flags untouched)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dealnudge.cli import main
from tests.conformance import message
from tests.imap.conftest import ImapWorld, mime
from tests.imap.test_caldav_discovery import own_calendars


def team(world: ImapWorld, tmp_path: Path, *, calendar: str, password: str = "pw",
         more: str = "") -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(f"""\
database: sqlite:///never-created.db
organization: {{name: Northwind, internal_domains: [northwind.example]}}
providers:
  imap: {{host: 127.0.0.1, port: {world.dovecot.imaps_port}, ca_bundle: "{world.ca.ca_file}",
          timeout_seconds: 10}}
reps:
  - email: {world.rep_email}
    source: {{kind: imap, password: {password}, calendar: "{calendar}"{more}}}
""", encoding="utf-8")
    return path


def test_online_check_says_what_it_found(world: ImapWorld, tmp_path: Path) -> None:
    principal = own_calendars(world, "Work")
    world.add_message(message(1, "inbox", world.rep_email))
    world.append("Sent", mime(message(2, "sent", world.rep_email)))
    flags = world.flags()
    result = CliRunner().invoke(main, ["--config", str(team(world, tmp_path, calendar=principal)),
                                       "check", "--online", "--now", "2026-03-12T09:00:00Z"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"    ok      IMAP login as {world.rep_email} at 127.0.0.1:{world.dovecot.imaps_port}" in lines
    assert "    ok      Inbox: 1 message(s)" in lines
    assert "    ok      sent folder: 'Sent', flagged \\Sent by the server" in lines
    assert any(line.startswith("    ok      calendar 'Work' (") and
               line.endswith(": 1 event(s) in the sync window") for line in lines), lines
    assert not (tmp_path / "never-created.db").exists() and world.flags() == flags


def test_online_check_fails_with_exit_1_and_plain_sentences(world: ImapWorld,
                                                           tmp_path: Path) -> None:
    root = f"https://127.0.0.1:{world.radicale.port}/"
    path = team(world, tmp_path, calendar=root, password="wrong",
                more=", folders: [Nope], calendar_password: pw, "
                     f"calendar_username: {world.rep_email}")
    result = CliRunner().invoke(main, ["--config", str(path), "check", "--online"])
    assert result.exit_code == 1
    assert "failed  IMAP 127.0.0.1" in result.output and "refused the login" in result.output
    assert f"failed  calendar: {root} leads to no calendar" in result.output
    assert "Traceback" not in result.output + result.stderr
    assert "2 online check(s) failed" in result.stderr
