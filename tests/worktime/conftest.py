"""Shared fixtures of the working-time tests."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop_app.domain.worktime import WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
REFERENCE_FILE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "reference"
    / "ru-production-calendar-2025-2027.json"
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def msk(text: str) -> dt.datetime:
    """Local Moscow wall time from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=MSK)


@pytest.fixture(scope="session")
def reference() -> dict:
    """The shared official calendar; absent only outside CI (then the test is skipped, loudly)."""
    if not REFERENCE_FILE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference calendar missing in CI: {REFERENCE_FILE}")
        pytest.skip(
            f"shared reference calendar not found at {REFERENCE_FILE} (clone shared/ beside the repo)"
        )
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return WorkCalendar.builtin()
