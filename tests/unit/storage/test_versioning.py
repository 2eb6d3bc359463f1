"""Optimistic concurrency (``storage.versioning``): a write applies only at the version seen.

A real database file; "someone else" is a second session on the same file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.storage.database import Database, open_database
from qpmr_desktop.storage.tables import Committee, Theme
from qpmr_desktop.storage.versioning import (
    MissingRowError,
    RowVersionError,
    StaleRowError,
    delete_versioned,
    table_of,
    update_versioned,
)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "versions.qpmr", create=True)
    yield database
    database.close()


@pytest.fixture
def committee_id(database: Database) -> int:
    with database.session() as session:
        committee = Committee(name="Cabinet Committee on Performance Improvement")
        session.add(committee)
        session.flush()
        assert committee.id is not None
        return committee.id


def _row(database: Database, committee_id: int) -> tuple[str, int]:
    with database.session() as session:
        query = sa.select(col(Committee.name), col(Committee.version)).where(
            col(Committee.id) == committee_id
        )
        name, version = session.connection().execute(query).one()
    return name, version


def test_an_update_at_the_expected_version_applies_and_bumps_it(
    database: Database, committee_id: int
) -> None:
    with database.session() as session:
        version = update_versioned(
            session, Committee, committee_id, expected_version=1, changes={"name": "Cabinet"}
        )

    assert version == 2
    assert _row(database, committee_id) == ("Cabinet", 2)


def test_successive_updates_chain_their_versions(database: Database, committee_id: int) -> None:
    version = 1
    for name in ("A", "B", "C"):
        with database.session() as session:
            version = update_versioned(
                session, Committee, committee_id, expected_version=version, changes={"name": name}
            )

    assert _row(database, committee_id) == ("C", 4)


def test_an_empty_change_still_bumps_the_version(database: Database, committee_id: int) -> None:
    with database.session() as session:
        assert update_versioned(session, Committee, committee_id, expected_version=1, changes={})

    assert _row(database, committee_id)[1] == 2


def test_a_stale_update_raises_with_both_versions_and_writes_nothing(
    database: Database, committee_id: int
) -> None:
    # Someone else saves first …
    with database.session() as session:
        update_versioned(
            session, Committee, committee_id, expected_version=1, changes={"name": "Theirs"}
        )

    # … then we save from the version we read before theirs.
    with pytest.raises(StaleRowError) as caught, database.session() as session:
        update_versioned(
            session, Committee, committee_id, expected_version=1, changes={"name": "Ours"}
        )

    error = caught.value
    assert (error.table, error.row_id) == ("committee", committee_id)
    assert (error.expected_version, error.actual_version) == (1, 2)
    assert isinstance(error, RowVersionError)
    assert _row(database, committee_id) == ("Theirs", 2)


def test_an_update_of_a_deleted_row_raises_missing(database: Database, committee_id: int) -> None:
    with database.session() as session:
        delete_versioned(session, Committee, committee_id, expected_version=1)

    with pytest.raises(MissingRowError) as caught, database.session() as session:
        update_versioned(
            session, Committee, committee_id, expected_version=1, changes={"name": "X"}
        )

    assert isinstance(caught.value, LookupError)
    assert (caught.value.table, caught.value.row_id) == ("committee", committee_id)
    assert caught.value.expected_version == 1


def test_a_stale_delete_raises_and_keeps_the_row(database: Database, committee_id: int) -> None:
    with database.session() as session:
        update_versioned(session, Committee, committee_id, expected_version=1, changes={})

    with pytest.raises(StaleRowError), database.session() as session:
        delete_versioned(session, Committee, committee_id, expected_version=1)

    assert _row(database, committee_id)[1] == 2


def test_a_delete_of_a_missing_row_raises_missing(database: Database) -> None:
    with pytest.raises(MissingRowError), database.session() as session:
        delete_versioned(session, Committee, 999, expected_version=1)


def test_nothing_is_committed_by_the_helpers_themselves(
    database: Database, committee_id: int
) -> None:
    with Session(database.engine) as session:
        update_versioned(
            session, Committee, committee_id, expected_version=1, changes={"name": "X"}
        )
        session.rollback()

    assert _row(database, committee_id)[1] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 7}, "version cannot be changed"),
        ({"id": 7}, "id cannot be changed"),
        ({"colour": "red"}, "no column colour"),
    ],
)
def test_programming_errors_are_refused_before_writing(
    database: Database, committee_id: int, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message), database.session() as session:
        update_versioned(session, Committee, committee_id, expected_version=1, changes=changes)

    assert _row(database, committee_id)[1] == 1


def test_table_of_gives_the_core_table() -> None:
    assert table_of(Theme).name == "theme"
