"""bulk_rows: the driver's rows, conversions once per distinct value, the collector held off."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.bulk_rows import converted, driver_rows, typed_rows
from qpmr_desktop.services.collector import no_cyclic_gc
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Committee, Meeting
from qpmr_desktop.storage.versioning import table_of


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "bulk.qpmr", create=True)
    with workspace.database.session() as session:
        session.add(Committee(id=1, name="Cabinet <&> “Ωmega” 🏛"))
        session.flush()
        for ident, (day, status, start) in enumerate(
            (
                (dt.date(2017, 9, 12), MinutesStatus.APPROVED, dt.time(18, 30)),
                (dt.date(2017, 9, 12), MinutesStatus.DRAFT, None),
                (dt.date(2018, 1, 3), MinutesStatus.CIRCULATED, dt.time(10, 0)),
            ),
            start=1,
        ):
            session.add(
                Meeting(id=ident, committee_id=1, date=day, start_time=start, status=status)
            )
    yield workspace
    workspace.close()


_QUERY = (
    sa.select(
        col(Meeting.id),
        col(Committee.name),
        col(Meeting.date),
        col(Meeting.start_time),
        col(Meeting.status),
        sa.func.coalesce(col(Meeting.venue), "none"),
    )
    .join(Committee, col(Committee.id) == col(Meeting.committee_id))
    .order_by(col(Meeting.id))
)


def test_driver_rows_are_what_sqlalchemy_reads_before_conversion(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        connection = session.connection()
        raw = driver_rows(connection, _QUERY)
        typed = connection.execute(_QUERY).all()
        again = driver_rows(connection, _QUERY)  # the compiled text is reused
    assert [type(row) for row in raw] == [tuple] * 3
    assert [row[0] for row in raw] == [1, 2, 3]
    assert raw[0][1] == "Cabinet <&> “Ωmega” 🏛"
    assert raw == again
    meeting = table_of(Meeting)
    dialect = workspace.database.engine.dialect
    for column, place in ((meeting.c.date, 2), (meeting.c.start_time, 3), (meeting.c.status, 4)):
        values = converted(column, dialect, [row[place] for row in raw])
        assert [values[row[place]] for row in raw] == [row[place] for row in typed]
    statuses = converted(meeting.c.status, dialect, [row[4] for row in raw])
    assert all(isinstance(status, MinutesStatus) for status in statuses.values())
    assert len(converted(meeting.c.date, dialect, [row[2] for row in raw])) == 2  # distinct


def test_typed_rows_are_what_sqlalchemy_reads(workspace: Workspace) -> None:
    query = _QUERY.where(col(Meeting.id) >= sa.bindparam("first"))
    with workspace.database.session() as session:
        connection = session.connection()
        typed = typed_rows(connection, query, {"first": 2})
        expected = [tuple(row) for row in connection.execute(query, {"first": 2})]
    assert typed == expected
    assert [type(row[4]) for row in typed] == [MinutesStatus, MinutesStatus]
    assert typed[0][1] == "Cabinet <&> “Ωmega” 🏛"


def test_a_statement_binds_exactly_the_parameters_given(workspace: Workspace) -> None:
    query = (
        sa.select(col(Meeting.id), sa.func.coalesce(col(Meeting.start_time), "no time"))
        .join(Committee, col(Committee.id) == col(Meeting.committee_id))
        .where(
            col(Committee.name) == sa.bindparam("name"), col(Meeting.id) >= sa.bindparam("first")
        )
        .order_by(col(Meeting.id))
    )
    with workspace.database.session() as session:
        connection = session.connection()
        found = driver_rows(connection, query, {"first": 2, "name": "Cabinet <&> “Ωmega” 🏛"})
        assert [row[0] for row in found] == [2, 3]
        assert found[0][1] == "no time"  # a constant of the statement, bound too
        assert found[1][1] != "no time"
        assert driver_rows(connection, query, {"first": 1, "name": "Cabinet"}) == []
        with pytest.raises(ValueError, match="first"):
            driver_rows(connection, query)  # a parameter without its value
        with pytest.raises(ValueError, match="first"):
            driver_rows(connection, query, {"name": "Cabinet"})
        with pytest.raises(ValueError, match="surplus"):
            driver_rows(connection, _QUERY, {"surplus": 1})  # binds nothing


def test_the_collector_is_held_off_and_given_back() -> None:
    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
        with no_cyclic_gc():  # nested: the outer block gives it back
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), no_cyclic_gc():
        raise RuntimeError("the block failed")
    assert gc.isenabled()
