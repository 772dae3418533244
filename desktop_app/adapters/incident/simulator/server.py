"""An in-process HTTP server that plays the Incident system (``docs/incident-api.yaml``) on loopback.

State lives in :class:`SimulatorStore` (thread-safe). Messages are generated lazily from the seed at
``rate`` per minute; outbound actions are stored idempotently by ``Idempotency-Key`` so the same key
never publishes twice. Faults (see :mod:`.faults`) are injected into ``/api/`` requests only; the
``/_sim/`` endpoints that tests read are never faulty.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop_app.adapters.incident.simulator.faults import FaultSpec, parse_faults
from desktop_app.adapters.incident.simulator.generator import MOSCOW, MessageGenerator

log = logging.getLogger(__name__)

MAX_PAGE = 1000
PUBLICATION_KINDS = ("answer", "interim", "clarification")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(MOSCOW).isoformat(timespec="seconds")


@dataclass
class OutboundRecord:
    """One accepted outbound action, as the simulator stored it."""

    key: str
    id: str
    action: str  # redirect | answer | interim | clarification
    incident_id: str
    url: str
    accepted_at: dt.datetime
    digest: str
    body: dict[str, Any] = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "idempotency_key": self.key,
            "action": self.action,
            "incident_id": self.incident_id,
            "url": self.url,
            "status": "published" if self.action != "redirect" else "redirected",
            "accepted_at": _iso(self.accepted_at),
        }


class SimulatorStore:
    """Messages, the change feed and accepted outbound actions of the simulated Incident system."""

    def __init__(
        self,
        seed: int = 0,
        rate: float = 0.0,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        attachment_ratio: float | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.generator = MessageGenerator(seed)
        self.rng = random.Random(seed + 1)
        self.rate = rate
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.base_url = ""
        self.attachment_ratio = attachment_ratio
        self.messages: dict[str, dict[str, Any]] = {}
        self.feed: list[dict[str, Any]] = []  # snapshots; cursor = index + 1
        self.attachments: dict[str, tuple[str, str, bytes]] = {}  # id -> (filename, media type, bytes)
        self.outbound: dict[str, OutboundRecord] = {}
        self.outbound_order: list[OutboundRecord] = []
        self.awaiting_reply: list[str] = []
        self.faults = FaultSpec()  # the feed faults (orphan_reply, bad_item) are the store's
        self.fault_rng = random.Random(seed + 2)
        self.bad_ids: list[str] = []
        self._held: list[dict[str, Any]] = []
        self._bad_no = 0
        self._message_no = 1_000_000 + (seed % 1000) * 1_000_000
        self._reply_no = 0
        self._attachment_no = 0
        self._outbound_no = 0
        self._started = time.monotonic()
        self._generated_by_rate = 0

    # --- generation -------------------------------------------------------------------------------

    def _photos(self, count: int) -> list[dict[str, Any]]:
        result = []
        for _ in range(count):
            self._attachment_no += 1
            att_id = f"ATT-{self._attachment_no}"
            filename = f"IMG_{20260000 + self._attachment_no}.png"
            self.attachments[att_id] = (filename, "image/png", self.generator.photo())
            result.append({"id": att_id, "filename": filename, "media_type": "image/png"})
        return result

    def _append(self, item: dict[str, Any]) -> None:
        snapshot = dict(item)
        snapshot["cursor"] = str(len(self.feed) + 1)
        self.feed.append(snapshot)

    def add_message(
        self,
        *,
        arrived_at: dt.datetime | None = None,
        photos: int | None = None,
        hold: bool = False,
        **overrides: Any,
    ) -> str:
        """Generate (and optionally override fields of) a new message; return its Incident id.

        ``hold``: known (answers accepted) but fed only at the next event — after its own reply.
        """
        with self.lock:
            generated = self.generator.message()
            arrived = arrived_at or self.clock()
            self._message_no += 1
            incident_id = f"INC-{self._message_no}"
            count = int(generated["photos"]) if photos is None else photos  # type: ignore[call-overload]
            if photos is None and self.attachment_ratio is not None:
                count = 1 if self.rng.random() < self.attachment_ratio else 0
            item: dict[str, Any] = {
                "id": incident_id,
                "parent_id": None,
                "kind": "message",
                "channel_kind": generated["channel_kind"],
                "platform": generated["platform"],
                "author": generated["author"],
                "post_url": generated["post_url"],
                "text": generated["text"],
                "posted_at": _iso(arrived - dt.timedelta(minutes=int(generated["posted_minutes_before"]))),  # type: ignore[call-overload]
                "arrived_at": _iso(arrived),
                "from_author": True,
                "attachments": self._photos(count),
            }
            item.update(overrides)
            self.messages[incident_id] = item
            if hold:
                self._held.append(item)
            else:
                self._append(item)
            return incident_id

    def add_bad_item(self, variant: int | None = None) -> str:
        """A malformed feed item (the ``bad_item`` fault): each variant breaks the contract differently."""
        with self.lock:
            self._bad_no += 1
            number = self._bad_no
            kind = (number - 1) % len(BAD_ITEM_VARIANTS) if variant is None else variant
            now = self.clock()
            item: dict[str, Any] = {
                "id": f"BAD-{number}",
                "parent_id": None,
                "kind": "bad",
                "channel_kind": "social_network",
                "platform": "vk",
                "author": {"name": "Нарушитель Контракта", "profile_url": "https://vk.com/id1"},
                "post_url": f"https://vk.com/wall-1_{number}",
                "text": "Элемент ленты с ошибкой в данных.",
                "posted_at": _iso(now),
                "arrived_at": _iso(now),
                "from_author": True,
                "attachments": [],
            }
            BAD_ITEM_VARIANTS[kind](item)
            self.bad_ids.append(str(item["id"]))
            self._append(item)
            return str(item["id"])

    def _roll(self, probability: float) -> bool:
        return probability > 0 and self.fault_rng.random() < probability

    def adopt_message(
        self,
        incident_id: str,
        *,
        channel_kind: str,
        platform: str,
        author: str | dict[str, str],
        post_url: str,
        text: str,
        arrived_at: dt.datetime | None = None,
        posted_at: dt.datetime | None = None,
    ) -> None:
        """Know a message that reached the administration before this simulator started (the demo's
        history): it accepts answers to it and its author may reply, but it is not fed again.

        Stored in the contract's shape (``author`` an object, ``attachments`` a list, times with
        offset), so its later edits and replies are items the adapter reads like any other.
        """
        if isinstance(author, str):
            author = {"name": author, "profile_url": ""}
        arrived = arrived_at or self.clock()
        with self.lock:
            self.messages.setdefault(
                incident_id,
                {
                    "id": incident_id,
                    "parent_id": None,
                    "kind": "message",
                    "channel_kind": channel_kind,
                    "platform": platform,
                    "author": {"name": author.get("name", ""), "profile_url": author.get("profile_url", "")},
                    "post_url": post_url,
                    "text": text,
                    "posted_at": _iso(posted_at) if posted_at else None,
                    "arrived_at": _iso(arrived),
                    "from_author": True,
                    "attachments": [],
                },
            )

    def add_reply(self, parent_id: str, text: str | None = None, *, photos: int = 0) -> str:
        """The author of ``parent_id`` writes again in the same thread."""
        with self.lock:
            parent = self.messages[parent_id]
            self._reply_no += 1
            now = self.clock()
            item = {
                **{k: parent[k] for k in ("channel_kind", "platform", "author", "post_url")},
                "id": f"{parent_id}-R{self._reply_no}",
                "parent_id": parent_id,
                "kind": "reply",
                "text": text or self.generator.reply_text(),
                "posted_at": _iso(now - dt.timedelta(minutes=1)),
                "arrived_at": _iso(now),
                "from_author": True,
                "attachments": self._photos(photos),
            }
            self._append(item)
            return str(item["id"])

    def update_message(self, incident_id: str, text: str) -> None:
        """The author edited the post: it reappears in the feed with the new text."""
        with self.lock:
            self.messages[incident_id]["text"] = text
            self._append(self.messages[incident_id])

    def random_event(self) -> None:
        """A new message (mostly), or a reply to an earlier thread, or an edit; with feed faults
        (``orphan_reply``, ``bad_item``) also a reply fed before its parent, or a malformed item."""
        with self.lock:
            while self._held:
                self._append(self._held.pop(0))  # the parent of an orphan reply, one event late
            faults = self.faults
            if self._roll(faults.bad_item):
                self.add_bad_item()
            if self._roll(faults.orphan_reply):
                parent = self.add_message(hold=True)
                self.add_reply(parent)
                return
            roll = self.rng.random()
            if self.messages and roll < 0.12:
                parent = (
                    self.awaiting_reply.pop(0)
                    if self.awaiting_reply
                    else self.rng.choice(list(self.messages))
                )
                self.add_reply(parent)
            elif self.messages and roll < 0.15:
                incident_id = self.rng.choice(list(self.messages))
                self.update_message(
                    incident_id, self.messages[incident_id]["text"] + " UPD: до сих пор не решено."
                )
            else:
                self.add_message()

    def seed_backlog(self, count: int, *, replies: bool = True) -> None:
        """Pre-seed ``count`` messages that arrived over the past hours (plus some replies)."""
        with self.lock:
            now = self.clock()
            for i in range(count):
                self.add_message(arrived_at=now - dt.timedelta(seconds=20 * (count - i)))
                if replies and i > 10 and self.rng.random() < 0.08:
                    self.add_reply(self.rng.choice(list(self.messages)))

    def generate_due(self) -> None:
        """Generate the messages ``rate`` per minute says are due by now."""
        if self.rate <= 0:
            return
        with self.lock:
            due = int((time.monotonic() - self._started) * self.rate / 60.0)
            while self._generated_by_rate < due:
                self._generated_by_rate += 1
                self.random_event()

    # --- feed and outbound ------------------------------------------------------------------------

    def page(self, cursor: str, limit: int, inline: bool) -> dict[str, Any]:
        start = int(cursor) if cursor else 0
        limit = max(1, min(limit, MAX_PAGE))
        with self.lock:
            chunk = self.feed[start : start + limit]
            end = start + len(chunk)
            has_more = end < len(self.feed)
        items = []
        for snapshot in chunk:
            item = {k: v for k, v in snapshot.items() if k != "kind"}
            if not isinstance(snapshot.get("attachments"), list):
                items.append(item)  # a bad_item fault: fed exactly as broken
                continue
            attachments = []
            for a in snapshot["attachments"]:
                if "content_base64" in a:  # a bad_item fault's own (broken) content
                    attachments.append(dict(a))
                    continue
                entry = dict(a, url=f"{self.base_url}/api/v1/attachments/{a['id']}")
                if inline:
                    entry["content_base64"] = base64.b64encode(self.attachments[a["id"]][2]).decode("ascii")
                attachments.append(entry)
            item["attachments"] = attachments
            items.append(item)
        return {"items": items, "next_cursor": str(end), "has_more": has_more}

    def accept(
        self, key: str, action: str, incident_id: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Store an outbound action once per key; the same key again returns the same record."""
        digest = hashlib.sha256(json.dumps([action, incident_id, body], sort_keys=True).encode()).hexdigest()
        with self.lock:
            existing = self.outbound.get(key)
            if existing is not None:
                if existing.digest != digest:
                    return 422, _error(
                        "idempotency_conflict", "Ключ идемпотентности уже использован с другими данными."
                    )
                return 200, existing.as_json()
            message = self.messages.get(incident_id)
            if message is None:
                return 404, _error("not_found", f"Сообщение {incident_id} не найдено.")
            if action == "redirect":
                if (
                    not str(body.get("target_organisation", "")).strip()
                    or not str(body.get("reason", "")).strip()
                ):
                    return 422, _error("invalid", "Для перенаправления нужны организация и причина.")
            elif not str(body.get("text", "")).strip():
                return 422, _error("invalid", "Текст публикации пуст.")
            self._outbound_no += 1
            out_id = f"OUT-{self._outbound_no}"
            url = (
                f"{self.base_url}/incidents/{incident_id}/redirects/{out_id}"
                if action == "redirect"
                else f"{message['post_url']}{'&' if '?' in message['post_url'] else '?'}answer={out_id}"
            )
            record = OutboundRecord(key, out_id, action, incident_id, url, self.clock(), digest, body)
            self.outbound[key] = record
            self.outbound_order.append(record)
            if action == "clarification":
                self.awaiting_reply.append(incident_id)
            return 201, record.as_json()

    def publications(self) -> list[OutboundRecord]:
        with self.lock:
            return list(self.outbound_order)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _naive_time(item: dict[str, Any]) -> None:
    item["arrived_at"] = str(item["arrived_at"])[:19]


def _impossible_date(item: dict[str, Any]) -> None:
    item["arrived_at"] = "2026-02-30T10:00:00+03:00"


def _author_string(item: dict[str, Any]) -> None:
    item["author"] = "Нарушитель Контракта"


def _time_number(item: dict[str, Any]) -> None:
    item["arrived_at"] = 1_780_000_000


def _non_ascii_base64(item: dict[str, Any]) -> None:
    item["attachments"] = [
        {
            "id": f"{item['id']}-A",
            "filename": "фото.png",
            "media_type": "image/png",
            "content_base64": "фото==",
        }
    ]


def _garbage_base64(item: dict[str, Any]) -> None:
    item["attachments"] = [
        {"id": f"{item['id']}-A", "filename": "фото.png", "media_type": "image/png", "content_base64": "!!!!"}
    ]


def _attachments_string(item: dict[str, Any]) -> None:
    item["attachments"] = "фото.png"


#: How a ``bad_item`` breaks the contract, in turn (issue 12's hostile cases).
BAD_ITEM_VARIANTS: tuple[Callable[[dict[str, Any]], None], ...] = (
    _naive_time,
    _impossible_date,
    _author_string,
    _time_number,
    _non_ascii_base64,
    _garbage_base64,
    _attachments_string,
)

#: Bodies of a ``malformed_success`` 201: the action is stored, the answer is unusable.
MALFORMED_SUCCESS_BODIES: tuple[Callable[[dict[str, Any]], bytes], ...] = (
    lambda record: json.dumps({**record, "accepted_at": str(record["accepted_at"])[:19]}).encode(),
    lambda record: json.dumps({**record, "accepted_at": 1_780_000_000}).encode(),
    lambda record: json.dumps({k: v for k, v in record.items() if k != "id"}).encode(),
    lambda record: json.dumps(record).encode()[:-7],
    lambda record: b"<html>OK</html>",
)


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], store: SimulatorStore, faults: FaultSpec, token: str
    ) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.faults = faults
        self.token = token
        self.stopping = threading.Event()
        self.fault_rng = random.Random(store.rng.random())
        self.fault_lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.malformed_no = 0
        store.faults = faults

    def roll(self, probability: float, kind: str) -> bool:
        """Decide one fault; count the ones injected (tests check the faults really happened)."""
        if probability <= 0:
            return False
        with self.fault_lock:
            hit = self.fault_rng.random() < probability
            if hit:
                self.injected[kind] += 1
            return hit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out separately: no 40 ms delayed-ACK stalls
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("simulator: " + format, *args)

    slow = False  # this response's body goes out a byte a second (the slow_body fault)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        content_type = (headers or {}).pop("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not self.slow:
            self.wfile.write(data)
            return
        self.close_connection = True
        try:
            for n in range(len(data)):
                if self.server.stopping.wait(0 if n == 0 else 1.0):
                    return
                self.wfile.write(data[n : n + 1])
                self.wfile.flush()
        except OSError:
            return  # the client gave up, as it should

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            value = json.loads(raw or b"{}")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _faults_before(self) -> bool:
        """Latency, 5xx, 429 and timeouts before the request is processed; True when answered."""
        server, faults = self.server, self.server.faults
        if faults.latency:
            server.stopping.wait(faults.latency)
        if server.roll(faults.timeout, "timeout"):
            server.stopping.wait(faults.hang)
            self.close_connection = True
            return True
        if server.roll(faults.error5xx, "error5xx"):
            self._send(503, _error("unavailable", "Сервис временно недоступен."))
            return True
        if server.roll(faults.error429, "error429"):
            self._send(429, _error("rate_limited", "Слишком много запросов."), {"Retry-After": "1"})
            return True
        return False

    def _authorised(self) -> bool:
        token = self.server.token
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._send(401, _error("unauthorized", "Неверный токен доступа."))
            return False
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        store = self.server.store
        if parts[:1] == ["_sim"]:
            if parts[1:] == ["publications"]:
                self._send(200, {"items": [r.as_json() | {"body": r.body} for r in store.publications()]})
            elif parts[1:] == ["stats"]:
                self._send(
                    200,
                    {
                        "messages": len(store.messages),
                        "feed": len(store.feed),
                        "outbound": len(store.outbound),
                    },
                )
            else:
                self._send(404, _error("not_found", "Нет такого адреса."))
            return
        if parts[:2] != ["api", "v1"]:
            self._send(404, _error("not_found", "Нет такого адреса."))
            return
        if not self._authorised() or self._faults_before():
            return
        self.slow = self.server.roll(self.server.faults.slow_body, "slow_body")
        store.generate_due()
        rest = parts[2:]
        if rest == ["feed"]:
            query = parse_qs(url.query)
            try:
                limit = int(query.get("limit", ["500"])[0])
                cursor = query.get("cursor", [""])[0]
                int(cursor or "0")
            except ValueError:
                self._send(400, _error("invalid", "Неверный курсор или размер страницы."))
                return
            inline = query.get("inline_attachments", ["false"])[0] == "true"
            self._send(200, store.page(cursor, limit, inline))
        elif len(rest) == 2 and rest[0] == "attachments" and rest[1] in store.attachments:
            _filename, media_type, content = store.attachments[rest[1]]
            self._send(200, content, {"Content-Type": media_type})
        elif len(rest) == 2 and rest[0] == "outbound":
            record = store.outbound.get(rest[1])
            if record is None:
                self._send(404, _error("not_found", "Действие с таким ключом не поступало."))
            else:
                self._send(200, record.as_json())
        else:
            self._send(404, _error("not_found", "Нет такого адреса."))

    def do_POST(self) -> None:
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        body = self._body()
        if parts[:2] != ["api", "v1"]:
            self._send(404, _error("not_found", "Нет такого адреса."))
            return
        if not self._authorised() or self._faults_before():
            return
        rest = parts[2:]
        key = self.headers.get("Idempotency-Key", "")
        if body is None:
            self._send(400, _error("invalid", "Тело запроса должно быть объектом JSON."))
            return
        if not key:
            self._send(400, _error("invalid", "Нет заголовка Idempotency-Key."))
            return
        if len(rest) == 3 and rest[0] == "messages" and rest[2] == "redirects":
            action = "redirect"
        elif len(rest) == 3 and rest[0] == "messages" and rest[2] == "publications":
            action = str(body.get("kind", ""))
            if action not in PUBLICATION_KINDS:
                self._send(422, _error("invalid", f"Неизвестный вид публикации «{action}»."))
                return
            for attachment in body.get("attachments") or ():
                try:
                    base64.b64decode(attachment["content_base64"], validate=True)
                except (KeyError, TypeError, ValueError):
                    self._send(422, _error("invalid", "Вложение передано неверно."))
                    return
        else:
            self._send(404, _error("not_found", "Нет такого адреса."))
            return
        status, answer = self.server.store.accept(key, action, rest[1], body)
        faults = self.server.faults
        if status in (200, 201):
            if self.server.roll(faults.drop_after_accept, "drop_after_accept"):
                self.close_connection = True  # stored, but the client never hears back
                return
            if self.server.roll(faults.hang_after_accept, "hang_after_accept"):
                self.server.stopping.wait(faults.hang)
                self.close_connection = True
                return
            if self.server.roll(faults.malformed_success, "malformed_success"):
                with self.server.fault_lock:
                    self.server.malformed_no += 1
                    variant = self.server.malformed_no % len(MALFORMED_SUCCESS_BODIES)
                self._send(201, MALFORMED_SUCCESS_BODIES[variant](answer))
                return
        self._send(status, answer)


class SimulatorHandle:
    """A running simulator: ``base_url``, its ``store`` for tests, ``stop()``."""

    def __init__(self, server: SimulatorServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.store = server.store
        server.store.base_url = self.base_url

    def set_faults(self, faults: FaultSpec | str | None) -> None:
        spec = faults if isinstance(faults, FaultSpec) else parse_faults(faults)
        self._server.faults = spec
        self.store.faults = spec

    def publications(self) -> list[OutboundRecord]:
        return self.store.publications()

    def injected_faults(self) -> dict[str, int]:
        """How many faults of each kind were injected so far."""
        with self._server.fault_lock:
            return dict(self._server.injected)

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_simulator(
    *,
    seed: int = 0,
    rate: float = 0.0,
    faults: FaultSpec | str | None = None,
    initial_messages: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = "",
    attachment_ratio: float | None = None,
) -> SimulatorHandle:
    """Start the simulator in a background thread (port 0 = any free port) and return its handle."""
    spec = faults if isinstance(faults, FaultSpec) else parse_faults(faults)
    store = SimulatorStore(seed, rate, attachment_ratio=attachment_ratio)
    server = SimulatorServer((host, port), store, spec, token)
    thread = threading.Thread(target=server.serve_forever, name="incident-simulator", daemon=True)
    thread.start()
    handle = SimulatorHandle(server, thread)
    if initial_messages:
        store.seed_backlog(initial_messages)
    return handle
