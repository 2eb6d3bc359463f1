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
- Moving. A point, a section (with its points), a resolution and a part each
  have a drag handle (``DragHandle``); a drag carries ``BLOCK_MIME`` (the
  item, the row), and dropping it where the blue line (the drop indicator)
  shows is one move command: points within and across sections, sections,
  resolutions among the item's, parts within their resolution. Alt+Up /
  Alt+Down in a point, heading, resolution or part moves it one place. The
  editor takes block drops through an event filter on every widget that
  accepts drops (the text editors keep their own text drops), so a drop over
  a point's text lands between points like one over the gaps.
- Resolutions: several are numbered (i), (ii) … beside their label, as the
  service numbers them. Parts can be added ("Add Part"), deleted, relabelled
  and moved; parts numbered in sequence ("(1)", "(2)" … — see
  ``minutes_editing.numbered_part_labels``) are renumbered in the same undo
  step when one is added, deleted or moved; empty labels show the number
  (i), (ii) … printing gives them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
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
    RowRef,
)
from qpmr_desktop.ui.minutes_commands import (
    AddResolutionCommand,
    AddResolutionPartCommand,
    DeletePointCommand,
    DeleteResolutionCommand,
    DeleteResolutionPartCommand,
    InsertPointCommand,
    InsertSectionCommand,
    MergePointsCommand,
    MinutesEditor,
    MovePointCommand,
    MoveResolutionCommand,
    MoveResolutionPartCommand,
    MoveSectionCommand,
    RenameSectionCommand,
    SetPointKindCommand,
    SetPointTextCommand,
    SetResolutionLabelCommand,
    SetResolutionTextCommand,
    SplitPointCommand,
    UpdateResolutionPartCommand,
)
from qpmr_desktop.ui.point_edit import BLOCK_MIME, KIND_SHORTCUTS, PointEdit
from qpmr_desktop.ui.settings import Preferences, standard_phrases
from qpmr_desktop.ui.spell_highlighter import SpellCheckerAdapter

__all__ = ["DragHandle", "KindBadge", "MinutesItemEditor", "status_badge_style"]

_POINT: Final = "minute_point"
_SECTION: Final = "minute_section"
_RESOLUTION: Final = "resolution"
_PART: Final = "resolution_part"
_DRAG_EVENTS: Final = frozenset(
    {QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.DragLeave}
)
#: How near the top or bottom of the view a drag scrolls it, and by how much each move.
_AUTOSCROLL_MARGIN: Final = 28
_AUTOSCROLL_STEP: Final = 18
_DRAG_PIXMAP_WIDTH: Final = 480

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


class DragHandle(QWidget):
    """Six dots to drag a block by; pressing and moving past the drag distance emits
    ``drag_wanted`` (the editor starts the drag, so what a drag carries is made in one place)."""

    drag_wanted = Signal()

    def __init__(self, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("minutes_drag_handle")
        self.setFixedSize(12, 22)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(tooltip)
        self._pressed_at: QPoint | None = None

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#8c8c8c"))
        for x in (3.5, 8.5):
            for y in (6.0, 11.0, 16.0):
                painter.drawEllipse(QPointF(x, y), 1.6, 1.6)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position().toPoint()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pressed_at is not None and event.buttons() & Qt.MouseButton.LeftButton:
            moved = (event.position().toPoint() - self._pressed_at).manhattanLength()
            if moved >= QApplication.startDragDistance():
                self._pressed_at = None
                self.setCursor(Qt.CursorShape.OpenHandCursor)
                self.drag_wanted.emit()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pressed_at = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        super().mouseReleaseEvent(event)


class _HeadingEdit(QLineEdit):
    """A section heading; Alt+Up / Alt+Down move the section (``move_wanted``)."""

    move_wanted = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            if not self.isReadOnly():
                self.move_wanted.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)


@dataclasses.dataclass(eq=False)
class _PointRow:
    point_id: PointId
    section_id: SectionId
    version: int
    saved_text: str
    kind: PointKind
    badge: KindBadge
    edit: PointEdit
    line: QWidget


@dataclasses.dataclass(eq=False)
class _SectionRow:
    section_id: SectionId
    version: int
    saved_heading: str
    heading: QLineEdit
    point_ids: list[PointId]
    head: QWidget


@dataclasses.dataclass(eq=False)
class _ResolutionRow:
    resolution_id: ResolutionId
    version: int
    saved_label: str
    saved_text: str
    label: QLineEdit
    edit: PointEdit
    box: QWidget
    number: QLabel
    part_ids: list[ResolutionPartId]


@dataclasses.dataclass(eq=False)
class _PartRow:
    part_id: ResolutionPartId
    resolution_id: ResolutionId
    version: int
    saved_label: str
    saved_text: str
    label: QLineEdit
    edit: PointEdit
    line: QWidget


@dataclasses.dataclass(frozen=True)
class _DropSlot:
    """Where a dragged block would go: index ``index`` of ``parent_id`` (counting the block
    itself where it is now), drawn as a line at ``y`` from ``left`` to ``right`` (content
    coordinates)."""

    parent_id: int
    index: int
    y: int
    left: int
    right: int


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
        self._content.setAcceptDrops(True)
        self._content.installEventFilter(self)
        #: The blue line showing where a dragged block would land; outside the layout.
        self.drop_indicator = QFrame(self._content)
        self.drop_indicator.setObjectName("minutes_drop_indicator")
        self.drop_indicator.setStyleSheet(
            "#minutes_drop_indicator { background: #1f6fd1; border-radius: 1px; }"
        )
        self.drop_indicator.hide()
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

    def resolution_ids(self) -> list[ResolutionId]:
        """The resolutions shown, in order."""
        return list(self._resolutions)

    def resolution_number(self, resolution_id: ResolutionId) -> str:
        """The number shown beside a resolution's label ("(ii)"); "" when it is the only one."""
        row = self._resolutions.get(resolution_id)
        return "" if row is None else row.number.text()

    def part_ids(self, resolution_id: ResolutionId) -> list[ResolutionPartId]:
        row = self._resolutions.get(resolution_id)
        return [] if row is None else list(row.part_ids)

    def part_edit(self, part_id: ResolutionPartId) -> PointEdit | None:
        row = self._parts.get(part_id)
        return None if row is None else row.edit

    def part_label_edit(self, part_id: ResolutionPartId) -> QLineEdit | None:
        row = self._parts.get(part_id)
        return None if row is None else row.label

    def block_widget(self, row: RowRef) -> QWidget | None:
        """The widget a block is drawn in (a point's line, a heading, a resolution box, a part's
        line), for finding where to drop; None when not shown."""
        if row.table == _POINT and PointId(row.id) in self._points:
            return self._points[PointId(row.id)].line
        if row.table == _SECTION:
            section = self._section_row(SectionId(row.id))
            return None if section is None else section.head
        if row.table == _RESOLUTION and ResolutionId(row.id) in self._resolutions:
            return self._resolutions[ResolutionId(row.id)].box
        if row.table == _PART and ResolutionPartId(row.id) in self._parts:
            return self._parts[ResolutionPartId(row.id)].line
        return None

    def block_mime_data(self, row: RowRef) -> QMimeData:
        """What dragging ``row`` by its handle carries: this item and the row."""
        data = QMimeData()
        item = 0 if self._item is None else int(self._item.id)
        data.setData(BLOCK_MIME, QByteArray(f"{item}:{row.table}:{row.id}".encode()))
        return data

    def drop_block(self, row: RowRef, y: int) -> bool:
        """Move ``row`` to the place nearest ``y`` (content coordinates), as dropping it there
        does: one undoable command. False when that place is where it already is."""
        slot = self._drop_slot(row, y)
        if slot is None or self.read_only:
            return False
        position = self._drop_position(row, slot)
        if position is None:
            return False
        self._move_block(row, slot.parent_id, position)
        return True

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
            self._commit_part_label(part_id)
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
        self._silence_rows()
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
        self.drop_indicator.hide()
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
        # A block dropped over a text editor or a heading still moves the block: those
        # widgets accept drops (of text), so Qt hands the drop to them, not to the content.
        for widget in self._content.findChildren(QWidget):
            if widget.acceptDrops():
                widget.installEventFilter(self)
        target, self._focus_target = self._focus_target, None
        if target is not None:
            self.focus_point(*target)

    def _silence_rows(self) -> None:
        """Block the signals of the widgets about to go: a widget going away must not commit."""
        for row in self._points.values():
            row.edit.blockSignals(True)
        for resolution in self._resolutions.values():
            resolution.edit.blockSignals(True)
            resolution.label.blockSignals(True)
        for part in self._parts.values():
            part.edit.blockSignals(True)
            part.label.blockSignals(True)
        for shown in self._sections:
            shown.heading.blockSignals(True)

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
        head = QWidget(self._content)
        head_layout = QHBoxLayout(head)
        head_layout.setContentsMargins(0, 4, 0, 0)
        head_layout.setSpacing(4)
        handle = DragHandle(
            "Drag to move this section with its points (or Alt+Up / Alt+Down)", head
        )
        handle.setVisible(not read_only)
        heading_edit = _HeadingEdit(heading or "", head)
        heading_edit.setObjectName("minutes_section_heading")
        heading_edit.setPlaceholderText("(no heading)")
        heading_edit.setReadOnly(read_only)
        heading_edit.setFrame(False)
        heading_edit.setStyleSheet(
            "QLineEdit { font-weight: 600; border-bottom: 1px solid #b0b0b0;"
            " background: transparent; padding: 4px 0 2px 0; }"
        )
        head_layout.addWidget(handle, 0, Qt.AlignmentFlag.AlignBottom)
        head_layout.addWidget(heading_edit, 1)
        section = _SectionRow(section_id, version, heading or "", heading_edit, [], head)
        heading_edit.editingFinished.connect(lambda s=section: self._commit_heading(s))
        heading_edit.move_wanted.connect(lambda step, s=section: self._step_section(s, step))
        ref = RowRef(_SECTION, section_id)
        handle.drag_wanted.connect(lambda r=ref, h=handle: self._start_drag(r, h))
        self._sections.append(section)
        self._layout.addWidget(head)
        for point in points:
            self._build_point(section, point)

    def _build_point(self, section: _SectionRow, point: EditablePoint) -> None:
        read_only = self.read_only
        line = QWidget(self._content)
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.setSpacing(4)
        handle = DragHandle("Drag to move this point (or Alt+Up / Alt+Down)", line)
        handle.setVisible(not read_only)
        badge = KindBadge(point.kind, line)
        badge.setEnabled(not read_only)
        edit = PointEdit(line, speller=self._speller)
        edit.setObjectName("minutes_point_edit")
        edit.setPlainText(point.text)
        edit.setReadOnly(read_only)
        edit.set_phrases(standard_phrases(self._preferences, point.kind.value))
        layout.addWidget(handle, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(edit, 1)
        row = _PointRow(
            point.id, section.section_id, point.version, point.text, point.kind, badge, edit, line
        )
        ref = RowRef(_POINT, point.id)
        handle.drag_wanted.connect(lambda r=ref, h=handle: self._start_drag(r, h))
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
        layout.setContentsMargins(6, 6, 8, 6)
        label, number, add_part, remove, handle = self._build_resolution_top(
            box, layout, resolution
        )
        edit = PointEdit(box, speller=self._speller, structural=False, movable=True)
        edit.setObjectName("minutes_resolution_edit")
        edit.setPlainText(resolution.text)
        edit.setReadOnly(read_only)
        layout.addWidget(edit)
        row = _ResolutionRow(
            resolution.id,
            resolution.version,
            resolution.label,
            resolution.text,
            label,
            edit,
            box,
            number,
            [],
        )
        self._resolutions[resolution.id] = row
        ident = resolution.id
        edit.commit_wanted.connect(lambda i=ident: self._commit_resolution(i))
        edit.undo_wanted.connect(self.undo)
        edit.redo_wanted.connect(self.redo)
        edit.move_wanted.connect(lambda step, i=ident: self._step_resolution(i, step))
        label.editingFinished.connect(lambda i=ident: self._commit_resolution_label(i))
        remove.clicked.connect(lambda _checked=False, i=ident: self._delete_resolution(i))
        add_part.clicked.connect(lambda _checked=False, i=ident: self._add_part(i))
        ref = RowRef(_RESOLUTION, ident)
        handle.drag_wanted.connect(lambda r=ref, h=handle: self._start_drag(r, h))
        for number_of_part, part in enumerate(resolution.parts, start=1):
            self._build_part(row, layout, part, number_of_part)
        self._layout.addWidget(box)

    def _build_resolution_top(
        self, box: QWidget, layout: QVBoxLayout, resolution: EditableResolution
    ) -> tuple[QLineEdit, QLabel, QToolButton, QToolButton, DragHandle]:
        """The resolution's top line: handle, label, number, Add Part, Delete."""
        read_only = self.read_only
        top = QHBoxLayout()
        top.setSpacing(4)
        handle = DragHandle("Drag to move this resolution (or Alt+Up / Alt+Down)", box)
        handle.setVisible(not read_only)
        top.addWidget(handle)
        label = QLineEdit(resolution.label, box)
        label.setObjectName("minutes_resolution_label")
        label.setReadOnly(read_only)
        label.setFixedWidth(120)
        label.setToolTip(f"Shown as “{resolution.numbered_label}”")
        top.addWidget(label)
        # The service numbers several resolutions; show its number, not one of our own.
        stem = resolution.label.strip() or "Resolved"
        number = QLabel(resolution.numbered_label.removeprefix(stem).strip(), box)
        number.setObjectName("minutes_resolution_number")
        number.setStyleSheet("font-weight: 600; color: #0b4a7a;")
        number.setVisible(bool(number.text()))
        top.addWidget(number)
        top.addStretch(1)
        add_part = QToolButton(box)
        add_part.setObjectName("minutes_add_part")
        add_part.setText("Add Part")
        add_part.setVisible(not read_only)
        add_part.setToolTip("Add a numbered part to this resolution (undoable)")
        top.addWidget(add_part)
        remove = QToolButton(box)
        remove.setText("Delete")
        remove.setVisible(not read_only)
        remove.setToolTip("Delete this resolution (undoable)")
        top.addWidget(remove)
        layout.addLayout(top)
        return label, number, add_part, remove, handle

    def _build_part(
        self, resolution: _ResolutionRow, layout: QVBoxLayout, part: EditablePart, number: int
    ) -> None:
        from qpmr_desktop.services.minutes import roman_numeral  # noqa: PLC0415 - loaded by now

        read_only = self.read_only
        box = resolution.box
        line = QWidget(box)
        line.setObjectName("minutes_part")
        part_line = QHBoxLayout(line)
        part_line.setContentsMargins(0, 0, 0, 0)
        part_line.setSpacing(4)
        handle = DragHandle("Drag to move this part (or Alt+Up / Alt+Down)", line)
        handle.setVisible(not read_only)
        part_label = QLineEdit(part.label, line)
        part_label.setObjectName("minutes_part_label")
        # An empty label is numbered by position when printed: show that number.
        part_label.setPlaceholderText(f"({roman_numeral(number)})")
        part_label.setToolTip("The part's number as printed; empty: numbered (i), (ii) …")
        part_label.setFixedWidth(44)
        part_label.setReadOnly(read_only)
        part_edit = PointEdit(line, speller=self._speller, structural=False, movable=True)
        part_edit.setObjectName("minutes_part_edit")
        part_edit.setPlainText(part.text)
        part_edit.setReadOnly(read_only)
        remove = QToolButton(line)
        remove.setObjectName("minutes_delete_part")
        remove.setText("\u00d7")
        remove.setToolTip("Delete this part (undoable)")
        remove.setVisible(not read_only)
        part_line.addWidget(handle, 0, Qt.AlignmentFlag.AlignTop)
        part_line.addWidget(part_label, 0, Qt.AlignmentFlag.AlignTop)
        part_line.addWidget(part_edit, 1)
        part_line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(line)
        self._parts[part.id] = _PartRow(
            part.id,
            resolution.resolution_id,
            part.version,
            part.label,
            part.text,
            part_label,
            part_edit,
            line,
        )
        resolution.part_ids.append(part.id)
        ident = part.id
        part_edit.commit_wanted.connect(lambda p=ident: self._commit_part(p))
        part_edit.undo_wanted.connect(self.undo)
        part_edit.redo_wanted.connect(self.redo)
        part_edit.move_wanted.connect(lambda step, p=ident: self._step_part(p, step))
        part_label.editingFinished.connect(lambda p=ident: self._commit_part_label(p))
        remove.clicked.connect(lambda _checked=False, p=ident: self._delete_part(p))
        ref = RowRef(_PART, ident)
        handle.drag_wanted.connect(lambda r=ref, h=handle: self._start_drag(r, h))

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

    def _commit_part_label(self, part_id: ResolutionPartId) -> None:
        row = self._parts.get(part_id)
        if row is None or self.read_only:
            return
        label = row.label.text().strip()
        if label == row.saved_label:
            return
        self._undo_stack.push(
            UpdateResolutionPartCommand(
                self._editor,
                part_id=part_id,
                expected_version=row.version,
                changes={"label": label},
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

    def _section_row(self, section_id: SectionId) -> _SectionRow | None:
        return next((s for s in self._sections if s.section_id == section_id), None)

    def _step_section(self, section: _SectionRow, step: int) -> None:
        if section not in self._sections:
            return
        index = self._sections.index(section) + step
        if 0 <= index < len(self._sections):
            self._move_block(RowRef(_SECTION, section.section_id), 0, index)

    def _step_resolution(self, resolution_id: ResolutionId, step: int) -> None:
        order = list(self._resolutions)
        index = order.index(resolution_id) + step if resolution_id in order else -1
        if 0 <= index < len(order):
            self._move_block(RowRef(_RESOLUTION, resolution_id), int(resolution_id), index)

    def _step_part(self, part_id: ResolutionPartId, step: int) -> None:
        row = self._parts.get(part_id)
        if row is None:
            return
        order = self._resolutions[row.resolution_id].part_ids
        index = order.index(part_id) + step
        if 0 <= index < len(order):
            self._move_block(RowRef(_PART, part_id), int(row.resolution_id), index)

    def _move_block(self, row: RowRef, parent_id: int, position: int) -> None:
        """One move command: ``row`` to ``position`` (counted without it) under ``parent_id``
        (a section for a point; ignored for the others, which keep their parent)."""
        if self.read_only:
            return
        command: QUndoCommand
        if row.table == _POINT:
            point = self._points[PointId(row.id)]
            self._keep_focus(point.point_id)
            command = MovePointCommand(
                self._editor,
                point_id=point.point_id,
                expected_version=point.version,
                position=position,
                section_id=SectionId(parent_id),
            )
        elif row.table == _SECTION:
            section = self._section_row(SectionId(row.id))
            assert section is not None
            command = MoveSectionCommand(
                self._editor,
                section_id=section.section_id,
                expected_version=section.version,
                position=position,
            )
        elif row.table == _RESOLUTION:
            resolution = self._resolutions[ResolutionId(row.id)]
            command = MoveResolutionCommand(
                self._editor,
                resolution_id=resolution.resolution_id,
                expected_version=resolution.version,
                position=position,
            )
        else:
            part = self._parts[ResolutionPartId(row.id)]
            self._change_parts(
                part.resolution_id,
                MoveResolutionPartCommand(
                    self._editor,
                    part_id=part.part_id,
                    expected_version=part.version,
                    position=position,
                ),
            )
            return
        self.push(command)

    def _part_labels(self, resolution_id: ResolutionId) -> list[str]:
        return [self._parts[p].saved_label for p in self._resolutions[resolution_id].part_ids]

    def _change_parts(self, resolution_id: ResolutionId, command: QUndoCommand) -> None:
        """Push a part's add, delete or move; parts numbered in sequence are renumbered in the
        same undo step (a macro of the change and the relabels)."""
        from qpmr_desktop.services.minutes_editing import numbered_part_labels  # noqa: PLC0415

        self.commit_all()
        before = self._part_labels(resolution_id)
        if numbered_part_labels(before, len(before)) is None:
            self.push(command)
            return
        self._undo_stack.beginMacro(command.text())
        self.push(command)
        if resolution_id in self._resolutions:  # the change reloaded the item
            after = self._resolutions[resolution_id].part_ids
            wanted = numbered_part_labels(before, len(after)) or []
            for part_id, label in zip(after, wanted, strict=True):
                part = self._parts[part_id]
                if part.saved_label != label:
                    self._undo_stack.push(
                        UpdateResolutionPartCommand(
                            self._editor,
                            part_id=part_id,
                            expected_version=part.version,
                            changes={"label": label},
                        )
                    )
        self._undo_stack.endMacro()

    def _add_part(self, resolution_id: ResolutionId) -> None:
        if resolution_id not in self._resolutions or self.read_only:
            return
        from qpmr_desktop.services.minutes_editing import numbered_part_labels  # noqa: PLC0415

        self.commit_all()
        labels = self._part_labels(resolution_id)
        numbered = numbered_part_labels(labels, len(labels) + 1)
        command = AddResolutionPartCommand(
            self._editor,
            resolution_id=resolution_id,
            text="That ",
            label=numbered[-1] if numbered else "",
        )
        self.push(command)
        edit = None if command.part_id is None else self.part_edit(command.part_id)
        if edit is not None:
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.set_cursor_offset(len(edit.text()))

    def _delete_part(self, part_id: ResolutionPartId) -> None:
        row = self._parts.get(part_id)
        if row is None or self.read_only:
            return
        self._change_parts(
            row.resolution_id,
            DeleteResolutionPartCommand(
                self._editor, part_id=part_id, expected_version=row.version
            ),
        )

    # ------------------------------------------------------------ drag and drop

    def _start_drag(self, row: RowRef, handle: DragHandle) -> None:
        block = self.block_widget(row)
        if block is None or self.read_only:
            return
        drag = QDrag(handle)
        drag.setMimeData(self.block_mime_data(row))
        picture = block.grab()
        if picture.width() > _DRAG_PIXMAP_WIDTH:
            picture = picture.copy(0, 0, _DRAG_PIXMAP_WIDTH, picture.height())
        drag.setPixmap(picture)
        drag.setHotSpot(handle.mapTo(block, QPoint(handle.width() // 2, handle.height() // 2)))
        drag.exec(Qt.DropAction.MoveAction)
        self.drop_indicator.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _DRAG_EVENTS or not isinstance(watched, QWidget):
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.DragLeave:
            self.drop_indicator.hide()
            return False
        assert isinstance(event, QDropEvent)  # DragEnter and DragMove are drop events too
        row = self._dragged(event.mimeData())
        if row is None:
            return False  # text, or a block of another item: whatever is under it decides
        at = event.position().toPoint()
        y = at.y() if watched is self._content else watched.mapTo(self._content, at).y()
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.drop_indicator.hide()
            self.drop_block(row, y)
        else:
            self._autoscroll(watched, at)
            self._show_indicator(row, y)
        return True

    def _dragged(self, data: QMimeData | None) -> RowRef | None:
        """The block ``data`` carries, if it is one of this item's and can move here."""
        if data is None or self._item is None or self.read_only:
            return None
        if not data.hasFormat(BLOCK_MIME):
            return None
        try:
            item, table, ident = bytes(data.data(BLOCK_MIME).data()).decode().split(":")
            row = RowRef(table, int(ident))
            same_item = int(item) == self._item.id
        except ValueError:
            return None
        return row if same_item and self.block_widget(row) is not None else None

    def _show_indicator(self, row: RowRef, y: int) -> None:
        slot = self._drop_slot(row, y)
        if slot is None:
            self.drop_indicator.hide()
            return
        self.drop_indicator.setGeometry(slot.left, slot.y - 1, max(slot.right - slot.left, 8), 3)
        self.drop_indicator.show()
        self.drop_indicator.raise_()

    def _autoscroll(self, watched: QWidget, at: QPoint) -> None:
        viewport = self.viewport()
        y = watched.mapTo(viewport, at).y() if watched is not viewport else at.y()
        bar = self.verticalScrollBar()
        if y < _AUTOSCROLL_MARGIN:
            bar.setValue(bar.value() - _AUTOSCROLL_STEP)
        elif y > viewport.height() - _AUTOSCROLL_MARGIN:
            bar.setValue(bar.value() + _AUTOSCROLL_STEP)

    def _drop_slot(self, row: RowRef, y: int) -> _DropSlot | None:
        """The place for ``row`` nearest ``y``: between points (of any section), sections,
        resolutions, or the parts of the part's own resolution."""
        slots = self._drop_slots(row)
        return min(slots, key=lambda slot: abs(slot.y - y), default=None)

    def _drop_slots(self, row: RowRef) -> list[_DropSlot]:
        if row.table == _POINT:
            return [
                slot
                for section in self._sections
                for slot in self._slots_between(
                    int(section.section_id),
                    [self._points[p].line for p in section.point_ids],
                    empty_after=section.head,
                )
            ]
        if row.table == _SECTION:
            if not self._sections:
                return []
            last = self._sections[-1]
            end = self._points[last.point_ids[-1]].line if last.point_ids else last.head
            slots = self._slots_between(0, [s.head for s in self._sections], empty_after=end)
            slots[-1] = dataclasses.replace(slots[-1], y=self._bottom(end))
            return slots
        if row.table == _RESOLUTION:
            boxes = [resolution.box for resolution in self._resolutions.values()]
            return self._slots_between(0, boxes, empty_after=None)
        part = self._parts.get(ResolutionPartId(row.id))
        if part is None:
            return []
        resolution = self._resolutions[part.resolution_id]
        lines = [self._parts[p].line for p in resolution.part_ids]
        return self._slots_between(int(part.resolution_id), lines, empty_after=None)

    def _slots_between(
        self, parent_id: int, blocks: list[QWidget], *, empty_after: QWidget | None
    ) -> list[_DropSlot]:
        """A slot above each block and one below the last (below ``empty_after`` if none)."""
        if not blocks:
            if empty_after is None:
                return []
            left, right = self._span(empty_after)
            return [_DropSlot(parent_id, 0, self._bottom(empty_after) + 1, left, right)]
        slots = [
            _DropSlot(parent_id, index, self._top_left(block).y(), *self._span(block))
            for index, block in enumerate(blocks)
        ]
        last = blocks[-1]
        slots.append(_DropSlot(parent_id, len(blocks), self._bottom(last), *self._span(last)))
        return slots

    def _span(self, widget: QWidget) -> tuple[int, int]:
        left = self._top_left(widget).x()
        return left, left + widget.width()

    def _top_left(self, widget: QWidget) -> QPoint:
        return widget.mapTo(self._content, QPoint(0, 0))

    def _bottom(self, widget: QWidget) -> int:
        return self._top_left(widget).y() + widget.height()

    def _drop_position(self, row: RowRef, slot: _DropSlot) -> int | None:
        """The position the move service wants (counted without the block) for dropping
        ``row`` at ``slot``; None when that leaves it where it is."""
        place = self._place_of(row)
        if place is None:
            return None
        parent_id, index = place
        if slot.parent_id != parent_id:
            return slot.index
        if slot.index in (index, index + 1):
            return None
        return slot.index - 1 if slot.index > index else slot.index

    def _place_of(self, row: RowRef) -> tuple[int, int] | None:
        """(parent, index) of a shown block, with the parents ``_drop_slots`` uses."""
        if row.table == _POINT:
            place = self._place(PointId(row.id))
            return None if place is None else (int(place[0].section_id), place[1])
        if row.table == _SECTION:
            ids = [section.section_id for section in self._sections]
            return (0, ids.index(SectionId(row.id))) if row.id in ids else None
        if row.table == _RESOLUTION:
            order = list(self._resolutions)
            return (0, order.index(ResolutionId(row.id))) if row.id in order else None
        part = self._parts.get(ResolutionPartId(row.id))
        if part is None:
            return None
        return int(part.resolution_id), self._resolutions[part.resolution_id].part_ids.index(
            part.part_id
        )

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
        if "label" in change.after:
            part.saved_label = str(change.after["label"])
            if part.label.text().strip() != part.saved_label:
                part.label.setText(part.saved_label)
        return True
