"""Editing indicators, their quarterly values and their per-year targets.

Every mutation here is keyword-only, takes the workspace first, runs in one
short transaction, checks the version the caller saw (optimistic
concurrency), writes its audit entries (author ``workspace.user``) in the same
transaction, and returns an ``IndicatorChange``: which indicator changed,
which views need refreshing, the changed row's new version, and the changed
fields' old and new values. Nothing else is needed to refresh or to undo.
Each also takes ``clock`` (default ``audit.utc_now``), the time its audit
entries record; tests pass a fake one.

Errors (``services.errors``), each leaving the database as it was:
``ValidationError`` (with ``problems`` per field) for what was typed;
``ConflictError`` when someone else changed or deleted the row since the
caller read it ("CLA-01 was changed by someone else since you opened it; your
change was not saved. Reload to see theirs."); ``NotAllowedError`` for what
the rules forbid (deleting an indicator with figures); ``NotFoundError`` for
an unknown indicator id. Passing a field a function does not edit is a
programming error (``ValueError``).

Validation (``validate_*`` return the same problems the mutations refuse on,
so a form can show them beside each field before saving):
- an indicator needs a ref, unique among all indicators, retired ones too,
  ignoring capitals; a name; a theme (a new one is created after the
  existing ones, but not one that differs from an existing theme only in
  capitals); decimals 0 to 4; a tolerance of 0 or more, and at most 100 when
  it is a percent of the target. Ref, name, theme, lead service, owner and
  source are single lines, stored without surrounding spaces; definition,
  notes and commentary are kept exactly as typed.
- a value row's numbers must be finite; a denominator must be more than 0; a
  status symbol is one of x c z low u p r b e (any capitals) or none. A
  percentage outside 0–100, a numerator above its denominator for a
  percentage, and a floor on the wrong side of its target are *warnings*:
  shown, but saved (percentage changes and bad floors are real things; the
  RAG rule already says "Data only" for the latter).
- a target row's year must be a financial year the app can show; its numbers
  finite; its tolerance as an indicator's.
- a person who changes a value makes it theirs: unless the same call says
  otherwise, changing ``value`` sets ``is_sample`` False (demo figures stop
  being labelled as sample once someone has typed over them). A change of
  ``value`` therefore always carries ``is_sample`` in its ``before`` and
  ``after``, even when the flag stayed the same, so that its inverse puts the
  flag back instead of applying this rule again.

Undo. Each mutation is exactly reversible through this same public API, by
the call below, with arguments taken from the ``IndicatorChange`` it
returned (``c``) and the row's *current* version ``v`` — ``c.version`` if
nothing has touched the row since, otherwise the version the caller has
since been given (versions only ever go up, so an undo stack must track the
latest one per row, from the changes it receives):

=========================================  =====================================================
mutation                                   inverse
=========================================  =====================================================
``create_indicator``                       ``delete_indicator(indicator_id=c.indicator_id,
                                           expected_version=v)``
``update_indicator``                       ``update_indicator(indicator_id=c.indicator_id,
                                           expected_version=v, changes=c.before)``
``retire_indicator``                       ``restore_indicator(…, expected_version=v)``
``restore_indicator``                      ``retire_indicator(…, expected_version=v)``
``delete_indicator``                       ``create_indicator(draft=<c.before's draft fields>,
                                           indicator_id=c.indicator_id,
                                           retired=c.before["retired"],
                                           is_sample=c.before["is_sample"])``
``set_indicator_value`` (created)          ``delete_indicator_value(indicator_id=…,
                                           period=c.period, expected_version=v)``
``set_indicator_value`` (updated)          ``set_indicator_value(…, period=c.period,
                                           changes=c.before, expected_version=v)``
``delete_indicator_value``                 ``set_indicator_value(…, period=c.period,
                                           changes=c.before, expected_version=None)``
``set_indicator_target`` (created)         ``delete_indicator_target(…, year=c.year,
                                           expected_version=v)``
``set_indicator_target`` (updated)         ``set_indicator_target(…, year=c.year,
                                           changes=c.before, expected_version=v)``
``delete_indicator_target``                ``set_indicator_target(…, year=c.year,
                                           changes=c.before, expected_version=None)``
=========================================  =====================================================

``revert_change(workspace=…, change=c, expected_version=v)`` makes exactly that
call and returns its change, whose own inverse is the original mutation: an
undo command can keep the last change and call ``revert_change`` for both
undo and redo. The design choice is old values *in the change* (not a
snapshot query): the UI builds the inverse without reading anything, and the
inverse still goes through validation and the version check, so an undo never
overwrites someone else's later edit. A no-op (nothing differed) writes
nothing, keeps the version, and is its own inverse.

What comes back after an undo is equal to what was there before in every
field but the versions (which only go up) and, for a value or target row that
was deleted and put back, its id (such rows are addressed by indicator and
period or year, never by id). A deleted indicator comes back with its own id,
so commands further up an undo stack still find it. Two things are not
undone: a theme that a create or update added stays (themes are the
council's shared list), and audit entries are never removed (the undo is
audited too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.domain.ids import IndicatorId
from qpmr_desktop.domain.performance import Frequency, MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import MAX_YEAR, MIN_YEAR, Quarter, financial_year_label
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    ChangeSubject,
    FieldProblem,
    IndicatorChange,
    IndicatorDraft,
    Severity,
)
from qpmr_desktop.services.themes import ensure_theme
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    ActionIndicator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Theme,
)
from qpmr_desktop.storage.versioning import (
    RowVersionError,
    StaleRowError,
    delete_versioned,
    update_versioned,
)

__all__ = [
    "DRAFT_FIELDS",
    "MAX_DECIMALS",
    "STATUS_SYMBOLS",
    "TARGET_FIELDS",
    "VALUE_FIELDS",
    "IndicatorDraft",
    "create_indicator",
    "delete_indicator",
    "delete_indicator_target",
    "delete_indicator_value",
    "restore_indicator",
    "retire_indicator",
    "revert_change",
    "set_indicator_target",
    "set_indicator_value",
    "update_indicator",
    "validate_indicator_draft",
    "validate_target_changes",
    "validate_value_changes",
]

#: The fields ``update_indicator`` edits: every field of ``IndicatorDraft``.
DRAFT_FIELDS: Final = tuple(field.name for field in dataclasses.fields(IndicatorDraft))
#: The fields ``set_indicator_value`` edits (``is_sample`` so that undo can put it back).
VALUE_FIELDS: Final = (
    "value",
    "numerator",
    "denominator",
    "target",
    "floor",
    "england",
    "region",
    "statistical_neighbours",
    "provisional",
    "status_symbol",
    "commentary",
    "data_as_at",
    "is_sample",
)
#: The fields ``set_indicator_target`` edits.
TARGET_FIELDS: Final = ("target", "floor", "tolerance", "tolerance_kind")
#: The GSS data-status symbols (CONVENTIONS.md), as stored.
STATUS_SYMBOLS: Final = ("x", "c", "z", "low", "u", "p", "r", "b", "e")
MAX_DECIMALS: Final = 4

# What a whole indicator row holds beyond the draft; a deleted one is put back with them.
_ROW_FLAGS: Final = ("retired", "is_sample")
# Draft fields that show in the scorecard, and those that change how figures are judged
# or written (so the values grid and the targets must be redrawn too).
_SCORECARD_FIELDS: Final = frozenset(
    {"ref", "name", "theme", "unit", "polarity", "decimals", "tolerance", "tolerance_kind"}
)
_JUDGEMENT_FIELDS: Final = frozenset(
    {"unit", "polarity", "decimals", "tolerance", "tolerance_kind"}
)
_SCORECARD_VALUE_FIELDS: Final = frozenset({"value", "target", "floor", "commentary", "is_sample"})
_VALUE_DEFAULTS: Final[Mapping[str, object]] = MappingProxyType(
    {
        "value": None,
        "numerator": None,
        "denominator": None,
        "target": None,
        "floor": None,
        "england": None,
        "region": None,
        "statistical_neighbours": None,
        "provisional": False,
        "status_symbol": None,
        "commentary": "",
        "data_as_at": None,
        "is_sample": False,
    }
)
_TARGET_DEFAULTS: Final[Mapping[str, object]] = MappingProxyType(
    {"target": None, "floor": None, "tolerance": None, "tolerance_kind": None}
)
_NUMBER_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "value": "The value",
        "numerator": "The numerator",
        "denominator": "The denominator",
        "target": "The target",
        "floor": "The floor",
        "england": "The England figure",
        "region": "The regional figure",
        "statistical_neighbours": "The statistical neighbours' figure",
        "tolerance": "The tolerance",
    }
)
# Figures in the indicator's unit: for a percentage they should lie in 0–100.
_PERCENT_FIELDS: Final = (
    "value",
    "target",
    "floor",
    "england",
    "region",
    "statistical_neighbours",
)
_SAVED_NOT = "your change was not saved"

_E = TypeVar("_E", bound=StrEnum)


# ------------------------------------------------------------------ validation


class _Form:
    """Collects cleaned fields and the problems found while cleaning them."""

    def __init__(self) -> None:
        self.cleaned: dict[str, object] = {}
        self.problems: list[FieldProblem] = []

    def error(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field=field, message=message))

    def warn(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field=field, message=message, severity=Severity.WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)

    def line(self, field: str, value: object, *, label: str, required: str | None = None) -> None:
        """A single line of text, stored stripped; ``required`` is the message when empty."""
        if not isinstance(value, str):
            self.error(field, f"{label} must be text.")
            return
        text = value.strip()
        if required is not None and not text:
            self.error(field, required)
        elif any(character in text for character in "\r\n\t"):
            self.error(field, f"{label} must be a single line.")
        else:
            self.cleaned[field] = text

    def text(self, field: str, value: object, *, label: str) -> None:
        """Free text, kept exactly as typed."""
        if isinstance(value, str):
            self.cleaned[field] = value
        else:
            self.error(field, f"{label} must be text.")

    def choice(self, field: str, value: object, enum: type[_E], *, label: str) -> None:
        """A member of ``enum``, given as a member or its value ("percentage")."""
        member = _member(enum, value)
        if member is None:
            choices = ", ".join(item.value for item in enum)
            self.error(field, f"{label} must be one of: {choices}.")
        else:
            self.cleaned[field] = member

    def optional_choice(self, field: str, value: object, enum: type[_E], *, label: str) -> None:
        if value is None:
            self.cleaned[field] = None
        else:
            self.choice(field, value, enum, label=label)

    def number(self, field: str, value: object) -> None:
        """An optional finite number, stored as a float."""
        label = _NUMBER_LABELS[field]
        if value is None:
            self.cleaned[field] = None
            return
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.error(field, f"{label} must be a number.")
            return
        number = float(value)
        if not math.isfinite(number):
            self.error(
                field, f"{label} must be an ordinary number, not infinity or “not a number”."
            )
            return
        self.cleaned[field] = number

    def flag(self, field: str, value: object, *, label: str) -> None:
        if isinstance(value, bool):
            self.cleaned[field] = value
        else:
            self.error(field, f"{label} must be yes or no.")

    def tolerance(self, value: object, kind: object) -> None:
        """The tolerance (``tolerance``), once its kind has been cleaned (or not)."""
        self.number("tolerance", value)
        tolerance = self.cleaned.get("tolerance")
        if not isinstance(tolerance, float):
            return
        if tolerance < 0:
            self.error("tolerance", "The tolerance must be 0 or more.")
            del self.cleaned["tolerance"]
        elif kind is ToleranceKind.PERCENT and tolerance > 100:
            self.error(
                "tolerance",
                "A tolerance in percent of the target must be from 0 to 100.",
            )
            del self.cleaned["tolerance"]


def _member(enum: type[_E], value: object) -> _E | None:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            return None  # not one of the values: the caller reports it
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class _DraftContext:
    """What checking a draft needs from the database."""

    other_refs: Mapping[str, tuple[str, str]]  # casefolded ref → (ref, name), others only
    themes: tuple[str, ...]


def _draft_context(session: Session, indicator_id: int | None) -> _DraftContext:
    connection = session.connection()
    query = sa.select(col(Indicator.id), col(Indicator.ref), col(Indicator.name))
    others = {
        row.ref.casefold(): (row.ref, row.name)
        for row in connection.execute(query)
        if row.id != indicator_id
    }
    themes = tuple(
        connection.execute(
            sa.select(col(Theme.name)).order_by(col(Theme.position), col(Theme.name))
        ).scalars()
    )
    return _DraftContext(other_refs=others, themes=themes)


def _check_draft(draft: IndicatorDraft, context: _DraftContext) -> _Form:
    form = _Form()
    form.line("ref", draft.ref, label="The ref", required="Give the indicator a ref.")
    form.line("name", draft.name, label="The name", required="Give the indicator a name.")
    form.line("theme", draft.theme, label="The theme", required="Choose or type a theme.")
    form.choice("unit", draft.unit, Unit, label="The unit")
    form.choice("polarity", draft.polarity, Polarity, label="The polarity")
    form.choice("frequency", draft.frequency, Frequency, label="The frequency")
    form.choice("measure_type", draft.measure_type, MeasureType, label="The measure type")
    form.choice("tolerance_kind", draft.tolerance_kind, ToleranceKind, label="The tolerance kind")
    decimals = draft.decimals
    if (
        isinstance(decimals, int)
        and not isinstance(decimals, bool)
        and 0 <= decimals <= MAX_DECIMALS
    ):
        form.cleaned["decimals"] = decimals
    else:
        form.error("decimals", f"Decimal places must be a whole number from 0 to {MAX_DECIMALS}.")
    form.tolerance(draft.tolerance, form.cleaned.get("tolerance_kind"))
    for field, label in (
        ("lead_service", "The lead service"),
        ("owner", "The owner"),
        ("source", "The data source"),
    ):
        form.line(field, getattr(draft, field), label=label)
    form.text("definition", draft.definition, label="The definition")
    form.text("notes", draft.notes, label="The notes")

    ref = form.cleaned.get("ref")
    if isinstance(ref, str) and ref.casefold() in context.other_refs:
        other_ref, other_name = context.other_refs[ref.casefold()]
        form.error(
            "ref",
            f"Another indicator, {other_ref} “{other_name}”, already has this ref; each "
            "indicator needs its own (a difference in capitals does not count).",
        )
    theme = form.cleaned.get("theme")
    if isinstance(theme, str) and theme not in context.themes:
        same = [known for known in context.themes if known.casefold() == theme.casefold()]
        if same:
            form.error(
                "theme",
                f"There is already a theme “{same[0]}”: choose it, or name the new theme "
                "differently.",
            )
    if (
        form.cleaned.get("polarity") is Polarity.NO_JUDGEMENT
        and form.cleaned.get("tolerance") is not None
    ):
        form.warn(
            "tolerance",
            "An indicator with no judgement is never rated, so the tolerance is not used.",
        )
    # In the form's order, so problems list top to bottom and changes read naturally.
    order = {name: index for index, name in enumerate(DRAFT_FIELDS)}
    form.cleaned = {name: form.cleaned[name] for name in DRAFT_FIELDS if name in form.cleaned}
    form.problems.sort(key=lambda problem: order.get(problem.field, len(order)))
    return form


def _check_value_changes(
    changes: Mapping[str, object], *, unit: Unit, polarity: Polarity, merged: Mapping[str, object]
) -> _Form:
    """Clean ``changes`` to a value row; cross-field warnings look at the ``merged`` row."""
    form = _Form()
    for field, value in changes.items():
        _clean_value_field(form, field, value)
    denominator = form.cleaned.get("denominator")
    if isinstance(denominator, float) and denominator <= 0:
        form.error("denominator", "The denominator must be more than 0.")
        del form.cleaned["denominator"]
    row = {**merged, **form.cleaned}
    if unit is Unit.PERCENTAGE:
        for field in _PERCENT_FIELDS:
            number = form.cleaned.get(field)
            if isinstance(number, float) and not 0 <= number <= 100:
                form.warn(
                    field,
                    f"{_NUMBER_LABELS[field]} {number:g} is outside 0–100%; check that it is a "
                    "percentage (62.5 means 62.5%).",
                )
        numerator, denominator = row.get("numerator"), row.get("denominator")
        if (
            {"numerator", "denominator"} & set(form.cleaned)
            and isinstance(numerator, float)
            and isinstance(denominator, float)
            and numerator > denominator
        ):
            form.warn("numerator", "The numerator is more than the denominator: over 100%.")
    if {"target", "floor"} & set(form.cleaned):
        _warn_floor_side(form, row, polarity)
    return form


def _clean_value_field(form: _Form, field: str, value: object) -> None:
    if field in _NUMBER_LABELS:
        form.number(field, value)
    elif field in {"provisional", "is_sample"}:
        form.flag(field, value, label="Provisional" if field == "provisional" else "Sample")
    elif field == "status_symbol":
        _clean_status_symbol(form, value)
    elif field == "commentary":
        form.text(field, value, label="The commentary")
    elif value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        form.cleaned[field] = value  # data_as_at
    else:
        form.error(field, "“Data as at” must be a date.")


def _clean_status_symbol(form: _Form, value: object) -> None:
    if value is None:
        form.cleaned["status_symbol"] = None
        return
    if isinstance(value, str):
        symbol = value.strip().lower()
        if not symbol:
            form.cleaned["status_symbol"] = None
            return
        if symbol in STATUS_SYMBOLS:
            form.cleaned["status_symbol"] = symbol
            return
    form.error(
        "status_symbol",
        "The status must be one of x (not available), c (suppressed), z (not applicable), "
        "low (rounds to zero), u (low reliability), p (provisional), r (revised), "
        "b (break in series), e (estimated), or none.",
    )


def _warn_floor_side(form: _Form, row: Mapping[str, object], polarity: Polarity) -> None:
    target, floor = row.get("target"), row.get("floor")
    if not isinstance(target, float) or not isinstance(floor, float):
        return
    if polarity is Polarity.LOWER_IS_BETTER and floor < target:
        form.warn(
            "floor",
            "For a lower-is-better indicator the floor (a ceiling) should be above the target.",
        )
    elif polarity in (Polarity.HIGHER_IS_BETTER, Polarity.WITHIN_RANGE) and floor > target:
        what = "the lower bound" if polarity is Polarity.WITHIN_RANGE else "the floor"
        form.warn("floor", f"{what[:1].upper()}{what[1:]} should not be above the target.")


def _check_year(year: object) -> list[FieldProblem]:
    if isinstance(year, int) and not isinstance(year, bool) and MIN_YEAR <= year <= MAX_YEAR:
        return []
    message = f"The year must be a financial year starting in {MIN_YEAR} to {MAX_YEAR}."
    return [FieldProblem(field="year", message=message)]


def _check_target_changes(
    changes: Mapping[str, object], *, indicator: sa.Row[Any], merged: Mapping[str, object]
) -> _Form:
    """Clean ``changes`` to a target row; cross-field checks look at the ``merged`` row."""
    form = _Form()
    if "tolerance_kind" in changes:
        form.optional_choice(
            "tolerance_kind", changes["tolerance_kind"], ToleranceKind, label="The tolerance kind"
        )
    for field in ("target", "floor"):
        if field in changes:
            form.number(field, changes[field])
    row = {**merged, **form.cleaned}
    if "tolerance" in changes or "tolerance_kind" in form.cleaned:
        # A new kind can make the stored tolerance wrong (150 is no percentage):
        # the pair is checked together, whichever of them changed.
        kind = row.get("tolerance_kind") or ToleranceKind(indicator.tolerance_kind)
        form.tolerance(changes.get("tolerance", merged.get("tolerance")), kind)
        row = {**merged, **form.cleaned}
    if row.get("tolerance_kind") is not None and row.get("tolerance") is None:
        form.warn(
            "tolerance_kind",
            "A tolerance kind without a tolerance for the year is not used: the indicator's "
            "tolerance applies.",
        )
    if {"target", "floor"} & set(form.cleaned):
        _warn_floor_side(form, row, Polarity(indicator.polarity))
    return form


def validate_indicator_draft(
    *, workspace: Workspace, draft: IndicatorDraft, indicator_id: int | None = None
) -> list[FieldProblem]:
    """Every problem with ``draft`` (errors and warnings), for the indicator ``indicator_id``.

    ``indicator_id`` is None for a new indicator; otherwise its own ref does
    not count as taken.
    """
    with workspace.database.session() as session:
        context = _draft_context(session, indicator_id)
    return _check_draft(draft, context).problems


def validate_value_changes(
    *,
    workspace: Workspace,
    indicator_id: int,
    changes: Mapping[str, object],
    period: Quarter | None = None,
) -> list[FieldProblem]:
    """Every problem with ``changes`` to one of the indicator's value rows, field by field.

    With ``period``, warnings that compare fields (a floor beside its target) also
    look at what that period's row holds now.
    """
    _check_fields(changes, VALUE_FIELDS, "set_indicator_value")
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = None if period is None else _find_value(session, indicator_id, period)
    return _check_value_changes(
        changes,
        unit=Unit(indicator.unit),
        polarity=Polarity(indicator.polarity),
        merged=_VALUE_DEFAULTS if current is None else _fields(current, VALUE_FIELDS),
    ).problems


def validate_target_changes(
    *, workspace: Workspace, indicator_id: int, year: int, changes: Mapping[str, object]
) -> list[FieldProblem]:
    """Every problem with ``changes`` to the indicator's targets for ``year``."""
    _check_fields(changes, TARGET_FIELDS, "set_indicator_target")
    year_problems = _check_year(year)
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = None if year_problems else _find_target(session, indicator_id, year)
    merged = _TARGET_DEFAULTS if current is None else _fields(current, TARGET_FIELDS)
    form = _check_target_changes(changes, indicator=indicator, merged=merged)
    return year_problems + form.problems


# ------------------------------------------------------------------ indicators


def create_indicator(
    *,
    workspace: Workspace,
    draft: IndicatorDraft,
    indicator_id: int | None = None,
    retired: bool = False,
    is_sample: bool = False,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Add an indicator (and its theme if new). Inverse: ``delete_indicator``.

    ``indicator_id``, ``retired`` and ``is_sample`` are for putting back a
    deleted indicator exactly (the inverse of ``delete_indicator``); a form
    leaves them out. An ``indicator_id`` that is taken raises ``ConflictError``.
    """
    with workspace.database.session() as session:
        form = _check_draft(draft, _draft_context(session, indicator_id))
        if form.has_errors:
            raise ValidationError(_draft_subject(draft), form.problems)
        fields = {**form.cleaned, "retired": retired, "is_sample": is_sample}
        ref = str(fields["ref"])
        if indicator_id is not None and _indicator_exists(session, indicator_id):
            raise ConflictError(
                f"{ref} could not be put back: another indicator has taken its place (id "
                f"{indicator_id}) meanwhile. Add it again as a new indicator.",
                table=Indicator.__tablename__,
                row_id=indicator_id,
                expected_version=None,
                actual_version=None,
            )
        themes_changed = _ensure_theme(session, str(fields["theme"]), workspace.user, clock)
        identity = {} if indicator_id is None else {"id": indicator_id}
        # Validation saw the ref free; only someone saving the same ref in the
        # same instant (on a server database) can take it before the insert.
        taken = ConflictError(
            f"Someone else has just saved an indicator with the ref {ref}; {_SAVED_NOT}. "
            "Reload, and choose another ref.",
            table=Indicator.__tablename__,
            row_id=indicator_id,
            expected_version=None,
            actual_version=None,
        )
        new_id = _insert(session, Indicator, {**identity, **fields, "version": 1}, taken)
        record_audit(
            session,
            who=workspace.user,
            table=Indicator.__tablename__,
            row_id=new_id,
            change=ChangeKind.CREATE.value,
            details={"ref": ref, "fields": field_changes({}, fields)},
            clock=clock,
        )
    return _indicator_change(
        ChangeKind.CREATE,
        indicator_id=new_id,
        ref=ref,
        version=1,
        before={},
        after=fields,
        themes_changed=themes_changed,
    )


def update_indicator(
    *,
    workspace: Workspace,
    indicator_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Change some of an indicator's draft fields. Inverse: the same with ``changes=c.before``.

    ``changes`` maps field names of ``IndicatorDraft`` to new values; the whole
    resulting draft is validated. Fields whose value does not change are left
    out of the change; if none changes, nothing is written (a no-op).
    """
    _check_fields(changes, DRAFT_FIELDS, "update_indicator")
    with workspace.database.session() as session:
        row = _load_indicator(session, indicator_id)
        _check_version(row.version, expected_version, _indicator_conflict(row.ref, indicator_id))
        current = _fields(row, DRAFT_FIELDS)
        draft = _draft_of({**current, **changes})
        form = _check_draft(draft, _draft_context(session, indicator_id))
        if form.has_errors:
            raise ValidationError(row.ref, form.problems)
        before, after = _differences(current, form.cleaned)
        ref = str(form.cleaned["ref"])
        if not after:
            return _indicator_change(
                ChangeKind.UPDATE, indicator_id=indicator_id, ref=ref, version=row.version
            )
        themes_changed = "theme" in after and _ensure_theme(
            session, str(after["theme"]), workspace.user, clock
        )
        version = _versioned_update(
            session,
            Indicator,
            indicator_id,
            expected_version=expected_version,
            changes=after,
            conflict=_indicator_conflict(row.ref, indicator_id),
        )
        record_audit(
            session,
            who=workspace.user,
            table=Indicator.__tablename__,
            row_id=indicator_id,
            change=ChangeKind.UPDATE.value,
            details={"ref": ref, "fields": field_changes(before, after)},
            clock=clock,
        )
    changed = set(after)
    return _indicator_change(
        ChangeKind.UPDATE,
        indicator_id=indicator_id,
        ref=ref,
        version=version,
        before=before,
        after=after,
        scorecard_changed=bool(changed & _SCORECARD_FIELDS),
        values_changed=bool(changed & _JUDGEMENT_FIELDS),
        targets_changed=bool(changed & _JUDGEMENT_FIELDS),
        themes_changed=themes_changed,
    )


def retire_indicator(
    *, workspace: Workspace, indicator_id: int, expected_version: int, clock: Clock = utc_now
) -> IndicatorChange:
    """Take an indicator off the scorecard, keeping its history. Inverse: ``restore_indicator``."""
    return _set_retired(workspace, indicator_id, expected_version, retired=True, clock=clock)


def restore_indicator(
    *, workspace: Workspace, indicator_id: int, expected_version: int, clock: Clock = utc_now
) -> IndicatorChange:
    """Put a retired indicator back on the scorecard. Inverse: ``retire_indicator``."""
    return _set_retired(workspace, indicator_id, expected_version, retired=False, clock=clock)


def delete_indicator(
    *, workspace: Workspace, indicator_id: int, expected_version: int, clock: Clock = utc_now
) -> IndicatorChange:
    """Delete an indicator that has nothing attached. Inverse: ``create_indicator`` (see module).

    Refused with ``NotAllowedError`` when it has figures (an indicator's
    history is kept: retire it instead), per-year targets, or actions it
    evidences (delete or unlink those first), so that the deletion loses
    nothing that its inverse could not put back.
    """
    with workspace.database.session() as session:
        row = _load_indicator(session, indicator_id)
        conflict = _indicator_conflict(row.ref, indicator_id)
        _check_version(row.version, expected_version, conflict)
        _refuse_deletion_with_children(session, row)
        before = _fields(row, (*DRAFT_FIELDS, *_ROW_FLAGS))
        _versioned_delete(
            session, Indicator, indicator_id, expected_version=expected_version, conflict=conflict
        )
        record_audit(
            session,
            who=workspace.user,
            table=Indicator.__tablename__,
            row_id=indicator_id,
            change=ChangeKind.DELETE.value,
            details={"ref": row.ref, "fields": field_changes(before, {})},
            clock=clock,
        )
    return _indicator_change(
        ChangeKind.DELETE,
        indicator_id=indicator_id,
        ref=row.ref,
        version=None,
        before=before,
        after={},
    )


def _set_retired(
    workspace: Workspace,
    indicator_id: int,
    expected_version: int,
    *,
    retired: bool,
    clock: Clock,
) -> IndicatorChange:
    kind = ChangeKind.RETIRE if retired else ChangeKind.RESTORE
    with workspace.database.session() as session:
        row = _load_indicator(session, indicator_id)
        conflict = _indicator_conflict(row.ref, indicator_id)
        _check_version(row.version, expected_version, conflict)
        if row.retired == retired:
            state = "retired" if retired else "in use (not retired)"
            raise NotAllowedError(f"{row.ref} is already {state}.")
        before, after = {"retired": row.retired}, {"retired": retired}
        version = _versioned_update(
            session,
            Indicator,
            indicator_id,
            expected_version=expected_version,
            changes=after,
            conflict=conflict,
        )
        record_audit(
            session,
            who=workspace.user,
            table=Indicator.__tablename__,
            row_id=indicator_id,
            change=kind.value,
            details={"ref": row.ref, "fields": field_changes(before, after)},
            clock=clock,
        )
    return _indicator_change(
        kind, indicator_id=indicator_id, ref=row.ref, version=version, before=before, after=after
    )


def _refuse_deletion_with_children(session: Session, row: sa.Row[Any]) -> None:
    connection = session.connection()
    value_count = connection.execute(
        sa.select(sa.func.count())
        .select_from(IndicatorValue)
        .where(col(IndicatorValue.indicator_id) == row.id)
    ).scalar_one()
    if value_count:
        periods = "one period" if value_count == 1 else f"{value_count} periods"
        raise NotAllowedError(
            f"{row.ref} has figures for {periods}, so it cannot be deleted: an indicator's "
            "history is kept. Retire it instead."
        )
    years = list(
        connection.execute(
            sa.select(col(IndicatorTarget.year))
            .where(col(IndicatorTarget.indicator_id) == row.id)
            .order_by(col(IndicatorTarget.year))
        ).scalars()
    )
    if years:
        labels = _and_join([financial_year_label(year) for year in years])
        raise NotAllowedError(
            f"{row.ref} has targets for {labels}; delete them first, or retire the indicator."
        )
    action_count = connection.execute(
        sa.select(sa.func.count())
        .select_from(ActionIndicator)
        .where(col(ActionIndicator.indicator_id) == row.id)
    ).scalar_one()
    if action_count:
        actions = "an action" if action_count == 1 else f"{action_count} actions"
        raise NotAllowedError(
            f"{row.ref} is evidence for {actions}; unlink it from them first, or retire it."
        )


# ------------------------------------------------------------------ values


def set_indicator_value(
    *,
    workspace: Workspace,
    indicator_id: int,
    period: Quarter,
    changes: Mapping[str, object],
    expected_version: int | None,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Create (``expected_version`` None) or change the indicator's row for ``period``.

    ``changes`` maps ``VALUE_FIELDS`` to new values; a new row starts empty
    (no figures, final, no symbol, no commentary). Inverse: see the module.
    ``expected_version`` None when a row exists, or a version when none does,
    is a ``ConflictError`` (someone else added or deleted it meanwhile).
    """
    _check_fields(changes, VALUE_FIELDS, "set_indicator_value")
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = _find_value(session, indicator_id, period)
        place = f"{indicator.ref} in {period.label}"
        conflict = _Conflict(
            changed=f"The figures for {place} were changed by someone else since you opened "
            f"them; {_SAVED_NOT}. Reload to see theirs.",
            gone=f"The figures for {place} were deleted by someone else since you opened "
            f"them; {_SAVED_NOT}. Reload to see the current figures.",
            appeared=f"Someone else entered figures for {place} since you opened them; "
            f"{_SAVED_NOT}. Reload to see theirs.",
            table=IndicatorValue.__tablename__,
        )
        _check_presence(current, expected_version, conflict)
        merged = _VALUE_DEFAULTS if current is None else _fields(current, VALUE_FIELDS)
        form = _check_value_changes(
            changes,
            unit=Unit(indicator.unit),
            polarity=Polarity(indicator.polarity),
            merged=merged,
        )
        if form.has_errors:
            raise ValidationError(f"The figures for {place}", form.problems)
        cleaned = form.cleaned
        if (
            current is not None
            and "is_sample" not in changes
            and "value" in cleaned
            and cleaned["value"] != current.value
        ):
            cleaned["is_sample"] = False  # typed over by a person: no longer sample
        if current is None:
            after = {**_VALUE_DEFAULTS, **cleaned}
            row_id = _insert(
                session,
                IndicatorValue,
                {
                    "indicator_id": indicator_id,
                    "year": period.year,
                    "quarter": period.quarter,
                    **after,
                    "version": 1,
                },
                conflict.appeared_error(None),
            )
            before: dict[str, object] = {}
            version = 1
            kind = ChangeKind.CREATE
        else:
            before, after = _differences(merged, cleaned)
            if "value" in after:
                # The sample flag travels with every change of the value, even
                # unchanged, so that the inverse (which changes the value back)
                # says what the flag must be instead of triggering the rule above.
                before["is_sample"] = merged["is_sample"]
                after["is_sample"] = cleaned.get("is_sample", merged["is_sample"])
            row_id = current.id
            if not after:
                return _row_change(
                    ChangeKind.UPDATE,
                    ChangeSubject.VALUE,
                    indicator,
                    row_id,
                    current.version,
                    period=period,
                )
            assert expected_version is not None  # _check_presence saw to it
            version = _versioned_update(
                session,
                IndicatorValue,
                row_id,
                expected_version=expected_version,
                changes=after,
                conflict=conflict.for_row(row_id),
            )
            kind = ChangeKind.UPDATE
        record_audit(
            session,
            who=workspace.user,
            table=IndicatorValue.__tablename__,
            row_id=row_id,
            change=kind.value,
            details={
                "indicator_id": indicator_id,
                "ref": indicator.ref,
                "period": period.label,
                "fields": field_changes(before, after),
            },
            clock=clock,
        )
    return _row_change(
        kind,
        ChangeSubject.VALUE,
        indicator,
        row_id,
        version,
        period=period,
        before=before,
        after=after,
        scorecard_changed=kind is ChangeKind.CREATE or bool(set(after) & _SCORECARD_VALUE_FIELDS),
    )


def delete_indicator_value(
    *,
    workspace: Workspace,
    indicator_id: int,
    period: Quarter,
    expected_version: int,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Delete the indicator's row for ``period``. Inverse: ``set_indicator_value(…,
    changes=c.before, expected_version=None)``."""
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = _find_value(session, indicator_id, period)
        place = f"{indicator.ref} in {period.label}"
        conflict = _Conflict(
            changed=f"The figures for {place} were changed by someone else since you opened "
            f"them; {_SAVED_NOT}. Reload to see theirs.",
            gone=f"The figures for {place} were deleted by someone else since you opened "
            f"them; {_SAVED_NOT}.",
            appeared="",
            table=IndicatorValue.__tablename__,
        )
        _check_presence(current, expected_version, conflict)
        assert current is not None  # _check_presence saw to it
        before = _fields(current, VALUE_FIELDS)
        _versioned_delete(
            session,
            IndicatorValue,
            current.id,
            expected_version=expected_version,
            conflict=conflict.for_row(current.id),
        )
        record_audit(
            session,
            who=workspace.user,
            table=IndicatorValue.__tablename__,
            row_id=current.id,
            change=ChangeKind.DELETE.value,
            details={
                "indicator_id": indicator_id,
                "ref": indicator.ref,
                "period": period.label,
                "fields": field_changes(before, {}),
            },
            clock=clock,
        )
    return _row_change(
        ChangeKind.DELETE,
        ChangeSubject.VALUE,
        indicator,
        current.id,
        None,
        period=period,
        before=before,
        after={},
        scorecard_changed=True,
    )


# ------------------------------------------------------------------ per-year targets


def set_indicator_target(
    *,
    workspace: Workspace,
    indicator_id: int,
    year: int,
    changes: Mapping[str, object],
    expected_version: int | None,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Create (``expected_version`` None) or change the indicator's targets for ``year``.

    ``year`` is the year the financial year starts in (2017 for 2017/18);
    ``changes`` maps ``TARGET_FIELDS`` to new values, None meaning "not set
    for this year" (for the tolerance and its kind: the indicator's apply).
    Inverse: see the module.
    """
    _check_fields(changes, TARGET_FIELDS, "set_indicator_target")
    year_problems = _check_year(year)
    if year_problems:
        raise ValidationError("The targets", year_problems)
    label = financial_year_label(year)
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = _find_target(session, indicator_id, year)
        place = f"the {label} targets for {indicator.ref}"
        conflict = _Conflict(
            changed=f"The {label} targets for {indicator.ref} were changed by someone else "
            f"since you opened them; {_SAVED_NOT}. Reload to see theirs.",
            gone=f"The {label} targets for {indicator.ref} were deleted by someone else "
            f"since you opened them; {_SAVED_NOT}. Reload to see the current targets.",
            appeared=f"Someone else set {place} since you opened them; {_SAVED_NOT}. "
            "Reload to see theirs.",
            table=IndicatorTarget.__tablename__,
        )
        _check_presence(current, expected_version, conflict)
        merged = _TARGET_DEFAULTS if current is None else _fields(current, TARGET_FIELDS)
        form = _check_target_changes(changes, indicator=indicator, merged=merged)
        if form.has_errors:
            raise ValidationError(f"The {label} targets for {indicator.ref}", form.problems)
        if current is None:
            after = {**_TARGET_DEFAULTS, **form.cleaned}
            row_id = _insert(
                session,
                IndicatorTarget,
                {"indicator_id": indicator_id, "year": year, **after, "version": 1},
                conflict.appeared_error(None),
            )
            before: dict[str, object] = {}
            version = 1
            kind = ChangeKind.CREATE
        else:
            before, after = _differences(merged, form.cleaned)
            row_id = current.id
            if not after:
                return _row_change(
                    ChangeKind.UPDATE,
                    ChangeSubject.TARGET,
                    indicator,
                    row_id,
                    current.version,
                    year=year,
                )
            assert expected_version is not None  # _check_presence saw to it
            version = _versioned_update(
                session,
                IndicatorTarget,
                row_id,
                expected_version=expected_version,
                changes=after,
                conflict=conflict.for_row(row_id),
            )
            kind = ChangeKind.UPDATE
        record_audit(
            session,
            who=workspace.user,
            table=IndicatorTarget.__tablename__,
            row_id=row_id,
            change=kind.value,
            details={
                "indicator_id": indicator_id,
                "ref": indicator.ref,
                "year": label,
                "fields": field_changes(before, after),
            },
            clock=clock,
        )
    return _row_change(
        kind,
        ChangeSubject.TARGET,
        indicator,
        row_id,
        version,
        year=year,
        before=before,
        after=after,
        scorecard_changed=True,
    )


def delete_indicator_target(
    *,
    workspace: Workspace,
    indicator_id: int,
    year: int,
    expected_version: int,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Delete the indicator's targets for ``year``. Inverse: ``set_indicator_target(…,
    changes=c.before, expected_version=None)``."""
    with workspace.database.session() as session:
        indicator = _load_indicator(session, indicator_id)
        current = _find_target(session, indicator_id, year)
        label = financial_year_label(year)
        place = f"The {label} targets for {indicator.ref}"
        conflict = _Conflict(
            changed=f"{place} were changed by someone else since you opened them; "
            f"{_SAVED_NOT}. Reload to see theirs.",
            gone=f"{place} were deleted by someone else since you opened them; {_SAVED_NOT}.",
            appeared="",
            table=IndicatorTarget.__tablename__,
        )
        _check_presence(current, expected_version, conflict)
        assert current is not None  # _check_presence saw to it
        before = _fields(current, TARGET_FIELDS)
        _versioned_delete(
            session,
            IndicatorTarget,
            current.id,
            expected_version=expected_version,
            conflict=conflict.for_row(current.id),
        )
        record_audit(
            session,
            who=workspace.user,
            table=IndicatorTarget.__tablename__,
            row_id=current.id,
            change=ChangeKind.DELETE.value,
            details={
                "indicator_id": indicator_id,
                "ref": indicator.ref,
                "year": label,
                "fields": field_changes(before, {}),
            },
            clock=clock,
        )
    return _row_change(
        ChangeKind.DELETE,
        ChangeSubject.TARGET,
        indicator,
        current.id,
        None,
        year=year,
        before=before,
        after={},
        scorecard_changed=True,
    )


# ------------------------------------------------------------------ undo


def revert_change(
    *,
    workspace: Workspace,
    change: IndicatorChange,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> IndicatorChange:
    """Apply the inverse of ``change`` (the table in the module docstring); its change.

    ``expected_version`` is the changed row's current version, when something
    has changed it since ``change`` was made (an undo stack tracks it);
    by default ``change.version``. It is not used to undo a deletion.
    """
    if not change.changed:
        return change  # a no-op is its own inverse
    version = change.version if expected_version is None else expected_version
    ident = change.indicator_id
    if change.subject is ChangeSubject.INDICATOR:
        return _revert_indicator(workspace, change, version, clock)
    if change.subject is ChangeSubject.VALUE:
        assert change.period is not None  # every value change names its period
        if change.kind is ChangeKind.CREATE:
            return delete_indicator_value(
                workspace=workspace,
                indicator_id=ident,
                period=change.period,
                expected_version=_known(version),
                clock=clock,
            )
        return set_indicator_value(
            workspace=workspace,
            indicator_id=ident,
            period=change.period,
            changes=change.before,
            expected_version=None if change.kind is ChangeKind.DELETE else _known(version),
            clock=clock,
        )
    assert change.year is not None  # every target change names its year
    if change.kind is ChangeKind.CREATE:
        return delete_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=change.year,
            expected_version=_known(version),
            clock=clock,
        )
    return set_indicator_target(
        workspace=workspace,
        indicator_id=ident,
        year=change.year,
        changes=change.before,
        expected_version=None if change.kind is ChangeKind.DELETE else _known(version),
        clock=clock,
    )


def _revert_indicator(
    workspace: Workspace, change: IndicatorChange, version: int | None, clock: Clock
) -> IndicatorChange:
    ident = change.indicator_id
    if change.kind is ChangeKind.DELETE:
        before = change.before
        return create_indicator(
            workspace=workspace,
            draft=_draft_of(before),
            indicator_id=ident,
            retired=bool(before["retired"]),
            is_sample=bool(before["is_sample"]),
            clock=clock,
        )
    expected = _known(version)
    if change.kind is ChangeKind.CREATE:
        return delete_indicator(
            workspace=workspace, indicator_id=ident, expected_version=expected, clock=clock
        )
    if change.kind is ChangeKind.RETIRE:
        return restore_indicator(
            workspace=workspace, indicator_id=ident, expected_version=expected, clock=clock
        )
    if change.kind is ChangeKind.RESTORE:
        return retire_indicator(
            workspace=workspace, indicator_id=ident, expected_version=expected, clock=clock
        )
    return update_indicator(
        workspace=workspace,
        indicator_id=ident,
        expected_version=expected,
        changes=change.before,
        clock=clock,
    )


def _known(version: int | None) -> int:
    if version is None:
        raise ValueError("This change deleted its row: say which version to expect.")
    return version


# ------------------------------------------------------------------ helpers


@dataclasses.dataclass(frozen=True, slots=True)
class _Conflict:
    """The sentences for a row that someone else changed, deleted or added meanwhile."""

    changed: str
    gone: str
    appeared: str
    table: str
    row_id: int | None = None

    def for_row(self, row_id: int) -> _Conflict:
        return dataclasses.replace(self, row_id=row_id)

    def error(self, expected: int | None, actual: int | None) -> ConflictError:
        message = self.gone if actual is None else self.changed
        return ConflictError(
            message,
            table=self.table,
            row_id=self.row_id,
            expected_version=expected,
            actual_version=actual,
        )

    def appeared_error(self, actual: int | None) -> ConflictError:
        return ConflictError(
            self.appeared,
            table=self.table,
            row_id=self.row_id,
            expected_version=None,
            actual_version=actual,
        )


def _indicator_conflict(ref: str, indicator_id: int) -> _Conflict:
    return _Conflict(
        changed=f"{ref} was changed by someone else since you opened it; {_SAVED_NOT}. "
        "Reload to see theirs.",
        gone=f"{ref} was deleted by someone else since you opened it; {_SAVED_NOT}.",
        appeared="",
        table=Indicator.__tablename__,
        row_id=indicator_id,
    )


def _check_version(actual: int, expected: int, conflict: _Conflict) -> None:
    if actual != expected:
        raise conflict.error(expected, actual)


def _check_presence(
    current: sa.Row[Any] | None, expected_version: int | None, conflict: _Conflict
) -> None:
    """A create must find no row and an update the row at the version the caller saw."""
    if current is None:
        if expected_version is not None:
            raise conflict.error(expected_version, None)
        return
    if expected_version is None:
        raise conflict.for_row(current.id).appeared_error(current.version)
    _check_version(current.version, expected_version, conflict.for_row(current.id))


def _versioned_update(
    session: Session,
    table: type[Indicator | IndicatorValue | IndicatorTarget],
    row_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, object],
    conflict: _Conflict,
) -> int:
    try:
        return update_versioned(
            session, table, row_id, expected_version=expected_version, changes=changes
        )
    except RowVersionError as error:
        # Checked at the start of the transaction already; this is the rare
        # write that lost a race since (on a server database).
        actual = error.actual_version if isinstance(error, StaleRowError) else None
        raise conflict.error(expected_version, actual) from error


def _versioned_delete(
    session: Session,
    table: type[Indicator | IndicatorValue | IndicatorTarget],
    row_id: int,
    *,
    expected_version: int,
    conflict: _Conflict,
) -> None:
    try:
        delete_versioned(session, table, row_id, expected_version=expected_version)
    except RowVersionError as error:
        actual = error.actual_version if isinstance(error, StaleRowError) else None
        raise conflict.error(expected_version, actual) from error


def _insert(
    session: Session,
    table: type[Indicator | IndicatorValue | IndicatorTarget],
    values: Mapping[str, object],
    conflict: ConflictError,
) -> int:
    """Insert one row; its id. A unique key taken meanwhile raises ``conflict``."""
    try:
        result = session.connection().execute(sa.insert(table).values(dict(values)))
    except sa.exc.IntegrityError as error:
        # Checked in this transaction before inserting, so only a concurrent
        # writer on a server database gets here: the person must reload.
        raise conflict from error
    (row_id,) = result.inserted_primary_key or (None,)
    if row_id is None:  # every supported database returns the new key
        raise RuntimeError(f"The database did not return the new {table.__tablename__} id.")
    return int(row_id)


def _load_indicator(session: Session, indicator_id: int) -> sa.Row[Any]:
    row = (
        session.connection()
        .execute(sa.select(Indicator).where(col(Indicator.id) == indicator_id))
        .first()
    )
    if row is None:
        raise NotFoundError("indicator", indicator_id)
    return row


def _indicator_exists(session: Session, indicator_id: int) -> bool:
    query = sa.select(col(Indicator.id)).where(col(Indicator.id) == indicator_id)
    return session.connection().execute(query).first() is not None


def _find_value(session: Session, indicator_id: int, period: Quarter) -> sa.Row[Any] | None:
    query = sa.select(IndicatorValue).where(
        col(IndicatorValue.indicator_id) == indicator_id,
        col(IndicatorValue.year) == period.year,
        col(IndicatorValue.quarter) == period.quarter,
    )
    return session.connection().execute(query).first()


def _find_target(session: Session, indicator_id: int, year: int) -> sa.Row[Any] | None:
    query = sa.select(IndicatorTarget).where(
        col(IndicatorTarget.indicator_id) == indicator_id, col(IndicatorTarget.year) == year
    )
    return session.connection().execute(query).first()


def _ensure_theme(session: Session, name: str, who: str, clock: Clock) -> bool:
    """Create the theme unless it exists, audited; True when it was created."""
    query = sa.select(col(Theme.id), col(Theme.position)).where(col(Theme.name) == name)
    if session.connection().execute(query).first() is not None:
        return False
    ensure_theme(session, name)
    created = session.connection().execute(query).one()
    record_audit(
        session,
        who=who,
        table=Theme.__tablename__,
        row_id=created.id,
        change=ChangeKind.CREATE.value,
        details={"fields": field_changes({}, {"name": name, "position": created.position})},
        clock=clock,
    )
    return True


def _fields(row: sa.Row[Any], names: Iterable[str]) -> dict[str, object]:
    """The named fields of a row, enumerations as members."""
    mapping = row._mapping
    fields = {name: mapping[name] for name in names}
    for name, enum in (
        ("unit", Unit),
        ("polarity", Polarity),
        ("frequency", Frequency),
        ("measure_type", MeasureType),
        ("tolerance_kind", ToleranceKind),
    ):
        if fields.get(name) is not None:
            fields[name] = enum(fields[name])
    return fields


def _draft_of(fields: Mapping[str, object]) -> IndicatorDraft:
    draft_fields: dict[str, Any] = {name: fields[name] for name in DRAFT_FIELDS}
    return IndicatorDraft(**draft_fields)


def _draft_subject(draft: IndicatorDraft) -> str:
    ref = draft.ref.strip() if isinstance(draft.ref, str) else ""
    return ref or "The new indicator"


def _differences(
    current: Mapping[str, object], cleaned: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """(old, new) of the fields in ``cleaned`` whose value differs from ``current``."""
    changed = [name for name, value in cleaned.items() if value != current[name]]
    return {name: current[name] for name in changed}, {name: cleaned[name] for name in changed}


def _check_fields(changes: Mapping[str, object], allowed: Iterable[str], function: str) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"{function} cannot change {', '.join(unknown)}.")


def _and_join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _indicator_change(
    kind: ChangeKind,
    *,
    indicator_id: int,
    ref: str,
    version: int | None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    scorecard_changed: bool | None = None,
    values_changed: bool = False,
    targets_changed: bool = False,
    themes_changed: bool = False,
) -> IndicatorChange:
    """The change of an indicator row; a no-op when ``before`` and ``after`` are empty."""
    before = before or {}
    after = after or {}
    wrote = bool(before or after)
    return IndicatorChange(
        kind=kind,
        subject=ChangeSubject.INDICATOR,
        indicator_id=IndicatorId(indicator_id),
        ref=ref,
        row_id=indicator_id,
        version=version,
        period=None,
        year=None,
        before=MappingProxyType(dict(before)),
        after=MappingProxyType(dict(after)),
        definition_changed=wrote,
        scorecard_changed=wrote if scorecard_changed is None else scorecard_changed,
        values_changed=values_changed,
        targets_changed=targets_changed,
        themes_changed=themes_changed,
    )


def _row_change(
    kind: ChangeKind,
    subject: ChangeSubject,
    indicator: sa.Row[Any],
    row_id: int,
    version: int | None,
    *,
    period: Quarter | None = None,
    year: int | None = None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    scorecard_changed: bool = False,
) -> IndicatorChange:
    """The change of a value or target row; a no-op when ``before`` and ``after`` are empty."""
    before = before or {}
    after = after or {}
    wrote = bool(before or after)
    return IndicatorChange(
        kind=kind,
        subject=subject,
        indicator_id=IndicatorId(indicator.id),
        ref=indicator.ref,
        row_id=row_id,
        version=version,
        period=period,
        year=year,
        before=MappingProxyType(dict(before)),
        after=MappingProxyType(dict(after)),
        definition_changed=False,
        scorecard_changed=wrote and scorecard_changed,
        values_changed=wrote,
        targets_changed=wrote and subject is ChangeSubject.TARGET,
        themes_changed=False,
    )
