"""Deadlines on record (issue 4.3): stage clocks opened, closed and recomputed with the engine.

A stage's due instant is computed when the stage starts and stored with its budget, so it can be
re-derived; changing the calendar recomputes the open ones and never the closed ones, and every
message whose deadline moved gets an audit event saying from when to when (R11).

When a stage ends is one rule (``STAGE_ENDS``): at the gateway's confirmation for what is posted,
at the recorded action otherwise. Who answers for it (clause 11) lives on the record itself —
``holder``, ``responsible_*``, ``operator_id`` and ``outcome`` — so every report reads the same
attribution (see :func:`attributed_parties`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.worktime.deadlines import (
    STAGE_HOLDERS,
    DeadlinePolicy,
    DeadlineStatus,
    Holder,
    Outcome,
    Stage,
    stage_deadline,
    stage_status,
)
from desktop_app.domain.worktime.deadlines import StageDeadline as DomainStageDeadline
from desktop_app.domain.worktime.duration import parse_duration
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.entities import Message, StageDeadline
from desktop_app.services import audit

_KEEP = object()  # "leave this attribution field as it is"

# The follow-up setting (issue 13): an author's reply after «ответ дан» reopens the message, or
# becomes a new message of its own; either way it gets its own routing clock (R5).
FOLLOW_UP_REOPEN = "reopen"
FOLLOW_UP_NEW_MESSAGE = "new_message"
FOLLOW_UP_MODES = (FOLLOW_UP_REOPEN, FOLLOW_UP_NEW_MESSAGE)


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
    outcome: str | None = None
    holder: str | None = None
    operator_id: int | None = None

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
            outcome=row.outcome,
            holder=row.holder,
            operator_id=row.operator_id,
        )

    def status(self, now: dt.datetime) -> DeadlineStatus:
        # The domain's rule reads only ``due`` and ``warn_from``: one definition of on time / overdue.
        return stage_status(self, now, self.completed_at)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Party:
    """Who answers for a stage (clause 11): a person and/or a department; neither = ОпОГ as a whole."""

    user_id: int | None
    department_id: int | None
    side: Holder


def attributed_parties(row: StageDeadline | StageView) -> list[Party]:
    """The people and departments a stage record names (R11), the one rule reports use.

    * an ordinary stage names its responsible person and department;
    * a posted overall clock (R3) names both the executor with their department and the ОпОГ
      employee who posted it (clause 11);
    * an open overall clock names whoever holds the message now.
    """
    user, department = row.responsible_user_id, row.responsible_department_id
    holder = Holder(row.holder) if row.holder else (Holder.DEPARTMENT if department else Holder.APPEALS)
    if Stage(row.stage) is not Stage.OVERALL:
        return [Party(user, department, holder)]
    executor = Party(user, department, Holder.DEPARTMENT)
    operator = Party(row.operator_id, None, Holder.APPEALS)
    if row.completed_at is not None:
        parties = [p for p in (executor, operator) if p.user_id is not None or p.department_id is not None]
        return parties or [operator]
    return [executor] if holder is Holder.DEPARTMENT else [operator]


class CalendarSource(Protocol):
    def __call__(self) -> WorkCalendar: ...


class DeadlineBook:
    """Opens and closes stage deadlines of a message inside the caller's transaction."""

    def __init__(
        self,
        calendar: CalendarSource,
        policy: Callable[[], DeadlinePolicy],
        follow_up: str = FOLLOW_UP_REOPEN,
    ) -> None:
        self._calendar = calendar
        self._policy = policy
        if follow_up not in FOLLOW_UP_MODES:
            raise ValueError(f"unknown follow-up mode {follow_up!r}")
        self.follow_up = follow_up

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

    def continue_stage(
        self,
        session: Session,
        message: Message,
        source: StageDeadline,
        *,
        user_id: int | None = None,
        department_id: int | None = None,
    ) -> StageDeadline:
        """The same clock (start, budget, due) in new hands: a reassigned R9 clock keeps its 7 days."""
        row = StageDeadline(
            message_id=message.id,
            stage=source.stage,
            budget=source.budget,
            started_at=source.started_at,
            due_at=source.due_at,
            warn_from=source.warn_from,
            responsible_user_id=user_id,
            responsible_department_id=department_id,
            holder=source.holder,
        )
        session.add(row)
        self.refresh_current_due(session, message)
        return row

    def latest(self, session: Session, message_id: int, stage: Stage) -> StageDeadline | None:
        return session.scalars(
            sa.select(StageDeadline)
            .where(StageDeadline.message_id == message_id, StageDeadline.stage == stage.value)
            .order_by(StageDeadline.id.desc())
        ).first()

    def overall_row(self, session: Session, message: Message) -> StageDeadline | None:
        """The open R3 clock of the message, if one is running."""
        session.flush()
        return next((r for r in self.open_rows(session, message.id) if r.stage == Stage.OVERALL.value), None)

    def hand_overall(
        self,
        session: Session,
        message: Message,
        holder: Holder,
        *,
        department_id: int | object | None = _KEEP,
        user_id: int | object | None = _KEEP,
        operator_id: int | object | None = _KEEP,
    ) -> None:
        """Keep the open R3 clock's attribution in step with whose hands the message is in."""
        row = self.overall_row(session, message)
        if row is None:
            return
        row.holder = holder.value
        if department_id is not _KEEP:
            row.responsible_department_id = department_id  # type: ignore[assignment]
        if user_id is not _KEEP:
            row.responsible_user_id = user_id  # type: ignore[assignment]
        if operator_id is not _KEEP:
            row.operator_id = operator_id  # type: ignore[assignment]

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
            holder=STAGE_HOLDERS[stage].value,
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
        """The stages ended by ``by``'s own work at ``at``: met or late, and ``by`` answers for them."""
        closed = []
        session.flush()
        for row in self.open_rows(session, message.id):
            if Stage(row.stage) in stages:
                self._close(row, at, by)
                if row.responsible_user_id is None and by is not None and row.stage != Stage.OVERALL.value:
                    row.responsible_user_id = by  # the person who did the stage's work (R11)
                closed.append(row)
                if row.stage == Stage.OVERALL.value:
                    message.overall_closed_at = at
        self.refresh_current_due(session, message)
        return closed

    def transfer_stages(
        self, session: Session, message: Message, stages: set[Stage], at: dt.datetime, by: int | None
    ) -> list[StageDeadline]:
        """Stages taken out of their holder's hands (reassign, hand-back) before their work was done.

        In time, the stage is *transferred* — neither met nor missed, and never credited to whoever
        moved it; once lapsed, it is *late* and stays with the person and department that let it
        lapse (its responsible fields are left as they were).
        """
        moved = []
        session.flush()
        for row in self.open_rows(session, message.id):
            if Stage(row.stage) in stages:
                row.completed_at = at
                row.completed_by_id = by
                lapsed = at > row.due_at
                row.met = False if lapsed else None
                row.outcome = (Outcome.LATE if lapsed else Outcome.TRANSFERRED).value
                moved.append(row)
        self.refresh_current_due(session, message)
        return moved

    @staticmethod
    def _close(row: StageDeadline, at: dt.datetime, by: int | None) -> None:
        row.completed_at = at
        row.completed_by_id = by
        row.met = at <= row.due_at
        row.outcome = (Outcome.MET if row.met else Outcome.LATE).value

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

    def recompute_open(
        self, session: Session, calendar: WorkCalendar | None = None, now: dt.datetime | None = None
    ) -> int:
        """After a calendar change: re-derive every open deadline from its start and budget.

        Each message whose due instant moved gets one audit event listing every moved stage with
        its old and new due (R11: a deadline never moves silently).
        """
        calendar = calendar or self.calendar
        count = 0
        touched: set[int] = set()
        moves: dict[int, list[dict[str, object]]] = {}
        for row in session.scalars(
            sa.select(StageDeadline).where(StageDeadline.completed_at.is_(None)).order_by(StageDeadline.id)
        ):
            # Re-derive from the stored start and budget: a later policy change does not move it.
            computed = self._compute(calendar, Stage(row.stage), row.started_at, row.budget)
            if computed.due != row.due_at or computed.warn_from != row.warn_from:
                if computed.due != row.due_at:
                    moves.setdefault(row.message_id, []).append(
                        {"stage": row.stage, "due_before": row.due_at, "due_after": computed.due}
                    )
                row.due_at = computed.due
                row.warn_from = computed.warn_from
                count += 1
            touched.add(row.message_id)
        moment = now or dt.datetime.now(dt.UTC)
        for message_id, stage_moves in moves.items():
            audit.record(
                session,
                action="deadline_moved_by_calendar",
                entity_type="message",
                entity_id=message_id,
                occurred_at=moment,
                actor_login="система",
                message_id=message_id,
                after={"moves": stage_moves},
            )
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
