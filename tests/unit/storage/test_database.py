"""Opening, creating, migrating and closing QPMR databases (``storage.database``).

Every kind of bad input is refused with a ``DatabaseOpenError`` whose message
names the path, and leaves the file's bytes and its folder exactly as they
were; good files are migrated, kept crash-safe and closed into one file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.storage import migrations
from qpmr_desktop.storage.database import LOCK_TIMEOUT_SECONDS, Database, open_database
from qpmr_desktop.storage.errors import DatabaseOpenError
from qpmr_desktop.storage.tables import (
    Action,
    ActionUpdate,
    AgendaItem,
    Committee,
    ImprovementPlan,
    Meeting,
    MinutePoint,
)

# Short enough to keep the lock tests quick, long enough for an unlocked open.
QUICK_LOCK_TIMEOUT = 0.1

Fingerprint = tuple[str | None, tuple[str, ...]]


def _fingerprint(path: Path) -> Fingerprint:
    """The file's bytes (as a hash) and the names in the nearest existing folder."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    return digest, tuple(sorted(entry.name for entry in folder.iterdir()))


def _sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(f"{path.name}-*"))


def _sql(path: Path, *statements: str) -> None:
    """Run statements on the file with plain sqlite3, as another program would."""
    with closing(sqlite3.connect(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


@pytest.fixture
def qpmr_path(tmp_path: Path) -> Path:
    """A new, closed QPMR database at the newest schema."""
    path = tmp_path / "committee.qpmr"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def database(qpmr_path: Path) -> Iterator[Database]:
    with open_database(qpmr_path) as database:
        yield database


# ------------------------------------------------------------------ bad input


def _missing_folder(tmp_path: Path) -> Path:
    return tmp_path / "no such folder" / "committee.qpmr"


def _missing_file(tmp_path: Path) -> Path:
    return tmp_path / "committee.qpmr"


def _a_folder(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    path.mkdir()
    return path


def _empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    path.touch()
    return path


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "minutes.qpmr"
    path.write_text("Minutes of the Performance Committee, 12 October 2017\n", encoding="utf-8")
    return path


def _shorter_than_a_header(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    path.write_bytes(b"SQLite")
    return path


def _other_programs_database(tmp_path: Path) -> Path:
    path = tmp_path / "places.sqlite"
    _sql(path, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    return path


def _newer_version(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    open_database(path, create=True).close()
    _sql(path, "UPDATE alembic_version SET version_num = '0099_from_the_future'")
    return path


def _garbage_after_header(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    return path


def _garbage_after_first_page(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    open_database(path, create=True).close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:] = b"\xde\xad\xbe\xef" * ((len(data) - page_size) // 4)
    path.write_bytes(bytes(data))
    return path


def _read_only_file(tmp_path: Path) -> Path:
    path = tmp_path / "committee.qpmr"
    open_database(path, create=True).close()
    path.chmod(0o444)
    return path


def _read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "committee.qpmr"
    open_database(path, create=True).close()
    folder.chmod(0o555)
    return path


def _new_file_in_read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "committee.qpmr"


BAD_INPUT = [
    pytest.param(_missing_folder, False, "does not exist", id="missing folder"),
    pytest.param(_missing_folder, True, "does not exist", id="missing folder, create"),
    pytest.param(_missing_file, False, "There is no database at", id="missing file"),
    pytest.param(_a_folder, True, "is a folder, not a QPMR database", id="a folder"),
    pytest.param(_empty_file, True, "is empty, not a QPMR database", id="empty file"),
    pytest.param(_text_file, False, "not an SQLite file", id="text file"),
    pytest.param(_shorter_than_a_header, False, "not an SQLite file", id="six bytes"),
    pytest.param(_other_programs_database, False, "from another program", id="other program"),
    pytest.param(_newer_version, False, "newer version of QPMR Desktop", id="newer version"),
    pytest.param(_garbage_after_header, False, "is damaged", id="garbage after header"),
    pytest.param(_garbage_after_first_page, False, "is damaged", id="garbage after page 1"),
    pytest.param(_read_only_file, False, "is read-only", id="read-only file"),
    pytest.param(_read_only_folder, False, "is read-only", id="read-only folder"),
    pytest.param(_new_file_in_read_only_folder, True, "is read-only", id="create, read-only"),
]


@pytest.mark.parametrize(("make", "create", "expected"), BAD_INPUT)
def test_bad_input_is_refused_by_name_and_left_unchanged(
    tmp_path: Path, make: Callable[[Path], Path], create: bool, expected: str
) -> None:
    path = make(tmp_path)
    before = _fingerprint(path)

    with pytest.raises(DatabaseOpenError) as refused:
        open_database(path, create=create, lock_timeout=QUICK_LOCK_TIMEOUT)

    message = str(refused.value)
    assert str(path) in message
    assert expected in message
    assert _fingerprint(path) == before


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    path = _missing_folder(tmp_path)

    with pytest.raises(DatabaseOpenError, match="no such folder") as refused:
        open_database(path, create=True)

    assert f"the folder {path.parent} does not exist" in str(refused.value)


def test_a_newer_schema_is_named_with_the_one_this_version_understands(tmp_path: Path) -> None:
    path = _newer_version(tmp_path)

    with pytest.raises(DatabaseOpenError) as refused:
        open_database(path)

    assert str(refused.value) == (
        f"{path} was written by a newer version of QPMR Desktop (schema 0099_from_the_future); "
        f"this version understands up to {migrations.head_revision()}. "
        "Install the newer version to open it."
    )


def test_read_only_messages_say_what_to_do(tmp_path: Path) -> None:
    path = _read_only_file(tmp_path)

    with pytest.raises(DatabaseOpenError) as refused:
        open_database(path)

    assert "Copy it to a folder you can write to" in str(refused.value)
    assert "change its permissions" in str(refused.value)


@contextmanager
def _held_exclusively(path: Path) -> Iterator[None]:
    """Another program in the middle of a write: it holds the lock until the block ends."""
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_a_locked_database_is_refused_as_in_use(qpmr_path: Path, journal_mode: str) -> None:
    # A rollback journal (another program's choice) blocks even reading;
    # WAL lets the first look through, and the write lock is what waits.
    if journal_mode == "delete":
        _sql(qpmr_path, "PRAGMA journal_mode = DELETE")
    before = _fingerprint(qpmr_path)

    with _held_exclusively(qpmr_path), pytest.raises(DatabaseOpenError) as refused:
        open_database(qpmr_path, lock_timeout=QUICK_LOCK_TIMEOUT)

    assert str(refused.value) == (
        f"{qpmr_path} is in use by another program (locked); close it there and try again."
    )
    # Once the other program lets go, nothing of ours is left open or changed.
    assert _fingerprint(qpmr_path) == before
    open_database(qpmr_path).close()


def test_a_failed_migration_leaves_no_table_behind(tmp_path: Path) -> None:
    # A view is not a table, so the file counts as new; the migration then
    # fails half-way, at CREATE TABLE action, after creating a dozen tables.
    path = tmp_path / "committee.qpmr"
    _sql(path, "CREATE VIEW action AS SELECT 1 AS id")

    with pytest.raises(DatabaseOpenError, match="already exists") as refused:
        open_database(path)

    assert str(path) in str(refused.value)
    with closing(sqlite3.connect(path)) as connection:
        names = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
    assert names == [("view", "action")]


def test_a_new_file_that_cannot_be_set_up_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(connection: sa.Connection) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(migrations, "upgrade_to_head", fail)
    path = tmp_path / "committee.qpmr"

    with pytest.raises(RuntimeError, match="the disk is full"):
        open_database(path, create=True)

    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ good files


def test_create_then_reopen_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "committee.qpmr"
    with open_database(path, create=True) as database, database.session() as session:
        session.add(Committee(name="Performance Committee"))

    with open_database(path) as database, database.session() as session:
        names = session.exec(select(Committee.name)).all()

    assert names == ["Performance Committee"]


def test_create_on_an_existing_database_opens_it(database: Database) -> None:
    with database.session() as session:
        session.add(Committee(name="Performance Committee"))
    database.close()

    with open_database(database.path, create=True) as reopened, reopened.session() as session:
        assert session.exec(select(Committee.name)).all() == ["Performance Committee"]


def test_an_sqlite_file_without_tables_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "blank.qpmr"
    _sql(path, "CREATE TABLE scratch (x)", "DROP TABLE scratch")

    with open_database(path) as database, database.engine.connect() as connection:
        assert migrations.current_revision(connection) == migrations.head_revision()
        assert sa.inspect(connection).has_table("minute_point")


def test_every_connection_is_set_up_for_safety(database: Database) -> None:
    with database.engine.connect() as first, database.engine.connect() as second:
        for connection in (first, second):
            settings = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
            assert settings == {
                "foreign_keys": 1,
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "busy_timeout": round(LOCK_TIMEOUT_SECONDS * 1000),
            }


def test_a_reader_does_not_wait_for_a_writer(qpmr_path: Path) -> None:
    with (
        open_database(qpmr_path, lock_timeout=QUICK_LOCK_TIMEOUT) as database,
        database.engine.connect() as writer,
    ):
        writer.execute(sa.insert(Committee).values(name="Uncommitted", version=1))

        with database.session() as session:
            assert session.exec(select(Committee)).all() == []


def test_foreign_keys_are_enforced(database: Database) -> None:
    def add_a_point_to_a_missing_section() -> None:
        with database.session() as session:
            session.add(MinutePoint(section_id=999, kind=PointKind.NOTED, text="Noted."))

    # Hold one pooled connection so the session gets a second: every connection enforces them.
    with database.engine.connect(), pytest.raises(sa.exc.IntegrityError):
        add_a_point_to_a_missing_section()

    with database.session() as session:
        assert session.exec(select(MinutePoint)).all() == []


def test_deleting_a_meeting_deletes_its_items(database: Database) -> None:
    """ON DELETE CASCADE works only when foreign keys are on, not merely declared."""
    with database.session() as session:
        committee = Committee(name="Performance Committee")
        session.add(committee)
        session.flush()
        assert committee.id is not None
        meeting = Meeting(
            committee_id=committee.id, date=dt.date(2017, 10, 12), status=MinutesStatus.APPROVED
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        session.add(AgendaItem(meeting_id=meeting.id, title="Quarterly performance"))
    with database.session() as session:
        session.connection().execute(sa.delete(Meeting))
    with database.session() as session:
        assert session.exec(select(AgendaItem)).all() == []


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2017, 10, 12, 9, 30, tzinfo=dt.UTC),
        dt.datetime(2017, 10, 12, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),  # BST
    ],
    ids=["UTC", "BST"],
)
def test_an_aware_datetime_round_trips(database: Database, at: dt.datetime) -> None:
    with database.session() as session:
        plan = ImprovementPlan(name="Children's services improvement plan")
        session.add(plan)
        session.flush()
        assert plan.id is not None
        action = Action(
            plan_id=plan.id, ref="1.1", description="Audit cases", status=ActionStatus.ON_TRACK
        )
        session.add(action)
        session.flush()
        assert action.id is not None
        session.add(
            ActionUpdate(
                action_id=action.id,
                who="A. Officer",
                at=at,
                old_status=ActionStatus.NOT_STARTED,
                new_status=ActionStatus.ON_TRACK,
            )
        )

    with database.session() as session:
        stored = session.exec(select(ActionUpdate.at)).one()

    assert stored.utcoffset() == dt.timedelta(0)
    assert stored == at


def test_a_session_rolls_back_on_error(database: Database) -> None:
    def interrupted_action() -> None:
        with database.session() as session:
            session.add(Committee(name="Performance Committee"))
            session.flush()
            raise RuntimeError("typing interrupted")

    with pytest.raises(RuntimeError, match="typing interrupted"):
        interrupted_action()

    with database.session() as session:
        assert session.exec(select(Committee)).all() == []


def test_close_leaves_one_file_that_can_be_copied(tmp_path: Path, database: Database) -> None:
    with database.session() as session:
        session.add(Committee(name="Performance Committee"))
    assert _sidecars(database.path) == ["committee.qpmr-shm", "committee.qpmr-wal"]

    database.close()

    assert _sidecars(database.path) == []
    copy = tmp_path / "copy" / "committee.qpmr"
    copy.parent.mkdir()
    shutil.copyfile(database.path, copy)
    with open_database(copy) as reopened, reopened.session() as session:
        assert session.exec(select(Committee.name)).all() == ["Performance Committee"]
