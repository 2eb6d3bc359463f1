"""Actions benchmark: open, filter, sort and import update forms at scale (issue 5, point 7).

Run on demand, never in ``make test``::

    make bench-actions                          # the defaults below
    make bench-actions BENCH_ARGS='--runs 9'
    .venv/bin/python tests/benchmarks/bench_actions.py --help

It generates a database of ``--actions`` actions with ``--updates`` updates
(20,000 and 100,000 by default) in ``--plans`` improvement plans of five
priority areas each, led by ``--people`` officers (some actions with no
lead, no area or no due date, a few RAG overrides with their reasons, text
with "<", "&", quotes and non-Latin letters), with SQLAlchemy Core
``executemany`` into a file made by ``open_database(create=True)``, so the
schema is the real migrated one. The updates of an action form a history
(each one's old status is the previous one's new status; the action's own
status and progress are its newest update's). Due dates lie around the day
the run judges on, so every RAG and "overdue" occurs. Then, in this one
process with Qt offscreen, it runs every measurement ``--runs`` times after
``--warmup`` untimed runs, each QPMR figure and its baseline interleaved
(QPMR first on odd runs, the baseline first on even ones), garbage collected
before each timed sample, and prints the median, min and max of each figure
in milliseconds and the ratio of the medians:

open the tab
    QPMR: from nothing (no widget) to the real ``ActionsTab`` built,
    ``set_workspace`` + ``ensure_loaded`` done (the plans, areas and people
    read for the filters and editors, the tracker read with
    ``read_action_tracker`` -- each action with its newest update, made into
    a read model when first shown -- and put in ``ActionTableModel`` behind
    ``ActionFilterProxy``, the first action selected and read in full with its
    history into the detail pane, the timeline's data built) and the whole tab
    laid out and painted once with ``QWidget.grab()`` (no event loop: drawing
    the timeline's chart, which the tab does after its first paint, is not
    counted). Baseline: the same ``ActionsTab``, given no workspace, whose
    table shows a ``QSortFilterProxyModel`` over a ``QSqlTableModel`` with Qt's
    own delegates, the whole tab laid out and painted with ``grab()`` -- the
    same screen from Qt's own models (as in ``bench_indicators.py``: a whole
    tab against a bare table is a comparison no model can win). The
    ``QSqlTableModel`` (QSQLITE driver, its own
    connection to the same file, opened once) is on a TEMP VIEW of the rows and
    columns the tab shows -- every action with its plan, priority area, lead,
    due date, status, a RAG from a CASE over status, override and due date,
    progress and its newest update's text (a correlated subquery on the
    update table's index), in the tracker's order -- ``select()`` and
    ``fetchMore()`` to the end. It does less than the tab (no detail read,
    no chips, no natural ref order), which is what a baseline is for. For
    information, the same model in a bare ``QTableView`` of the tab's table
    size, laid out and painted.

one filter keystroke
    The filter text goes from "audi" to "audit" (the "audi" state is set
    untimed before each keystroke); timed is the keystroke and the table's
    repaint (``viewport().grab()``), the median of ``--keystrokes``
    keystrokes per run. QPMR: the text typed into the tab's filter box
    (``filter_edit.setText``), so everything the tab does on a keystroke is
    counted (``ActionFilterProxy``, the count line, the selection and detail
    pane when the selected action is filtered out). Baseline:
    ``QSortFilterProxyModel.setFilterFixedString``, case-insensitive, on all
    columns (``setFilterKeyColumn(-1)``) over the baseline ``QSqlTableModel``.

sort by due date (no goal)
    From the tracker's own order (no sort column) to sorted by due date,
    ascending, with the repaint: ``QTableView.sortByColumn`` as a click on
    the header does. QPMR: in an opened ``ActionsTab``. For information, the
    same on the baseline's ``QSortFilterProxyModel`` (C++ comparisons of the
    ISO date strings).

import 50 returned forms (no baseline)
    ``--forms`` officers' update forms, written by the real
    ``export_update_forms`` once (untimed) and filled in with openpyxl as an
    officer would: in about one row in three a new status, a new progress or
    an update text, or all three. Each import runs on a fresh copy of the
    database the forms were exported from (copying and opening it are not
    timed): ``preview_update_forms`` then ``apply_update_forms``, every row
    checked to be a change or no change, none refused.

Goals (issue 5): open and filter within 1.5x of the baseline. A goal not met
is profiled with cProfile (``--profile``): the timed part of one more sample
of the QPMR side, by cumulative and by own time; ``--profile always`` also
profiles the sort and the import. The settings and data folders point at a
scratch folder, so the user's own are never read or written. A PySide6 that
leaks references to None (6.12.0 on Python 3.11, which the project excludes)
would abort the run part-way, so the benchmark checks first and stops with a
clear error; see ``check_none_refcount``.
"""

# tests/** may import inside functions (PLC0415 is off there): product modules
# and Qt are imported when needed, so ``--help`` is instant.

from __future__ import annotations

import datetime as dt
import gc
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

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
    from PySide6.QtSql import QSqlDatabase
    from PySide6.QtWidgets import QApplication, QTableView

    from qpmr_desktop.services.workspace import Workspace

OPEN_GOAL = 1.5
FILTER_GOAL = 1.5

FILTER_PREFIX = "audi"
FILTER_TEXT = "audit"  # one keystroke more
TAB_SIZE = (1400, 860)
QSQL_CONNECTION = "qpmr-bench-actions"
AREAS_PER_PLAN = 5

# ------------------------------------------------------------------ generated data

_PLAN_NAMES = (
    "Twelve-week improvement plan",
    "Prevention, Purposeful Practice & Permanence",
    "Ofsted <ILACS> recovery plan",
    "SEND written statement of action",
    "Adult social care “Making it Real” plan",
    "Housing improvement plan",
    "Youth justice improvement plan",
    "Corporate peer challenge action plan",
)
_AREA_NAMES = (
    "MASH and Early Help",
    "Quality of practice",
    "Placement sufficiency",
    "Child sexual exploitation",
    "Workforce",
    "Leadership & governance",
    "Voice of the child",
    "Partnership working",
    "Performance management",
    "Care leavers",
)
_FIRST_NAMES = (
    "Joanne",
    "Amir",
    "Siobhán",
    "Łukasz",
    "Priya",
    "Olumide",
    "Zoë",
    "Gareth",
    "Mei",
    "Dafydd",
    "Hannah",
    "Tomás",
    "Aisha",
    "Ruth",
    "Ștefan",
)
_LAST_NAMES = (
    "Heaton",
    "O'Brien",
    "Khan",
    "Nowak",
    "Patel",
    "Adeyemi",
    "Jones",
    "Chen",
    "Ap Rhys",
    "Byrne",
    "Ахмедова",
    "Smith",
    "Müller",
    "Okafor",
    "Lewis",
    "Mahmood",
    "Evans",
)
_VERBS = ("Audit", "Review", "Introduce", "Embed", "Train staff in", "Report on", "Agree", "Test")
_OBJECTS = (
    "the front door threshold document",
    "supervision of social workers",
    "the quality assurance framework",
    "return-home interviews for missing children",
    "placement commissioning with neighbouring councils",
    "the CSE risk assessment tool",
    "caseloads in the assessment teams",
    "the care leavers' local offer",
    "management oversight on case files",
    "permanence planning meetings",
    "the “Signs of Safety” practice model",
    "recruitment & retention of agency staff",
)
_WITH = (
    "",
    " with the police and health partners",
    " across all locality teams",
    " before the next DfE visit",
    " and report to the board <quarterly>",
    " — including children placed out of area",
)
_UPDATE_TEXTS = (
    "Work has started; the first sessions are booked.",
    "Delayed by vacancies in the team; a new start date is agreed.",
    "Draft circulated to partners for comment.",
    "Completed and signed off by the board.",
    "Evidence of impact collected from case file audits.",
    "Behind plan: the partner agency has not yet confirmed resources.",
    "Half of the teams have taken part; the rest in the next month.",
    "Awaiting the DfE adviser's feedback (“good progress”).",
    "Training delivered to 45 staff; evaluation to follow.",
    "Escalated to the director & the lead member.",
)
_STATUSES = ("not started", "on track", "at risk", "off track", "complete")
_STATUS_WEIGHTS = (1, 5, 2, 1, 3)


@dataclass(frozen=True, slots=True)
class Dataset:
    """What the generated database holds, counted; the rows go straight to the file."""

    plans: int
    areas: int
    people: int
    actions: int
    updates: int
    today: dt.date
    # Each officer's name, by person id - 1, and how many open actions each leads.
    names: tuple[str, ...]
    open_by_lead: tuple[int, ...]


def _person_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if name in seen:
            name = f"{name} {len(names)}"  # a second officer of the same name
        seen.add(name)
        names.append(name)
    return names


def write_database(
    path: Path,
    *,
    plans: int,
    actions: int,
    updates: int,
    people: int,
    today: dt.date,
    seed: int = 2017,
) -> Dataset:
    """Make ``path`` with the real migrated schema and fill it with Core executemany."""
    import sqlalchemy as sa

    from qpmr_desktop.domain.actions import ActionRag, ActionStatus, PlanStatus
    from qpmr_desktop.storage.database import open_database
    from qpmr_desktop.storage.tables import (
        Action,
        ActionUpdate,
        ImprovementPlan,
        Person,
        PriorityArea,
    )
    from qpmr_desktop.storage.versioning import table_of

    rng = random.Random(seed)
    names = _person_names(people, rng)
    plan_rows = [
        {
            "id": number + 1,
            "name": _PLAN_NAMES[number % len(_PLAN_NAMES)]
            + ("" if number < len(_PLAN_NAMES) else f" ({number // len(_PLAN_NAMES) + 1})"),
            "board": "Improvement Board",
            "description": "",
            "start_date": today - dt.timedelta(days=400),
            "end_date": today + dt.timedelta(days=400),
            "status": PlanStatus.ACTIVE,
            "version": 1,
        }
        for number in range(plans)
    ]
    area_rows = [
        {
            "id": plan * AREAS_PER_PLAN + position,
            "plan_id": plan + 1,
            "name": _AREA_NAMES[(plan + position) % len(_AREA_NAMES)],
            "position": position,
            "version": 1,
        }
        for plan in range(plans)
        for position in range(1, AREAS_PER_PLAN + 1)
    ]
    # Updates per action: spread at random, every one used.
    per_action = [0] * actions
    for _ in range(updates):
        per_action[rng.randrange(actions)] += 1
    action_rows: list[dict[str, object]] = []
    update_rows: list[dict[str, object]] = []
    open_by_lead = [0] * people
    refs: dict[tuple[int, int], int] = {}
    start = dt.datetime.combine(today - dt.timedelta(days=400), dt.time(9), tzinfo=dt.UTC)
    for number in range(actions):
        plan = number % plans
        area: int | None = rng.randrange(1, AREAS_PER_PLAN + 1)
        if rng.random() < 0.03:
            area = None
        position = 0 if area is None else area
        refs[plan, position] = refs.get((plan, position), 0) + 1
        ref = f"{position}.{refs[plan, position]}"
        lead = rng.randrange(people) if rng.random() < 0.96 else None
        due = None if rng.random() < 0.04 else today + dt.timedelta(days=rng.randint(-300, 300))
        status = "not started"
        progress = 0
        moments = sorted(rng.uniform(0, 400 * 86400) for _ in range(per_action[number]))
        for moment in moments:
            new_status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
            new_progress = (
                100 if new_status == "complete" else min(95, progress + rng.randint(0, 30))
            )
            update_rows.append(
                {
                    "action_id": number + 1,
                    "text": rng.choice(_UPDATE_TEXTS),
                    "old_status": ActionStatus(status),
                    "new_status": ActionStatus(new_status),
                    "old_progress": progress,
                    "new_progress": new_progress,
                    "who": names[lead] if lead is not None else "Programme Office",
                    "at": start + dt.timedelta(seconds=moment),
                    "is_sample": False,
                }
            )
            status, progress = new_status, new_progress
        override = None
        if rng.random() < 0.02 and status != "complete":
            override = rng.choice((ActionRag.AMBER, ActionRag.GREEN, ActionRag.RED))
        if lead is not None and status != "complete":
            open_by_lead[lead] += 1
        action_rows.append(
            {
                "id": number + 1,
                "plan_id": plan + 1,
                "priority_area_id": None if area is None else plan * AREAS_PER_PLAN + area,
                "ref": ref,
                "description": (f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_WITH)}"),
                "lead_id": None if lead is None else lead + 1,
                "due_date": due,
                "status": ActionStatus(status),
                "progress": progress,
                "rag_override": override,
                "rag_override_reason": "" if override is None else "Agreed at the board",
                "resolution_id": None,
                "is_sample": False,
                "version": 1 + per_action[number],
            }
        )
    database = open_database(path, create=True)
    try:
        with database.engine.begin() as connection:
            for table, rows in (
                (
                    Person,
                    [{"id": n + 1, "name": name, "version": 1} for n, name in enumerate(names)],
                ),
                (ImprovementPlan, plan_rows),
                (PriorityArea, area_rows),
                (Action, action_rows),
                (ActionUpdate, update_rows),
            ):
                connection.execute(sa.insert(table_of(table)), rows)
    finally:
        database.close()
    return Dataset(
        plans=plans,
        areas=len(area_rows),
        people=people,
        actions=actions,
        updates=len(update_rows),
        today=today,
        names=tuple(names),
        open_by_lead=tuple(open_by_lead),
    )


@dataclass(frozen=True, slots=True)
class FormsPlan:
    """The returned forms and what importing them should do."""

    paths: tuple[Path, ...]
    rows: int
    changed: int


def write_forms(
    *, workspace: Workspace, dataset: Dataset, folder: Path, forms: int, seed: int
) -> FormsPlan:
    """Export the forms of the ``forms`` busiest officers, then fill some rows in as they would."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from qpmr_desktop.services.update_forms import COLUMN_NUMBERS, FIRST_ROW, FORM_SHEET
    from qpmr_desktop.services.update_forms_export import export_update_forms

    rng = random.Random(seed)
    folder.mkdir()
    leads = sorted(range(dataset.people), key=lambda n: (-dataset.open_by_lead[n], n))[:forms]
    paths: list[Path] = []
    for lead in leads:
        paths += export_update_forms(
            workspace=workspace, out_dir=folder, lead=dataset.names[lead], today=dataset.today
        )
    rows = changed = 0
    status_column = COLUMN_NUMBERS["new_status"]
    progress_column = COLUMN_NUMBERS["new_progress"]
    text_column = COLUMN_NUMBERS["update_text"]
    ref_column = COLUMN_NUMBERS["ref"]
    for path in paths:
        workbook = load_workbook(path)
        sheet = workbook[FORM_SHEET]
        row = FIRST_ROW
        while sheet.cell(row, ref_column).value:
            rows += 1
            if rng.random() < 0.35:
                changed += 1
                kind = rng.randrange(4)
                if kind in {0, 3}:
                    sheet.cell(row, status_column).value = rng.choice(
                        ("On track", "At risk", "off track", "Complete")
                    )
                if kind in {1, 3}:
                    sheet.cell(row, progress_column).value = rng.randrange(0, 101, 5)
                if kind in {2, 3} or rng.random() < 0.5:
                    sheet.cell(row, text_column).value = (
                        f"{rng.choice(_UPDATE_TEXTS)}\nChecked by the service manager "
                        "— “on course” <b>"
                    )
            row += 1
        workbook.save(path)
        workbook.close()
    return FormsPlan(paths=tuple(paths), rows=rows, changed=changed)


# The tab's ten columns, in its order, from the same file: the RAG as SQLite can
# judge it (no reason text), the newest update through the update table's index.
_VIEW_SQL = """
CREATE TEMP VIEW IF NOT EXISTS bench_actions AS
SELECT pa.name AS area, a.ref AS ref, a.description AS description, p.name AS lead,
       a.due_date AS due, a.status AS status,
       CASE WHEN a.status = 'complete' THEN 'blue'
            WHEN a.rag_override IS NOT NULL THEN a.rag_override
            WHEN a.status = 'off track' OR a.due_date < '{today}' THEN 'red'
            WHEN a.status = 'at risk' THEN 'amber'
            WHEN a.status = 'on track' THEN 'green'
            ELSE 'grey' END AS rag,
       a.progress AS progress,
       (SELECT u.text FROM action_update AS u WHERE u.action_id = a.id
        ORDER BY u.at DESC, u.id DESC LIMIT 1) AS latest_update,
       pl.name AS plan
FROM action AS a
JOIN improvement_plan AS pl ON pl.id = a.plan_id
LEFT JOIN priority_area AS pa ON pa.id = a.priority_area_id
LEFT JOIN person AS p ON p.id = a.lead_id
ORDER BY pl.name, pa.id IS NULL, pa.position, a.ref
"""


class ActionsBench:
    """The measurements, each a method that times one sample and checks its counts."""

    def __init__(
        self,
        *,
        app: QApplication,
        database_path: Path,
        import_base: Path,
        dataset: Dataset,
        forms: FormsPlan,
        scratch: Path,
        keystrokes: int,
    ) -> None:
        from qpmr_desktop.services.workspace import open_workspace

        self.app = app
        self.dataset = dataset
        self.forms = forms
        self.import_base = import_base
        self.scratch = scratch
        self.keystrokes = keystrokes
        self.workspace: Workspace = open_workspace(database_path, user="bench")
        self.qsql: QSqlDatabase = self._open_qsql(database_path)
        self.table_size = (1000, 700)  # replaced by the tab's table size once it is laid out
        self._parts: dict[str, tuple[Any, ...]] = {}
        self._copies = 0

    # ------------------------------------------------------------ set-up and clean-up

    def _open_qsql(self, path: Path) -> QSqlDatabase:
        from PySide6.QtSql import QSqlDatabase, QSqlQuery

        database = QSqlDatabase.addDatabase("QSQLITE", QSQL_CONNECTION)
        database.setDatabaseName(str(path))
        check(database.open(), f"QSQLITE cannot open {path}: {database.lastError().text()}")
        query = QSqlQuery(database)
        sql = _VIEW_SQL.format(today=self.dataset.today.isoformat())
        check(query.exec(sql), f"temp view: {query.lastError().text()}")
        return database

    def close(self) -> None:
        """Delete every widget and model, then the QSQLITE connection, then the workspace."""
        from PySide6.QtCore import QCoreApplication, QEvent, QObject
        from PySide6.QtSql import QSqlDatabase
        from PySide6.QtWidgets import QWidget

        for parts in self._parts.values():
            for part in parts:
                if isinstance(part, QWidget):
                    part.hide()
                if isinstance(part, QObject):
                    part.deleteLater()
        self._parts.clear()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.collect()
        self.qsql.close()
        del self.qsql  # removeDatabase warns while any copy of the connection lives
        QSqlDatabase.removeDatabase(QSQL_CONNECTION)
        self.workspace.close()

    def _new_tab(self) -> Any:
        from qpmr_desktop.ui.actions_tab import ActionsTab

        tab = ActionsTab()
        tab.resize(*TAB_SIZE)
        tab.set_workspace(self.workspace)
        tab.ensure_loaded()
        tab.grab()
        return tab

    # ------------------------------------------------------------ open the tab

    def open_tab(self, times: list[float], fetch_times: list[float] | None = None) -> None:
        """From nothing to the real ActionsTab loaded, laid out and painted."""
        with stopwatch(times):
            tab = self._new_tab()
        view = view_of(tab)
        self.table_size = (view.width(), view.height())
        shown = view.model().rowCount()
        detail = tab.shown_detail
        delete_widget(tab)
        check(
            shown == self.dataset.actions, f"the tab shows {shown} rows, not {self.dataset.actions}"
        )
        check(detail is not None, "the tab selected no action")
        if fetch_times is not None:  # the service alone, for the breakdown
            from qpmr_desktop.services.actions import read_action_tracker

            with stopwatch(fetch_times):
                read_action_tracker(workspace=self.workspace, today=self.dataset.today)

    def _baseline_model(self) -> Any:
        from PySide6.QtSql import QSqlTableModel

        model = QSqlTableModel(None, self.qsql)
        model.setTable("bench_actions")
        model.select()
        while model.canFetchMore():
            model.fetchMore()
        return model

    def open_baseline_in_tab(self, times: list[float]) -> int:
        """The same tab with Qt's own models behind its table: the goal's baseline for open.

        An ``ActionsTab`` with no workspace (filter bar, detail pane, timeline
        pane built as for QPMR), whose table shows a ``QSortFilterProxyModel``
        over the baseline ``QSqlTableModel`` fetched to the end, with Qt's own
        delegate in every column; the table page shown and the whole tab laid
        out and painted with ``grab()``.
        """
        from PySide6.QtCore import QSortFilterProxyModel
        from PySide6.QtWidgets import QStackedWidget

        from qpmr_desktop.ui.actions_tab import ActionsTab

        with stopwatch(times):
            tab = ActionsTab()
            tab.resize(*TAB_SIZE)
            model = self._baseline_model()
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
        shown = int(proxy.rowCount())
        check(shown == self.dataset.actions, f"the baseline tab shows {shown} rows")
        delete_widget(tab)
        proxy.deleteLater()
        model.deleteLater()
        return shown

    def open_baseline(self, times: list[float]) -> int:
        """QSqlTableModel over the view, fetched to the end, in a QTableView laid out, painted."""
        from PySide6.QtWidgets import QTableView

        with stopwatch(times):
            model = self._baseline_model()
            view = QTableView()
            view.setModel(model)
            view.resize(*self.table_size)
            view.grab()
        shown = int(model.rowCount())
        check(
            shown == self.dataset.actions,
            f"QSqlTableModel shows {shown} rows: {model.lastError().text()}",
        )
        model.deleteLater()
        delete_widget(view)
        return shown

    # ------------------------------------------------------------ one filter keystroke

    def _keystroke(
        self,
        times: list[float],
        view: QTableView,
        set_text: Callable[[str], None],
        parts: dict[str, list[float]] | None = None,
    ) -> None:
        """The median of the keystrokes "audi" to "audit", each with the repaint."""
        samples: list[float] = []
        filtering: list[float] = []
        gc.collect()
        for _ in range(self.keystrokes):
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

    def _tab(self) -> Any:
        if "tab" not in self._parts:
            self._parts["tab"] = (self._new_tab(),)
        return self._parts["tab"][0]

    def filter_ours(self, times: list[float], parts: dict[str, list[float]] | None = None) -> int:
        """The words typed in an opened ActionsTab's filter box, with the repaint."""
        from qpmr_desktop.ui.action_model import ActionFilterProxy

        tab = self._tab()
        check(isinstance(tab.proxy, ActionFilterProxy), "the tab's proxy is not the real one")
        view = view_of(tab)
        self._keystroke(times, view, tab.filter_edit.setText, parts)
        shown = int(tab.proxy.rowCount())
        tab.filter_edit.setText("")
        return shown

    def _baseline_view(self) -> tuple[Any, ...]:
        from PySide6.QtCore import QSortFilterProxyModel, Qt
        from PySide6.QtWidgets import QTableView

        if "baseline" not in self._parts:
            model = self._baseline_model()
            proxy = QSortFilterProxyModel()
            proxy.setSourceModel(model)
            proxy.setFilterKeyColumn(-1)
            proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            view = QTableView()
            view.setModel(proxy)
            view.setSortingEnabled(True)
            view.horizontalHeader().setSortIndicatorClearable(True)
            view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
            view.resize(*self.table_size)
            view.grab()
            self._parts["baseline"] = (view, proxy, model)
        return self._parts["baseline"]

    def filter_baseline(
        self, times: list[float], parts: dict[str, list[float]] | None = None
    ) -> int:
        """QSortFilterProxyModel, fixed string on all columns, over the QSqlTableModel."""
        view, proxy, _model = self._baseline_view()
        self._keystroke(times, view, proxy.setFilterFixedString, parts)
        shown = int(proxy.rowCount())
        proxy.setFilterFixedString("")
        return shown

    # ------------------------------------------------------------ sort by due date

    def _sort(self, times: list[float], view: QTableView, column: int) -> None:
        from PySide6.QtCore import Qt

        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to the tracker's order
        view.viewport().grab()
        with stopwatch(times):
            view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            view.viewport().grab()

    def sort_ours(self, times: list[float]) -> str:
        """Sort the opened tab's tracker by due date (as a header click does), with the repaint."""
        from PySide6.QtCore import Qt

        from qpmr_desktop.ui.action_model import ActionRole

        tab = self._tab()
        column = tab.model.column_of("due")
        view = view_of(tab)
        self._sort(times, view, column)
        proxy = tab.proxy
        first = proxy.index(0, column).data(ActionRole.EDIT)["due"]
        last_due = proxy.index(proxy.rowCount() - 1, column).data(ActionRole.EDIT)["due"]
        dues = [
            proxy.index(row, column).data(ActionRole.EDIT)["due"]
            for row in range(0, proxy.rowCount(), 97)
        ]
        known = [due for due in dues if due is not None]
        check(known == sorted(known), "the tracker is not sorted by due date")
        check(last_due is None, "actions with no due date do not sort last")
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        return f"first due {first}"

    def sort_baseline(self, times: list[float]) -> None:
        """The same on the baseline's QSortFilterProxyModel (C++ comparisons)."""
        from PySide6.QtCore import Qt

        view, _proxy, _model = self._baseline_view()
        self._sort(times, view, 4)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    # ------------------------------------------------------------ import the forms

    def _fresh_copy(self) -> Path:
        self._copies += 1
        path = self.scratch / f"import-{self._copies}.qpmr"
        shutil.copyfile(self.import_base, path)
        return path

    def import_forms(self, times: list[float], parts: dict[str, list[float]] | None = None) -> int:
        """preview_update_forms + apply_update_forms of every returned form, on a fresh copy."""
        from qpmr_desktop.services.update_forms_import import (
            apply_update_forms,
            preview_update_forms,
        )
        from qpmr_desktop.services.workspace import open_workspace

        path = self._fresh_copy()
        workspace = open_workspace(path, user="bench")
        try:
            with stopwatch(times):
                started = time.perf_counter()
                preview = preview_update_forms(workspace=workspace, paths=self.forms.paths)
                previewed = time.perf_counter()
                if preview.has_refusals:
                    first = "; ".join(
                        f"{row.file.name} row {row.row}: {row.reasons}"
                        for row in preview.rows
                        if row.outcome == "refused"
                    )
                    raise BenchError(f"the returned forms have refused rows: {first[:400]}")
                result = apply_update_forms(workspace=workspace, preview=preview)
                applied = time.perf_counter()
        finally:
            workspace.close()
        if parts is not None:
            parts.setdefault("preview_update_forms", []).append(previewed - started)
            parts.setdefault("apply_update_forms", []).append(applied - previewed)
        with sqlite3.connect(path) as connection:
            (count,) = connection.execute("SELECT count(*) FROM action_update").fetchone()
        connection.close()
        path.unlink()
        check(
            len(preview.rows) == self.forms.rows,
            f"the preview lists {len(preview.rows)} rows, not {self.forms.rows}",
        )
        check(
            count == self.dataset.updates + result.applied,
            f"after the import {count} updates, not {self.dataset.updates} + {result.applied}",
        )
        return result.applied


# ------------------------------------------------------------------ the report


def goal_ratios(figures: Figures) -> dict[str, tuple[float, float]]:
    """Each goal's (ratio, goal)."""
    return {
        "open": (figures.median("open") / figures.median("open baseline"), OPEN_GOAL),
        "filter": (figures.median("filter") / figures.median("filter baseline"), FILTER_GOAL),
    }


def format_report(figures: Figures, header: str) -> str:
    """The table printed at the end: medians, spread and ratios, in milliseconds."""
    samples = figures.samples
    notes = figures.notes
    return "\n".join(
        [
            header,
            f"  {'milliseconds':<52}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}",
            "open the tab (from nothing to loaded, laid out and painted)",
            figure_row("QPMR ActionsTab", samples["open"]),
            figure_row(
                "  of which read_action_tracker (timed apart)", samples.get("open fetch", [])
            ),
            figure_row(
                f"baseline the same tab, QSqlTableModel on a view ({notes['rows']})",
                samples["open baseline"],
            ),
            ratio_line(
                "ratio QPMR / baseline", samples["open"], samples["open baseline"], OPEN_GOAL
            ),
            figure_row("info: QSqlTableModel in a bare QTableView", samples["open bare"]),
            ratio_line(
                "info: ratio QPMR / bare table", samples["open"], samples["open bare"], None
            ),
            f"one filter keystroke ({FILTER_PREFIX!r} -> {FILTER_TEXT!r}, with the repaint)",
            figure_row(f"QPMR filter box, {notes['filter rows']}", samples["filter"]),
            *part_rows(samples, "filter"),
            figure_row(
                f"baseline QSortFilterProxyModel, all columns, {notes['baseline rows']}",
                samples["filter baseline"],
            ),
            *part_rows(samples, "filter baseline"),
            ratio_line(
                "ratio QPMR / baseline", samples["filter"], samples["filter baseline"], FILTER_GOAL
            ),
            f"sort by due date (header click, with the repaint; {notes['sort']})",
            figure_row("QPMR ActionFilterProxy", samples["sort"]),
            figure_row("info: QSortFilterProxyModel over QSqlTableModel", samples["sort baseline"]),
            ratio_line(
                "info: ratio QPMR / baseline", samples["sort"], samples["sort baseline"], None
            ),
            f"import returned update forms ({notes['forms']})",
            figure_row("QPMR preview_update_forms + apply_update_forms", samples["import"]),
            *part_rows(samples, "import"),
        ]
    )


# ------------------------------------------------------------------ main


def run_once(bench: ActionsBench, figures: Figures, run: int) -> None:
    """One timed run of every measurement, pairs interleaved."""
    f = figures
    run_order(
        run,
        (
            lambda: bench.open_tab(f.add("open"), f.add("open fetch")),
            lambda: bench.open_baseline_in_tab(f.add("open baseline")),
        ),
    )
    bench.open_baseline(f.add("open bare"))
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
    run_order(
        run,
        (
            lambda: bench.sort_ours(f.add("sort")),
            lambda: bench.sort_baseline(f.add("sort baseline")),
        ),
    )
    import_parts: dict[str, list[float]] = {}
    bench.import_forms(f.add("import"), import_parts)
    for name, values in import_parts.items():
        f.add(f"import: {name}").extend(values)


def _warm_up(bench: ActionsBench) -> None:
    """Every measurement once, untimed: imports, caches, the filter widgets."""
    spare: list[float] = []
    bench.open_tab(spare)
    bench.open_baseline_in_tab(spare)
    bench.open_baseline(spare)
    bench.filter_ours(spare)
    bench.filter_baseline(spare)
    bench.sort_ours(spare)
    bench.sort_baseline(spare)
    bench.import_forms(spare)


def _profiles(bench: ActionsBench, names: Sequence[str]) -> list[str]:
    """A cProfile summary of our side of each figure named."""
    work: dict[str, Callable[[], object]] = {
        "open": lambda: bench.open_tab([]),
        "filter": lambda: bench.filter_ours([]),
        "sort": lambda: bench.sort_ours([]),
        "import": lambda: bench.import_forms([]),
    }
    return [
        f"\nProfile of QPMR {name} (one sample, cProfile):\n{profile_summary(work[name])}"
        for name in names
    ]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--actions", type=int, default=20_000, help="actions (default 20,000)")
    parser.add_argument("--updates", type=int, default=100_000, help="updates (default 100,000)")
    parser.add_argument("--plans", type=int, default=8, help="improvement plans (default 8)")
    parser.add_argument("--people", type=int, default=300, help="officers (default 300)")
    parser.add_argument("--forms", type=int, default=50, help="returned forms (default 50)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--keystrokes", type=int, default=9, help="keystrokes timed per run, median (default 9)"
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="cProfile our side: of a goal NOT met (auto, the default), of every figure "
        "(always) or never",
    )
    parser.add_argument("--seed", type=int, default=2017, help="seed of the generated data")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    args = parser.parse_args(argv)
    if min(args.runs, args.actions, args.plans, args.people, args.forms, args.keystrokes) < 1:
        parser.error("--runs, --actions, --plans, --people, --forms and --keystrokes must be >= 1")
    if args.forms > args.people:
        parser.error("--forms cannot be more than --people")

    return run_in_scratch("bench_actions", lambda scratch: _run(args, scratch))


def _run(args: Any, scratch: Path) -> int:
    from PySide6.QtWidgets import QApplication

    from qpmr_desktop.services.workspace import open_workspace

    started = time.perf_counter()
    database_path = scratch / "bench.qpmr"
    # The tab judges on today where the app runs; the due dates lie around it.
    today = dt.datetime.now(dt.UTC).astimezone().date()
    dataset = write_database(
        database_path,
        plans=args.plans,
        actions=args.actions,
        updates=args.updates,
        people=args.people,
        today=today,
        seed=args.seed,
    )
    written = time.perf_counter()
    exporter = open_workspace(database_path, user="bench")
    try:
        forms = write_forms(
            workspace=exporter,
            dataset=dataset,
            folder=scratch / "forms",
            forms=args.forms,
            seed=args.seed + 1,
        )
    finally:
        exporter.close()
    # The export gave the database its identity: the copies imported into share it.
    import_base = scratch / "import-base.qpmr"
    shutil.copyfile(database_path, import_base)
    print(
        f"generated {dataset.actions:,} actions, {dataset.updates:,} updates, "
        f"{dataset.plans} plans, {dataset.areas} priority areas, {dataset.people} officers "
        f"in {written - started:.2f} s (Core executemany); {len(forms.paths)} forms exported "
        f"and filled in ({forms.rows:,} rows, {forms.changed:,} changed) in "
        f"{time.perf_counter() - written:.2f} s",
        flush=True,
    )

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    check_none_refcount()
    bench = ActionsBench(
        app=app,
        database_path=database_path,
        import_base=import_base,
        dataset=dataset,
        forms=forms,
        scratch=scratch,
        keystrokes=args.keystrokes,
    )
    figures = Figures()
    missed: list[str] = []
    try:
        for _ in range(args.warmup):
            _warm_up(bench)
        for run in range(args.runs):
            run_once(bench, figures, run)
            s = figures.samples
            print(
                f"run {run + 1}/{args.runs}: open {s['open'][-1] * 1000:.0f} ms "
                f"(baseline {s['open baseline'][-1] * 1000:.0f}), filter "
                f"{s['filter'][-1] * 1000:.1f} ms ({s['filter baseline'][-1] * 1000:.1f}), "
                f"sort {s['sort'][-1] * 1000:.0f} ms ({s['sort baseline'][-1] * 1000:.0f}), "
                f"import {s['import'][-1] * 1000:.0f} ms; "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        shown = bench.filter_ours([])
        shown_baseline = bench.filter_baseline([])
        sorted_note = bench.sort_ours([])
        figures.notes.update(
            rows=f"{dataset.actions:,} rows",
            sort=sorted_note,
            forms=f"{len(forms.paths)} forms, {forms.rows:,} rows, {forms.changed:,} filled in",
            **{
                "filter rows": f"{dataset.actions:,} rows, {shown:,} shown",
                "baseline rows": f"{shown_baseline:,} shown",
            },
        )
        header = (
            f"\nActions benchmark: {dataset.actions:,} actions, {dataset.updates:,} updates, "
            f"{args.runs} runs after {args.warmup} warm-up, QT_QPA_PLATFORM={qpa_platform()}, "
            f"Python {sys.version.split()[0]}\n  (the baseline filter searches every column; "
            "QPMR searches plan, area, ref, description, lead and status)"
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
        every = ["open", "filter", "sort", "import"]
        profiled = {"auto": missed, "always": every, "never": []}[args.profile]
        for text in _profiles(bench, profiled):
            print(text)
    finally:
        bench.close()
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
