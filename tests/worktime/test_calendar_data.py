"""Built-in calendar data checked day by day against the shared official reference."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.domain.worktime import DayKind, WorkCalendar, load_builtin_years
from desktop_app.domain.worktime.data import calendars_dir

YEARS = (2025, 2026, 2027)


def test_builtin_years_are_bundled() -> None:
    assert [y.year for y in load_builtin_years()] == list(YEARS)
    assert not any(y.provisional for y in load_builtin_years())


@pytest.mark.parametrize("year", YEARS)
def test_every_date_matches_reference(reference: dict, calendar: WorkCalendar, year: int) -> None:
    ref = reference[str(year)]
    holidays = {dt.date.fromisoformat(d) for d in ref["holidays"]}
    working_weekends = {dt.date.fromisoformat(d) for d in ref["working_weekends"]}
    shortened = {dt.date.fromisoformat(d) for d in ref["shortened"]}
    day = dt.date(year, 1, 1)
    working_days = 0
    while day.year == year:
        plan = calendar.day_plan(day)
        expected_off = day in holidays or (day.weekday() >= 5 and day not in working_weekends)
        assert plan.is_working is not expected_off, day
        assert plan.shortened is (day in shortened), day
        if plan.is_working:
            working_days += 1
            expected_end = 17 * 60 if day in shortened else 18 * 60
            assert plan.intervals[0].start == 9 * 60, day
            assert plan.intervals[-1].end == expected_end, day
            assert sum(iv.minutes for iv in plan.intervals) == expected_end - 9 * 60 - 60, day
        else:
            assert plan.kind in (DayKind.WEEKEND, DayKind.HOLIDAY), day
        day += dt.timedelta(days=1)
    assert working_days == reference["sources"][str(year)]["working_days"]


@pytest.mark.parametrize("year", YEARS)
def test_data_file_names_its_sources(reference: dict, year: int) -> None:
    raw = json.loads((calendars_dir() / f"ru-{year}.json").read_text(encoding="utf-8"))
    assert raw["decree"] == reference["sources"][str(year)]["decree"]
    assert raw["decree_urls"]
    assert any("xmlcalendar" in url for url in raw["sources"])
    assert raw["working_days"] == reference["sources"][str(year)]["working_days"]


def test_norm_hours_match_reference(reference: dict, calendar: WorkCalendar) -> None:
    """Working hours of the whole year equal the official norm for a 40-hour week."""
    for year in YEARS:
        start = dt.datetime(year, 1, 1, tzinfo=calendar.tz)
        end = (
            dt.datetime(year + 1, 1, 1, tzinfo=calendar.tz)
            if year < 2027
            else dt.datetime(2027, 12, 31, 23, 59, 59, tzinfo=calendar.tz)
        )
        hours = calendar.between(start, end) / 60
        assert hours == reference["sources"][str(year)]["norm_hours_40h_week"]
