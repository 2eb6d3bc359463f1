"""The Minutes tree's meetings in batches: the first batch on load, more as asked or scrolled.

Every meeting is read at once but only a batch of them become rows of the
root; whatever needs an older meeting (selecting one of its items, the
filter, a lifecycle change) still finds it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import LazyRows, MeetingSummary
from qpmr_desktop.ui.minutes_model import MinutesFilterProxy, MinutesTreeModel
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import LocatingMinutesSource, ModelChecker, shows_window

MEETINGS = 100
BATCH = 40
ROOT = QModelIndex()


class ManyMeetingsSource(LocatingMinutesSource):
    """``MEETINGS`` meetings of two items each; the oldest is held in "Council Chamber Annexe &
    <Room 5>", a venue no other meeting has, for the filter to find."""

    def __init__(self, count: int = MEETINGS) -> None:
        super().__init__(count, oldest_venue="Council Chamber Annexe & <Room 5>")


@pytest.fixture
def source() -> ManyMeetingsSource:
    return ManyMeetingsSource()


@pytest.fixture
def model(source: ManyMeetingsSource) -> MinutesTreeModel:
    return MinutesTreeModel(source, batch_size=BATCH)


def meeting_ids(model: MinutesTreeModel) -> list[int]:
    return [model.data(model.index(row, 0), ItemRole.ID) for row in range(model.rowCount())]


def test_only_the_first_batch_is_in_the_model_after_load(
    model: MinutesTreeModel, source: ManyMeetingsSource
) -> None:
    assert source.calls == [("meetings", 0)]  # every meeting read, in one call
    assert model.total_meetings == MEETINGS
    assert model.rowCount() == BATCH
    assert meeting_ids(model) == [meeting.id for meeting in source.summaries[:BATCH]]
    assert model.hasChildren(ROOT)
    assert model.canFetchMore(ROOT)


def test_fetch_more_adds_the_next_batch_with_signals(
    qtbot: QtBot, model: MinutesTreeModel, source: ManyMeetingsSource
) -> None:
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.fetchMore(ROOT)
    assert blocker.args[1:] == [BATCH, 2 * BATCH - 1]
    assert not blocker.args[0].isValid()
    assert meeting_ids(model) == [meeting.id for meeting in source.summaries[: 2 * BATCH]]
    assert model.canFetchMore(ROOT)

    model.fetchMore(ROOT)  # the last, short batch

    assert model.rowCount() == MEETINGS
    assert not model.canFetchMore(ROOT)
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.fetchMore(ROOT)
    assert source.calls == [("meetings", 0)]  # nothing read again


def test_the_model_tester_passes_while_batches_arrive(
    qtmodeltester: ModelChecker, model: MinutesTreeModel
) -> None:
    qtmodeltester.check(model)
    assert model.rowCount() >= BATCH
    model.fetch_all()
    qtmodeltester.check(model)
    assert model.rowCount() == MEETINGS


def test_a_row_fetched_later_behaves_like_a_first_one(model: MinutesTreeModel) -> None:
    model.fetchMore(ROOT)
    later = model.index(BATCH + 3, 0)
    assert model.parent(later) == ROOT
    assert model.canFetchMore(later)
    model.fetchMore(later)
    item = model.index(1, 0, later)
    assert model.parent(item) == later
    assert model.data(item, ItemRole.ID) == (100 + BATCH + 3) * 10 + 1


def test_load_item_of_the_oldest_meeting_adds_the_rows_down_to_it(
    model: MinutesTreeModel, source: ManyMeetingsSource
) -> None:
    oldest = source.summaries[-1]
    wanted = source.items[oldest.id][0].id

    item = model.load_item(wanted)

    assert model.data(item, ItemRole.ID) == wanted
    assert model.parent(item) == model.index(MEETINGS - 1, 0)
    assert model.rowCount() == MEETINGS
    assert [call for call in source.calls if call[0] == "agenda_items"] == [
        ("agenda_items", oldest.id)
    ]


def test_meeting_index_adds_whole_batches_down_to_the_meeting(
    model: MinutesTreeModel, source: ManyMeetingsSource
) -> None:
    wanted = source.summaries[BATCH + 2].id
    index = model.meeting_index(wanted)
    assert model.data(index, ItemRole.ID) == wanted
    assert model.rowCount() == 2 * BATCH
    assert not model.meeting_index(MeetingId(999)).isValid()


def test_a_lifecycle_change_reaches_a_meeting_not_yet_a_row(
    model: MinutesTreeModel, source: ManyMeetingsSource
) -> None:
    oldest = source.summaries[-1]
    assert oldest.status is not MinutesStatus.APPROVED
    model.set_meeting_status(oldest.id, MinutesStatus.APPROVED)
    model.fetch_all()
    assert model.index(MEETINGS - 1, 0).data().endswith("— APPROVED")
    first = source.summaries[0]
    model.set_meeting_status(first.id, MinutesStatus.APPROVED)
    assert model.index(0, 0).data().endswith("— APPROVED")


def test_the_filter_finds_a_meeting_not_yet_fetched(
    qtmodeltester: ModelChecker, model: MinutesTreeModel
) -> None:
    proxy = MinutesFilterProxy(model)
    assert model.rowCount() == BATCH

    proxy.set_filter_text("annexe & <room")

    assert proxy.rowCount() == 1
    assert model.data(proxy.mapToSource(proxy.index(0, 0)), ItemRole.ID) == 100 + MEETINGS - 1
    proxy.set_filter_text("")
    assert proxy.rowCount() == MEETINGS
    # Checked after the filter is cleared: with the tester watching, clearing
    # a filter trips it on QSortFilterProxyModel's own signals, batches or not.
    qtmodeltester.check(proxy)


def test_the_proxy_leaves_the_roots_batches_to_the_tab(model: MinutesTreeModel) -> None:
    proxy = MinutesFilterProxy(model)
    assert model.canFetchMore(ROOT)
    assert not proxy.canFetchMore(ROOT)  # Qt's tree would fetch one in every layout
    meeting = proxy.index(0, 0)
    assert proxy.canFetchMore(meeting)  # agendas load lazily as before


def test_a_batch_size_below_one_is_refused(source: ManyMeetingsSource) -> None:
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        MinutesTreeModel(source, batch_size=0)


class LazyMeetingsSource(ManyMeetingsSource):
    """The same meetings as a ``LazyRows``, as ``WorkspaceMinutesSource`` reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.lazy = LazyRows([(meeting.id, meeting) for meeting in self.summaries], self._make)

    @staticmethod
    def _make(row: tuple[object, ...]) -> MeetingSummary:
        meeting = row[1]
        assert isinstance(meeting, MeetingSummary)
        return meeting

    def meetings(self) -> Sequence[MeetingSummary]:
        self.calls.append(("meetings", 0))
        return self.lazy


def test_from_lazy_rows_only_the_meetings_made_rows_are_made() -> None:
    source = LazyMeetingsSource()
    model = MinutesTreeModel(source, batch_size=BATCH)

    assert model.total_meetings == MEETINGS
    assert source.lazy.made_count == BATCH
    assert meeting_ids(model) == [meeting.id for meeting in source.summaries[:BATCH]]
    assert not model.meeting_index(MeetingId(9999)).isValid()
    assert source.lazy.made_count == BATCH  # looked up by the id column

    oldest = source.summaries[-1]
    model.set_meeting_status(oldest.id, MinutesStatus.APPROVED)
    assert source.lazy.made_count == BATCH + 1
    model.fetchMore(ROOT)
    assert source.lazy.made_count == 2 * BATCH + 1

    found = model.meeting_index(oldest.id)
    assert found.row() == MEETINGS - 1
    shown = model.data(found, ItemRole.ROW)
    assert isinstance(shown, MeetingSummary)
    assert shown.status is MinutesStatus.APPROVED  # the change made before it was a row
    assert model.rowCount() == MEETINGS
    assert [model.data(model.index(row, 0), ItemRole.ID) for row in range(MEETINGS)] == [
        meeting.id for meeting in source.summaries
    ]


def test_the_model_tester_passes_on_lazy_rows(qtmodeltester: ModelChecker) -> None:
    model = MinutesTreeModel(LazyMeetingsSource(), batch_size=BATCH)
    qtmodeltester.check(model)
    model.fetch_all()
    qtmodeltester.check(model)
    assert model.rowCount() == MEETINGS


# ------------------------------------------------------------------ in the tab


@pytest.fixture
def tab(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, source: ManyMeetingsSource) -> MinutesTab:
    tab = MinutesTab()
    qtbot.addWidget(tab)
    # No workspace behind the fake: the read view and lifecycle panel are not under test.
    monkeypatch.setattr(tab, "_show_current", lambda: None)
    monkeypatch.setattr(tab.model, "_batch", BATCH)
    tab.resize(900, 500)
    tab.model.set_source(source)
    return tab


def test_the_tab_shows_one_batch_and_laying_it_out_fetches_no_more(
    qtbot: QtBot, tab: MinutesTab
) -> None:
    tab.select_first_item()
    tab.tree.grab()
    tab.tree.expand(tab.proxy.index(3, 0))  # a full layout, which Qt's tree fetches in
    QApplication.processEvents()
    tab.tree.grab()
    assert tab.model.rowCount() == BATCH
    assert tab.tree.verticalScrollBar().maximum() > 0


def test_scrolling_the_tree_to_its_end_fetches_the_next_batch(
    qtbot: QtBot, tab: MinutesTab
) -> None:
    tab.tree.grab()
    assert tab.model.rowCount() == BATCH
    tab.tree.scrollToBottom()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2 * BATCH)
    tab.tree.grab()  # lays the new rows out: the end is further down now
    assert tab.model.rowCount() == 2 * BATCH
    tab.tree.scrollToBottom()
    qtbot.waitUntil(lambda: tab.model.rowCount() == MEETINGS)
    assert not tab.model.canFetchMore(ROOT)


@shows_window
def test_the_keyboard_at_the_last_row_fetches_the_next_batch(qtbot: QtBot, tab: MinutesTab) -> None:
    tab.show()  # a hidden tree does not scroll to its current row
    qtbot.waitExposed(tab)
    tab.tree.setCurrentIndex(tab.proxy.index(0, 0))
    for _ in range(BATCH - 1):
        QTest.keyClick(tab.tree, Qt.Key.Key_Down)
    assert tab.tree.currentIndex() == tab.proxy.index(BATCH - 1, 0)  # the last row
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2 * BATCH)
    QTest.keyClick(tab.tree, Qt.Key.Key_Down)
    assert tab.tree.currentIndex() == tab.proxy.index(BATCH, 0)  # into the new batch


def test_select_item_in_the_oldest_meeting(tab: MinutesTab, source: ManyMeetingsSource) -> None:
    oldest = source.summaries[-1]
    wanted = source.items[oldest.id][1].id

    assert tab.select_item(wanted)

    assert tab.model.data(tab.current_source_index(), ItemRole.ID) == wanted
    assert tab.tree.isExpanded(tab.proxy.index(MEETINGS - 1, 0))
    assert not tab.select_item(AgendaItemId(9999))


def test_select_meeting_adds_the_rows_down_to_it(
    tab: MinutesTab, source: ManyMeetingsSource
) -> None:
    wanted = source.summaries[-2].id
    assert tab.model.meeting(tab.current_source_index()) is None
    assert tab.select_meeting(wanted)
    meeting = tab.model.meeting(tab.current_source_index())
    assert meeting is not None
    assert meeting.id == wanted
    assert not tab.select_meeting(MeetingId(999))


def test_typing_in_the_search_box_finds_a_meeting_not_yet_fetched(
    qtbot: QtBot, tab: MinutesTab
) -> None:
    QTest.keyClicks(tab.filter_edit, "Annexe")
    assert tab.proxy.rowCount() == 1
    assert tab.model.meeting(tab.proxy.mapToSource(tab.proxy.index(0, 0))) is not None
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == MEETINGS
