"""The cyclic garbage collector runs on the UI thread only (a pool thread would run Qt destructors)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from desktop_app.views.common.collector import MainThreadCollector


@pytest.fixture
def collections_seen() -> Iterator[list[str]]:
    """The thread of every collection that starts, with a low threshold so allocations trip it."""
    seen: list[str] = []

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(threading.current_thread().name)

    thresholds = gc.get_threshold()
    gc.set_threshold(50, 5, 5)
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)
    gc.set_threshold(*thresholds)


def test_allocations_on_pool_threads_never_run_the_collector_there(
    qtbot, collections_seen: list[str]
) -> None:
    collector = MainThreadCollector(interval_ms=20)
    try:
        widget = QWidget()
        destroyed_on: list[str] = []
        widget.destroyed.connect(lambda *_: destroyed_on.append(threading.current_thread().name))
        widget.cycle = widget  # type: ignore[attr-defined]  # a garbage cycle holding a Qt object
        del widget

        def make_garbage() -> None:  # SQLAlchemy-like churn: cycles only the collector frees
            for _ in range(20_000):
                node: list[object] = []
                node.append(node)

        pool = QThreadPool()
        for _ in range(2):
            pool.start(make_garbage)
        assert pool.waitForDone(20_000)
        qtbot.waitUntil(lambda: destroyed_on != [], timeout=5000)  # collected soon, by the UI timer
        main = threading.main_thread().name
        assert destroyed_on == [main]
        assert collections_seen and set(collections_seen) == {main}, set(collections_seen)
    finally:
        collector.uninstall()


def test_uninstalling_gives_automatic_collection_back(qapp: object) -> None:
    gc.enable()
    collector = MainThreadCollector()
    assert not gc.isenabled()
    collector.uninstall()
    assert gc.isenabled()
