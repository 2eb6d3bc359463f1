"""File → Settings…: the database settings the papers print with, and this person's preferences.

Contract:

- ``SettingsDialog`` shows two groups. "Council papers" holds the database
  settings (``services.settings.SETTINGS``: the council's name, its logo,
  the day actions are judged on), which everyone who opens the database
  shares; "Your preferences" holds what belongs to this person on this
  computer (``ui.settings.Preferences``): "my name" for the Actions tab's
  "my actions", and the minutes editor's standard phrases for each kind of
  point, one per line.
- The fields start from ``list_settings`` (with the versions seen) and the
  preferences. As a field is left, the service's ``validate_setting`` checks
  it and its problems show under it: errors in red, warnings (a logo file
  that is not there yet) in plain words. OK saves: every database setting
  whose value changed goes through ``set_setting`` (validated again, version
  checked, audited by the service); an empty value for a setting that has
  a stored one goes back to its default with ``reset_setting``. Any error
  keeps the dialog open with the field named and nothing lost; a conflict
  (someone else saved meanwhile) says so and shows their values. Only after
  the database has taken every change are the preferences kept.
- ``changes`` lists the ``SettingChange`` s OK made. ``SettingsCommand``
  puts them on the undo stack: pushed after the fact (its first ``redo``
  does nothing), its ``undo`` reverts each change through
  ``revert_setting_change`` (newest first) and ``redo`` reverts the reverts.
  A revert the service refuses (someone else changed the setting since)
  makes the command obsolete and calls ``on_failure`` with a sentence.
- ``edit_settings(parent, workspace, …)`` runs the dialog; the changes, or
  None when cancelled.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

from PySide6.QtCore import QDate, QStandardPaths, Qt, Slot
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.services.errors import ConflictError, ValidationError
from qpmr_desktop.services.read_models import FieldProblem, SettingChange, SettingRow, Severity
from qpmr_desktop.services.settings import (
    ACTIONS_AS_AT,
    COUNCIL_LOGO,
    COUNCIL_NAME,
    list_settings,
    reset_setting,
    revert_setting_change,
    set_setting,
    setting_for_key,
    validate_setting,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.service_commands import ServiceStepsCommand
from qpmr_desktop.ui.settings import (
    DEFAULT_STANDARD_PHRASES,
    MY_NAME_KEY,
    Preferences,
    os_user_name,
    set_standard_phrases,
    standard_phrases,
)

__all__ = ["SettingsCommand", "SettingsDialog", "edit_settings"]

_log = logging.getLogger(__name__)

DIALOG_TITLE = "Settings"
IMAGE_FILTER = "PNG or JPEG image (*.png *.jpg *.jpeg)"
_LOGO_PREVIEW_HEIGHT: Final = 48
_ERROR_STYLE = "color: #c62828;"  # the red the import pages use for problems


class SettingsDialog(QDialog):
    """The settings dialog; see the module contract."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        preferences: Preferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(DIALOG_TITLE)
        self._workspace = workspace
        self._preferences = preferences if preferences is not None else Preferences()
        self._rows: dict[str, SettingRow] = {}
        self.changes: list[SettingChange] = []
        # The phrases typed for each kind of point, kept while another kind is shown.
        self._phrases: dict[str, list[str]] = {
            kind.value: standard_phrases(self._preferences, kind.value) for kind in PointKind
        }
        self._shown_kind = PointKind.PRESENTED.value

        layout = QVBoxLayout(self)
        layout.addWidget(self._make_database_group())
        layout.addWidget(self._make_preferences_group())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load_database_settings()
        self._show_phrases(self._shown_kind)
        self.resize(640, self.sizeHint().height())

    # ------------------------------------------------------------ construction

    def _make_database_group(self) -> QGroupBox:
        group = QGroupBox("Council papers — shared by everyone who opens this database", self)
        form = QFormLayout(group)
        self.council_name_edit = QLineEdit(group)
        self.council_name_edit.setObjectName("settings_council_name")
        self.council_name_edit.setToolTip(COUNCIL_NAME.description)
        self.council_name_edit.setPlaceholderText("For example, Lancashire County Council")
        self.council_name_edit.editingFinished.connect(self._on_field_edited)

        self.logo_edit = QLineEdit(group)
        self.logo_edit.setObjectName("settings_council_logo")
        self.logo_edit.setToolTip(COUNCIL_LOGO.description)
        self.logo_edit.setPlaceholderText("No logo")
        self.logo_edit.editingFinished.connect(self._on_field_edited)
        self.logo_edit.textChanged.connect(self._show_logo_preview)
        browse = QPushButton("&Browse…", group)
        browse.setObjectName("settings_logo_browse")
        browse.clicked.connect(self._on_browse_clicked)
        self.logo_preview = QLabel(group)
        self.logo_preview.setObjectName("settings_logo_preview")
        self.logo_preview.setFixedHeight(_LOGO_PREVIEW_HEIGHT)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(browse)

        as_at_row = self._make_as_at_row(group)

        self.problem_labels: dict[str, QLabel] = {}
        for setting in (COUNCIL_NAME, COUNCIL_LOGO, ACTIONS_AS_AT):
            label = QLabel(group)
            label.setObjectName(f"settings_problem_{setting.key.replace('.', '_')}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.hide()
            self.problem_labels[setting.key] = label

        name_label = QLabel("Council &name:", group)
        name_label.setBuddy(self.council_name_edit)
        logo_label = QLabel("Council &logo:", group)
        logo_label.setBuddy(self.logo_edit)
        form.addRow(name_label, self.council_name_edit)
        form.addRow("", self.problem_labels[COUNCIL_NAME.key])
        form.addRow(logo_label, logo_row)
        form.addRow("", self.logo_preview)
        form.addRow("", self.problem_labels[COUNCIL_LOGO.key])
        form.addRow("Actions:", as_at_row)
        form.addRow("", self.problem_labels[ACTIONS_AS_AT.key])
        return group

    def _make_as_at_row(self, group: QGroupBox) -> QHBoxLayout:
        self.as_at_check = QCheckBox("&Judge actions as at", group)
        self.as_at_check.setObjectName("settings_as_at_enabled")
        self.as_at_check.setToolTip(ACTIONS_AS_AT.description)
        self.as_at_edit = QDateEdit(group)
        self.as_at_edit.setObjectName("settings_as_at")
        self.as_at_edit.setCalendarPopup(True)
        self.as_at_edit.setDisplayFormat("d MMM yyyy")
        self.as_at_edit.setDate(QDate.currentDate())
        self.as_at_check.toggled.connect(self.as_at_edit.setEnabled)
        as_at_row = QHBoxLayout()
        as_at_row.addWidget(self.as_at_check)
        as_at_row.addWidget(self.as_at_edit)
        as_at_row.addWidget(QLabel("(otherwise today)", group))
        as_at_row.addStretch(1)
        return as_at_row

    def _make_preferences_group(self) -> QGroupBox:
        group = QGroupBox("Your preferences — on this computer only", self)
        form = QFormLayout(group)
        self.my_name_edit = QLineEdit(group)
        self.my_name_edit.setObjectName("settings_my_name")
        self.my_name_edit.setText(self._preferences.text(MY_NAME_KEY))
        user = os_user_name()
        self.my_name_edit.setPlaceholderText(user or "Your name as action plans write it")
        self.my_name_edit.setToolTip(
            "Your name as action plans write it, for “My actions” on the Actions tab."
            + (f" Empty: your login name, {user}." if user else "")
        )
        my_name_label = QLabel("&My name:", group)
        my_name_label.setBuddy(self.my_name_edit)
        form.addRow(my_name_label, self.my_name_edit)

        self.phrase_kind_combo = QComboBox(group)
        self.phrase_kind_combo.setObjectName("settings_phrase_kind")
        for kind in PointKind:
            self.phrase_kind_combo.addItem(kind.label, kind.value)
        self.phrase_kind_combo.currentIndexChanged.connect(self._on_phrase_kind_changed)
        restore = QPushButton("Restore &Defaults", group)
        restore.setObjectName("settings_phrases_restore")
        restore.setToolTip("Offer the standard phrases the app comes with for this kind of point")
        restore.clicked.connect(self._on_restore_phrases_clicked)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.phrase_kind_combo)
        kind_row.addStretch(1)
        kind_row.addWidget(restore)
        kind_label = QLabel("Standard &phrases for:", group)
        kind_label.setBuddy(self.phrase_kind_combo)
        form.addRow(kind_label, kind_row)
        self.phrases_edit = QPlainTextEdit(group)
        self.phrases_edit.setObjectName("settings_phrases")
        self.phrases_edit.setTabChangesFocus(True)
        self.phrases_edit.setToolTip(
            "One phrase per line; the minutes editor offers them as you type. "
            "“…” marks where the cursor goes."
        )
        self.phrases_edit.setMaximumHeight(120)
        form.addRow("", self.phrases_edit)
        return group

    # ------------------------------------------------------------ our API

    def values(self) -> dict[str, object]:
        """What the database fields hold now, by setting key, as the services take them."""
        as_at: dt.date | None = None
        if self.as_at_check.isChecked():
            as_at = self.as_at_edit.date().toPython()  # type: ignore[assignment]
        return {
            COUNCIL_NAME.key: self.council_name_edit.text(),
            COUNCIL_LOGO.key: self.logo_edit.text(),
            ACTIONS_AS_AT.key: as_at,
        }

    def phrases(self, kind: str) -> list[str]:
        """The phrases the dialog holds for ``kind`` (as typed, blank lines dropped)."""
        if kind == self._shown_kind:
            self._keep_shown_phrases()
        return list(self._phrases[kind])

    def accept(self) -> None:
        if not self._save_database_settings():
            return
        self._preferences.set_my_name(self.my_name_edit.text())
        self._keep_shown_phrases()
        for kind, phrases in self._phrases.items():
            defaults = list(DEFAULT_STANDARD_PHRASES.get(kind, ()))
            # Unchanged defaults are not stored, so new defaults in a later version reach them.
            set_standard_phrases(self._preferences, kind, [] if phrases == defaults else phrases)
        super().accept()

    # ------------------------------------------------------------ slots

    @Slot()
    def _on_field_edited(self) -> None:
        self._show_problems(self._problems())

    @Slot()
    def _on_browse_clicked(self) -> None:
        current = self.logo_edit.text().strip()
        start = (
            str(self._resolve(current).parent)
            if current
            else QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        )
        chosen, _ = QFileDialog.getOpenFileName(self, "Council Logo", start, IMAGE_FILTER)
        if chosen:
            self.set_logo_path(Path(chosen))

    def set_logo_path(self, path: Path) -> None:
        """Take ``path`` as the logo: relative to the database's folder when it lies inside it."""
        folder = self._workspace.path.parent.resolve()
        try:
            text = str(path.resolve().relative_to(folder))
        except ValueError:
            text = str(path)
        self.logo_edit.setText(text)
        self._on_field_edited()

    @Slot()
    def _on_phrase_kind_changed(self) -> None:
        self._keep_shown_phrases()
        self._show_phrases(str(self.phrase_kind_combo.currentData()))

    @Slot()
    def _on_restore_phrases_clicked(self) -> None:
        self.phrases_edit.setPlainText(
            "\n".join(DEFAULT_STANDARD_PHRASES.get(self._shown_kind, ()))
        )

    @Slot(str)
    def _show_logo_preview(self, text: str) -> None:
        path = self._resolve(text.strip()) if text.strip() else None
        reader = QImageReader(str(path)) if path is not None and path.is_file() else None
        image = reader.read() if reader is not None else None
        if image is None or image.isNull():
            self.logo_preview.clear()
            self.logo_preview.setVisible(False)
            return
        self.logo_preview.setPixmap(
            QPixmap.fromImage(image).scaledToHeight(
                _LOGO_PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.logo_preview.setVisible(True)

    # ------------------------------------------------------------ internals

    def _load_database_settings(self) -> None:
        self._rows = {row.key: row for row in list_settings(workspace=self._workspace)}
        self.council_name_edit.setText(str(self._rows[COUNCIL_NAME.key].value))
        self.logo_edit.setText(str(self._rows[COUNCIL_LOGO.key].value))
        as_at = self._rows[ACTIONS_AS_AT.key].value
        self.as_at_check.setChecked(isinstance(as_at, dt.date))
        self.as_at_edit.setEnabled(isinstance(as_at, dt.date))
        if isinstance(as_at, dt.date):
            self.as_at_edit.setDate(QDate(as_at.year, as_at.month, as_at.day))
        self._show_logo_preview(self.logo_edit.text())
        self._show_problems([])

    def _problems(self) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        for key, value in self.values().items():
            problems += validate_setting(
                workspace=self._workspace, setting=setting_for_key(key), value=value
            )
        return problems

    def _show_problems(self, problems: Sequence[FieldProblem]) -> None:
        for key, label in self.problem_labels.items():
            mine = [problem for problem in problems if problem.field == key]
            label.setText("\n".join(problem.message for problem in mine))
            error = any(problem.severity is Severity.ERROR for problem in mine)
            label.setStyleSheet(_ERROR_STYLE if error else "")
            label.setVisible(bool(mine))

    def _save_database_settings(self) -> bool:
        """Write every changed database setting; False (with the reason shown) on a refusal."""
        problems = self._problems()
        self._show_problems(problems)
        errors = [problem for problem in problems if problem.severity is Severity.ERROR]
        if errors:
            self._focus(errors[0].field)
            return False
        for key, value in self.values().items():
            row = self._rows[key]
            setting = setting_for_key(key)
            try:
                cleaned = setting.clean(value)
                if cleaned == row.value:
                    continue
                if cleaned in ("", None) and row.version is not None:
                    change = reset_setting(
                        workspace=self._workspace, setting=setting, expected_version=row.version
                    )
                else:
                    change = set_setting(
                        workspace=self._workspace,
                        setting=setting,
                        value=value,
                        expected_version=row.version,
                    )
            except ValidationError as error:
                self._show_problems(error.problems)
                self._focus(key)
                return False
            except ConflictError as error:
                QMessageBox.warning(
                    self,
                    DIALOG_TITLE,
                    f"{error}\n\nThe settings now show what is saved; "
                    "make your change again if it is still needed.",
                )
                self._load_database_settings()
                return False
            if change.changed:
                self.changes.append(change)
            self._rows[key] = _row_after(row, change)
        return True

    def _focus(self, key: str) -> None:
        widget: QWidget = {
            COUNCIL_NAME.key: self.council_name_edit,
            COUNCIL_LOGO.key: self.logo_edit,
        }.get(key, self.as_at_edit)
        widget.setFocus()

    def _resolve(self, text: str) -> Path:
        path = Path(text).expanduser()
        return path if path.is_absolute() else self._workspace.path.parent / path

    def _keep_shown_phrases(self) -> None:
        lines = self.phrases_edit.toPlainText().splitlines()
        self._phrases[self._shown_kind] = [line.strip() for line in lines if line.strip()]

    def _show_phrases(self, kind: str) -> None:
        self._shown_kind = kind
        self.phrases_edit.setPlainText("\n".join(self._phrases[kind]))


def _row_after(row: SettingRow, change: SettingChange) -> SettingRow:
    """``row`` as it is once ``change`` is made (for a second OK after a later refusal)."""
    value = change.after.get("value", setting_for_key(row.key).default)
    return replace(row, value=value, version=change.version, is_default=not change.after)


class SettingsCommand(ServiceStepsCommand[SettingChange]):
    """The database settings one OK changed, as one undo step; see the module contract."""

    def __init__(
        self,
        workspace: Workspace,
        changes: Sequence[SettingChange],
        *,
        on_failure: Callable[[str], object] | None = None,
    ) -> None:
        # Pushed after the dialog made the changes: the push's redo does nothing.
        super().__init__("Change Settings", changes)
        self._workspace = workspace
        self._on_failure = on_failure

    def _revert(self, change: SettingChange) -> SettingChange:
        return revert_setting_change(workspace=self._workspace, change=change)

    def _failed(self, error: Exception) -> None:
        _log.info("Undoing or redoing a settings change was refused: %s", error)
        if self._on_failure is not None:
            self._on_failure(str(error))


def edit_settings(
    parent: QWidget | None,
    workspace: Workspace,
    *,
    preferences: Preferences | None = None,
) -> list[SettingChange] | None:
    """Show the settings dialog; the database changes OK made, or None when cancelled."""
    dialog = SettingsDialog(workspace, preferences=preferences, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return list(dialog.changes)
    finally:
        dialog.deleteLater()
