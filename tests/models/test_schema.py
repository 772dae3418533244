"""The schema: one migration head, models and migrations in sync, UTC-only times, append-only audit."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from desktop_app.domain.lifecycle import ChannelKind
from desktop_app.models import Base
from desktop_app.models.database import (
    Database,
    alembic_config,
    current_revision,
    head_revision,
    include_object,
)
from desktop_app.models.entities import AuditEvent, Message


def test_single_migration_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_models_and_migrations_in_sync(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(database: Database) -> None:
    assert current_revision(database) == head_revision(database.url)


def _message(**overrides: object) -> Message:
    values: dict[str, object] = {
        "external_id": "INC-1",
        "channel_kind": ChannelKind.SOCIAL_NETWORK,
        "platform": "vk",
        "author_name": "Иван Петров",
        "text": "Когда отремонтируют дорогу на улице Мира?",
        "arrived_at": dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
    }
    values.update(overrides)
    return Message(**values)


def test_times_round_trip_as_utc(database: Database) -> None:
    with database.session() as session, session.begin():
        session.add(_message())
    with database.session() as session:
        stored = session.scalars(sa.select(Message)).one()
    assert stored.arrived_at == dt.datetime(2026, 5, 12, 6, 0, tzinfo=dt.UTC)
    assert stored.arrived_at.utcoffset() == dt.timedelta(0)


def test_naive_times_are_refused(database: Database) -> None:
    with database.session() as session, pytest.raises(sa.exc.StatementError, match="naive datetime"):
        session.add(_message(arrived_at=dt.datetime(2026, 5, 12, 9, 0)))
        session.flush()


def test_audit_trail_is_append_only_in_the_database(database: Database) -> None:
    now = dt.datetime.now(dt.UTC)
    with database.session() as session, session.begin():
        session.add(
            AuditEvent(
                occurred_at=now, action="test", entity_type="message", prev_hash="0" * 64, hash="a" * 64
            )
        )
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with database.engine.connect() as conn, pytest.raises(sa.exc.DatabaseError, match="append-only"):
            conn.execute(sa.text(statement))
            conn.commit()
