"""How a file's columns become indicator values: the column mapping, saved and reused as JSON.

The native long format needs no mapping: :func:`guess_mapping` recognises its
headers (any case, any order, spaces or hyphens for underscores). Other
layouts are described by a :class:`ColumnMapping`:

* ``columns`` — native field → the source column's header;
* ``constants`` — native field → a fixed text used for every row, read as if
  it were a cell (a file that holds one indicator gives its ref this way);
* ``period`` / ``period_format`` — the file's own period when it has no
  period column (the import can also be given one), and how a period column
  is written: ``quarter`` ("Q1 2017/18" or "2017/18 Q1"), ``month`` ("2017-05"
  or "2017-05-31": the quarter that month is in) or ``month after quarter``
  ("2021-07": figures as at 1 July, the end of the quarter April–June, so Q1
  2021/22 — what quarterly snapshot statistics such as the DfT's charging
  device counts name by the month they are taken in);
* ``value_columns`` — a wide file: several value columns, each for a fixed
  period or a number of quarters after the file's period (``offset`` -1 is
  the quarter before). One of them may carry the row's other fields
  (``row_fields``: target, comparators, commentary …); the others carry only
  a value, and a blank cell in them is no row at all;
* ``comparator_rows`` — a long file whose comparators are rows: the
  ``area_column`` tells the local area's rows (the value) from England's,
  the region's and the statistical neighbours'. ``statistical_neighbours`` is
  a list of area codes or, when absent, every other area in the file; their
  figure is the mean of the neighbours that have a value for that period;
* ``value_maps`` — per native field, source text → the text to use ("%" →
  "percentage"; "No notes" → "" for commentary). Matched ignoring case and
  surrounding spaces; text not in the map is used as it is;
* ``ignored_columns`` — columns knowingly not imported, each with the reason,
  so the preview can say why;
* ``defaults`` and ``indicators`` — what a *new* indicator gets when the file
  does not say: per-ref settings (``indicators``) win over the file's own
  columns, which win over ``defaults``.

Contract: a :class:`ColumnMapping` is immutable and checked when made
(:class:`MappingError`, a ``ValueError``, for a mapping that contradicts
itself). :func:`save_mapping` writes UTF-8 JSON that :func:`load_mapping`
reads back equal; :func:`load_mapping` refuses bad JSON, unknown keys, wrong
types and unknown units, polarities or fields with a :class:`MappingError`
naming the file and the key (``value_columns[1].offset``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from qpmr_desktop.domain.performance import Frequency, MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.domain.value_parsing import ValueParseError, parse_polarity, parse_unit
from qpmr_desktop.services.import_files import SourceTable

MAPPING_FORMAT = "qpmr-desktop import mapping"
MAPPING_VERSION = 1


class MappingError(ValueError):
    """A mapping that cannot be used; ``str(error)`` says where and why, for a person."""


class NativeField(StrEnum):
    """A column of the native long format (the export writes them in this order)."""

    INDICATOR_REF = "indicator_ref"
    PERIOD = "period"
    VALUE = "value"
    TARGET = "target"
    ENGLAND = "england"
    REGION = "region"
    STATISTICAL_NEIGHBOURS = "statistical_neighbours"
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    STATUS = "status"
    COMMENTARY = "commentary"
    INDICATOR_NAME = "indicator_name"
    THEME = "theme"
    UNIT = "unit"
    POLARITY = "polarity"


#: The figures of a value row, read with ``parse_number``.
NUMBER_FIELDS = (
    NativeField.VALUE,
    NativeField.TARGET,
    NativeField.ENGLAND,
    NativeField.REGION,
    NativeField.STATISTICAL_NEIGHBOURS,
    NativeField.NUMERATOR,
    NativeField.DENOMINATOR,
)
#: What a new indicator needs besides its ref; ignored for an existing one.
INDICATOR_FIELDS = (
    NativeField.INDICATOR_NAME,
    NativeField.THEME,
    NativeField.UNIT,
    NativeField.POLARITY,
)
#: Fields that belong to one period's row (in a wide file, to the ``row_fields`` column).
ROW_FIELDS = frozenset(
    {
        NativeField.TARGET,
        NativeField.ENGLAND,
        NativeField.REGION,
        NativeField.STATISTICAL_NEIGHBOURS,
        NativeField.NUMERATOR,
        NativeField.DENOMINATOR,
        NativeField.STATUS,
        NativeField.COMMENTARY,
    }
)
COMPARATOR_FIELDS = (
    NativeField.ENGLAND,
    NativeField.REGION,
    NativeField.STATISTICAL_NEIGHBOURS,
)

# Header spellings guess_mapping accepts besides the field names themselves.
_ALIASES: dict[str, NativeField] = {
    "ref": NativeField.INDICATOR_REF,
    "reference": NativeField.INDICATOR_REF,
    "indicator": NativeField.INDICATOR_REF,
    "name": NativeField.INDICATOR_NAME,
    "quarter": NativeField.PERIOD,
    "statistical_neighbour": NativeField.STATISTICAL_NEIGHBOURS,
    "stat_neighbours": NativeField.STATISTICAL_NEIGHBOURS,
    "data_status": NativeField.STATUS,
    "status_symbol": NativeField.STATUS,
    "comment": NativeField.COMMENTARY,
    "comments": NativeField.COMMENTARY,
}


class PeriodFormat(StrEnum):
    QUARTER = "quarter"
    MONTH = "month"
    MONTH_AFTER_QUARTER = "month after quarter"


@dataclass(frozen=True)
class ValueColumn:
    """A wide file's value column: for ``period``, or ``offset`` quarters after the file's."""

    column: str
    offset: int = 0
    period: Quarter | None = None
    row_fields: bool = False

    def describe(self) -> str:
        if self.period is not None:
            return self.period.label
        if self.offset == 0:
            return "the file's period"
        plural = "s" if abs(self.offset) != 1 else ""
        side = "after" if self.offset > 0 else "before"
        return f"{abs(self.offset)} quarter{plural} {side} the file's period"


@dataclass(frozen=True)
class ComparatorRows:
    """Which rows of a long comparator table are the local area, England, region and neighbours.

    ``statistical_neighbours`` None means every area that is none of the others.
    """

    area_column: str
    local: tuple[str, ...]
    england: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    statistical_neighbours: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not self.local:
            raise MappingError("comparator_rows.local must name at least one area code.")
        groups = {
            "local": self.local,
            "england": self.england,
            "region": self.region,
            "statistical_neighbours": self.statistical_neighbours or (),
        }
        seen: dict[str, str] = {}
        for group, codes in groups.items():
            for code in codes:
                if code in seen:
                    raise MappingError(
                        f"comparator_rows: area {code!r} is in both {seen[code]} and {group}."
                    )
                seen[code] = group


@dataclass(frozen=True)
class IndicatorSettings:
    """What a new indicator is created with; None leaves the choice to the next source."""

    name: str | None = None
    theme: str | None = None
    unit: Unit | None = None
    polarity: Polarity | None = None
    frequency: Frequency | None = None
    measure_type: MeasureType | None = None
    decimals: int | None = None
    tolerance: float | None = None
    tolerance_kind: ToleranceKind | None = None
    lead_service: str | None = None
    owner: str | None = None
    source: str | None = None
    definition: str | None = None

    def __post_init__(self) -> None:
        if self.decimals is not None and not 0 <= self.decimals <= 6:
            raise MappingError(f"decimals must be 0 to 6, not {self.decimals}.")
        if self.tolerance is not None and not (
            math.isfinite(self.tolerance) and self.tolerance >= 0
        ):
            raise MappingError(f"tolerance must be a number 0 or more, not {self.tolerance}.")


@dataclass(frozen=True)
class ColumnMapping:
    """How a file's columns map to the native fields; see the module docstring."""

    name: str = ""
    description: str = ""
    columns: Mapping[NativeField, str] = field(default_factory=dict)
    constants: Mapping[NativeField, str] = field(default_factory=dict)
    period: Quarter | None = None
    period_format: PeriodFormat = PeriodFormat.QUARTER
    value_columns: tuple[ValueColumn, ...] = ()
    comparator_rows: ComparatorRows | None = None
    value_maps: Mapping[NativeField, Mapping[str, str]] = field(default_factory=dict)
    ignored_columns: Mapping[str, str] = field(default_factory=dict)
    defaults: IndicatorSettings = field(default_factory=IndicatorSettings)
    indicators: Mapping[str, IndicatorSettings] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for problem in self._problems():
            raise MappingError(problem)

    def _problems(self) -> list[str]:
        problems = [
            f"{native.value} is both a column ({self.columns[native]!r}) and a constant."
            for native in self.columns
            if native in self.constants
        ]
        mapped_period = NativeField.PERIOD in self.columns or NativeField.PERIOD in self.constants
        if self.period is not None and mapped_period:
            problems.append("give the period as a column or as the mapping's period, not both.")
        if self.value_columns:
            if NativeField.VALUE in self.columns or NativeField.VALUE in self.constants:
                problems.append("map value to one column or use value_columns, not both.")
            if mapped_period:
                problems.append("value_columns give each value its period: map no period column.")
            if self.comparator_rows is not None:
                problems.append("value_columns and comparator_rows cannot be combined.")
            carriers = [each.column for each in self.value_columns if each.row_fields]
            if len(carriers) > 1:
                problems.append(f"only one value column may carry row_fields, not {carriers}.")
            periods = [each.period or each.offset for each in self.value_columns]
            if len(set(periods)) != len(periods):
                problems.append("two value_columns are for the same period.")
            fixed_and_offset = [
                each.column
                for each in self.value_columns
                if each.period is not None and each.offset != 0
            ]
            if fixed_and_offset:
                problems.append(f"value column {fixed_and_offset[0]!r} has a period and an offset.")
        if self.comparator_rows is not None:
            problems.extend(
                f"{native.value} comes from comparator_rows: do not map it as well."
                for native in COMPARATOR_FIELDS
                if native in self.columns or native in self.constants
            )
        return problems

    def value_map(self, native: NativeField) -> dict[str, str] | None:
        """``value_maps[native]`` keyed for lookup (case and surrounding spaces ignored)."""
        table = self.value_maps.get(native)
        if not table:
            return None
        return {_fold(source): target for source, target in table.items()}

    def settings_for(self, ref: str) -> IndicatorSettings:
        return self.indicators.get(ref, _NO_SETTINGS)

    @property
    def is_wide(self) -> bool:
        return bool(self.value_columns)

    def used_columns(self) -> set[str]:
        """Every source header this mapping reads or knowingly ignores (folded)."""
        used = {_fold(header) for header in self.columns.values()}
        used.update(_fold(each.column) for each in self.value_columns)
        if self.comparator_rows is not None:
            used.add(_fold(self.comparator_rows.area_column))
        used.update(_fold(header) for header in self.ignored_columns)
        return used


_NO_SETTINGS = IndicatorSettings()


def fold_header(header: str) -> str:
    """A header as matched: case, surrounding spaces and repeated spaces ignored."""
    return _fold(header)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def guess_mapping(table: SourceTable) -> ColumnMapping:
    """The native format's mapping for ``table``'s headers (any case, any order).

    Headers are matched ignoring case, with spaces or hyphens for underscores,
    and a few common spellings ("ref", "name", "quarter", "comments"). Headers
    that match nothing are left for the preview to list as not imported.
    """
    columns: dict[NativeField, str] = {}
    by_alias: dict[NativeField, str] = {}
    for header in table.headers:
        key = "_".join(header.casefold().replace("-", " ").split())
        if key in NativeField.__members__.values():
            columns.setdefault(NativeField(key), header)
        elif key in _ALIASES:
            by_alias.setdefault(_ALIASES[key], header)
    for native, header in by_alias.items():
        columns.setdefault(native, header)  # a field's own name wins over an alias
    return ColumnMapping(
        name="Native format",
        description="Columns recognised by their names.",
        columns=columns,
    )


# ------------------------------------------------------------------ JSON


def save_mapping(mapping: ColumnMapping, path: Path) -> None:
    """Write ``mapping`` to ``path`` as UTF-8 JSON that :func:`load_mapping` reads back equal."""
    Path(path).write_text(
        json.dumps(mapping_to_json(mapping), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )


def load_mapping(path: Path) -> ColumnMapping:
    """Read a mapping saved by :func:`save_mapping` (or written by hand); see the module."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(f"There is no mapping file {path}.") from None
    except UnicodeDecodeError:
        raise MappingError(f"{path} is not a mapping file (not UTF-8 text).") from None
    except OSError as error:
        raise MappingError(f"Cannot read {path}: {error.strerror or error}.") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MappingError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    try:
        return mapping_from_json(data)
    except MappingError as error:
        raise MappingError(f"{path}: {error}") from None


def mapping_to_json(mapping: ColumnMapping) -> dict[str, Any]:
    """``mapping`` as plain JSON data (keys with their default value are left out)."""
    data: dict[str, Any] = {"format": MAPPING_FORMAT, "version": MAPPING_VERSION}
    data["name"] = mapping.name
    if mapping.description:
        data["description"] = mapping.description
    if mapping.columns:
        data["columns"] = {native.value: header for native, header in mapping.columns.items()}
    if mapping.constants:
        data["constants"] = {native.value: text for native, text in mapping.constants.items()}
    if mapping.period is not None:
        data["period"] = mapping.period.label
    if mapping.period_format is not PeriodFormat.QUARTER:
        data["period_format"] = mapping.period_format.value
    if mapping.value_columns:
        data["value_columns"] = [_value_column_json(each) for each in mapping.value_columns]
    if mapping.comparator_rows is not None:
        data["comparator_rows"] = _comparators_json(mapping.comparator_rows)
    if mapping.value_maps:
        data["value_maps"] = {
            native.value: dict(table) for native, table in mapping.value_maps.items()
        }
    if mapping.ignored_columns:
        data["ignored_columns"] = dict(mapping.ignored_columns)
    defaults = _settings_json(mapping.defaults)
    if defaults:
        data["defaults"] = defaults
    if mapping.indicators:
        data["indicators"] = {
            ref: _settings_json(settings) for ref, settings in mapping.indicators.items()
        }
    return data


def mapping_from_json(data: object) -> ColumnMapping:
    """A mapping from JSON data; :class:`MappingError` names the key that is wrong."""
    reader = _Reader(data, "the mapping")
    file_format = reader.optional("format", str)
    if file_format is not None and file_format != MAPPING_FORMAT:
        raise MappingError(f"'format' is {file_format!r}, not {MAPPING_FORMAT!r}.")
    version = reader.optional("version", int)
    if version is not None and version != MAPPING_VERSION:
        raise MappingError(
            f"this is a version {version} mapping; this version of QPMR Desktop reads "
            f"version {MAPPING_VERSION}."
        )
    comparators = reader.optional("comparator_rows", dict)
    period = reader.optional("period", str)
    mapping = ColumnMapping(
        name=reader.optional("name", str) or "",
        description=reader.optional("description", str) or "",
        columns=_fields_of(reader, "columns"),
        constants=_fields_of(reader, "constants"),
        period=None if period is None else _quarter(period, "period"),
        period_format=_choice(
            reader.optional("period_format", str) or PeriodFormat.QUARTER.value,
            PeriodFormat,
            "period_format",
        ),
        value_columns=tuple(
            _value_column(each, f"value_columns[{index}]")
            for index, each in enumerate(reader.optional("value_columns", list) or [])
        ),
        comparator_rows=None if comparators is None else _comparators(comparators),
        value_maps={
            native: _text_table(table, f"value_maps.{native.value}")
            for native, table in _field_keys(
                reader.optional("value_maps", dict) or {}, "value_maps"
            ).items()
        },
        ignored_columns=_text_table(
            reader.optional("ignored_columns", dict) or {}, "ignored_columns"
        ),
        defaults=_settings(reader.optional("defaults", dict) or {}, "defaults"),
        indicators={
            ref: _settings(settings, f"indicators.{ref}")
            for ref, settings in (reader.optional("indicators", dict) or {}).items()
        },
    )
    reader.finish()
    return mapping


_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)


class _Reader:
    """Reads one JSON object's keys by type, then refuses any key it was not asked for."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise MappingError(f"{where} must be a JSON object, not {_json_type(data)}.")
        self._data: dict[str, object] = data
        self._where = where
        self._used: set[str] = set()

    def optional(self, key: str, kind: type[_T]) -> _T | None:
        self._used.add(key)
        value = self._data.get(key)
        if value is None:
            return None
        # JSON has one number type: a whole number is fine where a float is due,
        # but a bool (an int in Python) is never a number.
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise MappingError(
                f"{self._key(key)} must be {_KIND_NAMES[kind]}, not {_json_type(value)}."
            )
        return value

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._used)
        if unknown:
            names = ", ".join(repr(key) for key in unknown)
            raise MappingError(f"{self._where} has unknown key(s) {names}.")

    def _key(self, key: str) -> str:
        return repr(key) if self._where == "the mapping" else f"{self._where}.{key}"


_KIND_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "an object"


def _field_keys(table: dict[str, Any], where: str) -> dict[NativeField, Any]:
    result: dict[NativeField, Any] = {}
    for key, value in table.items():
        try:
            result[NativeField(key)] = value
        except ValueError:
            allowed = ", ".join(native.value for native in NativeField)
            raise MappingError(f"{where}: {key!r} is not a field (one of {allowed}).") from None
    return result


def _fields_of(reader: _Reader, key: str) -> dict[NativeField, str]:
    table: dict[str, Any] = reader.optional(key, dict) or {}
    return _text_table(_field_keys(table, key), key)


def _text_table(table: Mapping[Any, Any], where: str) -> dict[Any, str]:
    for key, value in table.items():
        if not isinstance(value, str):
            raise MappingError(f"{where}.{key} must be text, not {_json_type(value)}.")
    return dict(table)


def _quarter(text: str, where: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as error:
        raise MappingError(f"{where}: {error}") from None


def _choice(text: str, enum_class: type[_E], where: str) -> _E:
    try:
        return enum_class(text)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum_class)
        raise MappingError(f"{where} is {text!r}, not one of {allowed}.") from None


def _value_column(data: object, where: str) -> ValueColumn:
    reader = _Reader(data, where)
    column = reader.optional("column", str)
    if not column:
        raise MappingError(f"{where}.column must name a column.")
    period = reader.optional("period", str)
    value_column = ValueColumn(
        column=column,
        offset=reader.optional("offset", int) or 0,
        period=None if period is None else _quarter(period, f"{where}.period"),
        row_fields=reader.optional("row_fields", bool) or False,
    )
    reader.finish()
    return value_column


def _value_column_json(column: ValueColumn) -> dict[str, Any]:
    data: dict[str, Any] = {"column": column.column}
    if column.period is not None:
        data["period"] = column.period.label
    if column.offset:
        data["offset"] = column.offset
    if column.row_fields:
        data["row_fields"] = True
    return data


def _codes(reader: _Reader, key: str) -> tuple[str, ...] | None:
    codes = reader.optional(key, list)
    if codes is None:
        return None
    if not all(isinstance(code, str) and code.strip() for code in codes):
        raise MappingError(f"comparator_rows.{key} must be a list of area codes (text).")
    return tuple(code.strip() for code in codes)


def _comparators(data: object) -> ComparatorRows:
    reader = _Reader(data, "comparator_rows")
    area_column = reader.optional("area_column", str)
    if not area_column:
        raise MappingError("comparator_rows.area_column must name the column of area codes.")
    comparators = ComparatorRows(
        area_column=area_column,
        local=_codes(reader, "local") or (),
        england=_codes(reader, "england") or (),
        region=_codes(reader, "region") or (),
        statistical_neighbours=_codes(reader, "statistical_neighbours"),
    )
    reader.finish()
    return comparators


def _comparators_json(rows: ComparatorRows) -> dict[str, Any]:
    data: dict[str, Any] = {"area_column": rows.area_column, "local": list(rows.local)}
    if rows.england:
        data["england"] = list(rows.england)
    if rows.region:
        data["region"] = list(rows.region)
    if rows.statistical_neighbours is not None:
        data["statistical_neighbours"] = list(rows.statistical_neighbours)
    return data


_SETTING_KINDS: dict[str, type] = {
    "decimals": int,
    "tolerance": float,
}
_SETTING_CHOICES: dict[str, type[StrEnum]] = {
    "frequency": Frequency,
    "measure_type": MeasureType,
    "tolerance_kind": ToleranceKind,
}


def _settings(data: object, where: str) -> IndicatorSettings:
    reader = _Reader(data, where)
    values: dict[str, Any] = {}
    for setting in fields(IndicatorSettings):
        name = setting.name
        kind = _SETTING_KINDS.get(name, str)
        value: Any = reader.optional(name, kind)
        if value is None:
            continue
        if name == "unit":
            value = _word(parse_unit, value, f"{where}.unit")
        elif name == "polarity":
            value = _word(parse_polarity, value, f"{where}.polarity")
        elif name in _SETTING_CHOICES:
            value = _choice(value, _SETTING_CHOICES[name], f"{where}.{name}")
        values[name] = value
    reader.finish()
    try:
        return IndicatorSettings(**values)
    except MappingError as error:
        raise MappingError(f"{where}: {error}") from None


def _word(parse: Any, text: str, where: str) -> Any:
    try:
        return parse(text)
    except ValueParseError as error:
        raise MappingError(f"{where}: {error}.") from None


def _settings_json(settings: IndicatorSettings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for setting in fields(IndicatorSettings):
        value = getattr(settings, setting.name)
        if value is None:
            continue
        data[setting.name] = value.value if isinstance(value, StrEnum) else value
    return data
