"""Shared pieces of the meeting and agenda-item dialogs: the person picker and refusals.

Contract:

- ``PersonPicker`` is an editable combo box over the people list: a person
  is picked from it (``person()`` gives their ``PersonView``) or typed as a
  new name (``person()`` is None and ``name()`` gives the name, spaces tidied).
  A name typed that matches someone in the list (spaces tidied, capitals
  ignored, as the services match) counts as picking them.
- ``tidy_name`` is how names are compared in the dialogs, as the services do.
- ``warn`` is the message box every dialog uses for a refused change; the
  dialogs hold it as an attribute (``show_problem``) so that tests can read
  the message instead of a modal box appearing.
- ``refusal_text`` turns a service error into the sentence to show.
- ``EntryList`` is an ordered list the dialogs edit in memory (attendance of
  one kind, presenters, documents): entries are any objects, shown by a
  ``label`` function as plain text; Remove, Move Up and Move Down act on the
  selected one (Delete, Alt+Up and Alt+Down too). Nothing is saved until the
  dialog's OK.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.errors import ValidationError
from qpmr_desktop.services.read_models import PersonView

__all__ = ["EntryList", "PersonPicker", "line_edit_of", "refusal_text", "tidy_name", "warn"]


def tidy_name(name: str) -> str:
    """A name with its spaces tidied, for comparing (capitals ignored)."""
    return " ".join(name.split()).casefold()


def line_edit_of(combo: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box."""
    line = combo.lineEdit()
    if line is None:
        raise ValueError("Only an editable combo box has a line edit.")
    return line


def warn(parent: QWidget, title: str, message: str) -> None:
    """Explain a refused change in a message box."""
    QMessageBox.warning(parent, title, message)


def refusal_text(error: Exception) -> str:
    """The sentence a refused change is explained with, and that nothing was saved."""
    text = str(error)
    if isinstance(error, ValidationError):
        return f"{text}\n\nNothing was saved; what you typed is still in the dialog."
    return f"{text}\n\nNothing was saved."


class PersonPicker(QComboBox):
    """Pick someone from the people list, or type a new name; see the module contract."""

    def __init__(self, people: Sequence[PersonView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self._people = list(people)
        for person in self._people:
            self.addItem(person.name, person)
            if person.job_title:
                self.setItemData(self.count() - 1, person.job_title, Qt.ItemDataRole.ToolTipRole)
        completer = self.completer()
        assert completer is not None  # an editable combo box always has one
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.clear_choice()

    def set_hint(self, text: str) -> None:
        """What the empty box says ("Name…")."""
        line_edit_of(self).setPlaceholderText(text)

    def clear_choice(self) -> None:
        self.setCurrentIndex(-1)
        self.setEditText("")

    def name(self) -> str:
        """The name as typed or picked, spaces tidied ("" when blank)."""
        return " ".join(self.currentText().split())

    def person(self) -> PersonView | None:
        """The person of the people list the name names, or None for someone new."""
        wanted = tidy_name(self.currentText())
        if not wanted:
            return None
        for person in self._people:
            if tidy_name(person.name) == wanted:
                return person
        return None


_T = TypeVar("_T")


class EntryList(QWidget, Generic[_T]):
    """An ordered list edited in memory, with Remove, Move Up and Move Down."""

    changed = Signal()
    selection_changed = Signal()

    def __init__(
        self, label: Callable[[_T], str], *, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._label = label
        self._entries: list[_T] = []
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName(f"{name}_remove")
        self.up_button = QPushButton("Move Up", self)
        self.up_button.setObjectName(f"{name}_up")
        self.up_button.setToolTip("Move the selected entry up (Alt+Up)")
        self.down_button = QPushButton("Move Down", self)
        self.down_button.setObjectName(f"{name}_down")
        self.down_button.setToolTip("Move the selected entry down (Alt+Down)")
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.remove_button, self.up_button, self.down_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(self.buttons)
        for key, slot in (
            ("Delete", self.remove_selected),
            ("Alt+Up", lambda: self.move_selected(-1)),
            ("Alt+Down", lambda: self.move_selected(1)),
        ):
            shortcut = QShortcut(QKeySequence(key), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self._enable()

    def entries(self) -> list[_T]:
        return list(self._entries)

    def set_entries(self, entries: Sequence[_T]) -> None:
        self._entries = list(entries)
        self._show(None)

    def add(self, entry: _T) -> None:
        self._entries.append(entry)
        self._show(len(self._entries) - 1)
        self.changed.emit()

    def replace_selected(self, entry: _T) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._entries):
            self._entries[row] = entry
            self._show(row)
            self.changed.emit()

    def selected(self) -> _T | None:
        row = self.list.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if not self.list.isEnabled() or not 0 <= row < len(self._entries):
            return
        del self._entries[row]
        self._show(min(row, len(self._entries) - 1) if self._entries else None)
        self.changed.emit()

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if not self.list.isEnabled() or not (
            0 <= row < len(self._entries) and 0 <= target < len(self._entries)
        ):
            return
        self._entries.insert(target, self._entries.pop(row))
        self._show(target)
        self.changed.emit()

    def refresh(self) -> None:
        """Show every entry again (after one changed in place)."""
        self._show(self.list.currentRow())

    def _show(self, row: int | None) -> None:
        self.list.clear()
        for entry in self._entries:
            self.list.addItem(self._label(entry))
        if row is not None and 0 <= row < len(self._entries):
            self.list.setCurrentRow(row)
        self._enable()

    def _on_list_current_row_changed(self) -> None:
        self._enable()
        self.selection_changed.emit()

    def _enable(self) -> None:
        row = self.list.currentRow()
        chosen = 0 <= row < len(self._entries)
        self.remove_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < len(self._entries) - 1)
