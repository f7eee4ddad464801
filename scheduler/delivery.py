"""Deliver a finished nudge: an outbox folder, SMTP, or a provider's send API.

Errors are classified once, in ``classify_smtp`` (docs/architecture.md, "Errors are classified once"): a 4xx reply,
a dropped connection or a timeout is TRANSIENT and retried with backoff; a 5xx
reply or a failed login is for the admin and is not retried; a TLS verification
failure is the admin's too (wrong ``ca_bundle``). Messages name the server and
the reply, never the password. Gmail and Graph sending belong to their connectors
and are reached only through ``connectors.registry.create_sender``.

The outbox writes each message to a temporary file in the same folder and renames
it into place, so a reader never sees half a message; the name comes from the
local day and the recipient, so writing the same nudge again replaces the file.

``Deliverer.delivered`` answers, for a claim stranded in ``sending``, whether the
message reached the target: the outbox by its file; SMTP with ``sent_check`` by the
account's Sent folder over IMAP (``connectors.imap.sent``); Gmail and Graph with
``sent_check`` through their sender's ``find_sent``. Every lookup follows
``connectors.base.sent_verdict``.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, TypeAlias

from dealnudge.config.schema import Config, OutboxDelivery, SmtpDelivery
from dealnudge.config.secrets import SecretMissing, read_secret
from dealnudge.connectors import registry  # imports each provider lazily
from dealnudge.connectors.base import (
    AdminError,
    ConnectorContext,
    ConnectorError,
    ErrorKind,
    Sender,
    SentLookup,
    SentQuery,
    SentVerdict,
    TransientError,
)
from dealnudge.connectors.retry import Backoff, call_with_retry

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


Verdict: TypeAlias = SentVerdict


class Deliverer(Protocol):
    def deliver(self, message: EmailMessage, label: str) -> None:
        """Deliver or raise ``ConnectorError``; ``label`` names the nudge (day, kind, recipient)."""

    def delivered(self, query: SentQuery) -> Verdict:
        """Whether the stranded nudge ``query`` reached the target, where that can be
        checked; "unknown" where it cannot (a plain SMTP relay keeps no copy we can read).
        May raise: the caller treats any failure as "unknown"."""


class OutboxDeliverer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, message: EmailMessage, label: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{_UNSAFE.sub('_', label)}.eml"
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(message.as_bytes())
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except PermissionError as err:
            raise AdminError(f"cannot write to the outbox {self.folder}: {err.strerror}") from None
        except OSError as err:
            raise TransientError(f"cannot write to the outbox {self.folder}: {err.strerror}") \
                from None

    def delivered(self, query: SentQuery) -> Verdict:
        """The file is written to a temporary name and renamed into place, so a file
        under the nudge's name carrying its Message-ID is a finished delivery."""
        message_id = query.message_id
        target = self.folder / f"{_UNSAFE.sub('_', query.label)}.eml"
        try:
            with target.open("rb") as handle:
                head = handle.read(64 * 1024)
        except FileNotFoundError:
            return "absent"
        except OSError:
            return "unknown"
        return "delivered" if message_id.encode("utf-8", "replace") in head else "absent"


def classify_smtp(err: Exception, where: str) -> ConnectorError:
    """The one table that decides what an SMTP failure means."""
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return AdminError(f"{where} refused the login ({err.smtp_code})", status=err.smtp_code)
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in err.recipients.values()]
        kind = ErrorKind.TRANSIENT if all(400 <= c < 500 for c in codes) else ErrorKind.ADMIN
        return ConnectorError(f"{where} refused the recipient ({', '.join(map(str, codes))})",
                              kind=kind, status=codes[0] if codes else None)
    if isinstance(err, smtplib.SMTPResponseException):
        reply = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) \
            else str(err.smtp_error)
        kind = ErrorKind.TRANSIENT if 400 <= err.smtp_code < 500 else ErrorKind.ADMIN
        return ConnectorError(f"{where} answered {err.smtp_code} {reply.strip()[:200]}",
                              kind=kind, status=err.smtp_code)
    if isinstance(err, smtplib.SMTPNotSupportedError):
        return AdminError(f"{where} does not support what the config asks ({err})")
    if isinstance(err, ssl.SSLCertVerificationError):
        return AdminError(f"{where}: TLS certificate not trusted ({err.verify_message}); "
                          f"check nudges.delivery.ca_bundle")
    if isinstance(err, (smtplib.SMTPException, OSError)):  # disconnects, refusals, timeouts
        return TransientError(f"{where}: {type(err).__name__}: {err}")
    return ConnectorError(f"{where}: unexpected {type(err).__name__}: {err}")


class AmbiguousDelivery(ConnectorError):
    """The whole message went out after DATA, but the server's final reply never came
    (a dropped connection or a timeout): it may have been delivered. Never retried, by
    this run or any later one; the claim is marked so ``status`` shows it."""

    kind = ErrorKind.ADMIN


class _WatchedSMTP(smtplib.SMTP):
    """Knows whether the message body and its final ``.`` were fully handed to the socket."""

    body_sent = False
    _after_data = False

    def putcmd(self, cmd: str, args: str = "") -> None:
        super().putcmd(cmd, args)
        self._after_data = cmd.lower() == "data"

    def send(self, s: bytes | str) -> None:  # type: ignore[override]  # stdlib's is untyped
        super().send(s)
        end = b"\r\n.\r\n" if isinstance(s, bytes) else "\r\n.\r\n"
        if self._after_data and s.endswith(end):  # type: ignore[arg-type]  # same type as s
            self.body_sent = True


class _WatchedSMTP_SSL(_WatchedSMTP, smtplib.SMTP_SSL):
    pass


class SmtpDeliverer:
    """One connection per message: nudges are few, and a fresh login survives idle timeouts."""

    def __init__(self, settings: SmtpDelivery) -> None:
        self.settings = settings
        self.where = f"SMTP server {settings.host}:{settings.port}"
        self.password = read_secret(settings.password, settings.password_file,
                                    what="SMTP password")

    def _tls(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_bundle) if self.settings.ca_bundle else None
        return ssl.create_default_context(cafile=cafile)

    def _connect(self) -> _WatchedSMTP:
        s = self.settings
        if s.ssl:
            return _WatchedSMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                    context=self._tls())
        client = _WatchedSMTP(s.host, s.port, timeout=s.timeout_seconds)
        if s.starttls:
            try:
                client.ehlo()
                client.starttls(context=self._tls())
                client.ehlo()
            except BaseException:
                client.close()
                raise
        return client

    def deliver(self, message: EmailMessage, label: str) -> None:
        client: _WatchedSMTP | None = None
        try:
            with self._connect() as client:
                if self.settings.username:
                    client.login(self.settings.username, self.password or "")
                client.send_message(message)
        except (TimeoutError, smtplib.SMTPException, OSError) as err:
            if client is not None and client.body_sent and not isinstance(
                    err, smtplib.SMTPResponseException):
                raise AmbiguousDelivery(
                    f"{self.where} took the whole message but the connection ended before its "
                    f"reply ({type(err).__name__}); it may have been delivered, so it is not "
                    "sent again") from None
            raise classify_smtp(err, self.where) from None

    def delivered(self, query: SentQuery) -> Verdict:
        """With ``sent_check``: the provider's copy in the account's Sent folder, looked up
        over IMAP read-only; without it a relay accepts and forgets: nothing to look at."""
        check = self.settings.sent_check
        if check is None:
            return "unknown"
        from dealnudge.connectors.imap.sent import find_sent  # imapclient only when used

        return find_sent(check, query, username=check.username or self.settings.username,
                         password=self._sent_check_password(),
                         ca_bundle=check.ca_bundle or self.settings.ca_bundle)

    def _sent_check_password(self) -> str:
        check = self.settings.sent_check
        assert check is not None  # noqa: S101 - only called with a sent_check section
        try:
            own = read_secret(check.password, check.password_file,
                              what="SMTP sent-check IMAP password")
        except SecretMissing as err:
            raise AdminError(str(err)) from None
        return own if own is not None else (self.password or "")


class SenderDeliverer:
    """Gmail / Graph: the provider connector's ``Sender``."""

    def __init__(self, sender: Sender, *, sent_check: bool = False) -> None:
        self.sender = sender
        self.sent_check = sent_check

    def deliver(self, message: EmailMessage, label: str) -> None:
        self.sender.send(message)

    def delivered(self, query: SentQuery) -> Verdict:
        # Without ``sent_check`` the senders hold send-only rights (gmail.send; Graph
        # with saveToSentItems false): there is no copy they could look at.
        if not self.sent_check or not isinstance(self.sender, SentLookup):
            return "unknown"
        return self.sender.find_sent(query)


def open_deliverer(config: Config, ctx: ConnectorContext) -> Deliverer:
    """The deliverer ``nudges.delivery`` describes; raises ``AdminError`` on a bad setup."""
    settings = config.nudges.delivery
    if isinstance(settings, OutboxDelivery):
        return OutboxDeliverer(settings.path)
    if isinstance(settings, SmtpDelivery):
        try:
            return SmtpDeliverer(settings)
        except SecretMissing as err:
            raise AdminError(str(err)) from None
    return SenderDeliverer(registry.create_sender(settings.kind, config, ctx),
                           sent_check=settings.sent_check)


def deliver_with_retry(deliverer: Deliverer, message: EmailMessage, label: str, *,
                       attempts: int, sleep: Callable[[float], None],
                       backoff: Backoff | None = None) -> None:
    """Deliver; TRANSIENT failures are retried ``attempts`` times in all, the rest raise."""
    def once() -> None:
        try:
            deliverer.deliver(message, label)
        except ConnectorError:
            raise
        except Exception as err:  # a connector sender's unclassified failure is not retried
            raise ConnectorError(f"delivery failed: {type(err).__name__}: {err}") from err

    def on_retry(err: ConnectorError, wait: float) -> None:
        log.warning("delivery of %s failed (%s); retrying in %.1f s", label, err, wait)

    call_with_retry(once, backoff=backoff or Backoff(attempts=attempts, cap=300),
                    sleep=sleep, on_retry=on_retry)
