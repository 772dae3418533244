"""Typed SQLAlchemy models of everything on record (R1, R11)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from desktop_app.domain.addresses import address_key
from desktop_app.domain.lifecycle import (
    ChannelKind,
    DraftKind,
    MessageState,
    OutboundAction,
    OutboxStatus,
    ReviewDecision,
    Role,
)
from desktop_app.models.base import Base, utc_now


def _enum(cls: type[StrEnum]) -> Enum:
    """Store enums by value as plain strings (portable between SQLite and PostgreSQL)."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class Department(Base):
    """A structural subdivision that executes answers (исполнитель)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    competence_keywords: Mapped[str] = mapped_column(Text, default="")  # one keyword or phrase per line
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)

    department: Mapped[Department | None] = relationship(lazy="joined")


class Message(Base):
    """A citizen's post as it arrived in the Incident system (R1)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    channel_kind: Mapped[ChannelKind] = mapped_column(_enum(ChannelKind))
    platform: Mapped[str] = mapped_column(String(40))
    author_name: Mapped[str] = mapped_column(String(300))
    author_profile_url: Mapped[str] = mapped_column(String(1000), default="")
    post_url: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[dt.datetime | None]
    arrived_at: Mapped[dt.datetime] = mapped_column(index=True)
    state: Mapped[MessageState] = mapped_column(_enum(MessageState), index=True, default=MessageState.NEW)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Denormalised from the open StageDeadline rows so queues sort and colour without a join.
    overall_due_at: Mapped[dt.datetime | None]
    overall_warn_from: Mapped[dt.datetime | None]
    overall_closed_at: Mapped[dt.datetime | None]
    current_stage: Mapped[str | None] = mapped_column(String(40))
    stage_started_at: Mapped[dt.datetime | None]
    stage_budget: Mapped[str | None] = mapped_column(String(20))
    stage_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    stage_warn_from: Mapped[dt.datetime | None]
    state_reason: Mapped[str] = mapped_column(Text, default="")
    # «автор дописал»: the author wrote again after a draft was submitted (issue 13); cleared when a
    # new draft version that has seen the addition is submitted.
    author_added_at: Mapped[dt.datetime | None]
    # The street address the text names (repeat complaints, R2/R11), kept with the text it is read from
    # (see ``_keep_address_key``), so reports group by it instead of parsing every text (issue 19).
    address_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @validates("text")
    def _keep_address_key(self, _key: str, text: str) -> str:
        self.address_key = address_key(text or "")
        return text

    # Optimistic concurrency: a second workstation's stale update fails instead of overwriting (issue 4.6).
    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Department | None] = relationship(lazy="joined", foreign_keys=[department_id])


class ThreadEntry(Base):
    """A later post in the same thread: the author's reply, or our published text mirrored back."""

    __tablename__ = "thread_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    author_name: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[dt.datetime | None]
    arrived_at: Mapped[dt.datetime]
    from_author: Mapped[bool] = mapped_column(Boolean, default=True)


class Assignment(Base):
    """One routing of a message to a department; a message can be routed more than once."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime]
    comment: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")


class Draft(Base):
    """A draft reply being worked on; every submitted or saved text is a :class:`DraftVersion`."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[DraftKind] = mapped_column(_enum(DraftKind))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    working_text: Mapped[str] = mapped_column(Text, default="")  # autosaved text (issue 8.6)
    working_saved_at: Mapped[dt.datetime | None]
    working_saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    # One open draft per message, enforced by the database (issue 14): two first saves racing on two
    # workstations cannot both insert one; the loser gets a conflict instead of orphaned text.
    __table_args__ = (
        Index(
            "uq_drafts_one_open",
            "message_id",
            unique=True,
            sqlite_where=sql_text("is_closed = 0"),
            postgresql_where=sql_text("is_closed = false"),
        ),
    )
    __mapper_args__ = {"version_id_col": revision}


class DraftVersion(Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="draft_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[DraftKind] = mapped_column(_enum(DraftKind))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_checks: Mapped[list[str]] = mapped_column(JSON, default=list)  # issue 8.7
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class Review(Base):
    """The operator's check of a draft (R7) and decision; a return names what is missing (R8)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    draft_version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    greeting_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    spelling_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    questions_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[ReviewDecision] = mapped_column(_enum(ReviewDecision))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Publication(Base):
    """An answer, interim answer or clarification request sent through the Incident system (R2)."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    draft_version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    kind: Mapped[DraftKind] = mapped_column(_enum(DraftKind))
    text: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    external_id: Mapped[str] = mapped_column(String(120), default="")
    external_url: Mapped[str] = mapped_column(String(1000), default="")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class Redirect(Base):
    """A message sent out of the administration's competence, with reasons (R4)."""

    __tablename__ = "redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    target_organisation: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    redirected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class AttachmentBlob(Base):
    """File content stored once per checksum."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    """A photo, video or document attached to a message or to a draft (R10)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), index=True)
    external_url: Mapped[str] = mapped_column(String(1000), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)

    # Declared so the unit of work inserts a new blob before the attachments that point to it.
    blob: Mapped[AttachmentBlob] = relationship(lazy="raise")


class Template(Base):
    """A text module with placeholders such as {author_name} and {signature}."""

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(
        String(40), default="answer"
    )  # answer, interim, clarification, redirect
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class DictionaryWord(Base):
    """The organisation dictionary: words the proofreader must accept (street names, abbreviations)."""

    __tablename__ = "dictionary_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(40), default="")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StageDeadline(Base):
    """A stage's deadline on record (issue 4.3): computed when the stage starts, closed when it ends."""

    __tablename__ = "stage_deadlines"
    __table_args__ = (
        Index("ix_stage_deadlines_open", "message_id", "completed_at"),
        # Reports select stage records by start and ask per message which stages it had (issue 19).
        Index("ix_stage_deadlines_started", "started_at"),
        Index("ix_stage_deadlines_message_stage", "message_id", "stage", "completed_at"),
        # «Overdue now» reads only the open records; the 8-hour clocks are one kind by start (issue 19).
        Index(
            "ix_stage_deadlines_open_due",
            "due_at",
            sqlite_where=sql_text("completed_at IS NULL"),
            postgresql_where=sql_text("completed_at IS NULL"),
        ),
        Index("ix_stage_deadlines_stage_started", "stage", "started_at"),
        # The dashboard reads the period's open records live (its summaries hold closed ones, 0013).
        Index(
            "ix_stage_deadlines_open_started",
            "started_at",
            sqlite_where=sql_text("completed_at IS NULL"),
            postgresql_where=sql_text("completed_at IS NULL"),
        ),
        # The dashboard's attribution cells, walked in group order with no sort (issue 19, 0011).
        Index(
            "ix_stage_deadlines_cells",
            "stage",
            "responsible_user_id",
            "responsible_department_id",
            "holder",
            "operator_id",
            "outcome",
            "met",
            "started_at",
            "completed_at",
            "due_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    budget: Mapped[str] = mapped_column(String(20))  # e.g. "60m", "6h", "7d": re-derivable from started_at
    started_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    warn_from: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    met: Mapped[bool | None]
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responsible_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Attribution by clause 11 (issue 13), kept on the record so every report reads the same thing:
    # ``outcome`` met / late / transferred (handed on before it lapsed: nobody's met or missed);
    # ``holder`` "department" (executor side) or "appeals" (ОпОГ side) — who holds the stage now;
    # ``operator_id`` the ОпОГ employee answerable with the executor for the overall clock (R3).
    outcome: Mapped[str | None] = mapped_column(String(16))
    holder: Mapped[str | None] = mapped_column(String(16))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PostTextVersion(Base):
    """A text of the author's post (or of a reply in its thread) that a later edit replaced."""

    __tablename__ = "post_text_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    thread_entry_id: Mapped[int | None] = mapped_column(ForeignKey("thread_entries.id"))
    text: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[dt.datetime]


class AuditEvent(Base):
    """Append-only, hash-chained record of every action (R11)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_login: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    message_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC of the canonical content (incl. prev_hash) under the settings directory's key, written with
    # the event; NULL only for events older than migration 0009 (issue 14).
    signature: Mapped[str | None] = mapped_column(String(64))


class OutboxItem(Base):
    """An outbound action written with the state change, sent later exactly once (issue 5.6)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    action: Mapped[OutboundAction] = mapped_column(_enum(OutboundAction))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus), index=True, default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    confirmed_at: Mapped[dt.datetime | None]
    external_id: Mapped[str] = mapped_column(String(120), default="")
    external_url: Mapped[str] = mapped_column(String(1000), default="")
    # HTTP status of the Incident system's explicit refusal (4xx); 0: refused before anything was sent;
    # NULL on a failed item: the outcome is unknown, so a re-approval reuses its key (R2, issue 12).
    refusal_code: Mapped[int | None] = mapped_column(Integer)


class SyncState(Base):
    """Freshness of the Incident-system intake (R5), visible to every workstation."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), unique=True)
    cursor: Mapped[str] = mapped_column(Text, default="")  # opaque, any length (issue 12)
    last_attempt_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    new_count: Mapped[int] = mapped_column(Integer, default=0)


class CalendarYear(Base):
    """An administrator-imported production calendar year; overrides the built-in data."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarDayOverride(Base):
    """A custom day an administrator sets (e.g. a sanitary day), on top of the year's data."""

    __tablename__ = "calendar_day_overrides"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # holiday, working, shortened, custom
    intervals: Mapped[list[list[str]] | None] = mapped_column(JSON)  # [["09:00","12:00"], ...] for custom
    note: Mapped[str] = mapped_column(Text, default="")


class AppSetting(Base):
    """Shared settings stored in the database (deadline policy, signature)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ChangeLogEntry(Base):
    """One committed change, for the other workstations' change feed (issue 17).

    Written in the same transaction as the change itself (so a rolled-back write leaves no trace) and
    pruned after a few minutes: it only has to bridge the gap between a commit and the others' read.
    """

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(20))  # message, arrived, draft, presence
    changed_at: Mapped[dt.datetime] = mapped_column(default=utc_now, index=True)
    # The message's counting key before and after the transaction (state, department, earliest open
    # deadline; all None: the message did not exist), so the others apply the queue counts' delta
    # instead of re-counting every message (issue 17). Both states None: membership unchanged.
    old_state: Mapped[str | None] = mapped_column(String(20))
    old_department_id: Mapped[int | None]
    old_due_at: Mapped[dt.datetime | None]
    new_state: Mapped[str | None] = mapped_column(String(20))
    new_department_id: Mapped[int | None]
    new_due_at: Mapped[dt.datetime | None]


class Presence(Base):
    """Who has a message open or is editing its draft, on which workstation (heartbeat, issue 17)."""

    __tablename__ = "presence"

    workstation: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    user_id: Mapped[int] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(20))  # open, editing
    seen_at: Mapped[dt.datetime] = mapped_column(index=True)


# Queue reads at 100,000 messages (issue 17): each queue filters on the state (and an executor's
# department) and orders by the stage deadline, then arrival; these indexes serve exactly that.
# The trailing columns make them covering for the grouped counts (overdue needs both clocks).
Index(
    "ix_messages_queue_order",
    Message.state,
    Message.stage_due_at,
    Message.arrived_at,
    Message.overall_closed_at,
    Message.overall_due_at,
)
Index(
    "ix_messages_department_queue",
    Message.department_id,
    Message.state,
    Message.stage_due_at,
    Message.overall_closed_at,
    Message.overall_due_at,
)
Index("ix_messages_order", Message.stage_due_at, Message.arrived_at)
# «Просроченные» advances by the messages whose 8-hour deadline passed since the last count (issue 17).
Index("ix_messages_overall_due", Message.overall_due_at)


class LoginThrottle(Base):
    """Failed logins per login name and per workstation: growing delay, then a lockout (issue 14)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "login:<name>" or "host:<name>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime | None]
    locked_until: Mapped[dt.datetime | None]


class ImportStagingRow(Base):
    """A validated row of an accepted import file, waiting to become a message (issue 14).

    A large file is moved into ``messages`` in short transactions; what is still here after a crash is
    moved by the next import, so an accepted file always ends up whole.
    """

    __tablename__ = "import_staging"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(40), index=True)
    row_no: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class QuarantineEntry(Base):
    """A feed item that could not be stored (R5): kept with its raw payload and the reason, retried
    on later passes, shown to administrators («Не принятые сообщения»); nothing is silently dropped."""

    __tablename__ = "intake_quarantine"
    __table_args__ = (Index("ix_intake_quarantine_open", "status", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), default="")  # Incident id, "" when unreadable
    parent_id: Mapped[str | None] = mapped_column(String(200), index=True)  # a reply's parent
    payload: Mapped[str] = mapped_column(Text)  # the item as received (JSON text)
    reason: Mapped[str] = mapped_column(Text)  # Russian, for administrators
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | stored | dismissed
    first_seen_at: Mapped[dt.datetime]
    last_tried_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


class IncidentGroup(Base):
    """Messages an operator linked as one incident (issue 18): one problem, one consistent answer.

    A group exists while it has at least two messages; its ``revision`` is the optimistic check of
    every link and unlink, so two workstations changing the same group never both win.
    """

    __tablename__ = "incident_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    # The service raises the revision itself on every change of membership (links live in another
    # table, so the group row has nothing else to update); the UPDATE still checks the old value.
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}


class IncidentLink(Base):
    """One message's membership of an incident group.

    The message is the primary key: the database itself keeps a message in at most one group, so two
    links racing on two workstations cannot put it in two (the loser's insert is refused).
    """

    __tablename__ = "incident_links"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True, autoincrement=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("incident_groups.id"), index=True)
    linked_at: Mapped[dt.datetime]
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")


# -- the dashboard's per-day summaries (issue 19) ------------------------------------------------
# Kept exactly by ``services/report_summaries.py`` in the transaction that changes a message or its
# stage records. ``day`` is the local date (administration's time zone) as ``date.toordinal()`` — of
# the day itself, of its week's Monday or of its month's first day (``span`` d / w / m); an
# absent person, department, holder or operator is 0 / "" so the keys can be primary keys.


class ReportMessageFacts(Base):
    """What one message contributes to the summaries, as last written (the old side of a delta)."""

    __tablename__ = "report_message_facts"
    __table_args__ = (
        Index("ix_report_facts_author", "author_key", "arrived_us", "message_id"),
        Index("ix_report_facts_address", "address_key", "arrived_us", "message_id"),
    )

    message_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    arrived_us: Mapped[int] = mapped_column(BigInteger)  # arrival, epoch microseconds (repeat order)
    author_key: Mapped[str] = mapped_column(Text)
    address_key: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)  # JSON list of the summary cells this message adds to


class ReportMessageDay(Base):
    """Messages that arrived on a day, by platform, channel and the department holding them now."""

    __tablename__ = "report_message_days"

    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # d day, w week, m month
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    platform: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(Integer, default=0)
    needing: Mapped[int] = mapped_column(Integer, default=0)
    routed: Mapped[int] = mapped_column(Integer, default=0)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    interim: Mapped[int] = mapped_column(Integer, default=0)
    redirected: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    rework: Mapped[int] = mapped_column(Integer, default=0)
    repeat_author: Mapped[int] = mapped_column(Integer, default=0)
    repeat_address: Mapped[int] = mapped_column(Integer, default=0)


class ReportStageDay(Base):
    """Closed stage records started on a day, by their attribution columns and outcome."""

    __tablename__ = "report_stage_days"

    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # d day, w week, m month
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stage: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(16), primary_key=True)
    operator_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class ReportClockDay(Base):
    """Closed 8-hour clocks started on a day, by message group, outcome and answer time (R3)."""

    __tablename__ = "report_clock_days"

    span: Mapped[str] = mapped_column(String(1), primary_key=True)  # d day, w week, m month
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    platform: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    seconds: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # working
    n: Mapped[int] = mapped_column(Integer, default=0)


class ReportSummaryState(Base):
    """One row once the summaries are built; ``dirty_from`` a day from which answer times are stale."""

    __tablename__ = "report_summary_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    built_at: Mapped[dt.datetime]
    dirty_from: Mapped[int | None] = mapped_column(Integer)
