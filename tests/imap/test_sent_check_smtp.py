"""SMTP delivery with ``sent_check``: a digest claim stranded in ``sending`` is looked up
over IMAP in the sending account's Sent folder on a real Dovecot, read-only, by its
Message-ID. The digest goes out through the real SMTP deliverer to aiosmtpd; the copy a
provider such as Gmail or Microsoft 365 files in Sent is appended there by the test."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from dealnudge.config.schema import Config, SmtpDelivery, SmtpSentCheck
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.compose import render_digest
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.timing import local_day
from dealnudge.store import Store

from tests.imap.conftest import next_rep
from tests.imap.servers import Dovecot, LocalCA
from tests.scheduler.factories import SARAH, config, sarah, seed, standard_findings
from tests.scheduler.smtp_server import Handler, smtp_server
from tests.scheduler.stranded import settle, strand

NOW = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=10)


def smtp_config(tmp_path: Path, port: int, dovecot: Dovecot, ca: LocalCA, account: str, *,
                password: str = "pw") -> Config:
    check = SmtpSentCheck(host="127.0.0.1", port=dovecot.imaps_port, username=account,
                          password=password, ca_bundle=ca.ca_file, folder="Sent",  # type: ignore[arg-type]
                          timeout_seconds=10)
    return config(tmp_path, reps=[sarah()], delivery=SmtpDelivery(
        kind="smtp", host="127.0.0.1", port=port, starttls=False, timeout_seconds=10,
        sent_check=check))


def cfg_ctx() -> ConnectorContext:
    return ConnectorContext(now=LATER)


def strand_copy(cfg: Config, when: dt.datetime) -> bytes:
    """Sarah's digest of an earlier day, as its copy in Sent would read."""
    rep = cfg.reps[0]
    return render_digest(rep, [], local_day(when, rep.zone), cfg, now=when).as_bytes()


def sending_account(dovecot: Dovecot) -> str:
    account = next_rep()
    with dovecot.client(account) as c:
        c.create_folder("Sent")
    return account


def file_in_sent(dovecot: Dovecot, account: str, raw: bytes, when: dt.datetime) -> None:
    """What the provider does with a message its SMTP service accepted from the account."""
    with dovecot.client(account) as c:
        c.append("Sent", raw, msg_time=when)


def test_a_sent_digest_is_found_read_only_and_completed(
        tmp_path: Path, store: Store, dovecot: Dovecot, ca: LocalCA) -> None:
    account = sending_account(dovecot)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port, dovecot, ca, account)
        seed(store, standard_findings(SARAH), NOW, cfg)
        claim, message = strand(store, cfg, cfg.reps[0], NOW, cfg_ctx(), delivered=True)
        [raw] = handler.messages
        file_in_sent(dovecot, account, raw, NOW)
        dovecot.clear_rawlog(account)
        [check] = settle(store, cfg, LATER, cfg_ctx())
        assert check.verdict == "delivered"
        done = store.nudge(SARAH, claim.local_day, "digest")
        assert done is not None and (done.id, done.status) == (claim.id, "sent")
        [again] = send_due_nudges(cfg, store, LATER)
    assert again.status == "skipped_already_sent" and len(handler.messages) == 1
    said = dovecot.rawlog(account)
    assert 'EXAMINE "Sent"' in said and "SELECT" not in said.upper()
    assert f"UID SEARCH HEADER Message-ID {message['Message-ID']}" in said
    assert "STORE" not in said.upper() and "APPEND" not in said.upper()


def test_a_digest_that_never_left_is_released_and_sent_once(
        tmp_path: Path, store: Store, dovecot: Dovecot, ca: LocalCA) -> None:
    account = sending_account(dovecot)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port, dovecot, ca, account)
        seed(store, standard_findings(SARAH), NOW, cfg)
        yesterday = strand_copy(cfg, NOW - dt.timedelta(days=1))  # an older digest to Sarah
        file_in_sent(dovecot, account, yesterday, NOW - dt.timedelta(days=1))
        claim, message = strand(store, cfg, cfg.reps[0], NOW, cfg_ctx(), delivered=False)
        [check] = settle(store, cfg, LATER, cfg_ctx())
        assert check.verdict == "absent"
        assert store.nudge(SARAH, claim.local_day, "digest") is None
        [sent] = send_due_nudges(cfg, store, LATER)
        [again] = send_due_nudges(cfg, store, LATER)
    assert (sent.status, again.status) == ("sent", "skipped_already_sent")
    assert sent.message_id == message["Message-ID"] and len(handler.messages) == 1


def test_a_refused_login_leaves_the_claim_with_one_warning(
        tmp_path: Path, store: Store, dovecot: Dovecot, ca: LocalCA,
        caplog: pytest.LogCaptureFixture) -> None:
    account = sending_account(dovecot)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port, dovecot, ca, account, password="wrong-Pa55")
        seed(store, standard_findings(SARAH), NOW, cfg)
        claim, _ = strand(store, cfg, cfg.reps[0], NOW, cfg_ctx(), delivered=False)
        with caplog.at_level(logging.WARNING):
            [check] = settle(store, cfg, LATER, cfg_ctx())
        assert check.verdict == "unknown"
        left = store.nudge(SARAH, claim.local_day, "digest")
        assert left is not None and left.status == "sending"
        [again] = send_due_nudges(cfg, store, LATER)
    assert again.status == "skipped_already_sent" and handler.messages == []
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    text = warning.getMessage()
    assert "refused the login" in text and "\n" not in text and "wrong-Pa55" not in text


def test_another_message_to_the_recipient_since_the_claim_is_not_called_absent(
        tmp_path: Path, store: Store, dovecot: Dovecot, ca: LocalCA) -> None:
    account = sending_account(dovecot)
    handler = Handler()
    with smtp_server(handler) as port:
        cfg = smtp_config(tmp_path, port, dovecot, ca, account)
        seed(store, standard_findings(SARAH), NOW, cfg)
        claim, _ = strand(store, cfg, cfg.reps[0], NOW, cfg_ctx(), delivered=True)
        [raw] = handler.messages
        rewritten = raw.replace(b"Message-ID: <digest.", b"Message-ID: <relay.")
        assert rewritten != raw
        file_in_sent(dovecot, account, rewritten, NOW + dt.timedelta(seconds=5))
        [check] = settle(store, cfg, LATER, cfg_ctx())
    assert check.verdict == "unknown"
    left = store.nudge(SARAH, claim.local_day, "digest")
    assert left is not None and left.status == "sending"

