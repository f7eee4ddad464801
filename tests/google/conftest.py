"""Fixtures: one RSA key per test session, a fresh fake Google server per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.google.fake_google import FakeGoogle
from tests.google.world import (
    ALL_GRANTED,
    CLIENT_EMAIL,
    GoogleWorld,
    KeyPair,
    make_config,
    make_key,
    write_key_file,
)


@pytest.fixture(scope="session")
def key_pair() -> KeyPair:
    return make_key()


@pytest.fixture
def fake(key_pair: KeyPair) -> Iterator[FakeGoogle]:
    server = FakeGoogle(key_pair.public_pem, CLIENT_EMAIL, set(ALL_GRANTED)).start()
    yield server
    server.stop()
    server.verify()


@pytest.fixture
def key_file(tmp_path: Path, key_pair: KeyPair, fake: FakeGoogle) -> Path:
    return write_key_file(tmp_path / "sa.json", key_pair, fake.token_uri)


@pytest.fixture
def world(fake: FakeGoogle, key_file: Path) -> GoogleWorld:
    config = make_config(fake, key_file, ["rep@northwind.example", "second@northwind.example"],
                         page_size=3)
    return GoogleWorld(fake, config)
