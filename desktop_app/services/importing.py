"""Import of messages from the Incident system's export (xlsx, csv, json) and pasting one post (R1, R2).

For an administration in manual mode (no API access). All or nothing per file: if any row is wrong,
nothing is imported and every bad row is reported with its number and a Russian reason. Rows whose
«ID» is already in the database (or earlier in the file) are duplicates: skipped and counted.

Columns (header row; case, «ё», spaces and punctuation do not matter; English names also accepted):

=====================  ==========================  =========
header                 meaning                     required
=====================  ==========================  =========
ID                     Incident id                 yes
Площадка               vk, ok, telegram, ...       yes
Тип источника          social_network / ...        no (derived from the platform)
Автор                  author's name               yes
Ссылка на автора       profile link                no
Ссылка на сообщение    link to the post            no
Текст                  text of the post            yes
Дата публикации        time posted                 no
Дата поступления       time it arrived             yes
=====================  ==========================  =========

Times: ISO 8601 or ``ДД.ММ.ГГГГ ЧЧ:ММ[:СС]``; with an offset as given, without one in the
administration's time zone (never guessed as UTC).

Careless and hostile files (issue 14): the encoding is decided explicitly — UTF-8 with or without a BOM;
Windows-1251 only when the whole file decodes as it *and* the user confirms it (``encoding="cp1251"``,
``otklik import --encoding cp1251``), never silently. Size, rows, cell length and nesting are limited
(:class:`ImportLimits`), an xlsx whose parts would unpack beyond the limit is refused before anything is
decompressed, and NUL characters are refused (PostgreSQL cannot store them). Every refusal is a
Russian sentence naming the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import io
import json
import re
import time
import uuid
import zipfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.errors import OtklikError
from desktop_app.models.database import Database
from desktop_app.models.entities import AppSetting, ImportStagingRow, Message
from desktop_app.services import workflow_hooks
from desktop_app.services.actor import Actor
from desktop_app.services.workflow_hooks import Lifecycle


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ImportFileError(OtklikError):
    """The file cannot be read at all (format, encoding, missing columns, limits)."""


class EncodingConfirmationNeeded(ImportFileError):
    """The file is not UTF-8 but decodes whole as ``encoding``: the user must confirm it."""

    def __init__(self, message: str, encoding: str) -> None:
        super().__init__(message)
        self.encoding = encoding


@dataclass(frozen=True)
class ImportLimits:
    """What one export file may hold (issue 14): far above a real export, far below a bomb."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 400 * 1024 * 1024  # xlsx: the sum of its parts once unpacked
    max_rows: int = 300_000
    max_cell_chars: int = 100_000  # a post's text is at most a few thousand characters
    max_nesting: int = 8  # json: list → object → author object is 3


class ImportCancelled(ImportFileError):
    """The user cancelled the import: the transaction was rolled back, nothing was added."""


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1251": "Windows-1251"}


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it: the header is row 1 in xlsx/csv; 1-based item number in json
    reason: str

    def __str__(self) -> str:
        return f"строка {self.row}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    errors: tuple[RowError, ...] = field(default=())
    message_ids: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


# canonical field -> accepted header spellings (normalised)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ид", "идентификатор", "номер", "idинцидента", "идинцидента", "idсообщения", "external_id"),
    "platform": ("площадка", "платформа", "соцсеть", "источник", "platform"),
    "channel_kind": ("типисточника", "видисточника", "каналтип", "channel_kind", "channelkind"),
    "author_name": ("автор", "имяавтора", "author", "author_name", "authorname"),
    "author_profile_url": (
        "ссылканаавтора", "профильавтора", "ссылканапрофиль", "author_profile_url", "authorprofileurl", "author_url",
    ),
    "post_url": ("ссылканасообщение", "ссылка", "ссылканапост", "ссылканапубликацию", "post_url", "posturl", "url"),
    "text": ("текст", "текстсообщения", "сообщение", "text"),
    "posted_at": ("датапубликации", "времяпубликации", "опубликовано", "posted_at", "postedat"),
    "arrived_at": ("датапоступления", "времяпоступления", "поступило", "arrived_at", "arrivedat"),
}  # fmt: skip
REQUIRED = ("id", "platform", "author_name", "text", "arrived_at")
HEADER_NAMES = {
    "id": "ID",
    "platform": "Площадка",
    "channel_kind": "Тип источника",
    "author_name": "Автор",
    "author_profile_url": "Ссылка на автора",
    "post_url": "Ссылка на сообщение",
    "text": "Текст",
    "posted_at": "Дата публикации",
    "arrived_at": "Дата поступления",
}

PLATFORM_ALIASES: dict[str, str] = {
    "vk": "vk", "вк": "vk", "вконтакте": "vk", "vkontakte": "vk",
    "ok": "ok", "ок": "ok", "одноклассники": "ok", "odnoklassniki": "ok",
    "telegram": "telegram", "телеграм": "telegram", "телеграмм": "telegram", "tg": "telegram",
    "max": "max", "макс": "max",
    "vk_video": "vk_video", "vkvideo": "vk_video", "вквидео": "vk_video", "vkвидео": "vk_video",
    "rutube": "rutube", "рутуб": "rutube",
    "youtube": "youtube", "ютуб": "youtube", "ютьюб": "youtube",
    "dzen": "dzen", "дзен": "dzen", "instagram": "instagram", "whatsapp": "whatsapp", "viber": "viber",
}  # fmt: skip
PLATFORM_CHANNEL: dict[str, ChannelKind] = {
    "vk": ChannelKind.SOCIAL_NETWORK,
    "ok": ChannelKind.SOCIAL_NETWORK,
    "dzen": ChannelKind.SOCIAL_NETWORK,
    "instagram": ChannelKind.SOCIAL_NETWORK,
    "telegram": ChannelKind.MESSENGER,
    "max": ChannelKind.MESSENGER,
    "whatsapp": ChannelKind.MESSENGER,
    "viber": ChannelKind.MESSENGER,
    "vk_video": ChannelKind.VIDEO_HOSTING,
    "rutube": ChannelKind.VIDEO_HOSTING,
    "youtube": ChannelKind.VIDEO_HOSTING,
}
CHANNEL_ALIASES: dict[str, ChannelKind] = {
    "social_network": ChannelKind.SOCIAL_NETWORK, "социальнаясеть": ChannelKind.SOCIAL_NETWORK,
    "соцсеть": ChannelKind.SOCIAL_NETWORK,
    "video_hosting": ChannelKind.VIDEO_HOSTING, "видеохостинг": ChannelKind.VIDEO_HOSTING,
    "messenger": ChannelKind.MESSENGER, "мессенджер": ChannelKind.MESSENGER,
}  # fmt: skip


def _norm(value: str) -> str:
    return re.sub(r"[\s\W]+", "", value.strip().lower().replace("ё", "е")) if value else ""


_HEADER_LOOKUP = {alias.replace("_", ""): name for name, aliases in COLUMNS.items() for alias in aliases}


def _header_field(header: Any) -> str | None:
    return _HEADER_LOOKUP.get(_norm(str(header or "")).replace("_", ""))


def normalise_platform(value: str) -> str | None:
    return PLATFORM_ALIASES.get(_norm(value).replace("_", "")) or PLATFORM_ALIASES.get(value.strip().lower())


_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_time(value: Any, tz: dt.tzinfo) -> dt.datetime:
    """An aware UTC time from a cell: with offset as given, naive in the administration's zone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        match = _DOTTED.match(text)
        if match:
            d, m, y, hh, mm, ss = match.groups()
            try:
                moment = dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
            except ValueError as exc:
                raise ValueError(f"несуществующая дата «{text}»") from exc
        else:
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(
                    f"не удаётся прочитать время «{text}» (нужно ДД.ММ.ГГГГ ЧЧ:ММ или ISO 8601)"
                ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC)


# --- reading files --------------------------------------------------------------------------------


def _rows_from_table(rows: Iterable[tuple[Any, ...]], first_row: int) -> list[tuple[int, dict[str, Any]]]:
    iterator = iter(rows)
    header_row = first_row
    for header in iterator:
        if any(cell not in (None, "") for cell in header):
            break
        header_row += 1
    else:
        raise ImportFileError("Файл пуст: нет строки заголовков.")
    fields_by_index: dict[int, str] = {}
    for index, cell in enumerate(header):
        name = _header_field(cell)
        if name and name not in fields_by_index.values():
            fields_by_index[index] = name
    missing = [HEADER_NAMES[f] for f in REQUIRED if f not in fields_by_index.values()]
    if missing:
        raise ImportFileError(
            "В файле нет обязательных столбцов: " + ", ".join(f"«{m}»" for m in missing) + "."
        )
    result = []
    for offset, row in enumerate(iterator, start=1):
        if not any(cell not in (None, "") for cell in row):
            continue
        record = {name: row[i] if i < len(row) else None for i, name in fields_by_index.items()}
        result.append((header_row + offset, record))
    return result


def decode_text(raw: bytes, name: str, encoding: str | None = None) -> str:
    """The file's text in an encoding decided explicitly, never guessed silently (issue 14)."""
    if encoding:
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        try:
            return raw.decode(codec)
        except LookupError as exc:
            raise ImportFileError(f"Неизвестная кодировка «{encoding}»: укажите utf-8 или cp1251.") from exc
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ImportFileError(
                f"Файл «{name}» не читается в кодировке «{encoding}»: строка {line} (байт {exc.start + 1})."
            ) from exc
    try:
        return raw.decode("utf-8-sig")  # UTF-8, with or without a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        where = f"строка {line} (байт {exc.start + 1})"
    try:
        raw.decode("cp1251")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"Файл «{name}» не в кодировке UTF-8 ({where}) и не в Windows-1251: "
            "сохраните выгрузку в UTF-8 и загрузите снова."
        ) from None
    raise EncodingConfirmationNeeded(
        f"Файл «{name}» не в кодировке UTF-8 ({where}); целиком он читается как Windows-1251. "
        "Если выгрузка сделана в Windows-1251, подтвердите кодировку (в командной строке: "
        "--encoding cp1251); иначе сохраните файл в UTF-8.",
        "cp1251",
    )


def _check_cell(row: int, column: str, value: Any, limits: ImportLimits) -> None:
    if isinstance(value, str) and len(value) > limits.max_cell_chars:
        raise ImportFileError(
            f"Строка {row}, столбец «{column}»: значение длиннее {limits.max_cell_chars} знаков "
            f"({len(value)}) — это не выгрузка Системы Инцидент."
        )


def _depth(value: Any, limit: int, level: int = 1) -> int:
    if level > limit:
        return level
    if isinstance(value, dict):
        return max((_depth(v, limit, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, limit, level + 1) for v in value), default=level)
    return level


def _check_xlsx(path: Path, limits: ImportLimits) -> None:
    """Refuse a zip bomb from the archive's directory, before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(
            f"Файл «{path.name}» не удаётся прочитать как таблицу Excel (повреждён)."
        ) from exc
    if unpacked > limits.max_unpacked_bytes:
        raise ImportFileError(
            f"Файл «{path.name}» распаковывается в {unpacked // (1024 * 1024)} МБ — больше допустимых "
            f"{limits.max_unpacked_bytes // (1024 * 1024)} МБ: это не выгрузка Системы Инцидент."
        )


def read_rows(
    path: Path, encoding: str | None = None, limits: ImportLimits | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {field: raw value}) for every non-empty data row of an xlsx, csv or json file."""
    limits = limits or ImportLimits()
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ImportFileError(
                f"Файл «{path.name}» больше {limits.max_file_bytes // (1024 * 1024)} МБ: "
                "разделите выгрузку на части."
            )
        rows = _read(path, suffix, encoding, limits)
    except OSError as exc:
        raise ImportFileError(f"Файл «{path}» не удаётся открыть: {exc.strerror or exc}.") from exc
    if len(rows) > limits.max_rows:
        raise ImportFileError(
            f"В файле «{path.name}» больше {limits.max_rows} строк: разделите выгрузку на части."
        )
    for number, record in rows:
        for name, value in record.items():
            if name != "__error__":
                _check_cell(number, HEADER_NAMES.get(name, name), value, limits)
    return rows


def _read(
    path: Path, suffix: str, encoding: str | None, limits: ImportLimits
) -> list[tuple[int, dict[str, Any]]]:
    if suffix in (".xlsx", ".xlsm"):
        _check_xlsx(path, limits)
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(f"Файл «{path.name}» не удаётся прочитать как таблицу Excel.") from exc
        try:
            return _rows_from_table(_capped(book.worksheets[0].iter_rows(values_only=True), limits), 1)
        finally:
            book.close()
    if suffix == ".csv":
        text = decode_text(path.read_bytes(), path.name, encoding)
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        if sample.count("\t") > max(sample.count(";"), sample.count(",")):
            delimiter = "\t"
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        previous = csv.field_size_limit(limits.max_cell_chars)
        try:
            return _rows_from_table(_capped(reader, limits), 1)
        except csv.Error as exc:
            raise ImportFileError(
                f"Строка {reader.line_num} файла «{path.name}» не читается как CSV: значение длиннее "
                f"{limits.max_cell_chars} знаков или незакрытые кавычки."
            ) from exc
        finally:
            csv.field_size_limit(previous)
    if suffix == ".json":
        text = decode_text(path.read_bytes(), path.name, encoding)
        try:
            data = json.loads(text)
        except RecursionError as exc:
            raise ImportFileError(f"В файле «{path.name}» слишком глубокая вложенность JSON.") from exc
        except ValueError as exc:
            raise ImportFileError(f"Файл «{path.name}» не является корректным JSON: {exc}.") from exc
        if isinstance(data, dict):
            data = data.get("messages", data.get("items"))
        if not isinstance(data, list):
            raise ImportFileError("JSON должен быть списком сообщений или объектом с ключом «messages».")
        if len(data) > limits.max_rows:
            raise ImportFileError(
                f"В файле «{path.name}» больше {limits.max_rows} сообщений: разделите выгрузку."
            )
        result = []
        for number, entry in enumerate(data, start=1):
            if not isinstance(entry, dict):
                result.append((number, {"__error__": "элемент не является объектом"}))
                continue
            if _depth(entry, limits.max_nesting) > limits.max_nesting - 1:
                result.append((number, {"__error__": "слишком глубокая вложенность значений"}))
                continue
            record: dict[str, Any] = {}
            for key, value in entry.items():
                name = _header_field(key)
                if name == "author_name" and isinstance(value, dict):  # wire shape {"author": {...}}
                    record["author_name"] = value.get("name")
                    record.setdefault("author_profile_url", value.get("profile_url"))
                elif name:
                    record[name] = value
            result.append((number, record))
        return result
    raise ImportFileError(f"Неизвестный формат файла «{path.name}»: поддерживаются .xlsx, .csv и .json.")


def _capped(rows: Iterable[Any], limits: ImportLimits) -> Iterator[Any]:
    """Stop reading a table with more rows than allowed (header and blank lines included, with slack)."""
    for count, row in enumerate(rows):
        if count > limits.max_rows + 1000:
            raise ImportFileError(f"В файле больше {limits.max_rows} строк: разделите выгрузку на части.")
        yield row


# --- validation and import ------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _url(value: Any, what: str) -> str:
    text = _text(value)
    if text and urlsplit(text).scheme not in ("http", "https"):
        raise ValueError(f"{what} «{text}» не похожа на адрес (нужно http:// или https://)")
    return text


def build_message(record: dict[str, Any], tz: dt.tzinfo) -> Message:
    """A Message (state NEW) from one row; ``ValueError`` naming every problem of the row (Russian)."""
    if "__error__" in record:
        raise ValueError(record["__error__"])
    problems = [
        f"столбец «{HEADER_NAMES.get(name, name)}»: недопустимый символ NUL (\\0)"
        for name, value in record.items()
        if isinstance(value, str) and "\x00" in value
    ]
    problems += [
        f"столбец «{HEADER_NAMES.get(name, name)}»: ожидалось значение, а не список или объект"
        for name, value in record.items()
        if isinstance(value, dict | list)
    ]
    if problems:
        raise ValueError("; ".join(problems))
    problems = [f"не заполнено «{HEADER_NAMES[f]}»" for f in REQUIRED if not _text(record.get(f))]

    def attempt(parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except ValueError as exc:
            problems.append(str(exc))
            return None

    raw_platform = _text(record.get("platform"))
    platform = normalise_platform(raw_platform) if raw_platform else None
    if raw_platform and platform is None:
        problems.append(f"неизвестная площадка «{raw_platform}»")
    channel = PLATFORM_CHANNEL.get(platform or "")
    raw_channel = _text(record.get("channel_kind"))
    if raw_channel:
        channel = CHANNEL_ALIASES.get(_norm(raw_channel)) or CHANNEL_ALIASES.get(raw_channel.lower())
        if channel is None:
            problems.append(f"неизвестный тип источника «{raw_channel}»")
    elif platform and channel is None:
        problems.append(f"для площадки «{raw_platform}» укажите «Тип источника»")
    arrived = (
        attempt(lambda: parse_time(record["arrived_at"], tz)) if _text(record.get("arrived_at")) else None
    )
    posted = attempt(lambda: parse_time(record["posted_at"], tz)) if _text(record.get("posted_at")) else None
    profile = attempt(lambda: _url(record.get("author_profile_url"), "ссылка на автора"))
    post_url = attempt(lambda: _url(record.get("post_url"), "ссылка на сообщение"))
    external_id = _text(record.get("id"))
    if len(external_id) > 120:
        problems.append("слишком длинный ID (больше 120 знаков)")
    if problems:
        raise ValueError("; ".join(problems))
    assert channel is not None and platform is not None and arrived is not None
    return Message(
        external_id=external_id,
        channel_kind=channel,
        platform=platform,
        author_name=_text(record["author_name"])[:300],
        author_profile_url=profile or "",
        post_url=post_url or "",
        text=_text(record["text"]),
        posted_at=posted,
        arrived_at=arrived,
        state=MessageState.NEW,
    )


#: Rows written per flush: one round trip for many rows instead of one per row.
BATCH = 250
#: Rows moved from staging into ``messages`` per transaction: ≈2 ms a row, so each transaction holds
#: SQLite's write lock well under a second and other workstations' actions only wait briefly.
MOVE_BATCH = 100
#: SQLite: a pause after each moved batch, so another workstation waiting for the write lock gets it
#: (its busy handler polls; without a gap the import would take the lock straight back).
PAUSE_BETWEEN_BATCHES = 0.06
#: Files up to this many rows are imported in one transaction (all or nothing in the strict sense).
SINGLE_TRANSACTION_ROWS = MOVE_BATCH

_MESSAGE_FIELDS = (
    "external_id", "channel_kind", "platform", "author_name", "author_profile_url", "post_url", "text",
    "posted_at", "arrived_at",
)  # fmt: skip


def _to_payload(message: Message) -> dict[str, Any]:
    data = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
    data["channel_kind"] = message.channel_kind.value
    for name in ("posted_at", "arrived_at"):
        data[name] = data[name].isoformat() if data[name] is not None else None
    return data


def _from_payload(data: dict[str, Any]) -> Message:
    values = dict(data)
    values["channel_kind"] = ChannelKind(values["channel_kind"])
    for name in ("posted_at", "arrived_at"):
        values[name] = dt.datetime.fromisoformat(values[name]) if values[name] else None
    return Message(state=MessageState.NEW, **values)


def _existing_ids(session: sa.orm.Session, external_ids: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        existing |= set(session.scalars(sa.select(Message.external_id).where(Message.external_id.in_(chunk))))
    return existing


def _store(
    session: sa.orm.Session, messages: list[Message], moment: dt.datetime, lifecycle: Lifecycle
) -> list[int]:
    """Insert new messages (skipping ids already in the database) with their arrival clocks."""
    existing = _existing_ids(session, [m.external_id for m in messages])
    fresh = [m for m in messages if m.external_id not in existing]
    for message in fresh:
        message.created_at = moment
        message.updated_at = moment
    session.add_all(fresh)
    session.flush()
    for message in fresh:
        lifecycle.message_arrived(session, message, moment)  # R5/R3 clocks from arrival
    return [m.id for m in fresh]


_ACCEPTED = "import_accepted:"  # app_settings key prefix: a staged file accepted whole
STALE_STAGING = dt.timedelta(hours=1)  # staged rows of a file never accepted (a crash while staging)


def resume_staged_imports(
    db: Database,
    now: Callable[[], dt.datetime] = utc_now,
    progress: Callable[[int], None] | None = None,
    *,
    lifecycle: Lifecycle,
) -> list[int]:
    """Move the rows of every accepted file from staging into ``messages``, :data:`MOVE_BATCH` a
    transaction, and drop rows of files that were never accepted.

    Rows are deleted from staging in the transaction that stores them, so a crash anywhere leaves
    each row either stored or still staged — never both, never lost; the next call finishes the file.
    """
    ids: list[int] = []
    while True:
        moment = now()
        with db.session() as session, session.begin():
            accepted = [
                key.removeprefix(_ACCEPTED)
                for key in session.scalars(
                    sa.select(AppSetting.key).where(AppSetting.key.startswith(_ACCEPTED))
                )
            ]
            staged = list(
                session.scalars(
                    sa.select(ImportStagingRow)
                    .where(ImportStagingRow.batch_id.in_(accepted))
                    .order_by(ImportStagingRow.id)
                    .limit(MOVE_BATCH)
                )
            )
            if not staged:
                for batch_id in accepted:  # every row of these files is in
                    session.execute(sa.delete(AppSetting).where(AppSetting.key == _ACCEPTED + batch_id))
                stale = ~ImportStagingRow.batch_id.in_(accepted) & (
                    ImportStagingRow.created_at < moment - STALE_STAGING
                )
                session.execute(sa.delete(ImportStagingRow).where(stale))
                return ids
            ids.extend(_store(session, [_from_payload(row.payload) for row in staged], moment, lifecycle))
            session.execute(
                sa.delete(ImportStagingRow).where(ImportStagingRow.id.in_([r.id for r in staged]))
            )
        if progress is not None:
            progress(len(staged))
        if db.dialect == "sqlite":
            time.sleep(PAUSE_BETWEEN_BATCHES)


def _drop_staged(db: Database, batch_id: str) -> None:
    while True:
        with db.session() as session, session.begin():
            chunk = list(
                session.scalars(
                    sa.select(ImportStagingRow.id).where(ImportStagingRow.batch_id == batch_id).limit(5000)
                )
            )
            if not chunk:
                return
            session.execute(sa.delete(ImportStagingRow).where(ImportStagingRow.id.in_(chunk)))


def _cli_login() -> str:
    """Who ran ``otklik import`` without logging in: the operating-system account (R11)."""
    try:
        return f"командная строка: {getpass.getuser()}"[:80]
    except (OSError, KeyError, ImportError):
        return "командная строка"


def import_file(
    db: Database,
    path: Path,
    timezone: str,
    now: Callable[[], dt.datetime] = utc_now,
    actor: Actor | None = None,
    *,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lifecycle: Lifecycle,
) -> ImportResult:
    """Import one export file all or nothing; the result lists row errors (then nothing was imported).

    The whole file is read and validated before anything is written: one bad row and nothing is
    imported. A small file is stored in one transaction. A large one is accepted into the staging
    table, then moved into ``messages`` in short transactions (:func:`resume_staged_imports`), so the
    database is never locked for long; if the program stops half-way, the next import finishes it.

    ``encoding`` confirms a non-UTF-8 file (see :func:`decode_text`); ``progress(done, total)`` is
    called while rows are validated and stored; when ``cancelled()`` turns true before the rows are
    accepted the import stops with :class:`ImportCancelled` and nothing is added.

    The import itself is on record (R11): who (``actor``, or the OS account on the command line),
    which file, its SHA-256 and how many messages — in the transaction that stores or accepts them.
    """

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled("Загрузка отменена: ни одно сообщение не добавлено.")

    def record_import(count: int, moment: dt.datetime, session: sa.orm.Session) -> None:
        workflow_hooks.messages_imported(
            session,
            actor.user_id if actor else None,
            actor.login if actor else _cli_login(),
            path.name,
            hashlib.sha256(path.read_bytes()).hexdigest(),
            count,
            moment,
        )

    tz = zoneinfo.ZoneInfo(timezone)
    rows = read_rows(path, encoding, limits)
    total = len(rows)
    errors: list[RowError] = []
    messages: list[tuple[int, Message]] = []
    seen: set[str] = set()
    duplicates = 0
    for done, (number, record) in enumerate(rows, start=1):
        try:
            message = build_message(record, tz)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        if message.external_id in seen:
            duplicates += 1
            continue
        seen.add(message.external_id)
        messages.append((number, message))
        if done % BATCH == 0:
            check_cancelled()
            if progress is not None:
                progress(done // 3, total)
    del rows
    if errors:
        return ImportResult(errors=tuple(errors))
    check_cancelled()
    resume_staged_imports(db, now, lifecycle=lifecycle)  # an earlier accepted file not finished
    if len(messages) <= SINGLE_TRANSACTION_ROWS:
        with db.session() as session, session.begin():
            moment = now()
            ids = _store(session, [m for _n, m in messages], moment, lifecycle)
            record_import(len(ids), moment, session)
        if progress is not None:
            progress(total, total)
        return ImportResult(
            imported=len(ids), duplicates=duplicates + len(messages) - len(ids), message_ids=tuple(ids)
        )
    # Stage the file in short transactions; it is accepted (and only then moved) by one tiny
    # transaction at the end. Cancelled or failed before that: the staged rows are dropped.
    batch_id = uuid.uuid4().hex
    try:
        for start in range(0, len(messages), BATCH):
            check_cancelled()
            with db.session() as session, session.begin():
                session.execute(
                    sa.insert(ImportStagingRow),
                    [
                        {
                            "batch_id": batch_id,
                            "row_no": number,
                            "payload": _to_payload(m),
                            "created_at": now(),
                        }
                        for number, m in messages[start : start + BATCH]
                    ],
                )
            if progress is not None:
                progress(total // 3 + min(start + BATCH, len(messages)) * total // (3 * len(messages)), total)
        check_cancelled()
        with db.session() as session, session.begin():
            session.add(
                AppSetting(key=_ACCEPTED + batch_id, value={"file": path.name, "rows": len(messages)})
            )
            record_import(len(messages), now(), session)  # accepted whole: these rows will all be in
    except BaseException:
        _drop_staged(db, batch_id)
        raise
    moved = [0]

    def moved_rows(count: int) -> None:
        moved[0] += count
        if progress is not None:
            progress(2 * total // 3 + moved[0] * (total - 2 * total // 3) // len(messages), total)

    ids = resume_staged_imports(db, now, moved_rows, lifecycle=lifecycle)
    if progress is not None:
        progress(total, total)
    return ImportResult(
        imported=len(ids), duplicates=duplicates + len(messages) - len(ids), message_ids=tuple(ids)
    )


# --- pasting one post -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PastedPost:
    author_name: str
    post_url: str
    text: str
    platform: str
    channel_kind: ChannelKind | None
    author_profile_url: str = ""


_URL_RE = re.compile(r"https?://\S+")
_DOMAINS: tuple[tuple[str, str], ...] = (
    ("vkvideo.ru", "vk_video"),
    ("vk.com/video", "vk_video"),
    ("vk.com", "vk"),
    ("vk.ru", "vk"),
    ("ok.ru", "ok"),
    ("t.me", "telegram"),
    ("telegram.me", "telegram"),
    ("max.ru", "max"),
    ("rutube.ru", "rutube"),
    ("youtube.com", "youtube"),
    ("youtu.be", "youtube"),
)
_LABELS = {
    "автор": "author",
    "ссылка": "url",
    "ссылканасообщение": "url",
    "ссылканаавтора": "profile",
    "площадка": "platform",
    "текст": "text",
}


def platform_from_url(url: str) -> str:
    lowered = url.lower()
    for fragment, platform in _DOMAINS:
        if f"//{fragment}" in lowered or f".{fragment}" in lowered:
            return platform
    return ""


def parse_pasted_post(text: str) -> PastedPost:
    """Read a post copied from the Incident system or the social network.

    Lines ``Автор: …``, ``Ссылка: …``, ``Ссылка на автора: …``, ``Площадка: …``, ``Текст: …`` are used when
    present. Otherwise: the first URL is the post link, a short first line without a URL followed by more
    lines is the author, everything else is the text. The platform is guessed from the link's domain.
    """
    labelled: dict[str, str] = {}
    rest: list[str] = []
    lines = [line.rstrip() for line in text.strip().splitlines()]
    in_text = False
    for line in lines:
        if not in_text and ":" in line and not line.lstrip().lower().startswith("http"):
            label, value = line.split(":", 1)
            key = _LABELS.get(_norm(label))
            if key:
                if key == "text":
                    in_text = True
                    if value.strip():
                        rest.append(value.strip())
                else:
                    labelled[key] = value.strip()
                continue
        rest.append(line)
    post_url = labelled.get("url", "")
    body: list[str] = []
    for line in rest:
        match = _URL_RE.search(line)
        if not post_url and match and line.strip() == match.group(0):
            post_url = match.group(0)
            continue
        body.append(line)
    author = labelled.get("author", "")
    while body and not body[0].strip():
        body.pop(0)
    if (
        not author
        and len(body) > 1
        and len(body[0]) <= 60
        and not _URL_RE.search(body[0])
        and not body[0].rstrip().endswith((".", "!", "?"))
    ):
        author = body.pop(0).strip()
    platform = normalise_platform(labelled.get("platform", "")) or platform_from_url(post_url)
    return PastedPost(
        author_name=author,
        post_url=post_url,
        text="\n".join(body).strip(),
        platform=platform,
        channel_kind=PLATFORM_CHANNEL.get(platform),
        author_profile_url=labelled.get("profile", ""),
    )
