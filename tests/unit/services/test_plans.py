"""Improvement plans, priority areas and events (``services.plans``), and event dates.

Mutations are checked the way an undo stack uses them: apply, apply the
documented inverse, and the listings read back equal the originals in every
field but the versions (which only go up).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from qpmr_desktop.domain.actions import (
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    PlanStatus,
    describe_date,
    describe_event_dates,
    event_end_date,
)
from qpmr_desktop.domain.ids import PlanId
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.plans import (
    add_priority_area,
    create_event,
    create_plan,
    delete_event,
    delete_plan,
    delete_priority_area,
    get_plan,
    get_plan_event,
    list_plan_events,
    list_plans,
    list_priority_areas,
    move_priority_area,
    rename_priority_area,
    revert_plan_change,
    update_event,
    update_plan,
    validate_event_draft,
    validate_plan_draft,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    PlanChange,
    PlanDraft,
    PlanEventDraft,
    PlanSubject,
    PriorityAreaView,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Action

HOSTILE = '<b>&"😀 Żółć Ωμέγα'
AUTHOR = "Richard Cooke"
TWELVE_WEEK = "12-Week Improvement Plan"
OVERARCHING = "Overarching Improvement Plan"
SEED_AREAS = (
    "MASH/Early Help",
    "Quality of practice",
    "Placement sufficiency",
    "Child sexual exploitation",
    "Workforce",
)


class FakeClock:
    """Aware UTC times a minute apart, from 09:00 on 1 August 2017."""

    def __init__(self) -> None:
        self.now = dt.datetime(2017, 8, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "plans.qpmr", create=True, user=AUTHOR)
    yield workspace
    workspace.close()


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user=AUTHOR)
    yield workspace
    workspace.close()


@pytest.fixture
def plan_id(workspace: Workspace) -> PlanId:
    """The 12-week plan with its five areas, an action in the first, and one event."""
    change = create_plan(
        workspace=workspace,
        draft=PlanDraft(
            name=TWELVE_WEEK,
            board="Children's Services Improvement Board",
            description="Agreed in August 2017.",
            start_date=dt.date(2017, 8, 1),
            end_date=dt.date(2017, 10, 31),
        ),
    )
    assert change.plan_id is not None
    for name in SEED_AREAS:
        add_priority_area(workspace=workspace, plan_id=change.plan_id, name=name)
    first = areas(workspace, change.plan_id)[0]
    with workspace.database.session() as session:
        session.add(
            Action(
                plan_id=change.plan_id,
                priority_area_id=first.id,
                ref="1.1",
                description="Review the MASH thresholds.",
                status=ActionStatus.ON_TRACK,
            )
        )
    create_event(
        workspace=workspace,
        draft=PlanEventDraft(
            title="Social Work Academy intake",
            kind=PlanEventKind.INTAKE,
            start_date=dt.date(2017, 9, 18),
            plan_id=change.plan_id,
        ),
    )
    return change.plan_id


def areas(workspace: Workspace, plan_id: int) -> list[PriorityAreaView]:
    return list_priority_areas(workspace=workspace, plan_id=plan_id)


def snapshot(workspace: Workspace) -> tuple[object, ...]:
    """Plans, areas and events with every version zeroed: what an undo must restore."""
    return (
        [dataclasses.replace(plan, version=0) for plan in list_plans(workspace=workspace)],
        [dataclasses.replace(area, version=0) for area in list_priority_areas(workspace=workspace)],
        [dataclasses.replace(event, version=0) for event in list_plan_events(workspace=workspace)],
    )


def assert_positions_dense(workspace: Workspace, plan_id: int) -> None:
    found = [area.position for area in areas(workspace, plan_id)]
    assert found == list(range(1, len(found) + 1))


# ------------------------------------------------------------------ event dates


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (dt.date(2017, 9, 18), None, DatePrecision.DAY, "18 Sep 2017"),
        (dt.date(2017, 9, 18), dt.date(2017, 9, 18), DatePrecision.DAY, "18 Sep 2017"),
        (dt.date(2017, 10, 16), dt.date(2017, 10, 19), DatePrecision.DAY, "16–19 Oct 2017"),
        (dt.date(2017, 11, 3), dt.date(2017, 11, 4), DatePrecision.DAY, "3–4 Nov 2017"),
        (dt.date(2017, 9, 30), dt.date(2017, 10, 2), DatePrecision.DAY, "30 Sep – 2 Oct 2017"),
        (
            dt.date(2017, 12, 30),
            dt.date(2018, 1, 2),
            DatePrecision.DAY,
            "30 Dec 2017 – 2 Jan 2018",
        ),
        (dt.date(2017, 12, 1), None, DatePrecision.MONTH, "December 2017"),
        (dt.date(2017, 12, 14), dt.date(2017, 12, 1), DatePrecision.MONTH, "December 2017"),
        (
            dt.date(2017, 10, 1),
            dt.date(2017, 12, 1),
            DatePrecision.MONTH,
            "October – December 2017",
        ),
        (
            dt.date(2017, 12, 1),
            dt.date(2018, 1, 1),
            DatePrecision.MONTH,
            "December 2017 – January 2018",
        ),
    ],
)
def test_event_dates_read_as_papers_write_them(
    start: dt.date, end: dt.date | None, precision: DatePrecision, expected: str
) -> None:
    assert describe_event_dates(start, end, precision) == expected


def test_an_event_cannot_be_described_ending_before_it_starts() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        describe_event_dates(dt.date(2017, 11, 4), dt.date(2017, 11, 3), DatePrecision.DAY)


def test_from_16_oct_for_four_days_ends_on_19_oct() -> None:
    assert event_end_date(dt.date(2017, 10, 16), days=4) == dt.date(2017, 10, 19)
    assert event_end_date(dt.date(2017, 9, 18), days=1) == dt.date(2017, 9, 18)
    with pytest.raises(ValueError, match="at least one day"):
        event_end_date(dt.date(2017, 9, 18), days=0)


def test_dates_are_english_whatever_the_locale() -> None:
    assert describe_date(dt.date(2017, 9, 30)) == "30 Sep 2017"
    assert describe_date(dt.date(2018, 5, 1)) == "1 May 2018"


# ------------------------------------------------------------------ the demo


def test_the_demo_plans_come_in_order_with_their_counts(demo: Workspace) -> None:
    plans = list_plans(workspace=demo)

    assert [plan.name for plan in plans] == [TWELVE_WEEK, OVERARCHING]
    twelve, overarching = plans
    assert (twelve.area_count, twelve.action_count, twelve.event_count) == (5, 14, 2)
    assert (overarching.area_count, overarching.action_count, overarching.event_count) == (3, 6, 5)
    assert twelve.board == "Children's Services Improvement Board"
    assert twelve.status is PlanStatus.ACTIVE
    assert not twelve.is_empty
    assert get_plan(workspace=demo, plan_id=twelve.id) == twelve


def test_the_demo_priority_areas_come_in_the_seeds_order(demo: Workspace) -> None:
    twelve, overarching = list_plans(workspace=demo)

    found = areas(demo, twelve.id)
    assert [area.name for area in found] == list(SEED_AREAS)
    assert [area.position for area in found] == [1, 2, 3, 4, 5]
    assert [area.action_count for area in found] == [3, 3, 3, 2, 3]
    assert [area.name for area in areas(demo, overarching.id)] == [
        "Prevention",
        "Purposeful Practice",
        "Permanence",
    ]
    everything = list_priority_areas(workspace=demo)
    assert [area.plan_id for area in everything] == [twelve.id] * 5 + [overarching.id] * 3


def test_the_demo_events_have_the_seeds_dates(demo: Workspace) -> None:
    events = {event.title: event for event in list_plan_events(workspace=demo)}

    def dates(title: str) -> str:
        return events[title].dates_text

    assert dates("Social Work Academy: new social workers start their induction") == "18 Sep 2017"
    assert dates("Health Scrutiny Steering Group") == "27 Sep 2017"
    assert dates("Local Government Association Peer Review") == "16–19 Oct 2017"
    assert dates("DfE six-month review") == "3–4 Nov 2017"
    assert dates("Young people's corporate parenting video shown at Full Council") == (
        "December 2017"
    )
    peer_review = events["Local Government Association Peer Review"]
    assert (peer_review.start_date, peer_review.end_date) == (
        dt.date(2017, 10, 16),
        dt.date(2017, 10, 19),
    )
    assert peer_review.duration_days == 4
    assert peer_review.kind is PlanEventKind.PEER_REVIEW
    assert peer_review.plan == OVERARCHING
    assert events["Health Scrutiny Steering Group"].plan_id is None
    assert (
        events["Young people's corporate parenting video shown at Full Council"].duration_days
        is None
    )


def test_demo_events_come_by_date_and_filter_by_plan(demo: Workspace) -> None:
    twelve, overarching = list_plans(workspace=demo)
    every = list_plan_events(workspace=demo)

    starts = [event.start_date for event in every]
    assert starts == sorted(starts)
    assert len(every) == 9
    own = list_plan_events(workspace=demo, plan_id=twelve.id, include_unassigned=False)
    assert {event.plan for event in own} == {TWELVE_WEEK}
    assert len(own) == 2
    with_general = list_plan_events(workspace=demo, plan_id=twelve.id)
    assert {event.plan for event in with_general} == {TWELVE_WEEK, ""}
    assert len(with_general) == 4
    assert len(list_plan_events(workspace=demo, plan_id=overarching.id)) == 7
    first = every[0]
    assert get_plan_event(workspace=demo, event_id=first.id) == first


def test_unknown_ids_are_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError, match="improvement plan with id 99"):
        get_plan(workspace=workspace, plan_id=99)
    with pytest.raises(NotFoundError, match="event with id 99"):
        get_plan_event(workspace=workspace, event_id=99)
    with pytest.raises(NotFoundError):
        update_plan(workspace=workspace, plan_id=99, expected_version=1, changes={})
    with pytest.raises(NotFoundError):
        rename_priority_area(workspace=workspace, area_id=99, expected_version=1, name="A")


# ------------------------------------------------------------------ plans


def test_a_plan_is_created_trimmed_and_audited(workspace: Workspace) -> None:
    clock = FakeClock()
    change = create_plan(
        workspace=workspace,
        draft=PlanDraft(name=f"  {HOSTILE}  ", board=" Board ", description=HOSTILE + "\n"),
        clock=clock,
    )

    assert (change.kind, change.subject, change.version) == (ChangeKind.CREATE, PlanSubject.PLAN, 1)
    assert change.after["name"] == HOSTILE
    (plan,) = list_plans(workspace=workspace)
    assert (plan.name, plan.board, plan.description) == (HOSTILE, "Board", HOSTILE + "\n")
    assert plan.is_empty
    (entry,) = list_audit(workspace=workspace, table="improvement_plan")
    assert (entry.who, entry.change, entry.row_id) == (AUTHOR, "create", plan.id)
    assert entry.at == dt.datetime(2017, 8, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("draft", "field", "fragment"),
    [
        (PlanDraft(name=" "), "name", "Give the plan a name"),
        (PlanDraft(name="12-week improvement PLAN"), "name", "already a plan called"),
        (PlanDraft(name="A\nB"), "name", "single line"),
        (
            PlanDraft(name="New", start_date=dt.date(2017, 9, 1), end_date=dt.date(2017, 8, 1)),
            "end_date",
            "cannot end before it starts",
        ),
        (PlanDraft(name="New", status="paused"), "status", "must be one of: draft"),  # type: ignore[arg-type]
        (PlanDraft(name="New", start_date="2017-08-01"), "start_date", "must be a date"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_plan_is_refused_field_by_field(
    workspace: Workspace, plan_id: PlanId, draft: PlanDraft, field: str, fragment: str
) -> None:
    problems = validate_plan_draft(workspace=workspace, draft=draft)
    assert [problem.field for problem in problems] == [field]
    assert fragment in problems[0].message
    before = snapshot(workspace)

    with pytest.raises(ValidationError, match=fragment):
        create_plan(workspace=workspace, draft=draft)
    assert snapshot(workspace) == before


def test_a_plan_keeps_its_own_name_when_edited(workspace: Workspace, plan_id: PlanId) -> None:
    assert (
        validate_plan_draft(
            workspace=workspace, draft=PlanDraft(name=TWELVE_WEEK.upper()), plan_id=plan_id
        )
        == []
    )


def test_update_plan_changes_only_what_differs(workspace: Workspace, plan_id: PlanId) -> None:
    change = update_plan(
        workspace=workspace,
        plan_id=plan_id,
        expected_version=1,
        changes={"board": "Improvement Board", "name": TWELVE_WEEK, "status": "complete"},
    )

    assert dict(change.before) == {
        "board": "Children's Services Improvement Board",
        "status": PlanStatus.ACTIVE,
    }
    assert dict(change.after) == {"board": "Improvement Board", "status": PlanStatus.COMPLETE}
    assert change.version == 2
    noop = update_plan(
        workspace=workspace,
        plan_id=plan_id,
        expected_version=2,
        changes={"board": "Improvement Board"},
    )
    assert (noop.changed, noop.version) == (False, 2)
    with pytest.raises(ValueError, match="cannot change colour"):
        update_plan(workspace=workspace, plan_id=plan_id, expected_version=2, changes={"colour": 1})


def test_only_an_empty_plan_is_deleted(workspace: Workspace, plan_id: PlanId) -> None:
    with pytest.raises(NotAllowedError, match="5 priority areas, one action and one event"):
        delete_plan(workspace=workspace, plan_id=plan_id, expected_version=1)
    empty = create_plan(workspace=workspace, draft=PlanDraft(name="Empty"))
    before = snapshot(workspace)

    deleted = delete_plan(workspace=workspace, plan_id=empty.row_id, expected_version=1)
    assert [plan.name for plan in list_plans(workspace=workspace)] == [TWELVE_WEEK]

    back = revert_plan_change(workspace=workspace, change=deleted)
    assert back.row_id == empty.row_id
    assert snapshot(workspace) == before


def test_a_stale_plan_edit_is_a_conflict_and_changes_nothing(
    workspace: Workspace, plan_id: PlanId
) -> None:
    update_plan(workspace=workspace, plan_id=plan_id, expected_version=1, changes={"board": "B"})
    before = snapshot(workspace)

    with pytest.raises(ConflictError, match="changed by someone else") as caught:
        update_plan(
            workspace=workspace, plan_id=plan_id, expected_version=1, changes={"board": "C"}
        )
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    with pytest.raises(ConflictError):
        delete_plan(workspace=workspace, plan_id=plan_id, expected_version=1)
    assert snapshot(workspace) == before


# ------------------------------------------------------------------ priority areas


def test_an_area_added_at_a_position_moves_the_rest_down(
    workspace: Workspace, plan_id: PlanId
) -> None:
    change = add_priority_area(workspace=workspace, plan_id=plan_id, name="Leadership", position=1)

    assert change.areas_changed
    assert dict(change.after) == {"name": "Leadership", "position": 1}
    assert [area.name for area in areas(workspace, plan_id)] == ["Leadership", *SEED_AREAS]
    assert_positions_dense(workspace, plan_id)
    last = add_priority_area(workspace=workspace, plan_id=plan_id, name="Finance")
    assert not last.areas_changed
    assert areas(workspace, plan_id)[-1].name == "Finance"


def test_moving_an_area_keeps_positions_dense(workspace: Workspace, plan_id: PlanId) -> None:
    workforce = areas(workspace, plan_id)[-1]

    change = move_priority_area(
        workspace=workspace, area_id=workforce.id, expected_version=workforce.version, position=2
    )

    assert (dict(change.before), dict(change.after)) == ({"position": 5}, {"position": 2})
    assert change.areas_changed
    assert [area.name for area in areas(workspace, plan_id)] == [
        "MASH/Early Help",
        "Workforce",
        "Quality of practice",
        "Placement sufficiency",
        "Child sexual exploitation",
    ]
    assert_positions_dense(workspace, plan_id)
    # The others moved without a new version: nobody renaming them must reload.
    assert {area.version for area in areas(workspace, plan_id) if area.id != workforce.id} == {1}
    with pytest.raises(ValidationError, match="from 1 to 5"):
        move_priority_area(
            workspace=workspace,
            area_id=workforce.id,
            expected_version=change.version or 0,
            position=6,
        )


def test_area_names_are_unique_within_a_plan(workspace: Workspace, plan_id: PlanId) -> None:
    with pytest.raises(ValidationError, match="already has a priority area “Workforce”"):
        add_priority_area(workspace=workspace, plan_id=plan_id, name=" workforce ")
    other = create_plan(workspace=workspace, draft=PlanDraft(name="Other"))
    add_priority_area(workspace=workspace, plan_id=other.row_id, name="Workforce")
    first = areas(workspace, plan_id)[0]
    with pytest.raises(ValidationError, match="Give the priority area a name"):
        rename_priority_area(workspace=workspace, area_id=first.id, expected_version=1, name=" ")


def test_an_area_with_actions_is_not_deleted(workspace: Workspace, plan_id: PlanId) -> None:
    first = areas(workspace, plan_id)[0]
    with pytest.raises(NotAllowedError, match="has one action"):
        delete_priority_area(workspace=workspace, area_id=first.id, expected_version=1)


def test_deleting_an_area_closes_the_gap_and_undo_puts_it_back(
    workspace: Workspace, plan_id: PlanId
) -> None:
    before = snapshot(workspace)
    third = areas(workspace, plan_id)[2]

    deleted = delete_priority_area(workspace=workspace, area_id=third.id, expected_version=1)
    assert dict(deleted.before) == {"name": "Placement sufficiency", "position": 3}
    assert deleted.areas_changed
    assert_positions_dense(workspace, plan_id)

    back = revert_plan_change(workspace=workspace, change=deleted)
    assert (back.kind, back.row_id) == (ChangeKind.CREATE, third.id)
    assert snapshot(workspace) == before


# ------------------------------------------------------------------ events


def test_the_peer_review_from_16_oct_for_four_days(workspace: Workspace, plan_id: PlanId) -> None:
    start = dt.date(2017, 10, 16)
    change = create_event(
        workspace=workspace,
        draft=PlanEventDraft(
            title="LGA peer review",
            kind=PlanEventKind.PEER_REVIEW,
            start_date=start,
            end_date=event_end_date(start, days=4),
            plan_id=plan_id,
            notes=HOSTILE,
        ),
    )

    event = get_plan_event(workspace=workspace, event_id=change.row_id)
    assert (event.dates_text, event.duration_days, event.notes) == ("16–19 Oct 2017", 4, HOSTILE)
    assert event.plan == TWELVE_WEEK


def test_a_month_event_is_stored_on_the_first_and_a_one_day_range_has_no_end(
    workspace: Workspace,
) -> None:
    video = create_event(
        workspace=workspace,
        draft=PlanEventDraft(
            title="Video at Full Council",
            kind="meeting",  # type: ignore[arg-type]
            start_date=dt.date(2017, 12, 14),
            end_date=dt.date(2017, 12, 20),
            date_precision=DatePrecision.MONTH,
        ),
    )
    assert (video.after["start_date"], video.after["end_date"]) == (dt.date(2017, 12, 1), None)
    assert get_plan_event(workspace=workspace, event_id=video.row_id).dates_text == "December 2017"
    review = create_event(
        workspace=workspace,
        draft=PlanEventDraft(
            title="DfE review",
            kind=PlanEventKind.REVIEW,
            start_date=dt.date(2017, 11, 3),
            end_date=dt.date(2017, 11, 3),
        ),
    )
    assert review.after["end_date"] is None


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"title": ""}, "title", "Give the event a title"),
        ({"end_date": dt.date(2017, 9, 1)}, "end_date", "cannot end before it starts"),
        ({"start_date": None}, "start_date", "must be a date"),
        ({"kind": "party"}, "kind", "must be one of"),
        ({"plan_id": 99}, "plan_id", "not there any more"),
        ({"notes": None}, "notes", "must be text"),
    ],
)
def test_a_bad_event_is_refused(
    workspace: Workspace, plan_id: PlanId, changes: dict[str, object], field: str, fragment: str
) -> None:
    (event,) = list_plan_events(workspace=workspace)
    draft = dataclasses.replace(event.draft, **changes)  # type: ignore[arg-type]

    problems = validate_event_draft(workspace=workspace, draft=draft)
    assert [problem.field for problem in problems] == [field]
    assert fragment in problems[0].message
    with pytest.raises(ValidationError, match=fragment):
        update_event(workspace=workspace, event_id=event.id, expected_version=1, changes=changes)


def test_an_event_is_edited_and_deleted_with_undo(workspace: Workspace, plan_id: PlanId) -> None:
    original = snapshot(workspace)
    (event,) = list_plan_events(workspace=workspace)

    edited = update_event(
        workspace=workspace,
        event_id=event.id,
        expected_version=1,
        changes={"plan_id": None, "end_date": dt.date(2017, 9, 29), "title": "Academy"},
    )
    assert dict(edited.before) == {
        "title": "Social Work Academy intake",
        "end_date": None,
        "plan_id": plan_id,
    }
    assert get_plan_event(workspace=workspace, event_id=event.id).dates_text == "18–29 Sep 2017"
    revert_plan_change(workspace=workspace, change=edited)
    assert snapshot(workspace) == original

    deleted = delete_event(workspace=workspace, event_id=event.id, expected_version=3)
    assert list_plan_events(workspace=workspace) == []
    back = revert_plan_change(workspace=workspace, change=deleted)
    assert back.row_id == event.id
    assert snapshot(workspace) == original


# ------------------------------------------------------------------ undo, every mutation


def test_every_mutations_inverse_restores_plans_areas_and_events(
    workspace: Workspace, plan_id: PlanId
) -> None:
    clock = FakeClock()
    original = snapshot(workspace)
    first, second, *_ = areas(workspace, plan_id)
    (event,) = list_plan_events(workspace=workspace)
    empty = create_plan(workspace=workspace, draft=PlanDraft(name="Empty"), clock=clock)
    with_empty = snapshot(workspace)

    def check(change: PlanChange, expected: tuple[object, ...]) -> None:
        assert change.changed
        undone = revert_plan_change(workspace=workspace, change=change, clock=clock)
        assert snapshot(workspace) == expected
        # The inverse's inverse is the mutation again: undo, redo, undo.
        redone = revert_plan_change(workspace=workspace, change=undone, clock=clock)
        revert_plan_change(workspace=workspace, change=redone, clock=clock)
        assert snapshot(workspace) == expected

    check(
        update_plan(
            workspace=workspace,
            plan_id=plan_id,
            expected_version=1,
            changes={"name": HOSTILE, "end_date": None, "status": PlanStatus.CLOSED},
            clock=clock,
        ),
        with_empty,
    )
    check(delete_plan(workspace=workspace, plan_id=empty.row_id, expected_version=1), with_empty)
    check(
        add_priority_area(workspace=workspace, plan_id=plan_id, name="New", position=2),
        with_empty,
    )
    check(
        rename_priority_area(
            workspace=workspace, area_id=second.id, expected_version=second.version, name=HOSTILE
        ),
        with_empty,
    )
    check(
        move_priority_area(
            workspace=workspace,
            area_id=first.id,
            expected_version=areas(workspace, plan_id)[0].version,
            position=5,
        ),
        with_empty,
    )
    current = areas(workspace, plan_id)[1]
    check(
        delete_priority_area(
            workspace=workspace, area_id=current.id, expected_version=current.version
        ),
        with_empty,
    )
    check(
        create_event(
            workspace=workspace,
            draft=PlanEventDraft(
                title="Ofsted", kind=PlanEventKind.INSPECTION, start_date=dt.date(2017, 7, 1)
            ),
        ),
        with_empty,
    )
    current_event = get_plan_event(workspace=workspace, event_id=event.id)
    check(
        update_event(
            workspace=workspace,
            event_id=event.id,
            expected_version=current_event.version,
            changes={"date_precision": DatePrecision.MONTH, "notes": HOSTILE},
        ),
        with_empty,
    )
    current_event = get_plan_event(workspace=workspace, event_id=event.id)
    check(
        delete_event(
            workspace=workspace, event_id=event.id, expected_version=current_event.version
        ),
        with_empty,
    )
    check(empty, original)
    # Every step is audited, the undos and redos too.
    assert len(list_audit(workspace=workspace)) > 30
