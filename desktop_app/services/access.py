"""Who may see and change what: the one access policy of every service (issue 14, R4–R8, R11).

Every service that reads or changes a message, a draft, an attachment or an assignment calls this
module, so the rule lives in one place:

- the acting person is re-read from the database on every use case (:func:`current_actor`): an account
  switched off, moved to another department or given another role acts as it is *now*, not as it was
  at login;
- administrators manage accounts and settings and do not work with citizens' messages;
- operators (ОпОГ) and supervisors see every message;
- an executor sees and works only on the messages of their own department, and only on the drafts and
  draft attachments that department prepares.

Refusals are :class:`PermissionDeniedError` for what the person may know exists, and
:class:`NotFoundError` for records of another department (ids are sequential: «недоступно» must not
confirm that a neighbouring id exists with a different answer than a missing one).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import ALLOWED_ROLES, Action, Role
from desktop_app.models.entities import Attachment, Draft, Message, User
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError, NotFoundError, PermissionDeniedError
from desktop_app.services.texts import ACTION_NAMES, ROLE_NAMES

NOT_VISIBLE = "Сообщение не найдено или недоступно вам."
ATTACHMENT_NOT_VISIBLE = "Вложение не найдено или недоступно вам."
ADMIN_REFUSED = "Администратор не работает с сообщениями: войдите как сотрудник отдела."
ACCOUNT_OFF = "Ваша учётная запись отключена администратором: войдите заново под действующей учётной записью."
EXECUTOR_ROLES = (Role.EXECUTOR,)


def current_actor(session: Session, actor: Actor) -> Actor:
    """The acting person as the database knows them now (active, role, department)."""
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise PermissionDeniedError(ACCOUNT_OFF)
    if (user.role, user.department_id, user.login) == (actor.role, actor.department_id, actor.login):
        return actor
    return Actor(
        user_id=user.id,
        login=user.login,
        full_name=user.full_name,
        role=user.role,
        department_id=user.department_id,
        department_name=actor.department_name if user.department_id == actor.department_id else "",
    )


def acting_as(
    session: Session, actor: Actor, roles: tuple[Role, ...] | frozenset[Role], refusal: str
) -> Actor:
    """The person as they are now, if they still hold one of ``roles``: the check of every
    administration use case (accounts, calendar, deadline policy, templates, dictionary, quarantine,
    reports), so a deactivated or demoted administrator is refused at once (issue 14)."""
    actor = current_actor(session, actor)
    require_role(actor, roles, refusal)
    return actor


def require_role(actor: Actor, roles: tuple[Role, ...] | frozenset[Role], refusal: str) -> None:
    if actor.role not in roles:
        raise PermissionDeniedError(refusal)


def require_action(actor: Actor, action: Action) -> None:
    """The lifecycle's role table (``ALLOWED_ROLES``) for one use case."""
    if actor.role not in ALLOWED_ROLES[action]:
        raise PermissionDeniedError(
            f"Действие «{ACTION_NAMES[action]}» недоступно для роли «{ROLE_NAMES[actor.role]}»."
        )


def require_message_reader(actor: Actor) -> None:
    if actor.role is Role.ADMIN:
        raise PermissionDeniedError(ADMIN_REFUSED)


def visible_messages(stmt: sa.Select[Any], actor: Actor) -> sa.Select[Any]:
    """Restrict a query on :class:`Message` to what ``actor`` may see."""
    require_message_reader(actor)
    if actor.role is Role.EXECUTOR:
        return stmt.where(Message.department_id == actor.department_id)
    return stmt


def can_see_message(actor: Actor, message: Message) -> bool:
    if actor.role is Role.ADMIN:
        return False
    return actor.role is not Role.EXECUTOR or message.department_id == actor.department_id


def message_for(session: Session, actor: Actor, message_id: int) -> Message:
    """The message, if ``actor`` may see it; otherwise the same refusal as for a missing one."""
    require_message_reader(actor)
    message = session.get(Message, message_id)
    if message is None or not can_see_message(actor, message):
        raise NotFoundError(NOT_VISIBLE)
    return message


def message_to_change(session: Session, actor: Actor, message_id: int) -> Message:
    """The message a use case changes: missing → not found, another department's → refused."""
    require_message_reader(actor)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFoundError("Сообщение не найдено.")
    require_department(actor, message)
    return message


def require_department(actor: Actor, message: Message) -> None:
    """For a use case on a loaded message: an executor acts only in their own department."""
    if actor.role is Role.EXECUTOR and message.department_id != actor.department_id:
        raise PermissionDeniedError("Это сообщение направлено не в ваше подразделение.")


def can_see_draft(actor: Actor, draft: Draft, message: Message) -> bool:
    if not can_see_message(actor, message):
        return False
    # An executor never sees another department's draft, even a closed one left after a reassignment.
    return actor.role is not Role.EXECUTOR or draft.department_id == actor.department_id


def draft_filter(actor: Actor) -> list[sa.ColumnElement[bool]]:
    """Conditions on :class:`Draft` for a query listing drafts of a visible message."""
    if actor.role is Role.EXECUTOR:
        return [Draft.department_id == actor.department_id]
    return []


def attachment_for(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    """An attachment ``actor`` may open: the message's own, or a draft's of a visible message."""
    require_message_reader(actor)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(ATTACHMENT_NOT_VISIBLE)
    if attachment.message_id is not None:
        message = session.get(Message, attachment.message_id)
        if message is None or not can_see_message(actor, message):
            raise NotFoundError(ATTACHMENT_NOT_VISIBLE)
        return attachment
    draft = session.get(Draft, attachment.draft_id) if attachment.draft_id is not None else None
    message = session.get(Message, draft.message_id) if draft is not None else None
    if draft is None or message is None or not can_see_draft(actor, draft, message):
        raise NotFoundError(ATTACHMENT_NOT_VISIBLE)
    return attachment


def require_draft_attachments(session: Session, draft: Draft, attachment_ids: list[int]) -> None:
    """Only the draft's own, not removed, attachments go out with it (never another draft's photo)."""
    for attachment_id in attachment_ids:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.draft_id != draft.id:
            raise PermissionDeniedError(
                "Приложить к ответу можно только вложения этого черновика: обновите список вложений."
            )
        if attachment.removed:
            raise InputError("Одно из вложений удалено: обновите список вложений.")


def require_own_attachments(session: Session, draft_id: int, attachment_ids: list[int]) -> None:
    """A submitted version sends only attachments of its own draft (removed ones are skipped later)."""
    for attachment_id in attachment_ids:
        attachment = session.get(Attachment, attachment_id)
        if attachment is not None and attachment.draft_id != draft_id:
            raise PermissionDeniedError(
                "Приложить к ответу можно только вложения этого черновика: обновите список вложений."
            )
