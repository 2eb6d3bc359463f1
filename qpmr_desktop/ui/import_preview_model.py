"""The import preview as a table: one line per planned row, its status as a chip, filterable.

Contract:

* :func:`preview_lines` turns an ``ImportPreview`` into :class:`PreviewLine` s
  — plain Python, no Qt — so that for a large file it can run on the worker
  thread with the preview itself; every text a view shows or filters on is
  worked out there once, never in ``data()``.
* A line's id is its position in ``preview.rows`` (stable for one preview;
  a new preview is a full reload).
* :class:`ImportPreviewModel` is a ``RowTableModel`` over lines: row number,
  status ("▲ Error" — shape and word, the colour as ``ForegroundRole`` for the
  ``ChipDelegate``), ref, period, what changes ("value 1,800 → 1,875") and the
  problems ("column value: 'abc' is not a number"). It stays in file order.
* :class:`ImportPreviewProxy` sorts by each column's raw sort value and
  filters by status and by words, reading the lines directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QObject, QSortFilterProxyModel
from PySide6.QtGui import QColor

from qpmr_desktop.services.import_files import plain_number
from qpmr_desktop.services.indicator_import import (
    FieldChange,
    ImportIssue,
    ImportPreview,
    PlannedRow,
    RowStatus,
)
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import BLUE, GREEN, GREY, RED
from qpmr_desktop.ui.formatting import elide
from qpmr_desktop.ui.table_model import RIGHT, AnyIndex, Column, RowFilterProxy, RowTableModel

#: Shape and word of each status; the shape alone tells them apart in greyscale.
STATUS_TEXT: Final[Mapping[RowStatus, str]] = {
    RowStatus.NEW: "✚ New",
    RowStatus.UPDATED: "◆ Updated",
    RowStatus.UNCHANGED: "○ Unchanged",
    RowStatus.ERROR: "▲ Error",
}
STATUS_COLOURS: Final[Mapping[RowStatus, str]] = {
    RowStatus.NEW: GREEN,
    RowStatus.UPDATED: BLUE,
    RowStatus.UNCHANGED: GREY,
    RowStatus.ERROR: RED,
}
# Errors sort first: they are what a person has to act on.
_STATUS_ORDER: Final[Mapping[RowStatus, int]] = {
    RowStatus.ERROR: 0,
    RowStatus.UPDATED: 1,
    RowStatus.NEW: 2,
    RowStatus.UNCHANGED: 3,
}
# The stored fields as a person reads them.
_FIELD_WORDS: Final[Mapping[str, str]] = {
    "value": "value",
    "target": "target",
    "england": "England",
    "region": "region",
    "statistical_neighbours": "statistical neighbours",
    "numerator": "numerator",
    "denominator": "denominator",
    "status_symbol": "status",
    "provisional": "provisional",
    "commentary": "commentary",
}
_TEXT_LIMIT = 40


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One planned row with the texts the table shows, worked out once."""

    position: int
    planned: PlannedRow
    changes_text: str
    issues_text: str
    issues_tooltip: str
    haystack: str

    @property
    def status(self) -> RowStatus:
        return self.planned.status


def figure_text(value: float) -> str:
    """A figure as written in the file, with thousands separated: "1,875", "62.5"."""
    text = plain_number(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"


def field_value_text(value: object) -> str:
    """A stored field's value for the preview: figures grouped, text quoted, nothing "blank"."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return figure_text(float(value))
    return f"“{elide(str(value), _TEXT_LIMIT)}”"


def changes_text(row: PlannedRow) -> str:
    """What the row changes ("value 1,800 → 1,875"), or what a new row sets."""
    if row.status is RowStatus.UPDATED:
        return "; ".join(_change_text(change) for change in row.changes)
    if row.status is RowStatus.NEW:
        return ", ".join(
            f"{_FIELD_WORDS.get(name, name)} {field_value_text(value)}"
            for name, value in row.values.items()
            # 0 is a figure worth showing; blank, "" and False are not.
            if not (value is None or value == "" or value is False)
        )
    return ""


def _change_text(change: FieldChange) -> str:
    word = _FIELD_WORDS.get(change.field, change.field)
    return f"{word} {field_value_text(change.old)} → {field_value_text(change.new)}"


def issue_text(issue: ImportIssue) -> str:
    """A problem without its row (the table has a row column): "column value: 'abc' is …"."""
    return issue.message if issue.column is None else f"column {issue.column}: {issue.message}"


def preview_lines(preview: ImportPreview) -> list[PreviewLine]:
    """Every planned row of ``preview`` as a line; plain Python, safe on a worker thread."""
    lines: list[PreviewLine] = []
    for position, row in enumerate(preview.rows):
        changes = changes_text(row)
        issues = "; ".join(issue_text(issue) for issue in row.issues)
        haystack = " ".join(
            (
                str(row.source_row),
                row.status.value,
                row.indicator_ref,
                row.period_label,
                changes,
                issues,
            )
        ).casefold()
        lines.append(
            PreviewLine(
                position=position,
                planned=row,
                changes_text=changes,
                issues_text=issues,
                issues_tooltip="\n".join(str(issue) for issue in row.issues),
                haystack=haystack,
            )
        )
    return lines


# ------------------------------------------------------------------ Qt


_COLOURS: dict[RowStatus, QColor] = {}


def status_colour(status: RowStatus) -> QColor:
    colour = _COLOURS.get(status)
    if colour is None:
        colour = _COLOURS[status] = QColor(STATUS_COLOURS[status])
    return colour


def _period_key(line: PreviewLine) -> tuple[int, int] | None:
    period = line.planned.period
    return None if period is None else (period.year, period.quarter)


PREVIEW_COLUMNS: Final[tuple[Column[PreviewLine], ...]] = (
    Column(
        key="row",
        header="Row",
        display=lambda line: str(line.planned.source_row),
        sort_key=lambda line: (line.planned.source_row, line.position),
        alignment=RIGHT,
        header_tooltip="The row number in the file, as a spreadsheet shows it.",
    ),
    Column(
        key="status",
        header="Status",
        display=lambda line: STATUS_TEXT[line.status],
        sort_key=lambda line: (_STATUS_ORDER[line.status], line.position),
        foreground=lambda line: status_colour(line.status),
        header_tooltip="New: no figures stored yet for that indicator and period. Updated: "
        "the file changes stored figures. Unchanged: the file matches what is stored. "
        "Error: the row cannot be imported.",
        width=110,
    ),
    Column(
        key="ref",
        header="Ref",
        display=lambda line: line.planned.indicator_ref,
        sort_key=lambda line: natural_key(line.planned.indicator_ref),
    ),
    Column(
        key="period",
        header="Period",
        display=lambda line: line.planned.period_label,
        sort_key=_period_key,
    ),
    Column(
        key="changes",
        header="Changes",
        display=lambda line: line.changes_text,
        sort_key=lambda line: line.changes_text.casefold(),
        tooltip=lambda line: line.changes_text or None,
        header_tooltip="What an updated row changes (stored → file), or what a new row sets.",
        width=320,
    ),
    Column(
        key="problems",
        header="Problems",
        display=lambda line: line.issues_text,
        sort_key=lambda line: line.issues_text.casefold(),
        tooltip=lambda line: line.issues_tooltip or None,
        header_tooltip="Why a row cannot be imported, with the column it is about.",
        stretch=True,
    ),
)


class ImportPreviewModel(RowTableModel[PreviewLine]):
    """The preview's lines, in file order; see the module contract."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, id_of=lambda line: line.position, parent=parent)

    def set_lines(self, lines: Sequence[PreviewLine]) -> None:
        """Show a new preview's lines (a full reload)."""
        self.set_rows(lines)

    def clear(self) -> None:
        self.set_rows(())


class ImportPreviewProxy(RowFilterProxy[PreviewLine]):
    """Sorts the preview and filters it by status (None: every status) and by words."""

    def __init__(self, source: ImportPreviewModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=lambda line: line.haystack, parent=parent)
        self._status: RowStatus | None = None

    @property
    def status_filter(self) -> RowStatus | None:
        return self._status

    def set_status_filter(self, status: RowStatus | None) -> None:
        if status is self._status:
            return
        self.beginFilterChange()
        self._status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._status is not None and self._rows_model.row_at(source_row).status is not (
            self._status
        ):
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def line_at(self, proxy_row: int) -> PreviewLine:
        """The line shown in ``proxy_row`` of this proxy."""
        source = self.mapToSource(self.index(proxy_row, 0))
        return self._rows_model.row_at(source.row())
