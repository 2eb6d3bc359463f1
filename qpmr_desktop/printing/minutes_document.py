"""Minutes as the council publishes them: one agenda item, or a whole meeting.

Contract:
- ``render_item_minutes(item, council=…)`` prints one item: the meeting it
  belongs to, its number and title, "Presented by NAME, ROLE and NAME,
  ROLE", every section heading and every paragraph in order, the
  resolutions set apart in a tinted panel ("Resolved:" in bold, then the
  text, then the numbered parts), declarations of interest, supporting
  documents, and amendments made after approval.
- ``render_meeting_minutes(meeting, council=…)`` prints the opening "Minutes
  of the meeting of the … held on …, at … in …", who was present (the chair
  marked "(Chair)"), apologies, substitutes and officers in attendance,
  every item as above, and the chair's signature block.
- Paragraph kinds (noted, reported …) are not printed: published minutes
  read as prose. They stay in the input data only.
- Unless the meeting's minutes are approved, every page carries "DRAFT —
  subject to approval". Minutes invented for the demo say "Sample data —
  not from a published source".
- Text is printed verbatim (see ``document.escape_text``); empty sections,
  items without resolutions and meetings without items print without error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import FrameBG, HRFlowable

from qpmr_desktop.printing.data import (
    AmendmentData,
    AttendeeData,
    CouncilInfo,
    DeclarationData,
    DocumentData,
    ItemMinutesData,
    MeetingInfo,
    MeetingMinutesData,
    ResolutionData,
)
from qpmr_desktop.printing.document import (
    DRAFT_WATERMARK,
    CouncilDocument,
    DocumentMetadata,
    MeasuredParagraph,
    PageDecoration,
    clock_time,
    join_names,
    long_date,
    short_date,
)
from qpmr_desktop.printing.styles import Palette

SAMPLE_NOTE = "Sample data \u2014 not from a published source"
_URL_SCHEMES = ("http://", "https://", "mailto:")
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(number: int) -> str:
    # As services.minutes.roman_numeral, which printing may not import.
    digits = []
    for value, letters in _ROMAN:
        times, number = divmod(number, value)
        digits.append(letters * times)
    return "".join(digits)


def meeting_sentence(meeting: MeetingInfo, *, lead: str = "Minutes") -> str:
    """ "Minutes of the meeting of the X held on Tuesday, 12 September 2017, at 2.00 pm in Y"."""
    held = f"held on {long_date(meeting.date)}"
    sentence = f"{lead} of the meeting of the {meeting.committee.strip()} {held}"
    if meeting.start_time is not None:
        sentence += f", at {clock_time(meeting.start_time)}"
    if meeting.venue.strip():
        sentence += f" in {meeting.venue.strip()}"
    return sentence


class _MinutesDocument(CouncilDocument):
    """What item and meeting minutes share: the page decoration and how an item prints."""

    def __init__(self, *, meeting: MeetingInfo, council: CouncilInfo, outline_offset: int) -> None:
        super().__init__(council=council, outline_offset=outline_offset)
        self.meeting = meeting

    def decoration(self) -> PageDecoration:
        return PageDecoration(
            header_right=(self.meeting.committee, long_date(self.meeting.date)),
            footer_left=self.footer_title(),
            watermark=None if self.meeting.approved else DRAFT_WATERMARK,
        )

    def footer_title(self) -> str:
        # The committee is in the running header; the footer says what the paper is.
        state = "Minutes" if self.meeting.approved else "Draft minutes"
        return f"{state} of the meeting on {short_date(self.meeting.date)}"

    # ---- one item

    def item_flowables(
        self, item: ItemMinutesData, *, title_style: str, level: int
    ) -> list[Flowable]:
        """An item's minutes; its heading at outline ``level``, its sections one below."""
        story: list[Flowable] = [self.heading(_numbered(item), title_style, level=level)]
        if item.is_sample:
            story.append(self.note(SAMPLE_NOTE))
        if item.presenters:
            presenters = [
                f"{p.name.strip()}, {p.role.strip()}" if p.role.strip() else p.name.strip()
                for p in item.presenters
            ]
            story.append(self.paragraph(f"Presented by {join_names(presenters)}", "Presenters"))
        for section in item.sections:
            heading = (section.heading or "").strip()
            if heading:
                story.append(self.heading(heading, "Heading2", level=level + 1))
            story.extend(self.paragraph(point.text, "Point") for point in section.points)
        for resolution in item.resolutions:
            story.extend(self.resolution_flowables(resolution))
        if item.declarations:
            story.append(self.heading("Declarations of interest", "Heading3", level=level + 1))
            story.extend(self.declaration(declaration) for declaration in item.declarations)
        if item.documents:
            story.append(self.heading("Supporting documents", "Heading3", level=level + 1))
            story.extend(self.document_entry(document) for document in item.documents)
        if item.amendments:
            story.append(self.heading("Amendments after approval", "Heading3", level=level + 1))
            for amendment in item.amendments:
                story.extend(self.amendment(amendment))
        return story

    def resolution_flowables(self, resolution: ResolutionData) -> list[Flowable]:
        """The resolution indented beside a rule; it may run over pages.

        The rule is a ``FrameBG`` as narrow as a rule: it colours the frame
        from one marker to the next and carries over a page break, so a
        resolution of thirty parts stays one block (a table cell could not
        split inside a part, and ReportLab draws only the innermost
        ``FrameBG``, so a tint and a rule cannot be nested).
        """
        label = (resolution.label.strip() or "Resolved").rstrip(":")
        text = resolution.text.strip()
        opening = self.bold(f"{label}:")
        if text:
            opening += "\u2002" + self.escape(text, "ResolutionBox")
        bullets = [
            self.plain(part_label, "ResolutionPart") or f"({_roman(number)})"
            for number, (part_label, _) in enumerate(resolution.parts, start=1)
        ]
        part_style = self._hanging_style("ResolutionPart", bullets)
        parts: list[Flowable] = [
            MeasuredParagraph(
                self.escape(part_text, "ResolutionPart"),
                part_style,
                # Drawn as it is, not parsed as markup: cleaned, not escaped.
                bulletText=bullet,
            )
            for bullet, (_, part_text) in zip(bullets, resolution.parts, strict=True)
        ]
        bar_right = self.frame_size()[0] - 2.2
        return [
            CondPageBreak(30 * mm),  # never a lone "Resolved:" at the foot of a page
            Spacer(0, 4),
            FrameBG(color=Palette.ACCENT, right=bar_right, start=True),
            Spacer(0, 3),
            self.markup_paragraph(opening, "ResolutionBox"),
            *parts,
            FrameBG(start=False),
            Spacer(0, 8),
        ]

    def declaration(self, declaration: DeclarationData) -> Paragraph:
        kind = declaration.kind.strip()
        statement = declaration.member.strip()
        if kind and kind != "none":
            statement += f" declared {'an' if kind[0] in 'aeiou' else 'a'} {kind} interest"
        elif kind == "none":
            statement += " declared no interest"
        if declaration.text.strip():
            statement += f": {declaration.text.strip()}"
        return self.paragraph(statement, "ListItem", bulletText="\u2022")

    def document_entry(self, document: DocumentData) -> Paragraph:
        markup = self.escape(document.title, "ListItem")
        url = (document.url or "").strip()
        if url:
            shown = self.escape(url, "ListItem")
            if url.lower().startswith(_URL_SCHEMES):
                shown = f'<link href="{shown}" color="#1F3B5A">{shown}</link>'
            markup += f'<br/><font size="8.5" color="#5A6570">{shown}</font>'
        return self.markup_paragraph(markup, "ListItem", bulletText="\u2022")

    def amendment(self, amendment: AmendmentData) -> list[Flowable]:
        when = short_date(amendment.when)
        detail = f"Amended by {amendment.who.strip()} on {when}"
        if amendment.reason.strip():
            detail += f". Reason: {amendment.reason.strip()}"
        return [
            self.paragraph(amendment.what, "ListItem", bulletText="\u2022"),
            self.paragraph(detail, "ListNote"),
        ]

    def note(self, text: str) -> Flowable:
        """A short tinted note (sample data) that stands apart from the minutes."""
        return self.table(
            [[self.paragraph(text, "Note")]],
            col_widths=[self.frame_size()[0]],
            commands=[
                ("BACKGROUND", (0, 0), (-1, -1), Palette.NOTE_TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
            spaceAfter=8,
        )

    def _hanging_style(self, name: str, bullets: list[str]) -> ParagraphStyle:
        """``name`` with its hanging indent widened, if need be, for the widest label."""
        style = self.styles[name]
        widest = max(
            (stringWidth(bullet, style.bulletFontName, style.bulletFontSize) for bullet in bullets),
            default=0.0,
        )
        hang = style.leftIndent - style.bulletIndent
        if widest + 8 <= hang:
            return style
        return ParagraphStyle(
            name=f"{name}-wide", parent=style, leftIndent=style.bulletIndent + widest + 8
        )


class ItemMinutesDocument(_MinutesDocument):
    """The minutes of one agenda item, as an extract of its meeting's minutes."""

    def __init__(
        self, item: ItemMinutesData, *, council: CouncilInfo, outline_offset: int = 0
    ) -> None:
        super().__init__(meeting=item.meeting, council=council, outline_offset=outline_offset)
        self.item = item

    def metadata(self) -> DocumentMetadata:
        meeting = self.meeting
        number = f"{self.item.number.strip()} " if self.item.number.strip() else ""
        return DocumentMetadata(
            title=f"Minutes: {number}{self.item.title}".strip(),
            subject=f"{meeting.committee}, {short_date(meeting.date)}",
            keywords=("minutes", meeting.committee, short_date(meeting.date), meeting.status.label),
        )

    def footer_title(self) -> str:
        number = self.item.number.strip().rstrip(".")
        return f"{super().footer_title()}: item {number}" if number else super().footer_title()

    def story(self) -> list[Flowable]:
        opening = meeting_sentence(self.meeting, lead="Extract from the minutes")
        story: list[Flowable] = [self.paragraph(opening, "Subtitle")]
        story.extend(self.item_flowables(self.item, title_style="Title", level=0))
        return story


class MeetingMinutesDocument(_MinutesDocument):
    """A meeting's minutes: opening, attendance, every item, the chair's signature."""

    def __init__(
        self, minutes: MeetingMinutesData, *, council: CouncilInfo, outline_offset: int = 0
    ) -> None:
        super().__init__(meeting=minutes.meeting, council=council, outline_offset=outline_offset)
        self.minutes = minutes

    def metadata(self) -> DocumentMetadata:
        meeting = self.meeting
        return DocumentMetadata(
            title=f"Minutes: {meeting.committee}, {short_date(meeting.date)}",
            subject=meeting_sentence(meeting),
            keywords=("minutes", meeting.committee, short_date(meeting.date), meeting.status.label),
        )

    def story(self) -> list[Flowable]:
        meeting = self.meeting
        story: list[Flowable] = [
            self.heading(meeting.committee, "Title", level=0),
            self.paragraph(f"{meeting_sentence(meeting)}.", "Body"),
        ]
        if meeting.is_sample:
            story.append(self.note(SAMPLE_NOTE))
        attendance = self.attendance_table()
        if attendance is not None:
            story.append(attendance)
        story.append(
            HRFlowable(width="100%", thickness=0.5, color=Palette.RULE, spaceBefore=6, spaceAfter=2)
        )
        for item in self.minutes.items:
            story.extend(self.item_flowables(item, title_style="Heading1", level=1))
        story.append(self.signature_block())
        return story

    def attendance_table(self) -> Table | None:
        minutes = self.minutes
        groups: list[tuple[str, list[str]]] = [
            ("Present:", [_present_name(a) for a in _chair_first(minutes.present)]),
            ("Apologies:", [_person(a) for a in minutes.apologies]),
            ("Substitutes:", [_substitute(a) for a in minutes.substitutes]),
            ("Officers in attendance:", [_person(a) for a in minutes.officers]),
        ]
        rows: list[list[Flowable | str]] = []
        commands: list[tuple[Any, ...]] = []
        for label, names in groups:
            if not names:
                continue
            if rows:
                commands.append(("TOPPADDING", (0, len(rows)), (-1, len(rows)), 6))
            for index, name in enumerate(names):
                rows.append(
                    [
                        self.paragraph(label, "TableLabel") if index == 0 else "",
                        self.paragraph(name, "TableCell"),
                    ]
                )
        if not rows:
            return None
        label_style = self.styles["TableLabel"]
        label_width = 6 + max(
            stringWidth(label, label_style.fontName, label_style.fontSize)
            for label, names in groups
            if names
        )
        return self.table(
            rows,
            col_widths=[label_width, self.frame_size()[0] - label_width],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                *commands,
            ],
            spaceBefore=4,
            spaceAfter=8,
        )

    def signature_block(self) -> Flowable:
        blank = ""
        table = self.table(
            [[self.paragraph("Chair", "Label"), blank, self.paragraph("Date", "Label"), blank]],
            col_widths=[16 * mm, 80 * mm, 22 * mm, 42 * mm],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, Palette.INK),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, Palette.INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (2, 0), (2, 0), 8 * mm),
            ],
        )
        return KeepTogether([Spacer(0, 22 * mm), table])


def _numbered(item: ItemMinutesData) -> str:
    """ "4.\u2002Title": the number as the agenda gives it, with a full stop once."""
    number = item.number.strip()
    if not number:
        return item.title
    return f"{number if number.endswith('.') else number + '.'}\u2002{item.title}"


def _chair_first(attendees: Sequence[AttendeeData]) -> list[AttendeeData]:
    # A stable sort: the chair first, everyone else in the order given.
    return sorted(attendees, key=lambda attendee: not attendee.is_chair)


def _person(attendee: AttendeeData) -> str:
    name = attendee.name.strip()
    return f"{name}, {attendee.role.strip()}" if attendee.role.strip() else name


def _present_name(attendee: AttendeeData) -> str:
    return f"{_person(attendee)} (Chair)" if attendee.is_chair else _person(attendee)


def _substitute(attendee: AttendeeData) -> str:
    if attendee.substitute_for and attendee.substitute_for.strip():
        return f"{_person(attendee)} (for {attendee.substitute_for.strip()})"
    return _person(attendee)


def render_item_minutes(item: ItemMinutesData, *, council: CouncilInfo) -> bytes:
    """The minutes of one agenda item as PDF bytes."""
    return ItemMinutesDocument(item, council=council).render()


def render_meeting_minutes(meeting: MeetingMinutesData, *, council: CouncilInfo) -> bytes:
    """A meeting's minutes, every item in order, as PDF bytes."""
    return MeetingMinutesDocument(meeting, council=council).render()
