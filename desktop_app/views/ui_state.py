"""What the user arranged stays arranged (issue 18, point 7): window geometry, splitters, table columns.

Kept per user (a shared workstation) in ``ui-state.ini`` in the settings folder, next to
``settings.toml``, with :class:`QSettings` in INI format (no registry, readable, removable). Every
splitter and table header of a window is found by its place in the widget tree, so a screen needs no
code to take part; a saved state that no longer fits (the screen changed) is ignored by Qt itself.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QWidget

log = logging.getLogger(__name__)

FILE_NAME = "ui-state.ini"


def widget_key(widget: QWidget, root: QWidget) -> str:
    """A stable name for ``widget`` inside ``root``: object names, or class and position among siblings."""
    parts = []
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        name = current.objectName()
        if not name:
            siblings = [c for c in (parent.children() if parent else []) if type(c) is type(current)]
            name = f"{type(current).__name__}{siblings.index(current) if current in siblings else 0}"
        parts.append(re.sub(r"[^\w]", "_", name))
        current = parent
    return "/".join(reversed(parts))


class UiState:
    """Saves and restores a main window's arrangement for one user."""

    def __init__(self, path: Path, user: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        self._prefix = "users/" + re.sub(r"[^\w]", "_", user)

    def _key(self, *parts: str) -> str:
        return "/".join((self._prefix, *parts))

    def save(self, window: QMainWindow) -> None:
        settings = self._settings
        settings.setValue(self._key("window", "geometry"), window.saveGeometry())
        settings.setValue(self._key("window", "state"), window.saveState())
        for splitter in window.findChildren(QSplitter):
            settings.setValue(self._key("splitters", widget_key(splitter, window)), splitter.saveState())
        for header in window.findChildren(QHeaderView):
            settings.setValue(self._key("headers", widget_key(header, window)), header.saveState())
        settings.sync()
        if settings.status() is not QSettings.Status.NoError:
            log.warning("could not save the window arrangement to %s", self.path)

    def has_geometry(self) -> bool:
        return self._settings.contains(self._key("window", "geometry"))

    def restore_geometry(self, window: QMainWindow) -> bool:
        geometry = self._settings.value(self._key("window", "geometry"))
        return isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)

    def restore(self, window: QMainWindow) -> int:
        """Restore splitters and columns; returns how many were restored."""
        restored = 0
        state = self._settings.value(self._key("window", "state"))
        if isinstance(state, QByteArray):
            window.restoreState(state)
        for splitter in window.findChildren(QSplitter):
            value = self._settings.value(self._key("splitters", widget_key(splitter, window)))
            if isinstance(value, QByteArray) and splitter.restoreState(value):
                restored += 1
        for header in window.findChildren(QHeaderView):
            value = self._settings.value(self._key("headers", widget_key(header, window)))
            if isinstance(value, QByteArray) and header.restoreState(value):
                restored += 1
        return restored
