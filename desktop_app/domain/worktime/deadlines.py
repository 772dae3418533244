"""Deadline policy of the regulation (R3–R9) as plain data, and stage deadlines computed from it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.duration import WorkDuration, parse_duration
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.domain.worktime.errors import CalendarDataError, NaiveDatetimeError


class Stage(StrEnum):
    ROUTE = "route"  # R5
    REDIRECT = "redirect"  # R4
    DRAFT = "draft"  # R6
    REVIEW = "review"  # R7
    REWORK = "rework"  # R8
    OVERALL = "overall"  # R3
    FINAL_AFTER_INTERIM = "final_after_interim"  # R9

    @property
    def title(self) -> str:
        return texts.STAGE_NAMES[self.value]


class StageEnd(StrEnum):
    """What ends a stage's clock: the one rule every use case applies (issue 13).

    A stage whose result is posted to the Incident system («размещает», «перенаправляет») ends when
    the gateway **confirms** the posting; a stage whose result stays inside the administration ends
    when the action is **recorded**. Nothing is judged at the click that merely asks for a posting.
    """

    POSTING_CONFIRMED = "posting_confirmed"
    ACTION_RECORDED = "action_recorded"


class Holder(StrEnum):
    """Whose hands a stage is in (clause 11): the executor's department or the appeals department."""

    DEPARTMENT = "department"  # исполнитель и его структурное подразделение
    APPEALS = "appeals"  # отдел по обращениям граждан (ОпОГ)


class Outcome(StrEnum):
    """How a closed stage went, on record: met, late, or handed on before it lapsed."""

    MET = "met"
    LATE = "late"
    TRANSFERRED = "transferred"  # reassigned / handed back in time: neither met nor missed


# Per stage: what ends it and who holds it (R3–R9). docs/WORKTIME.md states the same table.
STAGE_ENDS: dict[Stage, StageEnd] = {
    Stage.ROUTE: StageEnd.ACTION_RECORDED,  # routing, or a redirect confirmed / close recorded
    Stage.REDIRECT: StageEnd.POSTING_CONFIRMED,  # R4: the redirect is made in the Incident system
    Stage.DRAFT: StageEnd.ACTION_RECORDED,  # R6: the draft is submitted to ОпОГ
    Stage.REVIEW: StageEnd.POSTING_CONFIRMED,  # R7: «размещает» — or a return for rework recorded
    Stage.REWORK: StageEnd.ACTION_RECORDED,  # R8: the reworked draft is submitted
    Stage.OVERALL: StageEnd.POSTING_CONFIRMED,  # R3: answer / interim / clarification posted
    Stage.FINAL_AFTER_INTERIM: StageEnd.ACTION_RECORDED,  # R9: the final draft is submitted
}

STAGE_HOLDERS: dict[Stage, Holder] = {
    Stage.ROUTE: Holder.APPEALS,
    Stage.REDIRECT: Holder.APPEALS,
    Stage.DRAFT: Holder.DEPARTMENT,
    Stage.REVIEW: Holder.APPEALS,
    Stage.REWORK: Holder.DEPARTMENT,
    Stage.OVERALL: Holder.APPEALS,  # moves with the message; both sides named once posted
    Stage.FINAL_AFTER_INTERIM: Holder.DEPARTMENT,
}


class OverallClock(StrEnum):
    """R3: the overall 8 hours are working hours by default, calendar hours by setting."""

    WORKING = "working"
    CALENDAR = "calendar"


class DeadlineStatus(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"

    @property
    def title(self) -> str:
        return texts.STATUS_NAMES[self.value]


DEFAULT_BUDGETS: dict[Stage, WorkDuration] = {
    Stage.ROUTE: WorkDuration.hours(1),  # R5: route within 1 working hour of arrival
    Stage.REDIRECT: WorkDuration.minutes(30),  # R4: redirect within 30 working minutes of arrival
    Stage.DRAFT: WorkDuration.hours(6),  # R6: draft within 6 working hours of routing
    Stage.REVIEW: WorkDuration.minutes(30),  # R7: review and publish within 30 working minutes
    Stage.REWORK: WorkDuration.minutes(30),  # R8: reworked draft within 30 working minutes of return
    Stage.OVERALL: WorkDuration.hours(8),  # R3: answer within 8 hours of arrival
    Stage.FINAL_AFTER_INTERIM: WorkDuration.days(7),  # R9: final within 7 working days of the interim
}


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """Stage budgets and the warning threshold; persisted as ``to_data()``."""

    budgets: Mapping[Stage, WorkDuration] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    overall_clock: OverallClock = OverallClock.WORKING
    warn_fraction: float = 0.2  # warn during the last 20% of a stage's budget ...
    warn_min_minutes: int = 10  # ... but never fewer than 10 working minutes

    def __post_init__(self) -> None:
        budgets = dict(DEFAULT_BUDGETS)
        budgets.update({Stage(k): v for k, v in self.budgets.items()})
        object.__setattr__(self, "budgets", budgets)
        object.__setattr__(self, "overall_clock", OverallClock(self.overall_clock))
        if not 0 <= self.warn_fraction <= 1 or self.warn_min_minutes < 0:
            raise CalendarDataError(texts.BAD_FIELD.format(field="warn_fraction", expected="от 0 до 1"))
        if self.budgets[Stage.OVERALL].is_days and self.overall_clock is OverallClock.CALENDAR:
            raise CalendarDataError(texts.BAD_FIELD.format(field="overall", expected="в часах или минутах"))

    def budget(self, stage: Stage) -> WorkDuration:
        return self.budgets[Stage(stage)]

    def with_overall_clock(self, clock: OverallClock | str) -> DeadlinePolicy:
        return replace(self, overall_clock=OverallClock(clock))

    def to_data(self) -> dict[str, Any]:
        return {
            "budgets": {stage.value: str(self.budgets[stage]) for stage in Stage},
            "overall_clock": self.overall_clock.value,
            "warn_fraction": self.warn_fraction,
            "warn_min_minutes": self.warn_min_minutes,
        }

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> DeadlinePolicy:
        budgets = {Stage(k): parse_duration(v) for k, v in dict(raw.get("budgets", {})).items()}
        return cls(
            budgets=budgets,
            overall_clock=OverallClock(raw.get("overall_clock", "working")),
            warn_fraction=float(raw.get("warn_fraction", 0.2)),
            warn_min_minutes=int(raw.get("warn_min_minutes", 10)),
        )

    def warn_window_seconds(self, budget_seconds: int) -> int:
        """Length of the warning window for a budget of ``budget_seconds`` (capped at the budget)."""
        window = max(math.ceil(budget_seconds * self.warn_fraction), self.warn_min_minutes * 60)
        return min(window, budget_seconds)


@dataclass(frozen=True, slots=True)
class StageDeadline:
    """One stage's clock: started at ``start``, warning from ``warn_from``, due at ``due``."""

    stage: Stage
    start: dt.datetime
    due: dt.datetime
    warn_from: dt.datetime
    budget: WorkDuration
    calendar_hours: bool
    explanation: str

    def status(self, at: dt.datetime, completed_at: dt.datetime | None = None) -> DeadlineStatus:
        return stage_status(self, at, completed_at)


def stage_deadline(
    calendar: WorkCalendar, policy: DeadlinePolicy, stage: Stage | str, start: dt.datetime
) -> StageDeadline:
    """The deadline of ``stage`` whose clock starts at ``start`` (an aware datetime)."""
    stage = Stage(stage)
    budget = policy.budget(stage)
    t = calendar.to_epoch(start)
    if stage is Stage.OVERALL and policy.overall_clock is OverallClock.CALENDAR:
        # R3 with the calendar-hours setting: plain wall-clock hours, no working calendar.
        seconds = budget.seconds
        due = t + seconds
        warn_from = due - policy.warn_window_seconds(seconds)
        local_start, local_due = calendar.from_epoch(t), calendar.from_epoch(due)
        explanation = texts.EXPLAIN_CALENDAR.format(
            start=f"{texts.WEEKDAYS_SHORT[local_start.weekday()]} {local_start:%H:%M}",
            due=f"{texts.WEEKDAYS_SHORT[local_due.weekday()]} {local_due:%H:%M}",
            duration=texts.calendar_hours_phrase(seconds // 3600)
            if seconds % 3600 == 0
            else budget.describe(),
        )
        return StageDeadline(
            stage,
            calendar.from_epoch(t),
            local_due,
            calendar.from_epoch(warn_from),
            budget,
            True,
            explanation,
        )
    due = calendar.add_epoch(t, budget)
    # R9: a working-days budget is counted from the day after the event, so is its warning share.
    counted_from = calendar.day_after_epoch(t) if budget.is_days else t
    budget_seconds = calendar.between_seconds_epoch(counted_from, due)
    lead = budget_seconds - policy.warn_window_seconds(budget_seconds)
    warn_from = calendar.add_seconds_epoch(counted_from, lead)
    return StageDeadline(
        stage=stage,
        start=calendar.from_epoch(t),
        due=calendar.from_epoch(due),
        warn_from=calendar.from_epoch(warn_from),
        budget=budget,
        calendar_hours=False,
        explanation=calendar.explain(start, budget),
    )


def stage_status(
    deadline: StageDeadline, at: dt.datetime, completed_at: dt.datetime | None = None
) -> DeadlineStatus:
    """on_time / warning / overdue at ``at``; met / met_late once ``completed_at`` is known.

    Completing exactly at the due instant is in time; the stage is overdue only after it.
    """
    if completed_at is not None:
        _require_aware(completed_at)
        return DeadlineStatus.MET if completed_at <= deadline.due else DeadlineStatus.MET_LATE
    _require_aware(at)
    if at > deadline.due:
        return DeadlineStatus.OVERDUE
    if at >= deadline.warn_from:
        return DeadlineStatus.WARNING
    return DeadlineStatus.ON_TIME


def _require_aware(instant: dt.datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(instant.isoformat())
