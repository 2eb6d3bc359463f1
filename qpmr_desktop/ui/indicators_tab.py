"""The Indicators tab: the scorecard of every indicator's latest figures, and one in detail.

Contract: loads ``services.indicators.list_indicator_rows`` when first shown
and on every reload; the detail pane states the selected indicator's
judgement in words (polarity, RAG and its reason, direction of travel,
record, whether the figures are sample data).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.chips import GREY, RAG_COLOURS, badge_html, rag_text
from qpmr_desktop.ui.indicator_model import (
    SAMPLE_TOOLTIP,
    IndicatorFilterProxy,
    IndicatorTableModel,
)
from qpmr_desktop.ui.table_tab import TableTab

_MUTED = f'style="color: {GREY};"'


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def indicator_detail_html(row: IndicatorRow) -> str:
    """The detail pane for one indicator; all text escaped."""
    period = row.latest_period or "no figures yet"
    figures = (
        f"<tr><td {_MUTED}>Period&nbsp;&nbsp;</td><td>{_text(period)}</td></tr>"
        f"<tr><td {_MUTED}>Value</td><td><b>{_text(row.value_text or '—')}</b></td></tr>"
        f"<tr><td {_MUTED}>Target</td><td>{_text(row.target_text or 'none set')}</td></tr>"
    )
    facts = (row.theme, row.polarity.label, row.unit.value)
    chip = badge_html(_text(rag_text(row.rag)), RAG_COLOURS[row.rag])
    # The reason usually opens with the judgement ("Red: …"), which the chip already says.
    reason = row.rag_reason.removeprefix(f"{row.rag.label}: ")
    direction = _text(row.direction_text)
    parts = [
        f"<h3>{_text(row.ref)}&nbsp;&nbsp;{_text(row.name)}</h3>",
        f"<p {_MUTED}>{' · '.join(_text(fact) for fact in facts)}</p>",
        f"<p>{chip}&nbsp; {_text(reason)}</p>",
        f'<table cellspacing="0" cellpadding="2">{figures}</table>',
        f"<p><b>Direction of travel:</b> {_text(row.direction.label)}<br>{direction}</p>",
    ]
    if row.record:
        parts.append(f"<p><b>Record:</b> {_text(row.record)}</p>")
    if row.is_sample:
        parts.append(f"<p {_MUTED}><i>{_text(SAMPLE_TOOLTIP)}.</i></p>")
    return "\n".join(parts)


class IndicatorsTab(TableTab[IndicatorRow]):
    """Scorecard table, filter box and detail pane over ``list_indicator_rows``."""

    key = "indicators"
    title = "&Indicators"
    noun = ("indicator", "indicators")
    filter_placeholder = "Filter indicators…"
    empty_text = "No indicators yet — they arrive with Import… (coming soon)"
    no_selection_text = "Select an indicator to see its judgement."

    def __init__(self, parent: QWidget | None = None) -> None:
        model = IndicatorTableModel()
        super().__init__(model, IndicatorFilterProxy(model), parent)
        model.setParent(self)
        self.proxy.setParent(self)

    def _fetch_rows(self, workspace: Workspace) -> Sequence[IndicatorRow]:
        from qpmr_desktop.services.indicators import list_indicator_rows  # noqa: PLC0415 - loads after first paint

        return list_indicator_rows(workspace=workspace)

    def _detail_html(self, row: IndicatorRow) -> str:
        return indicator_detail_html(row)
