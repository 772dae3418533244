"""Run service calls off the UI thread and get results back by signal (Picard/Anki style).

``TaskRunner.run(fn, on_done, on_error)`` executes ``fn`` on the global ``QThreadPool``; the
callbacks run on the UI thread. Tests switch the runner to synchronous mode so they are
deterministic (``TaskRunner.synchronous = True``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the UI thread; queued signals carry results back to it."""

    finished = Signal(object, object)  # (callback, result)
    failed = Signal(object, object)  # (callback, exception)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None] | None, value: object) -> None:
        if callback is not None:
            callback(value)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, fn: Callable[[], Any], on_done: Any, on_error: Any) -> None:
        super().__init__()
        self._runner = runner
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # every failure is reported to the UI, never swallowed
            log.debug("task failed: %s", traceback.format_exc())
            self._runner._relay.failed.emit(self._on_error, exc)
        else:
            self._runner._relay.finished.emit(self._on_done, result)
        finally:
            self._runner._jobs.discard(self)


class TaskRunner(QObject):
    synchronous = False  # tests set this to run jobs inline

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay()
        self._relay.finished.connect(self._relay._deliver)
        self._relay.failed.connect(self._relay._deliver)
        self._jobs: set[_Job] = set()  # keep references: runnables are not auto-deleted

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self.synchronous:
            try:
                result = fn()
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(exc)
            else:
                if on_done is not None:
                    on_done(result)
            return
        job = _Job(self, fn, on_done, on_error)
        job.setAutoDelete(False)
        self._jobs.add(job)
        self._pool.start(job)

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)
