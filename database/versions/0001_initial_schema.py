"""Initial schema: committees and minutes, indicators, improvement plans, audit.

Revision ID: 0001_initial_schema
Revises:
Create Date: 2026-12-01 08:08:45

Generated with autogenerate from ``qpmr_desktop.storage.tables``, then
reviewed by hand:

- Enumerations are stored by value as text (``native_enum=False``, 40
  characters, no CHECK constraint, as in the models). Their values are written
  out here rather than imported, so this migration stays what it was when the
  domain's enumerations change.
- Foreign keys and unique constraints are named (``fk_<table>_<column>_<referred
  table>``, ``uq_<table>_<columns>``): a later migration on SQLite rebuilds a
  table to change a constraint, and can only drop one that has a name.
- Every foreign key column is indexed, as the models say (SQLite does not index
  them by itself, and ON DELETE actions search the child table).
- ``version`` on every editable row is for optimistic concurrency.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Keep each of these on one line: qpmr_desktop.storage.migrations reads them as text.
revision: str = "0001_initial_schema"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(*values: str) -> sa.Enum:
    """An enumeration stored as its value, in a VARCHAR(40)."""
    return sa.Enum(*values, native_enum=False, length=40)


def _fk(table: str, column: str, target: str, *, ondelete: str) -> sa.ForeignKey:
    referred_table = target.split(".", 1)[0]
    return sa.ForeignKey(target, name=f"fk_{table}_{column}_{referred_table}", ondelete=ondelete)


ACTION_STATUS = ("not started", "on track", "at risk", "off track", "complete")


def upgrade() -> None:
    _create_committees_and_minutes()
    _create_indicators()
    _create_improvement_plans()
    _create_audit()


def downgrade() -> None:
    # Children before parents, the reverse of upgrade(); indexes go with their tables.
    for table in (
        "audit_entry",
        "plan_event",
        "action_update",
        "action_indicator",
        "action",
        "priority_area",
        "improvement_plan",
        "indicator_value",
        "indicator",
        "theme",
        "setting",
        "declaration_of_interest",
        "resolution_part",
        "resolution",
        "minute_point",
        "minute_section",
        "supporting_document",
        "item_presenter",
        "agenda_item",
        "attendance",
        "meeting",
        "person",
        "committee",
    ):
        op.drop_table(table)


# ------------------------------------------------------------------ people, meetings, minutes


def _create_committees_and_minutes() -> None:
    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("name", name="uq_committee_name"),
    )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("job_title", sa.String(), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_person_name", "person", ["name"])

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "committee_id",
            sa.Integer(),
            _fk("meeting", "committee_id", "committee.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("venue", sa.String(), nullable=False),
        sa.Column("status", _enum("draft", "circulated", "approved"), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_meeting_committee_id", "meeting", ["committee_id"])
    op.create_index("ix_meeting_date", "meeting", ["date"])

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            _fk("attendance", "meeting_id", "meeting.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            _fk("attendance", "person_id", "person.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("role", _enum("member", "chair", "substitute", "officer"), nullable=False),
        sa.Column("status", _enum("present", "apologies", "absent"), nullable=False),
        sa.Column(
            "substitute_for_id",
            sa.Integer(),
            _fk("attendance", "substitute_for_id", "person.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_attendance_meeting_id_person_id"),
    )
    op.create_index("ix_attendance_meeting_id", "attendance", ["meeting_id"])
    op.create_index("ix_attendance_person_id", "attendance", ["person_id"])
    op.create_index("ix_attendance_substitute_for_id", "attendance", ["substitute_for_id"])

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            _fk("agenda_item", "meeting_id", "meeting.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_agenda_item_meeting_id", "agenda_item", ["meeting_id"])

    op.create_table(
        "item_presenter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            _fk("item_presenter", "agenda_item_id", "agenda_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            _fk("item_presenter", "person_id", "person.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_item_presenter_agenda_item_id", "item_presenter", ["agenda_item_id"])
    op.create_index("ix_item_presenter_person_id", "item_presenter", ["person_id"])

    op.create_table(
        "supporting_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            _fk("supporting_document", "agenda_item_id", "agenda_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("file_path", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_supporting_document_agenda_item_id", "supporting_document", ["agenda_item_id"]
    )

    op.create_table(
        "minute_section",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            _fk("minute_section", "agenda_item_id", "agenda_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("heading", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_minute_section_agenda_item_id", "minute_section", ["agenda_item_id"])

    op.create_table(
        "minute_point",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "section_id",
            sa.Integer(),
            _fk("minute_point", "section_id", "minute_section.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "kind",
            _enum("presented", "noted", "reported", "discussion", "other"),
            nullable=False,
        ),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_minute_point_section_id", "minute_point", ["section_id"])

    op.create_table(
        "resolution",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            _fk("resolution", "agenda_item_id", "agenda_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_resolution_agenda_item_id", "resolution", ["agenda_item_id"])

    op.create_table(
        "resolution_part",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "resolution_id",
            sa.Integer(),
            _fk("resolution_part", "resolution_id", "resolution.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_resolution_part_resolution_id", "resolution_part", ["resolution_id"])

    op.create_table(
        "declaration_of_interest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            _fk("declaration_of_interest", "agenda_item_id", "agenda_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            _fk("declaration_of_interest", "person_id", "person.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column(
            "kind",
            _enum("disclosable pecuniary", "other registrable", "non-registrable", "none"),
            nullable=False,
        ),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_declaration_of_interest_agenda_item_id", "declaration_of_interest", ["agenda_item_id"]
    )
    op.create_index(
        "ix_declaration_of_interest_person_id", "declaration_of_interest", ["person_id"]
    )


# ------------------------------------------------------------------ indicators


def _create_indicators() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )

    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("name", name="uq_theme_name"),
    )

    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "theme",
            sa.String(),
            # By name, so an indicator reads plainly; renaming a theme follows through.
            sa.ForeignKey(
                "theme.name",
                name="fk_indicator_theme_theme",
                onupdate="CASCADE",
                ondelete="RESTRICT",
            ),
            nullable=False,
        ),
        sa.Column(
            "unit",
            _enum(
                "count",
                "percentage",
                "rate per 1,000",
                "rate per 10,000",
                "rate per 100,000",
                "days",
                "weeks",
                "£",
            ),
            nullable=False,
        ),
        sa.Column(
            "polarity",
            _enum("higher is better", "lower is better", "within a range", "no judgement"),
            nullable=False,
        ),
        sa.Column("frequency", _enum("quarterly", "annual", "monthly"), nullable=False),
        sa.Column(
            "measure_type",
            _enum("quarter only", "rolling 12 months", "year to date", "snapshot at period end"),
            nullable=False,
        ),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("tolerance", sa.Float(), nullable=True),
        sa.Column("tolerance_kind", _enum("absolute", "percent of target"), nullable=False),
        sa.Column("lead_service", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("definition", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("ref", name="uq_indicator_ref"),
    )
    op.create_index("ix_indicator_theme", "indicator", ["theme"])

    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            # An indicator's history is never deleted along with it by accident.
            _fk("indicator_value", "indicator_id", "indicator.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("floor", sa.Float(), nullable=True),
        sa.Column("england", sa.Float(), nullable=True),
        sa.Column("region", sa.Float(), nullable=True),
        sa.Column("statistical_neighbours", sa.Float(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("status_symbol", sa.String(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("data_as_at", sa.Date(), nullable=True),
        sa.Column("commentary", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "indicator_id", "year", "quarter", name="uq_indicator_value_indicator_id_year_quarter"
        ),
    )
    op.create_index("ix_indicator_value_indicator_id", "indicator_value", ["indicator_id"])


# ------------------------------------------------------------------ improvement plans


def _create_improvement_plans() -> None:
    op.create_table(
        "improvement_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("board", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("draft", "active", "complete", "closed"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("name", name="uq_improvement_plan_name"),
    )

    op.create_table(
        "priority_area",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer(),
            _fk("priority_area", "plan_id", "improvement_plan.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("plan_id", "name", name="uq_priority_area_plan_id_name"),
    )
    op.create_index("ix_priority_area_plan_id", "priority_area", ["plan_id"])

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer(),
            _fk("action", "plan_id", "improvement_plan.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "priority_area_id",
            sa.Integer(),
            _fk("action", "priority_area_id", "priority_area.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            _fk("action", "lead_id", "person.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", _enum(*ACTION_STATUS), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("rag_override", _enum("blue", "green", "amber", "red", "grey"), nullable=True),
        sa.Column("rag_override_reason", sa.String(), nullable=False),
        sa.Column(
            "resolution_id",
            sa.Integer(),
            _fk("action", "resolution_id", "resolution.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("plan_id", "ref", name="uq_action_plan_id_ref"),
    )
    op.create_index("ix_action_plan_id", "action", ["plan_id"])
    op.create_index("ix_action_priority_area_id", "action", ["priority_area_id"])
    op.create_index("ix_action_lead_id", "action", ["lead_id"])
    op.create_index("ix_action_resolution_id", "action", ["resolution_id"])

    op.create_table(
        "action_indicator",
        sa.Column(
            "action_id",
            sa.Integer(),
            _fk("action_indicator", "action_id", "action.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            _fk("action_indicator", "indicator_id", "indicator.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_action_indicator_indicator_id", "action_indicator", ["indicator_id"])

    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "action_id",
            sa.Integer(),
            _fk("action_update", "action_id", "action.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("old_status", _enum(*ACTION_STATUS), nullable=True),
        sa.Column("new_status", _enum(*ACTION_STATUS), nullable=True),
        sa.Column("old_progress", sa.Integer(), nullable=True),
        sa.Column("new_progress", sa.Integer(), nullable=True),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_action_update_action_id", "action_update", ["action_id"])

    op.create_table(
        "plan_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer(),
            # Empty for dates the committee tracks that belong to no plan.
            _fk("plan_event", "plan_id", "improvement_plan.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column(
            "kind",
            _enum("intake", "meeting", "review", "peer review", "inspection", "milestone", "other"),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("date_precision", _enum("day", "month"), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_plan_event_plan_id", "plan_event", ["plan_id"])


# ------------------------------------------------------------------ audit


def _create_audit() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_entry_table_name", "audit_entry", ["table_name"])
    op.create_index("ix_audit_entry_row_id", "audit_entry", ["row_id"])
