"""Errors of the working-time engine; ``str()`` is a Russian sentence for the user."""

from __future__ import annotations

from desktop_app.domain.worktime import texts
from desktop_app.errors import OtklikError


class WorktimeError(OtklikError):
    """Base of every working-time error."""


class NaiveDatetimeError(WorktimeError, ValueError):
    """A datetime without a time zone was given; the engine never guesses one."""

    def __init__(self, value: object) -> None:
        super().__init__(texts.NAIVE_DATETIME.format(value=value))
        self.value = value


class CalendarYearMissingError(WorktimeError, LookupError):
    """The calendar has no data for ``year`` and provisional years are not allowed (CLI exit 3)."""

    def __init__(self, year: int) -> None:
        super().__init__(texts.YEAR_MISSING.format(year=year))
        self.year = year


class DurationParseError(WorktimeError, ValueError):
    """A duration text such as ``30m`` / ``6h`` / ``7d`` is malformed."""

    def __init__(self, value: object) -> None:
        super().__init__(texts.BAD_DURATION.format(value=value))
        self.value = value


class CalendarDataError(WorktimeError, ValueError):
    """Plain calendar data (schedule, year data) is inconsistent or malformed."""


class CalendarImportError(WorktimeError, ValueError):
    """An imported calendar file is malformed; nothing of it was applied."""

    def __init__(self, reason: str) -> None:
        super().__init__(texts.IMPORT_FAILED.format(reason=reason))
        self.reason = reason
