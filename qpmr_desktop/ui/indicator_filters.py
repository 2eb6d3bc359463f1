"""The Indicators tab's filter controls, and the preferences that keep their state between runs.

Contract:

- ``IndicatorFilterBar`` shows theme (a combo box: "All themes", then the
  themes in the council's order), RAG (four checkable buttons ● ◆ ▲ ○, any
  number on; none on means every judgement), direction of travel (All,
  improving, worsening, no change, not judged) and "Needs commentary". Every
  control says what it does in words, so no filter depends on colour. The
  bar does not filter anything itself: it emits ``filters_changed`` with the
  non-text part of an ``IndicatorFilters`` whenever a control changes, and
  ``set_filters`` shows a state without emitting.
- ``FilterPreferences`` reads and writes an ``IndicatorFilters`` (the words
  typed included) in ``Preferences`` under ``indicators/filter/``; anything
  unknown that it reads (a theme since renamed, a stale RAG name) falls back
  to "all" rather than hiding rows for a reason nobody can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.ui.chips import RAG_COLOURS, tint
from qpmr_desktop.ui.indicator_model import IndicatorFilters
from qpmr_desktop.ui.settings import Preferences

__all__ = [
    "RAG_CHOICES",
    "FilterPreferences",
    "IndicatorFilterBar",
    "TransientFilterPreferences",
]

#: The RAG toggles: (button text, the judgements it shows, tooltip).
RAG_CHOICES: Final[tuple[tuple[str, frozenset[Rag], str], ...]] = (
    ("● Green", frozenset({Rag.GREEN}), "Show indicators judged Green (target met)"),
    ("◆ Amber", frozenset({Rag.AMBER}), "Show indicators judged Amber (within tolerance)"),
    ("▲ Red", frozenset({Rag.RED}), "Show indicators judged Red (target missed)"),
    (
        "○ No judgement",
        frozenset({Rag.DATA_ONLY, Rag.NO_DATA}),
        "Show indicators with no judgement: no target, a context measure, or no data",
    ),
)
_ALL_THEMES = "All themes"
_DIRECTIONS: Final = (
    (None, "Any direction"),
    (Direction.IMPROVING, "Improving"),
    (Direction.WORSENING, "Worsening"),
    (Direction.NO_CHANGE, "No change"),
    (Direction.NOT_JUDGED, "Not judged"),
)
_PREFIX = "indicators/filter/"


class FilterPreferences:
    """The scorecard filter, kept in the user's preferences (see the module)."""

    def __init__(self, preferences: Preferences | None = None) -> None:
        self._preferences = preferences if preferences is not None else Preferences()

    def load(self) -> IndicatorFilters:
        prefs = self._preferences
        theme = prefs.text(f"{_PREFIX}theme") or None
        rags = frozenset(Rag(name) for name in prefs.texts(f"{_PREFIX}rags") if _is_rag(name))
        direction_name = prefs.text(f"{_PREFIX}direction")
        direction = Direction(direction_name) if direction_name in set(Direction) else None
        return IndicatorFilters(
            text=prefs.text(f"{_PREFIX}text"),
            theme=theme,
            rags=rags,
            direction=direction,
            needs_commentary=prefs.flag(f"{_PREFIX}needs_commentary"),
        )

    def save(self, filters: IndicatorFilters) -> None:
        prefs = self._preferences
        prefs.set_text(f"{_PREFIX}text", filters.text)
        prefs.set_text(f"{_PREFIX}theme", filters.theme or "")
        prefs.set_texts(f"{_PREFIX}rags", sorted(rag.value for rag in filters.rags))
        prefs.set_text(
            f"{_PREFIX}direction", "" if filters.direction is None else filters.direction.value
        )
        prefs.set_flag(f"{_PREFIX}needs_commentary", value=filters.needs_commentary)
        prefs.sync()


class TransientFilterPreferences(FilterPreferences):
    """Starts with no filter and keeps nothing: for screenshots and tests.

    A screenshot must show the whole scorecard whatever the user last filtered,
    and must not change what they will see next time.
    """

    def __init__(self) -> None:  # no settings behind it at all
        self._filters = IndicatorFilters()

    def load(self) -> IndicatorFilters:
        return self._filters

    def save(self, filters: IndicatorFilters) -> None:
        self._filters = filters


def _direction_data(direction: Direction | None) -> str:
    return "" if direction is None else direction.value


def _is_rag(name: str) -> bool:
    return name in {rag.value for rag in Rag}


class IndicatorFilterBar(QWidget):
    """Theme, RAG, direction and "needs commentary" controls (see the module)."""

    filters_changed = Signal(object)  # IndicatorFilters, the text left as it was

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filters = IndicatorFilters()
        self._updating = False

        self.theme_combo = QComboBox(self)
        self.theme_combo.setObjectName("indicators_theme_filter")
        self.theme_combo.setToolTip("Show one theme only")
        self.theme_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.theme_combo.addItem(_ALL_THEMES, "")

        self.rag_buttons: list[QToolButton] = []
        rag_group = QButtonGroup(self)
        rag_group.setExclusive(False)
        rag_box = QHBoxLayout()
        rag_box.setSpacing(2)
        for text, rags, tooltip in RAG_CHOICES:
            button = QToolButton(self)
            # The shape on the button, its word in the tooltip and for screen readers.
            symbol, _, word = text.partition(" ")
            button.setText(symbol)
            button.setAccessibleName(f"{word} indicators")
            button.setCheckable(True)
            button.setToolTip(f"{text}: {tooltip}. Several may be on; none on shows all.")
            button.setAutoRaise(False)
            colour = RAG_COLOURS[min(rags, key=lambda rag: rag.value)]
            button.setStyleSheet(
                f"QToolButton {{ padding: 1px 4px; color: {colour}; }}"
                f"QToolButton:checked {{ background: {tint(colour, 0.22)};"
                f" border: 1px solid {colour}; border-radius: 3px; font-weight: 600; }}"
            )
            button.setObjectName(f"indicators_rag_filter_{len(self.rag_buttons)}")
            rag_group.addButton(button)
            rag_box.addWidget(button)
            self.rag_buttons.append(button)
            button.toggled.connect(self._on_control_changed)

        self.direction_combo = QComboBox(self)
        self.direction_combo.setObjectName("indicators_direction_filter")
        self.direction_combo.setToolTip("Direction of travel against the previous quarter")
        for direction, label in _DIRECTIONS:
            # Item data as plain text: a StrEnum would come back from Qt as a str anyway.
            self.direction_combo.addItem(label, "" if direction is None else direction.value)

        self.commentary_check = QCheckBox("Needs commentary", self)
        self.commentary_check.setObjectName("indicators_commentary_filter")
        # Its words must show whole: the search box gives way first.
        self.commentary_check.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.commentary_check.setToolTip(
            "Red, or worsening against the previous quarter, with no commentary yet"
        )

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.theme_combo)
        rag_label = QLabel("RAG", self)
        rag_label.setEnabled(False)  # a muted caption
        layout.addWidget(rag_label)
        layout.addLayout(rag_box)
        layout.addWidget(self.direction_combo)
        layout.addWidget(self.commentary_check)
        layout.addStretch(1)

        self.theme_combo.currentIndexChanged.connect(self._on_control_changed)
        self.direction_combo.currentIndexChanged.connect(self._on_control_changed)
        self.commentary_check.toggled.connect(self._on_control_changed)

    # ------------------------------------------------------------ our API

    @property
    def filters(self) -> IndicatorFilters:
        return self._filters

    def set_themes(self, themes: Sequence[str]) -> None:
        """Offer ``themes`` (in the council's order); a chosen theme that is gone becomes All."""
        chosen = self._filters.theme
        self._updating = True
        try:
            self.theme_combo.clear()
            self.theme_combo.addItem(_ALL_THEMES, "")
            for theme in themes:
                self.theme_combo.addItem(theme, theme)
            if chosen is not None and chosen not in themes:
                # Keep what the filter says (it may come back): shown, so it is never hidden.
                self.theme_combo.addItem(chosen, chosen)
            self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(chosen or "")))
        finally:
            self._updating = False

    def set_filters(self, filters: IndicatorFilters) -> None:
        """Show ``filters`` in the controls, without emitting ``filters_changed``."""
        self._updating = True
        try:
            self._filters = filters
            index = self.theme_combo.findData(filters.theme or "")
            if index < 0 and filters.theme is not None:
                self.theme_combo.addItem(filters.theme, filters.theme)
                index = self.theme_combo.count() - 1
            self.theme_combo.setCurrentIndex(max(0, index))
            for button, (_, rags, _) in zip(self.rag_buttons, RAG_CHOICES, strict=True):
                button.setChecked(bool(rags & filters.rags))
            self.direction_combo.setCurrentIndex(
                max(0, self.direction_combo.findData(_direction_data(filters.direction)))
            )
            self.commentary_check.setChecked(filters.needs_commentary)
        finally:
            self._updating = False

    # ------------------------------------------------------------ slots

    def _on_control_changed(self) -> None:
        if self._updating:
            return
        rags: frozenset[Rag] = frozenset()
        for button, (_, choice, _) in zip(self.rag_buttons, RAG_CHOICES, strict=True):
            if button.isChecked():
                rags |= choice
        theme = self.theme_combo.currentData()
        direction = self.direction_combo.currentData()
        self._filters = replace(
            self._filters,
            theme=theme if isinstance(theme, str) and theme else None,
            rags=rags,
            direction=Direction(direction) if direction else None,
            needs_commentary=self.commentary_check.isChecked(),
        )
        self.filters_changed.emit(self._filters)
