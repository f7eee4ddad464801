"""Local mail parsed in worker processes: the same records, the same skips, no orphans."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dealnudge.config.loader import load_config
from dealnudge.connectors import parsepool
from dealnudge.connectors.base import ConnectorContext
from dealnudge.connectors.local import MAIL
from dealnudge.store import Store

from bench.bigteam import NOW as TEAM_NOW
from bench.bigteam import write_team
from dealnudge.pipeline import sync_all
from tests.conformance import drain, message
from tests.local.test_local_connector import REP, connector
from tests.local.world import mime_bytes

_ROWS = ("SELECT rep, stream, source_id, message_id, sent_at, sent_tz, sender_email, "
         "sender_name, to_addresses, cc_addresses, subject, body_text, folder, is_auto_reply, "
         "in_reply_to, reference_ids, thread_id, attachments, web_link FROM email_messages "
         "ORDER BY rep, stream, source_id")


def _synced_team(root: Path, processes: int) -> tuple[list[tuple[object, ...]], int]:
    """Sync a small synthetic team; its stored messages and the chunks workers parsed."""
    config = load_config(write_team(root, reps=3, days=6, mails_per_day=15))
    with parsepool.install(processes, min_files=1) as pool:
        if pool is not None:
            pool.chunk = 7  # several chunks per rep, and a short last one
        with Store.open(config.database) as store:
            results = sync_all(config, store, ConnectorContext(now=TEAM_NOW),
                               parse_processes=processes)
        chunks = pool.chunks_parsed if pool is not None else 0
    assert all(r.ok for r in results)
    database = config.database.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        return db.execute(_ROWS).fetchall(), chunks


def test_team_stores_the_same_messages_with_and_without_workers(tmp_path: Path) -> None:
    pooled, chunks = _synced_team(tmp_path / "pooled", 2)
    alone, none = _synced_team(tmp_path / "alone", 0)
    assert chunks >= 3 * (90 // 7) and none == 0  # the workers really parsed every rep's mail
    assert len(pooled) == 3 * 6 * 15
    assert pooled == alone


def _bad_mail_dir(root: Path) -> Path:
    root.mkdir()
    for i in range(6):
        (root / f"m{i}.eml").write_bytes(mime_bytes(message(i, world_rep=REP)))
    (root / "broken.eml").write_bytes(b"\x00\x01 not mail at all")
    (root / "empty.eml").write_bytes(b"")
    (root / "outlook.msg").write_bytes(b"whatever")
    (root / "renamed.eml").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 64)
    (root / "no_date.eml").write_bytes(b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n")
    return root


def test_bad_files_are_skipped_with_the_same_reasons_in_workers(tmp_path: Path) -> None:
    root = _bad_mail_dir(tmp_path / "mail")
    alone = drain(connector(tmp_path, mail=root), MAIL, None)
    with parsepool.install(2, min_files=1) as pool:
        assert pool is not None
        pool.chunk = 3
        conn = connector(tmp_path, mail=root)
        pooled = drain(conn, MAIL, None)
        assert pool.chunks_parsed == 4
    skipped = [s for p in pooled.pages for s in p.skipped]
    assert len(skipped) == 5
    assert skipped == [s for p in alone.pages for s in p.skipped]
    assert pooled.messages == alone.messages and len(pooled.messages) == 6
    assert [p.cursor for p in pooled.pages] == [p.cursor for p in alone.pages]
    assert conn.files_read == 11


def test_dead_workers_cost_only_speed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = _bad_mail_dir(tmp_path / "mail")
    alone = drain(connector(tmp_path, mail=root), MAIL, None)
    with parsepool.install(2, min_files=1) as pool:
        assert pool is not None
        pool.chunk = 2
        drain(connector(tmp_path, mail=root), MAIL, None)  # starts the workers
        for pid in pool.worker_pids():
            os.kill(pid, signal.SIGKILL)
        with caplog.at_level(logging.WARNING):
            again = drain(connector(tmp_path, mail=root), MAIL, None)
        assert not pool.usable and parsepool.current() is None
    assert "parsing in process" in caplog.text
    assert again.messages == alone.messages
    assert [s for p in again.pages for s in p.skipped] == [s for p in alone.pages for s in p.skipped]


_ORPHAN_SCRIPT = """
import sys, time
from dealnudge.connectors import parsepool
if __name__ == "__main__":
    pool = parsepool.ParsePool(2, chunk=1)
    list(pool.ordered(sorted, ["c", "a", "b", "d"], str))
    print(" ".join(map(str, pool.worker_pids())), flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_leave_when_the_syncing_process_is_killed(sig: int) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE,
                              text=True)
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert pids and all(_alive(pid) for pid in pids)
    parent.send_signal(sig)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except (FileNotFoundError, IndexError):
        return False


def test_small_rounds_and_single_cores_parse_in_process(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _bad_mail_dir(tmp_path / "mail")
    with parsepool.install(2) as pool:  # the default threshold: 11 files parse in process
        assert pool is not None
        drain(connector(tmp_path, mail=root), MAIL, None)
        assert pool.chunks_parsed == 0 and pool.worker_pids() == []
    monkeypatch.setattr(parsepool, "usable_cores", lambda: 1)
    with parsepool.install() as none:
        assert none is None and parsepool.current() is None
