"""File → Settings…: database settings through the services (audited), and preferences."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage, QUndoStack
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.settings import (
    ACTIONS_AS_AT,
    COUNCIL_LOGO,
    COUNCIL_NAME,
    get_setting,
    list_settings,
    set_setting,
    validate_setting,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.settings import DEFAULT_STANDARD_PHRASES, Preferences, standard_phrases
from qpmr_desktop.ui.settings_dialog import SettingsCommand, SettingsDialog

HOSTILE = '<b>&"é🙂Łódź'


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def dialog(qtbot: QtBot, workspace: Workspace) -> SettingsDialog:
    dialog = SettingsDialog(workspace, preferences=Preferences())
    qtbot.addWidget(dialog)
    return dialog


def version_of(workspace: Workspace, key: str) -> int | None:
    return {row.key: row.version for row in list_settings(workspace=workspace)}[key]


def test_the_dialog_shows_what_the_database_and_preferences_hold(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    assert dialog.council_name_edit.text() == get_setting(workspace=workspace, setting=COUNCIL_NAME)
    assert dialog.council_name_edit.text()  # the demo names its council
    assert dialog.as_at_check.isChecked()  # the demo judges its actions as at 1 Dec 2017
    assert dialog.as_at_edit.date().toPython() == get_setting(
        workspace=workspace, setting=ACTIONS_AS_AT
    )
    assert dialog.phrases("presented") == list(DEFAULT_STANDARD_PHRASES["presented"])


def test_hostile_text_round_trips_through_the_database_and_preferences(
    qtbot: QtBot, dialog: SettingsDialog, workspace: Workspace
) -> None:
    dialog.council_name_edit.setText(HOSTILE)
    dialog.my_name_edit.setText(f"  {HOSTILE}  ")
    dialog.phrase_kind_combo.setCurrentIndex(dialog.phrase_kind_combo.findData("noted"))
    dialog.phrases_edit.setPlainText(f"{HOSTILE}\n\n  It was noted that…  \n")
    dialog.phrase_kind_combo.setCurrentIndex(dialog.phrase_kind_combo.findData("other"))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == HOSTILE
    preferences = Preferences(QSettings())
    assert preferences.my_name() == HOSTILE
    assert standard_phrases(preferences, "noted") == [HOSTILE, "It was noted that…"]
    assert standard_phrases(preferences, "other") == list(DEFAULT_STANDARD_PHRASES["other"])
    # Audited by the service, with what it was and what it became.
    entry = list_audit(workspace=workspace, table="setting")[-1]
    assert entry.details["key"] == COUNCIL_NAME.key
    assert [change.key for change in dialog.changes] == [COUNCIL_NAME.key]
    assert dialog.changes[0].after == {"value": HOSTILE}

    again = SettingsDialog(workspace, preferences=Preferences())
    qtbot.addWidget(again)
    assert again.council_name_edit.text() == HOSTILE
    assert again.my_name_edit.text() == HOSTILE
    assert again.phrases("noted") == [HOSTILE, "It was noted that…"]


def test_a_logo_that_is_not_an_image_is_refused_with_the_reason(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    before = get_setting(workspace=workspace, setting=COUNCIL_LOGO)
    fake = workspace.path.parent / "logo.png"
    fake.write_text("this is a letter, not a picture", encoding="utf-8")
    dialog.set_logo_path(fake)
    assert dialog.logo_edit.text() == "logo.png"  # relative to the database's folder
    label = dialog.problem_labels[COUNCIL_LOGO.key]
    assert not label.isHidden()
    assert "logo.png is not a PNG or JPEG image" in label.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert get_setting(workspace=workspace, setting=COUNCIL_LOGO) == before
    assert dialog.logo_edit.text() == "logo.png"  # nothing the person typed is lost


def test_a_logo_with_another_suffix_is_refused(dialog: SettingsDialog) -> None:
    dialog.logo_edit.setText("crest.gif")
    dialog.logo_edit.editingFinished.emit()
    assert "must be a PNG or JPEG file" in dialog.problem_labels[COUNCIL_LOGO.key].text()


def test_a_folder_is_not_a_logo(workspace: Workspace) -> None:
    folder = workspace.path.parent / "pictures.png"
    folder.mkdir()
    problems = validate_setting(workspace=workspace, setting=COUNCIL_LOGO, value="pictures.png")
    assert [problem.message for problem in problems] == [
        "Council logo: pictures.png is a folder, not an image file."
    ]


def test_a_real_logo_is_saved_and_previewed(dialog: SettingsDialog, workspace: Workspace) -> None:
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d3557"))
    path = workspace.path.parent / "crest – Łódź.png"
    assert image.save(str(path))
    dialog.set_logo_path(path)
    assert dialog.problem_labels[COUNCIL_LOGO.key].isHidden()
    assert not dialog.logo_preview.isHidden()
    assert not dialog.logo_preview.pixmap().isNull()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert get_setting(workspace=workspace, setting=COUNCIL_LOGO) == "crest – Łódź.png"


def test_a_missing_logo_is_a_warning_and_saved_all_the_same(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    dialog.logo_edit.setText("share/crest.png")
    dialog.logo_edit.editingFinished.emit()
    assert (
        "There is no file share/crest.png (yet)" in dialog.problem_labels[COUNCIL_LOGO.key].text()
    )
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert get_setting(workspace=workspace, setting=COUNCIL_LOGO) == "share/crest.png"


def test_clearing_a_setting_goes_back_to_its_default(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    dialog.as_at_check.setChecked(False)
    dialog.council_name_edit.setText("   ")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    rows = {row.key: row for row in list_settings(workspace=workspace)}
    assert rows[ACTIONS_AS_AT.key].is_default
    assert rows[COUNCIL_NAME.key].is_default
    assert {change.key for change in dialog.changes} == {ACTIONS_AS_AT.key, COUNCIL_NAME.key}


def test_someone_elses_change_is_not_overwritten(
    dialog: SettingsDialog, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []

    def warning(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        warnings.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    set_setting(
        workspace=workspace,
        setting=COUNCIL_NAME,
        value="Someone Else's Council",
        expected_version=version_of(workspace, COUNCIL_NAME.key),
    )
    dialog.council_name_edit.setText(HOSTILE)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert len(warnings) == 1
    assert "Someone else changed “Council name”" in warnings[0]
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == "Someone Else's Council"
    assert dialog.council_name_edit.text() == "Someone Else's Council"


def test_the_changes_undo_and_redo_as_one_step(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    before = get_setting(workspace=workspace, setting=COUNCIL_NAME)
    dialog.council_name_edit.setText(HOSTILE)
    dialog.as_at_check.setChecked(False)
    dialog.accept()
    stack = QUndoStack()
    stack.push(SettingsCommand(workspace, dialog.changes))
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == HOSTILE  # push did nothing
    stack.undo()
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == before
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) is not None
    stack.redo()
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == HOSTILE
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) is None
    stack.undo()
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == before


def test_an_undo_someone_else_overtook_is_dropped_with_the_reason(
    dialog: SettingsDialog, workspace: Workspace
) -> None:
    dialog.council_name_edit.setText(HOSTILE)
    dialog.accept()
    failures: list[str] = []
    stack = QUndoStack()
    stack.push(SettingsCommand(workspace, dialog.changes, on_failure=failures.append))
    set_setting(
        workspace=workspace,
        setting=COUNCIL_NAME,
        value="Someone Else's Council",
        expected_version=version_of(workspace, COUNCIL_NAME.key),
    )
    stack.undo()
    assert len(failures) == 1
    assert "Someone else changed" in failures[0]
    assert stack.count() == 0
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == "Someone Else's Council"


def test_restore_defaults_brings_back_the_phrases_the_app_comes_with(
    dialog: SettingsDialog,
) -> None:
    dialog.phrases_edit.setPlainText("Mine only")
    assert dialog.phrases("presented") == ["Mine only"]
    restore = dialog.findChild(QPushButton, "settings_phrases_restore")
    assert isinstance(restore, QPushButton)
    restore.click()
    assert dialog.phrases("presented") == list(DEFAULT_STANDARD_PHRASES["presented"])
