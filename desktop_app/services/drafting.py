"""Draft attachments (R10) and the organisation dictionary (issue 8.2)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.domain.lifecycle import DraftKind, Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Attachment, DictionaryWord, Draft
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.blobs import store_blob
from desktop_app.services.errors import InputError, NotFoundError

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
ALLOWED_PREFIXES = ("image/", "video/")


@dataclass(frozen=True)
class DraftAttachment:
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


class DraftingService:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    def _draft_for(self, session: sa.orm.Session, actor: Actor, message_id: int) -> Draft:
        actor = access.current_actor(session, actor)  # issue 14: as the person is now
        message = access.message_to_change(session, actor, message_id)
        access.require_role(
            actor,
            access.EXECUTOR_ROLES,
            "Вложения к ответу добавляет исполнитель подразделения, готовящего ответ.",
        )
        draft = session.scalars(
            sa.select(Draft)
            .where(Draft.message_id == message_id, Draft.is_closed.is_(False))
            .order_by(Draft.id)
        ).first()
        if draft is None:
            draft = Draft(message_id=message_id, kind=DraftKind.ANSWER, department_id=message.department_id)
            session.add(draft)
            session.flush()
        return draft

    def add_attachment(self, actor: Actor, message_id: int, filename: str, content: bytes) -> DraftAttachment:
        """Attach a photo or video to the open draft (stored once by checksum)."""
        media_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if not media_type.startswith(ALLOWED_PREFIXES):
            raise InputError(f"Файл «{filename}» не фото и не видео: к ответу можно приложить только их.")
        if not content:
            raise InputError(f"Файл «{filename}» пуст.")
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise InputError(f"Файл «{filename}» больше {MAX_ATTACHMENT_BYTES // (1024 * 1024)} МБ.")
        now = self._now()
        with self._db.session() as session, session.begin():
            draft = self._draft_for(session, actor, message_id)
            digest = store_blob(session, content)
            attachment = Attachment(
                sha256=digest,
                filename=filename,
                media_type=media_type,
                size=len(content),
                draft_id=draft.id,
                added_by_id=actor.user_id,
                added_at=now,
            )
            session.add(attachment)
            session.flush()
            audit.record_by(
                session,
                actor,
                action="add_attachment",
                entity_type="attachment",
                entity_id=attachment.id,
                occurred_at=now,
                message_id=message_id,
                after={"filename": filename, "sha256": digest, "size": len(content)},
            )
            return DraftAttachment(attachment.id, filename, media_type, len(content), digest)

    def remove_attachment(self, actor: Actor, message_id: int, attachment_id: int) -> None:
        now = self._now()
        with self._db.session() as session, session.begin():
            draft = self._draft_for(session, actor, message_id)
            attachment = session.get(Attachment, attachment_id)
            if attachment is None or attachment.draft_id != draft.id:
                raise NotFoundError("Вложение не найдено в этом черновике.")
            attachment.removed = True
            audit.record_by(
                session,
                actor,
                action="remove_attachment",
                entity_type="attachment",
                entity_id=attachment.id,
                occurred_at=now,
                message_id=message_id,
                before={"filename": attachment.filename},
            )

    def attachments(self, actor: Actor, message_id: int) -> list[DraftAttachment]:
        """The open draft's attachments, for those who may see the draft (issue 14)."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)
            access.message_for(session, actor, message_id)
            rows = session.scalars(
                sa.select(Attachment)
                .join(Draft, Draft.id == Attachment.draft_id)
                .where(
                    Draft.message_id == message_id,
                    Draft.is_closed.is_(False),
                    Attachment.removed.is_(False),
                    *access.draft_filter(actor),
                )
                .order_by(Attachment.id)
            )
            return [DraftAttachment(a.id, a.filename, a.media_type, a.size, a.sha256) for a in rows]

    # -- organisation dictionary ---------------------------------------------------------------

    def dictionary_words(self) -> set[str]:
        """Approved words the proofreader must accept."""
        with self._db.session() as session:
            return set(session.scalars(sa.select(DictionaryWord.word).where(DictionaryWord.approved)))

    def pending_words(self) -> list[tuple[int, str]]:
        with self._db.session() as session:
            return [
                (w.id, w.word)
                for w in session.scalars(
                    sa.select(DictionaryWord)
                    .where(DictionaryWord.approved.is_(False))
                    .order_by(DictionaryWord.word)
                )
            ]

    def propose_word(self, actor: Actor, word: str) -> bool:
        """Anyone may propose a word; an administrator's proposal is approved at once. True if new."""
        word = word.strip()
        if not word or " " in word:
            raise InputError("В словарь добавляется одно слово без пробелов.")
        now = self._now()
        with self._db.session() as session, session.begin():
            # Issue 14: only an administrator *now* approves at once (not one demoted since login).
            actor = access.current_actor(session, actor)
            if session.scalars(sa.select(DictionaryWord.id).where(DictionaryWord.word == word)).first():
                return False
            approved = actor.role is Role.ADMIN
            row = DictionaryWord(
                word=word,
                approved=approved,
                proposed_by_id=actor.user_id,
                approved_by_id=actor.user_id if approved else None,
            )
            session.add(row)
            session.flush()
            audit.record_by(
                session,
                actor,
                action="propose_word",
                entity_type="dictionary_word",
                entity_id=row.id,
                occurred_at=now,
                after={"word": word, "approved": approved},
            )
            return True

    def approve_word(self, actor: Actor, word_id: int, approve: bool = True) -> None:
        now = self._now()
        with self._db.session() as session, session.begin():
            actor = access.acting_as(
                session, actor, (Role.ADMIN,), "Слова в словарь организации утверждает администратор."
            )
            row = session.get(DictionaryWord, word_id)
            if row is None:
                raise NotFoundError("Слово не найдено.")
            word = row.word
            if approve:
                row.approved = True
                row.approved_by_id = actor.user_id
            else:
                session.delete(row)
            audit.record_by(
                session,
                actor,
                action="approve_word" if approve else "reject_word",
                entity_type="dictionary_word",
                entity_id=word_id,
                occurred_at=now,
                after={"word": word},
            )
