"""Timeliness reports (R11): deadlines met and missed, per department and per person.

The attribution rule lives here, once, as SQL expressions over the stage records
(:func:`attributed_person`, :func:`attributed_department`): the dashboard (``services/dashboard.py``)
and the exports read it from the records and never recompute it from assignments or audit events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import Stage
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, StageDeadline, User
from desktop_app.services.actor import Actor
from desktop_app.services.errors import PermissionDeniedError
from desktop_app.services.texts import STAGE_NAMES

if TYPE_CHECKING:
    from desktop_app.domain.worktime.engine import WorkCalendar
    from desktop_app.services.dashboard import Dashboard, DashboardService, Drill, MessageRef, ReportPeriod

OPOG_NAME = "Отдел по обращениям граждан"


def attributed_person_id(stage: Any = StageDeadline) -> Any:
    """SQL: the person a stage record charges (R11): who completed it, otherwise its responsible person."""
    return sa.func.coalesce(stage.completed_by_id, stage.responsible_user_id)


def person_key(person_id: int | None, department_id: int | None) -> str | None:
    """Who a stage record charges, as a key: ``u:<user>``, else ``d:<department>``, else None (ОпОГ).

    The same rule as :meth:`ReportService.timeliness`: the person, otherwise the stage's department.
    """
    if person_id is not None:
        return f"u:{person_id}"
    if department_id is not None:
        return f"d:{department_id}"
    return None


def attributed_department(stage: Any = StageDeadline) -> Any:
    """SQL: the department a stage record charges (R11); NULL means the appeals department (ОпОГ)."""
    return stage.responsible_department_id


@dataclass(frozen=True)
class TimelinessRow:
    """One line of the report: who was responsible for which stage, and how it went."""

    responsible: str  # a person, or a department when the stage belonged to one
    stage: str  # Russian stage name
    met: int
    late: int
    open_overdue: int

    @property
    def total(self) -> int:
        return self.met + self.late + self.open_overdue

    @property
    def on_time_share(self) -> float:
        return self.met / self.total if self.total else 1.0


class ReportService:
    def __init__(
        self,
        db: Database,
        calendar: Callable[[], WorkCalendar] | None = None,
        timezone: str = "Europe/Moscow",
    ) -> None:
        self._db = db
        self._calendar = calendar
        self._timezone = timezone
        self._dashboard: DashboardService | None = None

    @property
    def board(self) -> DashboardService:
        """The supervisor's dashboard queries (``services/dashboard.py``)."""
        if self._dashboard is None:
            from desktop_app.domain.worktime.engine import WorkCalendar
            from desktop_app.services.dashboard import DashboardService

            calendar = self._calendar or (lambda: WorkCalendar.builtin(self._timezone))
            self._dashboard = DashboardService(self._db, calendar, self._timezone)
        return self._dashboard

    def dashboard(self, actor: Actor, period: ReportPeriod, now: dt.datetime) -> Dashboard:
        """Every figure of ``period`` beside the previous period of the same length (R3–R11)."""
        return self.board.dashboard(actor, period, now)

    def drill_down(self, actor: Actor, drill: Drill) -> list[MessageRef]:
        """The messages behind one figure (or one bar, one row) of the dashboard."""
        return self.board.drill_down(actor, drill)

    def timeliness(
        self, actor: Actor, since: dt.datetime, until: dt.datetime, now: dt.datetime
    ) -> list[TimelinessRow]:
        """Stages that started in [since, until): met in time, met late, still open past due.

        A stage is attributed to the person who completed it (R11: the executor or the department
        employee who acted), otherwise to its responsible person, otherwise to its department.
        """
        if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
            raise PermissionDeniedError("Отчёты о соблюдении сроков доступны руководителю.")
        with self._db.session() as session:
            people = {u.id: u.full_name for u in session.scalars(sa.select(User))}
            departments = {d.id: d.name for d in session.scalars(sa.select(Department))}
            rows = session.scalars(
                sa.select(StageDeadline).where(
                    StageDeadline.started_at >= since, StageDeadline.started_at < until
                )
            ).all()
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            person = row.completed_by_id or row.responsible_user_id
            if person is not None:
                who = people.get(person, "?")
            elif row.responsible_department_id is not None:
                who = departments.get(row.responsible_department_id, "?")
            else:
                who = OPOG_NAME
            key = (who, STAGE_NAMES.get(row.stage, row.stage))
            if row.completed_at is not None:
                counts[key][0 if row.met else 1] += 1
            elif now > row.due_at:
                counts[key][2] += 1
        return [
            TimelinessRow(who, stage, *values)
            for (who, stage), values in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1]))
        ]

    @staticmethod
    def stages() -> list[str]:
        return [STAGE_NAMES[stage.value] for stage in Stage]
