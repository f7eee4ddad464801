"""The long-running service: jobs per rep zone, start-up grace, live reload, clean SIGTERM."""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.config.loader import load_config
from dealnudge.scheduler.service import Service, serve
from dealnudge.store import Store

from tests.scheduler.factories import LI, SARAH, read_outbox, seed, standard_findings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
UTC = dt.UTC
REPO = Path(__file__).resolve().parents[2]
YAML = """\
database: {database}
organization:
  name: Northwind
  internal_domains: [northwind.example]
nudges:
  send_at: "{send_at}"
  weekdays: [mon, tue, wed, thu, fri]
  grace_hours: 4
  manager_rollup_weekday: mon
  delivery:
    kind: outbox
    path: ./outbox
sync:
  interval_minutes: 30
  jitter_seconds: 20
reps:
  - email: sarah.chen@northwind.example
    name: Sarah Chen
    timezone: America/New_York
    manager: zhang.min@northwind.example
    source: {{kind: local}}
  - email: li.wei@northwind.example
    name: 李伟
    timezone: Asia/Shanghai
    language: zh
    source: {{kind: local}}
"""


def write_yaml(path: Path, *, send_at: str = "08:00", database: str = "sqlite:///unused.db",
               drop_li: bool = False) -> None:
    text = YAML.format(send_at=send_at, database=database)
    if drop_li:
        text = text[: text.index("  - email: li.wei")]
    path.write_text(text)
    stamp = path.stat().st_mtime_ns + 1_000_000_000  # a new mtime, even within one tick
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def service(tmp_path: Path, store: Store) -> Iterator[Service]:
    path = tmp_path / "dealnudge.yaml"
    write_yaml(path)
    clock = {"now": dt.datetime(2026, 3, 5, 12, 0, tzinfo=UTC)}
    svc = Service(path, load_config(path), store, clock=lambda: clock["now"], load=load_config)
    svc.clock_box = clock  # type: ignore[attr-defined]
    svc.scheduler.start(paused=True)  # a real job store; nothing fires
    yield svc
    svc.scheduler.shutdown(wait=False)


def test_jobs_have_ids_and_fire_in_each_rep_zone(service: Service) -> None:
    service.schedule()
    jobs = {job.id: job for job in service.scheduler.get_jobs()}
    assert set(jobs) == {"sync", "config-watch", f"digest:{SARAH}", f"digest:{LI}",
                         "rollup:zhang.min@northwind.example"}
    assert jobs["sync"].max_instances == 1 and jobs["sync"].coalesce
    assert jobs["sync"].trigger.interval == dt.timedelta(minutes=30)
    assert jobs["sync"].trigger.jitter == 20
    after = dt.datetime(2026, 3, 6, 14, 0, tzinfo=UTC)  # Friday 09:00 New York, 22:00 Shanghai
    sarah_next = jobs[f"digest:{SARAH}"].trigger.get_next_fire_time(None, after)
    li_next = jobs[f"digest:{LI}"].trigger.get_next_fire_time(None, after)
    assert sarah_next.astimezone(UTC) == dt.datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # EDT now
    assert li_next.astimezone(UTC) == dt.datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
    assert jobs[f"digest:{SARAH}"].trigger.timezone == ZoneInfo("America/New_York")
    assert jobs[f"digest:{SARAH}"].misfire_grace_time == 4 * 3600


def test_start_up_sends_what_is_due_within_the_grace_window(service: Service,
                                                           tmp_path: Path) -> None:
    seed(service.store, standard_findings(SARAH) + standard_findings(LI),
         dt.datetime(2026, 3, 5, tzinfo=UTC), service.config)
    box = service.clock_box  # type: ignore[attr-defined]
    box["now"] = dt.datetime(2026, 3, 5, 16, 0, tzinfo=UTC)  # New York 11:00: 3 h late
    outcomes = {o.rep: o.status for o in service.catch_up() if o.kind == "digest"}
    assert outcomes == {SARAH: "sent", LI: "skipped_not_due"}  # Shanghai 00:00 on Friday
    assert {o.rep: o.status for o in service.catch_up()}[SARAH] == "skipped_already_sent"
    box["now"] = dt.datetime(2026, 3, 6, 17, 1, tzinfo=UTC)  # Friday 12:01 NY: 4 h 1 min late
    outcomes = {o.rep: o.status for o in service.catch_up() if o.kind == "digest"}
    assert outcomes == {SARAH: "skipped_not_due", LI: "skipped_not_due"}  # Shanghai 01:01 Sat
    assert len(read_outbox(tmp_path / "outbox")) == 1


def test_cron_job_sends_only_its_rep(service: Service, tmp_path: Path) -> None:
    seed(service.store, standard_findings(SARAH) + standard_findings(LI),
         dt.datetime(2026, 3, 5, tzinfo=UTC), service.config)
    service.clock_box["now"] = dt.datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    assert [(o.rep, o.status) for o in service.send_digest(SARAH)] == [(SARAH, "sent")]
    assert [(o.rep, o.status) for o in service.send_digest(SARAH)] == [
        (SARAH, "skipped_already_sent")]


def test_config_edits_apply_live_and_a_broken_edit_keeps_the_last_good(
        service: Service, caplog: pytest.LogCaptureFixture) -> None:
    service.schedule()
    assert not service.poll_config()  # unchanged file: nothing to do
    write_yaml(service.path, send_at="09:15", drop_li=True)
    assert service.poll_config()
    assert service.config.nudges.send_at == dt.time(9, 15)
    ids = {job.id for job in service.scheduler.get_jobs()}
    assert f"digest:{LI}" not in ids and f"digest:{SARAH}" in ids
    trigger = service.scheduler.get_job(f"digest:{SARAH}").trigger
    fire = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 5, 12, tzinfo=UTC))
    assert fire.astimezone(UTC) == dt.datetime(2026, 3, 5, 14, 15, tzinfo=UTC)

    service.path.write_text(service.path.read_text().replace("weekdays: [mon", "weekdays: [mun"))
    with caplog.at_level(logging.ERROR, logger="dealnudge.scheduler.service"):
        assert not service.poll_config()
    assert "was not reloaded" in caplog.text and "mun" in caplog.text
    assert service.config.nudges.send_at == dt.time(9, 15)  # still the last good one
    caplog.clear()
    assert not service.poll_config()  # the same broken file is reported once
    assert caplog.text == ""

    write_yaml(service.path, send_at="07:00", database="sqlite:///elsewhere.db")
    assert service.poll_config()
    assert service.config.nudges.send_at == dt.time(7, 0)
    assert service.config.database.endswith("unused.db")  # the database needs a restart
    assert f"digest:{LI}" in {job.id for job in service.scheduler.get_jobs()}


def test_serve_refuses_a_broken_config_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "dealnudge.yaml"
    path.write_text("organization: {name: x}\n")
    assert serve(path, once=True) == 2


def _lines(stream: object, out: queue.Queue[str]) -> None:
    for raw in stream:  # type: ignore[attr-defined]
        out.put(raw.decode(errors="replace"))


def _wait_for(lines: queue.Queue[str], needle: str, seen: list[str], timeout: float = 60) -> None:
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout)
    while dt.datetime.now() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"never logged {needle!r}:\n{''.join(seen)}")


def test_real_serve_process_reloads_on_sighup_and_on_edit_and_stops_on_sigterm(tmp_path: Path) -> None:
    path = tmp_path / "dealnudge.yaml"
    write_yaml(path, database=f"sqlite:///{tmp_path / 'serve.db'}")
    code = ("import logging, sys; from pathlib import Path; "
            "logging.basicConfig(level=logging.INFO, stream=sys.stderr); "
            "import scheduler.service as s; s.CONFIG_POLL_SECONDS = 0.2; "
            "sys.exit(s.serve(Path(sys.argv[1])))")
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=_lines, args=(child.stderr, lines), daemon=True).start()
    try:
        _wait_for(lines, "dealnudge serving 2 reps", seen)
        before = path.stat()  # a broken edit the watch job cannot see (same size and mtime):
        path.write_text(path.read_text().replace("send_at:", "send_az:"))  # only SIGHUP finds it
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        child.send_signal(signal.SIGHUP)
        _wait_for(lines, "was not reloaded", seen)
        write_yaml(path, database=f"sqlite:///{tmp_path / 'serve.db'}", drop_li=True)
        _wait_for(lines, f"reloaded {path}: 1 reps", seen)  # no signal: the watch job saw it
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == 0
        _wait_for(lines, "stopped", seen, timeout=5)
    finally:
        if child.poll() is None:
            child.kill()


def test_serve_once_syncs_analyses_and_sends_only_what_is_within_grace(tmp_path: Path) -> None:
    """The whole round on the bundled sample team: real files, connector, analyzer, store."""
    from dealnudge.demo.team import DEMO_NOW, write_demo_team

    path = write_demo_team(tmp_path / "team", now=DEMO_NOW)
    cfg = load_config(path)
    assert serve(path, once=True, clock=lambda: DEMO_NOW) == 0
    assert serve(path, once=True, clock=lambda: DEMO_NOW + dt.timedelta(hours=1)) == 0
    outbox = Path(cfg.nudges.delivery.path)  # type: ignore[union-attr]
    # Tuesday 00:30 UTC: 08:30 in Shanghai and Singapore (due), 00:30 in London (not yet),
    # Monday 19:30 in New York (Monday's 08:00 digest is 11.5 h late: past the 4 h grace).
    assert sorted(p.name for p in outbox.glob("*.eml")) == [
        "2026-03-10_digest_li.wei@northwind.example.eml",
        "2026-03-10_digest_zhang.min@northwind.example.eml"]
    with Store.open(cfg.database) as store:
        li = store.nudge("li.wei@northwind.example", dt.date(2026, 3, 10), "digest")
        sarah = store.nudge("sarah.chen@northwind.example", dt.date(2026, 3, 9), "digest")
    assert li is not None and li.status == "sent" and li.attempts == 1 and sarah is None
