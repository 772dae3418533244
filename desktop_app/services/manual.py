"""Manual mode for an administration without Incident-system API access (issue 5.4).

Messages come in from the system's export file or by pasting a post; approved answers are
published by hand (copied to the clipboard, posted on the network) and recorded when the
operator confirms with the link of the published answer. Until then the message stays
«отправляется» (R2): nothing counts as published that nobody confirmed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, MessageState, OutboundAction, OutboxStatus, Role
from desktop_app.models.database import Database
from desktop_app.models.entities import Message, OutboxItem
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError, NotFoundError, PermissionDeniedError
from desktop_app.services.importing import ImportResult, import_file, parse_pasted_post
from desktop_app.services.outbox import confirm_manual_publication
from desktop_app.services.workflow_hooks import Lifecycle

OUTBOUND_NAMES = {
    OutboundAction.ANSWER: "ответ",
    OutboundAction.INTERIM: "промежуточный ответ",
    OutboundAction.CLARIFICATION: "запрос уточнения",
    OutboundAction.REDIRECT: "перенаправление",
}


@dataclass(frozen=True)
class ManualPublication:
    """What the operator needs to publish one approved action by hand."""

    outbox_id: int
    message_id: int
    action: OutboundAction
    action_name: str
    text: str  # the answer, or for a redirect the target and reason
    post_url: str
    author_name: str


class ManualDesk:
    def __init__(
        self, db: Database, timezone: str, now: Callable[[], dt.datetime], lifecycle: Lifecycle
    ) -> None:
        self._lifecycle = lifecycle
        self._db = db
        self._timezone = timezone
        self._now = now

    def _require_operator(self, actor: Actor) -> None:
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
        if actor.role not in (Role.OPERATOR, Role.ADMIN):
            raise PermissionDeniedError(
                "Загружать и публиковать сообщения вручную может отдел по обращениям граждан."
            )

    def import_file(
        self,
        actor: Actor,
        path: Path,
        encoding: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportResult:
        """An Incident-system export (xlsx, csv, json): all rows or none, with row-level errors.

        ``encoding``: the user confirmed a non-UTF-8 file (issue 14: never decoded silently);
        ``progress``/``cancelled``: the progress dialog's hooks."""
        self._require_operator(actor)
        return import_file(
            self._db,
            path,
            self._timezone,
            self._now,
            actor,
            encoding=encoding,
            progress=progress,
            cancelled=cancelled,
            lifecycle=self._lifecycle,
        )

    def add_pasted(self, actor: Actor, pasted_text: str, incident_id: str = "") -> int:
        """Register one post pasted from the Incident system or the network; returns the message id."""
        self._require_operator(actor)
        post = parse_pasted_post(pasted_text)
        if not post.text:
            raise InputError("Во вставленном тексте не найден текст сообщения.")
        if post.channel_kind is None:
            raise InputError(
                "Не удалось определить площадку: добавьте ссылку на пост или строку «Площадка: vk» (ok, telegram…)."
            )
        external_id = incident_id.strip() or f"manual-{uuid.uuid4().hex[:12]}"
        now = self._now()
        with self._db.session() as session, session.begin():
            if session.scalars(sa.select(Message.id).where(Message.external_id == external_id)).first():
                raise InputError(f"Сообщение с номером «{external_id}» уже есть в базе.")
            message = Message(
                external_id=external_id,
                channel_kind=ChannelKind(post.channel_kind),
                platform=post.platform,
                author_name=post.author_name or "Неизвестный автор",
                author_profile_url=post.author_profile_url,
                post_url=post.post_url,
                text=post.text,
                arrived_at=now,
                state=MessageState.NEW,
            )
            session.add(message)
            session.flush()
            self._lifecycle.message_arrived(session, message, now)
            audit.record_by(
                session,
                actor,
                action="paste_message",
                entity_type="message",
                entity_id=message.id,
                occurred_at=now,
                message_id=message.id,
                after={"external_id": external_id, "platform": post.platform},
            )
            return message.id

    def pending_publication(self, actor: Actor, message_id: int) -> ManualPublication:
        """The approved action of ``message_id`` still waiting to be published by hand."""
        self._require_operator(actor)
        with self._db.session() as session:
            found = session.execute(
                sa.select(OutboxItem, Message)
                .join(Message, Message.id == OutboxItem.message_id)
                .where(OutboxItem.message_id == message_id, OutboxItem.status == OutboxStatus.PENDING)
            ).first()
            if found is None:
                raise NotFoundError("Для этого сообщения нет ответа, ожидающего публикации.")
            item, message = found
            payload = item.payload
            if item.action is OutboundAction.REDIRECT:
                text = f"Перенаправить в: {payload['target_organisation']}\nПричина: {payload['reason']}"
            else:
                text = str(payload.get("text", ""))
            return ManualPublication(
                item.id,
                message.id,
                item.action,
                OUTBOUND_NAMES[item.action],
                text,
                message.post_url,
                message.author_name,
            )

    def confirm(self, actor: Actor, outbox_id: int, published_url: str) -> None:
        """The operator published by hand: record it with the link of the published answer."""
        self._require_operator(actor)
        confirm_manual_publication(
            self._db, outbox_id, published_url, actor.user_id, self._now, lifecycle=self._lifecycle
        )
