"""Printed minutes: the seed item and a meeting, read back and compared in order.

The seed item comes from the demo database through the minutes service, as
``qpmr-desktop print minutes`` will get it; everything else is built by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf.generic import NameObject

from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.printing.data import (
    AmendmentData,
    AttendeeData,
    CouncilInfo,
    DeclarationData,
    DocumentData,
    ItemMinutesData,
    MeetingInfo,
    MeetingMinutesData,
    PointData,
    PresenterData,
    ResolutionData,
    SectionData,
    item_minutes_data,
)
from qpmr_desktop.printing.document import DRAFT_WATERMARK, REPLACEMENT_CHARACTER, clean_text
from qpmr_desktop.printing.fonts import register_fonts
from qpmr_desktop.printing.minutes_document import (
    SAMPLE_NOTE,
    render_item_minutes,
    render_meeting_minutes,
)
from qpmr_desktop.services.minutes import get_item_minutes, list_agenda_items, list_meetings
from qpmr_desktop.services.workspace import open_workspace
from tests.conftest import REPO_ROOT
from tests.unit.printing import (
    assert_in_order,
    body_text,
    needs_poppler,
    outline,
    page_texts,
    pdffonts,
    pdftotext,
    reader,
)

COUNCIL = CouncilInfo(name="Lancashire County Council")
SEED_TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
TEXT_ORDER_CHECK = REPO_ROOT.parent / "shared" / "checks" / "text_order.py"

MEETING = MeetingInfo(
    committee="Cabinet Committee on Performance Improvement",
    date=dt.date(2017, 9, 12),
    start_time=dt.time(14, 0),
    venue="Cabinet Room 'C' – The Duke of Lancaster Room, County Hall, Preston",
    status=MinutesStatus.DRAFT,
)


def item(**changes: object) -> ItemMinutesData:
    """A small item, with ``changes`` applied."""
    base = ItemMinutesData(
        meeting=MEETING,
        number="5",
        title="A test item",
        presenters=(PresenterData("Ann Officer", "Head of Testing"),),
        sections=(
            SectionData(None, (PointData(PointKind.NOTED, "It was noted that a test ran."),)),
        ),
        resolutions=(ResolutionData("Resolved", "That the test be noted."),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def seed_paragraphs(seed_text: str) -> list[str]:
    """The seed's paragraphs as ``text_order.py`` reads them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", seed_text)]
    kept = [p for p in paragraphs if p and p not in ("Agenda item", "Supporting documents:")]
    return [p.removeprefix("Resolved:").strip() for p in kept]


def item_texts(minutes: ItemMinutesData) -> Iterator[str]:
    """Every text of an item, in the order the minutes print it."""
    yield minutes.title
    for presenter in minutes.presenters:
        yield presenter.name
        yield presenter.role
    for section in minutes.sections:
        if section.heading:
            yield section.heading
        for point in section.points:
            yield point.text
    for resolution in minutes.resolutions:
        yield resolution.text
        for label, text in resolution.parts:
            yield f"{label} {text}"
    for declaration in minutes.declarations:
        yield f"{declaration.member} declared"
        yield declaration.text
    for document in minutes.documents:
        yield document.title


# ------------------------------------------------------------------ from the demo database


@pytest.fixture
def demo_meeting(demo_path: Path) -> tuple[MeetingInfo, list[ItemMinutesData]]:
    workspace = open_workspace(demo_path)
    try:
        summary = next(m for m in list_meetings(workspace=workspace) if m.item_count)
        items = [
            item_minutes_data(get_item_minutes(workspace=workspace, item_id=agenda_item.id))
            for agenda_item in list_agenda_items(workspace=workspace, meeting_id=summary.id)
        ]
    finally:
        workspace.close()
    return items[0].meeting, items


@pytest.fixture
def seed_item(demo_meeting: tuple[MeetingInfo, list[ItemMinutesData]]) -> ItemMinutesData:
    return next(i for i in demo_meeting[1] if i.title == SEED_TITLE)


@pytest.fixture
def seed_pdf(seed_item: ItemMinutesData) -> bytes:
    return render_item_minutes(seed_item, council=COUNCIL)


def test_the_seed_item_prints_every_paragraph_in_order(seed_pdf: bytes, seed_text: str) -> None:
    paragraphs = seed_paragraphs(seed_text)
    assert len(paragraphs) == 25
    assert_in_order(body_text(seed_pdf), paragraphs)


@needs_poppler
def test_the_seed_item_passes_the_shared_text_order_check(
    seed_pdf: bytes, seed_text: str, tmp_path: Path
) -> None:
    if not TEXT_ORDER_CHECK.is_file():
        pytest.skip("the shared checks folder is not beside this checkout")
    layout = tmp_path / "minutes.txt"
    layout.write_text(pdftotext(seed_pdf, "-layout"), encoding="utf-8")
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(TEXT_ORDER_CHECK), str(layout), str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "paragraphs in order" in result.stdout


@needs_poppler
def test_the_seed_item_reads_back_in_order_with_pdftotext_raw(
    seed_pdf: bytes, seed_text: str
) -> None:
    assert_in_order(pdftotext(seed_pdf, "-raw"), seed_paragraphs(seed_text))


def test_the_seed_item_matches_the_database_in_order(
    seed_pdf: bytes, seed_item: ItemMinutesData
) -> None:
    assert len(seed_item.presenters) == 2
    assert_in_order(body_text(seed_pdf), item_texts(seed_item))


def test_the_seed_item_names_its_presenters_with_their_roles(seed_pdf: bytes) -> None:
    assert (
        "Presented by Donna Talbot, Head of Services Business Intelligence and "
        "Richard Cooke, Programme Manager"
    ) in " ".join(body_text(seed_pdf).split())


def test_point_kinds_are_not_printed(seed_pdf: bytes) -> None:
    lines = [line.strip() for page in page_texts(seed_pdf) for line in page.splitlines()]
    for kind in PointKind:
        assert kind.label not in lines
        assert f"{kind.label}:" not in " ".join(lines)


def test_the_seed_item_is_paged_outlined_and_described(
    seed_pdf: bytes, seed_item: ItemMinutesData
) -> None:
    texts = page_texts(seed_pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Lancashire County Council" in text
        assert "Cabinet Committee on Performance Improvement" in text
    assert [(level, title) for level, title, _ in outline(seed_pdf)] == [
        (0, f"4. {SEED_TITLE}"),
        (1, "Start Well"),
        (1, "Live Well"),
        (1, "Age Well"),
        (1, "Ofsted Post Inspection Update"),
    ]
    document = reader(seed_pdf)
    info = document.metadata
    assert info is not None
    assert info.title is not None
    assert SEED_TITLE in info.title
    assert info.author == "Lancashire County Council"
    assert info.subject == "Cabinet Committee on Performance Improvement, 12 September 2017"
    assert str(document.root_object["/Lang"]) == "en-GB"
    assert seed_item.meeting.status is MinutesStatus.DRAFT


@needs_poppler
def test_the_seed_item_embeds_every_font(seed_pdf: bytes) -> None:
    rows = pdffonts(seed_pdf)
    assert rows
    assert all(row.embedded for row in rows), rows
    assert all("DejaVuSans" in row.name for row in rows), rows


def test_resolved_is_bold_and_the_decision_follows_it(seed_pdf: bytes) -> None:
    fonts: dict[str, str] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if text.strip() and isinstance(font, dict):
            fonts.setdefault(text.strip(), str(font[NameObject("/BaseFont")]))

    for page in reader(seed_pdf).pages:
        page.extract_text(visitor_text=visit)
    assert fonts["Resolved:"].endswith("DejaVuSans-Bold")
    assert "Resolved: That the reported performance for Quarter 1" in " ".join(
        body_text(seed_pdf).split()
    )


# ------------------------------------------------------------------ draft and approved


@pytest.mark.parametrize("status", [MinutesStatus.DRAFT, MinutesStatus.CIRCULATED])
def test_unapproved_minutes_say_draft_on_every_page(status: MinutesStatus) -> None:
    points = tuple(PointData(PointKind.NOTED, f"Point {n} " + "text " * 60) for n in range(30))
    meeting = dataclasses.replace(MEETING, status=status)
    pdf = render_item_minutes(
        item(meeting=meeting, sections=(SectionData("Heading", points),)), council=COUNCIL
    )
    texts = page_texts(pdf)
    assert len(texts) > 1
    assert all(DRAFT_WATERMARK in text for text in texts)
    assert all("Draft minutes" in text for text in texts)


def test_approved_minutes_carry_no_draft_mark() -> None:
    meeting = dataclasses.replace(MEETING, status=MinutesStatus.APPROVED)
    pdf = render_item_minutes(item(meeting=meeting), council=COUNCIL)
    assert not any("DRAFT" in text or "Draft" in text for text in page_texts(pdf))


# ------------------------------------------------------------------ a meeting


@pytest.fixture
def meeting_minutes(
    demo_meeting: tuple[MeetingInfo, list[ItemMinutesData]],
) -> MeetingMinutesData:
    meeting, items = demo_meeting
    return MeetingMinutesData(
        meeting=meeting,
        items=tuple(items),
        present=(
            AttendeeData("County Councillor Graham Whitehead"),
            AttendeeData("County Councillor Eleanor Pennington", is_chair=True),
            AttendeeData("County Councillor Joan Brindle"),
        ),
        apologies=(AttendeeData("County Councillor Sandra Openshaw"),),
        substitutes=(
            AttendeeData("County Councillor Tariq Hussain", substitute_for="Sandra Openshaw"),
        ),
        officers=(
            AttendeeData("Donna Talbot", "Head of Services Business Intelligence"),
            AttendeeData("Richard Cooke", "Programme Manager"),
        ),
    )


def test_meeting_minutes_open_with_the_meeting_and_who_attended(
    meeting_minutes: MeetingMinutesData,
) -> None:
    pdf = render_meeting_minutes(meeting_minutes, council=COUNCIL)
    text = " ".join(body_text(pdf).split())
    assert_in_order(
        text,
        [
            (
                "Minutes of the meeting of the Cabinet Committee on Performance Improvement held "
                "on Tuesday, 12 September 2017, at 2.00 pm in Cabinet Room 'C' – The Duke of "
                "Lancaster Room, County Hall, Preston."
            ),
            "Present: County Councillor Eleanor Pennington (Chair)",
            "County Councillor Graham Whitehead",
            "County Councillor Joan Brindle",
            "Apologies: County Councillor Sandra Openshaw",
            "Substitutes: County Councillor Tariq Hussain (for Sandra Openshaw)",
            "Officers in attendance: Donna Talbot, Head of Services Business Intelligence",
            "Richard Cooke, Programme Manager",
        ],
    )


def test_meeting_minutes_print_every_item_in_order_then_the_signature(
    meeting_minutes: MeetingMinutesData, seed_text: str
) -> None:
    pdf = render_meeting_minutes(meeting_minutes, council=COUNCIL)
    text = body_text(pdf)
    expected: list[str] = []
    for minutes in meeting_minutes.items:
        expected.extend(item_texts(minutes))
    expected.extend(["Chair", "Date"])
    assert_in_order(text, expected)
    assert_in_order(text, seed_paragraphs(seed_text))
    last_page = page_texts(pdf)[-1]
    assert re.search(r"Chair\s+Date", last_page)
    assert text.rstrip().endswith("Date")


def test_meeting_minutes_outline_the_meeting_its_items_and_sections(
    meeting_minutes: MeetingMinutesData,
) -> None:
    entries = outline(render_meeting_minutes(meeting_minutes, council=COUNCIL))
    assert entries[0][:2] == (0, "Cabinet Committee on Performance Improvement")
    item_titles = [title for level, title, _ in entries if level == 1]
    assert item_titles == [
        f"{i.number}. {i.title}" if i.number else i.title for i in meeting_minutes.items
    ]
    assert (2, "Start Well") in [(level, title) for level, title, _ in entries]


def test_sample_data_is_marked_as_such(meeting_minutes: MeetingMinutesData) -> None:
    pdf = render_meeting_minutes(meeting_minutes, council=COUNCIL)
    samples = sum(1 for i in meeting_minutes.items if i.is_sample)
    assert samples >= 1
    expected = samples + (1 if meeting_minutes.meeting.is_sample else 0)
    assert " ".join(body_text(pdf).split()).count(SAMPLE_NOTE) == expected
    seed_only = render_item_minutes(
        next(i for i in meeting_minutes.items if i.title == SEED_TITLE), council=COUNCIL
    )
    assert SAMPLE_NOTE not in body_text(seed_only)


def test_a_meeting_with_nothing_recorded_still_prints() -> None:
    pdf = render_meeting_minutes(MeetingMinutesData(meeting=MEETING, items=()), council=COUNCIL)
    text = " ".join(body_text(pdf).split())
    assert "Minutes of the meeting of the Cabinet Committee" in text
    assert "Present:" not in text
    assert re.search(r"Chair\s+Date", text)


# ------------------------------------------------------------------ resolutions


def test_a_resolution_of_thirty_parts_prints_every_part_in_order() -> None:
    parts = tuple(("", f"part number {n} that the committee agreed to") for n in range(1, 31))
    resolution = ResolutionData("Resolved", "That the Committee:", parts)
    pdf = render_item_minutes(item(resolutions=(resolution,)), council=COUNCIL)
    numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
    labels = [f"({n})" for n in numerals]
    labels += [f"(x{n})" for n in numerals]
    labels += [f"(xx{n})" for n in numerals]
    expected = ["Resolved: That the Committee:"] + [
        f"{label} part number {n} that the committee agreed to"
        for n, label in enumerate(labels, start=1)
    ]
    assert_in_order(body_text(pdf), expected)
    assert len(reader(pdf).pages) >= 2


def test_several_resolutions_keep_their_labels_and_given_part_labels() -> None:
    resolutions = (
        ResolutionData("Resolved (i)", "That the report be noted."),
        ResolutionData("Resolved (ii)", "That:", (("(a)", "one thing"), ("(b)", "another"))),
    )
    pdf = render_item_minutes(item(resolutions=resolutions), council=COUNCIL)
    assert_in_order(
        body_text(pdf),
        [
            "Resolved (i): That the report be noted.",
            "Resolved (ii): That:",
            "(a) one thing",
            "(b) another",
        ],
    )


# ------------------------------------------------------------------ robustness


HOSTILE = "Fish & chips <b>not bold</b> \"quoted\" 'single' < > &amp; &lt;"


def test_hostile_text_prints_verbatim_everywhere() -> None:
    minutes = item(
        number="7",
        title=f"Title {HOSTILE}",
        presenters=(
            PresenterData("Σωκράτης Παπαδόπουλος", "Director, Finance & <Resources>"),
            PresenterData("Анна Петрова", ""),
        ),
        sections=(
            SectionData(f"Heading {HOSTILE}", (PointData(PointKind.NOTED, f"Point {HOSTILE}"),)),
        ),
        resolutions=(
            ResolutionData("Resolved", f"That {HOSTILE}", (("(i)", HOSTILE), ("<a&'b'>", "x"))),
        ),
        declarations=(DeclarationData("Cllr <O'Brien>", "other registrable", HOSTILE),),
        documents=(DocumentData(f"Report {HOSTILE}", None, "https://example.org/?a=1&b=<2>"),),
        amendments=(
            AmendmentData(f"Changed {HOSTILE}", "Clerk & Co", dt.date(2017, 10, 1), HOSTILE),
        ),
    )
    pdf = render_item_minutes(minutes, council=CouncilInfo("Council of <Tests> & Co"))
    text = " ".join(body_text(pdf).split())
    assert_in_order(
        text,
        [
            f"7. Title {HOSTILE}",
            "Presented by Σωκράτης Παπαδόπουλος, Director, Finance & <Resources> and Анна Петрова",
            f"Heading {HOSTILE}",
            f"Point {HOSTILE}",
            f"Resolved: That {HOSTILE}",
            f"(i) {HOSTILE}",
            "<a&'b'> x",
            f"Cllr <O'Brien> declared an other registrable interest: {HOSTILE}",
            f"Report {HOSTILE}",
            "https://example.org/?a=1&b=<2>",
            f"Changed {HOSTILE}",
            f"Amended by Clerk & Co on 1 October 2017. Reason: {HOSTILE}",
        ],
    )
    assert "Council of <Tests> & Co" in page_texts(pdf)[0]
    assert reader(pdf).metadata.author == "Council of <Tests> & Co"  # type: ignore[union-attr]


def test_emoji_print_as_the_font_allows_and_the_text_around_them_survives() -> None:
    point = "Before 😀 then ✓ and ❤ then 👨‍👩‍👧 after."
    pdf = render_item_minutes(
        item(sections=(SectionData(None, (PointData(PointKind.OTHER, point),)),)), council=COUNCIL
    )
    text = body_text(pdf)
    # The tick and the heart are DejaVu glyphs; emoji beyond the BMP print as "�".
    assert f"Before {REPLACEMENT_CHARACTER} then ✓ and ❤ then" in text
    assert "after." in text


def test_supporting_documents_link_only_web_addresses_and_never_print_file_paths() -> None:
    documents = (
        DocumentData("The report", "/home/clerk/secret/report.pdf", None),
        DocumentData("Online", None, "https://example.org/report"),
        DocumentData("Script", None, "javascript:alert(1)"),
    )
    pdf = render_item_minutes(item(documents=documents), council=COUNCIL)
    text = body_text(pdf)
    assert_in_order(text, ["Supporting documents", "The report", "Online", "Script"])
    assert "/home/clerk" not in text
    assert "javascript:alert(1)" in text
    uris = [
        str(annotation.get_object()["/A"]["/URI"])
        for page in reader(pdf).pages
        for annotation in page.get("/Annots", [])
    ]
    assert uris == ["https://example.org/report"]


def test_amendments_after_approval_are_listed_at_the_end_of_the_item() -> None:
    meeting = dataclasses.replace(MEETING, status=MinutesStatus.APPROVED)
    amendment = AmendmentData(
        "Paragraph 2: '1,857' corrected to '1,875'",
        "Jane Clerk",
        dt.datetime(2017, 10, 3, 9, 30, tzinfo=dt.UTC),
        "A typing error",
    )
    pdf = render_item_minutes(item(meeting=meeting, amendments=(amendment,)), council=COUNCIL)
    assert_in_order(
        body_text(pdf),
        [
            "Resolved: That the test be noted.",
            "Amendments after approval",
            "Paragraph 2: '1,857' corrected to '1,875'",
            "Amended by Jane Clerk on 3 October 2017. Reason: A typing error",
        ],
    )


def test_empty_sections_and_an_empty_item_print() -> None:
    sections = (
        SectionData("An empty section", ()),
        SectionData(None, ()),
        SectionData("", (PointData(PointKind.OTHER, "   "),)),
        SectionData("Last", (PointData(PointKind.OTHER, "The only words."),)),
    )
    pdf = render_item_minutes(item(sections=sections, resolutions=()), council=COUNCIL)
    assert_in_order(body_text(pdf), ["An empty section", "Last", "The only words."])
    bare = ItemMinutesData(meeting=MEETING, number="", title="")
    assert len(reader(render_item_minutes(bare, council=COUNCIL)).pages) == 1


def test_a_500_paragraph_item_prints_every_paragraph_in_order() -> None:
    points = tuple(
        PointData(PointKind.REPORTED, f"Paragraph {n:03d}: it was reported that " + "words " * 25)
        for n in range(500)
    )
    minutes = item(sections=(SectionData("Many", points[:250]), SectionData("More", points[250:])))
    pdf = render_item_minutes(minutes, council=COUNCIL)
    texts = page_texts(pdf)
    assert len(texts) > 30
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    assert_in_order(body_text(pdf), [p.text for p in points] + ["Resolved: That the test"])


def test_a_section_heading_taller_than_a_page_as_the_last_thing_prints() -> None:
    # ReportLab loops for ever on a keep-with-next flowable taller than a page
    # at the end of a story; the document guards against it.
    minutes = item(sections=(SectionData("A pasted heading " * 400, ()),), resolutions=())
    assert len(reader(render_item_minutes(minutes, council=COUNCIL)).pages) > 1


# ------------------------------------------------------------------ random text

_ALPHABET = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "<>&\"';:,.!?()[]{}/\\-–—£€%@#*+=_~^|"
    "éèêëàâäçñöüßøåæœłŁńśźżčřšžőű"
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΩ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЖЯ"
)
_WORD = st.text(_ALPHABET, min_size=1, max_size=14)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=40).map(" ".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_PARAGRAPH,
    headings=st.lists(_PARAGRAPH, min_size=1, max_size=3),
    points=st.lists(_PARAGRAPH, min_size=1, max_size=12),
    resolution=_PARAGRAPH,
)
def test_random_text_comes_back_word_for_word_in_order(
    title: str, headings: list[str], points: list[str], resolution: str
) -> None:
    sections = tuple(
        SectionData(heading, tuple(PointData(PointKind.OTHER, p) for p in points))
        for heading in headings
    )
    minutes = item(
        title=title, sections=sections, resolutions=(ResolutionData("Resolved", resolution),)
    )
    pdf = render_item_minutes(minutes, council=COUNCIL)
    expected = [title]
    for heading in headings:
        expected.append(heading)
        expected.extend(points)
    expected.append(f"Resolved: {resolution}")
    assert_in_order(body_text(pdf), expected)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_any_text_at_all_prints_without_error(text: str) -> None:
    point = f"START {text} END"
    pdf = render_item_minutes(
        item(
            title=text,
            sections=(SectionData(text, (PointData(PointKind.OTHER, point),)),),
            declarations=(DeclarationData(text, text, text),),
            documents=(DocumentData(text, text, text),),
        ),
        council=CouncilInfo(text or "Council"),
    )
    # The point is set in the regular face: what it lacks comes back as "�".
    # A soft hyphen is where a word may break: drawn (as "-") only if it does.
    regular = register_fonts().coverage("DejaVuSans")
    assert_in_order(body_text(pdf), [clean_text(point, regular).replace("\xad", "")])


# ------------------------------------------------------------------ the adapter


def test_item_minutes_data_maps_the_read_model_field_for_field(demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    try:
        summary = next(m for m in list_meetings(workspace=workspace) if m.item_count)
        agenda_item = list_agenda_items(workspace=workspace, meeting_id=summary.id)[-1]
        source = get_item_minutes(workspace=workspace, item_id=agenda_item.id)
    finally:
        workspace.close()
    data = item_minutes_data(source)
    assert (data.number, data.title, data.is_sample) == (
        source.number,
        source.title,
        source.is_sample,
    )
    assert data.meeting.committee == source.meeting.committee
    assert data.meeting.date == source.meeting.date
    assert data.meeting.status is source.meeting.status
    assert [(p.name, p.role) for p in data.presenters] == [
        (p.name, p.role) for p in source.presenters
    ]
    assert [(s.heading, [(p.kind, p.text) for p in s.points]) for s in data.sections] == [
        (s.heading, [(p.kind, p.text) for p in s.points]) for s in source.sections
    ]
    assert [(r.label, r.text, r.parts) for r in data.resolutions] == [
        (r.label, r.text, r.parts) for r in source.resolutions
    ]
    assert len(data.declarations) == len(source.declarations)
    assert len(data.documents) == len(source.documents)
    assert data.amendments == ()
