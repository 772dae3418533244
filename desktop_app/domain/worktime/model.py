"""The working calendar as immutable plain data (no Qt, no database).

A :class:`CalendarSpec` is the administration's time zone, a :class:`WeeklySchedule` and one
:class:`YearData` per year of the production calendar. Everything round-trips through
``to_data()`` / ``from_data()`` (JSON-ready dicts) so the database layer can persist it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.errors import CalendarDataError

MINUTES_PER_DAY = 24 * 60
SHORTENED_CUT_MINUTES = 60  # Labour Code art. 95: the pre-holiday working day is one hour shorter

# Labour Code art. 112 part 1: fixed non-working public holidays as (month, day).
ART_112_HOLIDAYS: tuple[tuple[int, int], ...] = (
    *((1, d) for d in range(1, 9)),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
)


def is_art112_holiday(day: dt.date) -> bool:
    return (day.month, day.day) in ART_112_HOLIDAYS


def _parse_hhmm(value: str) -> int:
    try:
        hours, minutes = value.split(":")
        h, m = int(hours), int(minutes)
    except (ValueError, AttributeError) as exc:
        raise CalendarDataError(texts.BAD_TIME.format(value=value)) from exc
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > MINUTES_PER_DAY:
        raise CalendarDataError(texts.BAD_TIME.format(value=value))
    return h * 60 + m


def _format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """Working interval of one day, minutes from local midnight, ``start < end <= 1440``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise CalendarDataError(texts.BAD_INTERVAL.format(value=self, reason=texts.INTERVAL_ORDER))
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise CalendarDataError(texts.BAD_INTERVAL.format(value=str(self), reason=texts.INTERVAL_ORDER))

    @classmethod
    def parse(cls, start: str, end: str) -> Interval:
        return cls(_parse_hhmm(start), _parse_hhmm(end))

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def to_data(self) -> list[str]:
        return [_format_hhmm(self.start), _format_hhmm(self.end)]

    @classmethod
    def from_data(cls, raw: Any) -> Interval:
        if not (isinstance(raw, list | tuple) and len(raw) == 2):
            raise CalendarDataError(texts.BAD_INTERVAL.format(value=raw, reason=texts.INTERVAL_ORDER))
        return cls.parse(str(raw[0]), str(raw[1]))

    def __str__(self) -> str:
        return f"{_format_hhmm(self.start)}–{_format_hhmm(self.end)}"


Intervals = tuple[Interval, ...]


def _check_day(intervals: Iterable[Interval]) -> Intervals:
    result = tuple(intervals)
    for before, after in itertools.pairwise(result):
        if after.start < before.end:
            raise CalendarDataError(
                texts.BAD_INTERVAL.format(value=f"{before}, {after}", reason=texts.INTERVAL_OVERLAP)
            )
    return result


def shorten(intervals: Intervals, cut_minutes: int = SHORTENED_CUT_MINUTES) -> Intervals:
    """Cut ``cut_minutes`` of working time from the END of the day (art. 95: 18:00 → 17:00)."""
    result = list(intervals)
    left = cut_minutes
    while result and left > 0:
        last = result.pop()
        if last.minutes > left:
            result.append(Interval(last.start, last.end - left))
            left = 0
        else:
            left -= last.minutes
    return tuple(result)


DEFAULT_DAY: Intervals = (Interval(9 * 60, 13 * 60), Interval(14 * 60, 18 * 60))


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """Working intervals per weekday (index 0 = Monday) and for working weekend days."""

    days: tuple[Intervals, ...] = (DEFAULT_DAY,) * 5 + ((), ())
    # Intervals of a Saturday/Sunday made a working day by decree; None means Monday's schedule.
    working_weekend: Intervals | None = None

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise CalendarDataError(texts.WEEK_LENGTH.format(n=len(self.days)))
        object.__setattr__(self, "days", tuple(_check_day(day) for day in self.days))
        if self.working_weekend is not None:
            object.__setattr__(self, "working_weekend", _check_day(self.working_weekend))
        if not any(self.days):
            raise CalendarDataError(texts.EMPTY_WEEK)

    @classmethod
    def default(cls) -> WeeklySchedule:
        """Mon–Fri 09:00–13:00 and 14:00–18:00 (lunch 13:00–14:00 is not working time)."""
        return cls()

    def weekend_intervals(self) -> Intervals:
        if self.working_weekend is not None:
            return self.working_weekend
        return next((day for day in self.days if day), ())

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"days": [[iv.to_data() for iv in day] for day in self.days]}
        if self.working_weekend is not None:
            data["working_weekend"] = [iv.to_data() for iv in self.working_weekend]
        return data

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> WeeklySchedule:
        days_raw = raw.get("days")
        if not isinstance(days_raw, list):
            raise CalendarDataError(texts.BAD_FIELD.format(field="days", expected="списком из 7 дней"))
        days = tuple(tuple(Interval.from_data(iv) for iv in day) for day in days_raw)
        weekend_raw = raw.get("working_weekend")
        weekend = None if weekend_raw is None else tuple(Interval.from_data(iv) for iv in weekend_raw)
        return cls(days=days, working_weekend=weekend)


@dataclass(frozen=True, slots=True, order=True)
class CustomDay:
    """A day the administrator set by hand: no intervals = day off (e.g. a sanitary day)."""

    day: dt.date
    intervals: Intervals = ()
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "intervals", _check_day(self.intervals))

    def to_data(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "intervals": [iv.to_data() for iv in self.intervals],
            "reason": self.reason,
        }


def _parse_date(value: Any, year: int) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        reason = texts.BAD_DATE.format(value=value)
        raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=year, reason=reason)) from exc
    if day.year != year:
        reason = texts.DATE_OUTSIDE_YEAR.format(day=value, year=year)
        raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=year, reason=reason))
    return day


@dataclass(frozen=True, slots=True)
class YearData:
    """One year of the production calendar (Sat/Sun-based, as published) plus local custom days.

    A date is non-working iff it is in ``holidays`` or it is a Saturday/Sunday not in
    ``working_weekends``; ``shortened`` days end one hour early (art. 95).
    """

    year: int
    holidays: frozenset[dt.date] = frozenset()
    working_weekends: frozenset[dt.date] = frozenset()
    shortened: frozenset[dt.date] = frozenset()
    custom: tuple[CustomDay, ...] = ()
    provisional: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("holidays", "working_weekends", "shortened"):
            days = frozenset(getattr(self, name))
            object.__setattr__(self, name, days)
            for day in days:
                if day.year != self.year:
                    reason = texts.DATE_OUTSIDE_YEAR.format(day=day.isoformat(), year=self.year)
                    raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=self.year, reason=reason))
        custom = tuple(sorted(self.custom))
        seen: set[dt.date] = set()
        for item in custom:
            if item.day.year != self.year:
                reason = texts.DATE_OUTSIDE_YEAR.format(day=item.day.isoformat(), year=self.year)
                raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=self.year, reason=reason))
            if item.day in seen:
                reason = texts.DUPLICATE_CUSTOM.format(day=item.day.isoformat())
                raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=self.year, reason=reason))
            seen.add(item.day)
        object.__setattr__(self, "custom", custom)

    def custom_day(self, day: dt.date) -> CustomDay | None:
        for item in self.custom:
            if item.day == day:
                return item
        return None

    def with_custom_day(self, item: CustomDay) -> YearData:
        """A copy with ``item`` replacing any custom setting of the same date."""
        kept = tuple(c for c in self.custom if c.day != item.day)
        return replace(self, custom=(*kept, item))

    def to_data(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "working_weekends": sorted(d.isoformat() for d in self.working_weekends),
            "shortened": sorted(d.isoformat() for d in self.shortened),
            "custom": [c.to_data() for c in self.custom],
            "provisional": self.provisional,
            "source": self.source,
        }

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> YearData:
        """Rebuild from ``to_data()`` output (extra keys such as ``decree`` are ignored)."""
        year = raw.get("year") if isinstance(raw, Mapping) else None
        if isinstance(year, bool) or not isinstance(year, int):
            raise CalendarDataError(
                texts.BAD_YEAR_DATA.format(
                    year="?", reason=texts.BAD_FIELD.format(field="year", expected="числом")
                )
            )

        def dates(name: str) -> frozenset[dt.date]:
            values = raw.get(name, [])
            if not isinstance(values, list):
                reason = texts.BAD_FIELD.format(field=name, expected="списком дат")
                raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=year, reason=reason))
            return frozenset(_parse_date(v, year) for v in values)

        custom_raw = raw.get("custom", [])
        if not isinstance(custom_raw, list):
            reason = texts.BAD_FIELD.format(field="custom", expected="списком")
            raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=year, reason=reason))
        custom = []
        for item in custom_raw:
            if not isinstance(item, Mapping):
                reason = texts.BAD_FIELD.format(field="custom", expected="списком объектов")
                raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=year, reason=reason))
            custom.append(
                CustomDay(
                    day=_parse_date(item.get("date"), year),
                    intervals=tuple(Interval.from_data(iv) for iv in item.get("intervals", [])),
                    reason=str(item.get("reason", "")),
                )
            )
        return cls(
            year=year,
            holidays=dates("holidays"),
            working_weekends=dates("working_weekends"),
            shortened=dates("shortened"),
            custom=tuple(custom),
            provisional=bool(raw.get("provisional", False)),
            source=str(raw.get("source", "")),
        )


def provisional_year(year: int) -> YearData:
    """A year without official data: art. 112 fixed holidays plus weekends, flagged provisional."""
    holidays = frozenset(dt.date(year, m, d) for m, d in ART_112_HOLIDAYS)
    return YearData(year=year, holidays=holidays, provisional=True, source="ТК РФ ст. 112 (предварительно)")


class DayKind(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class DayPlan:
    """How one local date is worked: its intervals and why."""

    day: dt.date
    kind: DayKind
    intervals: Intervals
    shortened: bool = False
    working_weekend: bool = False
    reason: str = ""

    @property
    def is_working(self) -> bool:
        return bool(self.intervals)


def plan_day(day: dt.date, schedule: WeeklySchedule, data: YearData) -> DayPlan:
    """Resolve one date: custom setting > holiday > weekend > working weekend > shortened."""
    custom = data.custom_day(day)
    if custom is not None:
        return DayPlan(day, DayKind.CUSTOM, custom.intervals, reason=custom.reason)
    if day in data.holidays:
        return DayPlan(day, DayKind.HOLIDAY, ())
    weekday = day.weekday()
    working_weekend = weekday >= 5 and day in data.working_weekends
    if working_weekend:
        intervals = schedule.weekend_intervals()
    elif weekday >= 5:
        # Sat/Sun are days off in the production calendar whatever the weekly schedule says.
        return DayPlan(day, DayKind.WEEKEND, ())
    else:
        intervals = schedule.days[weekday]
        if not intervals:
            return DayPlan(day, DayKind.WEEKEND, ())
    shortened = day in data.shortened
    if shortened:
        intervals = shorten(intervals)
    return DayPlan(day, DayKind.WORKING, intervals, shortened=shortened, working_weekend=working_weekend)


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """Everything that defines working time: time zone, weekly schedule, year data."""

    timezone: str = "Europe/Moscow"
    schedule: WeeklySchedule = field(default_factory=WeeklySchedule)
    years: tuple[YearData, ...] = ()
    allow_provisional: bool = False

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarDataError(texts.UNKNOWN_TIMEZONE.format(tz=self.timezone)) from exc
        years = tuple(sorted(self.years, key=lambda y: y.year))
        numbers = [y.year for y in years]
        if len(set(numbers)) != len(numbers):
            duplicate = next(n for n in numbers if numbers.count(n) > 1)
            raise CalendarDataError(texts.BAD_YEAR_DATA.format(year=duplicate, reason=texts.DUPLICATE_YEAR))
        object.__setattr__(self, "years", years)

    def year_data(self, year: int) -> YearData | None:
        """Official (or imported) data for ``year``; None when absent."""
        for item in self.years:
            if item.year == year:
                return item
        return None

    def with_year(self, data: YearData) -> CalendarSpec:
        """A copy with ``data`` replacing the year of the same number."""
        kept = tuple(y for y in self.years if y.year != data.year)
        return replace(self, years=(*kept, data))

    def to_data(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "schedule": self.schedule.to_data(),
            "years": [y.to_data() for y in self.years],
            "allow_provisional": self.allow_provisional,
        }

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> CalendarSpec:
        return cls(
            timezone=str(raw.get("timezone", "Europe/Moscow")),
            schedule=WeeklySchedule.from_data(raw["schedule"]) if "schedule" in raw else WeeklySchedule(),
            years=tuple(YearData.from_data(y) for y in raw.get("years", [])),
            allow_provisional=bool(raw.get("allow_provisional", False)),
        )
