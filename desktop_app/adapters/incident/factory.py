"""Build the configured gateway: ``http``, ``simulator`` or ``manual`` (``[incident] mode``)."""

from __future__ import annotations

from desktop_app.adapters.incident.gateway import IncidentConfigError, IncidentGateway
from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.adapters.incident.manual import ManualGateway
from desktop_app.settings import Settings, incident_token

#: Where ``otklik simulator`` listens by default; simulator mode talks to it unless base_url is set.
DEFAULT_SIMULATOR_URL = "http://127.0.0.1:8765"


def build_gateway(settings: Settings, *, base_url: str | None = None) -> IncidentGateway:
    """The gateway for ``settings.incident.mode``; ``base_url`` overrides the configured address
    (``otklik --demo`` passes the embedded simulator's ``handle.base_url``)."""
    incident = settings.incident
    if incident.mode == "manual":
        return ManualGateway()
    if incident.mode == "simulator":
        return HttpIncidentGateway(
            base_url or incident.base_url or DEFAULT_SIMULATOR_URL,
            incident_token(settings),
            timeout_seconds=incident.timeout_seconds,
        )
    if incident.mode == "http":
        url = base_url or incident.base_url
        if not url:
            raise IncidentConfigError(
                "Для режима «http» укажите адрес Системы Инцидент (параметр «incident.base_url»)."
            )
        return HttpIncidentGateway(url, incident_token(settings), timeout_seconds=incident.timeout_seconds)
    raise IncidentConfigError(f"Неизвестный режим работы с Системой Инцидент «{incident.mode}».")
