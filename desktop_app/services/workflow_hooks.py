"""What the gateway's intake and outbox tell the lifecycle, inside their own transactions (R2–R5, R9).

The one rule of when a stage ends (``STAGE_ENDS``, docs/WORKTIME.md) lives here for everything
that is posted: the review (R7), overall (R3) and redirect (R4) clocks end when the Incident system
**confirms**, so a refusal leaves them running and a late confirmation is late.

The bootstrap builds one :class:`Lifecycle` around the deadline book and hands it to the intake, the
outbox, the import and the manual desk (issue 17): no ambient ``Session.info`` lookup, so a service
built without the bootstrap fails when it is built, not when the first message arrives.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import PUBLISHED_STATE, DraftKind, MessageState, OutboundAction
from desktop_app.domain.worktime.deadlines import Holder, Stage
from desktop_app.models.entities import (
    Draft,
    Message,
    OutboxItem,
    PostTextVersion,
    Publication,
    Redirect,
    ThreadEntry,
)
from desktop_app.services import audit
from desktop_app.services.deadlines import FOLLOW_UP_NEW_MESSAGE, DeadlineBook


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


# Shown where the stage countdown would be while a clarification waits for its author.
AWAITING_AUTHOR = "awaiting_author"

# States in which the author's new words arrive after a draft was submitted: «автор дописал».
_AFTER_SUBMISSION = frozenset(
    {MessageState.UNDER_REVIEW, MessageState.REWORK, MessageState.PUBLISHING, MessageState.INTERIM}
)


def _system_event(
    session: Session,
    action: str,
    message: Message,
    now: dt.datetime,
    after: dict[str, object] | None = None,
    before: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        action=action,
        entity_type="message",
        entity_id=message.id,
        occurred_at=now,
        actor_login="система",
        message_id=message.id,
        before=before,
        after={"state": message.state.value, **(after or {})},
    )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def message_arrived(session: Session, message: Message, now: dt.datetime, *, book: DeadlineBook) -> None:
    """R5 and R3 clocks start when the message arrives in the Incident system, not when we fetched it."""
    book.start_arrival_clocks(session, message)
    _system_event(session, "message_arrived", message, now, {"external_id": message.external_id})


def messages_imported(
    session: Session,
    actor_id: int | None,
    actor_login: str,
    filename: str,
    sha256: str,
    count: int,
    now: dt.datetime,
) -> None:
    """R11: who imported which export file (by its hash) and how many messages it brought."""
    audit.record(
        session,
        action="import_messages",
        entity_type="import",
        entity_id=None,
        occurred_at=now,
        actor_id=actor_id,
        actor_login=actor_login,
        after={"filename": filename, "sha256": sha256, "imported": count},
    )


# --- the author writes again ----------------------------------------------------------------------


def _reopen_for_executor(session: Session, message: Message, entry: ThreadEntry, book: DeadlineBook) -> None:
    """The author answered our clarification request: the message is the executor's again.

    Both the new draft clock (R6) and a new overall clock (R3) start when the reply reached the
    Incident system — not when we fetched it.
    """
    message.state = MessageState.ROUTED
    message.state_reason = "Автор ответил на запрос уточнения"
    message.author_added_at = None
    for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
        draft.is_closed = True
    book.open_stage(session, message, Stage.OVERALL, entry.arrived_at)
    book.open_stage(
        session,
        message,
        Stage.DRAFT,
        entry.arrived_at,
        user_id=message.executor_id,
        department_id=message.department_id,
    )
    book.hand_overall(
        session, message, Holder.DEPARTMENT, department_id=message.department_id, user_id=message.executor_id
    )


def _open_follow_up(
    session: Session, message: Message, entry: ThreadEntry, now: dt.datetime, book: DeadlineBook
) -> Message:
    """A reply after «ответ дан»: a follow-up with its own routing clock (setting: reopen / new message)."""
    if book.follow_up == FOLLOW_UP_NEW_MESSAGE:
        follow_up = Message(
            external_id=entry.external_id,
            channel_kind=message.channel_kind,
            platform=message.platform,
            author_name=entry.author_name or message.author_name,
            author_profile_url=message.author_profile_url,
            post_url=message.post_url,
            text=entry.text,
            posted_at=entry.posted_at,
            arrived_at=entry.arrived_at,
            state=MessageState.NEW,
            state_reason=f"Продолжение сообщения {message.external_id}",
            created_at=now,
            updated_at=now,
        )
        session.add(follow_up)
        session.flush()
        message_arrived(session, follow_up, now, book=book)
        _system_event(
            session, "follow_up_opened", message, now, {"mode": book.follow_up, "follow_up_id": follow_up.id}
        )
        return follow_up
    message.state = MessageState.NEW
    message.state_reason = "Автор написал после ответа: нужно новое распределение"
    message.department_id = None
    message.executor_id = None
    message.author_added_at = entry.arrived_at
    for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
        draft.is_closed = True
    book.open_stage(session, message, Stage.OVERALL, entry.arrived_at)
    book.open_stage(session, message, Stage.ROUTE, entry.arrived_at)
    _system_event(
        session, "follow_up_opened", message, now, {"mode": book.follow_up, "follow_up_id": message.id}
    )
    return message


def author_replied(
    session: Session, message: Message, entry: ThreadEntry, now: dt.datetime, *, book: DeadlineBook
) -> None:
    """The author wrote again in the thread of ``message`` (issue 13).

    * waiting for a clarification: the message goes back to the executor (clocks from the reply);
    * after «ответ дан»: a follow-up with its own routing clock;
    * after a draft was submitted (review, rework, sending, interim): flagged «автор дописал», so
      every queue and the review dialog show it and the checks run on the whole thread.
    """
    before = {"state": message.state.value}
    reopened = flagged = False
    if message.state is MessageState.CLARIFICATION and message.department_id is not None:
        _reopen_for_executor(session, message, entry, book)
        reopened = True
    elif message.state is MessageState.ANSWERED:
        _open_follow_up(session, message, entry, now, book)
    elif message.state in _AFTER_SUBMISSION:
        if message.author_added_at is None:
            message.author_added_at = entry.arrived_at
        flagged = True
    session.flush()
    _system_event(
        session,
        "author_replied",
        message,
        now,
        {"thread_entry_id": entry.id, "reopened": reopened, "author_added": flagged},
        before,
    )


def post_edited(
    session: Session, message: Message, old_text: str, now: dt.datetime, entry: ThreadEntry | None = None
) -> None:
    """The author edited the post (or a reply): the old text is kept as a version, never lost."""
    session.add(
        PostTextVersion(
            message_id=message.id, thread_entry_id=entry.id if entry else None, text=old_text, replaced_at=now
        )
    )
    if message.state in _AFTER_SUBMISSION and message.author_added_at is None:
        message.author_added_at = now
    session.flush()
    new_text = entry.text if entry else message.text
    _system_event(
        session,
        "post_edited",
        message,
        now,
        {
            "thread_entry_id": entry.id if entry else None,
            "old_sha256": text_sha256(old_text),
            "new_sha256": text_sha256(new_text),
        },
    )


def _author_wrote_since(session: Session, message: Message) -> ThreadEntry | None:
    """The author's first word after the draft being sent was approved, if any."""
    if message.author_added_at is None:
        return None
    return session.scalars(
        sa.select(ThreadEntry)
        .where(
            ThreadEntry.message_id == message.id,
            ThreadEntry.from_author.is_(True),
            ThreadEntry.arrived_at >= message.author_added_at,
        )
        .order_by(ThreadEntry.arrived_at, ThreadEntry.id)
    ).first()


# --- the outbox ------------------------------------------------------------------------------------


def outbound_confirmed(session: Session, item: OutboxItem, now: dt.datetime, *, book: DeadlineBook) -> None:
    """The Incident system confirmed: only now is the message published or redirected (R2).

    This confirmation is the instant R3, R4 and R7 are judged at (STAGE_ENDS).
    """
    message = session.get(Message, item.message_id)
    if message is None:
        return
    after: dict[str, object] = {"outbox_id": item.id, "url": item.external_url}
    if item.action is OutboundAction.REDIRECT:
        redirect = session.scalars(sa.select(Redirect).where(Redirect.outbox_id == item.id)).one()
        redirect.confirmed_at = now
        message.state = MessageState.REDIRECTED
        by = redirect.redirected_by_id
        # R4 counts from when the message last came to ОпОГ for routing (arrival, or a hand-back).
        route = book.latest(session, message.id, Stage.ROUTE)
        start = route.started_at if route is not None else message.arrived_at
        book.record_closed_stage(session, message, Stage.REDIRECT, start, now, by)
        book.hand_overall(session, message, Holder.APPEALS, department_id=None, user_id=None, operator_id=by)
        book.close_stages(session, message, {Stage.ROUTE, Stage.OVERALL}, now, by)
    else:
        publication = session.scalars(sa.select(Publication).where(Publication.outbox_id == item.id)).one()
        publication.confirmed_at = now
        publication.external_id = item.external_id
        publication.external_url = item.external_url
        kind = DraftKind(item.action.value)
        message.state = PUBLISHED_STATE[kind]
        book.hand_overall(session, message, Holder.APPEALS, operator_id=publication.published_by_id)
        # R7 and R3 end when the answer is posted («размещает»): now, not at the approval click.
        # R3 is met by the first answer, interim answer or clarification request.
        book.close_stages(session, message, {Stage.REVIEW, Stage.OVERALL}, now, publication.published_by_id)
        for draft in session.scalars(sa.select(Draft).where(Draft.message_id == message.id)):
            draft.is_closed = True
        after |= {
            "kind": kind.value,
            "text_sha256": text_sha256(publication.text),
            "attachments": [a.get("sha256") for a in item.payload.get("attachments") or ()],
        }
        if kind is DraftKind.INTERIM:
            # R9: the final draft is due 7 working days after the interim answer was sent.
            book.open_stage(
                session, message, Stage.FINAL_AFTER_INTERIM, now, department_id=message.department_id
            )
        book.refresh_current_due(session, message)
        wrote = _author_wrote_since(session, message) if kind is not DraftKind.INTERIM else None
        if wrote is not None and kind is DraftKind.CLARIFICATION:
            # The author answered while our request was still being sent: do not wait for them.
            _reopen_for_executor(session, message, wrote, book)
            after["reopened"] = True
        elif wrote is not None:
            _open_follow_up(session, message, wrote, now, book)
            after["follow_up"] = True
        elif kind is DraftKind.CLARIFICATION:
            # Nothing is due from us while the author is silent, but the wait is shown (since when).
            message.current_stage = AWAITING_AUTHOR
            message.stage_started_at = now
    session.flush()
    _system_event(session, "outbound_confirmed", message, now, after)


def delivery_attempted(session: Session, item: OutboxItem, now: dt.datetime) -> None:
    """R11: every try to hand an outbound action to the Incident system is on record."""
    audit.record(
        session,
        action="delivery_attempt",
        entity_type="outbox",
        entity_id=item.id,
        occurred_at=now,
        actor_login="система",
        message_id=item.message_id,
        after={"action": item.action.value, "attempt": item.attempts},
    )


def delivery_postponed(session: Session, item: OutboxItem, error: str, now: dt.datetime) -> None:
    """A temporary failure (gateway down, timeout): it will be retried at ``next_attempt_at``."""
    audit.record(
        session,
        action="delivery_failed",
        entity_type="outbox",
        entity_id=item.id,
        occurred_at=now,
        actor_login="система",
        message_id=item.message_id,
        after={
            "action": item.action.value,
            "attempt": item.attempts,
            "error": error,
            "retry_at": item.next_attempt_at,
        },
    )


def outbound_failed(
    session: Session, item: OutboxItem, error: str, now: dt.datetime, *, book: DeadlineBook
) -> None:
    """A permanent refusal: the message goes back to where a person must act, with the reason.

    The clocks were never closed by the request (STAGE_ENDS), so they simply keep running: a
    refused redirect is «поступило» again with its routing and overall clocks, overdue if they are.
    """
    message = session.get(Message, item.message_id)
    if message is None:
        return
    if item.action is OutboundAction.REDIRECT:
        message.state = MessageState.NEW
    else:
        message.state = MessageState.UNDER_REVIEW
        if not any(r.stage == Stage.REVIEW.value for r in book.open_rows(session, message.id)):
            book.open_stage(session, message, Stage.REVIEW, now)  # a record from before this rule
    message.state_reason = f"«Система Инцидент» отклонила отправку: {error}"
    book.refresh_current_due(session, message)
    session.flush()
    _system_event(
        session,
        "outbound_failed",
        message,
        now,
        {"outbox_id": item.id, "error": error, "attempt": item.attempts},
    )
