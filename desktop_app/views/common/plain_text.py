"""The one way outside text reaches a label or a tooltip: always shown literally (issue 14).

Citizens' posts, author names, file names, department names and reasons typed by people are
untrusted. Qt renders a tooltip — and a label left in ``AutoText`` — as rich text as soon as it
*looks* like HTML, so a question containing ``<span style="font-size:60pt;color:red">`` would draw a
fake instruction over the operator's review. Use :func:`plain_tooltip` for every tooltip and
:func:`plain_label` (or :func:`make_plain`) for every label that may carry such text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

#: A tooltip is a hint, not a reader: the rest of a 10,000-character post is in the message card.
TOOLTIP_LIMIT = 1500


def plain_tooltip(text: str, limit: int = TOOLTIP_LIMIT) -> str:
    """``text`` escaped inside a pre-wrap paragraph: rendered literally, line breaks kept."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def make_plain(label: QLabel) -> QLabel:
    """Never interpret the label's text as HTML."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    """A word-wrapped label that shows ``text`` exactly as written."""
    label = make_plain(QLabel(parent))
    label.setText(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label
