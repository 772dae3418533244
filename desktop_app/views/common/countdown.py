"""Countdowns of regulation deadlines: remaining WORKING time, its text, colour and tooltip.

API (stable, shared by the operator and executor views):

- ``format_remaining(minutes) -> str`` — «0:42», «−1:15», «3 д» (whole 8-hour working days from one
  working day on); the minus sign is U+2212.
- ``compute_countdown(calendar, now, due, warn_from, closed_at=None) -> Countdown | None`` — ``None``
  when there is no deadline; ``Countdown.status`` is the domain's ``DeadlineStatus`` (one definition of
  on time / warning / overdue: ``desktop_app.domain.worktime.deadlines.stage_status``).
- ``status_colours(status) -> (foreground, background)`` — the colours of every countdown, derived from
  the active palette by ``theme`` (green / amber / red in a light and a dark palette alike).
- ``countdown_tooltip(calendar, title, countdown, start=None, explanation="") -> str`` — Russian.
- ``format_instant(calendar_or_tz, instant) -> str`` — «пн 29.11 09:40» in the administration's zone.
- ``plain_tooltip(text) -> str`` — a tooltip that shows ``text`` literally. Qt renders a tooltip as rich
  text when it merely looks like HTML, so every tooltip carrying untrusted text goes through this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from PySide6.QtGui import QColor

from desktop_app.domain.worktime.deadlines import DeadlineStatus, stage_status
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.views.common.plain_text import plain_tooltip  # noqa: F401  (re-exported: one helper)
from desktop_app.views.common.theme import status_swatch

MINUS = "\u2212"
WORKING_DAY_MINUTES = 8 * 60  # display unit for long countdowns («3 д» = three 8-hour working days)
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")

STATUS_TITLES: dict[DeadlineStatus, str] = {
    DeadlineStatus.ON_TIME: "в срок",
    DeadlineStatus.WARNING: "срок истекает",
    DeadlineStatus.OVERDUE: "просрочено",
    DeadlineStatus.MET: "выполнено в срок",
    DeadlineStatus.MET_LATE: "выполнено с опозданием",
}


@dataclass(frozen=True, slots=True)
class Countdown:
    """A deadline at one instant: working minutes left (negative when overdue) and its status."""

    due: dt.datetime
    warn_from: dt.datetime | None
    minutes: int
    status: DeadlineStatus

    @property
    def text(self) -> str:
        if self.status in (DeadlineStatus.MET, DeadlineStatus.MET_LATE):
            return "✓"
        return format_remaining(self.minutes, overdue=self.status is DeadlineStatus.OVERDUE)


def format_remaining(minutes: int, *, overdue: bool | None = None) -> str:
    """Working minutes as «0:42», «−1:15», «8:00» or, beyond one working day, «1 д 4 ч» / «3 д».

    Up to a whole working day the clock reads in hours, so the 8-hour answer clock (R3) shows «8:00»;
    ``overdue`` forces the sign for «−0:00».
    """
    negative = minutes < 0 if overdue is None else overdue
    value = abs(minutes)
    sign = MINUS if negative else ""
    if value > WORKING_DAY_MINUTES:
        days, hours = value // WORKING_DAY_MINUTES, (value % WORKING_DAY_MINUTES) // 60
        return f"{sign}{days} д {hours} ч" if hours else f"{sign}{days} д"
    return f"{sign}{value // 60}:{value % 60:02d}"


def compute_countdown(
    calendar: WorkCalendar,
    now: dt.datetime,
    due: dt.datetime | None,
    warn_from: dt.datetime | None,
    closed_at: dt.datetime | None = None,
) -> Countdown | None:
    if due is None:
        return None
    deadline = SimpleNamespace(due=due, warn_from=warn_from or due)
    status = stage_status(deadline, now, closed_at)  # type: ignore[arg-type]
    minutes = calendar.remaining(closed_at or now, due)
    return Countdown(due, warn_from, minutes, status)


def status_colours(status: DeadlineStatus) -> tuple[QColor, QColor]:
    """(text, pill background) of a status, from the active palette (``theme.status_swatch``)."""
    swatch = status_swatch(status)
    return QColor(swatch.fg), QColor(swatch.bg)


def format_instant(zone: WorkCalendar | dt.tzinfo, instant: dt.datetime | None) -> str:
    if instant is None:
        return "—"
    tz = zone.tz if isinstance(zone, WorkCalendar) else zone
    local = instant.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m %H:%M}"


def _minutes_phrase(minutes: int) -> str:
    value = abs(minutes)
    hours, rest = divmod(value, 60)
    parts = []
    if hours:
        parts.append(f"{hours} ч")
    if rest or not hours:
        parts.append(f"{rest} мин")
    return " ".join(parts)


def countdown_tooltip(
    calendar: WorkCalendar,
    title: str,
    countdown: Countdown,
    start: dt.datetime | None = None,
    explanation: str = "",
) -> str:
    """Russian explanation of a countdown: stage, start, due, status, how the time is counted."""
    lines = [f"Этап: {title}"]
    if start is not None:
        lines.append(f"Начало: {format_instant(calendar, start)}")
    lines.append(f"Срок: {format_instant(calendar, countdown.due)}")
    if countdown.warn_from is not None and countdown.status is DeadlineStatus.ON_TIME:
        lines.append(f"Предупреждение с: {format_instant(calendar, countdown.warn_from)}")
    if countdown.status is DeadlineStatus.OVERDUE:
        lines.append(f"Просрочено на {_minutes_phrase(countdown.minutes)} рабочего времени")
    elif countdown.status in (DeadlineStatus.MET, DeadlineStatus.MET_LATE):
        lines.append(STATUS_TITLES[countdown.status].capitalize())
    else:
        lines.append(
            f"Осталось {_minutes_phrase(countdown.minutes)} рабочего времени ({STATUS_TITLES[countdown.status]})"
        )
    if explanation:
        lines.append(f"Расчёт: {explanation}")
    lines.append(
        "Считается только рабочее время по календарю администрации (выходные, праздники и обед не в счёт)."
    )
    return "\n".join(lines)
