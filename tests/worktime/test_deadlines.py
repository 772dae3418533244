"""Deadline policy (R3–R9): stage budgets, warning threshold, status."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.domain.worktime import (
    DEFAULT_BUDGETS,
    DeadlinePolicy,
    DeadlineStatus,
    NaiveDatetimeError,
    OverallClock,
    Stage,
    WorkCalendar,
    WorkDuration,
    stage_deadline,
    stage_status,
)
from tests.worktime.conftest import msk


def test_default_budgets_follow_the_regulation() -> None:
    assert {s.value: str(d) for s, d in DEFAULT_BUDGETS.items()} == {
        "route": "1h",  # R5
        "redirect": "30m",  # R4
        "draft": "6h",  # R6
        "review": "30m",  # R7
        "rework": "30m",  # R8
        "overall": "8h",  # R3
        "final_after_interim": "7d",  # R9
    }
    # R3: the stage budgets of the normal path sum to the overall 8 working hours
    normal = (Stage.ROUTE, Stage.DRAFT, Stage.REVIEW)
    assert sum(DEFAULT_BUDGETS[s].seconds for s in normal) + 30 * 60 == DEFAULT_BUDGETS[Stage.OVERALL].seconds


@pytest.mark.parametrize(
    ("stage", "start", "due", "warn_from"),
    [
        # R5: 1 h budget, warn 12 min before (20%)
        (Stage.ROUTE, "2026-05-12T10:00", "2026-05-12T11:00", "2026-05-12T10:48"),
        # R4/R7/R8: 30 m budget, 20% = 6 min < 10 min minimum
        (Stage.REDIRECT, "2026-05-12T10:00", "2026-05-12T10:30", "2026-05-12T10:20"),
        (Stage.REVIEW, "2026-05-12T17:50", "2026-05-13T09:20", "2026-05-13T09:10"),
        (Stage.REWORK, "2026-05-15T17:55", "2026-05-18T09:25", "2026-05-18T09:15"),
        # R6: 6 h budget, warn during the last 72 working minutes (skipping lunch)
        (Stage.DRAFT, "2026-05-12T09:00", "2026-05-12T16:00", "2026-05-12T14:48"),
        # R3: 8 working hours
        (Stage.OVERALL, "2026-05-12T14:00", "2026-05-13T13:00", "2026-05-13T11:24"),
        # R9: 7 working days from the next day; warning = last 20% of 56 h = 672 working minutes
        (Stage.FINAL_AFTER_INTERIM, "2026-05-12T12:00", "2026-05-21T18:00", "2026-05-20T14:48"),
    ],
)
def test_stage_deadline(calendar: WorkCalendar, stage: Stage, start: str, due: str, warn_from: str) -> None:
    deadline = stage_deadline(calendar, DeadlinePolicy(), stage, msk(start))
    assert deadline.stage is stage
    assert deadline.start == msk(start)
    assert deadline.due == msk(due)
    assert deadline.warn_from == msk(warn_from)
    assert deadline.budget == DEFAULT_BUDGETS[stage]
    assert not deadline.calendar_hours
    assert deadline.explanation.startswith("поступило")


def test_warning_window_is_a_share_of_working_time(calendar: WorkCalendar) -> None:
    deadline = stage_deadline(calendar, DeadlinePolicy(), Stage.FINAL_AFTER_INTERIM, msk("2026-05-12T12:00"))
    budget = calendar.between(msk("2026-05-13T00:00"), deadline.due)  # counted from the next day
    window = calendar.between(deadline.warn_from, deadline.due)
    assert budget == 7 * 8 * 60
    assert window == budget // 5


def test_calendar_hours_setting_for_overall(calendar: WorkCalendar) -> None:
    policy = DeadlinePolicy().with_overall_clock("calendar")
    assert policy.overall_clock is OverallClock.CALENDAR
    deadline = stage_deadline(calendar, policy, Stage.OVERALL, msk("2026-05-15T17:50"))
    assert deadline.due == msk("2026-05-16T01:50")  # plain wall clock, Saturday night
    assert deadline.warn_from == msk("2026-05-16T00:14")  # last 96 minutes
    assert deadline.calendar_hours
    assert "8 календарных часов" in deadline.explanation
    # other stages stay on working time
    route = stage_deadline(calendar, policy, Stage.ROUTE, msk("2026-05-15T17:50"))
    assert route.due == msk("2026-05-18T09:50")


def test_status(calendar: WorkCalendar) -> None:
    deadline = stage_deadline(calendar, DeadlinePolicy(), Stage.ROUTE, msk("2026-05-12T10:00"))
    assert deadline.status(msk("2026-05-12T10:47:59")) is DeadlineStatus.ON_TIME
    assert deadline.status(msk("2026-05-12T10:48")) is DeadlineStatus.WARNING
    assert deadline.status(msk("2026-05-12T11:00")) is DeadlineStatus.WARNING
    assert deadline.status(msk("2026-05-12T11:00:01")) is DeadlineStatus.OVERDUE
    assert stage_status(deadline, msk("2026-05-13T10:00"), msk("2026-05-12T11:00")) is DeadlineStatus.MET
    assert stage_status(deadline, msk("2026-05-13T10:00"), msk("2026-05-12T11:01")) is DeadlineStatus.MET_LATE
    assert DeadlineStatus.OVERDUE.title == "просрочено"
    with pytest.raises(NaiveDatetimeError):
        deadline.status(dt.datetime(2026, 5, 12, 10, 0))


def test_policy_round_trips_and_overrides(calendar: WorkCalendar) -> None:
    policy = DeadlinePolicy(budgets={Stage.ROUTE: WorkDuration.minutes(45)}, warn_min_minutes=5)
    assert policy.budget(Stage.ROUTE) == WorkDuration.minutes(45)
    assert policy.budget(Stage.DRAFT) == WorkDuration.hours(6)
    assert DeadlinePolicy.from_data(policy.to_data()) == policy
    deadline = stage_deadline(calendar, policy, "route", msk("2026-05-12T10:00"))
    assert deadline.due == msk("2026-05-12T10:45")
    assert deadline.warn_from == msk("2026-05-12T10:36")
    assert Stage.ROUTE.title == "распределение исполнителю"
