"""What the printed papers are made from: plain data gathered from the database.

The printing package takes plain data and never touches the database; these
use cases read what one document needs and hand it over in the printer's own
input types (``qpmr_desktop.printing.data``), so the command line and the
in-app preview print the same thing.

Contract:
- ``council_info`` — the council's name and logo from the database settings.
- ``item_minutes_for_print`` — one agenda item's minutes, with the amendments
  recorded after approval.
- ``meeting_minutes_for_print`` — a meeting's minutes: the record of
  attendance (members present with the chair marked, apologies, substitutes,
  officers in attendance) and every item in agenda order.
Unknown ids raise ``NotFoundError``.
"""

from __future__ import annotations

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import AttendanceRole, AttendanceStatus
from qpmr_desktop.printing.data import (
    AmendmentData,
    AttendeeData,
    CouncilInfo,
    ItemMinutesData,
    MeetingInfo,
    MeetingMinutesData,
    item_minutes_data,
)
from qpmr_desktop.services.minutes import (
    get_item_lifecycle,
    get_item_minutes,
    get_meeting_detail,
)
from qpmr_desktop.services.read_models import AmendmentView, AttendanceView
from qpmr_desktop.services.settings import COUNCIL_NAME, council_logo_path, get_setting
from qpmr_desktop.services.workspace import Workspace


def council_info(*, workspace: Workspace) -> CouncilInfo:
    """The council's name and logo, as set in File > Settings (or their defaults)."""
    return CouncilInfo(
        name=get_setting(workspace=workspace, setting=COUNCIL_NAME),
        logo_path=council_logo_path(workspace=workspace),
    )


def item_minutes_for_print(*, workspace: Workspace, item_id: AgendaItemId) -> ItemMinutesData:
    """One item's minutes as the printer takes them, amendments after approval included."""
    minutes = get_item_minutes(workspace=workspace, item_id=item_id)
    lifecycle = get_item_lifecycle(workspace=workspace, item_id=item_id)
    amendments = tuple(_amendment(amendment) for amendment in lifecycle.amendments)
    return item_minutes_data(minutes, amendments=amendments)


def meeting_minutes_for_print(*, workspace: Workspace, meeting_id: MeetingId) -> MeetingMinutesData:
    """A meeting's minutes as the printer takes them: attendance, then every item."""
    detail = get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
    items = tuple(
        item_minutes_for_print(workspace=workspace, item_id=item.id) for item in detail.items
    )
    attendance = detail.attendance
    members = [
        line
        for line in attendance
        if line.status is AttendanceStatus.PRESENT
        and line.role in {AttendanceRole.CHAIR, AttendanceRole.MEMBER}
    ]
    # The chair heads the list of members present, as minutes are written.
    members.sort(key=lambda line: line.role is not AttendanceRole.CHAIR)
    return MeetingMinutesData(
        meeting=MeetingInfo(
            committee=detail.committee,
            date=detail.date,
            start_time=detail.start_time,
            venue=detail.venue,
            status=detail.status,
            is_sample=detail.is_sample,
        ),
        items=items,
        present=tuple(_attendee(line) for line in members),
        apologies=tuple(
            _attendee(line) for line in attendance if line.status is AttendanceStatus.APOLOGIES
        ),
        substitutes=tuple(
            _attendee(line)
            for line in attendance
            if line.status is AttendanceStatus.PRESENT and line.role is AttendanceRole.SUBSTITUTE
        ),
        officers=tuple(
            _attendee(line, with_title=True)
            for line in attendance
            if line.status is AttendanceStatus.PRESENT and line.role is AttendanceRole.OFFICER
        ),
    )


def _attendee(line: AttendanceView, *, with_title: bool = False) -> AttendeeData:
    return AttendeeData(
        name=line.name,
        role=line.job_title if with_title else "",
        is_chair=line.role is AttendanceRole.CHAIR,
        substitute_for=line.substitute_for,
    )


def _amendment(amendment: AmendmentView) -> AmendmentData:
    # The editing function's name says what kind of change it was, in words.
    what = amendment.operation.replace("_", " ").capitalize()
    return AmendmentData(what=what, who=amendment.who, when=amendment.at, reason=amendment.reason)
