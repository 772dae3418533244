"""A forged audit event as a colleague with the database's password would write it (issue 14)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from desktop_app.models.database import Database
from desktop_app.models.entities import AuditEvent
from desktop_app.services import audit


def forge_append(db: Database, signature: str | None = None) -> int:
    """What a colleague with the database's password can do with the triggers intact: INSERT one
    well-formed event after the tail, with the right chain hash (the algorithm is public)."""
    with db.engine.begin() as conn:
        previous = conn.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
        values = {
            "occurred_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "actor_id": None,
            "actor_login": "operator",
            "action": "approve_and_publish",
            "entity_type": "message",
            "entity_id": 1,
            "message_id": None,
            "before": None,
            "after": {"text": "Ответ уже согласован"},
            "prev_hash": previous or audit.GENESIS_HASH,
        }
        values["hash"] = audit.event_hash(AuditEvent(**values))
        if signature is not None:
            values["signature"] = signature
        return conn.execute(sa.insert(AuditEvent.__table__).values(**values)).inserted_primary_key[0]
