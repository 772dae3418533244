"""Small builders for service-level tests: a settable clock, people, departments, messages."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from desktop_app.domain.lifecycle import ChannelKind, Role
from desktop_app.models.entities import Department, Message, User
from desktop_app.services.actor import Actor
from desktop_app.services.auth import hash_password
from desktop_app.services.bootstrap import AppServices

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
_ids = itertools.count(1)
PASSWORD = "пароль-для-тестов"
_HASH = hash_password(PASSWORD)


def msk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def set(self, value: dt.datetime) -> None:
        self.current = value

    def advance(self, **delta: float) -> dt.datetime:
        self.current = self.current + dt.timedelta(**delta)
        return self.current


class World:
    """Departments and one person of each role, created directly in the database."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        with services.db.session() as session, session.begin():
            self.roads = Department(
                name="Управление дорог и транспорта", competence_keywords="дорога\nяма\nасфальт"
            )
            self.housing = Department(name="Управление ЖКХ", competence_keywords="отопление\nподъезд\nкрыша")
            session.add_all([self.roads, self.housing])
            session.flush()
            self.operator = self._user(session, "operator", Role.OPERATOR, None)
            self.supervisor = self._user(session, "chief", Role.SUPERVISOR, None)
            self.admin = self._user(session, "admin", Role.ADMIN, None)
            self.roads_executor = self._user(session, "roads", Role.EXECUTOR, self.roads)
            self.housing_executor = self._user(session, "housing", Role.EXECUTOR, self.housing)

    @staticmethod
    def _user(session, login: str, role: Role, department: Department | None) -> Actor:
        user = User(
            login=login,
            full_name=f"Сотрудник {login}",
            role=role,
            department_id=department.id if department else None,
            password_hash=_HASH,
        )
        session.add(user)
        session.flush()
        return Actor(user.id, login, user.full_name, role, user.department_id)

    def arrive(
        self, text: str = "Когда отремонтируют дорогу на улице Мира? Прошу принять меры.", **kw: object
    ) -> int:
        """A message arriving from the Incident system at the clock's time (as intake does)."""
        now = self.services.now()
        with self.services.db.session() as session, session.begin():
            message = Message(
                external_id=f"INC-{next(_ids)}",
                channel_kind=ChannelKind.SOCIAL_NETWORK,
                platform="vk",
                author_name="Иван Петров",
                text=text,
                arrived_at=kw.pop("arrived_at", now),
                **kw,
            )
            session.add(message)
            session.flush()
            self.services.lifecycle.message_arrived(session, message, now)
            return message.id

    def version(self, message_id: int) -> int:
        with self.services.db.session() as session:
            return session.get(Message, message_id).version

    def message(self, message_id: int) -> Message:
        with self.services.db.session() as session:
            return session.get(Message, message_id)
