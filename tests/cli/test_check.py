"""`dealnudge check` and the CLI's error contract (exit 2 for config/usage, no tracebacks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealnudge.cli import main
from tests.config.test_loader import MINIMAL

EXAMPLES = Path(__file__).resolve().parents[2] / "config"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def demo_team(folder: Path) -> Path:
    """config/demo.yaml beside the data folders it names (check refuses missing paths)."""
    for rep in ("li.wei", "sarah.chen"):
        (folder / "data" / rep).mkdir(parents=True, exist_ok=True)
    (folder / "data/li.wei/calendar.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (folder / "data/li.wei/mail").mkdir(exist_ok=True)
    (folder / "data/sarah.chen/calendar").mkdir(exist_ok=True)
    (folder / "data/sarah.chen/mail.mbox").write_text("")
    path = folder / "demo.yaml"
    path.write_text((EXAMPLES / "demo.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_check_summarises_a_valid_team(tmp_path: Path) -> None:
    code, out, _ = run("--config", str(demo_team(tmp_path)), "check")
    assert code == 0
    assert "li.wei@northwind.example" in out and "Asia/Shanghai" in out
    assert "sarah.chen@northwind.example" in out and "outbox" in out


def test_check_reports_every_problem_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(MINIMAL.replace("reps:", "thresholds:\n  stall_after_days: fourteen\n"
                                             "  follow_up_within_hour: 3\nreps:"))
    code, _, err = run("--config", str(path), "check")
    assert code == 2
    assert "team.yaml:5: thresholds.stall_after_days: expected an integer, got 'fourteen'" in err
    assert "did you mean follow_up_within_hours?" in err
    assert "Traceback" not in err


def test_config_falls_back_to_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check")
    assert code == 2 and "DEALNUDGE_CONFIG" in err
    team = demo_team(tmp_path / "team")
    code, out, _ = run("check", env={"DEALNUDGE_CONFIG": str(team)})
    assert code == 0 and "Northwind" in out
    (tmp_path / "dealnudge.yaml").write_text(MINIMAL.replace("Northwind", "Cwd Corp")
                                             .replace("source: {kind: local, calendar: data/cal.ics, "
                                                      "mail: data/mail}", "source: {kind: local}"))
    code, out, _ = run("check", env={"DEALNUDGE_CONFIG": str(team)})
    assert code == 0 and "Cwd Corp" in out


def test_bad_now_is_a_usage_error() -> None:
    code, _, err = run("--config", str(EXAMPLES / "demo.yaml"), "report", "--json",
                       "--now", "next tuesday")
    assert code == 2 and "ISO 8601" in err


def test_installed_entry_point_and_help() -> None:
    exe = Path(sys.executable).with_name("dealnudge")
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    for verb in ("check", "sync", "report", "nudge", "serve", "demo", "status"):
        assert verb in done.stdout
    done = subprocess.run([str(exe), "--config", "/nonexistent/team.yaml", "check"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "no such config file" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_names_switched_off_kinds_and_rejects_unknown_ones(tmp_path: Path) -> None:
    (tmp_path / "data/mail").mkdir(parents=True)  # check refuses paths that do not exist
    (tmp_path / "data/cal.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    path = tmp_path / "team.yaml"
    path.write_text(MINIMAL.replace("reps:", "findings:\n  disabled: [single_threaded]\nreps:"))
    code, out, _ = run("--config", str(path), "check")
    assert code == 0 and "Switched off (findings.disabled): single_threaded" in out
    path.write_text(MINIMAL.replace("reps:", "findings:\n  disabled: [unanswered]\nreps:"))
    code, _, err = run("--config", str(path), "check")
    assert code == 2
    assert ("team.yaml:5: findings.disabled: unknown finding kind 'unanswered'; did you mean "
            "unanswered_customer?") in err
    assert "Traceback" not in err
