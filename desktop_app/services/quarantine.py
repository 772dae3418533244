"""Feed items the intake could not store (R5, issue 12): kept, retried, shown to administrators.

The intake never stalls on one item: an orphan reply, a bad field or time, a bad or oversized
attachment goes to ``intake_quarantine`` with its raw payload, a Russian reason and the time, and
the feed's cursor moves on. Later passes retry open entries (an orphan reply as soon as its parent
has arrived); administrators see them in «Не принятые сообщения» and retry or dismiss them
(a dismissal is audited, R11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.models.entities import QuarantineEntry
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError

ADMIN_ONLY = "Не принятые сообщения доступны только администратору."
OPEN = "open"
STORED = "stored"
DISMISSED = "dismissed"

#: How much of a payload the administrators' list shows (the whole payload stays in the database).
PREVIEW_CHARS = 2000


def record(
    session: Session,
    *,
    item_id: str,
    parent_id: str | None,
    payload: str,
    reason: str,
    now: dt.datetime,
) -> QuarantineEntry:
    """Quarantine one item, or refresh the open entry of the same Incident id (no duplicates)."""
    entry = None
    if item_id:
        entry = session.scalars(
            sa.select(QuarantineEntry).where(
                QuarantineEntry.status == OPEN, QuarantineEntry.item_id == item_id[:200]
            )
        ).first()
    if entry is None:
        entry = QuarantineEntry(
            item_id=item_id[:200],
            parent_id=parent_id[:200] if parent_id else None,
            payload=payload,
            reason=reason,
            status=OPEN,
            first_seen_at=now,
            last_tried_at=now,
            attempts=1,
        )
        session.add(entry)
    else:
        entry.payload = payload
        entry.reason = reason
        entry.parent_id = parent_id[:200] if parent_id else None
        entry.last_tried_at = now
        entry.attempts += 1
    return entry


def mark_stored(session: Session, stored: dict[str, int | None], now: dt.datetime) -> int:
    """Items stored meanwhile (the source re-sent them correctly) close their open entries."""
    if not stored:
        return 0
    closed = 0
    for entry in session.scalars(
        sa.select(QuarantineEntry).where(
            QuarantineEntry.status == OPEN, QuarantineEntry.item_id.in_(list(stored))
        )
    ):
        entry.status = STORED
        entry.resolved_at = now
        entry.message_id = stored.get(entry.item_id)
        closed += 1
    return closed


def open_count(db: Database) -> int:
    with db.session() as session:
        return (
            session.scalar(
                sa.select(sa.func.count()).select_from(QuarantineEntry).where(QuarantineEntry.status == OPEN)
            )
            or 0
        )


@dataclass(frozen=True)
class QuarantineRow:
    """One line of «Не принятые сообщения»."""

    id: int
    item_id: str
    reason: str
    first_seen_at: dt.datetime
    last_tried_at: dt.datetime
    attempts: int
    payload_preview: str


@dataclass(frozen=True)
class RetryOutcome:
    """What a retry did: ``stored`` (and the message), or the reason it still fails."""

    stored: bool
    message_id: int | None = None
    reason: str = ""


class QuarantineService:
    """Administrators' use cases on quarantined feed items. ``retry`` is the intake's own retry."""

    def __init__(
        self,
        db: Database,
        now: Callable[[], dt.datetime],
        retry: Callable[[int], RetryOutcome] | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._retry = retry

    @staticmethod
    def _admin(session: Session, actor: Actor) -> Actor:
        """The administrator as the database knows them now (issue 14: not the role from login)."""
        return access.acting_as(session, actor, (Role.ADMIN,), ADMIN_ONLY)

    def _require_admin(self, actor: Actor) -> None:
        with self._db.session() as session:
            self._admin(session, actor)

    def open_entries(self, actor: Actor) -> list[QuarantineRow]:
        with self._db.session() as session:
            self._admin(session, actor)
            return [
                QuarantineRow(
                    e.id,
                    e.item_id,
                    e.reason,
                    e.first_seen_at,
                    e.last_tried_at,
                    e.attempts,
                    e.payload[:PREVIEW_CHARS],
                )
                for e in session.scalars(
                    sa.select(QuarantineEntry)
                    .where(QuarantineEntry.status == OPEN)
                    .order_by(QuarantineEntry.first_seen_at, QuarantineEntry.id)
                )
            ]

    def retry(self, actor: Actor, entry_id: int) -> RetryOutcome:
        """Try to store the item now (e.g. after its parent arrived or a setting was raised)."""
        self._require_admin(actor)
        self._open(entry_id)
        if self._retry is None:  # retrying stores a message: it needs the lifecycle the bootstrap wires
            raise TypeError("QuarantineService needs the retry the bootstrap builds (AppServices.quarantine)")
        return self._retry(entry_id)

    def dismiss(self, actor: Actor, entry_id: int, comment: str = "") -> None:
        """The administrator decides the item will not be taken in; recorded in the audit trail (R11)."""
        now = self._now()
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            entry = session.get(QuarantineEntry, entry_id, with_for_update=True)
            if entry is None or entry.status != OPEN:
                raise InputError("Это сообщение уже принято или отклонено: обновите список.")
            entry.status = DISMISSED
            entry.resolved_at = now
            entry.resolved_by_id = actor.user_id
            session.flush()
            audit.record_by(
                session,
                actor,
                action="quarantine_dismissed",
                entity_type="intake_quarantine",
                entity_id=entry.id,
                occurred_at=now,
                before={"status": OPEN, "reason": entry.reason},
                after={"status": DISMISSED, "item_id": entry.item_id, "comment": comment.strip()},
            )

    def _open(self, entry_id: int) -> None:
        with self._db.session() as session:
            entry = session.get(QuarantineEntry, entry_id)
            if entry is None or entry.status != OPEN:
                raise InputError("Это сообщение уже принято или отклонено: обновите список.")
