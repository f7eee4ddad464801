"""`sync`, `status` and `serve` through the CLI: one rep's failure never stops the others."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from dealnudge.cli import main
from dealnudge.demo.team import DEMO_NOW, write_demo_team


def team_with_a_broken_rep(tmp_path: Path) -> Path:
    path = write_demo_team(tmp_path / "team", now=DEMO_NOW)
    text = path.read_text(encoding="utf-8")
    marker = "- email: sarah.chen@northwind.example"
    assert marker in text
    broken = ("- email: ghost@northwind.example\n    name: Ghost\n    source:\n"
              "      kind: local\n      calendar: data/ghost/calendar.ics\n"
              "      mail: data/ghost/mail\n  ")
    path.write_text(text.replace(marker, broken + marker, 1), encoding="utf-8")
    return path


def test_sync_isolates_a_failing_rep_and_status_shows_it(tmp_path: Path) -> None:
    config = str(team_with_a_broken_rep(tmp_path))
    runner = CliRunner()
    result = runner.invoke(main, ["--config", config, "sync", "--now", DEMO_NOW.isoformat()])
    assert result.exit_code == 1
    assert "1 of 5 rep(s) could not be synced" in result.output
    assert "failed ghost@northwind.example" in result.output
    assert "ok sarah.chen@northwind.example" in result.output
    status = runner.invoke(main, ["--config", config, "status"], terminal_width=200)
    assert status.exit_code == 0
    rows = status.output.splitlines()
    ghost = [r for r in rows if r.startswith("ghost@northwind.example")]
    sarah = [r for r in rows if r.startswith("sarah.chen@northwind.example")]
    assert ghost and all("never" in r for r in ghost)
    assert sarah and not any("never" in r for r in sarah)
    report = runner.invoke(main, ["--config", config, "report", "--json",
                                  "--now", DEMO_NOW.isoformat()])
    assert report.exit_code == 0 and "sarah.chen@northwind.example" in report.stdout


def test_serve_runs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    config = write_demo_team(tmp_path / "team", now=DEMO_NOW)
    exe = Path(sys.executable).with_name("dealnudge")
    child = subprocess.Popen([str(exe), "-v", "--config", str(config), "serve"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stderr is not None
        deadline = time.monotonic() + 60
        seen = []
        for line in child.stderr:
            seen.append(line)
            if "serving" in line or time.monotonic() > deadline:
                break
        assert any("serving" in line for line in seen), seen
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
