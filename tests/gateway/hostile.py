"""A hostile Incident-system peer in-process: speaks docs/incident-api.yaml, with bad data on demand.

``HostileServer(feed=[...])`` serves the raw feed items given (any JSON, broken on purpose) with an
integer cursor; ``script`` replaces any answer (trickled bodies, endless bodies, redirects,
non-advancing cursors). Every request is recorded with its headers, so tests can check which host
received the token.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MSK = dt.timezone(dt.timedelta(hours=3))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class Answer:
    """What to send: status, body (bytes or JSON), headers; ``trickle``: seconds between bytes;
    ``endless``: after the body, keep sending filler forever."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0
    endless: bool = False


def good_item(n: int, **overrides: Any) -> dict[str, Any]:
    """A contract-shaped feed item (a new message); ``overrides`` break or change it."""
    arrived = dt.datetime(2026, 5, 12, 9, 0, tzinfo=MSK) + dt.timedelta(seconds=n)
    item: dict[str, Any] = {
        "id": f"H-{n}",
        "parent_id": None,
        "channel_kind": "social_network",
        "platform": "vk",
        "author": {"name": f"Автор {n}", "profile_url": f"https://vk.com/id{n}"},
        "post_url": f"https://vk.com/wall-1_{n}",
        "text": f"Когда починят фонарь у дома {n}?",
        "posted_at": (arrived - dt.timedelta(minutes=2)).isoformat(),
        "arrived_at": arrived.isoformat(),
        "from_author": True,
        "attachments": [],
    }
    item.update(overrides)
    return item


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up on an endless body is the point, not an error


class HostileServer:
    """Loopback server; ``feed`` is served by ``GET /api/v1/feed``, ``script(seen)`` may answer first."""

    def __init__(
        self,
        feed: list[Any] | None = None,
        script: Callable[[Seen], Answer | None] | None = None,
    ) -> None:
        self.feed: list[Any] = list(feed or [])
        self.script = script
        self.seen: list[Seen] = []
        self.files: dict[str, bytes] = {}
        self.prepared_pages: dict[tuple[str, int], bytes] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def feed_page(self, cursor: str, limit: int) -> dict[str, Any]:
        start = int(cursor or 0)
        chunk = self.feed[start : start + limit]
        end = start + len(chunk)
        for offset, item in enumerate(chunk):
            if isinstance(item, dict):
                item.setdefault("cursor", str(start + offset + 1))
        return {"items": chunk, "next_cursor": str(end), "has_more": end < len(self.feed)}

    def prepare_pages(self, limits: tuple[int, ...]) -> None:
        """Encode every feed page for ``limits`` now, so serving it later allocates nothing (memory
        tests measure the client alone: the server shares its process and tracemalloc)."""
        for start in range(len(self.feed) + 1):
            cursor = str(start) if start else ""
            for limit in limits:
                page = self.feed_page(cursor, limit)
                self.prepared_pages[(cursor, limit)] = json.dumps(page, ensure_ascii=False).encode()

    def _answer(self, seen: Seen) -> Answer:
        if self.script is not None:
            scripted = self.script(seen)
            if scripted is not None:
                return scripted
        parts = [p for p in seen.path.split("/") if p]
        if parts == ["api", "v1", "feed"]:
            cursor = seen.query.get("cursor", [""])[0]
            limit = int(seen.query.get("limit", ["500"])[0])
            prepared = self.prepared_pages.get((cursor, limit))
            return Answer(body=prepared if prepared is not None else self.feed_page(cursor, limit))
        if seen.path in self.files:
            return Answer(body=self.files[seen.path], headers={"Content-Type": "image/png"})
        return Answer(404, {"error": {"code": "not_found", "message": "Нет такого адреса."}})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                seen = Seen(self.command, url.path, parse_qs(url.query), dict(self.headers.items()))
                with server._lock:
                    server.seen.append(seen)
                answer = server._answer(seen)
                body = answer.body
                data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if "Content-Type" not in answer.headers:
                    self.send_header("Content-Type", "application/json")
                if answer.endless:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    if answer.endless:
                        self._endless(data)
                    elif answer.trickle:
                        for n in range(len(data)):
                            if server.stopping.wait(answer.trickle if n else 0):
                                return
                            self.wfile.write(data[n : n + 1])
                            self.wfile.flush()
                    else:
                        self.wfile.write(data)
                except OSError:
                    self.close_connection = True

            def _endless(self, head: bytes) -> None:
                self.close_connection = True
                filler = b" " * 65536
                chunk = head or filler
                while not server.stopping.is_set():
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    chunk = filler

            do_GET = _serve
            do_POST = _serve

        return Handler

    def requests_to(self, prefix: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path.startswith(prefix)]

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
