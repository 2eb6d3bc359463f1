"""The Indicators tab's model and proxy: one row per indicator, its latest figures.

Contract: ``IndicatorTableModel`` shows a list of ``IndicatorRow`` read models
(from ``services.indicators.list_indicator_rows``) through the ``COLUMNS``
descriptors. The RAG cell reads "▲ Red" (shape and word) with the chip colour
as ``ForegroundRole`` and the reason sentence as its tooltip; sample figures
are marked in words ("sample") and in italics, with a tooltip saying so.
``IndicatorFilterProxy`` matches the words typed against ref, name and theme.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont

from qpmr_desktop.domain.performance import Rag
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import RAG_COLOURS, rag_text
from qpmr_desktop.ui.table_model import RIGHT, Column, RowFilterProxy, RowTableModel

SAMPLE_TOOLTIP = "Sample data: not from a published source"

# Worst first, so an ascending sort puts the reds at the top.
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.DATA_ONLY: 3, Rag.NO_DATA: 4}

_ITALIC = QFont()
_ITALIC.setItalic(True)


def _sample_font(row: IndicatorRow) -> QFont | None:
    return _ITALIC if row.is_sample else None


def _sample_tooltip(row: IndicatorRow) -> str | None:
    return SAMPLE_TOOLTIP if row.is_sample else None


def _figure_tooltip(row: IndicatorRow) -> str | None:
    unit = f"Unit: {row.unit.value}"
    return f"{unit}\n{SAMPLE_TOOLTIP}" if row.is_sample else unit


def _optional_number(value: float | None) -> tuple[bool, float]:
    # (missing, value): rows without a figure sort after every real figure.
    return (value is None, 0.0 if value is None else value)


COLUMNS: tuple[Column[IndicatorRow], ...] = (
    Column(
        key="ref",
        header="Ref",
        display=lambda row: row.ref,
        sort_key=lambda row: natural_key(row.ref),
        width=70,
    ),
    Column(
        key="name",
        header="Indicator",
        display=lambda row: row.name,
        sort_key=lambda row: row.name.casefold(),
        tooltip=lambda row: row.name,
        width=250,
    ),
    Column(
        key="theme",
        header="Theme",
        display=lambda row: row.theme,
        sort_key=lambda row: row.theme.casefold(),
        width=80,
    ),
    Column(
        key="period",
        header="Latest period",
        display=lambda row: row.latest_period or "—",
        sort_key=lambda row: (row.latest_period is None, _period_key(row.latest_period)),
        header_tooltip="The latest quarter with a figure",
        width=85,
    ),
    Column(
        key="value",
        header="Value",
        display=lambda row: row.value_text,
        sort_key=lambda row: _optional_number(row.value),
        alignment=RIGHT,
        tooltip=_figure_tooltip,
        font=_sample_font,
        width=125,
    ),
    Column(
        key="target",
        header="Target",
        display=lambda row: row.target_text,
        sort_key=lambda row: _optional_number(row.target),
        alignment=RIGHT,
        font=_sample_font,
        width=115,
    ),
    Column(
        key="rag",
        header="RAG",
        display=lambda row: rag_text(row.rag),
        sort_key=lambda row: _RAG_ORDER[row.rag],
        tooltip=lambda row: row.rag_reason,
        foreground=lambda row: QColor(RAG_COLOURS[row.rag]),
        header_tooltip="Judgement against target: ● Green, ◆ Amber, ▲ Red, ○ no target or data",
        width=90,
    ),
    Column(
        key="direction",
        header="Direction",
        display=lambda row: row.direction.label,
        sort_key=lambda row: row.direction.value,
        tooltip=lambda row: row.direction_text,
        header_tooltip="Direction of travel against the previous quarter",
        width=90,
    ),
    Column(
        key="sample",
        header="Data",
        display=lambda row: "sample" if row.is_sample else "",
        sort_key=lambda row: row.is_sample,
        tooltip=_sample_tooltip,
        font=_sample_font,
        foreground=lambda row: QColor("#6f777b") if row.is_sample else None,
        header_tooltip="“sample”: demonstration figures, not from a published source",
        width=55,
    ),
)


def _period_key(label: str | None) -> tuple[int, int]:
    """A period label as (2017, 1) for "Q1 2017/18", so periods sort in time order."""
    if not label:
        return (0, 0)
    try:
        quarter = Quarter.parse(label)
    except PeriodError:
        return (0, 0)
    return (quarter.year, quarter.quarter)


def indicator_haystack(row: IndicatorRow) -> str:
    """What the filter box searches: ref, name and theme."""
    return f"{row.ref}\n{row.name}\n{row.theme}"


class IndicatorTableModel(RowTableModel[IndicatorRow]):
    """The scorecard: ``IndicatorRow`` read models shown through ``COLUMNS``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, id_of=lambda row: row.id, parent=parent)


class IndicatorFilterProxy(RowFilterProxy[IndicatorRow]):
    """Narrows the scorecard to rows whose ref, name or theme hold every typed word."""

    def __init__(self, source: IndicatorTableModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=indicator_haystack, parent=parent)
