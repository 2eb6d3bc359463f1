"""Indicators benchmark: open, filter, chart and import at scale (issue 3, point 7).

Run on demand, never in ``make test``::

    make bench-indicators                          # the defaults below
    make bench-indicators BENCH_ARGS='--runs 9'
    .venv/bin/python tests/benchmarks/bench_indicators.py --help

It generates a database of ``--indicators`` indicators x ``--quarters``
quarters (500 x 40 = 20,000 value rows by default: six themes, every unit
and polarity, per-year targets, row targets, comparators, numerators and
denominators, status symbols and some commentary) with SQLAlchemy Core
``executemany`` into a file made by ``open_database(create=True)``, so the
schema is the real migrated one. Then, in this one process with Qt
offscreen, it runs every measurement ``--runs`` times after one untimed
warm-up, each QPMR figure and its baseline interleaved (QPMR first on odd
runs, the baseline first on even ones), garbage collected before each timed
sample, and prints the median, min and max of each figure in milliseconds
and the ratio of the medians:

open the tab
    QPMR: from nothing (no widget) to the real ``IndicatorsTab`` built,
    ``set_workspace`` + ``ensure_loaded`` done (the scorecard read with
    ``list_indicator_rows`` and put in ``IndicatorTableModel`` behind
    ``IndicatorFilterProxy``, the first row selected, the detail pane's header
    written from its scorecard row) and the whole tab laid out and painted
    once, with ``QWidget.grab()`` (which activates layouts and paints
    synchronously: no event loop, so nothing the tab leaves to the event loop
    is counted -- reading the first indicator's detail and filling its values
    grid and chart, which the tab does after its first paint).
    Baseline: the same tab with Qt's own models behind its table -- an
    ``IndicatorsTab`` built the same way but given no workspace, whose table
    shows a ``QSortFilterProxyModel`` over a ``QSqlTableModel`` (QSQLITE
    driver, its own connection to the same file, opened once) on a TEMP VIEW
    of the same rows the tab shows (every live indicator joined with its
    latest value, that period's effective target (the row's own, else the
    year's), England figure and commentary: 9 columns as the tab's 9),
    ``select()`` and ``fetchMore()`` to the end, the tab's delegates taken off
    so Qt paints every cell, and the whole tab laid out and painted with
    ``grab()``. It puts the same rows and columns on the same screen from the
    same file; it does less (SQLite cannot judge RAG or direction, Qt draws no
    chips), which is what a baseline is for. Until this session the baseline
    was the ``QSqlTableModel`` in a bare ``QTableView`` of the table's size:
    that compares a whole tab (filter bar, chips, detail pane, splitter) with
    a table alone, which no model can meet -- building and painting the tab's
    other widgets alone cost 0.8-1.3x that whole baseline (measured in a
    prototype study) -- so it is still printed, for information. Also for
    information, the same over the raw ``indicator_value`` table (every value
    row, 19 columns): what Qt pays just to read the rows the scorecard is
    computed from.

one filter keystroke
    The filter text goes from "car" to "care" (the "car" state is set
    untimed before each keystroke); timed is the filter call and the table's
    repaint (``viewport().grab()``), the median of ``--keystrokes`` keystrokes
    per run. QPMR: ``IndicatorFilterProxy.set_filter_text`` in an opened
    ``IndicatorsTab``. Baseline: ``QSortFilterProxyModel.setFilterFixedString``,
    case-insensitive, on all columns (``setFilterKeyColumn(-1)``, as
    MACHINE-NOTES measured) over the baseline ``QSqlTableModel``.
    Also (point 5) the real proxy over ``--filter-rows`` generated
    ``IndicatorRow`` s (the scorecard's rows copied with new ids and refs), its
    view making the items of the rows it paints as the tab's does
    (``PaintedRowsFiller``: the model makes no items up front). These
    run after all the others and the big model is freed before the report:
    its rows would slow every garbage collection of the other figures.
    The filter call and the repaint are also shown apart.

select an indicator and draw its chart (no baseline)
    ``get_indicator_detail``, then the chart data the way the tab builds it
    (``ui.indicator_detail.chart_data_for``), then ``ChartCanvas.render_now``
    at 520 x 240 (the tab's own code path: ``build_indicator_figure`` at the
    widget's size, Agg, a QImage); a different indicator each run. The first
    chart of the process, which imports matplotlib, is timed once apart.

import a CSV
    A generated native-format CSV (UTF-8 with BOM, as Excel and our export
    write it) of ``--import-rows`` rows: half new quarters for existing
    indicators, half existing quarters, of which four in five revised. Each
    import runs on a fresh copy of the generated database (copying and
    opening it are not timed). QPMR: ``read_table`` + ``guess_mapping`` +
    ``preview_import`` + ``apply_import``. Baseline: the standard ``csv``
    module, a regular expression for the period, ``float()`` for figures and
    one ``executemany`` of ``INSERT ... ON CONFLICT (indicator_id, year,
    quarter) DO UPDATE`` (the table's own uniqueness) in one transaction on a
    ``sqlite3`` connection with the app's pragmas (WAL, synchronous=FULL,
    foreign keys).

Goals (issue 3): open and filter within 1.5x of the baseline, import within
2x. A goal not met is profiled with cProfile (``--profile``): the timed part
of one more sample of the QPMR side, by cumulative and by own time. The
settings and data folders point at a scratch folder, so the user's own are
never read or written. A PySide6 that leaks references to None (6.12.0 on
Python 3.11, which the project excludes) would abort the run part-way, so the
benchmark checks first and stops with a clear error; see ``check_none_refcount``.
"""

# tests/** may import inside functions (PLC0415 is off there): product modules
# and Qt are imported when needed, so ``--help`` is instant and the first chart
# of the process really is the first import of matplotlib.

from __future__ import annotations

import csv
import gc
import random
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

from tests.benchmarks.bench_harness import (
    BenchError,
    Figures,
    check,
    check_none_refcount,
    delete_widget,
    figure_row,
    part_rows,
    profile_summary,
    qpa_platform,
    ratio_line,
    run_in_scratch,
    run_order,
    stopwatch,
    view_of,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtSql import QSqlDatabase
    from PySide6.QtWidgets import QApplication, QTableView

    from qpmr_desktop.charts.indicator_chart import IndicatorChartData
    from qpmr_desktop.services.read_models import IndicatorDetail, IndicatorRow
    from qpmr_desktop.services.workspace import Workspace
    from qpmr_desktop.ui.indicator_model import IndicatorTableModel

OPEN_GOAL = 1.5
FILTER_GOAL = 1.5
IMPORT_GOAL = 2.0

FILTER_PREFIX = "car"
FILTER_TEXT = "care"  # one keystroke more
TAB_SIZE = (1400, 860)
CHART_SIZE = (520, 240)  # ChartCanvas.sizeHint
FIRST_YEAR = 2014  # financial year of the first generated quarter (Q1 2014/15)
QSQL_CONNECTION = "qpmr-bench-indicators"

NATIVE_HEADERS = (
    "indicator_ref",
    "period",
    "value",
    "target",
    "england",
    "region",
    "statistical_neighbours",
    "numerator",
    "denominator",
    "status",
    "commentary",
)

# ------------------------------------------------------------------ generated data

THEMES: tuple[tuple[str, str], ...] = (
    ("Start Well", "SW"),
    ("Live Well", "LW"),
    ("Age Well", "AW"),
    ("Thriving Places", "TP"),
    ("Safer Communities", "SC"),
    ("Council Services", "CS"),
)

# (unit value, name templates, decimals, base range)
_UNIT_KINDS: tuple[tuple[str, tuple[str, ...], int, tuple[float, float]], ...] = (
    (
        "percentage",
        (
            "Percentage of children in care with an up-to-date health check",
            "Percentage of care leavers in suitable accommodation",
            "Percentage of new birth visits within 14 days",
            "Percentage of major planning applications decided in time",
            "Percentage of calls answered within 60 seconds",
            "Percentage of household waste recycled",
            "Percentage of adults in social care who receive direct payments",
            "Percentage of council tax collected",
            "Percentage of pupils attending a good or outstanding school",
            "Percentage of repairs completed at the first visit",
        ),
        1,
        (35.0, 95.0),
    ),
    (
        "count",
        (
            "Number of households in temporary accommodation",
            "Number of fly-tipping incidents",
            "Number of new homes completed",
            "Number of missed bin collections",
            "Number of affordable homes delivered",
            "Number of carers assessed",
            "Number of anti-social behaviour reports",
            "Number of library visits",
        ),
        0,
        (20.0, 2500.0),
    ),
    (
        "rate per 10,000",
        (
            "Children looked after, rate per 10,000 children",
            "Children subject to a child protection plan, rate per 10,000",
            "Referrals to children's social care, rate per 10,000",
        ),
        1,
        (20.0, 600.0),
    ),
    (
        "rate per 100,000",
        (
            "Permanent admissions to care homes of people aged 65+, rate per 100,000",
            "Emergency hospital admissions for falls, rate per 100,000",
        ),
        1,
        (300.0, 2500.0),
    ),
    (
        "rate per 1,000",
        (
            "Violent crime, rate per 1,000 residents",
            "Domestic abuse incidents, rate per 1,000 residents",
        ),
        1,
        (3.0, 40.0),
    ),
    (
        "days",
        (
            "Average days to process a new housing benefit claim",
            "Average days to re-let council homes",
            "Average days lost to sickness per employee",
        ),
        1,
        (5.0, 60.0),
    ),
    (
        "weeks",
        (
            "Average weeks from referral to care package",
            "Average weeks in bed and breakfast for families",
        ),
        1,
        (2.0, 20.0),
    ),
    (
        "£",
        (
            "Savings delivered against the budget plan",
            "Business rates collected",
            "Spend on agency staff",
        ),
        0,
        (20_000.0, 4_000_000.0),
    ),
)

_POLARITIES = ("higher is better", "lower is better", "within a range", "no judgement")
_POLARITY_WEIGHTS = (45, 45, 5, 5)
_OWNERS = (
    "Head of Children's Services",
    "Head of Housing",
    "Director of Adult Social Care",
    "Head of Environmental Services",
    "Head of Revenues and Benefits",
    "Head of Planning",
)
_SOURCES = ("Local case management system", "Finance ledger", "Fingertips (OHID)", "LAIT (DfE)")
_COMMENTARY = (
    "Performance dipped over the summer as expected; recovery plan in place.",
    "Improvement follows the new triage process introduced in the quarter.",
    "Figures revised after data cleansing; see note to committee.",
    "Demand rose sharply, in line with the regional picture.",
    "Two vacancies in the team affected turnaround times, both since filled.",
    "On track for the year-end target.",
    'Below target; the service has an action plan ("Back on track").',
)


@dataclass(frozen=True, slots=True)
class GeneratedIndicator:
    ref: str
    name: str
    theme: str
    unit: str
    polarity: str
    decimals: int
    tolerance: float | None
    tolerance_kind: str
    owner: str
    source: str


@dataclass(frozen=True, slots=True)
class GeneratedValue:
    """One value row as stored (the file's ``status`` is ``status_symbol``)."""

    indicator: int  # index into Dataset.indicators; its id is index + 1
    year: int
    quarter: int
    value: float | None
    target: float | None
    england: float | None
    region: float | None
    statistical_neighbours: float | None
    numerator: float | None
    denominator: float | None
    status_symbol: str | None
    commentary: str

    @property
    def provisional(self) -> bool:
        return self.status_symbol == "p"


@dataclass(frozen=True, slots=True)
class GeneratedTarget:
    indicator: int
    year: int
    target: float | None
    floor: float | None


@dataclass(frozen=True)
class Dataset:
    """Everything the generated database holds, in insertion order."""

    quarters: int
    indicators: tuple[GeneratedIndicator, ...]
    values: tuple[GeneratedValue, ...]
    targets: tuple[GeneratedTarget, ...]
    # The walk's last level per indicator, so an import can carry the series on.
    levels: tuple[float, ...]
    value_count: int

    def slim(self) -> Dataset:
        """The same without its rows: what the measurements need once the files are written.

        The rows would stay on the heap for the whole run and make every garbage
        collection of the process under test slower than the app's.
        """
        return replace(self, values=(), targets=())


def quarter_of(index: int) -> tuple[int, int]:
    """(financial year, quarter) of the ``index``-th generated quarter (0 = Q1 2014/15)."""
    return FIRST_YEAR + index // 4, index % 4 + 1


def period_label(year: int, quarter: int) -> str:
    return f"Q{quarter} {year}/{(year + 1) % 100:02d}"


def _rounded(value: float, decimals: int) -> float:
    return float(round(value, decimals))


def build_dataset(indicators: int, quarters: int, *, seed: int = 2017) -> Dataset:
    """A realistic scorecard: ``indicators`` x ``quarters`` value rows, the same for a seed."""
    rng = random.Random(seed)
    made: list[GeneratedIndicator] = []
    values: list[GeneratedValue] = []
    targets: list[GeneratedTarget] = []
    levels: list[float] = []
    per_theme: dict[str, int] = {}
    for number in range(indicators):
        theme, prefix = THEMES[number % len(THEMES)]
        per_theme[theme] = per_theme.get(theme, 0) + 1
        unit, names, decimals, (low, high) = _UNIT_KINDS[rng.randrange(len(_UNIT_KINDS))]
        polarity = rng.choices(_POLARITIES, _POLARITY_WEIGHTS)[0]
        percent_tolerance = rng.random() < 0.5
        made.append(
            GeneratedIndicator(
                ref=f"{prefix}-{per_theme[theme]}",
                name=rng.choice(names),
                theme=theme,
                unit=unit,
                polarity=polarity,
                decimals=decimals,
                tolerance=5.0 if percent_tolerance else _rounded((high - low) * 0.02, decimals),
                tolerance_kind="percent of target" if percent_tolerance else "absolute",
                owner=rng.choice(_OWNERS),
                source=rng.choice(_SOURCES),
            )
        )
        level = rng.uniform(low, high)
        target_style = rng.random()  # < 0.6: per-year targets, < 0.8: row targets, else none
        has_comparators = rng.random() < 0.5
        denominator = float(rng.randrange(200, 5000)) if unit == "percentage" else None
        for index in range(quarters):
            year, quarter = quarter_of(index)
            level = max(low * 0.5, level * (1 + rng.gauss(0, 0.04)))
            if unit == "percentage":
                level = min(level, 99.0)
            value: float | None = _rounded(level, decimals)
            numerator = None
            if denominator is not None and value is not None:
                numerator = float(round(value / 100 * denominator))
            status: str | None = None
            if index == quarters - 1 and rng.random() < 0.3:
                status = "p"
            elif rng.random() < 0.03:
                status = "r"
            elif rng.random() < 0.01:
                status, value, numerator = "x", None, None
            row_target = None
            if 0.6 <= target_style < 0.8:
                row_target = _rounded(level * rng.uniform(0.9, 1.1), decimals)
            recent = index >= quarters - 20
            comparators = (
                tuple(_rounded(level * rng.uniform(0.85, 1.15), decimals) for _ in range(3))
                if has_comparators and recent
                else (None, None, None)
            )
            commentary = rng.choice(_COMMENTARY) if rng.random() < 0.12 else ""
            values.append(
                GeneratedValue(
                    indicator=number,
                    year=year,
                    quarter=quarter,
                    value=value,
                    target=row_target,
                    england=comparators[0],
                    region=comparators[1],
                    statistical_neighbours=comparators[2],
                    numerator=numerator,
                    denominator=denominator,
                    status_symbol=status,
                    commentary=commentary,
                )
            )
        levels.append(level)
        if target_style < 0.6 or polarity == "within a range":
            for year in sorted({quarter_of(index)[0] for index in range(quarters)}):
                target = _rounded(level * rng.uniform(0.9, 1.1), decimals)
                floor = _rounded(target * 0.8, decimals) if polarity == "within a range" else None
                targets.append(GeneratedTarget(number, year, target, floor))
    return Dataset(quarters, tuple(made), tuple(values), tuple(targets), tuple(levels), len(values))


def write_database(path: Path, dataset: Dataset) -> None:
    """Make ``path`` with the real migrated schema; insert ``dataset`` with Core executemany."""
    import sqlalchemy as sa

    from qpmr_desktop.domain.performance import (
        Frequency,
        MeasureType,
        Polarity,
        ToleranceKind,
        Unit,
    )
    from qpmr_desktop.storage.database import open_database
    from qpmr_desktop.storage.tables import Indicator, IndicatorTarget, IndicatorValue, Theme

    database = open_database(path, create=True)
    try:
        themes = dict.fromkeys(indicator.theme for indicator in dataset.indicators)
        with database.engine.begin() as connection:
            connection.execute(
                sa.insert(Theme.__table__),  # type: ignore[attr-defined]
                [
                    {"name": name, "position": position, "version": 1}
                    for position, name in enumerate(themes)
                ],
            )
            connection.execute(
                sa.insert(Indicator.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "id": number + 1,
                        "ref": indicator.ref,
                        "name": indicator.name,
                        "theme": indicator.theme,
                        "unit": Unit(indicator.unit),
                        "polarity": Polarity(indicator.polarity),
                        "frequency": Frequency.QUARTERLY,
                        "measure_type": MeasureType.QUARTER,
                        "decimals": indicator.decimals,
                        "tolerance": indicator.tolerance,
                        "tolerance_kind": ToleranceKind(indicator.tolerance_kind),
                        "lead_service": indicator.owner.removeprefix("Head of "),
                        "owner": indicator.owner,
                        "source": indicator.source,
                        "definition": f"{indicator.name}, as reported quarterly.",
                        "notes": "",
                        "retired": False,
                        "is_sample": False,
                        "version": 1,
                    }
                    for number, indicator in enumerate(dataset.indicators)
                ],
            )
            connection.execute(
                sa.insert(IndicatorTarget.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "indicator_id": target.indicator + 1,
                        "year": target.year,
                        "target": target.target,
                        "floor": target.floor,
                        "tolerance": None,
                        "tolerance_kind": None,
                        "version": 1,
                    }
                    for target in dataset.targets
                ],
            )
            connection.execute(
                sa.insert(IndicatorValue.__table__),  # type: ignore[attr-defined]
                [_value_record(value) for value in dataset.values],
            )
    finally:
        database.close()


def _value_record(value: GeneratedValue) -> dict[str, object]:
    return {
        "indicator_id": value.indicator + 1,
        "year": value.year,
        "quarter": value.quarter,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "target": value.target,
        "floor": None,
        "england": value.england,
        "region": value.region,
        "statistical_neighbours": value.statistical_neighbours,
        "provisional": value.provisional,
        "status_symbol": value.status_symbol,
        "is_sample": False,
        "data_as_at": None,
        "commentary": value.commentary,
        "version": 1,
    }


class ImportPlan(NamedTuple):
    """What the generated import file should do to the generated database."""

    rows: int
    new: int
    updated: int
    unchanged: int


def write_import_csv(path: Path, dataset: Dataset, rows: int, *, seed: int = 1875) -> ImportPlan:
    """A native-format CSV of ``rows`` rows: half new quarters, half existing (4 in 5 revised)."""
    from qpmr_desktop.services.import_files import plain_number

    def number(value: float | None) -> str:
        return "" if value is None else plain_number(value)

    rng = random.Random(seed)
    count = len(dataset.indicators)
    existing = min(rows // 2, len(dataset.values))
    by_key = {(value.indicator, value.year, value.quarter): value for value in dataset.values}
    lines: list[tuple[str, ...]] = []
    updated = unchanged = 0
    for k in range(existing):  # the latest quarters first, indicator by indicator
        year, quarter = quarter_of(dataset.quarters - 1 - k // count)
        stored = by_key[k % count, year, quarter]
        indicator = dataset.indicators[stored.indicator]
        value, status, commentary = stored.value, stored.status_symbol, stored.commentary
        if k % 5 != 4:  # revised
            updated += 1
            base = stored.value if stored.value is not None else dataset.levels[stored.indicator]
            value = _rounded(base * rng.uniform(0.95, 1.05) + 1, indicator.decimals)
            status = "r"
            commentary = commentary or "Revised after validation."
        else:
            unchanged += 1
        lines.append(
            (
                indicator.ref,
                period_label(year, quarter),
                number(value),
                number(stored.target),
                number(stored.england),
                number(stored.region),
                number(stored.statistical_neighbours),
                number(stored.numerator if value == stored.value else None),
                number(stored.denominator if value == stored.value else None),
                status or "",
                commentary,
            )
        )
    for k in range(rows - existing):  # new quarters after the last stored one
        which = k % count
        year, quarter = quarter_of(dataset.quarters + k // count)
        indicator = dataset.indicators[which]
        level = dataset.levels[which] * rng.uniform(0.9, 1.1)
        lines.append(
            (
                indicator.ref,
                period_label(year, quarter),
                number(_rounded(level, indicator.decimals)),
                "",
                "",
                "",
                "",
                "",
                "",
                "p" if rng.random() < 0.2 else "",
                rng.choice(_COMMENTARY) if rng.random() < 0.1 else "",
            )
        )
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(NATIVE_HEADERS)
        writer.writerows(lines)
    return ImportPlan(rows=len(lines), new=rows - existing, updated=updated, unchanged=unchanged)


def scaled_rows(rows: Sequence[IndicatorRow], count: int) -> list[IndicatorRow]:
    """``count`` scorecard rows made from ``rows``: copies with new ids and refs ("SW-3.17")."""
    from qpmr_desktop.domain.ids import IndicatorId

    if not rows:
        raise BenchError("no scorecard rows to copy")
    made: list[IndicatorRow] = []
    for number in range(count):
        row = rows[number % len(rows)]
        copy = number // len(rows)
        ref = row.ref if copy == 0 else f"{row.ref}.{copy}"
        made.append(replace(row, id=IndicatorId(number + 1), ref=ref))
    return made


_LATEST_VIEW_SQL = """
CREATE TEMP VIEW IF NOT EXISTS bench_latest AS
SELECT i.ref AS ref, i.name AS name, i.theme AS theme,
       'Q' || v.quarter || ' ' || v.year || '/' || substr(v.year + 1, 3, 2) AS period,
       v.value AS value, COALESCE(v.target, t.target) AS target,
       v.status_symbol AS status, v.england AS england, v.commentary AS commentary
FROM indicator AS i
JOIN (SELECT indicator_id, MAX(year * 4 + quarter) AS latest FROM indicator_value
      WHERE value IS NOT NULL GROUP BY indicator_id) AS l ON l.indicator_id = i.id
JOIN indicator_value AS v ON v.indicator_id = i.id AND v.year * 4 + v.quarter = l.latest
LEFT JOIN indicator_target AS t ON t.indicator_id = i.id AND t.year = v.year
WHERE NOT i.retired
"""


class IndicatorsBench:
    """The measurements, each a method that times one sample and checks its counts."""

    def __init__(
        self,
        *,
        app: QApplication,
        database_path: Path,
        import_base: Path,
        import_csv: Path,
        dataset: Dataset,
        plan: ImportPlan,
        scratch: Path,
        keystrokes: int,
        filter_rows: int,
    ) -> None:
        from qpmr_desktop.services.workspace import open_workspace

        self.app = app
        self.dataset = dataset
        self.plan = plan
        self.import_base = import_base
        self.import_csv = import_csv
        self.scratch = scratch
        self.keystrokes = keystrokes
        self.filter_rows = filter_rows
        self.workspace: Workspace = open_workspace(database_path, user="bench")
        self.qsql: QSqlDatabase = self._open_qsql(database_path)
        self.table_size = (1000, 800)  # replaced by the tab's table size once it is laid out
        self._filter_parts: dict[str, tuple[Any, ...]] = {}
        self._copies = 0
        self._chart_turn = 0

    # ------------------------------------------------------------ set-up and clean-up

    def _open_qsql(self, path: Path) -> QSqlDatabase:
        from PySide6.QtSql import QSqlDatabase, QSqlQuery

        database = QSqlDatabase.addDatabase("QSQLITE", QSQL_CONNECTION)
        database.setDatabaseName(str(path))
        check(database.open(), f"QSQLITE cannot open {path}: {database.lastError().text()}")
        query = QSqlQuery(database)
        check(query.exec(_LATEST_VIEW_SQL), f"temp view: {query.lastError().text()}")
        return database

    def close(self) -> None:
        """Delete every widget and model, then the QSQLITE connection, then the workspace."""
        from PySide6.QtCore import QCoreApplication, QEvent, QObject
        from PySide6.QtSql import QSqlDatabase
        from PySide6.QtWidgets import QWidget

        for parts in self._filter_parts.values():
            for part in parts:
                if isinstance(part, QWidget):
                    part.hide()
                if isinstance(part, QObject):
                    part.deleteLater()
        self._filter_parts.clear()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.collect()
        self.qsql.close()
        del self.qsql  # removeDatabase warns while any copy of the connection lives
        QSqlDatabase.removeDatabase(QSQL_CONNECTION)
        self.workspace.close()

    # ------------------------------------------------------------ open the tab

    def open_tab(self, times: list[float], fetch_times: list[float] | None = None) -> None:
        """From nothing to the real IndicatorsTab loaded, laid out and painted."""
        from qpmr_desktop.ui.indicators_tab import IndicatorsTab

        with stopwatch(times):
            tab = IndicatorsTab()
            tab.resize(*TAB_SIZE)
            tab.set_workspace(self.workspace)
            tab.ensure_loaded()
            tab.grab()
        view = view_of(tab)
        self.table_size = (view.width(), view.height())
        shown = view.model().rowCount()
        delete_widget(tab)
        check(
            shown == len(self.dataset.indicators),
            f"the tab shows {shown} rows, not {len(self.dataset.indicators)}",
        )
        if fetch_times is not None:  # the service alone, for the breakdown
            from qpmr_desktop.services.indicators import list_indicator_rows

            with stopwatch(fetch_times):
                list_indicator_rows(workspace=self.workspace)

    def open_baseline_in_tab(self, times: list[float]) -> int:
        """The same tab with Qt's own models behind its table: the goal's baseline for open.

        An ``IndicatorsTab`` with no workspace (its filter bar, detail pane and
        splitter built as for QPMR), whose table shows a ``QSortFilterProxyModel``
        over a ``QSqlTableModel`` of the latest-value view, fetched to the end,
        with the tab's own delegates taken off (Qt paints every cell itself);
        the table page shown, the whole tab laid out and painted with ``grab()``.
        """
        from PySide6.QtCore import QSortFilterProxyModel
        from PySide6.QtSql import QSqlTableModel
        from PySide6.QtWidgets import QStackedWidget

        from qpmr_desktop.ui.indicators_tab import IndicatorsTab

        with stopwatch(times):
            tab = IndicatorsTab()
            tab.resize(*TAB_SIZE)
            model = QSqlTableModel(None, self.qsql)
            model.setTable("bench_latest")
            model.select()
            while model.canFetchMore():
                model.fetchMore()
            proxy = QSortFilterProxyModel()
            proxy.setSourceModel(model)
            view = view_of(tab)
            plain = view.itemDelegate()  # Qt's own, made in C++: no Python on its paths
            for column in range(model.columnCount()):
                view.setItemDelegateForColumn(column, plain)
            view.setModel(proxy)
            stack = view.parentWidget()
            if isinstance(stack, QStackedWidget):  # a tab without rows shows its empty text
                stack.setCurrentWidget(view)
            tab.grab()
        shown = proxy.rowCount()
        check(shown == len(self.dataset.indicators), f"the baseline tab shows {shown} rows")
        delete_widget(tab)
        proxy.deleteLater()
        model.deleteLater()
        return shown

    def open_baseline(self, times: list[float], *, table: str = "bench_latest") -> int:
        """QSqlTableModel over ``table``, fetched to the end, in a QTableView laid out, painted."""
        from PySide6.QtSql import QSqlTableModel
        from PySide6.QtWidgets import QTableView

        with stopwatch(times):
            model = QSqlTableModel(None, self.qsql)
            model.setTable(table)
            model.select()
            while model.canFetchMore():
                model.fetchMore()
            view = QTableView()
            view.setModel(model)
            view.resize(*self.table_size)
            view.grab()
        shown = model.rowCount()
        check(shown > 0, f"QSqlTableModel over {table}: {model.lastError().text()}")
        model.deleteLater()
        delete_widget(view)
        return shown

    # ------------------------------------------------------------ one filter keystroke

    def _keystroke(
        self,
        times: list[float],
        view: QTableView,
        set_text: Callable[[str], None],
        repeats: int,
        parts: dict[str, list[float]] | None = None,
    ) -> None:
        """The median of ``repeats`` timed "car" to "care" keystrokes, each with the repaint."""
        samples: list[float] = []
        filtering: list[float] = []
        gc.collect()
        for _ in range(repeats):
            set_text(FILTER_PREFIX)
            view.viewport().grab()
            with stopwatch(samples, collect=False):
                started = time.perf_counter()
                set_text(FILTER_TEXT)
                filtering.append(time.perf_counter() - started)
                view.viewport().grab()
        times.append(median(samples))
        if parts is not None:
            parts.setdefault("filter call", []).append(median(filtering))
            repaint = [total - call for total, call in zip(samples, filtering, strict=True)]
            parts.setdefault("repaint", []).append(median(repaint))

    def _filter_tab(self) -> tuple[Any, ...]:
        if "tab" not in self._filter_parts:
            from qpmr_desktop.ui.indicators_tab import IndicatorsTab

            tab = IndicatorsTab()
            tab.resize(*TAB_SIZE)
            tab.set_workspace(self.workspace)
            tab.ensure_loaded()
            tab.grab()
            self._filter_parts["tab"] = (tab,)
        return self._filter_parts["tab"]

    def filter_ours(self, times: list[float], parts: dict[str, list[float]] | None = None) -> int:
        """IndicatorFilterProxy.set_filter_text in an opened IndicatorsTab, with the repaint."""
        from qpmr_desktop.ui.indicator_model import IndicatorFilterProxy

        (tab,) = self._filter_tab()
        proxy = tab.proxy
        check(isinstance(proxy, IndicatorFilterProxy), "the tab's proxy is not the real one")
        view = view_of(tab)
        self._keystroke(times, view, proxy.set_filter_text, self.keystrokes, parts)
        shown = int(proxy.rowCount())
        proxy.set_filter_text("")
        return shown

    def filter_baseline(
        self, times: list[float], parts: dict[str, list[float]] | None = None
    ) -> int:
        """QSortFilterProxyModel, fixed string on all columns, over the QSqlTableModel."""
        from PySide6.QtCore import QSortFilterProxyModel, Qt
        from PySide6.QtSql import QSqlTableModel
        from PySide6.QtWidgets import QTableView

        if "baseline" not in self._filter_parts:
            model = QSqlTableModel(None, self.qsql)
            model.setTable("bench_latest")
            model.select()
            while model.canFetchMore():
                model.fetchMore()
            proxy = QSortFilterProxyModel()
            proxy.setSourceModel(model)
            proxy.setFilterKeyColumn(-1)
            proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            view = QTableView()
            view.setModel(proxy)
            view.resize(*self.table_size)
            view.grab()
            self._filter_parts["baseline"] = (view, proxy, model)
        view, proxy, _model = self._filter_parts["baseline"]
        self._keystroke(times, view, proxy.setFilterFixedString, self.keystrokes, parts)
        shown = int(proxy.rowCount())
        proxy.setFilterFixedString("")
        return shown

    def _big_model(self) -> IndicatorTableModel:
        if "big" not in self._filter_parts:
            from qpmr_desktop.services.indicators import list_indicator_rows
            from qpmr_desktop.ui.indicator_model import IndicatorTableModel

            rows = scaled_rows(list_indicator_rows(workspace=self.workspace), self.filter_rows)
            model = IndicatorTableModel()
            model.set_rows(rows)
            self._filter_parts["big"] = (model,)
        (model,) = self._filter_parts["big"]
        return model  # type: ignore[no-any-return]

    def _big_view(self, key: str, proxy: QSortFilterProxyModel) -> QTableView:
        from PySide6.QtWidgets import QTableView

        from qpmr_desktop.ui.indicator_model import PaintedRowsFiller

        view = QTableView()
        view.setModel(proxy)
        PaintedRowsFiller(view, self._big_model())  # as the tab: items of painted rows
        view.resize(*self.table_size)
        view.grab()
        self._filter_parts[key] = (view, proxy)
        return view

    def filter_big(
        self,
        times: list[float],
        repeats: int = 3,
        parts: dict[str, list[float]] | None = None,
    ) -> int:
        """The real proxy over ``filter_rows`` IndicatorRows, with the repaint."""
        from qpmr_desktop.ui.indicator_model import IndicatorFilterProxy

        model = self._big_model()
        if "big-ours" not in self._filter_parts:
            self._big_view("big-ours", IndicatorFilterProxy(model))
        view, proxy = self._filter_parts["big-ours"]
        self._keystroke(times, view, proxy.set_filter_text, repeats, parts)
        shown = int(proxy.rowCount())
        proxy.set_filter_text("")
        return shown

    def drop_big(self) -> None:
        """Free the big model and its views, so that they weigh on no later figure."""
        from PySide6.QtCore import QCoreApplication, QEvent, QObject

        for key in ("big-ours", "big"):
            for part in self._filter_parts.pop(key, ()):
                if isinstance(part, QObject):
                    part.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.collect()

    # ------------------------------------------------------------ select and chart

    def _chart_data(self, detail: IndicatorDetail) -> IndicatorChartData:
        try:
            from qpmr_desktop.ui.indicator_detail import chart_data_for
        except ImportError as error:
            raise BenchError(
                f"the tab's chart data builder ui.indicator_detail.chart_data_for is gone: {error}"
            ) from error
        return chart_data_for(detail)

    def chart(
        self,
        times: list[float],
        parts: dict[str, list[float]] | None = None,
    ) -> str:
        """get_indicator_detail + chart data as the tab makes it + ChartCanvas.render_now."""
        from qpmr_desktop.services.indicators import get_indicator_detail
        from qpmr_desktop.ui.chart_canvas import ChartCanvas

        count = len(self.dataset.indicators)
        indicator_id = 1 + (self._chart_turn * 97) % count
        self._chart_turn += 1
        canvas = ChartCanvas()
        canvas.resize(*CHART_SIZE)
        split: list[float] = []
        with stopwatch(times):
            started = time.perf_counter()
            detail = get_indicator_detail(workspace=self.workspace, indicator_id=indicator_id)
            split.append(time.perf_counter())
            data = self._chart_data(detail)
            split.append(time.perf_counter())
            canvas.set_data(data)
            canvas.render_now()
            split.append(time.perf_counter())
        figure = canvas.figure
        check(figure is not None, "ChartCanvas.render_now drew no figure")
        check(len(detail.values) == self.dataset.quarters, "the detail lost value rows")
        if parts is not None:
            for name, begin, end in zip(
                ("detail", "chart data", "figure + Agg + image"),
                (started, *split[:-1]),
                split,
                strict=True,
            ):
                parts.setdefault(name, []).append(end - begin)
        delete_widget(canvas)
        return f"{detail.ref}, {len(data.points)} quarters"

    # ------------------------------------------------------------ import

    def _fresh_copy(self, label: str) -> Path:
        self._copies += 1
        path = self.scratch / f"import-{self._copies}-{label}.qpmr"
        shutil.copyfile(self.import_base, path)
        return path

    def _count_values(self, path: Path) -> int:
        with sqlite3.connect(path) as connection:
            (count,) = connection.execute("SELECT count(*) FROM indicator_value").fetchone()
        connection.close()
        return int(count)

    def _expected_after_import(self) -> int:
        return self.dataset.value_count + self.plan.new

    def import_ours(
        self, times: list[float], parts: dict[str, list[float]] | None = None
    ) -> tuple[int, int, int]:
        """read_table + guess_mapping + preview_import + apply_import on a fresh copy."""
        from qpmr_desktop.services.indicator_import import (
            apply_import,
            guess_mapping,
            preview_import,
            read_table,
        )
        from qpmr_desktop.services.workspace import open_workspace

        path = self._fresh_copy("qpmr")
        workspace = open_workspace(path, user="bench")
        try:
            with stopwatch(times):
                marks = [time.perf_counter()]
                table = read_table(self.import_csv)
                mapping = guess_mapping(table)
                marks.append(time.perf_counter())
                preview = preview_import(workspace=workspace, table=table, mapping=mapping)
                marks.append(time.perf_counter())
                if preview.has_errors:
                    first = "; ".join(str(issue) for issue in preview.issues[:3])
                    raise BenchError(f"the generated import has errors: {first}")
                result = apply_import(workspace=workspace, preview=preview)
                marks.append(time.perf_counter())
        finally:
            workspace.close()
        if parts is not None:
            names = ("read_table + guess_mapping", "preview_import", "apply_import")
            for name, begin, end in zip(names, marks, marks[1:], strict=False):
                parts.setdefault(name, []).append(end - begin)
        count = self._count_values(path)
        path.unlink()
        check(
            count == self._expected_after_import(),
            f"after our import {count} value rows, not {self._expected_after_import()}",
        )
        return result.inserted, result.updated, result.unchanged

    def import_baseline(self, times: list[float]) -> int:
        """csv module + one executemany upsert in one transaction, on a fresh copy."""
        path = self._fresh_copy("baseline")
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        try:
            with stopwatch(times):
                written = baseline_import(connection, self.import_csv)
        finally:
            connection.close()
        count = self._count_values(path)
        path.unlink()
        check(
            count == self._expected_after_import(),
            f"after the baseline import {count} value rows, not {self._expected_after_import()}",
        )
        return written


_PERIOD = re.compile(r"Q([1-4]) (\d{4})/\d{2}")
_UPSERT_COLUMNS = (
    "value",
    "target",
    "england",
    "region",
    "statistical_neighbours",
    "numerator",
    "denominator",
    "status_symbol",
    "provisional",
    "commentary",
)
_UPSERT_SQL = (
    "INSERT INTO indicator_value (indicator_id, year, quarter, "
    + ", ".join(_UPSERT_COLUMNS)
    + ", floor, is_sample, data_as_at, version) VALUES (?, ?, ?, "
    + ", ".join("?" for _ in _UPSERT_COLUMNS)
    + ", NULL, 0, NULL, 1) ON CONFLICT (indicator_id, year, quarter) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _UPSERT_COLUMNS)
    + ", version = indicator_value.version + 1"
)


def baseline_import(connection: sqlite3.Connection, path: Path) -> int:
    """The baseline: the csv module, float(), one executemany upsert in one transaction."""

    def figure(text: str) -> float | None:
        return float(text) if text else None

    ids = dict(connection.execute("SELECT ref, id FROM indicator"))
    records: list[tuple[object, ...]] = []
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        column = {name: number for number, name in enumerate(next(reader))}
        ref, period = column["indicator_ref"], column["period"]
        figures = [column[name] for name in NATIVE_HEADERS[2:9]]
        status, commentary = column["status"], column["commentary"]
        for row in reader:
            match = _PERIOD.fullmatch(row[period])
            if match is None:
                raise BenchError(f"baseline: bad period {row[period]!r}")
            symbol = row[status] or None
            records.append(
                (
                    ids[row[ref]],
                    int(match[2]),
                    int(match[1]),
                    *(figure(row[number]) for number in figures),
                    symbol,
                    symbol == "p",
                    row[commentary],
                )
            )
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany(_UPSERT_SQL, records)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return len(records)


# ------------------------------------------------------------------ the first chart


def first_chart(bench: IndicatorsBench) -> tuple[float, bool]:
    """The first chart of this process (imports matplotlib); and whether it was loaded before."""
    loaded_before = "matplotlib" in sys.modules
    times: list[float] = []
    bench.chart(times)
    return times[0], loaded_before


# ------------------------------------------------------------------ the report


def goal_ratios(figures: Figures) -> dict[str, tuple[float, float]]:
    """Each goal's (ratio, goal)."""
    return {
        "open": (figures.median("open") / figures.median("open baseline"), OPEN_GOAL),
        "filter": (figures.median("filter") / figures.median("filter baseline"), FILTER_GOAL),
        "import": (figures.median("import") / figures.median("import baseline"), IMPORT_GOAL),
    }


def format_report(figures: Figures, header: str) -> str:
    """The table printed at the end: medians, spread and ratios, in milliseconds."""
    samples = figures.samples
    notes = figures.notes
    lines = [
        header,
        f"  {'milliseconds':<52}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}",
        "open the tab (from nothing to loaded, laid out and painted)",
        figure_row("QPMR IndicatorsTab", samples["open"]),
        figure_row("  of which list_indicator_rows (timed apart)", samples.get("open fetch", [])),
        figure_row(
            f"baseline the same tab, QSqlTableModel of the latest values ({notes['rows']})",
            samples["open baseline"],
        ),
        ratio_line("ratio QPMR / baseline", samples["open"], samples["open baseline"], OPEN_GOAL),
        figure_row("info: QSqlTableModel in a bare QTableView", samples["open bare"]),
        ratio_line("info: ratio QPMR / bare table", samples["open"], samples["open bare"], None),
        figure_row(f"info: QSqlTableModel, raw value table ({notes['raw']})", samples["open raw"]),
        ratio_line(
            "info: ratio QPMR / raw value table", samples["open"], samples["open raw"], None
        ),
        f"one filter keystroke ({FILTER_PREFIX!r} -> {FILTER_TEXT!r}, with the table's repaint)",
        figure_row(f"QPMR IndicatorFilterProxy, {notes['filter rows']}", samples["filter"]),
        *part_rows(samples, "filter"),
        figure_row("baseline QSortFilterProxyModel, all columns", samples["filter baseline"]),
        *part_rows(samples, "filter baseline"),
        ratio_line(
            "ratio QPMR / baseline", samples["filter"], samples["filter baseline"], FILTER_GOAL
        ),
        figure_row(f"QPMR IndicatorFilterProxy, {notes['big rows']}", samples["filter big"]),
        *part_rows(samples, "filter big"),
    ]
    lines += [
        f"select an indicator and draw its chart ({CHART_SIZE[0]} x {CHART_SIZE[1]}, Agg)",
        figure_row("QPMR get_indicator_detail + chart data + render", samples["chart"]),
    ]
    lines += part_rows(samples, "chart")
    lines += [
        figure_row(
            f"info: first chart of the process ({notes['first chart']})", samples["first chart"]
        ),
        f"import a CSV ({notes['import']})",
        figure_row("QPMR read_table + guess_mapping + preview + apply", samples["import"]),
    ]
    lines += part_rows(samples, "import")
    lines += [
        figure_row("baseline csv module + executemany upsert", samples["import baseline"]),
        ratio_line(
            "ratio QPMR / baseline", samples["import"], samples["import baseline"], IMPORT_GOAL
        ),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def run_once(bench: IndicatorsBench, figures: Figures, run: int) -> None:
    """One timed run of every measurement with a baseline and the chart, pairs interleaved."""
    f = figures
    run_order(
        run,
        (
            lambda: bench.open_tab(f.add("open"), f.add("open fetch")),
            lambda: bench.open_baseline_in_tab(f.add("open baseline")),
        ),
    )
    bench.open_baseline(f.add("open bare"))
    bench.open_baseline(f.add("open raw"), table="indicator_value")
    ours: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    run_order(
        run,
        (
            lambda: bench.filter_ours(f.add("filter"), ours),
            lambda: bench.filter_baseline(f.add("filter baseline"), base),
        ),
    )
    for prefix, parts in (("filter", ours), ("filter baseline", base)):
        for name, values in parts.items():
            f.add(f"{prefix}: {name}").extend(values)
    chart_parts: dict[str, list[float]] = {}
    bench.chart(f.add("chart"), chart_parts)
    for name, values in chart_parts.items():
        f.add(f"chart: {name}").extend(values)
    import_parts: dict[str, list[float]] = {}
    run_order(
        run,
        (
            lambda: bench.import_ours(f.add("import"), import_parts),
            lambda: bench.import_baseline(f.add("import baseline")),
        ),
    )
    for name, values in import_parts.items():
        f.add(f"import: {name}").extend(values)


def run_big(bench: IndicatorsBench, figures: Figures) -> None:
    """One timed run of the keystroke over the big model."""
    parts: dict[str, list[float]] = {}
    bench.filter_big(figures.add("filter big"), parts=parts)
    for name, values in parts.items():
        figures.add(f"filter big: {name}").extend(values)


def _warm_up(bench: IndicatorsBench) -> None:
    """Every measurement once, untimed: imports, caches, the filter widgets."""
    spare: list[float] = []
    bench.open_tab(spare)
    bench.open_baseline_in_tab(spare)
    bench.open_baseline(spare)
    bench.open_baseline(spare, table="indicator_value")
    bench.filter_ours(spare)
    bench.filter_baseline(spare)
    bench.chart(spare)
    bench.import_ours(spare)
    bench.import_baseline(spare)


def _profiles(bench: IndicatorsBench, missed: Sequence[str]) -> list[str]:
    """A cProfile summary of our side of each missed goal."""
    work: dict[str, Callable[[], object]] = {
        "open": lambda: bench.open_tab([]),
        "filter": lambda: bench.filter_ours([]),
        "import": lambda: bench.import_ours([]),
    }
    return [
        f"\nProfile of QPMR {name} (one sample, cProfile):\n{profile_summary(work[name])}"
        for name in missed
    ]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--indicators", type=int, default=500, help="indicators (default 500)")
    parser.add_argument("--quarters", type=int, default=40, help="quarters each (default 40)")
    parser.add_argument(
        "--import-rows", type=int, default=20_000, help="rows in the import CSV (default 20,000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--keystrokes", type=int, default=15, help="keystrokes timed per run, median (default 15)"
    )
    parser.add_argument(
        "--filter-rows",
        type=int,
        default=100_000,
        help="IndicatorRows for the big filter (default 100,000)",
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="cProfile our side of a goal: when NOT met (auto, the default), always or never",
    )
    parser.add_argument("--seed", type=int, default=2017, help="seed of the generated data")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.indicators < 1 or args.quarters < 2 or args.keystrokes < 1:
        parser.error("--runs, --indicators and --keystrokes must be at least 1, --quarters 2")
    if args.import_rows < 2:
        parser.error("--import-rows must be at least 2")

    return run_in_scratch("bench_indicators", lambda scratch: _run(args, scratch))


def _run(args: Any, scratch: Path) -> int:
    from PySide6.QtWidgets import QApplication

    started = time.perf_counter()
    dataset = build_dataset(args.indicators, args.quarters, seed=args.seed)
    generated = time.perf_counter()
    database_path = scratch / "bench.qpmr"
    write_database(database_path, dataset)
    written = time.perf_counter()
    import_base = scratch / "import-base.qpmr"
    shutil.copyfile(database_path, import_base)
    import_csv = scratch / "import.csv"
    plan = write_import_csv(import_csv, dataset, args.import_rows, seed=args.seed + 1)
    targets = len(dataset.targets)
    dataset = dataset.slim()
    print(
        f"generated {len(dataset.indicators)} indicators, {dataset.value_count:,} value rows, "
        f"{targets:,} year targets in {generated - started:.2f} s, "
        f"written with Core executemany in {written - generated:.2f} s; "
        f"import file {plan.rows:,} rows ({plan.new:,} new, {plan.updated:,} revised, "
        f"{plan.unchanged:,} unchanged)",
        flush=True,
    )

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    check_none_refcount()
    bench = IndicatorsBench(
        app=app,
        database_path=database_path,
        import_base=import_base,
        import_csv=import_csv,
        dataset=dataset,
        plan=plan,
        scratch=scratch,
        keystrokes=args.keystrokes,
        filter_rows=args.filter_rows,
    )
    figures = Figures()
    try:
        first, loaded_before = first_chart(bench)
        figures.add("first chart").append(first)
        figures.notes["first chart"] = (
            "matplotlib already loaded" if loaded_before else "imports matplotlib, 1 sample"
        )
        for _ in range(args.warmup):
            _warm_up(bench)
        for run in range(args.runs):
            run_once(bench, figures, run)
            s = figures.samples
            print(
                f"run {run + 1}/{args.runs}: open {s['open'][-1] * 1000:.0f} ms "
                f"(baseline {s['open baseline'][-1] * 1000:.0f}), filter "
                f"{s['filter'][-1] * 1000:.2f} ms ({s['filter baseline'][-1] * 1000:.2f}), "
                f"chart {s['chart'][-1] * 1000:.0f} ms, import {s['import'][-1] * 1000:.0f} ms "
                f"({s['import baseline'][-1] * 1000:.0f}); {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        shown = bench.filter_ours([])
        shown_baseline = bench.filter_baseline([])
        # The big model last, on its own: its 100,000 rows would slow every
        # garbage collection of the runs above.
        bench.filter_big([], repeats=1)
        for run in range(args.runs):
            run_big(bench, figures)
            print(
                f"big filter run {run + 1}/{args.runs}: "
                f"{figures.samples['filter big'][-1] * 1000:.0f} ms; "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        shown_big = bench.filter_big([], repeats=1)
        bench.drop_big()
        figures.notes.update(
            rows=f"{len(dataset.indicators)} rows",
            raw=f"{dataset.value_count:,} rows",
            **{
                "filter rows": f"{len(dataset.indicators)} rows, {shown} shown",
                "big rows": f"{args.filter_rows:,} rows, {shown_big:,} shown",
                "import": (
                    f"{plan.rows:,} rows: {plan.new:,} new, {plan.updated:,} revised, "
                    f"{plan.unchanged:,} unchanged"
                ),
            },
        )
        header = (
            f"\nIndicators benchmark: {len(dataset.indicators)} indicators x {args.quarters} "
            f"quarters ({dataset.value_count:,} value rows), {args.runs} runs after "
            f"{args.warmup} warm-up, QT_QPA_PLATFORM={qpa_platform()}, Python "
            f"{sys.version.split()[0]}\n  (baseline filter shows {shown_baseline} rows: it "
            "searches every column, QPMR searches ref, name and theme)"
        )
        print(format_report(figures, header))
        ratios = goal_ratios(figures)
        missed = [name for name, (ratio, goal) in ratios.items() if ratio > goal]
        print(
            "goals: "
            + ", ".join(
                f"{name} {ratio:.2f}x <= {goal}x {'met' if ratio <= goal else 'NOT met'}"
                for name, (ratio, goal) in ratios.items()
            )
        )
        print(f"total {time.perf_counter() - started:.0f} s", flush=True)
        profiled = {"auto": missed, "always": list(ratios), "never": []}[args.profile]
        for text in _profiles(bench, profiled):
            print(text)
    finally:
        bench.close()
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
