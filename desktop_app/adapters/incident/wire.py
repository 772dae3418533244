"""Reading one feed item of ``docs/incident-api.yaml`` on its own (R1, R5, issue 12).

A hostile or buggy peer may send anything. :func:`parse_item` checks every field of one item against
the contract and the size limits and raises :class:`FeedItemError` with a Russian reason naming the
field; the caller quarantines that item and goes on with its neighbours. :func:`item_to_wire` writes
an :class:`IncomingItem` back in the contract's shape, so a quarantined item is retried by parsing
again whatever gateway delivered it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.adapters.incident.gateway import (
    IncidentError,
    IncomingAttachment,
    IncomingItem,
    RejectedItem,
)
from desktop_app.domain.lifecycle import ChannelKind

#: What an oversized JSON string becomes when a page is read with :class:`JsonSqueezer` (+ its size).
OVERSIZE_MARK = "\u0000otklik:oversize:"

#: Longest Incident id the database keeps (``messages.external_id``).
MAX_ID_CHARS = 120
MAX_ATTACHMENTS_PER_ITEM = 50


class FeedItemError(Exception):
    """One feed item cannot be used; ``str()`` is a Russian reason for administrators."""


@dataclass(frozen=True)
class FeedLimits:
    """Size caps of one item (settings ``incident.max_text_chars``, ``incident.max_attachment_bytes``)."""

    max_text_chars: int = 100_000
    max_attachment_bytes: int = 25 * 1024 * 1024

    def attachment_cap_text(self) -> str:
        return _size_text(self.max_attachment_bytes)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} МБ"
    if size >= 1024:
        return f"{size / 1024:g} КБ"
    return f"{size} байт"


def dumps(raw: Any) -> str:
    """The payload as kept in quarantine: JSON text (a non-JSON value is kept as its ``repr``)."""
    try:
        return json.dumps(raw, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.dumps(repr(raw), ensure_ascii=False)


def oversize(value: object) -> int | None:
    """The original size in bytes of a string :class:`JsonSqueezer` dropped, else None."""
    if isinstance(value, str) and value.startswith(OVERSIZE_MARK):
        tail = value[len(OVERSIZE_MARK) :]
        return int(tail) if tail.isdigit() else 0
    return None


def _text_field(raw: dict[str, Any], name: str, *, required: bool = False, default: str = "") -> str:
    value = raw.get(name)
    if value is None:
        if required:
            raise FeedItemError(f"нет обязательного поля «{name}»")
        return default
    if not isinstance(value, str):
        raise FeedItemError(f"поле «{name}» должно быть строкой")
    size = oversize(value)
    if size is not None:
        raise FeedItemError(f"поле «{name}» слишком большое ({_size_text(size)})")
    return value


def _id_field(raw: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise FeedItemError(f"нет обязательного поля «{name}»")
        return None
    if oversize(value) is not None:
        raise FeedItemError(f"поле «{name}» слишком большое")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FeedItemError(f"поле «{name}» должно быть строкой")
    text = str(value)
    if len(text) > MAX_ID_CHARS:
        raise FeedItemError(f"поле «{name}» длиннее {MAX_ID_CHARS} символов")
    return text


def parse_time(value: Any, name: str, *, required: bool) -> dt.datetime | None:
    """An ISO 8601 time **with offset** as aware UTC; naive or impossible times are refused."""
    if value is None or value == "":
        if required:
            raise FeedItemError(f"нет обязательного поля «{name}»")
        return None
    if not isinstance(value, str):
        raise FeedItemError(f"поле «{name}» должно быть временем ISO 8601 со смещением, а не числом")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FeedItemError(f"поле «{name}»: неверное время или дата вне календаря") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        # Never guess a zone: a 3-hour error would move every R3/R5 deadline.
        raise FeedItemError(f"поле «{name}»: время без часового пояса")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:
        raise FeedItemError(f"поле «{name}»: время вне допустимого диапазона") from exc


def decode_base64(value: str, filename: str, limits: FeedLimits) -> bytes:
    """Strict base64 (``validate=True``): garbage is an error, never a 0-byte "photo"."""
    if not value.isascii():
        raise FeedItemError(f"вложение «{filename}»: содержимое не в кодировке base64")
    if len(value) > (limits.max_attachment_bytes + 2) // 3 * 4 + 4:
        raise FeedItemError(f"вложение «{filename}» больше {limits.attachment_cap_text()}")
    try:
        content = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FeedItemError(f"вложение «{filename}»: содержимое не в кодировке base64") from exc
    if not content:
        raise FeedItemError(f"вложение «{filename}» пустое")
    if len(content) > limits.max_attachment_bytes:
        raise FeedItemError(f"вложение «{filename}» больше {limits.attachment_cap_text()}")
    return content


def _attachment(raw: Any, limits: FeedLimits, download: Callable[[str], bytes] | None) -> IncomingAttachment:
    if not isinstance(raw, dict):
        raise FeedItemError("вложение должно быть объектом")
    att_id = _id_field(raw, "id", required=True)
    assert att_id is not None
    filename = _text_field(raw, "filename") or att_id
    media_type = _text_field(raw, "media_type") or "application/octet-stream"
    url = _text_field(raw, "url")
    if oversize(raw.get("content_base64")) is not None:
        raise FeedItemError(f"вложение «{filename}» больше {limits.attachment_cap_text()}")
    encoded = _text_field(raw, "content_base64")
    if encoded:
        content = decode_base64(encoded, filename, limits)
    elif url:
        if download is None:
            raise FeedItemError(f"вложение «{filename}» не получено: нет способа загрузить его по ссылке")
        try:
            content = download(url)
        except IncidentError as exc:
            raise FeedItemError(f"вложение «{filename}» не получено: {exc}") from exc
        if len(content) > limits.max_attachment_bytes:
            raise FeedItemError(f"вложение «{filename}» больше {limits.attachment_cap_text()}")
    else:
        raise FeedItemError(f"вложение «{filename}»: нет ни содержимого, ни ссылки")
    return IncomingAttachment(
        id=att_id, filename=filename[:300], media_type=media_type[:100], url=url[:1000], content=content
    )


def parse_item(raw: Any, limits: FeedLimits, download: Callable[[str], bytes] | None = None) -> IncomingItem:
    """One feed item checked against the contract; :class:`FeedItemError` names what is wrong."""
    if not isinstance(raw, dict):
        raise FeedItemError("элемент ленты должен быть объектом")
    item_id = _id_field(raw, "id", required=True)
    assert item_id is not None
    parent_id = _id_field(raw, "parent_id", required=False)
    channel = _text_field(raw, "channel_kind", required=True)
    if channel not in {c.value for c in ChannelKind}:
        raise FeedItemError(f"неизвестный вид источника «{channel[:40]}»")
    platform = _text_field(raw, "platform", required=True)
    if not platform.strip():
        raise FeedItemError("поле «platform» пустое")
    author = raw.get("author")
    if not isinstance(author, dict):
        raise FeedItemError("поле «author» должно быть объектом с именем автора")
    author_name = _text_field(author, "name", required=True)
    profile_url = _text_field(author, "profile_url")
    if oversize(raw.get("text")) is not None:
        raise FeedItemError(f"текст длиннее {limits.max_text_chars} символов")
    text = _text_field(raw, "text", required=True)
    if len(text) > limits.max_text_chars:
        raise FeedItemError(f"текст длиннее {limits.max_text_chars} символов")
    from_author = raw.get("from_author", True)
    if not isinstance(from_author, bool):
        raise FeedItemError("поле «from_author» должно быть true или false")
    attachments_raw = raw.get("attachments")
    if attachments_raw is None:
        attachments_raw = []
    if not isinstance(attachments_raw, list):
        raise FeedItemError("поле «attachments» должно быть списком")
    if len(attachments_raw) > MAX_ATTACHMENTS_PER_ITEM:
        raise FeedItemError(f"больше {MAX_ATTACHMENTS_PER_ITEM} вложений")
    posted_at = parse_time(raw.get("posted_at"), "posted_at", required=False)
    arrived_at = parse_time(raw.get("arrived_at"), "arrived_at", required=True)
    assert arrived_at is not None
    cursor = raw.get("cursor")
    if cursor is not None and not isinstance(cursor, str | int):
        raise FeedItemError("поле «cursor» должно быть строкой")
    attachments = tuple(_attachment(a, limits, download) for a in attachments_raw)
    return IncomingItem(
        id=item_id,
        channel_kind=channel,
        platform=platform,
        author_name=author_name,
        author_profile_url=profile_url,
        post_url=_text_field(raw, "post_url"),
        text=text,
        posted_at=posted_at,
        arrived_at=arrived_at,
        attachments=attachments,
        parent_id=parent_id,
        from_author=from_author,
        cursor="" if cursor is None else str(cursor),
    )


def reject(raw: Any, reason: str) -> RejectedItem:
    """A :class:`RejectedItem` for ``raw`` with whatever id can still be read."""
    item_id, parent_id = "", None
    if isinstance(raw, dict):
        value = raw.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool):
            item_id = str(value)[:200]
        parent = raw.get("parent_id")
        if isinstance(parent, str | int) and not isinstance(parent, bool) and parent != "":
            parent_id = str(parent)[:200]
    return RejectedItem(item_id=item_id, reason=reason, payload=dumps(raw), parent_id=parent_id)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def item_to_wire(item: IncomingItem) -> dict[str, Any]:
    """The item in the contract's shape (attachments inline), as kept in quarantine."""
    return {
        "id": item.id,
        "parent_id": item.parent_id,
        "channel_kind": item.channel_kind,
        "platform": item.platform,
        "author": {"name": item.author_name, "profile_url": item.author_profile_url},
        "post_url": item.post_url,
        "text": item.text,
        "posted_at": _iso(item.posted_at),
        "arrived_at": _iso(item.arrived_at),
        "from_author": item.from_author,
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "media_type": a.media_type,
                "url": a.url,
                **(
                    {"content_base64": base64.b64encode(a.content).decode("ascii")}
                    if a.content is not None
                    else {}
                ),
            }
            for a in item.attachments
        ],
        "cursor": item.cursor,
    }


def item_payload(item: IncomingItem) -> str:
    """What quarantine keeps of a parsed item: its raw JSON if the adapter kept it, else its wire form."""
    if item.raw is not None:
        return dumps(item.raw)
    try:
        return dumps(item_to_wire(item))
    except (AttributeError, TypeError, ValueError):
        return dumps(repr(item))


class SqueezeOverflow(Exception):
    """Even without its long strings the JSON is over the cap."""


class JsonSqueezer:
    """Copies a JSON byte stream, replacing every string longer than ``max_string`` bytes by
    :data:`OVERSIZE_MARK` and its size: a 300 MB text costs ``max_total`` bytes of memory at most, and
    the item it belongs to can still be read (its id, the cursor after it) and quarantined.

    Strings are skipped with ``bytes.find`` (a quote closes a string unless an odd run of backslashes
    precedes it), so even a long text read this way costs little CPU.
    """

    def __init__(self, max_string: int, max_total: int) -> None:
        self.max_string = max_string
        self.max_total = max_total
        self.out = bytearray()
        self._in_string = False
        self._current: bytearray | None = None
        self._length = 0
        self._backslashes = 0

    def feed(self, data: bytes) -> None:
        pos, end = 0, len(data)
        while pos < end:
            quote = data.find(b'"', pos)
            stop = end if quote < 0 else quote
            segment = data[pos:stop]
            if not self._in_string:
                self.out += segment
                if quote < 0:
                    break
                self.out += b'"'
                self._in_string, self._current, self._length, self._backslashes = True, bytearray(), 0, 0
                pos = quote + 1
            else:
                stripped = segment.rstrip(b"\\")
                run = len(segment) - len(stripped)
                trailing = run if stripped else self._backslashes + run
                self._keep(segment)
                if quote < 0:
                    self._backslashes = trailing
                    break
                pos = quote + 1
                if trailing % 2:  # an escaped quote belongs to the string
                    self._keep(b'"')
                    self._backslashes = 0
                    continue
                if self._current is None:
                    self.out += b"\\u0000otklik:oversize:" + str(self._length).encode()
                else:
                    self.out += self._current
                self.out += b'"'
                self._in_string, self._current = False, None
            if len(self.out) + len(self._current or b"") > self.max_total:
                raise SqueezeOverflow()
        if len(self.out) + len(self._current or b"") > self.max_total:
            raise SqueezeOverflow()

    def _keep(self, segment: bytes) -> None:
        self._length += len(segment)
        if self._current is not None:
            if self._length <= self.max_string:
                self._current += segment
            else:
                self._current = None

    def result(self) -> bytes:
        return bytes(self.out)
