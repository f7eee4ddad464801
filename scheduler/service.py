"""``dealnudge serve``: one process, one APScheduler, every job with an explicit id.

Jobs: ``sync`` (every ``sync.interval_minutes`` with jitter, ``max_instances=1``,
coalesced, then analysis and the due-but-unsent catch-up), ``digest:<rep>`` (a
CronTrigger at ``nudges.send_at`` in the rep's own zone on ``nudges.weekdays``),
``rollup:<manager>`` (weekly) and ``config-watch`` (the YAML's mtime). A ``startup`` job does one sync round at once, so
what was due while the service was down goes out if still within ``nudges.grace_hours``.

APScheduler 3.11 CronTrigger, measured: a ``send_at`` in the spring-forward gap
(02:30 America/New_York on 2026-03-08) fires at 07:30 UTC (03:30 EDT) that day; an
ambiguous one (01:30 on 2026-11-01) fires twice, 05:30 and 06:30 UTC. The second
firing finds the day's claim and sends nothing; exactly-once lives in the database.

Signals are turned into flags and handled by the main thread's loop: SIGTERM/SIGINT
stop the scheduler (waiting for running jobs), SIGHUP reloads the YAML. A broken
edit is logged and the last good config keeps running.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from dealnudge.config.loader import load_config
from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.rollup import send_due_rollups, teams
from dealnudge.scheduler.sending import Delivery, NudgeOutcome
from dealnudge.store import Store

from dealnudge.pipeline import run_analysis, sync_all

log = logging.getLogger(__name__)
UTC = dt.UTC
CONFIG_POLL_SECONDS = 5.0
Clock = Callable[[], dt.datetime]
Loader = Callable[[Path], Config]


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[..., object]
    trigger: BaseTrigger
    grace: int | None = None
    args: tuple[str, ...] = ()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _default_loader(path: Path) -> Config:
    return load_config(path)


@dataclass(frozen=True)
class DatabaseFile:
    """The SQLite file the service opened, by device and inode."""

    path: Path
    identity: tuple[int, int]

    @classmethod
    def of(cls, url: str) -> DatabaseFile | None:
        prefix = "sqlite:///"
        if not url.startswith(prefix) or url[len(prefix):] in ("", ":memory:"):
            return None
        path = Path(url[len(prefix):].split("?", 1)[0])
        try:
            info = path.stat()
        except OSError:
            return None
        return cls(path, (info.st_dev, info.st_ino))

    def problem(self) -> str | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return f"the database file {self.path} was deleted while the service ran"
        except OSError as err:
            return f"the database file {self.path} cannot be checked ({err.strerror})"
        if (info.st_dev, info.st_ino) != self.identity:
            return f"the database file {self.path} was replaced by another file while the service ran"
        return None


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class Service:
    """The scheduler's state: the running config, the store and the jobs built from them."""

    def __init__(self, config_path: Path, config: Config, store: Store, *, clock: Clock,
                 load: Loader, scheduler: BackgroundScheduler | None = None) -> None:
        self.path = config_path
        self.config = config
        self.store = store
        self.clock = clock
        self.load = load
        self.stamp = _file_stamp(config_path)
        self.scheduler = scheduler or BackgroundScheduler(timezone=UTC)
        self.database = DatabaseFile.of(config.database)
        self.halt = threading.Event()  # the database is gone: stop, never write to a ghost
        self.lock = threading.Lock()  # one reload at a time (poll job vs SIGHUP)
        self.round = threading.Lock()  # one sync round at a time (start-up vs interval job)

    # -- jobs -------------------------------------------------------------------------
    def plan(self, cfg: Config) -> list[JobSpec]:
        """Every job ``cfg`` asks for, triggers built: raises before anything is applied."""
        jobs = [JobSpec("sync", self.sync_then_catch_up, IntervalTrigger(
                    minutes=cfg.sync.interval_minutes, jitter=int(cfg.sync.jitter_seconds) or None)),
                JobSpec("config-watch", self.poll_config,
                        IntervalTrigger(seconds=CONFIG_POLL_SECONDS))]
        grace = max(1, int(cfg.nudges.grace_hours * 3600))
        send_at = cfg.nudges.send_at
        for rep in cfg.reps:
            trigger = CronTrigger(day_of_week=",".join(cfg.nudges.weekdays), hour=send_at.hour,
                                  minute=send_at.minute, second=send_at.second,
                                  timezone=rep.zone)
            jobs.append(JobSpec(f"digest:{rep.email}", self.send_digest, trigger, grace,
                                (rep.email,)))
        if cfg.nudges.manager_rollup_weekday is not None:
            for team in teams(cfg):
                zone = (team.own or team.reps[0]).zone
                trigger = CronTrigger(day_of_week=cfg.nudges.manager_rollup_weekday,
                                      hour=send_at.hour, minute=send_at.minute, timezone=zone)
                jobs.append(JobSpec(f"rollup:{team.manager}", self.send_rollup, trigger, grace,
                                    (team.manager,)))
        return jobs

    def schedule(self, jobs: list[JobSpec] | None = None) -> None:
        """(Re)build every job from ``self.config`` (or a ``plan`` of it); ids make this idempotent."""
        jobs = self.plan(self.config) if jobs is None else jobs
        for spec in jobs:
            grace = {} if spec.grace is None else {"misfire_grace_time": spec.grace}
            self.scheduler.add_job(spec.func, spec.trigger, args=list(spec.args), id=spec.id,
                                   max_instances=1, coalesce=True, replace_existing=True,
                                   **grace)
        wanted = {spec.id for spec in jobs} | {"startup"}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:  # a rep or manager removed from the YAML
                job.remove()

    def _ctx(self) -> ConnectorContext:
        return ConnectorContext(now=self.clock())

    def _grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.config.nudges.grace_hours)

    def sync_and_analyse(self) -> None:
        config, ctx = self.config, self._ctx()
        try:
            results = sync_all(config, self.store, ctx)
            failed = [r.rep for r in results if not r.ok]
            if failed:
                log.warning("sync failed for %s (see the errors above)", ", ".join(failed))
            findings = run_analysis(config, self.store, self.clock())
            log.info("synced %d reps; %d open findings", len(results), len(findings))
        except Exception:
            log.exception("sync and analysis failed")

    def database_ok(self) -> bool:
        """False (and ``halt`` set) once the SQLite file was deleted or replaced: writing on
        would go to a file nobody can open again, and a restart would send every digest
        a second time."""
        problem = self.database.problem() if self.database is not None else None
        if problem is None:
            return not self.halt.is_set()
        if not self.halt.is_set():
            log.error("%s; stopping without writing anything more. Restore the file (or "
                      "point database: at the right one) and start the service again.", problem)
            self.halt.set()
        return False

    def send_digest(self, rep: str) -> list[NudgeOutcome]:
        if not self.database_ok():
            return []
        return send_due_nudges(self.config, self.store, self.clock(), ctx=self._ctx(),
                               reps=[rep], grace=self._grace(), rollups=False)

    def send_rollup(self, manager: str) -> list[NudgeOutcome]:
        if not self.database_ok():
            return []
        delivery = Delivery(self.config, self._ctx())
        return send_due_rollups(self.config, self.store, self.clock(), delivery,
                                grace=self._grace(), managers={manager})

    def catch_up(self) -> list[NudgeOutcome]:
        """What was due while the service was down and is still within the grace window."""
        outcomes = send_due_nudges(self.config, self.store, self.clock(), ctx=self._ctx(),
                                   grace=self._grace())
        sent = [o for o in outcomes if o.status in ("sent", "failed")]
        for o in sent:
            log.info("start-up: %s %s for %s: %s", o.kind, o.local_day, o.rep, o.status)
        return outcomes

    def sync_then_catch_up(self) -> None:
        """Each sync round also sends what is due and unsent within the grace window: the
        start-up catch-up, a retry of a digest whose delivery failed, a rep added today."""
        if not self.round.acquire(blocking=False):
            log.info("a sync round is still running; skipping this one")
            return
        try:
            if not self.database_ok():
                return
            self.sync_and_analyse()
            if not self.database_ok():  # deleted while this round ran: send nothing
                return
            self.catch_up()
        except Exception:
            log.exception("sending the due nudges failed")
        finally:
            self.round.release()

    # -- config -----------------------------------------------------------------------
    def poll_config(self) -> bool:
        """Reload when the file changed since the last look; True when a new config is live."""
        if not self.database_ok():
            return False
        stamp = _file_stamp(self.path)
        if stamp == self.stamp:
            return False
        return self.reload()

    def reload(self) -> bool:
        with self.lock:
            self.stamp = _file_stamp(self.path)  # a broken edit is reported once, not every poll
            try:
                new = self.load(self.path)
            except Exception as err:  # noqa: BLE001 - ConfigError, or an unreadable file
                log.error("%s was not reloaded; the last good config keeps running:\n%s",
                          self.path, err)
                return False
            if new.database != self.config.database:
                log.warning("a new database: setting takes effect only after a restart")
                new = new.model_copy(update={"database": self.config.database})
            if new == self.config:
                return False
            try:
                jobs = self.plan(new)  # validate every trigger before touching anything
            except Exception as err:  # noqa: BLE001 - e.g. a time zone the scheduler refuses
                log.error("%s was not reloaded (it cannot be scheduled: %s); the last good "
                          "config keeps running", self.path, err)
                return False
            self.config = new
            self.schedule(jobs)
            log.info("reloaded %s: %d reps", self.path, len(new.reps))
            return True


def serve(config_path: Path, *, once: bool = False, clock: Clock | None = None,
          load: Loader | None = None) -> int:
    """Run until SIGTERM/SIGINT (or one round with ``once``); 0 ok, 2 bad config, 1 failure."""
    load = load or _default_loader
    clock = clock or _utc_now
    try:
        config = load(config_path)
    except Exception as err:  # noqa: BLE001 - ConfigError or an unreadable file
        log.error("cannot start: %s", err)
        return 2
    try:
        store = Store.open(config.database)
    except Exception as err:  # noqa: BLE001
        log.error("cannot open the database: %s", err)
        return 1
    service = Service(config_path, config, store, clock=clock, load=load)
    try:
        if once:
            service.sync_then_catch_up()
            return 1 if service.halt.is_set() else 0
        return _run(service)
    finally:
        store.close()


def _run(service: Service) -> int:
    stop, hup = threading.Event(), threading.Event()
    restore = _install_signals(stop, hup)
    try:
        service.schedule()
        service.scheduler.add_job(service.sync_then_catch_up, id="startup",
                                  replace_existing=True)
        service.scheduler.start()
        log.info("dealnudge serving %d reps from %s", len(service.config.reps), service.path)
        while not stop.wait(0.5) and not service.halt.is_set():
            if hup.is_set():
                hup.clear()
                service.reload()
        log.info("stopping: waiting for running jobs")
        service.scheduler.shutdown(wait=True)
        log.info("stopped")
        return 1 if service.halt.is_set() else 0
    finally:
        restore()


def _install_signals(stop: threading.Event, hup: threading.Event) -> Callable[[], None]:
    """Signal handlers only set flags; only the main thread may install them."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        hup.set()

    previous = {sig: signal.signal(sig, handler) for sig, handler in
                ((signal.SIGTERM, on_stop), (signal.SIGINT, on_stop), (signal.SIGHUP, on_hup))}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
