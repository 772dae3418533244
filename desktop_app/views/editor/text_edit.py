"""The plain-text area of the draft editor: wavy underlines, suggestions, file drops, focus-out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QWidget

from desktop_app.domain.validation import SpellingMatch
from desktop_app.views.common.theme import Tone, text_colour

ADD_TO_DICTIONARY = "Добавить в словарь организации"


def utf16_position(text: str, offset: int) -> int:
    """Qt document position (UTF-16 units) of the code-point ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def codepoint_offset(text: str, position: int) -> int:
    """Code-point offset of the Qt document ``position`` (UTF-16 units) in ``text``."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def local_files(mime) -> list[str]:  # type: ignore[no-untyped-def]
    if not mime.hasUrls():
        return []
    return [
        url.toLocalFile() for url in mime.urls() if url.isLocalFile() and Path(url.toLocalFile()).is_file()
    ]


class DraftTextEdit(QPlainTextEdit):
    """Plain text only (pasted rich text arrives as plain text); spelling matches underlined.

    Signals:
        focus_lost(): the editor lost keyboard focus (autosave, issue 8.6).
        files_dropped(list): local file paths dropped onto the text (attachments, R10).
        add_word_requested(str): «Добавить в словарь организации» chosen for this word.
        suggestion_applied(str, str): (old fragment, replacement) after a suggestion replaced a span.
    """

    focus_lost = Signal()
    files_dropped = Signal(list)
    add_word_requested = Signal(str)
    suggestion_applied = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_text")
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Текст ответа автору…")
        self._marks: list[tuple[QTextCursor, SpellingMatch]] = []

    # -- underlines ---------------------------------------------------------------------------

    def set_matches(self, matches: Sequence[SpellingMatch]) -> None:
        """Underline ``matches`` (offsets into the current text, code points).

        The cursors follow later edits, so an underline stays on its word while a newer check runs.
        """
        text = self.toPlainText()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        fmt.setUnderlineColor(text_colour(Tone.DANGER, role=QPalette.ColorRole.Base))
        selections: list[QTextEdit.ExtraSelection] = []
        self._marks = []
        for match in matches:
            start = utf16_position(text, match.offset)
            end = utf16_position(text, match.offset + match.length)
            if end <= start:
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
            self._marks.append((cursor, match))
        self.setExtraSelections(selections)

    def underlined_spans(self) -> list[tuple[int, int]]:
        """(offset, length) in code points of every underline, as it sits in the text now."""
        text = self.toPlainText()
        spans = []
        for selection in self.extraSelections():
            start = codepoint_offset(text, selection.cursor.selectionStart())
            end = codepoint_offset(text, selection.cursor.selectionEnd())
            spans.append((start, end - start))
        return spans

    def match_at(self, position: int) -> tuple[QTextCursor, SpellingMatch] | None:
        """The underlined match under the document ``position`` (UTF-16 units), if any."""
        for cursor, match in self._marks:
            if cursor.hasSelection() and cursor.selectionStart() <= position <= cursor.selectionEnd():
                return cursor, match
        return None

    # -- selection and replacement ------------------------------------------------------------

    def select_span(self, offset: int, length: int) -> None:
        """Select ``text[offset:offset + length]`` (code points), scroll to it and focus the editor."""
        text = self.toPlainText()
        cursor = QTextCursor(self.document())
        cursor.setPosition(utf16_position(text, offset))
        cursor.setPosition(utf16_position(text, offset + length), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def replace_with(self, cursor: QTextCursor, replacement: str) -> None:
        old = cursor.selectedText()
        edit = QTextCursor(cursor)
        edit.beginEditBlock()  # one undo step
        edit.insertText(replacement)
        edit.endEditBlock()
        self.suggestion_applied.emit(old, replacement)

    # -- context menu -------------------------------------------------------------------------

    def context_menu_at(self, point: QPoint) -> QMenu:
        """The right-click menu for a point in the viewport: suggestions first, then the usual items."""
        menu = self.createStandardContextMenu(point)
        position = self.cursorForPosition(point).position()
        found = self.match_at(position)
        if found is None:
            return menu
        cursor, match = found
        first = menu.actions()[0] if menu.actions() else None
        suggestions = [r for r in match.replacements if r][:6]
        for replacement in suggestions:
            action = menu.addAction(replacement)
            action.setObjectName("suggestion")
            action.triggered.connect(lambda _=False, c=cursor, r=replacement: self.replace_with(c, r))
            if first is not None:
                menu.removeAction(action)
                menu.insertAction(first, action)
        if not suggestions:
            empty = menu.addAction("Нет вариантов исправления")
            empty.setEnabled(False)
            if first is not None:
                menu.removeAction(empty)
                menu.insertAction(first, empty)
        word = cursor.selectedText()
        if match.rule_id.upper().startswith(("MORFOLOGIK", "HUNSPELL")) or match.category.upper() == "TYPOS":
            add = menu.addAction(ADD_TO_DICTIONARY)
            add.setObjectName("add_to_dictionary")
            add.triggered.connect(lambda _=False, w=word: self.add_word_requested.emit(w))
            if first is not None:
                menu.removeAction(add)
                menu.insertAction(first, add)
        if first is not None:
            menu.insertSeparator(first)
        message = menu.addAction(match.message)
        message.setEnabled(False)
        if menu.actions():
            menu.removeAction(message)
            menu.insertAction(menu.actions()[0], message)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu_at(event.pos())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    # -- plain text only ------------------------------------------------------------------------

    def insertFromMimeData(self, source) -> None:  # type: ignore[no-untyped-def]
        if local_files(source):
            self.files_dropped.emit(local_files(source))
            return
        if source.hasText():
            self.insertPlainText(source.text())

    def canInsertFromMimeData(self, source) -> bool:  # type: ignore[no-untyped-def]
        return bool(local_files(source)) or source.hasText()

    # -- drag and drop of attachments -----------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
            return
        super().dropEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()
