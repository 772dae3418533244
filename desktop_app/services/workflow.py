"""The regulation's use cases (R3–R9, R11): one method, one transaction, one audit event.

Every method takes the acting user and the message version the user saw. It checks the role,
the department and the state, changes the record, writes the audit event and, for anything that
leaves the administration, an outbox row (R2) — and commits, or changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.lifecycle import (
    ALLOWED_ROLES,
    Action,
    DraftKind,
    MessageState,
    OutboundAction,
    OutboxStatus,
    ReviewDecision,
    Role,
    is_allowed,
)
from desktop_app.domain.worktime.deadlines import Stage
from desktop_app.models.database import Database
from desktop_app.models.entities import (
    Assignment,
    Attachment,
    Department,
    Draft,
    DraftVersion,
    Message,
    OutboxItem,
    Publication,
    Redirect,
    Review,
)
from desktop_app.services import audit
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import DeadlineBook
from desktop_app.services.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from desktop_app.services.outbox import publication_payload, redirect_payload, send_key
from desktop_app.services.texts import ACTION_NAMES, ROLE_NAMES, STATE_NAMES

# Stages that belong to the executor's part of the work (closed on submit, hand-back, reassign).
EXECUTOR_STAGES = {Stage.DRAFT, Stage.REWORK, Stage.FINAL_AFTER_INTERIM}


@dataclass(frozen=True)
class ReviewChecks:
    """The three R7 checks the operator confirms before publishing."""

    greeting: bool
    spelling: bool
    questions: bool

    @property
    def all_confirmed(self) -> bool:
        return self.greeting and self.spelling and self.questions


@dataclass(frozen=True)
class DraftSaved:
    draft_id: int
    revision: int
    saved_at: dt.datetime


def _snapshot(message: Message) -> dict[str, Any]:
    return {
        "state": message.state.value,
        "department_id": message.department_id,
        "version": message.version,
    }


class WorkflowService:
    def __init__(self, db: Database, deadlines: DeadlineBook, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._deadlines = deadlines
        self._now = now

    # -- plumbing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._db.session() as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError as exc:
                raise ConflictError(
                    "Сообщение только что изменил другой сотрудник. Обновите карточку и повторите действие."
                ) from exc

    def _load(self, session: Session, actor: Actor, action: Action, message_id: int, version: int) -> Message:
        """Lock-free load with every check that does not depend on the change itself."""
        if actor.role not in ALLOWED_ROLES[action]:
            raise PermissionDeniedError(
                f"Действие «{ACTION_NAMES[action]}» недоступно для роли «{ROLE_NAMES[actor.role]}»."
            )
        message = session.get(Message, message_id)
        if message is None:
            raise NotFoundError("Сообщение не найдено.")
        if actor.role is Role.EXECUTOR and message.department_id != actor.department_id:
            raise PermissionDeniedError("Это сообщение направлено не в ваше подразделение.")
        if message.version != version:
            raise ConflictError(
                "Сообщение уже изменил другой сотрудник: сейчас оно в состоянии "
                f"«{STATE_NAMES[message.state]}». Обновите карточку и повторите действие."
            )
        if not is_allowed(action, message.state):
            raise InvalidTransitionError(
                f"Нельзя выполнить «{ACTION_NAMES[action]}»: сообщение в состоянии «{STATE_NAMES[message.state]}»."
            )
        return message

    def _audit(
        self,
        session: Session,
        actor: Actor,
        action: str,
        message: Message,
        before: dict[str, Any],
        now: dt.datetime,
        extra: dict[str, Any] | None = None,
        entity: tuple[str, int | None] | None = None,
    ) -> None:
        session.flush()
        after = _snapshot(message) | (extra or {})
        entity_type, entity_id = entity or ("message", message.id)
        audit.record_by(
            session,
            actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            occurred_at=now,
            message_id=message.id,
            before=before,
            after=after,
        )

    @staticmethod
    def _require_text(value: str, message: str) -> str:
        value = (value or "").strip()
        if not value:
            raise InputError(message)
        return value

    def _department(self, session: Session, department_id: int) -> Department:
        department = session.get(Department, department_id)
        if department is None or not department.is_active:
            raise InputError("Выберите действующее структурное подразделение.")
        return department

    # -- ОпОГ: new messages (R4, R5) ----------------------------------------------------------

    def route_message(
        self, actor: Actor, message_id: int, version: int, department_id: int, comment: str = ""
    ) -> None:
        """R5: send a new message to the executor department; the 6-hour draft clock starts (R6)."""
        now = self._now()
        with self._transaction() as session:
            message = self._load(session, actor, Action.ROUTE, message_id, version)
            department = self._department(session, department_id)
            before = _snapshot(message)
            self._start_assignment(session, actor, message, department, now, comment)
            self._deadlines.close_stages(session, message, {Stage.ROUTE}, now, actor.user_id)
            self._audit(session, actor, "route", message, before, now, {"comment": comment.strip()})

    def _start_assignment(
        self,
        session: Session,
        actor: Actor,
        message: Message,
        department: Department,
        now: dt.datetime,
        comment: str,
    ) -> None:
        session.add(
            Assignment(
                message_id=message.id,
                department_id=department.id,
                assigned_by_id=actor.user_id,
                assigned_at=now,
                comment=comment.strip(),
            )
        )
        message.department_id = department.id
        message.state = MessageState.ROUTED
        message.state_reason = ""
        self._deadlines.open_stage(session, message, Stage.DRAFT, now, department_id=department.id)

    def redirect_message(
        self, actor: Actor, message_id: int, version: int, target_organisation: str, reason: str
    ) -> None:
        """R4: send the message out of the administration's competence, with the reasons."""
        now = self._now()
        target = self._require_text(
            target_organisation, "Укажите организацию, в которую перенаправляется сообщение."
        )
        reason = self._require_text(
            reason, "Укажите причину перенаправления: без неё перенаправить нельзя (п. 4)."
        )
        with self._transaction() as session:
            message = self._load(session, actor, Action.REDIRECT, message_id, version)
            before = _snapshot(message)
            item = self._outbox(
                session, message, OutboundAction.REDIRECT, redirect_payload(message, target, reason), now
            )
            redirect = Redirect(
                message_id=message.id,
                target_organisation=target,
                reason=reason,
                redirected_by_id=actor.user_id,
                requested_at=now,
                outbox_id=item.id,
            )
            session.add(redirect)
            message.state = MessageState.REDIRECTING
            message.state_reason = reason
            self._deadlines.close_stages(session, message, {Stage.ROUTE, Stage.OVERALL}, now, actor.user_id)
            self._deadlines.record_closed_stage(
                session, message, Stage.REDIRECT, message.arrived_at, now, actor.user_id
            )
            self._audit(
                session, actor, "redirect", message, before, now, {"target": target, "reason": reason}
            )

    def close_not_needed(self, actor: Actor, message_id: int, version: int, reason: str) -> None:
        """Close a message that needs no reply (spam, thanks, duplicate), with the reason on record."""
        now = self._now()
        reason = self._require_text(reason, "Укажите, почему сообщение не требует ответа.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.CLOSE, message_id, version)
            before = _snapshot(message)
            message.state = MessageState.CLOSED
            message.state_reason = reason
            self._deadlines.close_stages(session, message, {Stage.ROUTE, Stage.OVERALL}, now, actor.user_id)
            self._audit(session, actor, "close_not_needed", message, before, now, {"reason": reason})

    # -- executor (R6, R8, R9) -------------------------------------------------------------------

    def save_draft(
        self, actor: Actor, message_id: int, kind: DraftKind, text: str, draft_revision: int | None
    ) -> DraftSaved:
        """Autosave the working text (issue 8.6); a stale revision is a conflict, never an overwrite."""
        now = self._now()
        with self._transaction() as session:
            message = self._load_for_draft(session, actor, message_id)
            draft = self._open_draft(session, message, kind)
            if draft_revision is not None and draft.revision != draft_revision:
                raise ConflictError(
                    "Черновик изменён на другом рабочем месте. Ваш текст не сохранён поверх чужого: "
                    "откройте черновик заново, чтобы увидеть изменения."
                )
            draft.kind = kind
            draft.working_text = text
            draft.working_saved_at = now
            draft.working_saved_by_id = actor.user_id
            session.flush()
            return DraftSaved(draft.id, draft.revision, now)

    def _load_for_draft(self, session: Session, actor: Actor, message_id: int) -> Message:
        message = session.get(Message, message_id)
        if message is None:
            raise NotFoundError("Сообщение не найдено.")
        return self._load(session, actor, Action.SAVE_DRAFT, message_id, message.version)

    def _open_draft(self, session: Session, message: Message, kind: DraftKind) -> Draft:
        draft = session.scalars(
            sa.select(Draft)
            .where(Draft.message_id == message.id, Draft.is_closed.is_(False))
            .order_by(Draft.id)
        ).first()
        if draft is None:
            draft = Draft(message_id=message.id, kind=kind, department_id=message.department_id)
            session.add(draft)
            session.flush()
        return draft

    def submit_draft(
        self,
        actor: Actor,
        message_id: int,
        version: int,
        kind: DraftKind,
        text: str,
        failed_checks: Sequence[str] = (),
        attachment_ids: Sequence[int] = (),
    ) -> int:
        """R6/R8: send the draft to ОпОГ; the 30-minute review clock starts (R7). Returns the version id."""
        now = self._now()
        text = self._require_text(text, "Черновик пуст: напишите ответ перед отправкой на проверку.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.SUBMIT_DRAFT, message_id, version)
            if message.state is MessageState.INTERIM and kind is DraftKind.INTERIM:
                raise InputError("Промежуточный ответ уже дан: теперь нужен окончательный ответ (п. 9).")
            before = _snapshot(message)
            draft = self._open_draft(session, message, kind)
            draft.kind = kind
            draft.working_text = text
            draft.working_saved_at = now
            draft.working_saved_by_id = actor.user_id
            number = 1 + (
                session.scalar(
                    sa.select(sa.func.max(DraftVersion.number)).where(DraftVersion.draft_id == draft.id)
                )
                or 0
            )
            self._check_attachments(session, message, attachment_ids)
            version_row = DraftVersion(
                draft_id=draft.id,
                number=number,
                kind=kind,
                text=text,
                author_id=actor.user_id,
                created_at=now,
                submitted=True,
                failed_checks=list(failed_checks),
                attachment_ids=list(attachment_ids),
            )
            session.add(version_row)
            message.state = MessageState.UNDER_REVIEW
            message.executor_id = actor.user_id
            self._deadlines.close_stages(session, message, EXECUTOR_STAGES, now, actor.user_id)
            self._deadlines.open_stage(session, message, Stage.REVIEW, now)
            session.flush()
            self._audit(
                session,
                actor,
                "submit_draft",
                message,
                before,
                now,
                {"kind": kind.value, "draft_version": number, "failed_checks": list(failed_checks)},
            )
            return version_row.id

    @staticmethod
    def _check_attachments(session: Session, message: Message, attachment_ids: Sequence[int]) -> None:
        for attachment_id in attachment_ids:
            attachment = session.get(Attachment, attachment_id)
            if attachment is None or attachment.removed:
                raise InputError("Одно из вложений удалено: обновите список вложений.")

    def hand_back(self, actor: Actor, message_id: int, version: int, reason: str) -> None:
        """The executor returns a misrouted message to ОпОГ; the overall clock keeps running."""
        now = self._now()
        reason = self._require_text(reason, "Укажите, почему сообщение направлено не по адресу.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.HAND_BACK, message_id, version)
            before = _snapshot(message)
            self._end_assignment(session, message, now, f"возвращено исполнителем: {reason}")
            self._deadlines.close_stages(session, message, EXECUTOR_STAGES, now, actor.user_id)
            message.state = MessageState.NEW
            message.state_reason = reason
            message.department_id = None
            self._deadlines.open_stage(session, message, Stage.ROUTE, now)
            self._audit(session, actor, "hand_back", message, before, now, {"reason": reason})

    @staticmethod
    def _end_assignment(session: Session, message: Message, now: dt.datetime, reason: str) -> None:
        current = session.scalars(
            sa.select(Assignment)
            .where(Assignment.message_id == message.id, Assignment.ended_at.is_(None))
            .order_by(Assignment.id.desc())
        ).first()
        if current is not None:
            current.ended_at = now
            current.end_reason = reason

    # -- ОпОГ: review and publish (R7, R8) -------------------------------------------------

    def _submitted_version(self, session: Session, message: Message) -> DraftVersion:
        version_row = session.scalars(
            sa.select(DraftVersion)
            .join(Draft, Draft.id == DraftVersion.draft_id)
            .where(
                Draft.message_id == message.id, Draft.is_closed.is_(False), DraftVersion.submitted.is_(True)
            )
            .order_by(DraftVersion.id.desc())
        ).first()
        if version_row is None:
            raise InvalidTransitionError("На проверке нет отправленного черновика.")
        return version_row

    def approve_and_publish(self, actor: Actor, message_id: int, version: int, checks: ReviewChecks) -> int:
        """R7: the operator confirms the three checks and publishes through the Incident system.

        The message shows «отправляется» until the gateway confirms (R2). Returns the publication id.
        """
        now = self._now()
        if not checks.all_confirmed:
            raise InputError(
                "Перед публикацией подтвердите все три проверки: приветствие, отсутствие ошибок и ответы на все вопросы."
            )
        with self._transaction() as session:
            message = self._load(session, actor, Action.APPROVE_AND_PUBLISH, message_id, version)
            before = _snapshot(message)
            draft_version = self._submitted_version(session, message)
            session.add(
                Review(
                    message_id=message.id,
                    draft_version_id=draft_version.id,
                    reviewer_id=actor.user_id,
                    greeting_confirmed=True,
                    spelling_confirmed=True,
                    questions_confirmed=True,
                    decision=ReviewDecision.APPROVED,
                    created_at=now,
                )
            )
            attachments = [
                attachment
                for attachment_id in draft_version.attachment_ids or []
                if (attachment := session.get(Attachment, attachment_id)) is not None
            ]
            action = OutboundAction(draft_version.kind.value)
            item = self._outbox(
                session, message, action, publication_payload(message, draft_version.text, attachments), now
            )
            publication = Publication(
                message_id=message.id,
                draft_version_id=draft_version.id,
                kind=draft_version.kind,
                text=draft_version.text,
                published_by_id=actor.user_id,
                requested_at=now,
                outbox_id=item.id,
            )
            session.add(publication)
            message.state = MessageState.PUBLISHING
            self._deadlines.close_stages(session, message, {Stage.REVIEW}, now, actor.user_id)
            session.flush()
            self._audit(
                session,
                actor,
                "approve_and_publish",
                message,
                before,
                now,
                {"kind": draft_version.kind.value, "publication_id": publication.id},
            )
            return publication.id

    def return_for_rework(
        self, actor: Actor, message_id: int, version: int, comment: str, checks: ReviewChecks | None = None
    ) -> None:
        """R8: back to the executor with what is missing; the rework is due in 30 working minutes."""
        now = self._now()
        comment = self._require_text(comment, "Напишите исполнителю, что нужно доработать (п. 8).")
        with self._transaction() as session:
            message = self._load(session, actor, Action.RETURN_FOR_REWORK, message_id, version)
            before = _snapshot(message)
            draft_version = self._submitted_version(session, message)
            checks = checks or ReviewChecks(False, False, False)
            session.add(
                Review(
                    message_id=message.id,
                    draft_version_id=draft_version.id,
                    reviewer_id=actor.user_id,
                    greeting_confirmed=checks.greeting,
                    spelling_confirmed=checks.spelling,
                    questions_confirmed=checks.questions,
                    decision=ReviewDecision.RETURNED,
                    comment=comment,
                    created_at=now,
                )
            )
            message.state = MessageState.REWORK
            message.state_reason = comment
            self._deadlines.close_stages(session, message, {Stage.REVIEW}, now, actor.user_id)
            self._deadlines.open_stage(
                session,
                message,
                Stage.REWORK,
                now,
                user_id=message.executor_id,
                department_id=message.department_id,
            )
            self._audit(session, actor, "return_for_rework", message, before, now, {"comment": comment})

    def reassign(self, actor: Actor, message_id: int, version: int, department_id: int, comment: str) -> None:
        """Supervisor or operator moves a message to another department; the draft clock restarts there."""
        now = self._now()
        comment = self._require_text(comment, "Укажите причину передачи в другое подразделение.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.REASSIGN, message_id, version)
            department = self._department(session, department_id)
            if department.id == message.department_id:
                raise InputError("Сообщение уже в этом подразделении.")
            before = _snapshot(message)
            self._end_assignment(session, message, now, f"передано: {comment}")
            self._deadlines.close_stages(
                session, message, EXECUTOR_STAGES | {Stage.REVIEW}, now, actor.user_id
            )
            for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
                draft.is_closed = True
            self._start_assignment(session, actor, message, department, now, comment)
            self._audit(session, actor, "reassign", message, before, now, {"comment": comment})

    # -- outbox ------------------------------------------------------------------------------

    @staticmethod
    def _outbox(
        session: Session, message: Message, action: OutboundAction, payload: dict[str, Any], now: dt.datetime
    ) -> OutboxItem:
        pending = session.scalars(
            sa.select(OutboxItem.id).where(
                OutboxItem.message_id == message.id, OutboxItem.status == OutboxStatus.PENDING
            )
        ).first()
        if pending is not None:
            # Never two outbound actions in flight for one message: no duplicate publication.
            raise ConflictError(
                "По этому сообщению уже идёт отправка в «Систему Инцидент»: дождитесь подтверждения."
            )
        key, attempts = send_key(session, message.id, action)  # R2: an unresolved send keeps its key
        item = OutboxItem(
            idempotency_key=key,
            attempts=attempts,
            message_id=message.id,
            action=action,
            payload=payload,
            status=OutboxStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(item)
        session.flush()
        return item
