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
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError

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
        with self._db.session() as session, session.begin():
            # Issue 14: the role as the database knows it now, not as it was at login.
            actor = access.acting_as(
                session,
                actor,
                (Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR),
                "Шаблоны ведут сотрудники отдела по обращениям граждан.",
            )
            if not title.strip() or not body.strip():
                raise InputError("У шаблона должны быть название и текст.")
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


# -- inserting a template into a draft (issue 18, point 4) -----------------------------------------------

CHECK_BLANKS = "blanks"  # a failed-check code recorded with a submission, like the validator's

_BLANK_RE = re.compile(r"(?:[\wЁё]+\s+)?_{3,}|\{[a-z_]+\}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_GREETING_SENTENCE = re.compile(r"^\s*[^\n.!?]*[.!?]+[ \t]*")


def unfilled_blanks(text: str) -> list[str]:
    """Blanks a template left to fill in: «на ________», an unknown ``{placeholder}``."""
    return [m.group(0).strip() for m in _BLANK_RE.finditer(text)]


def _norm(sentence: str) -> str:
    return " ".join(sentence.casefold().replace("ё", "е").split()).rstrip(".!?…")


def merge_template(before: str, after: str, body: str, opens_with_greeting: Callable[[str], bool]) -> str:
    """What to insert at the cursor between ``before`` and ``after``.

    No second greeting (the draft has one: the template's first sentence goes), no sentence the draft
    already has, and a separator so two sentences never run together («…теплотрассе.Здравствуйте»).
    """
    existing = before + after
    if existing.strip() and opens_with_greeting(existing.lstrip()) and opens_with_greeting(body.lstrip()):
        body = _GREETING_SENTENCE.sub("", body.lstrip(), count=1).lstrip("\n")
    seen = {_norm(s) for s in _SENTENCE_END.split(existing) if s.strip()}
    paragraphs = []
    for paragraph in body.split("\n"):
        sentences = [s for s in _SENTENCE_END.split(paragraph) if s.strip()]
        kept = [s for s in sentences if _norm(s) not in seen]
        if sentences and not kept:
            continue  # the whole paragraph is already in the draft
        paragraphs.append(" ".join(kept) if sentences else paragraph)
    body = "\n".join(paragraphs).strip("\n")
    if not body.strip():
        return ""
    if before and not before[-1].isspace():
        body = ("\n" if "\n" in body else " ") + body
    if after and not after[0].isspace():
        body += " "
    return body
