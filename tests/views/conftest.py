"""Fixtures for widget tests: services on SQLite, a hand-moved clock, an inline operation layer.

Views sit above the data layer, so their tests run on SQLite only (the data layer's tests cover
PostgreSQL). ``view_context`` is logged in as the ОпОГ operator of a small ``World``. Its operation
layer runs inline (same delivery, failure reporting and change routing as on the pool, in order);
the async paths have their own tests on the real pool (``real_ops``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6

from desktop_app.heap import settle_heap
from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.common.collector import MainThreadCollector
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from tests.support.factories import World


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only for views (overrides the suite's SQLite + PostgreSQL parametrisation)."""
    target = tmp_path / "otklik.sqlite3"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(autouse=True)
def _operations_of_this_test(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every operation layer a test makes is noted, so it can be drained before the test's end."""
    made: list[Operations] = []
    original = Operations.__init__

    def init(self: Operations, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Operations, "__init__", init)
    request.node.stash[_MADE] = made


@pytest.fixture(autouse=True)
def _collector_on_the_ui_thread(qapp: object) -> Iterator[None]:
    """As in the app (``desktop_app.app``): garbage cycles are collected on the UI thread only, never
    by a pool thread whose allocation crossed the threshold (it would run Qt destructors there)."""
    collector = MainThreadCollector()
    yield
    collector.uninstall()
    collector.deleteLater()
    # What survives is the test process's own (engines, caches, earlier tests' modules): settled, so
    # the next test's full collection walks only what that test made, not the whole run's heap
    # (without it each GUI test's teardown grew to ≈3 s on the whole suite).
    settle_heap()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Before the widgets are closed and the database goes: wait for every operation the test left
    running and deliver it. A job left queued ran during the next test (measured: ten of a desk test's
    jobs were still queued after its teardown), against a disposed database, delivering its results
    and failure reports into another test's widgets."""
    made = item.stash.get(_MADE, [])
    for ops in made:
        if shiboken6.isValid(ops):
            ops.shutdown(10_000)
    # The item lives until the session ends: a reference kept here would keep every test's
    # operation layer, and through it its services, engine and rows, alive for the whole run
    # (measured: the per-test full collection grew to 3 s of every GUI test's teardown).
    made.clear()
    return (yield)


_MADE = pytest.StashKey[list[Operations]]()


def make_context(services: AppServices, actor: Actor, *, inline: bool = True) -> ViewContext:
    ops = Operations(services.changes, inline=inline)
    return ViewContext(services=services, actor=actor, ops=ops, signals=AppSignals())


@pytest.fixture
def view_context(qapp: object, services: AppServices, world: World) -> Iterator[ViewContext]:
    """Logged in as the operator of ``world``."""
    yield make_context(services, world.operator)


@pytest.fixture
def supervisor_context(qapp: object, services: AppServices, world: World) -> ViewContext:
    return make_context(services, world.supervisor)
