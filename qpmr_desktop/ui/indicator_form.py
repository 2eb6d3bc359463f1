"""The form that adds or edits an indicator, with its targets for each financial year.

Contract:

- ``IndicatorFormDialog`` edits every field of ``IndicatorDraft`` (ref, name,
  theme — an editable list of the council's themes, unit, polarity in words,
  frequency, measure type, decimal places, default tolerance and its kind,
  lead service, owner, data source, definition, notes) on its first page, and
  the targets per financial year (target, floor, tolerance and its kind) on
  the second. It starts from ``detail`` (editing) or blank (adding).
- As the person types (after a short pause) the draft is checked with
  ``services.indicator_editing.validate_indicator_draft`` and the targets
  with ``validate_target_changes`` (for an indicator that exists) and by
  reading their figures; each problem is shown under its field, in words
  ("✖" an error, "⚠" a warning: colour is never the only sign). A new
  form shows a field's problems once the field has been touched. OK is
  disabled while any error remains; warnings do not stop it.
- The dialog writes nothing. ``draft()`` is the whole draft,
  ``indicator_changes()`` the fields that differ from ``detail``, and
  ``target_changes()`` each year whose settings differ, with the version the
  form started from (None for a new year): the tab turns them into undo
  commands.
- All text is plain: names and messages show verbatim, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.performance import Frequency, MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import MAX_YEAR, MIN_YEAR, financial_year_label
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.domain.value_parsing import ValueParseError, parse_number
from qpmr_desktop.services.read_models import (
    FieldProblem,
    IndicatorDetail,
    IndicatorDraft,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.chips import AMBER, RED
from qpmr_desktop.ui.value_delegates import edit_text, parse_figure

__all__ = ["VALIDATION_PAUSE_MS", "IndicatorFormDialog", "TargetChange"]

VALIDATION_PAUSE_MS: Final = 250
_DRAFT_FIELDS: Final = tuple(field.name for field in fields(IndicatorDraft))
# As ``indicator_editing.MAX_DECIMALS`` (the service checks it too); not imported from
# there, because that module brings SQLAlchemy and this one is imported at start-up.
_MAX_DECIMALS: Final = 4
_UNIT_WORDS: Final = {
    Unit.COUNT: "Count (1,875)",
    Unit.PERCENTAGE: "Percentage (62.5%)",
    Unit.RATE_PER_1000: "Rate per 1,000",
    Unit.RATE_PER_10000: "Rate per 10,000",
    Unit.RATE_PER_100000: "Rate per 100,000",
    Unit.DAYS: "Days",
    Unit.WEEKS: "Weeks",
    Unit.POUNDS: "Money (£1.2m)",
}
_KIND_WORDS: Final = {
    ToleranceKind.ABSOLUTE: "in the indicator's unit",
    ToleranceKind.PERCENT: "percent of the target",
}
_TARGET_COLUMNS: Final = ("Year", "Target", "Floor", "Tolerance", "Tolerance kind")
_YEAR, _TARGET, _FLOOR, _TOLERANCE, _KIND = range(5)
_DEFAULT_KIND = "as the indicator"


@dataclass(frozen=True, slots=True)
class TargetChange:
    """A year's target settings to save: ``expected_version`` None for a year not yet set."""

    year: int
    changes: Mapping[str, object]
    expected_version: int | None


class _ProblemLabel(QLabel):
    """The problems of one field, in words, under it; hidden when there are none."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        # As wide as the field above it (the form grows only expanding fields).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.hide()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        if not problems:
            self.clear()
            self.hide()
            return
        errors = [p for p in problems if p.severity is Severity.ERROR]
        lines = [f"✖ {p.message}" for p in errors]
        lines += [f"⚠ {p.message}" for p in problems if p.severity is Severity.WARNING]
        self.setText("\n".join(lines))
        self.setStyleSheet(f"color: {RED if errors else AMBER};")
        self.show()


class IndicatorFormDialog(QDialog):
    """Add or edit one indicator; see the module contract."""

    def __init__(
        self,
        *,
        workspace: Workspace,
        themes: Sequence[str],
        detail: IndicatorDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("indicator_form")
        self._workspace = workspace
        self._detail = detail
        self._touched: set[str] = set()
        self._problems: list[FieldProblem] = []
        self._target_problems: list[str] = []
        self._has_target_errors = False
        ref = detail.ref if detail is not None else ""
        self.setWindowTitle(f"Edit Indicator {ref}" if detail else "New Indicator")
        self.setMinimumWidth(560)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATION_PAUSE_MS)
        self._timer.timeout.connect(self.validate_now)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_fields_page(themes), "&Indicator")
        self.tabs.addTab(self._build_targets_page(), "&Targets by year")

        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add Indicator" if detail is None else "Save")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self._load(detail)
        self._connect_edits()
        self.validate_now()

    # ------------------------------------------------------------ our API

    @property
    def problems(self) -> list[FieldProblem]:
        """Every problem found by the last check (the draft's and the targets' figures)."""
        return list(self._problems)

    def problem_text(self, field: str) -> str:
        """What is shown under ``field`` now ("" when nothing is)."""
        label = self._labels[field]
        return label.text() if not label.isHidden() else ""

    def draft(self) -> IndicatorDraft:
        """The draft as typed (tolerance unreadable as a number counts as none)."""
        tolerance, _ = self._tolerance()
        return IndicatorDraft(
            ref=self.ref_edit.text(),
            name=self.name_edit.text(),
            theme=self.theme_combo.currentText(),
            unit=Unit(self.unit_combo.currentData()),
            polarity=Polarity(self.polarity_combo.currentData()),
            frequency=Frequency(self.frequency_combo.currentData()),
            measure_type=MeasureType(self.measure_combo.currentData()),
            decimals=self.decimals_spin.value(),
            tolerance=tolerance,
            tolerance_kind=ToleranceKind(self.tolerance_kind_combo.currentData()),
            lead_service=self.lead_service_edit.text(),
            owner=self.owner_edit.text(),
            source=self.source_edit.text(),
            definition=self.definition_edit.toPlainText(),
            notes=self.notes_edit.toPlainText(),
        )

    def indicator_changes(self) -> dict[str, object]:
        """The draft fields that differ from the indicator being edited (all, for a new one)."""
        draft = self.draft()
        new = {name: getattr(draft, name) for name in _DRAFT_FIELDS}
        if self._detail is None:
            return new
        old = self._detail.draft
        # Single lines are stored stripped: spaces typed around them are no change.
        return {
            name: value
            for name, value in new.items()
            if _normalised(name, value) != _normalised(name, getattr(old, name))
        }

    def target_changes(self) -> list[TargetChange]:
        """Each year whose target settings differ from what the form started with."""
        existing = {} if self._detail is None else {t.year: t for t in self._detail.targets}
        result = []
        for year, values in self._target_rows():
            old = existing.get(year)
            before: dict[str, object] = (
                {"target": None, "floor": None, "tolerance": None, "tolerance_kind": None}
                if old is None
                else {
                    "target": old.target,
                    "floor": old.floor,
                    "tolerance": old.tolerance,
                    "tolerance_kind": old.tolerance_kind,
                }
            )
            changes = {name: value for name, value in values.items() if before[name] != value}
            if changes:
                result.append(TargetChange(year, changes, None if old is None else old.version))
        return result

    def add_target_year(self, year: int | None = None) -> int:
        """Add a row for ``year`` (default: the year after the last); its row number."""
        if year is None:
            years = [year for year, _ in self._target_rows(strict=False)]
            year = max(years) + 1 if years else self._default_year()
        row = self.targets_table.rowCount()
        self.targets_table.insertRow(row)
        self._set_target_row(row, year, target=None, floor=None, tolerance=None, kind=None)
        self.targets_table.setCurrentCell(row, _TARGET)
        return row

    def validate_now(self) -> None:
        """Check the whole form now and show what is wrong (see the module)."""
        from qpmr_desktop.services.indicator_editing import (  # noqa: PLC0415 - see _MAX_DECIMALS
            validate_indicator_draft,
        )

        self._timer.stop()
        draft_problems: list[FieldProblem] = []
        _, tolerance_problem = self._tolerance()
        if tolerance_problem is not None:
            draft_problems.append(FieldProblem("tolerance", tolerance_problem))
        draft_problems += validate_indicator_draft(
            workspace=self._workspace,
            draft=self.draft(),
            indicator_id=None if self._detail is None else self._detail.id,
        )
        self._problems = draft_problems
        # The tolerance's label also shows its kind's problems.
        fields_of = {"tolerance": {"tolerance", "tolerance_kind"}}
        for field, label in self._labels.items():
            if field == "tolerance_kind":
                continue
            shown = field in self._touched or self._detail is not None
            wanted = fields_of.get(field, {field})
            label.show_problems([p for p in draft_problems if p.field in wanted] if shown else [])
        self._check_targets()
        errors = [p for p in draft_problems if p.severity is Severity.ERROR]
        self.ok_button.setEnabled(not errors and not self._has_target_errors)
        self._show_summary(errors)

    # ------------------------------------------------------------ slots

    def _on_buttons_accepted(self) -> None:
        self.validate_now()
        if self.ok_button.isEnabled():
            self.accept()

    def _on_add_year_clicked(self) -> None:
        self.add_target_year()
        self._on_field_edited("targets")

    def _on_field_edited(self, field: str) -> None:
        self._touched.add(field)
        self._timer.start()

    # ------------------------------------------------------------ building

    def _build_fields_page(self, themes: Sequence[str]) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._labels: dict[str, _ProblemLabel] = {}

        self.ref_edit = QLineEdit(page)
        self.ref_edit.setPlaceholderText("CLA-01")
        self.name_edit = QLineEdit(page)
        self.name_edit.setPlaceholderText("Children Looked After")
        self.theme_combo = QComboBox(page)
        self.theme_combo.setEditable(True)
        self.theme_combo.addItems(list(themes))
        self.theme_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.theme_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.unit_combo = _enum_combo(page, [(unit.value, _UNIT_WORDS[unit]) for unit in Unit])
        self.polarity_combo = _enum_combo(page, [(p.value, p.label) for p in Polarity])
        self.frequency_combo = _enum_combo(
            page, [(f.value, f.value.capitalize()) for f in Frequency]
        )
        self.measure_combo = _enum_combo(
            page, [(m.value, m.value.capitalize()) for m in MeasureType]
        )
        self.decimals_spin = QSpinBox(page)
        self.decimals_spin.setRange(0, _MAX_DECIMALS)
        self.decimals_spin.setMinimumWidth(64)
        self.decimals_spin.setToolTip("Decimal places shown, and judged at")
        self.tolerance_edit = QLineEdit(page)
        self.tolerance_edit.setPlaceholderText("none")
        self.tolerance_kind_combo = _enum_combo(
            page, [(kind.value, _KIND_WORDS[kind]) for kind in ToleranceKind]
        )
        tolerance_row = QWidget(page)
        tolerance_layout = QHBoxLayout(tolerance_row)
        tolerance_layout.setContentsMargins(0, 0, 0, 0)
        tolerance_layout.addWidget(self.tolerance_edit, 1)
        tolerance_layout.addWidget(self.tolerance_kind_combo, 1)
        self.lead_service_edit = QLineEdit(page)
        self.owner_edit = QLineEdit(page)
        self.source_edit = QLineEdit(page)
        self.definition_edit = _short_text(page, "How the figure is defined and counted")
        self.notes_edit = _short_text(page, "Anything else worth knowing")

        for field, label, widget in (
            ("ref", "&Ref", self.ref_edit),
            ("name", "&Name", self.name_edit),
            ("theme", "T&heme", self.theme_combo),
            ("unit", "&Unit", self.unit_combo),
            ("polarity", "&Polarity", self.polarity_combo),
            ("frequency", "&Frequency", self.frequency_combo),
            ("measure_type", "&Measure", self.measure_combo),
            ("decimals", "&Decimal places", self.decimals_spin),
            ("tolerance", "Default &tolerance", tolerance_row),
            ("lead_service", "&Lead service", self.lead_service_edit),
            ("owner", "&Owner", self.owner_edit),
            ("source", "Data &source", self.source_edit),
            ("definition", "D&efinition", self.definition_edit),
            ("notes", "N&otes", self.notes_edit),
        ):
            form.addRow(label, widget)
            problems = _ProblemLabel(page)
            problems.setObjectName(f"problem_{field}")
            form.addRow("", problems)
            self._labels[field] = problems
        self._labels["tolerance_kind"] = self._labels["tolerance"]
        return page

    def _build_targets_page(self) -> QWidget:
        page = QWidget(self)
        self.targets_table = QTableWidget(0, len(_TARGET_COLUMNS), page)
        self.targets_table.setObjectName("indicator_targets")
        self.targets_table.setHorizontalHeaderLabels(list(_TARGET_COLUMNS))
        self.targets_table.verticalHeader().setVisible(False)
        self.targets_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        add = QPushButton("&Add Year", page)
        add.setToolTip("Add the targets for the next financial year")
        add.clicked.connect(self._on_add_year_clicked)
        self.targets_problems = QLabel(page)
        self.targets_problems.setObjectName("problem_targets")
        self.targets_problems.setTextFormat(Qt.TextFormat.PlainText)
        self.targets_problems.setWordWrap(True)
        note = QLabel(
            "A quarter's own target, typed in the values grid, comes before its year's. "
            "Leave the tolerance empty to use the indicator's default.",
            page,
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        layout = QVBoxLayout(page)
        layout.addWidget(self.targets_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.targets_problems)
        layout.addWidget(note)
        return page

    def _load(self, detail: IndicatorDetail | None) -> None:
        draft = detail.draft if detail is not None else None
        if draft is None:
            self.theme_combo.setCurrentIndex(-1)
            self.theme_combo.setEditText("")
            _choose(self.polarity_combo, Polarity.HIGHER_IS_BETTER.value)
            return
        self.ref_edit.setText(draft.ref)
        self.name_edit.setText(draft.name)
        self.theme_combo.setEditText(draft.theme)
        _choose(self.unit_combo, draft.unit.value)
        _choose(self.polarity_combo, draft.polarity.value)
        _choose(self.frequency_combo, draft.frequency.value)
        _choose(self.measure_combo, draft.measure_type.value)
        self.decimals_spin.setValue(draft.decimals)
        self.tolerance_edit.setText(_plain_number(draft.tolerance))
        _choose(self.tolerance_kind_combo, draft.tolerance_kind.value)
        self.lead_service_edit.setText(draft.lead_service)
        self.owner_edit.setText(draft.owner)
        self.source_edit.setText(draft.source)
        self.definition_edit.setPlainText(draft.definition)
        self.notes_edit.setPlainText(draft.notes)
        assert detail is not None
        for target in detail.targets:
            row = self.targets_table.rowCount()
            self.targets_table.insertRow(row)
            self._set_target_row(
                row,
                target.year,
                target=target.target,
                floor=target.floor,
                tolerance=target.tolerance,
                kind=target.tolerance_kind,
            )

    def _connect_edits(self) -> None:
        for field, edit in (
            ("ref", self.ref_edit),
            ("name", self.name_edit),
            ("tolerance", self.tolerance_edit),
            ("lead_service", self.lead_service_edit),
            ("owner", self.owner_edit),
            ("source", self.source_edit),
        ):
            edit.textEdited.connect(lambda _text, f=field: self._on_field_edited(f))
        self.theme_combo.editTextChanged.connect(lambda _text: self._on_field_edited("theme"))
        for field, combo in (
            ("unit", self.unit_combo),
            ("polarity", self.polarity_combo),
            ("frequency", self.frequency_combo),
            ("measure_type", self.measure_combo),
            ("tolerance", self.tolerance_kind_combo),
        ):
            combo.currentIndexChanged.connect(lambda _i, f=field: self._on_field_edited(f))
        self.decimals_spin.valueChanged.connect(lambda _v: self._on_field_edited("decimals"))
        self.definition_edit.textChanged.connect(lambda: self._on_field_edited("definition"))
        self.notes_edit.textChanged.connect(lambda: self._on_field_edited("notes"))
        self.targets_table.itemChanged.connect(lambda _item: self._on_field_edited("targets"))

    # ------------------------------------------------------------ targets

    def _set_target_row(
        self,
        row: int,
        year: int,
        *,
        target: float | None,
        floor: float | None,
        tolerance: float | None,
        kind: ToleranceKind | None,
    ) -> None:
        unit = Unit(self.unit_combo.currentData())
        year_item = QTableWidgetItem(financial_year_label(year))
        year_item.setData(Qt.ItemDataRole.UserRole, year)
        year_item.setFlags(year_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        blocked = self.targets_table.blockSignals(True)
        try:
            self.targets_table.setItem(row, _YEAR, year_item)
            self.targets_table.setItem(row, _TARGET, QTableWidgetItem(edit_text(target, unit)))
            self.targets_table.setItem(row, _FLOOR, QTableWidgetItem(edit_text(floor, unit)))
            self.targets_table.setItem(row, _TOLERANCE, QTableWidgetItem(_plain_number(tolerance)))
        finally:
            self.targets_table.blockSignals(blocked)
        combo = QComboBox(self.targets_table)
        combo.addItem(_DEFAULT_KIND, "")
        for choice in ToleranceKind:
            combo.addItem(_KIND_WORDS[choice], choice.value)
        _choose(combo, "" if kind is None else kind.value)
        combo.currentIndexChanged.connect(lambda _i: self._on_field_edited("targets"))
        self.targets_table.setCellWidget(row, _KIND, combo)

    def _target_rows(self, *, strict: bool = True) -> list[tuple[int, dict[str, object]]]:
        """(year, settings) of each row; ``ValueError`` for unreadable figures when strict."""
        unit = Unit(self.unit_combo.currentData())
        rows = []
        for row in range(self.targets_table.rowCount()):
            year_item = self.targets_table.item(row, _YEAR)
            year = year_item.data(Qt.ItemDataRole.UserRole) if year_item else None
            if not isinstance(year, int):
                continue
            values: dict[str, object] = {}
            for column, name in ((_TARGET, "target"), (_FLOOR, "floor")):
                item = self.targets_table.item(row, column)
                text = item.text() if item is not None else ""
                try:
                    values[name] = parse_figure(text, unit).value
                except ValueParseError:
                    if strict:
                        raise
                    values[name] = None
            tolerance_item = self.targets_table.item(row, _TOLERANCE)
            try:
                values["tolerance"] = _read_tolerance(
                    tolerance_item.text() if tolerance_item else ""
                )
            except ValueParseError:
                if strict:
                    raise
                values["tolerance"] = None
            combo = self.targets_table.cellWidget(row, _KIND)
            kind = combo.currentData() if isinstance(combo, QComboBox) else ""
            values["tolerance_kind"] = ToleranceKind(kind) if kind else None
            rows.append((year, values))
        return rows

    def _check_targets(self) -> None:
        from qpmr_desktop.services.indicator_editing import (  # noqa: PLC0415 - see _MAX_DECIMALS
            validate_target_changes,
        )

        lines: list[str] = []
        errors = False
        unit = Unit(self.unit_combo.currentData())
        for row in range(self.targets_table.rowCount()):
            year_item = self.targets_table.item(row, _YEAR)
            label = year_item.text() if year_item is not None else "?"
            for column, name in ((_TARGET, "target"), (_FLOOR, "floor"), (_TOLERANCE, "tolerance")):
                item = self.targets_table.item(row, column)
                text = item.text() if item is not None else ""
                try:
                    if column == _TOLERANCE:
                        _read_tolerance(text)
                    else:
                        parse_figure(text, unit)
                except ValueParseError as error:
                    lines.append(f"✖ {label} {name}: {error}")
                    errors = True
        if not errors and self._detail is not None:
            for change in self.target_changes():
                for problem in validate_target_changes(
                    workspace=self._workspace,
                    indicator_id=self._detail.id,
                    year=change.year,
                    changes=change.changes,
                ):
                    mark = "✖" if problem.severity is Severity.ERROR else "⚠"
                    errors = errors or problem.severity is Severity.ERROR
                    lines.append(f"{mark} {financial_year_label(change.year)}: {problem.message}")
        self._has_target_errors = errors
        self.targets_problems.setText("\n".join(lines))
        self.targets_problems.setStyleSheet(f"color: {RED if errors else AMBER};")

    def _default_year(self) -> int:
        from qpmr_desktop.ui.indicator_values_model import today_quarter  # noqa: PLC0415

        return min(max(today_quarter().year, MIN_YEAR), MAX_YEAR)

    # ------------------------------------------------------------ internals

    def _tolerance(self) -> tuple[float | None, str | None]:
        """The default tolerance typed, and why it cannot be read (None when it can)."""
        try:
            return _read_tolerance(self.tolerance_edit.text()), None
        except ValueParseError as error:
            return None, f"{error}: type a number such as 5, or leave it empty for none."

    def _show_summary(self, errors: Sequence[FieldProblem]) -> None:
        if self._has_target_errors:
            self.summary.setText("Put right the targets marked ✖ on the Targets page.")
        elif errors and self._detail is None and not self._touched:
            self.summary.setText("Give the indicator a ref, a name and a theme to add it.")
        elif errors:
            count = len(errors)
            self.summary.setText(
                f"{count} thing{'s' if count != 1 else ''} to put right before saving (✖)."
            )
        else:
            self.summary.clear()


def _enum_combo(parent: QWidget, items: Sequence[tuple[str, str]]) -> QComboBox:
    combo = QComboBox(parent)
    for value, words in items:
        combo.addItem(words, value)
    return combo


def _choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


def _short_text(parent: QWidget, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
    return edit


def _read_tolerance(text: str) -> float | None:
    """A tolerance as typed ("5", "5%", "2.5"); None when empty."""
    if not text.strip():
        return None
    parsed = parse_number(text)
    if parsed.value is None or not math.isfinite(parsed.value):
        raise ValueParseError(f"{text!r} is not a number")
    return parsed.value


def _plain_number(value: float | None) -> str:
    return "" if value is None else edit_text(value, Unit.COUNT)


_SINGLE_LINES: Final = frozenset({"ref", "name", "theme", "lead_service", "owner", "source"})


def _normalised(field: str, value: object) -> object:
    return value.strip() if field in _SINGLE_LINES and isinstance(value, str) else value
