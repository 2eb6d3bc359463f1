"""Opening a QPMR database: checks, migrations, and the session factory.

Contract:

- ``open_database(path)`` opens an existing file, brings its schema up to date
  with the Alembic migrations in one transaction (all of them or none), and
  returns a ``Database``; ``open_database(path, create=True)`` also creates a
  new file when there is none. An SQLite file with no tables at all counts as
  a new database.
- Anything wrong raises ``DatabaseOpenError``, whose message is for a person:
  it names the path, says what is wrong and, where there is something to do,
  what. The cases: missing folder; no file (without ``create``); a folder
  instead of a file; an empty file; not an SQLite file; an SQLite database of
  another program; a damaged file; a read-only file or folder; in use by
  another program (locked for longer than ``lock_timeout`` seconds); written
  by a newer version of the app. In each of them the file is left exactly as
  it was, byte for byte, and no ``-wal``/``-shm`` files of ours remain. A file
  that ``create=True`` made is removed again if it cannot be set up.
- The checks run cheapest and surest first, and nothing writes until they all
  pass: the folder and file on disk, the first 16 bytes, the permission bits,
  then a look inside with a plain SQLite connection that writes nothing. (Not
  a read-only one: on a WAL file that one leaves ``-wal`` and ``-shm`` behind,
  whereas a read-write connection that is the last to close removes them.)
- Opening a database that is already at the newest schema does not import
  Alembic (see ``migrations``).
- ``Database.session()`` is a short-lived unit of work, one per user action:
  committed when the block ends, rolled back on error.
- ``Database.close()`` writes everything into the main file and closes every
  connection, leaving one self-contained file that can be copied. The
  ``Database`` must not be used afterwards.

Every connection enforces foreign keys and uses a write-ahead log
(``journal_mode=WAL``) with ``synchronous=FULL``: each commit is on disk
before the app carries on, so a crash, a kill or a power cut at any moment
loses at most the action in progress. ``NORMAL`` would survive a crash or kill
too, but a power cut could undo the last few commits; one ``fsync`` per user
action costs nothing a person can notice. WAL needs shared memory, which
network file systems do not provide reliably: a database on a network share
should be opened from one computer at a time.

SQLAlchemy, not the ``sqlite3`` module, begins transactions, so that DDL and
savepoints are transactional. A session's transaction is deferred: with WAL,
reading never waits for a writer. Opening takes the write lock at once
(``BEGIN IMMEDIATE``), which both proves that nobody else holds it and makes
the check of the schema revision and the migrations one atomic step.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, cast

import sqlalchemy as sa
from sqlmodel import Session

from qpmr_desktop.storage import (
    migrations,
    tables,  # noqa: F401 - registers the tables
)
from qpmr_desktop.storage.errors import DatabaseOpenError

logger = logging.getLogger(__name__)

#: How long to wait, in seconds, for another program that holds the database
#: locked: when opening, and for every statement after that.
LOCK_TIMEOUT_SECONDS = 5.0

SQLITE_HEADER = b"SQLite format 3\x00"

# A connection execution option: begin with the write lock (see _begin).
_BEGIN_IMMEDIATE = "qpmr_begin_immediate"


@dataclass(frozen=True)
class Database:
    path: Path
    engine: sa.Engine

    @contextlib.contextmanager
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
        """Write the log into the main file and close every connection: one file remains."""
        try:
            with self.engine.connect() as connection:
                # TRUNCATE copies every committed page into the main file and empties
                # the log, so the file is complete on its own even if another program
                # still holds the log open. It cannot run inside a transaction.
                _driver_connection(connection).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            # The last connection to close deletes the -wal and -shm files.
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_database(
    path: Path | str, *, create: bool = False, lock_timeout: float | None = None
) -> Database:
    """Open (or with ``create``, make) the database at ``path``; see the module contract.

    ``lock_timeout`` is how long to wait for another program's lock, in seconds
    (default ``LOCK_TIMEOUT_SECONDS``).
    """
    path = Path(path)
    timeout = LOCK_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    is_new = _check_on_disk(path, create=create)
    if not is_new:
        _check_contents(path, timeout)
    engine = _create_engine(path, timeout)
    try:
        with engine.connect() as connection:
            _bring_up_to_date(connection, path)
    except BaseException as error:
        engine.dispose()
        if is_new:
            _remove_database_files(path)
        if isinstance(error, sa.exc.DBAPIError) and isinstance(error.orig, sqlite3.Error):
            raise _error_from_sqlite(path, error.orig) from error
        raise
    return Database(path=path, engine=engine)


# ------------------------------------------------------------------ checks before opening


def _check_on_disk(path: Path, *, create: bool) -> bool:
    """What the file system alone can tell; True when the file is to be created."""
    folder = path.parent
    try:
        if not folder.is_dir():
            verb = "create" if create else "open"
            raise DatabaseOpenError(f"Cannot {verb} {path}: the folder {folder} does not exist.")
        if not path.exists():
            if not create:
                raise DatabaseOpenError(f"There is no database at {path}.")
            if _is_read_only(folder):
                raise DatabaseOpenError(
                    f"Cannot create {path}: the folder {folder} is read-only. Choose a "
                    "folder you can write to, or change the folder's permissions."
                )
            return True
        if path.is_dir():
            raise DatabaseOpenError(f"{path} is a folder, not a QPMR database.")
        if not path.is_file():
            raise DatabaseOpenError(f"{path} is not a regular file, so not a QPMR database.")
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if not header:
            raise DatabaseOpenError(f"{path} is empty, not a QPMR database.")
        if header != SQLITE_HEADER:
            raise DatabaseOpenError(f"{path} is not a QPMR database (not an SQLite file).")
        if _is_read_only(path):
            raise DatabaseOpenError(_read_only_file_message(path))
        if _is_read_only(folder):
            raise DatabaseOpenError(
                f"Cannot open {path}: its folder {folder} is read-only, and QPMR Desktop "
                "keeps its journal beside the database while it is open. Copy the database "
                "to a folder you can write to, or change the folder's permissions, and "
                "open it again."
            )
    except OSError as error:
        raise DatabaseOpenError(f"Cannot read {path}: {error.strerror or error}.") from error
    return False


def _is_read_only(path: Path) -> bool:
    # The owner's write bit as well as access(): root may write anything, so
    # access() alone would let an administrator (or a test) edit a file its
    # owner marked read-only; access() still catches read-only mounts and ACLs.
    return not (path.stat().st_mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def _read_only_file_message(path: Path) -> str:
    return (
        f"{path} is read-only, so QPMR Desktop cannot save changes to it. Copy it to a "
        "folder you can write to, or make the file writable (change its permissions), "
        "and open it again."
    )


def _check_contents(path: Path, timeout: float) -> None:
    """Refuse files of other programs, newer versions, damaged or locked, writing nothing."""
    uri = f"{path.resolve().as_uri()}?mode=rw"  # rw: never create a missing file
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.Error as error:
        raise _error_from_sqlite(path, error) from error
    try:
        # One read transaction, so both queries see the same state of the file.
        connection.execute("BEGIN")
        table_names = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
            )
        }
        revisions: list[str] = []
        if migrations.VERSION_TABLE in table_names:
            revisions = sorted(
                str(revision)
                for (revision,) in connection.execute(
                    f"SELECT version_num FROM {migrations.VERSION_TABLE}"
                )
            )
        connection.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise _error_from_sqlite(path, error) from error
    finally:
        connection.close()
    if not revisions and table_names - {migrations.VERSION_TABLE}:
        raise DatabaseOpenError(f"{path} is an SQLite database from another program.")
    _refuse_unknown_revision(path, " + ".join(revisions) or None)


def _refuse_unknown_revision(path: Path, revision: str | None) -> None:
    if revision is not None and revision not in migrations.known_revisions():
        raise DatabaseOpenError(
            f"{path} was written by a newer version of QPMR Desktop (schema {revision}); "
            f"this version understands up to {migrations.head_revision()}. "
            "Install the newer version to open it."
        )


def _error_from_sqlite(path: Path, error: sqlite3.Error) -> DatabaseOpenError:
    # sqlite_errorname is the primary or extended code: SQLITE_BUSY_SNAPSHOT …
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        message = f"{path} is in use by another program (locked); close it there and try again."
    elif name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        message = (
            f"{path} is damaged and cannot be opened (SQLite says: {error}). "
            "Open a backup copy instead."
        )
    elif name.startswith("SQLITE_READONLY"):
        message = _read_only_file_message(path)
    else:
        message = f"Cannot open {path}: {error}."
    return DatabaseOpenError(message)


# ------------------------------------------------------------------ engine and migrations


def _create_engine(path: Path, timeout: float) -> sa.Engine:
    engine = sa.create_engine(
        sa.URL.create("sqlite", database=str(path)),
        connect_args={"timeout": timeout},  # SQLite's busy timeout
    )
    sa.event.listen(engine, "connect", _configure_connection)
    sa.event.listen(engine, "begin", _begin)
    return engine


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # SQLAlchemy begins every transaction itself (_begin), because the sqlite3
    # module would BEGIN only before INSERT/UPDATE/DELETE and so let a
    # migration's CREATE TABLE commit on its own. As SQLAlchemy's SQLite
    # documentation prescribes, the module must then begin none of its own.
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite and must be set on every connection.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    (journal_mode,) = dbapi_connection.execute("PRAGMA journal_mode = WAL").fetchone()
    if journal_mode != "wal":
        logger.warning("SQLite kept journal_mode=%s instead of WAL", journal_mode)
    dbapi_connection.execute("PRAGMA synchronous = FULL")


def _begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get(_BEGIN_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _driver_connection(connection: sa.Connection) -> sqlite3.Connection:
    return cast("sqlite3.Connection", connection.connection.driver_connection)


def _bring_up_to_date(connection: sa.Connection, path: Path) -> None:
    """Migrate to the newest schema in one transaction; the write lock also proves access."""
    driver = _driver_connection(connection)
    # SQLite's procedure for schema changes: a migration that rebuilds a
    # table (batch mode) drops the old copy, which with foreign keys on would
    # delete or null every row that refers to it. The pragma does nothing inside
    # a transaction, so it is set on the driver connection before BEGIN.
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.execution_options(**{_BEGIN_IMMEDIATE: True}).begin():
            # Read again under the write lock: another copy of the app may have
            # migrated the file since the first look.
            revision = migrations.current_revision(connection)
            _refuse_unknown_revision(path, revision)
            if revision != migrations.head_revision():
                migrations.upgrade_to_head(connection)
                _check_foreign_keys(connection, path)
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: sa.Connection, path: Path) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        culprits = ", ".join(sorted({str(row[0]) for row in broken}))
        raise DatabaseOpenError(
            f"{path} could not be upgraded: rows in {culprits} refer to rows that do not "
            "exist. The file is unchanged; please report this."
        )


def _remove_database_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
