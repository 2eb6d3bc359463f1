"""Column mappings: guessed for the native format, saved and loaded as JSON, refused when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qpmr_desktop.domain.performance import Frequency, MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.paths import resources_dir
from qpmr_desktop.services.import_files import FileKind, SourceRow, SourceTable
from qpmr_desktop.services.import_mapping import (
    ColumnMapping,
    ComparatorRows,
    IndicatorSettings,
    MappingError,
    NativeField,
    PeriodFormat,
    ValueColumn,
    guess_mapping,
    load_mapping,
    mapping_from_json,
    save_mapping,
)

SHIPPED = resources_dir() / "import-mappings"


def _table(*headers: str) -> SourceTable:
    return SourceTable(
        path=Path("x.csv"),
        kind=FileKind.CSV,
        headers=headers,
        rows=(SourceRow(2, tuple("" for _ in headers)),),
    )


def test_guess_mapping_reads_native_headers_in_any_case_and_order() -> None:
    mapping = guess_mapping(
        _table("Commentary", "VALUE", "PERIOD", "Indicator Ref", "statistical-neighbours", "Notes")
    )
    assert dict(mapping.columns) == {
        NativeField.COMMENTARY: "Commentary",
        NativeField.VALUE: "VALUE",
        NativeField.PERIOD: "PERIOD",
        NativeField.INDICATOR_REF: "Indicator Ref",
        NativeField.STATISTICAL_NEIGHBOURS: "statistical-neighbours",
    }


def test_guess_mapping_prefers_a_fields_own_name_to_an_alias() -> None:
    mapping = guess_mapping(_table("ref", "indicator_ref", "quarter", "name", "comments"))
    assert mapping.columns[NativeField.INDICATOR_REF] == "indicator_ref"
    assert mapping.columns[NativeField.PERIOD] == "quarter"
    assert mapping.columns[NativeField.INDICATOR_NAME] == "name"
    assert mapping.columns[NativeField.COMMENTARY] == "comments"


def _everything() -> ColumnMapping:
    return ColumnMapping(
        name="Every feature",
        description="Ж & <é> 😀",
        columns={NativeField.INDICATOR_REF: "k", NativeField.TARGET: "t"},
        constants={NativeField.THEME: "Live Well"},
        value_columns=(
            ValueColumn("tq", row_fields=True),
            ValueColumn("lq", offset=-1),
            ValueColumn("2016/17 Q4", period=Quarter(2016, 4)),
        ),
        value_maps={NativeField.UNIT: {"%": "percentage", "": "count"}},
        ignored_columns={"y": "last year's outturn"},
        defaults=IndicatorSettings(
            polarity=Polarity.HIGHER_IS_BETTER,
            frequency=Frequency.QUARTERLY,
            measure_type=MeasureType.YEAR_TO_DATE,
            tolerance=10.0,
            tolerance_kind=ToleranceKind.PERCENT,
            decimals=1,
            source="Dashboard",
        ),
        indicators={"HR11": IndicatorSettings(unit=Unit.DAYS, polarity=Polarity.LOWER_IS_BETTER)},
    )


def _comparators() -> ColumnMapping:
    return ColumnMapping(
        name="Comparators",
        columns={NativeField.PERIOD: "period", NativeField.VALUE: "value"},
        constants={NativeField.INDICATOR_REF: "EV"},
        period_format=PeriodFormat.MONTH_AFTER_QUARTER,
        comparator_rows=ComparatorRows(
            area_column="area_code",
            local=("E08000009",),
            england=("E92000001",),
            region=("E12000002",),
            statistical_neighbours=("E1", "E2"),
        ),
    )


@pytest.mark.parametrize("mapping", [_everything(), _comparators(), ColumnMapping()])
def test_a_saved_mapping_loads_back_equal(tmp_path: Path, mapping: ColumnMapping) -> None:
    path = tmp_path / "mapping.json"
    save_mapping(mapping, path)
    assert load_mapping(path) == mapping
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("qpmr-desktop import mapping", 1)


def test_a_period_in_the_mapping_round_trips(tmp_path: Path) -> None:
    mapping = ColumnMapping(columns={NativeField.INDICATOR_REF: "k"}, period=Quarter(2014, 1))
    save_mapping(mapping, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["period"] == "Q1 2014/15"
    assert load_mapping(tmp_path / "m.json").period == Quarter(2014, 1)


@pytest.mark.parametrize("name", ["hart-kpi-tiles.json", "trafford-comparators.json"])
def test_the_shipped_mappings_load_and_save_back_unchanged(tmp_path: Path, name: str) -> None:
    mapping = load_mapping(SHIPPED / name)
    save_mapping(mapping, tmp_path / name)
    assert load_mapping(tmp_path / name) == mapping


def test_bad_json_names_the_file_and_place(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x",\n  "columns": }', encoding="utf-8")
    with pytest.raises(MappingError, match=r"broken\.json is not valid JSON \(line 2, column 14"):
        load_mapping(path)


def test_a_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="There is no mapping file"):
        load_mapping(tmp_path / "none.json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the mapping must be a JSON object, not a list"),
        ({"colums": {}}, "the mapping has unknown key(s) 'colums'"),
        ({"columns": {"valu": "v"}}, "columns: 'valu' is not a field (one of indicator_ref"),
        ({"columns": {"value": 3}}, "columns.value must be text, not the number 3"),
        ({"format": "something else"}, "'format' is 'something else'"),
        ({"version": 2}, "this is a version 2 mapping"),
        ({"period": "Q5 2014/15"}, "period: Not a period"),
        ({"period_format": "weekly"}, "period_format is 'weekly', not one of 'quarter'"),
        (
            {"value_columns": [{"column": "tq", "ofset": 1}]},
            "value_columns[0] has unknown key(s) 'ofset'",
        ),
        (
            {"value_columns": [{"column": "tq", "offset": "1"}]},
            "value_columns[0].offset must be a whole number",
        ),
        ({"value_columns": [{"offset": 1}]}, "value_columns[0].column must name a column"),
        ({"defaults": {"polarity": "up-ish"}}, "defaults.polarity: 'up-ish' is not a polarity"),
        ({"indicators": {"A": {"unit": "Devices"}}}, "indicators.A.unit: 'Devices' is not a unit"),
        ({"defaults": {"tolerance": -1}}, "tolerance must be a number 0 or more"),
        ({"defaults": {"decimals": True}}, "defaults.decimals must be a whole number, not true"),
        ({"comparator_rows": {"area_column": "a"}}, "comparator_rows.local must name at least one"),
        (
            {"comparator_rows": {"area_column": "a", "local": ["E1"], "england": ["E1"]}},
            "area 'E1' is in both local and england",
        ),
        (
            {"columns": {"value": "v"}, "value_columns": [{"column": "tq"}]},
            "map value to one column or use value_columns, not both",
        ),
        (
            {
                "value_columns": [
                    {"column": "a", "row_fields": True},
                    {"column": "b", "row_fields": True, "offset": 1},
                ]
            },
            "only one value column may carry row_fields",
        ),
        (
            {"value_columns": [{"column": "a"}, {"column": "b"}]},
            "two value_columns are for the same period",
        ),
        (
            {"columns": {"england": "e"}, "comparator_rows": {"area_column": "a", "local": ["E1"]}},
            "england comes from comparator_rows: do not map it as well",
        ),
        (
            {"columns": {"period": "p"}, "period": "Q1 2014/15"},
            "give the period as a column or as the mapping's period, not both",
        ),
    ],
)
def test_bad_mappings_are_refused_with_where_and_why(
    tmp_path: Path, data: object, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_mapping_from_json_accepts_a_whole_number_for_a_float() -> None:
    mapping = mapping_from_json({"defaults": {"tolerance": 5}})
    assert mapping.defaults.tolerance == 5.0
