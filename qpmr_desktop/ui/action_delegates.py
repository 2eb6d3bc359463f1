"""The action tracker's editors, and how its priority-area groups are drawn.

Contract:

- Delegates read what they need through roles (``ActionRole.EDIT`` for the
  raw values, ``ActionRole.CHOICES`` for what a combo box offers, each by the
  column ``key`` the delegate is made for; ``ActionRole.GROUP`` for which
  priority area a row is in); they never reach into a model's rows. They hand
  ``setData`` (``EditRole``) the raw value, and the model turns it into an
  undo command.
- ``ChoiceDelegate`` edits status, priority area and lead with a combo box.
  Choosing an item commits at once (a status change is one step, as on paper);
  an editable combo (the lead) also takes a new name typed in, which the
  service adds to the people list.
- ``DescriptionDelegate`` edits the description in a line edit (its text
  whole, not as the cell shows it on one line).
- ``ProgressDelegate`` edits progress with a spin box from 0 to 100 (%), in
  steps of 5; any whole number may be typed.
- ``DueDateDelegate`` edits the due date with a date editor and its calendar,
  dates written as papers write them ("30 Sep 2017"); its lowest date reads
  "No due date", and Delete goes there, so a due date can be taken off.
- ``GroupedTextDelegate`` draws the plan and priority-area cells of a row in
  the muted text colour when the row above (as the view shows them, sorted
  and filtered) is in the same group, and the first row of each group in
  bold (the plan column groups by plan): the table reads as grouped by
  priority area in the tracker's order and never hides a row's area,
  whichever way it is sorted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from qpmr_desktop.ui.action_model import ActionRole, Choices

__all__ = [
    "NO_DUE_DATE",
    "ChoiceDelegate",
    "DescriptionDelegate",
    "DueDateDelegate",
    "DueDateEdit",
    "GroupedChoiceDelegate",
    "GroupedTextDelegate",
    "ProgressDelegate",
    "edit_value",
    "style_group",
]

AnyIndex = QModelIndex | QPersistentModelIndex

NO_DUE_DATE: Final = "No due date"
DATE_FORMAT: Final = "d MMM yyyy"
# The lowest date the editor offers stands for "no due date".
_NO_DATE: Final = QDate(2000, 1, 1)
_PROGRESS_STEP: Final = 5


def edit_value(index: AnyIndex, key: str) -> object:
    """The raw value of column ``key`` of the index's row (``ActionRole.EDIT``), or None."""
    values = index.data(ActionRole.EDIT)
    return values.get(key) if isinstance(values, Mapping) else None


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of the row's ``ActionRole.CHOICES`` for column ``key``; see the module."""

    def __init__(self, parent: QObject | None = None, *, key: str) -> None:
        super().__init__(parent)
        self.key = key

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option  # laid out by updateEditorGeometry
        editor = QComboBox(parent)
        by_key = index.data(ActionRole.CHOICES)
        choices = by_key.get(self.key) if isinstance(by_key, Mapping) else None
        if isinstance(choices, Choices):
            for label, value in choices.items:
                editor.addItem(label, value)
            editor.setEditable(choices.editable)
            if choices.editable:
                editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                line = editor.lineEdit()
                if line is not None:
                    line.setPlaceholderText("Choose, or type a new name")
        editor.activated.connect(lambda _number, e=editor: self._on_editor_activated(e))
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if not isinstance(editor, QComboBox):
            return
        value = edit_value(index, self.key)
        number = next(
            (n for n in range(editor.count()) if editor.itemData(n) == value),
            -1,
        )
        if number >= 0:
            editor.setCurrentIndex(number)
        elif editor.isEditable():
            editor.setEditText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if not isinstance(editor, QComboBox):
            return
        if editor.isEditable():
            # What is typed wins: a name picked from the list is its text too.
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def _on_editor_activated(self, editor: QComboBox) -> None:
        # A choice made is the edit: commit it at once rather than on leaving the cell.
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)


class DescriptionDelegate(QStyledItemDelegate):
    """A line edit holding the description as stored."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option, index
        editor = QLineEdit(parent)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = edit_value(index, "description")
        if isinstance(editor, QLineEdit) and isinstance(value, str):
            editor.setText(value)
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class ProgressDelegate(QStyledItemDelegate):
    """A spin box from 0 to 100 (%)."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option, index
        editor = QSpinBox(parent)
        editor.setRange(0, 100)
        editor.setSuffix("%")
        editor.setSingleStep(_PROGRESS_STEP)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        editor.setAccelerated(True)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = edit_value(index, "progress")
        if isinstance(editor, QSpinBox) and isinstance(value, int):
            editor.setValue(value)
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class DueDateEdit(QDateEdit):
    """A date editor whose lowest date reads ``empty_text`` ("No due date"); Delete goes there."""

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = NO_DUE_DATE) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setMinimumDate(_NO_DATE)
        self.setSpecialValueText(empty_text)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.setToolTip(f"Delete takes the date off ({empty_text.lower()})")

    def due_date(self) -> dt.date | None:
        """The date shown, or None for "No due date"."""
        day = self.date()
        if day == self.minimumDate():
            return None
        value = day.toPython()
        return value if isinstance(value, dt.date) else None

    def set_due_date(self, day: dt.date | None) -> None:
        self.setDate(self.minimumDate() if day is None else QDate(day.year, day.month, day.day))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in {Qt.Key.Key_Delete, Qt.Key.Key_Backspace} and (
            self.lineEdit().selectedText() == self.lineEdit().text()
        ):
            self.set_due_date(None)
            event.accept()
            return
        super().keyPressEvent(event)


class DueDateDelegate(QStyledItemDelegate):
    """A ``DueDateEdit`` with its calendar."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option, index
        editor = DueDateEdit(parent)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if not isinstance(editor, DueDateEdit):
            return
        value = edit_value(index, "due")
        editor.set_due_date(value if isinstance(value, dt.date) else None)
        if value is None:
            # Start the calendar somewhere useful rather than in January 2000.
            editor.calendarWidget().setSelectedDate(QDate.currentDate())

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, DueDateEdit):
            editor.interpretText()
            model.setData(index, editor.due_date(), Qt.ItemDataRole.EditRole)


def style_group(
    option: QStyleOptionViewItem, index: AnyIndex, role: int = ActionRole.GROUP
) -> None:
    """Muted text where the row above is in the same group (``role``); bold where one starts."""
    group = index.data(role)
    row = index.row()
    above = (
        index.model().index(row - 1, index.column(), index.parent()) if row > 0 else QModelIndex()
    )
    if above.isValid() and above.data(role) == group:
        palette = QPalette(option.palette)
        muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        palette.setColor(QPalette.ColorRole.Text, muted)
        option.palette = palette
    else:
        font = QFont(option.font)
        font.setBold(True)
        option.font = font


class GroupedTextDelegate(QStyledItemDelegate):
    """Plan and area cells: bold where a group starts, muted where it goes on (see the module).

    ``role`` says what a group is: ``ActionRole.GROUP`` (a priority area) or
    ``ActionRole.PLAN_GROUP`` (a plan).
    """

    def __init__(self, parent: QObject | None = None, *, role: int = ActionRole.GROUP) -> None:
        super().__init__(parent)
        self._role = role

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        style_group(option, index, self._role)


class GroupedChoiceDelegate(ChoiceDelegate):
    """The priority-area cell: drawn as a group (``GroupedTextDelegate``), edited as a choice."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        style_group(option, index)
