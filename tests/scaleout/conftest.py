"""Fixtures for the scale-out tests: a fresh PostgreSQL schema and a cluster around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _drop_schema, _fresh_schema
from tests.scaleout.cluster import Cluster, write_cluster_config


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:
    schema, url = _fresh_schema(postgres_url)
    yield url
    _drop_schema(postgres_url, schema)


@pytest.fixture
def cluster(pg_schema_url: str, tmp_path: Path) -> Iterator[Cluster]:
    logs = tmp_path / "logs"
    logs.mkdir()
    made = Cluster(write_cluster_config(tmp_path / "team", pg_schema_url), logs)
    yield made
    made.stop_all()
