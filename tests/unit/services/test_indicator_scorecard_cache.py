"""The scorecard kept in ``indicator_scorecard``: never stale, whoever writes, and really used.

Every test compares what ``list_indicator_rows`` returns (kept rows where
there are fresh ones) with ``judge_indicator_rows`` (everything judged afresh,
nothing kept read) and with ``get_indicator_detail``'s judgement of the latest
period, after a write of each kind: through the editing services, through the
import, retire and restore, per-year targets, the indicator's unit, polarity,
decimals and tolerance, raw SQL from another connection that knows nothing of
the cache, and deletion; then the same over random sequences of such writes
(hypothesis). Also: the rules fingerprint, a read-only or locked file, a
writer that slips in while the scorecard is being judged, and that a second
read judges nothing.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop import __version__
from qpmr_desktop.domain.performance import Polarity, Rag, ToleranceKind
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services import indicator_editing as editing
from qpmr_desktop.services import indicators
from qpmr_desktop.services.indicator_import import apply_import
from qpmr_desktop.services.indicators import (
    get_indicator_detail,
    judge_indicator_rows,
    list_indicator_rows,
    scorecard_rules,
)
from qpmr_desktop.services.read_models import IndicatorDraft, IndicatorRow
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.database import Database
from qpmr_desktop.storage.tables import IndicatorScorecard
from tests.unit.services.select_counter import selects_run
from tests.unit.services.test_indicator_import_support import (
    NATIVE_HEADERS,
    native_row,
    new_indicator,
    preview,
    write_csv,
)

# ------------------------------------------------------------------ set-up

REFS = ("CLA-01", "KS2-3", "HOM-7", "EMP-2")

# (year, quarter, value, row target); the financial year's first year.
_COUNT_SERIES = [(2016, q, 1500.0 + 40 * q, 1700.0) for q in range(1, 5)] + [
    (2017, 1, 1875.0, 1700.0),
    (2017, 2, 1690.0, None),  # judged against the year's target
]
_PERCENT_SERIES = [(2016, q, 55.0 + q, None) for q in range(1, 5)] + [(2017, 1, 58.25, None)]


def _draft(ref: str, theme: str, unit: Unit, polarity: Polarity, **fields: Any) -> IndicatorDraft:
    return IndicatorDraft(
        ref=ref,
        name=f"{ref} – “<&>” ünïcode ✓",
        theme=theme,
        unit=unit,
        polarity=polarity,
        **fields,
    )


def _populate(workspace: Workspace) -> None:
    """Four indicators: a count, a percentage with year targets, one with no values, a rate."""
    drafts = [
        _draft(
            "CLA-01",
            "Start Well",
            Unit.COUNT,
            Polarity.LOWER_IS_BETTER,
            tolerance=5,
            tolerance_kind=ToleranceKind.PERCENT,
        ),
        _draft("KS2-3", "Start Well", Unit.PERCENTAGE, Polarity.HIGHER_IS_BETTER, decimals=1),
        _draft("HOM-7", "Live Well", Unit.DAYS, Polarity.LOWER_IS_BETTER),
        _draft("EMP-2", "Age Well", Unit.RATE_PER_10000, Polarity.NO_JUDGEMENT, decimals=1),
    ]
    ids = [
        editing.create_indicator(workspace=workspace, draft=draft).indicator_id for draft in drafts
    ]
    count_id, percent_id, _empty_id, rate_id = ids
    for year, quarter, value, target in _COUNT_SERIES:
        changes: dict[str, object] = {"value": value, "target": target}
        if (year, quarter) == (2017, 2):
            changes["commentary"] = "Fewer referrals & <faster> reviews"
        _set_value(workspace, count_id, Quarter(year, quarter), changes)
    editing.set_indicator_target(
        workspace=workspace,
        indicator_id=count_id,
        year=2017,
        changes={"target": 1650.0},
        expected_version=None,
    )
    for year, quarter, value, _target in _PERCENT_SERIES:
        _set_value(workspace, percent_id, Quarter(year, quarter), {"value": value})
    for year in (2016, 2017):
        editing.set_indicator_target(
            workspace=workspace,
            indicator_id=percent_id,
            year=year,
            changes={"target": 58.0, "tolerance": 1.0},
            expected_version=None,
        )
    for quarter in (1, 2, 3):
        _set_value(workspace, rate_id, Quarter(2017, quarter), {"value": 150.0 + quarter})


def _set_value(
    workspace: Workspace, indicator_id: int, period: Quarter, changes: dict[str, object]
) -> None:
    editing.set_indicator_value(
        workspace=workspace,
        indicator_id=indicator_id,
        period=period,
        changes=changes,
        expected_version=_value_version(workspace, indicator_id, period),
    )


def _value_version(workspace: Workspace, indicator_id: int, period: Quarter) -> int | None:
    detail = get_indicator_detail(workspace=workspace, indicator_id=indicator_id)
    return next((row.version for row in detail.values if row.period == period), None)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The populated database, built once; each test works on a copy."""
    path = tmp_path_factory.mktemp("scorecard") / "template.qpmr"
    workspace = open_workspace(path, create=True, user="Pat Performance")
    try:
        _populate(workspace)
    finally:
        workspace.close()
    return path


@contextmanager
def _copy_of(template: Path, folder: Path) -> Iterator[Workspace]:
    path = folder / "scorecard.qpmr"
    shutil.copyfile(template, path)
    workspace = open_workspace(path, user="Pat Performance")
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    with _copy_of(template, tmp_path) as workspace:
        yield workspace


def _ids(workspace: Workspace) -> dict[str, int]:
    with workspace.database.session() as session:
        rows = session.connection().exec_driver_sql("SELECT ref, id FROM indicator").all()
    return dict(rows)


def _kept(workspace: Workspace) -> dict[int, str]:
    """indicator id → rules of every kept row."""
    with workspace.database.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT indicator_id, rules FROM indicator_scorecard"
        )
        return dict(rows.all())


def _raw(workspace: Workspace, *statements: str) -> None:
    """Write with a plain ``sqlite3`` connection that knows nothing of the app."""
    with closing(sqlite3.connect(workspace.path, isolation_level=None)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN")
        for statement in statements:
            connection.execute(statement)
        connection.execute("COMMIT")


def _by_ref(rows: list[IndicatorRow]) -> dict[str, IndicatorRow]:
    return {row.ref: row for row in rows}


def assert_fresh(workspace: Workspace) -> list[IndicatorRow]:
    """The scorecard as listed (kept rows and all) is the scorecard judged afresh."""
    expected = judge_indicator_rows(workspace=workspace)
    listed = list_indicator_rows(workspace=workspace)
    assert listed == expected
    # The second listing reads only kept rows: they too must be right.
    assert _kept(workspace).keys() == {row.id for row in expected}
    assert list_indicator_rows(workspace=workspace) == expected
    for row in expected:
        _assert_matches_detail(workspace, row)
    return expected


def _assert_matches_detail(workspace: Workspace, row: IndicatorRow) -> None:
    """A scorecard row says what the detail says of the latest period with a value."""
    detail = get_indicator_detail(workspace=workspace, indicator_id=row.id)
    with_values = [value for value in detail.values if value.value is not None]
    if not with_values:
        assert (row.latest_period, row.rag) == (None, Rag.NO_DATA)
        return
    latest = with_values[-1]
    assert (row.latest_period, row.value, row.value_text) == (
        latest.period_label,
        latest.value,
        latest.value_text,
    )
    assert (row.target, row.target_text) == (latest.effective_target, latest.target_text)
    assert (row.rag, row.rag_reason, row.record) == (latest.rag, latest.rag_reason, latest.record)
    assert (row.direction, row.direction_last_year, row.direction_text) == (
        latest.direction,
        latest.direction_last_year,
        latest.direction_text,
    )
    assert (row.has_commentary, row.is_sample) == (
        bool(latest.commentary.strip()),
        latest.is_sample,
    )
    assert (row.ref, row.name, row.theme, row.unit, row.polarity) == (
        detail.ref,
        detail.name,
        detail.theme,
        detail.unit,
        detail.polarity,
    )


class Judgements:
    """Counts the indicators judged (``indicators._indicator_row`` calls), by id."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[int] = []
        judge = indicators._indicator_row

        def counting(definition: Any, latest: Any) -> IndicatorRow:
            self.ids.append(definition.id)
            return judge(definition, latest)

        monkeypatch.setattr(indicators, "_indicator_row", counting)


# ------------------------------------------------------------------ the cache is used


def test_kept_fields_are_the_derived_fields_of_a_scorecard_row_in_order() -> None:
    """Kept rows are turned into ``IndicatorRow`` s by position: the orders must agree."""
    names = [field.name for field in fields(IndicatorRow)]
    table = IndicatorScorecard.__table__  # type: ignore[attr-defined]

    assert names[6:] == list(indicators._CACHED_FIELDS)
    assert [column.name for column in table.columns] == ["indicator_id", "rules", *names[6:]]


def test_a_second_listing_judges_nothing_and_reads_once(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _kept(workspace) == {}  # the template was never listed
    judgements = Judgements(monkeypatch)

    first = list_indicator_rows(workspace=workspace)

    assert sorted(judgements.ids) == sorted(_ids(workspace).values())
    assert set(_kept(workspace).values()) == {scorecard_rules()}
    judgements.ids.clear()
    with selects_run(workspace, monkeypatch, "qpmr_desktop.services.bulk_rows") as selects:
        second = list_indicator_rows(workspace=workspace)

    assert judgements.ids == []
    assert second == first == judge_indicator_rows(workspace=workspace)
    assert len(selects) == 1
    assert [row.ref for row in second] == ["CLA-01", "KS2-3", "HOM-7", "EMP-2"]  # theme order


def test_a_value_edit_rejudges_only_its_indicator(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _by_ref(list_indicator_rows(workspace=workspace))
    ids = _ids(workspace)

    _set_value(workspace, ids["CLA-01"], Quarter(2017, 2), {"value": 1900.0})
    judgements = Judgements(monkeypatch)
    list_indicator_rows(workspace=workspace)

    assert judgements.ids == [ids["CLA-01"]]
    after = _by_ref(assert_fresh(workspace))
    assert after["CLA-01"].rag is Rag.RED
    assert before["CLA-01"].rag is not Rag.RED
    assert after["KS2-3"] == before["KS2-3"]


# ------------------------------------------------------------------ every kind of write

Write = Callable[[Workspace, dict[str, int]], None]


def _edit_latest_value(workspace: Workspace, ids: dict[str, int]) -> None:
    _set_value(workspace, ids["CLA-01"], Quarter(2017, 2), {"value": 1900.0})


def _add_a_later_quarter(workspace: Workspace, ids: dict[str, int]) -> None:
    _set_value(workspace, ids["KS2-3"], Quarter(2017, 2), {"value": 52.5, "commentary": "Dip"})


def _delete_the_latest_value(workspace: Workspace, ids: dict[str, int]) -> None:
    period = Quarter(2017, 2)
    version = _value_version(workspace, ids["CLA-01"], period)
    assert version is not None
    editing.delete_indicator_value(
        workspace=workspace, indicator_id=ids["CLA-01"], period=period, expected_version=version
    )


def _set_a_year_target(workspace: Workspace, ids: dict[str, int]) -> None:
    detail = get_indicator_detail(workspace=workspace, indicator_id=ids["KS2-3"])
    (target,) = (row for row in detail.targets if row.year == 2017)
    editing.set_indicator_target(
        workspace=workspace,
        indicator_id=ids["KS2-3"],
        year=2017,
        changes={"target": 60.0},
        expected_version=target.version,
    )


def _add_a_year_target(workspace: Workspace, ids: dict[str, int]) -> None:
    editing.set_indicator_target(
        workspace=workspace,
        indicator_id=ids["HOM-7"],
        year=2017,
        changes={"target": 20.0},
        expected_version=None,
    )
    _set_value(workspace, ids["HOM-7"], Quarter(2017, 1), {"value": 24.0})


def _update(refs: tuple[str, ...] = ("CLA-01", "KS2-3"), **changes: object) -> Write:
    def write(workspace: Workspace, ids: dict[str, int]) -> None:
        for ref in refs:
            detail = get_indicator_detail(workspace=workspace, indicator_id=ids[ref])
            editing.update_indicator(
                workspace=workspace,
                indicator_id=ids[ref],
                expected_version=detail.version,
                changes=changes,
            )

    return write


def _import(workspace: Workspace, ids: dict[str, int]) -> None:
    folder = Path(tempfile.mkdtemp())
    path = write_csv(
        folder / "values.csv",
        [
            NATIVE_HEADERS,
            native_row(indicator_ref="CLA-01", period="Q3 2017/18", value="1,600"),
            native_row(indicator_ref="KS2-3", period="Q1 2017/18", value="61.5%", commentary="Up"),
            new_indicator("NEW-1", "Q1 2017/18", "12", target="10", theme="Live Well"),
        ],
    )
    planned = preview(workspace, path)
    assert planned.counts.as_dict()["errors"] == 0
    apply_import(workspace=workspace, preview=planned)
    shutil.rmtree(folder)


def _retire(workspace: Workspace, ids: dict[str, int]) -> None:
    detail = get_indicator_detail(workspace=workspace, indicator_id=ids["KS2-3"])
    editing.retire_indicator(
        workspace=workspace, indicator_id=ids["KS2-3"], expected_version=detail.version
    )
    assert "KS2-3" not in _by_ref(assert_fresh(workspace))
    # While retired its figures change, by raw SQL; restored, it must show them.
    _raw(
        workspace,
        f"UPDATE indicator_value SET value = 40 WHERE indicator_id = {ids['KS2-3']}"
        " AND year = 2017 AND quarter = 1",
    )
    detail = get_indicator_detail(workspace=workspace, indicator_id=ids["KS2-3"])
    editing.restore_indicator(
        workspace=workspace, indicator_id=ids["KS2-3"], expected_version=detail.version
    )


def _delete_an_indicator(workspace: Workspace, ids: dict[str, int]) -> None:
    detail = get_indicator_detail(workspace=workspace, indicator_id=ids["HOM-7"])
    editing.delete_indicator(
        workspace=workspace, indicator_id=ids["HOM-7"], expected_version=detail.version
    )
    # And one with figures, the raw way: its values first (RESTRICT), then itself.
    _raw(
        workspace,
        f"DELETE FROM indicator_value WHERE indicator_id = {ids['EMP-2']}",
        f"DELETE FROM indicator WHERE id = {ids['EMP-2']}",
    )


def _raw_value_update(workspace: Workspace, ids: dict[str, int]) -> None:
    _raw(
        workspace,
        f"UPDATE indicator_value SET value = 2100, commentary = '' WHERE indicator_id ="
        f" {ids['CLA-01']} AND year = 2017 AND quarter = 2",
    )


def _raw_value_insert_and_delete(workspace: Workspace, ids: dict[str, int]) -> None:
    _raw(
        workspace,
        "INSERT INTO indicator_value (indicator_id, year, quarter, value, provisional,"
        " is_sample, commentary, version)"
        f" VALUES ({ids['EMP-2']}, 2017, 4, 149.9, 0, 1, '', 1)",
        f"DELETE FROM indicator_value WHERE indicator_id = {ids['KS2-3']} AND year = 2017",
    )


def _raw_target_writes(workspace: Workspace, ids: dict[str, int]) -> None:
    _raw(
        workspace,
        f"UPDATE indicator_target SET tolerance = 10, tolerance_kind = 'absolute'"
        f" WHERE indicator_id = {ids['KS2-3']}",
        f"DELETE FROM indicator_target WHERE indicator_id = {ids['CLA-01']}",
        "INSERT INTO indicator_target (indicator_id, year, target, version)"
        f" VALUES ({ids['HOM-7']}, 2016, 3, 1)",
    )


def _raw_indicator_update(workspace: Workspace, ids: dict[str, int]) -> None:
    _raw(
        workspace,
        "UPDATE indicator SET decimals = 2, polarity = 'higher is better'"
        f" WHERE id = {ids['CLA-01']}",
        f"UPDATE indicator SET unit = 'rate per 1,000' WHERE id = {ids['EMP-2']}",
    )


def _raw_value_moves_indicator(workspace: Workspace, ids: dict[str, int]) -> None:
    _raw(
        workspace,
        f"UPDATE indicator_value SET indicator_id = {ids['HOM-7']}"
        f" WHERE indicator_id = {ids['EMP-2']} AND quarter = 3",
    )


def _rename_a_theme(workspace: Workspace, ids: dict[str, int]) -> None:
    # Cascades to the indicators' theme (ON UPDATE CASCADE); themes are not kept.
    _raw(
        workspace,
        "UPDATE theme SET name = 'Begin Well' WHERE name = 'Start Well'",
        "UPDATE theme SET position = -1 WHERE name = 'Age Well'",
    )


WRITES: dict[str, Write] = {
    "value edited": _edit_latest_value,
    "later quarter added": _add_a_later_quarter,
    "latest value deleted": _delete_the_latest_value,
    "year target changed": _set_a_year_target,
    "year target added": _add_a_year_target,
    "unit changed": _update(unit=Unit.DAYS),
    "polarity changed": _update(polarity=Polarity.HIGHER_IS_BETTER),
    "decimals changed": _update(decimals=3),
    "tolerance changed": _update(tolerance=50.0, tolerance_kind=ToleranceKind.ABSOLUTE),
    "ref and name changed": _update(("KS2-3",), ref="ZZ-1", name="Renamed <&> ✓"),
    "import": _import,
    "retired and restored": _retire,
    "indicators deleted": _delete_an_indicator,
    "raw value update": _raw_value_update,
    "raw value insert and delete": _raw_value_insert_and_delete,
    "raw target writes": _raw_target_writes,
    "raw indicator update": _raw_indicator_update,
    "raw value moved to another indicator": _raw_value_moves_indicator,
    "theme renamed and reordered": _rename_a_theme,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_after_every_kind_of_write_the_kept_scorecard_is_the_judged_one(
    workspace: Workspace, write: Write
) -> None:
    before = assert_fresh(workspace)  # every row kept

    write(workspace, _ids(workspace))

    after = assert_fresh(workspace)
    assert after != before  # each write changes what the scorecard shows


def test_a_write_forgets_only_its_indicators_kept_row(workspace: Workspace) -> None:
    list_indicator_rows(workspace=workspace)
    ids = _ids(workspace)

    _raw_value_update(workspace, ids)

    assert set(_kept(workspace)) == set(ids.values()) - {ids["CLA-01"]}


# ------------------------------------------------------------------ random sequences of writes


def _operation_strategy() -> st.SearchStrategy[tuple[Any, ...]]:
    ref = st.sampled_from(REFS)
    period = st.tuples(st.integers(2015, 2018), st.integers(1, 4))
    figure = st.one_of(st.none(), st.floats(0, 3000, allow_nan=False).map(lambda x: round(x, 2)))
    return st.one_of(
        st.tuples(st.just("value"), ref, period, figure, figure),
        st.tuples(st.just("delete value"), ref, period),
        st.tuples(st.just("year target"), ref, st.integers(2015, 2018), figure),
        st.tuples(st.just("indicator"), ref, st.sampled_from(list(Polarity)), st.integers(0, 3)),
        st.tuples(st.just("unit"), ref, st.sampled_from(list(Unit))),
        st.tuples(st.just("retire or restore"), ref),
        st.tuples(st.just("raw value"), ref, period, figure),
        st.tuples(
            st.just("list"),
        ),
    )


def _apply(workspace: Workspace, ids: dict[str, int], operation: tuple[Any, ...]) -> None:
    kind, *arguments = operation
    if kind == "list":
        list_indicator_rows(workspace=workspace)
        return
    ref, *rest = arguments
    ident = ids[ref]
    detail = get_indicator_detail(workspace=workspace, indicator_id=ident)
    if kind == "value":
        (year, quarter), value, target = rest
        _set_value(workspace, ident, Quarter(year, quarter), {"value": value, "target": target})
    elif kind == "delete value":
        ((year, quarter),) = rest
        version = _value_version(workspace, ident, Quarter(year, quarter))
        if version is not None:
            editing.delete_indicator_value(
                workspace=workspace,
                indicator_id=ident,
                period=Quarter(year, quarter),
                expected_version=version,
            )
    elif kind == "year target":
        year, target = rest
        existing = next((row for row in detail.targets if row.year == year), None)
        editing.set_indicator_target(
            workspace=workspace,
            indicator_id=ident,
            year=year,
            changes={"target": target},
            expected_version=None if existing is None else existing.version,
        )
    elif kind == "indicator":
        polarity, decimals = rest
        editing.update_indicator(
            workspace=workspace,
            indicator_id=ident,
            expected_version=detail.version,
            changes={"polarity": polarity, "decimals": decimals},
        )
    elif kind == "unit":
        (unit,) = rest
        editing.update_indicator(
            workspace=workspace,
            indicator_id=ident,
            expected_version=detail.version,
            changes={"unit": unit},
        )
    elif kind == "retire or restore":
        change = editing.restore_indicator if detail.retired else editing.retire_indicator
        change(workspace=workspace, indicator_id=ident, expected_version=detail.version)
    else:
        (year, quarter), value = rest
        shown = "NULL" if value is None else repr(value)
        _raw(
            workspace,
            f"UPDATE indicator_value SET value = {shown} WHERE indicator_id = {ident}"
            f" AND year = {year} AND quarter = {quarter}",
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(_operation_strategy(), min_size=1, max_size=8))
def test_any_sequence_of_writes_leaves_the_kept_scorecard_right(
    template: Path, operations: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder, _copy_of(template, Path(folder)) as workspace:
        ids = _ids(workspace)
        list_indicator_rows(workspace=workspace)  # everything kept to begin with
        for operation in operations:
            _apply(workspace, ids, operation)
            assert list_indicator_rows(workspace=workspace) == judge_indicator_rows(
                workspace=workspace
            )
        assert_fresh(workspace)


# ------------------------------------------------------------------ the rules fingerprint


def test_other_rules_make_every_kept_row_stale(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = list_indicator_rows(workspace=workspace)
    # A kept row of other rules is never read, even when it says something else.
    _raw(workspace, "UPDATE indicator_scorecard SET rag_reason = 'stale', rules = 'older'")
    judgements = Judgements(monkeypatch)

    assert list_indicator_rows(workspace=workspace) == expected

    assert len(judgements.ids) == len(expected)
    assert set(_kept(workspace).values()) == {scorecard_rules()}
    judgements.ids.clear()
    monkeypatch.setattr(indicators, "scorecard_rules", lambda: "a newer build")

    assert list_indicator_rows(workspace=workspace) == expected

    assert len(judgements.ids) == len(expected)
    assert set(_kept(workspace).values()) == {"a newer build"}


def test_the_fingerprint_is_of_the_judging_code_and_falls_back_to_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = scorecard_rules.__wrapped__
    assert fingerprint() == scorecard_rules()  # computed once, and stable
    assert scorecard_rules().startswith("sha256 ")
    rules = tmp_path / "rules.py"
    rules.write_text("GREEN = 'green'\n", encoding="utf-8")
    monkeypatch.setattr(indicators, "_RULES_MODULES", (SimpleNamespace(__file__=str(rules)),))
    first = fingerprint()
    rules.write_text("GREEN = 'Green'\n", encoding="utf-8")

    assert fingerprint() != first

    rules.unlink()  # a frozen build: no sources to read
    assert fingerprint() == f"version {__version__}"


# ------------------------------------------------------------------ files that cannot be written


def test_a_read_only_database_lists_correct_rows_and_keeps_nothing(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    _raw_value_update(workspace, _ids(workspace))
    expected = judge_indicator_rows(workspace=workspace)
    uri = f"{workspace.path.resolve().as_uri()}?mode=ro"
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
    )
    read_only = Workspace(database=Database(path=workspace.path, engine=engine), user="reader")
    try:
        with caplog.at_level(logging.INFO, logger=indicators.__name__):
            listed = list_indicator_rows(workspace=read_only)
    finally:
        engine.dispose()

    assert listed == expected
    assert _kept(workspace) == {}
    assert "judged but not kept" in caplog.text
    assert "readonly" in caplog.text


def test_a_locked_database_lists_correct_rows_and_keeps_nothing(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    expected = judge_indicator_rows(workspace=workspace)
    with closing(sqlite3.connect(workspace.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        other.execute("UPDATE indicator SET owner = 'someone' WHERE 0")
        with caplog.at_level(logging.INFO, logger=indicators.__name__):
            listed = list_indicator_rows(workspace=workspace)
        other.execute("ROLLBACK")

    assert listed == expected
    assert _kept(workspace) == {}
    assert "judged but not kept" in caplog.text


def test_a_writer_between_judging_and_keeping_leaves_no_stale_row(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves a figure while the scorecard is being judged: nothing stale is kept."""
    ids = _ids(workspace)
    judge = indicators._indicator_row
    raced: list[int] = []

    def judge_and_race(definition: Any, latest: Any) -> IndicatorRow:
        if not raced:
            raced.append(definition.id)
            _raw_value_update(workspace, ids)  # committed by another connection, now
        return judge(definition, latest)

    before = _by_ref(judge_indicator_rows(workspace=workspace))
    monkeypatch.setattr(indicators, "_indicator_row", judge_and_race)

    listed = _by_ref(list_indicator_rows(workspace=workspace))

    assert raced  # the other writer did write during the listing
    assert listed["CLA-01"] == before["CLA-01"]  # a consistent snapshot, from before it
    assert _kept(workspace) == {}  # SQLite refused the write-back: it would be stale
    monkeypatch.setattr(indicators, "_indicator_row", judge)
    after = assert_fresh(workspace)
    assert _by_ref(after)["CLA-01"].value == 2100.0
