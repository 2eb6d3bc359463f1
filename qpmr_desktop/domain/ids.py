"""Typed identifiers, so that an indicator id is never passed where an action id is due."""

from __future__ import annotations

from typing import NewType

CommitteeId = NewType("CommitteeId", int)
MeetingId = NewType("MeetingId", int)
PersonId = NewType("PersonId", int)
AgendaItemId = NewType("AgendaItemId", int)
SectionId = NewType("SectionId", int)
PointId = NewType("PointId", int)
ResolutionId = NewType("ResolutionId", int)
ResolutionPartId = NewType("ResolutionPartId", int)
PresenterId = NewType("PresenterId", int)
DocumentId = NewType("DocumentId", int)
AttendanceId = NewType("AttendanceId", int)
DeclarationId = NewType("DeclarationId", int)
AmendmentId = NewType("AmendmentId", int)
IndicatorId = NewType("IndicatorId", int)
IndicatorValueId = NewType("IndicatorValueId", int)
PlanId = NewType("PlanId", int)
PriorityAreaId = NewType("PriorityAreaId", int)
ActionId = NewType("ActionId", int)
PlanEventId = NewType("PlanEventId", int)
