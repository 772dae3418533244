"""Edge cases of the engine on the built-in calendar (INTERFACES.md "Working time")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest

from desktop_app.domain.worktime import (
    CalendarYearMissingError,
    NaiveDatetimeError,
    WorkCalendar,
    WorkDuration,
    parse_duration,
)
from tests.worktime.conftest import MSK, msk


def due(calendar: WorkCalendar, start: str, duration: str) -> str:
    return calendar.add(msk(start), parse_duration(duration)).isoformat(timespec="seconds")


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # ordinary Tuesday 2026-05-12
        ("2026-05-12T10:00", "30m", "2026-05-12T10:30:00+03:00"),
        ("2026-05-12T17:30", "30m", "2026-05-12T18:00:00+03:00"),  # due at 18:00, not next 09:00
        ("2026-05-12T17:30", "31m", "2026-05-13T09:01:00+03:00"),
        ("2026-05-12T12:30", "30m", "2026-05-12T13:00:00+03:00"),  # lunch starts exactly at due
        ("2026-05-12T12:30", "1h", "2026-05-12T14:30:00+03:00"),  # lunch is skipped
        # night: the clock starts at the next working minute
        ("2026-05-12T03:00", "1h", "2026-05-12T10:00:00+03:00"),
        ("2026-05-12T23:59", "1h", "2026-05-13T10:00:00+03:00"),
        # lunch break arrival
        ("2026-05-12T13:20", "30m", "2026-05-12T14:30:00+03:00"),
        # exactly 13:00 and 18:00 (both are outside working time)
        ("2026-05-12T13:00", "30m", "2026-05-12T14:30:00+03:00"),
        ("2026-05-12T18:00", "30m", "2026-05-13T09:30:00+03:00"),
        ("2026-05-12T09:00", "8h", "2026-05-12T18:00:00+03:00"),
        # weekend: Friday 17:50 + 1h → Monday 09:50
        ("2026-05-15T17:50", "1h", "2026-05-18T09:50:00+03:00"),
        ("2026-05-16T11:00", "6h", "2026-05-18T16:00:00+03:00"),
        # holiday arrival (2026-06-12, Russia Day) and the shortened day before it
        ("2026-06-12T10:00", "1h", "2026-06-15T10:00:00+03:00"),
        ("2026-06-11T16:30", "30m", "2026-06-11T17:00:00+03:00"),
        ("2026-06-11T16:30", "1h", "2026-06-15T09:30:00+03:00"),
        ("2026-06-11T17:10", "30m", "2026-06-15T09:30:00+03:00"),  # after 17:00 on a shortened day
        # working Saturday, also shortened (2025-11-01, 2027-02-20)
        ("2025-10-31T17:30", "1h", "2025-11-01T09:30:00+03:00"),
        ("2025-11-01T16:30", "1h", "2025-11-05T09:30:00+03:00"),
        ("2027-02-20T10:00", "30m", "2027-02-20T10:30:00+03:00"),
        ("2027-02-19T17:00", "8h", "2027-02-20T17:00:00+03:00"),
        ("2027-02-20T17:00", "1h", "2027-02-24T10:00:00+03:00"),  # 21 Sun, 22–23 holidays
        # New Year holidays and the year boundary
        ("2026-12-30T17:00", "2h", "2027-01-11T10:00:00+03:00"),
        ("2026-12-30T17:30", "30m", "2026-12-30T18:00:00+03:00"),
        ("2025-12-30T17:00", "8h", "2026-01-12T17:00:00+03:00"),  # 31.12.2025 is a day off too
        # offsets and seconds
        ("2026-05-12T10:00:30", "30m", "2026-05-12T10:30:30+03:00"),
        ("2026-05-12T12:59:30", "1m", "2026-05-12T14:00:30+03:00"),
        # working days (Civil Code art. 191): count from the next day, due at the close
        ("2026-05-12T10:00", "1d", "2026-05-13T18:00:00+03:00"),
        ("2026-05-15T23:00", "1d", "2026-05-18T18:00:00+03:00"),
        ("2026-04-29T10:00", "1d", "2026-04-30T17:00:00+03:00"),  # shortened day closes at 17:00
        ("2026-04-29T10:00", "7d", "2026-05-12T18:00:00+03:00"),  # over the May holidays
        ("2027-04-28T12:00", "7d", "2027-05-11T18:00:00+03:00"),
        ("2026-12-30T12:00", "1d", "2027-01-11T18:00:00+03:00"),
        ("2025-10-31T12:00", "1d", "2025-11-01T17:00:00+03:00"),  # shortened working Saturday
    ],
)
def test_due(calendar: WorkCalendar, start: str, duration: str, expected: str) -> None:
    assert due(calendar, start, duration) == expected


def test_days_over_may_holidays_count_only_working_days(calendar: WorkCalendar) -> None:
    start = msk("2026-04-29T10:00")
    result = calendar.add(start, WorkDuration.days(7))
    working = [
        d
        for d in (dt.date(2026, 4, 30) + dt.timedelta(days=i) for i in range(14))
        if calendar.day_plan(d).is_working and d <= result.date()
    ]
    assert len(working) == 7


def test_offset_input_and_output_zone(calendar: WorkCalendar) -> None:
    utc = dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)  # 10:00 Moscow
    result = calendar.add(utc, WorkDuration.minutes(10))
    assert result.isoformat() == "2026-05-12T10:10:00+03:00"
    assert result.tzinfo == MSK


def test_pendulum_input(calendar: WorkCalendar) -> None:
    start = pendulum.datetime(2026, 5, 12, 10, 0, tz="Europe/Moscow")
    assert calendar.add(start, WorkDuration.hours(1)) == msk("2026-05-12T11:00")


def test_naive_input_raises(calendar: WorkCalendar) -> None:
    with pytest.raises(NaiveDatetimeError, match="без часового пояса"):
        calendar.add(dt.datetime(2026, 5, 12, 10, 0), WorkDuration.hours(1))
    with pytest.raises(NaiveDatetimeError):
        calendar.between(dt.datetime(2026, 5, 12, 10, 0), msk("2026-05-12T11:00"))


def test_subsecond_input_is_floored(calendar: WorkCalendar) -> None:
    start = msk("2026-05-12T10:00:30.900000")
    assert calendar.add(start, WorkDuration.minutes(30)) == msk("2026-05-12T10:30:30")


def test_between_and_remaining(calendar: WorkCalendar) -> None:
    assert calendar.between(msk("2026-05-15T17:50"), msk("2026-05-18T09:50")) == 60
    assert calendar.between(msk("2026-05-18T09:50"), msk("2026-05-15T17:50")) == -60
    assert calendar.between(msk("2026-05-12T12:00"), msk("2026-05-12T15:00")) == 120
    assert calendar.between(msk("2026-12-30T17:00"), msk("2027-01-11T10:00")) == 120
    assert calendar.between(msk("2025-12-30T09:00"), msk("2027-01-11T09:00")) == (
        8 * 60 + calendar.between(msk("2026-01-01T00:00"), msk("2027-01-01T00:00"))
    )
    assert calendar.between(msk("2026-05-12T10:00:00"), msk("2026-05-12T10:00:59")) == 0
    assert calendar.remaining(msk("2026-05-12T10:00"), msk("2026-05-12T11:00")) == 60
    assert calendar.remaining(msk("2026-05-12T11:30"), msk("2026-05-12T11:00")) == -30
    assert calendar.remaining(msk("2026-05-12T20:00"), msk("2026-05-12T18:00")) == 0


def test_next_working_instant(calendar: WorkCalendar) -> None:
    assert calendar.next_working_instant(msk("2026-05-12T10:00:05")) == msk("2026-05-12T10:00:05")
    assert calendar.next_working_instant(msk("2026-05-12T13:00")) == msk("2026-05-12T14:00")
    assert calendar.next_working_instant(msk("2026-05-12T18:00")) == msk("2026-05-13T09:00")
    assert calendar.next_working_instant(msk("2026-12-31T10:00")) == msk("2027-01-11T09:00")
    assert calendar.is_working_instant(msk("2026-05-12T17:59:59"))
    assert not calendar.is_working_instant(msk("2026-05-12T18:00"))


def test_year_without_data_raises_naming_year(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarYearMissingError, match="2028") as info:
        calendar.add(msk("2027-12-30T17:30"), WorkDuration.hours(1))
    assert info.value.year == 2028
    with pytest.raises(CalendarYearMissingError, match="2024"):
        calendar.add(msk("2024-12-30T10:00"), WorkDuration.hours(1))
    # the last working minutes of 2027 need no 2028 data
    assert calendar.add(msk("2027-12-30T17:30"), WorkDuration.minutes(30)) == msk("2027-12-30T18:00")


def test_provisional_year_when_allowed() -> None:
    calendar = WorkCalendar.builtin(allow_provisional=True)
    assert calendar.is_provisional(2028) and not calendar.is_provisional(2027)
    # 2027-12-31 is a day off; 2028-01-01..08 art. 112 holidays; 2028-01-10 is a Monday
    assert calendar.add(msk("2027-12-30T17:30"), WorkDuration.hours(1)) == msk("2028-01-10T09:30")
    assert calendar.year_data(2028).provisional
    # 2028-05-09 (Tuesday) is a fixed holiday
    assert not calendar.day_plan(dt.date(2028, 5, 9)).is_working
    assert "предварительный" in calendar.explain(msk("2027-12-30T17:30"), WorkDuration.hours(1))


def test_other_time_zone_does_not_assume_fixed_offset() -> None:
    """A DST zone: working hours are local wall time on both sides of the switch."""
    from desktop_app.domain.worktime import builtin_spec

    calendar = WorkCalendar(builtin_spec("Europe/Berlin"))
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-03-27 Fri 17:30 CET; DST starts Sun 2026-03-29; Monday 09:00 is CEST
    start = dt.datetime(2026, 3, 27, 17, 30, tzinfo=berlin)
    result = calendar.add(start, WorkDuration.hours(1))
    assert result.isoformat() == "2026-03-30T09:30:00+02:00"
    assert calendar.between(start, result) == 60


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2026-05-15T17:50", "1h", "поступило пт 17:50 → срок пн 09:50: 1 рабочий час; сб, вс — выходные"),
        ("2026-05-12T17:30", "30m", "поступило вт 17:30 → срок вт 18:00: 30 рабочих минут"),
    ],
)
def test_explain_exact(calendar: WorkCalendar, start: str, duration: str, expected: str) -> None:
    assert calendar.explain(msk(start), parse_duration(duration)) == expected


def test_explain_mentions_holidays_and_shortened_days(calendar: WorkCalendar) -> None:
    text = calendar.explain(msk("2026-06-11T16:30"), WorkDuration.hours(1))
    assert "чт 11.06 — сокращённый день (до 17:00)" in text
    assert "нерабочие праздничные дни" in text
    assert "срок пн 09:30" in text
    night = calendar.explain(msk("2026-05-12T20:00"), WorkDuration.hours(1))
    assert "нерабочее время, отсчёт с ср 09:00" in night
    saturday = calendar.explain(msk("2025-10-31T17:30"), WorkDuration.hours(1))
    assert "сб 01.11 — рабочий выходной, сокращённый день (до 17:00)" in saturday
    days = calendar.explain(msk("2026-04-29T10:00"), WorkDuration.days(7))
    assert "7 рабочих дней (считая со следующего дня)" in days
    assert "с пт 01.05 по вс 03.05 — нерабочие праздничные дни" in days


def test_between_many_is_between_of_each_pair() -> None:
    """The dashboard's batch of answer times (issue 19) is the engine's own arithmetic, pair by pair:
    within a year, across New Year, backwards and at interval edges."""
    import random

    from desktop_app.domain.worktime.engine import WorkCalendar

    calendar = WorkCalendar.builtin("Europe/Moscow")
    rng = random.Random(7)
    lo = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())
    hi = int(dt.datetime(2026, 12, 31, tzinfo=dt.UTC).timestamp())
    edge = calendar.next_working_epoch(lo + 86400 * 10)
    pairs = [(edge, edge), (edge - 1, edge), (edge, edge + 1), (edge + 5, edge)]
    for _ in range(3000):
        a = rng.randrange(lo, hi)
        b = a + rng.choice((0, 60, 3600, 8 * 3600, 86400 * 3, 86400 * 40, -3600))
        pairs.append((a, min(b, hi)))
    assert calendar.between_seconds_epoch_many(pairs) == [
        calendar.between_seconds_epoch(a, b) for a, b in pairs
    ]
