"""Issue 18, point 7: every main screen fits 1366×768 at 100 % and 1920×1080 at 150 % (1280×720 logical)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow, QScrollArea, QWidget

from tests.views.editor.support import Setup

# Available height: the screen less a taskbar (~40 px); the window frame is the window manager's.
SIZES = {"1366×768 at 100 %": (1366, 728), "1920×1080 at 150 %": (1280, 690)}


def clipped(window: QMainWindow) -> list[str]:
    """Visible widgets that stick out of the window (or out of the widget that holds them)."""
    bounds = QRect(QPoint(0, 0), window.size())
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or widget.width() <= 0 or widget.height() <= 0:
            continue
        if any(isinstance(p, QScrollArea) for p in _parents(widget, window)):
            continue  # inside a scroll area, reachable by scrolling
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not bounds.contains(rect):
            found.append(f"{type(widget).__name__}:{widget.objectName()} {rect.getRect()}")
    return found


def _parents(widget: QWidget, stop: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        found.append(parent)
        parent = parent.parentWidget()
    return found


@pytest.fixture
def desktop_font(qapp: QApplication):
    """11 pt, a common desktop default (the offscreen platform's 9 pt hides overflows)."""
    before = QApplication.font()
    font = QFont(before)
    font.setPointSize(11)
    QApplication.setFont(font)
    yield
    QApplication.setFont(before)


@pytest.mark.usefixtures("desktop_font")
@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
@pytest.mark.parametrize("role", ["operator", "roads_executor", "supervisor", "admin"])
def test_main_screens_fit(qtbot, open_window, desk: Setup, role: str, size: str) -> None:
    width, height = SIZES[size]
    window = open_window(getattr(desk.world, role))
    rows = window.workspace.model.rows() if hasattr(window.workspace, "model") else []
    if rows:
        window.workspace.select_message(rows[0].id)  # the card (and for the executor the editor) shown
        desk.ops.wait()
    window.resize(width, height)
    QApplication.processEvents()
    assert window.width() <= width, f"needs {window.minimumSizeHint().width()} px"
    assert window.height() <= height, f"needs {window.minimumSizeHint().height()} px"
    assert clipped(window) == []
    window.close()


def test_the_check_finds_a_clipped_widget(qtbot) -> None:
    """Guard: a widget placed past the window's edge is reported."""
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    window.setCentralWidget(central)
    wide = QWidget(central)
    wide.setObjectName("too_wide")
    wide.setGeometry(0, 0, 1500, 50)
    window.resize(1366, 728)
    window.show()
    assert any("too_wide" in c for c in clipped(window))


def test_splitters_columns_and_geometry_are_remembered_per_user(qtbot, desk: Setup, tmp_path) -> None:
    from PySide6.QtWidgets import QSplitter, QTableView

    from desktop_app.views.main_window import MainWindow
    from desktop_app.views.ui_state import FILE_NAME, UiState

    path = tmp_path / "config" / FILE_NAME

    def open_(actor) -> MainWindow:  # type: ignore[no-untyped-def]
        window = MainWindow(desk.context_for(actor), watch_changes=False, ui_state=UiState(path, actor.login))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    def main_splitter(window: MainWindow) -> QSplitter:
        return max(window.findChildren(QSplitter), key=lambda s: s.width())

    # The offscreen screen is 800×800: restoreGeometry keeps a window on it, so stay below.
    operator = desk.world.operator
    window = open_(operator)
    window.resize(780, 600)
    QApplication.processEvents()
    main_splitter(window).setSizes([500, 260])
    wanted = main_splitter(window).sizes()
    table = window.findChild(QTableView, "messages")
    table.horizontalHeader().resizeSection(1, 233)
    window.close()
    assert path.exists()

    again = open_(operator)
    assert (again.width(), again.height()) == (780, 600)
    assert main_splitter(again).sizes() == wanted
    assert again.findChild(QTableView, "messages").horizontalHeader().sectionSize(1) == 233
    again.close()

    other = open_(desk.world.supervisor)  # another person on the same workstation: their own
    assert main_splitter(other).sizes() != wanted
    other.close()
