"""Starting the desktop app: settings, database, services, login, main window."""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import paths
from desktop_app.cli import CliContext
from desktop_app.errors import OtklikError
from desktop_app.logging_setup import configure_logging
from desktop_app.models.database import Database, open_database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.settings import Settings, audit_checkpoint_dir, load_settings, save_database_url

if TYPE_CHECKING:
    from desktop_app.views.background import Background
    from desktop_app.views.context import AppSignals

log = logging.getLogger(__name__)


def _show_fatal(message: str) -> None:
    """A startup error: stderr always, and a message box when a display is available."""
    print(f"otklik: ошибка: {message}", file=sys.stderr)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if app.platformName() in ("offscreen", "minimal"):
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Отклик — не удалось запустить", message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def _demo_database() -> Database:
    folder = Path(tempfile.mkdtemp(prefix="otklik-demo-"))
    return open_database(f"sqlite:///{folder / 'demo.sqlite3'}")


def prepare_demo(settings: Settings) -> tuple[AppServices, dict[str, str], str]:
    """A fresh demo database with departments, accounts for every role and message history."""
    from desktop_app.services.demo import load_seed, seed_demo

    services = build_services(settings, _demo_database())
    accounts = seed_demo(services)
    return services, accounts, load_seed()["password"]


def run_gui(context: CliContext, *, demo: bool = False, smoke_test: bool = False) -> int:
    started = time.perf_counter()
    configure_logging()
    try:
        settings = context.settings
    except OtklikError as exc:
        _show_fatal(str(exc))
        return 1

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Отклик")
    app.setOrganizationName("otklik")

    if smoke_test:
        return _smoke(settings, started)
    if settings.warnings:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "Отклик: настройки", "\n\n".join(settings.warnings))

    from desktop_app.views.first_start import DatabaseSetupDialog, FirstStartDialog

    demo_accounts: dict[str, str] | None = None
    demo_password = ""
    try:
        if demo:
            services, demo_accounts, demo_password = prepare_demo(settings)
        else:
            config_file = context.config_path or paths.default_config_file()
            if not config_file.exists():
                # First start on this workstation: its own SQLite file or the department's PostgreSQL.
                setup = DatabaseSetupDialog(settings.database.effective_url())
                if setup.exec() != DatabaseSetupDialog.DialogCode.Accepted:
                    return 0
                save_database_url(config_file, setup.url)
                settings = load_settings(config_file)
            services = build_services(
                settings,
                open_database(settings.database.effective_url()),
                audit_dir=audit_checkpoint_dir(settings),
            )
    except OtklikError as exc:
        _show_fatal(str(exc))
        return 1

    from desktop_app.views.context import AppSignals, ViewContext
    from desktop_app.views.login import LoginDialog
    from desktop_app.views.main_window import MainWindow
    from desktop_app.views.tasks import TaskRunner

    if not services.auth.has_users():
        first = FirstStartDialog(services)
        if first.exec() != FirstStartDialog.DialogCode.Accepted:
            return 0
    login = LoginDialog(services.auth, demo_accounts, demo_password)
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    signals = AppSignals()
    view_context = ViewContext(services, login.actor, TaskRunner(), signals)
    runtime = _start_background(services, signals, demo)
    window = MainWindow(view_context)
    window.showMaximized()
    # Warm the proofreading engine once the window is up, so start-up stays fast (issue 9).
    from PySide6.QtCore import QTimer

    QTimer.singleShot(1500, services.validation.start)
    try:
        return app.exec()
    finally:
        runtime.stop()
        services.validation.close()  # stops a LanguageTool JVM the app started itself
        services.db.dispose()


def _start_background(services: AppServices, signals: AppSignals, demo: bool) -> Background:
    """Intake and outbox loops (R2, R5); in the demo, also the embedded Incident-system simulator."""
    from desktop_app.views.background import Background

    background = Background(services, signals, demo=demo)
    background.start()
    return background


def _smoke(settings: Settings, started: float) -> int:
    """Build the main window on a temporary, migrated database and quit (INTERFACES.md)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.views.context import AppSignals, ViewContext
    from desktop_app.views.main_window import MainWindow
    from desktop_app.views.tasks import TaskRunner

    try:
        services, _accounts, password = prepare_demo(settings)
        actor = services.auth.login("operator", password)
    except OtklikError as exc:
        _show_fatal(str(exc))
        return 1
    window = MainWindow(ViewContext(services, actor, TaskRunner(), AppSignals()), watch_changes=False)
    window.show()
    QTimer.singleShot(200, QApplication.instance().quit)
    QApplication.instance().exec()
    window.close()
    services.db.dispose()
    log.info("smoke test passed in %.2f s", time.perf_counter() - started)
    print("SMOKE OK")
    return 0
