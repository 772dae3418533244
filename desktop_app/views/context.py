"""What every view gets: the services, the logged-in user, the task runner and app-wide signals."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.tasks import TaskRunner


class AppSignals(QObject):
    """App-wide events.

    Signals:
        tick: once a second, for countdowns (views repaint only their visible rows).
        data_changed: something changed in the database, here or on another workstation.
        sync_status(str, bool): the Incident-system freshness text and whether it is healthy.
        new_messages(int): intake found new messages (R5 notification).
        sync_requested: the user asked to fetch from the Incident system now («Обновить»).
    """

    tick = Signal()
    data_changed = Signal()
    sync_status = Signal(str, bool)
    new_messages = Signal(int)
    sync_requested = Signal()


@dataclass
class ViewContext:
    services: AppServices
    actor: Actor
    runner: TaskRunner
    signals: AppSignals


class ChangeWatcher(QObject):
    """Polls the audit trail's change token so edits on other workstations show up within seconds."""

    def __init__(self, context: ViewContext, interval_ms: int = 3000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._token: int | None = None
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._context.runner.run(self._context.services.queries.change_token, self._got, self._failed)

    def _got(self, token: int) -> None:
        self._busy = False
        if self._token is not None and token != self._token:
            self._context.signals.data_changed.emit()
        self._token = token

    def _failed(self, _exc: BaseException) -> None:
        self._busy = False
