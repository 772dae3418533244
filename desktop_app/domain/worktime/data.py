"""Built-in production calendars: ``resources/calendars/ru-<YEAR>.json``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from desktop_app import paths
from desktop_app.domain.worktime.model import CalendarSpec, WeeklySchedule, YearData


def calendars_dir() -> Path:
    return paths.resources_dir() / "calendars"


@lru_cache(maxsize=1)
def load_builtin_years() -> tuple[YearData, ...]:
    """Every bundled year, oldest first (read once per process)."""
    years = []
    for file in sorted(calendars_dir().glob("ru-*.json")):
        years.append(YearData.from_data(json.loads(file.read_text(encoding="utf-8"))))
    return tuple(years)


def builtin_spec(
    timezone: str = "Europe/Moscow",
    *,
    allow_provisional: bool = False,
    schedule: WeeklySchedule | None = None,
) -> CalendarSpec:
    """The official calendar with the default (or given) weekly schedule."""
    return CalendarSpec(
        timezone=timezone,
        schedule=schedule or WeeklySchedule(),
        years=load_builtin_years(),
        allow_provisional=allow_provisional,
    )
