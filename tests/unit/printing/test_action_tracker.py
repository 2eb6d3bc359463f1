"""The printed action tracker: the demo's actions read back, in order, against the tracker rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.printing.action_data import (
    ActionEntryData,
    ActionTrackerData,
    PlanData,
    PriorityAreaData,
)
from qpmr_desktop.printing.action_tracker import (
    NO_UPDATE,
    OVERDUE,
    RATING_ORDER,
    TITLE,
    rating_words,
    render_action_tracker,
    status_words,
)
from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.document import short_date
from qpmr_desktop.services.actions import list_action_rows
from qpmr_desktop.services.papers_actions import action_tracker_for_print
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.services.workspace import open_workspace
from tests.unit.printing import assert_in_order, needs_poppler, outline, pdftotext, reader

COUNCIL = CouncilInfo(name="Lancashire County Council")
# A day in the plans' life, so the demo has every rating and some overdue actions.
TODAY = dt.date(2017, 11, 15)


@pytest.fixture(scope="module")
def demo_pdf(demo_template: Path) -> tuple[bytes, list[ActionRow]]:
    workspace = open_workspace(demo_template)
    data = action_tracker_for_print(workspace=workspace, today=TODAY)
    rows = list_action_rows(workspace=workspace, today=TODAY)
    return render_action_tracker(data, council=COUNCIL), list(rows)


@needs_poppler
def test_demo_tracker_is_landscape_and_opens_with_counts(
    demo_pdf: tuple[bytes, list[ActionRow]],
) -> None:
    pdf, rows = demo_pdf
    for page in reader(pdf).pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    text = pdftotext(pdf, "-raw")
    first = text.split("\f")[0]
    assert TITLE in first
    counts = {rag: sum(row.rag is rag for row in rows) for rag in RATING_ORDER}
    assert sum(counts.values()) == len(rows)
    header = " ".join(rating_words(rag) for rag in RATING_ORDER) + " Overdue Total"
    assert header in first
    overdue = sum(row.overdue for row in rows)
    totals = " ".join(str(counts[rag]) for rag in RATING_ORDER)
    assert f"All plans {totals} {overdue} {len(rows)}" in first
    # The summary comes before any plan's actions.
    assert first.index("Summary by rating") < len(first)
    assert "Ref Action and lead" not in first


@needs_poppler
def test_demo_tracker_lists_every_action_grouped_in_order(
    demo_pdf: tuple[bytes, list[ActionRow]],
) -> None:
    pdf, rows = demo_pdf
    text = pdftotext(pdf, "-raw")
    expected: list[str] = []
    plan = area = None
    for row in rows:
        if row.plan != plan:
            plan, area = row.plan, None
            expected.append(row.plan)
        if row.priority_area != area:
            area = row.priority_area
            expected.append(row.priority_area or "No priority area")
        expected.append(f"{row.ref} {row.description}")
    # The charts also print plan names and refs; compare the tables' part.
    tables = text[text.index("Ref Action and lead") - 200 :]
    assert_in_order(text, expected[:1])
    assert_in_order(tables, [e for e in expected if e not in {r.plan for r in rows}][:3])
    for row in rows:
        pattern = rf"{re.escape(row.ref)}\s+{re.escape(row.description.split()[0])}"
        assert re.search(pattern, text), row.ref
    kinds = {(row.status, row.rag) for row in rows}
    for status, rag in kinds:
        assert status_words(status) in text
        assert rating_words(rag) in text
    assert "■ Complete" in text
    assert "▲ Off track" in text
    assert text.count(OVERDUE) >= sum(row.overdue for row in rows)
    for row in rows:
        if row.latest_update and row.latest_update_at is not None:
            byline = f"{short_date(row.latest_update_at.date())} — {row.latest_update_by}"
            assert_in_order(text, [row.latest_update, byline])
    assert NO_UPDATE in text


def test_demo_tracker_outline_has_plans_and_areas(demo_pdf: tuple[bytes, list[ActionRow]]) -> None:
    pdf, rows = demo_pdf
    titles = [title for _level, title, _page in outline(pdf)]
    plans = list(dict.fromkeys(row.plan for row in rows))
    assert_in_order("\n".join(titles), ["Summary by rating", *plans])


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")
def test_timeline_chart_is_vector_with_text(demo_pdf: tuple[bytes, list[ActionRow]]) -> None:
    pdf, _rows = demo_pdf
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tracker.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(
            ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
        ).stdout
    assert len(listing.strip().splitlines()) == 2, listing  # the header lines only
    text = pdftotext(pdf, "-raw")
    # The chart's title and lanes are text in the PDF.
    assert "12-Week Improvement Plan: " in text
    assert "Events" in text
    assert "Today, 15 Nov 2017" in text


def _action(**changes: object) -> ActionEntryData:
    base = ActionEntryData(
        ref="1.1",
        description="Do a thing",
        lead="Ann Lead",
        due_date=dt.date(2017, 10, 31),
        status=ActionStatus.ON_TRACK,
        rag=ActionRag.RED,
        overdue=True,
        progress=40,
        latest_update="Work continues.",
        latest_update_at=dt.datetime(2017, 10, 12, 9, 0, tzinfo=dt.UTC),
        latest_update_by="Bob Writer",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@needs_poppler
def test_hostile_text_prints_verbatim() -> None:
    hostile = (
        "Use <b>bold</b> & \"quotes\" 'too' — ≥ 95% for Łódź; https://example.org/" + "x" * 120
    )
    data = ActionTrackerData(
        plans=(
            PlanData(
                name="Plan <i>A</i> & B",
                areas=(
                    PriorityAreaData("Area <one>", (_action(latest_update=hostile),)),
                    PriorityAreaData("", (_action(ref="9.9", due_date=None, overdue=False),)),
                    PriorityAreaData("Empty area", ()),
                ),
            ),
            PlanData(name="Plan with nothing"),
        ),
        today=TODAY,
    )
    pdf = render_action_tracker(data, council=COUNCIL)
    text = pdftotext(pdf, "-raw")
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", hostile) in flat
    assert "Plan <i>A</i> & B" in text
    assert "Area <one>" in text
    assert "No priority area" in text
    assert "12 October 2017 — Bob Writer" in text
    assert OVERDUE in text
    assert "This plan has no actions yet." in text


@needs_poppler
def test_a_due_date_status_and_rating_each_stay_on_one_line(
    demo_pdf: tuple[bytes, list[ActionRow]],
) -> None:
    pdf, rows = demo_pdf
    lines = pdftotext(pdf, "-layout").splitlines()
    not_started = [row for row in rows if row.status is ActionStatus.NOT_STARTED and row.due_date]
    assert not_started  # the demo has one, whose longest words must not wrap
    for row in not_started:
        assert row.due_date is not None
        due = f"{row.due_date.day} {row.due_date:%b %Y}"
        start = f"{row.ref} {' '.join(row.description.split()[:2])}"  # refs repeat across plans
        line = next(line for line in lines if " ".join(line.split()).startswith(start))
        assert due in line
        assert line.count("○ Not started") == 2  # status and rating


@needs_poppler
def test_no_page_ends_with_a_priority_area_heading(
    demo_pdf: tuple[bytes, list[ActionRow]],
) -> None:
    pdf, rows = demo_pdf
    areas = {row.priority_area for row in rows if row.priority_area}
    for page in pdftotext(pdf, "-layout").split("\f"):
        body = [line.strip() for line in page.splitlines() if line.strip()]
        # The last lines are the footer; the one before it is the page's last content.
        content = [line for line in body if "as at" not in line]
        assert not content or content[-1] not in areas, content[-1]
