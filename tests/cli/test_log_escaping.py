"""Logged values cannot forge log lines or drive the terminal: the CLI's formatter shows
C0/C1 controls, line separators and raw bytes as escapes; one record is one line."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

from dealnudge.cliapp import EscapingFormatter

EXE = Path(sys.executable).with_name("dealnudge")
FORGED = "evil\n2026-01-01 00:00:00,000 ERROR dealnudge: forged\x1b[31m"


def test_a_hostile_file_name_stays_on_its_log_line(tmp_path: Path) -> None:
    calendars = tmp_path / "cal"
    calendars.mkdir()
    (calendars / f"{FORGED}.ics").write_text("not a calendar at all")
    (tmp_path / "team.yaml").write_text("""\
organization: {name: Northwind, internal_domains: [northwind.example]}
reps:
  - email: li.wei@northwind.example
    source: {kind: local, calendar: cal}
""")
    done = subprocess.run([str(EXE), "--config", str(tmp_path / "team.yaml"), "sync"],
                          capture_output=True, timeout=120, check=False)
    err = done.stderr.decode("utf-8")
    assert "evil\\n2026-01-01 00:00:00,000 ERROR dealnudge: forged\\x1b[31m" in err
    assert not any(line.startswith("2026-01-01 00:00:00,000 ERROR") for line in err.splitlines())
    assert "\x1b" not in err


def test_raw_bytes_and_separators_are_escaped_and_tracebacks_keep_their_lines() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(EscapingFormatter("%(levelname)s %(message)s"))
    log = logging.getLogger("tests.escaping")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("%s", "a\rb\u2028c\x85d\udcff\te 李伟")
        try:
            raise ValueError("bad\x1b]0;title\x07")
        except ValueError:
            log.exception("x")
    finally:
        log.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == "WARNING a\\rb\\u2028c\\x85d\\xff\te 李伟"
    assert lines[1] == "ERROR x" and lines[2] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: bad\\x1b]0;title\\x07"
