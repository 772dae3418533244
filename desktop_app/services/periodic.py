"""A plain background thread that does one pass every interval, or at once when woken."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from desktop_app.errors import OtklikError

log = logging.getLogger(__name__)


class PeriodicLoop:
    """Calls :meth:`run_once` every ``interval_seconds`` until :meth:`stop`; :meth:`wake` runs it now.

    A failing pass never ends the loop: it is logged and ``on_error`` gets ``failure_text`` with the
    reason (callbacks run in the loop's thread; the GUI bridges them to Qt signals). Only our own
    Russian error texts reach people; anything else (a class name, SQL) goes to the log only.
    """

    failure_text = "Ошибка фоновой работы: {error}"

    def __init__(
        self, name: str, interval_seconds: float, on_error: Callable[[str], None] | None = None
    ) -> None:
        self.interval = interval_seconds
        self.on_error = on_error
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def run_once(self) -> None:
        raise NotImplementedError

    def start(self) -> PeriodicLoop:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # keep the loop alive; the error is shown and logged
                log.exception("%s pass failed", self._thread.name)
                if self.on_error:
                    self.on_error(self.failure_text.format(error=user_text(exc)))
            self._wake.wait(self.interval)
            self._wake.clear()


def user_text(exc: BaseException) -> str:
    """What a person may read about ``exc``: our Russian sentence, or a pointer to the log."""
    if isinstance(exc, OtklikError):
        return str(exc)
    return "непредвиденный сбой (подробности в журнале программы)"
