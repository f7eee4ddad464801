"""serve under bad luck: an unschedulable config never half-applies, an alias bomb saved
while it runs does not delay SIGTERM, and a deleted SQLite file stops it (exit 1)
instead of writing to a ghost and re-sending every digest after a restart."""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from dealnudge.config.loader import load_config
from dealnudge.scheduler.service import Service
from dealnudge.store import Store

from tests.config.test_hostile import LAUGHS
from tests.scheduler.factories import SARAH, read_outbox, seed, standard_findings
from tests.scheduler.test_service import REPO, _lines, _wait_for, write_yaml

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
UTC = dt.UTC


def make_service(tmp_path: Path, store: Store) -> Service:
    path = tmp_path / "dealnudge.yaml"
    write_yaml(path, database=store_url_of(tmp_path))
    svc = Service(path, load_config(path), store, clock=lambda: dt.datetime(2026, 3, 5, 13, 0,
                                                                          tzinfo=UTC),
                  load=load_config)
    svc.scheduler.start(paused=True)
    return svc


def store_url_of(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'serve.db'}"


def test_an_unschedulable_config_is_not_half_applied(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    with Store.open(store_url_of(tmp_path)) as store:
        service = make_service(tmp_path, store)
        try:
            service.schedule()
            before = {job.id: str(job.trigger) for job in service.scheduler.get_jobs()}
            good = service.config
            bad = good.model_copy(update={
                "nudges": good.nudges.model_copy(update={"send_at": dt.time(9, 0),
                                                         "weekdays": []}),
                "reps": good.reps[:1]})  # bypasses validation, as a future bug might
            service.load = lambda path: bad
            write_yaml(service.path, send_at="09:00", database=store_url_of(tmp_path))
            with caplog.at_level(logging.ERROR, logger="dealnudge.scheduler.service"):
                assert not service.poll_config()
            assert "cannot be scheduled" in caplog.text
            assert service.config is good
            assert {job.id: str(job.trigger) for job in service.scheduler.get_jobs()} == before
        finally:
            service.scheduler.shutdown(wait=False)


def test_a_deleted_database_stops_writes_and_sends(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    with Store.open(store_url_of(tmp_path)) as store:
        service = make_service(tmp_path, store)
        try:
            seed(store, standard_findings(SARAH), dt.datetime(2026, 3, 5, tzinfo=UTC),
                 service.config)
            (tmp_path / "db" / "serve.db").unlink()
            with caplog.at_level(logging.ERROR, logger="dealnudge.scheduler.service"):
                assert service.send_digest(SARAH) == []
                service.sync_then_catch_up()
                assert not service.poll_config()
            assert service.halt.is_set()
            assert caplog.text.count("was deleted while the service ran") == 1
            assert read_outbox(tmp_path / "outbox") == []
        finally:
            service.scheduler.shutdown(wait=False)


def test_a_replaced_database_is_noticed(tmp_path: Path) -> None:
    with Store.open(store_url_of(tmp_path)) as store:
        service = make_service(tmp_path, store)
        try:
            path = tmp_path / "db" / "serve.db"
            copy = path.with_name("copy.db")
            shutil.copyfile(path, copy)
            os.replace(copy, path)  # same content, another file (a restored backup)
            assert not service.database_ok() and service.halt.is_set()
        finally:
            service.scheduler.shutdown(wait=False)


def _serve(path: Path) -> tuple[subprocess.Popen[bytes], queue.Queue[str]]:
    code = ("import logging, sys; from pathlib import Path; "
            "logging.basicConfig(level=logging.INFO, stream=sys.stderr); "
            "import scheduler.service as s; s.CONFIG_POLL_SECONDS = 0.2; "
            "sys.exit(s.serve(Path(sys.argv[1])))")
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(child.stderr, lines), daemon=True).start()
    return child, lines


def test_real_serve_survives_a_bomb_and_stops_on_sigterm_promptly(tmp_path: Path) -> None:
    path = tmp_path / "dealnudge.yaml"
    write_yaml(path, database=store_url_of(tmp_path))
    child, lines = _serve(path)
    seen: list[str] = []
    try:
        _wait_for(lines, "dealnudge serving 2 reps", seen)
        path.write_text(LAUGHS + path.read_text())
        child.send_signal(signal.SIGHUP)
        _wait_for(lines, "was not reloaded", seen)
        started = time.monotonic()
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == 0
        assert time.monotonic() - started < 10
    finally:
        if child.poll() is None:
            child.kill()


def test_real_serve_exits_1_when_its_database_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "dealnudge.yaml"
    write_yaml(path, database=store_url_of(tmp_path))
    child, lines = _serve(path)
    seen: list[str] = []
    try:
        _wait_for(lines, "dealnudge serving 2 reps", seen)
        (tmp_path / "db" / "serve.db").unlink()
        assert child.wait(30) == 1
        _wait_for(lines, "was deleted while the service ran", seen, timeout=5)
    finally:
        if child.poll() is None:
            child.kill()
