"""The SQLite store holds every synced mail body: it and its WAL/SHM files are 0600."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from dealnudge.store import Store

from tests.store.samples import REP, finding

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        with Store.open(f"sqlite:///{tmp_path / 'db' / 'dealnudge.db'}") as store:
            store.sync_findings([finding()], NOW, [REP])
            found = modes(tmp_path / "db")
    finally:
        os.umask(old)
    assert {"dealnudge.db", "dealnudge.db-wal", "dealnudge.db-shm"} <= set(found)
    assert set(found.values()) == {0o600}, found


def test_an_existing_world_readable_store_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.open(f"sqlite:///{path}").close()
    path.chmod(0o644)
    with Store.open(f"sqlite:///{path}") as store:
        store.sync_findings([finding()], NOW, [REP])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(store.open_findings()) == 1  # still the same working store
