"""Shared fixtures of the working-time tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop_app.domain.worktime import WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
# The official calendar with its sources, kept inside the repository so a fresh clone needs nothing beside it.
REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "ru-production-calendar-2025-2027.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def msk(text: str) -> dt.datetime:
    """Local Moscow wall time from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=MSK)


@pytest.fixture(scope="session")
def reference() -> dict:
    """The official reference calendar (tests/worktime/data), independent of the built-in data."""
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return WorkCalendar.builtin()
