"""The quarterly performance report printed from the demo database, read back."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.printing.performance_data import PerformanceReportData
from qpmr_desktop.printing.performance_report import render_performance_report
from qpmr_desktop.services.indicators import list_indicator_rows
from qpmr_desktop.services.papers import council_info, performance_report_for_print
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.workspace import open_workspace

PERIOD = "Q1 2017/18"


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[PerformanceReportData, list[IndicatorRow], Path]:
    from qpmr_desktop.services.demo import build_demo_database

    folder = tmp_path_factory.mktemp("performance")
    database = folder / "demo.qpmr"
    build_demo_database(database)
    workspace = open_workspace(database)
    try:
        report = performance_report_for_print(workspace=workspace, period=Quarter.parse(PERIOD))
        rows = list_indicator_rows(workspace=workspace)
        council = council_info(workspace=workspace)
    finally:
        workspace.close()
    pdf = folder / "report.pdf"
    pdf.write_bytes(render_performance_report(report, council=council))
    return report, rows, pdf


def raw_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def flat_text(pdf: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)


def test_the_report_opens_with_a_cover_contents_key_and_summary(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    _, _, pdf = demo
    text = flat_text(pdf)
    assert "Quarterly performance report" in text
    assert PERIOD in text
    assert "Contains sample data" in text
    order = [
        "Contents",
        "Key to symbols",
        "Summary",
        "Start Well",
        "Live Well",
        "Age Well",
        "Exceptions",
    ]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    for word in (
        "● Green",
        "◆ Amber",
        "▲ Red",
        "○ Data only",
        "○ No data",
        "↑ Improving",
        "↓ Worsening",
    ):
        assert word in text
    for symbol in ("Not available", "Confidential", "Provisional", "Estimated"):
        assert symbol in text


def test_the_contents_gives_the_page_each_section_starts_on(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    _, _, pdf = demo
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]
    contents = pages[1]
    for title in ("Key to symbols", "Summary", "Start Well", "Exceptions"):
        match = re.search(rf"{title} (\d+)", contents)
        assert match is not None, title
        page = int(match.group(1))
        assert title in pages[page - 1]


def test_the_summary_counts_match_the_scorecard(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    report, rows, pdf = demo
    assert all(row.latest_period == PERIOD for row in rows)  # the demo's latest quarter
    text = raw_text(pdf)
    summary = text[text.index("Summary\n") :]
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.DATA_ONLY, Rag.NO_DATA):
        count = sum(row.rag is rag for row in rows)
        assert f"{rag.symbol} {rag.label} {count}\n" in summary
    for direction in Direction:
        previous = sum(row.direction is direction for row in rows)
        last_year = sum(row.direction_last_year is direction for row in rows)
        assert f"{direction.label} {previous} {last_year}\n" in summary
    assert f"Total {len(rows)}\n" in summary
    assert [indicator.ref for indicator in report.indicators] == [row.ref for row in rows]


def test_every_indicator_prints_in_theme_order_with_its_figures(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    _, rows, pdf = demo
    text = flat_text(pdf)
    start = text.index("Start Well", text.index("Summary"))
    panels = text[start : text.rindex("Exceptions")]
    positions = [panels.index(row.ref) for row in rows]
    assert positions == sorted(positions)
    assert "1,875" in panels
    cla = next(row for row in rows if row.ref == "CLA-01")
    assert cla.rag_reason in panels
    assert "Sample data" in panels


def test_the_exceptions_list_the_red_indicators_with_their_commentary(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    report, rows, pdf = demo
    text = flat_text(pdf)
    exceptions = text[text.rindex("Exceptions") :]
    for row in rows:
        if row.rag is Rag.RED:
            assert row.ref in exceptions
    cla = next(i for i in report.indicators if i.ref == "CLA-01")
    assert " ".join(cla.commentary.split()) in exceptions


def test_charts_are_vectors_with_text_and_every_font_is_embedded(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    _, _, pdf = demo
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert len(images) == 2, images  # the two header lines only: no image at all
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    # The chart's active title is text in the PDF.
    assert "1,875 in Q1 2017/18" in flat_text(pdf)


def test_indicator_panels_print_two_to_a_page(
    demo: tuple[PerformanceReportData, list[IndicatorRow], Path],
) -> None:
    report, _, pdf = demo
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]
    # Every panel, and only a panel, has a "Reason:" line.
    per_page = [page.count("Reason: ") for page in pages]
    assert sum(per_page) == len(report.indicators)
    assert max(per_page) == 2
    # Each theme starts on a fresh page under its table, where one panel may fit:
    # at most ceil(n / 2) + 1 pages of panels a theme, fewer than one a panel.
    pages_with_panels = sum(1 for count in per_page if count)
    assert pages_with_panels <= sum((len(t.indicators) + 1) // 2 + 1 for t in report.themes)
    assert pages_with_panels < len(report.indicators)
    # The figures stand beside the chart, on the panel's page.
    first = report.indicators[0]
    page = next(page for page in pages if f"Reason: {first.rag_reason}"[:40] in page)
    assert first.period_label in page
    assert "Target" in page
