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
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import io
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.errors import OtklikError
from desktop_app.models.database import Database
from desktop_app.models.entities import Message
from desktop_app.services import workflow_hooks
from desktop_app.services.actor import Actor
from desktop_app.services.workflow_hooks import Lifecycle


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ImportFileError(OtklikError):
    """The file cannot be read at all (format, encoding, missing columns)."""


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


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {field: raw value}) for every non-empty data row of an xlsx, csv or json file."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            import openpyxl

            try:
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many kinds for a damaged file
                raise ImportFileError(
                    f"Файл «{path.name}» не удаётся прочитать как таблицу Excel: {exc}."
                ) from exc
            try:
                return _rows_from_table(book.worksheets[0].iter_rows(values_only=True), 1)
            finally:
                book.close()
        if suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "cp1251"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ImportFileError(
                    f"Файл «{path.name}» в неизвестной кодировке (нужна UTF-8 или Windows-1251)."
                )
            sample = text[:4096]
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
            if sample.count("\t") > max(sample.count(";"), sample.count(",")):
                delimiter = "\t"
            return _rows_from_table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
        if suffix == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise ImportFileError(f"Файл «{path.name}» не является корректным JSON: {exc}.") from exc
            if isinstance(data, dict):
                data = data.get("messages", data.get("items"))
            if not isinstance(data, list):
                raise ImportFileError("JSON должен быть списком сообщений или объектом с ключом «messages».")
            result = []
            for number, entry in enumerate(data, start=1):
                if not isinstance(entry, dict):
                    result.append((number, {"__error__": "элемент не является объектом"}))
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
    except OSError as exc:
        raise ImportFileError(f"Файл «{path}» не удаётся открыть: {exc.strerror or exc}.") from exc
    raise ImportFileError(f"Неизвестный формат файла «{path.name}»: поддерживаются .xlsx, .csv и .json.")


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
    lifecycle: Lifecycle,
) -> ImportResult:
    """Import one export file all or nothing; the result lists row errors (then nothing was imported).

    The import itself is on record (R11): who, which file, its SHA-256 and how many messages.
    """
    tz = zoneinfo.ZoneInfo(timezone)
    rows = read_rows(path)
    errors: list[RowError] = []
    messages: list[tuple[int, Message]] = []
    seen: set[str] = set()
    duplicates = 0
    for number, record in rows:
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
    if errors:
        return ImportResult(errors=tuple(errors))
    moment = now()
    ids: list[int] = []
    with db.session() as session, session.begin():
        existing: set[str] = set()
        all_ids = [m.external_id for _, m in messages]
        for start in range(0, len(all_ids), 500):
            chunk = all_ids[start : start + 500]
            existing |= set(
                session.scalars(sa.select(Message.external_id).where(Message.external_id.in_(chunk)))
            )
        for _number, message in messages:
            if message.external_id in existing:
                duplicates += 1
                continue
            message.created_at = moment
            message.updated_at = moment
            session.add(message)
            session.flush()
            lifecycle.message_arrived(session, message, moment)  # R5/R3 clocks from arrival
            ids.append(message.id)
        workflow_hooks.messages_imported(
            session,
            actor.user_id if actor else None,
            actor.login if actor else _cli_login(),
            path.name,
            hashlib.sha256(path.read_bytes()).hexdigest(),
            len(ids),
            moment,
        )
    return ImportResult(imported=len(ids), duplicates=duplicates, message_ids=tuple(ids))


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
