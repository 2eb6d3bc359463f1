"""The Actions tab's model and proxy: improvement-plan actions with their latest update.

Contract: ``ActionTableModel`` shows ``ActionRow`` read models (from
``services.actions.list_action_rows``) through the ``COLUMNS`` descriptors.
Dates read "30 Sep 2017" and sort as dates; refs sort naturally ("1.10" after
"1.9"); the RAG cell is a BRAG chip ("■ Complete") and an unfinished action
past its due date reads "▲ Overdue" in red; the latest update's date and
author are in its tooltip. ``ActionFilterProxy`` matches the words typed
against plan, priority area, ref, description, lead and status.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS, action_rag_text
from qpmr_desktop.ui.formatting import short_date, short_datetime
from qpmr_desktop.ui.table_model import RIGHT, Column, RowFilterProxy, RowTableModel

SAMPLE_TOOLTIP = "Sample data: not from a published source"

_STATUS_ORDER = {
    ActionStatus.OFF_TRACK: 0,
    ActionStatus.AT_RISK: 1,
    ActionStatus.NOT_STARTED: 2,
    ActionStatus.ON_TRACK: 3,
    ActionStatus.COMPLETE: 4,
}
# Worst first; an overdue action sorts before every other red.
_RAG_ORDER = {
    ActionRag.RED: 1,
    ActionRag.AMBER: 2,
    ActionRag.GREY: 3,
    ActionRag.GREEN: 4,
    ActionRag.BLUE: 5,
}

_ITALIC = QFont()
_ITALIC.setItalic(True)


def _is_overdue(row: ActionRow) -> bool:
    return row.overdue and row.rag is not ActionRag.BLUE


def _rag_colour(row: ActionRow) -> QColor:
    rag = ActionRag.RED if _is_overdue(row) else row.rag
    return QColor(ACTION_RAG_COLOURS[rag])


def _rag_tooltip(row: ActionRow) -> str:
    if _is_overdue(row):
        return f"Overdue: due {short_date(row.due_date)} and not complete ({row.status.label})"
    return f"{row.rag.label}: status {row.status.label.lower()}"


def update_tooltip(row: ActionRow) -> str | None:
    """The latest update as "12 Sep 2017 14:05, A. Smith:" and its text; None when none."""
    if not row.latest_update:
        return None
    when = short_datetime(row.latest_update_at) or "undated"
    who = row.latest_update_by or "unknown author"
    return f"{when}, {who}:\n{row.latest_update}"


def _due_key(row: ActionRow) -> tuple[bool, dt.date]:
    return (row.due_date is None, row.due_date or dt.date.max)


COLUMNS: tuple[Column[ActionRow], ...] = (
    Column(
        key="plan",
        header="Plan",
        display=lambda row: row.plan,
        sort_key=lambda row: row.plan.casefold(),
        tooltip=lambda row: row.plan,
        width=105,
    ),
    Column(
        key="area",
        header="Priority area",
        display=lambda row: row.priority_area,
        sort_key=lambda row: (row.plan.casefold(), row.priority_area_position),
        tooltip=lambda row: row.priority_area,
        width=120,
    ),
    Column(
        key="ref",
        header="Ref",
        display=lambda row: row.ref,
        sort_key=lambda row: natural_key(row.ref),
        width=40,
    ),
    Column(
        key="description",
        header="Action",
        display=lambda row: " ".join(row.description.split()),
        sort_key=lambda row: row.description.casefold(),
        tooltip=lambda row: (
            f"{row.description}\n{SAMPLE_TOOLTIP}" if row.is_sample else row.description
        ),
        font=lambda row: _ITALIC if row.is_sample else None,
        width=240,
    ),
    Column(
        key="lead",
        header="Lead",
        display=lambda row: row.lead,
        sort_key=lambda row: row.lead.casefold(),
        width=110,
    ),
    Column(
        key="due",
        header="Due",
        display=lambda row: short_date(row.due_date),
        sort_key=_due_key,
        alignment=RIGHT,
        width=85,
    ),
    Column(
        key="status",
        header="Status",
        display=lambda row: row.status.label,
        sort_key=lambda row: _STATUS_ORDER[row.status],
        width=75,
    ),
    Column(
        key="rag",
        header="RAG",
        display=lambda row: action_rag_text(row.rag, overdue=row.overdue),
        sort_key=lambda row: 0 if _is_overdue(row) else _RAG_ORDER[row.rag],
        tooltip=_rag_tooltip,
        foreground=_rag_colour,
        header_tooltip="■ Complete, ● On track, ◆ At risk, ▲ Off track or Overdue, ○ Not started",
        width=100,
    ),
    Column(
        key="progress",
        header="%",
        display=lambda row: f"{row.progress}%",
        sort_key=lambda row: row.progress,
        alignment=RIGHT,
        header_tooltip="Progress",
        width=45,
    ),
    Column(
        key="update",
        header="Latest update",
        display=lambda row: " ".join(row.latest_update.split()),
        sort_key=lambda row: (
            row.latest_update_at is None,
            row.latest_update_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        ),
        tooltip=update_tooltip,
        stretch=True,
    ),
)


def action_haystack(row: ActionRow) -> str:
    """What the filter box searches: plan, area, ref, description, lead and status."""
    return "\n".join(
        (row.plan, row.priority_area, row.ref, row.description, row.lead, row.status.label)
    )


class ActionTableModel(RowTableModel[ActionRow]):
    """The action tracker: ``ActionRow`` read models shown through ``COLUMNS``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, id_of=lambda row: row.id, parent=parent)


class ActionFilterProxy(RowFilterProxy[ActionRow]):
    """Narrows the tracker to actions whose text holds every typed word."""

    def __init__(self, source: ActionTableModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=action_haystack, parent=parent)
