"""Calendar model: plain-data round trips, custom days, schedules, durations."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.domain.worktime import (
    CalendarDataError,
    CalendarSpec,
    CustomDay,
    DayKind,
    DurationParseError,
    Interval,
    WeeklySchedule,
    WorkCalendar,
    WorkDuration,
    YearData,
    builtin_spec,
    parse_duration,
    provisional_year,
)
from desktop_app.domain.worktime.model import shorten
from tests.worktime.conftest import msk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", WorkDuration.minutes(30)),
        ("6h", WorkDuration.hours(6)),
        ("7d", WorkDuration.days(7)),
        (" 2Ч ", WorkDuration.hours(2)),
    ],
)
def test_parse_duration(text: str, expected: WorkDuration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "30", "m", "0m", "-5m", "1.5h", "7w", "30 minutes", "1e3m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(DurationParseError, match="Неверная длительность"):
        parse_duration(text)


def test_duration_texts() -> None:
    assert WorkDuration.hours(1).describe() == "1 рабочий час"
    assert WorkDuration.hours(2).describe() == "2 рабочих часа"
    assert WorkDuration.minutes(11).describe() == "11 рабочих минут"
    assert WorkDuration.minutes(21).describe() == "21 рабочая минута"
    assert WorkDuration.days(7).describe() == "7 рабочих дней"
    with pytest.raises(ValueError):
        _ = WorkDuration.days(1).seconds


def test_shorten_cuts_from_the_end() -> None:
    day = (Interval.parse("09:00", "13:00"), Interval.parse("14:00", "18:00"))
    assert shorten(day) == (Interval.parse("09:00", "13:00"), Interval.parse("14:00", "17:00"))
    short_tail = (Interval.parse("09:00", "13:00"), Interval.parse("14:00", "14:30"))
    assert shorten(short_tail) == (Interval.parse("09:00", "12:30"),)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Interval.parse("18:00", "09:00"),
        lambda: Interval.parse("9", "10:00"),
        lambda: Interval.parse("09:00", "24:30"),
        lambda: WeeklySchedule(days=((),) * 7),
        lambda: WeeklySchedule(days=((Interval(600, 700), Interval(650, 800)),) + ((),) * 6),
        lambda: WeeklySchedule(days=((),) * 5),
        lambda: YearData(2026, holidays=frozenset({dt.date(2025, 1, 1)})),
        lambda: YearData(2026, custom=(CustomDay(dt.date(2026, 3, 3)), CustomDay(dt.date(2026, 3, 3)))),
        lambda: YearData.from_data({"year": 2026, "holidays": ["2026-02-30"]}),
        lambda: CalendarSpec(timezone="Mars/Olympus"),
        lambda: CalendarSpec(years=(YearData(2026), YearData(2026))),
    ],
)
def test_invalid_data_is_rejected(build) -> None:
    with pytest.raises(CalendarDataError):
        build()


def test_spec_round_trips_through_json() -> None:
    spec = builtin_spec()
    year = spec.year_data(2026)
    assert year is not None
    custom = year.with_custom_day(CustomDay(dt.date(2026, 5, 13), (), "санитарный день"))
    custom = custom.with_custom_day(
        CustomDay(dt.date(2026, 5, 14), (Interval.parse("10:00", "12:00"),), "субботник")
    )
    spec = spec.with_year(custom)
    again = CalendarSpec.from_data(json.loads(json.dumps(spec.to_data(), ensure_ascii=False)))
    assert again == spec


def test_custom_days_change_the_engine() -> None:
    spec = builtin_spec()
    year = spec.year_data(2026)
    assert year is not None
    year = year.with_custom_day(CustomDay(dt.date(2026, 5, 13), (), "санитарный день"))
    year = year.with_custom_day(
        CustomDay(dt.date(2026, 5, 14), (Interval.parse("10:00", "12:00"),), "субботник")
    )
    # a custom working day on a Saturday
    year = year.with_custom_day(
        CustomDay(dt.date(2026, 5, 16), (Interval.parse("09:00", "11:00"),), "выборы")
    )
    calendar = WorkCalendar(spec.with_year(year))
    assert calendar.day_plan(dt.date(2026, 5, 13)).kind is DayKind.CUSTOM
    # Tue 17:00 + 2h: 1h on Tue, Wed is off, Thu 10:00–11:00
    assert calendar.add(msk("2026-05-12T17:00"), WorkDuration.hours(2)) == msk("2026-05-14T11:00")
    assert calendar.add(msk("2026-05-14T11:30"), WorkDuration.hours(1)) == msk("2026-05-15T09:30")
    assert calendar.add(msk("2026-05-15T17:30"), WorkDuration.hours(1)) == msk("2026-05-16T09:30")
    assert calendar.add(msk("2026-05-12T10:00"), WorkDuration.days(2)) == msk("2026-05-15T18:00")
    text = calendar.explain(msk("2026-05-12T17:00"), WorkDuration.hours(2))
    assert "ср 13.05 — нерабочий день (санитарный день)" in text
    assert "чт 14.05 — особый график (субботник)" in text


def test_custom_weekly_schedule() -> None:
    # a six-day week with a short Saturday; Saturdays are still days off unless the year says otherwise
    six_days = WeeklySchedule(
        days=(
            (Interval.parse("08:00", "17:00"),),
            (Interval.parse("08:00", "17:00"),),
            (Interval.parse("08:00", "17:00"),),
            (Interval.parse("08:00", "17:00"),),
            (Interval.parse("08:00", "16:00"),),
            (),
            (),
        )
    )
    calendar = WorkCalendar(builtin_spec(schedule=six_days))
    assert calendar.add(msk("2026-05-15T15:30"), WorkDuration.hours(1)) == msk("2026-05-18T08:30")
    assert WeeklySchedule.from_data(six_days.to_data()) == six_days
    # the shortened day before Russia Day is one hour shorter at the end: Thursday 08:00–16:00
    assert calendar.day_plan(dt.date(2026, 6, 11)).intervals == (Interval.parse("08:00", "16:00"),)


def test_provisional_year_content() -> None:
    data = provisional_year(2030)
    assert data.provisional
    assert dt.date(2030, 11, 4) in data.holidays and len(data.holidays) == 14
    assert YearData.from_data(data.to_data()) == data
