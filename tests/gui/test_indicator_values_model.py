"""The values grid's model and delegates, over a copy of the demo database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QUndoStack, QValidator
from PySide6.QtWidgets import QLineEdit, QStyleOptionViewItem, QTableView, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.domain.value_parsing import ValueParseError
from qpmr_desktop.services.indicators import get_indicator_detail, list_indicator_rows
from qpmr_desktop.services.read_models import IndicatorDetail
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.indicator_commands import IndicatorEditor
from qpmr_desktop.ui.indicator_values_model import IndicatorValuesModel
from qpmr_desktop.ui.value_delegates import (
    FigureDelegate,
    FigureValidator,
    StatusDelegate,
    ValuesRole,
    edit_text,
    parse_figure,
    status_text,
)
from tests.gui.conftest import ModelChecker

Display = Qt.ItemDataRole.DisplayRole
Edit = Qt.ItemDataRole.EditRole
Q1 = Quarter(2017, 1)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


def indicator(workspace: Workspace, ref: str) -> IndicatorDetail:
    row = next(row for row in list_indicator_rows(workspace=workspace) if row.ref == ref)
    return get_indicator_detail(workspace=workspace, indicator_id=row.id)


class Grid:
    """The model, kept in step with the database as the tab keeps it."""

    def __init__(self, workspace: Workspace, stack: QUndoStack, ref: str) -> None:
        self.workspace = workspace
        self.editor = IndicatorEditor()
        self.editor.set_workspace(workspace)
        self.model = IndicatorValuesModel(self.editor, stack)
        self.ident = indicator(workspace, ref).id
        self.refusals: list[str] = []
        self.warnings: list[str] = []
        self.model.edit_refused.connect(self.refusals.append)
        self.model.edit_warned.connect(self.warnings.append)
        stack.indexChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.model.set_detail(
            get_indicator_detail(workspace=self.workspace, indicator_id=self.ident)
        )

    def detail(self) -> IndicatorDetail:
        return get_indicator_detail(workspace=self.workspace, indicator_id=self.ident)

    def index(self, period: Quarter, key: str) -> QModelIndex:
        row = self.model.row_of_period(period)
        assert row is not None
        return self.model.index(row, self.model.column_of(key))

    def new_index(self, key: str) -> QModelIndex:
        return self.model.index(self.model.rowCount() - 1, self.model.column_of(key))

    def cell(self, period: Quarter, key: str, role: int = Display) -> object:
        return self.model.data(self.index(period, key), role)


@pytest.fixture
def grid(workspace: Workspace, stack: QUndoStack) -> Grid:
    return Grid(workspace, stack, "CLA-01")


# ------------------------------------------------------------------ the model


def test_the_model_passes_the_model_tester_before_and_after_edits(
    qtmodeltester: ModelChecker, grid: Grid, stack: QUndoStack
) -> None:
    qtmodeltester.check(grid.model)
    assert grid.model.setData(grid.index(Q1, "value"), "1,900")
    qtmodeltester.check(grid.model)
    assert grid.model.setData(grid.new_index("value"), "1,950")  # adds a row
    qtmodeltester.check(grid.model)
    stack.undo()
    stack.undo()
    qtmodeltester.check(grid.model)
    grid.model.set_detail(None)
    qtmodeltester.check(grid.model)


def test_rows_are_the_periods_oldest_first_then_the_next_quarter(grid: Grid) -> None:
    model = grid.model
    detail = grid.detail()
    assert model.rowCount() == len(detail.values) + 1
    assert model.period_at(0) == detail.values[0].period
    assert model.is_new_row(model.rowCount() - 1)
    assert model.data(grid.new_index("period")) == "Q2 2017/18 (new)"
    assert model.data(grid.new_index("value")) == ""


def test_cells_show_figures_by_unit_and_edit_in_full(grid: Grid) -> None:
    assert grid.cell(Q1, "period") == "Q1 2017/18"
    assert grid.cell(Q1, "value") == "1,875"
    assert grid.cell(Q1, "value", Edit) == "1,875"
    assert grid.cell(Q1, "target") == "1,700"
    assert grid.cell(Q1, "rag") == "▲ Red"
    assert grid.cell(Q1, "direction") == "Worsening"
    assert "vs Q4 2016/17" in str(grid.cell(Q1, "direction", Qt.ItemDataRole.ToolTipRole))
    assert "1,875 is 175 above" in str(grid.cell(Q1, "rag", Qt.ItemDataRole.ToolTipRole))
    assert isinstance(grid.cell(Q1, "rag", Qt.ItemDataRole.ForegroundRole), QColor)
    assert grid.cell(Q1, "value", ValuesRole.UNIT) is Unit.COUNT
    assert grid.cell(Q1, "value", ValuesRole.FIELD) == "value"
    assert grid.cell(Q1, "provisional", Qt.ItemDataRole.CheckStateRole) in (
        Qt.CheckState.Checked,
        Qt.CheckState.Unchecked,
    )


def test_derived_columns_are_read_only_and_figures_editable(grid: Grid) -> None:
    flags = grid.model.flags
    assert not flags(grid.index(Q1, "rag")) & Qt.ItemFlag.ItemIsEditable
    assert not flags(grid.index(Q1, "direction")) & Qt.ItemFlag.ItemIsEditable
    assert not flags(grid.index(Q1, "period")) & Qt.ItemFlag.ItemIsEditable
    assert flags(grid.new_index("period")) & Qt.ItemFlag.ItemIsEditable
    assert flags(grid.index(Q1, "value")) & Qt.ItemFlag.ItemIsEditable
    assert flags(grid.index(Q1, "provisional")) & Qt.ItemFlag.ItemIsUserCheckable


def test_a_target_from_the_year_is_marked(workspace: Workspace, stack: QUndoStack) -> None:
    grid = Grid(workspace, stack, "CLA-01")
    assert grid.model.setData(grid.index(Q1, "target"), "")  # back to the year's (none)
    from qpmr_desktop.services.indicator_editing import set_indicator_target

    set_indicator_target(
        workspace=workspace,
        indicator_id=grid.ident,
        year=2017,
        changes={"target": 1800.0},
        expected_version=None,
    )
    grid.reload()
    assert grid.cell(Q1, "target") == "1,800"
    font = grid.cell(Q1, "target", Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.italic()
    assert "2017/18 target for the year" in str(
        grid.cell(Q1, "target", Qt.ItemDataRole.ToolTipRole)
    )
    assert grid.cell(Q1, "target", Edit) == ""  # the quarter has no target of its own


def test_set_data_pushes_an_undo_command_and_never_writes_by_itself(
    grid: Grid, stack: QUndoStack
) -> None:
    assert grid.model.setData(grid.index(Q1, "value"), "1,900")
    assert stack.count() == 1
    assert stack.undoText() == "Change Q1 2017/18 value of CLA-01"
    assert grid.cell(Q1, "value") == "1,900"
    stack.undo()
    assert grid.cell(Q1, "value") == "1,875"
    stack.redo()
    assert grid.cell(Q1, "value") == "1,900"


def test_the_same_figure_again_is_no_undo_step(grid: Grid, stack: QUndoStack) -> None:
    assert grid.model.setData(grid.index(Q1, "value"), "1875")
    assert stack.count() == 0


def test_repeated_edits_of_a_cell_merge(grid: Grid, stack: QUndoStack) -> None:
    for text in ("1,900", "1,910", "1,920"):
        assert grid.model.setData(grid.index(Q1, "value"), text)
    assert stack.count() == 1
    stack.undo()
    assert grid.cell(Q1, "value") == "1,875"


def test_bad_text_is_refused_with_a_reason_and_the_old_value_stays(
    grid: Grid, stack: QUndoStack
) -> None:
    assert not grid.model.setData(grid.index(Q1, "value"), "about 60")
    assert not grid.model.setData(grid.index(Q1, "value"), "62.5%")  # CLA-01 is a count
    assert stack.count() == 0
    assert grid.cell(Q1, "value") == "1,875"
    assert "'about 60' is not a number" in grid.refusals[0]
    assert "is a percentage, but this indicator is a count" in grid.refusals[1]


def test_a_change_the_service_refuses_is_explained(grid: Grid, stack: QUndoStack) -> None:
    assert not grid.model.setData(grid.index(Q1, "denominator"), "0")
    assert stack.count() == 0
    assert "The denominator must be more than 0." in grid.refusals[0]


def test_a_symbol_typed_as_the_value_sets_the_status(grid: Grid) -> None:
    assert grid.model.setData(grid.index(Q1, "value"), "1,880p")
    assert grid.cell(Q1, "status") == "p — provisional"
    assert grid.model.setData(grid.index(Q1, "value"), "x")
    assert grid.cell(Q1, "value") == ""
    assert grid.cell(Q1, "status") == "x — not available"


def test_status_and_provisional_edit_through_their_roles(grid: Grid, stack: QUndoStack) -> None:
    assert grid.model.setData(grid.index(Q1, "status"), "r")
    assert grid.cell(Q1, "status", Edit) == "r"
    assert grid.model.setData(
        grid.index(Q1, "provisional"), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    assert grid.cell(Q1, "provisional", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert stack.count() == 2


def test_typing_a_figure_in_the_new_row_adds_the_period(grid: Grid, stack: QUndoStack) -> None:
    rows = grid.model.rowCount()
    assert grid.model.setData(grid.new_index("value"), "1,950")
    assert grid.model.rowCount() == rows + 1
    assert grid.cell(Quarter(2017, 2), "value") == "1,950"
    assert grid.model.data(grid.new_index("period")) == "Q3 2017/18 (new)"
    stack.undo()
    assert grid.model.rowCount() == rows


def test_the_new_row_can_be_given_another_quarter(grid: Grid) -> None:
    assert grid.model.setData(grid.new_index("period"), "Q4 2017/18")
    assert grid.model.data(grid.new_index("period")) == "Q4 2017/18 (new)"
    assert not grid.model.setData(grid.new_index("period"), "Q1 2017/18")  # has a row
    assert not grid.model.setData(grid.new_index("period"), "Q5 2017/18")
    assert grid.model.setData(grid.new_index("value"), "2,000")
    assert grid.cell(Quarter(2017, 4), "value") == "2,000"


def test_a_pasted_block_is_one_undo_step(grid: Grid, stack: QUndoStack) -> None:
    rows = grid.model.rowCount()
    start = grid.index(Q1, "value")
    assert grid.model.paste_text(start, "1,900\t1,800\r\n1,950\t1,820\r\n")
    assert stack.count() == 1
    assert stack.undoText() == "Paste 4 cells into CLA-01"
    assert grid.cell(Q1, "value") == "1,900"
    assert grid.cell(Q1, "target") == "1,800"
    assert grid.cell(Quarter(2017, 2), "value") == "1,950"  # past the end: the next quarter
    assert grid.model.rowCount() == rows + 1
    stack.undo()
    assert grid.cell(Q1, "value") == "1,875"
    assert grid.model.rowCount() == rows
    stack.redo()
    assert grid.cell(Quarter(2017, 2), "target") == "1,820"


def test_a_block_with_a_bad_cell_is_not_pasted_at_all(grid: Grid, stack: QUndoStack) -> None:
    assert not grid.model.paste_text(grid.index(Q1, "value"), "1,900\n1,9x0\n")
    assert stack.count() == 0
    assert grid.cell(Q1, "value") == "1,875"
    assert grid.refusals[-1].startswith("Row 2, Value: '1,9x0' is not a number")
    assert grid.refusals[-1].endswith("Nothing was pasted.")


def test_pasting_over_derived_columns_skips_them(grid: Grid) -> None:
    start = grid.index(Q1, "target")
    assert grid.model.paste_text(start, "1,800\t▲ Red\tWorsening\t1,000\n")
    assert grid.cell(Q1, "target") == "1,800"
    assert grid.cell(Q1, "england") == "1,000"


def test_clearing_cells_is_one_undo_step(grid: Grid, stack: QUndoStack) -> None:
    cells = [grid.index(Q1, "value"), grid.index(Q1, "commentary"), grid.index(Q1, "rag")]
    assert grid.model.clear_cells(cells)
    assert grid.cell(Q1, "value") == ""
    assert grid.cell(Q1, "commentary") == ""
    assert stack.count() == 1
    stack.undo()
    assert grid.cell(Q1, "value") == "1,875"


def test_copy_gives_tab_separated_text_in_full(grid: Grid) -> None:
    text = grid.model.copy_text([grid.index(Q1, "period"), grid.index(Q1, "value")])
    assert text == "Q1 2017/18\t1,875\n"


def test_hostile_commentary_survives_verbatim(grid: Grid) -> None:
    hostile = '<b>&"😀 Żółć Ωμέγα'
    assert grid.model.commit_commentary(Q1, hostile)
    assert grid.cell(Q1, "commentary") == hostile
    assert next(v for v in grid.detail().values if v.period == Q1).commentary == hostile


def test_a_percentage_indicator_reads_and_warns(workspace: Workspace, stack: QUndoStack) -> None:
    grid = Grid(workspace, stack, "CLV-01")
    period = grid.model.period_at(grid.model.rowCount() - 2)
    assert grid.model.setData(grid.index(period, "value"), "62.5%")
    assert grid.cell(period, "value") == "62.5%"
    assert grid.cell(period, "value", Edit) == "62.5%"
    assert grid.model.setData(grid.index(period, "value"), "120")
    assert "outside 0–100%" in grid.warnings[-1]


# ------------------------------------------------------------------ parsing and delegates


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1,875", Unit.COUNT, 1875.0),
        ("62.5%", Unit.PERCENTAGE, 62.5),
        ("62.5", Unit.PERCENTAGE, 62.5),
        ("£1.2m", Unit.POUNDS, 1_200_000.0),
        ("159.4 per 10,000", Unit.RATE_PER_10000, 159.4),
        ("12 days", Unit.DAYS, 12.0),
        ("", Unit.COUNT, None),
    ],
)
def test_parse_figure_reads_figures_in_their_unit(
    text: str, unit: Unit, value: float | None
) -> None:
    assert parse_figure(text, unit).value == value


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("about 60", Unit.COUNT, "'about 60' is not a number"),
        ("62.5%", Unit.COUNT, "is a percentage, but this indicator is a count"),
        ("£5", Unit.PERCENTAGE, "is an amount in pounds"),
        ("5 per 1,000", Unit.RATE_PER_10000, "is a rate per 1,000"),
        ("1,87", Unit.COUNT, "is not a number"),
    ],
)
def test_parse_figure_refuses_with_a_reason(text: str, unit: Unit, message: str) -> None:
    with pytest.raises(ValueParseError, match=message):
        parse_figure(text, unit)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1875.0, Unit.COUNT, "1,875"),
        (62.5, Unit.PERCENTAGE, "62.5%"),
        (1_234_567.0, Unit.POUNDS, "£1,234,567"),
        (-1200.5, Unit.POUNDS, "-£1,200.5"),
        (159.4, Unit.RATE_PER_10000, "159.4"),
        (None, Unit.COUNT, ""),
    ],
)
def test_edit_text_reads_back_as_the_same_number(
    value: float | None, unit: Unit, text: str
) -> None:
    assert edit_text(value, unit) == text
    assert parse_figure(text, unit).value == value


def test_status_text_says_the_symbol_in_words() -> None:
    assert status_text("c") == "c — confidential"
    assert status_text(None) == ""


def test_the_figure_validator_never_blocks_typing_but_refuses_to_commit() -> None:
    validator = FigureValidator(Unit.POUNDS)
    assert validator.validate("£1.2m", 0)[0] == QValidator.State.Acceptable
    assert validator.validate("£1.", 0)[0] == QValidator.State.Intermediate
    assert validator.validate("abc", 0)[0] == QValidator.State.Intermediate
    assert validator.problem("abc") is not None


def test_the_figure_delegate_edits_in_the_unit_and_refuses_bad_text(
    qtbot: QtBot, grid: Grid, stack: QUndoStack
) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(grid.model)
    delegate = FigureDelegate(view)
    refused: list[str] = []
    delegate.input_refused.connect(refused.append)
    index = grid.index(Q1, "value")
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QLineEdit)
    delegate.setEditorData(editor, index)
    assert editor.text() == "1,875"
    assert not editor.hasAcceptableInput() or editor.text() == "1,875"

    editor.setText("nonsense")
    assert not editor.hasAcceptableInput()
    delegate.setModelData(editor, grid.model, index)
    assert stack.count() == 0  # the old value stays
    assert "'nonsense' is not a number" in refused[-1]

    editor.setText("1,900")
    delegate.setModelData(editor, grid.model, index)
    assert stack.count() == 1
    assert grid.cell(Q1, "value") == "1,900"


def test_the_status_delegate_offers_every_symbol_in_words(qtbot: QtBot, grid: Grid) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    delegate = StatusDelegate(parent)
    index = grid.index(Q1, "status")
    combo = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    texts = [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]
    assert texts[0] == "none"
    assert "p — provisional" in texts
    assert "low — rounds to zero" in texts
    combo.setCurrentIndex(texts.index("c — confidential"))  # type: ignore[attr-defined]
    delegate.setModelData(combo, grid.model, index)
    assert grid.cell(Q1, "status") == "c — confidential"
