"""Accounts and login (argon2 password hashes), with throttling of password guesses (issue 14).

Guessing is slowed per login name *and* per workstation, in the database so every process and
thread counts together: after a failure the next attempt is accepted only after a delay that doubles
with each failure in a row; after ``max_failures`` the login is locked for ``lockout_minutes``. Every
failed and refused login is in the audit trail. An unknown login costs one argon2 verification like a
known one, so answers take the same time whether the account exists or not.
"""

from __future__ import annotations

import datetime as dt
import functools
import socket
from collections.abc import Callable

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Department, LoginThrottle, User
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import AuthenticationError, InputError, PermissionDeniedError
from desktop_app.settings import LoginSettings

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


WRONG = "Неверное имя пользователя или пароль."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the login is unknown: the same parameters, so the same work as
    for a real account (built from the hasher's parameters, not hashed, so it costs nothing to make)."""
    h = _hasher
    salt = "b3RrbGlrLWR1bW15LXNhbHQ"  # any 16 bytes, base64 without padding
    digest = "A" * 43  # 32 zero bytes: no password verifies against it
    return f"$argon2id$v=19$m={h.memory_cost},t={h.time_cost},p={h.parallelism}${salt}${digest}"


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} мин"


class AuthService:
    def __init__(
        self,
        db: Database,
        now: Callable[[], dt.datetime],
        password_hasher: Callable[[str], str] = hash_password,
        login_settings: LoginSettings | None = None,
        workstation: str | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._hash = password_hasher
        self._limits = login_settings or LoginSettings()
        self._workstation = (workstation or socket.gethostname() or "workstation")[:150]

    def has_users(self) -> bool:
        with self._db.session() as session:
            return session.scalars(sa.select(User.id).limit(1)).first() is not None

    def _keys(self, login: str) -> tuple[str, str]:
        return f"login:{login.casefold()[:180]}", f"host:{self._workstation}"

    def _delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        limits = self._limits
        return min(limits.base_delay_seconds * 2 ** (failures - 1), limits.max_delay_seconds)

    def _refusal(self, rows: list[LoginThrottle], now: dt.datetime) -> tuple[str, str] | None:
        """(audit action, Russian message) when this attempt must not even be checked."""
        for row in rows:
            if row.locked_until is not None and row.locked_until > now:
                wait = (row.locked_until - now).total_seconds()
                return "login_locked", (
                    "Слишком много неудачных попыток входа: вход временно заблокирован. "
                    f"Повторите через {_minutes(wait)} или обратитесь к администратору."
                )
        for row in rows:
            if row.last_failure_at is None:
                continue
            ready = row.last_failure_at + dt.timedelta(seconds=self._delay(row.failures))
            if ready > now:
                wait = max(1, int((ready - now).total_seconds() + 0.999))
                return "login_throttled", f"Слишком частые попытки входа: подождите {wait} с и повторите."
        return None

    def login(self, login: str, password: str) -> Actor:
        """The account of ``login``/``password``, or :class:`AuthenticationError` (also throttled)."""
        try:
            return self._attempt(login, password)
        except sa.exc.IntegrityError:
            # Two workstations counted the first failure of one login at once: count again.
            return self._attempt(login, password)

    def _attempt(self, login: str, password: str) -> Actor:
        login = login.strip()
        now = self._now()
        keys = self._keys(login)
        with self._db.session() as session, session.begin():
            rows = [session.get(LoginThrottle, key, with_for_update=True) for key in keys]
            present = [row for row in rows if row is not None]
            refusal = self._refusal(present, now)
            if refusal is not None:
                action, message = refusal
                self._audit_failure(session, action, login, now, None)
                refused = AuthenticationError(message)
            else:
                user = session.scalars(sa.select(User).where(User.login == login)).first()
                # Equal work for an unknown login: verify against a dummy hash (no enumeration by time).
                ok = _verify(user.password_hash if user is not None else _dummy_hash(), password)
                if ok and user is not None and user.is_active:
                    if _hasher.check_needs_rehash(user.password_hash):
                        user.password_hash = _hasher.hash(password)
                    for row in present:
                        session.delete(row)
                    audit.record(
                        session,
                        action="login",
                        entity_type="user",
                        entity_id=user.id,
                        occurred_at=now,
                        actor_id=user.id,
                        actor_login=user.login,
                    )
                    return Actor.from_user(user)
                failures = self._count_failure(session, keys, rows, now)
                locked = failures >= self._limits.max_failures
                self._audit_failure(
                    session, "login_locked" if locked else "login_failed", login, now, user, failures
                )
                refused = AuthenticationError(WRONG)
        raise refused

    def _count_failure(
        self,
        session: sa.orm.Session,
        keys: tuple[str, str],
        rows: list[LoginThrottle | None],
        now: dt.datetime,
    ) -> int:
        """One more failure for the login and the workstation; returns the login's failures in a row."""
        counts = []
        for key, row, limit in zip(
            keys, rows, (self._limits.max_failures, self._limits.max_failures_per_workstation), strict=True
        ):
            if row is None:
                row = LoginThrottle(key=key, failures=0)
                session.add(row)
            if row.locked_until is not None and row.locked_until <= now:
                row.failures = 0  # the lockout is over: a fresh series
            row.failures += 1
            row.last_failure_at = now
            row.locked_until = (
                now + dt.timedelta(minutes=self._limits.lockout_minutes) if row.failures >= limit else None
            )
            counts.append(row.failures)
        return counts[0]

    def _audit_failure(
        self,
        session: sa.orm.Session,
        action: str,
        login: str,
        now: dt.datetime,
        user: User | None,
        failures: int | None = None,
    ) -> None:
        """R11: refused logins are on record (the typed name, never the password)."""
        after: dict[str, object] = {"workstation": self._workstation}
        if failures is not None:
            after["failures"] = failures
        audit.record(
            session,
            action=action,
            entity_type="user",
            entity_id=user.id if user is not None else None,
            occurred_at=now,
            actor_id=None,
            actor_login=login[:80],
            after=after,
        )

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
        with self._db.session() as session, session.begin():
            # Issue 14: the role as the database knows it now, not as it was at login.
            actor = access.acting_as(
                session, actor, (Role.ADMIN,), "Учётные записи создаёт только администратор."
            )
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
