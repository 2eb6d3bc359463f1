"""The Resolutions tab on a copy of the demo database: the register, its filter, and search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.minutes_parsing import parse_published_minutes
from qpmr_desktop.services.read_models import MatchSource, SearchHit
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.resolution_model import (
    ResolutionRole,
    SearchResultModel,
    snippet_html,
)
from qpmr_desktop.ui.resolutions_tab import ResolutionsTab
from qpmr_desktop.ui.search_panel import PROMPT_TEXT, SearchPanel
from tests.gui.conftest import ModelChecker

COMMITTEE = "Cabinet Committee on Performance Improvement"
HOSTILE_POINT = 'It was noted that <b>&"😀 Żółć</b> marked the zanzibar figures.'


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def tab(qtbot: QtBot, workspace: Workspace) -> Iterator[ResolutionsTab]:
    tab = ResolutionsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    yield tab
    tab.set_workspace(None)  # waits for a search still reading the database


def search(qtbot: QtBot, panel: SearchPanel, text: str) -> int:
    """Type ``text``, press Enter, and wait for the results; how many there are."""
    panel.search_edit.setText(text)
    with qtbot.wait_signal(panel.search_finished, timeout=5000) as blocker:
        QTest.keyClick(panel.search_edit, Qt.Key.Key_Return)
    count = blocker.args[0] if blocker.args else 0
    assert isinstance(count, int)
    return count


def test_the_register_passes_the_model_tester(
    tab: ResolutionsTab, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    tab.filter_edit.setText("ofsted")
    qtmodeltester.check(tab.proxy)


def test_the_register_lists_the_seed_resolution_with_date_committee_and_status(
    tab: ResolutionsTab,
) -> None:
    model = tab.model
    assert tab.count_label.text() == "2 resolutions"
    rows = {
        model.data(model.index(row, model.column_of("item"))): row
        for row in range(model.rowCount())
    }
    title = "4. Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
    row = rows[title]

    def cell(key: str) -> object:
        return model.data(model.index(row, model.column_of(key)))

    assert cell("date") == "12 Sep 2017"
    assert cell("committee") == COMMITTEE
    assert cell("label") == "Resolved"
    assert str(cell("text")).startswith("That the reported performance for Quarter 1")
    assert cell("status") == "DRAFT"
    assert model.data(model.index(row, 0), ResolutionRole.ITEM_ID) == 4


def test_the_register_is_newest_first(workspace: Workspace, tab: ResolutionsTab) -> None:
    from qpmr_desktop.services.minutes_import import save_parsed_item

    parsed = parse_published_minutes("Budget Monitoring\n\nResolved: That the report be noted.")
    save_parsed_item(
        workspace=workspace, parsed=parsed, committee=COMMITTEE, meeting_date=dt.date(2018, 1, 9)
    )
    tab.reload()
    assert tab.proxy.index(0, 0).data() == "9 Jan 2018"


def test_filtering_narrows_the_register_and_says_how_far(tab: ResolutionsTab) -> None:
    tab.filter_edit.setText("ofsted noted")
    assert tab.proxy.rowCount() == 1
    assert tab.count_label.text() == "1 of 2 resolutions"
    row = tab.current_row()
    assert row is not None
    assert row.item_id == 4
    assert "Ofsted post inspection" in tab.detail.toPlainText()
    tab.filter_edit.setText("no such words")
    assert tab.proxy.rowCount() == 0
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == 2


def test_activating_a_register_row_opens_its_item(qtbot: QtBot, tab: ResolutionsTab) -> None:
    tab.filter_edit.setText("ofsted")
    index = tab.proxy.index(0, 0)
    with qtbot.wait_signal(tab.item_activated) as blocker:
        tab.view.activated.emit(index)
    assert blocker.args == [4]


def test_the_detail_link_opens_the_item(qtbot: QtBot, tab: ResolutionsTab) -> None:
    tab.filter_edit.setText("ofsted")
    assert 'href="item:4"' in tab.detail.toHtml()
    with qtbot.wait_signal(tab.item_activated) as blocker:
        tab.detail.anchorClicked.emit(QUrl("item:4"))
    assert blocker.args == [4]


def test_an_empty_register_says_what_to_do(qtbot: QtBot, tmp_path: Path) -> None:
    workspace = open_workspace(tmp_path / "empty.qpmr", create=True, user="tester")
    tab = ResolutionsTab()
    qtbot.addWidget(tab)
    try:
        tab.set_workspace(workspace)
        tab.ensure_loaded()
        assert tab.stack.currentWidget() is tab.empty_label
        assert "Paste Published Minutes" in tab.empty_label.text()
    finally:
        tab.set_workspace(None)
        workspace.close()


def test_search_finds_item_4_and_activating_the_result_opens_it(
    qtbot: QtBot, tab: ResolutionsTab, qtmodeltester: ModelChecker
) -> None:
    panel = tab.search_panel
    assert panel.empty_label.text() == PROMPT_TEXT
    assert search(qtbot, panel, "highest ever recorded") >= 1
    qtmodeltester.check(panel.model)
    assert panel.stack.currentWidget() is panel.view
    model = panel.model
    first = model.index(0, model.column_of("snippet"))
    assert model.index(0, model.column_of("item")).data().startswith("4. Quarterly Corporate")
    assert model.index(0, model.column_of("date")).data() == "12 Sep 2017"
    assert model.index(0, model.column_of("committee")).data() == COMMITTEE
    assert model.index(0, model.column_of("source")).data() == "Point"
    assert "<b>highest</b> <b>ever</b> <b>recorded</b>" in first.data(ResolutionRole.SNIPPET_HTML)
    assert "1 result" in panel.message_label.text()
    with qtbot.wait_signal(tab.item_activated) as blocker:
        panel.view.activated.emit(first)
    assert blocker.args == [4]


def test_search_runs_after_a_pause_in_typing(qtbot: QtBot, tab: ResolutionsTab) -> None:
    panel = tab.search_panel
    with qtbot.wait_signal(panel.search_finished, timeout=5000):
        QTest.keyClicks(panel.search_edit, "ofsted")
    assert panel.searched_text == "ofsted"
    assert panel.model.rowCount() >= 1
    panel.search_edit.clear()
    assert panel.model.rowCount() == 0
    assert panel.stack.currentWidget() is panel.empty_label


@pytest.mark.parametrize(
    "query", ['"highest ever', "*", "AND", "highest AND", 'NEAR( "x', "::", "OR OR", "'; DROP"]
)
def test_a_hostile_query_shows_no_error(qtbot: QtBot, tab: ResolutionsTab, query: str) -> None:
    panel = tab.search_panel
    count = search(qtbot, panel, query)
    message = panel.message_label.text()
    assert "could not" not in message
    if count == 0:
        assert panel.stack.currentWidget() is panel.empty_label
        assert "Nothing in the minutes matches" in panel.empty_label.text()
    else:
        assert panel.stack.currentWidget() is panel.view


def test_hostile_text_in_a_snippet_is_shown_escaped(
    qtbot: QtBot, workspace: Workspace, tab: ResolutionsTab
) -> None:
    from qpmr_desktop.services.minutes_import import save_parsed_item

    parsed = parse_published_minutes(f"Hostile Item\n\n{HOSTILE_POINT}")
    save_parsed_item(
        workspace=workspace, parsed=parsed, committee=COMMITTEE, meeting_date=dt.date(2018, 1, 9)
    )
    assert search(qtbot, tab.search_panel, "zanzibar") == 1
    model = tab.search_panel.model
    rich = model.index(0, model.column_of("snippet")).data(ResolutionRole.SNIPPET_HTML)
    assert "&lt;b&gt;&amp;&quot;😀 Żółć&lt;/b&gt;" in rich
    assert "<b>zanzibar</b>" in rich
    assert rich.count("<b>") == 1


def test_snippet_html_slices_by_python_offsets_past_emoji() -> None:
    snippet = "😀😀 <i> recorded & more"
    start = snippet.index("recorded")
    assert snippet_html(snippet, [(start, start + 8)]) == (
        "😀😀 &lt;i&gt; <b>recorded</b> &amp; more"
    )
    # Offsets past the end, empty, reversed and overlapping never break the markup.
    assert snippet_html("abc", [(1, 99), (2, 3), (0, 0), (3, 1)]) == "a<b>bc</b>"


def test_the_search_model_passes_the_model_tester(qtmodeltester: ModelChecker) -> None:
    hit = SearchHit(
        item_id=AgendaItemId(7),
        meeting_id=MeetingId(1),
        meeting_date=dt.date(2017, 9, 12),
        committee=COMMITTEE,
        item_number="7",
        item_title="A < B",
        source=MatchSource.RESOLUTION,
        row_id=3,
        snippet="That <it> be noted",
        matches=((13, 18),),
        status=MinutesStatus.APPROVED,
        score=-1.0,
    )
    model = SearchResultModel()
    qtmodeltester.check(model)
    model.set_hits([hit, hit])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0), ResolutionRole.ITEM_ID) == 7
    assert model.index(0, model.column_of("source")).data() == "Resolution"
    assert model.index(0, model.column_of("snippet")).data(ResolutionRole.SNIPPET_HTML) == (
        "That &lt;it&gt; be <b>noted</b>"
    )
