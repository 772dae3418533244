"""Continuous intake from the Incident system (R5, R1).

:meth:`IntakeService.sync_once` pages through the gateway's feed from the stored cursor and upserts
each item by its Incident id. A page is stored in one transaction together with the cursor past it;
an item that cannot be stored (orphan reply, bad field, time or attachment) goes to the quarantine
(:mod:`desktop_app.services.quarantine`) with its raw payload and a Russian reason, so **the cursor
always moves on** and one item never stops the feed. Quarantined items are retried on later passes;
an orphan reply is stored as soon as its parent has arrived. Every pass is bounded (whole-pass
deadline, pages per pass, a cursor that does not advance is an error): see docs/GATEWAY.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError, StatementError
from sqlalchemy.orm import Session

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentError,
    IncidentGateway,
    IncomingItem,
    RejectedItem,
)
from desktop_app.adapters.incident.wire import FeedItemError, FeedLimits, item_payload, parse_item
from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import Attachment, Message, QuarantineEntry, SyncState, ThreadEntry
from desktop_app.services import quarantine, workflow_hooks
from desktop_app.services.blobs import store_blob
from desktop_app.services.periodic import PeriodicLoop
from desktop_app.services.quarantine import RetryOutcome
from desktop_app.services.workflow_hooks import Lifecycle, require
from desktop_app.settings import IncidentSettings

log = logging.getLogger(__name__)

SOURCE = "incident"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IntakeItemError(Exception):
    """One feed item cannot be stored; ``str()`` is a Russian reason."""


class OrphanReplyError(IntakeItemError):
    """A reply whose parent message has not arrived (yet): quarantined until it does."""


@dataclass(frozen=True)
class IntakeLimits:
    """Bounds of one pass (settings ``[incident]``; docs/GATEWAY.md «Bounds»)."""

    deadline_seconds: float = 120.0
    page_size: int = 500
    max_pages: int = 40
    retries_per_pass: int = 200  # quarantined items retried at the end of a pass
    feed: FeedLimits = field(default_factory=FeedLimits)

    @classmethod
    def from_settings(cls, incident: IncidentSettings) -> IntakeLimits:
        return cls(
            deadline_seconds=incident.sync_deadline_seconds,
            page_size=max(1, min(1000, incident.page_size)),
            max_pages=max(1, incident.max_pages_per_pass),
            feed=FeedLimits(
                max_text_chars=max(1, incident.max_text_chars),
                max_attachment_bytes=max(1, incident.max_attachment_bytes),
            ),
        )


#: Database failures that are not the item's fault: the pass stops and nothing moves (R5: nothing lost).
_DATABASE_DOWN = (OperationalError, InterfaceError)


def item_reason(exc: BaseException) -> str:
    """A Russian reason for administrators; the technical detail goes to the log only."""
    if isinstance(exc, IntakeItemError | FeedItemError):
        return str(exc)
    if isinstance(exc, ValueError) and "naive datetime" in str(exc):
        return "время без часового пояса"
    if isinstance(exc, IntegrityError):
        return "не сохраняется: противоречит уже сохранённым данным"
    if isinstance(exc, DataError | StatementError):
        return "не сохраняется: значение поля не подходит для базы данных"
    return "не сохраняется из-за внутренней ошибки (подробности в журнале программы)"


@dataclass(frozen=True)
class SyncResult:
    """Counts of one intake pass; replies count as updated threads. ``error``: the gateway failed.

    ``failed``: items quarantined in this pass (``errors`` says why); ``recovered``: quarantined items
    stored in this pass; ``incomplete``: the pass stopped at its bound with more to fetch (not an error).
    """

    new: int = 0
    updated: int = 0
    failed: int = 0
    replies: int = 0
    new_message_ids: tuple[int, ...] = ()
    errors: tuple[str, ...] = field(default=())
    error: str = ""
    recovered: int = 0
    incomplete: str = ""

    def summary(self) -> str:
        return f"новых: {self.new}, обновлённых: {self.updated}, с ошибками: {self.failed}"


def _channel(value: str) -> ChannelKind:
    try:
        return ChannelKind(value)
    except ValueError as exc:
        raise IntakeItemError(f"неизвестный вид источника «{value}»") from exc


def _add_attachments(session: Session, message_id: int, item: IncomingItem, known: set[str]) -> int:
    added = 0
    for a in item.attachments:
        ref = a.url or f"incident:{a.id}"
        if ref in known:
            continue
        if a.content is None:
            raise IntakeItemError(f"вложение «{a.filename}» не получено")
        digest = store_blob(session, a.content)
        session.add(
            Attachment(
                sha256=digest,
                filename=a.filename[:300],
                media_type=a.media_type[:100],
                size=len(a.content),
                message_id=message_id,
                external_url=ref[:1000],
            )
        )
        known.add(ref)
        added += 1
    return added


def _check_times(item: IncomingItem) -> None:
    for name, value in (("arrived_at", item.arrived_at), ("posted_at", item.posted_at)):
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise IntakeItemError(f"поле «{name}»: время без часового пояса")


def new_message(item: IncomingItem, now: dt.datetime) -> Message:
    """A Message row for a feed item seen for the first time (not yet added to a session)."""
    _check_times(item)
    return Message(
        external_id=item.id,
        channel_kind=_channel(item.channel_kind),
        platform=item.platform[:40],
        author_name=item.author_name[:300] or "Неизвестный автор",
        author_profile_url=item.author_profile_url[:1000],
        post_url=item.post_url[:1000],
        text=item.text,
        posted_at=item.posted_at,
        arrived_at=item.arrived_at,
        state=MessageState.NEW,
        created_at=now,
        updated_at=now,
    )


def store_new_message_parts(
    session: Session, message: Message, item: IncomingItem, now: dt.datetime, lifecycle: Lifecycle
) -> None:
    """Attachments and lifecycle clocks of a message that has just got its id."""
    if item.attachments:
        _add_attachments(session, message.id, item, set())
    lifecycle.message_arrived(session, message, now)  # R5/R4/R3 clocks start at arrival


def apply_item(
    session: Session, item: IncomingItem, now: dt.datetime, *, lifecycle: Lifecycle, known_new: bool = False
) -> tuple[str, int | None]:
    """Upsert one feed item; return ("new" | "updated" | "reply" | "unchanged", message id).

    ``known_new``: the caller already checked that no message has this Incident id (saves a query).
    """
    _check_times(item)
    if item.is_reply:
        return _apply_reply(session, item, now, lifecycle)
    message = (
        None
        if known_new
        else session.scalars(sa.select(Message).where(Message.external_id == item.id)).first()
    )
    if message is None:
        message = new_message(item, now)
        session.add(message)
        session.flush()
        store_new_message_parts(session, message, item, now, lifecycle)
        return "new", message.id
    changed = False
    old_text = message.text
    for name, value in (
        ("channel_kind", _channel(item.channel_kind)),
        ("platform", item.platform[:40]),
        ("author_name", item.author_name[:300] or message.author_name),
        ("author_profile_url", item.author_profile_url[:1000]),
        ("post_url", item.post_url[:1000]),
        ("text", item.text),
        ("posted_at", item.posted_at),
    ):
        if getattr(message, name) != value:
            setattr(message, name, value)
            changed = True
    known = set(
        session.scalars(sa.select(Attachment.external_url).where(Attachment.message_id == message.id))
    )
    if _add_attachments(session, message.id, item, known):
        changed = True
    session.flush()
    if message.text != old_text:
        workflow_hooks.post_edited(session, message, old_text, now)  # every version kept (issue 13)
    return ("updated" if changed else "unchanged"), message.id


def _apply_reply(
    session: Session, item: IncomingItem, now: dt.datetime, lifecycle: Lifecycle
) -> tuple[str, int | None]:
    parent = session.scalars(sa.select(Message).where(Message.external_id == item.parent_id)).first()
    if parent is None:
        raise OrphanReplyError(f"исходное сообщение {item.parent_id} ещё не получено")
    existing = session.scalars(sa.select(ThreadEntry).where(ThreadEntry.external_id == item.id)).first()
    if existing is not None:
        if existing.text == item.text:
            return "unchanged", parent.id
        old_text, existing.text = existing.text, item.text
        session.flush()
        workflow_hooks.post_edited(session, parent, old_text, now, existing)  # every version kept
        return "updated", parent.id
    entry = ThreadEntry(
        message_id=parent.id,
        external_id=item.id,
        author_name=item.author_name[:300] or parent.author_name,
        text=item.text,
        posted_at=item.posted_at,
        arrived_at=item.arrived_at,
        from_author=item.from_author,
    )
    session.add(entry)
    session.flush()
    known = set(session.scalars(sa.select(Attachment.external_url).where(Attachment.message_id == parent.id)))
    _add_attachments(session, parent.id, item, known)
    session.flush()
    if item.from_author:
        lifecycle.author_replied(session, parent, entry, now)  # reopens a clarification
    return "reply", parent.id


@dataclass
class _Tally:
    """Counts of one pass, filled as pages and retries are stored."""

    new: int = 0
    updated: int = 0
    replies: int = 0
    failed: int = 0
    recovered: int = 0
    new_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # quarantined in this pass: not retried again now

    def count(self, outcome: str, message_id: int | None) -> None:
        if outcome == "new":
            self.new += 1
            if message_id is not None:
                self.new_ids.append(message_id)
        elif outcome == "updated":
            self.updated += 1
        elif outcome == "reply":
            self.updated += 1
            self.replies += 1

    def quarantined(self, item_id: str, reason: str) -> None:
        self.failed += 1
        self.touched.add(item_id)
        self.errors.append(f"сообщение {item_id or 'без номера'}: {reason}")

    def stored_after_all(self, item_id: str) -> None:
        """An item quarantined earlier in this pass was stored in it (an orphan whose parent came)."""
        prefix = f"сообщение {item_id}: "
        for n, line in enumerate(self.errors):
            if line.startswith(prefix):
                del self.errors[n]
                self.failed -= 1
                self.touched.discard(item_id)
                return


class IntakeService:
    """One intake pass at a time per instance; several workstations may run one each (R5)."""

    def __init__(
        self,
        db: Database,
        gateway: IncidentGateway,
        now: Callable[[], dt.datetime] = utc_now,
        *,
        page_size: int | None = None,
        max_pages: int | None = None,
        limits: IntakeLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        lifecycle: Lifecycle | None = None,
    ) -> None:
        self.lifecycle = require(lifecycle, "IntakeService")
        self.db = db
        self.gateway = gateway
        self.now = now
        self.limits = limits or IntakeLimits()
        self.page_size = page_size or self.limits.page_size
        self.max_pages = max_pages or self.limits.max_pages
        self._monotonic = monotonic
        self._listeners: list[Callable[[SyncResult], None]] = []
        self._lock = threading.Lock()
        self._quarantine_open = True  # refreshed every pass: skip closing entries when there are none

    def add_listener(self, callback: Callable[[SyncResult], None]) -> None:
        """``callback(result)`` after every pass that brought new messages (called in the syncing thread)."""
        self._listeners.append(callback)

    def _state(self, session: Session) -> SyncState:
        state = session.scalars(sa.select(SyncState).where(SyncState.source == SOURCE)).first()
        if state is None:
            state = SyncState(source=SOURCE, cursor="")
            session.add(state)
            session.flush()
        return state

    def _begin_pass(self) -> str:
        now = self.now()
        for _ in range(2):
            try:
                with self.db.session() as session, session.begin():
                    state = self._state(session)
                    state.last_attempt_at = now
                    return state.cursor
            except IntegrityError:
                continue  # another workstation created the row at the same moment
        raise IncidentError("Не удалось записать состояние синхронизации.")

    def _apply_one(self, item: IncomingItem, known_new: bool) -> tuple[str, int | None]:
        """Store one item in its own transaction (retried once as an update on a race)."""
        try:
            with self.db.session() as session, session.begin():
                outcome = apply_item(session, item, self.now(), lifecycle=self.lifecycle, known_new=known_new)
                if self._quarantine_open:
                    quarantine.mark_stored(session, {item.id: outcome[1]}, self.now())
                return outcome
        except IntegrityError:
            if not known_new:
                raise
        # another workstation stored the same message a moment ago: apply ours as an update
        with self.db.session() as session, session.begin():
            return apply_item(session, item, self.now(), lifecycle=self.lifecycle)

    def _known_ids(self, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        with self.db.session() as session:
            return set(
                session.scalars(sa.select(Message.external_id).where(Message.external_id.in_(list(ids))))
            )

    def sync_once(self) -> SyncResult:
        """Fetch everything new since the cursor; see :class:`SyncResult`."""
        with self._lock:
            try:
                result = self._sync()
            except _DATABASE_DOWN as exc:
                log.exception("intake pass stopped: database unavailable")
                result = SyncResult(error="База данных недоступна; сообщения будут получены позже.")
                del exc
        if result.new_message_ids:
            for listener in self._listeners:
                try:
                    listener(result)
                except Exception:
                    log.exception("intake listener failed")
        return result

    def _sync(self) -> SyncResult:
        tally = _Tally()
        gateway_error = ""
        incomplete = ""
        deadline = self._monotonic() + self.limits.deadline_seconds
        cursor = self._begin_pass()
        self._quarantine_open = quarantine.open_count(self.db) > 0
        pages = 0
        while True:
            if pages >= self.max_pages:
                incomplete = f"получено {pages} страниц ленты — остальное при следующем проходе"
                break
            if self._monotonic() >= deadline:
                incomplete = (
                    f"проход занял {self.limits.deadline_seconds:g} с — остальное при следующем проходе"
                )
                break
            try:
                page = self.gateway.fetch(cursor, self.page_size, deadline=deadline)
            except IncidentError as exc:
                gateway_error = str(exc)
                break
            pages += 1
            advancing = bool(page.next_cursor) and page.next_cursor != cursor
            self._store_page(page, page.next_cursor if advancing else "", tally, deadline)
            if page.has_more and not advancing:
                # An endless loop otherwise (R5: a pass always ends); the page itself was stored.
                log.warning("feed cursor did not advance: %r -> %r", cursor, page.next_cursor)
                gateway_error = (
                    "Система Инцидент не продвигает ленту: после позиции «"
                    f"{cursor[:40]}» снова сообщает, что есть ещё сообщения; проход остановлен."
                )
                break
            if advancing:
                cursor = page.next_cursor
            if not page.has_more:
                break
        if self._monotonic() < deadline:
            self._retry_open(tally, deadline)
        self._end_pass(tally.new, gateway_error)
        return SyncResult(
            tally.new, tally.updated, tally.failed, tally.replies, tuple(tally.new_ids),
            tuple(tally.errors), gateway_error, tally.recovered, incomplete,
        )  # fmt: skip

    # --- one page ---------------------------------------------------------------------------------

    def _store_page(self, page: FetchPage, next_cursor: str, tally: _Tally, deadline: float) -> None:
        """Store a page's items, quarantine what cannot be stored, move the cursor past all of it."""
        outcomes = self._apply_page_at_once(page, next_cursor, tally)
        if outcomes is None:
            outcomes = self._apply_items_one_by_one(page, next_cursor, tally)
        for outcome, message_id in outcomes:
            tally.count(outcome, message_id)
        arrived = {item.id for item in page.items if not item.is_reply}
        if arrived and self._monotonic() < deadline:
            self._store_waiting_replies(arrived, tally)

    def _apply_page_at_once(
        self, page: FetchPage, next_cursor: str, tally: _Tally
    ) -> list[tuple[str, int | None]] | None:
        """Fast path: the whole page, its quarantined items and the cursor past it in one transaction.

        Any failure rolls the page back and returns None; the caller then stores the items one by
        one, so a single bad item never costs the others.
        """
        existing = self._known_ids({i.id for i in page.items if not i.is_reply})
        parents = self._known_ids({i.parent_id for i in page.items if i.parent_id})
        outcomes: list[tuple[str, int | None]] = []
        orphans: list[IncomingItem] = []
        try:
            with self.db.session() as session, session.begin():
                now = self.now()
                # Messages seen for the first time go in with one batched INSERT, then get their
                # attachments and clocks; updates and replies follow (their parents now exist).
                fresh: list[tuple[IncomingItem, Message]] = []
                later: list[IncomingItem] = []
                for item in page.items:
                    if item.is_reply:
                        if item.parent_id in parents or item.parent_id in existing:
                            later.append(item)
                        else:
                            orphans.append(item)
                    elif item.id in existing:
                        later.append(item)
                    else:
                        existing.add(item.id)
                        fresh.append((item, new_message(item, now)))
                session.add_all([message for _item, message in fresh])
                session.flush()
                stored: dict[str, int | None] = {}
                for item, message in fresh:
                    store_new_message_parts(session, message, item, now, self.lifecycle)
                    outcomes.append(("new", message.id))
                    stored[item.id] = message.id
                for item in later:
                    outcome = apply_item(session, item, now, lifecycle=self.lifecycle)
                    outcomes.append(outcome)
                    stored[item.id] = outcome[1]
                if self._quarantine_open:
                    quarantine.mark_stored(session, stored, now)
                for item in orphans:
                    self._quarantine(session, item.id, item.parent_id, item_payload(item), _orphan(item), now)
                for rejected in page.rejected:
                    self._quarantine_rejected(session, rejected, now)
                if next_cursor:
                    self._state(session).cursor = next_cursor
        except _DATABASE_DOWN:
            raise
        except Exception as exc:
            log.info("page of %d items not stored at once (%s); storing item by item", len(page.items), exc)
            return None
        for item in orphans:
            tally.quarantined(item.id, _orphan(item))
        for rejected in page.rejected:
            tally.quarantined(rejected.item_id, rejected.reason)
        return outcomes

    def _apply_items_one_by_one(
        self, page: FetchPage, next_cursor: str, tally: _Tally
    ) -> list[tuple[str, int | None]]:
        """Slow path: each item in its own transaction; what fails is quarantined, nothing stops."""
        existing = self._known_ids({i.id for i in page.items if not i.is_reply})
        outcomes: list[tuple[str, int | None]] = []
        for item in page.items:
            try:
                outcome = self._apply_one(item, known_new=not item.is_reply and item.id not in existing)
            except _DATABASE_DOWN:
                raise
            except Exception as exc:
                reason = item_reason(exc)
                if isinstance(exc, IntakeItemError | FeedItemError):
                    log.info("intake of %s quarantined: %s", item.id, reason)
                else:
                    log.warning("intake of %s quarantined", item.id, exc_info=exc)
                with self.db.session() as session, session.begin():
                    self._quarantine(session, item.id, item.parent_id, item_payload(item), reason, self.now())
                tally.quarantined(item.id, reason)
                continue
            if outcome[0] == "new":
                existing.add(item.id)
            outcomes.append(outcome)
        with self.db.session() as session, session.begin():
            now = self.now()
            for rejected in page.rejected:
                self._quarantine_rejected(session, rejected, now)
            if next_cursor:
                self._state(session).cursor = next_cursor
        for rejected in page.rejected:
            tally.quarantined(rejected.item_id, rejected.reason)
        return outcomes

    def _quarantine(
        self,
        session: Session,
        item_id: str,
        parent_id: str | None,
        payload: str,
        reason: str,
        now: dt.datetime,
    ) -> None:
        self._quarantine_open = True
        quarantine.record(
            session, item_id=str(item_id), parent_id=parent_id, payload=payload, reason=reason, now=now
        )

    def _quarantine_rejected(self, session: Session, rejected: RejectedItem, now: dt.datetime) -> None:
        log.info("feed item %r rejected: %s", rejected.item_id, rejected.reason)
        self._quarantine(
            session, rejected.item_id, rejected.parent_id, rejected.payload, rejected.reason, now
        )

    # --- retries ----------------------------------------------------------------------------------

    def _store_waiting_replies(self, arrived: set[str], tally: _Tally) -> None:
        """Orphan replies whose parent has just arrived are stored at once."""
        with self.db.session() as session:
            waiting = list(
                session.execute(
                    sa.select(QuarantineEntry.id, QuarantineEntry.item_id).where(
                        QuarantineEntry.status == quarantine.OPEN,
                        QuarantineEntry.parent_id.in_(list(arrived)),
                    )
                )
            )
        for entry_id, item_id in waiting:
            if self._retry_into(entry_id, tally) and item_id in tally.touched:
                tally.stored_after_all(item_id)

    def _retry_open(self, tally: _Tally, deadline: float) -> None:
        """Retry the longest-waiting open entries (a bounded number per pass)."""
        with self.db.session() as session:
            due = [
                entry_id
                for entry_id, item_id in session.execute(
                    sa.select(QuarantineEntry.id, QuarantineEntry.item_id)
                    # Without an Incident id nothing can be stored: those wait for an administrator.
                    .where(QuarantineEntry.status == quarantine.OPEN, QuarantineEntry.item_id != "")
                    .order_by(QuarantineEntry.last_tried_at, QuarantineEntry.id)
                    .limit(self.limits.retries_per_pass + len(tally.touched))
                )
                if not (item_id and item_id in tally.touched)
            ][: self.limits.retries_per_pass]
        for entry_id in due:
            if self._monotonic() >= deadline:
                break
            self._retry_into(entry_id, tally)

    def _retry_into(self, entry_id: int, tally: _Tally) -> bool:
        outcome, kind = _retry(
            self.db, entry_id, self.now, self.limits.feed, self._download(), self.lifecycle
        )
        if outcome.stored:
            tally.recovered += 1
            tally.count(kind, outcome.message_id)
        return outcome.stored

    def _download(self) -> Callable[[str], bytes] | None:
        download = getattr(self.gateway, "download", None)
        return download if callable(download) else None

    def retry_quarantined(self, entry_id: int) -> RetryOutcome:
        """An administrator's «Повторить»: the same retry as a pass does, with this gateway."""
        return _retry(self.db, entry_id, self.now, self.limits.feed, self._download(), self.lifecycle)[0]

    def _end_pass(self, new: int, gateway_error: str) -> None:
        now = self.now()
        with self.db.session() as session, session.begin():
            state = self._state(session)
            # Quarantined items are not a feed failure: they are listed for administrators.
            if gateway_error:
                state.last_error = gateway_error
            else:
                state.last_success_at = now
                state.last_error = ""
            state.new_count = state.new_count + new


def _orphan(item: IncomingItem) -> str:
    return f"исходное сообщение {item.parent_id} ещё не получено"


def _retry(
    db: Database,
    entry_id: int,
    now: Callable[[], dt.datetime],
    limits: FeedLimits,
    download: Callable[[str], bytes] | None,
    lifecycle: Lifecycle,
) -> tuple[RetryOutcome, str]:
    """Parse an open entry's payload again and store it; the entry is closed in the same transaction."""
    with db.session() as session:
        entry = session.get(QuarantineEntry, entry_id)
        if entry is None or entry.status != quarantine.OPEN:
            return RetryOutcome(False, None, "уже принято или отклонено"), ""
        payload = entry.payload
    try:
        try:
            raw = json.loads(payload)
        except ValueError as exc:
            raise FeedItemError("сохранённые данные не читаются как JSON") from exc
        item = parse_item(raw, limits, download)
        with db.session() as session, session.begin():
            moment = now()
            kind, message_id = apply_item(session, item, moment, lifecycle=lifecycle)
            entry = session.get(QuarantineEntry, entry_id, with_for_update=True)
            if entry is None or entry.status != quarantine.OPEN:
                session.rollback()
                return RetryOutcome(False, None, "уже принято или отклонено"), ""
            entry.status = quarantine.STORED
            entry.resolved_at = moment
            entry.message_id = message_id
            entry.last_tried_at = moment
            entry.attempts += 1
            quarantine.mark_stored(session, {item.id: message_id}, moment)
    except _DATABASE_DOWN:
        raise
    except Exception as exc:
        reason = item_reason(exc)
        if not isinstance(exc, IntakeItemError | FeedItemError):
            log.warning("retry of quarantined item %s failed", entry_id, exc_info=exc)
        with db.session() as session, session.begin():
            entry = session.get(QuarantineEntry, entry_id, with_for_update=True)
            if entry is not None and entry.status == quarantine.OPEN:
                if entry.item_id:  # an entry without an id keeps the reason it was set aside for
                    entry.reason = reason
                entry.last_tried_at = now()
                entry.attempts += 1
        return RetryOutcome(False, None, reason), ""
    log.info("quarantined item %s stored as message %s", entry_id, message_id)
    return RetryOutcome(True, message_id, ""), kind


def retry_quarantined(
    db: Database,
    entry_id: int,
    lifecycle: Lifecycle,
    now: Callable[[], dt.datetime] = utc_now,
    limits: FeedLimits | None = None,
    download: Callable[[str], bytes] | None = None,
) -> RetryOutcome:
    """Retry one quarantined item outside a pass (attachments by link need ``download``)."""
    return _retry(db, entry_id, now, limits or FeedLimits(), download, lifecycle)[0]


def sync_state(db: Database) -> SyncState | None:
    """Freshness of the intake for the status bar (R5): last attempt, success, error."""
    with db.session() as session:
        return session.scalars(sa.select(SyncState).where(SyncState.source == SOURCE)).first()


class IntakeLoop(PeriodicLoop):
    """Runs ``sync_once`` every ``interval_seconds`` (R5) until :meth:`stop`; :meth:`wake` syncs now.

    ``on_result(result)`` after every pass, ``on_new_messages(result)`` when it brought new messages,
    ``on_error(message)`` when the gateway failed — all in the loop's thread.
    """

    failure_text = "Ошибка получения сообщений из Системы Инцидент: {error}"

    def __init__(
        self,
        service: IntakeService,
        interval_seconds: float = 60.0,
        *,
        on_new_messages: Callable[[SyncResult], None] | None = None,
        on_result: Callable[[SyncResult], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__("intake-loop", interval_seconds, on_error)
        self.service = service
        self.on_new_messages = on_new_messages
        self.on_result = on_result

    def run_once(self) -> None:
        result = self.service.sync_once()
        if self.on_result:
            self.on_result(result)
        if result.new_message_ids and self.on_new_messages:
            self.on_new_messages(result)
        if result.error and self.on_error:
            self.on_error(result.error)
