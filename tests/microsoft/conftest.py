"""Fixtures: one test CA per session, one fake tenant server per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.microsoft.tls import TlsFiles, make_tls
from tests.microsoft.world import FakeMicrosoft, GraphWorld


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def fake(tls: TlsFiles) -> Iterator[FakeMicrosoft]:
    server = FakeMicrosoft(tls)
    yield server
    server.stop()
    server.assert_clean()


@pytest.fixture
def world(fake: FakeMicrosoft) -> GraphWorld:
    return GraphWorld(fake)
