"""Small dialogs every view needs.

API: ``show_error(parent, error, title="Отклик")`` — the Russian sentence of an ``OtklikError`` (or a
generic sentence for an unexpected failure) in a plain-text ``QMessageBox`` (never rich text).
``error_text(error) -> str`` gives the sentence alone.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.errors import OtklikError

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    if isinstance(error, OtklikError):
        return str(error)
    # The detail (class, traceback) goes to the log only: the user gets a sentence, never a class name.
    log.error("unexpected failure in a view action", exc_info=error)
    return "Не удалось выполнить действие из-за внутренней ошибки. Подробности записаны в журнал."


def show_error(parent: QWidget | None, error: BaseException, title: str = "Отклик") -> QMessageBox:
    """Shows the box window-modally (``open()``: never blocks tests) and returns it."""
    return show_message(parent, error_text(error), title)


def show_message(parent: QWidget | None, text: str, title: str = "Отклик") -> QMessageBox:
    """A plain-text warning box with ``text`` (already a Russian sentence), shown without blocking."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setObjectName("error_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
