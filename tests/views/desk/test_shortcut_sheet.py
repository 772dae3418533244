"""Issue 18, point 11: a shortcut sheet read from the window's own actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from tests.views.editor.support import Setup


def test_f1_shows_every_shortcut_of_the_operators_window(qtbot, open_window, desk: Setup) -> None:
    window = open_window(desk.world.operator)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F1)
    dialog = window.shortcut_dialog
    assert dialog.isVisible()
    table = dialog.findChild(QTableWidget, "shortcuts")
    shown = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    rows = dict(window.shortcut_list())
    assert rows["Сменить пользователя"] == "Ctrl+Shift+L"
    assert rows["Направить"] == "Ctrl+D"
    assert rows["Сочетания клавиш"] == "F1"
    assert shown == rows
    dialog.accept()
