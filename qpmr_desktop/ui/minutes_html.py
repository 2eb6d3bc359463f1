"""Rich text for the Minutes tab: the read view of an item and its meeting's context.

Contract: every function takes read models and returns HTML for a
``QTextBrowser``. Every piece of text from the database goes through
``html.escape`` exactly once (``_text``), so minutes full of ``<``, ``&``,
quotes, emoji or non-Latin letters show verbatim and can never inject markup.
Only the subset of HTML and CSS that Qt's rich-text engine supports is used.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    DeclarationView,
    ItemMinutes,
    MeetingSummary,
    Presenter,
    ResolutionView,
)
from qpmr_desktop.ui.chips import BLUE, GREY, STATUS_COLOURS, badge_html
from qpmr_desktop.ui.formatting import clock_time, long_date
from qpmr_desktop.ui.minutes_model import item_label

SAMPLE_NOTICE = "Sample data: this item is not from a published source."
_MUTED = f"color: {GREY};"


def section_anchor(ident: int) -> str:
    return f"section-{ident}"


def point_anchor(ident: int) -> str:
    return f"point-{ident}"


def resolution_anchor(ident: int) -> str:
    return f"resolution-{ident}"


def _text(text: str) -> str:
    """Escaped text, with the line breaks a person typed kept as line breaks."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def presented_by(presenters: Sequence[Presenter]) -> str:
    """The presenters line: "Presented by Donna Talbot, Head of …, and Richard Cooke, …"."""
    people = [f"{p.name}, {p.role}" if p.role else p.name for p in presenters]
    if not people:
        return ""
    if len(people) == 1:
        return f"Presented by {people[0]}"
    with_roles = any(p.role for p in presenters)
    if len(people) == 2:
        joiner = ", and " if with_roles else " and "
        return f"Presented by {people[0]}{joiner}{people[1]}"
    separator = "; " if with_roles else ", "
    return f"Presented by {separator.join(people[:-1])}{separator}and {people[-1]}"


def status_badge(status: MinutesStatus) -> str:
    return badge_html(html.escape(status.label.upper()), STATUS_COLOURS[status])


def _resolution_html(resolution: ResolutionView) -> str:
    body = f"<b>{_text(resolution.label)}:</b> {_text(resolution.text)}"
    if resolution.parts:
        rows = "".join(
            f"<tr><td>{_text(label)}</td><td>{_text(text)}</td></tr>"
            for label, text in resolution.parts
        )
        body += f'<table cellspacing="0" cellpadding="2">{rows}</table>'
    # A one-cell table is the box: Qt's rich text draws table borders, not div borders.
    return (
        '<table width="100%" cellspacing="0" cellpadding="8" border="1" '
        f'style="border-style: solid; border-color: {BLUE}; '
        f'background-color: #f2f7fb; margin-top: 10px;">'
        f"<tr><td>{body}</td></tr></table>"
    )


def _item_heading(number: str, title: str, meeting: MeetingSummary) -> list[str]:
    where = f"{meeting.committee}, {long_date(meeting.date)}"
    return [
        f"<h2>{_text(item_label(number, title))}</h2>",
        # The lifecycle shows beside the item too: approved minutes must look final.
        f'<p>{status_badge(meeting.status)}&nbsp; <span style="{_MUTED}">{_text(where)}</span></p>',
    ]


def item_heading_html(item: AgendaItemSummary, meeting: MeetingSummary) -> str:
    """The first lines of ``item_minutes_html``, from the tree's summaries alone.

    What the read view shows while the Minutes tab first paints; the minutes
    follow a moment later (see ``minutes_tab``).
    """
    return "\n".join(_item_heading(item.number, item.title, meeting))


def item_minutes_html(minutes: ItemMinutes) -> str:
    """The minutes of one agenda item as they read in the published record."""
    parts = _item_heading(minutes.number, minutes.title, minutes.meeting)
    line = presented_by(minutes.presenters)
    if line:
        parts.append(f'<p style="{_MUTED}"><i>{_text(line)}</i></p>')
    if minutes.is_sample:
        parts.append(f'<p style="{_MUTED}"><i>{_text(SAMPLE_NOTICE)}</i></p>')
    for section in minutes.sections:
        anchor = f'<a name="{section_anchor(section.id)}"></a>'
        if section.heading:
            parts.append(f"<h3>{anchor}{_text(section.heading)}</h3>")
        else:
            parts.append(anchor)
        for point in section.points:
            kind = (
                f'<span style="{_MUTED} font-size: small;">{_text(point.kind.label.upper())}</span>'
            )
            anchor = f'<a name="{point_anchor(point.id)}"></a>'
            parts.append(f"<p>{anchor}{kind}&nbsp;&nbsp;{_text(point.text)}</p>")
    for resolution in minutes.resolutions:
        parts.append(f'<a name="{resolution_anchor(resolution.id)}"></a>')
        parts.append(_resolution_html(resolution))
    if not minutes.sections and not minutes.resolutions:
        parts.append(f'<p style="{_MUTED}">Nothing has been minuted for this item yet.</p>')
    return "\n".join(parts)


def _when(meeting: MeetingSummary) -> str:
    when = long_date(meeting.date)
    time = clock_time(meeting.start_time)
    return f"{when} at {time}" if time else when


def meeting_overview_html(meeting: MeetingSummary, items: Sequence[AgendaItemSummary]) -> str:
    """What a selected meeting shows in the read view: its opening line and its agenda."""
    venue = f" in {meeting.venue}" if meeting.venue else ""
    opening = f"Minutes of the meeting of the {meeting.committee} held on {_when(meeting)}{venue}."
    parts = [
        f"<h2>{_text(meeting.committee)}</h2>",
        f"<p>{_text(opening)} {status_badge(meeting.status)}</p>",
    ]
    if items:
        rows = "".join(f"<li>{_text(item_label(item.number, item.title))}</li>" for item in items)
        parts.append(f"<h3>Agenda</h3><ul>{rows}</ul>")
    parts.append(f'<p style="{_MUTED}">Select an agenda item to read its minutes.</p>')
    return "\n".join(parts)


def _lifecycle_html(status: MinutesStatus) -> str:
    steps = []
    for step in MinutesStatus:
        if step is status:
            steps.append(status_badge(step))
        else:
            steps.append(f'<span style="{_MUTED}">{_text(step.label.lower())}</span>')
    return " ▸ ".join(steps)


def _declaration_html(declaration: DeclarationView) -> str:
    text = f"{declaration.member} ({declaration.kind})"
    if declaration.text:
        text += f": {declaration.text}"
    return f"<li>{_text(text)}</li>"


def meeting_context_html(meeting: MeetingSummary, minutes: ItemMinutes | None = None) -> str:
    """The context panel: the meeting, its lifecycle, and the item's declarations and papers."""
    parts = [
        f'<p style="{_MUTED}">MEETING</p>',
        f"<p><b>{_text(meeting.committee)}</b></p>",
        f"<p>{_text(long_date(meeting.date))}",
    ]
    if meeting.start_time is not None:
        parts.append(f"<br>{_text(clock_time(meeting.start_time))}")
    if meeting.venue:
        parts.append(f"<br>{_text(meeting.venue)}")
    parts.append("</p>")
    count = meeting.item_count
    parts.append(f"<p>{count} agenda item{'' if count == 1 else 's'}</p>")
    parts.append(f'<p style="{_MUTED}">MINUTES</p><p>{_lifecycle_html(meeting.status)}</p>')
    if minutes is not None:
        parts.append(f'<p style="{_MUTED}">DECLARATIONS OF INTEREST</p>')
        if minutes.declarations:
            rows = "".join(_declaration_html(d) for d in minutes.declarations)
            parts.append(f"<ul>{rows}</ul>")
        else:
            parts.append("<p>None declared</p>")
        if minutes.documents:
            parts.append(f'<p style="{_MUTED}">SUPPORTING DOCUMENTS</p>')
            rows = "".join(
                f'<li><a href="{html.escape(doc.url, quote=True)}">{_text(doc.title)}</a></li>'
                if doc.url and doc.url.startswith(("https://", "http://"))
                else f"<li>{_text(doc.title)}</li>"
                for doc in minutes.documents
            )
            parts.append(f"<ul>{rows}</ul>")
    return "\n".join(parts)
