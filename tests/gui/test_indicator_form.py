"""The indicator form: problems beside each field as you type, OK only when nothing is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.performance import Polarity, ToleranceKind
from qpmr_desktop.services.indicators import get_indicator_detail, list_indicator_rows
from qpmr_desktop.services.read_models import IndicatorDetail
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.indicator_form import VALIDATION_PAUSE_MS, IndicatorFormDialog


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def cla(workspace: Workspace) -> IndicatorDetail:
    row = next(row for row in list_indicator_rows(workspace=workspace) if row.ref == "CLA-01")
    return get_indicator_detail(workspace=workspace, indicator_id=row.id)


def set_cell(form: IndicatorFormDialog, row: int, column: int, text: str) -> None:
    item = form.targets_table.item(row, column)
    assert item is not None
    item.setText(text)


def new_form(qtbot: QtBot, workspace: Workspace) -> IndicatorFormDialog:
    form = IndicatorFormDialog(workspace=workspace, themes=["Start Well", "Live Well"])
    qtbot.addWidget(form)
    return form


def test_a_blank_form_cannot_be_saved_and_says_what_to_give(
    qtbot: QtBot, workspace: Workspace
) -> None:
    form = new_form(qtbot, workspace)
    assert not form.ok_button.isEnabled()
    assert form.problem_text("ref") == ""  # nothing shouted before anything is typed
    assert "ref, a name and a theme" in form.summary.text()
    assert {p.field for p in form.problems} >= {"ref", "name", "theme"}


def test_problems_show_beside_each_field_as_you_type(qtbot: QtBot, workspace: Workspace) -> None:
    form = new_form(qtbot, workspace)
    QTest.keyClicks(form.ref_edit, "cla-01")  # taken, whatever the capitals
    qtbot.wait(VALIDATION_PAUSE_MS + 100)  # not only on OK: after a pause in typing
    assert "already has this ref" in form.problem_text("ref")
    assert form.problem_text("ref").startswith("✖")
    assert not form.ok_button.isEnabled()

    form.ref_edit.clear()
    QTest.keyClicks(form.ref_edit, "NEW-01")
    QTest.keyClicks(form.name_edit, "A new indicator")
    form.theme_combo.setEditText("start well")  # differs from a theme only in capitals
    form.validate_now()
    assert form.problem_text("ref") == ""
    assert "There is already a theme “Start Well”" in form.problem_text("theme")
    assert not form.ok_button.isEnabled()

    form.theme_combo.setEditText("Start Well")
    form.validate_now()
    assert form.problem_text("theme") == ""
    assert form.ok_button.isEnabled()


def test_warnings_are_shown_but_do_not_stop_saving(qtbot: QtBot, workspace: Workspace) -> None:
    form = new_form(qtbot, workspace)
    form.ref_edit.setText("NEW-01")
    form.name_edit.setText("Context")
    form.theme_combo.setEditText("Live Well")
    form.polarity_combo.setCurrentIndex(form.polarity_combo.findData(Polarity.NO_JUDGEMENT.value))
    QTest.keyClicks(form.tolerance_edit, "5")
    form.validate_now()
    assert form.problem_text("tolerance").startswith("⚠")
    assert "never rated" in form.problem_text("tolerance")
    assert form.ok_button.isEnabled()


def test_a_tolerance_that_is_not_a_number_is_an_error(qtbot: QtBot, workspace: Workspace) -> None:
    form = new_form(qtbot, workspace)
    form.ref_edit.setText("NEW-01")
    form.name_edit.setText("Name")
    form.theme_combo.setEditText("Live Well")
    QTest.keyClicks(form.tolerance_edit, "five")
    form.validate_now()
    assert "'five' is not a number" in form.problem_text("tolerance")
    assert not form.ok_button.isEnabled()
    form.tolerance_edit.setText("150")
    form.tolerance_kind_combo.setCurrentIndex(
        form.tolerance_kind_combo.findData(ToleranceKind.PERCENT.value)
    )
    form.validate_now()
    assert "from 0 to 100" in form.problem_text("tolerance")


def test_editing_starts_from_the_indicator_and_reports_only_changes(
    qtbot: QtBot, workspace: Workspace, cla: IndicatorDetail
) -> None:
    form = IndicatorFormDialog(workspace=workspace, themes=["Start Well"], detail=cla)
    qtbot.addWidget(form)
    assert form.windowTitle() == "Edit Indicator CLA-01"
    assert form.ref_edit.text() == "CLA-01"
    assert form.polarity_combo.currentText() == "Lower is better"  # polarity in words
    assert form.ok_button.isEnabled()
    assert form.indicator_changes() == {}
    form.name_edit.setText('<b>&"😀 Żółć Ωμέγα')
    form.owner_edit.setText(f"  {cla.owner}  ")  # spaces around a single line are no change
    assert form.indicator_changes() == {"name": '<b>&"😀 Żółć Ωμέγα'}


def test_targets_by_year_are_read_checked_and_reported(
    qtbot: QtBot, workspace: Workspace, cla: IndicatorDetail
) -> None:
    form = IndicatorFormDialog(workspace=workspace, themes=["Start Well"], detail=cla)
    qtbot.addWidget(form)
    row = form.add_target_year(2018)
    set_cell(form, row, 1, "1,650")
    set_cell(form, row, 2, "1,600")  # a floor below a lower-is-better target
    form.validate_now()
    assert "⚠ 2018/19" in form.targets_problems.text()
    assert form.ok_button.isEnabled()
    [change] = form.target_changes()
    assert change.year == 2018
    assert change.expected_version is None
    assert change.changes == {"target": 1650.0, "floor": 1600.0}

    set_cell(form, row, 1, "lots")
    form.validate_now()
    assert "✖ 2018/19 target" in form.targets_problems.text()
    assert not form.ok_button.isEnabled()


def test_problem_text_is_plain_never_markup(qtbot: QtBot, workspace: Workspace) -> None:
    form = new_form(qtbot, workspace)
    form.ref_edit.setText("<b>x</b>\t")
    form.validate_now()
    label = form.findChild(type(form.summary), "problem_ref")
    assert label is not None
    assert label.textFormat() == Qt.TextFormat.PlainText
