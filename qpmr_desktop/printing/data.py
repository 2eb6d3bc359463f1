"""Plain input data for the printed documents: what a caller hands the printer.

Contract:
- Printing never reads the database (import-linter forbids it): callers build
  these frozen dataclasses from the services' read models and pass them to a
  ``render_*`` function. Field names follow the read models
  (``services.read_models``: ``MeetingSummary``, ``Presenter``, ``PointView``,
  ``SectionView``, ``ResolutionView``, ``DeclarationView``, ``DocumentView``,
  ``ItemMinutes``) so that the mapping is one to one; ``item_minutes_data``
  does it in one call for anything shaped like ``ItemMinutes`` (described here
  by Protocols, so this module needs no import from ``services``).
- What the read models do not hold yet is here with an empty default:
  amendments after approval, and a meeting's attendance.
- Every text field is plain text, never markup: a ``<b>`` typed by a clerk
  prints as the three characters ``<b>``.
- This module imports no ReportLab, so building input data is cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qpmr_desktop.domain.minutes import MinutesStatus, PointKind


@dataclass(frozen=True, slots=True)
class CouncilInfo:
    """Who publishes the papers: from File → Settings… (name, optional logo)."""

    name: str
    logo_path: Path | None = None  # PNG or JPEG; None (or a file that is gone) prints no logo


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """The meeting minuted; ``MeetingSummary`` without its id and item count."""

    committee: str
    date: dt.date
    start_time: dt.time | None
    venue: str
    status: MinutesStatus
    is_sample: bool = False  # date, venue or attendance invented for the demo

    @property
    def approved(self) -> bool:
        return self.status is MinutesStatus.APPROVED


@dataclass(frozen=True, slots=True)
class PresenterData:
    name: str
    role: str  # job title as stated in the minutes; "" prints the name alone


@dataclass(frozen=True, slots=True)
class PointData:
    """One paragraph. ``kind`` is metadata only: published minutes read as prose."""

    kind: PointKind
    text: str


@dataclass(frozen=True, slots=True)
class SectionData:
    heading: str | None  # None or "" for the untitled opening section
    points: tuple[PointData, ...]


@dataclass(frozen=True, slots=True)
class ResolutionData:
    label: str  # "Resolved", or "Resolved (ii)" when an item has several
    text: str  # "That …"; may be "" when the parts carry the decision
    parts: tuple[tuple[str, str], ...] = ()  # ((label, text), …): (("(i)", "That …"),)


@dataclass(frozen=True, slots=True)
class DeclarationData:
    member: str
    kind: str  # a DeclarationKind's value: "disclosable pecuniary", "other registrable", …
    text: str


@dataclass(frozen=True, slots=True)
class DocumentData:
    title: str
    file_path: str | None = None  # not printed: a path on the clerk's laptop means nothing on paper
    url: str | None = None  # printed, and a link when it is http(s) or mailto


@dataclass(frozen=True, slots=True)
class AmendmentData:
    """A correction recorded after the minutes were approved."""

    what: str
    who: str
    when: dt.date | dt.datetime
    reason: str


@dataclass(frozen=True, slots=True)
class ItemMinutesData:
    """Everything minuted for one agenda item, in order (``ItemMinutes``)."""

    meeting: MeetingInfo
    number: str
    title: str
    presenters: tuple[PresenterData, ...] = ()
    sections: tuple[SectionData, ...] = ()
    resolutions: tuple[ResolutionData, ...] = ()
    declarations: tuple[DeclarationData, ...] = ()
    documents: tuple[DocumentData, ...] = ()
    amendments: tuple[AmendmentData, ...] = ()
    is_sample: bool = False  # minutes invented for the demo, not published


@dataclass(frozen=True, slots=True)
class AttendeeData:
    """One person at (or sending apologies to) a meeting."""

    name: str
    role: str = ""  # an officer's job title; printed after the name
    is_chair: bool = False
    substitute_for: str | None = None  # for a substitute: whose place they took


@dataclass(frozen=True, slots=True)
class MeetingMinutesData:
    """A meeting's minutes: attendance, then every item in agenda order."""

    meeting: MeetingInfo
    items: tuple[ItemMinutesData, ...]
    present: tuple[AttendeeData, ...] = ()  # members present, the chair first
    apologies: tuple[AttendeeData, ...] = ()
    substitutes: tuple[AttendeeData, ...] = ()
    officers: tuple[AttendeeData, ...] = ()  # officers in attendance


# ------------------------------------------------------------------ adapting read models
# The Protocols describe the read models' shape with read-only properties, so
# frozen dataclasses (``services.read_models``) satisfy them as they are.


class MeetingSource(Protocol):
    @property
    def committee(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def start_time(self) -> dt.time | None: ...
    @property
    def venue(self) -> str: ...
    @property
    def status(self) -> MinutesStatus: ...
    @property
    def is_sample(self) -> bool: ...


class PresenterSource(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...


class PointSource(Protocol):
    @property
    def kind(self) -> PointKind: ...
    @property
    def text(self) -> str: ...


class SectionSource(Protocol):
    @property
    def heading(self) -> str | None: ...
    @property
    def points(self) -> Sequence[PointSource]: ...


class ResolutionSource(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def parts(self) -> Sequence[tuple[str, str]]: ...


class DeclarationSource(Protocol):
    @property
    def member(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...


class DocumentSource(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def file_path(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...


class ItemMinutesSource(Protocol):
    @property
    def meeting(self) -> MeetingSource: ...
    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def presenters(self) -> Sequence[PresenterSource]: ...
    @property
    def sections(self) -> Sequence[SectionSource]: ...
    @property
    def resolutions(self) -> Sequence[ResolutionSource]: ...
    @property
    def declarations(self) -> Sequence[DeclarationSource]: ...
    @property
    def documents(self) -> Sequence[DocumentSource]: ...
    @property
    def is_sample(self) -> bool: ...


def meeting_info(meeting: MeetingSource) -> MeetingInfo:
    """``MeetingInfo`` from a ``MeetingSummary`` (or anything shaped like one)."""
    return MeetingInfo(
        committee=meeting.committee,
        date=meeting.date,
        start_time=meeting.start_time,
        venue=meeting.venue,
        status=meeting.status,
        is_sample=meeting.is_sample,
    )


def item_minutes_data(
    minutes: ItemMinutesSource, *, amendments: Sequence[AmendmentData] = ()
) -> ItemMinutesData:
    """``ItemMinutesData`` from an ``ItemMinutes`` read model, field for field."""
    return ItemMinutesData(
        meeting=meeting_info(minutes.meeting),
        number=minutes.number,
        title=minutes.title,
        presenters=tuple(PresenterData(name=p.name, role=p.role) for p in minutes.presenters),
        sections=tuple(
            SectionData(
                heading=s.heading,
                points=tuple(PointData(kind=p.kind, text=p.text) for p in s.points),
            )
            for s in minutes.sections
        ),
        resolutions=tuple(
            ResolutionData(label=r.label, text=r.text, parts=tuple(r.parts))
            for r in minutes.resolutions
        ),
        declarations=tuple(
            DeclarationData(member=d.member, kind=d.kind, text=d.text) for d in minutes.declarations
        ),
        documents=tuple(
            DocumentData(title=d.title, file_path=d.file_path, url=d.url) for d in minutes.documents
        ),
        amendments=tuple(amendments),
        is_sample=minutes.is_sample,
    )
