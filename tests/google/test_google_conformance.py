"""The shared connector conformance suite, run against the fake Google server."""

from __future__ import annotations

from tests.conformance import ConnectorConformance


class TestGoogleConformance(ConnectorConformance):
    """Uses the ``world`` fixture from ``tests/google/conftest.py``."""
