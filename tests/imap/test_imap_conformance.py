"""The shared connector conformance suite against a real Dovecot and a real Radicale."""

from __future__ import annotations

from tests.conformance import ConnectorConformance


class TestImapConformance(ConnectorConformance):
    """``world`` comes from ``tests/imap/conftest.py``."""
