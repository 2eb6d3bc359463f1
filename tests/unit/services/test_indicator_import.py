"""Importing indicator values: the preview's verdict on every row, and all-or-nothing apply.

Files are written here in the native format (or a layout with a mapping) and
imported into a fresh database; the council files have their own module.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from qpmr_desktop.domain.performance import MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services import import_rows, indicator_import
from qpmr_desktop.services.import_files import FileKind, SourceRow, SourceTable, read_table
from qpmr_desktop.services.import_mapping import (
    ColumnMapping,
    ComparatorRows,
    IndicatorSettings,
    NativeField,
    PeriodFormat,
    ValueColumn,
    guess_mapping,
)
from qpmr_desktop.services.indicator_import import (
    ImportConflictError,
    ImportIssue,
    ImportRefusedError,
    PlannedRow,
    RowStatus,
    apply_import,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import AuditEntry, IndicatorValue
from tests.unit.services.test_indicator_import_support import (
    NATIVE_HEADERS,
    native_row,
    new_indicator,
    preview,
    snapshot,
    stored_indicator,
    stored_values,
    write_csv,
)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "import.qpmr", create=True, user="Ann Analyst")
    yield workspace
    workspace.close()


def issue_texts(rows: object) -> list[str]:
    return [str(issue) for issue in rows.issues]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the native format


def test_native_file_creates_indicators_and_values(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "values.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1,875", target="1,700", commentary="Highest"),
            new_indicator("LW-1", "2017/18 Q2", "1,900"),
            new_indicator("LW-2", "Q1 2017/18", "62.5%", unit="percentage", theme="Age Well"),
        ],
    )
    planned = preview(workspace, path)
    assert planned.counts.as_dict() == {"new": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert [row.status for row in planned.rows] == [RowStatus.NEW] * 3
    assert [row.source_row for row in planned.rows] == [2, 3, 4]
    assert [indicator.ref for indicator in planned.new_indicators] == ["LW-1", "LW-2"]
    assert snapshot(workspace)["indicator"] == []  # a preview changes nothing

    result = apply_import(workspace=workspace, preview=planned)

    assert (result.inserted, result.updated, result.created_indicators) == (3, 0, ("LW-1", "LW-2"))
    indicator = stored_indicator(workspace, "LW-2")
    assert indicator is not None
    assert (indicator["theme"], indicator["unit"], indicator["polarity"]) == (
        "Age Well",
        "percentage",
        "higher is better",
    )
    assert indicator["is_sample"] == 0
    values = stored_values(workspace, "LW-1")
    assert [(row["year"], row["quarter"], row["value"], row["target"]) for row in values] == [
        (2017, 1, 1875.0, 1700.0),
        (2017, 2, 1900.0, None),
    ]
    assert values[0]["commentary"] == "Highest"
    assert {(row["is_sample"], row["version"]) for row in values} == {(0, 1)}


def test_headers_match_in_any_case_and_order(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "shuffled.csv",
        [
            ["Polarity", "VALUE", "Period", "Indicator Ref", "Unit", "Theme", "Indicator-Name"],
            ["lower is better", "12", "Q3 2017/18", "AW-9", "days", "Age Well", "Waits"],
        ],
    )
    planned = preview(workspace, path)
    assert planned.counts.new == 1
    assert planned.new_indicators[0].unit is Unit.DAYS
    assert planned.new_indicators[0].polarity is Polarity.LOWER_IS_BETTER
    assert planned.rows[0].period == Quarter(2017, 3)


def test_reimport_is_unchanged_and_a_changed_cell_is_an_update(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        NATIVE_HEADERS,
        new_indicator("LW-1", "Q1 2017/18", "10", target="12", commentary="First"),
        new_indicator("LW-1", "Q2 2017/18", "11", target="12"),
    ]
    apply_import(
        workspace=workspace, preview=preview(workspace, write_csv(tmp_path / "a.csv", rows))
    )

    again = preview(workspace, tmp_path / "a.csv")
    assert [row.status for row in again.rows] == [RowStatus.UNCHANGED] * 2

    rows[2] = new_indicator("LW-1", "Q2 2017/18", "11.5", target="12", commentary="Revised")
    changed = preview(workspace, write_csv(tmp_path / "b.csv", rows))
    assert [row.status for row in changed.rows] == [RowStatus.UNCHANGED, RowStatus.UPDATED]
    assert [(c.field, c.old, c.new) for c in changed.rows[1].changes] == [
        ("value", 11.0, 11.5),
        ("commentary", "", "Revised"),
    ]
    result = apply_import(workspace=workspace, preview=changed)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    q1, q2 = stored_values(workspace, "LW-1")
    assert (q1["value"], q1["version"]) == (10.0, 1)
    assert (q2["value"], q2["commentary"], q2["target"], q2["version"]) == (
        11.5,
        "Revised",
        12.0,
        2,
    )


def test_a_column_the_file_lacks_leaves_the_stored_field_alone(
    workspace: Workspace, tmp_path: Path
) -> None:
    apply_import(
        workspace=workspace,
        preview=preview(
            workspace,
            write_csv(
                tmp_path / "full.csv",
                [
                    NATIVE_HEADERS,
                    new_indicator("LW-1", "Q1 2017/18", "10", target="12", england="9"),
                ],
            ),
        ),
    )
    values_only = write_csv(
        tmp_path / "values.csv",
        [["indicator_ref", "period", "value"], ["LW-1", "Q1 2017/18", "10.5"]],
    )
    planned = preview(workspace, values_only)
    assert [(c.field, c.new) for c in planned.rows[0].changes] == [("value", 10.5)]
    apply_import(workspace=workspace, preview=planned)
    (row,) = stored_values(workspace, "LW-1")
    assert (row["value"], row["target"], row["england"]) == (10.5, 12.0, 9.0)


def test_a_blank_cell_in_a_mapped_column_clears_the_field(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [NATIVE_HEADERS, new_indicator("LW-1", "Q1 2017/18", "10", target="12")]
    apply_import(
        workspace=workspace, preview=preview(workspace, write_csv(tmp_path / "a.csv", rows))
    )
    rows[1] = new_indicator("LW-1", "Q1 2017/18", "10")
    planned = preview(workspace, write_csv(tmp_path / "b.csv", rows))
    assert [(c.field, c.old, c.new) for c in planned.rows[0].changes] == [("target", 12.0, None)]


# ---------------------------------------------------------------- error rows


def test_unknown_ref_without_name_theme_unit_polarity_is_an_error_row(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "unknown.csv",
        [
            ["indicator_ref", "period", "value", "indicator_name"],
            ["NEW-1", "Q1 2017/18", "5", "A new one"],
        ],
    )
    planned = preview(workspace, path)
    assert planned.counts.errors == 1
    assert planned.new_indicators == ()
    assert issue_texts(planned) == [
        (
            "row 2, column indicator_ref: 'NEW-1' is not an indicator in this database, and to "
            "create it the file or the mapping must give its theme, unit and polarity."
        )
    ]


def test_bad_period_is_an_error_row_naming_the_column(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "period.csv",
        [NATIVE_HEADERS, new_indicator("LW-1", "Q5 2017/18", "1"), new_indicator("LW-1", "", "2")],
    )
    planned = preview(workspace, path)
    assert [row.status for row in planned.rows] == [RowStatus.ERROR, RowStatus.ERROR]
    assert issue_texts(planned) == [
        'row 2, column period: Not a period: "Q5 2017/18" — the quarter must be 1 to 4.',
        "row 3, column period: no period.",
    ]


def test_text_in_a_number_column_is_an_error_row(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "text.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1,875"),
            new_indicator("LW-1", "Q2 2017/18", "abc"),
            new_indicator("LW-1", "Q3 2017/18", "12", target="about 60"),
        ],
    )
    planned = preview(workspace, path)
    assert [row.status for row in planned.rows] == [
        RowStatus.NEW,
        RowStatus.ERROR,
        RowStatus.ERROR,
    ]
    assert issue_texts(planned) == [
        "row 3, column value: 'abc' is not a number.",
        "row 4, column target: 'about 60' is not a number.",
    ]


def test_bad_unit_polarity_and_status_are_error_rows(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "words.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A", "Q1 2017/18", "1", unit="Devices"),
            new_indicator("B", "Q1 2017/18", "1", polarity="up-ish"),
            new_indicator("C", "Q1 2017/18", "1", status="maybe"),
        ],
    )
    messages = issue_texts(preview(workspace, path))
    assert messages[0].startswith("row 2, column unit: 'Devices' is not a unit")
    assert messages[1].startswith("row 3, column polarity: 'up-ish' is not a polarity")
    assert messages[2].startswith("row 4, column status: 'maybe' is not a data-status symbol")


def test_provisional_flags_are_stored_as_sqlite_stores_booleans(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The import binds 0 and 1 for booleans (the driver's slow path for bool
    # is avoided); the rows must be what SQLAlchemy writes and reads back.
    first = write_csv(
        tmp_path / "first.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A <&>", "Q1 2017/18", "10", status="p"),
            new_indicator("A <&>", "Q2 2017/18", "11"),
        ],
    )
    apply_import(workspace=workspace, preview=preview(workspace, first))
    revised = write_csv(
        tmp_path / "revised.csv",
        [
            NATIVE_HEADERS,
            native_row(indicator_ref="A <&>", period="Q1 2017/18", value="10", status="final"),
            native_row(indicator_ref="A <&>", period="Q2 2017/18", value="11", status="p"),
        ],
    )
    planned = preview(workspace, revised)
    assert [[(c.field, c.old, c.new) for c in row.changes] for row in planned.rows] == [
        [("status_symbol", "p", None), ("provisional", True, False)],
        [("status_symbol", None, "p"), ("provisional", False, True)],
    ]
    apply_import(workspace=workspace, preview=planned)

    with workspace.database.session() as session:
        raw = session.connection().exec_driver_sql(
            "SELECT typeof(provisional), provisional, typeof(is_sample), is_sample "
            "FROM indicator_value ORDER BY year, quarter"
        )
        assert raw.all() == [("integer", 0, "integer", 0), ("integer", 1, "integer", 0)]
        read = [
            (row.provisional, row.is_sample, row.version)
            for row in session.exec(select(IndicatorValue).order_by(col(IndicatorValue.quarter)))
        ]
    assert read == [
        (False, False, 2),
        (True, False, 2),
    ]


def test_duplicate_rows_within_a_file_are_both_reported(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "dupes.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1"),
            new_indicator("LW-1", "Q2 2017/18", "2"),
            new_indicator("LW-1", "2017/18 Q1", "3"),  # the same period, written the other way
        ],
    )
    planned = preview(workspace, path)
    assert [row.status for row in planned.rows] == [
        RowStatus.ERROR,
        RowStatus.NEW,
        RowStatus.ERROR,
    ]
    assert issue_texts(planned) == [
        "row 2: duplicate: LW-1 Q1 2017/18 is also in row 4.",
        "row 4: duplicate: LW-1 Q1 2017/18 is also in row 2.",
    ]


def test_rows_that_disagree_about_a_new_indicator(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "disagree.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1", unit="count"),
            new_indicator("LW-1", "Q2 2017/18", "2", unit="percentage"),
        ],
    )
    assert issue_texts(preview(workspace, path)) == [
        "row 3: unit 'percentage' differs from 'count' in row 2 for the new indicator 'LW-1'."
    ]


def test_a_row_with_more_cells_than_headers(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "indicator_ref,period,value,commentary\nLW-1,Q1 2017/18,5,Up, a lot\n", encoding="utf-8"
    )
    planned = preview(workspace, path)
    assert planned.rows[0].status is RowStatus.ERROR
    assert issue_texts(planned)[0].startswith("row 2: it has 5 cells but the header row has 4")


def test_the_value_and_status_column_together(workspace: Workspace, tmp_path: Path) -> None:
    apply_import(
        workspace=workspace,
        preview=preview(
            workspace,
            write_csv(
                tmp_path / "seed.csv", [NATIVE_HEADERS, new_indicator("A", "Q4 2016/17", "1")]
            ),
        ),
    )
    path = write_csv(
        tmp_path / "status.csv",
        [
            NATIVE_HEADERS,
            native_row(indicator_ref="A", period="Q1 2017/18", value="1,875p"),
            native_row(indicator_ref="A", period="Q2 2017/18", value="", status="x"),
            native_row(indicator_ref="A", period="Q3 2017/18", value="[c]"),
            native_row(indicator_ref="A", period="Q4 2017/18", value="20", status="provisional"),
            native_row(indicator_ref="A", period="Q1 2018/19", value="20 [r]", status="p"),
        ],
    )
    planned = preview(workspace, path)
    assert issue_texts(planned) == [
        "row 6, column status: the status 'p' disagrees with the 'r' marked on the value."
    ]
    seen = [
        (row.values["value"], row.values["status_symbol"], row.values["provisional"])
        for row in planned.rows[:4]
    ]
    assert seen == [
        (1875.0, "p", True),
        (None, "x", False),
        (None, "c", False),
        (20.0, "p", True),
    ]


def test_a_preview_with_errors_is_refused_and_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1"),
            new_indicator("LW-1", "Q9 2017/18", "2"),
        ],
    )
    planned = preview(workspace, path)
    before = snapshot(workspace)
    with pytest.raises(ImportRefusedError, match="has 1 error"):
        apply_import(workspace=workspace, preview=planned)
    assert snapshot(workspace) == before


# ---------------------------------------------------------------- file-level problems


def test_a_file_that_is_not_native_and_has_no_mapping(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "other.csv", [["k", "tq"], ["CS01", "95.9"]])
    planned = preview(workspace, path)
    assert planned.rows == ()
    assert planned.has_errors
    assert planned.unused_columns == ("k", "tq")
    assert [issue.message for issue in planned.file_issues] == [
        (
            "no column gives the indicator_ref: the file is not in the native format "
            "(indicator_ref, period, value …); map its columns or use a saved mapping."
        ),
        (
            "no period: the file has no period column, so give the period it is for "
            '(such as "Q1 2014/15").'
        ),
        "no column gives the value.",
    ]
    assert str(planned.file_issues[0]).startswith("file: no column gives the indicator_ref")


def test_a_mapped_column_missing_from_the_file(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "short.csv", [["ref", "value"], ["A", "1"]])
    mapping = ColumnMapping(
        columns={
            NativeField.INDICATOR_REF: "ref",
            NativeField.VALUE: "value",
            NativeField.TARGET: "t",
        },
        period=Quarter(2017, 1),
    )
    planned = preview(workspace, path, mapping)
    assert [issue.message for issue in planned.file_issues] == ["the file has no column 't'."]


def test_a_period_given_for_a_file_with_a_period_column(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", [NATIVE_HEADERS, new_indicator("A", "Q1 2017/18", "1")])
    planned = preview(workspace, path, period="Q2 2017/18")
    assert [issue.message for issue in planned.file_issues] == [
        "the file has its own period column; Q2 2017/18 is not used."
    ]


def test_a_native_file_without_a_period_column_takes_the_period_given(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["indicator_ref", "value", "indicator_name", "theme", "unit", "polarity"],
            ["A", "1", "A", "Live Well", "count", "higher"],
        ],
    )
    planned = preview(workspace, path, period="Q3 2019/20")
    assert planned.rows[0].period == Quarter(2019, 3)


# ---------------------------------------------------------------- existing indicators


def test_the_file_does_not_change_an_existing_indicators_settings(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "a.csv", [NATIVE_HEADERS, new_indicator("A", "Q1 2017/18", "1", unit="days")]
    )
    apply_import(workspace=workspace, preview=preview(workspace, first))
    second = write_csv(
        tmp_path / "b.csv", [NATIVE_HEADERS, new_indicator("A", "Q2 2017/18", "2", unit="weeks")]
    )
    planned = preview(workspace, second)
    assert planned.new_indicators == ()
    assert planned.notes == (
        (
            "row 2: the import gives A's unit as 'weeks', the database has 'days'; the database's "
            "is kept."
        ),
    )
    apply_import(workspace=workspace, preview=planned)
    indicator = stored_indicator(workspace, "A")
    assert indicator is not None
    assert indicator["unit"] == "days"


def test_each_difference_is_noted_once_at_the_first_row_that_says_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "a.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A", "Q1 2017/18", "1", unit="days"),
            new_indicator("B <&>", "Q1 2017/18", "1", theme="Live Well"),
        ],
    )
    apply_import(workspace=workspace, preview=preview(workspace, first))
    second = write_csv(
        tmp_path / "b.csv",
        [
            NATIVE_HEADERS,
            new_indicator("B <&>", "Q2 2017/18", "2", theme="Work Well 💼"),
            new_indicator("A", "Q2 2017/18", "2", unit="weeks"),
            new_indicator("A", "Q3 2017/18", "3", unit="weeks"),
            new_indicator("A", "Q4 2017/18", "4", unit="weeks", indicator_name="Другое"),
        ],
    )
    planned = preview(workspace, second)
    assert planned.notes == (
        (
            "row 2: the import gives B <&>'s theme as 'Work Well 💼', the database has "
            "'Live Well'; the database's is kept."
        ),
        (
            "row 3: the import gives A's unit as 'weeks', the database has 'days'; the "
            "database's is kept."
        ),
        (
            "row 5: the import gives A's name as 'Другое', the database has 'Indicator A'; "
            "the database's is kept."
        ),
    )

    # Without indicator columns every row says the same (the mapping's
    # settings), and the note names the first of A's rows.
    third = write_csv(
        tmp_path / "c.csv",
        [
            ["indicator_ref", "period", "value"],
            ["B <&>", "Q3 2017/18", "3"],
            ["A", "Q1 2018/19", "5"],
            ["A", "Q2 2018/19", "6"],
        ],
    )
    table = read_table(third)
    mapping = replace(
        guess_mapping(table), indicators={"A": IndicatorSettings(unit=Unit.PERCENTAGE)}
    )
    planned = preview(workspace, third, mapping)
    assert planned.notes == (
        (
            "row 3: the import gives A's unit as 'percentage', the database has 'days'; the "
            "database's is kept."
        ),
    )


def test_new_indicator_settings_come_from_the_mapping_then_the_file_then_defaults(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["ref", "period", "value", "target", "name", "unit"],
            ["A", "Q1 2017/18", "62.25", "60", "Alpha", "percentage"],
            ["B", "Q1 2017/18", "3", "4.5", "Beta", "percentage"],
        ],
    )
    mapping = ColumnMapping(
        columns={
            NativeField.INDICATOR_REF: "ref",
            NativeField.PERIOD: "period",
            NativeField.VALUE: "value",
            NativeField.TARGET: "target",
            NativeField.INDICATOR_NAME: "name",
            NativeField.UNIT: "unit",
        },
        defaults=IndicatorSettings(
            theme="Live Well",
            polarity=Polarity.HIGHER_IS_BETTER,
            tolerance=5.0,
            tolerance_kind=ToleranceKind.PERCENT,
        ),
        indicators={
            "B": IndicatorSettings(unit=Unit.DAYS, polarity=Polarity.LOWER_IS_BETTER, decimals=0)
        },
    )
    first, second = preview(workspace, path, mapping).new_indicators
    assert (first.unit, first.polarity, first.decimals, first.tolerance) == (
        Unit.PERCENTAGE,
        Polarity.HIGHER_IS_BETTER,
        2,  # as written in the file: 62.25
        5.0,
    )
    assert first.tolerance_kind is ToleranceKind.PERCENT
    assert (second.unit, second.polarity, second.decimals) == (
        Unit.DAYS,
        Polarity.LOWER_IS_BETTER,
        0,
    )
    assert second.measure_type is MeasureType.QUARTER


# ---------------------------------------------------------------- apply: all or nothing


def _populated(workspace: Workspace, tmp_path: Path) -> Path:
    """A database with one indicator and value, and a file that updates it and adds more."""
    first = write_csv(
        tmp_path / "first.csv", [NATIVE_HEADERS, new_indicator("A", "Q1 2017/18", "1")]
    )
    apply_import(workspace=workspace, preview=preview(workspace, first))
    return write_csv(
        tmp_path / "second.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A", "Q1 2017/18", "1.5"),
            new_indicator("A", "Q2 2017/18", "2"),
            new_indicator("B", "Q1 2017/18", "3", theme="A Brand New Theme"),
        ],
    )


def test_a_failure_while_applying_leaves_the_database_unchanged(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = preview(workspace, _populated(workspace, tmp_path))
    assert planned.counts.as_dict() == {"new": 2, "updated": 1, "unchanged": 0, "errors": 0}
    before = snapshot(workspace)

    def fail(*_args: object, **_kwargs: object) -> int:
        # By now the theme, the indicator, the new rows and the update are written.
        raise RuntimeError("disk full")

    monkeypatch.setattr(indicator_import, "_write_audit", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(workspace=workspace, preview=planned)
    assert snapshot(workspace) == before

    monkeypatch.undo()
    apply_import(workspace=workspace, preview=planned)  # the same preview still applies
    assert snapshot(workspace) != before


def test_a_row_changed_since_the_preview_fails_the_whole_import(
    workspace: Workspace, tmp_path: Path
) -> None:
    planned = preview(workspace, _populated(workspace, tmp_path))
    with workspace.database.session() as session:
        session.connection().execute(
            sa.text("UPDATE indicator_value SET commentary = 'Edited', version = version + 1")
        )
    before = snapshot(workspace)
    with pytest.raises(ImportConflictError, match="preview it again"):
        apply_import(workspace=workspace, preview=planned)
    assert snapshot(workspace) == before


def test_an_indicator_created_since_the_preview_fails_the_whole_import(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [NATIVE_HEADERS, new_indicator("A", "Q1 2017/18", "1")])
    planned = preview(workspace, path)
    apply_import(workspace=workspace, preview=preview(workspace, path))  # someone else, first
    before = snapshot(workspace)
    with pytest.raises(ImportConflictError):
        apply_import(workspace=workspace, preview=planned)
    assert snapshot(workspace) == before


def test_the_import_is_audited(workspace: Workspace, tmp_path: Path) -> None:
    planned = preview(workspace, _populated(workspace, tmp_path))
    result = apply_import(workspace=workspace, preview=planned)
    with workspace.database.session() as session:
        entries = (
            session.connection()
            .execute(
                sa.text(
                    "SELECT who, table_name, row_id, change, details FROM audit_entry "
                    "WHERE id >= :id ORDER BY id"
                ),
                {"id": result.audit_id},
            )
            .all()
        )
    summary, *per_indicator = entries
    assert summary[:4] == ("Ann Analyst", "indicator_value", 0, "import")
    details = json.loads(summary[4])
    assert details["counts"] == {"new": 2, "updated": 1, "unchanged": 0, "errors": 0}
    assert details["indicators_created"] == ["B"]
    assert details["file"].endswith("second.csv")
    by_ref = {json.loads(entry[4])["ref"]: json.loads(entry[4]) for entry in per_indicator}
    assert by_ref["A"]["updated"] == ["Q1 2017/18"]
    assert by_ref["A"]["new"] == ["Q2 2017/18"]
    assert by_ref["B"]["created"] is True
    assert {entry[1] for entry in per_indicator} == {"indicator"}
    assert result.created_indicators == ("B",)
    assert len(result.indicator_ids) == 2


def test_text_survives_the_import(workspace: Workspace, tmp_path: Path) -> None:
    odd = 'Élan & <Ørsted> "quotes" Ж 😀 \u0645\u0631\u062d\u0628\u0627'
    path = write_csv(
        tmp_path / "odd.csv",
        [
            NATIVE_HEADERS,
            new_indicator("Ж-1", "Q1 2017/18", "1", commentary=odd, indicator_name=odd, theme=odd),
        ],
        encoding="utf-8-sig",
    )
    apply_import(workspace=workspace, preview=preview(workspace, path))
    indicator = stored_indicator(workspace, "Ж-1")
    assert indicator is not None
    assert (indicator["name"], indicator["theme"]) == (odd, odd)
    assert stored_values(workspace, "Ж-1")[0]["commentary"] == odd


# ---------------------------------------------------------------- layouts through a mapping


def test_a_wide_file_with_a_column_per_period(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "wide.csv",
        [
            ["Ref", "Name", "2016/17 Q4", "Q1 2017/18", "This quarter", "Target", "Notes"],
            ["A", "Alpha", "5", "", "7", "8", "Behind"],
            ["B", "Beta", "", "", "n/a", "", ""],
        ],
    )
    mapping = ColumnMapping(
        name="Wide",
        columns={
            NativeField.INDICATOR_REF: "ref",
            NativeField.INDICATOR_NAME: "name",
            NativeField.TARGET: "target",
            NativeField.COMMENTARY: "notes",
        },
        value_columns=(
            ValueColumn(column="2016/17 Q4", period=Quarter(2016, 4)),
            ValueColumn(column="Q1 2017/18", offset=-1),
            ValueColumn(column="This quarter", row_fields=True),
        ),
        defaults=IndicatorSettings(
            theme="Live Well", unit=Unit.COUNT, polarity=Polarity.HIGHER_IS_BETTER
        ),
    )
    planned = preview(workspace, path, mapping, period="Q2 2017/18")
    assert not planned.has_errors, planned.issues
    got = [
        (row.source_row, row.indicator_ref, row.period_label, dict(row.values))
        for row in planned.rows
    ]
    assert got == [
        (2, "A", "Q4 2016/17", {"value": 5.0, "status_symbol": None, "provisional": False}),
        (
            2,
            "A",
            "Q2 2017/18",
            {
                "value": 7.0,
                "target": 8.0,
                "status_symbol": None,
                "provisional": False,
                "commentary": "Behind",
            },
        ),
        (
            3,
            "B",
            "Q2 2017/18",
            {
                "value": None,
                "target": None,
                "status_symbol": "x",
                "provisional": False,
                "commentary": "",
            },
        ),
    ]


def test_a_wide_row_with_a_bad_ref_is_one_error_row(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", [["ref", "now", "before"], ["", "1", "abc"]])
    mapping = ColumnMapping(
        columns={NativeField.INDICATOR_REF: "ref"},
        value_columns=(ValueColumn("now", row_fields=True), ValueColumn("before", offset=-1)),
    )
    planned = preview(workspace, path, mapping, period="Q1 2017/18")
    assert len(planned.rows) == 1
    assert issue_texts(planned) == [
        "row 2, column ref: no indicator ref.",
        "row 2, column before: 'abc' is not a number.",
    ]


def test_a_comparator_table(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "comparators.csv",
        [
            ["area", "when", "figure"],
            ["E1", "2021-07", "10"],
            ["ENG", "2021-07", "20"],
            ["N1", "2021-07", "1.5"],
            ["N2", "2021-07", "2"],
            ["N3", "2021-07", "x"],  # suppressed: left out of the mean
            ["N4", "2021-07", "7"],  # not a named neighbour: not read
            ["ENG", "2021-10", "21"],  # no local row for this period
        ],
    )
    mapping = ColumnMapping(
        columns={NativeField.PERIOD: "when", NativeField.VALUE: "figure"},
        constants={NativeField.INDICATOR_REF: "EV"},
        period_format=PeriodFormat.MONTH_AFTER_QUARTER,
        comparator_rows=ComparatorRows(
            area_column="area",
            local=("E1",),
            england=("ENG",),
            statistical_neighbours=("N1", "N2", "N3"),
        ),
        defaults=IndicatorSettings(
            name="EV", theme="Climate", unit=Unit.COUNT, polarity=Polarity.HIGHER_IS_BETTER
        ),
    )
    planned = preview(workspace, path, mapping)
    first, missing = planned.rows
    assert (first.source_row, first.period, dict(first.values)) == (
        2,
        Quarter(2021, 1),
        {
            "value": 10.0,
            "status_symbol": None,
            "provisional": False,
            "england": 20.0,
            "statistical_neighbours": 1.75,
        },
    )
    assert [str(issue) for issue in missing.issues] == [
        (
            "row 8, column area: there is no row for the local area (E1) for EV Q2 2021/22, "
            "only comparators."
        )
    ]
    assert "1 rows for areas the mapping does not name were not imported." in planned.notes


@pytest.mark.parametrize(
    ("period_format", "text", "expected"),
    [
        (PeriodFormat.MONTH, "2021-07", Quarter(2021, 2)),
        (PeriodFormat.MONTH, "2022-03-31", Quarter(2021, 4)),
        (PeriodFormat.MONTH_AFTER_QUARTER, "2021-07", Quarter(2021, 1)),
        (PeriodFormat.MONTH_AFTER_QUARTER, "2024-04", Quarter(2023, 4)),
        (PeriodFormat.MONTH_AFTER_QUARTER, "2022-01", Quarter(2021, 3)),
    ],
)
def test_month_period_formats(period_format: PeriodFormat, text: str, expected: Quarter) -> None:
    from qpmr_desktop.services.import_rows import parse_period

    assert parse_period(text, period_format) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-08", "the month must be January, April, July or October"),
        ("July 2021", "expected a month such as 2021-07"),
        ("2021-13", "expected a month such as 2021-07"),
    ],
)
def test_bad_months(text: str, message: str) -> None:
    from qpmr_desktop.domain.periods import PeriodError
    from qpmr_desktop.services.import_rows import parse_period

    with pytest.raises(PeriodError, match=message):
        parse_period(text, PeriodFormat.MONTH_AFTER_QUARTER)


# ---------------------------------------------------------------- a large file


@pytest.mark.slow
def test_a_100000_row_file_imports(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = [",".join(NATIVE_HEADERS)]
    for number in range(2_500):  # 2,500 indicators x 40 quarters
        for quarter in range(40):
            year = 2000 + quarter // 4
            lines.append(
                f"IND-{number},Q{quarter % 4 + 1} {year}/{(year + 1) % 100:02d},{quarter}.5,50,"
                f",,,,,,,Indicator {number},Theme {number % 7},percentage,higher is better"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    planned = preview(workspace, path)
    assert planned.counts.as_dict() == {"new": 100_000, "updated": 0, "unchanged": 0, "errors": 0}
    result = apply_import(workspace=workspace, preview=planned)
    assert (result.inserted, len(result.created_indicators)) == (100_000, 2_500)
    with workspace.database.session() as session:
        count = (
            session.connection().execute(sa.text("SELECT count(*) FROM indicator_value")).scalar()
        )
    assert count == 100_000


# ---------------------------------------------------------------- faster, the same result

# Cells of every kind a long row can hold: figures plain and not, symbols,
# words, periods good and bad, blanks and padding.
_CELLS = (
    "",
    " ",
    "1875",
    "62.5",
    "62.5%",
    "£1.2m",
    "1,875",
    "0.000",
    "-3",
    "n/a",
    "x",
    "[c]",
    "7.1 [r]",
    "abc",
    "Q1 2017/18",
    "Q5 2017/18",
    "2017/18 Q2",
    "p",
    "final",
    "zz",
    "count",
    "weird",
    "higher is better",
    "A",
    "  B ",
    "Note.",
)
_MAPPINGS = (
    ColumnMapping(
        columns={
            NativeField(header): header.upper() for header in NATIVE_HEADERS
        },  # every native column
    ),
    ColumnMapping(  # a constant period, value maps and some fields not mapped
        columns={
            NativeField.INDICATOR_REF: "INDICATOR_REF",
            NativeField.VALUE: "VALUE",
            NativeField.TARGET: "TARGET",
            NativeField.STATUS: "STATUS",
            NativeField.UNIT: "UNIT",
        },
        constants={NativeField.PERIOD: "Q3 2017/18", NativeField.THEME: "Live Well"},
        value_maps={
            NativeField.VALUE: {"abc": "12", "x": "n/a"},
            NativeField.STATUS: {"zz": "p"},
            NativeField.UNIT: {"weird": "count"},
        },
    ),
)


def _cell_rows(*, max_rows: int) -> st.SearchStrategy[list[list[str]]]:
    """Up to ``max_rows`` rows of _CELLS, some shorter or longer than the headers."""
    return st.lists(
        st.lists(st.sampled_from(_CELLS), max_size=len(NATIVE_HEADERS) + 2),
        min_size=1,
        max_size=max_rows,
    )


def _table_of(cell_rows: list[list[str]]) -> SourceTable:
    """A CSV table with the native headers (in capitals) over ``cell_rows``."""
    return SourceTable(
        path=Path("rows.csv"),
        kind=FileKind.CSV,
        headers=tuple(header.upper() for header in NATIVE_HEADERS),
        rows=tuple(
            SourceRow(number=number, cells=tuple(cells))
            for number, cells in enumerate(cell_rows, start=2)
        ),
    )


def _long_row_through_the_general_reader(
    row: SourceRow, layout: import_rows._Layout
) -> import_rows.Candidate:
    """A long row read as before it had a loop of its own: the reference."""
    reader = import_rows._RowReader(row, layout)
    ref = reader.ref()
    period = reader.period()
    source, text = reader.text(NativeField.VALUE)
    values = reader.figures(None if source is None else (source, text), row_fields=True)
    attributes = reader.attributes()
    candidate = reader.candidate(ref, period, values)
    candidate.attributes = attributes
    return candidate


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_MAPPINGS), _cell_rows(max_rows=4))
def test_long_rows_are_read_as_the_general_reader_reads_them(
    mapping: ColumnMapping, cell_rows: list[list[str]]
) -> None:
    table = _table_of(cell_rows)
    fast, _, _ = import_rows._resolve(table, mapping, None)
    general, _, _ = import_rows._resolve(table, mapping, None)
    assert fast is not None
    assert general is not None

    candidates = import_rows._read_long_rows(table.rows, fast)
    expected = [_long_row_through_the_general_reader(row, general) for row in table.rows]

    assert candidates == expected
    for candidate, reference in zip(candidates, expected, strict=True):
        assert list(candidate.values) == list(reference.values)  # the order changes are listed in


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_MAPPINGS), _cell_rows(max_rows=5))
def test_rows_said_to_have_distinct_keys_have_no_duplicate(
    mapping: ColumnMapping, cell_rows: list[list[str]]
) -> None:
    # read_candidates skips the duplicate search when the columns say every
    # (ref, period) is distinct: the search must then find nothing.
    table = _table_of(cell_rows)
    layout, _, _ = import_rows._resolve(table, mapping, None)
    assert layout is not None
    columns = import_rows._LongColumns(table.rows, layout)
    candidates = columns.candidates()
    issues_before = [list(candidate.issues) for candidate in candidates]

    import_rows._mark_duplicates(candidates)

    found_duplicates = [list(candidate.issues) for candidate in candidates] != issues_before
    if columns.keys_are_distinct():
        assert not found_duplicates
    assert import_rows.read_candidates(table, mapping, period=None).candidates == candidates


def test_every_audit_entry_of_an_import_has_the_same_time(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The per-indicator entries are written on the driver with the time
    # converted once; it must be stored exactly as SQLAlchemy stores the first.
    planned = preview(workspace, _populated(workspace, tmp_path))
    result = apply_import(workspace=workspace, preview=planned)
    with workspace.database.session() as session:
        stored = session.connection().execute(
            sa.text("SELECT DISTINCT at FROM audit_entry WHERE id >= :id"), {"id": result.audit_id}
        )
        times = session.exec(
            select(AuditEntry.at).where(col(AuditEntry.id) >= result.audit_id)
        ).all()
    assert len(stored.all()) == 1
    assert len(set(times)) == 1
    assert times[0].tzinfo is not None


@pytest.mark.parametrize("enabled", [True, False])
def test_preview_and_apply_leave_garbage_collection_as_they_found_it(
    workspace: Workspace, tmp_path: Path, enabled: bool
) -> None:
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        planned = preview(workspace, _populated(workspace, tmp_path))
        assert gc.isenabled() is enabled
        apply_import(workspace=workspace, preview=planned)
        assert gc.isenabled() is enabled
        broken = replace(planned, file_issues=(ImportIssue(None, None, "broken."),))
        with pytest.raises(ImportRefusedError):  # a failure too
            apply_import(workspace=workspace, preview=broken)
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_planned_and_source_rows_are_whole_named_tuples(
    workspace: Workspace, tmp_path: Path
) -> None:
    # Both are made by tuple.__new__ for speed, which does not check the
    # number of fields: a field added to the class must be given everywhere.
    path = _populated(workspace, tmp_path)
    with path.open("a", encoding="utf-8") as file:
        file.write("A,Q5 2017/18,1\nA,Q2 2017/18,2\n")  # a bad period, and a duplicate
    planned = preview(workspace, path)
    assert {row.status for row in planned.rows} == set(RowStatus) - {RowStatus.UNCHANGED}
    unchanged = preview(workspace, tmp_path / "first.csv")  # applied by _populated
    assert {row.status for row in unchanged.rows} == {RowStatus.UNCHANGED}
    for row in (*planned.rows, *unchanged.rows):
        assert type(row) is PlannedRow
        assert len(row) == len(PlannedRow._fields)
        assert row == PlannedRow(*row)
    for source_row in planned.table.rows:
        assert type(source_row) is SourceRow
        assert len(source_row) == len(SourceRow._fields)


def test_field_values_read_as_a_mapping_of_the_row() -> None:
    names = ("value", "commentary", "provisional")
    values = import_rows.FieldValues(names, (1875.0, "Highest <ever> & rising 📈", False))

    assert values == {
        "value": 1875.0,
        "commentary": "Highest <ever> & rising 📈",
        "provisional": False,
    }
    assert list(values) == list(names)
    assert len(values) == 3
    assert values["commentary"] == "Highest <ever> & rising 📈"
    with pytest.raises(KeyError):
        values["target"]
    assert import_rows.names_and_figures(values) == (
        names,
        (1875.0, "Highest <ever> & rising 📈", False),
    )
    assert import_rows.names_and_figures(dict(values)) == import_rows.names_and_figures(values)
