"""Migrations: applied by Store.open, idempotent, and identical to the models."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dealnudge.store import Store, StoreOpenError, UnsupportedDatabase, database
from dealnudge.store.models import Base
from dealnudge.store.types import UTCDateTime
from sqlalchemy import inspect

from tests.store.samples import finding


def test_open_migrates_once_and_reopening_is_a_no_op(store_url: str) -> None:
    first = Store.open(store_url)
    try:
        with first.engine.connect() as connection:
            assert database.current_revision(connection) == database.head_revision()
        assert database.migrate(first.engine) is False  # already at head
        first.ensure_rep("li.wei@northwind.example", "李伟", "Asia/Shanghai")
    finally:
        first.close()

    second = Store.open(store_url)
    try:
        second.ensure_rep("li.wei@northwind.example", "李伟", "Asia/Shanghai")  # data kept
        with second.engine.connect() as connection:
            assert database.current_revision(connection) == database.head_revision()
    finally:
        second.close()


def test_migrated_schema_matches_the_models(store: Store) -> None:
    def custom_types(context: object, inspected: object, metadata: object,
                     inspected_type: object, metadata_type: object) -> bool | None:
        if isinstance(metadata_type, UTCDateTime):  # compare what it renders as
            dialect = store.engine.dialect
            rendered = metadata_type.load_dialect_impl(dialect).compile(dialect)
            return str(inspected_type.compile(dialect)) != rendered  # type: ignore[attr-defined]
        return None

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": custom_types})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_constraints_are_named(store: Store) -> None:
    inspector = inspect(store.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("nudges")}
    assert "uq_nudges_rep_local_day_kind" in uniques
    foreign = {f["name"] for f in inspector.get_foreign_keys("event_participants")}
    assert foreign == {"fk_event_participants_event_id_calendar_events"}


def test_sqlite_pragmas_and_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "does" / "not" / "exist" / "dealnudge.db"
    opened = Store.open(f"sqlite:///{path}")
    try:
        with opened.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS
        assert path.exists()
    finally:
        opened.close()


def test_in_memory_sqlite_keeps_one_database() -> None:
    now = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    with Store.open("sqlite://") as memory:
        assert memory.claim_nudge("a@northwind.example", now.date(), "digest", [], now)
        assert memory.nudge("a@northwind.example", now.date(), "digest") is not None


def test_migration_scripts_live_inside_the_package() -> None:
    scripts = database.MIGRATIONS
    assert scripts.parent == Path(database.__file__).resolve().parent
    assert (scripts / "env.py").exists() and (scripts / "script.py.mako").exists()
    assert (scripts / "__init__.py").exists() and (scripts / "versions" / "__init__.py").exists()
    revisions = {p.name[:4] for p in (scripts / "versions").glob("0*.py")}
    assert database.head_revision() in revisions and "0001" in revisions



def test_processes_opening_a_fresh_database_together_all_succeed(store_url: str) -> None:
    start = threading.Barrier(3)
    opened: list[Store] = []
    errors: list[BaseException] = []

    def open_store() -> None:
        start.wait()
        try:
            opened.append(Store.open(store_url))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_store, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for store in opened:
        store.close()

    assert not any(thread.is_alive() for thread in threads), "Store.open hung"
    assert errors == [] and len(opened) == 3


def test_downgrade_to_base_and_upgrade_again(store: Store) -> None:
    with store.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}

    assert database.migrate(store.engine) is True
    store.ensure_rep("li.wei@northwind.example", "李伟", "Asia/Shanghai")
    assert "nudges" in inspect(store.engine).get_table_names()


def test_plain_postgresql_url_uses_psycopg() -> None:
    engine = database.create("postgresql://dealnudge@db.internal/crm")  # connects lazily
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


@pytest.mark.parametrize(("url", "error", "says"), [
    ("postgresql+psycopg://bob:s3cret@127.0.0.1:1/crm", StoreOpenError, "Connection refused"),
    ("mysql://bob:s3cret@127.0.0.1/crm", UnsupportedDatabase, "unsupported database"),
    ("just some words", UnsupportedDatabase, "not a URL"),
])
def test_open_errors_are_one_sentence_without_the_password(
        url: str, error: type[Exception], says: str) -> None:
    with pytest.raises(error) as raised:
        Store.open(url)
    message = str(raised.value)
    assert says in message and "s3cret" not in message and "\n" not in message


def test_unwritable_sqlite_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreOpenError, match="cannot open the database"):
        Store.open(f"sqlite:///{blocker / 'dealnudge.db'}")


def test_a_store_from_before_web_links_keeps_its_rows(store: Store) -> None:
    """Rows written before revision 0003 survive it and read back without links."""
    now = dt.datetime(2026, 3, 6, tzinfo=dt.UTC)
    linked = dataclasses.replace(finding(), web_link="https://x.example/e", contacts=("a@b.cn",))
    store.sync_findings([linked], now, [linked.rep])
    with store.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "0001")
    columns = {c["name"] for c in inspect(store.engine).get_columns("findings")}
    assert "web_link" not in columns and "contacts" not in columns
    assert database.migrate(store.engine) is True
    (stored,) = store.open_findings()
    assert stored.finding.key == linked.key and stored.finding.detail == linked.detail
    assert stored.finding.contacts == () and stored.finding.web_link is None
