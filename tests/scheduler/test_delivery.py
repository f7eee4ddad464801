"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1) and the outbox folder."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
from pathlib import Path

import pytest
from dealnudge.config.schema import SmtpDelivery
from dealnudge.connectors.base import ConnectorError, ErrorKind
from dealnudge.connectors.retry import Backoff
from dealnudge.scheduler.compose import render_digest
from dealnudge.scheduler.delivery import OutboxDeliverer, SmtpDeliverer, deliver_with_retry
from dealnudge.store import StoredFinding
from pydantic import SecretStr

from tests.scheduler.factories import SARAH, config, sarah, standard_findings
from tests.scheduler.smtp_server import PASSWORD, USER, Handler, self_signed, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
UTC = dt.UTC
NOW = dt.datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def message(tmp_path: Path) -> email.message.EmailMessage:
    stored = [StoredFinding(f, NOW, NOW) for f in standard_findings(SARAH)]
    return render_digest(sarah(), stored, NOW.date(), config(tmp_path), now=NOW)


def smtp(port: int, **kw: object) -> SmtpDelivery:
    kw.setdefault("starttls", False)
    kw.setdefault("timeout_seconds", 5)
    return SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, **kw)  # type: ignore[arg-type]


def received(handler: Handler) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in handler.messages]


def test_plain_smtp_delivers_the_multipart_message(message: email.message.EmailMessage) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        SmtpDeliverer(smtp(port)).deliver(message, "label")
    [got] = received(handler)
    assert got["Message-ID"] == message["Message-ID"]
    assert got["Subject"] == message["Subject"]
    assert got.get_content_type() == "multipart/alternative"


def test_starttls_with_auth_and_a_ca_bundle(message: email.message.EmailMessage,
                                            cert: tuple[Path, Path], tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    handler = Handler()
    with smtp_server(handler, cert=cert, mode="starttls", auth=True) as port:
        SmtpDeliverer(smtp(port, starttls=True, username=USER, password_file=secret,
                           ca_bundle=cert[0])).deliver(message, "label")
    assert handler.logins == [USER] and len(handler.messages) == 1


def test_implicit_tls_with_inline_password(message: email.message.EmailMessage,
                                           cert: tuple[Path, Path]) -> None:
    handler = Handler()
    with smtp_server(handler, cert=cert, mode="ssl", auth=True) as port:
        SmtpDeliverer(smtp(port, ssl=True, username=USER, password=SecretStr(PASSWORD),
                           ca_bundle=cert[0])).deliver(message, "label")
    assert handler.logins == [USER] and len(handler.messages) == 1


def test_untrusted_certificate_is_the_admins_problem(message: email.message.EmailMessage,
                                                     cert: tuple[Path, Path]) -> None:
    with smtp_server(Handler(), cert=cert, mode="starttls") as port, \
            pytest.raises(ConnectorError) as err:
        SmtpDeliverer(smtp(port, starttls=True)).deliver(message, "label")  # no ca_bundle
    assert err.value.kind is ErrorKind.ADMIN and "ca_bundle" in str(err.value)


def test_wrong_password_is_not_retried_and_never_printed(
        message: email.message.EmailMessage) -> None:
    sleeps: list[float] = []
    with smtp_server(Handler(), auth=True) as port:
        sender = SmtpDeliverer(smtp(port, username=USER, password=SecretStr("hunter2-wrong")))
        with pytest.raises(ConnectorError) as err:
            deliver_with_retry(sender, message, "label", attempts=5, sleep=sleeps.append)
    assert err.value.kind is ErrorKind.ADMIN and sleeps == []
    assert "hunter2" not in str(err.value)


def test_transient_refusals_are_retried_with_backoff(
        message: email.message.EmailMessage) -> None:
    handler = Handler(refuse=["451 4.3.0 Try again later", "421 4.7.0 Busy"])
    sleeps: list[float] = []
    with smtp_server(handler) as port:
        deliver_with_retry(SmtpDeliverer(smtp(port)), message, "label", attempts=3,
                           sleep=sleeps.append, backoff=Backoff(attempts=3, base=1, cap=8))
    assert len(handler.messages) == 1 and len(sleeps) == 2
    assert 1 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2


def test_permanent_refusal_fails_at_once(message: email.message.EmailMessage) -> None:
    handler = Handler(refuse=["554 5.7.1 Message rejected"])
    sleeps: list[float] = []
    with smtp_server(handler) as port, pytest.raises(ConnectorError) as err:
        deliver_with_retry(SmtpDeliverer(smtp(port)), message, "label", attempts=5,
                           sleep=sleeps.append)
    assert err.value.status == 554 and "Message rejected" in str(err.value) and sleeps == []


def test_nothing_listening_is_transient(message: email.message.EmailMessage) -> None:
    from tests.scheduler.smtp_server import free_port

    sleeps: list[float] = []
    with pytest.raises(ConnectorError) as err:
        deliver_with_retry(SmtpDeliverer(smtp(free_port())), message, "label", attempts=3,
                           sleep=sleeps.append)
    assert err.value.kind is ErrorKind.TRANSIENT and len(sleeps) == 2


def test_outbox_writes_atomically_and_replaces_the_same_nudge(
        message: email.message.EmailMessage, tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    outbox = OutboxDeliverer(folder)
    outbox.deliver(message, f"2026-03-05_digest_{SARAH}")
    outbox.deliver(message, f"2026-03-05_digest_{SARAH}")
    assert sorted(os.listdir(folder)) == [f"2026-03-05_digest_{SARAH}.eml"]  # no temp files left
    parsed = email.message_from_bytes((folder / os.listdir(folder)[0]).read_bytes(),
                                      policy=email.policy.default)
    assert parsed["Message-ID"] == message["Message-ID"]


def test_outbox_that_cannot_be_written_is_reported(message: email.message.EmailMessage,
                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ConnectorError):
        OutboxDeliverer(blocker).deliver(message, "x")
