"""Editing actions: fields, progress updates and their history, RAG overrides, undo.

Each test writes a small real database through the services themselves. The
undo contract is checked the way an undo stack uses it: apply a change, apply
its documented inverse, and the detail read back equals the original in every
field but the version (which only goes up).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import ActionId, IndicatorId, PersonId, PlanId, ResolutionId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.performance import Polarity, Unit
from qpmr_desktop.services.action_editing import (
    ActionUpdateRequest,
    create_action,
    delete_action,
    record_action_update,
    record_action_update_in,
    record_action_updates,
    remove_action_update,
    restore_action_update,
    revert_action_change,
    set_rag_override,
    suggest_next_ref,
    update_action,
    validate_action_draft,
    validate_action_update,
)
from qpmr_desktop.services.actions import (
    get_action_detail,
    list_action_rows,
    list_actions_for_indicator,
    list_actions_for_resolution,
    list_people,
)
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.indicator_editing import create_indicator
from qpmr_desktop.services.plans import add_priority_area, create_plan
from qpmr_desktop.services.read_models import (
    ActionChange,
    ActionChangeKind,
    ActionDetail,
    ActionDraft,
    IndicatorDraft,
    PlanDraft,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import (
    ActionUpdate,
    AgendaItem,
    Committee,
    Meeting,
    Person,
    Resolution,
)

HOSTILE = '<b>&"😀 Żółć Ωμέγα'
AUTHOR = "Joanne Heaton"
TODAY = dt.date(2017, 10, 1)
TWELVE_WEEK = "12-Week Improvement Plan"


class FakeClock:
    """Aware UTC times a minute apart, from 09:00 on 1 September 2017."""

    def __init__(self) -> None:
        self.now = dt.datetime(2017, 9, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


@dataclasses.dataclass(frozen=True)
class Setup:
    """What the fixture database holds, by id."""

    plan_id: PlanId
    other_plan_id: PlanId
    mash: int
    quality: int
    prevention: int  # an area of the other plan
    person_id: PersonId
    indicator_id: IndicatorId
    other_indicator_id: IndicatorId
    resolution_id: ResolutionId
    action_id: ActionId  # 1.1, in MASH, led by Joanne Heaton, due 30 Sep 2017, on track


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "actions.qpmr", create=True, user=AUTHOR)
    yield workspace
    workspace.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def setup(workspace: Workspace) -> Setup:
    plan = create_plan(workspace=workspace, draft=PlanDraft(name=TWELVE_WEEK))
    other = create_plan(workspace=workspace, draft=PlanDraft(name="Overarching Improvement Plan"))
    assert plan.plan_id is not None
    assert other.plan_id is not None
    mash = add_priority_area(workspace=workspace, plan_id=plan.plan_id, name="MASH/Early Help")
    quality = add_priority_area(workspace=workspace, plan_id=plan.plan_id, name="Quality")
    prevention = add_priority_area(workspace=workspace, plan_id=other.plan_id, name="Prevention")
    indicators = [
        create_indicator(
            workspace=workspace,
            draft=IndicatorDraft(
                ref=ref, name=name, theme="Start Well", unit=Unit.COUNT, polarity=polarity
            ),
        ).indicator_id
        for ref, name, polarity in (
            ("CLA-01", "Children Looked After", Polarity.LOWER_IS_BETTER),
            ("CLV-01", "Care leavers in education", Polarity.HIGHER_IS_BETTER),
        )
    ]
    with workspace.database.session() as session:
        person = Person(name="Joanne Heaton", job_title="Service Manager")
        committee = Committee(name="Cabinet Committee on Performance Improvement")
        session.add_all([person, committee])
        session.flush()
        assert committee.id is not None
        meeting = Meeting(
            committee_id=committee.id, date=dt.date(2017, 9, 12), status=MinutesStatus.DRAFT
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        item = AgendaItem(meeting_id=meeting.id, number="4", title="Quarterly report")
        session.add(item)
        session.flush()
        assert item.id is not None
        resolution = Resolution(agenda_item_id=item.id, text="That the report be noted.")
        session.add(resolution)
        session.flush()
        assert person.id is not None
        assert resolution.id is not None
        person_id, resolution_id = person.id, resolution.id
    created = create_action(
        workspace=workspace,
        draft=ActionDraft(
            plan_id=plan.plan_id,
            ref="1.1",
            description="Review the MASH thresholds.",
            priority_area_id=mash.row_id,  # type: ignore[arg-type]
            lead=PersonId(person_id),
            due_date=dt.date(2017, 9, 30),
            status=ActionStatus.ON_TRACK,
            progress=40,
        ),
    )
    return Setup(
        plan_id=plan.plan_id,
        other_plan_id=other.plan_id,
        mash=mash.row_id,
        quality=quality.row_id,
        prevention=prevention.row_id,
        person_id=PersonId(person_id),
        indicator_id=indicators[0],
        other_indicator_id=indicators[1],
        resolution_id=ResolutionId(resolution_id),
        action_id=created.action_id,
    )


def detail(workspace: Workspace, action_id: int, today: dt.date = TODAY) -> ActionDetail:
    return get_action_detail(workspace=workspace, action_id=action_id, today=today)


def comparable(found: ActionDetail) -> ActionDetail:
    return dataclasses.replace(found, version=0)


def draft(setup: Setup, **changes: object) -> ActionDraft:
    base = ActionDraft(
        plan_id=setup.plan_id,
        ref="2.1",
        description="Embed the audit framework.",
        priority_area_id=setup.quality,  # type: ignore[arg-type]
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def update_rows(workspace: Workspace) -> int:
    with workspace.database.session() as session:
        query = sa.select(sa.func.count()).select_from(ActionUpdate)
        return int(session.connection().execute(query).scalar_one())


# ------------------------------------------------------------------ create


def test_create_stores_every_field_and_audits(
    workspace: Workspace, setup: Setup, clock: FakeClock
) -> None:
    change = create_action(
        workspace=workspace,
        draft=draft(
            setup,
            ref=" 2.1 ",
            description=f"  {HOSTILE}\nsecond line  ",
            lead=setup.person_id,
            due_date=dt.date(2017, 12, 31),
            resolution_id=setup.resolution_id,
            indicator_ids=(setup.other_indicator_id, setup.indicator_id, setup.indicator_id),
        ),
        clock=clock,
    )

    assert (change.kind, change.version, change.ref) == (ActionChangeKind.CREATE, 1, "2.1")
    assert change.before == {}
    assert change.after["indicator_ids"] == tuple(
        sorted({setup.indicator_id, setup.other_indicator_id})
    )
    found = detail(workspace, change.action_id)
    assert (found.ref, found.description) == ("2.1", f"{HOSTILE}\nsecond line")
    assert (found.priority_area, found.lead, found.due_date) == (
        "Quality",
        "Joanne Heaton",
        dt.date(2017, 12, 31),
    )
    assert (found.status, found.progress, found.history) == (ActionStatus.NOT_STARTED, 0, ())
    assert found.resolution is not None
    assert (found.resolution.item_title, found.resolution.label) == ("Quarterly report", "Resolved")
    assert [indicator.ref for indicator in found.indicators] == ["CLA-01", "CLV-01"]
    (entry,) = list_audit(workspace=workspace, table="action", row_id=change.action_id)
    assert (entry.who, entry.change, entry.details["ref"]) == (AUTHOR, "create", "2.1")
    assert entry.at == dt.datetime(2017, 9, 1, 9, 0, tzinfo=dt.UTC)


def test_a_lead_named_is_found_ignoring_capitals_or_added(
    workspace: Workspace, setup: Setup
) -> None:
    found = create_action(workspace=workspace, draft=draft(setup, lead="  joanne   HEATON "))
    assert found.after["lead_id"] == setup.person_id
    assert not found.people_changed

    added = create_action(
        workspace=workspace, draft=draft(setup, ref="2.2", lead=" Simon  Haworth ")
    )
    assert added.people_changed
    people = {person.name: person for person in list_people(workspace=workspace)}
    assert added.after["lead_id"] == people["Simon Haworth"].id
    assert people["Simon Haworth"].action_count == 1
    (entry,) = list_audit(workspace=workspace, table="person")
    assert entry.details["fields"] == {"name": {"old": None, "new": "Simon Haworth"}}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"ref": " "}, "ref", "Give the action a ref"),
        ({"ref": "2 .3"}, "ref", "no spaces"),
        ({"ref": "1.1"}, "ref", "Another action of this plan is 1.1"),
        ({"ref": "A" * 21}, "ref", "at most 20"),
        ({"description": "  \n"}, "description", "Describe the action"),
        ({"priority_area_id": -5}, "priority_area_id", "not in this plan"),
        ({"lead": PersonId(999)}, "lead", "not in the people list"),
        ({"lead": "Jo\nSmith"}, "lead", "one line"),
        ({"due_date": "2017-10-01"}, "due_date", "must be a date"),
        ({"status": "done"}, "status", "must be one of: not started"),
        ({"progress": 101}, "progress", "from 0 to 100"),
        ({"progress": True}, "progress", "from 0 to 100"),
        ({"resolution_id": 999}, "resolution_id", "not in the minutes"),
        ({"indicator_ids": (999,)}, "indicator_ids", "not there any more"),
    ],
)
def test_a_bad_action_is_refused_field_by_field(
    workspace: Workspace, setup: Setup, changes: dict[str, object], field: str, fragment: str
) -> None:
    bad = draft(setup, **changes)

    problems = validate_action_draft(workspace=workspace, draft=bad)
    assert [problem.field for problem in problems] == [field]
    assert fragment in problems[0].message
    with pytest.raises(ValidationError, match=fragment):
        create_action(workspace=workspace, draft=bad)
    assert len(list_action_rows(workspace=workspace, today=TODAY)) == 1


def test_refs_are_unique_within_a_plan_ignoring_capitals(
    workspace: Workspace, setup: Setup
) -> None:
    create_action(workspace=workspace, draft=draft(setup, ref="2.3a"))
    with pytest.raises(ValidationError, match=r"Another action of this plan is 2\.3a"):
        create_action(workspace=workspace, draft=draft(setup, ref="2.3A"))
    other = create_action(
        workspace=workspace,
        draft=draft(
            setup, plan_id=setup.other_plan_id, ref="1.1", priority_area_id=setup.prevention
        ),
    )
    assert other.ref == "1.1"  # another plan may use the same ref
    with pytest.raises(ValidationError, match="not in this plan"):
        create_action(
            workspace=workspace,
            draft=draft(setup, plan_id=setup.other_plan_id, ref="9.9", priority_area_id=setup.mash),
        )


def test_the_next_ref_is_suggested_in_an_area(workspace: Workspace, setup: Setup) -> None:
    assert (
        suggest_next_ref(workspace=workspace, plan_id=setup.plan_id, priority_area_id=setup.mash)
        == "1.2"
    )
    assert (
        suggest_next_ref(workspace=workspace, plan_id=setup.plan_id, priority_area_id=setup.quality)
        == "2.1"
    )
    create_action(workspace=workspace, draft=draft(setup, ref="2.1"))
    create_action(workspace=workspace, draft=draft(setup, ref="2.10"))
    assert (
        suggest_next_ref(workspace=workspace, plan_id=setup.plan_id, priority_area_id=setup.quality)
        == "2.11"
    )
    # Outside any area: the plan's next top-level number.
    assert suggest_next_ref(workspace=workspace, plan_id=setup.plan_id) == "3.1"
    # A suggestion never repeats a ref the plan has elsewhere.
    create_action(workspace=workspace, draft=draft(setup, ref="1.2", priority_area_id=None))
    assert (
        suggest_next_ref(workspace=workspace, plan_id=setup.plan_id, priority_area_id=setup.mash)
        == "1.3"
    )


# ------------------------------------------------------------------ update


def test_update_changes_only_what_differs_and_audits_old_and_new(
    workspace: Workspace, setup: Setup
) -> None:
    change = update_action(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        changes={
            "description": "Review the MASH thresholds.",  # unchanged
            "priority_area_id": setup.quality,
            "lead": "Amy Smith-O’Neill",
            "due_date": None,
            "resolution_id": setup.resolution_id,
            "indicator_ids": [setup.indicator_id],
        },
    )

    assert set(change.before) == {
        "priority_area_id",
        "lead_id",
        "due_date",
        "resolution_id",
        "indicator_ids",
    }
    assert change.before["lead_id"] == setup.person_id
    assert change.after["indicator_ids"] == (setup.indicator_id,)
    assert (change.version, change.people_changed) == (2, True)
    found = detail(workspace, setup.action_id)
    assert (found.priority_area, found.lead, found.due_date) == (
        "Quality",
        "Amy Smith-O’Neill",
        None,
    )
    entry = list_audit(workspace=workspace, table="action", row_id=setup.action_id)[-1]
    assert entry.details["fields"]["due_date"] == {"old": "2017-09-30", "new": None}  # type: ignore[index]


def test_a_no_op_update_writes_nothing(workspace: Workspace, setup: Setup) -> None:
    change = update_action(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        changes={"lead": "JOANNE HEATON", "due_date": dt.date(2017, 9, 30)},
    )

    assert (change.changed, change.version) == (False, 1)
    assert len(list_audit(workspace=workspace, table="action")) == 1


def test_changing_links_alone_bumps_the_version(workspace: Workspace, setup: Setup) -> None:
    change = update_action(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        changes={"indicator_ids": (setup.indicator_id, setup.other_indicator_id)},
    )

    assert change.version == 2
    assert [
        link.ref
        for link in list_actions_for_indicator(workspace=workspace, indicator_id=setup.indicator_id)
    ] == ["1.1"]


def test_update_refuses_what_it_does_not_edit(workspace: Workspace, setup: Setup) -> None:
    with pytest.raises(ValueError, match="cannot change ref, status"):
        update_action(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            changes={"ref": "9.9", "status": "complete"},
        )
    with pytest.raises(ValueError, match="not both"):
        update_action(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            changes={"lead": "A", "lead_id": None},
        )
    with pytest.raises(NotFoundError, match="no action with id 999"):
        update_action(workspace=workspace, action_id=999, expected_version=1, changes={})


# ------------------------------------------------------------------ progress updates


def test_a_status_change_writes_exactly_one_update_with_who_and_when(
    workspace: Workspace, setup: Setup, clock: FakeClock
) -> None:
    change = record_action_update(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        status=ActionStatus.AT_RISK,
        progress=55,
        note="  Partners slow to respond.  ",
        clock=clock,
    )

    assert (change.kind, change.version) == (ActionChangeKind.RECORD, 2)
    assert dict(change.before) == {"status": ActionStatus.ON_TRACK, "progress": 40}
    assert dict(change.after) == {"status": ActionStatus.AT_RISK, "progress": 55}
    found = detail(workspace, setup.action_id)
    (entry,) = found.history
    assert entry == change.entry
    assert (entry.text, entry.who) == ("Partners slow to respond.", AUTHOR)
    assert (entry.old_status, entry.new_status) == (ActionStatus.ON_TRACK, ActionStatus.AT_RISK)
    assert (entry.old_progress, entry.new_progress) == (40, 55)
    assert entry.at == dt.datetime(2017, 9, 1, 9, 0, tzinfo=dt.UTC)
    assert entry.changes_text == "Status on track → at risk; progress 40% → 55%"
    assert (found.status, found.progress) == (ActionStatus.AT_RISK, 55)
    assert update_rows(workspace) == 1
    (row,) = list_action_rows(workspace=workspace, today=TODAY)
    assert (row.latest_update, row.latest_update_by, row.version) == (
        "Partners slow to respond.",
        AUTHOR,
        2,
    )
    # One entry for the history row and one for the action, at the update's time.
    audit = list_audit(workspace=workspace)
    assert [(each.table, each.change) for each in audit[-2:]] == [
        ("action_update", "create"),
        ("action", "record update"),
    ]
    assert {each.at for each in audit[-2:]} == {entry.at}


def test_a_note_alone_is_an_update_and_nothing_is_a_no_op(
    workspace: Workspace, setup: Setup
) -> None:
    note = record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, note=HOSTILE
    )
    assert (note.changed, note.before, note.after, note.version) == (True, {}, {}, 2)
    assert note.entry is not None
    assert (note.entry.old_status, note.entry.new_status) == (ActionStatus.ON_TRACK,) * 2
    assert note.entry.changes_text == ""

    nothing = record_action_update(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=2,
        status="on track",
        progress=40,
        note="   ",
    )
    assert (nothing.changed, nothing.version, nothing.entry) == (False, 2, None)
    assert update_rows(workspace) == 1


def test_an_import_records_the_officer_as_author(workspace: Workspace, setup: Setup) -> None:
    change = record_action_update(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        progress=60,
        who="Simon Haworth",
    )
    assert change.entry is not None
    assert change.entry.who == "Simon Haworth"
    assert list_audit(workspace=workspace)[-1].who == AUTHOR  # who ran the import


@pytest.mark.parametrize(
    ("status", "progress", "fragment"),
    [("finished", None, "must be one of"), (None, -1, "from 0 to 100"), (None, 99.5, "whole")],
)
def test_a_bad_update_is_refused_and_nothing_written(
    workspace: Workspace, setup: Setup, status: str | None, progress: object, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment):
        record_action_update(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            status=status,
            progress=progress,  # type: ignore[arg-type]
        )
    assert update_rows(workspace) == 0
    assert detail(workspace, setup.action_id).version == 1


def test_complete_with_progress_under_100_is_a_warning() -> None:
    (problem,) = validate_action_update(status=ActionStatus.COMPLETE, progress=90)
    assert problem.severity is Severity.WARNING
    assert "should it be 100%" in problem.message
    assert validate_action_update(status="complete", progress=100) == []


def test_many_updates_are_recorded_all_or_nothing(workspace: Workspace, setup: Setup) -> None:
    second = create_action(workspace=workspace, draft=draft(setup))
    stale = [
        ActionUpdateRequest(action_id=second.action_id, expected_version=1, progress=10),
        ActionUpdateRequest(action_id=setup.action_id, expected_version=7, progress=90),
    ]
    with pytest.raises(ConflictError, match="changed by someone else"):
        record_action_updates(workspace=workspace, requests=stale)
    assert update_rows(workspace) == 0

    changes = record_action_updates(
        workspace=workspace,
        requests=[
            dataclasses.replace(stale[0], who="Simon Haworth"),
            dataclasses.replace(stale[1], expected_version=1, status="complete"),
        ],
    )
    assert [change.version for change in changes] == [2, 2]
    assert update_rows(workspace) == 2


# ------------------------------------------------------------------ RAG


def test_the_rating_says_why(workspace: Workspace, setup: Setup) -> None:
    due = detail(workspace, setup.action_id, today=dt.date(2017, 9, 30))
    assert (due.rag, due.rag_reason, due.overdue, due.due_in_days) == (
        ActionRag.GREEN,
        "Green: on track",
        False,
        0,
    )
    late = detail(workspace, setup.action_id)
    assert (late.rag, late.rag_reason, late.due_in_days) == (
        ActionRag.RED,
        "Red: overdue since 30 Sep 2017",
        -1,
    )
    record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, status="complete"
    )
    done = detail(workspace, setup.action_id)
    assert (done.rag, done.rag_reason, done.overdue) == (ActionRag.BLUE, "Blue: complete", False)


def test_an_override_needs_a_reason_which_is_kept(workspace: Workspace, setup: Setup) -> None:
    with pytest.raises(ValidationError, match="Say why the rating is overridden"):
        set_rag_override(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            rag=ActionRag.AMBER,
            reason="  ",
        )

    change = set_rag_override(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        rag="amber",
        reason=" Audit delayed by the inspection. ",
    )

    assert dict(change.before) == {"rag_override": None, "rag_override_reason": ""}
    assert dict(change.after) == {
        "rag_override": ActionRag.AMBER,
        "rag_override_reason": "Audit delayed by the inspection.",
    }
    found = detail(workspace, setup.action_id)
    assert (found.rag, found.derived_rag) == (ActionRag.AMBER, ActionRag.RED)
    assert found.rag_reason == (
        "Override: Amber — Audit delayed by the inspection. "
        "(derived: Red: overdue since 30 Sep 2017)"
    )
    (row,) = list_action_rows(workspace=workspace, today=TODAY)
    assert (row.rag, row.rag_reason) == (ActionRag.AMBER, found.rag_reason)


def test_clearing_an_override_is_recorded(workspace: Workspace, setup: Setup) -> None:
    set_rag_override(
        workspace=workspace, action_id=setup.action_id, expected_version=1, rag="amber", reason="R"
    )

    cleared = set_rag_override(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=2,
        rag=None,
        reason="Audit now back on track.",
    )

    assert dict(cleared.after) == {"rag_override": None, "rag_override_reason": ""}
    assert detail(workspace, setup.action_id).rag is ActionRag.RED
    entry = list_audit(workspace=workspace, table="action")[-1]
    assert entry.change == "override"
    assert entry.details["note"] == "Audit now back on track."
    assert entry.details["fields"] == {
        "rag_override": {"old": "amber", "new": None},
        "rag_override_reason": {"old": "R", "new": ""},
    }


# ------------------------------------------------------------------ links and delete


def test_links_show_from_both_sides(workspace: Workspace, setup: Setup) -> None:
    update_action(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=1,
        changes={"resolution_id": setup.resolution_id, "indicator_ids": [setup.indicator_id]},
    )
    create_action(workspace=workspace, draft=draft(setup, indicator_ids=(setup.indicator_id,)))

    (by_resolution,) = list_actions_for_resolution(
        workspace=workspace, resolution_id=setup.resolution_id
    )
    assert (by_resolution.ref, by_resolution.lead, by_resolution.plan) == (
        "1.1",
        "Joanne Heaton",
        TWELVE_WEEK,
    )
    assert [
        link.ref
        for link in list_actions_for_indicator(workspace=workspace, indicator_id=setup.indicator_id)
    ] == ["1.1", "2.1"]
    assert (
        list_actions_for_indicator(workspace=workspace, indicator_id=setup.other_indicator_id) == []
    )


def test_an_action_with_history_is_not_deleted(workspace: Workspace, setup: Setup) -> None:
    record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, note="x"
    )
    with pytest.raises(NotAllowedError, match="has one update in its history"):
        delete_action(workspace=workspace, action_id=setup.action_id, expected_version=2)


def test_delete_and_its_inverse_put_the_action_back_whole(
    workspace: Workspace, setup: Setup
) -> None:
    created = create_action(
        workspace=workspace,
        draft=draft(setup, indicator_ids=(setup.indicator_id,), resolution_id=setup.resolution_id),
    )
    set_rag_override(
        workspace=workspace, action_id=created.action_id, expected_version=1, rag="blue", reason="R"
    )
    original = detail(workspace, created.action_id)

    deleted = delete_action(workspace=workspace, action_id=created.action_id, expected_version=2)
    assert deleted.version is None
    with pytest.raises(NotFoundError):
        detail(workspace, created.action_id)

    back = revert_action_change(workspace=workspace, change=deleted)
    assert (back.kind, back.action_id) == (ActionChangeKind.CREATE, created.action_id)
    assert comparable(detail(workspace, created.action_id)) == comparable(original)


# ------------------------------------------------------------------ conflicts


def test_a_stale_edit_is_a_conflict_for_a_person_and_changes_nothing(
    workspace: Workspace, setup: Setup
) -> None:
    record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, note="x"
    )
    before = detail(workspace, setup.action_id)
    audit = len(list_audit(workspace=workspace))

    attempts: list[Callable[[], object]] = [
        lambda: update_action(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            changes={"due_date": None},
        ),
        lambda: record_action_update(
            workspace=workspace, action_id=setup.action_id, expected_version=1, progress=99
        ),
        lambda: set_rag_override(
            workspace=workspace,
            action_id=setup.action_id,
            expected_version=1,
            rag="red",
            reason="R",
        ),
        lambda: delete_action(workspace=workspace, action_id=setup.action_id, expected_version=1),
        lambda: remove_action_update(
            workspace=workspace,
            action_id=setup.action_id,
            update_id=before.history[0].id,
            expected_version=1,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError) as caught:
            attempt()
        error = caught.value
        assert str(error) == (
            f"Action 1.1 of “{TWELVE_WEEK}” was changed by someone else since you opened it; "
            "your change was not saved. Reload to see theirs."
        )
        assert (error.table, error.row_id, error.expected_version, error.actual_version) == (
            "action",
            setup.action_id,
            1,
            2,
        )
    assert detail(workspace, setup.action_id) == before
    assert len(list_audit(workspace=workspace)) == audit


# ------------------------------------------------------------------ undoing updates


def test_undoing_an_update_deletes_it_and_puts_the_status_back(
    workspace: Workspace, setup: Setup
) -> None:
    original = detail(workspace, setup.action_id)
    change = record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, status="off track"
    )

    undone = revert_action_change(workspace=workspace, change=change)
    assert (undone.kind, undone.entry) == (ActionChangeKind.UNRECORD, change.entry)
    assert comparable(detail(workspace, setup.action_id)) == comparable(original)
    assert update_rows(workspace) == 0

    redone = revert_action_change(workspace=workspace, change=undone)
    assert redone.entry == change.entry  # the very same row: id, text, who, time
    assert detail(workspace, setup.action_id).history == (change.entry,)


def test_only_the_newest_update_can_be_undone(workspace: Workspace, setup: Setup) -> None:
    first = record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, progress=50
    )
    record_action_update(
        workspace=workspace,
        action_id=setup.action_id,
        expected_version=2,
        progress=60,
        who="Simon Haworth",
    )
    before = detail(workspace, setup.action_id)
    assert first.entry is not None

    with pytest.raises(NotAllowedError, match="Simon Haworth recorded a newer one since") as caught:
        remove_action_update(
            workspace=workspace,
            action_id=setup.action_id,
            update_id=first.entry.id,
            expected_version=3,
        )
    assert "record a correcting update instead" in str(caught.value)
    assert detail(workspace, setup.action_id) == before


def test_a_redo_is_refused_once_a_newer_update_exists(workspace: Workspace, setup: Setup) -> None:
    change = record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=1, progress=50
    )
    undone = revert_action_change(workspace=workspace, change=change)
    record_action_update(
        workspace=workspace, action_id=setup.action_id, expected_version=3, progress=45
    )

    assert undone.entry is not None
    with pytest.raises(NotAllowedError):
        restore_action_update(workspace=workspace, entry=undone.entry, expected_version=4)


# ------------------------------------------------------------------ undo, every mutation


def test_every_mutations_documented_inverse_restores_the_detail(
    workspace: Workspace, setup: Setup, clock: FakeClock
) -> None:
    ident = setup.action_id
    original = comparable(detail(workspace, ident))

    def check(change: ActionChange) -> None:
        assert change.changed
        undone = revert_action_change(workspace=workspace, change=change, clock=clock)
        assert comparable(detail(workspace, ident)) == original
        redone = revert_action_change(workspace=workspace, change=undone, clock=clock)
        changed = comparable(detail(workspace, ident))
        assert changed != original
        revert_action_change(workspace=workspace, change=redone, clock=clock)
        assert comparable(detail(workspace, ident)) == original

    def version() -> int:
        return detail(workspace, ident).version

    check(
        update_action(
            workspace=workspace,
            action_id=ident,
            expected_version=version(),
            changes={
                "description": HOSTILE,
                "priority_area_id": None,
                "lead": "New Person",
                "due_date": dt.date(2018, 3, 31),
                "resolution_id": setup.resolution_id,
                "indicator_ids": (setup.indicator_id,),
            },
            clock=clock,
        )
    )
    check(
        set_rag_override(
            workspace=workspace,
            action_id=ident,
            expected_version=version(),
            rag="grey",
            reason=HOSTILE,
        )
    )
    check(
        record_action_update(
            workspace=workspace,
            action_id=ident,
            expected_version=version(),
            status="complete",
            progress=100,
            note=HOSTILE,
            clock=clock,
        )
    )
    created = create_action(workspace=workspace, draft=draft(setup), clock=clock)
    undone = revert_action_change(workspace=workspace, change=created, clock=clock)
    assert undone.kind is ActionChangeKind.DELETE
    assert [row.ref for row in list_action_rows(workspace=workspace, today=TODAY)] == ["1.1"]
    # The people list keeps the person a lead added (it is shared), as documented.
    assert "New Person" in {person.name for person in list_people(workspace=workspace)}


def test_an_undo_stack_undoes_and_redoes_a_series(workspace: Workspace, setup: Setup) -> None:
    """As the UI's stack will: it tracks the latest version of the action it has been told."""
    ident = setup.action_id
    known = {"version": 1}

    def remember(change: ActionChange) -> ActionChange:
        if change.version is not None:
            known["version"] = change.version
        return change

    original = comparable(detail(workspace, ident))
    stack = [
        remember(
            record_action_update(
                workspace=workspace, action_id=ident, expected_version=known["version"], progress=60
            )
        ),
        remember(
            update_action(
                workspace=workspace,
                action_id=ident,
                expected_version=known["version"],
                changes={"description": "Changed"},
            )
        ),
        remember(
            record_action_update(
                workspace=workspace,
                action_id=ident,
                expected_version=known["version"],
                status="at risk",
                note="Slipping.",
            )
        ),
        remember(
            set_rag_override(
                workspace=workspace,
                action_id=ident,
                expected_version=known["version"],
                rag="amber",
                reason="R",
            )
        ),
    ]
    final = comparable(detail(workspace, ident))

    undone = [
        remember(
            revert_action_change(
                workspace=workspace, change=change, expected_version=known["version"]
            )
        )
        for change in reversed(stack)
    ]
    assert comparable(detail(workspace, ident)) == original
    for change in reversed(undone):
        remember(
            revert_action_change(
                workspace=workspace, change=change, expected_version=known["version"]
            )
        )
    assert comparable(detail(workspace, ident)) == final


# ------------------------------------------------------------------ property-based history

_NOTE = st.sampled_from(["", "  ", "Progress as planned.", HOSTILE])
_STEP = st.tuples(
    st.none() | st.sampled_from(ActionStatus),
    st.none() | st.integers(min_value=0, max_value=100),
    _NOTE,
)
_ROUND_TRIP = settings(
    max_examples=20,
    deadline=None,
    # Each example restores the database it found: that is the property under test.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def assert_history_chains(found: ActionDetail, *, started: ActionStatus, progress: int) -> None:
    """Oldest first, each entry starts where the previous one left off, and the last is now."""
    status, percent = started, progress
    for entry in reversed(found.history):
        assert (entry.old_status, entry.old_progress) == (status, percent)
        status, percent = entry.new_status or status, entry.new_progress or 0
    assert (found.status, found.progress) == (status, percent)


@_ROUND_TRIP
@given(steps=st.lists(_STEP, max_size=6))
def test_any_series_of_updates_keeps_the_history_consistent_and_undoes_exactly(
    workspace: Workspace,
    setup: Setup,
    clock: FakeClock,
    steps: list[tuple[ActionStatus | None, int | None, str]],
) -> None:
    ident = setup.action_id
    start = detail(workspace, ident)
    original = comparable(start)
    version = start.version
    changes: list[ActionChange] = []
    for status, progress, note in steps:
        change = record_action_update(
            workspace=workspace,
            action_id=ident,
            expected_version=version,
            status=status,
            progress=progress,
            note=note,
            clock=clock,
        )
        version = change.version or version
        if change.changed:
            changes.append(change)
        assert_history_chains(
            detail(workspace, ident), started=start.status, progress=start.progress
        )
    final = comparable(detail(workspace, ident))
    assert len(final.history) == len(start.history) + len(changes)

    undone = []
    for change in reversed(changes):
        undo = revert_action_change(
            workspace=workspace, change=change, expected_version=version, clock=clock
        )
        version = undo.version or version
        undone.append(undo)
        assert_history_chains(
            detail(workspace, ident), started=start.status, progress=start.progress
        )
    assert comparable(detail(workspace, ident)) == original

    for undo in reversed(undone):
        redo = revert_action_change(
            workspace=workspace, change=undo, expected_version=version, clock=clock
        )
        version = redo.version or version
    assert comparable(detail(workspace, ident)) == final

    # Leave the database as this example found it.
    for change in reversed(changes):
        version = (
            revert_action_change(
                workspace=workspace, change=change, expected_version=version, clock=clock
            ).version
            or version
        )
    assert comparable(detail(workspace, ident)) == original


def test_an_import_records_in_its_own_transaction_with_its_context(
    workspace: Workspace, setup: Setup
) -> None:
    at = dt.datetime(2017, 10, 2, 8, 30, tzinfo=dt.UTC)
    with workspace.database.session() as session:
        change = record_action_update_in(
            session,
            author="Importing Clerk",
            request=ActionUpdateRequest(
                action_id=setup.action_id,
                expected_version=1,
                status="at risk",
                note="From the form.",
                who="Joanne Heaton",
            ),
            clock=lambda: at,
            context={"source": "update form Joanne Heaton.xlsx, row 7"},
        )

    assert change.entry is not None
    assert (change.entry.who, change.entry.at) == ("Joanne Heaton", at)
    audit = list_audit(workspace=workspace)[-2:]
    assert {entry.who for entry in audit} == {"Importing Clerk"}
    assert {entry.details["source"] for entry in audit} == {"update form Joanne Heaton.xlsx, row 7"}
    with pytest.raises(ValidationError, match="Say who gave the update"):
        record_action_update(
            workspace=workspace, action_id=setup.action_id, expected_version=2, note="x", who=" "
        )
