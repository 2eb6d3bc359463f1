"""The Actions tab: every improvement-plan action with its status, and one in detail.

Contract: loads ``services.actions.list_action_rows`` for today's date (a
clock the tab is given, so tests fix the day) when first shown and on every
reload; the detail pane shows the selected action with its latest update,
who wrote it and when.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.action_model import SAMPLE_TOOLTIP, ActionFilterProxy, ActionTableModel
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS, GREY, action_rag_text, badge_html
from qpmr_desktop.ui.formatting import short_date, short_datetime
from qpmr_desktop.ui.table_tab import TableTab

_MUTED = f'style="color: {GREY};"'


def local_today() -> dt.date:
    """Today's date where the user is (the day overdue is judged on)."""
    return dt.datetime.now(dt.UTC).astimezone().date()


def _text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def action_detail_html(row: ActionRow) -> str:
    """The detail pane for one action; all text escaped."""
    overdue = row.overdue and row.rag is not ActionRag.BLUE
    colour = ACTION_RAG_COLOURS[ActionRag.RED if overdue else row.rag]
    chip = badge_html(_text(action_rag_text(row.rag, overdue=row.overdue)), colour)
    facts = [
        ("Plan", row.plan),
        ("Priority area", row.priority_area or "—"),
        ("Lead", row.lead or "—"),
        ("Due", short_date(row.due_date) or "no date"),
        ("Status", row.status.label),
        ("Progress", f"{row.progress}%"),
    ]
    table = "".join(
        f"<tr><td {_MUTED}>{_text(label)}&nbsp;&nbsp;</td><td>{_text(value)}</td></tr>"
        for label, value in facts
    )
    parts = [
        f"<h3>{_text(row.ref)}&nbsp;&nbsp;{_text(row.description)}</h3>",
        f"<p>{chip}</p>",
        f'<table cellspacing="0" cellpadding="2">{table}</table>',
        f"<p {_MUTED}>LATEST UPDATE</p>",
    ]
    if row.latest_update:
        when = short_datetime(row.latest_update_at) or "undated"
        who = row.latest_update_by or "unknown author"
        parts.append(f"<p {_MUTED}>{_text(when)} · {_text(who)}</p>")
        parts.append(f"<p>{_text(row.latest_update)}</p>")
    else:
        parts.append(f"<p {_MUTED}>No updates yet.</p>")
    if row.is_sample:
        parts.append(f"<p {_MUTED}><i>{_text(SAMPLE_TOOLTIP)}.</i></p>")
    return "\n".join(parts)


class ActionsTab(TableTab[ActionRow]):
    """Action tracker table, filter box and detail pane over ``list_action_rows``."""

    key = "actions"
    title = "&Actions"
    noun = ("action", "actions")
    filter_placeholder = "Filter actions…"
    empty_text = (
        "No actions yet — improvement plans and their actions arrive with Import… (coming soon)"
    )
    no_selection_text = "Select an action to see its latest update."
    detail_width = 300

    def __init__(
        self, parent: QWidget | None = None, *, today: Callable[[], dt.date] = local_today
    ) -> None:
        model = ActionTableModel()
        super().__init__(model, ActionFilterProxy(model), parent)
        model.setParent(self)
        self.proxy.setParent(self)
        self._today = today

    def _fetch_rows(self, workspace: Workspace) -> Sequence[ActionRow]:
        from qpmr_desktop.services.actions import list_action_rows  # noqa: PLC0415 - loads after first paint

        return list_action_rows(workspace=workspace, today=self._today())

    def _detail_html(self, row: ActionRow) -> str:
        return action_detail_html(row)
