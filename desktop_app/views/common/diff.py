"""Word-level difference between two versions of a draft (issue 18: what changed since the last review)."""

from __future__ import annotations

import difflib
import re

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from desktop_app.views.common.theme import Tone, tinted

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

SAME, ADDED, REMOVED = "same", "added", "removed"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(SAME|ADDED|REMOVED, text)] turning ``old`` into ``new``, word by word (spaces kept)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append((SAME, "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append((REMOVED, "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append((ADDED, "".join(b[j1:j2])))
    return [p for p in parts if p[1]]


def show_diff(view: QTextEdit, old: str, new: str) -> None:
    """Write the difference into ``view`` as plain text with character formats (no HTML is parsed,
    so the author's and executor's text is never taken for markup)."""
    view.clear()
    cursor = view.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    plain = QTextCharFormat()
    added = QTextCharFormat()
    ok, danger = tinted(Tone.OK), tinted(Tone.DANGER)  # from the palette: readable in a dark one too
    added.setBackground(ok.bg)
    added.setForeground(ok.fg)
    added.setFontUnderline(True)
    removed = QTextCharFormat()
    removed.setBackground(danger.bg)
    removed.setForeground(danger.fg)
    removed.setFontStrikeOut(True)
    formats = {SAME: plain, ADDED: added, REMOVED: removed}
    for op, text in word_diff(old, new):
        fmt = formats[op]
        fmt.setFontWeight(QFont.Weight.Normal)
        cursor.insertText(text, fmt)
    view.moveCursor(QTextCursor.MoveOperation.Start)
