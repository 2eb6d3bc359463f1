"""The custom item-data roles every QPMR model answers, in one place.

Contract: views, proxies and delegates ask models for these roles instead of
reaching into a model's rows. ``SORT`` is a raw, Python-comparable value (a
date, a number, a natural-order tuple) so sorting never parses display text;
``ID`` is the row's typed database id, so rows are found by id and never by a
remembered row number; ``ROW`` is the read model itself; ``KIND`` says what a
tree node is; ``CHIP`` is a chip cell's display text and colour together, as
``(str, QColor)``, so ``chips.ChipDelegate`` asks one role where it would ask
two. A model returns ``None`` for a role it does not know.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class ItemRole(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2
    ROW = Qt.ItemDataRole.UserRole + 3
    KIND = Qt.ItemDataRole.UserRole + 4
    CHIP = Qt.ItemDataRole.UserRole + 5
