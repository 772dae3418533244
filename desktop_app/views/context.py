"""What every view gets: the services, the logged-in user, the operation layer and app-wide signals."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.changes import ChangeListener, Changes
from desktop_app.views.operations import Operations


class AppSignals(QObject):
    """App-wide events.

    Signals:
        tick: once a second, for countdowns (views repaint only their visible rows).
        data_changed: reload everything («Обновить»); committed changes come on ``Operations.changed``.
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
    ops: Operations
    signals: AppSignals


class ChangeFeedBridge(QObject):
    """Brings the database's change feed (a service thread) to ``Operations.changed`` on the UI thread.

    PostgreSQL ``LISTEN/NOTIFY`` or SQLite ``PRAGMA data_version``: another workstation's commit
    reaches the views within a second, as the :class:`Changes` it made (issue 17).
    """

    _arrived = Signal(object)

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._arrived.connect(self._publish)
        services = context.services
        self._listener = ChangeListener(services.changes, services.db, self._arrived.emit)

    def start(self) -> None:
        self._listener.start()

    @property
    def ready(self) -> threading.Event:
        """Set once the listener knows where the log is: later commits reach the views."""
        return self._listener.ready

    def stop(self) -> None:
        self._listener.stop()

    @Slot(object)
    def _publish(self, changes: Changes) -> None:
        self._context.ops.publish(changes)
