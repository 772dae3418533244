"""Who is acting: every use case takes an :class:`Actor`."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.lifecycle import Role
from desktop_app.models.entities import User


@dataclass(frozen=True)
class Actor:
    user_id: int
    login: str
    full_name: str
    role: Role
    department_id: int | None = None
    department_name: str = ""

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(
            user_id=user.id,
            login=user.login,
            full_name=user.full_name,
            role=user.role,
            department_id=user.department_id,
            department_name=user.department.name if user.department else "",
        )
