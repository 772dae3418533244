"""Answer templates (text modules) with placeholders, and the administration's signature."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import AppSetting, Template
from desktop_app.services import audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError, PermissionDeniedError

SIGNATURE_KEY = "signature"
DEFAULT_SIGNATURE = "Администрация городского округа город Елец"
PLACEHOLDERS = {
    "author_name": "имя автора",
    "first_name": "имя автора без фамилии",
    "platform": "площадка",
    "department": "подразделение",
    "signature": "подпись",
}


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    title: str
    body: str
    kind: str


def first_name(author_name: str) -> str:
    """The first word of a profile name that looks like a name («Иван Петров» → «Иван»)."""
    for word in author_name.split():
        if re.fullmatch(r"[А-ЯЁ][а-яё]+", word):
            return word
    return ""


def fill(body: str, values: Mapping[str, str]) -> str:
    """Fill ``{placeholder}``s; unknown placeholders are kept as typed so nothing is silently lost."""

    class _Keep(dict):  # type: ignore[type-arg]
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return string.Formatter().vformat(body, (), _Keep(values))


class TemplateService:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    def list(self, kind: str | None = None) -> list[TemplateInfo]:
        with self._db.session() as session:
            stmt = sa.select(Template).where(Template.is_active).order_by(Template.title)
            if kind:
                stmt = stmt.where(Template.kind == kind)
            return [TemplateInfo(t.id, t.title, t.body, t.kind) for t in session.scalars(stmt)]

    def signature(self) -> str:
        with self._db.session() as session:
            row = session.get(AppSetting, SIGNATURE_KEY)
            return str(row.value) if row else DEFAULT_SIGNATURE

    def render(self, template_id: int, author_name: str, platform: str = "", department: str = "") -> str:
        with self._db.session() as session:
            template = session.get(Template, template_id)
            if template is None:
                raise InputError("Шаблон не найден.")
            body = template.body
        return fill(
            body,
            {
                "author_name": author_name,
                "first_name": first_name(author_name) or author_name,
                "platform": platform,
                "department": department,
                "signature": self.signature(),
            },
        )

    def save(self, actor: Actor, title: str, body: str, kind: str = "answer") -> int:
        if actor.role not in (Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR):
            raise PermissionDeniedError("Шаблоны ведут сотрудники отдела по обращениям граждан.")
        if not title.strip() or not body.strip():
            raise InputError("У шаблона должны быть название и текст.")
        with self._db.session() as session, session.begin():
            template = session.scalars(sa.select(Template).where(Template.title == title.strip())).first()
            if template is None:
                template = Template(title=title.strip(), body=body, kind=kind)
                session.add(template)
            template.body = body
            template.kind = kind
            session.flush()
            audit.record_by(
                session,
                actor,
                action="save_template",
                entity_type="template",
                entity_id=template.id,
                occurred_at=self._now(),
                after={"title": title},
            )
            return template.id
