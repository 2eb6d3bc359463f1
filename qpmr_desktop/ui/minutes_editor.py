"""The editor of one agenda item's minutes: sections, points with kind badges, resolutions.

Contract of ``MinutesItemEditor``:

- ``show_item(item_id)`` reads the item through
  ``services.minutes.get_item_for_editing`` and lays it out: the title and the
  lifecycle badge, then each section (an editable heading, empty = no heading)
  with its points (a kind badge — click, or Ctrl+1…5 — and a ``PointEdit``),
  then the resolutions (label, text, parts).
- Every change is one undo command on the shared ``undo_stack``
  (``minutes_commands``); the editor never calls an editing service itself.
  Typed text is committed as a ``SetPointTextCommand`` (merging per point)
  about a second after typing pauses, when focus leaves the point, and before
  any structural command or undo/redo (``commit_all``), so a crash loses at
  most the last second of typing.
- It follows ``MinutesEditor.change_applied``: a text or kind change of a row
  it shows is applied in place (the widget's text is replaced only when it
  differs from what was stored, so typing is never disturbed); anything else
  about its item (structure, lifecycle) re-reads the item and restores focus.
- Approved minutes are shown read-only (greyed, badge "APPROVED") unless the
  ``MinutesEditor`` is recording an amendment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId, PointId, ResolutionId, ResolutionPartId, SectionId
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.services.read_models import (
    EditableItem,
    EditablePart,
    EditablePoint,
    EditableResolution,
    MinutesArea,
    MinutesChange,
)
from qpmr_desktop.ui.minutes_commands import (
    AddResolutionCommand,
    DeletePointCommand,
    DeleteResolutionCommand,
    InsertPointCommand,
    InsertSectionCommand,
    MergePointsCommand,
    MinutesEditor,
    MovePointCommand,
    RenameSectionCommand,
    SetPointKindCommand,
    SetPointTextCommand,
    SetResolutionLabelCommand,
    SetResolutionTextCommand,
    SplitPointCommand,
    UpdateResolutionPartCommand,
)
from qpmr_desktop.ui.point_edit import KIND_SHORTCUTS, PointEdit
from qpmr_desktop.ui.settings import Preferences, standard_phrases
from qpmr_desktop.ui.spell_highlighter import SpellCheckerAdapter

__all__ = ["KindBadge", "MinutesItemEditor", "status_badge_style"]

_BADGE_COLOURS: Final = {
    PointKind.PRESENTED: "#dbe9f6",
    PointKind.NOTED: "#e3f1de",
    PointKind.REPORTED: "#f6ecd6",
    PointKind.DISCUSSION: "#ece3f3",
    PointKind.OTHER: "#e8e8e8",
}
_STATUS_COLOURS: Final = {
    MinutesStatus.DRAFT: ("#6b5200", "#fff3c4"),
    MinutesStatus.CIRCULATED: ("#0b4a7a", "#d7e9f8"),
    MinutesStatus.APPROVED: ("#4a4a4a", "#dcdcdc"),
}


def status_badge_style(status: MinutesStatus) -> str:
    """The style sheet of a lifecycle badge (DRAFT, CIRCULATED, APPROVED)."""
    text, background = _STATUS_COLOURS[status]
    return (
        f"color: {text}; background: {background}; border-radius: 3px;"
        " padding: 1px 6px; font-weight: 600;"
    )


class KindBadge(QToolButton):
    """The kind of a point as a small button; its menu (or Ctrl+1…5) changes the kind."""

    kind_chosen = Signal(object)  # PointKind

    def __init__(self, kind: PointKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from point to point
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedWidth(82)
        menu = QMenu(self)
        for number, choice in enumerate(KIND_SHORTCUTS, start=1):
            action = menu.addAction(f"{choice.label}\tCtrl+{number}")
            action.triggered.connect(lambda _checked=False, k=choice: self.kind_chosen.emit(k))
        self.setMenu(menu)
        self.set_kind(kind)

    def set_kind(self, kind: PointKind) -> None:
        self.kind = kind
        self.setText(kind.label)
        self.setToolTip(f"{kind.label} — click to change the kind (Ctrl+1…5)")
        self.setStyleSheet(
            f"QToolButton {{ background: {_BADGE_COLOURS[kind]}; border: 1px solid #c8c8c8;"
            " border-radius: 3px; padding: 1px 4px; font-size: 11px; }"
            "QToolButton::menu-indicator { image: none; width: 0; }"
        )


@dataclasses.dataclass(eq=False)
class _PointRow:
    point_id: PointId
    section_id: SectionId
    version: int
    saved_text: str
    kind: PointKind
    badge: KindBadge
    edit: PointEdit


@dataclasses.dataclass(eq=False)
class _SectionRow:
    section_id: SectionId
    version: int
    saved_heading: str
    heading: QLineEdit
    point_ids: list[PointId]


@dataclasses.dataclass(eq=False)
class _ResolutionRow:
    resolution_id: ResolutionId
    version: int
    saved_label: str
    saved_text: str
    label: QLineEdit
    edit: PointEdit


@dataclasses.dataclass(eq=False)
class _PartRow:
    part_id: ResolutionPartId
    version: int
    saved_text: str
    edit: PointEdit


class MinutesItemEditor(QScrollArea):
    """Edits one agenda item's minutes through undo commands; see the module contract."""

    item_loaded = Signal(object)  # EditableItem

    def __init__(
        self,
        editor: MinutesEditor,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        speller: SpellCheckerAdapter | None = None,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("minutes_item_editor")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._editor = editor
        self._undo_stack = undo_stack
        self._speller = speller
        #: Makes the spell checker the first time an item is shown (None: no spelling);
        #: lazily, since loading the dictionary is not worth delaying the first paint.
        self.speller_factory: Callable[[], SpellCheckerAdapter | None] | None = None
        self._preferences = preferences if preferences is not None else Preferences()
        self._item: EditableItem | None = None
        self._points: dict[PointId, _PointRow] = {}
        self._sections: list[_SectionRow] = []
        self._resolutions: dict[ResolutionId, _ResolutionRow] = {}
        self._parts: dict[ResolutionPartId, _PartRow] = {}
        self._focus_target: tuple[PointId, int] | None = None
        self._content = QWidget(self)
        self._content.setObjectName("minutes_editor_content")
        self._layout = QVBoxLayout(self._content)
        self._layout.setContentsMargins(12, 10, 12, 10)
        self._layout.setSpacing(4)
        self.setWidget(self._content)
        self.status_badge = QLabel(self)
        self.status_badge.setObjectName("minutes_editor_status")
        editor.change_applied.connect(self._on_editor_change_applied)

    # ------------------------------------------------------------ our API

    @property
    def item(self) -> EditableItem | None:
        """The item shown, as last read."""
        return self._item

    @property
    def item_id(self) -> AgendaItemId | None:
        return None if self._item is None else self._item.id

    @property
    def read_only(self) -> bool:
        """Approved minutes, and no amendment being recorded: nothing can be typed."""
        if self._item is None:
            return True
        return not self._item.lifecycle.editable and self._editor.amendment_reason is None

    def show_item(self, item_id: AgendaItemId | None) -> None:
        """Show ``item_id`` (None: nothing), committing what was typed in the item shown."""
        self.commit_all()
        if item_id is None:
            self._item = None
            self._rebuild()
            return
        from qpmr_desktop.services.minutes import get_item_for_editing  # noqa: PLC0415

        self._item = get_item_for_editing(workspace=self._editor.workspace, item_id=item_id)
        self._rebuild()
        self.item_loaded.emit(self._item)

    def reload(self) -> None:
        """Read the item shown again, keeping focus on the point being edited."""
        if self._item is None:
            return
        focused = self._focused_point()
        if self._focus_target is None and focused is not None:
            self._focus_target = (focused.point_id, focused.edit.cursor_offset())
        from qpmr_desktop.services.minutes import get_item_for_editing  # noqa: PLC0415

        self._item = get_item_for_editing(workspace=self._editor.workspace, item_id=self._item.id)
        self._rebuild()
        self.item_loaded.emit(self._item)

    def point_ids(self) -> list[PointId]:
        """The points shown, in document order."""
        return [ident for section in self._sections for ident in section.point_ids]

    def point_edit(self, point_id: PointId) -> PointEdit | None:
        row = self._points.get(point_id)
        return None if row is None else row.edit

    def kind_badge(self, point_id: PointId) -> KindBadge | None:
        row = self._points.get(point_id)
        return None if row is None else row.badge

    def heading_edit(self, section_id: SectionId) -> QLineEdit | None:
        for section in self._sections:
            if section.section_id == section_id:
                return section.heading
        return None

    def resolution_edit(self, resolution_id: ResolutionId) -> PointEdit | None:
        row = self._resolutions.get(resolution_id)
        return None if row is None else row.edit

    def focus_point(self, point_id: PointId, offset: int = 0) -> bool:
        """Put the cursor in ``point_id`` at ``offset`` (-1: the end); False when not shown."""
        row = self._points.get(point_id)
        if row is None:
            return False
        row.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        row.edit.set_cursor_offset(len(row.edit.text()) if offset < 0 else offset)
        self.ensureWidgetVisible(row.edit)
        return True

    def commit_all(self) -> None:
        """Commit whatever was typed and not yet stored, in every editor of the item."""
        if self.read_only:
            return
        for point_id in list(self._points):
            self._commit_point(point_id)
        for resolution_id in list(self._resolutions):
            self._commit_resolution(resolution_id)
        for part_id in list(self._parts):
            self._commit_part(part_id)
        for section in list(self._sections):
            self._commit_heading(section)

    def push(self, command: QUndoCommand) -> None:
        """Commit pending typing, then push ``command`` (a structural change)."""
        self.commit_all()
        self._undo_stack.push(command)
        self._focus_target = None  # used by the reload the change caused, if any

    def undo(self) -> None:
        self.commit_all()
        self._undo_stack.undo()

    def redo(self) -> None:
        self.commit_all()
        self._undo_stack.redo()

    # ------------------------------------------------------------ building

    def _rebuild(self) -> None:
        for row in self._points.values():
            row.edit.blockSignals(True)  # a widget going away must not commit again
        for resolution in self._resolutions.values():
            resolution.edit.blockSignals(True)
        for part in self._parts.values():
            part.edit.blockSignals(True)
        for shown in self._sections:
            shown.heading.blockSignals(True)
        while self._layout.count():
            child = self._layout.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._points.clear()
        self._sections.clear()
        self._resolutions.clear()
        self._parts.clear()
        if self._item is None:
            self._focus_target = None
            return
        if self._speller is None and self.speller_factory is not None:
            self._speller, self.speller_factory = self.speller_factory(), None
        self._build_header(self._item)
        for section in self._item.sections:
            self._build_section(section.id, section.version, section.heading, section.points)
        self._build_resolutions(self._item)
        self._layout.addStretch(1)
        read_only = self.read_only
        self._content.setStyleSheet(
            "#minutes_editor_content { background: #f3f3f3; }" if read_only else ""
        )
        target, self._focus_target = self._focus_target, None
        if target is not None:
            self.focus_point(*target)

    def _build_header(self, item: EditableItem) -> None:
        header = QWidget(self._content)
        layout = QHBoxLayout(header)
        layout.setContentsMargins(0, 0, 0, 6)
        number = item.number.strip()
        title = QLabel(f"{number}. {item.title}" if number else item.title, header)
        title.setObjectName("minutes_editor_title")
        title.setWordWrap(True)
        title.setStyleSheet("font-size: 14px; font-weight: 600;")
        layout.addWidget(title, 1)
        status = item.lifecycle.status
        self.status_badge = QLabel(status.value.upper(), header)
        self.status_badge.setObjectName("minutes_editor_status")
        self.status_badge.setStyleSheet(status_badge_style(status))
        self.status_badge.setToolTip(item.lifecycle.read_only_reason or f"Minutes {status.value}")
        layout.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        if item.lifecycle.amended:
            amended = QLabel("AMENDED", header)
            amended.setObjectName("minutes_editor_amended")
            amended.setStyleSheet(status_badge_style(MinutesStatus.CIRCULATED))
            layout.addWidget(amended, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(header)
        if self._editor.amendment_reason is not None:
            note = QLabel(f"Recording an amendment: {self._editor.amendment_reason}", self._content)
            note.setObjectName("minutes_editor_amending")
            note.setWordWrap(True)
            note.setStyleSheet("color: #8a3b00;")
            self._layout.addWidget(note)

    def _build_section(
        self,
        section_id: SectionId,
        version: int,
        heading: str | None,
        points: tuple[EditablePoint, ...],
    ) -> None:
        read_only = self.read_only
        heading_edit = QLineEdit(heading or "", self._content)
        heading_edit.setObjectName("minutes_section_heading")
        heading_edit.setPlaceholderText("(no heading)")
        heading_edit.setReadOnly(read_only)
        heading_edit.setFrame(False)
        heading_edit.setStyleSheet(
            "QLineEdit { font-weight: 600; border-bottom: 1px solid #b0b0b0;"
            " background: transparent; padding: 4px 0 2px 0; }"
        )
        section = _SectionRow(section_id, version, heading or "", heading_edit, [])
        heading_edit.editingFinished.connect(lambda s=section: self._commit_heading(s))
        self._sections.append(section)
        self._layout.addWidget(heading_edit)
        for point in points:
            self._build_point(section, point)

    def _build_point(self, section: _SectionRow, point: EditablePoint) -> None:
        read_only = self.read_only
        line = QWidget(self._content)
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.setSpacing(6)
        badge = KindBadge(point.kind, line)
        badge.setEnabled(not read_only)
        edit = PointEdit(line, speller=self._speller)
        edit.setObjectName("minutes_point_edit")
        edit.setPlainText(point.text)
        edit.setReadOnly(read_only)
        edit.set_phrases(standard_phrases(self._preferences, point.kind.value))
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(edit, 1)
        row = _PointRow(
            point.id, section.section_id, point.version, point.text, point.kind, badge, edit
        )
        self._points[point.id] = row
        section.point_ids.append(point.id)
        ident = point.id
        badge.kind_chosen.connect(lambda kind, i=ident: self._set_kind(i, kind))
        edit.kind_wanted.connect(lambda kind, i=ident: self._set_kind(i, kind))
        edit.commit_wanted.connect(lambda i=ident: self._commit_point(i))
        edit.new_point_wanted.connect(lambda i=ident: self._new_point_after(i))
        edit.split_wanted.connect(lambda offset, i=ident: self._split(i, offset))
        edit.merge_previous_wanted.connect(lambda i=ident: self._merge_with_previous(i))
        edit.new_section_wanted.connect(lambda i=ident: self._new_section_after(i))
        edit.move_wanted.connect(lambda step, i=ident: self._move(i, step))
        edit.delete_wanted.connect(lambda i=ident: self._delete(i))
        edit.navigate_wanted.connect(lambda step, i=ident: self._navigate(i, step))
        edit.undo_wanted.connect(self.undo)
        edit.redo_wanted.connect(self.redo)
        self._layout.addWidget(line)

    def _build_resolutions(self, item: EditableItem) -> None:
        for resolution in item.resolutions:
            self._build_resolution(resolution)
        if not self.read_only:
            self._build_buttons()

    def _build_resolution(self, resolution: EditableResolution) -> None:
        read_only = self.read_only
        box = QFrame(self._content)
        box.setObjectName("minutes_resolution")
        box.setStyleSheet(
            "#minutes_resolution { border: 1px solid #9db7d3; border-radius: 4px;"
            " background: #f4f8fc; }"
        )
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        top = QHBoxLayout()
        label = QLineEdit(resolution.label, box)
        label.setObjectName("minutes_resolution_label")
        label.setReadOnly(read_only)
        label.setFixedWidth(120)
        label.setToolTip(f"Shown as “{resolution.numbered_label}”")
        top.addWidget(label)
        top.addStretch(1)
        remove = QToolButton(box)
        remove.setText("Delete")
        remove.setVisible(not read_only)
        remove.setToolTip("Delete this resolution (undoable)")
        top.addWidget(remove)
        layout.addLayout(top)
        edit = PointEdit(box, speller=self._speller, structural=False)
        edit.setObjectName("minutes_resolution_edit")
        edit.setPlainText(resolution.text)
        edit.setReadOnly(read_only)
        layout.addWidget(edit)
        row = _ResolutionRow(
            resolution.id, resolution.version, resolution.label, resolution.text, label, edit
        )
        self._resolutions[resolution.id] = row
        ident = resolution.id
        edit.commit_wanted.connect(lambda i=ident: self._commit_resolution(i))
        edit.undo_wanted.connect(self.undo)
        edit.redo_wanted.connect(self.redo)
        label.editingFinished.connect(lambda i=ident: self._commit_resolution_label(i))
        remove.clicked.connect(lambda _checked=False, i=ident: self._delete_resolution(i))
        for part in resolution.parts:
            self._build_part(box, layout, part)
        self._layout.addWidget(box)

    def _build_part(self, box: QWidget, layout: QVBoxLayout, part: EditablePart) -> None:
        part_line = QHBoxLayout()
        part_label = QLabel(part.label or "•", box)
        part_label.setFixedWidth(32)
        part_edit = PointEdit(box, speller=self._speller, structural=False)
        part_edit.setObjectName("minutes_part_edit")
        part_edit.setPlainText(part.text)
        part_edit.setReadOnly(self.read_only)
        part_line.addWidget(part_label, 0, Qt.AlignmentFlag.AlignTop)
        part_line.addWidget(part_edit, 1)
        layout.addLayout(part_line)
        self._parts[part.id] = _PartRow(part.id, part.version, part.text, part_edit)
        part_edit.commit_wanted.connect(lambda p=part.id: self._commit_part(p))
        part_edit.undo_wanted.connect(self.undo)
        part_edit.redo_wanted.connect(self.redo)

    def _build_buttons(self) -> None:
        buttons = QWidget(self._content)
        line = QHBoxLayout(buttons)
        line.setContentsMargins(0, 6, 0, 0)
        add_section = QPushButton("Add Section", buttons)
        add_section.setObjectName("minutes_add_section")
        add_section.clicked.connect(self._on_add_section_clicked)
        add_resolution = QPushButton("Add Resolution", buttons)
        add_resolution.setObjectName("minutes_add_resolution")
        add_resolution.clicked.connect(self._on_add_resolution_clicked)
        line.addWidget(add_section)
        line.addWidget(add_resolution)
        line.addStretch(1)
        self._layout.addWidget(buttons)

    # ------------------------------------------------------------ commits

    def _commit_point(self, point_id: PointId) -> None:
        row = self._points.get(point_id)
        if row is None or self.read_only:
            return
        text = row.edit.text()
        if text.strip() == row.saved_text:
            return
        self._undo_stack.push(
            SetPointTextCommand(
                self._editor, point_id=point_id, expected_version=row.version, text=text
            )
        )

    def _commit_resolution(self, resolution_id: ResolutionId) -> None:
        row = self._resolutions.get(resolution_id)
        if row is None or self.read_only:
            return
        text = row.edit.text()
        if text.strip() == row.saved_text:
            return
        self._undo_stack.push(
            SetResolutionTextCommand(
                self._editor, resolution_id=resolution_id, expected_version=row.version, text=text
            )
        )

    def _commit_resolution_label(self, resolution_id: ResolutionId) -> None:
        row = self._resolutions.get(resolution_id)
        if row is None or self.read_only:
            return
        label = row.label.text().strip()
        if not label or label == row.saved_label:
            return
        self._undo_stack.push(
            SetResolutionLabelCommand(
                self._editor, resolution_id=resolution_id, expected_version=row.version, label=label
            )
        )

    def _commit_part(self, part_id: ResolutionPartId) -> None:
        row = self._parts.get(part_id)
        if row is None or self.read_only:
            return
        text = row.edit.text()
        if text.strip() == row.saved_text:
            return
        self._undo_stack.push(
            UpdateResolutionPartCommand(
                self._editor, part_id=part_id, expected_version=row.version, changes={"text": text}
            )
        )

    def _commit_heading(self, section: _SectionRow) -> None:
        if self.read_only or section not in self._sections:
            return
        heading = section.heading.text().strip()
        if heading == section.saved_heading:
            return
        self._undo_stack.push(
            RenameSectionCommand(
                self._editor,
                section_id=section.section_id,
                expected_version=section.version,
                heading=heading or None,
            )
        )

    # ------------------------------------------------------------ structural actions

    def _place(self, point_id: PointId) -> tuple[_SectionRow, int] | None:
        for section in self._sections:
            if point_id in section.point_ids:
                return section, section.point_ids.index(point_id)
        return None

    def _version(self, point_id: PointId) -> int:
        return self._points[point_id].version

    def _set_kind(self, point_id: PointId, kind: PointKind) -> None:
        row = self._points.get(point_id)
        if row is None or self.read_only or row.kind is kind:
            return
        self._keep_focus(point_id)
        self.push(
            SetPointKindCommand(
                self._editor, point_id=point_id, expected_version=row.version, kind=kind
            )
        )

    def _new_point_after(self, point_id: PointId) -> None:
        place = self._place(point_id)
        if place is None or self.read_only:
            return
        section, index = place
        command = InsertPointCommand(
            self._editor,
            section_id=section.section_id,
            position=index + 1,
            kind=self._points[point_id].kind,
        )
        self.push(command)
        if command.point_id is not None:
            self.focus_point(command.point_id, 0)

    def _split(self, point_id: PointId, offset: int) -> None:
        row = self._points.get(point_id)
        if row is None or self.read_only:
            return
        typed = row.edit.text()
        self.commit_all()
        # The stored text has its ends stripped: count the offset from where it starts.
        lead = len(typed) - len(typed.lstrip())
        stored_offset = max(0, min(offset - lead, len(row.saved_text)))
        command = SplitPointCommand(
            self._editor, point_id=point_id, expected_version=row.version, offset=stored_offset
        )
        self._undo_stack.push(command)
        if command.new_point_id is not None:
            self.focus_point(command.new_point_id, 0)

    def _merge_with_previous(self, point_id: PointId) -> None:
        place = self._place(point_id)
        if place is None or self.read_only:
            return
        section, index = place
        if index == 0:
            return  # the service merges within a section only
        previous = section.point_ids[index - 1]
        self.commit_all()
        first, second = self._points[previous].saved_text, self._points[point_id].saved_text
        offset = len(first) + (1 if first and second else 0)
        self._focus_target = (previous, offset)
        self._undo_stack.push(
            MergePointsCommand(
                self._editor,
                point_id=previous,
                expected_version=self._version(previous),
                next_point_id=point_id,
                next_expected_version=self._version(point_id),
            )
        )
        self.focus_point(previous, offset)

    def _new_section_after(self, point_id: PointId) -> None:
        place = self._place(point_id)
        if place is None or self._item is None or self.read_only:
            return
        section, _ = place
        self.commit_all()
        position = self._sections.index(section) + 1
        kind = self._points[point_id].kind
        insert_section = InsertSectionCommand(
            self._editor, item_id=self._item.id, position=position
        )
        self._undo_stack.beginMacro("New Section")
        self._undo_stack.push(insert_section)
        new_point: InsertPointCommand | None = None
        if insert_section.section_id is not None:
            new_point = InsertPointCommand(
                self._editor, section_id=insert_section.section_id, position=0, kind=kind
            )
            self._undo_stack.push(new_point)
        self._undo_stack.endMacro()
        if new_point is not None and new_point.point_id is not None:
            self.focus_point(new_point.point_id, 0)

    def _move(self, point_id: PointId, step: int) -> None:
        row = self._points.get(point_id)
        if row is None or self.read_only:
            return
        self._keep_focus(point_id)
        self.push(
            MovePointCommand(
                self._editor, point_id=point_id, expected_version=row.version, step=step
            )
        )

    def _delete(self, point_id: PointId) -> None:
        row = self._points.get(point_id)
        if row is None or self.read_only:
            return
        order = self.point_ids()
        index = order.index(point_id)
        neighbour = order[index - 1] if index > 0 else (order[1] if len(order) > 1 else None)
        self.push(DeletePointCommand(self._editor, point_id=point_id, expected_version=row.version))
        if neighbour is not None:
            self.focus_point(neighbour, -1)

    def _delete_resolution(self, resolution_id: ResolutionId) -> None:
        row = self._resolutions.get(resolution_id)
        if row is None or self.read_only:
            return
        self.push(
            DeleteResolutionCommand(
                self._editor, resolution_id=resolution_id, expected_version=row.version
            )
        )

    def _navigate(self, point_id: PointId, step: int) -> None:
        order = self.point_ids()
        index = order.index(point_id) + step
        if 0 <= index < len(order):
            self.focus_point(order[index], 0 if step > 0 else -1)

    def _keep_focus(self, point_id: PointId) -> None:
        row = self._points[point_id]
        self._focus_target = (point_id, row.edit.cursor_offset())

    def _focused_point(self) -> _PointRow | None:
        for row in self._points.values():
            if row.edit.hasFocus():
                return row
        return None

    # ------------------------------------------------------------ slots

    def _on_add_section_clicked(self) -> None:
        if self._item is None:
            return
        command = InsertSectionCommand(self._editor, item_id=self._item.id, position=None)
        self._undo_stack.beginMacro("Add Section")
        self.push(command)
        point: InsertPointCommand | None = None
        if command.section_id is not None:
            point = InsertPointCommand(
                self._editor, section_id=command.section_id, position=0, kind=PointKind.NOTED
            )
            self._undo_stack.push(point)
        self._undo_stack.endMacro()
        if point is not None and point.point_id is not None:
            self.focus_point(point.point_id, 0)

    def _on_add_resolution_clicked(self) -> None:
        if self._item is None:
            return
        command = AddResolutionCommand(self._editor, item_id=self._item.id, text="That ")
        self.push(command)
        if command.resolution_id is not None:
            edit = self.resolution_edit(command.resolution_id)
            if edit is not None:
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                edit.set_cursor_offset(len(edit.text()))

    def _on_editor_change_applied(self, change: MinutesChange) -> None:
        if self._item is None or self._item.id not in change.item_ids:
            return
        if change.areas <= {MinutesArea.TEXT} and self._apply_in_place(change):
            return
        self.reload()

    def _apply_in_place(self, change: MinutesChange) -> bool:
        """Apply a text, kind, heading or label change to the row shown; False if not shown."""
        appliers = {
            "minute_point": self._apply_to_point,
            "minute_section": self._apply_to_section,
            "resolution": self._apply_to_resolution,
            "resolution_part": self._apply_to_part,
        }
        applier = appliers.get(change.row.table)
        return applier is not None and applier(change)

    def _apply_to_point(self, change: MinutesChange) -> bool:
        point = self._points.get(PointId(change.row.id))
        if point is None:
            return False
        point.version = change.versions.get(change.row) or point.version
        if "text" in change.after:
            point.saved_text = str(change.after["text"])
            if point.edit.text().strip() != point.saved_text:
                point.edit.set_text_quietly(point.saved_text)
        if "kind" in change.after:
            point.kind = PointKind(str(change.after["kind"]))
            point.badge.set_kind(point.kind)
            point.edit.set_phrases(standard_phrases(self._preferences, point.kind.value))
        return True

    def _apply_to_section(self, change: MinutesChange) -> bool:
        for section in self._sections:
            if section.section_id == change.row.id:
                section.version = change.versions.get(change.row) or section.version
                heading = change.after.get("heading")
                section.saved_heading = str(heading) if heading else ""
                if section.heading.text().strip() != section.saved_heading:
                    section.heading.setText(section.saved_heading)
                return True
        return False

    def _apply_to_resolution(self, change: MinutesChange) -> bool:
        resolution = self._resolutions.get(ResolutionId(change.row.id))
        if resolution is None:
            return False
        resolution.version = change.versions.get(change.row) or resolution.version
        if "text" in change.after:
            resolution.saved_text = str(change.after["text"])
            if resolution.edit.text().strip() != resolution.saved_text:
                resolution.edit.set_text_quietly(resolution.saved_text)
        if "label" in change.after:
            resolution.saved_label = str(change.after["label"])
            resolution.label.setText(resolution.saved_label)
        return True

    def _apply_to_part(self, change: MinutesChange) -> bool:
        part = self._parts.get(ResolutionPartId(change.row.id))
        if part is None:
            return False
        part.version = change.versions.get(change.row) or part.version
        if "text" in change.after:
            part.saved_text = str(change.after["text"])
            if part.edit.text().strip() != part.saved_text:
                part.edit.set_text_quietly(part.saved_text)
        return True
