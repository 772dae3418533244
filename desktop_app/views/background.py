"""Intake and outbox loops of the running app (R2, R5), bridged to the GUI's signals.

The loops are plain threads from the services layer; their callbacks run in those threads, so
they only emit the private signals of :class:`_Bridge`, which lives on the UI thread and
re-emits on :class:`AppSignals` there (queued connection). What the loops commit reaches the views
through the change feed (``Operations.changed``), row by row, not as a reload of everything.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import zoneinfo
from dataclasses import replace

import sqlalchemy as sa
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.adapters.incident.factory import build_gateway
from desktop_app.adapters.incident.simulator.server import SimulatorStore
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.intake import IntakeLimits, IntakeLoop, IntakeService, SyncResult
from desktop_app.services.outbox import OutboxLoop, OutboxWorker
from desktop_app.settings import Settings
from desktop_app.views.context import AppSignals
from desktop_app.views.operations import Operations

log = logging.getLogger(__name__)

DEMO_SYNC_SECONDS = 10.0
DEMO_RATE_PER_MINUTE = 1.0


class _Bridge(QObject):
    status = Signal(str, bool)
    new_messages = Signal(int)
    changed = Signal()

    def __init__(self, signals: AppSignals) -> None:
        super().__init__()
        self._signals = signals
        self.status.connect(self._on_status)
        self.new_messages.connect(self._on_new)
        self.changed.connect(self._on_changed)

    @Slot(str, bool)
    def _on_status(self, text: str, healthy: bool) -> None:
        self._signals.sync_status.emit(text, healthy)

    @Slot(int)
    def _on_new(self, count: int) -> None:
        self._signals.new_messages.emit(count)

    @Slot()
    def _on_changed(self) -> None:
        pass  # the rows follow from the change feed; kept so the outbox can say it sent something


class Background:
    """Starts the loops (and, for ``--demo``, the embedded Incident-system simulator)."""

    def __init__(
        self, services: AppServices, signals: AppSignals, ops: Operations, *, demo: bool = False
    ) -> None:
        self._services = services
        self._signals = signals
        self._ops = ops
        self._bridge = _Bridge(signals)
        self._simulator = None
        self._demo = demo
        self._intake: IntakeLoop | None = None
        self._outbox: OutboxLoop | None = None
        self._interval = float(services.settings.incident.sync_interval_seconds)
        self._last_success: dt.datetime | None = None
        # R5 «constant monitoring»: say so when the intake has been silent for too long.
        self._freshness = QTimer()
        self._freshness.setInterval(30_000)
        self._freshness.timeout.connect(self.check_freshness)

    def check_freshness(self) -> bool:
        """Show a red status when no intake pass succeeded for three intervals (at least 3 minutes)."""
        if self._last_success is None:
            return True
        silent = self._services.now() - self._last_success
        if silent <= dt.timedelta(seconds=max(3 * self._interval, 180)):
            return True
        zone = zoneinfo.ZoneInfo(self._services.settings.administration.timezone)
        since = self._last_success.astimezone(zone).strftime("%H:%M")
        minutes = int(silent.total_seconds() // 60)
        self._signals.sync_status.emit(
            f"«Система Инцидент»: нет обмена с {since} ({minutes} мин) — новые сообщения могут не поступать",
            False,
        )
        return False

    def start(self) -> None:
        settings = self._services.settings
        base_url = None
        interval = float(settings.incident.sync_interval_seconds)
        if self._demo:
            from desktop_app.adapters.incident.simulator.server import start_simulator

            self._simulator = start_simulator(
                seed=random.randrange(1_000_000), rate=DEMO_RATE_PER_MINUTE, initial_messages=4
            )
            base_url = self._simulator.base_url
            self._adopt_history(self._simulator.store)
            interval = DEMO_SYNC_SECONDS
            self._interval = interval
            settings = _with_mode(settings, "simulator")
        gateway = build_gateway(settings, base_url=base_url)
        now = self._services.now
        intake = IntakeService(
            self._services.db,
            gateway,
            now,
            limits=IntakeLimits.from_settings(settings.incident),
            lifecycle=self._services.lifecycle,
        )
        self._intake = IntakeLoop(
            intake,
            interval,
            on_result=self._synced,
            on_error=self._sync_failed,
            on_new_messages=lambda result: self._bridge.new_messages.emit(result.new),
        ).start()
        # Any committed change may be a new outbound action: send it now rather than at the next poll.
        self._ops.changed.connect(self.wake_outbox)
        self._outbox = OutboxLoop(
            OutboxWorker(self._services.db, gateway, now, lifecycle=self._services.lifecycle),
            3.0,
            on_sent=lambda count: self._bridge.changed.emit() if count else None,
            on_error=lambda text: self._bridge.status.emit(text, False),
        ).start()
        self._freshness.start()
        self._signals.sync_requested.connect(self.wake_intake)

    def _adopt_history(self, store: SimulatorStore) -> None:
        """The demo database's messages came from "earlier": let the simulator accept answers to them."""
        with self._services.db.session() as session:
            for message in session.scalars(sa.select(Message)):
                store.adopt_message(
                    message.external_id,
                    channel_kind=message.channel_kind.value,
                    platform=message.platform,
                    author=message.author_name,
                    post_url=message.post_url,
                    text=message.text,
                )

    def _synced(self, result: SyncResult) -> None:
        if result.error:
            return
        self._last_success = self._services.now()
        zone = zoneinfo.ZoneInfo(self._services.settings.administration.timezone)
        stamp = self._services.now().astimezone(zone).strftime("%H:%M:%S")
        self._bridge.status.emit(f"«Система Инцидент»: синхронизировано в {stamp} ({result.summary()})", True)

    def _sync_failed(self, text: str) -> None:
        self._bridge.status.emit(f"«Система Инцидент» недоступна: {text}", False)

    def wake_intake(self) -> None:
        if self._intake is not None:
            self._intake.wake()

    def wake_outbox(self, *_changes: object) -> None:
        if self._outbox is not None:
            self._outbox.wake()

    def stop(self) -> None:
        self._freshness.stop()
        for loop in (self._intake, self._outbox):
            if loop is not None:
                loop.stop()
        if self._simulator is not None:
            self._simulator.stop()


def _with_mode(settings: Settings, mode: str) -> Settings:
    return replace(settings, incident=replace(settings.incident, mode=mode))
