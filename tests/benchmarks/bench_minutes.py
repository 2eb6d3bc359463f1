"""Minutes benchmark: open the tab, read an item, search the register (issue 4, point 8).

Run on demand, never in ``make test``::

    make bench-minutes                          # the defaults below
    make bench-minutes BENCH_ARGS='--runs 9'
    .venv/bin/python tests/benchmarks/bench_minutes.py --help

It generates ``--meetings`` meetings x ``--items`` agenda items x
``--points`` points (2,000 x 10 x 20 = 400,000 points by default), the
points spread over ``--sections`` sections per item (the first without a
heading), one presenter and one resolution per item (every third with three
numbered parts), eight committees, with SQLAlchemy Core ``executemany`` into a
file made by ``open_database(create=True)``, so the schema is the real migrated
one. The full-text index of migration 0003 is kept by its triggers while the
rows go in (the real write path: nothing is rebuilt afterwards); the
generation time printed includes them.

Then, in this one process with Qt offscreen, every measurement runs
``--runs`` times after ``--warmup`` untimed runs, each QPMR figure and its
raw ``sqlite3`` query interleaved (QPMR first on odd runs, raw first on even
ones), garbage collected before each timed sample. The raw side is the
standard ``sqlite3`` module on its own connection to the same file, fetching
the same rows with ``fetchall()`` and nothing else: that is the floor.

open the tab
    A new ``MinutesTab`` (1400 x 860, built untimed), then timed
    ``set_workspace`` + ``ensure_loaded`` and one paint of the tab
    (``QWidget.grab()``, which lays out and paints synchronously: nothing
    the tab leaves to the event loop is in it). Every meeting is read, but
    only the newest ``MEETING_BATCH`` (128) become rows of the tree; the
    rest are added a batch at a time as the tree is scrolled to its end, or
    at once by a filter or by selecting an item of an older meeting. So the
    first paint shows the first batch of meetings (made summaries from the
    query's rows only as they become rows, ``LazyRows``), the newest
    expanded with its agenda and its first item selected, the item's
    heading -- number, title, lifecycle, committee and date, from the tree's
    rows -- in the read view and its meeting in the context panel; agendas
    and minutes load lazily. The report prints how many meetings were read
    and how many the tree shows. What the tab leaves to the event loop, to
    after that first paint, is timed apart and printed for information: the
    item's minutes read, shown under the item in the tree (which opens then)
    and in the read view, its lifecycle panel and linked actions read and
    shown (``processEvents()``) and the tab painted again.
    Raw: what the tab reads to show it -- every meeting newest first, joined
    with their committee, with their item counts, and the newest meeting's
    agenda items. For information, the floor of painting
    all of them: the same raw queries, every row put in Qt's own
    ``QStandardItemModel`` (one line a meeting, the newest expanded with its
    agenda) and a ``QTreeView`` the size of the tab's tree painted once --
    no Python per row, what any tree of 2,000 rows costs in Qt (about 2.4
    times the raw query: why the tab's tree takes its meetings in batches).

select an item and show its read view
    A new ``MinutesTab``, loaded and painted untimed; then timed
    ``select_item(id)`` and a paint of the read view, checked to hold the
    item's title and its first point. Three items, as a search hit may open
    any: one in the newest meeting, one in the 200th newest and one in the
    oldest (``select_item`` asks the service which meeting holds the item and
    loads only that agenda). The 200th newest and the oldest meeting are not
    rows of the tree until then: ``select_item`` adds the batches of
    meetings down to them (the oldest: all of them), and that is in their
    figures. Raw: that item's row, meeting and committee, presenters,
    sections, points, resolutions and resolution parts (what
    ``get_item_minutes`` reads).
    For information, where the time goes, each step timed on its own in a
    loaded tab: the service's fetch (``get_item_minutes``), the HTML build
    (``item_minutes_html``), ``setHtml`` with the document's layout (forced
    by asking its size) and a paint of the read view (``grab()``). And the
    floor, what Qt itself takes to show the item: a bare ``QTextBrowser`` the
    size of the read view given the item's plain text (``setPlainText``, no
    HTML, no Python) and painted once (``grab()``), with its ratio to the raw
    query -- some 15 times it, far beyond the goal of 3 on its own.

search the register
    ``search_minutes`` for a word and for a phrase in double quotes, and
    ``list_resolutions``. Raw: the FTS5 ``MATCH`` of the same expression on the
    same five indexes (points, resolutions, parts, headings, titles), best 200
    of each by ``bm25`` joined to the row and its item, then the item, meeting
    and committee of every hit; for the register, the same join and order and
    the resolution parts. For information, the raw search with FTS5's
    ``highlight()`` too (which the service uses for the offsets of the
    matched words).

Goal (issue 4): each QPMR figure within 3x of its raw query. A goal not met is
profiled with cProfile (``--profile``): the timed part of one more sample of
the QPMR side, by cumulative and by own time. Opening the tab and selecting
an item are measured to the pixels on screen while their raw queries paint
nothing: the "info" lines beside them say how much of that is Qt's own
work (for opening, Qt's tree fed the raw rows; for selecting, a bare
``QTextBrowser`` given the item's plain text), which no change to QPMR's
Python can remove. The settings and data folders
point at a scratch folder, so the user's own are never read or written.
"""

# tests/** may import inside functions (PLC0415 is off there): product modules
# and Qt are imported when needed, so ``--help`` is instant.

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.benchmarks.bench_harness import (
    Figures,
    check,
    delete_widget,
    figure_row,
    profile_summary,
    ratio_line,
    run_in_scratch,
    run_order,
    stopwatch,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from qpmr_desktop.services.workspace import Workspace
    from qpmr_desktop.ui.minutes_tab import MinutesTab

GOAL = 3.0
TAB_SIZE = (1400, 860)
TREE_SIZE = (354, 820)  # the Minutes tab's tree in a tab of TAB_SIZE
FIRST_DAY = dt.date(2012, 1, 9)
SEARCH_LIMIT = 200  # minutes_search.DEFAULT_LIMIT, checked at start-up
WORD_QUERY = "overspend"
PHRASE_QUERY = '"temporary accommodation"'
# The FTS5 expressions the service makes of them (checked against to_fts5 at start-up).
WORD_MATCH = '"overspend"*'
PHRASE_MATCH = '"temporary accommodation"*'
# Where the items selected lie: the rank of their meeting, newest first.
SELECT_RANKS: tuple[tuple[str, int], ...] = (
    ("newest meeting", 0),
    ("200th newest meeting", 199),
    ("oldest meeting", -1),
)

# ------------------------------------------------------------------ generated data

COMMITTEES = (
    "Cabinet",
    "Children and Young People Scrutiny Committee",
    "Adult Social Care and Health Scrutiny Committee",
    "Housing and Regeneration Committee",
    "Audit and Governance Committee",
    "Environment and Transport Committee",
    "Corporate Performance Committee",
    "Safer Communities Partnership Board",
)
VENUES = ("Council Chamber, Civic Centre", "Committee Room 1", "Committee Room 2", "Online")
START_TIMES = (dt.time(10, 0), dt.time(14, 0), dt.time(18, 30), None)
ITEM_TITLES = (
    "Apologies for Absence",
    "Declarations of Interest",
    "Minutes of the Previous Meeting",
    "Quarterly Performance Report",
    "Revenue Budget Monitoring",
    "Capital Programme Update",
    "Homelessness and Temporary Accommodation",
    "Children's Services Improvement Plan",
    "Adult Social Care Market Sustainability",
    "Waste and Recycling Contract",
    "Corporate Risk Register",
    "Annual Complaints Report",
    "Work Programme",
    "Treasury Management Strategy",
    "Local Plan Consultation",
)
HEADINGS = (
    "Background",
    "Questions from members",
    "Finance",
    "Performance",
    "Risks and mitigations",
    "Next steps",
)
PEOPLE = (
    ("Director of Children's Services", "Sarah Okafor"),
    ("Director of Adult Social Care", "James Whitfield"),
    ("Head of Housing", "Priya Raman"),
    ("Chief Finance Officer", "Gareth Lewis"),
    ("Head of Performance and Insight", "Helen Marsh"),
    ("Head of Environmental Services", "Tomasz Wójcik"),
    ("Monitoring Officer", "Ruth Adeyemi"),
    ("Head of Revenues and Benefits", "Colin Dart"),
)
POINT_KINDS = ("presented", "noted", "reported", "discussion", "other")
OPENERS = (
    "It was noted that",
    "It was reported that",
    "The Committee noted that",
    "In response to a question, the officer confirmed that",
    "Members expressed concern that",
    "The Chair thanked officers and observed that",
    "It was explained that",
)
SUBJECTS = (
    "the number of households in temporary accommodation",
    "the projected overspend in children's placements",
    "sickness absence across the directorate",
    "the backlog of housing repairs",
    "recruitment of social workers",
    "the recycling rate",
    "delayed transfers of care",
    "council tax collection",
    "the capital programme",
    "the number of care leavers in education, employment or training",
    "agency staff spend",
    "response times for missed bin collections",
    "demand for school places",
    "complaints upheld by the Ombudsman",
)
TRENDS = (
    "had risen over the quarter",
    "had fallen since the last report",
    "remained above target",
    "was below the regional average",
    "was being monitored closely by the service",
    "would be reported to the next meeting",
    "was in line with statistical neighbours",
    "reflected national pressures on budgets",
)
TAILS = (
    "",
    " An action plan had been agreed with the portfolio holder.",
    " Further detail would be circulated to members after the meeting.",
    " The service expected an improvement by the end of the financial year.",
    " A briefing note on the budget position was requested.",
    " Officers would work with partners in the voluntary sector.",
)
RESOLUTIONS = (
    "That the report be noted.",
    "That the quarterly performance report be noted and the actions agreed.",
    "That the Committee endorse the recommendations set out in the report.",
    "That a further report on the overspend be brought to the next meeting.",
    "That the work programme be agreed, subject to the changes discussed.",
)
PARTS = (
    "That the progress made be noted;",
    "That the Director provide a written update to members within four weeks;",
    "That the risks identified be added to the corporate risk register.",
)


@dataclass(frozen=True, slots=True)
class Layout:
    """How big the generated minutes are."""

    meetings: int
    items: int  # per meeting
    sections: int  # per item
    points: int  # per item, spread over its sections
    parts_every: int = 3  # every n-th item's resolution has three parts

    @property
    def item_count(self) -> int:
        return self.meetings * self.items

    @property
    def point_count(self) -> int:
        return self.item_count * self.points

    @property
    def section_count(self) -> int:
        return self.item_count * self.sections

    def points_in(self, section: int) -> int:
        """Points in the ``section``-th section of an item (the first ones take the rest)."""
        size, rest = divmod(self.points, self.sections)
        return size + (1 if section < rest else 0)

    def has_parts(self, item_id: int) -> bool:
        return item_id % self.parts_every == 0


@dataclass
class Generated:
    """What ``write_database`` wrote: counts, and the time it took."""

    layout: Layout
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _meeting_date(number: int) -> dt.date:
    # About three meetings a week across the eight committees, oldest first.
    return FIRST_DAY + dt.timedelta(days=(number * 7) // 3 + (number % 2))


def _point_text(rng: random.Random) -> str:
    return f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {rng.choice(TRENDS)}.{rng.choice(TAILS)}"


def _rows(layout: Layout, first: int, last: int, rng: random.Random) -> dict[str, list[Any]]:
    """The rows of meetings ``first`` .. ``last - 1`` (ids are given, so nothing is read back)."""
    from qpmr_desktop.domain.minutes import MinutesStatus, PointKind

    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "meeting",
            "agenda_item",
            "item_presenter",
            "minute_section",
            "minute_point",
            "resolution",
            "resolution_part",
        )
    }
    kinds = [PointKind(kind) for kind in POINT_KINDS]
    for number in range(first, last):
        meeting_id = number + 1
        recent = number >= layout.meetings - len(COMMITTEES)
        status = (
            (MinutesStatus.DRAFT if number % 2 else MinutesStatus.CIRCULATED)
            if recent
            else MinutesStatus.APPROVED
        )
        rows["meeting"].append(
            {
                "id": meeting_id,
                "committee_id": number % len(COMMITTEES) + 1,
                "date": _meeting_date(number),
                "start_time": START_TIMES[number % len(START_TIMES)],
                "venue": VENUES[number % len(VENUES)],
                "status": status,
                "is_sample": False,
                "version": 1,
            }
        )
        for position in range(layout.items):
            item_id = number * layout.items + position + 1
            rows["agenda_item"].append(
                {
                    "id": item_id,
                    "meeting_id": meeting_id,
                    "number": str(position + 1),
                    "title": ITEM_TITLES[(number + position * 4) % len(ITEM_TITLES)],
                    "position": position,
                    "is_sample": False,
                    "version": 1,
                }
            )
            rows["item_presenter"].append(
                {
                    "agenda_item_id": item_id,
                    "person_id": item_id % len(PEOPLE) + 1,
                    "role": "",
                    "position": 0,
                    "version": 1,
                }
            )
            point_id = (item_id - 1) * layout.points
            for section in range(layout.sections):
                section_id = (item_id - 1) * layout.sections + section + 1
                rows["minute_section"].append(
                    {
                        "id": section_id,
                        "agenda_item_id": item_id,
                        "heading": None
                        if section == 0
                        else HEADINGS[(item_id + section) % len(HEADINGS)],
                        "position": section,
                        "version": 1,
                    }
                )
                for place in range(layout.points_in(section)):
                    point_id += 1
                    rows["minute_point"].append(
                        {
                            "id": point_id,
                            "section_id": section_id,
                            "kind": kinds[point_id % len(kinds)],
                            "text": _point_text(rng),
                            "position": place,
                            "version": 1,
                        }
                    )
            rows["resolution"].append(
                {
                    "id": item_id,
                    "agenda_item_id": item_id,
                    "label": "Resolved",
                    "text": RESOLUTIONS[rng.randrange(len(RESOLUTIONS))],
                    "position": 0,
                    "version": 1,
                }
            )
            if layout.has_parts(item_id):
                rows["resolution_part"].extend(
                    {
                        "resolution_id": item_id,
                        "label": f"({place + 1})",
                        "text": text,
                        "position": place,
                        "version": 1,
                    }
                    for place, text in enumerate(PARTS)
                )
    return rows


def write_database(path: Path, layout: Layout, *, seed: int = 1974, batch: int = 100) -> Generated:
    """Make ``path`` with the real schema; insert the minutes with Core executemany.

    In batches of ``batch`` meetings, all in one transaction, with migration
    0003's triggers indexing every row as it goes in.
    """
    import sqlalchemy as sa

    from qpmr_desktop.storage.database import open_database
    from qpmr_desktop.storage.tables import (
        AgendaItem,
        Committee,
        ItemPresenter,
        Meeting,
        MinutePoint,
        MinuteSection,
        Person,
        Resolution,
        ResolutionPart,
    )

    tables = {
        "meeting": Meeting,
        "agenda_item": AgendaItem,
        "item_presenter": ItemPresenter,
        "minute_section": MinuteSection,
        "minute_point": MinutePoint,
        "resolution": Resolution,
        "resolution_part": ResolutionPart,
    }
    rng = random.Random(seed)
    generated = Generated(layout)
    started = time.perf_counter()
    database = open_database(path, create=True)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                sa.insert(Committee.__table__),  # type: ignore[attr-defined]
                [{"id": n + 1, "name": name, "version": 1} for n, name in enumerate(COMMITTEES)],
            )
            connection.execute(
                sa.insert(Person.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "id": n + 1,
                        "name": name,
                        "job_title": job,
                        "organisation": "",
                        "is_sample": False,
                        "version": 1,
                    }
                    for n, (job, name) in enumerate(PEOPLE)
                ],
            )
            for first in range(0, layout.meetings, batch):
                rows = _rows(layout, first, min(first + batch, layout.meetings), rng)
                for name, records in rows.items():
                    if records:
                        connection.execute(
                            sa.insert(tables[name].__table__),  # type: ignore[attr-defined]
                            records,
                        )
                    generated.counts[name] = generated.counts.get(name, 0) + len(records)
    finally:
        database.close()
    generated.seconds = time.perf_counter() - started
    return generated


# ------------------------------------------------------------------ raw sqlite3

RAW_MEETINGS = """
SELECT m.id, c.name, m.date, m.start_time, m.venue, m.status, m.is_sample,
       COALESCE(n.item_count, 0)
FROM meeting AS m
JOIN committee AS c ON c.id = m.committee_id
LEFT JOIN (SELECT meeting_id, count(*) AS item_count FROM agenda_item GROUP BY meeting_id)
    AS n ON n.meeting_id = m.id
ORDER BY m.date DESC, m.start_time IS NULL, m.start_time DESC, m.id DESC
"""

RAW_AGENDA = """
SELECT id, meeting_id, number, title, is_sample FROM agenda_item
WHERE meeting_id = ? ORDER BY position, id
"""

RAW_ITEM = (
    """SELECT a.id, a.meeting_id, a.number, a.title, a.is_sample, m.date, m.start_time,
              m.venue, m.status, c.name
       FROM agenda_item AS a JOIN meeting AS m ON m.id = a.meeting_id
       JOIN committee AS c ON c.id = m.committee_id WHERE a.id = ?""",
    """SELECT p.name, ip.role, p.job_title FROM item_presenter AS ip
       JOIN person AS p ON p.id = ip.person_id WHERE ip.agenda_item_id = ?
       ORDER BY ip.position, ip.id""",
    """SELECT id, heading FROM minute_section WHERE agenda_item_id = ? ORDER BY position, id""",
    """SELECT p.id, p.section_id, p.kind, p.text FROM minute_point AS p
       JOIN minute_section AS s ON s.id = p.section_id WHERE s.agenda_item_id = ?
       ORDER BY s.position, s.id, p.position, p.id""",
    """SELECT id, label, text FROM resolution WHERE agenda_item_id = ? ORDER BY position, id""",
    """SELECT rp.resolution_id, rp.label, rp.text FROM resolution_part AS rp
       JOIN resolution AS r ON r.id = rp.resolution_id WHERE r.agenda_item_id = ?
       ORDER BY r.position, r.id, rp.position, rp.id""",
)

# (index, table, indexed column, join to the item's parent, item id column)
RAW_SEARCH_SOURCES = (
    (
        "fts_minute_point",
        "minute_point",
        "text",
        "JOIN minute_section AS p ON p.id = r.section_id",
        "p.agenda_item_id",
    ),
    ("fts_resolution", "resolution", "text", "", "r.agenda_item_id"),
    (
        "fts_resolution_part",
        "resolution_part",
        "text",
        "JOIN resolution AS p ON p.id = r.resolution_id",
        "p.agenda_item_id",
    ),
    ("fts_minute_section", "minute_section", "heading", "", "r.agenda_item_id"),
    ("fts_agenda_item", "agenda_item", "title", "", "r.id"),
)


def _raw_search_sql(*, highlight: bool) -> list[str]:
    statements = []
    for index, table, column, join, item in RAW_SEARCH_SOURCES:
        marked = f", highlight({index}, 0, '[', ']')" if highlight else ""
        statements.append(
            f"SELECT r.id, {item}, r.{column}{marked} "
            f"FROM {index} JOIN {table} AS r ON r.id = {index}.rowid {join} "
            f"WHERE {index} MATCH ? ORDER BY bm25({index}) LIMIT {SEARCH_LIMIT}"
        )
    return statements


RAW_SEARCH = _raw_search_sql(highlight=False)
RAW_SEARCH_HIGHLIGHT = _raw_search_sql(highlight=True)
RAW_ITEM_CONTEXT = """
SELECT a.id, a.number, a.title, m.id, m.date, m.status, c.name
FROM agenda_item AS a JOIN meeting AS m ON m.id = a.meeting_id
JOIN committee AS c ON c.id = m.committee_id
WHERE a.id IN (SELECT value FROM json_each(?))
"""
RAW_RESOLUTIONS = """
SELECT r.id, r.label, r.text, a.id, a.number, a.title, m.id, m.date, m.status, c.name
FROM resolution AS r
JOIN agenda_item AS a ON a.id = r.agenda_item_id
JOIN meeting AS m ON m.id = a.meeting_id
JOIN committee AS c ON c.id = m.committee_id
ORDER BY m.date DESC, m.start_time IS NULL, m.start_time DESC, m.id DESC,
         a.position, a.id, r.position, r.id
"""
RAW_RESOLUTION_PARTS = """
SELECT resolution_id, label, text FROM resolution_part ORDER BY resolution_id, position, id
"""


# ------------------------------------------------------------------ timing


def _process_events() -> None:
    """Run what is waiting in the event loop (timers due now included)."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.processEvents()


@dataclass(frozen=True, slots=True)
class Target:
    """An agenda item to select: where it lies, its id, and text its read view must show."""

    label: str
    item_id: int
    title: str
    first_point: str
    points: int


class MinutesBench:
    """The measurements, each a method that times one sample and checks its counts."""

    def __init__(self, *, app: QApplication, database_path: Path, layout: Layout) -> None:
        from qpmr_desktop.services.workspace import open_workspace

        self.app = app
        self.layout = layout
        self.workspace: Workspace = open_workspace(database_path, user="bench")
        self.raw = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
        self.targets = self._targets()
        self.hit_counts: dict[str, int] = {}
        # What the last opened tab held: meetings read, and rows in its tree.
        self.meetings_read = 0
        self.meetings_shown = 0
        # Per item: the read view's plain text and size, for the Qt floor of selecting it.
        self._plain: dict[int, tuple[str, tuple[int, int]]] = {}

    def close(self) -> None:
        self.raw.close()
        self.workspace.database.close()

    def _targets(self) -> list[Target]:
        meetings = [row[0] for row in self.raw.execute(RAW_MEETINGS).fetchall()]
        check(len(meetings) == self.layout.meetings, f"{len(meetings)} meetings in the file")
        targets = []
        for label, rank in SELECT_RANKS:
            meeting = meetings[min(rank, len(meetings) - 1)]
            item_id, title = self.raw.execute(
                "SELECT id, title FROM agenda_item WHERE meeting_id = ? ORDER BY position, id "
                "LIMIT 1 OFFSET ?",
                (meeting, min(6, self.layout.items - 1)),
            ).fetchone()
            first_point = self.raw.execute(RAW_ITEM[3], (item_id,)).fetchone()[3]
            targets.append(Target(label, item_id, title, first_point, self.layout.points))
        return targets

    def _new_tab(self) -> MinutesTab:
        from qpmr_desktop.ui.minutes_tab import MinutesTab

        tab = MinutesTab()
        tab.resize(*TAB_SIZE)
        return tab

    # ------------------------------------------------------------ open the tab

    def open_tab(self, times: list[float], parts: dict[str, list[float]] | None = None) -> int:
        """Time set_workspace + ensure_loaded + one paint of a new tab; the meetings shown."""
        tab = self._new_tab()
        loaded: list[float] = []
        later: list[float] = []
        try:
            with stopwatch(times):
                started = time.perf_counter()
                tab.set_workspace(self.workspace)
                tab.ensure_loaded()
                loaded.append(time.perf_counter() - started)
                tab.grab()
            shown = tab.proxy.rowCount()
            read = tab.model.total_meetings
            check(read == self.layout.meetings, f"the tab read {read} meetings")
            batch = min(tab.model.batch_size, read)
            check(shown == batch, f"the tree shows {shown} meetings, not the first {batch}")
            self.meetings_read, self.meetings_shown = read, shown
            heading = tab.read_view.toPlainText()
            check(bool(heading.strip()), "the read view is empty after load")
            with stopwatch(later):
                _process_events()
                tab.grab()
            check(
                len(tab.read_view.toPlainText()) > len(heading),
                "the first item's minutes did not follow the first paint",
            )
        finally:
            delete_widget(tab)
        if parts is not None:
            parts.setdefault("set_workspace + ensure_loaded", []).extend(loaded)
            parts.setdefault("paint (grab)", []).append(times[-1] - loaded[-1])
            parts.setdefault("info: then, after the paint: minutes + panels + repaint", []).extend(
                later
            )
        return shown

    def list_meetings(self, times: list[float]) -> int:
        """The service call alone, for the split of ``open``."""
        from qpmr_desktop.services.minutes import list_meetings

        with stopwatch(times):
            meetings = list_meetings(workspace=self.workspace)
        return len(meetings)

    def open_raw(self, times: list[float]) -> int:
        """The rows the first paint shows: every meeting, and the newest one's agenda."""
        with stopwatch(times):
            rows = self.raw.execute(RAW_MEETINGS).fetchall()
            agenda = self.raw.execute(RAW_AGENDA, (rows[0][0],)).fetchall()
        check(len(rows) == self.layout.meetings, f"raw: {len(rows)} meetings")
        check(len(agenda) == self.layout.items, f"raw: {len(agenda)} items in the agenda")
        return len(rows)

    def open_qt_floor(self, times: list[float]) -> int:
        """For information: the raw rows in Qt's own tree, painted once (see the module)."""
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QTreeView

        view = QTreeView()
        view.setHeaderHidden(True)
        view.setUniformRowHeights(True)
        view.resize(*TREE_SIZE)
        try:
            with stopwatch(times):
                rows = self.raw.execute(RAW_MEETINGS).fetchall()
                agenda = self.raw.execute(RAW_AGENDA, (rows[0][0],)).fetchall()
                model = QStandardItemModel(view)
                model.invisibleRootItem().appendRows(
                    [QStandardItem(f"{row[2]} {row[1]} — {row[5]}") for row in rows]
                )
                newest = model.item(0)
                newest.appendRows([QStandardItem(f"{item[2]}. {item[3]}") for item in agenda])
                view.setModel(model)
                view.expand(newest.index())
                view.grab()
            shown = model.rowCount()
            check(shown == self.layout.meetings, f"Qt's tree shows {shown} meetings")
        finally:
            delete_widget(view)
        return shown

    # ------------------------------------------------------------ select an item

    def select(
        self, times: list[float], target: Target, parts: dict[str, list[float]] | None = None
    ) -> int:
        """Time select_item + a paint of the read view in a freshly loaded tab."""
        tab = self._new_tab()
        selected: list[float] = []
        try:
            tab.set_workspace(self.workspace)
            tab.ensure_loaded()
            tab.grab()
            with stopwatch(times):
                started = time.perf_counter()
                found = tab.select_item(target.item_id)  # type: ignore[arg-type]
                selected.append(time.perf_counter() - started)
                tab.read_view.grab()
            text = tab.read_view.toPlainText()
            check(found, f"select_item({target.item_id}) found nothing")
            check(target.title in text, f"the read view lacks the title {target.title!r}")
            check(target.first_point in text, "the read view lacks the item's first point")
            loaded = sum(
                1
                for row in range(tab.proxy.rowCount())
                if not tab.proxy.canFetchMore(tab.proxy.index(row, 0))
            )
        finally:
            delete_widget(tab)
        if parts is not None:
            parts.setdefault("select_item", []).extend(selected)
            parts.setdefault("paint the read view (grab)", []).append(times[-1] - selected[-1])
        return loaded

    def read_view_steps(self, target: Target, parts: dict[str, list[float]]) -> None:
        """Each step of showing ``target``'s read view, timed on its own (for information)."""
        from qpmr_desktop.domain.ids import AgendaItemId
        from qpmr_desktop.services.minutes import get_item_minutes
        from qpmr_desktop.ui.minutes_html import item_minutes_html

        tab = self._new_tab()
        try:
            tab.set_workspace(self.workspace)
            tab.ensure_loaded()
            tab.grab()
            _process_events()
            view = tab.read_view
            steps: list[tuple[str, Callable[[], object]]] = []
            fetched: dict[str, Any] = {}
            steps.append(
                (
                    "info: service fetch (get_item_minutes)",
                    lambda: fetched.__setitem__(
                        "minutes",
                        get_item_minutes(
                            workspace=self.workspace, item_id=AgendaItemId(target.item_id)
                        ),
                    ),
                )
            )
            steps.append(
                (
                    "info: HTML build (item_minutes_html)",
                    lambda: fetched.__setitem__("html", item_minutes_html(fetched["minutes"])),
                )
            )

            def set_html() -> None:
                view.setHtml(fetched["html"])
                view.document().size()  # lays the whole document out

            steps.append(("info: setHtml + layout (document size asked)", set_html))
            steps.append(("info: paint the read view (grab)", view.grab))
            for name, step in steps:
                with stopwatch(parts.setdefault(name, [])):
                    step()
            check(target.first_point in view.toPlainText(), "the steps lost the first point")
        finally:
            delete_widget(tab)

    def select_qt_floor(self, times: list[float], target: Target) -> int:
        """For information: the item's plain text in a bare QTextBrowser, painted once."""
        from PySide6.QtWidgets import QTextBrowser

        from qpmr_desktop.domain.ids import AgendaItemId

        if target.item_id not in self._plain:
            tab = self._new_tab()
            try:
                tab.set_workspace(self.workspace)
                tab.ensure_loaded()
                found = tab.select_item(AgendaItemId(target.item_id))
                check(found, f"select_item({target.item_id}) found nothing")
                tab.grab()
                size = tab.read_view.size()
                self._plain[target.item_id] = (
                    tab.read_view.toPlainText(),
                    (size.width(), size.height()),
                )
            finally:
                delete_widget(tab)
        text, (width, height) = self._plain[target.item_id]
        view = QTextBrowser()
        view.resize(width, height)
        try:
            with stopwatch(times):
                view.setPlainText(text)
                view.grab()
            check(target.first_point in view.toPlainText(), "the floor lost the first point")
        finally:
            delete_widget(view)
        return len(text)

    def get_item_minutes(self, times: list[float], target: Target) -> int:
        """The service call alone, for the split of ``select``."""
        from qpmr_desktop.domain.ids import AgendaItemId
        from qpmr_desktop.services.minutes import get_item_minutes

        with stopwatch(times):
            minutes = get_item_minutes(
                workspace=self.workspace, item_id=AgendaItemId(target.item_id)
            )
        return sum(len(section.points) for section in minutes.sections)

    def select_raw(self, times: list[float], target: Target) -> int:
        with stopwatch(times):
            fetched = [self.raw.execute(sql, (target.item_id,)).fetchall() for sql in RAW_ITEM]
        points = len(fetched[3])
        check(points == target.points, f"raw: {points} points for item {target.item_id}")
        return points

    # ------------------------------------------------------------ search the register

    def search(self, times: list[float], query: str) -> int:
        from qpmr_desktop.services.minutes_search import search_minutes

        with stopwatch(times):
            hits = search_minutes(workspace=self.workspace, query=query, limit=SEARCH_LIMIT)
        check(len(hits) == SEARCH_LIMIT, f"search {query!r}: {len(hits)} hits")
        return len(hits)

    def search_raw(self, times: list[float], expression: str, *, highlight: bool = False) -> int:
        statements = RAW_SEARCH_HIGHLIGHT if highlight else RAW_SEARCH
        with stopwatch(times):
            found = [row for sql in statements for row in self.raw.execute(sql, (expression,))]
            items = sorted({row[1] for row in found})
            context = self.raw.execute(RAW_ITEM_CONTEXT, (str(items),)).fetchall()
        check(len(context) == len(items), "raw: an item of a hit is missing")
        check(len(found) >= SEARCH_LIMIT, f"raw search {expression}: {len(found)} rows")
        self.hit_counts[expression] = len(found)
        return len(found)

    def resolutions(self, times: list[float]) -> int:
        from qpmr_desktop.services.minutes_search import list_resolutions

        with stopwatch(times):
            rows = list_resolutions(workspace=self.workspace)
        check(len(rows) == self.layout.item_count, f"register: {len(rows)} resolutions")
        return len(rows)

    def resolutions_raw(self, times: list[float]) -> int:
        with stopwatch(times):
            rows = self.raw.execute(RAW_RESOLUTIONS).fetchall()
            self.raw.execute(RAW_RESOLUTION_PARTS).fetchall()
        check(len(rows) == self.layout.item_count, f"raw register: {len(rows)} resolutions")
        return len(rows)


# ------------------------------------------------------------------ runs


def _merge(figures: Figures, prefix: str, parts: dict[str, list[float]]) -> None:
    for name, values in parts.items():
        figures.add(f"{prefix}: {name}").extend(values)


def run_once(bench: MinutesBench, figures: Figures, run: int) -> None:
    """One timed run of every measurement, each QPMR figure and its raw query interleaved."""
    f = figures
    parts: dict[str, list[float]] = {}
    run_order(
        run,
        (lambda: bench.open_tab(f.add("open"), parts), lambda: bench.open_raw(f.add("open raw"))),
    )
    _merge(f, "open", parts)
    bench.list_meetings(f.add("open: list_meetings (timed apart)"))
    bench.open_qt_floor(f.add("open qt floor"))
    for target in bench.targets:
        key = f"select {target.label}"
        parts = {}
        run_order(
            run,
            (
                lambda t=target, k=key, p=parts: bench.select(f.add(k), t, p),  # type: ignore[misc]
                lambda t=target, k=key: bench.select_raw(f.add(f"{k} raw"), t),  # type: ignore[misc]
            ),
        )
        bench.read_view_steps(target, parts)
        _merge(f, key, parts)
        bench.select_qt_floor(f.add(f"{key} qt floor"), target)
        bench.get_item_minutes(f.add(f"{key}: get_item_minutes (timed apart)"), target)
    for key, query, expression in (
        ("search word", WORD_QUERY, WORD_MATCH),
        ("search phrase", PHRASE_QUERY, PHRASE_MATCH),
    ):
        run_order(
            run,
            (
                lambda k=key, q=query: bench.search(f.add(k), q),  # type: ignore[misc]
                lambda k=key, e=expression: bench.search_raw(f.add(f"{k} raw"), e),  # type: ignore[misc]
            ),
        )
        bench.search_raw(f.add(f"{key} raw highlight"), expression, highlight=True)
    run_order(
        run,
        (
            lambda: bench.resolutions(f.add("register")),
            lambda: bench.resolutions_raw(f.add("register raw")),
        ),
    )


def goal_names(bench: MinutesBench) -> list[str]:
    """The figures that have a goal, each compared with ``<name> raw``."""
    return [
        "open",
        *(f"select {target.label}" for target in bench.targets),
        "search word",
        "search phrase",
        "register",
    ]


def goal_ratios(figures: Figures, names: Sequence[str]) -> dict[str, float]:
    return {name: figures.median(name) / figures.median(f"{name} raw") for name in names}


def _warm_up(bench: MinutesBench) -> None:
    spare: list[float] = []
    bench.open_tab(spare)
    bench.open_raw(spare)
    bench.open_qt_floor(spare)
    bench.select(spare, bench.targets[0])
    bench.select_raw(spare, bench.targets[0])
    bench.search(spare, WORD_QUERY)
    bench.search_raw(spare, WORD_MATCH)
    bench.resolutions(spare)
    bench.resolutions_raw(spare)


def _profile_work(bench: MinutesBench, name: str) -> Callable[[], object]:
    if name == "open":
        return lambda: bench.open_tab([])
    if name.startswith("select "):
        target = next(t for t in bench.targets if f"select {t.label}" == name)
        return lambda: bench.select([], target)
    if name == "search word":
        return lambda: bench.search([], WORD_QUERY)
    if name == "search phrase":
        return lambda: bench.search([], PHRASE_QUERY)
    return lambda: bench.resolutions([])


# ------------------------------------------------------------------ the report


def _row(label: str, samples: Sequence[float]) -> str:
    # Wider labels and hundredths: a read view's figures are a few milliseconds.
    return figure_row(label, samples, width=58, decimals=2)


def _ratio(label: str, ours: Sequence[float], base: Sequence[float], goal: float | None) -> str:
    return ratio_line(label, ours, base, goal, width=58, goal_spec="g")


def _parts(samples: dict[str, list[float]], prefix: str) -> list[str]:
    start = prefix + ": "
    parts = [
        (name.removeprefix(start), values)
        for name, values in samples.items()
        if name.startswith(start)
    ]
    # The parts of the total first, then the "info:" figures beside it.
    return [
        _row(f"  of which {part}", values) for part, values in parts if not part.startswith("info")
    ] + [_row(part, values) for part, values in parts if part.startswith("info")]


def format_report(figures: Figures, bench: MinutesBench, header: str) -> str:
    """The table printed at the end: medians, spread and ratios, in milliseconds."""
    s = figures.samples
    layout = bench.layout
    lines = [
        header,
        f"  {'milliseconds':<58}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}",
        (
            f"open the tab ({bench.meetings_read:,} of {layout.meetings:,} meetings read, "
            f"{bench.meetings_shown:,} of them in the tree; agendas and minutes lazy)"
        ),
        _row("QPMR MinutesTab set_workspace + ensure_loaded + paint", s["open"]),
        *_parts(s, "open"),
        _row("raw sqlite3: meetings, committees, item counts, agenda", s["open raw"]),
        _ratio("ratio QPMR / raw", s["open"], s["open raw"], GOAL),
        _ratio(
            "info: ratio without the paint",
            s["open: set_workspace + ensure_loaded"],
            s["open raw"],
            None,
        ),
        _row("info: raw sqlite3 + the rows in Qt's own tree, painted", s["open qt floor"]),
        _ratio("info: ratio raw + Qt's tree / raw", s["open qt floor"], s["open raw"], None),
        _ratio("info: ratio QPMR / raw + Qt's tree", s["open"], s["open qt floor"], None),
    ]
    for target in bench.targets:
        key = f"select {target.label}"
        lines += [
            f"select an item and show its read view: item {target.item_id}, {target.label}",
            _row("QPMR MinutesTab.select_item + paint the read view", s[key]),
            *_parts(s, key),
            _row(
                f"raw sqlite3: item, sections, {target.points} points, resolutions", s[f"{key} raw"]
            ),
            _ratio("ratio QPMR / raw", s[key], s[f"{key} raw"], GOAL),
            _row(
                "info: Qt's floor: its plain text in a QTextBrowser, painted",
                s[f"{key} qt floor"],
            ),
            _ratio("info: ratio Qt's floor / raw", s[f"{key} qt floor"], s[f"{key} raw"], None),
        ]
    for key, query, expression in (
        ("search word", WORD_QUERY, WORD_MATCH),
        ("search phrase", PHRASE_QUERY, PHRASE_MATCH),
    ):
        lines += [
            (
                f"search the register for {query} (MATCH {expression}, "
                f"{bench.hit_counts.get(expression, 0):,} rows fetched raw)"
            ),
            _row(f"QPMR search_minutes (best {SEARCH_LIMIT})", s[key]),
            _row("raw sqlite3: FTS5 MATCH x 5 indexes, bm25, + items", s[f"{key} raw"]),
            _ratio("ratio QPMR / raw", s[key], s[f"{key} raw"], GOAL),
            _row("info: raw sqlite3 with highlight()", s[f"{key} raw highlight"]),
            _ratio(
                "info: ratio QPMR / raw with highlight()", s[key], s[f"{key} raw highlight"], None
            ),
        ]
    lines += [
        f"the register of resolutions ({layout.item_count:,} resolutions)",
        _row("QPMR list_resolutions", s["register"]),
        _row("raw sqlite3: resolutions joined, ordered + parts", s["register raw"]),
        _ratio("ratio QPMR / raw", s["register"], s["register raw"], GOAL),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ PySide6 and None

_NONE_TOP_UP = 1 << 40


def guard_none_refcount() -> str | None:
    """Keep a PySide6 that drops a reference to None per void call from aborting the run.

    The case ``bench_harness.check_none_refcount`` refuses: on Python 3.11 some
    PySide6 releases return None from void methods without a new reference,
    until Python aborts with "none_dealloc". When this one does, None's count
    is raised once, far beyond anything a run can drop, and the note says so.
    Timings are unaffected.
    """
    if sys.version_info >= (3, 12):
        return None
    import ctypes

    from PySide6.QtCore import QObject

    probe = QObject()
    calls = 1000
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost < calls // 2:
        return None
    ctypes.c_ssize_t.from_address(id(None)).value += _NONE_TOP_UP
    return (
        f"note: this PySide6 drops a reference to None per void call ({lost} in {calls}); "
        "the benchmark raised None's count so that it can finish"
    )


# ------------------------------------------------------------------ main


def check_expressions() -> None:
    """The raw side matches what the service makes of the queries, at the same limit."""
    from qpmr_desktop.services.minutes_search import DEFAULT_LIMIT, parse_query, to_fts5

    for query, expression in ((WORD_QUERY, WORD_MATCH), (PHRASE_QUERY, PHRASE_MATCH)):
        made = to_fts5(parse_query(query))
        check(made == expression, f"{query!r} is MATCH {made!r} now, not {expression!r}")
    check(DEFAULT_LIMIT == SEARCH_LIMIT, f"search_minutes' limit is now {DEFAULT_LIMIT}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--meetings", type=int, default=2000, help="meetings (default 2,000)")
    parser.add_argument("--items", type=int, default=10, help="items a meeting (default 10)")
    parser.add_argument("--sections", type=int, default=4, help="sections an item (default 4)")
    parser.add_argument("--points", type=int, default=20, help="points an item (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="cProfile our side of a goal: when NOT met (auto, the default), always or never",
    )
    parser.add_argument("--seed", type=int, default=1974, help="seed of the generated text")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    args = parser.parse_args(argv)
    if min(args.meetings, args.items, args.sections, args.runs) < 1:
        parser.error("--meetings, --items, --sections and --runs must be at least 1")
    if args.points < args.sections:
        parser.error("--points must be at least --sections")

    return run_in_scratch("bench_minutes", lambda scratch: _run(args, scratch))


def _run(args: Any, scratch: Path) -> int:
    from PySide6.QtWidgets import QApplication

    check_expressions()
    started = time.perf_counter()
    layout = Layout(args.meetings, args.items, args.sections, args.points)
    database_path = scratch / "bench.qpmr"
    generated = write_database(database_path, layout, seed=args.seed)
    c = generated.counts
    print(
        f"generated {c['meeting']:,} meetings, {c['agenda_item']:,} items, "
        f"{c['minute_section']:,} sections, {c['minute_point']:,} points, "
        f"{c['resolution']:,} resolutions ({c['resolution_part']:,} parts) with Core "
        f"executemany, indexed by the FTS5 triggers as inserted, in {generated.seconds:.1f} s; "
        f"file {database_path.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    note = guard_none_refcount()
    if note:
        print(note, flush=True)
    bench = MinutesBench(app=app, database_path=database_path, layout=layout)
    figures = Figures()
    missed: list[str] = []
    try:
        for _ in range(args.warmup):
            _warm_up(bench)
        for run in range(args.runs):
            run_once(bench, figures, run)
            s = figures.samples
            selects = ", ".join(f"{s[f'select {t.label}'][-1] * 1000:.0f}" for t in bench.targets)
            print(
                f"run {run + 1}/{args.runs}: open {s['open'][-1] * 1000:.0f} ms "
                f"(raw {s['open raw'][-1] * 1000:.1f}), select {selects} ms, search "
                f"{s['search word'][-1] * 1000:.0f}/{s['search phrase'][-1] * 1000:.0f} ms, "
                f"register {s['register'][-1] * 1000:.0f} ms; "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        header = (
            f"\nMinutes benchmark: {layout.meetings:,} meetings x {layout.items} items x "
            f"{layout.points} points ({layout.point_count:,} points in "
            f"{layout.section_count:,} sections), {args.runs} runs after {args.warmup} "
            f"warm-up, QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '')}, "
            f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}"
        )
        print(format_report(figures, bench, header))
        ratios = goal_ratios(figures, goal_names(bench))
        missed = [name for name, ratio in ratios.items() if ratio > GOAL]
        print(
            "goals: "
            + ", ".join(
                f"{name} {ratio:.2f}x {'met' if ratio <= GOAL else 'NOT met'}"
                for name, ratio in ratios.items()
            )
        )
        print(f"total {time.perf_counter() - started:.0f} s", flush=True)
        profiled = {"auto": missed, "always": list(ratios), "never": []}[args.profile]
        for name in profiled:
            summary = profile_summary(_profile_work(bench, name), limit=18)
            print(f"\nProfile of QPMR {name} (one sample, cProfile):\n{summary}", flush=True)
    finally:
        bench.close()
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
