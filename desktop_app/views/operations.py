"""The one way views run service calls off the UI thread (issue 17), after Anki's ``QueryOp``/``CollectionOp``.

    ops.query(owner, lambda: queries.list_queue(...), show_rows, slot="queue")
    ops.write(owner, lambda: workflow.route_message(...), done)

What every operation gets, so no view re-implements it:

* It **belongs to ``owner``** (a widget): when the owner is deleted before the result arrives, the
  success callback is dropped (no ``RuntimeError`` on a closed dialog); a failure then still reaches
  the central facility.
* **Failures** go to ``failed`` when given, otherwise to :meth:`Operations.report` — one Russian sentence
  shown by the main window (logged with the detail; never a class name, SQL or a citizen's text).
* **Queries** in the same ``slot`` of one owner supersede each other: only the newest result is shown.
* **Writes** are serialised (one writer at a time on this workstation), show the busy state
  (:attr:`Operations.busy_changed`), and return what they changed: the :class:`Changes` of their
  committed transactions is emitted on :attr:`Operations.changed` (with the database feed's changes
  from other workstations) so each screen refreshes only what it shows.
* At exit :meth:`Operations.shutdown` refuses new work and drains the running operations before the
  engine is closed.

``inline=True`` runs the work on the calling thread but through the same delivery (tests that need
determinism); the async paths are tested on the real pool.
"""

from __future__ import annotations

import itertools
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QMetaMethod, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from desktop_app.services.changes import ChangeFeed, Changes
from desktop_app.views.common.dialogs import error_text

log = logging.getLogger(__name__)

UI_SWITCH_INTERVAL = 0.001  # seconds: the longest the UI thread waits for a running worker's GIL
Done = Callable[[Any], object]
Failed = Callable[[BaseException], object]


@dataclass(eq=False)
class _Ticket:
    owner: QObject | None
    fn: Callable[[], Any]
    done: Done | None
    failed: Failed | None
    write: bool
    quiet: bool = False
    slot: tuple[int, str] | None = None
    seq: int = 0
    result: Any = None
    error: BaseException | None = None
    changes: Changes = field(default_factory=Changes)

    def owner_alive(self) -> bool:
        # A widget made from Python is invalid as soon as its C++ side is deleted (e.g. a closed dialog
        # with WA_DeleteOnClose), so no per-operation connection to ``destroyed`` is needed.
        return self.owner is None or shiboken6.isValid(self.owner)


class _Job(QRunnable):
    def __init__(self, ops: Operations, ticket: _Ticket) -> None:
        super().__init__()
        self._ops = ops
        self._ticket = ticket

    def run(self) -> None:
        self._ops._execute(self._ticket)
        self._ops._relay.arrived.emit(self._ticket)


class _Relay(QObject):
    """Lives on the UI thread: the worker's signal is queued to it."""

    arrived = Signal(object)


class Operations(QObject):
    """One per running app (and per test): the pool, the writer lock, the busy state, the failure facility.

    Signals:
        changed(Changes): committed changes — this workstation's writes and the database feed's.
        busy_changed(bool): a write is running (True) / all writes finished (False).
        failure(str): the Russian sentence of a failure nobody handled (the main window shows it).
    """

    changed = Signal(object)
    busy_changed = Signal(bool)
    failure = Signal(str)

    def __init__(
        self,
        feed: ChangeFeed | None = None,
        parent: QObject | None = None,
        *,
        pool: QThreadPool | None = None,
        inline: bool = False,
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self.inline = inline
        # The pool's workers run Python beside the UI thread; each time the UI thread needs the GIL
        # (every paint calls into the model thousands of times) it may wait up to the switch
        # interval for a worker to let go of it. 1 ms instead of Python's 5 (issue 17: UI stalls
        # while a worker reads a queue); the workers lose a little throughput to the switches.
        if sys.getswitchinterval() > UI_SWITCH_INTERVAL:
            sys.setswitchinterval(UI_SWITCH_INTERVAL)
        self._pool = pool or QThreadPool(self)
        if pool is None:
            # Writes wait for the one writer on a pool thread: keep threads for the reads meanwhile.
            self._pool.setMaxThreadCount(max(4, QThread.idealThreadCount()))
        self._writer = threading.Lock()  # one writer at a time (R11: no interleaved half-actions)
        self._relay = _Relay()
        self._relay.arrived.connect(self._deliver)
        self._seq = itertools.count(1)
        self._latest: dict[tuple[int, str], int] = {}
        self._running: set[_Ticket] = set()
        self._writes = 0
        self._closing = False
        self.last_failure = ""

    # -- public API ------------------------------------------------------------------------------

    def query(
        self,
        owner: QObject | None,
        fn: Callable[[], Any],
        done: Done | None = None,
        failed: Failed | None = None,
        *,
        slot: str | None = None,
    ) -> None:
        """Read off the UI thread; ``done(result)`` on the UI thread unless superseded or the owner went."""
        self._start(_Ticket(owner, fn, done, failed, write=False), slot)

    def write(
        self,
        owner: QObject | None,
        fn: Callable[[], Any],
        done: Done | None = None,
        failed: Failed | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """Change something (serialised with every other write); ``changed`` carries what it changed.

        ``quiet``: bookkeeping the user did not ask for (presence heartbeats): no busy state shown.
        """
        self._start(_Ticket(owner, fn, done, failed, write=True, quiet=quiet), None)

    @property
    def busy(self) -> bool:
        return self._writes > 0

    def pending(self) -> int:
        return len(self._running)

    def report(self, error: BaseException | str) -> str:
        """The central failure facility: log the detail, tell the user one Russian sentence."""
        text = error if isinstance(error, str) else error_text(error)
        self.last_failure = text
        if self.isSignalConnected(QMetaMethod.fromSignal(self.failure)):
            self.failure.emit(text)
        else:
            from PySide6.QtWidgets import QApplication

            from desktop_app.views.common.dialogs import show_message

            show_message(QApplication.activeWindow(), text)
        return text

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Refuse new operations and wait for the running ones (the final autosave) to finish."""
        self._closing = True
        drained = self._pool.waitForDone(msecs)
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()  # deliver the results that just arrived (owners may save state)
        return drained

    def wait(self, msecs: int = 30_000) -> bool:
        """Tests: wait until the pool is idle and every result was delivered."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(msecs)
        while self._running and not deadline.hasExpired():
            self._pool.waitForDone(20)
            QCoreApplication.processEvents()
        return not self._running

    def publish(self, changes: Changes) -> None:
        """Changes learnt outside an operation (the database feed, the intake loop)."""
        if changes:
            self.changed.emit(changes)

    # -- internals -------------------------------------------------------------------------------

    def _start(self, ticket: _Ticket, slot: str | None) -> None:
        if self._closing:
            log.info("operation refused: the app is closing")
            return
        ticket.seq = next(self._seq)
        if slot is not None and ticket.owner is not None:
            ticket.slot = (id(ticket.owner), slot)
            self._latest[ticket.slot] = ticket.seq
        self._running.add(ticket)
        if ticket.write and not ticket.quiet:
            self._writes += 1
            if self._writes == 1:
                self.busy_changed.emit(True)
        if self.inline:
            self._execute(ticket)
            self._deliver(ticket)
            return
        job = _Job(self, ticket)
        job.setAutoDelete(True)
        self._pool.start(job)

    def _execute(self, ticket: _Ticket) -> None:
        """Runs on a worker thread (or inline): only the service call, never a widget."""
        try:
            if ticket.write:
                with self._writer:
                    if self._feed is not None:
                        with self._feed.collect() as box:
                            ticket.result = ticket.fn()
                        ticket.changes = box.changes
                    else:
                        ticket.result = ticket.fn()
                        ticket.changes = Changes.all()
            else:
                ticket.result = ticket.fn()
        except Exception as exc:  # every failure is delivered, never swallowed
            ticket.error = exc

    @Slot(object)
    def _deliver(self, ticket: _Ticket) -> None:
        self._running.discard(ticket)
        if ticket.write and not ticket.quiet:
            self._writes -= 1
            if self._writes == 0:
                self.busy_changed.emit(False)
        alive = ticket.owner_alive()
        stale = ticket.slot is not None and self._latest.get(ticket.slot) != ticket.seq
        if ticket.slot is not None and not stale:
            del self._latest[ticket.slot]
        try:
            if ticket.error is not None:
                if stale:
                    log.info("a superseded query failed: %s", ticket.error, exc_info=ticket.error)
                elif alive and ticket.failed is not None:
                    ticket.failed(ticket.error)
                else:
                    self.report(ticket.error)
            elif alive and not stale and ticket.done is not None:
                ticket.done(ticket.result)
        except Exception as exc:  # a view's callback failed: the user still hears about it
            self.report(exc)
        finally:
            if ticket.write and ticket.error is None and ticket.changes:
                self.changed.emit(ticket.changes)
            ticket.owner = None  # no reference to a deleted widget's wrapper


def alive(widget: QObject | None) -> bool:
    """True while ``widget`` exists on the C++ side (a dialog the user closed may be deleted)."""
    return widget is not None and shiboken6.isValid(widget)
