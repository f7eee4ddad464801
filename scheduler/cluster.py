"""``dealnudge worker``: one of any number of equal processes sharing one PostgreSQL.

The task engine is procrastinate (jobs in PostgreSQL tables, ``LISTEN/NOTIFY``).
Nothing here is a home-made cluster; each guarantee is one of the engine's:

* **no special process** — every worker runs the periodic deferrer; the engine
  stores each periodic ``tick`` once per scheduled second (a unique row per task
  and timestamp), so however many workers run, one tick job exists per tick;
* **one worker per rep** — each rep's job carries the job lock ``rep:<email>``:
  the engine starts no job while another with the same lock is running;
* **bursts collapse** — the same string is the queueing lock: at most one waiting
  job per rep, so ticks that find a rep due again add nothing;
* **take-over** — workers write heartbeats; the tick retries jobs whose worker has
  been silent for ``worker.stalled_after_seconds`` (killed, frozen, cut off), so
  another worker runs them. A frozen worker that wakes up later is fenced by the
  store's sync epoch and the digest claims, not by the engine.

The engine's schema is applied on start under a PostgreSQL advisory lock, so
workers starting together apply it once. SIGTERM/SIGINT stop taking jobs, ask
running ones to stop at the next page, wait ``worker.shutdown_grace_seconds`` and
exit. A lost database connection restarts the worker loop after a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import signal
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from dealnudge.config.loader import load_config
from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler import repjob
from dealnudge.store import Store
from procrastinate import App, PsycopgConnector, exceptions, jobs
from procrastinate.schema import SchemaManager
from procrastinate.worker import Worker
from sqlalchemy import event
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
UTC = dt.UTC
ENGINE_SCHEMA_LOCK = 0x64656E76  # pg_advisory_lock key, next to the store's migration lock
RESTART_PAUSE_SECONDS = 5.0
LOCK_TIMEOUT_MS, STATEMENT_TIMEOUT_MS = 5_000, 120_000
REP_TASK, ROLLUP_TASK, TICK_TASK = "dealnudge.rep", "dealnudge.rollups", "dealnudge.tick"


class NotPostgres(ValueError):
    """``worker`` was started on a database other than PostgreSQL."""


def conninfo(url: str) -> str:
    """The libpq URI procrastinate needs, from the config's SQLAlchemy URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise NotPostgres(
            f"`dealnudge worker` needs a PostgreSQL database (database: postgresql+psycopg://…); "
            f"this config uses {parsed.get_backend_name()}. For one machine on SQLite, "
            "run `dealnudge serve` instead.")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_engine_schema(dsn: str) -> bool:
    """Create the engine's tables unless they exist; returns whether it did."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (ENGINE_SCHEMA_LOCK,))
        try:
            row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is not None and row[0] is not None:
                return False
            connection.execute(SchemaManager.get_schema())
            log.info("created the task engine's tables")
            return True
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (ENGINE_SCHEMA_LOCK,))


def tick_cron(seconds: float) -> str:
    """A cron line firing about every ``seconds`` (a 6th field is seconds)."""
    if seconds < 60:
        return f"* * * * * */{max(1, int(seconds))}"
    return f"*/{max(1, int(seconds // 60))} * * * *"


def _bounded_waits(dbapi_connection: Any, _record: object) -> None:
    """A worker's statement never waits long on a lock or a frozen peer: a frozen
    worker's session can hold a rep's rows (mid-statement it is not "idle in
    transaction", which the store bounds). The job fails, its slot frees up for other
    reps, and the next tick retries the rep."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


@dataclass
class Runtime:
    """What the tasks read: the live config and store, and the stop request."""

    path: Path
    config: Config
    store: Store
    clock: Callable[[], dt.datetime] = _utc_now
    stop: threading.Event = field(default_factory=threading.Event)
    stamp: tuple[int, int] | None = None

    def reload_if_changed(self) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self.stamp is None:
            self.stamp = stamp
        if stamp == self.stamp:
            return
        self.stamp = stamp
        try:
            new = load_config(self.path)
        except Exception as err:  # noqa: BLE001 - a broken edit: keep the last good config
            log.error("%s was not reloaded; the last good config keeps running:\n%s",
                      self.path, err)
            return
        self.config = new.model_copy(update={"database": self.config.database})
        log.info("reloaded %s: %d reps", self.path, len(new.reps))

    def context(self) -> ConnectorContext:
        return ConnectorContext(now=self.clock(), should_stop=self.stop.is_set)


def build_app(runtime: Runtime, dsn: str, pool_size: int) -> App:
    app = App(connector=PsycopgConnector(conninfo=dsn, min_size=1, max_size=pool_size))

    @app.task(name=REP_TASK, queue="reps")
    def rep_job(rep: str) -> None:
        if runtime.stop.is_set():
            return
        repjob.run_rep(runtime.config, runtime.store, rep, runtime.context())

    @app.task(name=ROLLUP_TASK, queue="reps")
    def rollup_job() -> None:
        repjob.run_rollups(runtime.config, runtime.store, runtime.context())

    @app.periodic(cron=tick_cron(runtime.config.worker.tick_seconds), periodic_id="tick")
    @app.task(name=TICK_TASK, queue="plan", queueing_lock="tick")
    async def tick(timestamp: int) -> None:
        await asyncio.to_thread(runtime.reload_if_changed)
        await retry_stalled(app, runtime.config.worker.stalled_after_seconds)
        plan = await asyncio.to_thread(repjob.plan, runtime.config, runtime.store,
                                       runtime.clock())
        for email in plan.reps:
            await _defer(rep_job.configure(lock=f"rep:{email}", queueing_lock=f"rep:{email}")
                         .defer_async(rep=email))
        if plan.rollups:
            await _defer(rollup_job.configure(lock="rollups", queueing_lock="rollups")
                         .defer_async())

    return app


async def _defer(deferring: Awaitable[int]) -> None:
    # AlreadyEnqueued: the rep already has a waiting job; the burst collapses into it
    with contextlib.suppress(exceptions.AlreadyEnqueued):
        await deferring


async def retry_stalled(app: App, stalled_after: float) -> int:
    """Hand the jobs of workers silent for ``stalled_after`` seconds to the others."""
    await app.job_manager.prune_stalled_workers(stalled_after)
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
            log.warning("job %s (%s) lost its worker; retrying it", job.id, job.call_string)
        except exceptions.UniqueViolation:
            # the rep already has a waiting job (same queueing lock): that one takes over
            await app.job_manager.finish_job(job, jobs.Status.FAILED, delete_job=False)
            log.warning("job %s (%s) lost its worker; a waiting job of the same rep takes "
                        "over", job.id, job.call_string)
    return len(stalled)


def run_worker(path: Path, *, concurrency: int, clock: Callable[[], dt.datetime] | None = None
               ) -> int:
    """Run one worker until SIGTERM/SIGINT; 0 after a clean stop, 2 on a non-PostgreSQL config."""
    config = load_config(path)
    dsn = conninfo(config.database)
    store = Store.open(config.database)
    event.listen(store.engine, "connect", _bounded_waits)
    store.engine.dispose()  # the migration's connection predates the listener
    try:
        ensure_engine_schema(dsn)
        runtime = Runtime(path, config, store, clock=clock or _utc_now)
        asyncio.run(_serve(runtime, dsn, concurrency))
        return 0
    finally:
        store.close()


async def _serve(runtime: Runtime, dsn: str, concurrency: int) -> None:
    loop = asyncio.get_running_loop()
    current: list[Worker] = []

    def on_stop() -> None:
        log.info("stopping: running jobs stop at their next page")
        runtime.stop.set()
        for worker in current:
            worker.stop()
        grace = runtime.config.worker.shutdown_grace_seconds
        loop.call_later(grace + 3, _exit_now)  # a job stuck in a provider call

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_stop)
    name = f"{socket.gethostname()}:{os.getpid()}"
    while not runtime.stop.is_set():
        app = build_app(runtime, dsn, pool_size=concurrency + 4)
        settings = runtime.config.worker
        try:
            async with app.open_async():
                worker = Worker(
                    app, name=name, concurrency=concurrency, install_signal_handlers=False,
                    update_heartbeat_interval=settings.heartbeat_seconds,
                    stalled_worker_timeout=settings.stalled_after_seconds,
                    shutdown_graceful_timeout=settings.shutdown_grace_seconds,
                    fetch_job_polling_interval=min(5.0, settings.tick_seconds))
                current[:] = [worker]
                log.info("worker %s started (%d at a time)", name, concurrency)
                await worker.run()
        except (exceptions.ProcrastinateException, psycopg.Error, OSError) as err:
            cause = err.__cause__ or err
            log.error("the worker loop stopped (%s: %s); restarting in %.0f s",
                      type(cause).__name__, str(cause).strip()[:200], RESTART_PAUSE_SECONDS)
        if not runtime.stop.is_set():
            await asyncio.sleep(RESTART_PAUSE_SECONDS)
    log.info("worker %s stopped", name)


def _exit_now() -> None:
    log.warning("jobs did not stop within the grace period; exiting (they will be retried)")
    logging.shutdown()
    os._exit(0)
