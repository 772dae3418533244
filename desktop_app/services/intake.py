"""Continuous intake from the Incident system (R5, R1).

:meth:`IntakeService.sync_once` pages through the gateway's feed from the stored cursor and upserts
each item by its Incident id **in its own transaction** (one bad item does not lose the others). The
cursor in ``SyncState(source="incident")`` moves in the same transaction as the item it passes, and
stops before the first item that failed, so a failed item is fetched again next time and never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_app.adapters.incident.gateway import FetchPage, IncidentError, IncidentGateway, IncomingItem
from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import Attachment, Message, SyncState, ThreadEntry
from desktop_app.services import workflow_hooks
from desktop_app.services.blobs import store_blob
from desktop_app.services.periodic import PeriodicLoop
from desktop_app.services.workflow_hooks import Lifecycle, require

log = logging.getLogger(__name__)

SOURCE = "incident"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IntakeItemError(Exception):
    """One feed item cannot be stored; ``str()`` is a Russian reason."""


@dataclass(frozen=True)
class SyncResult:
    """Counts of one intake pass; replies count as updated threads. ``error``: the gateway failed."""

    new: int = 0
    updated: int = 0
    failed: int = 0
    replies: int = 0
    new_message_ids: tuple[int, ...] = ()
    errors: tuple[str, ...] = field(default=())
    error: str = ""

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


def new_message(item: IncomingItem, now: dt.datetime) -> Message:
    """A Message row for a feed item seen for the first time (not yet added to a session)."""
    if item.arrived_at.tzinfo is None:
        raise IntakeItemError("время поступления без часового пояса")
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
    if item.arrived_at.tzinfo is None:
        raise IntakeItemError("время поступления без часового пояса")
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
        raise IntakeItemError(f"исходное сообщение {item.parent_id} ещё не получено")
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


class IntakeService:
    """One intake pass at a time per instance; several workstations may run one each (R5)."""

    def __init__(
        self,
        db: Database,
        gateway: IncidentGateway,
        now: Callable[[], dt.datetime] = utc_now,
        *,
        page_size: int = 500,
        max_pages: int | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> None:
        self.lifecycle = require(lifecycle, "IntakeService")
        self.db = db
        self.gateway = gateway
        self.now = now
        self.page_size = page_size
        self.max_pages = max_pages
        self._listeners: list[Callable[[SyncResult], None]] = []
        self._lock = threading.Lock()

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
                return apply_item(session, item, self.now(), lifecycle=self.lifecycle, known_new=known_new)
        except IntegrityError:
            if not known_new:
                raise
        # another workstation stored the same message a moment ago: apply ours as an update
        with self.db.session() as session, session.begin():
            return apply_item(session, item, self.now(), lifecycle=self.lifecycle)

    def _existing_ids(self, items: tuple[IncomingItem, ...]) -> set[str]:
        ids = [i.id for i in items if not i.is_reply]
        if not ids:
            return set()
        with self.db.session() as session:
            return set(session.scalars(sa.select(Message.external_id).where(Message.external_id.in_(ids))))

    def sync_once(self) -> SyncResult:
        """Fetch everything new since the cursor; see :class:`SyncResult`."""
        with self._lock:
            result = self._sync()
        if result.new_message_ids:
            for listener in self._listeners:
                try:
                    listener(result)
                except Exception:
                    log.exception("intake listener failed")
        return result

    def _sync(self) -> SyncResult:
        new = updated = failed = replies = 0
        new_ids: list[int] = []
        errors: list[str] = []
        gateway_error = ""
        cursor = self._begin_pass()
        blocked = False
        pages = 0
        while not blocked:
            try:
                page = self.gateway.fetch(cursor, self.page_size)
            except IncidentError as exc:
                gateway_error = str(exc)
                break
            pages += 1
            outcomes = self._apply_page_at_once(page)
            if outcomes is None:
                outcomes, committed_cursor, page_errors = self._apply_items_one_by_one(page)
                if page_errors:
                    blocked = True
                    failed += len(page_errors)
                    errors.extend(page_errors)
                if committed_cursor:
                    self._set_cursor(committed_cursor)
            cursor = page.next_cursor
            for outcome, message_id in outcomes:
                if outcome == "new":
                    new += 1
                    if message_id is not None:
                        new_ids.append(message_id)
                elif outcome == "updated":
                    updated += 1
                elif outcome == "reply":
                    updated += 1
                    replies += 1
            if not page.has_more or (self.max_pages and pages >= self.max_pages):
                break
        self._end_pass(new, errors, gateway_error)
        return SyncResult(new, updated, failed, replies, tuple(new_ids), tuple(errors), gateway_error)

    def _apply_page_at_once(self, page: FetchPage) -> list[tuple[str, int | None]] | None:
        """Fast path: the whole page and the cursor past it in one transaction.

        Any failure rolls the page back and returns None; the caller then stores the items one by
        one, so a single bad item never costs the others (and the cursor stops before it).
        """
        existing = self._existing_ids(page.items)
        outcomes: list[tuple[str, int | None]] = []
        try:
            with self.db.session() as session, session.begin():
                now = self.now()
                # Messages seen for the first time go in with one batched INSERT, then get their
                # attachments and clocks; updates and replies follow (their parents now exist).
                fresh: list[tuple[IncomingItem, Message]] = []
                later: list[IncomingItem] = []
                for item in page.items:
                    if item.is_reply or item.id in existing:
                        later.append(item)
                    else:
                        existing.add(item.id)
                        fresh.append((item, new_message(item, now)))
                session.add_all([message for _item, message in fresh])
                session.flush()
                for item, message in fresh:
                    store_new_message_parts(session, message, item, now, self.lifecycle)
                    outcomes.append(("new", message.id))
                outcomes.extend(apply_item(session, item, now, lifecycle=self.lifecycle) for item in later)
                if page.next_cursor:
                    self._state(session).cursor = page.next_cursor
        except (IntakeItemError, SQLAlchemyError, ValueError) as exc:
            log.info("page of %d items not stored at once (%s); storing item by item", len(page.items), exc)
            return None
        return outcomes

    def _apply_items_one_by_one(self, page: FetchPage) -> tuple[list[tuple[str, int | None]], str, list[str]]:
        """Slow path: each item in its own transaction; returns outcomes, last good cursor, errors."""
        existing = self._existing_ids(page.items)
        outcomes: list[tuple[str, int | None]] = []
        errors: list[str] = []
        committed_cursor = ""
        for item in page.items:
            try:
                outcome = self._apply_one(item, known_new=not item.is_reply and item.id not in existing)
            except (IntakeItemError, SQLAlchemyError, ValueError) as exc:
                errors.append(f"сообщение {item.id}: {exc}")
                log.warning("intake of %s failed: %s", item.id, exc)
                continue
            if not errors and item.cursor:
                committed_cursor = item.cursor
            if outcome[0] == "new":
                existing.add(item.id)
            outcomes.append(outcome)
        if not errors:
            committed_cursor = page.next_cursor
        return outcomes, committed_cursor, errors

    def _set_cursor(self, cursor: str) -> None:
        with self.db.session() as session, session.begin():
            self._state(session).cursor = cursor

    def _end_pass(self, new: int, errors: list[str], gateway_error: str) -> None:
        now = self.now()
        with self.db.session() as session, session.begin():
            state = self._state(session)
            if gateway_error:
                state.last_error = gateway_error
            else:
                state.last_success_at = now
                state.last_error = "; ".join(errors[:3])
            state.new_count = state.new_count + new


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
