"""Published minutes of one agenda item, as councils print them, turned into structure.

Contract:

- ``parse_published_minutes(text)`` never raises on any ``str`` and returns a
  ``ParsedMinutes``: title, presenters, sections of typed points, resolutions
  with their numbered parts, supporting documents, and the item number when the
  page gives one. ``ParsedMinutes.to_json_dict()`` is the shape that
  ``qpmr-desktop import-minutes --json`` prints (issue 4, point 7).
- **Nothing is dropped.** Every non-empty paragraph of the input, other than
  recognised page chrome, ends up in the title (or the item number), a
  heading, a point, a resolution (text or part) or a supporting document —
  or, for a "Decision" block that repeats a resolution, in
  ``repeated_decisions``. ``unplaced_paragraphs(text, parsed)`` names any
  that did not; the tests run it over many generated inputs.
- The presenters are found in the points' text (which keeps them too).

What counts as chrome, and is left out: the page labels of ModernGov ("Agenda
item", "Issue - meetings", "Issue history", "Decision details", "Minutes:",
"Supporting documents:", "Additional documents:"), the "Meeting of … (Item
4.)" and "Contact: … Tel: … Email: …" lines of its item page, page numbers
("Page 3 of 10", and "12", "Page 12" or "- 12 -" alone in a paragraph), file decorations at the
end of a line ("PDF 84 KB", "(Pages 5 - 12)"), bullet markers ("•", and "-",
"*", "o", "–" when they open a list item), dotted paragraph numbers ("8.1"
alone or opening a paragraph: the app numbers points itself), and the label
word of a resolution ("Resolved:", which becomes the ``label``).

The rules, in the order they apply:

1. **Paragraphs** are runs of lines between blank or whitespace-only lines.
   Hard-wrapped lines are joined with one space (with none after a hyphen
   that ends a line between two letters or digits: "short-" + "term"), and
   every run of whitespace, no-break spaces included, is folded to one space.
   A paragraph that starts with a lower-case letter after one that ended
   without punctuation (a page break in mid-sentence) continues it. Inside a
   paragraph a new point also starts at a bullet, at a numbered line ("(1)",
   "(i)", "(a)", "1.", "1)") or a dotted paragraph number ("8.2 The…") after
   a line that ended a sentence or clause, and at a resolution label.
2. **Title**: the first substantive paragraph before "Minutes:", if it reads
   as a title (no final full stop, comma, colon or semicolon, one sentence,
   not a resolution, list item or reported-speech opening, at most 250
   characters), less file decorations. A leading item number ("4.", "4 ",
   "Item 4:") goes to ``item_number``; so does "(Item 4.)" from the "Meeting
   of …" line, and a number alone before the title. The title printed again
   (ModernGov's page heading, then its item line) is taken once; a numbered
   title line after an unnumbered one is the title, and the first line (a PDF
   page heading) becomes a point.
3. **Headings**: a paragraph of one line that is short (at most 10 words and
   80 characters), starts with a capital (or a letter without case, or a
   digit), does not end with punctuation (. , ; : ! ?), has none of the words
   that only sentences have ("was", "were", "had", "noted", "that", "this",
   "it", "they" … after its first word), does not open like a point ("It was
   noted…", "Councillor X asked…"), and is followed by a paragraph that is not
   a resolution and does not start in lower case. So "Start Well" followed by
   "It was noted that…" is a heading; "The report was noted" is not (it has
   "was"); a short line before "Resolved:" or at the end of the text is a
   point of kind "other". Two heading lines in a row are both headings (the
   first section is empty).
4. **Points**: every other paragraph, in order, in the section of the last
   heading (a section without heading holds any before the first). Bullets
   become points of their own without their marker; numbered lines keep their
   number ("(a) The cost…"). A number or bullet alone ("1." then a blank line)
   belongs to the paragraph after it.
5. **Kinds**, first rule that applies (``resources/demo/README.md``, with
   procedure checked before views so that "The Chair welcomed…" is not a
   view): *presented* — "A report was presented by…", "Name, Role, provided
   a summary…", "The Committee received/considered a report…", "Name
   presented the report…"; *noted* — "It was noted…", "The (Cabinet)
   Committee noted…", "Members noted…"; *reported* — "It was reported/
   explained/confirmed…", "Highlights were provided…", "Name (, Role,)
   informed/advised/explained…", "The Committee was informed…"; *other* —
   procedure ("Apologies…", "There were no declarations…", "None were
   disclosed.", "The minutes of the … meeting…", "The meeting closed…", "The
   Chair welcomed/thanked…", "Councillor X declared…"); *discussion* — "An
   area of concern was…", "Concern was raised…", "Members asked/queried/
   welcomed…", "Councillor X asked…", "In response to a question…"; *other*
   — a fragment (a short line without final punctuation that is not a
   heading); *reported* — any other statement (in reported speech, a plain
   statement of fact is what the officers reported). A list item after a
   point ending with ":" takes that point's kind, and so do the items after
   it, blank lines between them or not.
6. **Presenters**, in order of appearance, once each (by name, ignoring
   capitals; a later mention fills in a missing role): "A report/presentation/
   update … was presented/introduced/given/delivered/provided by NAME, ROLE, …"
   (or "by NAME (ROLE)", "by the ROLE, NAME", or "by the ROLE" with no name),
   "… received/considered a report from/of NAME, ROLE" (or "of the ROLE,
   NAME"), "NAME, ROLE, provided/presented/gave/introduced/delivered/
   outlined/summarised/reported/updated/took …" at the start of a sentence,
   and "The ROLE presented/introduced the …" (no name; not a committee, board
   or chair). A name is two to six capitalised words (titles such as
   "Councillor" and particles such as "van" included), or one word of a
   script without capitals ("陈伟"); a role is capitalised words joined by
   "of", "and", "for", "the", "&" …, and may hold commas ("Director of
   Finance, Property and Legal").
7. **Resolutions**: a paragraph that starts with "Resolved", "RESOLVED",
   "Agreed", "AGREED", "Decision" or "Decided" followed by ":", ":-", "–",
   "-", "." (or, for the first four, by "that" or "("), or an upper-case
   "RESOLVED"/"AGREED" after a short lead-in ("It was RESOLVED that…", "The
   Committee RESOLVED:"). The label is the word in title case ("Resolved",
   "Agreed", "Decision", "Decided"). A label-first paragraph's text is what
   follows the label; a lead-in paragraph's text is the whole paragraph. A
   label alone with a separator ("Decision:") takes the next paragraph as its
   text. When the text is empty or ends with ":", ":-", a dash or "that",
   following paragraphs that are numbered or bulleted are its parts, each
   kept with its number ("(1) That…"); numbered lines inside the resolution's
   own paragraph are parts too. A label alone followed by another resolution
   ("Decision:" then "RESOLVED – That …") is that resolution. A "Decision"
   resolution and another whose text and parts (letters and digits only,
   ignoring capitals and the parts' numbers) are the same, or one holds
   the other, are one resolution: the first position, the longer content
   (the minutes' own when the words are the same), and the label that is not
   "Decision"; the one folded in is kept in ``repeated_decisions``.
8. **Supporting documents**: each line after "Supporting documents:" (or
   "Additional documents:"), without bullets and file decorations, until a
   "Minutes:" label or a resolution.

The module is pure: it imports only the standard library and the domain.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from qpmr_desktop.domain.minutes import PointKind

# ------------------------------------------------------------------ the result


@dataclass(frozen=True, slots=True)
class ParsedPresenter:
    """Who presented the item: a name and the role the minutes give (either may be missing)."""

    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class ParsedPoint:
    kind: PointKind
    text: str


@dataclass(frozen=True, slots=True)
class ParsedSection:
    heading: str | None
    points: tuple[ParsedPoint, ...]


@dataclass(frozen=True, slots=True)
class ParsedResolution:
    """ "Resolved": text, and its numbered parts each with its number ("(1) That …")."""

    label: str
    text: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedMinutes:
    """The structure of one agenda item's published minutes."""

    title: str | None
    presenters: tuple[ParsedPresenter, ...]
    sections: tuple[ParsedSection, ...]
    resolutions: tuple[ParsedResolution, ...]
    supporting_documents: tuple[str, ...]
    # Not part of the JSON shape of issue 4: the number printed on the title
    # line or the meeting line ("4"), for a caller that wants to keep it; and
    # the "Decision" blocks (or resolutions) that repeated a resolution and
    # were folded into it (rule 7), so that a preview can say so.
    item_number: str | None = None
    repeated_decisions: tuple[ParsedResolution, ...] = ()

    @property
    def points(self) -> tuple[ParsedPoint, ...]:
        """Every point in order, across sections."""
        return tuple(point for section in self.sections for point in section.points)

    def to_json_dict(self) -> dict[str, object]:
        """Exactly the JSON shape of ``import-minutes --json`` (kinds by value)."""
        return {
            "title": self.title,
            "presenters": [
                {"name": presenter.name, "role": presenter.role} for presenter in self.presenters
            ],
            "sections": [
                {
                    "heading": section.heading,
                    "points": [
                        {"kind": point.kind.value, "text": point.text} for point in section.points
                    ],
                }
                for section in self.sections
            ],
            "resolutions": [
                {
                    "label": resolution.label,
                    "text": resolution.text,
                    "parts": list(resolution.parts),
                }
                for resolution in self.resolutions
            ],
            "supporting_documents": list(self.supporting_documents),
        }


# ------------------------------------------------------------------ patterns

_CLAUSE_END: Final = ".!?:;"
_SENTENCE_END: Final = ".!?"

# Page titles and labels of ModernGov pages, compared folded and in lower case
# with every dash as "-" (the pages use en dashes and hyphens alike).
_CHROME_LINES: Final = frozenset(
    {
        "agenda item",
        "issue - meetings",
        "issue - items at meetings",
        "issue history",
        "issue details",
        "decision details",
        "meeting details",
    }
)
_PAGE_LINE: Final = re.compile(r"page\s+\d{1,4}\s+of\s+\d{1,4}", re.IGNORECASE)
# A number alone ("12", "Page 12", "- 12 -") is a page number only when it is
# a paragraph of its own: a wrapped sentence may leave one on a line of its
# own ("for a period of" / "12" / "months").
_PAGE_ALONE: Final = re.compile(r"\d{1,3}|page\s+\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]", re.IGNORECASE)
_MEETING_LINE: Final = re.compile(
    r"(?:Meeting\s+of\b.*|Meeting:\s.*)\(\s*Item\s+(?P<number>[\w.]*?)\.?\s*\)", re.IGNORECASE
)
_CONTACT_START: Final = re.compile(r"Contact\s*:", re.IGNORECASE)
_CONTACT_FIELD: Final = re.compile(
    r"(?:Contact|Tel|Telephone|Phone|Mobile|E-?mail|Email address)\s*:", re.IGNORECASE
)
_MINUTES_LABEL: Final = re.compile(r"Minutes\s*:\s*", re.IGNORECASE)
_DOCUMENTS_LABEL: Final = re.compile(r"(?:Supporting|Additional)\s+documents\s*:\s*", re.IGNORECASE)
_DECORATION: Final = re.compile(
    r"(?:\s*(?:\(?\b(?:PDF|DOCX?|XLSX?|PPTX?|RTF|ODT|ODS|CSV|ZIP|HTML?|TXT)\s+\d+(?:[.,]\d+)?"
    r"\s*(?:bytes|[KMG]B)\b\)?|\(\s*Pages?\s+\d+(?:\s*[-–]\s*\d+)?\s*\)))+\s*$",
    re.IGNORECASE,
)
_ITEM_NUMBER: Final = re.compile(
    r"(?:Item\s+)?(?P<number>\d{1,3}[A-Za-z]?(?:\.\d{1,3})*)(?:[.):]\s*|\s+)(?=\S)", re.IGNORECASE
)
_ITEM_NUMBER_ALONE: Final = re.compile(
    r"(?:Item\s+)?(?P<number>\d{1,3}[A-Za-z]?)\.?", re.IGNORECASE
)

# "•" and its cousins always open a list item; "-", "*", "o" and "–" only at
# the start of a paragraph, after a line that ended a clause, or inside a list
# (a wrapped sentence can put a dash at the start of a line).
_STRONG_BULLET: Final = re.compile(r"[•●▪◦‣∙·■➢►▸\uf0b7\uf0a7\uf0d8]\s*")
_WEAK_BULLET: Final = re.compile(r"(?:[-*–]|o)(?:\s+|$)")
_PART_MARKER: Final = re.compile(
    r"(?:\(\s*(?:\d{1,3}|[ivxlcdm]{1,7}|[a-zA-Z])\s*\)|\d{1,3}[.)]|[a-zA-Z][.)]|[ivxlcdm]{1,7}[.)])"
    r"(?=\s|$)"
)
# Dotted paragraph numbers ("8.1") are the publisher's numbering, not text.
_PARAGRAPH_NUMBER: Final = re.compile(r"\d{1,3}(?:\.\d{1,3})+\.?(?:\s+|$)")

_RESOLUTION_WORDS: Final = "resolved|agreed|decision|decided"
_LABEL_FIRST: Final = re.compile(
    rf"(?P<word>{_RESOLUTION_WORDS})\b"
    r"(?P<sep>\s*(?::\s*[-–—]|:|[-–—](?=\s|$)|\.(?=\s|$))|(?=\s*$))?\s*",
    re.IGNORECASE,
)
_LEAD_IN: Final = re.compile(
    r"(?:It\s+was|(?:The\s+)?(?:[^\W\d_][\w'’-]*\s+){1,4})(?:unanimously\s+)?"
    r"(?P<word>RESOLVED|AGREED|DECIDED)\b"
)

# Words that only sentences have; a line holding one after its first word is no heading.
_SENTENCE_WORDS: Final = frozenset((
    "was", "were", "is", "are", "am", "had", "has", "have", "be", "been", "being", "would",
    "could", "should", "will", "shall", "may", "might", "must", "did", "does", "do", "noted",
    "reported", "said", "asked", "agreed", "resolved", "explained", "informed", "advised",
    "confirmed", "stated", "that", "which", "who", "whom", "whose", "this", "these", "those",
    "it", "they", "he", "she", "we", "i", "you", "there", "their", "its", "our",
))  # fmt: skip

# What is presented: "the report", "the quarterly dashboard", "the draft action plan".
_PAPERS: Final = (
    r"(?:report|presentation|update|paper|briefing|overview|summary|dashboard|scorecard|plan|"
    r"strategy|proposals?|statement|accounts|findings)s?\b"
)
_PRESENTED: Final = (
    re.compile(
        r"(?:A|An|The)\s+(?:[\w'’-]+\s+){0,4}?(?:report|presentation|update|paper|briefing|"
        r"overview|summary)s?\b[^.]{0,80}?\b(?:was|were)\s+(?:jointly\s+|also\s+)?"
        r"(?:presented|introduced|given|delivered|provided)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:The\s+)?(?:[A-Z][\w'’-]*\s+){1,3}(?:also\s+|then\s+)?(?:received|considered)\s+"
        rf"(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?{_PAPERS}"
    ),
    re.compile(
        r"(?!It\s+was\b)(?:(?!that\b)[^\s.]+\s+){1,8}?(?:also\s+|then\s+)?(?:presented|"
        r"introduced)\s+(?:the|a|an|his|her|their)\s+(?:[\w'’-]+\s+){0,3}?"
        rf"(?:item\b|{_PAPERS})"
    ),
)
_NOTED: Final = (
    re.compile(r"It\s+was\s+(?:also\s+|further\s+|however\s+)?noted\b", re.IGNORECASE),
    re.compile(r"(?:The\s+)?(?:[A-Z][\w'’-]*\s+){1,3}(?:also\s+|further\s+|then\s+)?noted\b"),
)
_REPORT_VERBS: Final = (
    r"(?:informed|advised|explained|reported|confirmed|updated|highlighted|outlined|stated|"
    r"assured|clarified)"
)
_REPORTED: Final = (
    re.compile(
        r"It\s+was\s+(?:also\s+|further\s+)?(?:reported|explained|confirmed|advised|stated|"
        r"highlighted|outlined|clarified|announced|indicated)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"Highlights\s+(?:were|was)\s+(?:provided|given|presented|outlined)\b", re.IGNORECASE
    ),
    re.compile(
        rf"(?:The\s+)?(?:[A-Z][\w'’.-]*\s+){{1,5}}(?:also\s+|further\s+|then\s+)?{_REPORT_VERBS}\b"
    ),
    re.compile(rf"[^.,]{{1,60}},[^.]{{1,100}},\s+(?:also\s+|further\s+|then\s+)?{_REPORT_VERBS}\b"),
    re.compile(
        r"(?:The\s+)?(?:Committee|Cabinet|Panel|Board|Members|Council)\s+(?:was|were)\s+"
        r"(?:informed|advised|told|updated|reminded)\b"
    ),
)
_DISCUSSION_VERBS: Final = (
    r"(?:asked|queried|questioned|raised|expressed|discussed|sought|commented|welcomed|"
    r"requested|suggested|challenged|agreed|felt|praised|enquired|emphasised|stressed)"
)
_DISCUSSION: Final = (
    re.compile(r"(?:An?\s+|The\s+)?(?:area|point|matter|issue)s?\s+of\s+concern\b", re.IGNORECASE),
    re.compile(r"Concerns?\s+(?:was|were)\s+(?:raised|expressed|voiced)\b", re.IGNORECASE),
    re.compile(r"(?:In\s+response\s+to|Responding\s+to|In\s+answer\s+to)\b", re.IGNORECASE),
    re.compile(
        rf"(?:A\s+|One\s+|Several\s+|Some\s+|The\s+)?(?:Members?|Councillors?)\b[^.]{{0,60}}?"
        rf"\b{_DISCUSSION_VERBS}\b"
    ),
    re.compile(
        rf"(?:The\s+)?(?:[A-Z][\w'’-]*\s+){{1,4}}(?:also\s+|further\s+|then\s+)?"
        rf"{_DISCUSSION_VERBS}\b"
    ),
    re.compile(
        r"(?:Discussion|Debate)\s+(?:took\s+place|ensued|followed|centred)\b", re.IGNORECASE
    ),
    re.compile(r"(?:Questions?|Queries)\s+(?:was|were)\s+(?:raised|asked)\b", re.IGNORECASE),
    re.compile(
        r"It\s+was\s+(?:queried|asked|questioned|suggested|felt|agreed|acknowledged)\b",
        re.IGNORECASE,
    ),
)
_PROCEDURAL: Final = (
    re.compile(r"Apologies\b", re.IGNORECASE),
    re.compile(
        r"(?:There\s+(?:were|was)\s+no|No)\s+(?:apologies|declarations?|disclosures?|interests?|"
        r"urgent|other|further|questions|items|deputations|petitions)\b",
        re.IGNORECASE,
    ),
    re.compile(r"None\s+(?:were|was)\s+(?:disclosed|declared|received|made)\b", re.IGNORECASE),
    re.compile(r"The\s+minutes\s+of\s+the\b", re.IGNORECASE),
    re.compile(
        r"The\s+meeting\s+(?:closed|ended|finished|was\s+(?:adjourned|closed))\b", re.IGNORECASE
    ),
    re.compile(
        r"The\s+(?:Chair|Chairman|Chairperson|Vice-Chair)\s+(?:welcomed|thanked|opened|closed|"
        r"adjourned)\b",
        re.IGNORECASE,
    ),
    re.compile(r"(?:County\s+)?(?:Councillor|Cllr)\b[^.]{0,80}\bdeclared\b"),
    re.compile(r"The\s+date\s+of\s+the\s+next\s+meeting\b", re.IGNORECASE),
)

_PRESENTED_BY: Final = re.compile(
    r"\b(?:report|presentation|update|paper|briefing|overview|summary|item)s?\b[^.]{0,80}?"
    r"\b(?:was|were)\s+(?:jointly\s+|also\s+)?(?:presented|introduced|given|delivered|provided)"
    r"\s+by\s+",
    re.IGNORECASE,
)
_RECEIVED_FROM: Final = re.compile(
    r"\b(?:received|considered)\s+(?:a|an|the)\s+(?:[\w'’-]+\s+){0,3}?(?:report|presentation|"
    r"update|briefing)s?\s+(?:from|by|of)\s+",
    re.IGNORECASE,
)
# "The Director of Adult Services presented the dashboard": a role with no name.
_ROLE_PRESENTED: Final = re.compile(
    r"(?:^|(?<=[.!?])\s+)The\s+(?P<role>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|and|for|the|&))"
    r"{0,10}?)\s+(?:also\s+|then\s+)?(?:presented|introduced)\s+(?:the|a|an|his|her|their)\b"
)
# Bodies and chairs present nothing in the sense of rule 6.
_NOT_ROLES: Final = frozenset(
    {"committee", "cabinet", "board", "panel", "council", "chair", "chairman", "chairperson"}
    | {"vice-chair", "members", "sub-committee", "executive", "meeting", "forum", "group"}
)
_SENTENCE_START: Final = re.compile(r"(?:^|(?<=[.!?])\s+)(?=\S)")
_PRESENTING_VERBS: Final = frozenset(
    {
        "provided",
        "presented",
        "gave",
        "introduced",
        "delivered",
        "outlined",
        "summarised",
        "summarized",
        "reported",
        "updated",
        "took",
    }
)
_VERB_ADVERBS: Final = frozenset({"also", "then", "further", "briefly", "jointly"})
_NAME_PARTICLES: Final = frozenset(
    {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "le", "la", "bin"}
    | {"binti", "ibn", "al", "el", "ap", "ter", "ten"}
)
_SHORT_TITLES: Final = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "st", "cllr", "revd"})
_ROLE_CONNECTORS: Final = frozenset(
    {"of", "and", "for", "the", "&", "to", "in", "at", "with", "on", "-", "–"}
)
_TOKEN: Final = re.compile(r"\S+")
_MAX_NAME_WORDS: Final = 6
_MAX_ROLE_WORDS: Final = 14
_MAX_ROLE_SEGMENTS: Final = 3


def _fold(text: str) -> str:
    """One line with single spaces; no-break spaces and tabs are whitespace too."""
    return " ".join(text.split())


def _squash(text: str) -> str:
    """The text without any whitespace: how ``unplaced_paragraphs`` compares."""
    return "".join(text.split())


def _alnum_key(text: str) -> str:
    """Letters and digits only, without capitals: how repeated resolutions compare."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _chrome_key(line: str) -> str:
    return re.sub(r"\s*[-–—]\s*", " - ", _fold(line)).casefold()


def _is_chrome_line(line: str) -> bool:
    return (
        _chrome_key(line) in _CHROME_LINES
        or _PAGE_LINE.fullmatch(line) is not None
        or _MEETING_LINE.fullmatch(line) is not None
    )


def _is_capital_word(word: str) -> bool:
    """Its first letter or digit is a letter not in lower case: "Talbot", "Ørsted", "陈", "<IT>"."""
    first = next((ch for ch in word if ch.isalnum()), "")
    return first.isalpha() and not first.islower()


def _starts_lower(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.islower()


def _join_lines(lines: Sequence[str]) -> str:
    """Hard-wrapped lines as one folded paragraph; a hyphen at a wrap joins without a space."""
    text = ""
    for line in lines:
        piece = _fold(line)
        if not piece:
            continue
        if not text:
            text = piece
        elif len(text) >= 2 and text[-1] == "-" and text[-2].isalnum() and piece[0].isalnum():
            text += piece
        else:
            text += " " + piece
    return text


def _opens_list(text: str) -> bool:
    """True when a resolution's text announces parts: empty, or ends ":", ":-", "–", "that"."""
    stripped = text.rstrip()
    if not stripped:
        return True
    if stripped[-1] in ":-–—":
        return True
    return stripped.rsplit(maxsplit=1)[-1].casefold() == "that"


# ------------------------------------------------------------------ lines into blocks


class _BlockKind(Enum):
    TEXT = "text"
    MINUTES_LABEL = "minutes label"
    DOCUMENTS_LABEL = "documents label"


@dataclass(frozen=True, slots=True)
class _Block:
    kind: _BlockKind
    lines: tuple[str, ...] = ()


def _raw_paragraphs(text: str) -> list[list[str]]:
    """The input's paragraphs as lists of stripped lines (blank lines separate them)."""
    # A byte-order mark is the encoding's, not the text's.
    text = text.removeprefix("\ufeff")
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _content_lines(paragraph: Sequence[str]) -> list[str]:
    """A raw paragraph's lines less its chrome lines (the rule is the module docstring's)."""
    if len(paragraph) == 1 and _PAGE_ALONE.fullmatch(paragraph[0]):
        return []
    contact = _CONTACT_START.match(paragraph[0]) is not None
    return [
        line
        for line in paragraph
        if not _is_chrome_line(line) and not (contact and _CONTACT_FIELD.match(line))
    ]


def _blocks(text: str) -> tuple[list[_Block], str | None]:
    """Chrome-free blocks of lines, page labels as blocks of their own; the "(Item 4.)" number."""
    blocks: list[_Block] = []
    item_number: str | None = None
    for paragraph in _raw_paragraphs(text):
        for line in paragraph:
            meeting = _MEETING_LINE.fullmatch(line)
            if meeting and item_number is None and meeting.group("number"):
                item_number = meeting.group("number")
        current: list[str] = []
        for line in _content_lines(paragraph):
            label = _MINUTES_LABEL.match(line) or _DOCUMENTS_LABEL.match(line)
            if label is None:
                current.append(line)
                continue
            if current:
                blocks.append(_Block(_BlockKind.TEXT, tuple(current)))
            is_minutes = label.re is _MINUTES_LABEL
            blocks.append(
                _Block(_BlockKind.MINUTES_LABEL if is_minutes else _BlockKind.DOCUMENTS_LABEL)
            )
            rest = line[label.end() :]
            current = [rest] if rest else []
        if current:
            blocks.append(_Block(_BlockKind.TEXT, tuple(current)))
    return blocks, item_number


# ------------------------------------------------------------------ blocks into units


class _UnitKind(Enum):
    TEXT = "text"
    BULLET = "bullet"
    PART = "part"  # a numbered line; the number is kept in the text
    RESOLUTION = "resolution"


@dataclass(slots=True)
class _Unit:
    kind: _UnitKind
    lines: list[str] = field(default_factory=list)
    marker: str = ""  # a PART's number, "(1)"
    label: str = ""  # a RESOLUTION's label, "Resolved"
    separated: bool = False  # the label was followed by ":", "–" …

    @property
    def text(self) -> str:
        return _join_lines(self.lines)

    @property
    def is_bare(self) -> bool:
        """Only a number or a bullet, or nothing: what it marks follows on."""
        return self.text == self.marker


@dataclass(frozen=True, slots=True)
class _Start:
    """How one line opens: as what kind of unit, and the text left after its marker."""

    kind: _UnitKind
    rest: str
    marker: str = ""
    label: str = ""
    separated: bool = False
    strong: bool = False  # a bullet that opens a list item wherever it stands
    numbered_paragraph: bool = False  # a "8.1" paragraph number was removed


def _label_first(line: str) -> re.Match[str] | None:
    """ "Resolved:", "RESOLVED –", "Agreed that", "Decision:" opening a line, else None."""
    match = _LABEL_FIRST.match(line)
    if match is None:
        return None
    rest = line[match.end() :]
    if match.group("sep") is not None:
        # "Decision" only ever opens a block with punctuation; without any it
        # is a word of a sentence ("Decision making was…").
        if match.group("sep").strip() or not rest:
            return match
        return None
    word = match.group("word")
    if word.casefold() in {"decision", "decided"}:
        return None
    # "RESOLVED To approve…": the capitals say it is the label; "Agreed that…",
    # "Resolved (1)…": the word that follows does.
    if word.isupper() or re.match(r"(?:that\b|\()", rest, re.IGNORECASE):
        return match
    return None


def _resolution_start(line: str) -> _Start | None:
    label = _label_first(line)
    if label is not None:
        return _Start(
            _UnitKind.RESOLUTION,
            line[label.end() :],
            label=label.group("word").capitalize(),
            separated=bool((label.group("sep") or "").strip()),
        )
    lead_in = _LEAD_IN.match(line)
    if lead_in is not None:
        return _Start(_UnitKind.RESOLUTION, line, label=lead_in.group("word").capitalize())
    return None


def _list_start(line: str) -> _Start | None:
    part = _PART_MARKER.match(line)
    if part is not None:
        return _Start(_UnitKind.PART, line[part.end() :].strip(), marker=part.group())
    bullet = _STRONG_BULLET.match(line)
    if bullet is not None:
        return _Start(_UnitKind.BULLET, line[bullet.end() :], strong=True)
    bullet = _WEAK_BULLET.match(line)
    if bullet is not None:
        return _Start(_UnitKind.BULLET, line[bullet.end() :])
    return None


def _line_start(line: str) -> _Start:
    """How ``line`` opens: a resolution, a paragraph number, a list item, or plain text."""
    resolution = _resolution_start(line)
    if resolution is not None:
        return resolution
    number = _PARAGRAPH_NUMBER.match(line)
    if number is not None:
        rest = line[number.end() :]
        if not rest or _is_capital_word(rest):
            # "8.4 RESOLVED – That …": the number goes, the resolution stays one.
            resolution = _resolution_start(rest)
            if resolution is not None:
                return dataclasses.replace(resolution, numbered_paragraph=True)
            return _Start(_UnitKind.TEXT, rest, numbered_paragraph=True)
    return _list_start(line) or _Start(_UnitKind.TEXT, line)


def _opens_unit(start: _Start, previous_line: str, current: _Unit) -> bool:
    """Whether a line after the first of a block starts a new unit (see the docstring, rule 1)."""
    if start.strong:
        return True
    if start.kind is _UnitKind.TEXT and not start.numbered_paragraph:
        return False
    after_clause = previous_line.rstrip()[-1:] in _CLAUSE_END
    if start.kind is _UnitKind.RESOLUTION or start.numbered_paragraph:
        return after_clause
    in_list = current.kind in {_UnitKind.BULLET, _UnitKind.PART} or (
        current.kind is _UnitKind.RESOLUTION and _opens_list(current.text)
    )
    return after_clause or in_list


def _units(lines: Sequence[str]) -> list[_Unit]:
    units: list[_Unit] = []
    for index, line in enumerate(lines):
        start = _line_start(line)
        if units and not _opens_unit(start, lines[index - 1], units[-1]):
            units[-1].lines.append(line)
            continue
        pieces = [start.marker, start.rest] if start.kind is _UnitKind.PART else [start.rest]
        units.append(
            _Unit(
                start.kind,
                [piece for piece in pieces if piece.strip()],
                marker=start.marker,
                label=start.label,
                separated=start.separated,
            )
        )
    return units


# ------------------------------------------------------------------ titles and headings


def _opens_like_point(text: str) -> bool:
    body = _without_marker(text)
    return any(
        pattern.match(body)
        for group in (_PRESENTED, _NOTED, _REPORTED, _DISCUSSION, _PROCEDURAL)
        for pattern in group
    )


def _looks_like_title(text: str) -> bool:
    if not text or len(text) > 250 or text[-1] in ".,;:" or _starts_lower(text):
        return False
    if re.search(r"[.!?]\s+\S", text):  # more than one sentence
        return False
    return not _opens_like_point(text)


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 10 or len(text) > 80 or text[-1] in ".,;:!?":
        return False
    first = text[0]
    if not (first.isdigit() or (first.isalpha() and not first.islower())):
        return False
    if any(word.strip("\"'“”‘’()").casefold() in _SENTENCE_WORDS for word in words[1:]):
        return False
    return not _opens_like_point(text)


def _clean_title(text: str) -> tuple[str, str | None]:
    """The title without its item number and file decorations; the item number."""
    number: str | None = None
    match = _ITEM_NUMBER.match(text)
    if match is not None and _DECORATION.sub("", text[match.end() :]).strip():
        number = match.group("number")
        text = text[match.end() :]
    return _fold(_DECORATION.sub("", text)), number


def _clean_document(line: str) -> str:
    bullet = _STRONG_BULLET.match(line) or _WEAK_BULLET.match(line)
    if bullet is not None:
        line = line[bullet.end() :]
    cleaned = _fold(_DECORATION.sub("", line))
    # A line that is nothing but a decoration keeps it: it is all there is.
    return cleaned or _fold(line)


# ------------------------------------------------------------------ kinds


def _without_marker(text: str) -> str:
    match = _PART_MARKER.match(text)
    return text[match.end() :].lstrip() if match else text


# Procedural openings before the Committee's views: "The Chair welcomed
# everyone" is procedure, "Members welcomed the plan" a view.
_KIND_RULES: Final = (
    (PointKind.NOTED, _NOTED),
    (PointKind.REPORTED, _REPORTED),
    (PointKind.OTHER, _PROCEDURAL),
    (PointKind.DISCUSSION, _DISCUSSION),
)


def classify_point(text: str) -> PointKind:
    """The kind of a point by how it opens (rule 5 of the module docstring)."""
    body = _without_marker(_fold(text))
    if _presenter_at_start(body) or any(pattern.match(body) for pattern in _PRESENTED):
        return PointKind.PRESENTED
    for kind, patterns in _KIND_RULES:
        if any(pattern.match(body) for pattern in patterns):
            return kind
    if body and body[-1] not in _SENTENCE_END + ')"”’' and len(body.split()) <= 10:
        return PointKind.OTHER  # a fragment, not a statement
    return PointKind.REPORTED


# ------------------------------------------------------------------ presenters


@dataclass(frozen=True, slots=True)
class _Word:
    core: str  # the word without trailing punctuation
    trailing: str  # ",", ".", ")" …
    start: int
    end: int  # after the core


def _words(text: str, start: int) -> Iterator[_Word]:
    for match in _TOKEN.finditer(text, start):
        token = match.group()
        core = token.rstrip(",.;:)")
        yield _Word(core, token[len(core) :], match.start(), match.start() + len(core))


def _has_case(word: str) -> bool:
    return any(ch.isupper() or ch.islower() for ch in word)


def _read_name(text: str, start: int) -> tuple[str, str, int] | None:
    """A personal name at ``start``: (name, the punctuation after it, where that is)."""
    words: list[str] = []
    delimiter = ""
    end = start
    for word in _words(text, start):
        core = word.core
        if not core or core.startswith("(") or any(ch.isdigit() for ch in core):
            delimiter = "(" if core.startswith("(") else ""
            break
        particle = core.casefold() in _NAME_PARTICLES and bool(words)
        if not (_is_capital_word(core) or particle):
            break
        words.append(core)
        end = word.end
        if word.trailing.startswith(".") and (len(core) == 1 or core.casefold() in _SHORT_TITLES):
            words[-1] += "."  # an initial or "Dr."
            end += 1
            continue
        if word.trailing:
            delimiter = word.trailing[0]
            break
        if len(words) > _MAX_NAME_WORDS:
            return None
    while words and words[-1].casefold() in _NAME_PARTICLES:
        words.pop()
    # One word is a name only in a script without capitals ("陈伟"): in others
    # a lone capitalised word is as likely "However" or "Officers".
    caseless = len(words) == 1 and len(words[0]) > 1 and not _has_case(words[0])
    if not (2 <= len(words) <= _MAX_NAME_WORDS or caseless):
        return None
    return " ".join(words), delimiter, end


def _read_role(
    text: str, start: int, *, max_segments: int = _MAX_ROLE_SEGMENTS
) -> tuple[str | None, _Word | None, bool]:
    """A role at ``start`` ("Head of Services"); the word it stopped at; closed by a comma."""
    segments: list[list[str]] = []
    current: list[str] = []
    stopped_at: _Word | None = None
    closed_by_comma = False
    for word in _words(text, start):
        core = word.core
        if len(segments) >= max_segments:
            stopped_at = word
            break
        connector = core.casefold() in _ROLE_CONNECTORS
        if not current and not segments and core.casefold() == "the":
            continue  # "NAME, the Director of …": the article is not the role
        if not current:
            if not _is_capital_word(core):
                stopped_at = word
                break
        elif not (_is_capital_word(core) or connector):
            stopped_at = word
            break
        current.append(core)
        closed_by_comma = False
        if len(current) > _MAX_ROLE_WORDS:
            return None, None, False
        if word.trailing.startswith(","):
            segments.append(current)
            current = []
            closed_by_comma = True
        elif word.trailing:
            segments.append(current)
            current = []
            break
    if current:
        segments.append(current)
    for segment in segments:
        while segment and segment[-1].casefold() in _ROLE_CONNECTORS:
            segment.pop()
    role = ", ".join(" ".join(segment) for segment in segments if segment)
    return role or None, stopped_at, closed_by_comma


def _presenter_after_trigger(text: str, start: int) -> ParsedPresenter | None:
    """NAME, ROLE / NAME (ROLE) / the ROLE, after "… was presented by "."""
    name = _read_name(text, start)
    if name is None:
        return _role_first(text, start) if text[start : start + 4].casefold() == "the " else None
    full_name, delimiter, end = name
    if delimiter == ",":
        role, _, _ = _read_role(text, end + 1)
        return ParsedPresenter(full_name, role)
    rest = text[end:].lstrip()
    if rest.startswith("("):
        close = rest.find(")")
        inside = _fold(rest[1:close]) if close > 0 else ""
        if inside and _is_capital_word(inside) and len(inside) <= 100:
            return ParsedPresenter(full_name, inside)
    return ParsedPresenter(full_name, None)


def _role_first(text: str, start: int) -> ParsedPresenter | None:
    """ "the ROLE, NAME, …" or "the ROLE" alone, after a trigger."""
    role, stopped_at, closed_by_comma = _read_role(text, start, max_segments=1)
    if role is not None and stopped_at is not None and closed_by_comma:
        name = _read_name(text, stopped_at.start)
        if name is not None:
            return ParsedPresenter(name[0], role)
    role, _, _ = _read_role(text, start)
    return None if role is None else ParsedPresenter(None, role)


def _presenter_at(text: str, start: int) -> ParsedPresenter | None:
    """ "NAME, ROLE, provided …" at ``start`` (the start of a sentence)."""
    name = _read_name(text, start)
    if name is None or name[1] != ",":
        return None
    role, stopped_at, closed_by_comma = _read_role(text, name[2] + 1)
    if role is None or stopped_at is None or not closed_by_comma:
        return None
    verb = stopped_at.core.casefold()
    if verb in _VERB_ADVERBS:
        following = next(_words(text, stopped_at.end), None)
        verb = following.core.casefold() if following else ""
    return ParsedPresenter(name[0], role) if verb in _PRESENTING_VERBS else None


def _presenter_at_start(text: str) -> bool:
    return _presenter_at(text, 0) is not None


def find_presenters(text: str) -> list[ParsedPresenter]:
    """The presenters one paragraph names, in order (rule 6 of the module docstring)."""
    found: list[tuple[int, ParsedPresenter]] = []
    for trigger in (_PRESENTED_BY, _RECEIVED_FROM):
        for match in trigger.finditer(text):
            presenter = _presenter_after_trigger(text, match.end())
            if presenter is not None:
                found.append((match.end(), presenter))
    for match in _SENTENCE_START.finditer(text):
        presenter = _presenter_at(text, match.end())
        if presenter is not None:
            found.append((match.end(), presenter))
    for match in _ROLE_PRESENTED.finditer(text):
        role = match.group("role")
        if role.split()[0].casefold() not in _NOT_ROLES:
            found.append((match.start("role"), ParsedPresenter(None, role)))
    return [presenter for _, presenter in sorted(found, key=lambda pair: pair[0])]


def _merge_presenters(presenters: Sequence[ParsedPresenter]) -> tuple[ParsedPresenter, ...]:
    merged: list[ParsedPresenter] = []
    for presenter in presenters:
        key = (presenter.name or presenter.role or "").casefold()
        for index, seen in enumerate(merged):
            if (seen.name or seen.role or "").casefold() == key:
                if seen.role is None and presenter.role is not None:
                    merged[index] = ParsedPresenter(seen.name, presenter.role)
                break
        else:
            merged.append(presenter)
    return tuple(merged)


# ------------------------------------------------------------------ assembling the item


@dataclass(slots=True)
class _DraftPoint:
    text: str
    inherits: _DraftPoint | None = None  # a list item takes its lead-in's kind
    is_list_item: bool = False


@dataclass(slots=True)
class _DraftSection:
    heading: str | None
    points: list[_DraftPoint] = field(default_factory=list)


@dataclass(slots=True)
class _DraftResolution:
    label: str
    text: str
    parts: list[str] = field(default_factory=list)
    absorbing: bool = False  # a label alone ("Decision:") waiting for its text

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.parts

    def key(self) -> str:
        """Letters and digits of the text and parts, the parts' numbers left out."""
        return _alnum_key(
            " ".join([self.text, *(split_part_label(part)[1] for part in self.parts)])
        )


class _Assembler:
    """Walks the blocks once, keeping where the last text went so a page break can continue it."""

    def __init__(self, blocks: Sequence[_Block], item_number: str | None) -> None:
        self.blocks = blocks
        self.units = [_units(block.lines) for block in blocks]
        self.title: str | None = None
        self.title_had_number = False
        self.item_number = item_number
        self.sections: list[_DraftSection] = []
        self.resolutions: list[_DraftResolution] = []
        self.documents: list[str] = []
        self.resolution: _DraftResolution | None = None  # open for parts or text
        # Where a lower-case paragraph after a page break would continue:
        # a point, a resolution's text, or its last part.
        self.last_point: _DraftPoint | None = None
        self.last_target: tuple[str, _DraftPoint | _DraftResolution] | None = None
        self.pending_marker = ""
        self.pending_bullet = False

    # -- the walk

    def run(self) -> None:
        mode = "header"
        for index, block in enumerate(self.blocks):
            if block.kind is _BlockKind.MINUTES_LABEL:
                mode = "body"
                continue
            if block.kind is _BlockKind.DOCUMENTS_LABEL:
                mode = "documents"
                self._close_resolution()
                continue
            units = self.units[index]
            if mode == "documents":
                if units and units[0].kind is _UnitKind.RESOLUTION:
                    mode = "body"
                else:
                    self.documents.extend(_clean_document(line) for line in block.lines)
                    continue
            if mode == "header":
                if self._header(index):
                    continue
                mode = "body"
            self._body(index, units)
        self._flush_pending()
        self._close_resolution()

    def _header(self, index: int) -> bool:
        """Take the item number and the title from the first blocks; False when the body starts.

        Before the title: a number alone is the item number, and the first
        title-like paragraph is the title. After it: the title again
        (ModernGov prints it as the page's heading and again with the item
        number) is taken too; and a title-like paragraph with an
        item number, after a title without one, is the item's own title line
        (the earlier line was the heading of a PDF page, and becomes a point).
        """
        text = _join_lines(self.blocks[index].lines)
        alone = _ITEM_NUMBER_ALONE.fullmatch(text)
        if alone is not None and self.title is None:
            self.item_number = self.item_number or alone.group("number")
            return True
        units = self.units[index]
        # "4. Title" reads as a numbered line; the number is the item's.
        if len(units) != 1 or units[0].kind not in {_UnitKind.TEXT, _UnitKind.PART}:
            return False
        title, number = _clean_title(text)
        if not _looks_like_title(title):
            return False
        if self.title is None:
            self.title = title
        elif title == self.title:
            pass  # the title again
        elif number is not None and not self.title_had_number:
            self._add_point(_Unit(_UnitKind.TEXT, [self.title]))
            self.title = title
        else:
            return False
        if number is not None:
            self.item_number = number
            self.title_had_number = True
        return True

    def _body(self, index: int, units: Sequence[_Unit]) -> None:
        for position, unit in enumerate(units):
            if position == 0:
                self._first_unit(index, unit, alone=len(units) == 1)
            else:
                self._later_unit(unit)

    def _first_unit(self, index: int, unit: _Unit, *, alone: bool) -> None:
        if unit.kind is _UnitKind.RESOLUTION:
            self._start_resolution(unit)
            return
        if self._continue_after_break(unit):
            return
        unit = self._apply_pending(unit)
        if unit.is_bare:
            self._hold_marker(unit)
            return
        if self._into_resolution(unit):
            return
        self._close_resolution()
        one_line = alone and unit.kind is _UnitKind.TEXT and len(unit.lines) == 1
        if one_line and self._is_heading(index):
            self.sections.append(_DraftSection(unit.text))
            self.last_point = None
            self.last_target = None
            return
        self._add_point(unit)

    def _into_resolution(self, unit: _Unit) -> bool:
        """Give a paragraph to the open resolution: its text after "Decision:", or a part."""
        resolution = self.resolution
        if resolution is None:
            return False
        if resolution.absorbing:
            resolution.absorbing = False
            if unit.kind is _UnitKind.TEXT:
                resolution.text = unit.text
                self.last_target = ("resolution", resolution)
            else:
                self._add_part(resolution, unit)
            return True
        if unit.kind is not _UnitKind.TEXT and (resolution.parts or _opens_list(resolution.text)):
            self._add_part(resolution, unit)
            return True
        return False

    def _later_unit(self, unit: _Unit) -> None:
        if unit.kind is _UnitKind.RESOLUTION:
            self._start_resolution(unit)
            return
        unit = self._apply_pending(unit)
        if unit.is_bare:
            self._hold_marker(unit)
            return
        resolution = self.resolution
        if resolution is not None and unit.kind is not _UnitKind.TEXT:
            resolution.absorbing = False
            self._add_part(resolution, unit)
            return
        self._close_resolution()
        self._add_point(unit)

    # -- pieces

    def _continue_after_break(self, unit: _Unit) -> bool:
        """A lower-case paragraph after one that stopped mid-sentence continues it."""
        text = unit.text
        pending = self.pending_marker or self.pending_bullet
        if unit.kind is not _UnitKind.TEXT or not _starts_lower(text) or pending:
            return False
        if self.last_target is None:
            return False
        where, target = self.last_target
        if isinstance(target, _DraftPoint):
            current = target.text
        else:
            current = target.parts[-1] if where == "part" else target.text
        if not current or current[-1:] in _CLAUSE_END:
            return False
        joined = _join_lines([current, text])
        if isinstance(target, _DraftPoint):
            target.text = joined
        elif where == "part":
            target.parts[-1] = joined
        else:
            target.text = joined
        return True

    def _apply_pending(self, unit: _Unit) -> _Unit:
        """A number or bullet alone on a line belongs to what follows it."""
        if self.pending_marker:
            marker, self.pending_marker = self.pending_marker, ""
            if unit.kind is _UnitKind.PART:
                return _Unit(_UnitKind.TEXT, [marker, *unit.lines])
            return _Unit(_UnitKind.PART, [marker, *unit.lines], marker=marker)
        if self.pending_bullet and unit.kind is _UnitKind.TEXT:
            self.pending_bullet = False
            return _Unit(_UnitKind.BULLET, unit.lines)
        self.pending_bullet = False
        return unit

    def _hold_marker(self, unit: _Unit) -> None:
        if unit.kind is _UnitKind.PART:
            self.pending_marker = unit.marker
        elif unit.kind is _UnitKind.BULLET:
            self.pending_bullet = True
        # An empty TEXT unit was a paragraph number alone: numbering, not text.

    def _flush_pending(self) -> None:
        """A number with nothing after it is still placed: a part, or the last point."""
        if self.pending_marker:
            marker, self.pending_marker = self.pending_marker, ""
            unit = _Unit(_UnitKind.PART, [marker], marker=marker)
            if not self._into_resolution(unit):
                self._add_point(unit)

    def _start_resolution(self, unit: _Unit) -> None:
        self._flush_pending()
        previous = self.resolution
        if previous is not None and previous.absorbing and previous.is_empty:
            # "Decision:" with the resolution itself on the next line: one.
            self.resolutions.remove(previous)
        self._close_resolution()
        text = unit.text
        resolution = _DraftResolution(unit.label, text, absorbing=unit.separated and not text)
        self.resolutions.append(resolution)
        self.resolution = resolution
        self.last_target = ("resolution", resolution)

    def _add_part(self, resolution: _DraftResolution, unit: _Unit) -> None:
        resolution.parts.append(unit.text)
        self.last_target = ("part", resolution)

    def _close_resolution(self) -> None:
        self.resolution = None

    def _section(self) -> _DraftSection:
        if not self.sections:
            self.sections.append(_DraftSection(None))
        return self.sections[-1]

    def _add_point(self, unit: _Unit) -> None:
        section = self._section()
        is_list_item = unit.kind in {_UnitKind.BULLET, _UnitKind.PART}
        inherits: _DraftPoint | None = None
        previous = self.last_point
        if is_list_item and previous is not None and previous in section.points:
            if previous.is_list_item and previous.inherits is not None:
                inherits = previous.inherits
            elif previous.text.endswith(":"):
                inherits = previous
        point = _DraftPoint(unit.text, inherits=inherits, is_list_item=is_list_item)
        section.points.append(point)
        self.last_point = point
        self.last_target = ("point", point)

    def _is_heading(self, index: int) -> bool:
        """Rule 3: a heading-like line, then a paragraph (not a resolution, not lower case)."""
        if not _looks_like_heading(_join_lines(self.blocks[index].lines)):
            return False
        for following in range(index + 1, len(self.blocks)):
            block = self.blocks[following]
            if block.kind is not _BlockKind.TEXT:
                return False
            units = self.units[following]
            first = units[0] if units else None
            if first is None or (first.kind is _UnitKind.TEXT and not first.text):
                continue  # a paragraph number alone: look past it
            return first.kind is not _UnitKind.RESOLUTION and not _starts_lower(first.text)
        return False

    # -- the result

    def result(self) -> ParsedMinutes:
        sections = tuple(
            ParsedSection(
                section.heading,
                tuple(ParsedPoint(self._kind(point), point.text) for point in section.points),
            )
            for section in self.sections
        )
        presenters = [
            presenter
            for section in sections
            for point in section.points
            for presenter in find_presenters(point.text)
        ]
        resolutions, repeats = _deduplicate(self.resolutions)
        return ParsedMinutes(
            title=self.title,
            presenters=_merge_presenters(presenters),
            sections=sections,
            resolutions=resolutions,
            supporting_documents=tuple(self.documents),
            item_number=self.item_number,
            repeated_decisions=repeats,
        )

    @staticmethod
    def _kind(point: _DraftPoint) -> PointKind:
        if point.inherits is not None:
            return classify_point(point.inherits.text)
        return classify_point(point.text)


def _frozen(resolution: _DraftResolution) -> ParsedResolution:
    return ParsedResolution(resolution.label, resolution.text, tuple(resolution.parts))


def _deduplicate(
    resolutions: Sequence[_DraftResolution],
) -> tuple[tuple[ParsedResolution, ...], tuple[ParsedResolution, ...]]:
    """Rule 7's last sentence: the resolutions, and the repeats folded into them."""
    kept: list[_DraftResolution] = []
    repeats: list[ParsedResolution] = []
    for resolution in resolutions:
        key = resolution.key()
        for index, seen in enumerate(kept):
            seen_key = seen.key()
            decision = "Decision" in {seen.label, resolution.label}
            if not (decision and key and seen_key and (key in seen_key or seen_key in key)):
                continue
            # The same words: the minutes' own resolution, not the "Decision"
            # block, keeps its numbering; otherwise the fuller of the two.
            if key == seen_key:
                content = seen if resolution.label == "Decision" else resolution
            else:
                content = resolution if len(key) > len(seen_key) else seen
            repeats.append(_frozen(resolution if content is seen else seen))
            label = seen.label if resolution.label == "Decision" else resolution.label
            kept[index] = _DraftResolution(label, content.text, list(content.parts))
            break
        else:
            kept.append(resolution)
    return tuple(_frozen(resolution) for resolution in kept), tuple(repeats)


# ------------------------------------------------------------------ the public functions


def parse_published_minutes(text: str) -> ParsedMinutes:
    """The structure of one agenda item's published minutes; see the module docstring."""
    blocks, item_number = _blocks(text)
    assembler = _Assembler(blocks, item_number)
    assembler.run()
    return assembler.result()


def split_part_label(part: str) -> tuple[str, str]:
    """ "(1) That …" → ("(1)", "That …"); a part without a number → ("", part)."""
    match = _PART_MARKER.match(part)
    if match is None:
        return "", part
    return match.group(), part[match.end() :].strip()


def _placeable_content(line: str) -> str:
    """What of a line must be found placed: less labels, markers and decorations at its ends.

    Only a prefix or a suffix is ever removed, so what is left is a piece of
    the line whatever the parser made of it.
    """
    if _ITEM_NUMBER_ALONE.fullmatch(line):
        return ""
    for pattern in (_MINUTES_LABEL, _DOCUMENTS_LABEL, _PARAGRAPH_NUMBER):
        match = pattern.match(line)
        if match is not None:
            line = line[match.end() :]
    label = _label_first(line)
    if label is not None:
        line = line[label.end() :]
    for pattern in (_STRONG_BULLET, _WEAK_BULLET, _ITEM_NUMBER):
        match = pattern.match(line)
        if match is not None:
            line = line[match.end() :]
    return _squash(_DECORATION.sub("", line))


def unplaced_paragraphs(text: str, parsed: ParsedMinutes) -> tuple[str, ...]:
    """The input's paragraphs (folded) that ``parsed`` does not hold; empty when none is lost.

    Independent of how the parser built its structure: each line of each
    paragraph, less recognised chrome, labels, bullet markers, paragraph
    numbers and file decorations, must be found (whitespace aside) inside one
    placed string — the title, the item number, a heading, a point, a
    resolution's label, text or part, a supporting document, or a repeated
    "Decision" folded into a resolution (``repeated_decisions``).
    """
    resolutions = (*parsed.resolutions, *parsed.repeated_decisions)
    placed = [
        parsed.title or "",
        parsed.item_number or "",
        *(section.heading or "" for section in parsed.sections),
        *(point.text for point in parsed.points),
        *(piece for res in resolutions for piece in (res.label, res.text, *res.parts)),
        *parsed.supporting_documents,
    ]
    # Squashed pieces hold no whitespace, so joined with spaces a squashed line
    # is found in the whole exactly when it is found in one piece.
    everything = " ".join(_squash(piece) for piece in placed if piece)
    missing: list[str] = []
    for paragraph in _raw_paragraphs(text):
        for line in _content_lines(paragraph):
            content = _placeable_content(line)
            if content and content not in everything:
                missing.append(_fold(" ".join(paragraph)))
                break
    return tuple(missing)
