"""Timeliness reports (R11): deadlines met and missed, per department and per person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import Stage
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, StageDeadline, User
from desktop_app.services.actor import Actor
from desktop_app.services.errors import PermissionDeniedError
from desktop_app.services.texts import STAGE_NAMES


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
    def __init__(self, db: Database) -> None:
        self._db = db

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
                who = "Отдел по обращениям граждан"
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
