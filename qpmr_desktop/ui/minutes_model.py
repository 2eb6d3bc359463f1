"""The Minutes tab's tree: meeting → agenda item → section → point, and resolutions.

Contract:
- ``MinutesTreeModel`` reads through a ``MinutesSource`` (the services, or a
  hand-written fake in tests). Every meeting is read on ``set_source`` /
  ``reload`` (one query), but only the newest ``batch_size`` become rows of
  the root; the next batch is added when a view asks (``canFetchMore`` /
  ``fetchMore`` on the invalid parent, as ``QSqlQueryModel`` fetches 256 rows;
  the filter proxy does not pass that on to its view, see
  ``MinutesFilterProxy.canFetchMore``). Laying out and
  painting a row of each of 2,000 meetings made the tab take seven times its
  query to open (bench_minutes); ``total_meetings`` counts the meetings read.
  The source's sequence is kept as it is: from a ``LazyRows`` (what
  ``WorkspaceMinutesSource`` reads) only the meetings that become rows are
  made summaries, and a meeting not yet a row is found by the id column.
  A meeting's agenda items and an item's minutes load lazily too, the first
  time a view asks, and everything is inserted with ``beginInsertRows``.
  ``data()`` never touches the database.
- Whatever needs a meeting not yet a row adds the rows down to it:
  ``meeting_index``, ``load_item`` (an item of the oldest meeting) and
  ``fetch_all`` (which the filter proxy calls, so that it searches every
  meeting).
- Under an agenda item come its sections in order (a section without a
  heading reads "(introduction)"), each with its points, then the item's
  resolutions.
- Indexes carry a node id (``internalId``) looked up in a dictionary that owns
  the nodes. Unlike ``internalPointer`` this cannot dangle when Python
  collects a node, and an id is never reused, not even after a reload.
- ``ItemRole.KIND`` gives the ``NodeKind``, ``ItemRole.ROW`` the read model
  behind a node and ``ItemRole.ID`` its id.
- ``item_index`` finds a loaded agenda item by id in one dictionary look-up;
  ``load_item`` also loads the agenda of the item's meeting, and only that
  one when the source can say which meeting holds it (``ItemLocator``).
- ``MinutesFilterProxy`` filters by words, recursively, so a matching point
  keeps its item and meeting visible: every meeting (a filter adds the rows
  of all meetings first), and the agendas and minutes loaded so far.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import count
from typing import Any, Protocol, cast, overload, runtime_checkable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    ItemMinutes,
    LazyRows,
    MeetingSummary,
    PointView,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.formatting import clock_time, elide, long_date, short_date
from qpmr_desktop.ui.roles import ItemRole

AnyIndex = QModelIndex | QPersistentModelIndex
RoleDataSpan = QModelRoleDataSpan | QModelRoleData
_NO_PARENT = QModelIndex()
_ELIDE_AT = 110  # characters of a point shown in the tree; the tooltip has the rest
# Meetings a fetch adds at the root: some 30 fit in the tab's tree, and
# laying out and painting each row costs Python calls (see ``index``).
MEETING_BATCH = 128


class NodeKind(StrEnum):
    MEETING = "meeting"
    ITEM = "item"
    SECTION = "section"
    POINT = "point"
    RESOLUTION = "resolution"


Payload = MeetingSummary | AgendaItemSummary | SectionView | PointView | ResolutionView


class MinutesSource(Protocol):
    """Where the tree's data comes from: three reads, each one short unit of work."""

    def meetings(self) -> Sequence[MeetingSummary]: ...

    def agenda_items(self, meeting_id: MeetingId) -> Sequence[AgendaItemSummary]: ...

    def item_minutes(self, item_id: AgendaItemId) -> ItemMinutes: ...


@runtime_checkable
class ItemLocator(Protocol):
    """A source that can also say which meeting holds an item (``LookupError`` if none)."""

    def meeting_of_item(self, item_id: AgendaItemId) -> MeetingId: ...


class WorkspaceMinutesSource:
    """A ``MinutesSource`` over an open workspace, through ``services.minutes``."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def meetings(self) -> Sequence[MeetingSummary]:
        from qpmr_desktop.services import minutes as minutes_service  # noqa: PLC0415 - loads after first paint

        return minutes_service.list_meetings_lazily(workspace=self._workspace)

    def agenda_items(self, meeting_id: MeetingId) -> Sequence[AgendaItemSummary]:
        from qpmr_desktop.services import minutes as minutes_service  # noqa: PLC0415 - loads after first paint

        return minutes_service.list_agenda_items(workspace=self._workspace, meeting_id=meeting_id)

    def item_minutes(self, item_id: AgendaItemId) -> ItemMinutes:
        from qpmr_desktop.services import minutes as minutes_service  # noqa: PLC0415 - loads after first paint

        return minutes_service.get_item_minutes(workspace=self._workspace, item_id=item_id)

    def meeting_of_item(self, item_id: AgendaItemId) -> MeetingId:
        from qpmr_desktop.services import minutes as minutes_service  # noqa: PLC0415 - loads after first paint

        return minutes_service.meeting_of_item(workspace=self._workspace, item_id=item_id)


@dataclass(eq=False, slots=True)
class _Node:
    """One row of the tree. The model's ``_nodes`` dictionary owns every node."""

    node_id: int
    kind: NodeKind | None  # None only for the invisible root
    payload: Payload | None
    parent: _Node | None
    row: int
    children: list[_Node] = field(default_factory=list)
    fetched: bool = True  # False while a meeting's or an item's children are not loaded
    minutes: ItemMinutes | None = None  # an item's minutes, once loaded
    first_section: bool = False


def item_label(number: str, title: str) -> str:
    """An item as listed: the agenda number, a full stop, the title ("4. Quarterly …")."""
    number = number.strip()
    if not number:
        return title
    return f"{number} {title}" if number.endswith((".", ")")) else f"{number}. {title}"


def meeting_title(meeting: MeetingSummary) -> str:
    """A meeting without its lifecycle badge: "19 Sep 2017 — Cabinet Committee on …"."""
    return f"{short_date(meeting.date)} — {meeting.committee}"


def meeting_badge(meeting: MeetingSummary) -> str:
    """The lifecycle of a meeting's minutes as its badge reads: "DRAFT"."""
    return meeting.status.label.upper()


def meeting_label(meeting: MeetingSummary) -> str:
    """A meeting as the tree lists it: "19 Sep 2017 — Cabinet Committee on … — DRAFT"."""
    return f"{meeting_title(meeting)} — {meeting_badge(meeting)}"


def section_label(section: SectionView, *, first: bool) -> str:
    if section.heading:
        return section.heading
    return "(introduction)" if first else "(no heading)"


def resolution_label(resolution: ResolutionView) -> str:
    parts = " ".join(f"{label} {text}" for label, text in resolution.parts)
    return " ".join(f"{resolution.label}: {resolution.text} {parts}".split())


def _rich_tooltip(text: str) -> str:
    # Rich text so Qt wraps a long paragraph instead of showing one huge line.
    return f"<p>{html.escape(text)}</p>"


def _display(node: _Node) -> str:
    payload = node.payload
    match payload:
        case MeetingSummary():
            return meeting_label(payload)
        case AgendaItemSummary():
            return item_label(payload.number, payload.title)
        case SectionView():
            return section_label(payload, first=node.first_section)
        case PointView():
            return f"[{payload.kind.label}] {elide(payload.text, _ELIDE_AT)}"
        case ResolutionView():
            return elide(resolution_label(payload), _ELIDE_AT)
    return ""


def _tooltip(node: _Node) -> str | None:
    payload = node.payload
    match payload:
        case MeetingSummary():
            when = long_date(payload.date)
            if payload.start_time is not None:
                when += f" at {clock_time(payload.start_time)}"
            venue = f", {payload.venue}" if payload.venue else ""
            return f"{payload.committee}\n{when}{venue}\nMinutes: {payload.status.label}"
        case AgendaItemSummary():
            return item_label(payload.number, payload.title)
        case PointView():
            return _rich_tooltip(f"[{payload.kind.label}] {payload.text}")
        case ResolutionView():
            return _rich_tooltip(resolution_label(payload))
    return None


def _search_text(node: _Node) -> str:
    payload = node.payload
    match payload:
        case MeetingSummary():
            return f"{meeting_label(payload)} {payload.venue}"
        case AgendaItemSummary():
            return item_label(payload.number, payload.title)
        case SectionView():
            return payload.heading or ""
        case PointView():
            return f"{payload.kind.label} {payload.text}"
        case ResolutionView():
            return resolution_label(payload)
    return ""


_BOLD = QFont()
_BOLD.setBold(True)
_BOLD_KINDS = frozenset({NodeKind.MEETING, NodeKind.RESOLUTION})

_LAZY = frozenset({NodeKind.MEETING, NodeKind.ITEM})  # kinds whose children load on demand


class MinutesTreeModel(QAbstractItemModel):
    """The minutes of every meeting as a lazily loaded tree; see the module contract."""

    loading_failed = Signal(str)  # a message for a person: a row vanished meanwhile

    def __init__(
        self,
        source: MinutesSource | None = None,
        parent: QObject | None = None,
        *,
        batch_size: int = MEETING_BATCH,
    ) -> None:
        super().__init__(parent)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self._source = source
        self._batch = batch_size
        self._ids = count(1)
        self._root = _Node(node_id=0, kind=None, payload=None, parent=None, row=0)
        self._nodes: dict[int, _Node] = {0: self._root}
        # Every meeting read, newest first; the root's rows are the first of them.
        # A source's LazyRows stays as it is: only the meetings made rows are
        # made summaries (see _load_meetings).
        self._meetings: Sequence[MeetingSummary] = ()
        # A new status of a meeting read but not a row yet, by its place.
        self._restated: dict[int, MeetingSummary] = {}
        self._meeting_rows: dict[MeetingId, int] | None = None  # places by id, made when needed
        # By id, filled where the nodes are made: item_index scanned every node,
        # which made selecting an item of the oldest of 2,000 meetings take 15 s.
        self._meeting_nodes: dict[MeetingId, _Node] = {}
        self._item_nodes: dict[AgendaItemId, _Node] = {}
        self._role_getters: dict[int, Callable[[_Node], Any]] = {
            Qt.ItemDataRole.DisplayRole: _display,
            Qt.ItemDataRole.ToolTipRole: _tooltip,
            Qt.ItemDataRole.FontRole: self._font,
            ItemRole.KIND: lambda node: node.kind,
            ItemRole.ROW: lambda node: node.payload,
            ItemRole.ID: lambda node: getattr(node.payload, "id", None),
        }
        if source is not None:
            self._load_meetings()

    # ------------------------------------------------------------ our API

    def set_source(self, source: MinutesSource | None) -> None:
        """Show the minutes from ``source`` (None: nothing): a full reload."""
        self._source = source
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        # Ids keep counting across reloads, so a stale index can never name a new node.
        self._root = _Node(node_id=0, kind=None, payload=None, parent=None, row=0)
        self._nodes = {0: self._root}
        self._meeting_nodes = {}
        self._item_nodes = {}
        self._meetings = ()
        self._restated = {}
        self._meeting_rows = None
        if self._source is not None:
            self._load_meetings()
        self.endResetModel()

    @property
    def batch_size(self) -> int:
        """How many meetings a fetch at the root adds."""
        return self._batch

    @property
    def total_meetings(self) -> int:
        """How many meetings were read; ``rowCount()`` is how many of them are rows yet."""
        return len(self._meetings)

    def fetch_all(self) -> None:
        """Make every meeting read a row of the root (their agendas stay lazy)."""
        self._fetch_meetings(len(self._meetings))

    def meeting_index(self, meeting_id: MeetingId) -> QModelIndex:
        """The row of meeting ``meeting_id``, adding the rows down to it if needed.

        Invalid when no meeting read has that id.
        """
        node = self._meeting_nodes.get(meeting_id)
        if node is None:
            row = self._pending_row(meeting_id)
            if row is None:
                return QModelIndex()
            self._fetch_meetings(row + 1)
            node = self._meeting_nodes[meeting_id]
        return self.createIndex(node.row, 0, node.node_id)

    def kind(self, index: AnyIndex) -> NodeKind | None:
        return self._node(index).kind if index.isValid() else None

    def search_text(self, row: int, parent: AnyIndex) -> str:
        """The text the filter proxy searches for the node at ``row`` under ``parent``."""
        return _search_text(self._node(parent).children[row])

    def is_fetched(self, index: AnyIndex) -> bool:
        """Whether the children under ``index`` are loaded (always, for sections and points)."""
        return self._node(index).fetched

    def meeting(self, index: AnyIndex) -> MeetingSummary | None:
        """The meeting that ``index`` belongs to."""
        node = self._ancestor(index, NodeKind.MEETING)
        return (
            node.payload if node is not None and isinstance(node.payload, MeetingSummary) else None
        )

    def item_minutes(self, index: AnyIndex) -> ItemMinutes | None:
        """The minutes of the agenda item at or above ``index``, loading them if needed."""
        node = self._ancestor(index, NodeKind.ITEM)
        if node is None:
            return None
        self._fetch(node)
        return node.minutes

    def item_index(self, item_id: AgendaItemId) -> QModelIndex:
        """The index of a loaded agenda item, found by id (invalid when not loaded)."""
        node = self._item_nodes.get(item_id)
        return QModelIndex() if node is None else self.createIndex(node.row, 0, node.node_id)

    def load_item(self, item_id: AgendaItemId) -> QModelIndex:
        """The index of agenda item ``item_id``, loading its meeting's agenda if needed.

        Invalid when no meeting holds it. A source that is an ``ItemLocator``
        is asked for the item's meeting, and only that agenda is read; any
        other source has agendas read newest first until the item turns up.
        Only agendas are read, never an item's minutes.
        """
        found = self.item_index(item_id)
        if found.isValid() or self._source is None:
            return found
        if not isinstance(self._source, ItemLocator):
            for row in range(len(self._meetings)):
                self._fetch_meetings(row + 1)
                self._fetch(self._root.children[row])
                found = self.item_index(item_id)
                if found.isValid():
                    return found
            return found
        try:
            meeting_id = self._source.meeting_of_item(item_id)
        except LookupError:
            return QModelIndex()  # no such item: the documented invalid answer
        meeting = self.meeting_index(meeting_id)
        if meeting.isValid():
            self._fetch(self._node(meeting))
        return self.item_index(item_id)

    def refresh_item(self, item_id: AgendaItemId) -> bool:
        """Read a loaded item's minutes again after an edit; False when it is not loaded.

        Its children are removed and inserted again (``begin/endRemoveRows``,
        ``begin/endInsertRows``); the item's own row and the rest of the tree
        stay as they are.
        """
        index = self.item_index(item_id)
        if not index.isValid():
            return False
        node = self._node(index)
        if not node.fetched:
            return True  # read when first expanded: nothing stale to replace
        if node.children:
            self.beginRemoveRows(index, 0, len(node.children) - 1)
            self._forget(node.children)
            node.children = []
            self.endRemoveRows()
        node.fetched = False
        node.minutes = None
        self.fetchMore(index)
        return True

    def set_meeting_status(self, meeting_id: MeetingId, status: MinutesStatus) -> None:
        """Show a meeting's new lifecycle status (its badge, when it is a row yet)."""
        node = self._meeting_nodes.get(meeting_id)
        if node is None:
            row = self._pending_row(meeting_id)
            if row is not None:
                self._restated[row] = replace(self._meeting_at(row), status=status)
            return
        payload = node.payload
        if not isinstance(payload, MeetingSummary):
            return
        node.payload = replace(payload, status=status)
        for child in node.children:
            if child.minutes is not None:
                child.minutes = replace(
                    child.minutes, meeting=replace(child.minutes.meeting, status=status)
                )
        changed = self.createIndex(node.row, 0, node.node_id)
        self.dataChanged.emit(changed, changed)

    def _pending_row(self, meeting_id: MeetingId) -> int | None:
        """The place among the meetings read of one that is not a row yet (None: not read)."""
        if self._meeting_rows is None:
            # By the id column alone where the source kept its rows: looking
            # the meeting up must not make a summary of every meeting.
            meetings = self._meetings
            ids: list[MeetingId] = (
                [meetings.key(row) for row in range(len(meetings))]
                if isinstance(meetings, LazyRows)
                else [meeting.id for meeting in meetings]
            )
            self._meeting_rows = {}
            for place, ident in enumerate(ids):
                self._meeting_rows.setdefault(ident, place)
        row = self._meeting_rows.get(meeting_id)
        return row if row is not None and row >= len(self._root.children) else None

    def _meeting_at(self, row: int) -> MeetingSummary:
        """Meeting ``row`` of those read, with its latest status."""
        restated = self._restated.get(row)
        return self._meetings[row] if restated is None else restated

    def _meetings_between(self, first: int, last: int) -> list[MeetingSummary]:
        """Meetings ``first`` to ``last`` (excluded) of those read, with their latest status."""
        if self._restated:
            return [self._meeting_at(row) for row in range(first, min(last, len(self._meetings)))]
        return list(self._meetings[first:last])

    def _fetch_meetings(self, wanted: int) -> None:
        """Add meeting rows, whole batches, until there are at least ``wanted`` of them."""
        root = self._root
        first = len(root.children)
        if wanted <= first:
            return
        batches = -(-(wanted - first) // self._batch)  # rounded up
        last = min(len(self._meetings), first + batches * self._batch)
        if last <= first:
            return
        nodes = self._make_children(
            root, NodeKind.MEETING, self._meetings_between(first, last), first
        )
        # Marked first: views ask canFetchMore again while rows are being inserted.
        root.fetched = last >= len(self._meetings)
        self.beginInsertRows(QModelIndex(), first, last - 1)
        root.children.extend(nodes)
        self.endInsertRows()

    def _forget(self, nodes: list[_Node]) -> None:
        for node in nodes:
            self._forget(node.children)
            self._nodes.pop(node.node_id, None)
            if node.kind is NodeKind.ITEM and isinstance(node.payload, AgendaItemSummary):
                self._item_nodes.pop(node.payload.id, None)

    def _fetch(self, node: _Node) -> None:
        if not node.fetched:
            self.fetchMore(self.createIndex(node.row, 0, node.node_id))

    # ------------------------------------------------------------ Qt overrides

    # index, hasChildren and canFetchMore run for every row the tree lays
    # out, through the proxy (about 14,000 calls when the tab opened on 2,000
    # meetings, before flags() was left to Qt, bench_minutes): they are
    # written flat, with one call to Qt each where the general form made
    # three or four.

    def index(self, row: int, column: int, parent: AnyIndex = _NO_PARENT) -> QModelIndex:
        if column or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column():
                return QModelIndex()
            children = self._nodes[parent.internalId()].children
        else:
            children = self._root.children
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row].node_id)

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None) -> QObject | QModelIndex | None:
        if child is None:
            return super().parent()
        if not child.isValid():
            return QModelIndex()
        up = self._node(child).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up.node_id)

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:  # noqa: ARG002 - Qt's signature
        return 1

    def hasChildren(self, parent: AnyIndex = _NO_PARENT) -> bool:
        if not parent.isValid():
            return bool(self._root.children)
        if parent.column():
            return False
        return self._has_children(self._nodes[parent.internalId()])

    @staticmethod
    def _has_children(node: _Node) -> bool:
        if node.fetched:
            return bool(node.children)
        if isinstance(node.payload, MeetingSummary):
            return node.payload.item_count > 0
        return True  # an item's minutes are not loaded yet: offer to expand

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if not parent.isValid():
            return not self._root.fetched
        return not parent.column() and not self._nodes[parent.internalId()].fetched

    def fetchMore(self, parent: AnyIndex) -> None:
        if not parent.isValid():
            self._fetch_meetings(len(self._root.children) + self._batch)
            return
        if parent.column() != 0:
            return
        node = self._node(parent)
        if node.fetched or self._source is None:
            return
        # Mark first: views ask canFetchMore again while rows are being inserted.
        node.fetched = True
        try:
            children = self._load_children(node)
        except LookupError as error:
            self.loading_failed.emit(str(error))
            return
        if not children:
            return
        self.beginInsertRows(parent, 0, len(children) - 1)
        node.children = children
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        getter = self._role_getters.get(role)
        return None if getter is None else getter(self._node(index))

    def multiData(self, index: AnyIndex, roleDataSpan: RoleDataSpan) -> None:  # noqa: N803 - Qt's name
        """Every role the span asks for in one call: what a delegate asks when it paints.

        Qt's default asks ``data()`` once per role (seven a row), each a trip
        from C++ into Python, and through the proxy twice over.
        """
        items = _role_items(roleDataSpan)
        node = self._nodes.get(index.internalId()) if index.isValid() else None
        getters = self._role_getters
        for number in range(len(items)):
            item = items[number]
            getter = getters.get(item.role())
            value = None if getter is None or node is None else getter(node)
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    # flags() is QAbstractItemModel's own (selectable and enabled): the tree
    # asks it twice of every row it lays out, 4,000 calls into Python on
    # 2,000 meetings (bench_minutes), and a Python flags() said nothing more
    # than that (but ItemNeverHasChildren on points, a hint Qt does without).

    def node_has_children(self, index: AnyIndex) -> bool:
        """``hasChildren`` of a valid ``index`` of this model, in one call."""
        return self._has_children(self._nodes[index.internalId()])

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            section == 0
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "Minutes"
        return None

    # ------------------------------------------------------------ internals

    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        return self._nodes[index.internalId()]

    def _ancestor(self, index: AnyIndex, kind: NodeKind) -> _Node | None:
        node: _Node | None = self._node(index) if index.isValid() else None
        while node is not None and node.kind is not kind:
            node = node.parent
        return node

    @staticmethod
    def _font(node: _Node) -> QFont | None:
        return _BOLD if node.kind in _BOLD_KINDS else None

    def _load_meetings(self) -> None:
        assert self._source is not None
        self._meetings = self._source.meetings()
        self._root.children = self._make_children(
            self._root, NodeKind.MEETING, self._meetings_between(0, self._batch)
        )
        self._root.fetched = len(self._meetings) <= self._batch

    def _load_children(self, node: _Node) -> list[_Node]:
        assert self._source is not None
        payload = node.payload
        if isinstance(payload, MeetingSummary):
            items = self._source.agenda_items(payload.id)
            return self._make_children(node, NodeKind.ITEM, items)
        if isinstance(payload, AgendaItemSummary):
            minutes = self._source.item_minutes(payload.id)
            node.minutes = minutes
            children = self._make_children(node, NodeKind.SECTION, minutes.sections)
            for section_node, section in zip(children, minutes.sections, strict=True):
                section_node.children = self._make_children(
                    section_node, NodeKind.POINT, section.points
                )
            if children:
                children[0].first_section = True
            resolutions = self._make_children(node, NodeKind.RESOLUTION, minutes.resolutions)
            for offset, resolution_node in enumerate(resolutions, start=len(children)):
                resolution_node.row = offset
            return children + resolutions
        return []

    def _make_children(
        self, parent: _Node, kind: NodeKind, payloads: Sequence[Payload], start: int = 0
    ) -> list[_Node]:
        """Nodes for ``payloads``, the first at row ``start`` of ``parent``."""
        # Positional and in one pass: a fetch at the root makes a batch of meetings.
        fetched = kind not in _LAZY
        ids = self._ids
        children = [
            _Node(next(ids), kind, payload, parent, row, [], fetched)
            for row, payload in enumerate(payloads, start)
        ]
        self._nodes.update((node.node_id, node) for node in children)
        if kind is NodeKind.MEETING:
            self._meeting_nodes.update(
                (payload.id, node)
                for payload, node in zip(payloads, children, strict=True)
                if isinstance(payload, MeetingSummary)
            )
        elif kind is NodeKind.ITEM:
            self._item_nodes.update(
                (payload.id, node)
                for payload, node in zip(payloads, children, strict=True)
                if isinstance(payload, AgendaItemSummary)
            )
        return children


def _role_items(span: RoleDataSpan) -> Sequence[QModelRoleData]:
    """The span's items by position (PySide's span has len() and [], not a type saying so)."""
    # ``type() is``: isinstance on a PySide type costs ten times as much, per cell.
    if type(span) is QModelRoleDataSpan:
        return cast("Sequence[QModelRoleData]", span)
    return (cast("QModelRoleData", span),)


class MinutesFilterProxy(QSortFilterProxyModel):
    """Keeps the nodes whose text holds every typed word, with their ancestors.

    Filtering is recursive (a matching point keeps its item and meeting) and a
    matching meeting or item keeps all its children. Every meeting is
    searched: a filter first makes all of them rows (``fetch_all``; the
    meetings are read already, so that reads nothing). Agendas and minutes
    not loaded yet are not searched: searching would otherwise read every
    item's minutes.
    """

    def __init__(self, source: MinutesTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tree = source
        self._words: tuple[str, ...] = ()
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setSourceModel(source)

    @property
    def filter_text(self) -> str:
        return " ".join(self._words)

    def set_filter_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        if words:
            self._tree.fetch_all()
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        text = self._tree.search_text(source_row, source_parent).casefold()
        return all(word in text for word in self._words)

    # The tree asks hasChildren() of every row when it first lays the rows
    # out. Qt's proxy answers by asking the source's hasChildren() and
    # canFetchMore(), two calls into Python a meeting; with no filter the
    # proxy's rows are the source's, so the source's node answers in one.
    # (flags() is answered by Qt alone: neither model overrides it.)

    def hasChildren(self, parent: AnyIndex = _NO_PARENT) -> bool:
        if self._words or not parent.isValid():
            return super().hasChildren(parent)
        return self._tree.node_has_children(self.mapToSource(parent))

    def canFetchMore(self, parent: AnyIndex) -> bool:
        """As the source's, but never at the root: the tab adds batches of meetings itself.

        Qt's ``QTreeView`` fetches once at the root in every full layout of
        the tree (``QTreeViewPrivate::layout``), so opening the tab would
        show two batches and every meeting expanded later would add another.
        ``MinutesTab`` fetches the next batch when its tree shows the last row.
        """
        if not parent.isValid():
            return False
        return super().canFetchMore(parent)

    def multiData(self, index: AnyIndex, roleDataSpan: RoleDataSpan) -> None:  # noqa: N803 - Qt's name
        # Qt's proxy would ask the source's data() once per role, each through C++.
        self._tree.multiData(self.mapToSource(index), roleDataSpan)
