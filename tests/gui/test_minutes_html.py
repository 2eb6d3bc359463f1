"""The Minutes tab's rich text: hostile text shows verbatim, and the minutes read as minutes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QTextDocument

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PointId, ResolutionId, SectionId
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    DeclarationView,
    DocumentView,
    ItemMinutes,
    PointView,
    Presenter,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.ui.minutes_html import (
    SAMPLE_NOTICE,
    item_minutes_html,
    meeting_context_html,
    meeting_overview_html,
    presented_by,
)
from tests.gui.conftest import SEED_MEETING, make_item_minutes

HOSTILE = '<b>&"😀 Żółć Ωμέγα'
SEED_ITEM = AgendaItemSummary(
    AgendaItemId(4),
    MeetingId(10),
    "4",
    "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18",
)


def plain(html_text: str) -> str:
    document = QTextDocument()
    document.setHtml(html_text)
    return document.toPlainText()


def hostile_minutes() -> ItemMinutes:
    return ItemMinutes(
        id=AgendaItemId(1),
        meeting=replace(SEED_MEETING, committee=f"Committee {HOSTILE}", venue=HOSTILE),
        number="7",
        title=f"Title {HOSTILE}",
        presenters=(Presenter(f"Name {HOSTILE}", f"Role {HOSTILE}"),),
        sections=(
            SectionView(
                id=SectionId(1),
                heading=f"Heading {HOSTILE}",
                points=(PointView(PointId(1), PointKind.NOTED, f"Point {HOSTILE}"),),
            ),
        ),
        resolutions=(
            ResolutionView(
                ResolutionId(1),
                "Resolved",
                f"That {HOSTILE}",
                (("(i)", f"That part {HOSTILE}"),),
            ),
        ),
        declarations=(DeclarationView(f"Member {HOSTILE}", "other registrable", HOSTILE),),
        documents=(
            DocumentView(f"Paper {HOSTILE}", None, 'javascript:alert("x")'),
            DocumentView("Link", None, f'https://example.org/?q="{HOSTILE}"'),
        ),
    )


def test_hostile_text_in_the_read_view_shows_verbatim() -> None:
    minutes = hostile_minutes()
    html_text = item_minutes_html(minutes)
    text = plain(html_text)
    for expected in (
        f"7. Title {HOSTILE}",
        f"Presented by Name {HOSTILE}, Role {HOSTILE}",
        f"Heading {HOSTILE}",
        f"Point {HOSTILE}",
        f"Resolved: That {HOSTILE}",
        f"That part {HOSTILE}",
    ):
        assert expected in text
    assert "<b>&" not in html_text  # escaped, never markup


def test_hostile_text_in_the_context_panel_shows_verbatim() -> None:
    minutes = hostile_minutes()
    html_text = meeting_context_html(minutes.meeting, minutes)
    text = plain(html_text)
    assert f"Committee {HOSTILE}" in text
    assert HOSTILE in text
    assert f"Member {HOSTILE} (other registrable): {HOSTILE}" in text
    assert f"Paper {HOSTILE}" in text
    assert "javascript:" not in html_text  # only web links become links
    assert "https://example.org/?q=&quot;&lt;b&gt;&amp;&quot;" in html_text


def test_hostile_text_in_the_meeting_overview_shows_verbatim() -> None:
    meeting = replace(SEED_MEETING, committee=HOSTILE, venue=HOSTILE)
    items = [AgendaItemSummary(AgendaItemId(1), meeting.id, "1", HOSTILE)]
    text = plain(meeting_overview_html(meeting, items))
    assert f"Minutes of the meeting of the {HOSTILE} held on" in text
    assert f"1. {HOSTILE}" in text


def test_the_read_view_reads_like_the_minutes() -> None:
    text = plain(item_minutes_html(make_item_minutes(SEED_ITEM)))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "4. Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
    assert " ".join(lines[1].replace("\xa0", " ").split()) == (
        "DRAFT Cabinet Committee on Performance Improvement, Tuesday 19 September 2017"
    )
    assert lines[2] == (
        "Presented by Donna Talbot, Head of Services Business Intelligence, "
        "and Richard Cooke, Programme Manager"
    )
    assert lines[3].startswith("PRESENTED")
    assert "A report was presented by Donna Talbot" in lines[3]
    assert lines[4] == "Start Well"
    assert lines[5].startswith("NOTED")
    assert lines[-1] == "Resolved: That the reported performance for Quarter 1 be noted."


def test_resolutions_are_boxed_and_bold() -> None:
    html_text = item_minutes_html(make_item_minutes(SEED_ITEM))
    assert '<table width="100%"' in html_text
    assert "<b>Resolved:</b>" in html_text


def test_an_item_with_nothing_minuted_says_so() -> None:
    minutes = replace(make_item_minutes(SEED_ITEM), sections=(), resolutions=(), presenters=())
    assert "Nothing has been minuted for this item yet." in plain(item_minutes_html(minutes))


def test_presented_by_joins_names_and_roles() -> None:
    assert presented_by(()) == ""
    assert presented_by((Presenter("A", "Chief"),)) == "Presented by A, Chief"
    assert presented_by((Presenter("A", ""), Presenter("B", ""))) == "Presented by A and B"
    assert presented_by((Presenter("A", "X"), Presenter("B", "Y"), Presenter("C", "Z"))) == (
        "Presented by A, X; B, Y; and C, Z"
    )


def test_the_context_panel_shows_the_meeting_and_its_lifecycle() -> None:
    minutes = make_item_minutes(SEED_ITEM)
    text = plain(meeting_context_html(SEED_MEETING, minutes))
    assert "Tuesday 19 September 2017" in text
    assert "10:00" in text
    assert "Cabinet Room 'C', County Hall, Preston" in text
    assert "DRAFT ▸ circulated ▸ approved" in " ".join(text.replace("\xa0", " ").split())
    assert "County Councillor A (none)" in text
    approved = replace(SEED_MEETING, status=MinutesStatus.APPROVED)
    assert "APPROVED" in plain(meeting_context_html(approved))


def test_sample_minutes_say_so_and_published_minutes_do_not() -> None:
    published = make_item_minutes(SEED_ITEM)
    invented = replace(published, is_sample=True)

    assert SAMPLE_NOTICE not in plain(item_minutes_html(published))
    assert SAMPLE_NOTICE in plain(item_minutes_html(invented))
