"""The text editor of one minuted point (or resolution): keys, completion, spelling, autosave.

Contract of ``PointEdit`` (a plain-text ``QTextEdit`` that grows with its text):

- It never writes anything itself: it says what the person asked for through
  signals, and the item editor turns each into one undo command.
  ``commit_wanted`` fires about a second after typing pauses (``COMMIT_DELAY_MS``,
  restarted by every keystroke) and at once when focus leaves. With
  ``structural`` on (points, not resolutions): Enter at the end →
  ``new_point_wanted``; Enter elsewhere → ``split_wanted(offset)``; Backspace
  at the very start → ``merge_previous_wanted``; Ctrl+Enter →
  ``new_section_wanted``; Delete in an empty point → ``delete_wanted``;
  Ctrl+1…Ctrl+5 → ``kind_wanted(kind)``. Alt+Up/Alt+Down →
  ``move_wanted(-1/+1)`` with ``movable`` on (by default as ``structural``; a
  resolution or a part moves too).
  Up on the first line and Down on the last → ``navigate_wanted(-1/+1)``.
  Ctrl+Z / Ctrl+Shift+Z go to the window's undo stack (``undo_wanted``,
  ``redo_wanted``): the document's own undo is off, so there is one history.
- Offsets are Python string indices into ``text()``, which is the typed text
  with Qt's paragraph separators turned into "\\n" and non-breaking spaces
  kept (``toPlainText`` would turn them into spaces and lose them).
- ``set_text_quietly`` shows stored text (after an undo) without counting as
  typing. Standard phrases (``set_phrases``) are offered as completions while
  the whole text so far is the start of one of them; choosing one puts the
  cursor where its "…" was.
- Spelling: given a ``SpellCheckerAdapter`` the text is underlined and the
  context menu offers suggestions; without one (no dictionary) it is a plain
  editor. ``shared_speller()`` makes the application's one adapter.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCompleter,
    QFrame,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.ui.spell_highlighter import (
    SpellCheckerAdapter,
    SpellHighlighter,
    spelling_context_menu,
)

__all__ = ["BLOCK_MIME", "COMMIT_DELAY_MS", "KIND_SHORTCUTS", "PointEdit", "shared_speller"]

#: The MIME type of a point, section, resolution or part dragged by its handle within the
#: item editor; text editors ignore it (it carries no text), so the editor takes the drop.
BLOCK_MIME: Final = "application/x-qpmr-minutes-block"

#: How long after the last keystroke typed text is committed (the brief: about a second).
COMMIT_DELAY_MS: Final = 900
#: Ctrl+1 … Ctrl+5 make a point of these kinds, in this order.
KIND_SHORTCUTS: Final = (
    PointKind.PRESENTED,
    PointKind.NOTED,
    PointKind.REPORTED,
    PointKind.DISCUSSION,
    PointKind.OTHER,
)
_PLACEHOLDER = "…"
_DIGITS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

_speller_made = False
_speller: SpellCheckerAdapter | None = None


def shared_speller() -> SpellCheckerAdapter | None:
    """The application's one spell checker adapter, made on first use; None without spelling."""
    global _speller_made, _speller  # noqa: PLW0603 - one checker per application, by design
    if not _speller_made:
        _speller_made = True
        from qpmr_desktop.services.spelling import create_checker  # noqa: PLC0415

        checker = create_checker()
        if checker is not None:
            _speller = SpellCheckerAdapter(checker, QApplication.instance())
    return _speller


def _python_index(text: str, utf16_position: int) -> int:
    """The string index of a Qt (UTF-16) position in ``text``."""
    return len(text.encode("utf-16-le")[: 2 * utf16_position].decode("utf-16-le", "ignore"))


def _utf16_position(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


class PointEdit(QTextEdit):
    """A compact plain-text editor for one point; see the module contract."""

    commit_wanted = Signal()
    new_point_wanted = Signal()
    split_wanted = Signal(int)
    merge_previous_wanted = Signal()
    new_section_wanted = Signal()
    move_wanted = Signal(int)
    delete_wanted = Signal()
    kind_wanted = Signal(object)  # PointKind
    navigate_wanted = Signal(int)
    undo_wanted = Signal()
    redo_wanted = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        speller: SpellCheckerAdapter | None = None,
        structural: bool = True,
        movable: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._structural = structural
        self._movable = structural if movable is None else movable
        self._quiet = False
        self._speller = speller
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)  # one history: the window's undo stack
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(3)
        self.highlighter = (
            SpellHighlighter(self.document(), speller) if speller is not None else None
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._phrases = QStringListModel(self)
        self.completer = QCompleter(self._phrases, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        # activated has a str and a QModelIndex overload; the stubs cannot index them.
        activated = self.completer.activated[str]  # type: ignore[index]
        activated.connect(self._on_completer_activated)
        self.textChanged.connect(self._on_text_changed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    # ------------------------------------------------------------ our API

    def text(self) -> str:
        """The text as typed ("\\n" between lines, non-breaking spaces kept)."""
        raw = self.document().toRawText()
        return raw.replace("\u2029", "\n").replace("\u2028", "\n")

    def set_text_quietly(self, text: str) -> None:
        """Show ``text`` without it counting as typing; the cursor stays near where it was."""
        if text == self.text():
            return
        offset = min(self.cursor_offset(), len(text))
        self._quiet = True
        try:
            self.setPlainText(text)
        finally:
            self._quiet = False
        self._timer.stop()
        self.set_cursor_offset(offset)

    def cursor_offset(self) -> int:
        """Where the cursor is, as a string index into ``text()``."""
        return _python_index(self.text(), self.textCursor().position())

    def set_cursor_offset(self, offset: int) -> None:
        text = self.text()
        cursor = self.textCursor()
        cursor.setPosition(_utf16_position(text, max(0, min(offset, len(text)))))
        self.setTextCursor(cursor)

    def has_pending_typing(self) -> bool:
        """Whether typing is waiting for its pause to be committed."""
        return self._timer.isActive()

    def set_phrases(self, phrases: list[str]) -> None:
        """The standard phrases to offer while the text so far starts one of them."""
        self._phrases.setStringList(phrases)

    def phrases(self) -> list[str]:
        return self._phrases.stringList()

    def offer_completion(self) -> bool:
        """Show the phrases the text so far begins, if any; whether any were offered."""
        text = self.text()
        if self.isReadOnly() or not text.strip() or self.cursor_offset() != len(text):
            self._popup().hide()
            return False
        prefix = text.lower()
        matches = [
            phrase
            for phrase in self._phrases.stringList()
            if phrase.lower().startswith(prefix) and phrase.replace(_PLACEHOLDER, "") != text
        ]
        if not matches:
            self._popup().hide()
            return False
        self.completer.setCompletionPrefix(text)
        rect = self.cursorRect()
        rect.setWidth(max(240, self._popup().sizeHintForColumn(0) + 24))
        self.completer.complete(rect)
        return True

    def insert_phrase(self, phrase: str) -> None:
        """Replace the text before the cursor with ``phrase``, the cursor where its "…" was."""
        before, marker, after = phrase.partition(_PLACEHOLDER)
        if marker and not after:
            before = before.rstrip() + " "  # "It was noted that…": go on typing after a space
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.Start, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(before + after)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.set_cursor_offset(len(before))

    # ------------------------------------------------------------ Qt overrides

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self._wanted_height())

    def event(self, event: QEvent) -> bool:
        # The document's undo is off, but QTextEdit still claims Ctrl+Z before the
        # window's Undo action sees it: take it here and hand it to the stack.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: PLR0911, PLR0912 - one key table
        if self._popup().isVisible() and event.key() in (
            *_ENTER,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()  # the completer's popup takes these
            return
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_wanted.emit()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self.redo_wanted.emit()
            return
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        control = Qt.KeyboardModifier.ControlModifier
        alt = Qt.KeyboardModifier.AltModifier
        no_selection = not self.textCursor().hasSelection()
        if modifiers == alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            if self._movable and not self.isReadOnly():
                self.move_wanted.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if modifiers == control and key in _DIGITS:
            if self._structural and not self.isReadOnly():
                self.kind_wanted.emit(KIND_SHORTCUTS[_DIGITS.index(key)])
            return
        if key in _ENTER and modifiers == control:
            if self._structural and not self.isReadOnly():
                self.new_section_wanted.emit()
            return
        if key in _ENTER and modifiers == Qt.KeyboardModifier.NoModifier and self._structural:
            if not self.isReadOnly():
                offset = self.cursor_offset()
                if offset >= len(self.text().rstrip()):
                    self.new_point_wanted.emit()
                else:
                    self.split_wanted.emit(offset)
            return
        if (
            key == Qt.Key.Key_Backspace
            and modifiers == Qt.KeyboardModifier.NoModifier
            and self._structural
            and no_selection
            and self.textCursor().position() == 0
        ):
            if not self.isReadOnly():
                self.merge_previous_wanted.emit()
            return
        if key == Qt.Key.Key_Delete and self._structural and not self.text().strip():
            if not self.isReadOnly():
                self.delete_wanted.emit()
            return
        if modifiers == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            cursor = self.textCursor()
            before = cursor.position()
            moved = cursor.movePosition(
                QTextCursor.MoveOperation.Up
                if key == Qt.Key.Key_Up
                else QTextCursor.MoveOperation.Down
            )
            if not moved or cursor.position() == before:
                self.navigate_wanted.emit(-1 if key == Qt.Key.Key_Up else 1)
                return
        super().keyPressEvent(event)
        if event.text() and event.text().isprintable():
            self.offer_completion()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason or not self._popup().isVisible():
            self._timer.stop()
            self.commit_wanted.emit()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = spelling_context_menu(self, event.pos(), self._speller)
        menu.exec(event.globalPos())
        menu.deleteLater()

    # ------------------------------------------------------------ slots

    def _on_text_changed(self) -> None:
        if self._quiet or self.isReadOnly():
            return
        self._timer.start()  # restarted by every keystroke: commit a second after the pause

    def _on_timer_timeout(self) -> None:
        self.commit_wanted.emit()

    def _on_completer_activated(self, phrase: str) -> None:
        self.insert_phrase(phrase)

    # ------------------------------------------------------------ internals

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a QCompleter makes its popup on first use
        return popup

    def _wanted_height(self) -> int:
        document = self.document()
        # Lay the text out at the width it will be shown at, so wrapped lines count.
        document.setTextWidth(self.viewport().width())
        document_height = document.size().height()
        margins = self.contentsMargins()
        return max(int(document_height) + margins.top() + margins.bottom() + 2, 24)

    def _fit_height(self) -> None:
        height = self._wanted_height()
        if height != self.height():
            self.setFixedHeight(height)
