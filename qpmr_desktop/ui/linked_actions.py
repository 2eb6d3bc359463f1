"""The actions linked to a resolution, an agenda item or an indicator: a compact list to jump from.

Contract:

- ``read_actions_for_indicator`` and ``read_actions_for_resolutions`` read
  the linked actions through ``services.actions`` (never SQL here), in
  tracker order, each judged as the Actions tab judges it: on
  ``services.settings.effective_today``, with any officer's override, so
  the chip here and the chip in the tracker always agree. With several
  resolutions, each action says which one it carries out ("Resolved (ii)").
- ``LinkedActionsModel`` is a one-column ``RowTableModel`` of
  ``LinkedActionRow``: the display text says everything in words (ref,
  description, RAG as shape + word, status, progress, lead, due date, plan)
  for screen readers and copying; the tooltip adds the RAG's reason;
  ``ForegroundRole`` is the chip colour; ``ItemRole.ID`` the action's id.
- ``LinkedActionDelegate`` draws each action on two lines: the ref and
  description; then the RAG chip (shape + word, "▲ Overdue" once past due)
  and, muted, the status, progress, lead, due date and plan.
- ``LinkedActionsPanel`` is a title with a count, the list, and an "Open in
  Actions" button; an empty list is replaced by a sentence
  (``empty_text``). ``show_links(key, fetch)`` names what to show; ``fetch``
  runs only while the panel is visible in its window (its tab is the current
  one) — at once if it is, else when it is next shown — and again every
  time the panel is shown, so an action edited
  on the Actions tab is up to date when the person comes back. The same
  ``key`` twice in a row (a refresh of the same indicator) reads nothing.
  A fetch that fails says so in the panel and in the log.
- ``action_activated(action_id)`` is emitted when a person opens an action:
  double-click or Enter on a row, or the button (the selected row, else the
  first). The owning tab forwards it; the main window shows that action on
  the Actions tab.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    derive_action_rag,
    describe_action_rag,
    is_overdue,
)
from qpmr_desktop.domain.ids import ActionId
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS, GREY, action_rag_text, chip_width, draw_chip
from qpmr_desktop.ui.formatting import short_date
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import Column, RowTableModel

if TYPE_CHECKING:
    import datetime as dt

    from qpmr_desktop.services.read_models import ActionLink
    from qpmr_desktop.services.workspace import Workspace

__all__ = [
    "INDICATOR_EMPTY_TEXT",
    "LinkedActionDelegate",
    "LinkedActionRow",
    "LinkedActionsModel",
    "LinkedActionsPanel",
    "read_actions_for_indicator",
    "read_actions_for_resolutions",
]

_log = logging.getLogger(__name__)

INDICATOR_EMPTY_TEXT: Final = (
    "No actions linked to this indicator — link one from the action's form on the Actions tab."
)
OVERRIDE_MARK: Final = "*"  # as the tracker marks an officer's override
_PADDING: Final = 4


@dataclass(frozen=True, slots=True)
class LinkedActionRow:
    """One linked action as the panel shows it, judged on the day the tracker judges."""

    id: ActionId
    plan: str
    ref: str
    description: str
    lead: str  # "" when none
    due_date: dt.date | None
    status: ActionStatus
    progress: int
    rag: ActionRag
    overdue: bool
    overridden: bool
    rag_reason: str
    resolution: str = ""  # "Resolved (ii)": which of an item's resolutions it carries out

    @property
    def chip_text(self) -> str:
        """``▲ Overdue``, ``● On track *``: the RAG as shape and word, as the tracker shows it."""
        text = action_rag_text(self.rag, overdue=self.overdue)
        return f"{text} {OVERRIDE_MARK}" if self.overridden else text

    @property
    def chip_colour(self) -> str:
        late = self.overdue and self.rag is not ActionRag.BLUE
        return ACTION_RAG_COLOURS[ActionRag.RED if late else self.rag]

    @property
    def facts(self) -> str:
        """The second line after the chip: status (when the chip does not say it), %, lead, due."""
        facts = []
        chip_word = self.chip_text.partition(" ")[2].removesuffix(f" {OVERRIDE_MARK}")
        if chip_word != self.status.label:
            facts.append(self.status.label)
        facts.append(f"{self.progress}%")
        facts.append(self.lead or "no lead")
        if self.due_date is None:
            facts.append("no due date")
        elif self.overdue:
            facts.append(f"was due {short_date(self.due_date)}")
        else:
            facts.append(f"due {short_date(self.due_date)}")
        if self.resolution:
            facts.append(self.resolution)
        facts.append(self.plan)
        return " · ".join(facts)

    @property
    def title(self) -> str:
        return f"{self.ref}  {' '.join(self.description.split())}"


# ------------------------------------------------------------------ reading


def read_actions_for_indicator(
    workspace: Workspace, indicator_id: int, *, today: dt.date | None = None
) -> list[LinkedActionRow]:
    """The actions that ``indicator_id`` evidences, judged on ``today`` (default: the tracker's)."""
    from qpmr_desktop.services.actions import list_actions_for_indicator  # noqa: PLC0415 - loads with the first link

    links = list_actions_for_indicator(workspace=workspace, indicator_id=indicator_id)
    return _judged(workspace, [(link, "") for link in links], today)


def read_actions_for_resolutions(
    workspace: Workspace,
    resolutions: Sequence[tuple[int, str]],
    *,
    today: dt.date | None = None,
) -> list[LinkedActionRow]:
    """The actions carrying out these ``(resolution id, label)``s, resolution by resolution.

    With more than one resolution each row names its own ("Resolved (ii)").
    """
    from qpmr_desktop.services.actions import list_actions_for_resolution  # noqa: PLC0415 - loads with the first link

    several = len(resolutions) > 1
    links = [
        (link, label if several else "")
        for resolution_id, label in resolutions
        for link in list_actions_for_resolution(workspace=workspace, resolution_id=resolution_id)
    ]
    return _judged(workspace, links, today)


def _judged(
    workspace: Workspace, links: Sequence[tuple[ActionLink, str]], today: dt.date | None
) -> list[LinkedActionRow]:
    """Each link with its RAG as the tracker has it, judged by the same domain rules.

    The link carries the stored override and its reason, so an officer's red
    shows red here too, without reading each action again.
    """
    from qpmr_desktop.services.settings import effective_today  # noqa: PLC0415

    if not links:
        return []
    day = today if today is not None else effective_today(workspace=workspace)
    rows = []
    for link, resolution in links:
        status, due, override = link.status, link.due_date, link.rag_override
        rows.append(
            LinkedActionRow(
                id=link.id,
                plan=link.plan,
                ref=link.ref,
                description=link.description,
                lead=link.lead,
                due_date=due,
                status=status,
                progress=link.progress,
                rag=derive_action_rag(status=status, due_date=due, today=day, override=override),
                overdue=is_overdue(status=status, due_date=due, today=day),
                overridden=override is not None,
                rag_reason=describe_action_rag(
                    status=status,
                    due_date=due,
                    today=day,
                    override=override,
                    override_reason=link.rag_override_reason,
                ),
                resolution=resolution,
            )
        )
    return rows


# ------------------------------------------------------------------ model and delegate


def _display(row: LinkedActionRow) -> str:
    return f"{row.title} — {row.chip_text}; {row.facts}"


def _tooltip(row: LinkedActionRow) -> str:
    lines = [f"{row.ref} {row.description}", row.rag_reason, row.facts, "Enter: open in Actions"]
    return "\n".join(line for line in lines if line)


COLUMNS: Final[tuple[Column[LinkedActionRow], ...]] = (
    Column(
        key="action",
        header="Linked action",
        display=_display,
        sort_key=lambda row: (row.plan.casefold(), row.ref, row.id),
        tooltip=_tooltip,
        foreground=lambda row: QColor(row.chip_colour),
    ),
)


class LinkedActionsModel(RowTableModel[LinkedActionRow]):
    """The linked actions, one a row, in the order read (see the module)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, id_of=lambda row: row.id, parent=parent)


class LinkedActionDelegate(QStyledItemDelegate):
    """Two lines an action: "2.3  Embed …", then the RAG chip and the facts, muted."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(ItemRole.ROW)
        if not isinstance(row, LinkedActionRow):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        # ``option``'s palette, not ``opt``'s: initStyleOption put the chip
        # colour (ForegroundRole) in as the text colour, and only the chip is coloured.
        palette = option.palette
        plain_text = palette.color(QPalette.ColorRole.Text)
        text_colour = palette.color(QPalette.ColorRole.HighlightedText) if selected else plain_text
        metrics = QFontMetrics(opt.font)
        line = metrics.height()
        rect = opt.rect.adjusted(_PADDING, _PADDING // 2, -_PADDING, -_PADDING // 2)

        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        ref_width = QFontMetrics(bold).horizontalAdvance(row.ref + "  ")
        painter.setFont(bold)
        painter.setPen(text_colour)
        first = QRectF(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(first, Qt.AlignmentFlag.AlignVCenter, row.ref)
        painter.setFont(opt.font)
        description = " ".join(row.description.split())
        room = max(int(rect.width()) - ref_width, 0)
        painter.drawText(
            first.adjusted(ref_width, 0, 0, 0),
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(description, Qt.TextElideMode.ElideRight, room),
        )

        second_top = rect.top() + line + 2
        symbol, _, word = row.chip_text.partition(" ")
        width = min(chip_width(metrics, symbol, word), rect.width())
        chip_height = line + 2
        draw_chip(
            painter,
            rect=QRectF(rect.left(), second_top, width, chip_height),
            font=opt.font,
            colour=QColor(row.chip_colour),
            symbol=symbol,
            word=word,
            text_colour=plain_text,
        )
        painter.setFont(opt.font)
        painter.setPen(text_colour if selected else QColor(GREY))
        facts_left = rect.left() + width + _PADDING
        facts_room = max(int(rect.right() - facts_left), 0)
        painter.drawText(
            QRectF(facts_left, second_top, facts_room, chip_height),
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(row.facts, Qt.TextElideMode.ElideRight, facts_room),
        )
        painter.restore()

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,  # noqa: ARG002 - every row is two lines
    ) -> QSize:
        line = QFontMetrics(option.font).height()
        # Narrow on purpose: the panel lives in side panes, and text is elided.
        return QSize(120, 2 * line + 2 + 2 + _PADDING + 2)


# ------------------------------------------------------------------ the panel


class LinkedActionsPanel(QWidget):
    """Title, list and "Open in Actions" button of linked actions; see the module."""

    action_activated = Signal(int)  # an action's id

    def __init__(
        self,
        *,
        title: str = "Linked actions",
        empty_text: str = INDICATOR_EMPTY_TEXT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linked_actions")
        self._title = title
        self._empty_text = empty_text
        self._key: Hashable | None = None
        self._fetch: Callable[[], Sequence[LinkedActionRow]] | None = None
        self._loaded = False  # whether the list shows what ``_fetch`` gives now

        self._build(title)
        self.view.activated.connect(self._on_view_activated)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.model.modelReset.connect(self._on_model_reset)
        self.show_links(None, None)

    # ------------------------------------------------------------ our API

    def show_links(
        self,
        key: Hashable | None,
        fetch: Callable[[], Sequence[LinkedActionRow]] | None,
        *,
        empty_text: str | None = None,
    ) -> None:
        """Show what ``fetch`` reads (when visible; see the module), or ``empty_text`` alone.

        ``key`` names what is shown (an indicator's id, an item's id): the same
        key again reads nothing while the panel has not been hidden.
        """
        if empty_text is not None:
            self._empty_text = empty_text
        if fetch is not None and key is not None and key == self._key and self._loaded:
            return
        changed = key != self._key
        self._key = key
        self._fetch = fetch
        self._loaded = False
        if changed:
            self.model.set_rows(())  # not the last indicator's actions while this one waits
        if fetch is None:
            self.model.set_rows(())
            self._show_empty(self._empty_text)
            return
        if self.isVisibleTo(self.window()):
            self.refresh()
        else:
            self._show_empty("")  # read when shown

    def clear(self, empty_text: str | None = None) -> None:
        """Show no actions, and ``empty_text`` (or the last one given) in their place."""
        self.show_links(None, None, empty_text=empty_text)

    def refresh(self) -> None:
        """Read the links again now, keeping the selected action selected."""
        if self._fetch is None:
            return
        selected = self.current_action_id()
        try:
            rows = self._fetch()
        # Deliberately broad: whatever a service raises, the tab around this
        # panel must go on working; the person is told, the log has the details.
        except Exception as error:  # noqa: BLE001
            _log.exception("Could not read the linked actions (%r)", self._key)
            self.model.set_rows(())
            self._show_empty(f"The linked actions could not be read: {error}")
            self._loaded = True
            return
        self._loaded = True
        self.model.set_rows(rows)
        if selected is not None:
            self.select_action(selected)

    def current_action_id(self) -> int | None:
        """The id of the selected action, or None."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        ident = self.model.data(index, ItemRole.ID)
        return int(ident) if ident is not None else None

    def select_action(self, action_id: int) -> bool:
        """Select the action ``action_id`` if it is listed; say whether it is."""
        row = self.model.row_of_id(action_id)
        if row is None:
            return False
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    def action_ids(self) -> list[int]:
        """The ids of the actions listed, in order."""
        return [self.model.id_of(row) for row in self.model.rows()]

    def open_current(self) -> None:
        """Emit ``action_activated`` for the selected action, else the first; nothing if none."""
        ident = self.current_action_id()
        if ident is None and self.model.rowCount() > 0:
            ident = self.model.id_of(self.model.row_at(0))
        if ident is not None:
            self.action_activated.emit(ident)

    # ------------------------------------------------------------ Qt overrides

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Links change on the Actions tab: read them again whenever we come back.
        self.refresh()

    # ------------------------------------------------------------ slots

    def _on_view_activated(self, index: QModelIndex) -> None:
        ident = self.model.data(index, ItemRole.ID)
        if ident is not None:
            self.action_activated.emit(int(ident))

    def _on_open_button_clicked(self) -> None:
        self.open_current()

    def _on_model_reset(self) -> None:
        count = self.model.rowCount()
        self.title_label.setText(f"{self._title} ({count})" if count else self._title)
        self.open_button.setEnabled(count > 0)
        if count:
            self.stack.setCurrentWidget(self.view)
        elif self._fetch is not None and self._loaded:
            self._show_empty(self._empty_text)

    # ------------------------------------------------------------ internals

    def _build(self, title: str) -> None:
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("linked_actions_title")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.title_label.font())
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.open_button = QToolButton(self)
        self.open_button.setObjectName("linked_actions_open")
        self.open_button.setText("Open in Actions")
        self.open_button.setAutoRaise(True)
        self.open_button.setToolTip("Show the selected action on the Actions tab (Enter)")

        self.model = LinkedActionsModel(self)
        self.view = QListView(self)
        self.view.setObjectName("linked_actions_list")
        self.view.setModel(self.model)
        self.view.setItemDelegate(LinkedActionDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setAlternatingRowColors(True)  # two-line rows: where one ends
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMinimumSize(80, 40)
        self.view.setAccessibleName(title)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("linked_actions_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)  # error text may hold "<"
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setEnabled(False)  # drawn in the muted text colour
        self.empty_label.setMinimumWidth(60)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def _show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)
        self.open_button.setEnabled(False)
