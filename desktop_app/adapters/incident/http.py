"""HTTP adapter for the Incident-system REST contract in ``docs/incident-api.yaml`` (R2, R5).

Bearer token, per-request timeouts, retries with exponential backoff and full jitter on transient
failures (connection errors, timeouts, 5xx, 429). Every outbound POST carries ``Idempotency-Key``,
so a retry after an ambiguous failure never publishes twice.
"""

from __future__ import annotations

import base64
import logging
import random
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentAuthError,
    IncidentConfigError,
    IncidentPermanentError,
    IncidentTransientError,
    IncomingAttachment,
    IncomingItem,
    OutboundResult,
    PublicationRequest,
    RedirectRequest,
    parse_wire_time,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


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
    ) -> None:
        if not base_url:
            raise IncidentConfigError(
                "Не указан адрес Системы Инцидент (параметр «incident.base_url» в настройках)."
            )
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.inline_attachments = inline_attachments
        self._sleep = sleep
        self._rng = rng or random.Random()
        headers = {"Accept": "application/json", "User-Agent": "otklik/0.1"}
        if token and not token.isascii():
            raise IncidentConfigError(
                "Токен доступа к Системе Инцидент содержит недопустимые символы (допустима только латиница)."
            )
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_seconds),
            # TCP_NODELAY: a POST's headers and body are separate writes; Nagle + delayed ACK would
            # stall each by ~40 ms.
            transport=transport
            or httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]),
        )

    # --- plumbing ---------------------------------------------------------------------------------

    def backoff_delay(self, attempt: int) -> float:
        """Full-jitter exponential backoff before retry number ``attempt`` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return self._rng.uniform(0, ceiling)

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        allow_404: bool = False,
    ) -> httpx.Response | None:
        last: IncidentTransientError | None = None
        retry_after: float | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_delay(attempt)
                if retry_after:
                    delay = max(delay, min(self.backoff_cap, retry_after))
                self._sleep(delay)
                retry_after = None
            try:
                response = self._client.request(method, path, json=json, params=params, headers=headers)
            except httpx.TimeoutException as exc:
                last = IncidentTransientError(
                    "Система Инцидент не ответила вовремя; запрос будет повторён позже."
                )
                last.__cause__ = exc
                log.info("incident %s %s: timeout (attempt %d)", method, path, attempt + 1)
                continue
            except httpx.TransportError as exc:
                last = IncidentTransientError(
                    f"Нет связи с Системой Инцидент ({type(exc).__name__}); запрос будет повторён позже."
                )
                last.__cause__ = exc
                log.info("incident %s %s: %r (attempt %d)", method, path, exc, attempt + 1)
                continue
            status = response.status_code
            if status < 300:
                return response
            if status == 404 and allow_404:
                return None
            if status in (401, 403):
                raise IncidentAuthError(
                    "Система Инцидент отклонила токен доступа: проверьте параметр «incident.token» "
                    f"(код {status})."
                )
            detail = _error_detail(response)
            if status in RETRYABLE_STATUS:
                last = IncidentTransientError(
                    f"Система Инцидент временно недоступна (код {status}){detail}; запрос будет повторён позже."
                )
                retry_after = _retry_after(response)
                log.info("incident %s %s: HTTP %d (attempt %d)", method, path, status, attempt + 1)
                continue
            raise IncidentPermanentError(f"Система Инцидент отклонила запрос (код {status}){detail}.", status)
        assert last is not None
        raise last

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise IncidentTransientError("Система Инцидент прислала неразборчивый ответ.") from exc

    # --- the protocol -----------------------------------------------------------------------------

    def fetch(self, cursor: str, limit: int = 500) -> FetchPage:
        params: dict[str, Any] = {"cursor": cursor, "limit": limit}
        if self.inline_attachments:
            params["inline_attachments"] = "true"
        response = self._request("GET", f"{API_PREFIX}/feed", params=params)
        assert response is not None
        body = self._json(response)
        try:
            items = tuple(self._item(raw) for raw in body["items"])
            return FetchPage(
                items=items, next_cursor=str(body["next_cursor"]), has_more=bool(body["has_more"])
            )
        except (KeyError, TypeError) as exc:
            raise IncidentPermanentError(
                f"Система Инцидент прислала ленту неверного вида: нет поля {exc}."
            ) from exc

    def _item(self, raw: dict[str, Any]) -> IncomingItem:
        attachments = []
        for a in raw.get("attachments") or ():
            content = base64.b64decode(a["content_base64"]) if a.get("content_base64") else None
            if content is None and a.get("url"):
                content = self.download(a["url"])
            attachments.append(
                IncomingAttachment(
                    id=str(a["id"]),
                    filename=a.get("filename") or str(a["id"]),
                    media_type=a.get("media_type") or "application/octet-stream",
                    url=a.get("url") or "",
                    content=content,
                )
            )
        author = raw.get("author") or {}
        arrived = parse_wire_time(raw["arrived_at"], "arrived_at")
        assert arrived is not None
        return IncomingItem(
            id=str(raw["id"]),
            channel_kind=raw["channel_kind"],
            platform=raw["platform"],
            author_name=author.get("name") or "",
            author_profile_url=author.get("profile_url") or "",
            post_url=raw.get("post_url") or "",
            text=raw.get("text") or "",
            posted_at=parse_wire_time(raw.get("posted_at"), "posted_at"),
            arrived_at=arrived,
            attachments=tuple(attachments),
            parent_id=str(raw["parent_id"]) if raw.get("parent_id") else None,
            from_author=bool(raw.get("from_author", True)),
            cursor=str(raw.get("cursor") or ""),
        )

    def download(self, url: str) -> bytes:
        """Fetch an attachment's bytes (absolute URL or path on the Incident system)."""
        path = url[len(self.base_url) :] if url.startswith(self.base_url) else url
        response = self._request("GET", path)
        assert response is not None
        return response.content

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
        response = self._request("POST", path, json=body, headers={"Idempotency-Key": key})
        assert response is not None
        return _outbound(self._json(response))

    def outbound_status(self, idempotency_key: str) -> OutboundResult | None:
        response = self._request("GET", f"{API_PREFIX}/outbound/{idempotency_key}", allow_404=True)
        if response is None:
            return None
        return _outbound(self._json(response))

    def close(self) -> None:
        self._client.close()


def _outbound(body: dict[str, Any]) -> OutboundResult:
    try:
        return OutboundResult(
            external_id=str(body["id"]),
            external_url=str(body.get("url") or ""),
            status=str(body.get("status") or "accepted"),
            accepted_at=parse_wire_time(body.get("accepted_at"), "accepted_at"),
        )
    except KeyError as exc:
        raise IncidentTransientError("Система Инцидент прислала ответ без идентификатора.") from exc


def _error_detail(response: httpx.Response) -> str:
    try:
        message = response.json().get("error", {}).get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {message}" if message else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None
