"""Issue 18: every control a user can reach has a Russian accessible name (what a screen reader says).

The name is read the way assistive technology reads it: ``QAccessible.queryAccessibleInterface(w)
.text(Name)``, which includes a buddy label's text, a button's text and an explicit ``accessibleName``.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QSplitterHandle,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.views.desk.screens import every_screen
from tests.views.editor.support import Setup

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabWidget,
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def _inside_qt_composite(widget: QWidget) -> bool:
    """Parts Qt builds inside its own composite widgets (a spin box's line edit, a tab bar's arrows)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QCalendarWidget | QTabBar | QFileDialog):
            return True
        if isinstance(parent, QLineEdit):  # the clear button of a line edit
            return True
        parent = parent.parentWidget()
    return False


def _where(widget: QWidget) -> str:
    """The attribute that holds the widget on one of its parents (``OperatorWorkspace.search_edit``)."""
    parent = widget.parentWidget()
    while parent is not None:
        for attr, value in vars(parent).items():
            if value is widget:
                return f" ({type(parent).__name__}.{attr})"
        parent = parent.parentWidget()
    return ""


def unnamed(root: QWidget) -> list[str]:
    """Visible interactive widgets (and panels a splitter holds) without a Russian accessible name."""
    found = []
    buddies = [label.buddy() for label in root.findChildren(QLabel) if label.buddy() is not None]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or isinstance(widget, QHeaderView) or _inside_qt_composite(widget):
            continue
        if widget.objectName() == "qt_tableview_cornerbutton" or isinstance(widget, QSplitterHandle):
            continue  # Qt's select-all corner and the splitter's grip: Qt's own parts
        hosted = isinstance(widget.parentWidget(), QSplitter)
        if not (isinstance(widget, INTERACTIVE) or hosted):
            continue
        name = accessible_name(widget)
        if isinstance(widget, QComboBox) and not (widget.accessibleName() or widget in buddies):
            name = ""  # Qt names a combo box by its current value («Ответ»): a label must say what it is
        if not _CYRILLIC.search(name):
            found.append(f"{type(widget).__name__}:{widget.objectName()} «{name}»{_where(widget)}")
    return found


@pytest.mark.usefixtures("russian_qt")  # as the app starts: Qt's standard buttons in Russian
def test_every_control_of_every_screen_has_a_russian_accessible_name(open_window, desk: Setup) -> None:
    missing: dict[str, list[str]] = {}
    for screen, root in every_screen(desk, open_window):
        found = unnamed(root)
        if found:
            missing[screen] = found
    assert missing == {}


def test_the_check_finds_an_unnamed_control(qtbot) -> None:
    """Guard: a bare line edit and a text-less tool button are reported; a named one is not."""
    root = QWidget()
    qtbot.addWidget(root)
    bare = QLineEdit(root)
    bare.setObjectName("bare")
    named = QLineEdit(root)
    named.setAccessibleName("Поиск по всем сообщениям")
    named.move(0, 40)
    root.show()
    found = unnamed(root)
    assert any("bare" in f for f in found)
    assert len(found) == 1


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_a_buddy_label_counts_as_the_name(qtbot, kind) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFormLayout

    root = QWidget()
    qtbot.addWidget(root)
    form = QFormLayout(root)
    field = kind()
    form.addRow("Комментарий:", field)
    root.show()
    assert "Комментарий" in accessible_name(field)


def test_a_combo_box_needs_a_label_not_its_value(qtbot) -> None:
    """Guard: Qt names a combo box by its current item; without a label or a name it is reported."""
    root = QWidget()
    qtbot.addWidget(root)
    combo = QComboBox(root)
    combo.setObjectName("kind")
    combo.addItems(["Ответ", "Уточнение"])
    root.show()
    assert "Ответ" in accessible_name(combo)
    assert any("kind" in f for f in unnamed(root))
    combo.setAccessibleName("Вид ответа")
    assert unnamed(root) == []
