"""The demo database: the seed minutes and clearly labelled sample data, from data files.

Contract:

- ``build_demo_database(path, *, force=False)`` writes a new demo database at
  ``path`` and returns ``path``.

  * An existing file (or anything else at ``path``) is refused with
    ``DemoExistsError`` unless ``force`` is given, and is left byte for byte as
    it was. The refusal is also atomic: if another process creates ``path``
    while the demo is being built, the new file is not written over it.
  * The database is built in a scratch folder beside ``path`` and moved into
    place only when complete (``os.replace``), so a failure at any moment
    leaves either the old file or nothing, never half a database.
  * A missing folder raises ``FileNotFoundError`` naming it.
  * Everything is inserted in one transaction through ``open_database(…,
    create=True)`` and the SQLModel tables, and the database is closed before
    the function returns.

- ``ensure_demo_database(path)`` builds the demo only when ``path`` does not
  exist yet (creating its folder); it never replaces an existing file.

- ``load_demo_data(data_dir=None)`` reads and validates the data files
  (``people.toml``, ``meeting.toml``, ``indicators.toml``, ``plans.toml``
  under ``paths.resources_dir() / "demo"``) into plain frozen dataclasses,
  without touching any database. A missing file, a TOML syntax error, a
  missing or unknown key, a wrong type, an unknown enumeration value, a
  dangling reference or inconsistent figures raise ``DemoDataError`` whose
  message names the file and the entry ("indicators.toml, indicator 3 (ref
  'EXC-01'), values 4: …"). Validation happens before any file is written.

Data conventions (see ``resources/demo/README.md``): text is stored with its
whitespace folded to single spaces, so paragraphs can be wrapped in the data
files; indicator values, actions and action updates are sample data unless a
row says ``is_sample = false``; people, the meeting and agenda items must say
which they are.
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import re
import sqlite3
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from sqlmodel import Session

from qpmr_desktop import paths
from qpmr_desktop.domain.actions import ActionStatus, DatePrecision, PlanEventKind, PlanStatus
from qpmr_desktop.domain.minutes import (
    AttendanceRole,
    AttendanceStatus,
    MinutesStatus,
    PointKind,
)
from qpmr_desktop.domain.performance import (
    Frequency,
    MeasureType,
    Polarity,
    ToleranceKind,
    Unit,
)
from qpmr_desktop.storage.database import open_database
from qpmr_desktop.storage.tables import (
    Action,
    ActionIndicator,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Committee,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    ItemPresenter,
    Meeting,
    MinutePoint,
    MinuteSection,
    Person,
    PlanEvent,
    PriorityArea,
    Resolution,
    Setting,
    SupportingDocument,
    Theme,
)

PEOPLE_FILE: Final = "people.toml"
MEETING_FILE: Final = "meeting.toml"
INDICATORS_FILE: Final = "indicators.toml"
PLANS_FILE: Final = "plans.toml"

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")

_PERIOD = re.compile(r"Q([1-4]) (\d{4})/(\d{2})")
# The files SQLite may keep beside a database. A stale one left by an older
# file at the target would be replayed into the new database and corrupt it.
_SQLITE_SIDECARS: Final = ("-journal", "-wal", "-shm")


class DemoExistsError(Exception):
    """``path`` already exists and ``force`` was not given; the file was not touched."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} already exists; the demo database was not written. "
            "Use --force to replace it with a new demo database."
        )
        self.path = path


class DemoDataError(ValueError):
    """A demo data file is missing or malformed; the message names the file and the entry."""


# ------------------------------------------------------------------ the data, validated


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    name: str
    job_title: str
    organisation: str
    is_sample: bool


@dataclass(frozen=True, slots=True)
class DemoAttendance:
    person: str
    role: AttendanceRole
    status: AttendanceStatus
    substitute_for: str | None


@dataclass(frozen=True, slots=True)
class DemoPoint:
    kind: PointKind
    text: str


@dataclass(frozen=True, slots=True)
class DemoSection:
    heading: str | None
    points: tuple[DemoPoint, ...]


@dataclass(frozen=True, slots=True)
class DemoPresenter:
    person: str
    role: str


@dataclass(frozen=True, slots=True)
class DemoDocument:
    title: str
    file_path: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class DemoResolution:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class DemoItem:
    number: str
    title: str
    is_sample: bool
    presenters: tuple[DemoPresenter, ...]
    documents: tuple[DemoDocument, ...]
    sections: tuple[DemoSection, ...]
    resolutions: tuple[DemoResolution, ...]


@dataclass(frozen=True, slots=True)
class DemoMeeting:
    date: dt.date
    start_time: dt.time | None
    venue: str
    status: MinutesStatus
    is_sample: bool
    attendance: tuple[DemoAttendance, ...]
    items: tuple[DemoItem, ...]


@dataclass(frozen=True, slots=True)
class DemoValue:
    year: int
    quarter: int
    value: float
    numerator: float | None
    denominator: float | None
    target: float | None
    floor: float | None
    england: float | None
    region: float | None
    statistical_neighbours: float | None
    provisional: bool
    status_symbol: str | None
    is_sample: bool
    data_as_at: dt.date
    commentary: str


@dataclass(frozen=True, slots=True)
class DemoIndicator:
    ref: str
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    measure_type: MeasureType
    decimals: int
    tolerance: float | None
    tolerance_kind: ToleranceKind
    lead_service: str
    owner: str
    source: str
    definition: str
    notes: str
    is_sample: bool
    values: tuple[DemoValue, ...]


@dataclass(frozen=True, slots=True)
class DemoActionUpdate:
    at: dt.datetime
    by: str
    text: str
    old_status: ActionStatus | None
    new_status: ActionStatus | None
    old_progress: int | None
    new_progress: int | None
    is_sample: bool


@dataclass(frozen=True, slots=True)
class DemoAction:
    ref: str
    area: str
    description: str
    lead: str | None
    due: dt.date | None
    status: ActionStatus
    progress: int
    indicators: tuple[str, ...]
    # The number of the agenda item whose (first) resolution created the action.
    resolution_item: str | None
    is_sample: bool
    updates: tuple[DemoActionUpdate, ...]


@dataclass(frozen=True, slots=True)
class DemoPlan:
    key: str
    name: str
    board: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    status: PlanStatus
    areas: tuple[str, ...]
    actions: tuple[DemoAction, ...]


@dataclass(frozen=True, slots=True)
class DemoEvent:
    title: str
    kind: PlanEventKind
    plan: str | None
    start: dt.date
    end: dt.date | None
    precision: DatePrecision
    notes: str


@dataclass(frozen=True, slots=True)
class DemoData:
    """Everything the demo database holds, validated, in the order it is shown."""

    council: str  # stored as the database setting "council.name" (services.settings)
    actions_as_at: dt.date | None  # the setting "actions.as_at": overdue judged as at it
    committee: str
    people: tuple[DemoPerson, ...]
    meeting: DemoMeeting
    indicators: tuple[DemoIndicator, ...]
    plans: tuple[DemoPlan, ...]
    events: tuple[DemoEvent, ...]


# ------------------------------------------------------------------ reading one TOML table

_REQUIRED: Final = object()


def _fold(text: str) -> str:
    """One line with single spaces: the data files wrap paragraphs for reading."""
    return " ".join(text.split())


class _Entry:
    """One TOML table being read: typed getters whose errors name the file and the entry.

    Every key read is remembered, so ``finish`` can reject unknown keys: a typo
    such as ``is_smaple`` would otherwise be silently ignored.
    """

    def __init__(self, data: Mapping[str, Any], *, file: str, where: str) -> None:
        self._data = data
        self._file = file
        self.where = where
        self._used: set[str] = set()

    def error(self, message: str) -> DemoDataError:
        place = f"{self._file}, {self.where}" if self.where else self._file
        return DemoDataError(f"{place}: {message}")

    def _raw(self, key: str, kinds: tuple[type, ...], what: str, default: object) -> Any:
        self._used.add(key)
        if key not in self._data:
            if default is _REQUIRED:
                raise self.error(f"the key {key!r} is missing")
            return default
        raw = self._data[key]
        # bool is a subclass of int; a flag is never a number here, nor the reverse.
        if not isinstance(raw, kinds) or (isinstance(raw, bool) and bool not in kinds):
            raise self.error(f"{key!r} must be {what}, not {raw!r}")
        return raw

    def text(self, key: str, *, default: str | None = None, blank: bool = False) -> str:
        raw = self._raw(key, (str,), "text", _REQUIRED if default is None else default)
        text = _fold(raw)
        if not text and not blank:
            raise self.error(f"{key!r} must not be empty")
        return text

    def optional_text(self, key: str) -> str | None:
        raw = self._raw(key, (str,), "text", None)
        if raw is None:
            return None
        text = _fold(raw)
        if not text:
            raise self.error(f"{key!r} must not be empty (leave the key out instead)")
        return text

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        raw = self._raw(key, (bool,), "true or false", _REQUIRED if default is None else default)
        return bool(raw)

    def integer(self, key: str, *, low: int, high: int) -> int:
        raw = self._raw(key, (int,), "a whole number", _REQUIRED)
        if not low <= raw <= high:
            raise self.error(f"{key!r} must be from {low} to {high}, not {raw}")
        return int(raw)

    def optional_integer(self, key: str, *, low: int, high: int) -> int | None:
        if key not in self._data:
            self._used.add(key)
            return None
        return self.integer(key, low=low, high=high)

    def number(self, key: str) -> float:
        raw = self._raw(key, (int, float), "a number", _REQUIRED)
        if not math.isfinite(raw):
            raise self.error(f"{key!r} must be a finite number, not {raw!r}")
        return float(raw)

    def optional_number(self, key: str) -> float | None:
        if key not in self._data:
            self._used.add(key)
            return None
        return self.number(key)

    def date(self, key: str) -> dt.date:
        raw = self._raw(key, (dt.date,), "a date such as 2017-09-18", _REQUIRED)
        if isinstance(raw, dt.datetime):
            raise self.error(f"{key!r} must be a date without a time, not {raw!r}")
        return cast("dt.date", raw)

    def optional_date(self, key: str) -> dt.date | None:
        if key not in self._data:
            self._used.add(key)
            return None
        return self.date(key)

    def optional_time(self, key: str) -> dt.time | None:
        return cast("dt.time | None", self._raw(key, (dt.time,), "a time such as 14:00:00", None))

    def utc_datetime(self, key: str) -> dt.datetime:
        raw = self._raw(
            key, (dt.datetime,), "a date and time such as 2017-09-22T15:10:00Z", _REQUIRED
        )
        # The schema stores aware UTC times; a local time without an offset is ambiguous.
        if raw.tzinfo is None or raw.utcoffset() is None:
            raise self.error(f"{key!r} must give its time zone (end it with Z for UTC), not {raw}")
        return cast("dt.datetime", raw).astimezone(dt.UTC)

    def choice(self, key: str, enum_class: type[_E], *, default: _E | None = None) -> _E:
        allowed = ", ".join(repr(member.value) for member in enum_class)
        raw = self._raw(key, (str,), f"one of {allowed}", _REQUIRED if default is None else default)
        if isinstance(raw, enum_class):
            return raw
        try:
            return enum_class(raw)
        except ValueError:
            raise self.error(f"{key!r} is {raw!r}, which is not one of {allowed}") from None

    def optional_choice(self, key: str, enum_class: type[_E]) -> _E | None:
        if key not in self._data:
            self._used.add(key)
            return None
        return self.choice(key, enum_class)

    def strings(self, key: str) -> tuple[str, ...]:
        raw = self._raw(key, (list,), "a list of text", [])
        if not all(isinstance(each, str) and each.strip() for each in raw):
            raise self.error(f"{key!r} must be a list of non-empty text, not {raw!r}")
        return tuple(_fold(each) for each in raw)

    def table(self, key: str) -> _Entry:
        raw = self._raw(key, (dict,), "a table", _REQUIRED)
        return _Entry(raw, file=self._file, where=self._child(key))

    def optional_table(self, key: str) -> _Entry | None:
        if key not in self._data:
            self._used.add(key)
            return None
        return self.table(key)

    def entries(
        self, key: str, *, label: str | None = None, required: bool = False
    ) -> list[_Entry]:
        """The tables of an array (``[[key]]`` or ``key = [{…}, …]``), each named for errors.

        ``label`` is the key that identifies an entry to a person ("ref"); it
        is added to the entry's name when present.
        """
        raw = self._raw(key, (list,), "a list of tables", _REQUIRED if required else [])
        found: list[_Entry] = []
        for number, each in enumerate(raw, start=1):
            where = self._child(f"{key} {number}")
            if label is not None and isinstance(each, dict) and isinstance(each.get(label), str):
                where += f" ({label} {each[label]!r})"
            if not isinstance(each, dict):
                raise _Entry({}, file=self._file, where=where).error(
                    f"must be a table, not {each!r}"
                )
            found.append(_Entry(each, file=self._file, where=where))
        return found

    def data_keys(self) -> list[str]:
        """Every key of a table whose keys are data (commentary by period)."""
        self._used.update(self._data)
        return list(self._data)

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._used)
        if unknown:
            raise self.error(f"unknown key(s) {', '.join(map(repr, unknown))}")

    def _child(self, name: str) -> str:
        return f"{self.where}, {name}" if self.where else name


def _read_file(folder: Path, name: str) -> _Entry:
    path = folder / name
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError:
        raise DemoDataError(f"{name}: the demo data file {path} is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{name}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise DemoDataError(f"{name}: not UTF-8 text: {error}") from None
    return _Entry(data, file=name, where="")


def _unique(entry: _Entry, what: str, keys: Iterable[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise entry.error(f"{what} {key!r} appears more than once")
        seen.add(key)


def _reference(entry: _Entry, key: str, known: Iterable[str], what: str) -> str:
    value = entry.text(key)
    if value not in set(known):
        raise entry.error(f"{key!r} names {what} {value!r}, which is not defined")
    return value


def _optional_reference(entry: _Entry, key: str, known: Iterable[str], what: str) -> str | None:
    value = entry.optional_text(key)
    if value is not None and value not in set(known):
        raise entry.error(f"{key!r} names {what} {value!r}, which is not defined")
    return value


# ------------------------------------------------------------------ people.toml


def _load_people(folder: Path) -> tuple[DemoPerson, ...]:
    root = _read_file(folder, PEOPLE_FILE)
    people = tuple(_person(entry) for entry in root.entries("person", label="key", required=True))
    root.finish()
    _unique(root, "person key", (person.key for person in people))
    return people


def _person(entry: _Entry) -> DemoPerson:
    person = DemoPerson(
        key=entry.text("key"),
        name=entry.text("name"),
        job_title=entry.text("job_title", default="", blank=True),
        organisation=entry.text("organisation", default="", blank=True),
        # Required, not defaulted: whether a person is real is a provenance claim.
        is_sample=entry.flag("is_sample"),
    )
    entry.finish()
    return person


# ------------------------------------------------------------------ meeting.toml


@dataclass(frozen=True)
class _Council:
    name: str
    actions_as_at: dt.date | None


def _load_meeting(folder: Path, people: Sequence[DemoPerson]) -> tuple[_Council, str, DemoMeeting]:
    root = _read_file(folder, MEETING_FILE)
    keys = [person.key for person in people]

    council_entry = root.table("council")
    council = council_entry.text("name")
    as_at = council_entry.optional_date("actions_as_at")
    council_entry.finish()
    committee_entry = root.table("committee")
    committee = committee_entry.text("name")
    committee_entry.finish()

    entry = root.table("meeting")
    attendance = tuple(
        _attendance(each, keys) for each in entry.entries("attendance", label="person")
    )
    _unique(entry, "attendance of person", (each.person for each in attendance))
    meeting_date = entry.date("date")
    start_time = entry.optional_time("start_time")
    venue = entry.text("venue", default="", blank=True)
    status = entry.choice("status", MinutesStatus)
    is_sample = entry.flag("is_sample")
    entry.finish()

    items = tuple(_item(each, keys) for each in root.entries("item", label="number", required=True))
    _unique(root, "agenda item number", (item.number for item in items))
    root.finish()
    meeting = DemoMeeting(
        date=meeting_date,
        start_time=start_time,
        venue=venue,
        status=status,
        is_sample=is_sample,
        attendance=attendance,
        items=items,
    )
    return _Council(name=council, actions_as_at=as_at), committee, meeting


def _attendance(entry: _Entry, people: Sequence[str]) -> DemoAttendance:
    attendance = DemoAttendance(
        person=_reference(entry, "person", people, "person"),
        role=entry.choice("role", AttendanceRole),
        status=entry.choice("status", AttendanceStatus),
        substitute_for=_optional_reference(entry, "substitute_for", people, "person"),
    )
    if attendance.substitute_for is not None and attendance.role is not AttendanceRole.SUBSTITUTE:
        raise entry.error("only a substitute may have 'substitute_for'")
    entry.finish()
    return attendance


def _item(entry: _Entry, people: Sequence[str]) -> DemoItem:
    presenters = tuple(
        DemoPresenter(
            person=_reference(each, "person", people, "person"),
            role=each.text("role", default="", blank=True),
        )
        for each in entry.entries("presenters", label="person")
    )
    documents = tuple(_document(each) for each in entry.entries("documents", label="title"))
    sections = tuple(_section(each) for each in entry.entries("section", label="heading"))
    resolutions = tuple(_resolution(each) for each in entry.entries("resolution"))
    item = DemoItem(
        number=entry.text("number"),
        title=entry.text("title"),
        is_sample=entry.flag("is_sample"),
        presenters=presenters,
        documents=documents,
        sections=sections,
        resolutions=resolutions,
    )
    entry.finish()
    return item


def _document(entry: _Entry) -> DemoDocument:
    document = DemoDocument(
        title=entry.text("title"),
        file_path=entry.optional_text("file_path"),
        url=entry.optional_text("url"),
    )
    entry.finish()
    return document


def _section(entry: _Entry) -> DemoSection:
    points = []
    for each in entry.entries("point"):
        points.append(DemoPoint(kind=each.choice("kind", PointKind), text=each.text("text")))
        each.finish()
    section = DemoSection(heading=entry.optional_text("heading"), points=tuple(points))
    entry.finish()
    return section


def _resolution(entry: _Entry) -> DemoResolution:
    resolution = DemoResolution(
        label=entry.text("label", default="Resolved"),
        text=entry.text("text"),
    )
    entry.finish()
    return resolution


# ------------------------------------------------------------------ indicators.toml


def _parse_period(text: str) -> tuple[int, int]:
    """ "Q1 2017/18" → (2017, 1): the financial year's starting year and the quarter.

    Kept here rather than borrowed from the domain so the demo's file format
    does not change when the app learns to accept other spellings.
    """
    match = _PERIOD.fullmatch(text)
    if match is None or (int(match[2]) + 1) % 100 != int(match[3]):
        raise ValueError(f"{text!r} is not a period such as 'Q1 2017/18'")
    return int(match[2]), int(match[1])


def _quarter_end(year: int, quarter: int) -> dt.date:
    """The last day of a financial-year quarter (Q1 2017/18 → 30 June 2017)."""
    month_after = 4 + 3 * quarter  # July for Q1, …, April of the next year for Q4
    first_after = dt.date(year + (month_after - 1) // 12, (month_after - 1) % 12 + 1, 1)
    return first_after - dt.timedelta(days=1)


def _load_indicators(folder: Path) -> tuple[DemoIndicator, ...]:
    root = _read_file(folder, INDICATORS_FILE)
    indicators = tuple(
        _indicator(each) for each in root.entries("indicator", label="ref", required=True)
    )
    root.finish()
    _unique(root, "indicator ref", (indicator.ref for indicator in indicators))
    return indicators


def _indicator(entry: _Entry) -> DemoIndicator:
    unit = entry.choice("unit", Unit)
    decimals = entry.integer("decimals", low=0, high=6)
    commentary: dict[tuple[int, int], str] = {}
    comments = entry.optional_table("commentary")
    if comments is not None:
        for label in comments.data_keys():
            try:
                commentary[_parse_period(label)] = comments.text(label)
            except ValueError as error:
                raise comments.error(str(error)) from None
    values = tuple(
        _value(each, unit=unit, decimals=decimals, commentary=commentary)
        for each in entry.entries("values", label="period", required=True)
    )
    periods = [(value.year, value.quarter) for value in values]
    if periods != sorted(set(periods)):
        raise entry.error("'values' must be in period order, each period once")
    if stray := sorted(set(commentary) - set(periods)):
        raise entry.error(f"commentary for a period with no value: {stray[0]}")
    indicator = DemoIndicator(
        ref=entry.text("ref"),
        name=entry.text("name"),
        theme=entry.text("theme"),
        unit=unit,
        polarity=entry.choice("polarity", Polarity),
        frequency=entry.choice("frequency", Frequency),
        measure_type=entry.choice("measure_type", MeasureType),
        decimals=decimals,
        tolerance=entry.optional_number("tolerance"),
        tolerance_kind=entry.choice(
            "tolerance_kind", ToleranceKind, default=ToleranceKind.ABSOLUTE
        ),
        lead_service=entry.text("lead_service", default="", blank=True),
        owner=entry.text("owner", default="", blank=True),
        source=entry.text("source", default="", blank=True),
        definition=entry.text("definition", default="", blank=True),
        notes=entry.text("notes", default="", blank=True),
        is_sample=entry.flag("is_sample"),
        values=values,
    )
    entry.finish()
    return indicator


def _value(
    entry: _Entry, *, unit: Unit, decimals: int, commentary: Mapping[tuple[int, int], str]
) -> DemoValue:
    try:
        year, quarter = _parse_period(entry.text("period"))
    except ValueError as error:
        raise entry.error(str(error)) from None
    value = DemoValue(
        year=year,
        quarter=quarter,
        value=entry.number("value"),
        numerator=entry.optional_number("numerator"),
        denominator=entry.optional_number("denominator"),
        target=entry.optional_number("target"),
        floor=entry.optional_number("floor"),
        england=entry.optional_number("england"),
        region=entry.optional_number("region"),
        statistical_neighbours=entry.optional_number("statistical_neighbours"),
        provisional=entry.flag("provisional", default=False),
        status_symbol=entry.optional_text("status_symbol"),
        # Sample unless the row says otherwise: the safe way round for
        # provenance, since only one figure in the seed is real.
        is_sample=entry.flag("is_sample", default=True),
        data_as_at=entry.optional_date("data_as_at") or _quarter_end(year, quarter),
        commentary=commentary.get((year, quarter), ""),
    )
    entry.finish()
    if (value.numerator is None) != (value.denominator is None):
        raise entry.error("give both 'numerator' and 'denominator', or neither")
    if value.numerator is not None and value.denominator is not None:
        if value.denominator <= 0:
            raise entry.error("'denominator' must be above zero")
        # The stored value must agree with its own n at the precision shown.
        ratio = value.numerator / value.denominator * (100 if unit is Unit.PERCENTAGE else 1)
        if round(ratio, decimals) != round(value.value, decimals):
            raise entry.error(
                f"'value' {value.value} disagrees with numerator/denominator ({ratio:.{decimals}f})"
            )
    return value


# ------------------------------------------------------------------ plans.toml


def _load_plans(
    folder: Path, people: Sequence[str], indicators: Sequence[str], resolved: Sequence[str]
) -> tuple[tuple[DemoPlan, ...], tuple[DemoEvent, ...]]:
    """The plans and events; ``resolved`` is the numbers of the items that have a resolution."""
    root = _read_file(folder, PLANS_FILE)
    plans = tuple(
        _plan(each, people, indicators, resolved)
        for each in root.entries("plan", label="key", required=True)
    )
    _unique(root, "plan key", (plan.key for plan in plans))
    _unique(root, "plan name", (plan.name for plan in plans))
    plan_keys = [plan.key for plan in plans]
    events = tuple(_event(each, plan_keys) for each in root.entries("event", label="title"))
    root.finish()
    return plans, events


def _plan(
    entry: _Entry, people: Sequence[str], indicators: Sequence[str], resolved: Sequence[str]
) -> DemoPlan:
    areas = entry.strings("areas")
    _unique(entry, "priority area", areas)
    actions = tuple(
        _action(each, areas, people, indicators, resolved)
        for each in entry.entries("action", label="ref")
    )
    _unique(entry, "action ref", (action.ref for action in actions))
    plan = DemoPlan(
        key=entry.text("key"),
        name=entry.text("name"),
        board=entry.text("board", default="", blank=True),
        description=entry.text("description", default="", blank=True),
        start_date=entry.optional_date("start"),
        end_date=entry.optional_date("end"),
        status=entry.choice("status", PlanStatus, default=PlanStatus.ACTIVE),
        areas=areas,
        actions=actions,
    )
    entry.finish()
    return plan


def _action(
    entry: _Entry,
    areas: Sequence[str],
    people: Sequence[str],
    indicators: Sequence[str],
    resolved: Sequence[str],
) -> DemoAction:
    linked = entry.strings("indicators")
    for ref in linked:
        if ref not in indicators:
            raise entry.error(f"'indicators' names indicator {ref!r}, which is not defined")
    updates = tuple(_update(each, people) for each in entry.entries("update"))
    action = DemoAction(
        ref=entry.text("ref"),
        area=_reference(entry, "area", areas, "priority area"),
        description=entry.text("description"),
        lead=_optional_reference(entry, "lead", people, "person"),
        due=entry.optional_date("due"),
        status=entry.choice("status", ActionStatus),
        progress=entry.integer("progress", low=0, high=100),
        indicators=linked,
        resolution_item=_optional_reference(
            entry, "resolution", resolved, "the agenda item with a resolution"
        ),
        is_sample=entry.flag("is_sample", default=True),
        updates=updates,
    )
    entry.finish()
    if (action.status is ActionStatus.COMPLETE) != (action.progress == 100):
        raise entry.error("an action is complete exactly when its progress is 100")
    _check_history(entry, action)
    return action


def _check_history(entry: _Entry, action: DemoAction) -> None:
    """Updates run oldest first and chain, ending at the action's current state.

    The history is what the app shows as "who changed what"; a history that
    contradicts the action would be a visible inconsistency in the demo.
    """
    status: ActionStatus | None = None
    progress: int | None = None
    previous_at: dt.datetime | None = None
    for number, update in enumerate(action.updates, start=1):
        where = f"update {number}"
        if previous_at is not None and update.at < previous_at:
            raise entry.error(f"{where} is dated before the update above it")
        if status is not None and update.old_status not in (None, status):
            raise entry.error(f"{where}: old_status {update.old_status} should be {status}")
        if progress is not None and update.old_progress not in (None, progress):
            raise entry.error(f"{where}: old_progress {update.old_progress} should be {progress}")
        status = update.new_status or status
        progress = update.new_progress if update.new_progress is not None else progress
        previous_at = update.at
    if status is not None and status is not action.status:
        raise entry.error(
            f"the last update leaves status {status}, but the action says {action.status}"
        )
    if progress is not None and progress != action.progress:
        raise entry.error(
            f"the last update leaves progress {progress}, but the action says {action.progress}"
        )


def _update(entry: _Entry, people: Sequence[str]) -> DemoActionUpdate:
    update = DemoActionUpdate(
        at=entry.utc_datetime("at"),
        by=_reference(entry, "by", people, "person"),
        text=entry.text("text", default="", blank=True),
        old_status=entry.optional_choice("old_status", ActionStatus),
        new_status=entry.optional_choice("new_status", ActionStatus),
        old_progress=entry.optional_integer("old_progress", low=0, high=100),
        new_progress=entry.optional_integer("new_progress", low=0, high=100),
        is_sample=entry.flag("is_sample", default=True),
    )
    entry.finish()
    return update


def _event(entry: _Entry, plans: Sequence[str]) -> DemoEvent:
    event = DemoEvent(
        title=entry.text("title"),
        kind=entry.choice("kind", PlanEventKind),
        plan=_optional_reference(entry, "plan", plans, "plan"),
        start=entry.date("start"),
        end=entry.optional_date("end"),
        precision=entry.choice("precision", DatePrecision),
        notes=entry.text("notes", default="", blank=True),
    )
    entry.finish()
    if event.end is not None and event.end < event.start:
        raise entry.error("'end' is before 'start'")
    if event.precision is DatePrecision.MONTH and event.start.day != 1:
        raise entry.error("a date known only to the month starts on the 1st")
    return event


# ------------------------------------------------------------------ loading it all


def demo_data_dir() -> Path:
    """The shipped folder of demo data files."""
    return paths.resources_dir() / "demo"


def load_demo_data(data_dir: Path | None = None) -> DemoData:
    """Read and validate every demo data file; see the module contract."""
    folder = demo_data_dir() if data_dir is None else Path(data_dir)
    people = _load_people(folder)
    council, committee, meeting = _load_meeting(folder, people)
    indicators = _load_indicators(folder)
    plans, events = _load_plans(
        folder,
        [person.key for person in people],
        [indicator.ref for indicator in indicators],
        [item.number for item in meeting.items if item.resolutions],
    )
    return DemoData(
        council=council.name,
        actions_as_at=council.actions_as_at,
        committee=committee,
        people=people,
        meeting=meeting,
        indicators=indicators,
        plans=plans,
        events=events,
    )


# ------------------------------------------------------------------ writing the database


def _saved_id(session: Session, row: Any) -> int:
    """Insert ``row`` now and return its new id (children need it)."""
    session.add(row)
    session.flush()
    row_id = row.id
    if not isinstance(row_id, int):  # pragma: no cover - the database always assigns one
        raise TypeError(f"no id was assigned to {row!r}")
    return row_id


def _numbered(rows: Iterable[_T]) -> Iterable[tuple[int, _T]]:
    """Rows with their 1-based ``position``, in the order the data files give them."""
    return enumerate(rows, start=1)


def _insert(session: Session, data: DemoData) -> None:
    """Every row of the demo, in one session (one transaction)."""
    people = {
        person.key: _saved_id(
            session,
            Person(
                name=person.name,
                job_title=person.job_title,
                organisation=person.organisation,
                is_sample=person.is_sample,
            ),
        )
        for person in data.people
    }
    names = {person.key: person.name for person in data.people}
    # The key is services.settings.COUNCIL_NAME's; storage cannot import services.
    session.add(Setting(key="council.name", value=data.council))
    if data.actions_as_at is not None:
        session.add(Setting(key="actions.as_at", value=data.actions_as_at.isoformat()))
    committee_id = _saved_id(session, Committee(name=data.committee))
    resolutions = _insert_meeting(session, data.meeting, committee_id=committee_id, people=people)
    indicators = _insert_indicators(session, data.indicators)
    plans = _insert_plans(
        session,
        data.plans,
        people=people,
        names=names,
        indicators=indicators,
        resolutions=resolutions,
    )
    for event in data.events:
        session.add(
            PlanEvent(
                plan_id=None if event.plan is None else plans[event.plan],
                title=event.title,
                kind=event.kind,
                start_date=event.start,
                end_date=event.end,
                date_precision=event.precision,
                notes=event.notes,
            )
        )


def _insert_meeting(
    session: Session, meeting: DemoMeeting, *, committee_id: int, people: Mapping[str, int]
) -> dict[str, int]:
    """Write the meeting; the id of each item's first resolution, by item number."""
    meeting_id = _saved_id(
        session,
        Meeting(
            committee_id=committee_id,
            date=meeting.date,
            start_time=meeting.start_time,
            venue=meeting.venue,
            status=meeting.status,
            is_sample=meeting.is_sample,
        ),
    )
    for position, attendance in _numbered(meeting.attendance):
        session.add(
            Attendance(
                meeting_id=meeting_id,
                person_id=people[attendance.person],
                role=attendance.role,
                status=attendance.status,
                substitute_for_id=(
                    None if attendance.substitute_for is None else people[attendance.substitute_for]
                ),
                position=position,
            )
        )
    first_resolutions: dict[str, int] = {}
    for item_position, item in _numbered(meeting.items):
        item_id = _saved_id(
            session,
            AgendaItem(
                meeting_id=meeting_id,
                number=item.number,
                title=item.title,
                position=item_position,
                is_sample=item.is_sample,
            ),
        )
        for position, presenter in _numbered(item.presenters):
            session.add(
                ItemPresenter(
                    agenda_item_id=item_id,
                    person_id=people[presenter.person],
                    role=presenter.role,
                    position=position,
                )
            )
        for position, document in _numbered(item.documents):
            session.add(
                SupportingDocument(
                    agenda_item_id=item_id,
                    title=document.title,
                    file_path=document.file_path,
                    url=document.url,
                    position=position,
                )
            )
        for section_position, section in _numbered(item.sections):
            section_id = _saved_id(
                session,
                MinuteSection(
                    agenda_item_id=item_id, heading=section.heading, position=section_position
                ),
            )
            session.add_all(
                MinutePoint(
                    section_id=section_id, kind=point.kind, text=point.text, position=position
                )
                for position, point in _numbered(section.points)
            )
        for position, resolution in _numbered(item.resolutions):
            resolution_id = _saved_id(
                session,
                Resolution(
                    agenda_item_id=item_id,
                    label=resolution.label,
                    text=resolution.text,
                    position=position,
                ),
            )
            first_resolutions.setdefault(item.number, resolution_id)
    return first_resolutions


def _insert_indicators(session: Session, indicators: Sequence[DemoIndicator]) -> dict[str, int]:
    # Themes take the order in which indicators.toml first names them: the
    # council's own order (Start Well, Live Well, Age Well), not the alphabet's.
    theme_names = list(dict.fromkeys(indicator.theme for indicator in indicators))
    session.add_all(
        Theme(name=name, position=position) for position, name in enumerate(theme_names)
    )
    session.flush()
    ids: dict[str, int] = {}
    for indicator in indicators:
        indicator_id = _saved_id(
            session,
            Indicator(
                ref=indicator.ref,
                name=indicator.name,
                theme=indicator.theme,
                unit=indicator.unit,
                polarity=indicator.polarity,
                frequency=indicator.frequency,
                measure_type=indicator.measure_type,
                decimals=indicator.decimals,
                tolerance=indicator.tolerance,
                tolerance_kind=indicator.tolerance_kind,
                lead_service=indicator.lead_service,
                owner=indicator.owner,
                source=indicator.source,
                definition=indicator.definition,
                notes=indicator.notes,
                is_sample=indicator.is_sample,
            ),
        )
        ids[indicator.ref] = indicator_id
        session.add_all(
            IndicatorValue(
                indicator_id=indicator_id,
                year=value.year,
                quarter=value.quarter,
                value=value.value,
                numerator=value.numerator,
                denominator=value.denominator,
                target=value.target,
                floor=value.floor,
                england=value.england,
                region=value.region,
                statistical_neighbours=value.statistical_neighbours,
                provisional=value.provisional,
                status_symbol=value.status_symbol,
                is_sample=value.is_sample,
                data_as_at=value.data_as_at,
                commentary=value.commentary,
            )
            for value in indicator.values
        )
    return ids


def _insert_plans(
    session: Session,
    plans: Sequence[DemoPlan],
    *,
    people: Mapping[str, int],
    names: Mapping[str, str],
    indicators: Mapping[str, int],
    resolutions: Mapping[str, int],
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for plan in plans:
        plan_id = _saved_id(
            session,
            ImprovementPlan(
                name=plan.name,
                board=plan.board,
                description=plan.description,
                start_date=plan.start_date,
                end_date=plan.end_date,
                status=plan.status,
            ),
        )
        ids[plan.key] = plan_id
        areas = {
            name: _saved_id(session, PriorityArea(plan_id=plan_id, name=name, position=position))
            for position, name in _numbered(plan.areas)
        }
        for action in plan.actions:
            action_id = _saved_id(
                session,
                Action(
                    plan_id=plan_id,
                    priority_area_id=areas[action.area],
                    ref=action.ref,
                    description=action.description,
                    lead_id=None if action.lead is None else people[action.lead],
                    due_date=action.due,
                    status=action.status,
                    progress=action.progress,
                    resolution_id=(
                        None
                        if action.resolution_item is None
                        else resolutions[action.resolution_item]
                    ),
                    is_sample=action.is_sample,
                ),
            )
            session.add_all(
                ActionIndicator(action_id=action_id, indicator_id=indicators[ref])
                for ref in action.indicators
            )
            session.add_all(
                ActionUpdate(
                    action_id=action_id,
                    text=update.text,
                    old_status=update.old_status,
                    new_status=update.new_status,
                    old_progress=update.old_progress,
                    new_progress=update.new_progress,
                    # The schema keeps who as text (a login or a name); the demo uses names.
                    who=names[update.by],
                    at=update.at,
                    is_sample=update.is_sample,
                )
                for update in action.updates
            )
    return ids


def _write_database(path: Path, data: DemoData) -> None:
    database = open_database(path, create=True)
    try:
        with database.session() as session:
            _insert(session, data)
    finally:
        database.close()
    _checkpoint(path)


def _checkpoint(path: Path) -> None:
    """Fold any write-ahead log into the file, so the file alone is the whole database.

    Only the main file is moved into place; a database left in WAL mode with an
    un-checkpointed log would arrive without its last transaction.
    """
    if Path(f"{path}-wal").exists():
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()


def _remove_sidecars(path: Path) -> None:
    for suffix in _SQLITE_SIDECARS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _publish(built: Path, path: Path, *, force: bool) -> None:
    """Move the finished database to ``path``: replacing only with ``force``."""
    if force:
        _remove_sidecars(path)
        os.replace(built, path)
        return
    try:
        # A hard link fails if ``path`` exists: the check and the write are one
        # step, so a file made meanwhile by another process is never replaced.
        os.link(built, path)
    except FileExistsError:
        raise DemoExistsError(path) from None
    except OSError:
        # Some file systems (FAT, some network shares) have no hard links;
        # fall back to check-then-replace, which is racy only in that case.
        if os.path.lexists(path):
            raise DemoExistsError(path) from None
        _remove_sidecars(path)
        os.replace(built, path)


def build_demo_database(path: Path, *, force: bool = False, data_dir: Path | None = None) -> Path:
    """Write a new demo database at ``path``; see the module contract.

    ``data_dir`` replaces the shipped data folder (tests, or a council's own demo).
    """
    path = Path(path)
    if os.path.lexists(path) and not force:
        raise DemoExistsError(path)
    # Validate before anything is written, so bad data never touches the disk.
    data = load_demo_data(data_dir)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, "The folder for the demo database does not exist", str(folder)
        )
    with tempfile.TemporaryDirectory(
        prefix=".qpmr-demo-", dir=folder, ignore_cleanup_errors=True
    ) as scratch:
        built = Path(scratch) / path.name
        _write_database(built, data)
        _publish(built, path, force=force)
    return path


def ensure_demo_database(path: Path) -> Path:
    """The demo database at ``path``, built (with its folder) only when missing."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return build_demo_database(path)
    except DemoExistsError:
        return path  # another process built it meanwhile: that one will do
