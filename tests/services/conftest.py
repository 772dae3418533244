from __future__ import annotations

import pytest

from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.settings import Settings
from tests.support.factories import Clock, World, msk


@pytest.fixture
def clock() -> Clock:
    # Tuesday 12 May 2026, 10:00 Moscow: an ordinary working morning after the May holidays.
    return Clock(msk(2026, 5, 12, 10, 0))


@pytest.fixture
def services(database: Database, clock: Clock) -> AppServices:
    return build_services(Settings(), database, now=clock)


@pytest.fixture
def world(services: AppServices) -> World:
    return World(services)
