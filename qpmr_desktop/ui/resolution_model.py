"""The Resolutions tab's models: the register of every resolution, and search results.

Contract:

- ``ResolutionTableModel`` shows ``ResolutionRow`` read models (from
  ``services.minutes_search.list_resolutions``, newest meeting first) through
  ``RESOLUTION_COLUMNS``: meeting date ("12 Sep 2017", sorts as a date),
  committee, item ("4. Quarterly Corporate …", sorts naturally by number),
  the label as shown ("Resolved (ii)"), the text with its parts joined on one
  line (the full text, one part a line, in the tooltip), and the meeting's
  lifecycle status as a badge word ("DRAFT") whose chip colour is
  ``ForegroundRole``. ``ItemRole.ID`` is the resolution's id; the agenda
  item to open is ``ResolutionRole.ITEM_ID``.
- ``ResolutionFilterProxy`` keeps the rows in which every typed word occurs
  (capitals ignored) in the date, committee, item, label, text, parts or
  status, reading the row's read model, never ``data()``.
- ``SearchResultModel`` shows ``SearchHit`` s in the service's order (best
  first) through ``SEARCH_COLUMNS``: item, date, committee, where it matched
  ("Point", "Resolution" …) and the plain snippet. ``SearchRole.SNIPPET_HTML``
  is the snippet as rich text with the matched words in bold, built by
  ``snippet_html`` from the plain snippet and its offsets: every piece of it
  escaped, so a point that says "<b>" shows "<b>". A hit has no id of its own
  (a point and a resolution may share a number), so ``ItemRole.ID`` is its
  rank; ``ResolutionRole.ITEM_ID`` is the item to open.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import MatchSource, ResolutionRow, SearchHit
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import STATUS_COLOURS
from qpmr_desktop.ui.formatting import short_date
from qpmr_desktop.ui.minutes_model import item_label
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import AnyIndex, Column, RowFilterProxy, RowTableModel

__all__ = [
    "RESOLUTION_COLUMNS",
    "SEARCH_COLUMNS",
    "SOURCE_LABELS",
    "ResolutionFilterProxy",
    "ResolutionRole",
    "ResolutionTableModel",
    "SearchResult",
    "SearchResultModel",
    "resolution_haystack",
    "resolution_line",
    "snippet_html",
    "status_badge_text",
]

#: How a match's place reads in the results ("what matched").
SOURCE_LABELS: Final[dict[MatchSource, str]] = {
    MatchSource.TITLE: "Title",
    MatchSource.HEADING: "Heading",
    MatchSource.POINT: "Point",
    MatchSource.RESOLUTION: "Resolution",
}
# Lifecycle order for sorting by status: the work still to do first.
_STATUS_ORDER: Final = {
    MinutesStatus.DRAFT: 0,
    MinutesStatus.CIRCULATED: 1,
    MinutesStatus.APPROVED: 2,
}


class ResolutionRole(IntEnum):
    """Roles the register and the search results answer beyond ``ItemRole``."""

    ITEM_ID = ItemRole.KIND + 60  # the agenda item to open (an int)
    SNIPPET_HTML = ItemRole.KIND + 61  # search results only: escaped rich text


# ------------------------------------------------------------------ the register


def status_badge_text(status: MinutesStatus) -> str:
    """The word of a lifecycle badge, as the Minutes tab writes it ("DRAFT")."""
    return status.label.upper()


def _status_colour(status: MinutesStatus) -> QColor:
    return QColor(STATUS_COLOURS[status])


def _part_text(part: tuple[str, str]) -> str:
    return " ".join(piece for piece in part if piece)


def resolution_line(row: ResolutionRow) -> str:
    """The text and its parts on one line, for a table cell: "That … (1) That … (2) …"."""
    return " ".join(piece for piece in (row.text, *map(_part_text, row.parts)) if piece)


def resolution_haystack(row: ResolutionRow) -> str:
    """Everything a filter word may match in a register row."""
    return " ".join(
        (
            short_date(row.meeting_date),
            row.committee,
            item_label(row.item_number, row.item_title),
            row.label,
            resolution_line(row),
            row.status.label,
        )
    )


RESOLUTION_COLUMNS: Final[tuple[Column[ResolutionRow], ...]] = (
    Column(
        key="date",
        header="Meeting",
        display=lambda row: short_date(row.meeting_date),
        sort_key=lambda row: row.meeting_date,
        width=100,
    ),
    Column(
        key="committee",
        header="Committee",
        display=lambda row: row.committee,
        sort_key=lambda row: row.committee.casefold(),
        tooltip=lambda row: row.committee,
        width=200,
    ),
    Column(
        key="item",
        header="Item",
        display=lambda row: item_label(row.item_number, row.item_title),
        sort_key=lambda row: (natural_key(row.item_number), row.item_title.casefold()),
        tooltip=lambda row: item_label(row.item_number, row.item_title),
        width=260,
    ),
    Column(
        key="label",
        header="Resolution",
        display=lambda row: row.label,
        sort_key=lambda row: row.label.casefold(),
        width=110,
    ),
    Column(
        key="text",
        header="Text",
        display=resolution_line,
        sort_key=lambda row: resolution_line(row).casefold(),
        tooltip=lambda row: row.full_text,
        stretch=True,
    ),
    Column(
        key="status",
        header="Minutes",
        display=lambda row: status_badge_text(row.status),
        sort_key=lambda row: _STATUS_ORDER[row.status],
        foreground=lambda row: _status_colour(row.status),
        tooltip=lambda row: f"The minutes of this meeting are {row.status.label.lower()}.",
        header_tooltip="Where the meeting's minutes are: draft, circulated or approved",
        width=110,
    ),
)


class ResolutionTableModel(RowTableModel[ResolutionRow]):
    """The register: one row per resolution; see the module contract."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(RESOLUTION_COLUMNS, id_of=lambda row: int(row.id), parent=parent)
        self._row_roles[ResolutionRole.ITEM_ID] = lambda row: int(row.item_id)


class ResolutionFilterProxy(RowFilterProxy[ResolutionRow]):
    """Filters the register by words in each row's read model; sorts by ``ItemRole.SORT``."""

    def __init__(self, source: ResolutionTableModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=resolution_haystack, parent=parent)


# ------------------------------------------------------------------ search results


def snippet_html(snippet: str, matches: Sequence[tuple[int, int]]) -> str:
    """``snippet`` as escaped rich text with each matched range in bold.

    Offsets are Python string indices into ``snippet`` (as the service gives
    them), so slicing here is exact whatever the text holds (emoji included);
    ranges outside the snippet are clipped and overlapping ones merged, so no
    input can produce broken markup.
    """
    spans: list[tuple[int, int]] = []
    for given_start, given_end in sorted(matches):
        start, end = max(0, given_start), min(len(snippet), given_end)
        if start >= end:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(html.escape(snippet[position:start], quote=True))
        pieces.append(f"<b>{html.escape(snippet[start:end], quote=True)}</b>")
        position = end
    pieces.append(html.escape(snippet[position:], quote=True))
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One hit with its rank (1 = best) and its snippet as rich text, made once."""

    rank: int
    hit: SearchHit
    snippet_html: str

    @classmethod
    def of(cls, rank: int, hit: SearchHit) -> SearchResult:
        return cls(rank, hit, snippet_html(hit.snippet, hit.matches))


SEARCH_COLUMNS: Final[tuple[Column[SearchResult], ...]] = (
    Column(
        key="item",
        header="Item",
        display=lambda result: item_label(result.hit.item_number, result.hit.item_title),
        sort_key=lambda result: natural_key(result.hit.item_number),
        tooltip=lambda result: item_label(result.hit.item_number, result.hit.item_title),
        width=240,
    ),
    Column(
        key="date",
        header="Meeting",
        display=lambda result: short_date(result.hit.meeting_date),
        sort_key=lambda result: result.hit.meeting_date,
        width=100,
    ),
    Column(
        key="committee",
        header="Committee",
        display=lambda result: result.hit.committee,
        sort_key=lambda result: result.hit.committee.casefold(),
        tooltip=lambda result: result.hit.committee,
        width=180,
    ),
    Column(
        key="source",
        header="Found in",
        display=lambda result: SOURCE_LABELS[result.hit.source],
        sort_key=lambda result: SOURCE_LABELS[result.hit.source],
        width=90,
    ),
    Column(
        key="snippet",
        header="Match",
        display=lambda result: result.hit.snippet,
        sort_key=lambda result: result.rank,
        tooltip=lambda result: result.hit.snippet,
        stretch=True,
    ),
)


class SearchResultModel(RowTableModel[SearchResult]):
    """Search hits, best first; see the module contract."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(SEARCH_COLUMNS, id_of=lambda result: result.rank, parent=parent)
        self._row_roles[ResolutionRole.ITEM_ID] = lambda result: int(result.hit.item_id)
        self._snippet_column = self.column_of("snippet")

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Show ``hits`` (a full reload), ranked in the order given."""
        self.set_rows([SearchResult.of(rank, hit) for rank, hit in enumerate(hits, start=1)])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == ResolutionRole.SNIPPET_HTML
            and index.isValid()
            and index.column() == self._snippet_column
        ):
            return self.row_at(index.row()).snippet_html
        return super().data(index, role)
