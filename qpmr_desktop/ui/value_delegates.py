"""Reading and writing figures in the values grid, and the grid's editors.

Contract:

- ``parse_figure(text, unit)`` reads what a person types or pastes into a
  figure cell through ``domain.value_parsing.parse_number`` (so "1,875",
  "62.5%", "£1.2m", "x" and "1,875p" mean here what they mean on import) and
  refuses, with a sentence that quotes the text, anything that is not a
  figure or that names another unit ("62.5%" in a count). Empty text is "no
  figure". ``edit_text(value, unit)`` writes a stored figure in full for
  editing, so that it reads back as the same number ("1,875", "62.5%",
  "£1,234,567" — never the rounded "£1.2m" of the display).
- ``FigureDelegate`` edits a figure cell in a line edit whose validator
  accepts only what ``parse_figure`` accepts: Enter on bad text keeps the
  editor open, leaving the cell keeps the old value, and the reason is shown
  in the editor's tooltip and sent out as ``input_refused`` (the tab shows it
  in its status line). It hands the model the text; the model parses it again
  (one path for typing and pasting) and pushes an undo command.
- ``StatusDelegate`` edits the data-status symbol with a combo box of the GSS
  symbols in words ("p — provisional"), plus "none".
- Delegates read the indicator's unit through ``ValuesRole.UNIT``; they never
  reach into a model's rows.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from qpmr_desktop.domain.units import Unit
from qpmr_desktop.domain.value_parsing import (
    STATUS_SYMBOLS,
    ParsedNumber,
    ValueParseError,
    parse_number,
)
from qpmr_desktop.ui.roles import ItemRole

__all__ = [
    "STATUS_CHOICES",
    "FigureDelegate",
    "FigureValidator",
    "StatusDelegate",
    "ValuesRole",
    "edit_text",
    "parse_figure",
    "status_text",
]

AnyIndex = QModelIndex | QPersistentModelIndex

_UNIT_NAMES: Final = {
    Unit.COUNT: "a count",
    Unit.PERCENTAGE: "a percentage",
    Unit.RATE_PER_1000: "a rate per 1,000",
    Unit.RATE_PER_10000: "a rate per 10,000",
    Unit.RATE_PER_100000: "a rate per 100,000",
    Unit.DAYS: "a number of days",
    Unit.WEEKS: "a number of weeks",
    Unit.POUNDS: "an amount in pounds",
}
_EXAMPLES: Final = {
    Unit.COUNT: "1,875",
    Unit.PERCENTAGE: "62.5%",
    Unit.RATE_PER_1000: "15.2",
    Unit.RATE_PER_10000: "159.4",
    Unit.RATE_PER_100000: "630.1",
    Unit.DAYS: "12",
    Unit.WEEKS: "6.5",
    Unit.POUNDS: "£1.2m",
}

#: The status choices, in the order CONVENTIONS.md lists them: (symbol or None, words).
STATUS_CHOICES: Final[tuple[tuple[str | None, str], ...]] = (
    (None, "none"),
    *((symbol, words) for symbol, words in STATUS_SYMBOLS.items()),
)


class ValuesRole(IntEnum):
    """Roles the values grid answers beyond ``ItemRole``."""

    UNIT = ItemRole.KIND + 20  # the indicator's Unit, for editors and messages
    FIELD = ItemRole.KIND + 21  # the service field a column edits ("value", "england" …)


def parse_figure(text: str, unit: Unit) -> ParsedNumber:
    """``text`` as a figure in ``unit``; ``ValueParseError`` with a sentence when it is not."""
    try:
        parsed = parse_number(text)
    except ValueParseError as error:
        raise ValueParseError(
            f"{error}. Type a figure such as {_EXAMPLES[unit]}, or leave it empty for none."
        ) from error
    hint = parsed.unit_hint
    if hint is not None and hint is not unit:
        raise ValueParseError(
            f"{text.strip()!r} is {_UNIT_NAMES[hint]}, but this indicator is "
            f"{_UNIT_NAMES[unit]}: type a figure such as {_EXAMPLES[unit]}."
        )
    return parsed


def edit_text(value: float | None, unit: Unit) -> str:
    """``value`` written in full for editing (see the module); "" for no figure."""
    if value is None:
        return ""
    digits = f"{abs(Decimal(repr(float(value)))):,f}"
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    sign = "-" if value < 0 else ""
    if unit is Unit.POUNDS:
        return f"{sign}£{digits}"
    if unit is Unit.PERCENTAGE:
        return f"{sign}{digits}%"
    return f"{sign}{digits}"


def status_text(symbol: str | None) -> str:
    """ "p — provisional" for a stored symbol; "" for none."""
    if not symbol:
        return ""
    return f"{symbol} — {STATUS_SYMBOLS.get(symbol, 'unknown symbol')}"


class FigureValidator(QValidator):
    """Acceptable when ``parse_figure`` reads the text; otherwise Intermediate, never Invalid.

    Never Invalid, so typing is not blocked half-way ("£1." on the way to "£1.2m");
    Intermediate is enough for the delegate to refuse to commit.
    """

    def __init__(self, unit: Unit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unit = unit

    def problem(self, text: str) -> str | None:
        try:
            parse_figure(text, self.unit)
        except ValueParseError as error:
            return str(error)
        return None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state = (
            QValidator.State.Acceptable
            if self.problem(text) is None
            else QValidator.State.Intermediate
        )
        return state, text, pos


class FigureDelegate(QStyledItemDelegate):
    """A line edit that accepts figures in the indicator's unit (see the module)."""

    input_refused = Signal(str)  # a sentence for the status line

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option  # the editor is laid out by updateEditorGeometry
        unit = index.data(ValuesRole.UNIT)
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        validator = FigureValidator(unit if isinstance(unit, Unit) else Unit.COUNT, editor)
        editor.setValidator(validator)
        editor.setPlaceholderText("empty: no figure")
        editor.textEdited.connect(
            lambda text, e=editor, v=validator: self._on_editor_text_edited(e, v, text)
        )
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            text = index.data(Qt.ItemDataRole.EditRole)
            editor.setText(text if isinstance(text, str) else "")
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if not isinstance(editor, QLineEdit):
            return
        validator = editor.validator()
        if isinstance(validator, FigureValidator):
            problem = validator.problem(editor.text())
            if problem is not None:
                # The old value stays; say why.
                self.input_refused.emit(problem)
                return
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def _on_editor_text_edited(
        self, editor: QLineEdit, validator: FigureValidator, text: str
    ) -> None:
        problem = validator.problem(text)
        editor.setToolTip(problem or "")
        # A red edge as well as the words: the message is what matters.
        editor.setStyleSheet("" if problem is None else "QLineEdit { border: 1px solid #c62828; }")
        if problem is not None:
            QToolTip.showText(editor.mapToGlobal(editor.rect().bottomLeft()), problem, editor)
            self.input_refused.emit(problem)
        else:
            QToolTip.hideText()


class StatusDelegate(QStyledItemDelegate):
    """A combo box of the data-status symbols in words, and "none"."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option, index
        editor = QComboBox(parent)
        for symbol, words in STATUS_CHOICES:
            editor.addItem(words if symbol is None else f"{symbol} — {words}", symbol or "")
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            symbol = index.data(Qt.ItemDataRole.EditRole)
            editor.setCurrentIndex(max(0, editor.findData(symbol or "")))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            symbol = editor.currentData()
            model.setData(
                index, symbol if isinstance(symbol, str) else "", Qt.ItemDataRole.EditRole
            )
