"""What the gateway's intake and outbox tell the lifecycle, inside their own transactions (R2–R5, R9).

The bootstrap builds one :class:`Lifecycle` around the deadline book and hands it to the intake, the
outbox, the import and the manual desk (issue 17: no ambient ``Session.info`` lookup, so a service
built without the bootstrap fails at once instead of when the first message arrives).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import PUBLISHED_STATE, DraftKind, MessageState, OutboundAction
from desktop_app.domain.worktime.deadlines import Stage
from desktop_app.models.entities import Draft, Message, OutboxItem, Publication, Redirect, ThreadEntry
from desktop_app.services import audit
from desktop_app.services.deadlines import DeadlineBook


class Lifecycle:
    """The lifecycle's side of intake, outbox, import and manual publishing (built by the bootstrap)."""

    def __init__(self, book: DeadlineBook) -> None:
        self.book = book

    def message_arrived(self, session: Session, message: Message, now: dt.datetime) -> None:
        message_arrived(session, message, now, book=self.book)

    def author_replied(
        self, session: Session, message: Message, entry: ThreadEntry, now: dt.datetime
    ) -> None:
        author_replied(session, message, entry, now, book=self.book)

    def outbound_confirmed(self, session: Session, item: OutboxItem, now: dt.datetime) -> None:
        outbound_confirmed(session, item, now, book=self.book)

    def outbound_failed(self, session: Session, item: OutboxItem, error: str, now: dt.datetime) -> None:
        outbound_failed(session, item, error, now, book=self.book)


def require(lifecycle: Lifecycle | None, who: str) -> Lifecycle:
    """A service that changes the lifecycle cannot work without it: say so when it is built."""
    if lifecycle is None:
        raise TypeError(f"{who} needs the lifecycle built by the bootstrap (AppServices.lifecycle)")
    return lifecycle


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


def message_arrived(session: Session, message: Message, now: dt.datetime, *, book: DeadlineBook) -> None:
    """R5 and R3 clocks start when the message arrives in the Incident system, not when we fetched it."""
    book.start_arrival_clocks(session, message)
    _system_event(session, "message_arrived", message, now, {"external_id": message.external_id})


def author_replied(
    session: Session, message: Message, entry: ThreadEntry, now: dt.datetime, *, book: DeadlineBook
) -> None:
    """The author's reply to a clarification request reopens the message for the executor."""
    if message.state is MessageState.CLARIFICATION and message.department_id is not None:
        message.state = MessageState.ROUTED
        for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
            draft.is_closed = True
        book.open_stage(session, message, Stage.DRAFT, now, department_id=message.department_id)
    session.flush()
    _system_event(session, "author_replied", message, now, {"thread_entry_id": entry.id})


def outbound_confirmed(session: Session, item: OutboxItem, now: dt.datetime, *, book: DeadlineBook) -> None:
    """The Incident system confirmed: only now is the message published or redirected (R2)."""
    message = session.get(Message, item.message_id)
    if message is None:
        return
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


def outbound_failed(
    session: Session, item: OutboxItem, error: str, now: dt.datetime, *, book: DeadlineBook
) -> None:
    """A permanent refusal: the message goes back to where a person must act, with the reason."""
    message = session.get(Message, item.message_id)
    if message is None:
        return
    if item.action is OutboundAction.REDIRECT:
        message.state = MessageState.NEW
    else:
        message.state = MessageState.UNDER_REVIEW
        book.open_stage(session, message, Stage.REVIEW, now)
    message.state_reason = f"«Система Инцидент» отклонила отправку: {error}"
    book.refresh_current_due(session, message)
    session.flush()
    _system_event(session, "outbound_failed", message, now, {"outbox_id": item.id, "error": error})
