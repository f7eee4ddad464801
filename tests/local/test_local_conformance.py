"""The shared connector conformance suite, run against real files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance import ConnectorConformance
from tests.local.world import LocalWorld


class TestLocalConformance(ConnectorConformance):
    @pytest.fixture
    def world(self, tmp_path: Path) -> LocalWorld:
        return LocalWorld(tmp_path)
