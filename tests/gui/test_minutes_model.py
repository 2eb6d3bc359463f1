"""MinutesTreeModel and MinutesFilterProxy: lazy loading, node structure, stable ids, search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.minutes import get_item_minutes
from qpmr_desktop.services.read_models import AgendaItemSummary, MeetingSummary, PointView
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.minutes_model import (
    ItemLocator,
    MinutesFilterProxy,
    MinutesTreeModel,
    NodeKind,
    WorkspaceMinutesSource,
    item_label,
)
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import SEED_MEETING, FakeMinutesSource, LocatingMinutesSource, ModelChecker

Display = Qt.ItemDataRole.DisplayRole
ToolTip = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def model(minutes_source: FakeMinutesSource) -> MinutesTreeModel:
    return MinutesTreeModel(minutes_source)


def texts(model: MinutesTreeModel | MinutesFilterProxy, parent: QModelIndex) -> list[str]:
    return [model.index(row, 0, parent).data() for row in range(model.rowCount(parent))]


def test_meetings_load_at_once_and_items_on_demand(
    model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    assert minutes_source.calls == [("meetings", 0)]
    assert model.rowCount() == 2
    meeting = model.index(0, 0)
    assert model.rowCount(meeting) == 0
    assert model.hasChildren(meeting)
    assert model.canFetchMore(meeting)

    model.fetchMore(meeting)

    assert model.rowCount(meeting) == 2
    assert not model.canFetchMore(meeting)
    assert minutes_source.calls[-1] == ("agenda_items", SEED_MEETING.id)


def test_fetching_inserts_rows_with_signals(qtbot: QtBot, model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.fetchMore(meeting)
    parent, first, last = blocker.args
    assert (parent, first, last) == (meeting, 0, 1)
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.fetchMore(meeting)  # already loaded: nothing happens


def test_a_meeting_without_items_has_no_children(model: MinutesTreeModel) -> None:
    later = model.index(1, 0)
    assert not model.hasChildren(later)
    model.fetchMore(later)
    assert model.rowCount(later) == 0


def test_an_items_minutes_load_as_sections_points_and_resolutions(
    model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    item = model.index(1, 0, meeting)
    assert model.rowCount(item) == 0
    assert model.canFetchMore(item)

    model.fetchMore(item)

    assert minutes_source.calls[-1] == ("item_minutes", 4)
    assert texts(model, item) == [
        "(introduction)",
        "Start Well",
        "Resolved: That the reported performance for Quarter 1 be noted.",
    ]
    start_well = model.index(1, 0, item)
    assert model.rowCount(start_well) == 2
    assert not model.canFetchMore(start_well)
    assert [model.kind(model.index(row, 0, item)) for row in range(3)] == [
        NodeKind.SECTION,
        NodeKind.SECTION,
        NodeKind.RESOLUTION,
    ]


def test_display_text_of_each_kind_of_node(model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    assert meeting.data() == ("19 Sep 2017 — Cabinet Committee on Performance Improvement — DRAFT")
    assert model.index(1, 0).data().endswith("— APPROVED")
    model.fetchMore(meeting)
    item = model.index(1, 0, meeting)
    assert item.data() == (
        "4. Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
    )
    model.fetchMore(item)
    point = model.index(0, 0, model.index(1, 0, item))
    assert point.data().startswith("[Noted] It was noted that the number of 1,875")
    assert point.data().endswith("…")  # elided in the tree …
    assert len(point.data()) <= len("[Noted] ") + 110
    tooltip = point.data(ToolTip)
    assert "highest ever recorded for the Authority. It was noted" in tooltip  # … full here
    assert point.data(Qt.ItemDataRole.FontRole) is None
    assert model.index(2, 0, item).data(Qt.ItemDataRole.FontRole).bold()


def test_custom_roles(model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    assert meeting.data(ItemRole.KIND) == NodeKind.MEETING
    assert model.data(meeting, ItemRole.ROW) is SEED_MEETING
    assert model.data(meeting, ItemRole.ID) == SEED_MEETING.id
    model.fetchMore(meeting)
    item_row = model.data(model.index(0, 0, meeting), ItemRole.ROW)
    assert isinstance(item_row, AgendaItemSummary)
    assert item_row.title == "Apologies"
    assert model.data(meeting, Qt.ItemDataRole.UserRole + 999) is None
    assert model.data(QModelIndex()) is None


def test_parents_and_ids_stay_stable_as_the_tree_grows(model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    item = model.index(1, 0, meeting)
    remembered = QPersistentModelIndex(item)
    item_id = item.internalId()
    model.fetchMore(model.index(0, 0, meeting))  # load a sibling first
    model.fetchMore(item)
    point = model.index(1, 0, model.index(1, 0, item))
    section = model.parent(point)
    assert section.data() == "Start Well"
    assert model.parent(section) == item
    assert model.parent(model.parent(section)) == meeting
    assert not model.parent(meeting).isValid()
    assert remembered.isValid()
    assert model.index(1, 0, meeting).internalId() == item_id


def test_lookups_by_id_and_the_items_minutes(model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    assert not model.item_index(AgendaItemId(4)).isValid()  # not loaded yet
    model.fetchMore(meeting)
    item = model.item_index(AgendaItemId(4))
    assert item == model.index(1, 0, meeting)
    minutes = model.item_minutes(item)  # loads them
    assert minutes is not None
    assert minutes.id == 4
    point = model.index(0, 0, model.index(0, 0, item))
    assert model.item_minutes(point) is minutes
    assert model.meeting(point) is SEED_MEETING
    assert model.item_minutes(meeting) is None


def test_an_item_deleted_meanwhile_is_reported_not_raised(
    qtbot: QtBot, model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    minutes_source.items[SEED_MEETING.id].clear()  # the item vanishes from the database
    with qtbot.waitSignal(model.loading_failed) as blocker:
        model.fetchMore(model.index(0, 0, meeting))
    assert "There is no agenda item with id 1" in blocker.args[0]
    assert model.rowCount(model.index(0, 0, meeting)) == 0


def test_reload_and_no_source(qtbot: QtBot, model: MinutesTreeModel) -> None:
    model.fetchMore(model.index(0, 0))
    with qtbot.waitSignal(model.modelReset):
        model.reload()
    assert model.rowCount(model.index(0, 0)) == 0  # lazily loaded again
    model.set_source(None)
    assert model.rowCount() == 0


def test_the_model_passes_the_model_tester_before_and_after_fetching(
    qtmodeltester: ModelChecker, model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    qtmodeltester.check(model)
    # The tester fetches everything it can; it must have loaded both items' minutes.
    assert ("item_minutes", 1) in minutes_source.calls
    assert ("item_minutes", 4) in minutes_source.calls
    qtmodeltester.check(model)


def test_the_filter_finds_loaded_text_and_keeps_ancestors(
    qtmodeltester: ModelChecker, model: MinutesTreeModel
) -> None:
    proxy = MinutesFilterProxy(model)
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    model.fetchMore(model.index(1, 0, meeting))
    qtmodeltester.check(proxy)

    proxy.set_filter_text("highest EVER")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1  # the later meeting has no match
    proxy_meeting = proxy.index(0, 0)
    assert texts(proxy, proxy_meeting) == [
        "4. Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
    ]
    proxy_item = proxy.index(0, 0, proxy_meeting)
    assert texts(proxy, proxy_item) == ["Start Well"]
    point = proxy.index(0, 0, proxy.index(0, 0, proxy_item))
    assert point.data().startswith("[Noted]")

    proxy.set_filter_text("apologies")  # a matching item keeps its children
    assert texts(proxy, proxy.index(0, 0)) == ["1. Apologies"]

    proxy.set_filter_text("")
    assert proxy.rowCount() == 2
    assert proxy.rowCount(proxy.index(0, 0)) == 2


def test_the_filter_does_not_load_anything(
    model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    proxy = MinutesFilterProxy(model)
    proxy.set_filter_text("noted")
    assert minutes_source.calls == [("meetings", 0)]
    assert proxy.rowCount() == 0


# ------------------------------------------------------------------ finding an item by id


def test_item_index_finds_an_item_after_reloads_and_refreshes(model: MinutesTreeModel) -> None:
    for _ in range(3):
        assert not model.item_index(AgendaItemId(4)).isValid()  # not loaded since the reload
        meeting = model.index(0, 0)
        model.fetchMore(meeting)
        item = model.item_index(AgendaItemId(4))
        assert item == model.index(1, 0, meeting)
        assert model.data(item, ItemRole.ID) == 4
        model.fetchMore(item)
        assert model.refresh_item(AgendaItemId(4))
        assert model.item_index(AgendaItemId(4)) == item
        model.reload()
    model.set_source(None)
    assert not model.item_index(AgendaItemId(4)).isValid()


def test_load_item_reads_only_the_agenda_of_its_meeting() -> None:
    source = LocatingMinutesSource()
    model = MinutesTreeModel(source)
    last = source.summaries[-1]
    wanted = source.items[last.id][1].id

    item = model.load_item(wanted)

    assert model.data(item, ItemRole.ID) == wanted
    assert model.parent(item) == model.index(len(source.summaries) - 1, 0)
    assert source.calls == [
        ("meetings", 0),
        ("meeting_of_item", wanted),
        ("agenda_items", last.id),
    ]
    assert model.load_item(wanted) == item  # loaded: no call at all
    assert len(source.calls) == 3
    assert not model.load_item(AgendaItemId(999)).isValid()
    assert source.calls[3:] == [("meeting_of_item", 999)]


def test_load_item_from_a_source_that_cannot_locate_reads_agendas_in_order(
    model: MinutesTreeModel, minutes_source: FakeMinutesSource
) -> None:
    assert not isinstance(minutes_source, ItemLocator)
    item = model.load_item(AgendaItemId(4))
    assert item == model.index(1, 0, model.index(0, 0))
    assert not model.load_item(AgendaItemId(999)).isValid()
    assert [call for call in minutes_source.calls if call[0] == "agenda_items"] == [
        ("agenda_items", SEED_MEETING.id),
        ("agenda_items", SEED_MEETING.id + 1),
    ]


def test_select_item_in_the_last_meeting_loads_only_that_agenda(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = MinutesTab()
    qtbot.addWidget(tab)
    # No workspace behind the fake: the read view and lifecycle panel are not under test.
    monkeypatch.setattr(tab, "_show_current", lambda: None)
    source = LocatingMinutesSource()
    tab.model.set_source(source)
    last = source.summaries[-1]
    wanted = source.items[last.id][1].id

    assert tab.select_item(wanted)

    assert tab.model.data(tab.current_source_index(), ItemRole.ID) == wanted
    assert tab.tree.isExpanded(tab.proxy.index(len(source.summaries) - 1, 0))
    assert [call for call in source.calls if call[0] == "agenda_items"] == [
        ("agenda_items", last.id)
    ]
    assert ("meeting_of_item", wanted) in source.calls
    assert not tab.select_item(AgendaItemId(999))


def test_flags_are_qts_own_and_points_have_no_children(model: MinutesTreeModel) -> None:
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    item = model.index(1, 0, meeting)
    model.fetchMore(item)
    section = model.index(0, 0, item)
    point = model.index(0, 0, section)
    # Qt's own flags(): nothing in the tree is editable or draggable.
    usable = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    for index in (meeting, item, section, point):
        assert model.flags(index) == usable
    assert not model.hasChildren(point)
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


# ------------------------------------------------------------------ on the demo


@pytest.fixture
def demo_workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


def _seed_item(model: MinutesTreeModel) -> QModelIndex:
    for meeting_row in range(model.rowCount()):
        meeting = model.index(meeting_row, 0)
        model.fetchMore(meeting)
        for row in range(model.rowCount(meeting)):
            item = model.index(row, 0, meeting)
            if "Quarterly Corporate Performance Monitoring Report" in item.data():
                return item
    raise AssertionError("the seed item is not in the demo")


def test_the_seed_item_on_the_demo(qtmodeltester: ModelChecker, demo_workspace: Workspace) -> None:
    model = MinutesTreeModel(WorkspaceMinutesSource(demo_workspace))
    assert isinstance(model.data(model.index(0, 0), ItemRole.ROW), MeetingSummary)
    item = _seed_item(model)
    assert item.data().startswith("4. Quarterly Corporate Performance Monitoring Report")
    assert model.rowCount(item) == 0
    model.fetchMore(item)

    children = [model.index(row, 0, item) for row in range(model.rowCount(item))]
    sections = [child for child in children if model.kind(child) is NodeKind.SECTION]
    resolutions = [child for child in children if model.kind(child) is NodeKind.RESOLUTION]
    headings = [section.data() for section in sections]
    assert headings[0] == "(introduction)"
    named = [heading for heading in headings if not heading.startswith("(")]
    assert named == ["Start Well", "Live Well", "Age Well", "Ofsted Post Inspection Update"]
    assert children == sections + resolutions  # the resolutions follow the sections

    points = [
        model.data(model.index(row, 0, section), ItemRole.ROW)
        for section in sections
        for row in range(model.rowCount(section))
    ]
    assert len(points) == 19
    assert all(isinstance(point, PointView) for point in points)
    assert len(resolutions) == 1
    assert resolutions[0].data().startswith("Resolved: That the reported performance")
    resolution = model.data(resolutions[0], ItemRole.ROW)
    assert resolution.text == (
        "That the reported performance for Quarter 1 and the Ofsted post "
        "inspection update information and comments be noted."
    )
    qtmodeltester.check(model)


# ------------------------------------------------------------------ what painting asks

_PAINT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ForegroundRole,
    ItemRole.KIND,
    ItemRole.ROW,
    ItemRole.ID,
)


def _loaded_tab(qtbot: QtBot, workspace: Workspace) -> tuple[MinutesTab, AgendaItemSummary]:
    tab = MinutesTab()
    qtbot.addWidget(tab)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    item = tab.model.data(tab.current_source_index(), ItemRole.ROW)
    assert isinstance(item, AgendaItemSummary)
    return tab, item


def _lifecycle_status(tab: MinutesTab) -> object:
    return tab.lifecycle_panel.status


def _first_words(workspace: Workspace, item: AgendaItemSummary) -> str:
    minutes = get_item_minutes(workspace=workspace, item_id=item.id)
    points = [point.text for section in minutes.sections for point in section.points]
    assert points, "the demo's first item has minutes"
    return points[0]


def test_a_load_paints_the_first_items_heading_and_its_minutes_follow(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    tab, item = _loaded_tab(qtbot, demo_workspace)
    first_point = _first_words(demo_workspace, item)

    # What the first paint shows: the heading and the meeting, nothing read for the item yet.
    heading = tab.read_view.toPlainText()
    assert heading.startswith(item_label(item.number, item.title))
    assert first_point not in heading
    assert "MINUTES" in tab.context_view.toPlainText()
    assert _lifecycle_status(tab) is None
    selected = tab.tree.currentIndex()
    assert tab.tree.isExpanded(selected.parent())  # its meeting is open, with the agenda
    assert not tab.tree.isExpanded(selected)  # the item opens with its minutes, later
    assert not tab.model.is_fetched(tab.current_source_index())

    # The next pass of the event loop fills in the minutes and the panels.
    qtbot.waitUntil(lambda: first_point in tab.read_view.toPlainText())
    assert tab.read_view.toPlainText().startswith(heading.split("\n")[0])
    assert tab.tree.isExpanded(selected)
    assert tab.proxy.rowCount(selected) > 0  # its sections and resolutions in the tree
    assert _lifecycle_status(tab) is not None
    assert "DECLARATIONS OF INTEREST" in tab.context_view.toPlainText()


def test_searching_or_selecting_straight_after_a_load_shows_the_minutes_at_once(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    tab, item = _loaded_tab(qtbot, demo_workspace)
    first_point = _first_words(demo_workspace, item)
    tab.filter_edit.setText(first_point.split()[0])
    assert first_point in tab.read_view.toPlainText()  # no pass of the event loop needed

    assert tab.tree.isExpanded(tab.proxy.mapFromSource(tab.model.item_index(item.id)))

    again, item = _loaded_tab(qtbot, demo_workspace)
    assert again.select_item(item.id)  # already selected by the load
    assert first_point in again.read_view.toPlainText()
    assert again.lifecycle_panel.status is not None
    assert again.tree.isExpanded(again.tree.currentIndex())

    other, item = _loaded_tab(qtbot, demo_workspace)
    later = other.proxy.index(1, 0, other.tree.currentIndex().parent())
    other.tree.setCurrentIndex(later)  # another item, before the event loop ran
    first = other.proxy.mapFromSource(other.model.item_index(item.id))
    assert other.tree.isExpanded(first)  # what the load owed is not lost


def _multi(model: MinutesTreeModel | MinutesFilterProxy, index: QModelIndex, role: int) -> object:
    item = QModelRoleData(role)
    model.multiData(index, QModelRoleDataSpan(item))
    return item.data()


def _every_index(model: QAbstractItemModel) -> list[QModelIndex]:
    found: list[QModelIndex] = []
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            found.append(index)
            pending.append(index)
    return found


def _loaded(model: MinutesTreeModel) -> MinutesTreeModel:
    meeting = model.index(0, 0)
    model.fetchMore(meeting)
    model.fetchMore(model.index(1, 0, meeting))
    return model


@pytest.mark.parametrize("through_proxy", [False, True])
def test_multi_data_answers_what_data_answers(model: MinutesTreeModel, through_proxy: bool) -> None:
    _loaded(model)
    view: MinutesTreeModel | MinutesFilterProxy = (
        MinutesFilterProxy(model) if through_proxy else model
    )
    indexes = _every_index(view)
    kinds = {index.data(ItemRole.KIND) for index in indexes}
    assert kinds == set(NodeKind)  # every kind of node is compared
    for index in indexes:
        for role in _PAINT_ROLES:
            assert _multi(view, index, role) == index.data(role), (index.data(), role)


def test_the_proxys_short_cuts_agree_with_qts_own_answers(model: MinutesTreeModel) -> None:
    """flags() and hasChildren() of top-level rows are answered without asking the source."""
    _loaded(model)
    ours = MinutesFilterProxy(model)
    plain = QSortFilterProxyModel()
    plain.setSourceModel(model)
    for text in ("", "highest EVER"):
        ours.set_filter_text(text)
        plain.setFilterFixedString("")
        if text:  # the same rows: filter the plain proxy the same way
            plain.setRecursiveFilteringEnabled(True)
            plain.setFilterRole(Qt.ItemDataRole.DisplayRole)
            plain.setFilterFixedString("highest ever")
            plain.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        mine = _every_index(ours)
        theirs = _every_index(plain)
        assert [i.data() for i in mine] == [i.data() for i in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert ours.flags(a) == plain.flags(b), a.data()
            assert ours.hasChildren(a) == plain.hasChildren(b), a.data()
    # A meeting not loaded yet offers to expand; one without items does not.
    fresh = MinutesFilterProxy(MinutesTreeModel(FakeMinutesSource()))
    assert fresh.hasChildren(fresh.index(0, 0))
    assert not fresh.hasChildren(fresh.index(1, 0))
    assert fresh.flags(fresh.index(0, 0)) == (
        Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    )
