"""Issue 18: the keyboard focus is visible on every control, and Tab walks the screen in a sensible order.

Driven by real Tab key presses; a control is grabbed while it has the focus and while it has not, and
the pixels along its edge must differ (Fusion alone leaves a focused table, plain-text field or tool
button looking exactly like an unfocused one).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from desktop_app.views.common import theme
from tests.views.editor.support import Setup

PALETTES = {"light": lambda: QApplication.style().standardPalette(), "dark": theme.dark_palette}


@pytest.fixture(params=list(PALETTES))
def palette(request, qapp: QApplication) -> Iterator[QPalette]:
    before = QApplication.palette()
    chosen = PALETTES[request.param]()
    QApplication.setPalette(chosen)
    yield chosen
    QApplication.setPalette(before)


def edge_changes(off: QImage, on: QImage, band: int = 2) -> float:
    """Share of the pixels along the edge (``band`` px deep) that differ between the two grabs."""
    assert off.size() == on.size()
    w, h = off.width(), off.height()
    points = {(x, y) for x in range(w) for y in (*range(band), *range(h - band, h))}
    points |= {(x, y) for y in range(h) for x in (*range(band), *range(w - band, w))}
    changed = sum(1 for x, y in points if off.pixel(x, y) != on.pixel(x, y))
    return changed / len(points)


def tab_through(
    qtbot, start: QWidget, targets: dict[str, QWidget], steps: int = 40
) -> tuple[list[str], dict]:  # type: ignore[no-untyped-def]
    """Press Tab from ``start``; the order targets get the focus in and each target's focused grab."""
    start.setFocus()
    QApplication.processEvents()
    order: list[str] = []
    grabs: dict[str, QImage] = {}
    for _ in range(steps):
        focused = QApplication.focusWidget()
        for name, widget in targets.items():
            if widget is focused and name not in order:
                order.append(name)
                grabs[name] = widget.grab().toImage()
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        QApplication.processEvents()
    return order, grabs


def unfocused(targets: dict[str, QWidget], elsewhere: QWidget) -> dict[str, QImage]:
    elsewhere.setFocus()
    QApplication.processEvents()
    return {name: w.grab().toImage() for name, w in targets.items() if w is not elsewhere}


def _active(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_operator_screen_tab_order_and_visible_focus(qtbot, open_window, desk: Setup, palette) -> None:
    window = open_window(desk.world.operator)
    _active(qtbot, window)
    workspace = window.workspace
    workspace.select_message(workspace.model.rows()[0].id)
    desk.ops.wait()
    route = workspace.toolbar.widgetForAction(workspace.route_action)
    assert isinstance(route, QToolButton) and route.isEnabled()
    targets = {
        "очереди": workspace.queue_view,
        "поиск": workspace.search_edit,
        "список": workspace.table,
        "текст сообщения": workspace.panel.text_view,
        "направить": route,
    }
    off = unfocused(targets, workspace.search_edit)
    off["поиск"] = unfocused({"поиск": workspace.search_edit}, workspace.table)["поиск"]
    order, on = tab_through(qtbot, workspace.queue_view, targets)
    # queue → table → card → actions, and Tab leaves the table (it used to keep Tab for its cells).
    assert order == ["очереди", "поиск", "список", "текст сообщения", "направить"]
    for name in targets:
        assert edge_changes(off[name], on[name]) > 0.5, f"focus not visible on «{name}»"
    window.close()


def test_executor_editor_tab_order_and_visible_focus(qtbot, open_window, desk: Setup, palette) -> None:
    window = open_window(desk.world.roads_executor)
    _active(qtbot, window)
    workspace = window.workspace
    workspace.select_message(workspace.model.rows()[0].id)
    desk.ops.wait()
    editor = workspace.editor
    editor.text_edit.setPlainText("Здравствуйте, Иван! Дорогу отремонтируют до 1 июня.")
    editor.check_now()
    desk.ops.wait()
    checks = next(w for w in editor.panel.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus)
    targets = {
        "текст ответа": editor.text_edit,
        "проверки": checks,
        "отправить": editor.submit_button,
        "список": workspace.table,
    }
    tab_through(qtbot, editor.text_edit, targets, steps=30)  # once round: the draft saved, layout settled
    order, on = tab_through(qtbot, editor.text_edit, targets, steps=30)
    off = unfocused(targets, workspace.search_edit)
    assert order[:3] == ["текст ответа", "проверки", "отправить"]  # the checks are read before sending
    assert "список" in order  # and Tab goes on round the window
    for name in targets:
        assert edge_changes(off[name], on[name]) > 0.5, f"focus not visible on «{name}»"
    window.close()


@pytest.mark.parametrize("make", list(PALETTES.values()), ids=list(PALETTES))
def test_the_ring_stands_out_from_the_window(qapp, make) -> None:  # type: ignore[no-untyped-def]
    chosen = make()
    ring = theme.focus_colour(chosen)
    assert theme.contrast(ring, chosen.color(QPalette.ColorRole.Window)) >= 3.0
    assert theme.contrast(ring, chosen.color(QPalette.ColorRole.Base)) >= 3.0


def test_the_check_sees_no_change_without_a_ring(qtbot) -> None:
    """Guard: two grabs of one unfocused widget do not count as a visible focus."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(80, 30)
    widget.show()
    assert edge_changes(widget.grab().toImage(), widget.grab().toImage()) == 0
