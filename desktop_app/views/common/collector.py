"""Python's cyclic garbage collector, run on the UI thread only.

CPython starts a collection on whichever thread's allocation crosses the threshold. The operation
layer's pool threads allocate heavily (SQLAlchemy rows), so with automatic collection a large share
of the collections ran there: measured on the incident-link GUI test, 51 of ~530 collections ran on
pool threads, 9 of them freeing garbage. Garbage cycles hold Qt wrappers (closed dialogs, editors,
models, ``QTextCursor``/``QImage`` values in their attributes); a collection on a pool thread runs
their C++ destructors there, and shiboken releases the GIL around each destructor, so they race
with the UI thread using the same documents, models and widgets. Qt objects must be destroyed on
their own thread: automatic collection is switched off and a UI-thread timer runs the same
generational policy from the collector's own counters (the pattern of calibre and pyqtgraph).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    """While installed, collections happen only in :meth:`check` (a UI-thread timer).

    ``gc.get_count()`` keeps counting while automatic collection is off, so the timer collects the
    oldest generation whose count crossed its threshold, as CPython would, just on this thread.
    Between ticks garbage waits at most ``interval_ms``; memory freed by reference counting (almost
    all of it) is unaffected.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 200) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect if a generation is due (the UI thread); returns the generation collected, or −1."""
        thresholds, counts = gc.get_threshold(), gc.get_count()
        if counts[0] <= thresholds[0]:
            return -1
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        gc.collect(generation)
        self.collections += 1
        return generation

    def uninstall(self) -> None:
        """Stop the timer, collect what is left here, give automatic collection back."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def install_collector(parent: QObject | None = None) -> MainThreadCollector:
    """Pin the cyclic collector to the UI thread for the life of ``parent`` (the application)."""
    return MainThreadCollector(parent)
