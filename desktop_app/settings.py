"""Typed settings read from a TOML file.

Every key is declared once here with its type and default (the Picard ``options`` idea). A
malformed file or a bad value raises :class:`SettingsError` with a Russian message naming the key.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.errors import SettingsError


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
    token: str = ""
    timeout_seconds: float = 10.0
    sync_interval_seconds: int = 60


@dataclass(frozen=True)
class ProofreadingSettings:
    engine: str = "embedded"  # "embedded" (pylat-ru) or "languagetool"
    languagetool_url: str = ""  # an administration's LanguageTool server
    languagetool_dir: str = ""  # a local LanguageTool installation the app starts itself
    java_path: str = ""
    java_memory_mb: int = 512


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    administration: AdministrationSettings = field(default_factory=AdministrationSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    incident: IncidentSettings = field(default_factory=IncidentSettings)
    proofreading: ProofreadingSettings = field(default_factory=ProofreadingSettings)
    source: Path | None = None


_CHOICES: dict[str, tuple[str, ...]] = {
    "deadlines.overall_clock": ("working", "calendar"),
    "deadlines.reply_after_answer": ("reopen", "new_message"),
    "incident.mode": ("http", "simulator", "manual"),
    "proofreading.engine": ("embedded", "languagetool"),
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
    sections = {f.name: f for f in fields(Settings) if f.name != "source"}
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
    return parse_settings(text, source=file)


def save_database_url(path: Path, url: str) -> None:
    """Record the database of this workstation (first start): ``[database] url`` in the settings file.

    Only a new file is written: an administrator's existing settings are never rewritten by the app.
    """
    if path.exists():
        raise SettingsError(f"Файл настроек «{path}» уже есть: адрес базы данных меняется в нём вручную.")
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = url.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'[database]\nurl = "{quoted}"\n', encoding="utf-8")
