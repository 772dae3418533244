"""Accounts and login (argon2 password hashes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, User
from desktop_app.services import audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import AuthenticationError, InputError, PermissionDeniedError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class AuthService:
    def __init__(
        self,
        db: Database,
        now: Callable[[], dt.datetime],
        password_hasher: Callable[[str], str] = hash_password,
    ) -> None:
        self._db = db
        self._now = now
        self._hash = password_hasher

    def has_users(self) -> bool:
        with self._db.session() as session:
            return session.scalars(sa.select(User.id).limit(1)).first() is not None

    def login(self, login: str, password: str) -> Actor:
        with self._db.session() as session, session.begin():
            user = session.scalars(sa.select(User).where(User.login == login.strip())).first()
            if user is None or not user.is_active:
                raise AuthenticationError("Неверное имя пользователя или пароль.")
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                raise AuthenticationError("Неверное имя пользователя или пароль.") from None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            audit.record(
                session,
                action="login",
                entity_type="user",
                entity_id=user.id,
                occurred_at=self._now(),
                actor_id=user.id,
                actor_login=user.login,
            )
            return Actor.from_user(user)

    def create_first_admin(self, login: str, full_name: str, password: str) -> Actor:
        """First start: the administrator account; refused once any account exists."""
        with self._db.session() as session, session.begin():
            if session.scalars(sa.select(User.id).limit(1)).first() is not None:
                raise PermissionDeniedError("Администратор уже создан: войдите под своей учётной записью.")
            user = self._new_user(session, login, full_name, password, Role.ADMIN, None)
            return Actor.from_user(user)

    def create_user(
        self, actor: Actor, login: str, full_name: str, password: str, role: Role, department_id: int | None
    ) -> Actor:
        if actor.role is not Role.ADMIN:
            raise PermissionDeniedError("Учётные записи создаёт только администратор.")
        with self._db.session() as session, session.begin():
            user = self._new_user(session, login, full_name, password, role, department_id, actor)
            return Actor.from_user(user)

    def _new_user(
        self,
        session: sa.orm.Session,
        login: str,
        full_name: str,
        password: str,
        role: Role,
        department_id: int | None,
        actor: Actor | None = None,
    ) -> User:
        login = login.strip()
        if not login:
            raise InputError("Укажите имя пользователя.")
        if not full_name.strip():
            raise InputError("Укажите фамилию, имя и отчество сотрудника.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InputError(f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов.")
        if role is Role.EXECUTOR and department_id is None:
            raise InputError("Для исполнителя укажите структурное подразделение.")
        if department_id is not None and session.get(Department, department_id) is None:
            raise InputError("Такого структурного подразделения нет.")
        if session.scalars(sa.select(User.id).where(User.login == login)).first() is not None:
            raise InputError(f"Имя пользователя «{login}» уже занято.")
        user = User(
            login=login,
            full_name=full_name.strip(),
            role=role,
            department_id=department_id,
            password_hash=self._hash(password),
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            action="create_user",
            entity_type="user",
            entity_id=user.id,
            occurred_at=self._now(),
            actor_id=actor.user_id if actor else user.id,
            actor_login=actor.login if actor else login,
            after={"login": login, "role": role.value, "department_id": department_id},
        )
        return user
