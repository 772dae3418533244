"""Issue 14: secrets stay private, and no citizen's text or personal data reaches a log or an error."""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
import sys
import types
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.errors import SettingsError
from desktop_app.logging_setup import configure_logging
from desktop_app.models.database import Database
from desktop_app.models.entities import Message, OutboxItem, SyncState
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import AuthenticationError
from desktop_app.services.intake import IntakeService
from desktop_app.services.outbox import OutboxWorker
from desktop_app.settings import (
    TOKEN_ENV,
    IncidentSettings,
    Settings,
    incident_token,
    load_settings,
    save_database_url,
)
from tests.support.factories import World

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")


@posix_only
def test_first_start_settings_file_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: a plain write would give 0644
    try:
        target = tmp_path / "cfg" / "settings.toml"
        save_database_url(target, "postgresql://otklik:секрет@db.local/otklik")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert load_settings(target).warnings == ()


@posix_only
def test_a_secret_readable_by_others_loads_with_a_russian_warning(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "settings.toml"
    target.write_text(
        '[incident]\nmode = "http"\nbase_url = "https://x"\ntoken = "t-123"\n', encoding="utf-8"
    )
    target.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        settings = load_settings(target)
    assert len(settings.warnings) == 1
    assert "доступен для чтения другим" in settings.warnings[0]
    assert "t-123" not in caplog.text and "t-123" not in settings.warnings[0]
    target.chmod(0o600)
    assert load_settings(target).warnings == ()
    plain = tmp_path / "plain.toml"
    plain.write_text('[database]\nurl = "sqlite:////tmp/x.sqlite3"\n', encoding="utf-8")
    plain.chmod(0o644)
    assert load_settings(plain).warnings == ()  # nothing secret in it


def test_token_from_the_environment_or_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    in_file = Settings(incident=IncidentSettings(token="из-файла"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert incident_token(in_file) == "из-файла"
    monkeypatch.setenv(TOKEN_ENV, "из-окружения")
    assert incident_token(in_file) == "из-окружения"
    monkeypatch.delenv(TOKEN_ENV)

    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, name: (
        "из-хранилища" if (service, name) == ("otklik", "incident-token") else None
    )  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    keyed = Settings(incident=IncidentSettings(use_keyring=True))
    assert incident_token(keyed) == "из-хранилища"
    fake.get_password = lambda service, name: None  # type: ignore[attr-defined]
    with pytest.raises(SettingsError, match="нет токена"):
        incident_token(keyed)
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed
    with pytest.raises(SettingsError, match="не установлен"):
        incident_token(keyed)


def test_a_failed_statement_does_not_carry_its_parameters(database: Database) -> None:
    with database.session() as session, pytest.raises(sa.exc.DBAPIError) as caught, session.begin():
        session.execute(
            sa.text(
                "INSERT INTO departments (id, name, short_name, competence_keywords, is_active)"
                " VALUES (:id, :name, '', '', true)"
            ),
            [{"id": 1, "name": "Ул. Секретная, 5"}, {"id": 1, "name": "Ул. Секретная, 5"}],
        )
    assert "Секретная" not in str(caught.value)


MARK = "ZZМАРКЕР"


def test_no_personal_data_in_the_log_after_a_full_run(
    world: World, services: AppServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Intake with a bad item, the lifecycle, publication, a failed login: the log holds no marker."""
    from desktop_app.adapters.incident.simulator import start_simulator
    from tests.gateway.conftest import approve, fast_gateway

    root = logging.getLogger()
    before = list(root.handlers)
    log_file = configure_logging(logging.DEBUG, tmp_path / "logs")
    assert log_file is not None
    simulator = start_simulator(seed=3)
    gateway = fast_gateway(simulator.base_url)
    try:
        simulator.store.add_message(
            text=f"Яма у дома {MARK}-текст, телефон {MARK}-тел",
            author={"name": f"{MARK}-автор", "profile_url": f"https://vk.com/{MARK}"},
            arrived_at=services.now() - dt.timedelta(minutes=5),
            photos=0,
            post_url=f"https://vk.com/wall-1_{MARK}",
        )
        # An item the database refuses (too long for its column on PostgreSQL, a NUL byte, or a
        # duplicate): the error goes to the log and to SyncState.last_error.
        simulator.store.add_message(
            text=f"{MARK}-плохой\x00 текст",
            author={"name": f"{MARK}-а" * 200, "profile_url": ""},
            arrived_at=services.now() - dt.timedelta(minutes=4),
            photos=0,
        )
        IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle).sync_once()
        with services.db.session() as session:
            message_id = session.scalars(sa.select(Message.id).where(Message.text.contains("Яма"))).first()
        approve(world, message_id)
        OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle).send_due()
        with pytest.raises(AuthenticationError):
            services.auth.login(f"{MARK}-логин", f"{MARK}-пароль")
    finally:
        gateway.close()
        simulator.stop()
        for handler in root.handlers:
            if handler not in before:
                handler.close()
                root.removeHandler(handler)
    text = log_file.read_text(encoding="utf-8")
    assert text.strip(), "the run logged nothing: the test would prove nothing"
    assert MARK not in text
    with services.db.session() as session:
        stored = [s.last_error for s in session.scalars(sa.select(SyncState))]
        stored += [o.last_error for o in session.scalars(sa.select(OutboxItem))]
    assert all(MARK not in error for error in stored), stored


def test_token_through_the_real_keyring_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real package's API with an in-memory backend (no desktop keyring exists in CI): what
    # `keyring set otklik incident-token` stores is what the gateway gets.
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringLocked

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.values: dict[tuple[str, str], str] = {}
            self.locked = False

        def get_password(self, service: str, username: str) -> str | None:
            if self.locked:
                raise KeyringLocked("locked")
            return self.values.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.values[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.values.pop((service, username), None)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        monkeypatch.delenv(TOKEN_ENV, raising=False)
        keyed = Settings(incident=IncidentSettings(use_keyring=True, token="из-файла"))
        keyring.set_password("otklik", "incident-token", "секрет-из-хранилища")
        assert incident_token(keyed) == "секрет-из-хранилища"
        backend.locked = True
        with pytest.raises(SettingsError) as refused:
            incident_token(keyed)
        message = str(refused.value)
        assert "недоступно" in message and "KeyringLocked" not in message and "Error" not in message
    finally:
        keyring.set_keyring(previous)
