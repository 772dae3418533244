from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.views.common.countdown import (
    compute_countdown,
    countdown_tooltip,
    format_instant,
    format_remaining,
    status_colours,
)
from tests.support.factories import msk


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (42, "0:42"),
        (0, "0:00"),
        (75, "1:15"),
        (-75, "−1:15"),
        (479, "7:59"),
        (480, "8:00"),
        (481, "1 д"),
        (3 * 480 + 5, "3 д"),
        (480 + 4 * 60 + 30, "1 д 4 ч"),
        (-1000, "−2 д"),
    ],
)
def test_format_remaining(minutes: int, text: str) -> None:
    assert format_remaining(minutes) == text


def test_overdue_by_less_than_a_minute_still_shows_the_minus() -> None:
    assert format_remaining(0, overdue=True) == "−0:00"


def test_countdown_counts_working_time_only_across_lunch_and_weekend() -> None:
    calendar = WorkCalendar.builtin()
    # Friday 15 May 2026 17:30 → Monday 18 May 09:30 is 1 working hour (the weekend does not count).
    value = compute_countdown(
        calendar, msk(2026, 5, 15, 17, 30), msk(2026, 5, 18, 9, 30), msk(2026, 5, 18, 9, 18)
    )
    assert value is not None
    assert (value.minutes, value.text, value.status) == (60, "1:00", DeadlineStatus.ON_TIME)
    warning = compute_countdown(
        calendar, msk(2026, 5, 18, 9, 20), msk(2026, 5, 18, 9, 30), msk(2026, 5, 18, 9, 18)
    )
    assert warning is not None and warning.status is DeadlineStatus.WARNING and warning.text == "0:10"
    late = compute_countdown(
        calendar, msk(2026, 5, 18, 10, 45), msk(2026, 5, 18, 9, 30), msk(2026, 5, 18, 9, 18)
    )
    assert late is not None and late.status is DeadlineStatus.OVERDUE and late.text == "−1:15"
    met = compute_countdown(
        calendar, msk(2026, 5, 18, 12, 0), msk(2026, 5, 18, 9, 30), None, closed_at=msk(2026, 5, 18, 9, 0)
    )
    assert met is not None and met.status is DeadlineStatus.MET and met.text == "✓"
    assert compute_countdown(calendar, msk(2026, 5, 18, 9, 0), None, None) is None


def test_colours_differ_per_status_and_tooltip_is_russian() -> None:
    calendar = WorkCalendar.builtin()
    backgrounds = {status_colours(s)[1].name() for s in DeadlineStatus}
    assert len(backgrounds) == len(DeadlineStatus)
    value = compute_countdown(
        calendar, msk(2026, 5, 18, 10, 45), msk(2026, 5, 18, 9, 30), msk(2026, 5, 18, 9, 18)
    )
    assert value is not None
    tip = countdown_tooltip(
        calendar, "распределение исполнителю", value, msk(2026, 5, 15, 17, 30), "пояснение"
    )
    assert "Этап: распределение исполнителю" in tip
    assert "Начало: пт 15.05 17:30" in tip
    assert "Срок: пн 18.05 09:30" in tip
    assert "Просрочено на 1 ч 15 мин рабочего времени" in tip
    assert "Расчёт: пояснение" in tip


def test_format_instant_uses_the_administration_zone() -> None:
    calendar = WorkCalendar.builtin()
    assert format_instant(calendar, dt.datetime(2026, 5, 18, 6, 30, tzinfo=dt.UTC)) == "пн 18.05 09:30"
    assert format_instant(calendar, None) == "—"
