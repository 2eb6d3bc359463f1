"""Taking in published minutes: the seed exactly, varied examples exactly, and nothing lost.

The examples in ``minutes_examples/`` are written in the style of real
published minutes of different councils (ModernGov pages, text pulled out of
PDFs); each ``.txt`` has beside it the ``.json`` it must parse to — the shape
``import-minutes --json`` prints, plus ``item_number``. The properties at the
end build many inputs out of paragraphs, headings, resolutions, lists, chrome
and hard wraps, and check that the parser never raises and drops nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.domain.minutes_parsing import (
    ParsedMinutes,
    ParsedPresenter,
    ParsedResolution,
    classify_point,
    find_presenters,
    parse_published_minutes,
    split_part_label,
    unplaced_paragraphs,
)

EXAMPLES = Path(__file__).parent / "minutes_examples"
SEED_CHECK = Path(__file__).resolve().parents[4] / "shared" / "checks" / "seed_parse.py"

SEED_TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
SEED_RESOLUTION = (
    "That the reported performance for Quarter 1 and the Ofsted post inspection update "
    "information and comments be noted."
)
# Each section of the seed as parsed: its heading and its points' kinds, in
# order. The kinds are the demo's (resources/demo/README.md). The parser
# files "Highlights were provided…" under Age Well, where the text puts it:
# only a reader can tell that it is about other directorates, as the demo's
# heading-less section says.
SEED_SECTIONS: list[tuple[str | None, list[str]]] = [
    (None, ["presented"]),
    ("Start Well", ["noted", "reported", "noted"]),
    ("Live Well", ["reported", "noted"]),
    ("Age Well", ["discussion", "noted", "noted", "reported"]),
    (
        "Ofsted Post Inspection Update",
        [
            *("presented", "reported", "reported", "reported", "noted"),
            *("reported", "noted", "reported", "reported"),
        ],
    ),
]


def squash(text: str) -> str:
    return "".join(text.split())


# ------------------------------------------------------------------ the seed


def test_seed_parses_exactly(seed_text: str) -> None:
    parsed = parse_published_minutes(seed_text)

    assert parsed.title == SEED_TITLE
    assert parsed.item_number is None
    assert parsed.presenters == (
        ParsedPresenter("Donna Talbot", "Head of Services Business Intelligence"),
        ParsedPresenter("Richard Cooke", "Programme Manager"),
    )
    assert [
        (section.heading, [point.kind.value for point in section.points])
        for section in parsed.sections
    ] == SEED_SECTIONS
    assert len(parsed.points) == 19
    assert parsed.resolutions == (ParsedResolution("Resolved", SEED_RESOLUTION, ()),)
    # "Supporting documents:" has nothing after it in the seed.
    assert parsed.supporting_documents == ()
    assert unplaced_paragraphs(seed_text, parsed) == ()


def test_seed_points_are_its_paragraphs_word_for_word(seed_text: str) -> None:
    """Every paragraph of the seed between the title and the resolution, folded, in order."""
    paragraphs = [" ".join(each.split()) for each in seed_text.split("\n\n") if each.strip()]
    headings = {"Start Well", "Live Well", "Age Well", "Ofsted Post Inspection Update"}
    body = paragraphs[paragraphs.index(SEED_TITLE) + 1 : -2]  # less the resolution and label
    expected = [each for each in body if each not in headings]

    parsed = parse_published_minutes(seed_text)

    assert [point.text for point in parsed.points] == expected


@pytest.mark.skipif(
    not SEED_CHECK.is_file(), reason="the shared checks are not beside the checkout"
)
def test_seed_passes_the_external_check(seed_text: str, tmp_path: Path) -> None:
    output = tmp_path / "seed.json"
    parsed = parse_published_minutes(seed_text)
    output.write_text(json.dumps(parsed.to_json_dict(), ensure_ascii=False), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(SEED_CHECK), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "seed parse exact"


def test_json_shape_is_the_issue_s(seed_text: str) -> None:
    data: dict[str, Any] = parse_published_minutes(seed_text).to_json_dict()

    assert list(data) == ["title", "presenters", "sections", "resolutions", "supporting_documents"]
    assert all(list(each) == ["name", "role"] for each in data["presenters"])
    for section in data["sections"]:
        assert list(section) == ["heading", "points"]
        assert all(list(point) == ["kind", "text"] for point in section["points"])
        assert all(isinstance(point["kind"], str) for point in section["points"])
    assert all(list(each) == ["label", "text", "parts"] for each in data["resolutions"])
    assert json.loads(json.dumps(data)) == data


# ------------------------------------------------------------------ the examples


def example_names() -> list[str]:
    return sorted(path.stem for path in EXAMPLES.glob("*.txt"))


def test_there_are_at_least_twelve_examples() -> None:
    assert len(example_names()) >= 12
    assert all((EXAMPLES / f"{name}.json").is_file() for name in example_names())


@pytest.mark.parametrize("name", example_names())
def test_example_parses_exactly(name: str) -> None:
    text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))

    parsed = parse_published_minutes(text)

    assert {**parsed.to_json_dict(), "item_number": parsed.item_number} == expected
    assert unplaced_paragraphs(text, parsed) == ()


WINDOWS_TEXT = (
    "Agenda item\r\n"
    "\r\n"
    "5.\u00a0\u00a0Housing Revenue Account Business Plan\u00a0PDF 1 MB\r\n"
    " \t \r\n"
    "Minutes:\r\n"
    "\u00a0\r\n"
    "Kwame Mensah,\u00a0Head of Housing Finance, presented the\r\n"
    "business plan.\u00a0 It was noted that rents would rise by CPI\u00a0+\u00a01%.\r\n"
    "\t\r\n"
    "\x0c\r\n"
    "Members welcomed the plan \u2013 \u201cat last\u201d \u2013 and asked about\r\n"
    "void turnaround times.\r\n"
    "\r\n"
    "RESOLVED \u2013 That the business plan be recommended to Council.\r\n"
)


def test_windows_line_endings_no_break_spaces_and_tabs() -> None:
    parsed = parse_published_minutes(WINDOWS_TEXT)

    assert parsed.title == "Housing Revenue Account Business Plan"
    assert parsed.item_number == "5"
    assert parsed.presenters == (ParsedPresenter("Kwame Mensah", "Head of Housing Finance"),)
    assert [(point.kind, point.text) for point in parsed.points] == [
        (
            PointKind.PRESENTED,
            (
                "Kwame Mensah, Head of Housing Finance, presented the business plan. "
                "It was noted that rents would rise by CPI + 1%."
            ),
        ),
        (
            PointKind.DISCUSSION,
            (
                "Members welcomed the plan \u2013 \u201cat last\u201d \u2013 and asked about void "
                "turnaround times."
            ),
        ),
    ]
    assert parsed.resolutions == (
        ParsedResolution("Resolved", "That the business plan be recommended to Council.", ()),
    )
    assert unplaced_paragraphs(WINDOWS_TEXT, parsed) == ()


# ------------------------------------------------------------------ rules one at a time


@pytest.mark.parametrize(
    "line",
    [
        "The report was noted",  # a sentence without its full stop
        "It was noted that costs had risen",
        "Members asked about the timetable",
        "The Committee agreed",
        "This had been addressed",
        "There would be a review",
        "Councillor Smith asked about libraries",
        "Start Well.",
        "Matters arising:",
        "the level of fly-tipping",
    ],
)
def test_a_sentence_is_never_a_heading(line: str) -> None:
    text = f"Title\n\n{line}\n\nIt was reported that the figures had improved.\n"

    parsed = parse_published_minutes(text)

    assert [section.heading for section in parsed.sections] == [None]
    assert parsed.points[0].text == line


@pytest.mark.parametrize(
    "line", ["Start Well", "Ofsted Post Inspection Update", "Children’s Services", "2019/20 Budget"]
)
def test_a_short_line_followed_by_a_paragraph_is_a_heading(line: str) -> None:
    text = f"Title\n\n{line}\n\nIt was reported that the figures had improved.\n"

    parsed = parse_published_minutes(text)

    assert [section.heading for section in parsed.sections] == [line]


def test_a_heading_needs_a_paragraph_after_it() -> None:
    text = (
        "Title\n\nIt was noted.\n\nRecommendations\n\n"
        "Resolved: That the report be noted.\n\nChair\n"
    )

    parsed = parse_published_minutes(text)

    assert [section.heading for section in parsed.sections] == [None]
    assert [(point.kind, point.text) for point in parsed.points] == [
        (PointKind.NOTED, "It was noted."),
        (PointKind.OTHER, "Recommendations"),
        (PointKind.OTHER, "Chair"),
    ]


def test_two_heading_lines_in_a_row_are_both_headings() -> None:
    text = "Title\n\nChildren\n\nStart Well\n\nIt was noted that numbers rose.\n"

    parsed = parse_published_minutes(text)

    assert [(section.heading, len(section.points)) for section in parsed.sections] == [
        ("Children", 0),
        ("Start Well", 1),
    ]


def test_text_without_a_title_line_has_no_title() -> None:
    parsed = parse_published_minutes("Minutes:\n\nIt was noted that the plan had been agreed.\n")

    assert parsed.title is None
    assert [point.text for point in parsed.points] == [
        "It was noted that the plan had been agreed."
    ]


def test_a_page_break_in_mid_sentence_continues_the_paragraph() -> None:
    text = (
        "Title\n\nThe Committee noted that the\n\n\x0c\n12\n\nPage 4 of 9\n\n"
        "figures had been revised.\n\nResolved: That the\n\n13\n\nreport be noted.\n"
    )

    parsed = parse_published_minutes(text)

    assert [point.text for point in parsed.points] == [
        "The Committee noted that the figures had been revised."
    ]
    assert parsed.resolutions == (ParsedResolution("Resolved", "That the report be noted.", ()),)


def test_a_number_within_a_paragraph_is_kept() -> None:
    """Only a number that is a paragraph of its own is a page number."""
    text = "Title\n\nThe contract would run for a period of\n12\nmonths.\n"

    parsed = parse_published_minutes(text)

    assert [point.text for point in parsed.points] == [
        "The contract would run for a period of 12 months."
    ]


def test_page_labels_inside_a_paragraph_are_text() -> None:
    text = "Title\n\nThe figures were set out on\nPage 12\nof the report.\n\nPage 13\n"

    parsed = parse_published_minutes(text)

    assert [point.text for point in parsed.points] == [
        "The figures were set out on Page 12 of the report."
    ]


def test_a_hyphen_at_a_wrap_joins_the_word() -> None:
    parsed = parse_published_minutes(
        "Title\n\nThe service was for 40-\n74 year olds and short-\nterm.\n"
    )

    assert parsed.points[0].text == "The service was for 40-74 year olds and short-term."


def test_a_dash_inside_a_sentence_is_not_a_bullet() -> None:
    text = "Title\n\nThe Chair thanked officers\n- and members - for their work.\n"

    parsed = parse_published_minutes(text)

    assert [point.text for point in parsed.points] == [
        "The Chair thanked officers - and members - for their work."
    ]


def test_numbers_alone_attach_to_what_follows() -> None:
    text = (
        "Title\n\n1.\n\nThe Committee noted the report.\n\nRESOLVED:\n\n(1)\n\n"
        "That the report be noted.\n\n(2)\n"
    )

    parsed = parse_published_minutes(text)

    assert [point.text for point in parsed.points] == ["1. The Committee noted the report."]
    assert parsed.points[0].kind is PointKind.NOTED
    assert parsed.resolutions == (
        ParsedResolution("Resolved", "", ("(1) That the report be noted.", "(2)")),
    )


@pytest.mark.parametrize(
    ("paragraph", "label", "text"),
    [
        ("Resolved: That the report be noted.", "Resolved", "That the report be noted."),
        ("RESOLVED – That the report be noted.", "Resolved", "That the report be noted."),
        ("Resolved - That the report be noted.", "Resolved", "That the report be noted."),
        ("RESOLVED:- That the report be noted.", "Resolved", "That the report be noted."),
        ("RESOLVED that the report be noted.", "Resolved", "that the report be noted."),
        ("RESOLVED To note the report.", "Resolved", "To note the report."),
        ("AGREED: That the report be noted.", "Agreed", "That the report be noted."),
        ("Agreed that the report be noted.", "Agreed", "that the report be noted."),
        ("Decision: That the report be noted.", "Decision", "That the report be noted."),
        ("AGREED", "Agreed", ""),
        (
            "The Committee RESOLVED that the report be noted.",
            "Resolved",
            "The Committee RESOLVED that the report be noted.",
        ),
    ],
)
def test_resolution_labels(paragraph: str, label: str, text: str) -> None:
    parsed = parse_published_minutes(f"Title\n\nIt was noted.\n\n{paragraph}\n")

    assert parsed.resolutions == (ParsedResolution(label, text, ()),)
    assert len(parsed.points) == 1


@pytest.mark.parametrize(
    "paragraph",
    [
        "The issue had been resolved satisfactorily.",
        "Agreed targets had been met in full.",
        "Decision making had been delegated to officers.",
        "Resolved issues were listed in the appendix.",
    ],
)
def test_resolution_words_inside_sentences_are_points(paragraph: str) -> None:
    parsed = parse_published_minutes(f"Title\n\n{paragraph}\n")

    assert parsed.resolutions == ()
    assert [point.text for point in parsed.points] == [paragraph]


@pytest.mark.parametrize(
    ("preamble", "parts"),
    [
        ("RESOLVED:-", ["(1) That the report be noted.", "(2) That the plan be approved."]),
        ("Resolved – That:", ["(i) the report be noted;", "(ii) the plan be approved."]),
        ("RESOLVED that", ["(a) the report be noted;", "(b) the plan be approved."]),
        ("Resolved:", ["1. That the report be noted.", "2. That the plan be approved."]),
        ("Resolved:", ["1) That the report be noted.", "2) That the plan be approved."]),
    ],
)
def test_numbered_parts_follow_a_preamble(preamble: str, parts: list[str]) -> None:
    on_lines = f"Title\n\n{preamble}\n" + "\n".join(parts) + "\n"
    in_paragraphs = f"Title\n\n{preamble}\n\n" + "\n\n".join(parts) + "\n"

    for text in (on_lines, in_paragraphs):
        parsed = parse_published_minutes(text)
        (resolution,) = parsed.resolutions
        assert list(resolution.parts) == parts
        assert parsed.points == ()


def test_a_numbered_paragraph_after_a_complete_resolution_is_a_point() -> None:
    text = "Title\n\nResolved: That the report be noted.\n\n(1) The meeting closed at 3pm.\n"

    parsed = parse_published_minutes(text)

    assert parsed.resolutions == (ParsedResolution("Resolved", "That the report be noted.", ()),)
    assert [point.text for point in parsed.points] == ["(1) The meeting closed at 3pm."]


def test_a_decision_repeating_a_resolution_is_one_resolution() -> None:
    before = (
        "Title\n\nDecision:\n\n(1) That the report be noted.\n(2) That the plan be approved.\n\n"
        "Minutes:\n\nIt was noted.\n\nRESOLVED –\n\n1. that the report be noted;\n"
        "2. that the plan be approved.\n"
    )
    after = "Title\n\nRESOLVED: That the report be noted.\n\nDecision:\nThat the report be noted.\n"

    repeated_first = parse_published_minutes(before)
    repeated_after = parse_published_minutes(after)

    assert repeated_first.resolutions == (
        ParsedResolution(
            "Resolved", "", ("1. that the report be noted;", "2. that the plan be approved.")
        ),
    )
    assert repeated_first.repeated_decisions == (
        ParsedResolution(
            "Decision", "", ("(1) That the report be noted.", "(2) That the plan be approved.")
        ),
    )
    assert repeated_after.resolutions == (
        ParsedResolution("Resolved", "That the report be noted.", ()),
    )
    assert repeated_after.repeated_decisions == (
        ParsedResolution("Decision", "That the report be noted.", ()),
    )
    assert unplaced_paragraphs(before, repeated_first) == ()
    assert unplaced_paragraphs(after, repeated_after) == ()


def test_two_equal_resolutions_without_a_decision_block_stay_two() -> None:
    text = "Title\n\nResolved: That the report be noted.\n\nResolved: That the report be noted.\n"

    assert len(parse_published_minutes(text).resolutions) == 2


def test_a_different_decision_is_a_resolution_of_its_own() -> None:
    text = "Title\n\nResolved: That the report be noted.\n\nDecision: That the plan be deferred.\n"

    assert [res.label for res in parse_published_minutes(text).resolutions] == [
        "Resolved",
        "Decision",
    ]


def test_decision_label_then_resolution_is_one() -> None:
    text = "Title\n\nDecision:\n\nRESOLVED – That the report be noted.\n"

    assert parse_published_minutes(text).resolutions == (
        ParsedResolution("Resolved", "That the report be noted.", ()),
    )


@pytest.mark.parametrize(
    ("title_line", "title", "number"),
    [
        ("4. Quarterly Report PDF 84 KB", "Quarterly Report", "4"),
        ("4 Quarterly Report PDF 84 KB", "Quarterly Report", "4"),
        ("Item 7: Local Plan (Pages 15 - 48)", "Local Plan", "7"),
        ("12a. Budget Update (PDF 1.2 MB)", "Budget Update", "12a"),
        ("Quarterly Report", "Quarterly Report", None),
    ],
)
def test_title_line_cleaning(title_line: str, title: str, number: str | None) -> None:
    parsed = parse_published_minutes(f"Agenda item\n\n{title_line}\n\nMinutes:\n\nIt was noted.\n")

    assert (parsed.title, parsed.item_number) == (title, number)


def test_page_chrome_is_left_out() -> None:
    text = (
        "Issue - meetings\n\nTitle\n\n"
        "Meeting of Cabinet, Tuesday, 12th September, 2017 2.00 pm (Item 4.)\n\n"
        "Contact: Josh Mynott\nTel: 01772 534580\nEmail: josh.mynott@example.gov.uk\n\n"
        "Minutes:\n\nIt was noted.\n\nPage 2 of 3\n\n- 3 -\n\nIssue history\n"
    )

    parsed = parse_published_minutes(text)

    assert (parsed.title, parsed.item_number) == ("Title", "4")
    assert [point.text for point in parsed.points] == ["It was noted."]
    assert unplaced_paragraphs(text, parsed) == ()


def test_split_part_label() -> None:
    assert split_part_label("(1) That the report be noted.") == ("(1)", "That the report be noted.")
    assert split_part_label("ii) the plan") == ("ii)", "the plan")
    assert split_part_label("the report be noted") == ("", "the report be noted")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A report was presented by Jo Bloggs, Head of Finance, on the budget.", "presented"),
        ("Jo Bloggs, Head of Finance, gave a presentation on the budget.", "presented"),
        ("The Panel received a report on the budget.", "presented"),
        ("It was noted that the budget was balanced.", "noted"),
        ("The Cabinet Committee noted that costs had risen.", "noted"),
        ("Members noted the update.", "noted"),
        ("It was reported that costs had risen.", "reported"),
        ("Highlights were provided on the other directorates.", "reported"),
        ("Richard informed the Committee that the audit was complete.", "reported"),
        ("The Committee was advised that the audit was complete.", "reported"),
        ("An area of concern was the waiting list.", "discussion"),
        ("Concern was raised about the waiting list.", "discussion"),
        ("Councillor Patel asked about the waiting list.", "discussion"),
        ("In response to a question, officers confirmed the date.", "discussion"),
        ("Apologies were received from Councillor Khan.", "other"),
        ("None were disclosed.", "other"),
        ("There were no declarations of interest.", "other"),
        ("The Chair welcomed everyone to the meeting.", "other"),
        ("The proportion of care leavers in education had reduced.", "reported"),
        ("There would also be a peer review in October.", "reported"),
    ],
)
def test_point_kinds(text: str, kind: str) -> None:
    assert classify_point(text).value == kind


@pytest.mark.parametrize(
    ("text", "presenters"),
    [
        (
            "The update was presented by Dr Amy Lee (Consultant in Public Health).",
            [ParsedPresenter("Dr Amy Lee", "Consultant in Public Health")],
        ),
        (
            (
                "A report was presented by Jane van der Berg, Director of Finance, Property and "
                "Legal, on the accounts."
            ),
            [ParsedPresenter("Jane van der Berg", "Director of Finance, Property and Legal")],
        ),
        (
            "County Councillor Sue Prynn, Cabinet Member for Children, introduced the report.",
            [ParsedPresenter("County Councillor Sue Prynn", "Cabinet Member for Children")],
        ),
        (
            "The report was presented by Ahmed Ali. Ahmed Ali, Service Lead, then summarised it.",
            [ParsedPresenter("Ahmed Ali", None), ParsedPresenter("Ahmed Ali", "Service Lead")],
        ),
        (
            "The Cabinet considered a report of the Planning Manager, Dr. Lucy Ferreira, on it.",
            [ParsedPresenter("Dr. Lucy Ferreira", "Planning Manager")],
        ),
        (
            "The Director of Adult Services presented the quarterly dashboard.",
            [ParsedPresenter(None, "Director of Adult Services")],
        ),
        ("陈伟, 数字服务经理, reported the figures.", [ParsedPresenter("陈伟", "数字服务经理")]),
        ("Richard informed the Committee that a new batch would start.", []),
        ("However, officers provided a summary.", []),
        ("The Committee introduced the item.", []),
        ("Workshops had been delivered by Amanda Hatton, the Director.", []),
    ],
)
def test_find_presenters(text: str, presenters: list[ParsedPresenter]) -> None:
    assert find_presenters(text) == presenters


def test_presenters_are_deduplicated_and_complete_their_roles() -> None:
    text = (
        "Title\n\nThe report was presented by Ahmed Ali.\n\n"
        "Ahmed Ali, Service Lead, then summarised the findings.\n\n"
        "AHMED ALI, Service Lead, presented the appendix.\n"
    )

    assert parse_published_minutes(text).presenters == (
        ParsedPresenter("Ahmed Ali", "Service Lead"),
    )


def test_list_items_take_the_kind_of_their_lead_in() -> None:
    text = (
        "Title\n\nMembers raised the following:\n• costs;\n• timing;\n\n• staffing.\n\n"
        "It was reported that work had started.\n\n• A separate note without a lead-in.\n"
    )

    parsed = parse_published_minutes(text)

    assert [(point.kind.value, point.text) for point in parsed.points] == [
        ("discussion", "Members raised the following:"),
        ("discussion", "costs;"),
        ("discussion", "timing;"),
        ("discussion", "staffing."),  # the list goes on after a blank line
        ("reported", "It was reported that work had started."),
        ("reported", "A separate note without a lead-in."),
    ]


def test_empty_and_blank_input() -> None:
    for text in ("", "   \n\t\n\u00a0\n", "\ufeff"):
        parsed = parse_published_minutes(text)
        assert parsed == ParsedMinutes(None, (), (), (), ())
        assert unplaced_paragraphs(text, parsed) == ()


def test_unplaced_paragraphs_names_what_was_lost(seed_text: str) -> None:
    parsed = parse_published_minutes(seed_text)
    lost_point = ParsedMinutes(
        title=parsed.title,
        presenters=parsed.presenters,
        sections=parsed.sections[:-1],
        resolutions=parsed.resolutions,
        supporting_documents=(),
    )

    unplaced = unplaced_paragraphs(seed_text, lost_point)

    assert len(unplaced) == 10  # the heading and the nine points of the last section
    assert unplaced[0] == "Ofsted Post Inspection Update"


# ------------------------------------------------------------------ properties

# Words chosen so that a hard wrap can put any of them at the start of a line
# without making it a bullet, a number or a label: those are generated on
# purpose below, where the expected structure is known.
WORDS = [
    "the", "report", "costs", "had", "risen", "Council’s", "children", "care", "leavers",
    "£2.4m", "40-74", "(EET)", "<Access>", "&", "“quoted”", "🙂", "🚀", "Łódź", "陈伟",
    "Παπαδόπουλος", "O’Brien", "fly-tipping", "per", "cent", "Quarter", "2017/18", "rate",
    "higher", "than", "national", "averages", "awaiting", "results", "with", "and", "of",
    "1,875", "42%", "naïve", "façade", "Zoë", "Ngũgĩ", "in", "for", "Health", "Checks",
]  # fmt: skip
LEAD_INS = [
    "It was noted that",
    "It was reported that",
    "The Committee noted that",
    "Members asked whether",
    "An area of concern was that",
    "A report was presented by Jane Smith, Head of Finance, on how",
    "Ravi Shah, Programme Manager, provided a summary of how",
    "",
]
HEADING_WORDS = ["Start", "Well", "Live", "Age", "Ofsted", "Update", "Budget", "Housing", "Łódź"]
CHROME = [
    "Agenda item",
    "Issue - meetings",
    "Page 2 of 7",
    "12",
    "- 4 -",
    "Meeting of Cabinet, Tuesday, 1st May, 2018 2.00 pm (Item 4.)",
]
PART_MARKERS = ["(1)", "(2)", "(i)", "(ii)", "(a)", "(b)", "1.", "2.", "1)", "2)"]
BULLETS = ["•", "-", "*", "o", "●"]
LABELS = ["Resolved:", "RESOLVED –", "Resolved -", "RESOLVED:-", "AGREED:", "Resolved that"]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    lead_in = draw(st.sampled_from(LEAD_INS))
    body = " ".join(words)
    return f"{lead_in} {body}." if lead_in else f"{body[0].upper()}{body[1:]}."


def wrapped(draw: st.DrawFn, text: str) -> str:
    """``text`` hard-wrapped at a random width, lines indented at random, in any line ending."""
    width = draw(st.integers(min_value=12, max_value=120))
    lines = textwrap.wrap(text, width=width, break_long_words=False) or [text]
    indent = draw(st.sampled_from(["", "  ", "\t", "\u00a0", " \u00a0 "]))
    trailing = draw(st.sampled_from(["", " ", "\u00a0", "  \t"]))
    return "\n".join(f"{indent}{line}{trailing}" for line in lines)


# Each block strategy gives the block's text and the pieces of it that must be
# found placed afterwards (chrome has none).
Block = tuple[str, list[str]]


def heading_text(draw: st.DrawFn, most: int) -> str:
    return " ".join(draw(st.lists(st.sampled_from(HEADING_WORDS), min_size=1, max_size=most)))


@st.composite
def heading_blocks(draw: st.DrawFn) -> Block:
    heading = heading_text(draw, 4)
    return heading, [heading]


@st.composite
def chrome_blocks(draw: st.DrawFn) -> Block:
    return draw(st.sampled_from(CHROME)), []


@st.composite
def list_blocks(draw: st.DrawFn) -> Block:
    lead = draw(sentences())[:-1] + ":"
    items = draw(st.lists(sentences(), min_size=1, max_size=4))
    bullet = draw(st.sampled_from(BULLETS))
    return "\n".join([lead, *(f"{bullet}  {item}" for item in items)]), [lead, *items]


@st.composite
def resolution_blocks(draw: st.DrawFn) -> Block:
    label = draw(st.sampled_from(LABELS))
    parts = draw(st.lists(sentences(), max_size=3))
    if not parts:
        text = draw(sentences())
        return wrapped(draw, f"{label} {text}"), [text]
    marker = draw(st.sampled_from(PART_MARKERS))
    lines = [f"{marker} {part}" for part in parts]
    joiner = draw(st.sampled_from(["\n", "\n\n"]))
    return f"{label}{joiner}{joiner.join(lines)}", lines


@st.composite
def numbered_blocks(draw: st.DrawFn) -> Block:
    number_line = draw(st.sampled_from(["8.1", "8.2\n", "12.10"]))
    text = draw(sentences())
    return f"{number_line}\n{wrapped(draw, text)}", [text]


@st.composite
def paragraph_blocks(draw: st.DrawFn) -> Block:
    text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=3)))
    return wrapped(draw, text), [text]


@st.composite
def documents(draw: st.DrawFn) -> Block:
    """A document to parse, and the pieces of text it must keep (each must be found placed)."""
    blocks: list[str] = ["Agenda item"] if draw(st.booleans()) else []
    title = heading_text(draw, 6)
    number = draw(st.sampled_from(["", "4. ", "4 ", "Item 7: "]))
    decoration = draw(st.sampled_from(["", " PDF 84 KB", " (Pages 5 - 12)"]))
    blocks.append(f"{number}{title}{decoration}")
    expected = [title]
    if draw(st.booleans()):
        blocks.append("Minutes:")
    body = st.one_of(
        heading_blocks(),
        chrome_blocks(),
        list_blocks(),
        resolution_blocks(),
        numbered_blocks(),
        paragraph_blocks(),
        paragraph_blocks(),
    )
    for block, pieces in draw(st.lists(body, max_size=12)):
        blocks.append(block)
        expected.extend(pieces)
    if draw(st.booleans()):
        papers = draw(st.lists(st.sampled_from(HEADING_WORDS), min_size=1, max_size=3))
        blocks.append("Supporting documents:")
        blocks.append("\n".join(f"  {paper} report, item 4. PDF 84 KB" for paper in papers))
        expected.extend(f"{paper} report, item 4." for paper in papers)
    separator = draw(st.sampled_from(["\n\n", "\n \t\n", "\n\u00a0\n\n", "\n\x0c\n"]))
    text = separator.join(blocks) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, expected


def placed_strings(parsed: ParsedMinutes) -> list[str]:
    return [
        squash(piece)
        for piece in (
            parsed.title or "",
            *(section.heading or "" for section in parsed.sections),
            *(point.text for point in parsed.points),
            *(p for res in parsed.resolutions for p in (res.text, *res.parts)),
            *parsed.supporting_documents,
        )
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_nothing_generated_is_dropped(document: tuple[str, list[str]]) -> None:
    text, expected = document

    parsed = parse_published_minutes(text)

    assert unplaced_paragraphs(text, parsed) == ()
    placed = placed_strings(parsed)
    for piece in expected:
        assert any(squash(piece) in each for each in placed), piece
    json.dumps(parsed.to_json_dict(), ensure_ascii=False)


FRAGMENTS = [
    "\n", "\n\n", "\r\n", " ", "\t", "\u00a0", "\x0c", "\ufeff", "Resolved:", "RESOLVED –",
    "AGREED", "Decision:", "Minutes:", "Supporting documents:", "Agenda item", "(1)", "(i)",
    "1.", "8.1", "•", "- ", "o ", "* ", "PDF 84 KB", "Page 3 of 9", "12", "It was noted that",
    "Jane Smith, Head of Finance, presented", "A report was presented by ", "Councillor",
    "that:", ":-", "the", ".", ",", "<", "&", "“", "🙂", "陈伟", "Start Well",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40))
def test_any_text_parses_and_loses_nothing(pieces: list[str]) -> None:
    text = "".join(pieces)

    parsed = parse_published_minutes(text)

    assert unplaced_paragraphs(text, parsed) == ()
