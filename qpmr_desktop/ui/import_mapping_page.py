"""The import dialog's second step: how the file's columns map to indicator values.

Contract:

* ``MappingPage.set_table(table)`` shows a newly read file's columns and picks
  the mapping to start from: of the saved mappings whose every named column
  is in the file, the one that accounts for most of its columns (imports
  them, or ignores them with a reason) — the shipped Hart mapping for a Hart
  file — unless the native format, recognised by ``guess_mapping`` (an
  ``indicator_ref`` and a ``value`` column), accounts for as many; otherwise
  the native guess, for the person to complete. What was chosen, and why, is
  said on the page.
* Saved mappings are listed by their "name": those shipped in
  ``resources/import-mappings`` and those saved in the user's
  ``import-mappings`` data folder; "Load mapping…" opens any other file, and
  "Save mapping…" writes the mapping as it now is (JSON, reusable with
  ``qpmr-desktop import-indicators --mapping``). A mapping file that cannot
  be read says why on the page and changes nothing.
* Each column's role is chosen in the grid (``ColumnMappingModel``). The
  mapping in effect is rebuilt on every change; what cannot be a mapping
  (``MappingError``: a role given twice, a contradiction) is shown in place,
  and ``mapping()`` is then None.
* The file's period ("Q1 2014/15", for a file without a period column — the
  GUI's ``--period``) is checked with ``Quarter.parse`` as it is typed; a bad
  one is shown in place and ``is_ready`` is False. It is never saved into the
  mapping: a saved mapping serves every quarter's file.
* ``changed`` is emitted whenever ``mapping()``, ``period()`` or
  ``is_ready`` may have changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop import paths
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.services.import_mapping import fold_header
from qpmr_desktop.services.indicator_import import (
    ColumnMapping,
    MappingError,
    NativeField,
    SourceTable,
    guess_mapping,
    load_mapping,
    save_mapping,
)
from qpmr_desktop.ui.import_mapping_model import (
    ColumnMappingModel,
    ColumnRoleDelegate,
    RoleKind,
    roles_from_mapping,
)

_log = logging.getLogger(__name__)

MAPPING_FILTER = "Import mappings (*.json);;All files (*)"
NATIVE_CHOICE = "Native format (columns named indicator_ref, period, value …)"
PROBLEM_STYLE = "color: #c62828;"
HINT_STYLE = "color: #505a5f;"


@dataclass(frozen=True, slots=True)
class SavedMapping:
    """A mapping file offered in the list: its name, and where it is."""

    name: str
    path: Path


def shipped_mappings_dir() -> Path:
    return paths.resources_dir() / "import-mappings"


def user_mappings_dir() -> Path:
    """Where "Save mapping…" suggests saving: the user's data folder (made on first save)."""
    return paths.user_data_dir() / "import-mappings"


def saved_mappings(folders: Sequence[Path]) -> list[SavedMapping]:
    """The readable mappings in ``folders`` by name; an unreadable one is logged and left out."""
    found: list[SavedMapping] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                mapping = load_mapping(path)
            except MappingError as error:
                _log.warning("Import mapping %s is not offered: %s", path, error)
                continue
            found.append(SavedMapping(mapping.name or path.stem, path))
    return found


def mapping_fits(mapping: ColumnMapping, table: SourceTable) -> bool:
    """True when every column ``mapping`` names is in ``table`` (and it names at least one)."""
    read = roles_from_mapping(mapping, table.headers)
    return not read.missing and any(not role.is_ignore for role in read.roles)


def mapping_coverage(mapping: ColumnMapping, table: SourceTable) -> int:
    """How many of ``table``'s columns ``mapping`` imports or ignores with a reason."""
    read = roles_from_mapping(mapping, table.headers)
    ignored = {fold_header(header) for header in mapping.ignored_columns}
    return sum(
        1
        for header, role in zip(table.headers, read.roles, strict=True)
        if not role.is_ignore or fold_header(header) in ignored
    )


def is_native(mapping: ColumnMapping) -> bool:
    return NativeField.INDICATOR_REF in mapping.columns and NativeField.VALUE in mapping.columns


def period_needed(mapping: ColumnMapping) -> bool:
    """True when neither the file's columns nor the mapping say which quarter the figures are for.

    The same test the preview makes; asking here saves a round trip to learn it.
    """
    given = {*mapping.columns, *mapping.constants}
    if NativeField.PERIOD in given or mapping.period is not None:
        return False
    return not mapping.value_columns or any(each.period is None for each in mapping.value_columns)


def extras_text(mapping: ColumnMapping) -> str:
    """What the mapping sets besides the grid, in a sentence ("" when nothing)."""
    parts = [f"{native.value} “{text}” for every row" for native, text in mapping.constants.items()]
    if mapping.indicators:
        count = len(mapping.indicators)
        parts.append(f"settings for {count} indicator{'s' if count != 1 else ''} it may create")
    defaults = [
        setting.name.replace("_", " ")
        for setting in fields(mapping.defaults)
        if getattr(mapping.defaults, setting.name) is not None
    ]
    if defaults:
        parts.append("defaults for new indicators (" + ", ".join(defaults) + ")")
    if not parts:
        return ""
    return "The mapping also sets " + "; ".join(parts) + "."


class MappingPage(QWidget):
    """Step 2 of the import: choose or adjust the column mapping; see the module contract."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        mapping_folders: Sequence[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self._folders = (
            list(mapping_folders)
            if mapping_folders is not None
            else [shipped_mappings_dir(), user_mappings_dir()]
        )
        self._table: SourceTable | None = None
        self._mapping: ColumnMapping | None = None
        self._loaded_from: ColumnMapping = ColumnMapping()
        self._period: Quarter | None = None
        self._period_ok = True
        self._period_problem = ""
        self._mapping_problem = ""
        self._combo_index = 0
        self._build_chooser()
        self._build_grid()
        self._build_period()

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Start from:", self))
        chooser.addWidget(self.mapping_combo)
        chooser.addWidget(self.load_button)
        chooser.addWidget(self.save_button)
        chooser.addStretch(1)
        period_row = QHBoxLayout()
        period_row.addWidget(self.period_edit)
        period_row.addWidget(self.period_hint, 1)
        form = QFormLayout()
        form.addRow("Period of the file:", period_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chooser)
        layout.addWidget(self.about_label)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.extras_label)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)

        self._fill_combo()
        self.mapping_combo.activated.connect(self._on_mapping_combo_activated)
        self.load_button.clicked.connect(self._on_load_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.period_edit.textChanged.connect(self._on_period_edit_text_changed)
        self._refresh()

    def _build_chooser(self) -> None:
        self.mapping_combo = QComboBox(self)
        self.mapping_combo.setObjectName("mapping_combo")
        self.mapping_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.load_button = QPushButton("Load mapping…", self)
        self.load_button.setObjectName("load_mapping")
        self.save_button = QPushButton("Save mapping…", self)
        self.save_button.setObjectName("save_mapping")
        self.save_button.setToolTip(
            "Save the mapping as it is now, to use again for files laid out like this one."
        )
        self.about_label = QLabel(self)
        self.about_label.setObjectName("mapping_about")
        self.about_label.setWordWrap(True)
        self.about_label.setTextFormat(Qt.TextFormat.PlainText)

    def _build_grid(self) -> None:
        self.model = ColumnMappingModel(self)
        self.grid = QTableView(self)
        self.grid.setObjectName("mapping_grid")
        self.grid.setModel(self.model)
        self.grid.setItemDelegateForColumn(ColumnMappingModel.ROLE, ColumnRoleDelegate(self.grid))
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.verticalHeader().hide()
        self.grid.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height() + 2)
        header = self.grid.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ColumnMappingModel.HEADER, 110)
        header.resizeSection(ColumnMappingModel.EXAMPLES, 230)
        header.resizeSection(ColumnMappingModel.ROLE, 200)

    def _build_period(self) -> None:
        self.period_edit = QLineEdit(self)
        self.period_edit.setObjectName("period_edit")
        self.period_edit.setPlaceholderText("such as Q1 2014/15")
        self.period_edit.setClearButtonEnabled(True)
        self.period_edit.setFixedWidth(self.period_edit.fontMetrics().horizontalAdvance("M" * 16))
        self.period_hint = QLabel(self)
        self.period_hint.setObjectName("period_hint")
        self.period_hint.setWordWrap(True)
        self.extras_label = QLabel(self)
        self.extras_label.setObjectName("mapping_extras")
        self.extras_label.setWordWrap(True)
        self.extras_label.setStyleSheet(HINT_STYLE)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("mapping_problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.hide()

    # ------------------------------------------------------------ our API

    def set_table(self, table: SourceTable) -> None:
        """Show ``table``'s columns with the best mapping to start from (see the module)."""
        self._table = table
        self.model.set_table(table)
        guess = guess_mapping(table)
        best: tuple[int, int, ColumnMapping] | None = None  # coverage, combo entry, mapping
        for number in range(1, self.mapping_combo.count()):
            path = self.mapping_combo.itemData(number)
            if not isinstance(path, Path):
                continue
            try:
                mapping = load_mapping(path)
            except MappingError as error:
                _log.warning("Import mapping %s skipped: %s", path, error)
                continue
            if mapping_fits(mapping, table):
                coverage = mapping_coverage(mapping, table)
                if best is None or coverage > best[0]:
                    best = (coverage, number, mapping)
        native = is_native(guess)
        # The native guess wins a tie: its column names say what they are.
        if best is not None and (not native or best[0] > mapping_coverage(guess, table)):
            self._use(
                best[2],
                combo_index=best[1],
                why="Chosen because the file has every column it names.",
            )
        elif native:
            self._use(guess, combo_index=0, why="The columns are in the native format.")
        else:
            self._use(
                guess,
                combo_index=0,
                why="No saved mapping fits this file: choose what each column is imported as.",
            )

    def mapping(self) -> ColumnMapping | None:
        """The mapping in effect, or None while the grid cannot make one."""
        return self._mapping

    def period(self) -> Quarter | None:
        """The period typed for the file (None: none typed, not a period, or not asked for)."""
        if not self.period_edit.isEnabled() or not self._period_ok:
            return None
        return self._period

    @property
    def is_ready(self) -> bool:
        """True when the mapping and the period are both usable for a preview."""
        if self._table is None or self._mapping is None:
            return False
        if not self.period_edit.isEnabled():
            return True
        return self._period_ok and not (self._period is None and period_needed(self._mapping))

    @property
    def problem(self) -> str:
        """What stops a preview, in plain words ("" when nothing)."""
        return self.problem_label.text()

    def set_period_text(self, text: str) -> None:
        self.period_edit.setText(text)

    def use_mapping_file(self, path: Path) -> bool:
        """Start from the mapping saved in ``path``; False (and the reason shown) if unreadable."""
        try:
            mapping = load_mapping(path)
        except MappingError as error:
            self.mapping_combo.setCurrentIndex(self._combo_index)
            self._show_problem(str(error))
            return False
        number = self._combo_entry(mapping.name or path.stem, path)
        self._use(mapping, combo_index=number, why=f"Loaded from {path.name}.")
        return True

    def save_to(self, path: Path) -> bool:
        """Save the mapping in effect to ``path``; False (and the reason shown) if it cannot be."""
        mapping = self._mapping
        if mapping is None:
            return False
        if mapping != self._loaded_from or not mapping.name or mapping.name == "Native format":
            # An edited mapping is a new one: named after its file in the list.
            mapping = replace(mapping, name=path.stem)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_mapping(mapping, path)
        except OSError as error:
            self._show_problem(
                f"The mapping could not be saved to {path}: {error.strerror or error}. "
                "Choose another folder."
            )
            return False
        self._loaded_from = mapping
        self._mapping = mapping
        self.model.apply_mapping(mapping)
        self._combo_index = self._combo_entry(mapping.name, path)
        self.mapping_combo.setCurrentIndex(self._combo_index)
        self.about_label.setText(f"Saved to {path}.")
        self._refresh()
        return True

    # ------------------------------------------------------------ slots

    @Slot(int)
    def _on_mapping_combo_activated(self, number: int) -> None:
        if self._table is None:
            return
        path = self.mapping_combo.itemData(number)
        if isinstance(path, Path):
            self.use_mapping_file(path)
        else:
            self._use(guess_mapping(self._table), combo_index=0, why="")

    @Slot()
    def _on_load_button_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Load Import Mapping", str(user_mappings_dir()), MAPPING_FILTER
        )
        if chosen:
            self.use_mapping_file(Path(chosen))

    @Slot()
    def _on_save_button_clicked(self) -> None:
        mapping = self._mapping
        if mapping is None:
            return
        suggested = user_mappings_dir() / f"{_file_name(mapping.name) or 'import-mapping'}.json"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save Import Mapping", str(suggested), MAPPING_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.casefold() != ".json":
            path = path.with_name(path.name + ".json")
        self.save_to(path)

    @Slot(QModelIndex, QModelIndex, list)
    def _on_model_data_changed(
        self,
        _top_left: QModelIndex | QPersistentModelIndex,
        _bottom_right: QModelIndex | QPersistentModelIndex,
        _roles: list[int],
    ) -> None:
        self._rebuild()

    @Slot()
    def _on_model_model_reset(self) -> None:
        # Combo boxes always shown: the grid is a form, and what can be
        # changed should look changeable.
        for row in range(self.model.rowCount()):
            index = self.model.index(row, ColumnMappingModel.ROLE)
            if self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.grid.openPersistentEditor(index)

    @Slot(str)
    def _on_period_edit_text_changed(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._period, self._period_ok = None, True
        else:
            try:
                self._period, self._period_ok = Quarter.parse(text), True
            except PeriodError as error:
                self._period, self._period_ok = None, False
                self._period_problem = str(error)
        self._refresh()

    # ------------------------------------------------------------ helpers

    def _fill_combo(self) -> None:
        self.mapping_combo.clear()
        self.mapping_combo.addItem(NATIVE_CHOICE, None)
        for saved in saved_mappings(self._folders):
            self.mapping_combo.addItem(saved.name, saved.path)
            self.mapping_combo.setItemData(
                self.mapping_combo.count() - 1, str(saved.path), Qt.ItemDataRole.ToolTipRole
            )

    def _combo_entry(self, name: str, path: Path) -> int:
        """The combo's entry for ``path``, added when it is not listed yet."""
        for number in range(self.mapping_combo.count()):
            data = self.mapping_combo.itemData(number)
            if isinstance(data, Path) and data.resolve() == path.resolve():
                self.mapping_combo.setItemText(number, name)
                return number
        self.mapping_combo.addItem(name, path)
        number = self.mapping_combo.count() - 1
        self.mapping_combo.setItemData(number, str(path), Qt.ItemDataRole.ToolTipRole)
        return number

    def _use(self, mapping: ColumnMapping, *, combo_index: int, why: str) -> None:
        self._combo_index = combo_index
        self.mapping_combo.setCurrentIndex(combo_index)
        read = self.model.apply_mapping(mapping)
        self._loaded_from = mapping
        about = mapping.description
        first_sentence = about.split(". ")[0].rstrip(".") + "." if about else ""
        text = " ".join(part for part in (why, first_sentence) if part)
        if read.missing:
            names = ", ".join(f"“{name}”" for name in read.missing)
            text += f" The mapping names columns this file does not have, left out: {names}."
        self.about_label.setText(text)
        self.about_label.setToolTip(about)
        self._rebuild()

    def _rebuild(self) -> None:
        try:
            self._mapping = self.model.mapping() if self._table is not None else None
            self._mapping_problem = ""
        except MappingError as error:
            self._mapping = None
            self._mapping_problem = str(error)
        self._refresh()

    def _refresh(self) -> None:
        mapping = self._mapping
        self.extras_label.setText(extras_text(mapping) if mapping is not None else "")
        self.extras_label.setVisible(bool(self.extras_label.text()))
        period_column = next(
            (
                header
                for header, role in zip(self.model.headers(), self.model.roles(), strict=True)
                if role.kind is RoleKind.FIELD and role.field is NativeField.PERIOD
            ),
            None,
        )
        self.period_edit.setEnabled(period_column is None)
        if period_column is not None:
            self.period_hint.setText(
                f"Not needed: the column “{period_column}” gives each row's period."
            )
        elif mapping is not None and mapping.period is not None:
            self.period_hint.setText(
                f"The mapping says {mapping.period.label}; type another quarter to override it."
            )
        elif mapping is None or period_needed(mapping):
            self.period_hint.setText(
                "Needed: the file has no period column, so type the quarter its figures are for."
            )
        else:
            self.period_hint.setText("Not needed: each value column has its own period.")
        problems = [
            text
            for text in (
                self._mapping_problem,
                "" if self._period_ok or period_column else self._period_problem,
            )
            if text
        ]
        self._show_problem(" ".join(problems))
        self.save_button.setEnabled(mapping is not None)
        self.changed.emit()

    def _show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))


def _file_name(name: str) -> str:
    """A mapping's name as a file name: "Hart KPI tiles" → "hart-kpi-tiles"."""
    kept = "".join(char if char.isalnum() else " " for char in name.casefold())
    return "-".join(kept.split())[:60]
