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

from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from tests.support.factories import World


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only for views (overrides the suite's SQLite + PostgreSQL parametrisation)."""
    target = tmp_path / "otklik.sqlite3"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


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
