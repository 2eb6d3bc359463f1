"""ActionTableModel and ActionFilterProxy: dates, BRAG chips, overdue, natural refs, filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import ActionId, PersonId, PlanId, PriorityAreaId
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.ui.action_model import (
    COLUMNS,
    ActionFilterProxy,
    ActionFilters,
    ActionRole,
    ActionTableModel,
    Choices,
    action_haystack,
)
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import ModelChecker, make_action

Display = Qt.ItemDataRole.DisplayRole
ToolTip = Qt.ItemDataRole.ToolTipRole
JUDGED_ON = dt.date(2017, 9, 1)

PLAN_12_WEEK = PlanId(1)
PLAN_OVERARCHING = PlanId(2)
MASH = PriorityAreaId(11)
PERMANENCE = PriorityAreaId(21)
SMITH, JONES, PATEL = PersonId(101), PersonId(102), PersonId(103)


def judged(row: ActionRow) -> ActionRow:
    """The row as the service would give it on JUDGED_ON: ids and days to go filled in."""
    days = None if row.due_date is None else (row.due_date - JUDGED_ON).days
    lead_ids = {"A. Smith": SMITH, "B. Jones": JONES, "C. Patel": PATEL}
    plan_id = PLAN_OVERARCHING if row.plan.startswith("Overarching") else PLAN_12_WEEK
    area = PERMANENCE if row.priority_area == "Permanence" else MASH
    return replace(
        row, due_in_days=days, lead_id=lead_ids[row.lead], plan_id=plan_id, priority_area_id=area
    )


@pytest.fixture
def rows(action_rows: list[ActionRow]) -> list[ActionRow]:
    return [judged(row) for row in action_rows]


@pytest.fixture
def model(rows: list[ActionRow]) -> ActionTableModel:
    model = ActionTableModel()
    model.set_rows(rows)
    return model


@pytest.fixture
def proxy(model: ActionTableModel) -> ActionFilterProxy:
    return ActionFilterProxy(model)


def cell(model: ActionTableModel, row: int, key: str, role: int = Display) -> object:
    return model.data(model.index(row, model.column_of(key)), role)


REF = [column.key for column in COLUMNS].index("ref")


def refs(proxy: ActionFilterProxy) -> list[str]:
    return [proxy.index(row, REF).data() for row in range(proxy.rowCount())]


def test_the_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelChecker, model: ActionTableModel, proxy: ActionFilterProxy
) -> None:
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("mash")
    qtmodeltester.check(proxy)
    proxy.sort(model.column_of("due"))
    qtmodeltester.check(proxy)
    proxy.set_filters(ActionFilters(statuses=frozenset({ActionStatus.ON_TRACK})))
    qtmodeltester.check(proxy)


def test_the_models_pass_the_model_tester_after_rows_change(
    qtmodeltester: ModelChecker,
    model: ActionTableModel,
    proxy: ActionFilterProxy,
    rows: list[ActionRow],
) -> None:
    proxy.sort(model.column_of("ref"))
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    assert model.update_row(replace(rows[0], progress=80, status=ActionStatus.AT_RISK))
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    added = replace(rows[0], id=ActionId(99), ref="1.2")
    model.refresh_rows([rows[0], added, *rows[1:3]])  # one added, one removed
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    # Still sorted by ref (the model holds the order shown), the new row in its place ...
    assert [row.ref for row in model.rows()] == ["1.1", "1.2", "1.9", "1.10"]
    assert refs(proxy) == ["1.1", "1.2", "1.9", "1.10"]
    # ... and unsorted, the order the service gave.
    proxy.sort(-1)
    qtmodeltester.check(proxy)
    assert refs(proxy) == ["1.1", "1.2", "1.10", "1.9"]


def test_headers(model: ActionTableModel) -> None:
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert headers == [
        "Priority area",
        "Ref",
        "Action",
        "Lead",
        "Due",
        "Status",
        "RAG",
        "%",
        "Latest update",
        "Plan",
    ]


def test_cells_show_the_read_model_formatted(model: ActionTableModel) -> None:
    assert cell(model, 0, "plan") == "12-week improvement plan"
    assert cell(model, 0, "area") == "MASH / Early Help"
    assert cell(model, 0, "ref") == "1.1"
    assert cell(model, 0, "description") == "Review MASH thresholds with partner agencies"
    assert cell(model, 0, "lead") == "A. Smith"
    assert cell(model, 0, "due") == "30 Sep 2017"
    assert cell(model, 3, "due") == ""
    assert cell(model, 0, "status") == "On track"
    assert cell(model, 0, "progress") == "60%"
    assert cell(model, 0, "update") == "Thresholds agreed with the police; health next."


def test_the_latest_update_tooltip_gives_date_and_author(model: ActionTableModel) -> None:
    tooltip = str(cell(model, 0, "update", ToolTip))
    assert "12 Sep 2017" in tooltip
    assert "A. Smith" in tooltip
    assert tooltip.endswith("Thresholds agreed with the police; health next.")
    assert cell(model, 1, "update", ToolTip) is None  # no update yet


def test_rag_chips_carry_shape_word_and_colour(model: ActionTableModel) -> None:
    assert cell(model, 0, "rag") == "● On track"
    assert cell(model, 1, "rag") == "■ Complete"
    assert cell(model, 1, "rag", Qt.ItemDataRole.ForegroundRole) == QColor(
        ACTION_RAG_COLOURS[ActionRag.BLUE]
    )
    assert cell(model, 3, "rag") == "○ Not started"
    assert cell(model, 0, "rag", ToolTip) == "Green: on track"


def test_an_overdue_action_says_so_with_the_reason(model: ActionTableModel) -> None:
    assert cell(model, 2, "rag") == "▲ Overdue"
    assert cell(model, 2, "rag", Qt.ItemDataRole.ForegroundRole) == QColor(
        ACTION_RAG_COLOURS[ActionRag.RED]
    )
    assert cell(model, 2, "rag", ToolTip) == "Red: overdue since 31 Aug 2017"
    assert cell(model, 2, "due", ToolTip) == "Overdue by 1 day: due 31 Aug 2017"
    assert cell(model, 0, "due", ToolTip) == "Due in 29 days, 30 Sep 2017"
    assert cell(model, 3, "due", ToolTip) == "No due date"


def test_an_overridden_rating_is_marked_and_explained(
    model: ActionTableModel, rows: list[ActionRow]
) -> None:
    model.update_row(
        replace(
            rows[0],
            rag=ActionRag.AMBER,
            rag_override=ActionRag.AMBER,
            rag_override_reason="Partners have not yet signed off",
        )
    )
    assert cell(model, 0, "rag") == "◆ At risk *"
    assert cell(model, 0, "rag", ToolTip) == (
        "Override: Amber — Partners have not yet signed off (derived: Green: on track)"
    )


def test_sample_actions_say_so_in_the_tooltip(model: ActionTableModel) -> None:
    assert "Sample data" in str(cell(model, 0, "description", ToolTip))


def test_unknown_roles_give_none(model: ActionTableModel) -> None:
    assert cell(model, 0, "due", Qt.ItemDataRole.UserRole + 999) is None
    assert cell(model, 0, "due", Qt.ItemDataRole.CheckStateRole) is None


def test_edit_values_are_raw(model: ActionTableModel) -> None:
    values = cell(model, 0, "ref", ActionRole.EDIT)
    assert values == {
        "description": "Review MASH thresholds with partner agencies",
        "area": MASH,
        "lead": "A. Smith",
        "due": dt.date(2017, 9, 30),
        "status": "on track",
        "progress": 60,
    }
    assert cell(model, 3, "due", ActionRole.EDIT)["due"] is None  # type: ignore[index]


def test_the_editors_choices_come_through_a_role(model: ActionTableModel) -> None:
    model.set_choices(
        areas={PLAN_12_WEEK: [("MASH / Early Help", MASH), ("Quality", PriorityAreaId(12))]},
        people=["A. Smith", "B. Jones"],
    )
    choices = cell(model, 0, "area", ActionRole.CHOICES)
    assert isinstance(choices, Mapping)
    areas = choices["area"]
    assert isinstance(areas, Choices)
    assert areas.items == (
        ("No priority area", None),
        ("MASH / Early Help", MASH),
        ("Quality", PriorityAreaId(12)),
    )
    leads = cell(model, 3, "lead", ActionRole.CHOICES)["lead"]  # type: ignore[index]
    assert isinstance(leads, Choices)
    assert leads.editable
    assert [label for label, _ in leads.items] == ["C. Patel", "A. Smith", "B. Jones"]
    statuses = choices["status"]
    assert isinstance(statuses, Choices)
    assert [value for _, value in statuses.items] == [status.value for status in ActionStatus]
    assert model.area_position(PLAN_12_WEEK, PriorityAreaId(12)) == 2
    assert model.area_position(PLAN_12_WEEK, None) == -1
    assert model.area_position(PLAN_12_WEEK, PriorityAreaId(99)) is None


def test_cells_are_read_only_until_editing_is_set_up(model: ActionTableModel) -> None:
    index = model.index(0, model.column_of("status"))
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "at risk")


def test_rows_are_grouped_by_plan_and_area(model: ActionTableModel) -> None:
    assert cell(model, 0, "ref", ActionRole.GROUP) == (PLAN_12_WEEK, 1)
    assert cell(model, 0, "ref", ActionRole.PLAN_GROUP) == PLAN_12_WEEK
    assert cell(model, 3, "ref", ActionRole.PLAN_GROUP) == PLAN_OVERARCHING


def test_due_dates_sort_as_dates_with_no_date_last(
    model: ActionTableModel, proxy: ActionFilterProxy
) -> None:
    assert cell(model, 0, "due", ItemRole.SORT) == (False, dt.date(2017, 9, 30))
    proxy.sort(model.column_of("due"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.9", "1.1", "1.10", "2.3"]


def test_refs_sort_naturally(model: ActionTableModel, proxy: ActionFilterProxy) -> None:
    proxy.sort(model.column_of("ref"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.1", "1.9", "1.10", "2.3"]
    proxy.sort(model.column_of("ref"), Qt.SortOrder.DescendingOrder)
    assert refs(proxy) == ["2.3", "1.10", "1.9", "1.1"]


def test_rag_sorts_overdue_first(model: ActionTableModel, proxy: ActionFilterProxy) -> None:
    proxy.sort(model.column_of("rag"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.9", "2.3", "1.1", "1.10"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("plan", ["1.1", "1.10", "1.9", "2.3"]),
        ("area", ["1.1", "1.10", "1.9", "2.3"]),
        ("description", ["1.9", "2.3", "1.10", "1.1"]),
        ("lead", ["1.1", "1.10", "1.9", "2.3"]),
        ("status", ["1.9", "2.3", "1.1", "1.10"]),
        ("progress", ["2.3", "1.9", "1.1", "1.10"]),
        ("update", ["1.1", "1.9", "2.3", "1.10"]),
    ],
)
def test_every_column_sorts_by_its_raw_value(
    model: ActionTableModel, proxy: ActionFilterProxy, key: str, expected: list[str]
) -> None:
    proxy.sort(model.column_of(key), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == expected


def test_the_filter_narrows_by_words_in_any_column_of_text(proxy: ActionFilterProxy) -> None:
    proxy.set_filter_text("audit")
    assert refs(proxy) == ["1.9", "2.3"]
    proxy.set_filter_text("audit permanence")
    assert refs(proxy) == ["2.3"]
    proxy.set_filter_text("b. jones")
    assert refs(proxy) == ["1.9"]
    proxy.set_filter_text("complete")
    assert refs(proxy) == ["1.10"]
    proxy.set_filter_text("")
    assert refs(proxy) == ["1.1", "1.10", "1.9", "2.3"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ActionFilters(plan="Overarching improvement plan"), ["2.3"]),
        (ActionFilters(plan="A plan since deleted"), []),
        (ActionFilters(area="Permanence"), ["2.3"]),
        (ActionFilters(plan="12-week improvement plan", area="Permanence"), []),
        (ActionFilters(statuses=frozenset({ActionStatus.COMPLETE})), ["1.10"]),
        (
            ActionFilters(statuses=frozenset(set(ActionStatus) - {ActionStatus.COMPLETE})),
            ["1.1", "1.9", "2.3"],
        ),
        (ActionFilters(rags=frozenset({ActionRag.RED})), ["1.9"]),
        (ActionFilters(rags=frozenset({ActionRag.GREY, ActionRag.BLUE})), ["1.10", "2.3"]),
        (ActionFilters(lead="b.  JONES"), ["1.9"]),
        (ActionFilters(overdue=True), ["1.9"]),
        (ActionFilters(due_weeks=4), []),
        (ActionFilters(due_weeks=5), ["1.1"]),
        (ActionFilters(text="threshold", statuses=frozenset({ActionStatus.ON_TRACK})), ["1.1"]),
    ],
)
def test_each_filter_narrows_the_tracker(
    qtmodeltester: ModelChecker,
    proxy: ActionFilterProxy,
    filters: ActionFilters,
    expected: list[str],
) -> None:
    proxy.set_filters(filters)
    assert refs(proxy) == expected
    qtmodeltester.check(proxy)
    proxy.set_filters(ActionFilters())
    assert len(refs(proxy)) == 4


def test_my_actions_follow_the_persons_own_name(proxy: ActionFilterProxy) -> None:
    proxy.set_filters(ActionFilters(mine=True))
    assert refs(proxy) == []  # no name known: nobody's actions, not everybody's
    proxy.set_my_name("C.  Patel")
    assert refs(proxy) == ["2.3"]
    proxy.set_my_name("a. smith")
    assert refs(proxy) == ["1.1", "1.10"]


def test_a_filter_follows_rows_that_change(
    model: ActionTableModel, proxy: ActionFilterProxy, rows: list[ActionRow]
) -> None:
    proxy.set_filters(ActionFilters(lead="D. New"))
    assert refs(proxy) == []
    model.update_row(replace(rows[3], lead="D. New", lead_id=PersonId(104)))
    assert refs(proxy) == ["2.3"]
    model.update_row(replace(rows[3], lead="C. Patel"))
    assert refs(proxy) == []


def test_filters_know_when_they_hide_nothing() -> None:
    assert ActionFilters().is_default
    assert ActionFilters(text="  ").is_default
    assert not ActionFilters(text="audit").is_default
    assert not ActionFilters(overdue=True).is_default


def test_a_proxy_index_of_an_empty_model_is_invalid() -> None:
    proxy = ActionFilterProxy(ActionTableModel())
    assert proxy.rowCount() == 0
    assert not proxy.index(0, 0, QModelIndex()).isValid()


def test_a_fresh_row_replaces_only_its_own(model: ActionTableModel, rows: list[ActionRow]) -> None:
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append((top.row(), bottom.row())))
    assert model.update_row(replace(rows[2], progress=25))
    assert changed == [(2, 2)]
    assert model.update_row(rows[0])  # the same: nothing to signal
    assert changed == [(2, 2)]
    assert not model.update_row(make_action(77))


def test_a_sorted_tracker_keeps_its_order_through_an_edit_and_the_selection_follows(
    qtmodeltester: ModelChecker,
    model: ActionTableModel,
    proxy: ActionFilterProxy,
    rows: list[ActionRow],
) -> None:
    proxy.sort(model.column_of("progress"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["2.3", "1.9", "1.1", "1.10"]
    assert model.sort_order == (model.column_of("progress"), False)
    selected = proxy.index(0, REF)  # 2.3, as a view's current index would be kept
    kept = QPersistentModelIndex(selected)
    moved: list[str] = []
    model.layoutChanged.connect(lambda *_: moved.append("layout"))
    assert model.update_row(replace(rows[3], progress=99))  # 2.3: more than all but 1.10
    assert moved == ["layout"]
    assert refs(proxy) == ["1.9", "1.1", "2.3", "1.10"]
    assert kept.isValid()
    assert kept.data() == "2.3"
    qtmodeltester.check(proxy)
    assert model.update_row(replace(rows[2], description="Another wording"))  # key unchanged
    assert moved == ["layout"]


def test_descending_puts_no_value_first_and_unsorting_restores_the_service_order(
    model: ActionTableModel, proxy: ActionFilterProxy
) -> None:
    proxy.sort(model.column_of("due"), Qt.SortOrder.DescendingOrder)
    assert refs(proxy) == ["2.3", "1.10", "1.1", "1.9"]
    proxy.sort(-1, Qt.SortOrder.AscendingOrder)
    assert model.sort_order is None
    assert refs(proxy) == ["1.1", "1.10", "1.9", "2.3"]


def test_rows_given_to_a_sorted_model_are_shown_sorted(
    model: ActionTableModel, proxy: ActionFilterProxy, rows: list[ActionRow]
) -> None:
    proxy.sort(model.column_of("ref"), Qt.SortOrder.DescendingOrder)
    model.set_rows(list(reversed(rows)))
    assert refs(proxy) == ["2.3", "1.10", "1.9", "1.1"]
    proxy.sort(-1)
    assert refs(proxy) == ["2.3", "1.9", "1.10", "1.1"]  # the order given


def test_the_filter_searches_the_same_text_as_action_haystack(
    model: ActionTableModel, rows: list[ActionRow]
) -> None:
    for number, row in enumerate(model.rows()):
        assert model.search_text(number) == action_haystack(row).casefold()
    assert model.plan_rows(PLAN_OVERARCHING) == [
        row for row in rows if row.plan_id == PLAN_OVERARCHING
    ]
