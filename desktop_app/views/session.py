"""One workstation, several users in turn (issue 18, point 1): login → main window → log-out → login.

A shared workstation must not stay with whoever logged in first. :class:`DeskSession` owns the login
dialog and the main window of the current user; «Сменить пользователя» closes that window (the editor
saves its text on hide), waits until its operations have finished, closes every window it opened, clears
this workstation's presence (the others stop seeing «открыто у: …» at once) and shows the login again.
The operation layer, the app signals and the background loops belong to the workstation and stay.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.heap import release_heap, settled_count
from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.login import LoginDialog
from desktop_app.views.main_window import MainWindow
from desktop_app.views.operations import Operations, alive
from desktop_app.views.ui_state import UiState

log = logging.getLogger(__name__)


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


class DeskSession(QObject):
    """The login loop of one running app.

    Signals:
        logged_in(MainWindow): a user logged in; their window is shown.
        logged_out(): the previous user's windows are closed and their presence cleared.
        cancelled(): the login dialog was closed without logging in (the app quits).
    """

    logged_in = Signal(object)
    logged_out = Signal()
    cancelled = Signal()

    def __init__(
        self,
        services: AppServices,
        ops: Operations,
        signals: AppSignals,
        *,
        demo_accounts: dict[str, str] | None = None,
        demo_password: str = "",
        watch_changes: bool = True,
        maximize: bool = True,
        ui_state_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.ops = ops
        self.signals = signals
        self._demo_accounts = demo_accounts
        self._demo_password = demo_password
        self._watch_changes = watch_changes
        self._maximize = maximize
        self._ui_state_file = ui_state_file
        self.window: MainWindow | None = None
        self.login: LoginDialog | None = None
        self._settled_at_login: int | None = None

    def show_login(self) -> LoginDialog:
        """Show the login dialog (not blocking: the app's event loop runs it)."""
        departments = (
            self.services.admin.departments_of(list(self._demo_accounts)) if self._demo_accounts else {}
        )
        dialog = LoginDialog(
            self.services.auth, self._demo_accounts, self._demo_password, demo_departments=departments
        )
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.rejected.connect(self.cancelled.emit)
        self.login = dialog
        dialog.show()
        dialog.login_edit.setFocus()
        return dialog

    def _accepted(self, dialog: LoginDialog) -> None:
        if dialog.actor is not None:
            self.enter(dialog.actor)
        dialog.deleteLater()
        if self.login is dialog:
            self.login = None

    def enter(self, actor: Actor) -> MainWindow:
        """Open ``actor``'s main window."""
        context = ViewContext(self.services, actor, self.ops, self.signals)
        state = UiState(self._ui_state_file, actor.login) if self._ui_state_file is not None else None
        window = MainWindow(context, watch_changes=self._watch_changes, ui_state=state)
        window.logout_requested.connect(self.logout)
        self.window = window
        self._settled_at_login = settled_count()
        if self._maximize and not (state is not None and state.has_geometry()):
            window.showMaximized()
        else:
            window.show()
        self.logged_in.emit(window)
        return window

    def logout(self) -> LoginDialog:
        """Close the current user's windows, finish their operations, clear presence; show the login."""
        window = self.window
        self.window = None
        app = QApplication.instance()
        quit_on_last = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # closing the last window here is not the end of the app
        if window is not None and alive(window):
            for widget in QApplication.topLevelWidgets():
                if widget is not window and widget.isVisible() and _belongs_to(widget, window):
                    widget.close()
            window.close()  # the editor saves its text on hide: that write is queued now
            if not self.ops.wait(30_000):
                log.error("operations of the previous user still running after 30 s")
            window.deleteLater()
        # A big queue's load froze the heap (settle_heap): without this the previous user's cycles
        # would never be collected, and every change of user would keep their memory.
        release_heap(self._settled_at_login)
        try:
            self.services.presence.leave()
        except Exception:  # presence expires by itself; the log-out must not fail on it
            log.warning("could not clear presence at log-out", exc_info=True)
        self.logged_out.emit()
        dialog = self.show_login()
        app.setQuitOnLastWindowClosed(quit_on_last)
        return dialog
