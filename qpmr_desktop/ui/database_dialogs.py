"""Choosing a database: the first-run choice, the file dialogs, and the open-error message.

Contract: nothing here opens a database. Each function asks the person and
returns what they chose (a ``DatabaseRequest``, a path, a yes/no), or None
when they cancelled; callers open the workspace and come back here when that
fails. Messages say what happened and what to do next, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop import paths

DATABASE_SUFFIX = ".qpmr"
DATABASE_FILTER = "QPMR databases (*.qpmr);;All files (*)"


class DatabaseChoice(Enum):
    DEMO = "demo"
    NEW = "new"
    EXISTING = "existing"


@dataclass(frozen=True, slots=True)
class DatabaseRequest:
    """A database to open; ``create`` when it is a new file to be made."""

    path: Path
    create: bool = False


class ChooseDatabaseDialog(QDialog):
    """The first-run choice: the demo, a new empty database, or an existing one."""

    def __init__(self, parent: QWidget | None = None, *, first_run: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a Database — QPMR Desktop")
        self.choice: DatabaseChoice | None = None
        self.setMinimumWidth(480)

        heading = QLabel(
            "<h3>Welcome to QPMR Desktop</h3>" if first_run else "<h3>Choose a database</h3>", self
        )
        intro = QLabel(
            "Minutes, performance indicators and improvement-plan actions live in one "
            "database file. Choose one to work in; you can switch at any time from the "
            "File menu.",
            self,
        )
        intro.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        for choice, text, description in (
            (
                DatabaseChoice.DEMO,
                "Open the demo database",
                (
                    "A committee meeting, its minutes, indicators and improvement plans, "
                    "with sample figures marked as such."
                ),
            ),
            (
                DatabaseChoice.NEW,
                "Create a new empty database…",
                "Start afresh in a new file of your choice.",
            ),
            (
                DatabaseChoice.EXISTING,
                "Open an existing database…",
                "A .qpmr file that you or a colleague made earlier.",
            ),
        ):
            button = QCommandLinkButton(text, description, self)
            button.setObjectName(f"choose_{choice.value}")
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
            layout.addWidget(button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Quit" if first_run else "Cancel")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose(self, choice: DatabaseChoice) -> None:
        self.choice = choice
        self.accept()


def ask_database_choice(
    parent: QWidget | None = None, *, first_run: bool = True
) -> DatabaseChoice | None:
    dialog = ChooseDatabaseDialog(parent, first_run=first_run)
    dialog.exec()
    return dialog.choice


def _start_folder() -> str:
    return str(Path.home())


def ask_new_database_path(parent: QWidget | None = None) -> Path | None:
    """A path for a new database that does not exist yet, or None when cancelled.

    The save dialog's own "replace?" question is turned off: a database is
    never overwritten from here, and choosing an existing file says so.
    """
    while True:
        text, _ = QFileDialog.getSaveFileName(
            parent,
            "New Database",
            str(Path(_start_folder()) / f"committee{DATABASE_SUFFIX}"),
            DATABASE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not text:
            return None
        path = Path(text)
        if not path.suffix:
            path = path.with_suffix(DATABASE_SUFFIX)
        if not path.exists():
            return path
        QMessageBox.warning(
            parent,
            "New Database",
            f"There is already a file at {path}.\n\n"
            "Choose another name, or open that file with File ▸ Open Database….",
        )


def ask_existing_database_path(parent: QWidget | None = None) -> Path | None:
    text, _ = QFileDialog.getOpenFileName(parent, "Open Database", _start_folder(), DATABASE_FILTER)
    return Path(text) if text else None


def request_for_choice(
    choice: DatabaseChoice, parent: QWidget | None = None
) -> DatabaseRequest | None:
    """Turn a first-run choice into a database to open (the demo is made when missing).

    Raises ``OSError`` (or the workspace's open error) when the demo cannot be made.
    """
    if choice is DatabaseChoice.DEMO:
        return demo_request()
    if choice is DatabaseChoice.NEW:
        path = ask_new_database_path(parent)
        return None if path is None else DatabaseRequest(path, create=True)
    path = ask_existing_database_path(parent)
    return None if path is None else DatabaseRequest(path)


def demo_request() -> DatabaseRequest:
    """The demo database in the user's data folder, built there first when missing."""
    # Imported here: building the demo reads data files that a normal start never needs.
    from qpmr_desktop.services.demo import ensure_demo_database  # noqa: PLC0415

    return DatabaseRequest(ensure_demo_database(paths.demo_database_path()))


def show_open_error(parent: QWidget | None, message: str, *, give_up_text: str = "Quit") -> bool:
    """Say that a database could not be opened; True when the person wants another one."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Could Not Open the Database — QPMR Desktop")
    box.setText("QPMR Desktop could not open the database.")
    box.setInformativeText(f"{message}\n\nThe file has been left as it was.")
    another = box.addButton("Choose Another Database…", QMessageBox.ButtonRole.AcceptRole)
    give_up = box.addButton(give_up_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(another)
    box.setEscapeButton(give_up)
    box.exec()
    return box.clickedButton() is another
