"""The scorecard's filters: the proxy's rules, the filter bar, and the state kept between runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.workspace import open_workspace
from qpmr_desktop.ui.indicator_filters import RAG_CHOICES, FilterPreferences, IndicatorFilterBar
from qpmr_desktop.ui.indicator_model import (
    IndicatorFilterProxy,
    IndicatorFilters,
    IndicatorTableModel,
    needs_commentary,
)
from qpmr_desktop.ui.indicators_tab import IndicatorsTab
from qpmr_desktop.ui.settings import Preferences, WindowState
from tests.gui.conftest import ModelChecker, make_indicator


@pytest.fixture
def model(indicator_rows: list[IndicatorRow]) -> IndicatorTableModel:
    model = IndicatorTableModel()
    model.set_rows(indicator_rows)
    return model


@pytest.fixture
def proxy(model: IndicatorTableModel) -> IndicatorFilterProxy:
    return IndicatorFilterProxy(model)


def refs(proxy: IndicatorFilterProxy) -> list[str]:
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_each_filter_narrows_the_scorecard(
    qtmodeltester: ModelChecker, proxy: IndicatorFilterProxy
) -> None:
    qtmodeltester.check(proxy)
    proxy.set_filters(IndicatorFilters(theme="Live Well"))
    assert refs(proxy) == ["NHC-01"]
    qtmodeltester.check(proxy)
    proxy.set_filters(IndicatorFilters(rags=frozenset({Rag.AMBER})))
    assert refs(proxy) == ["EET-01", "CLA-2"]
    proxy.set_filters(IndicatorFilters(rags=frozenset({Rag.RED, Rag.GREEN})))
    assert refs(proxy) == ["CLA-01", "CLA-10"]
    proxy.set_filters(IndicatorFilters(direction=Direction.IMPROVING))
    assert refs(proxy) == ["EET-01"]
    proxy.set_filters(IndicatorFilters(direction=Direction.NO_CHANGE))
    assert refs(proxy) == ["CLA-10"]
    proxy.set_filters(IndicatorFilters(needs_commentary=True))
    assert refs(proxy) == ["CLA-01", "CLA-2"]  # red, or worsening, without commentary
    qtmodeltester.check(proxy)
    proxy.set_filters(IndicatorFilters())
    assert len(refs(proxy)) == 5


def test_filters_combine_with_the_words_typed(proxy: IndicatorFilterProxy) -> None:
    proxy.set_filters(IndicatorFilters(text="care", theme="Start Well"))
    assert refs(proxy) == ["EET-01", "CLA-2"]
    proxy.set_filter_text("accommodation")  # the typed words change; the rest stays
    assert refs(proxy) == ["CLA-2"]
    assert proxy.filters.theme == "Start Well"


def test_needs_commentary_is_red_or_worsening_without_commentary() -> None:
    assert needs_commentary(make_indicator(rag=Rag.RED, direction=Direction.IMPROVING))
    assert needs_commentary(make_indicator(rag=Rag.GREEN, direction=Direction.WORSENING))
    assert not needs_commentary(make_indicator(rag=Rag.RED, has_commentary=True))
    assert not needs_commentary(make_indicator(rag=Rag.GREEN, direction=Direction.IMPROVING))


def test_the_proxy_passes_the_model_tester_after_rows_change(
    qtmodeltester: ModelChecker,
    model: IndicatorTableModel,
    proxy: IndicatorFilterProxy,
    indicator_rows: list[IndicatorRow],
) -> None:
    proxy.set_filters(IndicatorFilters(rags=frozenset({Rag.AMBER})))
    changed = [replace(indicator_rows[0], rag=Rag.AMBER), *indicator_rows[2:]]
    model.refresh_rows(changed)
    assert refs(proxy) == ["CLA-01", "CLA-2"]
    qtmodeltester.check(proxy)
    qtmodeltester.check(model)


def test_filtering_a_hundred_thousand_rows(qtbot: QtBot) -> None:
    themes = ("Start Well", "Live Well", "Age Well")
    rags = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.DATA_ONLY, Rag.NO_DATA)
    directions = tuple(Direction)
    rows = [
        make_indicator(
            number,
            ref=f"IND-{number:06d}",
            name=f"Indicator number {number}",
            theme=themes[number % 3],
            rag=rags[number % 5],
            direction=directions[number % 4],
            has_commentary=number % 2 == 0,
        )
        for number in range(100_000)
    ]
    model = IndicatorTableModel()
    model.set_rows(rows)
    proxy = IndicatorFilterProxy(model)
    assert proxy.rowCount() == 100_000
    proxy.set_filters(IndicatorFilters(theme="Live Well"))
    assert proxy.rowCount() == 33_333
    proxy.set_filters(IndicatorFilters(theme="Live Well", rags=frozenset({Rag.RED})))
    assert proxy.rowCount() == sum(1 for n in range(100_000) if n % 3 == 1 and n % 5 == 2)
    proxy.set_filters(IndicatorFilters(text="number 99999"))
    assert proxy.rowCount() == 1
    source_row = proxy.mapToSource(proxy.index(0, 0)).row()
    assert model.row_at(source_row).ref == "IND-099999"
    # Past EAGER_ROWS, a row's cells are written out when a view paints it.
    assert proxy.index(0, 0).data() is None
    model.fill_rows([source_row])
    assert proxy.index(0, 0).data() == "IND-099999"
    proxy.set_filters(IndicatorFilters(needs_commentary=True))
    expected = sum(
        1
        for n in range(100_000)
        if (rags[n % 5] is Rag.RED or directions[n % 4] is Direction.WORSENING) and n % 2 == 1
    )
    assert proxy.rowCount() == expected
    proxy.set_filters(IndicatorFilters())
    assert proxy.rowCount() == 100_000


def test_the_theme_column_sorts_in_the_councils_order(
    model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    rows = [
        make_indicator(1, ref="B-1", theme="Start Well"),
        make_indicator(2, ref="A-1", theme="Live Well"),
        make_indicator(3, ref="A-2", theme="Start Well"),
    ]
    model.set_rows(rows)
    proxy.sort(model.column_of("theme"), Qt.SortOrder.AscendingOrder)
    # Start Well came first from the service, so it sorts first, whatever the alphabet says.
    assert refs(proxy) == ["A-2", "B-1", "A-1"]


# ------------------------------------------------------------------ the bar


def test_the_bar_emits_what_its_controls_say(qtbot: QtBot) -> None:
    bar = IndicatorFilterBar()
    qtbot.addWidget(bar)
    bar.set_themes(["Start Well", "Live Well"])
    with qtbot.waitSignal(bar.filters_changed) as blocker:
        bar.theme_combo.setCurrentIndex(2)
    assert blocker.args[0].theme == "Live Well"
    bar.rag_buttons[2].setChecked(True)  # ▲ Red
    bar.rag_buttons[3].setChecked(True)  # ○ no judgement: data only and no data
    assert bar.filters.rags == frozenset({Rag.RED, Rag.DATA_ONLY, Rag.NO_DATA})
    bar.direction_combo.setCurrentIndex(2)
    assert bar.filters.direction is Direction.WORSENING
    bar.commentary_check.setChecked(True)
    assert bar.filters.needs_commentary
    assert [button.text() for button in bar.rag_buttons] == ["●", "◆", "▲", "○"]
    assert [choice[0].split()[1] for choice in RAG_CHOICES] == ["Green", "Amber", "Red", "No"]
    assert "Red" in bar.rag_buttons[2].toolTip()  # the word, beside the shape


def test_set_filters_shows_a_state_without_emitting(qtbot: QtBot) -> None:
    bar = IndicatorFilterBar()
    qtbot.addWidget(bar)
    bar.set_themes(["Start Well"])
    state = IndicatorFilters(
        theme="Start Well",
        rags=frozenset({Rag.AMBER}),
        direction=Direction.NO_CHANGE,
        needs_commentary=True,
    )
    with qtbot.assertNotEmitted(bar.filters_changed):
        bar.set_filters(state)
    assert bar.theme_combo.currentText() == "Start Well"
    assert [button.isChecked() for button in bar.rag_buttons] == [False, True, False, False]
    assert bar.direction_combo.currentText() == "No change"
    assert bar.commentary_check.isChecked()


def test_filter_preferences_round_trip_and_ignore_nonsense() -> None:
    preferences = FilterPreferences()
    state = IndicatorFilters(
        text="care",
        theme="Live Well",
        rags=frozenset({Rag.DATA_ONLY, Rag.NO_DATA}),
        direction=Direction.WORSENING,
        needs_commentary=True,
    )
    preferences.save(state)
    assert FilterPreferences().load() == state
    raw = Preferences()
    raw.set_texts("indicators/filter/rags", ["purple"])
    raw.set_text("indicators/filter/direction", "sideways")
    loaded = FilterPreferences().load()
    assert loaded.rags == frozenset()
    assert loaded.direction is None


def test_the_filter_state_survives_a_new_tab(qtbot: QtBot, demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    first = IndicatorsTab()
    qtbot.addWidget(first)
    first.set_workspace(workspace)
    first.ensure_loaded()
    total = first.model.rowCount()
    first.filter_bar.rag_buttons[2].setChecked(True)  # ▲ Red
    first.filter_edit.setText("care")
    shown = first.proxy.rowCount()
    assert 0 < shown < total
    assert first.count_label.text() == f"{shown} of {total} indicators"
    first.save_state(WindowState())  # what the window does when it closes

    second = IndicatorsTab()
    qtbot.addWidget(second)
    second.set_workspace(workspace)
    second.ensure_loaded()
    assert second.filter_edit.text() == "care"
    assert second.filter_bar.rag_buttons[2].isChecked()
    assert second.proxy.rowCount() == shown
    assert second.count_label.text() == f"{shown} of {total} indicators"
    second.set_workspace(None)
    first.set_workspace(None)
    workspace.close()


def test_the_filter_is_saved_after_a_pause_without_closing(qtbot: QtBot) -> None:
    tab = IndicatorsTab()
    qtbot.addWidget(tab)
    tab.filter_bar.commentary_check.setChecked(True)
    qtbot.waitUntil(lambda: FilterPreferences().load().needs_commentary)
