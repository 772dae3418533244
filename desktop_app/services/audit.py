"""The append-only, hash-chained audit trail (R11).

Each event's hash covers its content and the previous event's hash, so changing or removing any
row breaks the chain from that row on. ``verify_chain`` finds the first broken event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.models.database import Database
from desktop_app.models.entities import AuditEvent
from desktop_app.services.actor import Actor

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_login": event.actor_login,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "message_id": event.message_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _jsonable(value: Any) -> Any:
    """Make before/after snapshots JSON-safe and stable (datetimes as UTC ISO, enums as values)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    occurred_at: dt.datetime,
    actor_id: int | None = None,
    actor_login: str = "",
    message_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    The chain's tail is read under a write lock held to the end of the transaction (PostgreSQL:
    an advisory lock; SQLite: the database write lock), so two workstations — or the intake
    thread and a user — never append to the same predecessor. The tail is then remembered for
    the rest of the transaction, so a batch of events costs no extra queries.
    """
    transaction = session.get_transaction()
    cached = session.info.get(_TAIL_KEY)
    if cached is not None and cached[0] is transaction:
        previous = cached[1]
    else:
        _lock_chain(session)
        previous = session.scalars(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_login=actor_login,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        message_id=message_id,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=previous or GENESIS_HASH,
    )
    event.hash = event_hash(event)
    # Rows of one mapper are inserted in the order they were added, so ids follow the chain.
    session.add(event)
    session.info[_TAIL_KEY] = (transaction, event.hash)
    return event


def record_by(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    occurred_at: dt.datetime,
    message_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """:func:`record` for an action a person took (R11: who, when, what)."""
    return record(
        session,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        occurred_at=occurred_at,
        actor_id=actor.user_id,
        actor_login=actor.login,
        message_id=message_id,
        before=before,
        after=after,
    )


_TAIL_KEY = "otklik.audit_tail"


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(734211)"))
    else:
        # Flush pending work and take SQLite's write lock before reading the tail: a statement that
        # writes (even no row) starts the write transaction, which holds until commit.
        session.flush()
        session.execute(sa.text("UPDATE app_settings SET key = key WHERE 0 = 1"))


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(db: Database, batch: int = 5000) -> ChainVerdict:
    """Walk the chain in id order; stop at the first event whose link or hash does not match."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    with db.session() as session:
        while True:
            events = session.scalars(
                sa.select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
            ).all()
            if not events:
                return ChainVerdict(True, checked)
            for event in events:
                if event.prev_hash != expected_prev:
                    return ChainVerdict(False, checked, event.id, "ссылка на предыдущее событие не совпадает")
                if event_hash(event) != event.hash:
                    return ChainVerdict(False, checked, event.id, "содержимое события изменено")
                expected_prev = event.hash
                checked += 1
                last_id = event.id
            session.expunge_all()
