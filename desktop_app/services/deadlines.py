"""Deadlines on record (issue 4.3): stage clocks opened, closed and recomputed with the engine.

A stage's due instant is computed when the stage starts and stored with its budget, so it can be
re-derived; changing the calendar recomputes the open ones and never the closed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.worktime.deadlines import (
    DeadlinePolicy,
    DeadlineStatus,
    Stage,
    stage_deadline,
    stage_status,
)
from desktop_app.domain.worktime.deadlines import StageDeadline as DomainStageDeadline
from desktop_app.domain.worktime.duration import parse_duration
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.entities import Message, StageDeadline


@dataclass(frozen=True)
class StageView:
    """A plain copy of a stage deadline on record, for views and reports."""

    stage: Stage
    started_at: dt.datetime
    due: dt.datetime
    warn_from: dt.datetime
    completed_at: dt.datetime | None
    budget: str
    responsible_user_id: int | None
    responsible_department_id: int | None

    @classmethod
    def of(cls, row: StageDeadline) -> StageView:
        return cls(
            stage=Stage(row.stage),
            started_at=row.started_at,
            due=row.due_at,
            warn_from=row.warn_from,
            completed_at=row.completed_at,
            budget=row.budget,
            responsible_user_id=row.responsible_user_id,
            responsible_department_id=row.responsible_department_id,
        )

    def status(self, now: dt.datetime) -> DeadlineStatus:
        # The domain's rule reads only ``due`` and ``warn_from``: one definition of on time / overdue.
        return stage_status(self, now, self.completed_at)  # type: ignore[arg-type]


class CalendarSource(Protocol):
    def __call__(self) -> WorkCalendar: ...


class DeadlineBook:
    """Opens and closes stage deadlines of a message inside the caller's transaction."""

    def __init__(self, calendar: CalendarSource, policy: Callable[[], DeadlinePolicy]) -> None:
        self._calendar = calendar
        self._policy = policy

    @property
    def policy(self) -> DeadlinePolicy:
        """The shared policy as it stands now (an administrator may change it while the app runs)."""
        return self._policy()

    @property
    def calendar(self) -> WorkCalendar:
        return self._calendar()

    def open_stage(
        self,
        session: Session,
        message: Message,
        stage: Stage,
        start: dt.datetime,
        *,
        user_id: int | None = None,
        department_id: int | None = None,
    ) -> StageDeadline:
        row = self._new_row(message, stage, start, user_id, department_id)
        session.add(row)
        self.refresh_current_due(session, message)
        return row

    def start_arrival_clocks(self, session: Session, message: Message) -> None:
        """R5 and R3 for a message that has no stages yet: no queries, so intake stays fast."""
        route = self._new_row(message, Stage.ROUTE, message.arrived_at, None, None)
        overall = self._new_row(message, Stage.OVERALL, message.arrived_at, None, None)
        session.add_all([route, overall])
        self._show_current(message, route)

    def _new_row(
        self,
        message: Message,
        stage: Stage,
        start: dt.datetime,
        user_id: int | None,
        department_id: int | None,
    ) -> StageDeadline:
        computed = stage_deadline(self.calendar, self.policy, stage, start)
        if stage is Stage.OVERALL:
            message.overall_due_at = computed.due
            message.overall_warn_from = computed.warn_from
            message.overall_closed_at = None
        return StageDeadline(
            message_id=message.id,
            stage=stage.value,
            budget=str(computed.budget),
            started_at=start,
            due_at=computed.due,
            warn_from=computed.warn_from,
            responsible_user_id=user_id,
            responsible_department_id=department_id,
        )

    def record_closed_stage(
        self, session: Session, message: Message, stage: Stage, start: dt.datetime, at: dt.datetime, by: int
    ) -> StageDeadline:
        """A stage whose clock is known only when it ends (the 30-minute redirect, R4)."""
        row = self._new_row(message, stage, start, by, None)
        session.add(row)
        self._close(row, at, by)
        return row

    def open_rows(self, session: Session, message_id: int) -> list[StageDeadline]:
        return list(
            session.scalars(
                sa.select(StageDeadline)
                .where(StageDeadline.message_id == message_id, StageDeadline.completed_at.is_(None))
                .order_by(StageDeadline.id)
            )
        )

    def close_stages(
        self, session: Session, message: Message, stages: set[Stage], at: dt.datetime, by: int | None
    ) -> list[StageDeadline]:
        closed = []
        for row in self.open_rows(session, message.id):
            if Stage(row.stage) in stages:
                self._close(row, at, by)
                closed.append(row)
                if row.stage == Stage.OVERALL.value:
                    message.overall_closed_at = at
        self.refresh_current_due(session, message)
        return closed

    @staticmethod
    def _close(row: StageDeadline, at: dt.datetime, by: int | None) -> None:
        row.completed_at = at
        row.completed_by_id = by
        row.met = at <= row.due_at

    def refresh_current_due(self, session: Session, message: Message) -> None:
        """Copy the earliest open non-overall stage onto the message (queues sort and colour by it)."""
        session.flush()
        current = [r for r in self.open_rows(session, message.id) if r.stage != Stage.OVERALL.value]
        self._show_current(message, min(current, key=lambda r: r.due_at, default=None))

    @staticmethod
    def _show_current(message: Message, row: StageDeadline | None) -> None:
        message.current_stage = row.stage if row else None
        message.stage_started_at = row.started_at if row else None
        message.stage_budget = row.budget if row else None
        message.stage_due_at = row.due_at if row else None
        message.stage_warn_from = row.warn_from if row else None

    def _compute(
        self, calendar: WorkCalendar, stage: Stage, start: dt.datetime, budget: str | None
    ) -> DomainStageDeadline:
        policy = (
            self.policy if budget is None else replace(self.policy, budgets={stage: parse_duration(budget)})
        )
        return stage_deadline(calendar, policy, stage, start)

    def explain(self, stage: Stage, start: dt.datetime, budget: str | None = None) -> str:
        """The engine's Russian explanation of a stage clock, for tooltips («поступило пт 17:50 → …»)."""
        return self._compute(self.calendar, stage, start, budget).explanation

    def recompute_open(self, session: Session, calendar: WorkCalendar | None = None) -> int:
        """After a calendar change: re-derive every open deadline from its start and budget."""
        calendar = calendar or self.calendar
        count = 0
        touched: set[int] = set()
        for row in session.scalars(sa.select(StageDeadline).where(StageDeadline.completed_at.is_(None))):
            # Re-derive from the stored start and budget: a later policy change does not move it.
            computed = self._compute(calendar, Stage(row.stage), row.started_at, row.budget)
            if computed.due != row.due_at or computed.warn_from != row.warn_from:
                row.due_at = computed.due
                row.warn_from = computed.warn_from
                count += 1
            touched.add(row.message_id)
        for message_id in touched:
            message = session.get(Message, message_id)
            if message is None:
                continue
            overall = [r for r in self.open_rows(session, message_id) if r.stage == Stage.OVERALL.value]
            if overall:
                message.overall_due_at = overall[0].due_at
                message.overall_warn_from = overall[0].warn_from
            self.refresh_current_due(session, message)
        return count
