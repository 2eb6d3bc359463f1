"""Editing indicators, values and per-year targets (``services.indicator_editing``).

Each test writes a small real database through the service itself. The undo
contract is checked the way an undo stack uses it: apply a change, apply its
documented inverse, and the detail read back equals the original in every
field but the versions (which only go up).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.ids import IndicatorId, IndicatorValueId
from qpmr_desktop.domain.performance import (
    Frequency,
    MeasureType,
    Polarity,
    Rag,
    ToleranceKind,
    Unit,
)
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.indicator_editing import (
    STATUS_SYMBOLS,
    create_indicator,
    delete_indicator,
    delete_indicator_target,
    delete_indicator_value,
    restore_indicator,
    retire_indicator,
    revert_change,
    set_indicator_target,
    set_indicator_value,
    update_indicator,
    validate_indicator_draft,
    validate_target_changes,
    validate_value_changes,
)
from qpmr_desktop.services.indicators import (
    get_indicator_detail,
    list_indicator_rows,
    list_retired_indicators,
    list_theme_names,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    ChangeSubject,
    FieldProblem,
    IndicatorChange,
    IndicatorDetail,
    IndicatorDraft,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Action, ActionIndicator, ImprovementPlan

HOSTILE = '<b>&"😀 Żółć Ωμέγα'
AUTHOR = "Donna Talbot"
Q1 = Quarter(2017, 1)
Q2 = Quarter(2017, 2)


class FakeClock:
    """Aware UTC times a minute apart, from 09:00 on 1 July 2017."""

    def __init__(self) -> None:
        self.now = dt.datetime(2017, 7, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


def looked_after(**overrides: Any) -> IndicatorDraft:
    draft = IndicatorDraft(
        ref="CLA-01",
        name="Children Looked After",
        theme="Start Well",
        unit=Unit.COUNT,
        polarity=Polarity.LOWER_IS_BETTER,
        frequency=Frequency.QUARTERLY,
        measure_type=MeasureType.SNAPSHOT,
        decimals=0,
        tolerance=5.0,
        tolerance_kind=ToleranceKind.PERCENT,
        lead_service="Children's Services",
        owner="Head of Service",
        source="CareFirst",
        definition="Children looked after at the end of the quarter.",
        notes="",
    )
    return dataclasses.replace(draft, **overrides)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "editing.qpmr", create=True, user=AUTHOR)
    yield workspace
    workspace.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def indicator_id(workspace: Workspace) -> IndicatorId:
    """CLA-01 with two quarters of figures and a 2017/18 target, and a second indicator."""
    change = create_indicator(workspace=workspace, draft=looked_after())
    ident = change.indicator_id
    set_indicator_value(
        workspace=workspace,
        indicator_id=ident,
        period=Quarter(2016, 4),
        changes={"value": 1800, "target": 1700, "is_sample": True},
        expected_version=None,
    )
    set_indicator_value(
        workspace=workspace,
        indicator_id=ident,
        period=Q1,
        changes={"value": 1875, "commentary": "The highest ever.", "is_sample": True},
        expected_version=None,
    )
    set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=2017,
        changes={"target": 1700},
        expected_version=None,
    )
    create_indicator(
        workspace=workspace,
        draft=looked_after(ref="ASC-1", name="Care home admissions", theme="Age Well"),
    )
    return ident


def detail(workspace: Workspace, ident: int) -> IndicatorDetail:
    return get_indicator_detail(workspace=workspace, indicator_id=ident)


def comparable(found: IndicatorDetail, *, row_ids: bool = True) -> IndicatorDetail:
    """``found`` with every version zeroed (and row ids, for rows deleted and put back)."""
    targets = tuple(
        dataclasses.replace(row, version=0, id=row.id if row_ids else 0) for row in found.targets
    )
    values = tuple(
        dataclasses.replace(row, version=0, id=row.id if row_ids else IndicatorValueId(0))
        for row in found.values
    )
    return dataclasses.replace(found, version=0, targets=targets, values=values)


def value_row_version(workspace: Workspace, ident: int, period: Quarter) -> int:
    (row,) = [row for row in detail(workspace, ident).values if row.period == period]
    return row.version


def problems_by_field(problems: list[FieldProblem]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field, []).append(problem.message)
    return found


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"ref": "  "}, "ref", "Give the indicator a ref"),
        ({"ref": "cla-01"}, "ref", "already has this ref"),  # capitals do not count
        ({"ref": "CLA\n01"}, "ref", "single line"),
        ({"name": ""}, "name", "Give the indicator a name"),
        ({"theme": " "}, "theme", "Choose or type a theme"),
        ({"theme": "start well"}, "theme", "already a theme “Start Well”"),
        ({"unit": "percent"}, "unit", "must be one of: count, percentage"),
        ({"polarity": "up"}, "polarity", "must be one of"),
        ({"frequency": None}, "frequency", "must be one of"),
        ({"decimals": 5}, "decimals", "from 0 to 4"),
        ({"decimals": -1}, "decimals", "from 0 to 4"),
        ({"decimals": True}, "decimals", "from 0 to 4"),
        ({"decimals": 1.5}, "decimals", "from 0 to 4"),
        ({"tolerance": -0.5}, "tolerance", "0 or more"),
        ({"tolerance": float("nan")}, "tolerance", "not infinity"),
        ({"tolerance": "5"}, "tolerance", "must be a number"),
        ({"tolerance": 101, "tolerance_kind": ToleranceKind.PERCENT}, "tolerance", "0 to 100"),
        ({"owner": None}, "owner", "must be text"),
        ({"notes": 3}, "notes", "must be text"),
    ],
)
def test_each_bad_field_gets_its_own_problem(
    workspace: Workspace, indicator_id: int, overrides: dict[str, object], field: str, fragment: str
) -> None:
    # A ref of its own unless the ref is under test: CLA-01 is taken.
    draft = looked_after(**{"ref": "NEW-1", **overrides})

    problems = validate_indicator_draft(workspace=workspace, draft=draft)

    found = problems_by_field(problems)
    assert list(found) == [field], problems
    assert fragment in found[field][0]
    assert all(problem.severity is Severity.ERROR for problem in problems)


def test_a_good_draft_has_no_problems_and_its_own_ref_is_not_taken(
    workspace: Workspace, indicator_id: int
) -> None:
    # Enumerations may come as their values, as a combo box gives them.
    draft = looked_after(ref="NEW-1", unit="percentage", tolerance=100)

    assert validate_indicator_draft(workspace=workspace, draft=draft) == []
    assert (
        validate_indicator_draft(
            workspace=workspace, draft=looked_after(), indicator_id=indicator_id
        )
        == []
    )
    assert validate_indicator_draft(workspace=workspace, draft=looked_after()) != []


def test_problems_come_in_the_forms_order(workspace: Workspace, indicator_id: int) -> None:
    draft = looked_after(ref="cla-01", name="", decimals=9, theme="")

    problems = validate_indicator_draft(workspace=workspace, draft=draft)

    assert [problem.field for problem in problems] == ["ref", "name", "theme", "decimals"]


def test_a_warning_is_shown_but_does_not_stop_saving(workspace: Workspace) -> None:
    draft = looked_after(polarity=Polarity.NO_JUDGEMENT)

    (problem,) = validate_indicator_draft(workspace=workspace, draft=draft)
    assert (problem.field, problem.severity) == ("tolerance", Severity.WARNING)
    change = create_indicator(workspace=workspace, draft=draft)
    assert detail(workspace, change.indicator_id).polarity is Polarity.NO_JUDGEMENT


def test_an_invalid_draft_is_refused_with_its_problems_and_nothing_written(
    workspace: Workspace,
) -> None:
    with pytest.raises(ValidationError) as caught:
        create_indicator(workspace=workspace, draft=looked_after(name=" ", decimals=7))

    assert [problem.field for problem in caught.value.problems] == ["name", "decimals"]
    assert str(caught.value).startswith("CLA-01 could not be saved: Give the indicator a name.")
    assert list_indicator_rows(workspace=workspace) == []
    assert list_theme_names(workspace=workspace) == []
    assert list_audit(workspace=workspace) == []


# ------------------------------------------------------------------ indicators


def test_create_stores_every_field_trimmed_and_reports_what_changed(
    workspace: Workspace, clock: FakeClock
) -> None:
    draft = looked_after(ref=" CLA-01 ", name=" Children Looked After ", notes="  as typed \n")

    change = create_indicator(workspace=workspace, draft=draft, clock=clock)

    found = detail(workspace, change.indicator_id)
    assert found.draft == looked_after(notes="  as typed \n")
    assert (found.version, found.retired, found.is_sample) == (1, False, False)
    assert (found.targets, found.values) == ((), ())
    assert found.tolerance_text == "5% of target"
    assert (change.kind, change.subject, change.version) == (
        ChangeKind.CREATE,
        ChangeSubject.INDICATOR,
        1,
    )
    assert change.indicator_ids == {change.indicator_id}
    assert change.before == {}
    assert change.after["ref"] == "CLA-01"
    assert change.after["retired"] is False
    assert change.definition_changed
    assert change.scorecard_changed
    assert change.themes_changed
    assert list_theme_names(workspace=workspace) == ["Start Well"]

    second = create_indicator(workspace=workspace, draft=looked_after(ref="CLA-02"))
    assert not second.themes_changed


def test_update_changes_only_what_differs_and_audits_old_and_new(
    workspace: Workspace, indicator_id: int, clock: FakeClock
) -> None:
    change = update_indicator(
        workspace=workspace,
        indicator_id=indicator_id,
        expected_version=1,
        changes={"name": "Looked-after children", "owner": "Head of Service", "decimals": 1},
        clock=clock,
    )

    assert change.version == 2
    assert change.before == {"name": "Children Looked After", "decimals": 0}
    assert change.after == {"name": "Looked-after children", "decimals": 1}
    assert change.definition_changed
    assert change.scorecard_changed
    assert change.values_changed  # decimals change how every figure is written
    assert not change.themes_changed
    entry = list_audit(workspace=workspace, table="indicator", row_id=indicator_id)[-1]
    assert (entry.who, entry.change, entry.at) == (
        AUTHOR,
        "update",
        dt.datetime(2017, 7, 1, 9, 0, tzinfo=dt.UTC),
    )
    assert entry.details == {
        "ref": "CLA-01",
        "fields": {
            "name": {"old": "Children Looked After", "new": "Looked-after children"},
            "decimals": {"old": 0, "new": 1},
        },
    }


def test_an_update_of_fields_the_scorecard_does_not_show_refreshes_only_the_definition(
    workspace: Workspace, indicator_id: int
) -> None:
    change = update_indicator(
        workspace=workspace, indicator_id=indicator_id, expected_version=1, changes={"owner": "X"}
    )

    assert change.definition_changed
    assert not change.scorecard_changed
    assert not change.values_changed
    assert not change.targets_changed


def test_a_no_op_update_writes_nothing(workspace: Workspace, indicator_id: int) -> None:
    audited = len(list_audit(workspace=workspace))

    change = update_indicator(
        workspace=workspace,
        indicator_id=indicator_id,
        expected_version=1,
        changes={"name": " Children Looked After ", "tolerance": 5},
    )

    assert not change.changed
    assert change.version == 1
    assert not change.definition_changed
    assert not change.scorecard_changed
    assert not change.values_changed
    assert detail(workspace, indicator_id).version == 1
    assert len(list_audit(workspace=workspace)) == audited
    assert revert_change(workspace=workspace, change=change) is change


def test_an_update_to_a_new_theme_creates_it_last(workspace: Workspace, indicator_id: int) -> None:
    change = update_indicator(
        workspace=workspace,
        indicator_id=indicator_id,
        expected_version=1,
        changes={"theme": "Live Well"},
    )

    assert change.themes_changed
    assert list_theme_names(workspace=workspace) == ["Start Well", "Age Well", "Live Well"]
    assert list_audit(workspace=workspace, table="theme")[-1].details["fields"] == {
        "name": {"old": None, "new": "Live Well"},
        "position": {"old": None, "new": 2},
    }


def test_an_invalid_update_is_refused_and_nothing_changes(
    workspace: Workspace, indicator_id: int
) -> None:
    before = detail(workspace, indicator_id)

    with pytest.raises(ValidationError) as caught:
        update_indicator(
            workspace=workspace,
            indicator_id=indicator_id,
            expected_version=1,
            changes={"ref": "asc-1"},
        )

    assert [problem.field for problem in caught.value.problems] == ["ref"]
    assert detail(workspace, indicator_id) == before


def test_update_refuses_fields_it_does_not_edit(workspace: Workspace, indicator_id: int) -> None:
    with pytest.raises(ValueError, match="cannot change retired"):
        update_indicator(
            workspace=workspace,
            indicator_id=indicator_id,
            expected_version=1,
            changes={"retired": True},
        )


def test_retire_takes_it_off_the_scorecard_and_restore_puts_it_back(
    workspace: Workspace, indicator_id: int
) -> None:
    retired = retire_indicator(workspace=workspace, indicator_id=indicator_id, expected_version=1)

    assert (retired.kind, retired.version) == (ChangeKind.RETIRE, 2)
    assert (retired.before, retired.after) == ({"retired": False}, {"retired": True})
    assert retired.scorecard_changed
    assert [row.ref for row in list_indicator_rows(workspace=workspace)] == ["ASC-1"]
    assert detail(workspace, indicator_id).retired
    with pytest.raises(NotAllowedError, match="already retired"):
        retire_indicator(workspace=workspace, indicator_id=indicator_id, expected_version=2)

    restored = restore_indicator(workspace=workspace, indicator_id=indicator_id, expected_version=2)

    assert (restored.kind, restored.version) == (ChangeKind.RESTORE, 3)
    assert [row.ref for row in list_indicator_rows(workspace=workspace)] == ["CLA-01", "ASC-1"]
    assert [entry.change for entry in list_audit(workspace=workspace, table="indicator")][-2:] == [
        "retire",
        "restore",
    ]


def test_an_indicator_with_figures_is_never_deleted(
    workspace: Workspace, indicator_id: int
) -> None:
    before = detail(workspace, indicator_id)

    with pytest.raises(NotAllowedError) as caught:
        delete_indicator(workspace=workspace, indicator_id=indicator_id, expected_version=1)

    assert str(caught.value) == (
        "CLA-01 has figures for 2 periods, so it cannot be deleted: an indicator's history "
        "is kept. Retire it instead."
    )
    assert detail(workspace, indicator_id) == before


def test_an_indicator_with_targets_or_actions_is_not_deleted(workspace: Workspace) -> None:
    ident = create_indicator(workspace=workspace, draft=looked_after()).indicator_id
    for year in (2018, 2017):
        set_indicator_target(
            workspace=workspace, indicator_id=ident, year=year, changes={}, expected_version=None
        )
    with pytest.raises(NotAllowedError, match="has targets for 2017/18 and 2018/19; delete them"):
        delete_indicator(workspace=workspace, indicator_id=ident, expected_version=1)

    for year in (2018, 2017):
        delete_indicator_target(
            workspace=workspace, indicator_id=ident, year=year, expected_version=1
        )
    with workspace.database.session() as session:
        plan = ImprovementPlan(name="12-week plan")
        session.add(plan)
        session.flush()
        assert plan.id is not None
        action = Action(
            plan_id=plan.id, ref="2.3", description="Reduce numbers", status=ActionStatus.ON_TRACK
        )
        session.add(action)
        session.flush()
        assert action.id is not None
        session.add(ActionIndicator(action_id=action.id, indicator_id=ident))
    with pytest.raises(NotAllowedError, match="is evidence for an action"):
        delete_indicator(workspace=workspace, indicator_id=ident, expected_version=1)


def test_delete_and_its_inverse_put_the_indicator_back_with_its_id(
    workspace: Workspace, clock: FakeClock
) -> None:
    created = create_indicator(workspace=workspace, draft=looked_after(name=HOSTILE))
    ident = created.indicator_id
    retire_indicator(workspace=workspace, indicator_id=ident, expected_version=1)
    original = detail(workspace, ident)

    deleted = delete_indicator(
        workspace=workspace, indicator_id=ident, expected_version=2, clock=clock
    )

    assert (deleted.kind, deleted.version, deleted.after) == (ChangeKind.DELETE, None, {})
    assert deleted.before["name"] == HOSTILE
    assert deleted.before["retired"] is True
    with pytest.raises(NotFoundError, match="There is no indicator with id"):
        detail(workspace, ident)
    entry = list_audit(workspace=workspace, table="indicator", row_id=ident)[-1]
    assert entry.change == "delete"
    assert entry.details["fields"]["name"] == {"old": HOSTILE, "new": None}  # type: ignore[index]

    put_back = create_indicator(
        workspace=workspace,
        draft=original.draft,
        indicator_id=ident,
        retired=bool(deleted.before["retired"]),
        is_sample=bool(deleted.before["is_sample"]),
    )

    assert put_back.indicator_id == ident
    assert comparable(detail(workspace, ident)) == comparable(original)


def test_putting_back_onto_a_taken_id_is_a_conflict(workspace: Workspace) -> None:
    first = create_indicator(workspace=workspace, draft=looked_after())

    with pytest.raises(ConflictError, match="another indicator has taken its place"):
        create_indicator(
            workspace=workspace, draft=looked_after(ref="CLA-02"), indicator_id=first.indicator_id
        )


def test_unknown_indicators_are_not_found(workspace: Workspace) -> None:
    calls: list[Callable[[], object]] = [
        lambda: detail(workspace, 404),
        lambda: update_indicator(
            workspace=workspace, indicator_id=404, expected_version=1, changes={}
        ),
        lambda: retire_indicator(workspace=workspace, indicator_id=404, expected_version=1),
        lambda: delete_indicator(workspace=workspace, indicator_id=404, expected_version=1),
        lambda: set_indicator_value(
            workspace=workspace, indicator_id=404, period=Q1, changes={}, expected_version=None
        ),
        lambda: set_indicator_target(
            workspace=workspace, indicator_id=404, year=2017, changes={}, expected_version=None
        ),
    ]
    for call in calls:
        with pytest.raises(NotFoundError, match="no indicator with id 404"):
            call()


# ------------------------------------------------------------------ values


def test_a_value_row_is_created_then_updated(
    workspace: Workspace, indicator_id: int, clock: FakeClock
) -> None:
    created = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q2,
        changes={"value": 1900, "status_symbol": " P ", "data_as_at": dt.date(2017, 9, 30)},
        expected_version=None,
        clock=clock,
    )

    assert (created.kind, created.subject, created.version) == (
        ChangeKind.CREATE,
        ChangeSubject.VALUE,
        1,
    )
    assert created.period == Q2
    assert created.after["status_symbol"] == "p"
    assert created.values_changed
    assert created.scorecard_changed
    assert not created.definition_changed
    row = detail(workspace, indicator_id).values[-1]
    assert (row.period_label, row.value, row.status_symbol) == ("Q2 2017/18", 1900.0, "p")
    assert (row.provisional, row.commentary, row.is_sample) == (False, "", False)

    updated = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q2,
        changes={"england": 1200.5, "status_symbol": "", "provisional": True},
        expected_version=1,
        clock=clock,
    )

    assert updated.version == 2
    assert updated.before == {"england": None, "provisional": False, "status_symbol": "p"}
    assert updated.after == {"england": 1200.5, "provisional": True, "status_symbol": None}
    assert not updated.scorecard_changed  # England's figure is not on the scorecard
    entry = list_audit(workspace=workspace, table="indicator_value", row_id=updated.row_id)[-1]
    assert entry.who == AUTHOR
    assert entry.details["period"] == "Q2 2017/18"
    assert entry.details["fields"] == {
        "england": {"old": None, "new": 1200.5},
        "provisional": {"old": False, "new": True},
        "status_symbol": {"old": "p", "new": None},
    }


def test_typing_over_a_sample_value_makes_it_real(workspace: Workspace, indicator_id: int) -> None:
    commented = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q1,
        changes={"commentary": "Checked."},
        expected_version=1,
    )
    assert "is_sample" not in commented.after  # commentary alone leaves the figure sample

    retyped = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q1,
        changes={"value": 1876},
        expected_version=2,
    )

    assert retyped.before == {"value": 1875.0, "is_sample": True}
    assert retyped.after == {"value": 1876.0, "is_sample": False}
    assert not detail(workspace, indicator_id).values[-1].is_sample
    rows = {row.ref: row for row in list_indicator_rows(workspace=workspace)}
    assert not rows["CLA-01"].is_sample


def test_the_inverse_of_a_value_change_puts_the_sample_flag_back(
    workspace: Workspace, indicator_id: int
) -> None:
    # Kept sample on purpose (as an import of sample data would), then undone:
    # the undo changes the value back and must not apply the typed-over rule.
    change = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q1,
        changes={"value": 1900, "is_sample": True},
        expected_version=1,
    )
    assert (change.before, change.after) == (
        {"value": 1875.0, "is_sample": True},
        {"value": 1900.0, "is_sample": True},
    )

    revert_change(workspace=workspace, change=change)

    latest = detail(workspace, indicator_id).values[-1]
    assert (latest.value, latest.is_sample) == (1875.0, True)
    fields = list_audit(workspace=workspace, table="indicator_value")[-1].details["fields"]
    assert fields == {"value": {"old": 1900.0, "new": 1875.0}}  # an unchanged flag is not news


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"value": "1,875"}, "value", "must be a number"),
        ({"value": True}, "value", "must be a number"),
        ({"target": float("inf")}, "target", "not infinity"),
        ({"denominator": 0}, "denominator", "more than 0"),
        ({"denominator": -3}, "denominator", "more than 0"),
        ({"status_symbol": "q"}, "status_symbol", "x (not available)"),
        ({"status_symbol": 1}, "status_symbol", "x (not available)"),
        ({"provisional": "yes"}, "provisional", "yes or no"),
        ({"commentary": None}, "commentary", "must be text"),
        ({"data_as_at": dt.datetime(2017, 6, 30, tzinfo=dt.UTC)}, "data_as_at", "a date"),
    ],
)
def test_bad_figures_are_refused_field_by_field(
    workspace: Workspace,
    indicator_id: int,
    changes: dict[str, object],
    field: str,
    fragment: str,
) -> None:
    before = detail(workspace, indicator_id)

    problems = validate_value_changes(
        workspace=workspace, indicator_id=indicator_id, changes=changes
    )
    with pytest.raises(ValidationError) as caught:
        set_indicator_value(
            workspace=workspace,
            indicator_id=indicator_id,
            period=Q1,
            changes=changes,
            expected_version=1,
        )

    assert [problem.field for problem in problems] == [field]
    assert fragment in problems[0].message
    assert caught.value.problems == tuple(problems)
    assert str(caught.value).startswith("The figures for CLA-01 in Q1 2017/18 could not be saved")
    assert detail(workspace, indicator_id) == before


def test_odd_percentages_are_warned_about_but_saved(workspace: Workspace) -> None:
    ident = create_indicator(
        workspace=workspace,
        draft=looked_after(
            ref="EH-1", unit=Unit.PERCENTAGE, polarity=Polarity.HIGHER_IS_BETTER, decimals=1
        ),
    ).indicator_id
    changes = {"value": 150.0, "numerator": 9, "denominator": 6, "target": 60, "floor": 70}

    problems = validate_value_changes(workspace=workspace, indicator_id=ident, changes=changes)
    set_indicator_value(
        workspace=workspace, indicator_id=ident, period=Q1, changes=changes, expected_version=None
    )

    assert {problem.field for problem in problems} == {"value", "numerator", "floor"}
    assert all(problem.severity is Severity.WARNING for problem in problems)
    row = detail(workspace, ident).values[0]
    assert (row.value_text, row.target_text) == ("150.0%", "60%")
    assert row.rag is Rag.DATA_ONLY  # a floor above its target cannot be judged


def test_a_floor_is_checked_against_the_periods_stored_target(
    workspace: Workspace, indicator_id: int
) -> None:
    # CLA-01 is lower-is-better: its "floor" is a ceiling, above the target.
    changes = {"floor": 1600}

    alone = validate_value_changes(workspace=workspace, indicator_id=indicator_id, changes=changes)
    beside = validate_value_changes(
        workspace=workspace, indicator_id=indicator_id, changes=changes, period=Quarter(2016, 4)
    )

    assert alone == []
    assert [(p.field, p.severity) for p in beside] == [("floor", Severity.WARNING)]
    assert "should be above the target" in beside[0].message


def test_hostile_text_round_trips_in_names_and_commentary(
    workspace: Workspace, indicator_id: int
) -> None:
    update_indicator(
        workspace=workspace,
        indicator_id=indicator_id,
        expected_version=1,
        changes={"name": HOSTILE},
    )
    set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q1,
        changes={"commentary": HOSTILE + "\nsecond line"},
        expected_version=1,
    )

    found = detail(workspace, indicator_id)
    assert found.name == HOSTILE
    assert found.values[-1].commentary == HOSTILE + "\nsecond line"
    assert list_indicator_rows(workspace=workspace)[0].name == HOSTILE
    entry = list_audit(workspace=workspace, table="indicator_value")[-1]
    assert entry.details["fields"] == {
        "commentary": {"old": "The highest ever.", "new": HOSTILE + "\nsecond line"}
    }


def test_a_value_row_is_deleted_only_at_its_version(
    workspace: Workspace, indicator_id: int
) -> None:
    with pytest.raises(ConflictError):
        delete_indicator_value(
            workspace=workspace, indicator_id=indicator_id, period=Q1, expected_version=7
        )

    deleted = delete_indicator_value(
        workspace=workspace, indicator_id=indicator_id, period=Q1, expected_version=1
    )

    assert (deleted.kind, deleted.version, deleted.after) == (ChangeKind.DELETE, None, {})
    assert deleted.before["value"] == 1875.0
    assert [row.period for row in detail(workspace, indicator_id).values] == [Quarter(2016, 4)]
    assert list_indicator_rows(workspace=workspace)[0].latest_period == "Q4 2016/17"


# ------------------------------------------------------------------ targets


def test_targets_are_created_updated_and_deleted_per_year(
    workspace: Workspace, indicator_id: int, clock: FakeClock
) -> None:
    created = set_indicator_target(
        workspace=workspace,
        indicator_id=indicator_id,
        year=2018,
        changes={"target": 1650, "floor": 1750, "tolerance": 2.5},
        expected_version=None,
        clock=clock,
    )
    assert (created.kind, created.subject, created.year) == (
        ChangeKind.CREATE,
        ChangeSubject.TARGET,
        2018,
    )
    assert created.targets_changed
    assert created.values_changed  # the grid shows the effective targets
    updated = set_indicator_target(
        workspace=workspace,
        indicator_id=indicator_id,
        year=2018,
        changes={"tolerance_kind": "absolute", "tolerance": 30},
        expected_version=1,
    )
    assert updated.before == {"tolerance": 2.5, "tolerance_kind": None}
    assert updated.after == {"tolerance": 30.0, "tolerance_kind": ToleranceKind.ABSOLUTE}

    target = detail(workspace, indicator_id).targets[-1]
    assert (target.year_label, target.target_text, target.floor_text) == (
        "2018/19",
        "1,650",
        "1,750",
    )
    assert (target.tolerance, target.tolerance_kind) == (30.0, ToleranceKind.ABSOLUTE)
    assert target.tolerance_text == "30"
    entry = list_audit(workspace=workspace, table="indicator_target")[-1]
    assert entry.details["year"] == "2018/19"

    delete_indicator_target(
        workspace=workspace, indicator_id=indicator_id, year=2018, expected_version=2
    )
    assert [row.year for row in detail(workspace, indicator_id).targets] == [2017]


@pytest.mark.parametrize(
    ("year", "changes", "problem"),
    [
        (0, {}, ("year", "financial year")),
        (10_000, {}, ("year", "financial year")),
        (2018, {"tolerance": 120}, ("tolerance", "0 to 100")),  # the indicator's kind: percent
        (2018, {"tolerance": -1}, ("tolerance", "0 or more")),
        (2018, {"target": "high"}, ("target", "must be a number")),
        (2018, {"tolerance_kind": "relative"}, ("tolerance_kind", "must be one of")),
    ],
)
def test_bad_targets_are_refused(
    workspace: Workspace,
    indicator_id: int,
    year: int,
    changes: dict[str, object],
    problem: tuple[str, str],
) -> None:
    field, fragment = problem
    problems = validate_target_changes(
        workspace=workspace, indicator_id=indicator_id, year=year, changes=changes
    )

    assert [problem.field for problem in problems] == [field]
    assert fragment in problems[0].message
    with pytest.raises(ValidationError):
        set_indicator_target(
            workspace=workspace,
            indicator_id=indicator_id,
            year=year,
            changes=changes,
            expected_version=None,
        )
    assert [row.year for row in detail(workspace, indicator_id).targets] == [2017]


def test_a_tolerance_of_120_is_fine_when_the_year_makes_it_absolute(
    workspace: Workspace, indicator_id: int
) -> None:
    changes = {"tolerance": 120, "tolerance_kind": ToleranceKind.ABSOLUTE}

    assert (
        validate_target_changes(
            workspace=workspace, indicator_id=indicator_id, year=2018, changes=changes
        )
        == []
    )
    kind_alone = validate_target_changes(
        workspace=workspace,
        indicator_id=indicator_id,
        year=2018,
        changes={"tolerance_kind": ToleranceKind.ABSOLUTE},
    )
    assert [(p.field, p.severity) for p in kind_alone] == [("tolerance_kind", Severity.WARNING)]


# ------------------------------------------------------------------ the effective-target rule


def _judged(workspace: Workspace, ident: int) -> tuple[Rag, str, str, Rag]:
    """(scorecard RAG, its reason, its target text, the detail's RAG for the same period)."""
    (row,) = [row for row in list_indicator_rows(workspace=workspace) if row.id == ident]
    latest = [value for value in detail(workspace, ident).values if value.value is not None][-1]
    assert latest.rag_reason == row.rag_reason  # one rule, one sentence, everywhere
    return row.rag, row.rag_reason, row.target_text, latest.rag


def test_the_value_rows_target_beats_the_years_and_the_years_tolerance_the_indicators(
    workspace: Workspace,
) -> None:
    ident = create_indicator(
        workspace=workspace,
        draft=looked_after(
            ref="EH-2",
            unit=Unit.PERCENTAGE,
            polarity=Polarity.HIGHER_IS_BETTER,
            tolerance=2,
            tolerance_kind=ToleranceKind.ABSOLUTE,
        ),
    ).indicator_id
    set_indicator_value(
        workspace=workspace,
        indicator_id=ident,
        period=Q1,
        changes={"value": 56},
        expected_version=None,
    )
    assert _judged(workspace, ident)[0] is Rag.DATA_ONLY  # no target anywhere

    set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=2017,
        changes={"target": 60},
        expected_version=None,
    )
    # The year's target, judged with the indicator's tolerance of 2 points: 4 short is Red.
    assert _judged(workspace, ident) == (
        Rag.RED,
        "Red: 56% is 4 points below the 60% target, outside the tolerance of 2 points.",
        "60%",
        Rag.RED,
    )

    set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=2017,
        changes={"tolerance": 5},
        expected_version=1,
    )
    # The year's tolerance of 5 beats the indicator's 2.
    assert _judged(workspace, ident)[0] is Rag.AMBER
    row = detail(workspace, ident).values[0]
    assert (row.target, row.effective_target, row.target_from_year) == (None, 60.0, True)
    assert (row.effective_tolerance, row.effective_tolerance_kind) == (5.0, ToleranceKind.ABSOLUTE)

    set_indicator_value(
        workspace=workspace,
        indicator_id=ident,
        period=Q1,
        changes={"target": 62},
        expected_version=1,
    )
    # The row's own 62 beats the year's 60: 6 short is outside the year's 5.
    assert _judged(workspace, ident)[:3] == (
        Rag.RED,
        "Red: 56% is 6 points below the 62% target, outside the tolerance of 5 points.",
        "62%",
    )
    assert not detail(workspace, ident).values[0].target_from_year

    set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=2017,
        changes={"floor": 55},
        expected_version=2,
    )
    # No floor on the row: the year's floor applies, and a floor decides alone.
    assert _judged(workspace, ident)[:2] == (
        Rag.AMBER,
        "Amber: 56% is below the 62% target but meets the 55% floor.",
    )
    assert detail(workspace, ident).values[0].floor_from_year

    set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=2017,
        changes={"floor": None, "tolerance": 10, "tolerance_kind": ToleranceKind.PERCENT},
        expected_version=3,
    )
    # The year's tolerance in its own kind: 10% of 62 is 6.2, so 6 short is Amber.
    assert _judged(workspace, ident)[:2] == (
        Rag.AMBER,
        "Amber: 56% is within 10% of the 62% target.",
    )
    assert detail(workspace, ident).values[0].floor is None


def test_a_year_without_a_tolerance_keeps_the_indicators(
    workspace: Workspace, indicator_id: int
) -> None:
    # CLA-01: lower is better, 5% of target; the 2017/18 target is 1,700.
    target = detail(workspace, indicator_id).targets[0]
    assert (target.tolerance, target.effective_tolerance) == (None, 5.0)
    assert target.effective_tolerance_kind is ToleranceKind.PERCENT
    assert target.tolerance_text == "5% of target"

    rag, reason, target_text, _ = _judged(workspace, indicator_id)

    assert (rag, target_text) == (Rag.RED, "1,700")
    assert reason == "Red: 1,875 is 175 above the 1,700 target, outside the tolerance of 5%."


def test_the_detail_judges_every_period_against_earlier_ones(
    workspace: Workspace, indicator_id: int
) -> None:
    set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Quarter(2016, 1),
        changes={"value": 1600},
        expected_version=None,
    )
    set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=Q2,
        changes={"target": 1700},  # a target set ahead, no figure yet
        expected_version=None,
    )

    values = detail(workspace, indicator_id).values

    assert [row.period_label for row in values] == [
        "Q1 2016/17",
        "Q4 2016/17",
        "Q1 2017/18",
        "Q2 2017/18",
    ]
    first, previous, latest, ahead = values
    assert first.direction_text == "No earlier figure to compare with"
    assert previous.record is None  # one earlier figure is not a record
    assert latest.record == "Highest ever recorded"
    assert latest.direction_text == "Worsening vs Q4 2016/17; worsening vs Q1 2016/17"
    assert (latest.value_text, latest.target_text) == ("1,875", "1,700")
    assert (ahead.value_text, ahead.rag, ahead.direction_text) == ("", Rag.NO_DATA, "")
    assert previous.target_text == "1,700"  # its own target; 2016/17 has no year target


def test_the_detail_costs_three_queries_however_many_periods(
    workspace: Workspace, indicator_id: int
) -> None:
    for year in range(2010, 2016):
        for quarter in range(1, 5):
            set_indicator_value(
                workspace=workspace,
                indicator_id=indicator_id,
                period=Quarter(year, quarter),
                changes={"value": year + quarter},
                expected_version=None,
            )
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = workspace.database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        found = detail(workspace, indicator_id)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    assert len(found.values) == 26
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3


# ------------------------------------------------------------------ concurrency


def test_a_stale_edit_is_a_conflict_for_a_person_and_changes_nothing(
    workspace: Workspace, indicator_id: int
) -> None:
    colleague = Workspace(database=workspace.database, user="Richard Cooke")
    update_indicator(
        workspace=colleague,
        indicator_id=indicator_id,
        expected_version=1,
        changes={"owner": "Richard Cooke"},
    )
    set_indicator_value(
        workspace=colleague,
        indicator_id=indicator_id,
        period=Q1,
        changes={"commentary": "Theirs."},
        expected_version=1,
    )
    set_indicator_value(
        workspace=colleague,
        indicator_id=indicator_id,
        period=Q2,
        changes={"value": 1},
        expected_version=None,
    )
    before = detail(workspace, indicator_id)
    audited = len(list_audit(workspace=workspace))

    attempts: list[tuple[Callable[[], IndicatorChange], str]] = [
        (
            lambda: update_indicator(
                workspace=workspace,
                indicator_id=indicator_id,
                expected_version=1,
                changes={"owner": "Me"},
            ),
            (
                "CLA-01 was changed by someone else since you opened it; your change was not "
                "saved. Reload to see theirs."
            ),
        ),
        (
            lambda: retire_indicator(
                workspace=workspace, indicator_id=indicator_id, expected_version=1
            ),
            "CLA-01 was changed by someone else",
        ),
        (
            lambda: set_indicator_value(
                workspace=workspace,
                indicator_id=indicator_id,
                period=Q1,
                changes={"commentary": "Mine."},
                expected_version=1,
            ),
            (
                "The figures for CLA-01 in Q1 2017/18 were changed by someone else since you "
                "opened them; your change was not saved. Reload to see theirs."
            ),
        ),
        (
            lambda: set_indicator_value(
                workspace=workspace,
                indicator_id=indicator_id,
                period=Q2,
                changes={"value": 2},
                expected_version=None,
            ),
            "Someone else entered figures for CLA-01 in Q2 2017/18 since you opened them",
        ),
        (
            lambda: set_indicator_value(
                workspace=workspace,
                indicator_id=indicator_id,
                period=Quarter(2017, 3),
                changes={"value": 2},
                expected_version=1,
            ),
            "The figures for CLA-01 in Q3 2017/18 were deleted by someone else",
        ),
        (
            lambda: set_indicator_target(
                workspace=workspace,
                indicator_id=indicator_id,
                year=2017,
                changes={"target": 1},
                expected_version=None,
            ),
            "Someone else set the 2017/18 targets for CLA-01 since you opened them",
        ),
        (
            lambda: delete_indicator_target(
                workspace=workspace, indicator_id=indicator_id, year=2017, expected_version=5
            ),
            "The 2017/18 targets for CLA-01 were changed by someone else",
        ),
    ]
    for attempt, message in attempts:
        with pytest.raises(ConflictError) as caught:
            attempt()
        assert str(caught.value).startswith(message)

    assert detail(workspace, indicator_id) == before
    assert len(list_audit(workspace=workspace)) == audited


def test_a_conflict_names_the_versions(workspace: Workspace, indicator_id: int) -> None:
    update_indicator(
        workspace=workspace, indicator_id=indicator_id, expected_version=1, changes={"owner": "A"}
    )

    with pytest.raises(ConflictError) as caught:
        update_indicator(
            workspace=workspace,
            indicator_id=indicator_id,
            expected_version=1,
            changes={"owner": "B"},
        )

    error = caught.value
    assert (error.table, error.row_id) == ("indicator", indicator_id)
    assert (error.expected_version, error.actual_version) == (1, 2)


# ------------------------------------------------------------------ undo by inverse


def test_every_mutations_documented_inverse_restores_the_detail(
    workspace: Workspace, indicator_id: int
) -> None:
    """Each mutation, then the call the module docstring names as its inverse."""
    ident = indicator_id
    original = comparable(detail(workspace, ident))

    def check(change: IndicatorChange, inverse: Callable[[IndicatorChange], object]) -> None:
        inverse(change)
        assert comparable(detail(workspace, ident), row_ids=False) == comparable(
            original, row_ids=False
        )

    def version() -> int:
        return detail(workspace, ident).version

    check(
        update_indicator(
            workspace=workspace,
            indicator_id=ident,
            expected_version=version(),
            changes={"name": HOSTILE, "unit": Unit.DAYS, "tolerance": None},
        ),
        lambda c: update_indicator(
            workspace=workspace,
            indicator_id=ident,
            expected_version=c.version or 0,
            changes=c.before,
        ),
    )
    check(
        retire_indicator(workspace=workspace, indicator_id=ident, expected_version=version()),
        lambda c: restore_indicator(
            workspace=workspace, indicator_id=ident, expected_version=c.version or 0
        ),
    )
    check(
        set_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=Q2,
            changes={"value": 1900},
            expected_version=None,
        ),
        lambda c: delete_indicator_value(
            workspace=workspace, indicator_id=ident, period=Q2, expected_version=c.version or 0
        ),
    )
    check(
        set_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=Q1,
            changes={"value": 1, "commentary": HOSTILE},
            expected_version=value_row_version(workspace, ident, Q1),
        ),
        lambda c: set_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=Q1,
            changes=c.before,
            expected_version=c.version,
        ),
    )
    check(
        delete_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=Q1,
            expected_version=value_row_version(workspace, ident, Q1),
        ),
        lambda c: set_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=Q1,
            changes=c.before,
            expected_version=None,
        ),
    )
    check(
        set_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=2018,
            changes={"target": 1},
            expected_version=None,
        ),
        lambda c: delete_indicator_target(
            workspace=workspace, indicator_id=ident, year=2018, expected_version=c.version or 0
        ),
    )
    (target,) = detail(workspace, ident).targets
    check(
        set_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=2017,
            changes={"floor": 1800, "tolerance": 1},
            expected_version=target.version,
        ),
        lambda c: set_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=2017,
            changes=c.before,
            expected_version=c.version,
        ),
    )
    (target,) = detail(workspace, ident).targets
    check(
        delete_indicator_target(
            workspace=workspace, indicator_id=ident, year=2017, expected_version=target.version
        ),
        lambda c: set_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=2017,
            changes=c.before,
            expected_version=None,
        ),
    )


def test_create_is_undone_by_delete_and_redone_with_the_same_id(workspace: Workspace) -> None:
    created = create_indicator(workspace=workspace, draft=looked_after())
    original = detail(workspace, created.indicator_id)

    undone = revert_change(workspace=workspace, change=created)
    assert undone.kind is ChangeKind.DELETE
    assert list_indicator_rows(workspace=workspace) == []

    redone = revert_change(workspace=workspace, change=undone)
    assert (redone.kind, redone.indicator_id) == (ChangeKind.CREATE, created.indicator_id)
    assert detail(workspace, created.indicator_id) == original


def test_an_undo_stack_undoes_and_redoes_a_series_on_the_same_rows(
    workspace: Workspace, indicator_id: int
) -> None:
    """As the UI's undo stack will: it keeps the latest version of each row it has been told."""
    ident = indicator_id
    known: dict[tuple[ChangeSubject, object], int | None] = {}

    def key(change: IndicatorChange) -> tuple[ChangeSubject, object]:
        return change.subject, change.period or change.year

    def remember(change: IndicatorChange) -> IndicatorChange:
        known[key(change)] = change.version
        return change

    original = comparable(detail(workspace, ident), row_ids=False)
    q1 = value_row_version(workspace, ident, Q1)
    stack = [
        remember(
            update_indicator(
                workspace=workspace, indicator_id=ident, expected_version=1, changes={"name": "A"}
            )
        ),
        remember(
            update_indicator(
                workspace=workspace, indicator_id=ident, expected_version=2, changes={"owner": "B"}
            )
        ),
        remember(
            set_indicator_value(
                workspace=workspace,
                indicator_id=ident,
                period=Q2,
                changes={"value": 2000},
                expected_version=None,
            )
        ),
        remember(
            set_indicator_value(
                workspace=workspace,
                indicator_id=ident,
                period=Q2,
                changes={"value": 2001, "provisional": True},
                expected_version=1,
            )
        ),
        remember(
            set_indicator_value(
                workspace=workspace,
                indicator_id=ident,
                period=Q1,
                changes={"value": 1},
                expected_version=q1,
            )
        ),
        remember(retire_indicator(workspace=workspace, indicator_id=ident, expected_version=3)),
    ]
    final = comparable(detail(workspace, ident), row_ids=False)

    undone = [
        remember(
            revert_change(workspace=workspace, change=change, expected_version=known[key(change)])
        )
        for change in reversed(stack)
    ]
    assert comparable(detail(workspace, ident), row_ids=False) == original

    for change in reversed(undone):
        remember(
            revert_change(workspace=workspace, change=change, expected_version=known[key(change)])
        )
    assert comparable(detail(workspace, ident), row_ids=False) == final
    # Every step was audited, undo and redo included: 6 changes, 6 undos, 6 redos.
    assert len(list_audit(workspace=workspace)) == 18 + 7


# ------------------------------------------------------------------ property-based round trips

_ONE_LINE = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20
).filter(str.strip)
_ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
_FIGURE = st.none() | st.floats(
    min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False
)
_ROUND_TRIP = settings(
    max_examples=25,
    deadline=None,
    # Each example restores the database it found: that is the property under test.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

draft_changes = st.fixed_dictionaries(
    {},
    optional={
        "ref": st.sampled_from(["CLA-01", "cla-1a", "Ω-7"]),
        "name": _ONE_LINE,
        "theme": st.sampled_from(["Start Well", "Age Well"]),
        "unit": st.sampled_from(Unit),
        "polarity": st.sampled_from(Polarity),
        "frequency": st.sampled_from(Frequency),
        "measure_type": st.sampled_from(MeasureType),
        "decimals": st.integers(min_value=0, max_value=4),
        "tolerance": st.none() | st.floats(min_value=0, max_value=100),
        "tolerance_kind": st.sampled_from(ToleranceKind),
        "lead_service": _ONE_LINE,
        "owner": st.just("") | _ONE_LINE,
        "definition": _ANY_TEXT,
        "notes": _ANY_TEXT,
    },
)

value_changes = st.fixed_dictionaries(
    {},
    optional={
        "value": _FIGURE,
        "numerator": _FIGURE,
        "denominator": st.none() | st.floats(min_value=0.5, max_value=1e9),
        "target": _FIGURE,
        "floor": _FIGURE,
        "england": _FIGURE,
        "region": _FIGURE,
        "statistical_neighbours": _FIGURE,
        "provisional": st.booleans(),
        "status_symbol": st.sampled_from([None, "", "P", *STATUS_SYMBOLS]),
        "commentary": _ANY_TEXT,
        "data_as_at": st.none() | st.dates(),
        "is_sample": st.booleans(),
    },
)

target_changes = st.fixed_dictionaries(
    {},
    optional={
        "target": _FIGURE,
        "floor": _FIGURE,
        "tolerance": st.none() | st.floats(min_value=0, max_value=100),
        "tolerance_kind": st.none() | st.sampled_from(ToleranceKind),
    },
)


def _undo_and_redo(workspace: Workspace, ident: int, change: IndicatorChange) -> None:
    """Undo ``change`` and check; redo and check; undo again to leave things as they were."""
    changed = comparable(detail(workspace, ident), row_ids=False)
    undone = revert_change(workspace=workspace, change=change)
    original = comparable(detail(workspace, ident), row_ids=False)
    redone = revert_change(workspace=workspace, change=undone)
    assert comparable(detail(workspace, ident), row_ids=False) == changed
    revert_change(workspace=workspace, change=redone)
    assert comparable(detail(workspace, ident), row_ids=False) == original


@_ROUND_TRIP
@given(changes=draft_changes)
def test_any_indicator_update_is_undone_exactly(
    workspace: Workspace, indicator_id: int, changes: dict[str, object]
) -> None:
    original = comparable(detail(workspace, indicator_id))

    change = update_indicator(
        workspace=workspace,
        indicator_id=indicator_id,
        expected_version=detail(workspace, indicator_id).version,
        changes=changes,
    )
    _undo_and_redo(workspace, indicator_id, change)

    assert comparable(detail(workspace, indicator_id)) == original


@_ROUND_TRIP
@given(
    period=st.sampled_from([Quarter(2016, 4), Q1, Q2]),
    changes=value_changes,
)
def test_any_value_edit_is_undone_exactly(
    workspace: Workspace, indicator_id: int, period: Quarter, changes: dict[str, object]
) -> None:
    original = comparable(detail(workspace, indicator_id))
    rows = {row.period: row for row in detail(workspace, indicator_id).values}
    current = rows.get(period)

    change = set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=period,
        changes=changes,
        expected_version=None if current is None else current.version,
    )
    _undo_and_redo(workspace, indicator_id, change)

    assert comparable(detail(workspace, indicator_id)) == original


@_ROUND_TRIP
@given(year=st.sampled_from([2017, 2018]), changes=target_changes)
def test_any_target_edit_is_undone_exactly(
    workspace: Workspace, indicator_id: int, year: int, changes: dict[str, object]
) -> None:
    original = comparable(detail(workspace, indicator_id))
    rows = {row.year: row for row in detail(workspace, indicator_id).targets}
    current = rows.get(year)

    change = set_indicator_target(
        workspace=workspace,
        indicator_id=indicator_id,
        year=year,
        changes=changes,
        expected_version=None if current is None else current.version,
    )
    _undo_and_redo(workspace, indicator_id, change)

    assert comparable(detail(workspace, indicator_id)) == original


@_ROUND_TRIP
@given(period=st.sampled_from([Quarter(2016, 4), Q1]), year=st.just(2017))
def test_deleting_a_value_or_target_is_undone_exactly(
    workspace: Workspace, indicator_id: int, period: Quarter, year: int
) -> None:
    original = comparable(detail(workspace, indicator_id), row_ids=False)

    value = delete_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=period,
        expected_version=value_row_version(workspace, indicator_id, period),
    )
    _undo_and_redo(workspace, indicator_id, value)
    (target,) = detail(workspace, indicator_id).targets
    deleted_target = delete_indicator_target(
        workspace=workspace, indicator_id=indicator_id, year=year, expected_version=target.version
    )
    _undo_and_redo(workspace, indicator_id, deleted_target)

    assert comparable(detail(workspace, indicator_id), row_ids=False) == original


def test_retired_indicators_are_listed_for_restoring(demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    try:
        (row, *_) = list_indicator_rows(workspace=workspace)
        detail = get_indicator_detail(workspace=workspace, indicator_id=row.id)
        assert list_retired_indicators(workspace=workspace) == []
        retire_indicator(workspace=workspace, indicator_id=row.id, expected_version=detail.version)
        (retired,) = list_retired_indicators(workspace=workspace)
    finally:
        workspace.close()

    assert (retired.id, retired.ref, retired.retired) == (row.id, row.ref, True)
