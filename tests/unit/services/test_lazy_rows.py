"""``LazyRows``: a read-only sequence that makes each read model the first time it is asked for.

Every way of reading it must give what the list of every read model gives,
while making only what was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qpmr_desktop.services.read_models import LazyRows


@dataclass(frozen=True, slots=True)
class Thing:
    id: int
    name: str


ROWS = [(7, "a & <b>"), (3, "Ωmega"), (9, "café"), (3, "again"), (1, "ünï 🎉")]


def make_counted() -> tuple[LazyRows[Thing], list[tuple[object, ...]]]:
    made: list[tuple[object, ...]] = []

    def make(row: tuple[object, ...]) -> Thing:
        made.append(row)
        ident, name = row
        assert isinstance(ident, int)
        assert isinstance(name, str)
        return Thing(ident, name)

    return LazyRows(ROWS, make), made


EAGER = [Thing(ident, name) for ident, name in ROWS]


def test_reading_it_every_way_gives_what_the_eager_list_gives() -> None:
    lazy, _made = make_counted()

    assert len(lazy) == len(EAGER)
    assert list(lazy) == EAGER
    assert [lazy[i] for i in range(len(lazy))] == EAGER
    assert [lazy[-i] for i in range(1, len(lazy) + 1)] == [EAGER[-i] for i in range(1, 6)]
    for piece in (slice(None), slice(1, 3), slice(-2, None), slice(None, None, -2), slice(4, 1)):
        assert lazy[piece] == EAGER[piece]
    assert Thing(9, "café") in lazy
    assert lazy.index(Thing(3, "again")) == 3
    assert list(reversed(lazy)) == list(reversed(EAGER))


def test_out_of_range_raises_index_error_as_a_list_does() -> None:
    lazy, _made = make_counted()
    with pytest.raises(IndexError):
        lazy[5]
    with pytest.raises(IndexError):
        lazy[-6]


def test_only_what_is_asked_for_is_made_and_only_once() -> None:
    lazy, made = make_counted()
    assert lazy.made_count == 0

    first = lazy[0]
    assert lazy[0] is first
    assert lazy[-5] is first
    assert made == [ROWS[0]]

    assert lazy[1:3] == EAGER[1:3]
    assert made == [ROWS[0], ROWS[1], ROWS[2]]
    assert lazy.made_count == 3
    assert "3 made" in repr(lazy)


def test_keys_and_positions_come_from_the_rows_without_making_anything() -> None:
    lazy, made = make_counted()

    assert [lazy.key(i) for i in range(len(lazy))] == [7, 3, 9, 3, 1]
    assert lazy.position_of(9) == 2
    assert lazy.position_of(3) == 1  # the first of two, as list.index
    assert lazy.position_of(42) is None
    assert made == []


def test_another_key_column() -> None:
    lazy = LazyRows(ROWS, lambda row: row[1], key_column=1)
    assert lazy.position_of("café") == 2
    assert lazy[4] == "ünï 🎉"


def test_an_empty_sequence() -> None:
    lazy: LazyRows[Thing] = LazyRows([], lambda row: Thing(0, ""))
    assert len(lazy) == 0
    assert list(lazy) == []
    assert lazy[:] == []
    assert lazy.position_of(1) is None
