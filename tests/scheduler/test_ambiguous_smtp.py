"""An SMTP server that took the whole message but never gave its final reply: the send is
ambiguous. It is never retried (not within the run, not by later runs or serve rounds),
``status`` shows it, and the recipient has exactly one copy. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from dealnudge.config.schema import Config, SmtpDelivery
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from dealnudge.cli import main
from tests.scheduler.factories import SARAH, config, sarah, seed, standard_findings
from tests.scheduler.smtp_server import Handler, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NINE_AM_NY = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)


def smtp_config(tmp_path: Path, port: int, timeout: float = 5) -> Config:
    cfg = config(tmp_path, reps=[sarah()])
    return cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
        "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False,
                                 timeout_seconds=timeout)})})


@pytest.mark.parametrize("fault", ["drop", "slow reply"])
def test_an_ambiguous_send_is_never_repeated(store: Store, tmp_path: Path, fault: str) -> None:
    handler = Handler(drop_after_data=1 if fault == "drop" else 0,
                      delay_reply=3 if fault == "slow reply" else 0)
    sleeps: list[float] = []
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port, timeout=1)
        seed(store, standard_findings(SARAH), NINE_AM_NY, cfg)
        first = send_due_nudges(cfg, store, NINE_AM_NY,
                                ctx=ConnectorContext(now=NINE_AM_NY, sleep=sleeps.append))
        handler.delay_reply = 0
        # serve's catch-up runs every round: five minutes of rounds, then later runs
        later = [send_due_nudges(cfg, store, NINE_AM_NY + dt.timedelta(minutes=m),
                                 grace=dt.timedelta(hours=4))
                 for m in range(1, 6)]
        later.append(send_due_nudges(cfg, store, NINE_AM_NY + dt.timedelta(hours=2)))
    digests = [o for o in first if o.kind == "digest"]
    assert [o.status for o in digests] == ["ambiguous"] and sleeps == []  # no retry in-run
    assert all(o.status == "skipped_already_sent" for run in later for o in run
               if o.kind == "digest")
    assert len(handler.messages) == 1
    [unsettled] = store.unsettled_nudges()
    assert unsettled.ambiguous and unsettled.rep == SARAH and unsettled.finished_at is not None


def test_a_refusal_after_data_is_not_ambiguous(store: Store, tmp_path: Path) -> None:
    handler = Handler(refuse=["451 4.3.0 try later"])
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port)
        seed(store, standard_findings(SARAH), NINE_AM_NY, cfg)
        outcomes = send_due_nudges(cfg, store, NINE_AM_NY,
                                   ctx=ConnectorContext(now=NINE_AM_NY, sleep=lambda s: None))
    assert [o.status for o in outcomes if o.kind == "digest"] == ["sent"]  # retried in-run
    assert store.unsettled_nudges() == [] and len(handler.messages) == 1


def test_nudge_and_status_commands_show_it(tmp_path: Path) -> None:
    handler = Handler(drop_after_data=1)
    with smtp_server(handler) as port:
        path = tmp_path / "team.yaml"
        path.write_text(f"""\
database: sqlite:///team.db
organization: {{name: Northwind, internal_domains: [northwind.example]}}
nudges:
  send_when_empty: true
  weekdays: [mon, tue, wed, thu, fri, sat, sun]
  delivery: {{kind: smtp, host: 127.0.0.1, port: {port}, starttls: false, timeout_seconds: 2}}
reps:
  - email: {SARAH}
    timezone: America/New_York
    source: {{kind: local}}
""")
        now = "2026-03-05T14:00:00Z"
        first = CliRunner().invoke(main, ["--config", str(path), "nudge", "--now", now])
        again = CliRunner().invoke(main, ["--config", str(path), "nudge", "--now", now])
    assert first.exit_code == 1 and "may or may not have been delivered" in first.stderr
    assert f"{SARAH}: ambiguous" in first.stderr
    assert again.exit_code == 0 and f"{SARAH}: skipped_already_sent" in again.stderr
    assert len(handler.messages) == 1
    status = CliRunner().invoke(main, ["--config", str(path), "status"])
    assert status.exit_code == 0
    expected = f"2026-03-05 digest  {SARAH}: ambiguous — SMTP server 127.0.0.1:{port} took the"
    assert expected in status.output
