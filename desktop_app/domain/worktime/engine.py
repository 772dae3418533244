"""The working-time engine: deadlines on the administration's working calendar (R3–R9).

Time zones live only at the edges. Inside, an instant is an integer count of seconds since the
Unix epoch, and each year is a table of working intervals (epoch seconds, converted per day with
``zoneinfo`` so no fixed UTC offset is assumed) with cumulative working seconds. ``add`` and
``between`` are two ``bisect`` calls on that table, so their cost does not grow with the duration.

Seconds semantics: instants keep whole seconds (an arrival at 10:00:30 plus 30m is due at
10:30:30); sub-second parts of an input are dropped (floor), the Incident system stamps seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.data import builtin_spec
from desktop_app.domain.worktime.duration import WorkDuration
from desktop_app.domain.worktime.errors import CalendarYearMissingError, NaiveDatetimeError
from desktop_app.domain.worktime.model import (
    CalendarSpec,
    DayKind,
    DayPlan,
    YearData,
    plan_day,
    provisional_year,
)

_MIN_YEAR = 1971
_MAX_YEAR = 9998


class _YearTable:
    """Integer tables of one local calendar year."""

    __slots__ = (
        "cum_end",
        "data",
        "day_starts",
        "end",
        "ends",
        "first_ordinal",
        "plans",
        "start",
        "starts",
        "total",
        "wd_closes",
        "wd_ordinals",
        "year",
    )

    def __init__(self, data: YearData, plans: list[DayPlan], tz: dt.tzinfo) -> None:
        self.year = data.year
        self.data = data
        self.plans = plans
        first = dt.date(data.year, 1, 1)
        self.first_ordinal = first.toordinal()
        self.start = _local_epoch(first, 0, tz)
        self.end = _local_epoch(dt.date(data.year + 1, 1, 1), 0, tz)
        self.day_starts: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_end: list[int] = []
        self.wd_ordinals: list[int] = []
        self.wd_closes: list[int] = []
        total = 0
        last_end = self.start
        for plan in plans:
            self.day_starts.append(_local_epoch(plan.day, 0, tz))
            day_close = None
            for interval in plan.intervals:
                start = max(_local_epoch(plan.day, interval.start, tz), last_end)
                end = _local_epoch(plan.day, interval.end, tz)
                if end <= start:  # only possible around a DST jump
                    continue
                self.starts.append(start)
                self.ends.append(end)
                total += end - start
                self.cum_end.append(total)
                last_end = day_close = end
            if day_close is not None:
                self.wd_ordinals.append(plan.day.toordinal())
                self.wd_closes.append(day_close)
        self.total = total

    def position(self, t: int) -> int:
        """Working seconds elapsed in this year up to instant ``t``."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum_end[i] - (end - t if t < end else 0)


def _local_epoch(day: dt.date, minute: int, tz: dt.tzinfo) -> int:
    """Epoch seconds of local wall time ``day`` + ``minute`` (1440 = next midnight)."""
    if minute >= 1440:
        day = day + dt.timedelta(days=minute // 1440)
        minute %= 1440
    local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return int(local.timestamp())


class WorkCalendar:
    """Working-time arithmetic on a :class:`CalendarSpec` (immutable; tables are built lazily)."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.tz = zoneinfo.ZoneInfo(spec.timezone)
        self._tables: dict[int, _YearTable] = {}
        self._last: _YearTable | None = None

    @classmethod
    def builtin(cls, timezone: str = "Europe/Moscow", *, allow_provisional: bool = False) -> WorkCalendar:
        """The official production calendar with the default schedule."""
        return cls(builtin_spec(timezone, allow_provisional=allow_provisional))

    # --- calendar data ------------------------------------------------------------------------------

    def year_data(self, year: int) -> YearData:
        """Data of ``year``: official, provisional (flagged) or :class:`CalendarYearMissingError`."""
        data = self.spec.year_data(year)
        if data is not None:
            return data
        if self.spec.allow_provisional and _MIN_YEAR <= year <= _MAX_YEAR:
            return provisional_year(year)
        raise CalendarYearMissingError(year)

    def is_provisional(self, year: int) -> bool:
        return self.year_data(year).provisional

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            data = self.year_data(year)
            first = dt.date(year, 1, 1)
            days = (dt.date(year + 1, 1, 1) - first).days
            schedule = self.spec.schedule
            plans = [plan_day(first + dt.timedelta(days=i), schedule, data) for i in range(days)]
            table = _YearTable(data, plans, self.tz)
            self._tables[year] = table
        return table

    def _table_at(self, t: int) -> _YearTable:
        table = self._last
        if table is not None and table.start <= t < table.end:
            return table
        try:
            year = dt.datetime.fromtimestamp(t, self.tz).year
        except (OverflowError, ValueError, OSError):
            raise CalendarYearMissingError(1 if t < 0 else 9999) from None  # beyond datetime's range
        table = self._table(year)
        self._last = table
        return table

    def day_plan(self, day: dt.date) -> DayPlan:
        """How ``day`` is worked (intervals, holiday, shortened, ...)."""
        table = self._table(day.year)
        return table.plans[day.toordinal() - table.first_ordinal]

    # --- edges: aware datetimes <-> epoch seconds ---------------------------------------------------

    def to_epoch(self, instant: dt.datetime) -> int:
        """Whole epoch seconds of an aware datetime (floor); naive input raises."""
        if not isinstance(instant, dt.datetime):
            raise TypeError(f"expected datetime, got {type(instant).__name__}")
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise NaiveDatetimeError(instant.isoformat())
        try:
            return math.floor(instant.timestamp())
        except (OverflowError, ValueError, OSError):
            raise CalendarYearMissingError(instant.year) from None

    def from_epoch(self, seconds: int) -> dt.datetime:
        """Aware datetime in the administration's time zone."""
        return dt.datetime.fromtimestamp(seconds, self.tz)

    # --- integer core -------------------------------------------------------------------------------

    def next_working_epoch(self, t: int) -> int:
        """``t`` itself when it is working time, else the start of the next working interval."""
        table = self._table_at(t)
        i = bisect_right(table.starts, t) - 1
        if i >= 0 and t < table.ends[i]:
            return t
        i += 1
        while i >= len(table.starts):
            table = self._table(table.year + 1)
            i = 0
        return table.starts[i]

    def add_seconds_epoch(self, t: int, seconds: int) -> int:
        """Earliest instant by which ``seconds`` of working time have elapsed since ``t``."""
        if seconds <= 0:
            return self.next_working_epoch(t)
        table = self._table_at(t)
        target = table.position(t) + seconds
        while target > table.total:
            target -= table.total
            table = self._table(table.year + 1)
        j = bisect_left(table.cum_end, target)
        return table.ends[j] - (table.cum_end[j] - target)

    def add_days_epoch(self, t: int, days: int) -> int:
        """Close of the ``days``-th working day counted from the day after ``t`` (Civil Code art. 191)."""
        table = self._table_at(t)
        ordinal = table.first_ordinal + bisect_right(table.day_starts, t) - 1
        k = bisect_right(table.wd_ordinals, ordinal) + days - 1
        while k >= len(table.wd_ordinals):
            k -= len(table.wd_ordinals)
            table = self._table(table.year + 1)
        return table.wd_closes[k]

    def day_after_epoch(self, t: int) -> int:
        """Local midnight that starts the day after ``t`` (where a working-days count begins)."""
        table = self._table_at(t)
        index = bisect_right(table.day_starts, t)
        return table.day_starts[index] if index < len(table.day_starts) else table.end

    def add_epoch(self, t: int, duration: WorkDuration) -> int:
        if duration.is_days:
            return self.add_days_epoch(t, duration.amount)
        return self.add_seconds_epoch(t, duration.seconds)

    def adder(self, duration: WorkDuration) -> Callable[[int], int]:
        """A one-argument ``epoch -> due epoch`` function for bulk use (CLI stdin, benchmarks)."""
        if duration.is_days:
            days = duration.amount
            return lambda t: self.add_days_epoch(t, days)
        seconds = duration.seconds
        return lambda t: self.add_seconds_epoch(t, seconds)

    def between_seconds_epoch(self, a: int, b: int) -> int:
        """Working seconds from ``a`` to ``b`` (negative when ``b`` precedes ``a``)."""
        if b < a:
            return -self.between_seconds_epoch(b, a)
        first = self._table_at(a)
        last = self._table_at(b)
        if first.year == last.year:
            return last.position(b) - first.position(a)
        total = first.total - first.position(a) + last.position(b)
        for year in range(first.year + 1, last.year):
            total += self._table(year).total
        return total

    def between_seconds_epoch_many(self, pairs: Iterable[tuple[int, int]]) -> list[int]:
        """:meth:`between_seconds_epoch` of every ``(a, b)`` pair, for reports over many clocks.

        The same arithmetic with the year table's lookups bound once: pairs within one year (nearly
        all) cost two bisections and no call; the rest go through :meth:`between_seconds_epoch`.
        """
        out: list[int] = []
        append = out.append
        lo = hi = 0
        starts: list[int] = []
        ends: list[int] = []
        cum: list[int] = []
        for a, b in pairs:
            if not lo <= a <= b < hi:
                table = self._table_at(a) if a <= b else None
                if table is None or not table.start <= b < table.end:
                    append(self.between_seconds_epoch(a, b))  # backwards or across a new year
                    continue
                lo, hi = table.start, table.end
                starts, ends, cum = table.starts, table.ends, table.cum_end
            i = bisect_right(starts, a) - 1  # _YearTable.position, inlined
            position_a = cum[i] - (ends[i] - a if a < ends[i] else 0) if i >= 0 else 0
            j = bisect_right(starts, b) - 1
            position_b = cum[j] - (ends[j] - b if b < ends[j] else 0) if j >= 0 else 0
            append(position_b - position_a)
        return out

    # --- datetime API -------------------------------------------------------------------------------

    def add(self, start: dt.datetime, duration: WorkDuration) -> dt.datetime:
        """Due instant of ``duration`` counted from ``start`` (see module docstring for semantics)."""
        return self.from_epoch(self.add_epoch(self.to_epoch(start), duration))

    def between_seconds(self, a: dt.datetime, b: dt.datetime) -> int:
        return self.between_seconds_epoch(self.to_epoch(a), self.to_epoch(b))

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole working minutes from ``a`` to ``b`` (truncated toward zero; negative if b < a)."""
        seconds = self.between_seconds(a, b)
        return seconds // 60 if seconds >= 0 else -((-seconds) // 60)

    def remaining(self, now: dt.datetime, due: dt.datetime) -> int:
        """Working minutes left until ``due``; negative (working minutes overdue) after it.

        Overdue time that falls outside working hours counts zero, so use
        :func:`~desktop_app.domain.worktime.deadlines.stage_status` to tell "overdue" apart.
        """
        return self.between(now, due)

    def next_working_instant(self, t: dt.datetime) -> dt.datetime:
        return self.from_epoch(self.next_working_epoch(self.to_epoch(t)))

    def is_working_instant(self, t: dt.datetime) -> bool:
        epoch = self.to_epoch(t)
        return self.next_working_epoch(epoch) == epoch

    # --- explanation for tooltips -------------------------------------------------------------------

    def explain(self, start: dt.datetime, duration: WorkDuration) -> str:
        """Russian one-liner: «поступило пт 17:50 → срок пн 09:50: 1 рабочий час; сб, вс — выходные»."""
        t = self.to_epoch(start)
        due = self.add_epoch(t, duration)
        clock = self.next_working_epoch(t)
        local_start, local_due = self.from_epoch(t), self.from_epoch(due)
        with_dates = (local_due.date() - local_start.date()).days >= 6
        text = texts.EXPLAIN_ARRIVED.format(start=_instant_label(local_start, with_dates))
        if clock != t and not duration.is_days:
            text += texts.EXPLAIN_CLOCK_FROM.format(clock=_instant_label(self.from_epoch(clock), with_dates))
        text += texts.EXPLAIN_DUE.format(
            due=_instant_label(local_due, with_dates), duration=duration.describe()
        )
        if duration.is_days:
            text += texts.EXPLAIN_DAYS_FROM
        notes = self._day_notes(local_start.date(), local_due.date(), with_dates)
        return "; ".join([text, *notes])

    def _day_notes(self, first: dt.date, last: dt.date, with_dates: bool) -> list[str]:
        notes: list[str] = []
        run: list[DayPlan] = []

        def flush() -> None:
            if not run:
                return
            holiday = any(p.kind is DayKind.HOLIDAY for p in run)
            if len(run) <= 2:
                days = ", ".join(_day_label(p.day, with_dates or holiday) for p in run)
            else:
                days = texts.EXPLAIN_RANGE.format(
                    first=_day_label(run[0].day, True), last=_day_label(run[-1].day, True)
                )
            if holiday:
                pattern = texts.EXPLAIN_HOLIDAY_ONE if len(run) == 1 else texts.EXPLAIN_HOLIDAY_MANY
            else:
                pattern = texts.EXPLAIN_WEEKEND_ONE if len(run) == 1 else texts.EXPLAIN_WEEKEND_MANY
            notes.append(pattern.format(days=days))
            run.clear()

        provisional: set[int] = set()
        day = first
        while day <= last:
            plan = self.day_plan(day)
            if self.year_data(day.year).provisional:
                provisional.add(day.year)
            label = _day_label(day, True)
            if plan.kind in (DayKind.WEEKEND, DayKind.HOLIDAY):
                run.append(plan)
            else:
                flush()
                reason = plan.reason or texts.CUSTOM_DEFAULT_REASON
                if plan.kind is DayKind.CUSTOM and not plan.intervals:
                    notes.append(texts.EXPLAIN_CUSTOM_OFF.format(day=label, reason=reason))
                elif plan.kind is DayKind.CUSTOM:
                    notes.append(texts.EXPLAIN_CUSTOM_HOURS.format(day=label, reason=reason))
                elif plan.shortened:
                    end = _hhmm(plan.intervals[-1].end)
                    pattern = (
                        texts.EXPLAIN_WEEKEND_SHORTENED if plan.working_weekend else texts.EXPLAIN_SHORTENED
                    )
                    notes.append(pattern.format(day=label, end=end))
                elif plan.working_weekend:
                    notes.append(texts.EXPLAIN_WORKING_WEEKEND.format(day=label))
            day += dt.timedelta(days=1)
        flush()
        notes.extend(texts.EXPLAIN_PROVISIONAL.format(year=year) for year in sorted(provisional))
        return notes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_label(day: dt.date, with_date: bool) -> str:
    name = texts.WEEKDAYS_SHORT[day.weekday()]
    return f"{name} {day:%d.%m}" if with_date else name


def _instant_label(instant: dt.datetime, with_date: bool) -> str:
    clock = f"{instant:%H:%M:%S}" if instant.second else f"{instant:%H:%M}"
    return f"{_day_label(instant.date(), with_date)} {clock}"
