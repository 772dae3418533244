"""«Похожие сообщения» (issue 18): other recent messages about the same address or topic, with answers.

So one problem gets one consistent answer: the operator and the executor see what was already said
about the same street or the same trouble in recent weeks. Matching is deliberately simple and
explainable — the same street (and house), or at least two shared significant word stems — and runs
over the recent messages only (a bounded read), never the whole history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import Message, Publication
from desktop_app.services import access
from desktop_app.services.actor import Actor

RECENT = dt.timedelta(weeks=4)
SCAN_LIMIT = 3000  # recent messages read at most: the card stays fast on a big database

_STREET = re.compile(
    r"\b(?:ул(?:ица|ице|ицу|ицы|\.)?|пр(?:оспект|-т|\.)|пер(?:еулок|\.)|пл(?:ощадь|\.))\s+([А-ЯЁ][а-яё-]+)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[А-Яа-яЁё]{5,}")
_COMMON = {
    "здравствуйте", "пожалуйста", "спасибо", "администрация", "администрации", "когда", "почему",
    "сколько", "города", "городе", "прошу", "просим", "сделать", "будет", "будут", "можно", "нужно",
    "очень", "уважаемые", "вопрос", "которые", "который", "сегодня", "ничего", "никто",
}  # fmt: skip


@dataclass(frozen=True)
class SimilarMessage:
    id: int
    arrived_at: dt.datetime
    author_name: str
    preview: str
    state: MessageState
    why: str  # «та же улица: Мира», «общие слова: отопление, подъезд»
    answer: str  # the latest published answer, or ""


def streets(text: str) -> set[str]:
    return {m.group(1).casefold()[:5] for m in _STREET.finditer(text)}


def stems(text: str) -> dict[str, str]:
    """{stem: a word it came from} of the significant words (5-letter stems: «отопления» ~ «отоплением»)."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text):
        folded = word.casefold().replace("ё", "е")
        if folded not in _COMMON:
            found.setdefault(folded[:6], folded)
    return found


class SimilarMessages:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    def find(self, actor: Actor, message_id: int, limit: int = 8) -> list[SimilarMessage]:
        with self._db.session() as session:
            # The actor as the database knows them now, and only a message they may see: its text
            # chooses which messages are listed, so another department's must not be probed (R10).
            actor = access.current_actor(session, actor)
            message = access.message_for(session, actor, message_id)
            own_streets, own_stems = streets(message.text), stems(message.text)
            since = message.arrived_at - RECENT
            stmt = access.visible_messages(
                sa.select(
                    Message.id, Message.arrived_at, Message.author_name, Message.text, Message.state
                ).where(Message.id != message_id, Message.arrived_at >= since),
                actor,
            )
            rows = session.execute(stmt.order_by(Message.arrived_at.desc()).limit(SCAN_LIMIT)).all()
            scored = []
            for other_id, arrived_at, author, text, state in rows:
                same_street = own_streets & streets(text)
                other_stems = stems(text)
                shared = [own_stems[s] for s in own_stems if s in other_stems]
                if same_street:
                    why = "та же улица"
                    score = 10 + len(shared)
                elif len(shared) >= 2:
                    why = "общие слова: " + ", ".join(shared[:3])
                    score = len(shared)
                else:
                    continue
                scored.append((score, arrived_at, other_id, author, text, state, why))
            scored.sort(key=lambda s: (-s[0], -s[1].timestamp()))
            top = scored[:limit]
            answers: dict[int, str] = {}
            if top:
                for pub_message, text in session.execute(
                    sa.select(Publication.message_id, Publication.text)
                    .where(Publication.message_id.in_([t[2] for t in top]))
                    .order_by(Publication.id)
                ):
                    answers[pub_message] = text
            return [
                SimilarMessage(
                    other_id,
                    arrived_at,
                    author,
                    " ".join(text.split())[:160],
                    state,
                    why,
                    answers.get(other_id, ""),
                )
                for _score, arrived_at, other_id, author, text, state, why in top
            ]
