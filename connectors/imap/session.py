"""One verified, logged-in, read-only IMAP connection, and the one table of IMAP errors.

TLS is not optional: port 993 (or any port without ``starttls``) is implicit TLS,
``starttls: true`` upgrades a plain connection before anything else is said, and
both verify the server's certificate with ``ssl.create_default_context`` plus the
admin's ``ca_bundle``. A server that does not offer STARTTLS is refused rather
than spoken to in plaintext, so a password never crosses the wire unencrypted.

Every socket operation has ``timeout_seconds``. Logins to one server are limited
process-wide by ``max_connections`` (a semaphore per host:port): Tencent Exmail
and NetEase throttle or lock accounts that open many parallel sessions, and
Dovecot's default ``mail_max_userip_connections`` is 10.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from dealnudge.config.schema import ImapProvider
from dealnudge.connectors.base import AdminError, ConnectorError, ErrorKind, TransientError
from imapclient import IMAPClient
from imapclient import exceptions as imap_errors

log = logging.getLogger(__name__)
T = TypeVar("T")

_SEMAPHORES: dict[str, threading.BoundedSemaphore] = {}
_SEMAPHORES_LOCK = threading.Lock()


def server_slots(host: str, port: int, limit: int) -> threading.BoundedSemaphore:
    """The process-wide connection limit for one server (first caller's limit wins)."""
    key = f"{host.lower()}:{port}"
    with _SEMAPHORES_LOCK:
        if key not in _SEMAPHORES:
            _SEMAPHORES[key] = threading.BoundedSemaphore(limit)
        return _SEMAPHORES[key]


class FolderMissing(ConnectorError):
    """EXAMINE/STATUS said the folder does not exist (renamed or deleted)."""

    kind = ErrorKind.TRANSIENT


def classify(err: BaseException, where: str) -> ConnectorError:
    """The single mapping of IMAP/TLS/socket failures to our error kinds."""
    if isinstance(err, ConnectorError):
        return err
    if isinstance(err, imap_errors.LoginError):
        return AdminError(f"the IMAP server refused the login ({_server_text(err)}); "
                          "check the username and client/app password, or whether the "
                          "account is locked or IMAP is disabled for it")
    if isinstance(err, ssl.SSLCertVerificationError):
        return AdminError(f"the IMAP server's TLS certificate is not trusted ({err.verify_message});"
                          " set ca_bundle to the CA that signed it")
    if isinstance(err, (imap_errors.IMAPClientAbortError, imaplib.IMAP4.abort, socket.timeout,
                        TimeoutError, ConnectionError, ssl.SSLError, OSError, EOFError)):
        return TransientError(f"the IMAP connection failed during {where} "
                              f"({type(err).__name__}: {_server_text(err)})")
    if isinstance(err, imap_errors.IMAPClientError):
        text = _server_text(err)
        if "NONEXISTENT" in text.upper() or "doesn't exist" in text.lower():
            return FolderMissing(f"the folder is gone ({text})")
        if "UNAVAILABLE" in text.upper() or "LIMIT" in text.upper():
            return TransientError(f"the IMAP server is busy during {where} ({text})")
        return ConnectorError(f"the IMAP server rejected {where} ({text})")
    return ConnectorError(f"unexpected IMAP failure during {where}: {type(err).__name__}")


def _server_text(err: BaseException) -> str:
    text = str(err)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text[:200]


def call(where: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except Exception as err:
        raise classify(err, where) from err


class Session:
    """A logged-in connection that can only examine, search and peek."""

    def __init__(self, settings: ImapProvider, username: str, password: str) -> None:
        self.settings = settings
        self._username = username
        self._password = password
        self._client: IMAPClient | None = None
        self._slots = server_slots(settings.host, settings.port, settings.max_connections)
        self._holding = False
        self.capabilities: frozenset[bytes] = frozenset()

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            self._connect()
        assert self._client is not None  # noqa: S101 - narrows a type the lines above established
        return self._client

    def _tls(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_bundle) if self.settings.ca_bundle else None
        return ssl.create_default_context(cafile=cafile)

    def _connect(self) -> None:
        s = self.settings
        if not self._slots.acquire(timeout=s.timeout_seconds * 10):
            raise TransientError(f"all {s.max_connections} connections to {s.host}:{s.port} "
                                 "are busy; try again later")
        self._holding = True
        try:
            client = call("connect", lambda: IMAPClient(
                s.host, port=s.port, ssl=not s.starttls, ssl_context=self._tls(),
                timeout=s.timeout_seconds))
            try:
                if s.starttls:
                    self._starttls(client)
                call("login", lambda: client.login(self._username, self._password))
                self.capabilities = frozenset(call("capability", client.capabilities))
            except BaseException:
                _quietly(client.shutdown)
                raise
            self._client = client
        except BaseException:
            self._release()
            raise

    def _starttls(self, client: IMAPClient) -> None:
        if not client.has_capability("STARTTLS"):
            raise AdminError(f"{self.settings.host}:{self.settings.port} does not offer "
                             "STARTTLS; refusing to log in over plaintext (use port 993)")
        call("STARTTLS", lambda: client.starttls(self._tls()))

    def has(self, capability: str) -> bool:
        return capability.encode() in self.capabilities

    @contextmanager
    def guard(self, where: str) -> Iterator[None]:
        """Classify errors; a broken connection is dropped so the next call reconnects."""
        try:
            yield
        except Exception as err:
            typed = classify(err, where)
            if typed.kind is ErrorKind.TRANSIENT and not isinstance(typed, FolderMissing):
                self.close()
            raise typed from err

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _quietly(client.logout)
            _quietly(client.shutdown)
        self._release()

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self._slots.release()


def _quietly(fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:
        log.debug("ignored error while closing an IMAP connection", exc_info=True)
