"""Starting the desktop app: settings, database, services, login, main window.

The command line (``desktop_app.cli``) calls :func:`run_gui` with what it parsed; this module does not
import the command line back (no import cycle).
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import paths
from desktop_app.errors import OtklikError
from desktop_app.logging_setup import configure_logging
from desktop_app.models.database import Database, open_database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.settings import Settings, audit_checkpoint_dir, load_settings, save_database_url

if TYPE_CHECKING:
    from desktop_app.views.background import Background
    from desktop_app.views.context import AppSignals
    from desktop_app.views.operations import Operations

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


def run_gui(
    config_path: Path | None,
    settings_source: Callable[[], Settings],
    *,
    demo: bool = False,
    smoke_test: bool = False,
) -> int:
    """The desktop app: ``config_path`` as given by ``--config``; ``settings_source`` reads the settings."""
    started = time.perf_counter()
    configure_logging()
    try:
        settings = settings_source()
    except OtklikError as exc:
        _show_fatal(str(exc))
        return 1

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Отклик")
    app.setOrganizationName("otklik")
    from desktop_app.views.i18n import install_russian

    install_russian(app)  # Qt's own menus and dialogs in Russian (issue 18)
    from desktop_app.views.common.theme import install_focus_ring

    install_focus_ring(app)  # the keyboard focus visible on every control, in any palette (issue 18)
    from desktop_app.views.common.collector import install_collector

    install_collector(app)  # garbage cycles holding Qt objects are freed on the UI thread only

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
            config_file = config_path or paths.default_config_file()
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

    from desktop_app.views.context import AppSignals
    from desktop_app.views.operations import Operations
    from desktop_app.views.session import DeskSession

    if not services.auth.has_users():
        first = FirstStartDialog(services)
        if first.exec() != FirstStartDialog.DialogCode.Accepted:
            return 0
    signals = AppSignals()
    ops = Operations(services.changes)
    # Login → main window → «Сменить пользователя» → login … (issue 18): the session owns the windows.
    from desktop_app.views.ui_state import FILE_NAME

    session = DeskSession(
        services,
        ops,
        signals,
        demo_accounts=demo_accounts,
        demo_password=demo_password,
        ui_state_file=(config_path.parent if config_path else paths.config_dir()) / FILE_NAME,
    )
    entered: list[bool] = []
    session.logged_in.connect(lambda _window: entered.append(True))
    session.cancelled.connect(app.quit)
    session.show_login()
    runtime = None
    from PySide6.QtCore import QTimer

    def first_login(_window: object) -> None:
        nonlocal runtime
        if runtime is None:
            runtime = _start_background(services, signals, ops, demo)
            # Warm the proofreading engine once the window is up, so start-up stays fast (issue 9).
            QTimer.singleShot(1500, services.validation.start)

    session.logged_in.connect(first_login)
    try:
        app.exec()
        return 0
    finally:
        if session.window is not None:
            session.window.close()  # the editor saves its text on close: that write is queued now
        if entered:
            shutdown(services, ops, runtime)


def shutdown(services: AppServices, ops: Operations, runtime: Background | None) -> None:
    """At exit: drain the running operations (the final autosave) before anything is closed (issue 17)."""
    if not ops.shutdown(30_000):
        log.error("operations still running at exit after 30 s; closing anyway")
    if runtime is not None:
        runtime.stop()
    try:
        services.presence.leave()  # the others stop seeing «открыто у» at once, not after it expires
    except Exception:  # the database may be gone: presence expires by itself
        log.warning("could not clear presence at exit", exc_info=True)
    services.validation.close()  # stops a LanguageTool JVM the app started itself
    services.db.dispose()


def _start_background(services: AppServices, signals: AppSignals, ops: Operations, demo: bool) -> Background:
    """Intake and outbox loops (R2, R5); in the demo, also the embedded Incident-system simulator."""
    from desktop_app.views.background import Background

    background = Background(services, signals, ops, demo=demo)
    background.start()
    return background


def _smoke(settings: Settings, started: float) -> int:
    """Build the main window on a temporary, migrated database and quit (INTERFACES.md)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.views.context import AppSignals, ViewContext
    from desktop_app.views.main_window import MainWindow
    from desktop_app.views.operations import Operations

    try:
        services, _accounts, password = prepare_demo(settings)
        actor = services.auth.login("operator", password)
    except OtklikError as exc:
        _show_fatal(str(exc))
        return 1
    ops = Operations(services.changes)
    window = MainWindow(ViewContext(services, actor, ops, AppSignals()), watch_changes=False)
    window.show()
    QTimer.singleShot(200, QApplication.instance().quit)
    QApplication.instance().exec()
    window.close()
    shutdown(services, ops, None)
    log.info("smoke test passed in %.2f s", time.perf_counter() - started)
    print("SMOKE OK")
    return 0
