"""The shared connector conformance suite, run against the fake tenant over TLS."""

from __future__ import annotations

from tests.conformance import ConnectorConformance


class TestGraphConformance(ConnectorConformance):
    pass
