"""Gateway to the federal Incident system («Система Инцидент»), R2 and R5.

Use :func:`desktop_app.adapters.incident.factory.build_gateway` to get the configured gateway and
:func:`desktop_app.adapters.incident.simulator.start_simulator` for the embedded simulator.
"""

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentAmbiguousError,
    IncidentAuthError,
    IncidentConfigError,
    IncidentError,
    IncidentGateway,
    IncidentPermanentError,
    IncidentTransientError,
    IncomingAttachment,
    IncomingItem,
    OutboundResult,
    OutgoingAttachment,
    PublicationRequest,
    RedirectRequest,
    RejectedItem,
)

__all__ = [
    "FetchPage",
    "IncidentAmbiguousError",
    "IncidentAuthError",
    "IncidentConfigError",
    "IncidentError",
    "IncidentGateway",
    "IncidentPermanentError",
    "IncidentTransientError",
    "IncomingAttachment",
    "IncomingItem",
    "OutboundResult",
    "OutgoingAttachment",
    "PublicationRequest",
    "RedirectRequest",
    "RejectedItem",
]
