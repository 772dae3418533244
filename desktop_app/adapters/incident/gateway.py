"""The gateway to the Incident system (R2): one Protocol, plain DTOs and Russian error classes.

Every outbound action (redirect, clarification, interim answer, answer) and all intake (R5) pass
through an :class:`IncidentGateway`; the HTTP adapter, the manual gateway and test fakes implement it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from desktop_app.errors import OtklikError

# --- errors ---------------------------------------------------------------------------------------


class IncidentError(OtklikError):
    """Any failure talking to the Incident system; ``str()`` is a Russian sentence for the user."""


class IncidentTransientError(IncidentError):
    """A temporary failure (network, timeout, 5xx, 429): the same request may be retried later."""


class IncidentPermanentError(IncidentError):
    """The Incident system refused the request (4xx): retrying the same request will not help."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class IncidentAuthError(IncidentError):
    """The token is missing, wrong or lacks rights (401/403): an administrator must fix the settings."""


class IncidentConfigError(IncidentError):
    """The gateway settings are incomplete (e.g. no address of the Incident system)."""


class IncidentAmbiguousError(IncidentTransientError):
    """A request may have reached the Incident system but its answer is unusable (a 2xx that does not
    parse, a redirect, a dropped connection): the outcome must be looked up, never taken as a refusal."""


# --- DTOs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingAttachment:
    """A file attached to a citizen's post: either its bytes or a URL to fetch them from."""

    id: str
    filename: str
    media_type: str
    url: str = ""
    content: bytes | None = None


@dataclass(frozen=True)
class IncomingItem:
    """A new or updated message, or an author's reply (``parent_id`` set), as the feed delivers it (R1)."""

    id: str
    channel_kind: str  # social_network | video_hosting | messenger
    platform: str  # vk, ok, vk_video, rutube, youtube, telegram, max, ...
    author_name: str
    author_profile_url: str
    post_url: str
    text: str
    posted_at: dt.datetime | None
    arrived_at: dt.datetime
    attachments: tuple[IncomingAttachment, ...] = ()
    parent_id: str | None = None
    from_author: bool = True
    cursor: str = ""  # feed position just after this item
    raw: object = field(default=None, compare=False, repr=False)  # the item as received, for quarantine

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class RejectedItem:
    """A feed item the adapter could not read (bad field, time, attachment): quarantined, not lost."""

    item_id: str  # "" when even the id is unreadable
    reason: str  # Russian, for administrators
    payload: str  # the item as received (JSON text)
    parent_id: str | None = None


@dataclass(frozen=True)
class FetchPage:
    """One page of the feed; ``next_cursor`` continues after the last item (and after ``rejected``)."""

    items: tuple[IncomingItem, ...]
    next_cursor: str
    has_more: bool
    rejected: tuple[RejectedItem, ...] = ()


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class PublicationRequest:
    """An answer, interim answer or clarification request to post in the thread (R2, R10)."""

    incident_id: str
    kind: str  # answer | interim | clarification
    text: str
    attachments: tuple[OutgoingAttachment, ...] = field(default=())


@dataclass(frozen=True)
class RedirectRequest:
    """A redirect out of the administration's competence, with the reasons stated (R4)."""

    incident_id: str
    target_organisation: str
    reason: str


@dataclass(frozen=True)
class OutboundResult:
    """What the Incident system confirmed: its id and a link to the published item."""

    external_id: str
    external_url: str
    status: str = "accepted"
    accepted_at: dt.datetime | None = None


# --- the protocol ---------------------------------------------------------------------------------


@runtime_checkable
class IncidentGateway(Protocol):
    """Everything the app does with the Incident system (R2, R5)."""

    #: True when outbound actions are not sent automatically but confirmed by an operator.
    manual: bool

    def fetch(self, cursor: str, limit: int = 500, *, deadline: float | None = None) -> FetchPage:
        """New and updated messages and replies after ``cursor`` ("" = from the start).

        ``deadline``: a ``time.monotonic()`` instant the whole call must end by (the pass deadline).
        """
        ...

    def redirect(self, request: RedirectRequest, idempotency_key: str) -> OutboundResult:
        """Redirect a message to another organisation with reasons (R4)."""
        ...

    def publish(self, request: PublicationRequest, idempotency_key: str) -> OutboundResult:
        """Post an answer, interim answer or clarification request with attachments."""
        ...

    def outbound_status(self, idempotency_key: str) -> OutboundResult | None:
        """What the Incident system knows about an action sent with this key; None if never received."""
        ...

    def close(self) -> None: ...


def parse_wire_time(value: str | None, what: str) -> dt.datetime | None:
    """Parse an ISO 8601 time with offset from the wire; a time without offset is refused."""
    if value is None or value == "":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise IncidentPermanentError(f"Система Инцидент передала неверное время «{value}» ({what}).") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise IncidentPermanentError(
            f"Система Инцидент передала время «{value}» без часового пояса ({what})."
        )
    return parsed.astimezone(dt.UTC)
