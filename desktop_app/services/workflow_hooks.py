"""What the gateway's intake and outbox tell the lifecycle, inside their own transactions (R2–R5, R9)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import PUBLISHED_STATE, DraftKind, MessageState, OutboundAction
from desktop_app.domain.worktime.deadlines import Stage
from desktop_app.models.database import Database
from desktop_app.models.entities import Draft, Message, OutboxItem, Publication, Redirect, ThreadEntry
from desktop_app.services import audit
from desktop_app.services.deadlines import DeadlineBook

_BOOK_KEY = "otklik.deadline_book"


def install(database: Database, book: DeadlineBook) -> None:
    """Give every session of ``database`` the deadline book the hooks use (done by the bootstrap)."""
    database.session_factory.configure(info={_BOOK_KEY: book})


def _deadlines(session: Session) -> DeadlineBook:
    book = session.info.get(_BOOK_KEY)
    if book is None:
        raise RuntimeError("workflow hooks used on a database the bootstrap did not set up (build_services)")
    return book


def _system_event(
    session: Session, action: str, message: Message, now: dt.datetime, after: dict[str, object] | None = None
) -> None:
    audit.record(
        session,
        action=action,
        entity_type="message",
        entity_id=message.id,
        occurred_at=now,
        actor_login="система",
        message_id=message.id,
        after={"state": message.state.value, **(after or {})},
    )


def message_arrived(session: Session, message: Message, now: dt.datetime) -> None:
    """R5 and R3 clocks start when the message arrives in the Incident system, not when we fetched it."""
    _deadlines(session).start_arrival_clocks(session, message)
    _system_event(session, "message_arrived", message, now, {"external_id": message.external_id})


def author_replied(session: Session, message: Message, entry: ThreadEntry, now: dt.datetime) -> None:
    """The author's reply to a clarification request reopens the message for the executor."""
    if message.state is MessageState.CLARIFICATION and message.department_id is not None:
        message.state = MessageState.ROUTED
        for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
            draft.is_closed = True
        _deadlines(session).open_stage(
            session, message, Stage.DRAFT, now, department_id=message.department_id
        )
    session.flush()
    _system_event(session, "author_replied", message, now, {"thread_entry_id": entry.id})


def outbound_confirmed(session: Session, item: OutboxItem, now: dt.datetime) -> None:
    """The Incident system confirmed: only now is the message published or redirected (R2)."""
    message = session.get(Message, item.message_id)
    if message is None:
        return
    book = _deadlines(session)
    if item.action is OutboundAction.REDIRECT:
        redirect = session.scalars(sa.select(Redirect).where(Redirect.outbox_id == item.id)).one()
        redirect.confirmed_at = now
        message.state = MessageState.REDIRECTED
    else:
        publication = session.scalars(sa.select(Publication).where(Publication.outbox_id == item.id)).one()
        publication.confirmed_at = now
        publication.external_id = item.external_id
        publication.external_url = item.external_url
        kind = DraftKind(item.action.value)
        message.state = PUBLISHED_STATE[kind]
        # R3: the overall clock is met by the first answer, interim answer or clarification request.
        book.close_stages(
            session, message, {Stage.OVERALL}, publication.requested_at, publication.published_by_id
        )
        for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
            draft.is_closed = True
        if kind is DraftKind.INTERIM:
            # R9: the final draft is due 7 working days after the interim answer was sent.
            book.open_stage(
                session, message, Stage.FINAL_AFTER_INTERIM, now, department_id=message.department_id
            )
        book.refresh_current_due(session, message)
    session.flush()
    _system_event(
        session, "outbound_confirmed", message, now, {"outbox_id": item.id, "url": item.external_url}
    )


def outbound_failed(session: Session, item: OutboxItem, error: str, now: dt.datetime) -> None:
    """A permanent refusal: the message goes back to where a person must act, with the reason."""
    message = session.get(Message, item.message_id)
    if message is None:
        return
    if item.action is OutboundAction.REDIRECT:
        message.state = MessageState.NEW
    else:
        message.state = MessageState.UNDER_REVIEW
        _deadlines(session).open_stage(session, message, Stage.REVIEW, now)
    message.state_reason = f"«Система Инцидент» отклонила отправку: {error}"
    _deadlines(session).refresh_current_due(session, message)
    session.flush()
    _system_event(session, "outbound_failed", message, now, {"outbox_id": item.id, "error": error})
