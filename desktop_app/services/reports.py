"""Timeliness reports (R11): deadlines met and missed, per department and per person.

The attribution rule is issue 13's :func:`~desktop_app.services.deadlines.attributed_parties`, read from
the stage records; the dashboard (``services/dashboard.py``) applies the same function to its grouped
stage cells, and never recomputes attribution from assignments or audit events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import Outcome, Stage
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, StageDeadline, User
from desktop_app.services import access
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import Party, attributed_parties
from desktop_app.services.texts import STAGE_NAMES

if TYPE_CHECKING:
    from desktop_app.domain.worktime.engine import WorkCalendar
    from desktop_app.services.dashboard import Dashboard, DashboardService, Drill, MessageRef, ReportPeriod
    from desktop_app.services.report_summaries import ReportSummaries


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


APPEALS_DEPARTMENT = "Отдел по обращениям граждан"
OPOG_NAME = APPEALS_DEPARTMENT  # the name the dashboard uses
REPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
REPORT_REFUSAL = "Отчёты о соблюдении сроков доступны руководителю."


def party_key(party: Party) -> str | None:
    """A party as a grouping key: ``u:<user>``, else ``d:<department>``, else None (ОпОГ as a whole)."""
    if party.user_id is not None:
        return f"u:{party.user_id}"
    if party.department_id is not None:
        return f"d:{party.department_id}"
    return None


def party_name(party: Party, people: dict[int, str], departments: dict[int, str]) -> str:
    """A report line's «ответственный»: the person (with their department), else the department."""
    if party.user_id is not None:
        return people.get(party.user_id, "?")
    if party.department_id is not None:
        return departments.get(party.department_id, "?")
    return APPEALS_DEPARTMENT


@dataclass(frozen=True)
class MissedDeadline:
    """One missed deadline and who answers for it (clause 11): a person and a department."""

    message_id: int
    stage: str
    due: dt.datetime
    completed_at: dt.datetime | None  # None: still open, past due
    person: str  # "" when no one person held it (e.g. a department's open draft clock)
    department: str


class ReportService:
    def __init__(
        self,
        db: Database,
        calendar: Callable[[], WorkCalendar] | None = None,
        timezone: str = "Europe/Moscow",
        summaries: ReportSummaries | None = None,
    ) -> None:
        self._db = db
        self._calendar = calendar
        self._timezone = timezone
        self._summaries = summaries
        self._dashboard: DashboardService | None = None

    @property
    def board(self) -> DashboardService:
        """The supervisor's dashboard queries (``services/dashboard.py``)."""
        if self._dashboard is None:
            from desktop_app.domain.worktime.engine import WorkCalendar
            from desktop_app.services.dashboard import DashboardService

            calendar = self._calendar or (lambda: WorkCalendar.builtin(self._timezone))
            self._dashboard = DashboardService(self._db, calendar, self._timezone, self._summaries)
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

        Attribution is the stage record's own (clause 11, :func:`attributed_parties`): a stage is
        charged to the person and department whose stage it was — never to whoever reassigned it;
        a posted overall clock (R3) counts for both the executor and the ОпОГ employee who posted
        it; an open one for whoever holds the message. A stage handed on in time counts for nobody.
        """
        with self._db.session() as session:
            access.acting_as(session, actor, REPORT_ROLES, REPORT_REFUSAL)  # issue 14: as the person is now
            people = {u.id: u.full_name for u in session.scalars(sa.select(User))}
            departments = {d.id: d.name for d in session.scalars(sa.select(Department))}
            rows = session.scalars(
                sa.select(StageDeadline).where(
                    StageDeadline.started_at >= since, StageDeadline.started_at < until
                )
            ).all()
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            if row.outcome == Outcome.TRANSFERRED.value:
                continue
            if row.completed_at is not None:
                column = 0 if row.met else 1
            elif now > row.due_at:
                column = 2
            else:
                continue
            for party in attributed_parties(row):
                key = (party_name(party, people, departments), STAGE_NAMES.get(row.stage, row.stage))
                counts[key][column] += 1
        return [
            TimelinessRow(who, stage, *values)
            for (who, stage), values in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1]))
        ]

    def missed(
        self, actor: Actor, since: dt.datetime, until: dt.datetime, now: dt.datetime
    ) -> list[MissedDeadline]:
        """Every missed deadline of stages started in [since, until), each naming who answers for it."""
        with self._db.session() as session:
            access.acting_as(session, actor, REPORT_ROLES, REPORT_REFUSAL)  # issue 14: as the person is now
            users = {u.id: u for u in session.scalars(sa.select(User))}
            people = {u.id: u.full_name for u in users.values()}
            departments = {d.id: d.name for d in session.scalars(sa.select(Department))}
            rows = session.scalars(
                sa.select(StageDeadline)
                .where(StageDeadline.started_at >= since, StageDeadline.started_at < until)
                .order_by(StageDeadline.due_at, StageDeadline.id)
            ).all()
        found: list[MissedDeadline] = []
        for row in rows:
            lapsed = row.met is False if row.completed_at is not None else now > row.due_at
            if not lapsed:
                continue
            for party in attributed_parties(row):
                person = people.get(party.user_id, "") if party.user_id is not None else ""
                department_id = party.department_id
                if department_id is None and party.user_id in users:
                    department_id = users[party.user_id].department_id
                department = departments.get(department_id, "?") if department_id else APPEALS_DEPARTMENT
                found.append(
                    MissedDeadline(
                        message_id=row.message_id,
                        stage=STAGE_NAMES.get(row.stage, row.stage),
                        due=row.due_at,
                        completed_at=row.completed_at,
                        person=person,
                        department=department,
                    )
                )
        return found

    @staticmethod
    def stages() -> list[str]:
        return [STAGE_NAMES[stage.value] for stage in Stage]
