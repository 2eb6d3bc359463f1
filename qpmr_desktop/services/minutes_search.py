"""The register of resolutions, and full-text search over the minutes.

Contract:

- ``list_resolutions(workspace=…)`` — every resolution of every meeting,
  newest meeting first (date, then start time), then by item and resolution
  position: meeting date, committee, item number and title, the label as
  shown ("Resolved (ii)" when an item has several), text and parts, the
  meeting's lifecycle status, and the item to open. A fixed number of
  queries, whatever the size of the register.
- ``search_minutes(workspace=…, query=…, limit=200)`` — the best ``limit``
  matches in point texts, resolutions (and their parts), section headings and
  item titles, best first. Each ``SearchHit`` says which item to open, where
  the match was (``MatchSource``) and gives a plain-text snippet with the
  offsets of the matched words: never HTML, so the view escapes it and a
  point that says "<b>" shows "<b>".
- What a person types is never an error. ``parse_query`` turns it into
  terms, all required: each word is a prefix ("rec" finds "recorded"); words
  joined by punctuation ("40-74", "DTaP/IPV/Hib") and text in double quotes
  are phrases; ``OR`` between two terms accepts either; ``AND`` is what
  words do anyway and is dropped; any other punctuation, ``*``, ``NOT``,
  ``NEAR``, ``:`` and an unbalanced quote are plain text. Every token is
  written into the FTS5 query inside double quotes and contains only letters
  and digits, so no input can produce an FTS5 syntax error. A query with no
  letters or digits finds nothing.
- Case and accents do not matter: "zolc" finds "Żółć". The index folds with
  SQLite's ``unicode61 remove_diacritics 2`` plus a one-for-one table of the
  letters that leaves alone (``FOLDED_LETTERS``: ł, ø, đ …), the same table
  that migration 0003 wrote into its views and triggers (a test compares
  them); queries are folded with it too.
- ``rebuild_search_index(workspace=…)`` rebuilds the index from the tables
  (after a repair, or to be sure); it returns False where there is none.

Design. The index belongs to migration 0003: external-content FTS5 tables
over views of the folded text, kept in step by triggers, so every writer
(these services, imports, the demo builder, cascades, raw SQL) keeps it right
— see that migration for why triggers rather than this layer. Searching goes
through a backend chosen per call: ``_Fts5Backend`` when the database has the
index (SQLite with FTS5), else ``_LikeBackend`` (PostgreSQL later, or an
SQLite without FTS5), which filters with case-insensitive LIKE on each word
(accents are then not folded in the filter) and ranks by the number of
matches, newest first. Both return the stored text of each match; the
offsets come from FTS5's ``highlight()`` when there is an index (the folded
text has the stored text's length, so its offsets are the stored text's),
else from this module's own word matcher, which folds and compares words the
same way. Ranks are FTS5's bm25, weighted so that a title or heading match
outranks the same words deep in a point.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any, Final, Protocol

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.bulk_rows import converted, driver_rows
from qpmr_desktop.services.collector import no_cyclic_gc
from qpmr_desktop.services.minutes import resolution_label
from qpmr_desktop.services.read_models import MatchSource, ResolutionRow, SearchHit
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Committee,
    Meeting,
    MinutePoint,
    MinuteSection,
    Resolution,
    ResolutionPart,
)
from qpmr_desktop.storage.versioning import table_of

__all__ = [
    "DEFAULT_LIMIT",
    "FOLDED_LETTERS",
    "SearchQuery",
    "SearchTerm",
    "fold_letters",
    "list_resolutions",
    "parse_query",
    "rebuild_search_index",
    "search_minutes",
    "to_fts5",
]

DEFAULT_LIMIT: Final = 200

#: Letters that ``unicode61 remove_diacritics`` leaves as they are, with the
#: plain letter each is searched as: one for one, so offsets survive folding.
#: Migration 0003 has the same table in its views and triggers.
FOLDED_LETTERS: Final[dict[str, str]] = {
    "Ø": "O", "ø": "o", "Ǿ": "O", "ǿ": "o",
    "Đ": "D", "đ": "d",
    "Ħ": "H", "ħ": "h",
    "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l",
    "Ŧ": "T", "ŧ": "t",
    "ı": "i",
}  # fmt: skip
_FOLD_TABLE: Final = str.maketrans(FOLDED_LETTERS)

# Words as unicode61 sees them: runs of letters and digits (the underscore separates).
_WORD: Final = re.compile(r"[^\W_]+")
# Straight and typographic double quotes all delimit a phrase.
_QUOTES: Final = frozenset('"“”„‟«»')
# More terms than anyone types; it keeps a pasted paragraph from making a huge query.
_MAX_TERMS: Final = 32
# Marks around a match in highlight(): noncharacters, which stored text never holds
# (the editing services refuse them).
_OPEN: Final = "\ufdd0"
_CLOSE: Final = "\ufdd1"
_SNIPPET_BEFORE: Final = 60
_SNIPPET_LENGTH: Final = 220
_ELLIPSIS: Final = "…"
# How much a match counts by where it is: bm25 scores are negative, better lower.
_WEIGHTS: Final = {
    MatchSource.TITLE: 2.0,
    MatchSource.HEADING: 1.5,
    MatchSource.RESOLUTION: 1.2,
    MatchSource.POINT: 1.0,
}


def fold_letters(text: str) -> str:
    """``text`` with ``FOLDED_LETTERS`` replaced, letter for letter."""
    return text.translate(_FOLD_TABLE)


def _fold_word(word: str) -> str:
    """A word as the index compares it: no case, no accents, letters folded."""
    decomposed = unicodedata.normalize("NFKD", fold_letters(word))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# ------------------------------------------------------------------ queries


@dataclasses.dataclass(frozen=True, slots=True)
class SearchTerm:
    """Words that must appear together, in order; the last may be the start of a word."""

    words: tuple[str, ...]  # folded


@dataclasses.dataclass(frozen=True, slots=True)
class SearchQuery:
    """Every group must match; a group matches when any of its terms does."""

    groups: tuple[tuple[SearchTerm, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.groups


def _term(text: str) -> SearchTerm | None:
    words = tuple(_fold_word(word) for word in _WORD.findall(fold_letters(text)))
    words = tuple(word for word in words if word)
    return SearchTerm(words) if words else None


def parse_query(text: str) -> SearchQuery:
    """What a person typed, as terms; never fails (see the module contract)."""
    text = unicodedata.normalize("NFKC", text)
    quote_count = sum(1 for ch in text if ch in _QUOTES)
    # (is_phrase, text) pieces; an unbalanced last quote is ignored, its text kept.
    pieces: list[tuple[bool, str]] = []
    current: list[str] = []
    in_quotes = False
    seen = 0
    for ch in text:
        if ch in _QUOTES:
            seen += 1
            if not in_quotes and seen == quote_count and quote_count % 2:
                continue  # the unmatched quote: plain text follows
            pieces.append((in_quotes, "".join(current)))
            current = []
            in_quotes = not in_quotes
        else:
            current.append(ch)
    pieces.append((in_quotes, "".join(current)))

    groups: list[list[SearchTerm]] = []
    join_next = False
    for is_phrase, piece in pieces:
        chunks = [piece] if is_phrase else piece.split()
        for chunk in chunks:
            if not is_phrase and chunk == "OR":
                join_next = bool(groups)
                continue
            if not is_phrase and chunk == "AND":
                continue
            term = _term(chunk)
            if term is None:
                continue
            if join_next:
                groups[-1].append(term)
            else:
                groups.append([term])
            join_next = False
    kept = groups[:_MAX_TERMS]
    return SearchQuery(tuple(tuple(group) for group in kept))


def to_fts5(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of ``query`` (every token quoted, every term a prefix)."""

    def term(search_term: SearchTerm) -> str:
        return '"' + " ".join(search_term.words) + '"*'

    parts = []
    for group in query.groups:
        alternatives = [term(search_term) for search_term in group]
        parts.append(
            alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
        )
    return " AND ".join(parts)


def _match_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """(start, end) of every match of any term of ``query`` in ``text``, in order."""
    words = [(m.start(), m.end(), _fold_word(m.group())) for m in _WORD.finditer(text)]
    spans: set[tuple[int, int]] = set()
    for group in query.groups:
        for term in group:
            size = len(term.words)
            for start in range(len(words) - size + 1):
                window = words[start : start + size]
                *whole, last = term.words
                if all(window[k][2] == word for k, word in enumerate(whole)) and window[-1][
                    2
                ].startswith(last):
                    spans.add((window[0][0], window[-1][1]))
    return sorted(spans)


def _matches_all(text: str, query: SearchQuery) -> int:
    """How many matches ``text`` has, or 0 when some group of ``query`` does not match."""
    total = 0
    for group in query.groups:
        found = len(_match_spans(text, SearchQuery((group,))))
        if not found:
            return 0
        total += found
    return total


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without highlight()'s marks, and the offsets they enclosed."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    length = 0
    for ch in marked:
        if ch == _OPEN:
            start = length
        elif ch == _CLOSE:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            plain.append(ch)
            length += 1
    return "".join(plain), spans


def _snippet(
    text: str, spans: Sequence[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around the first match, and the matches' offsets within it."""
    # Line breaks and tabs become spaces, one for one, so offsets stay right.
    flat = "".join(" " if ch.isspace() else ch for ch in text)
    length = len(flat)
    first_start, first_end = spans[0] if spans else (0, 0)
    start = 0
    if first_start > _SNIPPET_BEFORE:
        start = first_start - _SNIPPET_BEFORE
        space = flat.find(" ", start, first_start)  # begin with a whole word
        if space != -1:
            start = space + 1
    end = max(min(length, start + _SNIPPET_LENGTH), first_end)
    if end < length:
        space = flat.rfind(" ", first_end, end)  # end with a whole word
        if space != -1:
            end = space
    while start < end and flat[start] == " ":
        start += 1
    while end > start and flat[end - 1] == " ":
        end -= 1
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < length else ""
    shift = len(prefix) - start
    matches = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return f"{prefix}{flat[start:end]}{suffix}", matches


# ------------------------------------------------------------------ backends


@dataclasses.dataclass(frozen=True, slots=True)
class _Found:
    source: MatchSource
    row_id: int
    item_id: int
    text: str
    spans: tuple[tuple[int, int], ...] | None  # None: find them with the word matcher
    score: float


@dataclasses.dataclass(frozen=True, slots=True)
class _Source:
    """One indexed column: its table, and how a row of it reaches its agenda item."""

    source: MatchSource
    table: str
    column: str
    parent_join: str  # SQL joining the row "r" to "p", when its item is found there
    item_column: str  # the item's id, of "r" or "p"

    @property
    def index(self) -> str:
        return f"fts_{self.table}"


_SOURCES: Final = (
    _Source(
        MatchSource.POINT,
        "minute_point",
        "text",
        "JOIN minute_section AS p ON p.id = r.section_id",
        "p.agenda_item_id",
    ),
    _Source(MatchSource.RESOLUTION, "resolution", "text", "", "r.agenda_item_id"),
    _Source(
        MatchSource.RESOLUTION,
        "resolution_part",
        "text",
        "JOIN resolution AS p ON p.id = r.resolution_id",
        "p.agenda_item_id",
    ),
    _Source(MatchSource.HEADING, "minute_section", "heading", "", "r.agenda_item_id"),
    _Source(MatchSource.TITLE, "agenda_item", "title", "", "r.id"),
)


class _Backend(Protocol):
    def search(self, connection: sa.Connection, query: SearchQuery, limit: int) -> list[_Found]:
        """The best ``limit`` matches of each source (not yet merged)."""
        ...


class _Fts5Backend:
    """SQLite's FTS5 index of migration 0003."""

    def search(self, connection: sa.Connection, query: SearchQuery, limit: int) -> list[_Found]:
        expression = to_fts5(query)
        found: list[_Found] = []
        for source in _SOURCES:
            index = source.index
            statement = sa.text(
                f"SELECT r.id AS row_id, {source.item_column} AS item_id, "
                f"r.{source.column} AS text, highlight({index}, 0, :open, :close) AS marked, "
                f"bm25({index}) AS score "
                f"FROM {index} JOIN {source.table} AS r ON r.id = {index}.rowid "
                f"{source.parent_join} "
                f"WHERE {index} MATCH :query ORDER BY score LIMIT :limit"
            )
            rows = connection.execute(
                statement,
                {"open": _OPEN, "close": _CLOSE, "query": expression, "limit": limit},
            )
            for row in rows:
                text = row.text or ""
                plain, spans = _unmark(row.marked or "")
                found.append(
                    _Found(
                        source=source.source,
                        row_id=int(row.row_id),
                        item_id=int(row.item_id),
                        text=text,
                        # The folded text has the stored text's length, letter for letter;
                        # if it ever does not (a stale view), match the words here instead.
                        spans=tuple(spans) if len(plain) == len(text) else None,
                        score=float(row.score) * _WEIGHTS[source.source],
                    )
                )
        return found


class _LikeBackend:
    """Any database: LIKE on each word, then this module's word matcher."""

    def search(self, connection: sa.Connection, query: SearchQuery, limit: int) -> list[_Found]:
        found: list[_Found] = []
        for source in _SOURCES:
            source_from, row_id, text, item_id = _like_columns(source)

            def contains(column: sa.ColumnElement[Any], term: SearchTerm) -> sa.ColumnElement[bool]:
                return sa.and_(
                    *(column.ilike(f"%{_escape(word)}%", escape="\\") for word in term.words)
                )

            conditions = [
                sa.or_(*(contains(text, term) for term in group)) for group in query.groups
            ]
            statement = (
                sa.select(row_id.label("row_id"), item_id.label("item_id"), text.label("text"))
                .select_from(source_from)
                .where(*conditions)
            )
            for row in connection.execute(statement):
                stored = row.text or ""
                count = _matches_all(stored, query)
                if count:  # the words, not just the letters: "care" is not in "scared"
                    found.append(
                        _Found(
                            source=source.source,
                            row_id=int(row.row_id),
                            item_id=int(row.item_id),
                            text=stored,
                            spans=None,
                            score=-count * _WEIGHTS[source.source],
                        )
                    )
        found.sort(key=lambda hit: hit.score)
        return found[: limit * len(_SOURCES)]


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_columns(
    source: _Source,
) -> tuple[sa.FromClause, sa.ColumnElement[Any], sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """(from, row id, text, item id) of a source, as Core."""
    if source.table == "minute_point":
        point, section = table_of(MinutePoint), table_of(MinuteSection)
        joined = point.join(section, section.c.id == point.c.section_id)
        return joined, point.c.id, point.c.text, section.c.agenda_item_id
    if source.table == "resolution_part":
        part, resolution = table_of(ResolutionPart), table_of(Resolution)
        joined = part.join(resolution, resolution.c.id == part.c.resolution_id)
        return joined, part.c.id, part.c.text, resolution.c.agenda_item_id
    if source.table == "resolution":
        table = table_of(Resolution)
        return table, table.c.id, table.c.text, table.c.agenda_item_id
    if source.table == "minute_section":
        table = table_of(MinuteSection)
        return table, table.c.id, table.c.heading, table.c.agenda_item_id
    table = table_of(AgendaItem)
    return table, table.c.id, table.c.title, table.c.id


def _backend(connection: sa.Connection) -> _Backend:
    if connection.dialect.name == "sqlite":
        present = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'fts_minute_point'"
        ).scalar_one()
        if present:
            return _Fts5Backend()
    return _LikeBackend()


# ------------------------------------------------------------------ searching


def search_minutes(
    *, workspace: Workspace, query: str, limit: int = DEFAULT_LIMIT
) -> list[SearchHit]:
    """The best matches of ``query`` in the minutes; see the module contract."""
    parsed = parse_query(query)
    if parsed.empty or limit <= 0:
        return []
    with workspace.database.session() as session:
        connection = session.connection()
        found = _backend(connection).search(connection, parsed, limit)
        items = _item_context(connection, {hit.item_id for hit in found})
    ranked = sorted(
        (hit for hit in found if hit.item_id in items),
        key=lambda hit: (hit.score, -items[hit.item_id].date.toordinal(), hit.item_id, hit.row_id),
    )[:limit]
    hits = []
    for hit in ranked:
        spans = hit.spans if hit.spans is not None else tuple(_match_spans(hit.text, parsed))
        snippet, matches = _snippet(hit.text, spans)
        item = items[hit.item_id]
        hits.append(
            SearchHit(
                item_id=AgendaItemId(hit.item_id),
                meeting_id=item.meeting_id,
                meeting_date=item.date,
                committee=item.committee,
                item_number=item.number,
                item_title=item.title,
                source=hit.source,
                row_id=hit.row_id,
                snippet=snippet,
                matches=matches,
                status=item.status,
                score=hit.score,
            )
        )
    return hits


@dataclasses.dataclass(frozen=True, slots=True)
class _ItemContext:
    meeting_id: MeetingId
    date: Any
    committee: str
    number: str
    title: str
    status: MinutesStatus


def _item_context(connection: sa.Connection, item_ids: Iterable[int]) -> dict[int, _ItemContext]:
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows: Iterable[sa.Row[*tuple[Any, ...]]] = connection.execute(
        sa.select(
            col(AgendaItem.id),
            col(AgendaItem.number),
            col(AgendaItem.title),
            col(Meeting.id).label("meeting_id"),
            col(Meeting.date),
            col(Meeting.status),
            col(Committee.name).label("committee"),
        )
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .join(Committee, col(Committee.id) == col(Meeting.committee_id))
        .where(col(AgendaItem.id).in_(ids))
    )
    return {
        int(row.id): _ItemContext(
            meeting_id=MeetingId(row.meeting_id),
            date=row.date,
            committee=row.committee,
            number=row.number,
            title=row.title,
            status=MinutesStatus(row.status),
        )
        for row in rows
    }


def rebuild_search_index(*, workspace: Workspace) -> bool:
    """Rebuild the full-text index from the tables; False when the database has none."""
    with workspace.database.session() as session:
        connection = session.connection()
        if not isinstance(_backend(connection), _Fts5Backend):
            return False
        for source in _SOURCES:
            connection.exec_driver_sql(
                f"INSERT INTO {source.index}({source.index}) VALUES ('rebuild')"
            )
    return True


# ------------------------------------------------------------------ the register


# The register's two statements, built once (bulk_rows compiles each once).
# Their columns are in the order of ResolutionRow's fields (the label and
# parts are worked out here, the date and status converted by value).
_REGISTER: Final[sa.Select[*tuple[Any, ...]]] = (
    sa.select(
        col(Resolution.id),
        col(AgendaItem.id).label("item_id"),
        col(Meeting.id).label("meeting_id"),
        col(Meeting.date),
        col(Committee.name).label("committee"),
        col(AgendaItem.number),
        col(AgendaItem.title),
        col(Resolution.label),
        col(Resolution.text),
        col(Meeting.status),
    )
    .join(AgendaItem, col(AgendaItem.id) == col(Resolution.agenda_item_id))
    .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
    .join(Committee, col(Committee.id) == col(Meeting.committee_id))
    .order_by(
        # As list_meetings: NULLS LAST spelt out, SQLite and PostgreSQL differ.
        col(Meeting.date).desc(),
        col(Meeting.start_time).desc().nulls_last(),
        col(Meeting.id).desc(),
        col(AgendaItem.position),
        col(AgendaItem.id),
        col(Resolution.position),
        col(Resolution.id),
    )
)
_REGISTER_PARTS: Final[sa.Select[*tuple[Any, ...]]] = sa.select(
    col(ResolutionPart.resolution_id), col(ResolutionPart.label), col(ResolutionPart.text)
).order_by(col(ResolutionPart.resolution_id), col(ResolutionPart.position), col(ResolutionPart.id))


def list_resolutions(*, workspace: Workspace) -> list[ResolutionRow]:
    """Every resolution, newest meeting first; see the module contract."""
    with no_cyclic_gc():
        return _list_resolutions(workspace)


def _list_resolutions(workspace: Workspace) -> list[ResolutionRow]:
    # The driver's rows: SQLAlchemy's, with a conversion of every date and
    # status, took longer than the query (bench_minutes); those two columns
    # are converted once per distinct value below.
    with workspace.database.session() as session:
        connection = session.connection()
        dialect = connection.dialect
        rows = driver_rows(connection, _REGISTER)
        part_rows = driver_rows(connection, _REGISTER_PARTS)
    part_lists: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for resolution_id, part_label, part_text in part_rows:
        part_lists[resolution_id].append((part_label, part_text))
    parts = {resolution_id: tuple(found) for resolution_id, found in part_lists.items()}
    if not rows:
        return []
    # Column by column, each converted by C-level map()s, then the rows made
    # in one map(): a Python loop over 20,000 rows cost as much as the query
    # (bench_minutes). Ids are passed as read (the NewTypes are only for the
    # type checker).
    ids, item_ids, meeting_ids, dates, committees, numbers, titles, labels, texts, stored = zip(
        *rows, strict=True
    )
    meeting = table_of(Meeting)
    days = converted(meeting.c.date, dialect, dates)
    statuses = converted(meeting.c.status, dialect, stored)
    # A lone resolution is shown by its label's stem, worked out once per
    # distinct label; only an item with several numbers them: "Resolved (ii)".
    stems = {label: resolution_label(label, 1, several=False) for label in set(labels)}
    shown = list(map(stems.__getitem__, labels))
    several = {item for item, count in Counter(item_ids).items() if count > 1}
    if several:
        counted: dict[int, int] = defaultdict(int)
        for place, item_id in enumerate(item_ids):
            if item_id in several:
                counted[item_id] += 1
                shown[place] = resolution_label(labels[place], counted[item_id], several=True)
    no_parts: tuple[tuple[str, str], ...] = ()
    return list(
        map(
            ResolutionRow,
            ids,
            item_ids,
            meeting_ids,
            map(days.__getitem__, dates),
            committees,
            numbers,
            titles,
            shown,
            texts,
            map(parts.get, ids, repeat(no_parts)),
            map(statuses.__getitem__, stored),
        )
    )
