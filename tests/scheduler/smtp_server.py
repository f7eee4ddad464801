"""A real SMTP server (aiosmtpd) on 127.0.0.1 for delivery tests, and a throwaway CA-less cert.

The handler can refuse the next N messages with a 4xx/5xx reply, or hold a message
(after it was received, before the 250 reply) until the test releases it, which is
how the crash test kills a sender at the worst possible moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "nudger", "s3cret-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def self_signed(folder: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dealnudge test smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Handler:
    messages: list[bytes] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # replies for the next messages, in order
    hold: threading.Event | None = None  # set: deliver the 250 only once this is set
    received: threading.Event = field(default_factory=threading.Event)
    logins: list[str] = field(default_factory=list)
    drop_after_data: int = 0  # the next N messages: taken, then the connection is cut
    delay_reply: float = 0.0  # seconds to wait before the final reply (past a client timeout)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.messages.append(envelope.original_content or envelope.content)
        self.received.set()
        if self.drop_after_data:
            self.drop_after_data -= 1
            server.transport.abort()  # the message is in, the 250 never leaves
            return "250 2.0.0 OK"
        if self.delay_reply:
            await asyncio.sleep(self.delay_reply)
        if self.hold is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait)
        return "250 2.0.0 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=True would send no 535 reply


@contextmanager
def smtp_server(handler: Handler, *, cert: tuple[Path, Path] | None = None,
                mode: str = "plain", auth: bool = False) -> Iterator[int]:
    """Run a server; ``mode`` is plain, starttls (required) or ssl (implicit TLS). Yields the port."""
    kwargs: dict[str, Any] = {}
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif mode == "ssl":
            kwargs.update(ssl_context=context)
    if auth:
        kwargs.update(authenticator=handler.authenticate, auth_require_tls=mode == "starttls")  # implicit TLS is not seen as TLS
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        if handler.hold is not None:
            handler.hold.set()
        controller.stop()
