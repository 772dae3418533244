"""What a write changed, and the feed that tells every workstation about it (issue 17).

Every committed transaction on a database built by the bootstrap records what it touched:

* in this process, as a :class:`Changes` value the operation that made the write gets back (so each
  screen refreshes only what it shows);
* in the ``change_log`` table, in the same transaction, for the other workstations; on PostgreSQL the
  commit also sends ``NOTIFY otklik_changes`` so the others read the log at once. On SQLite the
  others notice the commit by ``PRAGMA data_version``.

:class:`ChangeListener` is the reading side: a plain thread (no Qt) that wakes on a notification or
a new data version, reads the new log rows and hands one merged :class:`Changes` to a callback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import select
import socket
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import OPEN_STATES, MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import ChangeLogEntry, Draft, Message, Presence

log = logging.getLogger(__name__)

CHANNEL = "otklik_changes"
# Held from the log insert to the commit on PostgreSQL: log ids then grow in commit order, so a reader
# that saw id N has seen every change below N (a sequence alone hands out ids before the commit).
_LOG_LOCK = 0x6F746B6C
_KEY_CHUNK = 500  # ids per key read (well under every driver's bound-parameter limit)
KEEP_LOG = dt.timedelta(minutes=10)  # a workstation that was away longer reloads everything
_PRUNE_EVERY = 200  # commits between two prunings of the log


@dataclass(frozen=True, slots=True)
class Changes:
    """What one or more committed writes changed.

    ``messages``: messages whose row or record (history, drafts, publications…) changed;
    ``arrived``: messages that are new; ``drafts``: messages whose draft changed;
    ``states``: message states left or entered (which queues' membership and counts moved);
    ``presence``: messages whose "who has it open" changed; ``everything``: unknown scope, reload all.
    """

    messages: frozenset[int] = frozenset()
    arrived: frozenset[int] = frozenset()
    drafts: frozenset[int] = frozenset()
    states: frozenset[MessageState] = frozenset()
    presence: frozenset[int] = frozenset()
    everything: bool = False

    @classmethod
    def all(cls) -> Changes:
        return cls(everything=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.messages | other.messages,
            self.arrived | other.arrived,
            self.drafts | other.drafts,
            self.states | other.states,
            self.presence | other.presence,
            self.everything or other.everything,
        )

    def __bool__(self) -> bool:
        return bool(
            self.everything or self.messages or self.arrived or self.drafts or self.states or self.presence
        )

    @property
    def rows(self) -> frozenset[int]:
        """Messages whose queue row may look different (or appear)."""
        return self.messages | self.arrived

    def touches(self, message_id: int | None) -> bool:
        return message_id is not None and (self.everything or message_id in self.messages | self.arrived)

    def of_message(self, message_id: int | None) -> bool:
        """Anything a message card shows: its record, its draft or who has it open."""
        return self.touches(message_id) or message_id in self.drafts or message_id in self.presence


# What a message counts under in the queue counts: state, department, earliest open deadline.
CountKey = tuple[str, int | None, dt.datetime | None]
_OPEN_VALUES = frozenset(s.value for s in OPEN_STATES)


def count_key(
    state: str,
    department_id: int | None,
    stage_due_at: dt.datetime | None,
    overall_due_at: dt.datetime | None,
    overall_closed_at: dt.datetime | None,
) -> CountKey:
    """The counting key of a message row; ``due`` is when it becomes «просрочено» (None: never).

    Same condition as ``queries._overdue``: an open message whose stage or 8-hour clock ran out.
    """
    state = state.value if isinstance(state, MessageState) else state
    due = None
    if state in _OPEN_VALUES:
        clocks = [stage_due_at, overall_due_at if overall_closed_at is None else None]
        present = [c for c in clocks if c is not None]
        due = min(present) if present else None
    return state, department_id, due


def read_keys(session: Session, message_ids: Iterable[int]) -> dict[int, CountKey]:
    """The counting keys of ``message_ids`` as the session's transaction sees them now."""
    ids = sorted(message_ids)
    found: dict[int, CountKey] = {}
    connection = session.connection()
    for start in range(0, len(ids), _KEY_CHUNK):
        chunk = ids[start : start + _KEY_CHUNK]
        for row in connection.execute(
            sa.select(
                Message.id,
                Message.state,
                Message.department_id,
                Message.stage_due_at,
                Message.overall_due_at,
                Message.overall_closed_at,
            ).where(Message.id.in_(chunk))
        ):
            found[row[0]] = count_key(*row[1:])
    return found


@dataclass
class _Pending:
    messages: set[int] = field(default_factory=set)
    arrived: set[int] = field(default_factory=set)
    drafts: set[int] = field(default_factory=set)
    states: set[MessageState] = field(default_factory=set)
    presence: set[int] = field(default_factory=set)
    # message id -> its counting key before this transaction (None: it did not exist)
    old_keys: dict[int, CountKey | None] = field(default_factory=dict)

    def freeze(self) -> Changes:
        return Changes(
            frozenset(self.messages),
            frozenset(self.arrived),
            frozenset(self.drafts),
            frozenset(self.states),
            frozenset(self.presence),
        )

    def log_rows(self) -> list[tuple[int, str]]:
        rows = [(m, "arrived") for m in self.arrived]
        rows += [(m, "message") for m in self.messages - self.arrived]
        rows += [(m, "draft") for m in self.drafts - self.messages - self.arrived]
        rows += [(m, "presence") for m in self.presence - self.messages - self.arrived - self.drafts]
        return rows


_KEY_FIELDS = (
    "old_state",
    "old_department_id",
    "old_due_at",
    "new_state",
    "new_department_id",
    "new_due_at",
)


class Collected:
    """What the writes of one ``collect()`` block committed."""

    def __init__(self) -> None:
        self.changes = Changes()


class ChangeFeed:
    """Records the changes of every committed transaction of one database (installed by the bootstrap)."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now
        self._pending: weakref.WeakKeyDictionary[Session, _Pending] = weakref.WeakKeyDictionary()
        self._local = threading.local()
        self._commits = 0
        factory = db.session_factory
        event.listen(factory, "before_flush", self._before_flush)
        event.listen(factory, "after_flush", self._after_flush)
        event.listen(factory, "before_commit", self._before_commit)
        event.listen(factory, "after_commit", self._after_commit)
        event.listen(factory, "after_rollback", self._after_rollback)

    @contextlib.contextmanager
    def collect(self) -> Iterator[Collected]:
        """Gather what the transactions committed on this thread inside the block changed."""
        box = Collected()
        stack: list[Collected] = self._local.__dict__.setdefault("stack", [])
        stack.append(box)
        try:
            yield box
        finally:
            stack.remove(box)

    def touch(self, session: Session, message_ids: Iterable[int]) -> None:
        """Record messages whose card changed though no row of theirs did (an incident group, issue 18)."""
        pending = self._pending.get(session)
        if pending is None:
            pending = self._pending[session] = _Pending()
        pending.messages.update(message_ids)

    # -- session events ------------------------------------------------------------------------

    def _before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        # The counting key of each message before this transaction first writes it, read from the
        # database (an attribute's history is empty when it was expired before being set).
        pending = self._pending.get(session)
        if pending is None:
            pending = self._pending[session] = _Pending()
        unseen = {
            obj.id
            for obj in (*session.dirty, *session.deleted)
            if isinstance(obj, Message) and obj.id is not None and obj.id not in pending.old_keys
        }
        if unseen:
            keys = read_keys(session, unseen)
            for message_id in unseen:
                pending.old_keys[message_id] = keys.get(message_id)

    def _after_flush(self, session: Session, _context: Any) -> None:
        pending = self._pending.get(session)
        if pending is None:
            pending = self._pending[session] = _Pending()
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Message):
                if obj in session.new:
                    pending.arrived.add(obj.id)
                    pending.old_keys.setdefault(obj.id, None)
                    pending.states.add(obj.state)
                else:
                    pending.messages.add(obj.id)
                    history = inspect(obj).attrs.state.history
                    pending.states.update(s for s in (*history.added, *history.deleted) if s is not None)
            elif isinstance(obj, Presence):
                pending.presence.add(obj.message_id)
            elif isinstance(obj, Draft):
                pending.drafts.add(obj.message_id)
            elif isinstance(obj, ChangeLogEntry):
                continue
            else:
                message_id = getattr(obj, "message_id", None)
                if isinstance(message_id, int):
                    pending.messages.add(message_id)

    def _before_commit(self, session: Session) -> None:
        if session.new or session.dirty or session.deleted:
            session.flush()  # the final flush of the commit happens after this hook
        pending = self._pending.get(session)
        if pending is None:
            return
        rows = pending.log_rows()
        if not rows:
            return
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
        new_keys = read_keys(session, pending.old_keys)
        now = self._now()
        entries = []
        for m, kind in rows:
            entry: dict[str, Any] = {"message_id": m, "kind": kind, "changed_at": now}
            entry.update(dict.fromkeys(_KEY_FIELDS))
            if m in pending.old_keys and kind in ("arrived", "message"):
                old, new = pending.old_keys[m], new_keys.get(m)
                if old is not None:
                    entry.update(zip(_KEY_FIELDS[:3], old, strict=True))
                if new is not None:
                    entry.update(zip(_KEY_FIELDS[3:], new, strict=True))
            entries.append(entry)
        connection.execute(sa.insert(ChangeLogEntry), entries)
        self._commits += 1
        if self._commits % _PRUNE_EVERY == 0:
            connection.execute(sa.delete(ChangeLogEntry).where(ChangeLogEntry.changed_at < now - KEEP_LOG))
        if postgres:
            # Delivered by the server only when (and if) this transaction commits.
            connection.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})

    def _after_commit(self, session: Session) -> None:
        pending = self._pending.pop(session, None)
        if pending is None:
            return
        changes = pending.freeze()
        for box in getattr(self._local, "stack", ()):
            box.changes = box.changes | changes

    def _after_rollback(self, session: Session) -> None:
        self._pending.pop(session, None)

    # -- reading the log -------------------------------------------------------------------------

    def last_id(self) -> int:
        with self._db.session() as session:
            return session.scalar(sa.select(sa.func.max(ChangeLogEntry.id))) or 0

    def read_since(self, last_id: int) -> tuple[int, Changes]:
        """Log rows after ``last_id`` as one :class:`Changes` (everything, when rows were pruned)."""
        with self._db.session() as session:
            rows = session.execute(
                sa.select(ChangeLogEntry.id, ChangeLogEntry.message_id, ChangeLogEntry.kind)
                .where(ChangeLogEntry.id > last_id)
                .order_by(ChangeLogEntry.id)
            ).all()
            if not rows:
                return last_id, Changes()
            oldest = session.scalar(sa.select(sa.func.min(ChangeLogEntry.id))) or 0
        return rows[-1][0], _merge(rows, gap=last_id and oldest > last_id + 1)


def _merge(rows: Iterable[tuple[int, int | None, str]], *, gap: bool) -> Changes:
    pending = _Pending()
    for _id, message_id, kind in rows:
        if message_id is None:
            continue
        target = {
            "arrived": pending.arrived,
            "draft": pending.drafts,
            "presence": pending.presence,
        }.get(kind, pending.messages)
        target.add(message_id)
    changes = pending.freeze()
    # A message's state change may move it between any queues: the other side re-reads its counts.
    if changes.messages or changes.arrived:
        changes = Changes(
            changes.messages, changes.arrived, changes.drafts, frozenset(MessageState), changes.presence
        )
    return Changes.all() if gap else changes


class ChangeListener:
    """Wakes on another connection's commit and hands what it changed to ``on_changes`` (< 1 s)."""

    def __init__(
        self,
        feed: ChangeFeed,
        db: Database,
        on_changes: Callable[[Changes], None],
        *,
        interval: float = 0.2,
    ) -> None:
        self._feed = feed
        self._db = db
        self._on_changes = on_changes
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # stop() wakes a PostgreSQL wait at once through this pair (a notification wait cannot be
        # interrupted: at exit the UI thread waited it out, up to the whole interval; issue 17).
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._last = 0
        self.ready = threading.Event()  # the log's position is read: later commits are delivered

    def start(self) -> ChangeListener:
        """Listen on a thread of its own; changes committed after it read the log's position
        (:attr:`ready` set) are delivered. The position is read there too: the caller is the UI
        thread, which must never wait for the database (issue 17)."""
        if self._db.dialect == "postgresql":
            self._wake = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="otklik-change-feed", daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        """The listening thread is alive (started and not yet ended)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop listening; returns once the thread has ended (at most ``timeout``): the caller may
        dispose the engine then. A wait for a notification is woken, not waited out."""
        self._stop.set()
        if self._wake is not None:
            with contextlib.suppress(OSError):
                self._wake[1].send(b"\0")
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return  # still in a read: it ends on its own (a daemon); keep its wake-up open
        if self._wake is not None:
            for end in self._wake:
                end.close()
            self._wake = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.ready.is_set():
                    self._last = self._feed.last_id()
                    self.ready.set()
                if self._db.dialect == "postgresql":
                    self._listen_postgres()
                else:
                    self._watch_sqlite()
            except Exception:  # the database went away: try again, the views keep working
                log.warning("change feed interrupted; retrying", exc_info=True)
                self._stop.wait(2.0)

    def _deliver(self) -> None:
        last, changes = self._feed.read_since(self._last)
        self._last = last
        if changes:
            self._on_changes(changes)

    def _watch_sqlite(self) -> None:
        connection = self._db.engine.raw_connection()
        try:
            version = None
            while not self._stop.is_set():
                cursor = connection.cursor()
                cursor.execute("PRAGMA data_version")
                current = cursor.fetchone()[0]
                cursor.close()
                if version is None or current != version:
                    # The first look (also after a reconnect) reads the change log too: a commit made
                    # between start() and this thread's first PRAGMA is already in that baseline and
                    # would otherwise never be delivered (the Postgres path reads it after LISTEN).
                    self._deliver()
                version = current
                self._stop.wait(self._interval)
        finally:
            connection.close()

    def _listen_postgres(self) -> None:
        import psycopg

        url = self._db.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._deliver()  # anything committed while we were (re)connecting
            woken_by = self._wake[0] if self._wake is not None else None
            while not self._stop.is_set():
                # The server's socket and stop()'s wake-up at once (select releases the GIL); the
                # interval only bounds the wait. Then whatever notifications arrived, without waiting.
                waits = [connection.fileno()] + ([woken_by] if woken_by is not None else [])
                readable, _, _ = select.select(waits, [], [], self._interval)
                if not readable or self._stop.is_set():
                    continue
                woke = False
                for _note in connection.notifies(timeout=0.0):
                    woke = True
                if woke:
                    self._deliver()
