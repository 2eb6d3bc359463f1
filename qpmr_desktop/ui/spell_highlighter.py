"""Spelling in text editors: wavy red underlines and the right-click menu.

Three pieces, for any ``QPlainTextEdit`` or ``QTextEdit``:

- ``SpellCheckerAdapter`` (one per application) wraps the Qt-free
  ``services.spelling.SpellChecker`` and emits ``dictionary_changed`` whenever
  a word is added or ignored, so that every editor re-checks its text.
  ``dictionary_save_failed(message)`` says that an added word could not be
  written to the personal word list (it is still accepted until the app closes).
- ``SpellHighlighter(document, adapter)`` underlines misspelt words with
  ``SpellCheckUnderline`` (the style's choice: a red wave on Windows, Linux
  and offscreen, dots on macOS). It only sets layout formats: the document's
  text, its character formats and its undo stack are never touched. As with
  any QSyntaxHighlighter, the first pass over the text runs on the next turn
  of the event loop; from then on each edit is checked as it happens.
- ``spelling_context_menu(editor, position, adapter)`` builds the menu for a
  right-click at ``position`` (viewport coordinates, as in
  ``contextMenuEvent`` or ``customContextMenuRequested``): for a misspelt word
  there, up to eight suggestions (a choice replaces the word as one undoable
  edit of the editor's document), "Add to Dictionary" and "Ignore", then the
  editor's standard items. Given ``None`` (spelling unavailable) it is just the
  standard menu. The caller owns the menu: ``exec`` it, then ``deleteLater``.

Checker offsets are string indices; Qt positions count UTF-16 units, so
offsets are converted when a block holds characters beyond the BMP (emoji).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QColor,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit

from qpmr_desktop.services.spelling import SUGGESTION_LIMIT, SpellChecker

_log = logging.getLogger(__name__)

Span = tuple[int, int]


class SpellCheckerAdapter(QObject):
    """The application's spell checker, with a signal for when its word lists change."""

    dictionary_changed = Signal()
    dictionary_save_failed = Signal(str)

    def __init__(self, checker: SpellChecker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checker = checker

    @property
    def checker(self) -> SpellChecker:
        return self._checker

    def misspellings(self, text: str) -> list[Span]:
        return self._checker.misspellings(text)

    def suggest(self, word: str, limit: int = SUGGESTION_LIMIT) -> list[str]:
        return self._checker.suggest(word, limit)

    def add_to_dictionary(self, word: str) -> None:
        """Accept ``word`` for good; editors re-check even if saving it failed."""
        try:
            self._checker.add_to_dictionary(word)
        except OSError as error:
            # The checker accepts the word for this session anyway: say so,
            # and let the editors drop its underline all the same.
            message = (
                f"“{word}” is accepted until QPMR Desktop closes, but could not be saved to"
                f" {self._checker.personal_path}: {error.strerror or error}"
            )
            _log.warning("%s", message)
            self.dictionary_save_failed.emit(message)
        self.dictionary_changed.emit()

    def ignore(self, word: str) -> None:
        """Accept ``word`` until the app closes."""
        self._checker.ignore(word)
        self.dictionary_changed.emit()


def to_utf16_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """``spans`` of string indices into ``text`` as UTF-16 positions, which Qt counts in."""
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return list(spans)  # no surrogate pairs: the two agree
    positions = [0]
    for char in text:
        positions.append(positions[-1] + (2 if ord(char) > 0xFFFF else 1))
    return [
        (positions[start], positions[start + length] - positions[start]) for start, length in spans
    ]


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines the misspelt words of ``document``; re-checks when the dictionary changes."""

    def __init__(self, document: QTextDocument, speller: SpellCheckerAdapter) -> None:
        # A QTextDocument reports edits (contentsChange, which the highlighter
        # follows) only once it has a layout: give a bare document its default
        # one. An editor's document has its layout already.
        document.documentLayout()
        super().__init__(document)
        self._speller = speller
        self._enabled = True
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor(Qt.GlobalColor.red))
        speller.dictionary_changed.connect(self._on_speller_dictionary_changed)

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Show or hide the underlines (a "check spelling as you type" setting)."""
        if enabled != self._enabled:
            self._enabled = enabled
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not self._enabled or not text:
            return
        for start, length in to_utf16_spans(text, self._speller.misspellings(text)):
            self.setFormat(start, length, self._format)

    @Slot()
    def _on_speller_dictionary_changed(self) -> None:
        self.rehighlight()


def misspelt_word_at(
    editor: QPlainTextEdit | QTextEdit, position: QPoint, speller: SpellCheckerAdapter
) -> QTextCursor | None:
    """A cursor selecting the misspelt word at ``position`` (viewport coordinates), or None."""
    cursor = editor.cursorForPosition(position)
    block = cursor.block()
    text = block.text()
    offset = cursor.position() - block.position()
    # cursorForPosition lands between characters: a click on a word's last
    # letter may give the position just after it, so the end counts too.
    for start, length in to_utf16_spans(text, speller.misspellings(text)):
        if start <= offset <= start + length:
            word = QTextCursor(editor.document())
            word.setPosition(block.position() + start)
            word.setPosition(block.position() + start + length, QTextCursor.MoveMode.KeepAnchor)
            return word
    return None


def spelling_context_menu(
    editor: QPlainTextEdit | QTextEdit, position: QPoint, speller: SpellCheckerAdapter | None
) -> QMenu:
    """The right-click menu for ``position`` in ``editor``; see the module docstring."""
    menu = _standard_menu(editor, position)
    if speller is None:
        return menu
    word_cursor = misspelt_word_at(editor, position, speller)
    if word_cursor is None:
        return menu
    word = word_cursor.selectedText()
    first_standard = menu.actions()[0] if menu.actions() else None
    spelling_actions: list[QAction] = []
    if not editor.isReadOnly():
        suggestions = speller.suggest(word, SUGGESTION_LIMIT)
        for suggestion in suggestions:
            action = QAction(_menu_text(suggestion), menu)
            action.triggered.connect(
                lambda _checked=False, s=suggestion: _replace_word(editor, word_cursor, word, s)
            )
            spelling_actions.append(action)
        if not suggestions:
            none = QAction("No Suggestions", menu)
            none.setEnabled(False)
            spelling_actions.append(none)
        spelling_actions.append(_separator(menu))
    add = QAction("Add to Dictionary", menu)
    add.setObjectName("spelling-add")
    add.triggered.connect(lambda _checked=False: speller.add_to_dictionary(word))
    ignore = QAction("Ignore", menu)
    ignore.setObjectName("spelling-ignore")
    ignore.triggered.connect(lambda _checked=False: speller.ignore(word))
    spelling_actions += [add, ignore]
    if first_standard is not None:
        spelling_actions.append(_separator(menu))
    menu.insertActions(first_standard, spelling_actions)  # type: ignore[arg-type]
    return menu


def _standard_menu(editor: QPlainTextEdit | QTextEdit, position: QPoint) -> QMenu:
    if isinstance(editor, QTextEdit):
        # QTextEdit wants document coordinates, to offer "Copy Link Location".
        scrolled = QPoint(editor.horizontalScrollBar().value(), editor.verticalScrollBar().value())
        return editor.createStandardContextMenu(position + scrolled)
    # Plain text has no links, so the position would change nothing.
    return editor.createStandardContextMenu()


def _separator(menu: QMenu) -> QAction:
    action = QAction(menu)
    action.setSeparator(True)
    return action


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")  # a lone & would make a mnemonic


def _replace_word(
    editor: QPlainTextEdit | QTextEdit, cursor: QTextCursor, original: str, replacement: str
) -> None:
    """Put ``replacement`` where ``cursor`` selects ``original``: one undo step."""
    # The cursor follows edits made since the menu opened; if the word itself
    # changed meanwhile, replacing it would clobber the new text.
    if cursor.selectedText() != original:
        _log.info("Not replacing %r: the text under the menu has changed", original)
        return
    cursor.beginEditBlock()
    cursor.insertText(replacement)
    cursor.endEditBlock()
    editor.setTextCursor(cursor)
