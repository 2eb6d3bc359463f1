"""Export and Import Update Forms…, end to end on a copy of the demo database.

Forms are exported to a temporary folder, filled in with openpyxl as an
officer would (like Excel, it keeps the sheet protection), previewed in the
dialog and applied; the service state is checked after each step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.services.action_editing import record_action_update
from qpmr_desktop.services.actions import get_action_detail, list_action_rows
from qpmr_desktop.services.settings import ACTIONS_AS_AT, get_setting
from qpmr_desktop.services.update_forms import COLUMN_NUMBERS, FIRST_ROW, FORM_SHEET, file_name_for
from qpmr_desktop.services.update_forms_import import RowOutcome
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.settings import UPDATE_FORMS_EXPORT_FOLDER_KEY, Preferences
from qpmr_desktop.ui.update_forms_dialogs import (
    ExportUpdateFormsDialog,
    ImportUpdateFormsDialog,
    change_text,
    outcome_text,
)
from tests.gui.conftest import ModelChecker

AS_AT = dt.date(2017, 12, 1)
ISSUED = dt.datetime(2017, 12, 1, 9, 30, tzinfo=dt.UTC)
JOANNE = "Joanne Heaton"
TWELVE_WEEK = "12-Week Improvement Plan"
TIMEOUT_MS = 20000
HOSTILE = '=SUM(A1) <b>bold</b> & "quoted" 😀 Żółć\nsecond line'


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="Pat Performance")
    # The demo judges its 2017 plans as at 1 Dec 2017 (resources/demo/meeting.toml).
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) == AS_AT
    yield workspace
    workspace.close()


@pytest.fixture
def forms(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> Path:
    """Every officer's form, exported through the dialog into ``tmp_path / "forms"``."""
    folder = tmp_path / "forms"
    folder.mkdir()
    dialog = ExportUpdateFormsDialog(workspace, preferences=Preferences(), clock=lambda: ISSUED)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.export_button.click()
    assert dialog.written is not None
    return folder


def row_of(path: Path, ref: str, plan: str = TWELVE_WEEK) -> int:
    sheet = load_workbook(path)[FORM_SHEET]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        cells = (
            sheet.cell(row=row, column=COLUMN_NUMBERS["plan"]).value,
            sheet.cell(row=row, column=COLUMN_NUMBERS["ref"]).value,
        )
        if cells == (plan, ref):
            return row
    raise AssertionError(f"{plan} {ref} is not on {path.name}")


def fill(path: Path, edits: Mapping[int, Mapping[str, object]]) -> None:
    """Type ``{row: {column key: value}}`` into the form as an officer would, and save it."""
    workbook = load_workbook(path)
    sheet = workbook[FORM_SHEET]
    for row, cells in edits.items():
        for key, value in cells.items():
            cell = sheet.cell(row=row, column=COLUMN_NUMBERS[key])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    workbook.save(path)


def action_named(workspace: Workspace, ref: str, plan: str = TWELVE_WEEK) -> int:
    for row in list_action_rows(workspace=workspace, today=AS_AT):
        if (row.plan, row.ref) == (plan, ref):
            return row.id
    raise AssertionError(f"no action {plan} {ref}")


def import_dialog(qtbot: QtBot, workspace: Workspace, *paths: Path) -> ImportUpdateFormsDialog:
    dialog = ImportUpdateFormsDialog(workspace, paths=paths, preferences=Preferences())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=TIMEOUT_MS)
    return dialog


def test_export_writes_one_form_per_officer_and_remembers_the_folder(
    forms: Path, workspace: Workspace
) -> None:
    names = sorted(path.name for path in forms.iterdir())
    assert file_name_for(JOANNE) in names
    assert len(names) == 6
    assert Preferences().text(UPDATE_FORMS_EXPORT_FOLDER_KEY) == str(forms)


def test_export_for_one_lead_and_the_report_in_words(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    dialog = ExportUpdateFormsDialog(workspace, preferences=Preferences(), clock=lambda: ISSUED)
    qtbot.addWidget(dialog)
    labels = [dialog.lead_combo.itemText(n) for n in range(dialog.lead_combo.count())]
    assert labels[0] == "Every officer with open actions"
    assert "Mark Threlfall (2 open actions)" in labels
    dialog.lead_combo.setCurrentIndex(dialog.lead_combo.findData("Mark Threlfall"))
    dialog.folder_edit.setText(str(tmp_path))
    written = dialog.export()
    assert written == [tmp_path / file_name_for("Mark Threlfall")]
    assert "Wrote 1 form to" in dialog.result_label.text()
    assert dialog.close_button.text() == "Close"


def test_export_to_a_missing_folder_says_so(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    dialog = ExportUpdateFormsDialog(workspace, preferences=Preferences())
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(tmp_path / "nowhere"))
    assert dialog.export() is None
    assert "There is no folder" in dialog.result_label.text()
    assert dialog.written is None


def test_a_filled_form_previews_the_change_and_applies_it(
    qtbot: QtBot, qtmodeltester: ModelChecker, forms: Path, workspace: Workspace
) -> None:
    path = forms / file_name_for(JOANNE)
    row = row_of(path, "1.2")
    fill(path, {row: {"new_status": "At risk", "new_progress": 65, "update_text": HOSTILE}})
    dialog = import_dialog(qtbot, workspace, path)
    qtmodeltester.check(dialog.rows_model)
    qtmodeltester.check(dialog.rows_proxy)

    lines = [line.row for line in dialog.rows_model.rows()]
    changed = [line for line in lines if line.outcome is RowOutcome.CHANGE]
    assert [(line.ref, line.row) for line in changed] == [("1.2", row)]
    first = dialog.rows_proxy.index(0, 0)
    assert first.data() == "● Change"  # 1.2 is the first row of her form
    change_column = dialog.rows_model.column_of("change")
    shown = [
        dialog.rows_proxy.index(n, change_column).data()
        for n in range(dialog.rows_proxy.rowCount())
    ]
    assert shown[0] == (
        "Status On track → At risk; progress 60% → 65%; “" + " ".join(HOSTILE.split()) + "”"
    )
    assert "1 row to change" in dialog.summary_label.text()
    assert "Joanne Heaton's form, issued 1 Dec 2017 09:30 UTC" in dialog.summary_label.text()
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS) as done:
        dialog.import_button.click()
    result = done.args[0]
    assert result.applied == 1
    qtmodeltester.check(dialog.rows_proxy)
    detail = get_action_detail(
        workspace=workspace, action_id=action_named(workspace, "1.2"), today=AS_AT
    )
    assert (detail.status, detail.progress) == (ActionStatus.AT_RISK, 65)
    assert detail.history[0].who == JOANNE  # the officer, not the person importing
    assert detail.history[0].text == HOSTILE
    assert "Imported 1 update" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.close_button.text() == "Close"
    assert dialog.import_result is result


def test_a_conflict_is_shown_side_by_side_and_never_applied(
    qtbot: QtBot, forms: Path, workspace: Workspace
) -> None:
    path = forms / file_name_for(JOANNE)
    fill(
        path,
        {
            row_of(path, "1.2"): {"new_progress": 70},
            row_of(path, "1.3"): {"update_text": "Protocol drafted"},
        },
    )
    # After the form went out, someone updated 1.2 in the app.
    ident = action_named(workspace, "1.2")
    version = get_action_detail(workspace=workspace, action_id=ident, today=AS_AT).version
    record_action_update(
        workspace=workspace,
        action_id=ident,
        expected_version=version,
        progress=62,
        note="Updated in the meeting",
    )
    dialog = import_dialog(qtbot, workspace, path)
    conflict = next(line for line in dialog.rows_model.rows() if line.row.is_conflict)
    assert outcome_text(conflict.row) == "◆ Conflict"
    assert change_text(conflict.row) == "Progress 60% → 70%"
    dialog.show_combo.setCurrentIndex(dialog.show_combo.findText("Refused and conflicts"))
    assert dialog.rows_proxy.rowCount() == 1
    dialog.table.setCurrentIndex(dialog.rows_proxy.index(0, 0))
    text = dialog.row_detail.toPlainText()
    for expected in (
        "As issued on the form",
        "In the database now",
        "This row asks for",
        "Updated in the meeting",
        "62%",
        "70%",
    ):
        assert expected in text

    # Refused rows block the import until they are skipped on purpose.
    assert not dialog.import_button.isEnabled()
    assert "Skip refused rows" in dialog.import_button.toolTip()
    dialog.skip_check.setChecked(True)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS) as done:
        dialog.import_button.click()
    assert (done.args[0].applied, done.args[0].skipped) == (1, 1)
    kept = get_action_detail(workspace=workspace, action_id=ident, today=AS_AT)
    assert kept.progress == 62  # not overwritten
    other = get_action_detail(
        workspace=workspace, action_id=action_named(workspace, "1.3"), today=AS_AT
    )
    assert other.history[0].text == "Protocol drafted"


def test_a_change_made_between_preview_and_import_is_previewed_again(
    qtbot: QtBot, forms: Path, workspace: Workspace
) -> None:
    path = forms / file_name_for(JOANNE)
    fill(path, {row_of(path, "1.2"): {"new_progress": 70}})
    dialog = import_dialog(qtbot, workspace, path)
    assert dialog.import_button.isEnabled()
    ident = action_named(workspace, "1.2")
    version = get_action_detail(workspace=workspace, action_id=ident, today=AS_AT).version
    record_action_update(
        workspace=workspace, action_id=ident, expected_version=version, note="Meanwhile"
    )
    previous = dialog.preview
    dialog.import_button.click()
    qtbot.waitUntil(
        lambda: dialog.preview is not None and dialog.preview is not previous, timeout=TIMEOUT_MS
    )
    assert "Nothing was imported" in dialog.message_label.text()
    assert dialog.import_result is None
    assert any(line.row.is_conflict for line in dialog.rows_model.rows())
    assert get_action_detail(workspace=workspace, action_id=ident, today=AS_AT).progress == 60


def test_a_file_that_is_not_a_form_is_refused_in_words(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("not a workbook", encoding="utf-8")
    dialog = import_dialog(qtbot, workspace, bogus)
    assert "✖ notes.xlsx: refused" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()


def test_files_are_added_once_and_removed(qtbot: QtBot, forms: Path, workspace: Workspace) -> None:
    path = forms / file_name_for(JOANNE)
    dialog = import_dialog(qtbot, workspace, path, path)
    assert dialog.paths == [path]
    assert dialog.files_list.count() == 1
    dialog.files_list.item(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.paths == []
    assert dialog.rows_model.rowCount() == 0
    assert "Add the update forms" in dialog.summary_label.text()


def test_the_preview_table_sorts_by_raw_values(
    qtbot: QtBot, forms: Path, workspace: Workspace
) -> None:
    paths = sorted(forms.iterdir())
    dialog = import_dialog(qtbot, workspace, *paths)
    row_column = dialog.rows_model.column_of("row")
    dialog.rows_proxy.sort(row_column, Qt.SortOrder.AscendingOrder)
    numbers = [
        (dialog.rows_proxy.index(n, 1).data(), int(dialog.rows_proxy.index(n, row_column).data()))
        for n in range(dialog.rows_proxy.rowCount())
    ]
    assert numbers == sorted(numbers, key=lambda item: (item[0].casefold(), item[1]))
    assert len(numbers) == dialog.rows_model.rowCount() > 6
