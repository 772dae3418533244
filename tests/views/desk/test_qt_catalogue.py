"""Qt's own texts come out in Russian — not blank (issue 18, points 8 and «accessible names»).

The supplement translator used to answer "" for strings it does not know; Qt takes a non-null empty
string as the translation, so every context menu item and standard button was blank and the
Latin-label walk (which skips empty texts) could not notice.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPlainTextEdit


@pytest.mark.usefixtures("russian_qt")
@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_context_menus_read_in_russian(qtbot, kind) -> None:  # type: ignore[no-untyped-def]
    field = kind()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    assert texts and all(texts), texts  # no blank item
    assert {"Отменить действие", "Копировать", "Вставить"} <= set(texts)


@pytest.mark.usefixtures("russian_qt")
def test_standard_buttons_read_in_russian(qtbot) -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Close
        | QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert {b.text().replace("&", "") for b in box.buttons()} == {
        "OK",
        "Закрыть",
        "Отмена",
    }  # «OK» as Qt has it


@pytest.mark.usefixtures("russian_qt")
def test_the_supplement_still_answers_and_passes_the_rest_on() -> None:
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Папка:"
    assert QCoreApplication.translate("NoSuchContext", "Отклик") == "Отклик"


@pytest.mark.usefixtures("russian_qt")
def test_shortcuts_keep_their_modifiers() -> None:
    """The shortcut sheet (F1) said «V» for Ctrl+Shift+V: the modifiers' names were translated to ""."""
    from PySide6.QtGui import QKeySequence

    text = QKeySequence("Ctrl+Shift+V").toString(QKeySequence.SequenceFormat.NativeText)
    assert text == "Ctrl+Shift+V"
