"""Alembic environment for the store; run by ``store.database.migrate``.

``Store.open`` passes its own connection in ``config.attributes`` so migrations run
inside the caller's transaction. SQLite cannot ALTER most things, so
``render_as_batch`` makes Alembic rebuild tables there (which is why every
constraint is named: see ``store.models.NAMING``).
"""

from __future__ import annotations

from alembic import context
from dealnudge.store.models import Base
from sqlalchemy import Connection, create_engine

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url (alembic -x or a config) to migrate a database")
    engine = create_engine(url)
    with engine.begin() as own:
        run(own)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
