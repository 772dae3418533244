"""Administration: departments and accounts (issue 4.4; issue 18: edit, deactivate, reset a password).

Every change is audited (R11) with what it was before; a password is never written to the audit log,
only that it was reset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, User
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.auth import MIN_PASSWORD_LENGTH, hash_password
from desktop_app.services.errors import InputError


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    full_name: str
    role: Role
    department_name: str
    is_active: bool
    department_id: int | None = None


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    short_name: str
    keywords: list[str]


ADMIN_ONLY = "Это действие доступно только администратору."


class AdminService:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    @staticmethod
    def _admin(session: sa.orm.Session, actor: Actor) -> Actor:
        """The administrator as the database knows them now (issue 14: not the role from login)."""
        return access.acting_as(session, actor, (Role.ADMIN,), ADMIN_ONLY)

    def users(self, actor: Actor) -> list[UserInfo]:
        with self._db.session() as session:
            access.acting_as(
                session,
                actor,
                (Role.ADMIN, Role.SUPERVISOR),
                "Список сотрудников доступен администратору и руководителю.",
            )
            return [
                UserInfo(
                    u.id,
                    u.login,
                    u.full_name,
                    u.role,
                    u.department.name if u.department else "",
                    u.is_active,
                    u.department_id,
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
        name = name.strip()
        now = self._now()
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            if not name:
                raise InputError("Укажите название подразделения.")
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

    # -- accounts (issue 18, point 10) ------------------------------------------------------------

    def _user(self, session: sa.orm.Session, user_id: int) -> User:
        user = session.get(User, user_id)
        if user is None:
            raise InputError("Сотрудник не найден: возможно, список устарел — обновите его.")
        return user

    @staticmethod
    def _other_active_admins(session: sa.orm.Session, user_id: int) -> int:
        return session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.is_active, User.id != user_id)
        )

    def update_user(
        self, actor: Actor, user_id: int, full_name: str, role: Role, department_id: int | None
    ) -> None:
        """Change a person's name, role or department (an executor needs a department)."""
        full_name = full_name.strip()
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            if not full_name:
                raise InputError("Укажите фамилию, имя и отчество сотрудника.")
            role = Role(role)
            if role is Role.EXECUTOR and department_id is None:
                raise InputError("Для исполнителя укажите структурное подразделение.")
            if role is not Role.EXECUTOR:
                department_id = None
            user = self._user(session, user_id)
            if department_id is not None and session.get(Department, department_id) is None:
                raise InputError("Подразделение не найдено.")
            if (
                user.role is Role.ADMIN
                and role is not Role.ADMIN
                and not self._other_active_admins(session, user_id)
            ):
                raise InputError("Это единственный администратор: сначала назначьте другого.")
            before = {
                "full_name": user.full_name,
                "role": user.role.value,
                "department_id": user.department_id,
            }
            user.full_name, user.role, user.department_id = full_name, role, department_id
            audit.record_by(
                session,
                actor,
                action="update_user",
                entity_type="user",
                entity_id=user.id,
                occurred_at=self._now(),
                before=before,
                after={"full_name": full_name, "role": role.value, "department_id": department_id},
            )

    def set_active(self, actor: Actor, user_id: int, active: bool) -> None:
        """Deactivate (the person can no longer log in; their history stays) or reactivate an account."""
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            user = self._user(session, user_id)
            if not active and user.id == actor.user_id:
                raise InputError("Нельзя отключить собственную учётную запись.")
            if not active and user.role is Role.ADMIN and not self._other_active_admins(session, user_id):
                raise InputError("Это единственный администратор: его нельзя отключить.")
            if user.is_active == active:
                return
            user.is_active = active
            audit.record_by(
                session,
                actor,
                action="activate_user" if active else "deactivate_user",
                entity_type="user",
                entity_id=user.id,
                occurred_at=self._now(),
                before={"is_active": not active},
                after={"is_active": active},
            )

    def reset_password(self, actor: Actor, user_id: int, new_password: str) -> None:
        """Set a new password the administrator hands over (the old one stops working at once)."""
        with self._db.session() as session:
            self._admin(session, actor)  # before the slow hash: a refused person waits for nothing
        if len(new_password) < MIN_PASSWORD_LENGTH:
            raise InputError(f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов.")
        hashed = hash_password(new_password)
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)  # and again where the change is made
            user = self._user(session, user_id)
            user.password_hash = hashed
            audit.record_by(
                session,
                actor,
                action="reset_password",
                entity_type="user",
                entity_id=user.id,
                occurred_at=self._now(),
                after={"login": user.login},
            )

    def departments_of(self, logins: list[str]) -> dict[str, str]:
        """{login: department name} of the given accounts that have one (the demo's login list)."""
        with self._db.session() as session:
            rows = session.execute(
                sa.select(User.login, Department.name)
                .join(Department, User.department_id == Department.id)
                .where(User.login.in_(logins))
            )
            return {login: name for login, name in rows}
