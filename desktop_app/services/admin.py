"""Administration: departments and the list of accounts (issue 4.4: admins manage them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, User
from desktop_app.services import audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError, PermissionDeniedError


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    full_name: str
    role: Role
    department_name: str
    is_active: bool


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    short_name: str
    keywords: list[str]


class AdminService:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if actor.role is not Role.ADMIN:
            raise PermissionDeniedError("Это действие доступно только администратору.")

    def users(self, actor: Actor) -> list[UserInfo]:
        if actor.role not in (Role.ADMIN, Role.SUPERVISOR):
            raise PermissionDeniedError("Список сотрудников доступен администратору и руководителю.")
        with self._db.session() as session:
            return [
                UserInfo(
                    u.id, u.login, u.full_name, u.role, u.department.name if u.department else "", u.is_active
                )
                for u in session.scalars(sa.select(User).order_by(User.full_name))
            ]

    def departments(self) -> list[DepartmentInfo]:
        with self._db.session() as session:
            return [
                DepartmentInfo(
                    d.id, d.name, d.short_name, [k for k in d.competence_keywords.splitlines() if k]
                )
                for d in session.scalars(
                    sa.select(Department).where(Department.is_active).order_by(Department.name)
                )
            ]

    def save_department(self, actor: Actor, name: str, short_name: str, keywords: list[str]) -> int:
        """Create a department or update its competence keywords (routing suggestions use them)."""
        self._require_admin(actor)
        name = name.strip()
        if not name:
            raise InputError("Укажите название подразделения.")
        now = self._now()
        with self._db.session() as session, session.begin():
            department = session.scalars(sa.select(Department).where(Department.name == name)).first()
            before = None
            if department is None:
                department = Department(name=name)
                session.add(department)
            else:
                before = {"keywords": department.competence_keywords.splitlines()}
            department.short_name = short_name.strip()
            department.competence_keywords = "\n".join(k.strip() for k in keywords if k.strip())
            session.flush()
            audit.record_by(
                session,
                actor,
                action="save_department",
                entity_type="department",
                entity_id=department.id,
                occurred_at=now,
                before=before,
                after={"name": name, "keywords": department.competence_keywords.splitlines()},
            )
            return department.id
