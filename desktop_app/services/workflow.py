"""The regulation's use cases (R3–R9, R11): one method, one transaction, one audit event.

Every method takes the acting user and the message version the user saw. It checks the role,
the department and the state, changes the record, writes the audit event and, for anything that
leaves the administration, an outbox row (R2) — and commits, or changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.lifecycle import (
    ALLOWED_ROLES,
    REVIEW_CONFIRMATIONS,
    Action,
    DraftKind,
    MessageState,
    OutboundAction,
    OutboxStatus,
    ReviewDecision,
    Role,
    is_allowed,
)
from desktop_app.domain.validation.format import FormatChecker
from desktop_app.domain.worktime.deadlines import Holder, Outcome, Stage
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
    StageDeadline,
    ThreadEntry,
)
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import DeadlineBook
from desktop_app.services.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
)
from desktop_app.services.outbox import publication_payload, redirect_payload, send_key
from desktop_app.services.texts import ACTION_NAMES, STATE_NAMES
from desktop_app.services.validation import attachment_kind

DRAFT_CONFLICT = (
    "Черновик изменён на другом рабочем месте. Ваш текст не сохранён поверх чужого: "
    "откройте черновик заново, чтобы увидеть изменения."
)

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

    def on_record(self, kind: DraftKind) -> dict[str, bool]:
        """The confirmations as the reviewer saw them (their wording follows the draft's kind)."""
        labels = REVIEW_CONFIRMATIONS[kind]
        return dict(zip(labels, (self.greeting, self.spelling, self.questions), strict=True))


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


@dataclass(frozen=True)
class OutgoingAttachment:
    id: int
    filename: str
    media_type: str
    kind: str  # photo / video / file, as the format check counts them (R10)
    sha256: str


@dataclass(frozen=True)
class ReviewMaterial:
    """Exactly what approving would send, and everything the reviewer's check must see (R7, R10)."""

    kind: DraftKind
    text: str
    attachments: tuple[OutgoingAttachment, ...]
    thread_text: str  # the post and every later word of its author: the checks run on all of it
    author_added: bool  # «автор дописал» after the draft was submitted
    platform: str
    confirmations: tuple[str, str, str]

    @property
    def attachment_kinds(self) -> tuple[str, ...]:
        return tuple(a.kind for a in self.attachments)


class WorkflowService:
    def __init__(
        self,
        db: Database,
        deadlines: DeadlineBook,
        now: Callable[[], dt.datetime],
        format_checker: FormatChecker | None = None,
    ) -> None:
        self._db = db
        self._deadlines = deadlines
        self._now = now
        self._format = format_checker or FormatChecker()

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
            except sa.exc.IntegrityError as exc:
                # The one-open-draft index refused a second first draft: another workstation won.
                if "uq_drafts_one_open" in str(exc.orig) or "drafts.message_id" in str(exc.orig):
                    raise ConflictError(DRAFT_CONFLICT) from None
                raise

    def _load(self, session: Session, actor: Actor, action: Action, message_id: int, version: int) -> Message:
        """Lock-free load with every check that does not depend on the change itself."""
        # Issue 14: the person is re-read on every use case, and the policy lives in services.access.
        actor = access.current_actor(session, actor)
        access.require_action(actor, action)
        message = session.get(Message, message_id)
        if message is None:
            raise NotFoundError("Сообщение не найдено.")
        access.require_department(actor, message)
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
        interim_clock: StageDeadline | None = None,
    ) -> None:
        """The message goes to ``department``: the assignment on record, and the department's clock —
        a new draft clock, or (after an interim answer) R9's clock continued in the new hands."""
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
        message.state = MessageState.ROUTED if interim_clock is None else MessageState.INTERIM
        message.state_reason = ""
        if interim_clock is None:
            self._deadlines.open_stage(session, message, Stage.DRAFT, now, department_id=department.id)
        else:
            self._deadlines.continue_stage(session, message, interim_clock, department_id=department.id)
        self._deadlines.hand_overall(
            session, message, Holder.DEPARTMENT, department_id=department.id, user_id=None
        )

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
            # R4/R3 are judged when the Incident system confirms the redirect (STAGE_ENDS): until
            # then the routing and overall clocks keep running, so a refusal leaves them as they were.
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
            self._deadlines.hand_overall(session, message, Holder.APPEALS, operator_id=actor.user_id)
            self._deadlines.close_stages(session, message, {Stage.ROUTE, Stage.OVERALL}, now, actor.user_id)
            self._audit(session, actor, "close_not_needed", message, before, now, {"reason": reason})

    # -- executor (R6, R8, R9) -------------------------------------------------------------------

    def save_draft(
        self, actor: Actor, message_id: int, kind: DraftKind, text: str, draft_revision: int | None
    ) -> DraftSaved:
        """Autosave the working text (issue 8.6); a stale revision is a conflict, never an overwrite.

        ``draft_revision`` is the revision the editor loaded; ``None`` means "no draft expected": if
        another workstation saved a first text meanwhile, that is a conflict like any other (issue 14).
        Two first saves racing are settled by the database's one-open-draft index.
        """
        now = self._now()
        with self._transaction() as session:
            message = self._load_for_draft(session, actor, message_id)
            draft = self._open_draft(session, message, kind)
            if draft_revision is None:
                # "No draft expected": a text saved meanwhile elsewhere is a conflict. A draft made
                # only to hold attachments (no text ever saved) is nobody's text to lose.
                if draft.working_saved_at is not None:
                    raise ConflictError(DRAFT_CONFLICT)
            elif draft.revision != draft_revision:
                raise ConflictError(DRAFT_CONFLICT)
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
            if kind is DraftKind.INTERIM and self._interim_published(session, message):
                # Whatever department holds it now: one interim answer per message, then the final (R9).
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
            self._check_attachments(session, draft, attachment_ids)
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
            seen_addition = message.author_added_at
            message.author_added_at = None  # this version was written with the whole thread in view
            self._deadlines.close_stages(session, message, EXECUTOR_STAGES, now, actor.user_id)
            self._deadlines.open_stage(session, message, Stage.REVIEW, now)
            self._deadlines.hand_overall(
                session,
                message,
                Holder.APPEALS,
                department_id=message.department_id,
                user_id=actor.user_id,
            )
            session.flush()
            self._audit(
                session,
                actor,
                "submit_draft",
                message,
                before,
                now,
                {
                    "kind": kind.value,
                    "draft_version": number,
                    "failed_checks": list(failed_checks),
                    "attachment_ids": list(attachment_ids),
                    "after_author_addition": seen_addition is not None,
                },
            )
            return version_row.id

    @staticmethod
    def _interim_published(session: Session, message: Message) -> bool:
        return (
            session.scalars(
                sa.select(Publication.id).where(
                    Publication.message_id == message.id,
                    Publication.kind == DraftKind.INTERIM,
                    Publication.confirmed_at.is_not(None),
                )
            ).first()
            is not None
        )

    @staticmethod
    def _check_attachments(session: Session, draft: Draft, attachment_ids: Sequence[int]) -> None:
        # Issue 14: only the draft's own, not removed, attachments (never another draft's photo).
        access.require_draft_attachments(session, draft, list(attachment_ids))

    def hand_back(self, actor: Actor, message_id: int, version: int, reason: str) -> None:
        """The executor returns a misrouted message to ОпОГ; the overall clock keeps running."""
        now = self._now()
        reason = self._require_text(reason, "Укажите, почему сообщение направлено не по адресу.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.HAND_BACK, message_id, version)
            before = _snapshot(message)
            self._end_assignment(session, message, now, f"возвращено исполнителем: {reason}")
            # A hand-back is not a draft: in time it is neither met nor missed; a lapsed draft clock
            # stays charged to this executor and their department (clause 11).
            for row in self._deadlines.transfer_stages(session, message, EXECUTOR_STAGES, now, actor.user_id):
                if row.outcome == Outcome.LATE.value and row.responsible_user_id is None:
                    row.responsible_user_id = actor.user_id
            message.state = MessageState.NEW
            message.state_reason = reason
            message.department_id = None
            # The routing (and so the R4 redirect) clock starts again now, back in ОпОГ's hands.
            self._deadlines.open_stage(session, message, Stage.ROUTE, now)
            self._deadlines.hand_overall(session, message, Holder.APPEALS, department_id=None, user_id=None)
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

    def _outgoing_attachments(self, session: Session, draft_version: DraftVersion) -> list[Attachment]:
        """The submitted version's attachments that are still attached: a removed one is never sent."""
        # Issue 14: only the version's own draft's attachments, whatever ids the row carries.
        access.require_own_attachments(
            session, draft_version.draft_id, list(draft_version.attachment_ids or [])
        )
        return [
            attachment
            for attachment_id in draft_version.attachment_ids or []
            if (attachment := session.get(Attachment, attachment_id)) is not None and not attachment.removed
        ]

    def _thread_text(self, session: Session, message: Message) -> str:
        """The post and every later word of its author, in order: what an answer must cover."""
        replies = session.scalars(
            sa.select(ThreadEntry.text)
            .where(ThreadEntry.message_id == message.id, ThreadEntry.from_author.is_(True))
            .order_by(ThreadEntry.arrived_at, ThreadEntry.id)
        ).all()
        return "\n\n".join([message.text, *replies])

    def review_material(self, actor: Actor, message_id: int) -> ReviewMaterial:
        """What «Опубликовать» would send now, for the reviewer's check (R7, R10): same text, same files."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            access.require_role(
                actor,
                ALLOWED_ROLES[Action.APPROVE_AND_PUBLISH] | {Role.SUPERVISOR},
                "Проверку проекта ответа выполняет отдел по обращениям граждан.",
            )
            message = access.message_for(session, actor, message_id)
            draft_version = self._submitted_version(session, message)
            attachments = self._outgoing_attachments(session, draft_version)
            return ReviewMaterial(
                kind=draft_version.kind,
                text=draft_version.text,
                attachments=tuple(
                    OutgoingAttachment(
                        a.id, a.filename, a.media_type, attachment_kind(a.media_type), a.sha256
                    )
                    for a in attachments
                ),
                thread_text=self._thread_text(session, message),
                author_added=message.author_added_at is not None,
                platform=message.platform,
                confirmations=REVIEW_CONFIRMATIONS[draft_version.kind],
            )

    def approve_and_publish(self, actor: Actor, message_id: int, version: int, checks: ReviewChecks) -> int:
        """R7: the operator confirms the three checks and publishes through the Incident system.

        The message shows «отправляется» until the gateway confirms (R2); the review and overall
        clocks end at that confirmation, not at this click (STAGE_ENDS). A platform's hard limits
        (length, attachment kinds it cannot carry, R10) refuse the publication. Returns its id.
        """
        now = self._now()
        if not checks.all_confirmed:
            raise InputError(
                "Перед публикацией подтвердите все три проверки: приветствие, отсутствие ошибок и "
                "третью проверку для этого вида ответа."
            )
        with self._transaction() as session:
            message = self._load(session, actor, Action.APPROVE_AND_PUBLISH, message_id, version)
            before = _snapshot(message)
            draft_version = self._submitted_version(session, message)
            attachments = self._outgoing_attachments(session, draft_version)
            problems = self._format.hard_problems(
                draft_version.text, message.platform, [attachment_kind(a.media_type) for a in attachments]
            )
            if problems:
                raise InputError(
                    "Опубликовать нельзя: " + " ".join(problems) + " Верните проект на доработку."
                )
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
            message.author_added_at = None  # the reviewer checked the whole thread as it stood now
            for row in self._deadlines.open_rows(session, message.id):
                if row.stage == Stage.REVIEW.value:
                    row.responsible_user_id = actor.user_id  # the ОпОГ employee who sends it (clause 11)
            self._deadlines.hand_overall(session, message, Holder.APPEALS, operator_id=actor.user_id)
            session.flush()
            self._audit(
                session,
                actor,
                "approve_and_publish",
                message,
                before,
                now,
                {
                    "kind": draft_version.kind.value,
                    "publication_id": publication.id,
                    "confirmations": checks.on_record(draft_version.kind),
                    "text_sha256": hashlib.sha256(draft_version.text.encode()).hexdigest(),
                    "attachments": [{"filename": a.filename, "sha256": a.sha256} for a in attachments],
                },
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
            self._deadlines.hand_overall(session, message, Holder.DEPARTMENT)
            self._audit(
                session,
                actor,
                "return_for_rework",
                message,
                before,
                now,
                {"comment": comment, "confirmations": checks.on_record(draft_version.kind)},
            )

    def reassign(self, actor: Actor, message_id: int, version: int, department_id: int, comment: str) -> None:
        """Supervisor or operator moves a message to another department.

        The running executor stage is taken out of the old department's hands: transferred if in
        time, late — and charged to the department that let it lapse — if not (clause 11). A new
        draft clock starts in the new department, except after an interim answer: then R9's clock
        keeps its start and due, the message stays «промежуточный ответ», and no second interim
        answer is possible.
        """
        now = self._now()
        comment = self._require_text(comment, "Укажите причину передачи в другое подразделение.")
        with self._transaction() as session:
            message = self._load(session, actor, Action.REASSIGN, message_id, version)
            department = self._department(session, department_id)
            if department.id == message.department_id:
                raise InputError("Сообщение уже в этом подразделении.")
            before = _snapshot(message)
            self._end_assignment(session, message, now, f"передано: {comment}")
            moved = self._deadlines.transfer_stages(
                session, message, EXECUTOR_STAGES | {Stage.REVIEW}, now, actor.user_id
            )
            for row in moved:
                if (
                    row.outcome == Outcome.LATE.value
                    and row.responsible_user_id is None
                    and row.holder == Holder.DEPARTMENT.value
                ):
                    row.responsible_user_id = message.executor_id  # the executor who held it, if any
            for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
                draft.is_closed = True
            message.executor_id = None
            interim_clock = (
                self._deadlines.latest(session, message.id, Stage.FINAL_AFTER_INTERIM)
                if self._interim_published(session, message)
                else None
            )
            self._start_assignment(session, actor, message, department, now, comment, interim_clock)
            self._audit(
                session,
                actor,
                "reassign",
                message,
                before,
                now,
                {
                    "comment": comment,
                    "stages": [
                        {"stage": r.stage, "outcome": r.outcome, "department_id": r.responsible_department_id}
                        for r in moved
                    ],
                },
            )

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
