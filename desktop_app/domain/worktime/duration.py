"""Working durations: ``30m`` working minutes, ``6h`` working hours, ``7d`` working days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.errors import DurationParseError


class DurationUnit(StrEnum):
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"


# Russian unit letters are accepted too (м, ч, д) since administrators type them.
_UNIT_ALIASES = {"m": "m", "h": "h", "d": "d", "м": "m", "ч": "h", "д": "d"}
_DURATION_RE = re.compile(r"^\s*(\d{1,7})\s*([mhdмчд])\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WorkDuration:
    """A positive amount of working time in one unit."""

    amount: int
    unit: DurationUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise DurationParseError(f"{self.amount}{self.unit}")
        object.__setattr__(self, "unit", DurationUnit(self.unit))

    @classmethod
    def minutes(cls, n: int) -> WorkDuration:
        return cls(n, DurationUnit.MINUTES)

    @classmethod
    def hours(cls, n: int) -> WorkDuration:
        return cls(n, DurationUnit.HOURS)

    @classmethod
    def days(cls, n: int) -> WorkDuration:
        return cls(n, DurationUnit.DAYS)

    @property
    def is_days(self) -> bool:
        return self.unit is DurationUnit.DAYS

    @property
    def seconds(self) -> int:
        """Working seconds of a minutes/hours duration (days have no fixed length)."""
        if self.unit is DurationUnit.MINUTES:
            return self.amount * 60
        if self.unit is DurationUnit.HOURS:
            return self.amount * 3600
        raise ValueError("working days have no fixed length in seconds")

    def describe(self) -> str:
        """Russian phrase for tooltips: «1 рабочий час»."""
        return texts.duration_phrase(self.amount, self.unit.value)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"

    def to_data(self) -> str:
        return str(self)


def parse_duration(text: str) -> WorkDuration:
    """Parse ``30m`` / ``6h`` / ``7d``; raise :class:`DurationParseError` naming the value."""
    if not isinstance(text, str):
        raise DurationParseError(text)
    match = _DURATION_RE.match(text)
    if match is None:
        raise DurationParseError(text)
    amount = int(match.group(1))
    if amount <= 0:
        raise DurationParseError(text)
    return WorkDuration(amount, DurationUnit(_UNIT_ALIASES[match.group(2).lower()]))
