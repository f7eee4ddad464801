"""A digest claim stranded in ``sending`` (its process died between claiming and
recording) does not cost the rep the day's digest where delivery can be checked, and
is never sent twice; where it cannot be checked, it stays and `status` shows it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import yaml
from click.testing import CliRunner
from dealnudge.config.loader import load_config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.repjob import plan, run_rep
from dealnudge.scheduler.sending import delivery_label
from dealnudge.store import Store

from dealnudge.cli import main
from tests.scaleout.cluster import write_cluster_config

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _team(tmp_path: Path, **delivery: object) -> Path:
    return write_cluster_config(tmp_path / "team", f"sqlite:///{tmp_path / 'db.sqlite'}",
                                delivery=delivery or None)


def _strand(store: Store, rep: str, day: dt.date, message_id: str) -> int:
    claim = store.claim_nudge(rep, day, "digest", [], NOW - dt.timedelta(minutes=10),
                              message_id=message_id)
    assert claim is not None
    return claim.id


def test_a_claim_whose_file_is_missing_is_released_and_sent_once(tmp_path: Path) -> None:
    config = load_config(_team(tmp_path))
    rep = config.reps[0]
    day = NOW.astimezone(rep.zone).date()
    with Store.open(config.database) as store:
        _strand(store, rep.email, day, "<lost@northwind.example>")
        round_ = run_rep(config, store, rep.email, ConnectorContext(now=NOW))
        assert round_.digest is not None and round_.digest.status == "sent"
        claim = store.nudge(rep.email, day, "digest")
        assert claim is not None and claim.status == "sent"
        again = run_rep(config, store, rep.email, ConnectorContext(now=NOW))
        assert again.digest is not None and again.digest.status == "skipped_already_sent"
        assert rep.email not in plan(config, store, NOW).reps or again.sync.ok
    files = list(Path(config.nudges.delivery.path).glob("*.eml"))  # type: ignore[union-attr]
    assert len(files) == 1
    sent = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert sent["Message-ID"] == claim.message_id


def test_a_claim_whose_file_is_there_is_completed_without_a_second_send(tmp_path: Path) -> None:
    config = load_config(_team(tmp_path))
    rep = config.reps[1]
    day = NOW.astimezone(rep.zone).date()
    outbox = Path(config.nudges.delivery.path)  # type: ignore[union-attr]
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / f"{delivery_label(day, 'digest', rep.email)}.eml"
    target.write_bytes(b"Message-ID: <delivered@northwind.example>\r\nSubject: x\r\n\r\nbody\r\n")
    with Store.open(config.database) as store:
        claim_id = _strand(store, rep.email, day, "<delivered@northwind.example>")
        round_ = run_rep(config, store, rep.email, ConnectorContext(now=NOW))
        claim = store.nudge(rep.email, day, "digest")
    assert round_.digest is not None and round_.digest.status == "skipped_already_sent"
    assert claim is not None and (claim.id, claim.status) == (claim_id, "sent")
    assert [p.name for p in outbox.glob("*.eml")] == [target.name]
    assert b"<delivered@northwind.example>" in target.read_bytes()


def test_an_smtp_claim_stays_and_status_shows_it(tmp_path: Path) -> None:
    path = _team(tmp_path, kind="smtp", host="127.0.0.1", port=9)
    config = load_config(path)
    rep = config.reps[0]
    day = NOW.astimezone(rep.zone).date()
    with Store.open(config.database) as store:
        _strand(store, rep.email, day, "<unknown@northwind.example>")
        round_ = run_rep(config, store, rep.email, ConnectorContext(now=NOW))
        claim = store.nudge(rep.email, day, "digest")
    assert round_.digest is not None and round_.digest.status == "skipped_already_sent"
    assert claim is not None and claim.status == "sending"
    shown = CliRunner().invoke(main, ["--config", str(path), "status"])
    assert shown.exit_code == 0
    assert f"unverified: the digest of {rep.email} for {day}" in shown.output


def test_worker_on_sqlite_exits_2_with_a_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(_team(tmp_path)), "worker"])
    assert result.exit_code == 2
    assert "needs a PostgreSQL database" in result.output
    assert "dealnudge serve" in result.output
    assert "Traceback" not in result.output


def test_status_json_contract(tmp_path: Path) -> None:
    config = load_config(_team(tmp_path))
    with Store.open(config.database) as store:
        run_rep(config, store, config.reps[0].email, ConnectorContext(now=NOW))
    path = tmp_path / "team" / "dealnudge.yaml"
    result = CliRunner().invoke(main, ["--config", str(path), "status", "--json"])
    assert result.exit_code == 0, result.output
    rows = yaml.safe_load(result.output)
    assert rows and all(set(r) == {"rep", "stream", "last_success", "last_error", "items"}
                        for r in rows)
    assert {r["rep"] for r in rows} == {config.reps[0].email}
    assert all(dt.datetime.fromisoformat(r["last_success"]) for r in rows)
