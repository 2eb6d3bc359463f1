"""The column-mapping grid: each source column of the file and what it is imported as.

A ``ColumnMapping`` says, per native field, which header feeds it; a person
thinks the other way round — "column ``tq`` is this quarter's value". This
module translates between the two.

Contract:

* :class:`ColumnRole` is what one source column is imported as: nothing, a
  native field, a value (for the row's own period, for a number of quarters
  before or after the file's period, or for a fixed period — a wide file), or
  the area code of a comparator table.
* :func:`roles_from_mapping` reads a mapping onto a file's headers (matched
  as the importer matches them: case and spacing ignored) and lists the
  headers the mapping names that the file lacks. :func:`mapping_from_roles`
  builds the mapping back: the grid decides which column feeds what, and
  everything the grid does not show — constants, the file's period, period
  format, value maps, comparator area codes, ignored-column reasons, settings
  for new indicators, name and description — is kept from the base mapping.
  A constant for a field that a column now gives is dropped (the column the
  person chose wins). A role given to two columns, and whatever
  ``ColumnMapping`` itself refuses, raise ``MappingError`` in plain words.
  For an untouched grid, ``mapping_from_roles(base, roles_from_mapping(base))``
  equals ``base`` less what names columns the file lacks.
* :class:`ColumnMappingModel` is a table over the file's columns (header,
  example values, role, notes) whose role column is editable: ``EditRole``
  gives and takes the role's number in :meth:`~ColumnMappingModel.choices`
  (a plain int: no Python object is stored in Qt), ``set_role`` takes the
  :class:`ColumnRole` itself.
  :class:`ColumnRoleDelegate` edits it with a combo box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.import_mapping import fold_header
from qpmr_desktop.services.indicator_import import (
    ColumnMapping,
    MappingError,
    NativeField,
    PeriodFormat,
    SourceTable,
    ValueColumn,
)
from qpmr_desktop.ui.formatting import elide
from qpmr_desktop.ui.table_model import AnyIndex

_NO_PARENT = QModelIndex()
_EXAMPLES = 3
_EXAMPLE_ROWS_SCANNED = 200
_EXAMPLE_LIMIT = 24
# Wide files keep earlier quarters beside the current one ("lq", "last year").
_OFFSETS_OFFERED = (-1, -2, -3, -4)


class RoleKind(Enum):
    IGNORE = "ignore"
    FIELD = "field"
    VALUE = "value"
    AREA = "area"


@dataclass(frozen=True, slots=True)
class ColumnRole:
    """What one source column is imported as; see the module contract.

    ``field`` is set for ``FIELD``; ``offset`` and ``period`` for ``VALUE``
    (offset 0 and no period: the value for the row's own period).
    """

    kind: RoleKind
    field: NativeField | None = None
    offset: int = 0
    period: Quarter | None = None

    @property
    def label(self) -> str:
        if self.kind is RoleKind.IGNORE:
            return "not imported"
        if self.kind is RoleKind.AREA:
            return "area code"
        if self.kind is RoleKind.FIELD:
            assert self.field is not None
            return self.field.value
        if self.period is not None:
            return f"value for {self.period.label}"
        if self.offset == 0:
            return "value"
        plural = "s" if abs(self.offset) != 1 else ""
        side = "after" if self.offset > 0 else "before"
        return f"value, {abs(self.offset)} quarter{plural} {side}"

    @property
    def explanation(self) -> str:
        """A sentence for the combo box's tooltip."""
        if self.kind is RoleKind.IGNORE:
            return "The column is not imported."
        if self.kind is RoleKind.AREA:
            return (
                "The column tells the local area's rows from England's, the region's and the "
                "statistical neighbours' (area codes set in the mapping)."
            )
        if self.kind is RoleKind.FIELD:
            assert self.field is not None
            return _FIELD_EXPLANATIONS.get(self.field, self.field.value)
        if self.period is not None:
            return f"The indicator's value for {self.period.label}."
        if self.offset == 0:
            return "The indicator's value for the row's period (or the file's)."
        return f"The indicator's value for the quarter {self.label[7:]} the file's period."

    @property
    def is_ignore(self) -> bool:
        return self.kind is RoleKind.IGNORE


IGNORE: Final = ColumnRole(RoleKind.IGNORE)
AREA: Final = ColumnRole(RoleKind.AREA)
VALUE: Final = ColumnRole(RoleKind.VALUE)

_FIELD_EXPLANATIONS: Final[Mapping[NativeField, str]] = {
    NativeField.INDICATOR_REF: "The indicator's reference, such as CLA-01.",
    NativeField.PERIOD: "The quarter, such as Q1 2017/18.",
    NativeField.TARGET: "The target for the period.",
    NativeField.ENGLAND: "England's figure for the period.",
    NativeField.REGION: "The region's figure for the period.",
    NativeField.STATISTICAL_NEIGHBOURS: "The statistical neighbours' figure for the period.",
    NativeField.NUMERATOR: "The numerator of the value, when known.",
    NativeField.DENOMINATOR: "The denominator of the value, when known.",
    NativeField.STATUS: "The data-status symbol: x, c, p, r, b or z.",
    NativeField.COMMENTARY: "The commentary on the period's figure.",
    NativeField.INDICATOR_NAME: "The indicator's name (used only to create a new indicator).",
    NativeField.THEME: "The indicator's theme (used only to create a new indicator).",
    NativeField.UNIT: "The indicator's unit (used only to create a new indicator).",
    NativeField.POLARITY: "Higher or lower is better (used only to create a new indicator).",
}


def _field(native: NativeField) -> ColumnRole:
    return ColumnRole(RoleKind.FIELD, field=native)


def standard_choices(*, comparator_rows: bool) -> list[ColumnRole]:
    """The roles a column can be given, in the order the combo box lists them."""
    choices = [
        IGNORE,
        _field(NativeField.INDICATOR_REF),
        _field(NativeField.INDICATOR_NAME),
        _field(NativeField.PERIOD),
        VALUE,
        *(ColumnRole(RoleKind.VALUE, offset=offset) for offset in _OFFSETS_OFFERED),
        *(
            _field(native)
            for native in NativeField
            if native
            not in {
                NativeField.INDICATOR_REF,
                NativeField.INDICATOR_NAME,
                NativeField.PERIOD,
                NativeField.VALUE,
            }
        ),
    ]
    if comparator_rows:
        choices.append(AREA)
    return choices


# ------------------------------------------------------------------ mapping ⇄ roles


@dataclass(frozen=True, slots=True)
class RolesRead:
    """A mapping read onto a file: one role per header, and what it names that is not there."""

    roles: tuple[ColumnRole, ...]
    missing: tuple[str, ...]


def roles_from_mapping(mapping: ColumnMapping, headers: Sequence[str]) -> RolesRead:
    """Each header's role under ``mapping``; see the module contract."""
    position: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header:
            position.setdefault(fold_header(header), index)
    roles = [IGNORE] * len(headers)
    missing: list[str] = []

    def assign(header: str, role: ColumnRole) -> None:
        index = position.get(fold_header(header))
        if index is None:
            missing.append(header)
        else:
            roles[index] = role

    for native, header in mapping.columns.items():
        assign(header, VALUE if native is NativeField.VALUE else _field(native))
    for column in mapping.value_columns:
        assign(
            column.column, ColumnRole(RoleKind.VALUE, offset=column.offset, period=column.period)
        )
    if mapping.comparator_rows is not None:
        assign(mapping.comparator_rows.area_column, AREA)
    return RolesRead(tuple(roles), tuple(dict.fromkeys(missing)))


def mapping_from_roles(
    base: ColumnMapping, headers: Sequence[str], roles: Sequence[ColumnRole]
) -> ColumnMapping:
    """The mapping the grid describes, on top of ``base``; ``MappingError`` if it cannot be."""
    _check_each_role_once(headers, roles)
    assigned = [
        (header, role)
        for header, role in zip(headers, roles, strict=True)
        if header and not role.is_ignore
    ]
    columns = {
        role.field: header
        for header, role in assigned
        if role.kind is RoleKind.FIELD and role.field is not None
    }
    values = [(header, role) for header, role in assigned if role.kind is RoleKind.VALUE]
    value_columns: tuple[ValueColumn, ...] = ()
    if len(values) == 1 and values[0][1] == VALUE:
        columns[NativeField.VALUE] = values[0][0]
    elif values:
        value_columns = _value_columns(base, values)
    area = next((header for header, role in assigned if role.kind is RoleKind.AREA), None)
    comparator_rows = None
    if area is not None and base.comparator_rows is not None:
        comparator_rows = replace(base.comparator_rows, area_column=area)
    ignored_headers = {
        fold_header(header) for header, role in zip(headers, roles, strict=True) if role.is_ignore
    }
    present = {fold_header(header) for header in headers if header}
    ignored_columns = {
        header: reason
        for header, reason in base.ignored_columns.items()
        if fold_header(header) in ignored_headers or fold_header(header) not in present
    }
    return ColumnMapping(
        name=base.name,
        description=base.description,
        columns=columns,
        constants={
            native: text for native, text in base.constants.items() if native not in columns
        },
        period=base.period,
        period_format=base.period_format,
        value_columns=value_columns,
        comparator_rows=comparator_rows,
        value_maps=base.value_maps,
        ignored_columns=ignored_columns,
        defaults=base.defaults,
        indicators=base.indicators,
    )


def _check_each_role_once(headers: Sequence[str], roles: Sequence[ColumnRole]) -> None:
    given: dict[ColumnRole, list[str]] = {}
    for header, role in zip(headers, roles, strict=True):
        if header and not role.is_ignore:
            given.setdefault(role, []).append(header)
    for role, names in given.items():
        if len(names) > 1:
            shown = " and ".join(f"“{name}”" for name in names)
            raise MappingError(
                f"Columns {shown} are both imported as {role.label}: choose one of them, "
                "and set the other to “not imported”."
            )


def _value_columns(
    base: ColumnMapping, values: Sequence[tuple[str, ColumnRole]]
) -> tuple[ValueColumn, ...]:
    """A wide file's value columns, in the base mapping's order where it has them."""
    base_order = {fold_header(each.column): index for index, each in enumerate(base.value_columns)}
    carriers = {fold_header(each.column) for each in base.value_columns if each.row_fields}
    headers = {fold_header(header) for header, _ in values}
    if not carriers & headers:
        # The row's other fields (target, commentary …) belong with the value
        # for the row's own period.
        carriers = {fold_header(header) for header, role in values if role == VALUE}
    ordered = sorted(
        enumerate(values),
        key=lambda item: (base_order.get(fold_header(item[1][0]), len(base_order)), item[0]),
    )
    return tuple(
        ValueColumn(
            column=header,
            offset=role.offset,
            period=role.period,
            row_fields=fold_header(header) in carriers,
        )
        for _, (header, role) in ordered
    )


def examples_of(table: SourceTable, index: int) -> str:
    """The first few different values of column ``index``, for recognising it: "95.9 · 78.5"."""
    seen: list[str] = []
    for row in table.rows[:_EXAMPLE_ROWS_SCANNED]:
        text = " ".join(row.cell(index).split())
        if text and text not in seen:
            seen.append(text)
            if len(seen) == _EXAMPLES:
                break
    return " · ".join(elide(text, _EXAMPLE_LIMIT) for text in seen)


def notes_for(mapping: ColumnMapping, header: str, role: ColumnRole) -> str:
    """What the base mapping says about this column beyond its role (for the notes column)."""
    folded = fold_header(header)
    if role.is_ignore:
        reason = next(
            (text for name, text in mapping.ignored_columns.items() if fold_header(name) == folded),
            "",
        )
        return reason[:1].upper() + reason[1:]
    if role.kind is RoleKind.AREA and mapping.comparator_rows is not None:
        rows = mapping.comparator_rows
        parts = [f"local area {', '.join(rows.local)}"]
        if rows.england:
            parts.append(f"England {', '.join(rows.england)}")
        if rows.region:
            parts.append(f"region {', '.join(rows.region)}")
        if rows.statistical_neighbours is None:
            parts.append("every other area a statistical neighbour")
        else:
            parts.append(f"statistical neighbours {', '.join(rows.statistical_neighbours)}")
        return "Rows: " + "; ".join(parts)
    native = role.field if role.kind is RoleKind.FIELD else NativeField.VALUE
    notes: list[str] = []
    if native is NativeField.PERIOD and mapping.period_format is not PeriodFormat.QUARTER:
        notes.append(f"Read as {mapping.period_format.value}")
    table = mapping.value_maps.get(native) if native is not None else None
    if table:
        pairs = ", ".join(
            f"{_shown(source)} → {_shown(target)}" for source, target in table.items()
        )
        notes.append(f"Read {pairs}")
    return "; ".join(notes)


def _shown(text: str) -> str:
    return f"“{text}”" if text else "blank"


# ------------------------------------------------------------------ Qt


@dataclass(frozen=True, slots=True)
class _SourceColumn:
    index: int
    header: str
    examples: str


class ColumnMappingModel(QAbstractTableModel):
    """The file's columns and their roles; see the module contract. Rows never move."""

    HEADER, EXAMPLES, ROLE, NOTES = range(4)
    _HEADERS = ("Column", "Examples", "Imported as", "Notes")
    _HEADER_TIPS = (
        "The column's header in the file.",
        "The first few different values in the column.",
        "What the column is imported as: click to choose.",
        "What the mapping says about the column besides.",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[_SourceColumn] = []
        self._roles: list[ColumnRole] = []
        self._choices: list[ColumnRole] = standard_choices(comparator_rows=False)
        self._base = ColumnMapping()

    # ------------------------------------------------------------ our API

    def set_table(self, table: SourceTable | None) -> None:
        """Show ``table``'s columns, every one not imported (a full reload)."""
        self.beginResetModel()
        self._columns = (
            []
            if table is None
            else [
                _SourceColumn(index, header, examples_of(table, index))
                for index, header in enumerate(table.headers)
            ]
        )
        self._roles = [IGNORE] * len(self._columns)
        self.endResetModel()

    def apply_mapping(self, mapping: ColumnMapping) -> RolesRead:
        """Give every column its role under ``mapping``, which becomes the base for notes."""
        read = roles_from_mapping(mapping, self.headers())
        self.beginResetModel()
        self._base = mapping
        self._roles = list(read.roles)
        self._choices = standard_choices(comparator_rows=mapping.comparator_rows is not None)
        # A role the mapping uses but the combo does not offer (a fixed period,
        # an offset beyond four quarters) is offered too, so it can be kept.
        for role in read.roles:
            if role not in self._choices:
                self._choices.append(role)
        self.endResetModel()
        return read

    def headers(self) -> list[str]:
        return [column.header for column in self._columns]

    def roles(self) -> list[ColumnRole]:
        return list(self._roles)

    def choices(self) -> list[ColumnRole]:
        return list(self._choices)

    def role_of(self, header: str) -> ColumnRole | None:
        """The role of the first column called ``header`` (case and spacing ignored)."""
        folded = fold_header(header)
        for column, role in zip(self._columns, self._roles, strict=True):
            if fold_header(column.header) == folded:
                return role
        return None

    def row_of(self, header: str) -> int:
        """The row of the first column called ``header``; ``KeyError`` if there is none."""
        folded = fold_header(header)
        for row, column in enumerate(self._columns):
            if fold_header(column.header) == folded:
                return row
        raise KeyError(header)

    def set_role(self, row: int, role: ColumnRole) -> bool:
        """Give column ``row`` the role ``role`` (one of ``choices()``), as the grid would."""
        if role not in self._choices:
            return False
        return self.setData(self.index(row, self.ROLE), self._choices.index(role))

    def mapping(self) -> ColumnMapping:
        """The mapping the grid describes; ``MappingError`` (plain words) if it cannot be made."""
        return mapping_from_roles(self._base, self.headers(), self._roles)

    # ------------------------------------------------------------ Qt overrides

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.row()]
        column_role = self._roles[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.column(), column, column_role)
        if role == Qt.ItemDataRole.EditRole and index.column() == self.ROLE:
            return self._choices.index(column_role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.column(), column, column_role)
        if role == Qt.ItemDataRole.FontRole and (
            (index.column() == self.HEADER and not column.header)
            or (index.column() == self.ROLE and column_role.is_ignore)
        ):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _display(self, section: int, column: _SourceColumn, role: ColumnRole) -> str:
        if section == self.HEADER:
            return column.header or f"(no header, column {column.index + 1})"
        if section == self.EXAMPLES:
            return column.examples
        if section == self.ROLE:
            return role.label
        return notes_for(self._base, column.header, role)

    def _tooltip(self, section: int, column: _SourceColumn, role: ColumnRole) -> str | None:
        if section == self.HEADER:
            if not column.header:
                return "A column with no header cannot be imported."
            return f"Column {column.index + 1} of the file."
        if section == self.ROLE:
            return role.explanation
        if section == self.NOTES:
            return notes_for(self._base, column.header, role) or None
        return column.examples or None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._HEADER_TIPS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        # A column without a header cannot be named in a mapping.
        if index.column() == self.ROLE and self._columns[index.row()].header:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.EditRole
            or index.column() != self.ROLE
            or not isinstance(value, int)
            or not 0 <= value < len(self._choices)
            or not self._columns[index.row()].header
        ):
            return False
        value = self._choices[value]
        if self._roles[index.row()] == value:
            return True
        self._roles[index.row()] = value
        first = self.index(index.row(), self.ROLE)
        last = self.index(index.row(), self.NOTES)
        self.dataChanged.emit(
            first,
            last,
            [
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.EditRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.FontRole,
            ],
        )
        return True


class ColumnRoleDelegate(QStyledItemDelegate):
    """Edits a column's role with a combo box of the model's choices; commits on each pick.

    The combo box's items carry the choice's number, never the role object:
    plain values are all that ever crosses into Qt.
    """

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,  # noqa: ARG002 - a combo box needs no style option
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        model = index.model()
        combo = QComboBox(parent)
        combo.setFrame(False)
        if isinstance(model, ColumnMappingModel):
            for number, choice in enumerate(model.choices()):
                combo.addItem(choice.label, number)
                combo.setItemData(number, choice.explanation, Qt.ItemDataRole.ToolTipRole)
        combo.activated.connect(self._on_combo_activated)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        number = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(number, int) and editor.currentIndex() != number:
            editor.setCurrentIndex(number)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentIndex(), Qt.ItemDataRole.EditRole)

    @Slot(int)
    def _on_combo_activated(self, _number: int) -> None:
        # Commit as soon as a role is picked: the grid shows the mapping as it is now.
        combo = self.sender()
        if isinstance(combo, QWidget):
            self.commitData.emit(combo)
