"""Qt's own texts in Russian (issue 18, point 8): context menus, file dialogs, date pickers, buttons.

Qt ships its translations in the PySide6 wheel (``Qt/translations/qtbase_ru.qm``); without them a
line edit's context menu says Undo/Cut/Paste and a file dialog says "Look in". The locale is set to
Russian too, so calendars and date editors name months and weekdays in Russian whatever the
workstation's system locale is.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

RUSSIAN = QLocale(QLocale.Language.Russian, QLocale.Country.Russia)
_CATALOGUES = ("qtbase",)

# Source strings newer than Qt's shipped Russian catalogue (found by tests/views/desk/test_russian.py).
SUPPLEMENT: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Папка:",
    ("QFileDialog", "Files of &type:"): "&Тип файлов:",
}


class SupplementTranslator(QTranslator):
    """Answers only for :data:`SUPPLEMENT`; everything else falls through to Qt's catalogue."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # ``None`` reaches Qt as a null QString: "not mine, ask the next catalogue". An empty str is a
        # non-null QString, which Qt takes as the translation itself: every Qt text came out blank
        # (context menus, «Закрыть» of a button box) while only this supplement was asked.
        return SUPPLEMENT.get((context, source))

    def isEmpty(self) -> bool:
        return False


def install_russian(app: QCoreApplication) -> list[QTranslator]:
    """Load Qt's Russian catalogues into ``app`` and make Russian the default locale.

    Returns the installed translators (kept on the app, so they live as long as it does); a missing
    catalogue is logged and skipped — the program still works, only Qt's own texts stay English.
    """
    QLocale.setDefault(RUSSIAN)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for catalogue in _CATALOGUES:
        translator = QTranslator(app)
        if translator.load(RUSSIAN, catalogue, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt's Russian catalogue %s not found in %s", catalogue, folder)
    if installed:
        supplement = SupplementTranslator(app)  # installed last: asked first
        app.installTranslator(supplement)
        installed.append(supplement)
    return installed


def remove(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo :func:`install_russian` (tests)."""
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())
