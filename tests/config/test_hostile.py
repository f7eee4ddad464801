"""Hostile and mistaken config files: each is one line-numbered sentence and exit 2, fast."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from dealnudge.config.loader import ConfigError, load_config
from dealnudge.config.secrets import SecretMissing, read_secret

from dealnudge.cli import main
from tests.config.test_loader import MINIMAL, problems, write

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True))

HOSTILE = {
    "billion laughs": (LAUGHS + MINIMAL, "more than 200,000 values"),
    "recursive alias": (MINIMAL + "x: &a [1, *a]\n", "refers to the list or mapping it is part of"),
    "python object": (MINIMAL + "nudges: !!python/object:os.system {}\n", "!!python/object"),
    "unknown tag": (MINIMAL + "nudges: !secret x\n", "the tag !secret is not allowed"),
    "list as key": (MINIMAL + "? [a, b]\n: 1\n", "a key must be a plain word"),
    "deep nesting": (MINIMAL + "x: " + "[" * 20_000 + "]" * 20_000 + "\n", "nest more than"),
    "deep block nesting": (MINIMAL + "".join(f"{'  ' * i}k{i}:\n" for i in range(200)),
                           "nest more than"),
    "send_at 25:00": (MINIMAL + "nudges:\n  send_at: 25:00\n", 'quotes as "HH:MM"'),
    "send_at 8:30:00": (MINIMAL + "nudges:\n  send_at: 8:30:00\n", 'quotes as "HH:MM"'),
    "send_at 8": (MINIMAL + "nudges:\n  send_at: 8\n", 'quotes as "HH:MM"'),
    "no weekdays": (MINIMAL + "nudges:\n  weekdays: []\n", "nudges.weekdays: needs at least 1"),
    "interval 1e300": (MINIMAL + "sync:\n  interval_minutes: 1e300\n",
                       "sync.interval_minutes: must be at most 1440"),
    "jitter 1e300": (MINIMAL + "sync:\n  jitter_seconds: 1e300\n",
                     "sync.jitter_seconds: must be at most 3600"),
    "threshold inf": (MINIMAL + "thresholds:\n  follow_up_within_hours: .inf\n",
                      "thresholds.follow_up_within_hours: must be a finite number"),
    "threshold nan": (MINIMAL + "thresholds:\n  next_step_within_hours: .nan\n",
                      "thresholds.next_step_within_hours: must be a finite number"),
    "grace 1e300": (MINIMAL + "nudges:\n  grace_hours: 1e300\n", "nudges.grace_hours: must be at most 24"),
    "huge days": (MINIMAL + "thresholds:\n  stall_after_days: " + "9" * 400 + "\n",
                  "thresholds.stall_after_days: must be at most 3650"),
    "CRLF from": (MINIMAL + 'nudges:\n  from_address: "a@northwind.example\\r\\nBcc: x@evil.example"\n',
                  "nudges.from_address: expected an e-mail address"),
    "newline in name": (MINIMAL.replace("name: Northwind", 'name: "North\\nwind"'),
                        "organization.name: must be one line"),
    "latin-1 bytes": (None, "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_config_is_one_sentence_with_a_line(tmp_path: Path, case: str) -> None:
    text, expected = HOSTILE[case]
    path = tmp_path / "dealnudge.yaml"
    if text is None:
        path.write_bytes(MINIMAL.encode() + "# caf\xe9\n".encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    found = problems(path)
    assert time.monotonic() - started < 10
    assert any(expected in p for p in found), found
    assert all(p.startswith("dealnudge.yaml:") and p.split(":")[1].isdigit() for p in found)


def test_the_alias_bomb_line_is_where_it_explodes(tmp_path: Path) -> None:
    found = problems(write(tmp_path, LAUGHS + MINIMAL))
    assert found[0].startswith("dealnudge.yaml:6:")  # 9^6 > 200,000 at the sixth anchor


def test_modest_anchors_and_merge_keys_still_work(tmp_path: Path) -> None:
    text = MINIMAL.replace("    source: {kind: local, calendar: data/cal.ics, mail: data/mail}",
                           "    source: &src {kind: local}\n"
                           "  - email: sarah@northwind.example\n    source: *src")
    text = text.replace("reps:", "defaults: &d {timezone: Asia/Shanghai}\nreps:")
    with pytest.raises(ConfigError) as err:  # the unknown top-level key, nothing else
        load_config(write(tmp_path, text))
    [problem] = err.value.problems
    assert problem.startswith("dealnudge.yaml:4: defaults: unknown key (known keys: database, ")
    config = load_config(write(tmp_path, text.replace("defaults: &d {timezone: Asia/Shanghai}\n", "")))
    assert [r.source.kind for r in config.reps] == ["local", "local"]


def test_quoted_and_plain_hh_mm_are_the_same_time(tmp_path: Path) -> None:
    plain = load_config(write(tmp_path, MINIMAL + "nudges:\n  send_at: 07:05\n"))
    quoted = load_config(write(tmp_path, MINIMAL + 'nudges:\n  send_at: "7:05"\n'))
    assert plain.nudges.send_at == quoted.nudges.send_at == plain.nudges.send_at.replace(7, 5)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "dealnudge.yaml"
    with path.open("w") as out:
        out.write(MINIMAL)
        out.write("#" + "x" * 5_000_000 + "\n")
    found = problems(path)
    assert found == [(f"dealnudge.yaml:1: the file is {path.stat().st_size:,} bytes; a config "
                     "file may be at most 1,048,576 bytes")]


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_devices_are_not_config_files(special: str) -> None:
    found = problems(Path(special))
    assert found == [(f"{Path(special).name}:1: this is not a regular file (a device, pipe or "
                     "socket); give the path of a YAML file")]


def test_a_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "team.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in problems(fifo)[0]


def test_wrong_kinds_of_paths_are_refused_on_every_load(tmp_path: Path) -> None:
    (tmp_path / "pw").mkdir()
    text = MINIMAL.replace("{kind: local, calendar: data/cal.ics, mail: data/mail}",
                           "{kind: local, calendar: /dev/zero}") + f"""\
nudges:
  delivery: {{kind: smtp, host: mail.example, password_file: {tmp_path / 'pw'}}}
"""
    found = problems(write(tmp_path, text))
    assert sorted(found) == [
        ("dealnudge.yaml:7: reps[0].source.calendar: /dev/zero must be a file or a folder, "
        "but it is a device"),
        (f"dealnudge.yaml:9: nudges.delivery.password_file: {tmp_path / 'pw'} must be a regular "
        "file, but it is a folder")]
    outbox = MINIMAL + "nudges:\n  delivery: {kind: outbox, path: /dev/null}\n"
    assert problems(write(tmp_path, outbox)) == [
        "dealnudge.yaml:9: nudges.delivery.path: /dev/null must be a folder, but it is a device"]


def test_missing_paths_are_refused_by_check_only(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    assert load_config(path).reps[0].source.kind == "local"  # sync/serve: the rep reports it
    with pytest.raises(ConfigError) as err:
        load_config(path, require_paths=True)
    assert err.value.problems == [
        f"dealnudge.yaml:7: reps[0].source.calendar: {tmp_path / 'data/cal.ics'} does not exist",
        f"dealnudge.yaml:7: reps[0].source.mail: {tmp_path / 'data/mail'} does not exist"]
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    (tmp_path / "data/mail").mkdir(parents=True)
    (tmp_path / "data/cal.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert CliRunner().invoke(main, ["--config", str(path), "check"]).exit_code == 0


def test_check_exits_2_within_a_second_on_a_bomb_as_a_process(tmp_path: Path) -> None:
    path = write(tmp_path, LAUGHS + MINIMAL)
    exe = Path(sys.executable).with_name("dealnudge")
    started = time.monotonic()
    done = subprocess.run([str(exe), "--config", str(path), "check"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "dealnudge.yaml:6: the file expands to more than" in done.stderr
    assert time.monotonic() - started < 10


def test_database_password_is_never_printed(tmp_path: Path) -> None:
    secret = "hunter2-db-secret"
    text = f'database: "postgresql+psycopg://bob:{secret}@127.0.0.1:1/db?password={secret}"\n'
    path = write(tmp_path, text + MINIMAL.replace(
        "{kind: local, calendar: data/cal.ics, mail: data/mail}", "{kind: local}"))
    for command in (["check"], ["status"], ["report", "--json"]):
        result = CliRunner().invoke(main, ["--config", str(path), *command])
        assert secret not in result.output + result.stderr
        assert "***" in result.output + result.stderr
    result = CliRunner().invoke(main, ["--config", str(path), "status"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr


def test_secret_files_must_be_small_regular_files(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 70_000)
    for path, expected in ((Path("/dev/zero"), "not a regular file"), (tmp_path, "not a regular"),
                           (big, "larger than 65,536 bytes")):
        with pytest.raises(SecretMissing) as err:
            read_secret(None, path, what="IMAP password")
        assert expected in str(err.value)
    good = tmp_path / "pw"
    good.write_text("s3cret\n")
    assert read_secret(None, good, what="IMAP password") == "s3cret"
