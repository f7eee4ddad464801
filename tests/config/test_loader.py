"""The admin's YAML: every problem reported at once, with file, line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dealnudge.config.loader import ConfigError, load_config
from dealnudge.config.schema import SmtpDelivery

EXAMPLES = Path(__file__).resolve().parents[2] / "config"

MINIMAL = """\
organization:
  name: Northwind
  internal_domains: [northwind.example]
reps:
  - email: li.wei@northwind.example
    timezone: Asia/Shanghai
    source: {kind: local, calendar: data/cal.ics, mail: data/mail}
"""


def write(tmp_path: Path, text: str, name: str = "dealnudge.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return err.value.problems


@pytest.mark.parametrize("name", ["demo.yaml", "google.yaml", "microsoft.yaml", "imap.yaml"])
def test_examples_are_valid(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALNUDGE_GRAPH_SECRET", "s3cret")
    monkeypatch.setenv("DEALNUDGE_SMTP_PASSWORD", "pw")
    config = load_config(EXAMPLES / name)
    assert config.reps and config.organization.name == "Northwind"


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.thresholds.follow_up_within_hours == 24
    assert config.thresholds.stall_after_days == 14
    assert config.nudges.send_at == dt.time(8, 0)
    assert config.nudges.weekdays == ["mon", "tue", "wed", "thu", "fri"]
    source = config.reps[0].source
    assert source.kind == "local" and source.calendar == tmp_path / "data/cal.ics"
    assert config.database == f"sqlite:///{tmp_path.resolve() / 'dealnudge.db'}"
    assert config.nudges.delivery.kind == "outbox"
    assert config.nudges.delivery.path == tmp_path / "outbox"


def test_all_problems_at_once_with_lines_and_keys(tmp_path: Path) -> None:
    text = MINIMAL.replace("reps:", """thresholds:
  stall_after_days: fourteen
  stal_min_seller_touches: 3
nudges:
  weekdays: [mon, 3]
reps:""") + """  - name: No Email
    source: {kind: local}
"""
    found = problems(write(tmp_path, text))
    assert "dealnudge.yaml:5: thresholds.stall_after_days: expected an integer, got 'fourteen'" in found
    assert ("dealnudge.yaml:6: thresholds.stal_min_seller_touches: unknown key; "
            "did you mean stall_min_seller_touches?") in found
    assert any(p.startswith("dealnudge.yaml:8: nudges.weekdays[1]: expected one of") and
               p.endswith("got 3") for p in found)
    assert "dealnudge.yaml:13: reps[1].email: this required key is missing" in found
    assert len(found) == 4


def test_misspelt_key_inside_a_source(tmp_path: Path) -> None:
    found = problems(write(tmp_path, MINIMAL.replace("calendar:", "calender:")))
    assert found == [("dealnudge.yaml:7: reps[0].source.calender: unknown key; "
                     "did you mean calendar?")]


def test_missing_required_section(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "reps: []\n"))
    assert "dealnudge.yaml:1: organization: this required key is missing" in found
    assert any(p.startswith("dealnudge.yaml:1: reps:") for p in found)


def test_env_substitution_and_missing_variable(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL.replace("name: Northwind", "name: ${ORG_NAME}")
    monkeypatch.setenv("ORG_NAME", "Contoso")
    assert load_config(write(tmp_path, text)).organization.name == "Contoso"
    monkeypatch.delenv("ORG_NAME")
    assert problems(write(tmp_path, text)) == [
        "dealnudge.yaml:2: organization.name: the environment variable ORG_NAME is not set"]


def test_secret_values_never_appear_in_errors(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PW", "hunter2-very-secret")
    text = MINIMAL.replace("reps:", """nudges:
  delivery: {kind: smtp, host: mail.example, port: not-a-port, password: "${SMTP_PW}"}
reps:""")
    found = problems(write(tmp_path, text))
    assert found and not any("hunter2" in p for p in found)
    config_text = repr(load_config(write(tmp_path, text.replace("not-a-port", "587"))))
    assert "hunter2" not in config_text


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    found = problems(write(tmp_path, MINIMAL + "  - email: [unclosed\n"))
    assert len(found) == 1 and found[0].startswith("dealnudge.yaml:9: this is not valid YAML")


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace("  name: Northwind\n", "  name: Northwind\n  name: Contoso\n")
    assert problems(write(tmp_path, text)) == [
        "dealnudge.yaml:3: organization.name: the key is given twice"]


def test_unquoted_send_at_is_read_as_a_time(tmp_path: Path) -> None:
    text = MINIMAL + "nudges:\n  send_at: 07:30\n"
    assert load_config(write(tmp_path, text)).nudges.send_at == dt.time(7, 30)


def test_source_needs_its_provider_and_unknown_zone(tmp_path: Path) -> None:
    text = MINIMAL.replace("{kind: local, calendar: data/cal.ics, mail: data/mail}",
                           "{kind: google}").replace("Asia/Shanghai", "Asia/Shanghia")
    found = problems(write(tmp_path, text))
    assert any(p.startswith("dealnudge.yaml:6: reps[0].timezone: unknown time zone") for p in found)
    text = MINIMAL.replace("{kind: local, calendar: data/cal.ics, mail: data/mail}",
                           "{kind: google}")
    assert problems(write(tmp_path, text)) == [
        "dealnudge.yaml:7: reps[0].source.kind: source kind google needs a providers.google section"]


def test_wrong_source_kind(tmp_path: Path) -> None:
    found = problems(write(tmp_path, MINIMAL.replace("kind: local", "kind: exchange")))
    assert len(found) == 1 and "reps[0].source" in found[0] and "'exchange'" in found[0]


def test_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    found = problems(tmp_path / "nope.yaml")
    assert "no such config file" in found[0]


def test_deal_signal_thresholds_and_disabled_kinds(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    th = config.thresholds
    assert (th.slip_grace_days, th.reschedule_window_days, th.reschedule_min_count,
            th.single_thread_min_meetings, th.reply_within_hours) == (2, 30, 2, 3, 24)
    assert config.findings.disabled == []
    text = MINIMAL.replace("reps:", """thresholds:
  slip_grace_days: -1
  reschedule_min_count: 0
  reply_within_hours: soon
findings:
  disabled: [single_thread]
reps:""")
    found = problems(write(tmp_path, text))
    assert any(p.startswith("dealnudge.yaml:5: thresholds.slip_grace_days:") for p in found)
    assert any(p.startswith("dealnudge.yaml:6: thresholds.reschedule_min_count:") for p in found)
    assert any(p.startswith("dealnudge.yaml:7: thresholds.reply_within_hours:") for p in found)
    assert ("dealnudge.yaml:9: findings.disabled: unknown finding kind 'single_thread'; "
            "did you mean single_threaded?") in found
    assert len(found) == 4
    fine = MINIMAL.replace("reps:", "findings:\n  disabled: [single_threaded, stalled_deal]\nreps:")
    assert load_config(write(tmp_path, fine)).findings.disabled == ["single_threaded",
                                                                     "stalled_deal"]


def test_delivery_sent_check_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAP_PW", "sent-folder-secret-42")
    text = MINIMAL.replace("reps:", """nudges:
  delivery:
    kind: smtp
    host: smtp.gmail.com
    username: nudges@northwind.example
    password_file: smtp.pw
    sent_check:
      host: imap.gmail.com
      folder: "[Gmail]/Sent Mail"
      password: "${IMAP_PW}"
      prot: 993
reps:""")
    found = problems(write(tmp_path, text))
    assert found == [("dealnudge.yaml:14: nudges.delivery.sent_check.prot: unknown key; "
                      "did you mean port?")]
    config = load_config(write(tmp_path, text.replace("      prot: 993\n", "")))
    delivery = config.nudges.delivery
    assert isinstance(delivery, SmtpDelivery) and delivery.sent_check is not None
    check = delivery.sent_check
    assert (check.port, check.starttls, check.folder, check.username) == (
        993, False, "[Gmail]/Sent Mail", None)
    assert "sent-folder-secret-42" not in repr(config)
    empty = problems(write(tmp_path, text.replace('"[Gmail]/Sent Mail"', '""')))
    assert len(empty) == 2 and any("sent_check.folder" in p for p in empty)
    outbox = MINIMAL.replace("reps:", "nudges:\n  delivery: {kind: outbox, sent_check: true}\nreps:")
    assert problems(write(tmp_path, outbox)) == [
        "dealnudge.yaml:5: nudges.delivery.sent_check: unknown key (known keys: kind, path)"]
