"""Issue 14: the audit chain's signed head, kept outside the table, finds what the chain alone cannot:
the newest events deleted, the history re-hashed, events appended behind the app's back."""

from __future__ import annotations

import datetime as dt
import json
import stat
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.cli import CliContext
from desktop_app.cli.audit import run as audit_cli
from desktop_app.models.database import Database
from desktop_app.models.entities import AuditEvent
from desktop_app.services import audit
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.errors import PermissionDeniedError
from desktop_app.settings import Settings
from tests.support.audit_forgery import forge_append as _forge_append
from tests.support.factories import Clock, World


@pytest.fixture
def audit_dir(tmp_path: Path) -> Path:
    return tmp_path / "settings"


@pytest.fixture
def services(database: Database, clock: Clock, audit_dir: Path) -> AppServices:
    return build_services(Settings(), database, now=clock, audit_dir=audit_dir)


def _activity(world: World) -> None:
    for _ in range(3):
        message_id = world.arrive()
        world.services.workflow.route_message(
            world.operator, message_id, world.version(message_id), world.roads.id
        )


def _checkpoint(services: AppServices, audit_dir: Path) -> audit.ChainCheckpoint:
    return audit.ChainCheckpoint(audit_dir, services.db.url)


def _tamper(db: Database, *statements: str) -> None:
    """What a person with the database's owner rights can do: switch the guard off, change rows."""
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if db.dialect == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER USER")


def test_every_commit_advances_the_signed_head(world: World, services: AppServices, audit_dir: Path) -> None:
    _activity(world)
    head = _checkpoint(services, audit_dir).read()
    assert head == audit.chain_head(services.db)
    assert head.count == 6  # three arrivals and three routings
    if sys.platform != "win32":
        assert stat.S_IMODE((audit_dir / audit.KEY_FILE).stat().st_mode) == 0o600
    assert audit.verify_chain(services.db, expected=head).intact


def test_deleting_the_newest_events_is_found(world: World, services: AppServices, audit_dir: Path) -> None:
    _activity(world)
    last = audit.chain_head(services.db).last_id
    _tamper(services.db, f"DELETE FROM audit_events WHERE id = {last}")
    assert audit.verify_chain(services.db).intact  # the chain alone cannot tell
    verdict = audit.verify_chain(services.db, expected=_checkpoint(services, audit_dir).read())
    assert not verdict.intact and "удалены" in verdict.reason


def test_a_rehashed_history_is_found(world: World, services: AppServices, audit_dir: Path) -> None:
    _activity(world)
    expected = _checkpoint(services, audit_dir).read()
    with services.db.session() as session:
        events = list(session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))
    # Rewrite the first event and recompute every hash after it: a perfect chain, another history.
    events[0].action = "forged"
    prev = audit.GENESIS_HASH
    statements = []
    for event in events:
        event.prev_hash = prev
        event.hash = audit.event_hash(event)
        prev = event.hash
        statements.append(
            f"UPDATE audit_events SET action = '{event.action}', prev_hash = '{event.prev_hash}',"
            f" hash = 'tmp{event.id}' WHERE id = {event.id}"
        )
    statements += [f"UPDATE audit_events SET hash = '{e.hash}' WHERE id = {e.id}" for e in events]
    _tamper(services.db, *statements)
    assert audit.verify_chain(services.db).intact
    verdict = audit.verify_chain(services.db, expected=expected)
    assert not verdict.intact and "переписана" in verdict.reason


def test_an_append_behind_the_apps_back_is_found(
    world: World, services: AppServices, audit_dir: Path, database_url: str
) -> None:
    _activity(world)
    outsider = Database(database_url)  # direct database access: no checkpoint, valid hashes
    try:
        with outsider.session() as session, session.begin():
            audit.record(
                session,
                action="approve_and_publish",
                entity_type="message",
                entity_id=1,
                occurred_at=dt.datetime.now(dt.UTC),
                actor_login="operator",
            )
    finally:
        outsider.dispose()
    assert audit.verify_chain(services.db).intact
    verdict = audit.verify_chain(services.db, expected=_checkpoint(services, audit_dir).read())
    assert not verdict.intact and "в обход приложения" in verdict.reason


def test_a_forged_checkpoint_file_is_refused(world: World, services: AppServices, audit_dir: Path) -> None:
    _activity(world)
    checkpoint = _checkpoint(services, audit_dir)
    data = json.loads(checkpoint.path.read_text(encoding="utf-8"))
    data["count"] -= 1
    checkpoint.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(audit.CheckpointError, match="подпись"):
        checkpoint.read()


def test_cli_receipt_then_verify(
    world: World, services: AppServices, audit_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    _activity(world)
    settings_file = audit_dir / "settings.toml"
    settings_file.write_text(f'[database]\nurl = "{services.db.url}"\n', encoding="utf-8")
    context = CliContext(config_path=settings_file)
    receipt = tmp_path / "квитанция.json"
    assert audit_cli(["receipt", "--out", str(receipt)], context) == 0
    assert audit_cli(["verify"], context) == 0
    assert "сверено с подписью" in capsys.readouterr().out
    last = audit.chain_head(services.db).last_id
    _tamper(services.db, f"DELETE FROM audit_events WHERE id = {last}")
    assert audit_cli(["verify", "--receipt", str(receipt)], context) == 1
    assert "удалены" in capsys.readouterr().out
    assert audit_cli(["verify", "--chain-only"], context) == 0


# -- every event signed (issue 14, follow-up): a forged append is not laundered by the next action ----


def _cli_context(services: AppServices, audit_dir: Path) -> CliContext:
    settings_file = audit_dir / "settings.toml"
    settings_file.write_text(f'[database]\nurl = "{services.db.url}"\n', encoding="utf-8")
    return CliContext(config_path=settings_file)


@pytest.mark.parametrize("signature", [None, "0" * 64], ids=["unsigned", "made-up signature"])
def test_a_forged_append_is_still_found_after_the_next_action(
    world: World, services: AppServices, audit_dir: Path, signature: str | None, capsys
) -> None:  # type: ignore[no-untyped-def]
    _activity(world)
    forged = _forge_append(services.db, signature)
    _activity(world)  # the app's next actions sign a new checkpoint over the forged event
    assert audit_cli(["verify"], _cli_context(services, audit_dir)) == 1
    out = capsys.readouterr().out
    assert f"событие № {forged}" in out and ("в обход приложения" in out or "подпись" in out)
    checkpoint = _checkpoint(services, audit_dir)
    sealed = checkpoint.read()
    assert sealed == audit.chain_head(services.db)  # the head moved on: truncation is still covered …
    assert sealed.forged_id == forged  # … but the checkpoint never vouches for the forged event
    verdict = audit.verify_chain(services.db, expected=sealed, key=checkpoint.key())
    assert not verdict.intact and verdict.first_broken_id == forged
    assert f"№ {forged}" in services.audit_watch.warning(world.admin)  # the administrator is told
    with pytest.raises(PermissionDeniedError):
        services.audit_watch.warning(world.operator)
    assert audit_cli(["receipt", "--out", str(audit_dir / "r.json")], _cli_context(services, audit_dir)) == 1


def test_the_apps_events_are_signed_and_verify(
    world: World, services: AppServices, audit_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    _activity(world)
    with services.db.session() as session:
        signatures = list(session.scalars(sa.select(AuditEvent.signature)))
    assert len(signatures) == 6 and all(s and len(s) == 64 for s in signatures)
    context = _cli_context(services, audit_dir)
    assert audit_cli(["verify"], context) == 0
    assert audit_cli(["receipt", "--out", str(tmp_path / "r.json")], context) == 0
    assert audit_cli(["verify", "--receipt", str(tmp_path / "r.json")], context) == 0
    assert services.audit_watch.warning(world.admin) == ""


def test_a_legacy_database_upgraded_verifies_and_legacy_cannot_be_claimed(
    database_url: str, clock: Clock, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from desktop_app.models.database import alembic_config, upgrade

    audit_dir = tmp_path / "settings"
    db = Database(database_url)
    try:
        with db.engine.begin() as connection:  # a database as the release before 0009 left it …
            cfg = alembic_config(database_url)
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0009-1")  # by name: later migrations are chained after 0009
        with db.engine.begin() as conn:  # … holding events written before signatures existed
            previous = audit.GENESIS_HASH
            for action in ("login", "route_message", "approve_and_publish"):
                values = {
                    "occurred_at": dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC),
                    "actor_login": "operator",
                    "action": action,
                    "entity_type": "message",
                    "entity_id": 1,
                    "prev_hash": previous,
                }
                values["hash"] = previous = audit.event_hash(AuditEvent(**values))
                table = sa.table("audit_events", *(sa.column(k) for k in values))
                conn.execute(sa.insert(table).values(**values))
        upgrade(db, backup=False)
        assert audit.stored_legacy_boundary(db) == 3
        services = build_services(Settings(), db, now=clock, audit_dir=audit_dir)
        world = World(services)
        _activity(world)
        context = _cli_context(services, audit_dir)
        assert audit_cli(["verify"], context) == 0
        assert "проверено событий — 9" in capsys.readouterr().out
        assert audit_cli(["receipt", "--out", str(tmp_path / "r.json")], context) == 0
        assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["legacy_last_id"] == 3
        # A forged unsigned event cannot pass as legacy by moving the boundary in the database:
        # the boundary the app goes by is the one sealed in its signed checkpoint.
        forged = _forge_append(db)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE app_settings SET value = :v WHERE key = :k"),
                {"v": json.dumps(forged), "k": audit.LEGACY_KEY},
            )
        assert audit_cli(["verify"], context) == 1
        assert f"событие № {forged}" in capsys.readouterr().out
        assert audit_cli(["verify", "--receipt", str(tmp_path / "r.json")], context) == 1
        assert audit_cli(["verify", "--chain-only"], context) == 1  # the sealed boundary still counts
        assert f"событие № {forged}" in capsys.readouterr().out
    finally:
        db.dispose()


def test_workstations_on_one_database_share_the_key(database_url: str, clock: Clock, tmp_path: Path) -> None:
    """Several workstations on one (PostgreSQL) database: the key copied to each, every event verifies;
    a workstation with a key of its own is told so, and its events do not pass as the trail's."""
    import shutil

    first_dir, second_dir, stray_dir = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    first_db, second_db, stray_db = Database(database_url), Database(database_url), Database(database_url)
    try:
        first = build_services(Settings(), first_db, now=clock, audit_dir=first_dir)
        world = World(first)
        message_id = world.arrive()
        second_dir.mkdir()
        shutil.copy(first_dir / audit.KEY_FILE, second_dir / audit.KEY_FILE)  # as docs/SECURITY.md says
        second = build_services(Settings(), second_db, now=clock, audit_dir=second_dir)
        second.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
        world.arrive()  # the first workstation again, after the second's event
        key = (first_dir / audit.KEY_FILE).read_text(encoding="ascii").strip()
        assert audit.verify_chain(first_db, key=bytes.fromhex(key)).intact
        assert audit.verify_chain(
            first_db, expected=_checkpoint(first, first_dir).read(), key=bytes.fromhex(key)
        ).intact
        assert second.audit_watch.warning(world.admin) == ""

        stray = build_services(Settings(), stray_db, now=clock, audit_dir=stray_dir)  # no key copied
        assert "ключ подписи" in stray.audit_watch.warning(world.admin)
        stray.saved_filters.save(world.operator, "Мои", "all", "")
        verdict = audit.verify_chain(first_db, key=bytes.fromhex(key))
        assert not verdict.intact and verdict.reason == audit.BAD_SIGNATURE
        assert verdict.first_broken_id == audit.chain_head(first_db).last_id
    finally:
        for db in (first_db, second_db, stray_db):
            db.dispose()
