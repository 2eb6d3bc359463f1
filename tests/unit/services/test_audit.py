"""The audit trail (``services.audit``): entries written with a fake clock and read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.performance import Unit
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.audit import field_changes, list_audit, record_audit, utc_now
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import AuditEntry

HOSTILE = '<b>&"😀 Żółć Ωμέγα'


class FakeClock:
    """Starts at 09:00 BST on 1 July 2017 and moves a minute per reading."""

    def __init__(self) -> None:
        bst = dt.timezone(dt.timedelta(hours=1))
        self.now = dt.datetime(2017, 7, 1, 9, 0, tzinfo=bst)

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "audit.qpmr", create=True, user="clerk")
    yield workspace
    workspace.close()


def _write(
    workspace: Workspace,
    clock: FakeClock,
    *,
    table: str = "indicator",
    row_id: int = 1,
    change: str = "update",
    details: Mapping[str, object] | None = None,
) -> int:
    with workspace.database.session() as session:
        return record_audit(
            session,
            who="Donna Talbot",
            table=table,
            row_id=row_id,
            change=change,
            details=details or {},
            clock=clock,
        )


def test_an_entry_keeps_who_what_when_and_the_details(workspace: Workspace) -> None:
    clock = FakeClock()
    details = {
        "ref": "CLA-01",
        "period": Quarter(2017, 1),
        "fields": field_changes(
            {"value": 1800.0, "unit": Unit.COUNT, "data_as_at": None},
            {"value": 1875.0, "unit": Unit.PERCENTAGE, "data_as_at": dt.date(2017, 6, 30)},
        ),
    }

    entry_id = _write(workspace, clock, details=details, row_id=7)

    (row,) = list_audit(workspace=workspace)
    assert row.id == entry_id
    assert row.who == "Donna Talbot"
    assert (row.table, row.row_id, row.change) == ("indicator", 7, "update")
    # 09:00 BST is 08:00 UTC; stored and returned in UTC.
    assert row.at == dt.datetime(2017, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert row.at.utcoffset() == dt.timedelta(0)
    assert row.details == {
        "ref": "CLA-01",
        "period": "Q1 2017/18",
        "fields": {
            "value": {"old": 1800.0, "new": 1875.0},
            "unit": {"old": "count", "new": "percentage"},
            "data_as_at": {"old": None, "new": "2017-06-30"},
        },
    }
    assert row.summary == "Update: value, unit, data_as_at"


def test_details_are_readable_json_with_hostile_text_intact(workspace: Workspace) -> None:
    _write(
        workspace,
        FakeClock(),
        details={"fields": field_changes({"name": "Old"}, {"name": HOSTILE})},
    )

    with workspace.database.session() as session:
        text = session.connection().execute(sa.select(col(AuditEntry.details))).scalar_one()
    # ensure_ascii=False: the letters themselves, not \u escapes.
    assert HOSTILE.replace('"', '\\"') in text
    assert "\\u" not in text
    (row,) = list_audit(workspace=workspace)
    assert row.details["fields"] == {"name": {"old": "Old", "new": HOSTILE}}


def test_field_changes_leaves_out_fields_empty_on_both_sides() -> None:
    assert field_changes({}, {"value": 1.0, "target": None, "commentary": ""}) == {
        "value": {"old": None, "new": 1.0},
        "commentary": {"old": None, "new": ""},
    }
    assert field_changes({"a": 1, "b": 2}, {"b": 3}) == {
        "a": {"old": 1, "new": None},
        "b": {"old": 2, "new": 3},
    }


def test_list_audit_filters_by_table_and_row_in_the_order_written(workspace: Workspace) -> None:
    clock = FakeClock()
    first = _write(workspace, clock, table="indicator", row_id=1, change="create")
    _write(workspace, clock, table="indicator_value", row_id=1, change="create")
    third = _write(workspace, clock, table="indicator", row_id=1, change="retire")
    _write(workspace, clock, table="indicator", row_id=2, change="create")

    assert [row.id for row in list_audit(workspace=workspace, table="indicator", row_id=1)] == [
        first,
        third,
    ]
    assert [row.change for row in list_audit(workspace=workspace, table="indicator")] == [
        "create",
        "retire",
        "create",
    ]
    assert len(list_audit(workspace=workspace, row_id=1)) == 3
    assert len(list_audit(workspace=workspace)) == 4
    assert [row.summary for row in list_audit(workspace=workspace, table="indicator")] == [
        "Create",
        "Retire",
        "Create",
    ]


def test_a_naive_clock_is_refused_and_nothing_is_written(workspace: Workspace) -> None:
    def naive() -> dt.datetime:
        return dt.datetime(2017, 7, 1, 9, 0)  # noqa: DTZ001 - the mistake under test

    with pytest.raises(ValueError, match="naive"), workspace.database.session() as session:
        record_audit(
            session, who="x", table="indicator", row_id=1, change="update", details={}, clock=naive
        )

    assert list_audit(workspace=workspace) == []


@pytest.mark.parametrize(
    ("details", "error"),
    [
        ({"value": float("nan")}, ValueError),
        ({"value": float("inf")}, ValueError),
        ({"value": {1, 2}}, TypeError),
        ({"value": b"bytes"}, TypeError),
        ({"value": object()}, TypeError),
    ],
)
def test_details_that_json_cannot_hold_faithfully_are_refused(
    workspace: Workspace, details: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error), workspace.database.session() as session:
        record_audit(session, who="x", table="t", row_id=1, change="update", details=details)

    assert list_audit(workspace=workspace) == []


def test_the_real_clock_is_aware_utc() -> None:
    now = utc_now()
    assert now.utcoffset() == dt.timedelta(0)
    assert now.tzinfo is not None
