"""Outbox: every outbound action leaves through the gateway exactly once (R2, issue 5.6).

The lifecycle writes an :class:`OutboxItem` (status pending) in the same transaction as the state
change, using :func:`redirect_payload` / :func:`publication_payload`. :class:`OutboxWorker` sends it:

* a workstation **claims** an item by moving ``next_attempt_at`` forward by a lease in one conditional
  UPDATE (``WHERE status='pending' AND next_attempt_at <= now``): two workstations never send it at once;
* every send carries the item's idempotency key, so the Incident system stores it once whatever happens;
* an item claimed before (``attempts > 0``: a crash, a timeout, a dropped connection after the server
  accepted it) is first looked up by its key and confirmed without re-sending if the server has it;
* success, the confirmation and ``outbound_confirmed`` commit together; nothing counts as published
  until the gateway confirmed it (R2);
* only an **explicit 4xx refusal** fails an item: any answer after the request may have reached the
  Incident system (a 2xx that does not parse, a redirect, a dropped connection, a timeout, an unexpected
  error) keeps it pending and ends in a status lookup by its key (issue 12);
* a re-approval after a failed item whose outcome is unknown reuses that item's key
  (:func:`send_key`), so the Incident system recognises it instead of publishing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from desktop_app.adapters.incident.gateway import (
    IncidentAmbiguousError,
    IncidentAuthError,
    IncidentError,
    IncidentGateway,
    IncidentPermanentError,
    OutboundResult,
    OutgoingAttachment,
    PublicationRequest,
    RedirectRequest,
)
from desktop_app.domain.lifecycle import OutboundAction, OutboxStatus
from desktop_app.errors import OtklikError
from desktop_app.models.database import Database
from desktop_app.models.entities import Attachment, AttachmentBlob, Message, OutboxItem
from desktop_app.services import workflow_hooks
from desktop_app.services.periodic import PeriodicLoop
from desktop_app.services.workflow_hooks import Lifecycle, require

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class OutboxError(OtklikError):
    """A user action on the outbox cannot be done (the message says why, in Russian)."""


class _RefusedLocally(OtklikError):
    """The item cannot be sent at all (nothing went out): refused without asking the Incident system."""


UNEXPECTED_TEXT = (
    "Отправка в Систему Инцидент не завершилась из-за непредвиденной ошибки (подробности в журнале "
    "программы); состояние будет уточнено в Системе Инцидент перед повтором."
)


def send_key(session: Session, message_id: int, action: OutboundAction) -> tuple[str, int]:
    """The idempotency key and attempt count for a new outbox item of ``message_id`` (R2).

    If the message's latest item is a failed one of the same action whose outcome is unknown
    (``refusal_code`` NULL: no explicit refusal is on record, e.g. failed by an older version on an
    unreadable success), the new item takes over its key and attempts, so the worker asks the Incident
    system first and a send that did go out is confirmed, not repeated. The old item keeps a marked key.
    """
    latest = session.scalars(
        sa.select(OutboxItem)
        .where(OutboxItem.message_id == message_id)
        .order_by(OutboxItem.id.desc())
        .limit(1)
    ).first()
    if (
        latest is not None
        and latest.status is OutboxStatus.FAILED
        and latest.refusal_code is None
        and latest.action is action
        and latest.attempts > 0
    ):
        key = latest.idempotency_key
        latest.idempotency_key = f"{key[:60]}~superseded-{latest.id}"
        session.flush()  # free the key before the new item takes it
        log.info("outbox item %s: unresolved send, its key goes to the re-approved item", latest.id)
        return key, latest.attempts
    return uuid.uuid4().hex, 0


# --- payloads (written by the lifecycle, read by the worker) --------------------------------------


def redirect_payload(message: Message, target: str, reason: str) -> dict[str, Any]:
    """Payload of a redirect (R4): ``{"incident_id", "target_organisation", "reason"}``."""
    return {"incident_id": message.external_id, "target_organisation": target, "reason": reason}


def publication_payload(message: Message, text: str, attachments: Iterable[Attachment]) -> dict[str, Any]:
    """Payload of an answer / interim answer / clarification (R10 attachments by checksum)."""
    return {
        "incident_id": message.external_id,
        "text": text,
        "attachments": [
            {"attachment_id": a.id, "filename": a.filename, "media_type": a.media_type, "sha256": a.sha256}
            for a in attachments
        ],
    }


# --- the worker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    id: int
    key: str
    action: OutboundAction
    payload: dict[str, Any]
    attempted_before: bool
    blobs: dict[str, bytes]


class OutboxWorker:
    """Sends due outbox items; safe to run on several workstations against one database."""

    def __init__(
        self,
        db: Database,
        gateway: IncidentGateway,
        now: Callable[[], dt.datetime] = utc_now,
        *,
        lease_seconds: float = 120.0,
        backoff_base_seconds: float = 5.0,
        backoff_cap_seconds: float = 900.0,
        batch_size: int = 50,
        rng: random.Random | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> None:
        self.lifecycle = require(lifecycle, "OutboxWorker")
        self.db = db
        self.gateway = gateway
        self.now = now
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.backoff_base = backoff_base_seconds
        self.backoff_cap = backoff_cap_seconds
        self.batch_size = batch_size
        self._rng = rng or random.Random()
        self.last_error = ""

    def retry_delay(self, attempts: int) -> dt.timedelta:
        """Exponential backoff with jitter after ``attempts`` failed tries: base·2^(n−1), capped, ×[0.5, 1]."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** max(0, attempts - 1)))
        return dt.timedelta(seconds=ceiling * self._rng.uniform(0.5, 1.0))

    def due_ids(self) -> list[int]:
        now = self.now()
        with self.db.session() as session:
            return list(
                session.scalars(
                    sa.select(OutboxItem.id)
                    .where(OutboxItem.status == OutboxStatus.PENDING, OutboxItem.next_attempt_at <= now)
                    .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
                    .limit(self.batch_size)
                )
            )

    def send_due(self) -> int:
        """Send every due item once; return how many were settled (confirmed or refused) in this pass."""
        if getattr(self.gateway, "manual", False):
            return 0  # manual mode: items wait for confirm_manual_publication
        settled = 0
        for item_id in self.due_ids():
            claimed = self._claim(item_id)
            if claimed is None:
                continue  # another workstation has it
            try:
                result = self._deliver(claimed)
            except _RefusedLocally as exc:
                self._refused(claimed.id, str(exc), 0)
                settled += 1
            except IncidentPermanentError as exc:
                code = exc.status_code
                if code is not None and 400 <= code < 500:
                    # The only refusal: the Incident system said no to this request (R2).
                    self._refused(claimed.id, str(exc), code)
                    settled += 1
                else:
                    self._postpone(claimed.id, str(exc))
                    self.last_error = str(exc)
            except IncidentAuthError as exc:
                self._postpone(claimed.id, str(exc))
                self.last_error = str(exc)
                break  # every other item would be refused the same way
            except IncidentError as exc:
                self._postpone(claimed.id, str(exc))
                self.last_error = str(exc)
            except Exception:
                # The request may have gone out: keep it pending and ask before any resend.
                log.exception("outbox item %s: unexpected failure", claimed.id)
                self._postpone(claimed.id, UNEXPECTED_TEXT)
                self.last_error = UNEXPECTED_TEXT
            else:
                settled += self._confirm(claimed.id, result)
                self.last_error = ""
        return settled

    def _claim(self, item_id: int) -> _Claimed | None:
        """Take a lease on the item: one conditional UPDATE decides which workstation sends it."""
        now = self.now()
        with self.db.session() as session, session.begin():
            claimed = session.execute(
                sa.update(OutboxItem)
                .where(
                    OutboxItem.id == item_id,
                    OutboxItem.status == OutboxStatus.PENDING,
                    OutboxItem.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + self.lease, attempts=OutboxItem.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                return None
            item = session.get(OutboxItem, item_id, populate_existing=True)
            assert item is not None
            workflow_hooks.delivery_attempted(session, item, now)  # R11: every try on record
            blobs: dict[str, bytes] = {}
            for attachment in item.payload.get("attachments") or ():
                blob = session.get(AttachmentBlob, attachment["sha256"])
                if blob is not None:
                    blobs[attachment["sha256"]] = blob.content
            return _Claimed(
                item.id, item.idempotency_key, item.action, dict(item.payload), item.attempts > 1, blobs
            )

    def _deliver(self, item: _Claimed) -> OutboundResult:
        if item.attempted_before:
            # An earlier attempt may have reached the Incident system: ask before sending again.
            try:
                known = self.gateway.outbound_status(item.key)
            except IncidentPermanentError as exc:
                # A lookup is not a send: its 4xx says nothing about the action (never a refusal).
                raise IncidentAmbiguousError(
                    f"Не удалось узнать состояние отправки в Системе Инцидент: {exc}"
                ) from exc
            if known is not None:
                return known
        payload = item.payload
        if item.action is OutboundAction.REDIRECT:
            return self.gateway.redirect(
                RedirectRequest(
                    incident_id=payload["incident_id"],
                    target_organisation=payload["target_organisation"],
                    reason=payload["reason"],
                ),
                item.key,
            )
        attachments = []
        for a in payload.get("attachments") or ():
            content = item.blobs.get(a["sha256"])
            if content is None:
                raise _RefusedLocally(f"Вложение «{a['filename']}» не найдено в базе данных.")
            attachments.append(OutgoingAttachment(a["filename"], a["media_type"], content))
        return self.gateway.publish(
            PublicationRequest(
                incident_id=payload["incident_id"],
                kind=item.action.value,
                text=payload["text"],
                attachments=tuple(attachments),
            ),
            item.key,
        )

    def _confirm(self, item_id: int, result: OutboundResult) -> int:
        now = self.now()
        with self.db.session() as session, session.begin():
            item = session.get(OutboxItem, item_id, with_for_update=True, populate_existing=True)
            if item is None or item.status is not OutboxStatus.PENDING:
                return 0  # confirmed meanwhile (e.g. by hand)
            item.external_id = result.external_id
            item.external_url = result.external_url
            item.status = OutboxStatus.CONFIRMED
            item.confirmed_at = now
            item.last_error = ""
            session.flush()
            self.lifecycle.outbound_confirmed(session, item, now)
        return 1

    def _postpone(self, item_id: int, error: str) -> None:
        now = self.now()
        with self.db.session() as session, session.begin():
            item = session.get(OutboxItem, item_id, with_for_update=True, populate_existing=True)
            if item is None or item.status is not OutboxStatus.PENDING:
                return
            item.next_attempt_at = now + self.retry_delay(item.attempts)
            item.last_error = error
            workflow_hooks.delivery_postponed(session, item, error, now)
        log.info("outbox item %s postponed: %s", item_id, error)

    def _refused(self, item_id: int, error: str, code: int) -> None:
        now = self.now()
        with self.db.session() as session, session.begin():
            item = session.get(OutboxItem, item_id, with_for_update=True, populate_existing=True)
            if item is None or item.status is not OutboxStatus.PENDING:
                return
            item.status = OutboxStatus.FAILED
            item.refusal_code = code
            item.last_error = error
            session.flush()
            self.lifecycle.outbound_failed(session, item, error, now)
        log.warning("outbox item %s refused: %s", item_id, error)


# --- manual mode ----------------------------------------------------------------------------------


def confirm_manual_publication(
    db: Database,
    outbox_item_id: int,
    published_url: str,
    actor_id: int,
    now: Callable[[], dt.datetime] = utc_now,
    *,
    lifecycle: Lifecycle,
) -> None:
    """Manual mode: the operator published by hand and gives the link; only now is it published (R2)."""
    url = published_url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OutboxError(f"Укажите ссылку на опубликованный ответ (http:// или https://), а не «{url}».")
    moment = now()
    from desktop_app.services import audit

    with db.session() as session, session.begin():
        item = session.get(OutboxItem, outbox_item_id, with_for_update=True)
        if item is None:
            raise OutboxError("Отправка не найдена: возможно, её удалили.")
        if item.status is OutboxStatus.CONFIRMED:
            raise OutboxError("Эта отправка уже подтверждена.")
        if item.status is OutboxStatus.FAILED:
            raise OutboxError("Эта отправка отклонена Системой Инцидент; подтвердить её нельзя.")
        item.status = OutboxStatus.CONFIRMED
        item.external_url = url
        item.external_id = item.external_id or f"manual-{item.id}"
        item.confirmed_at = moment
        item.last_error = ""
        session.flush()
        audit.record(
            session,
            action="manual_publication_confirmed",
            entity_type="outbox",
            entity_id=item.id,
            occurred_at=moment,
            actor_id=actor_id,
            message_id=item.message_id,
            after={"url": url, "action": item.action.value},
        )
        lifecycle.outbound_confirmed(session, item, moment)


def pending_manual_items(db: Database) -> list[OutboxItem]:
    """Items awaiting manual publication (manual mode) or still being retried, oldest first."""
    with db.session() as session:
        return list(
            session.scalars(
                sa.select(OutboxItem)
                .where(OutboxItem.status == OutboxStatus.PENDING)
                .order_by(OutboxItem.created_at, OutboxItem.id)
            )
        )


# --- background loop ------------------------------------------------------------------------------


class OutboxLoop(PeriodicLoop):
    """Runs ``send_due`` every ``interval_seconds`` until :meth:`stop`; :meth:`wake` sends now (call it
    after the lifecycle wrote a new outbox item). ``on_sent(settled_count)`` and ``on_error(message)``
    run in the loop's thread.
    """

    failure_text = "Ошибка отправки в Систему Инцидент: {error}"

    def __init__(
        self,
        worker: OutboxWorker,
        interval_seconds: float = 5.0,
        *,
        on_sent: Callable[[int], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__("outbox-loop", interval_seconds, on_error)
        self.worker = worker
        self.on_sent = on_sent

    def run_once(self) -> None:
        settled = self.worker.send_due()
        if settled and self.on_sent:
            self.on_sent(settled)
        if self.worker.last_error and self.on_error:
            self.on_error(self.worker.last_error)
