"""A deliberately simple, independent reference: walks minute by minute over the shared calendar.

It reads the official reference JSON directly (not the package's data or model) and knows only
the default schedule: Mon–Fri 09:00–13:00, 14:00–18:00, shortened days end at 17:00, Moscow is
UTC+3 all year (no DST since 2014).
"""

from __future__ import annotations

import datetime as dt

MINUTE = dt.timedelta(minutes=1)


class MinuteReference:
    def __init__(self, reference: dict) -> None:
        self.holidays: set[dt.date] = set()
        self.working_weekends: set[dt.date] = set()
        self.shortened: set[dt.date] = set()
        for year in ("2025", "2026", "2027"):
            self.holidays |= {dt.date.fromisoformat(d) for d in reference[year]["holidays"]}
            self.working_weekends |= {dt.date.fromisoformat(d) for d in reference[year]["working_weekends"]}
            self.shortened |= {dt.date.fromisoformat(d) for d in reference[year]["shortened"]}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekends

    def is_working_minute(self, local: dt.datetime) -> bool:
        """Is the minute starting at naive local time ``local`` working time?"""
        if not self.is_working_day(local.date()):
            return False
        minute = local.hour * 60 + local.minute
        end = 17 * 60 if local.date() in self.shortened else 18 * 60
        return 9 * 60 <= minute < 13 * 60 or 14 * 60 <= minute < end

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """Naive local, minute-aligned start; the end of the ``minutes``-th working minute."""
        t = start
        left = minutes
        while True:
            if self.is_working_minute(t):
                left -= 1
                if left == 0:
                    return t + MINUTE
            t += MINUTE

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        count = 0
        t = a
        while t < b:
            count += self.is_working_minute(t)
            t += MINUTE
        return count

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        day = start.date()
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        end = 17 if day in self.shortened else 18
        return dt.datetime(day.year, day.month, day.day, end)
