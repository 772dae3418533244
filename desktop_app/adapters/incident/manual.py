"""Manual mode for an administration without API access to the Incident system (R2).

Nothing is fetched (messages come by import or pasting) and nothing is sent: an outbox item stays
pending "awaiting manual confirmation" until an operator publishes by hand in the Incident system's
web UI and confirms with the link (:func:`desktop_app.services.outbox.confirm_manual_publication`).
"""

from __future__ import annotations

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentTransientError,
    OutboundResult,
    PublicationRequest,
    RedirectRequest,
)

AWAITING_MANUAL = "Ожидает ручной публикации в Системе Инцидент и подтверждения ссылкой."


class ManualPublicationRequired(IncidentTransientError):
    """Raised instead of sending: the item must be published by a person and confirmed with a link."""


class ManualGateway:
    """:class:`IncidentGateway` that never talks to a server."""

    manual = True

    def fetch(self, cursor: str, limit: int = 500, *, deadline: float | None = None) -> FetchPage:
        return FetchPage(items=(), next_cursor=cursor, has_more=False)

    def redirect(self, request: RedirectRequest, idempotency_key: str) -> OutboundResult:
        raise ManualPublicationRequired(AWAITING_MANUAL)

    def publish(self, request: PublicationRequest, idempotency_key: str) -> OutboundResult:
        raise ManualPublicationRequired(AWAITING_MANUAL)

    def outbound_status(self, idempotency_key: str) -> OutboundResult | None:
        return None

    def close(self) -> None:
        return None
