"""Choosing a database: the first-run dialog, the file dialogs, and never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QCommandLinkButton, QDialogButtonBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from qpmr_desktop import paths
from qpmr_desktop.ui.database_dialogs import (
    ChooseDatabaseDialog,
    DatabaseChoice,
    DatabaseRequest,
    ask_new_database_path,
    request_for_choice,
)


@pytest.mark.parametrize("choice", list(DatabaseChoice))
def test_each_button_makes_its_choice(qtbot: QtBot, choice: DatabaseChoice) -> None:
    dialog = ChooseDatabaseDialog()
    qtbot.addWidget(dialog)
    button = dialog.findChild(QCommandLinkButton, f"choose_{choice.value}")
    assert button is not None
    button.click()
    assert dialog.choice is choice
    assert dialog.result() == ChooseDatabaseDialog.DialogCode.Accepted


def test_quit_makes_no_choice(qtbot: QtBot) -> None:
    dialog = ChooseDatabaseDialog(first_run=True)
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Quit"
    cancel.click()
    assert dialog.choice is None


def test_later_choices_can_be_cancelled(qtbot: QtBot) -> None:
    dialog = ChooseDatabaseDialog(first_run=False)
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


def test_a_new_database_never_replaces_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "minutes.qpmr"
    existing.write_bytes(b"precious")
    answers = iter([str(existing), str(tmp_path / "council")])
    warnings: list[str] = []

    def get_save_file_name(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return next(answers), ""

    def warning(_parent: object, _title: str, text: str, *_args: object) -> int:
        warnings.append(text)
        return 0

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    assert ask_new_database_path() == tmp_path / "council.qpmr"
    assert "There is already a file at" in warnings[0]
    assert existing.read_bytes() == b"precious"


def test_cancelling_a_file_dialog_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", ""))
    assert request_for_choice(DatabaseChoice.NEW) is None
    assert request_for_choice(DatabaseChoice.EXISTING) is None


def test_the_demo_choice_makes_the_demo_database() -> None:
    request = request_for_choice(DatabaseChoice.DEMO)
    assert request == DatabaseRequest(paths.demo_database_path())
    assert request.path.is_file()
