"""Routing suggestions (issue 4.7): which department, and whether to redirect out (R4, R5).

Departments are ranked by their competence keywords and by where similar past messages went,
both compared as Russian lemmas (pymorphy3), so «дороги», «дорогу» and «дорожный» count. A message
an operator linked with others as one incident (issue 18) gets first the department those went to:
one problem, one department — still only a suggestion the operator confirms.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import Assignment, Department, Message
from desktop_app.paths import resources_dir
from desktop_app.services.incidents import linked_departments

_WORD = re.compile(r"[а-яёa-z0-9-]+", re.IGNORECASE)
_STOP = frozenset(
    [
        "и",
        "в",
        "во",
        "не",
        "на",
        "с",
        "со",
        "по",
        "к",
        "ко",
        "у",
        "о",
        "об",
        "от",
        "до",
        "за",
        "из",
        "для",
        "а",
        "но",
        "что",
        "это",
        "как",
        "так",
        "мы",
        "вы",
        "они",
        "он",
        "она",
        "оно",
        "ли",
        "же",
        "бы",
        "уже",
        "еще",
        "ещё",
        "когда",
        "где",
        "почему",
        "кто",
        "сколько",
        "какой",
        "который",
        "весь",
        "свой",
        "наш",
        "ваш",
        "мой",
    ]
)
_lemma_lock = threading.Lock()


@functools.cache
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=50_000)
def word_lemmas(word: str) -> frozenset[str]:
    """Every normal form pymorphy3 offers: «ямы» may be «яма» or «ям», and both should match."""
    with _lemma_lock:  # pymorphy3 analyzers are not documented as thread-safe
        return frozenset(parse.normal_form for parse in _analyzer().parse(word))


def lemma(word: str) -> str:
    with _lemma_lock:
        return _analyzer().parse(word)[0].normal_form


def lemmas(text: str) -> set[str]:
    found: set[str] = set()
    for word in _WORD.findall(text):
        if word.lower() not in _STOP and len(word) > 2:
            found |= word_lemmas(word.lower())
    return found


@dataclass(frozen=True)
class DepartmentSuggestion:
    department_id: int
    name: str
    score: float
    reason: str  # Russian: «совпадения: дорога, яма; похожие сообщения: 3»


@dataclass(frozen=True)
class RedirectSuggestion:
    target: str
    reason: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class RoutingAdvice:
    departments: list[DepartmentSuggestion]
    redirect: RedirectSuggestion | None


def _phrase_matches(phrase: str, text_lemmas: set[str]) -> bool:
    """A competence phrase («детский сад») matches when each of its words occurs in some form."""
    words = _WORD.findall(phrase.lower())
    return bool(words) and all(word_lemmas(word) & text_lemmas for word in words)


@functools.cache
def _outside_rules() -> list[tuple[frozenset[str], str, str]]:
    raw = json.loads((resources_dir() / "routing" / "outside_competence.json").read_text(encoding="utf-8"))
    return [
        (frozenset(lemma(w.lower()) for w in rule["lemmas"]), rule["target"], rule["reason"])
        for rule in raw["rules"]
    ]


class RoutingAdvisor:
    HISTORY_LIMIT = 400  # recent routed messages compared against

    def __init__(self, db: Database) -> None:
        self._db = db

    def advise(self, message_id: int) -> RoutingAdvice:
        with self._db.session() as session:
            message = session.get(Message, message_id)
            text = message.text if message else ""
            departments = list(session.scalars(sa.select(Department).where(Department.is_active)))
            history = session.execute(
                sa.select(Message.text, Assignment.department_id)
                .join(Assignment, Assignment.message_id == Message.id)
                .where(Message.id != message_id, Message.state != MessageState.NEW)
                .order_by(Assignment.id.desc())
                .limit(self.HISTORY_LIMIT)
            ).all()
            linked = linked_departments(session, message_id)
        return self.advise_text(text, departments, history, linked)

    def advise_text(
        self,
        text: str,
        departments: list[Department],
        history: list[tuple[str, int]],
        linked: Counter[int] | None = None,
    ) -> RoutingAdvice:
        words = lemmas(text)
        similar: Counter[int] = Counter()
        for past_text, department_id in history:
            overlap = len(words & lemmas(past_text))
            if overlap >= 3:
                similar[department_id] += 1
        suggestions = []
        for department in departments:
            matched = sorted(
                keyword.strip().lower()
                for keyword in department.competence_keywords.splitlines()
                if keyword.strip() and _phrase_matches(keyword, words)
            )
            # A linked message's department outranks any keyword evidence (issue 18).
            in_incident = (linked or Counter())[department.id]
            score = len(matched) * 2.0 + similar[department.id] + in_incident * 1000.0
            if score <= 0:
                continue
            parts = []
            if in_incident:
                parts.append(f"сюда направлены связанные сообщения этого инцидента: {in_incident}")
            if matched:
                parts.append("совпадения: " + ", ".join(matched[:5]))
            if similar[department.id]:
                parts.append(f"похожих сообщений направлено сюда: {similar[department.id]}")
            suggestions.append(DepartmentSuggestion(department.id, department.name, score, "; ".join(parts)))
        suggestions.sort(key=lambda s: (-s.score, s.name))
        redirect = None
        for rule_lemmas, target, reason in _outside_rules():
            hit = words & rule_lemmas
            if hit:
                redirect = RedirectSuggestion(target, reason, tuple(sorted(hit)))
                break
        return RoutingAdvice(suggestions, redirect)
