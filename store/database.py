"""Engines and migrations: the part of the store that knows about database servers.

SQLite is the embedded default, so its connections get WAL (readers never block
the writer: a report can run while a sync writes), ``foreign_keys=ON`` (off by
default in SQLite, which would silently keep participants of deleted events) and a
busy timeout (a second process waits for the write lock instead of failing with
"database is locked" at once). ``sqlite://`` / ``sqlite:///:memory:`` share one
connection, or every session would see a different empty database.

Migrations run through Alembic's API with ``script_location`` inside this package,
so an installed wheel needs no ``alembic.ini``. Two processes opening a fresh
database at the same moment are serialised by a lock (PostgreSQL advisory lock,
SQLite ``BEGIN IMMEDIATE``); the second one finds the schema current and does nothing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
IDLE_IN_TRANSACTION_MS = 20_000
MIGRATION_LOCK = 0x64656E75  # arbitrary, constant: pg_advisory_xact_lock key
_IN_PROCESS = threading.Lock()


class StoreOpenError(RuntimeError):
    """The database cannot be opened; the message is one sentence without the password."""


class UnsupportedDatabase(StoreOpenError, ValueError):
    """The URL names a database this store does not support."""


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise UnsupportedDatabase(
            "the database setting is not a URL: use sqlite:///path.db or "
            "postgresql+psycopg://user@host/db") from err
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":  # no driver named: psycopg 3 is the one installed
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
        event.listen(engine, "connect", _postgresql_session)
        return engine
    raise UnsupportedDatabase(
        f"unsupported database {backend!r}: use sqlite:///path.db or postgresql+psycopg://…")


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    kwargs: dict[str, Any] = {}
    if not database or database == ":memory:":
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        path = Path(database).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only(path)
        kwargs = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _owner_only(path: Path) -> None:
    """The database holds every synced mail body: mode 0600, like the outbox files.

    Created empty here with 0600 before SQLite opens it (SQLite then gives its -wal and
    -shm files the database file's mode); an existing store we own is tightened too."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # a read-only folder: SQLite reports it in its own words
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = name.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                name.chmod(0o600)
        except OSError:
            continue


def _postgresql_session(dbapi_connection: Any, _record: object) -> None:
    """A process frozen inside a transaction (a stopped VM, SIGSTOP) would hold its row
    locks until it wakes: the server ends such a session instead, so the worker that
    took the frozen one's job over is not kept waiting."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"SET idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_MS}")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints
    finally:
        cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _lock_for_migration(connection: Connection) -> None:
    """Make a second process that opens the same fresh database wait, then see head."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes the write lock now


def migrate(engine: Engine) -> bool:
    """Bring the schema to the newest revision; returns whether anything ran."""
    with _IN_PROCESS:  # alembic's ``context``/``op`` are process-global proxies
        return _migrate(engine)


def _migrate(engine: Engine) -> bool:
    head = head_revision()
    with engine.connect() as probe:
        if current_revision(probe) == head:
            return False
    with engine.begin() as connection:
        _lock_for_migration(connection)
        if current_revision(connection) == head:
            return False
        command.upgrade(alembic_config(connection), "head")
    return True
