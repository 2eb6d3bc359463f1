"""The vocabulary of minutes: kinds of point, the lifecycle, attendance roles.

Minutes are written in the past tense, reported speech, third person. An agenda
item holds ordered sections (the heading may be empty), each holding ordered
points of a kind, and one or more resolutions.
"""

from __future__ import annotations

from enum import StrEnum


class PointKind(StrEnum):
    """What a paragraph of minutes does; shown as a badge in the editor."""

    PRESENTED = "presented"
    NOTED = "noted"
    REPORTED = "reported"
    DISCUSSION = "discussion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class MinutesStatus(StrEnum):
    """The lifecycle of a meeting's minutes: draft → circulated → approved."""

    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AttendanceRole(StrEnum):
    MEMBER = "member"
    CHAIR = "chair"
    SUBSTITUTE = "substitute"
    OFFICER = "officer"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class DeclarationKind(StrEnum):
    DISCLOSABLE_PECUNIARY = "disclosable pecuniary"
    OTHER_REGISTRABLE = "other registrable"
    NON_REGISTRABLE = "non-registrable"
    NONE = "none"
