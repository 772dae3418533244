"""Issue 18, point 8: no English a user can reach — every screen, dialog and context menu, offscreen."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desktop_app.services.queries import Queue
from tests.views.editor.support import Setup

# Names a Russian user sees in Latin letters anyway (products, platforms, keys, formats).
ALLOWED = {
    "vk", "vkontakte", "telegram", "youtube", "rutube", "dzen", "ok", "max", "sqlite", "postgresql", "languagetool", "pylat", "ru",
    "ctrl", "shift", "alt", "del", "enter", "esc", "tab", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8",
    "pdf", "png", "jpg", "jpeg", "csv", "xlsx", "json", "gpl", "only", "id", "url", "inc", "http", "https",
    "www", "utc", "msk", "pgup", "pgdown", "home", "end", "ins", "backspace", "space",
}  # fmt: skip
_LATIN = re.compile(r"[A-Za-z]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def latin_only(text: str) -> bool:
    """Latin words and no Russian, outside the allow-list («Undo», «1h», «Look in:»)."""
    text = text.replace("&", "").split("\t")[0]
    if re.match(r"^(/|[A-Za-z]:\\)", text):
        return False  # a file path the user chose, not a label
    if re.search(r"\b\d+\s*[hmd]\b", text):
        return True  # «1h/30m» (alone or mixed with «30м, 6ч»)
    if _CYRILLIC.search(text):
        return False
    words = [w.casefold() for w in _LATIN.findall(text)]
    return any(len(w) > 1 and w not in ALLOWED for w in words)  # single letters: shortcut keys


def texts_of(root: QWidget) -> Iterable[tuple[str, str]]:
    """(where, text) of everything a user reads on ``root`` and its children."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        name = f"{type(w).__name__}:{w.objectName()}"
        if w.isWindow():
            yield name, w.windowTitle()
        if isinstance(w, QLabel | QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QLineEdit):
            yield name, w.placeholderText()
            yield name, w.text()
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            yield name, w.placeholderText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield name, w.itemText(i)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield name, w.tabText(i)
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                yield name, w.item(i).text()
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a model that keeps its columnCount private
                columns = 0
            for c in range(columns):
                yield name, str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        for action in w.actions():
            yield name, action.text()
            menu = action.menu()
            if isinstance(menu, QMenu):
                for sub in menu.actions():
                    yield name, sub.text()


def context_menus(root: QWidget) -> Iterable[tuple[str, str]]:
    """The standard context menu of every text field (Undo/Cut/Paste… without Qt's Russian)."""
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit):
            menu = w.createStandardContextMenu()
            for action in menu.actions():
                yield f"context menu of {type(w).__name__}:{w.objectName()}", action.text()
            menu.deleteLater()


def english(*roots: QWidget) -> list[tuple[str, str]]:
    found = []
    for root in roots:
        for where, text in [*texts_of(root), *context_menus(root)]:
            if text and latin_only(text):
                found.append((where, text))
    return found


def test_the_check_itself_catches_english() -> None:
    assert latin_only("&Undo\tCtrl+Z")
    assert latin_only("Look in:")
    assert latin_only("1h")
    assert latin_only("направление — 1h, 30m")
    assert not latin_only("&Отменить действие\tCtrl+Z")
    assert not latin_only("ВКонтакте (vk)")
    assert not latin_only("Ctrl+Shift+L")


@pytest.mark.usefixtures("russian_qt")
def test_operator_and_supervisor_screens_and_dialogs_are_russian(open_window, desk: Setup) -> None:
    world = desk.world
    window = open_window(world.operator)
    workspace = window.workspace
    roots: list[QWidget] = [window]
    new_id = next(r.id for r in workspace.model.rows())
    workspace.select_message(new_id)
    for opener in (workspace.open_route_dialog, workspace.open_close_dialog, workspace.open_redirect_dialog):
        dialog = opener()
        assert dialog is not None, opener.__name__
        assert english(dialog) == []
        dialog.reject()
    workspace.set_queue(Queue.AWAITING_REVIEW)
    desk.ops.wait()
    workspace.select_message(desk.submitted_id)
    review = workspace.open_review_dialog()
    assert review is not None
    assert english(review) == []
    review.reject()
    workspace.set_queue(Queue.WITH_EXECUTORS)
    desk.ops.wait()
    assert english(*roots) == []
    window.close()
    chief = open_window(world.supervisor)
    for queue in Queue:
        chief.workspace.set_queue(queue)
        desk.ops.wait()
        assert english(chief) == [], queue
    chief.close()


@pytest.mark.usefixtures("russian_qt")
def test_executor_screen_file_dialog_and_editor_menu_are_russian(open_window, desk: Setup) -> None:
    window = open_window(desk.world.roads_executor)
    workspace = window.workspace
    rows = workspace.model.rows()
    assert rows
    workspace.select_message(rows[0].id)
    desk.ops.wait()
    assert english(window) == []
    # The file dialog the editor opens for attachments: Qt's own dialog, not the system's.
    files = QFileDialog(window, "Приложить фотографии")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.show()
    assert english(files) == []
    files.reject()
    window.close()


@pytest.mark.usefixtures("russian_qt")
def test_administrator_screens_and_date_picker_are_russian(qtbot, open_window, desk: Setup) -> None:
    window = open_window(desk.world.admin)
    tabs = window.workspace
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
    assert english(window) == []
    for date_edit in window.findChildren(QDateEdit):
        if date_edit.calendarPopup():
            calendar = date_edit.calendarWidget()
            assert isinstance(calendar, QCalendarWidget)
            calendar.setCurrentPage(2026, 5)
            month = calendar.findChild(QAbstractButton, "qt_calendar_monthbutton")
            assert month is not None and month.text() == "май"
            assert english(calendar) == []
    window.close()


def test_without_the_catalogue_the_context_menu_would_be_english(qapp) -> None:
    """Guard: the check above can fail — Qt's own texts are English until the catalogue is loaded."""
    edit = QLineEdit()
    menu = edit.createStandardContextMenu()
    assert any(latin_only(a.text()) for a in menu.actions() if a.text())
    menu.deleteLater()
    edit.deleteLater()
