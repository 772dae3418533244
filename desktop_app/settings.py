"""Typed settings read from a TOML file.

Every key is declared once here with its type and default (the Picard ``options`` idea). A
malformed file or a bad value raises :class:`SettingsError` with a Russian message naming the key.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.errors import SettingsError

log = logging.getLogger(__name__)

#: Environment variable that carries the Incident-system token instead of the settings file.
TOKEN_ENV = "OTKLIK_INCIDENT_TOKEN"
KEYRING_SERVICE = "otklik"
KEYRING_TOKEN_NAME = "incident-token"


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = ""  # empty: SQLite file in the user's data dir

    def effective_url(self) -> str:
        if self.url:
            return self.url
        return f"sqlite:///{paths.data_dir() / 'otklik.sqlite3'}"


@dataclass(frozen=True)
class AdministrationSettings:
    name: str = "Администрация городского округа город Елец"
    timezone: str = "Europe/Moscow"


@dataclass(frozen=True)
class CalendarSettings:
    allow_provisional_years: bool = False


@dataclass(frozen=True)
class DeadlineSettings:
    overall_clock: str = "working"  # R3: "working" hours by default, or "calendar" hours
    # An author's reply after «ответ дан»: "reopen" the message for routing, or make a "new_message".
    reply_after_answer: str = "reopen"


@dataclass(frozen=True)
class IncidentSettings:
    mode: str = "simulator"  # "http", "simulator" (embedded, demo) or "manual"
    base_url: str = ""
    token: str = ""  # better: the OTKLIK_INCIDENT_TOKEN variable or the OS keyring (use_keyring)
    use_keyring: bool = False  # read the token from the OS keyring (the optional «keyring» package)
    timeout_seconds: float = 10.0
    sync_interval_seconds: int = 60
    # Bounds of one intake pass (R5: constant monitoring means a pass always ends; docs/GATEWAY.md).
    sync_deadline_seconds: float = 120.0  # the whole pass, not one read
    page_size: int = 500
    max_pages_per_pass: int = 40
    max_page_bytes: int = 64 * 1024 * 1024  # one feed response, decoded
    max_text_chars: int = 100_000  # a post's text; longer items are quarantined
    max_attachment_bytes: int = 25 * 1024 * 1024  # one attachment; larger ones are quarantined
    # Attachments on another host than base_url: "fetch" without any credentials, or "refuse".
    foreign_attachments: str = "fetch"


@dataclass(frozen=True)
class ProofreadingSettings:
    # R7 (2): "auto" = LanguageTool when configured or installed (and Java found), else the embedded
    # pylat-ru; "languagetool" = LanguageTool, falling back with a notice; "embedded" = pylat-ru only.
    engine: str = "auto"
    languagetool_url: str = ""  # an administration's LanguageTool server
    languagetool_dir: str = ""  # the jars of a local LanguageTool the app starts itself ("" = found)
    java_path: str = ""  # "" = the bundle's runtime, $JAVA_HOME, java on PATH
    java_memory_mb: int = 512  # -Xmx of the local LanguageTool


@dataclass(frozen=True)
class AuditSettings:
    # Where the signed checkpoint of the audit chain and its HMAC key live; empty: the directory of
    # the settings file. Workstations sharing one PostgreSQL may point this at one shared folder.
    checkpoint_dir: str = ""


@dataclass(frozen=True)
class LoginSettings:
    """Throttling of password guesses (issue 14): per login name and per workstation."""

    max_failures: int = 5  # failures in a row for one login before a temporary lockout
    max_failures_per_workstation: int = 20  # failures in a row on one workstation, whatever the login
    lockout_minutes: int = 15
    base_delay_seconds: float = 0.5  # the delay doubles with every failure in a row…
    max_delay_seconds: float = 8.0  # …up to this


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    administration: AdministrationSettings = field(default_factory=AdministrationSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    incident: IncidentSettings = field(default_factory=IncidentSettings)
    proofreading: ProofreadingSettings = field(default_factory=ProofreadingSettings)
    login: LoginSettings = field(default_factory=LoginSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    source: Path | None = None
    warnings: tuple[str, ...] = ()  # Russian sentences for the user (e.g. a secret readable by others)


_CHOICES: dict[str, tuple[str, ...]] = {
    "deadlines.overall_clock": ("working", "calendar"),
    "deadlines.reply_after_answer": ("reopen", "new_message"),
    "incident.mode": ("http", "simulator", "manual"),
    "incident.foreign_attachments": ("fetch", "refuse"),
    "proofreading.engine": ("auto", "languagetool", "embedded"),
}


def _coerce(key: str, value: Any, default: Any) -> Any:
    expected = type(default)
    if expected is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"Параметр «{key}» должен быть true или false, а указано: {value!r}.")
        return value
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(
                f"Параметр «{key}» должен быть неотрицательным целым числом, а указано: {value!r}."
            )
        return value
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SettingsError(f"Параметр «{key}» должен быть положительным числом, а указано: {value!r}.")
        return float(value)
    if not isinstance(value, str):
        raise SettingsError(f"Параметр «{key}» должен быть строкой, а указано: {value!r}.")
    choices = _CHOICES.get(key)
    if choices and value not in choices:
        allowed = ", ".join(f"«{c}»" for c in choices)
        raise SettingsError(f"Параметр «{key}» может принимать значения {allowed}, а указано «{value}».")
    return value


def _section(name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise SettingsError(f"Раздел «[{name}]» настроек должен быть таблицей.")
    defaults = cls()
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise SettingsError(f"Неизвестный параметр «{name}.{key}» в файле настроек.")
    values = {k: _coerce(f"{name}.{k}", v, getattr(defaults, k)) for k, v in raw.items()}
    return replace(defaults, **values)


def parse_settings(text: str, source: Path | None = None) -> Settings:
    """Parse settings from TOML text; raise :class:`SettingsError` on any problem."""
    where = f" ({source})" if source else ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Файл настроек{where} повреждён и не может быть прочитан: {exc}.") from exc
    sections = {f.name: f for f in fields(Settings) if f.name not in ("source", "warnings")}
    for name in raw:
        if name not in sections:
            raise SettingsError(f"Неизвестный раздел «[{name}]» в файле настроек{where}.")
    values: dict[str, Any] = {}
    for name, section_field in sections.items():
        if name in raw:
            section_cls = type(section_field.default_factory())  # type: ignore[misc]
            values[name] = _section(name, section_cls, raw[name])
    settings = Settings(**values, source=source)
    try:
        zoneinfo.ZoneInfo(settings.administration.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"Параметр «administration.timezone»: неизвестный часовой пояс «{settings.administration.timezone}»."
        ) from exc
    return settings


def load_settings(path: Path | None = None) -> Settings:
    """Load settings from ``path`` or the default file; a missing default file means defaults."""
    explicit = path is not None
    file = path or paths.default_config_file()
    if not file.exists():
        if explicit:
            raise SettingsError(f"Файл настроек «{file}» не найден.")
        return Settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Файл настроек «{file}» не удаётся прочитать: {exc}.") from exc
    settings = parse_settings(text, source=file)
    warning = exposed_secret_warning(file, settings)
    if warning:
        log.warning("settings file %s holds a secret and is readable by other users", file)
        settings = replace(settings, warnings=(*settings.warnings, warning))
    return settings


def audit_checkpoint_dir(settings: Settings) -> Path:
    """The directory of the audit checkpoint and its key (issue 14)."""
    if settings.audit.checkpoint_dir:
        return Path(settings.audit.checkpoint_dir).expanduser()
    if settings.source is not None:
        return settings.source.parent
    return paths.config_dir()


def holds_secret(settings: Settings) -> bool:
    """The file carries a database password or the Incident-system token."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if settings.incident.token:
        return True
    if not settings.database.url:
        return False
    try:
        return bool(make_url(settings.database.url).password)
    except ArgumentError:
        return False


def readable_by_others(path: Path) -> bool:
    """Group or others may read the file (POSIX permissions; Windows ACLs are not inspected)."""
    if sys.platform == "win32":
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def exposed_secret_warning(path: Path, settings: Settings) -> str:
    if not holds_secret(settings) or not readable_by_others(path):
        return ""
    return (
        f"Файл настроек «{path}» содержит пароль или токен доступа и доступен для чтения другим "
        f"пользователям компьютера. Закройте доступ: chmod 600 «{path}» — или храните токен в "
        f"переменной окружения {TOKEN_ENV} либо в хранилище паролей системы (incident.use_keyring = true)."
    )


def incident_token(settings: Settings) -> str:
    """The Incident-system token: the environment variable, else the OS keyring, else the file."""
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    if settings.incident.use_keyring:
        try:
            import keyring  # optional: pip install keyring
        except ImportError as exc:
            raise SettingsError(
                "Параметр «incident.use_keyring» включён, но пакет keyring не установлен: "
                "установите его или задайте токен в переменной окружения " + TOKEN_ENV + "."
            ) from exc
        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_TOKEN_NAME)
        except Exception as exc:  # any backend failure: a locked or missing keyring
            log.warning("OS keyring failed: %s", type(exc).__name__)  # the class only: no secrets in logs
            raise SettingsError(
                "Хранилище паролей системы недоступно (заблокировано или не настроено): "
                "токен Системы Инцидент не прочитан."
            ) from exc
        if stored:
            return stored
        raise SettingsError(
            f"В хранилище паролей системы нет токена Системы Инцидент (служба «{KEYRING_SERVICE}», "
            f"имя «{KEYRING_TOKEN_NAME}»)."
        )
    return settings.incident.token


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only (0600) — it may hold a password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    if sys.platform != "win32":
        os.chmod(path, 0o600)  # the umask may have been stricter, never looser


def save_database_url(path: Path, url: str) -> None:
    """Record the database of this workstation (first start): ``[database] url`` in the settings file.

    Only a new file is written: an administrator's existing settings are never rewritten by the app.
    """
    if path.exists():
        raise SettingsError(f"Файл настроек «{path}» уже есть: адрес базы данных меняется в нём вручную.")
    quoted = url.replace("\\", "\\\\").replace('"', '\\"')
    write_private_file(path, f'[database]\nurl = "{quoted}"\n')
