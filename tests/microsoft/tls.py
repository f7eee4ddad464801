"""TLS for the fake identity endpoint and fake Graph.

msal accepts only https authorities, so the fake identity endpoint (and the fake
Graph on the same server) speaks TLS with a certificate from the shared test CA.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.tls import TlsFiles
from tests.support.tls import make_tls as _make_tls

# Names the server certificate covers: loopback, plus the 21Vianet hosts that the
# national-cloud test resolves to 127.0.0.1.
SERVER_NAMES = ("localhost", "login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn")

__all__ = ["SERVER_NAMES", "TlsFiles", "make_tls"]


def make_tls(folder: Path) -> TlsFiles:
    return _make_tls(folder, SERVER_NAMES)
