"""Read side for the views: queues, counts, a message's whole record, search."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import OPEN_STATES, ChannelKind, DraftKind, MessageState
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.database import Database
from desktop_app.models.entities import (
    Assignment,
    Attachment,
    AttachmentBlob,
    AuditEvent,
    Department,
    Draft,
    DraftVersion,
    Message,
    PostTextVersion,
    Publication,
    Redirect,
    Review,
    StageDeadline,
    ThreadEntry,
    User,
)
from desktop_app.services import access
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import StageView
from desktop_app.services.errors import NotFoundError

if TYPE_CHECKING:
    from desktop_app.services.queue_counts import CountState


class Queue(StrEnum):
    NEW = "new"
    WITH_EXECUTORS = "with_executors"
    AWAITING_REVIEW = "awaiting_review"
    RETURNED = "returned"
    PUBLISHING = "publishing"
    INTERIM = "interim"
    AWAITING_AUTHOR = "awaiting_author"
    OVERDUE = "overdue"
    ALL = "all"


QUEUE_STATES: dict[Queue, frozenset[MessageState] | None] = {
    Queue.NEW: frozenset({MessageState.NEW}),
    Queue.WITH_EXECUTORS: frozenset({MessageState.ROUTED, MessageState.REWORK}),
    Queue.AWAITING_REVIEW: frozenset({MessageState.UNDER_REVIEW}),
    Queue.RETURNED: frozenset({MessageState.REWORK}),
    Queue.PUBLISHING: frozenset({MessageState.PUBLISHING, MessageState.REDIRECTING}),
    Queue.INTERIM: frozenset({MessageState.INTERIM}),
    Queue.AWAITING_AUTHOR: frozenset({MessageState.CLARIFICATION}),
    Queue.OVERDUE: None,
    Queue.ALL: None,
}


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One line of a queue: what the table shows and what the countdown needs."""

    id: int
    version: int
    external_id: str
    platform: str
    channel_kind: ChannelKind
    author_name: str
    preview: str
    department_name: str
    state: MessageState
    arrived_at: dt.datetime
    current_stage: str | None
    stage_started_at: dt.datetime | None
    stage_budget: str | None
    stage_due: dt.datetime | None
    stage_warn_from: dt.datetime | None
    overall_due: dt.datetime | None
    overall_warn_from: dt.datetime | None
    overall_closed_at: dt.datetime | None
    # «автор дописал» (issue 13): the author wrote again after the draft was submitted.
    author_added: bool = False

    @property
    def waiting_for_author_since(self) -> dt.datetime | None:
        """A clarification waiting for its author: since when (shown, not a deadline of ours)."""
        return self.stage_started_at if self.current_stage == "awaiting_author" else None


@dataclass(frozen=True)
class ThreadItem:
    at: dt.datetime
    author: str
    text: str
    from_author: bool


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class DraftInfo:
    draft_id: int
    revision: int
    kind: DraftKind
    working_text: str
    working_saved_at: dt.datetime | None
    versions: list[tuple[int, str, dt.datetime, list[str]]]  # number, text, created, failed checks


@dataclass(frozen=True)
class ReviewInfo:
    at: dt.datetime
    reviewer: str
    decision: str
    comment: str


@dataclass
class MessageDetail:
    row: MessageRow
    text: str
    author_profile_url: str
    post_url: str
    posted_at: dt.datetime | None
    state_reason: str
    department_id: int | None
    thread: list[ThreadItem] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    stages: list[StageView] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    draft: DraftInfo | None = None
    reviews: list[ReviewInfo] = field(default_factory=list)
    publications: list[tuple[str, str, dt.datetime | None, str]] = field(default_factory=list)
    redirects: list[tuple[str, str, dt.datetime | None]] = field(default_factory=list)
    post_versions: list[tuple[dt.datetime, str]] = field(default_factory=list)  # replaced texts

    @property
    def thread_text(self) -> str:
        """The post and every later word of its author: what the checks run on (issue 13)."""
        return "\n\n".join([self.text, *(t.text for t in self.thread if t.from_author)])


_PREVIEW = 160
# A row never carries the whole text: the database cuts a prefix, the first line is taken from it.
_PREVIEW_SQL = 400


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0][:_PREVIEW] if stripped else ""


def _row(m: Message, department_name: str | None) -> MessageRow:
    return MessageRow(
        id=m.id,
        version=m.version,
        external_id=m.external_id,
        platform=m.platform,
        channel_kind=m.channel_kind,
        author_name=m.author_name,
        preview=_first_line(m.text),
        department_name=department_name or "",
        state=m.state,
        arrived_at=m.arrived_at,
        current_stage=m.current_stage,
        stage_started_at=m.stage_started_at,
        stage_budget=m.stage_budget,
        stage_due=m.stage_due_at,
        stage_warn_from=m.stage_warn_from,
        overall_due=m.overall_due_at,
        overall_warn_from=m.overall_warn_from,
        overall_closed_at=m.overall_closed_at,
        author_added=m.author_added_at is not None,
    )


# Only the columns a queue row shows (issue 17: whole texts and ORM objects made a queue of 100,000
# messages take 6–7 s). The department name comes from a small dict, not a join per row; enums and
# times are read raw and converted by C-level constructors, not by a per-value type processor.
_TIME_COLUMNS = (
    Message.arrived_at,
    Message.stage_started_at,
    Message.stage_due_at,
    Message.stage_warn_from,
    Message.overall_due_at,
    Message.overall_warn_from,
    Message.overall_closed_at,
)
# The id last: a total order, so the table finds a row by binary search (ties are common: every
# message that arrived out of hours has the same stage deadline, the next morning's).
_QUEUE_ORDER = (Message.stage_due_at.is_(None), Message.stage_due_at, Message.arrived_at, Message.id)
# The same order as two index range reads (rows with a stage deadline, then those without): an
# ``IS NULL`` sort term serves from no index, so SQLite sorted the whole queue for its first screen.
_DUE_ORDER = (Message.stage_due_at, Message.arrived_at, Message.id)
_UNDATED_ORDER = (Message.arrived_at, Message.id)
_USER_NAMES_TTL = dt.timedelta(minutes=5)
_STATES = {s.value: s for s in MessageState}
_CHANNELS = {c.value: c for c in ChannelKind}


def _row_columns(dialect: str) -> tuple[Any, ...]:
    raw_time: Any = sa.String() if dialect == "sqlite" else sa.DateTime(timezone=True)
    times = [sa.type_coerce(column, raw_time) for column in _TIME_COLUMNS]
    return (
        Message.id,
        Message.version,
        Message.external_id,
        Message.platform,
        sa.type_coerce(Message.channel_kind, sa.String()),
        Message.author_name,
        sa.func.substr(Message.text, 1, _PREVIEW_SQL),
        Message.department_id,
        sa.type_coerce(Message.state, sa.String()),
        Message.current_stage,
        Message.stage_budget,
        *times,
        Message.author_added_at.is_not(None),  # «автор дописал» (issue 13)
    )


_fromisoformat = dt.datetime.fromisoformat


def _overdue(now: dt.datetime) -> sa.ColumnElement[bool]:
    """An open message whose stage or overall (R3) clock ran out."""
    return sa.and_(
        Message.state.in_(OPEN_STATES),
        sa.or_(
            Message.stage_due_at < now,
            sa.and_(Message.overall_closed_at.is_(None), Message.overall_due_at < now),
        ),
    )


overdue_condition = _overdue  # the «Просроченные» queue's condition, for the incremental counts


def _sqlite_time(value: str | None) -> dt.datetime | None:
    # SQLite keeps UTC as naive ISO text (models.base.UTCDateTime); parse it as UTC.
    return _fromisoformat(value + "+00:00") if value else None  # 10× faster than .replace(tzinfo=)


def _native_time(value: dt.datetime | None) -> dt.datetime | None:
    return value


# Rows converted per driver call. A worker converts a batch holding the GIL (psycopg turns a whole
# fetchall into Python objects in one C call: 5,000 rows kept the UI thread waiting ~60 ms, issue 17).
_FETCH_BATCH = 500


def _rows(result: Any, departments: dict[int, str], dialect: str) -> list[MessageRow]:
    """``result``'s rows (a ``Result``, fetched a batch at a time) as queue rows."""
    time_of = _sqlite_time if dialect == "sqlite" else _native_time
    states, channels, first_line = _STATES, _CHANNELS, _first_line
    # Issue 17 (memory at 100,000 rows): the platform, stage and budget codes are a handful of
    # values, shared instead of one string per row and column, and a stage that started when the
    # message arrived shares its instant (≈20 MB of the 400 MB budget).
    shared = sys.intern
    return [
        MessageRow(
            r[0],
            r[1],
            r[2],
            shared(r[3]),
            channels[r[4]],
            r[5],
            first_line(r[6] or ""),
            departments.get(r[7], "") if r[7] else "",
            states[r[8]],
            (arrived := time_of(r[11])),  # type: ignore[arg-type]
            shared(r[9]) if r[9] else r[9],
            arrived if r[12] == r[11] else time_of(r[12]),
            shared(r[10]) if r[10] else r[10],
            time_of(r[13]),
            time_of(r[14]),
            time_of(r[15]),
            time_of(r[16]),
            time_of(r[17]),
            bool(r[18]),
        )
        for batch in result.partitions(_FETCH_BATCH)
        for r in batch
    ]


def _in_queue_order(stmt: sa.Select[Any]) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """``stmt`` in ``_QUEUE_ORDER`` as two ordered reads whose concatenation is that order."""
    return (
        stmt.where(Message.stage_due_at.is_not(None)).order_by(*_DUE_ORDER),
        stmt.where(Message.stage_due_at.is_(None)).order_by(*_UNDATED_ORDER),
    )


class MessageQueries:
    def __init__(self, db: Database, calendar: Callable[[], WorkCalendar]) -> None:
        self._db = db
        self._calendar = calendar
        self._user_names: dict[int, str] = {}
        self._user_names_at = 0.0

    def _department_names(self, session: Session) -> dict[int, str]:
        return dict(session.execute(sa.select(Department.id, Department.name)).all())

    def _names(self, session: Session, user_ids: set[int]) -> dict[int, str]:
        """Full names of ``user_ids`` from a cache refreshed every few minutes (issue 17)."""
        import time

        if time.monotonic() - self._user_names_at > _USER_NAMES_TTL.total_seconds():
            self._user_names = {}
            self._user_names_at = time.monotonic()
        missing = [i for i in user_ids if i not in self._user_names]
        if missing:
            found = dict(
                session.execute(sa.select(User.id, User.full_name).where(User.id.in_(missing))).all()
            )
            self._user_names.update(found)
        return self._user_names

    @staticmethod
    def _visible(stmt: sa.Select[Any], actor: Actor) -> sa.Select[Any]:
        # Issue 14: the one access policy (executors see only their department's messages, issue 4.4).
        return access.visible_messages(stmt, actor)

    def _queue_filter(self, stmt: sa.Select[Any], queue: Queue, now: dt.datetime) -> sa.Select[Any]:
        states = QUEUE_STATES[queue]
        if states is not None:
            return stmt.where(Message.state.in_(states))
        if queue is Queue.OVERDUE:
            return stmt.where(_overdue(now))
        return stmt

    def _search_filter(self, session: Session, stmt: sa.Select[Any], text: str) -> sa.Select[Any]:
        ids = self.search_ids(session, text)
        if ids is None:
            return stmt
        return stmt.where(Message.id.in_(ids))

    def search_ids(self, session: Session, text: str) -> list[int] | None:
        """Message ids matching ``text`` in the message, author or published answer (FTS)."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
        if not words:
            return None
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            query = " ".join(f'"{w}"*' for w in words)
            ids = (
                session.execute(
                    sa.text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q"), {"q": query}
                )
                .scalars()
                .all()
            )
            pub = (
                session.execute(
                    sa.text(
                        "SELECT p.message_id FROM publications_fts f JOIN publications p ON p.id = f.rowid"
                        " WHERE publications_fts MATCH :q"
                    ),
                    {"q": query},
                )
                .scalars()
                .all()
            )
            return sorted(set(ids) | set(pub))
        query = " & ".join(f"{w}:*" for w in words)
        ids = (
            session.execute(
                sa.text(
                    "SELECT id FROM messages WHERE to_tsvector('russian', coalesce(text, '') || ' ' ||"
                    " coalesce(author_name, '')) @@ to_tsquery('russian', :q)"
                ),
                {"q": query},
            )
            .scalars()
            .all()
        )
        pub = (
            session.execute(
                sa.text(
                    "SELECT message_id FROM publications WHERE to_tsvector('russian', text) @@ to_tsquery('russian', :q)"
                ),
                {"q": query},
            )
            .scalars()
            .all()
        )
        return sorted(set(ids) | set(pub))

    def list_queue(self, actor: Actor, queue: Queue, now: dt.datetime, search: str = "") -> list[MessageRow]:
        """The rows of ``queue`` in its order (stage deadline, then arrival), the row's columns only."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            dialect = self._db.dialect
            stmt = self._visible(sa.select(*_row_columns(dialect)), actor)
            stmt = self._queue_filter(stmt, queue, now)
            stmt = self._search_filter(session, stmt, search)
            stmt = stmt.order_by(*_QUEUE_ORDER)
            departments = self._department_names(session)
            return _rows(session.connection().execute(stmt), departments, dialect)

    def queue_page(
        self, actor: Actor, queue: Queue, now: dt.datetime, limit: int, search: str = ""
    ) -> list[MessageRow]:
        """The first ``limit`` rows of ``queue`` in its order: the first screen, read before anything
        else (an index range read of a few hundred rows, not the whole queue's ids; issue 17)."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            dialect = self._db.dialect
            stmt = self._visible(sa.select(*_row_columns(dialect)), actor)
            stmt = self._queue_filter(stmt, queue, now)
            stmt = self._search_filter(session, stmt, search)
            departments = self._department_names(session)
            connection = session.connection()
            found: list[MessageRow] = []
            for part in _in_queue_order(stmt):
                if len(found) >= limit:
                    break
                found += _rows(connection.execute(part.limit(limit - len(found))), departments, dialect)
            return found

    def queue_ids(self, actor: Actor, queue: Queue, now: dt.datetime, search: str = "") -> list[int]:
        """The message ids of ``queue`` in its order: cheap (an index scan), for loading a big queue
        screen by screen (:meth:`rows_by_ids`) instead of all at once."""
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            stmt = self._visible(sa.select(Message.id), actor)
            stmt = self._queue_filter(stmt, queue, now)
            stmt = self._search_filter(session, stmt, search)
            connection = session.connection()
            return [i for part in _in_queue_order(stmt) for i in connection.execute(part).scalars()]

    def rows_by_ids(self, actor: Actor, message_ids: Sequence[int]) -> list[MessageRow]:
        """The rows of ``message_ids`` (those visible to ``actor``), in the order given."""
        if not message_ids:
            return []
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            dialect = self._db.dialect
            stmt = self._visible(sa.select(*_row_columns(dialect)), actor).where(Message.id.in_(message_ids))
            departments = self._department_names(session)
            found = {r.id: r for r in _rows(session.connection().execute(stmt), departments, dialect)}
        return [found[i] for i in message_ids if i in found]

    def queue_rows(
        self, actor: Actor, queue: Queue, now: dt.datetime, message_ids: Iterable[int], search: str = ""
    ) -> list[MessageRow]:
        """Of ``message_ids``, the rows that belong to ``queue`` now (an incremental refresh, issue 17)."""
        ids = sorted(set(message_ids))
        if not ids:
            return []
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            dialect = self._db.dialect
            stmt = self._visible(sa.select(*_row_columns(dialect)), actor).where(Message.id.in_(ids))
            stmt = self._queue_filter(stmt, queue, now)
            stmt = self._search_filter(session, stmt, search)
            departments = self._department_names(session)
            return _rows(session.connection().execute(stmt.order_by(*_QUEUE_ORDER)), departments, dialect)

    def queue_counts(self, actor: Actor, now: dt.datetime) -> dict[Queue, int]:
        """Every queue's count from one grouped query (messages per state, and the overdue ones)."""
        overdue = _overdue(now)  # the same condition as the «Просроченные» queue
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            stmt = self._visible(
                sa.select(
                    Message.state,
                    sa.func.count(Message.id),
                    sa.func.sum(sa.case((overdue, 1), else_=0)),
                ),
                actor,
            ).group_by(Message.state)
            per_state: dict[MessageState, int] = {}
            overdue_count = 0
            for state, count, late in session.execute(stmt):
                per_state[state] = count
                overdue_count += int(late or 0)
        counts: dict[Queue, int] = {}
        for queue, states in QUEUE_STATES.items():
            if states is not None:
                counts[queue] = sum(per_state.get(s, 0) for s in states)
        counts[Queue.OVERDUE] = overdue_count
        counts[Queue.ALL] = sum(per_state.values())
        return {queue: counts[queue] for queue in Queue}

    def counts_since(self, state: CountState | None, actor: Actor, now: dt.datetime) -> CountState:
        """The queue counts brought up to date from ``state`` by the logged changes' deltas (None:
        a full count); ``.counts()`` gives them per queue (issue 17: no grouped scan per change)."""
        from desktop_app.services.queue_counts import QueueCounter

        return QueueCounter(self._db).advance(state, actor, now)

    def message_detail(self, actor: Actor, message_id: int) -> MessageDetail:
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: as the person is now
            found = session.execute(
                self._visible(
                    sa.select(Message, Department.name)
                    .outerjoin(Department, Department.id == Message.department_id)
                    .where(Message.id == message_id),
                    actor,
                )
            ).first()
            if found is None:
                raise NotFoundError("Сообщение не найдено или недоступно вам.")
            message, department_name = found
            detail = MessageDetail(
                row=_row(message, department_name),
                text=message.text,
                author_profile_url=message.author_profile_url,
                post_url=message.post_url,
                posted_at=message.posted_at,
                state_reason=message.state_reason,
                department_id=message.department_id,
            )
            detail.thread = [
                ThreadItem(e.posted_at or e.arrived_at, e.author_name, e.text, e.from_author)
                for e in session.scalars(
                    sa.select(ThreadEntry)
                    .where(ThreadEntry.message_id == message_id)
                    .order_by(ThreadEntry.arrived_at)
                )
            ]
            detail.attachments = [
                AttachmentInfo(a.id, a.filename, a.media_type, a.size, a.sha256)
                for a in session.scalars(
                    sa.select(Attachment).where(Attachment.message_id == message_id).order_by(Attachment.id)
                )
            ]
            detail.stages = [
                StageView.of(r)
                for r in session.scalars(
                    sa.select(StageDeadline)
                    .where(StageDeadline.message_id == message_id)
                    .order_by(StageDeadline.id)
                )
            ]
            events = list(
                session.scalars(
                    sa.select(AuditEvent).where(AuditEvent.message_id == message_id).order_by(AuditEvent.id)
                )
            )
            reviews = list(
                session.scalars(sa.select(Review).where(Review.message_id == message_id).order_by(Review.id))
            )
            wanted = {e.actor_id for e in events if e.actor_id is not None} | {r.reviewer_id for r in reviews}
            users = self._names(session, wanted)
            detail.history = [
                HistoryItem(
                    e.occurred_at, users.get(e.actor_id or -1, e.actor_login), e.action, e.after or {}
                )
                for e in events
            ]
            draft = session.scalars(
                sa.select(Draft)
                .where(Draft.message_id == message_id, Draft.is_closed.is_(False))
                .order_by(Draft.id)
            ).first()
            if draft is not None:
                versions = session.scalars(
                    sa.select(DraftVersion)
                    .where(DraftVersion.draft_id == draft.id)
                    .order_by(DraftVersion.number)
                )
                detail.draft = DraftInfo(
                    draft.id,
                    draft.revision,
                    draft.kind,
                    draft.working_text,
                    draft.working_saved_at,
                    [(v.number, v.text, v.created_at, list(v.failed_checks or [])) for v in versions],
                )
            detail.reviews = [
                ReviewInfo(r.created_at, users.get(r.reviewer_id, ""), r.decision.value, r.comment)
                for r in reviews
            ]
            detail.publications = [
                (p.kind.value, p.text, p.confirmed_at, p.external_url)
                for p in session.scalars(
                    sa.select(Publication)
                    .where(Publication.message_id == message_id)
                    .order_by(Publication.id)
                )
            ]
            detail.post_versions = [
                (v.replaced_at, v.text)
                for v in session.scalars(
                    sa.select(PostTextVersion)
                    .where(PostTextVersion.message_id == message_id)
                    .order_by(PostTextVersion.id)
                )
            ]
            detail.redirects = [
                (r.target_organisation, r.reason, r.confirmed_at)
                for r in session.scalars(sa.select(Redirect).where(Redirect.message_id == message_id))
            ]
            return detail

    def departments(self) -> list[tuple[int, str]]:
        with self._db.session() as session:
            return [
                (d.id, d.name)
                for d in session.scalars(
                    sa.select(Department).where(Department.is_active).order_by(Department.name)
                )
            ]

    def assignments(self, actor: Actor, message_id: int) -> list[tuple[int, dt.datetime, dt.datetime | None]]:
        with self._db.session() as session:
            access.message_for(session, access.current_actor(session, actor), message_id)
            return [
                (a.department_id, a.assigned_at, a.ended_at)
                for a in session.scalars(sa.select(Assignment).where(Assignment.message_id == message_id))
            ]

    def attachment_content(self, actor: Actor, attachment_id: int) -> bytes:
        with self._db.session() as session:
            # Issue 14: draft attachments too — only the department preparing the draft, and ОпОГ.
            attachment = access.attachment_for(session, access.current_actor(session, actor), attachment_id)
            blob = session.get(AttachmentBlob, attachment.sha256)
            return blob.content if blob else b""
