"""Alembic's environment for QPMR databases.

Two ways in:

- The app (``qpmr_desktop.storage.migrations``) passes an open SQLAlchemy
  connection in ``config.attributes["connection"]``. Migrations run on it and,
  when it already has a transaction open, inside that transaction: the app
  commits the whole upgrade or none of it.
- A developer's ``alembic`` command (``alembic.ini`` at the project root)
  gives ``sqlalchemy.url``: online, or offline with ``--sql``.

The target is ``SQLModel.metadata`` with every QPMR table registered, so
autogenerate and ``alembic check`` compare the database with the models.
SQLite can add a column but not alter or drop a constraint, so on SQLite
operations are rendered and run in batch mode: the table is copied, changed
and swapped.

The full-text index of the minutes (``0003_minutes_amendments_and_search``)
is made of FTS5 virtual tables, their shadow tables, views and triggers that
the models do not describe and autogenerate cannot write; they are written
by hand, and every one of them is named ``fts_…``. ``include_name`` leaves
those names out of the comparison, so that ``alembic check`` neither reports
them as tables to drop nor autogenerate writes a migration that drops them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import qpmr_desktop.storage.tables  # noqa: F401 - registers every table on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata

#: Names of the hand-written full-text index objects (see the module docstring).
FULL_TEXT_PREFIX = "fts_"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Compare everything but the full-text index's tables (and their indexes)."""
    if type_ in {"table", "index"} and name is not None:
        return not name.startswith(FULL_TEXT_PREFIX)
    return True


def _run_on(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No database to migrate: set sqlalchemy.url in alembic.ini.")
    return url


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running it (``alembic upgrade --sql``)."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        include_name=include_name,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=sa.make_url(url).get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = sa.create_engine(_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as own_connection:
            _run_on(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
