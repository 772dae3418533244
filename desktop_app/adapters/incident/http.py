"""HTTP adapter for the Incident-system REST contract in ``docs/incident-api.yaml`` (R2, R5).

Bearer token **only to the configured origin**, per-request timeouts inside a whole-call deadline,
responses read as a stream with a size cap, retries with exponential backoff and full jitter on
transient failures (connection errors, timeouts, 5xx, 429). Every outbound POST carries
``Idempotency-Key``, so a retry after an ambiguous failure never publishes twice. Feed items are
parsed one by one (:mod:`.wire`): a bad item comes back as a :class:`RejectedItem`, never as an
exception that would stop the feed.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import random
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentAmbiguousError,
    IncidentAuthError,
    IncidentConfigError,
    IncidentError,
    IncidentPermanentError,
    IncidentTransientError,
    IncomingItem,
    OutboundResult,
    PublicationRequest,
    RedirectRequest,
    RejectedItem,
    parse_wire_time,
)
from desktop_app.adapters.incident.wire import (
    FeedItemError,
    FeedLimits,
    JsonSqueezer,
    SqueezeOverflow,
    parse_item,
    reject,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 3
MAX_CURSOR_CHARS = 4096
ERROR_BODY_BYTES = 64 * 1024

TIMEOUT_TEXT = "Система Инцидент не ответила вовремя; запрос будет повторён позже."
NO_CONNECTION_TEXT = "Нет связи с Системой Инцидент; запрос будет повторён позже."


class _TooLarge(Exception):
    """A response body is over its cap (internal: the caller decides what that means)."""


@dataclasses.dataclass(frozen=True)
class _Reply:
    status: int
    headers: httpx.Headers
    content: bytes


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with default ports made explicit: the unit credentials are bound to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} МБ"


class HttpIncidentGateway:
    """:class:`IncidentGateway` over HTTP with httpx's synchronous client."""

    manual = False

    def __init__(
        self,
        base_url: str,
        token: str = "",
        *,
        timeout_seconds: float = 10.0,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        inline_attachments: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        limits: FeedLimits | None = None,
        max_page_bytes: int = 64 * 1024 * 1024,
        foreign_attachments: str = "fetch",
        call_budget_seconds: float | None = None,
    ) -> None:
        if not base_url:
            raise IncidentConfigError(
                "Не указан адрес Системы Инцидент (параметр «incident.base_url» в настройках)."
            )
        parts = urlsplit(base_url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise IncidentConfigError(
                f"Адрес Системы Инцидент «{base_url}» должен начинаться с http:// или https:// "
                "(параметр «incident.base_url»)."
            )
        if token and not token.isascii():
            raise IncidentConfigError(
                "Токен доступа к Системе Инцидент содержит недопустимые символы (допустима только латиница)."
            )
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(self.base_url)
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.inline_attachments = inline_attachments
        self.limits = limits or FeedLimits()
        self.max_page_bytes = max(1024, max_page_bytes)
        self.foreign_attachments = foreign_attachments
        # One call (with its retries) never takes longer than this, whatever the peer does.
        self.call_budget_seconds = call_budget_seconds or timeout_seconds * (retries + 2) + backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        agent = {"User-Agent": "otklik/0.1"}
        headers = {"Accept": "application/json", **agent}
        if token:
            headers["Authorization"] = f"Bearer {token}"

        def new_transport() -> httpx.BaseTransport:
            # TCP_NODELAY: a POST's headers and body are separate writes; Nagle + delayed ACK would
            # stall each by ~40 ms.
            return transport or httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )

        timeout = httpx.Timeout(timeout_seconds)
        # Redirects are never followed automatically: a Location on another host must not get the token.
        self._client = httpx.Client(
            headers=headers, timeout=timeout, transport=new_transport(), follow_redirects=False
        )
        # Attachments on other hosts: no credentials at all (issue 12).
        self._anonymous = httpx.Client(
            headers=agent, timeout=timeout, transport=new_transport(), follow_redirects=False
        )

    # --- plumbing ---------------------------------------------------------------------------------

    def backoff_delay(self, attempt: int) -> float:
        """Full-jitter exponential backoff before retry number ``attempt`` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return self._rng.uniform(0, ceiling)

    def _deadline(self, deadline: float | None) -> float:
        own = time.monotonic() + self.call_budget_seconds
        return own if deadline is None else min(own, deadline)

    def _exchange(
        self,
        client: httpx.Client,
        method: str,
        url: str,
        *,
        max_bytes: int,
        deadline: float,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        squeeze: int | None = None,
    ) -> _Reply:
        """One request; the body is read as a stream, capped, and cut off at ``deadline``.

        ``squeeze``: a JSON body whose strings longer than this many bytes are dropped while reading
        (:class:`JsonSqueezer`), so one huge item costs no more than the cap.
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpx.ReadTimeout("deadline")
        timeout = httpx.Timeout(min(self.timeout_seconds, remaining))
        with client.stream(
            method, url, json=json_body, params=params, headers=headers, timeout=timeout
        ) as response:
            ok = response.status_code < 300
            cap = max_bytes if ok else ERROR_BODY_BYTES
            declared = response.headers.get("Content-Length", "")
            if ok and squeeze:
                squeezer = JsonSqueezer(squeeze, cap)
                try:
                    for chunk in response.iter_bytes():
                        squeezer.feed(chunk)
                        if time.monotonic() > deadline:
                            raise httpx.ReadTimeout("deadline")
                except SqueezeOverflow:
                    raise _TooLarge() from None
                return _Reply(response.status_code, response.headers, squeezer.result())
            if ok and declared.isdigit() and int(declared) > cap:
                raise _TooLarge()
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    if ok:
                        raise _TooLarge()
                    break  # an error body is only read for its message
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    # A peer trickling a byte a second never trips the per-read timeout.
                    raise httpx.ReadTimeout("deadline")
            return _Reply(response.status_code, response.headers, b"".join(chunks))

    def _request(
        self,
        method: str,
        url: str,
        *,
        client: httpx.Client | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        allow_404: bool = False,
        allow_redirect: bool = False,
        squeeze: int | None = None,
    ) -> _Reply | None:
        client = client or self._client
        ends = self._deadline(deadline)
        cap = max_bytes or self.max_page_bytes
        last: IncidentTransientError | None = None
        retry_after: float | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_delay(attempt)
                if retry_after:
                    delay = max(delay, min(self.backoff_cap, retry_after))
                if time.monotonic() + delay >= ends:
                    break  # no time left for another try
                self._sleep(delay)
                retry_after = None
            try:
                reply = self._exchange(
                    client, method, url, max_bytes=cap, deadline=ends,
                    json_body=json_body, params=params, headers=headers, squeeze=squeeze,
                )  # fmt: skip
            except httpx.TimeoutException as exc:
                last = IncidentTransientError(TIMEOUT_TEXT)
                last.__cause__ = exc
                log.info("incident %s %s: timeout (attempt %d)", method, url, attempt + 1)
                if time.monotonic() >= ends:
                    break
                continue
            except httpx.TransportError as exc:
                # The detail (class, errno) goes to the log; people get a sentence (issue 12).
                last = IncidentTransientError(NO_CONNECTION_TEXT)
                last.__cause__ = exc
                log.info("incident %s %s: %r (attempt %d)", method, url, exc, attempt + 1)
                continue
            status = reply.status
            if status < 300:
                return reply
            if 300 <= status < 400:
                if allow_redirect:
                    return reply
                log.warning("incident %s %s: redirect %d to %r not followed", method, url, status,
                            reply.headers.get("Location"))  # fmt: skip
                raise IncidentAmbiguousError(
                    f"Система Инцидент переадресовала запрос на другой адрес (код {status}); "
                    "переадресация не выполняется, чтобы не передать токен доступа."
                )
            if status == 404 and allow_404:
                return None
            if status in (401, 403):
                raise IncidentAuthError(
                    "Система Инцидент отклонила токен доступа: проверьте параметр «incident.token» "
                    f"(код {status})."
                )
            detail = _error_detail(reply)
            if status in RETRYABLE_STATUS or status >= 500:
                last = IncidentTransientError(
                    f"Система Инцидент временно недоступна (код {status}){detail}; запрос будет повторён позже."
                )
                retry_after = _retry_after(reply)
                log.info("incident %s %s: HTTP %d (attempt %d)", method, url, status, attempt + 1)
                continue
            raise IncidentPermanentError(f"Система Инцидент отклонила запрос (код {status}){detail}.", status)
        raise last or IncidentTransientError(TIMEOUT_TEXT)

    def _json(self, reply: _Reply) -> Any:
        try:
            return json.loads(reply.content)
        except (ValueError, UnicodeDecodeError) as exc:
            log.warning("incident: unreadable JSON (%d bytes): %r", len(reply.content), reply.content[:200])
            raise IncidentAmbiguousError("Система Инцидент прислала неразборчивый ответ.") from exc

    def _api(self, path: str) -> str:
        return self.base_url + path

    # --- the feed ---------------------------------------------------------------------------------

    def fetch(self, cursor: str, limit: int = 500, *, deadline: float | None = None) -> FetchPage:
        ends = self._deadline(deadline)
        try:
            return self._fetch_page(cursor, limit, self.inline_attachments, ends)
        except _TooLarge:
            log.warning("feed page after %r over %d bytes; asking for one item at a time", cursor,
                        self.max_page_bytes)  # fmt: skip
        try:
            # One item, attachments by link (each under its own cap), its over-long strings dropped
            # while reading: the item is read (and quarantined with the reason), the feed goes on.
            return self._fetch_page(cursor, 1, False, ends, squeeze=self.limits.max_text_chars * 6 + 64)
        except _TooLarge:
            raise IncidentTransientError(
                "Система Инцидент прислала элемент ленты больше допустимого размера "
                f"({_mb(self.max_page_bytes)}, параметр «incident.max_page_bytes»)."
            ) from None

    def _fetch_page(
        self, cursor: str, limit: int, inline: bool, deadline: float, squeeze: int | None = None
    ) -> FetchPage:
        params: dict[str, Any] = {"cursor": cursor, "limit": limit}
        if inline:
            params["inline_attachments"] = "true"
        reply = self._request(
            "GET", self._api(f"{API_PREFIX}/feed"), params=params, deadline=deadline, squeeze=squeeze
        )
        assert reply is not None
        body = self._json(reply)
        del reply
        if not isinstance(body, dict):
            raise IncidentTransientError("Система Инцидент прислала ленту неверного вида.")
        next_cursor = body.get("next_cursor")
        if isinstance(next_cursor, int) and not isinstance(next_cursor, bool):
            next_cursor = str(next_cursor)
        if not isinstance(next_cursor, str):
            raise IncidentTransientError("Система Инцидент прислала ленту без позиции продолжения.")
        if len(next_cursor) > MAX_CURSOR_CHARS:
            raise IncidentTransientError("Система Инцидент прислала слишком длинную позицию ленты.")
        has_more = body.get("has_more")
        if not isinstance(has_more, bool):
            raise IncidentTransientError("Система Инцидент прислала ленту неверного вида (поле «has_more»).")
        raw_items = body.get("items")
        items: list[IncomingItem] = []
        rejected: list[RejectedItem] = []
        if not isinstance(raw_items, list):
            # The page cannot be read item by item: keep it whole, with the reason, and go on.
            rejected.append(reject(raw_items, "поле «items» страницы ленты должно быть списком"))
            raw_items = []

        def download(url: str) -> bytes:
            return self.download(url, deadline=deadline)

        for raw in raw_items:
            try:
                items.append(dataclasses.replace(parse_item(raw, self.limits, download), raw=raw))
            except FeedItemError as exc:
                rejected.append(reject(raw, str(exc)))
            except IncidentError:
                raise
            except Exception:  # a shape the checks did not foresee: still this item's problem only
                log.exception("feed item not readable")
                rejected.append(reject(raw, "элемент ленты не читается (подробности в журнале программы)"))
        if time.monotonic() > deadline:
            # Attachments fetched after the deadline failed for want of time, not for being bad.
            raise IncidentTransientError(TIMEOUT_TEXT)
        return FetchPage(tuple(items), next_cursor, has_more, tuple(rejected))

    def download(self, url: str, *, deadline: float | None = None) -> bytes:
        """Fetch an attachment's bytes (absolute URL or path on the Incident system).

        The token goes only to the configured origin; any other host is asked without credentials
        (or refused, ``incident.foreign_attachments = "refuse"``); redirects are followed by hand, at
        most :data:`MAX_REDIRECTS`, each hop judged by its own origin.
        """
        ends = self._deadline(deadline)
        target = urljoin(self.base_url + "/", url)
        for _hop in range(MAX_REDIRECTS + 1):
            origin = _origin(target)
            if origin[0] not in ("http", "https") or not origin[1]:
                raise IncidentPermanentError("ссылка на вложение должна начинаться с http:// или https://")
            own = origin == self._origin
            if not own and self.foreign_attachments == "refuse":
                raise IncidentPermanentError(
                    f"вложение находится на другом сервере ({origin[1]}), а загрузка с других серверов "
                    "запрещена параметром «incident.foreign_attachments»"
                )
            try:
                reply = self._request(
                    "GET", target, client=self._client if own else self._anonymous, deadline=ends,
                    max_bytes=self.limits.max_attachment_bytes, allow_redirect=True,
                )  # fmt: skip
            except _TooLarge:
                raise IncidentPermanentError(
                    f"вложение больше {_mb(self.limits.max_attachment_bytes)}"
                ) from None
            except httpx.InvalidURL as exc:
                raise IncidentPermanentError("неверная ссылка на вложение") from exc
            assert reply is not None
            if reply.status < 300:
                return reply.content
            location = reply.headers.get("Location")
            if not location:
                raise IncidentPermanentError("сервер вложения переадресовал запрос без адреса")
            target = urljoin(target, location)
        raise IncidentPermanentError("слишком много переадресаций при загрузке вложения")

    # --- outbound ---------------------------------------------------------------------------------

    def redirect(self, request: RedirectRequest, idempotency_key: str) -> OutboundResult:
        body = {"target_organisation": request.target_organisation, "reason": request.reason}
        return self._post(f"{API_PREFIX}/messages/{request.incident_id}/redirects", body, idempotency_key)

    def publish(self, request: PublicationRequest, idempotency_key: str) -> OutboundResult:
        body = {
            "kind": request.kind,
            "text": request.text,
            "attachments": [
                {
                    "filename": a.filename,
                    "media_type": a.media_type,
                    "content_base64": base64.b64encode(a.content).decode("ascii"),
                }
                for a in request.attachments
            ],
        }
        return self._post(f"{API_PREFIX}/messages/{request.incident_id}/publications", body, idempotency_key)

    def _post(self, path: str, body: dict[str, Any], key: str) -> OutboundResult:
        try:
            reply = self._request(
                "POST", self._api(path), json_body=body, headers={"Idempotency-Key": key},
                max_bytes=ERROR_BODY_BYTES * 16,
            )  # fmt: skip
        except _TooLarge:
            raise IncidentAmbiguousError("Система Инцидент прислала слишком большой ответ.") from None
        assert reply is not None
        return _outbound(self._json(reply))

    def outbound_status(self, idempotency_key: str) -> OutboundResult | None:
        try:
            reply = self._request(
                "GET", self._api(f"{API_PREFIX}/outbound/{idempotency_key}"), allow_404=True,
                max_bytes=ERROR_BODY_BYTES * 16,
            )  # fmt: skip
        except _TooLarge:
            raise IncidentAmbiguousError("Система Инцидент прислала слишком большой ответ.") from None
        if reply is None:
            return None
        return _outbound(self._json(reply))

    def close(self) -> None:
        self._client.close()
        self._anonymous.close()


def _outbound(body: Any) -> OutboundResult:
    """A 2xx confirmation. Only the id is essential; a bad ``accepted_at`` or ``url`` is logged and
    ignored — a success must never be mistaken for a refusal (R2: no second publication)."""
    if not isinstance(body, dict):
        raise IncidentAmbiguousError("Система Инцидент подтвердила отправку ответом неверного вида.")
    external_id = body.get("id")
    if isinstance(external_id, bool) or not isinstance(external_id, str | int) or external_id == "":
        raise IncidentAmbiguousError("Система Инцидент прислала подтверждение без идентификатора.")
    url = body.get("url")
    status = body.get("status")
    accepted_at = None
    raw_time = body.get("accepted_at")
    if isinstance(raw_time, str):
        try:
            accepted_at = parse_wire_time(raw_time, "accepted_at")
        except IncidentError:
            log.warning("outbound %s: unreadable accepted_at %r ignored", external_id, raw_time)
    elif raw_time is not None:
        log.warning("outbound %s: accepted_at of type %s ignored", external_id, type(raw_time).__name__)
    return OutboundResult(
        external_id=str(external_id)[:120],
        external_url=url[:1000] if isinstance(url, str) else "",
        status=status if isinstance(status, str) else "accepted",
        accepted_at=accepted_at,
    )


def _error_detail(reply: _Reply) -> str:
    try:
        message = json.loads(reply.content).get("error", {}).get("message")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return ""
    return f": {message[:300]}" if isinstance(message, str) and message else ""


def _retry_after(reply: _Reply) -> float | None:
    value = reply.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None
