"""Fixtures of the whole-desk tests: every role's main window on one small administration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.views.i18n import install_russian, remove
from desktop_app.views.main_window import MainWindow
from tests.views.editor.support import Setup, fake_validation, make_setup

ANSWER = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Спасибо за обращение."


@pytest.fixture
def desk(tmp_path: Path, sqlite_template: Path) -> Iterator[Setup]:
    """Services over the fake proofreader, with a new, a routed and a submitted message."""
    for setup in make_setup(tmp_path, sqlite_template):
        setup.services.validation = fake_validation(setup.services)  # type: ignore[misc]
        world = setup.world
        world.arrive("Во дворе дома 5 по улице Ленина не горят фонари. Когда починят?")
        setup.routed_message("На улице Мира огромная яма. Когда отремонтируют дорогу?")
        submitted = setup.routed_message("Когда отремонтируют тротуар на улице Победы?")
        setup.services.workflow.submit_draft(
            world.roads_executor, submitted, world.version(submitted), DraftKind.ANSWER, ANSWER
        )
        setup.submitted_id = submitted  # type: ignore[attr-defined]
        yield setup


@pytest.fixture
def russian_qt(qapp: QApplication) -> Iterator[None]:
    """Qt's own catalogues in Russian, as the app installs them at start."""
    translators = install_russian(qapp)
    assert translators, "qtbase_ru.qm not found in the PySide6 wheel"
    yield
    remove(qapp, translators)


@pytest.fixture
def open_window(qtbot, desk: Setup) -> Callable[[object], MainWindow]:
    def make(actor: object) -> MainWindow:
        window = MainWindow(desk.context_for(actor), watch_changes=False)
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        desk.ops.wait()
        return window

    return make
