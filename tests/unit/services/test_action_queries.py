"""The action tracker: ordering, derived BRAG and overdue, and each action's latest update.

A small database written here with rows inserted out of order, on a fixed
"today", so that every rule is asserted exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from sqlmodel import Session

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.services.actions import (
    NO_PRIORITY_AREA_POSITION,
    ActionFilter,
    get_action_detail,
    list_action_history,
    list_action_rows,
    list_actions_for_indicator,
    list_actions_for_resolution,
    list_leads,
    list_linkable_resolutions,
    list_people,
    read_action_choices,
    read_action_tracker,
)
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.plans import list_plans, list_priority_areas
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Action, ActionUpdate, ImprovementPlan, Person, PriorityArea
from tests.unit.services.select_counter import selects_run

TODAY = dt.date(2017, 10, 1)
TWELVE_WEEK = "12-week improvement plan"


class _Row(Protocol):
    id: int | None


def insert(session: Session, row: _Row) -> int:
    """Add one row and return its new id."""
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def at(day: int, month: int = 9, hour: int = 9) -> dt.datetime:
    return dt.datetime(2017, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "actions.qpmr", create=True)
    with workspace.database.session() as session:
        # Plans, areas and refs are all inserted out of order.
        overarching = insert(session, ImprovementPlan(name="Overarching improvement plan"))
        twelve_week = insert(session, ImprovementPlan(name=TWELVE_WEEK, board="Improvement Board"))
        quality = insert(
            session, PriorityArea(plan_id=twelve_week, name="Quality of practice", position=2)
        )
        mash = insert(
            session, PriorityArea(plan_id=twelve_week, name="MASH / Early Help", position=1)
        )
        prevention = insert(
            session, PriorityArea(plan_id=overarching, name="Prevention", position=1)
        )
        lead = insert(session, Person(name="Amy Smith-O’Neill", job_title="Head of Service"))

        def action(
            plan: int,
            area: int | None,
            ref: str,
            status: ActionStatus,
            due: dt.date | None = None,
            *,
            lead_id: int | None = None,
            override: ActionRag | None = None,
        ) -> int:
            row = Action(
                plan_id=plan,
                priority_area_id=area,
                ref=ref,
                description=f"Action {ref}: review thresholds & <report> – “now”",
                lead_id=lead_id,
                due_date=due,
                status=status,
                progress=40,
                rag_override=override,
                is_sample=True,
            )
            return insert(session, row)

        action(overarching, prevention, "P1", ActionStatus.OFF_TRACK)
        action(twelve_week, None, "X.2", ActionStatus.NOT_STARTED)
        action(twelve_week, None, "X.1", ActionStatus.NOT_STARTED, override=ActionRag.AMBER)
        action(twelve_week, quality, "2.1", ActionStatus.AT_RISK)
        on_track = action(twelve_week, mash, "1.10", ActionStatus.ON_TRACK, dt.date(2017, 12, 31))
        late = action(
            twelve_week, mash, "1.9", ActionStatus.ON_TRACK, dt.date(2017, 9, 30), lead_id=lead
        )
        action(twelve_week, mash, "1.2", ActionStatus.COMPLETE, dt.date(2017, 8, 1))

        def update(action_id: int, text: str, when: dt.datetime, who: str = "jo.clerk") -> None:
            row = ActionUpdate(
                action_id=action_id, text=text, who=who, at=when, old_status=None, new_status=None
            )
            insert(session, row)

        update(late, "Newest: waiting for the audit.", at(20), who="amy.smith")
        update(late, "Oldest.", at(1))
        # Two updates in the same second: the one written last is the latest.
        update(on_track, "Same time, written first.", at(5))
        update(on_track, "Same time, written second.", at(5))
    yield workspace
    workspace.close()


@pytest.fixture
def tracker(workspace: Workspace) -> list[ActionRow]:
    return list_action_rows(workspace=workspace, today=TODAY)


def test_actions_come_by_plan_then_area_position_then_natural_ref(
    tracker: list[ActionRow],
) -> None:
    assert [(row.plan, row.priority_area, row.ref) for row in tracker] == [
        (TWELVE_WEEK, "MASH / Early Help", "1.2"),
        (TWELVE_WEEK, "MASH / Early Help", "1.9"),
        (TWELVE_WEEK, "MASH / Early Help", "1.10"),
        (TWELVE_WEEK, "Quality of practice", "2.1"),
        (TWELVE_WEEK, "", "X.1"),
        (TWELVE_WEEK, "", "X.2"),
        ("Overarching improvement plan", "Prevention", "P1"),
    ]
    assert [row.priority_area_position for row in tracker][:5] == [1, 1, 1, 2, -1]
    assert tracker[4].priority_area_position == NO_PRIORITY_AREA_POSITION


def test_rag_and_overdue_are_derived_on_the_day(tracker: list[ActionRow]) -> None:
    by_ref = {row.ref: row for row in tracker}

    assert (by_ref["1.9"].rag, by_ref["1.9"].overdue) == (ActionRag.RED, True)
    assert (by_ref["1.10"].rag, by_ref["1.10"].overdue) == (ActionRag.GREEN, False)
    assert (by_ref["1.2"].rag, by_ref["1.2"].overdue) == (ActionRag.BLUE, False)
    assert by_ref["2.1"].rag is ActionRag.AMBER
    assert by_ref["P1"].rag is ActionRag.RED
    assert by_ref["X.1"].rag is ActionRag.AMBER  # the officer's override
    assert by_ref["X.2"].rag is ActionRag.GREY  # no override: derived from the status


def test_the_same_action_is_not_overdue_before_its_due_date(workspace: Workspace) -> None:
    rows = list_action_rows(workspace=workspace, today=dt.date(2017, 9, 30))
    late = next(row for row in rows if row.ref == "1.9")

    assert (late.rag, late.overdue) == (ActionRag.GREEN, False)


def test_each_action_shows_its_latest_update(tracker: list[ActionRow]) -> None:
    by_ref = {row.ref: row for row in tracker}

    late = by_ref["1.9"]
    assert late.latest_update == "Newest: waiting for the audit."
    assert late.latest_update_by == "amy.smith"
    assert late.latest_update_at == at(20)
    assert late.latest_update_at is not None
    assert late.latest_update_at.utcoffset() == dt.timedelta(0)
    assert by_ref["1.10"].latest_update == "Same time, written second."
    without = by_ref["2.1"]
    assert (without.latest_update, without.latest_update_by, without.latest_update_at) == (
        "",
        "",
        None,
    )


def test_rows_carry_the_action_fields(tracker: list[ActionRow]) -> None:
    late = next(row for row in tracker if row.ref == "1.9")

    assert late.lead == "Amy Smith-O’Neill"
    assert late.due_date == dt.date(2017, 9, 30)
    assert late.status is ActionStatus.ON_TRACK
    assert late.progress == 40
    assert late.description == "Action 1.9: review thresholds & <report> – “now”"
    assert late.is_sample
    assert next(row for row in tracker if row.ref == "2.1").lead == ""


def _tracker_selects(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[ActionRow], int]:
    """``list_action_rows`` and the number of SELECT statements it ran."""
    with selects_run(workspace, monkeypatch, "qpmr_desktop.services.actions") as selects:
        rows = list_action_rows(workspace=workspace, today=TODAY)
    return rows, len(selects)


def test_the_tracker_is_four_queries_however_many_actions(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, selects = _tracker_selects(workspace, monkeypatch)

    assert len(rows) == 7
    # The actions with their newest update, and the plan, area and people names.
    assert selects == 4


@pytest.mark.parametrize(
    "refs",
    [
        ["1.1", "1.2", "1.9", "1.10", "1.11", "2.1", "10.1"],
        ["CLA-1", "cla-2", "CLA-10"],
        ["2", "2a", "2b", "10"],
        ["", "A", "B"],
    ],
)
def test_natural_order(refs: list[str]) -> None:
    shuffled = random.Random(2017).sample(refs, k=len(refs))
    assert sorted(shuffled, key=natural_key) == refs


# ------------------------------------------------------------------ editing and filtering


def test_rows_carry_what_editing_and_filtering_need(
    workspace: Workspace, tracker: list[ActionRow]
) -> None:
    by_ref = {row.ref: row for row in tracker}
    late = by_ref["1.9"]

    assert late.version == 1
    assert late.lead_id is not None
    assert late.priority_area_id is not None
    assert (late.due_in_days, late.rag_reason) == (-1, "Red: overdue since 30 Sep 2017")
    assert (by_ref["1.10"].due_in_days, by_ref["1.10"].rag_reason) == (91, "Green: on track")
    assert (by_ref["2.1"].due_in_days, by_ref["2.1"].priority_area_id) != (None, None)
    assert by_ref["X.2"].priority_area_id is None
    assert by_ref["X.1"].rag_override is ActionRag.AMBER
    assert by_ref["X.1"].rag_reason.startswith("Override: Amber (derived: Grey: not started)")


def _filter_refs(tracker: list[ActionRow], action_filter: ActionFilter) -> list[str]:
    return [row.ref for row in action_filter.apply(tracker)]


def test_each_filter_narrows_the_tracker(tracker: list[ActionRow]) -> None:
    by_ref = {row.ref: row for row in tracker}
    twelve_week = by_ref["1.2"].plan_id
    mash = by_ref["1.2"].priority_area_id
    assert mash is not None
    lead = by_ref["1.9"].lead_id
    assert lead is not None

    assert ActionFilter().is_empty
    assert _filter_refs(tracker, ActionFilter()) == [row.ref for row in tracker]
    assert _filter_refs(tracker, ActionFilter(plan_ids=frozenset({twelve_week}))) == [
        "1.2",
        "1.9",
        "1.10",
        "2.1",
        "X.1",
        "X.2",
    ]
    assert _filter_refs(tracker, ActionFilter(priority_area_ids=frozenset({mash}))) == [
        "1.2",
        "1.9",
        "1.10",
    ]
    statuses = frozenset({ActionStatus.NOT_STARTED, ActionStatus.COMPLETE})
    assert _filter_refs(tracker, ActionFilter(statuses=statuses)) == ["1.2", "X.1", "X.2"]
    assert _filter_refs(tracker, ActionFilter(rags=frozenset({ActionRag.RED}))) == ["1.9", "P1"]
    assert _filter_refs(tracker, ActionFilter(lead_ids=frozenset({lead}))) == ["1.9"]
    # "My actions": the name set in preferences, matched ignoring capitals and spacing.
    assert _filter_refs(tracker, ActionFilter(lead_name=" amy  SMITH-O’NEILL")) == ["1.9"]
    assert _filter_refs(tracker, ActionFilter(lead_name="Nobody")) == []
    assert _filter_refs(tracker, ActionFilter(overdue_only=True)) == ["1.9"]
    # Due within 13 weeks of 1 Oct 2017: 1.10 (31 Dec); 1.2 is complete, 1.9 overdue.
    assert _filter_refs(tracker, ActionFilter(due_within_days=13 * 7)) == ["1.10"]
    assert _filter_refs(tracker, ActionFilter(due_within_days=90)) == []
    combined = ActionFilter(plan_ids=frozenset({twelve_week}), rags=frozenset({ActionRag.RED}))
    assert _filter_refs(tracker, combined) == ["1.9"]
    assert not combined.is_empty


def test_the_tracker_is_still_four_queries_with_the_new_columns(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, selects = _tracker_selects(workspace, monkeypatch)

    assert {row.version for row in rows} == {1}
    assert selects == 4


def test_the_detail_has_every_field_and_the_history_newest_first(
    workspace: Workspace, tracker: list[ActionRow]
) -> None:
    late = next(row for row in tracker if row.ref == "1.9")

    found = get_action_detail(workspace=workspace, action_id=late.id, today=TODAY)

    assert (found.id, found.version, found.ref, found.plan) == (late.id, 1, "1.9", TWELVE_WEEK)
    assert (found.priority_area, found.lead, found.lead_id) == (
        "MASH / Early Help",
        "Amy Smith-O’Neill",
        late.lead_id,
    )
    assert (found.rag, found.derived_rag, found.overdue) == (ActionRag.RED, ActionRag.RED, True)
    assert found.rag_reason == "Red: overdue since 30 Sep 2017"
    assert [entry.text for entry in found.history] == ["Newest: waiting for the audit.", "Oldest."]
    assert found.history[0].at == at(20)
    assert (found.resolution, found.indicators) == (None, ())
    assert list_action_history(workspace=workspace, action_id=late.id) == list(found.history)
    assert found.draft.ref == "1.9"
    with pytest.raises(NotFoundError, match="no action with id 999"):
        get_action_detail(workspace=workspace, action_id=999, today=TODAY)


def test_people_and_leads(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        insert(session, Person(name="zoe bloggs"))

    people = list_people(workspace=workspace)
    assert [person.name for person in people] == ["Amy Smith-O’Neill", "zoe bloggs"]
    assert [(p.action_count, p.open_action_count) for p in people] == [(1, 1), (0, 0)]
    (lead,) = list_leads(workspace=workspace)
    assert (lead.name, lead.job_title) == ("Amy Smith-O’Neill", "Head of Service")


# ------------------------------------------------------------------ the demo

DEMO_TODAY = dt.date(2017, 11, 13)


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


def test_the_demo_tracker_has_its_twenty_actions(demo: Workspace) -> None:
    rows = list_action_rows(workspace=demo, today=DEMO_TODAY)

    assert len(rows) == 20
    assert [row.ref for row in rows if row.plan == "12-Week Improvement Plan"][:4] == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
    ]
    assert {row.lead for row in rows} == {person.name for person in list_leads(workspace=demo)}
    # The demo's plans date from 2017: judged as at then, nothing is overdue yet;
    # as at the new year, the unfinished ones due in November and December are.
    assert [row.ref for row in rows if row.overdue] == []
    later = list_action_rows(workspace=demo, today=dt.date(2018, 1, 1))
    assert [(row.ref, row.due_date) for row in later if row.overdue] == [
        ("1.2", dt.date(2017, 11, 30)),
        ("2.1", dt.date(2017, 12, 31)),
        ("3.2", dt.date(2017, 12, 15)),
        ("4.1", dt.date(2017, 11, 30)),
    ]
    assert {row.rag for row in later if row.overdue} == {ActionRag.RED}


def test_demo_links_show_on_the_indicator_and_the_resolutions(demo: Workspace) -> None:
    rows = list_action_rows(workspace=demo, today=DEMO_TODAY)
    by_key = {(row.plan, row.ref): row for row in rows}
    action = by_key[("12-Week Improvement Plan", "3.1")]

    found = get_action_detail(workspace=demo, action_id=action.id, today=DEMO_TODAY)
    (indicator,) = found.indicators
    assert indicator.ref == "CLA-01"
    links = list_actions_for_indicator(workspace=demo, indicator_id=indicator.id)
    assert [(link.plan, link.ref) for link in links] == [
        ("12-Week Improvement Plan", "3.1"),
        ("12-Week Improvement Plan", "3.2"),
        ("Overarching Improvement Plan", "3.1"),
        ("Overarching Improvement Plan", "3.2"),
    ]
    resolutions = list_linkable_resolutions(workspace=demo)
    assert resolutions
    assert any("Quarter 1" in each.text for each in resolutions)
    assert all(each.label.startswith("Resolved") for each in resolutions)
    assert list_actions_for_resolution(workspace=demo, resolution_id=resolutions[0].id) == []


def test_the_lazy_tracker_makes_rows_only_when_read_and_they_are_the_listed_ones(
    workspace: Workspace, tracker: list[ActionRow]
) -> None:
    lazy = read_action_tracker(workspace=workspace, today=TODAY)
    assert len(lazy) == len(tracker)
    assert lazy.ids() == [row.id for row in tracker]
    assert lazy.plan_ids() == [row.plan_id for row in tracker]
    # The filter's text comes from the records: no row is made for it.
    texts = [lazy.search_text(number) for number in range(len(lazy))]
    assert all(row is None for row in lazy._made)  # what "lazy" means
    assert list(lazy) == tracker
    assert texts == [
        "\n".join(
            (row.plan, row.priority_area, row.ref, row.description, row.lead, row.status.label)
        ).casefold()
        for row in tracker
    ]


def test_the_tracker_brings_the_choices_the_tab_offers(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        # Not a lead; sorts first ignoring capitals and spaces.
        insert(session, Person(name="  adam   Ńowak <&>"))
    choices = read_action_tracker(workspace=workspace, today=TODAY).choices
    assert choices is not None

    # The orders of list_plans, list_priority_areas and list_people, without their counts.
    assert [(plan.id, plan.name) for plan in choices.plans] == [
        (plan.id, plan.name) for plan in list_plans(workspace=workspace)
    ]
    assert [plan.name for plan in choices.plans] == [TWELVE_WEEK, "Overarching improvement plan"]
    assert [(area.id, area.plan_id, area.name, area.position) for area in choices.areas] == [
        (area.id, area.plan_id, area.name, area.position)
        for area in list_priority_areas(workspace=workspace)
    ]
    assert [area.name for area in choices.areas] == [
        "MASH / Early Help",
        "Quality of practice",
        "Prevention",
    ]
    assert [(person.id, person.name) for person in choices.people] == [
        (person.id, person.name) for person in list_people(workspace=workspace)
    ]
    assert [person.name for person in choices.people] == [
        "  adam   Ńowak <&>",
        "Amy Smith-O’Neill",
    ]
    assert choices.lead_ids == {person.id for person in list_leads(workspace=workspace)}
    assert len(choices.lead_ids) == 1
    # Read alone (after an edit that changes no rows), the same choices.
    assert read_action_choices(workspace=workspace) == choices
