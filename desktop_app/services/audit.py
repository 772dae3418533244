"""The append-only, hash-chained audit trail (R11).

Each event's hash covers its content and the previous event's hash, so changing or removing any
row breaks the chain from that row on. ``verify_chain`` finds the first broken event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from desktop_app.models.database import Database
from desktop_app.models.entities import AuditEvent
from desktop_app.services.actor import Actor

GENESIS_HASH = "0" * 64
log = logging.getLogger(__name__)


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_login": event.actor_login,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "message_id": event.message_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _jsonable(value: Any) -> Any:
    """Make before/after snapshots JSON-safe and stable (datetimes as UTC ISO, enums as values)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    occurred_at: dt.datetime,
    actor_id: int | None = None,
    actor_login: str = "",
    message_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    The chain's tail is read under a write lock held to the end of the transaction (PostgreSQL:
    an advisory lock; SQLite: the database write lock), so two workstations — or the intake
    thread and a user — never append to the same predecessor. The tail is then remembered for
    the rest of the transaction, so a batch of events costs no extra queries.
    """
    transaction = session.get_transaction()
    cached = session.info.get(_TAIL_KEY)
    if cached is not None and cached[0] is transaction:
        previous = cached[1]
    else:
        _lock_chain(session)
        previous = session.scalars(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_login=actor_login,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        message_id=message_id,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=previous or GENESIS_HASH,
    )
    event.hash = event_hash(event)
    # Rows of one mapper are inserted in the order they were added, so ids follow the chain.
    session.add(event)
    session.info[_TAIL_KEY] = (transaction, event.hash)
    appended = session.info.get(_APPENDED_KEY)
    if appended is not None and appended[0] is transaction:
        session.info[_APPENDED_KEY] = (transaction, appended[1], appended[2] + 1, event.hash)
    else:
        session.info[_APPENDED_KEY] = (transaction, event.prev_hash, 1, event.hash)
    return event


def record_by(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    occurred_at: dt.datetime,
    message_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """:func:`record` for an action a person took (R11: who, when, what)."""
    return record(
        session,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        occurred_at=occurred_at,
        actor_id=actor.user_id,
        actor_login=actor.login,
        message_id=message_id,
        before=before,
        after=after,
    )


_TAIL_KEY = "otklik.audit_tail"


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(734211)"))
    else:
        # Flush pending work and take SQLite's write lock before reading the tail: a statement that
        # writes (even no row) starts the write transaction, which holds until commit.
        session.flush()
        session.execute(sa.text("UPDATE app_settings SET key = key WHERE 0 = 1"))


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(db: Database, batch: int = 5000, expected: Head | None = None) -> ChainVerdict:
    """Walk the chain in id order; stop at the first event whose link or hash does not match.

    With ``expected`` (the signed checkpoint or a receipt) the chain must still hold that head at
    that position — deleting the newest events, re-hashing the history or appending events the app
    did not write is then found too (issue 14).
    """
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    with db.session() as session:
        while True:
            events = session.scalars(
                sa.select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
            ).all()
            if not events:
                break
            for event in events:
                if event.prev_hash != expected_prev:
                    return ChainVerdict(False, checked, event.id, "ссылка на предыдущее событие не совпадает")
                if event_hash(event) != event.hash:
                    return ChainVerdict(False, checked, event.id, "содержимое события изменено")
                expected_prev = event.hash
                checked += 1
                last_id = event.id
                if expected is not None and checked == expected.count and event.hash != expected.last_hash:
                    return ChainVerdict(
                        False,
                        checked,
                        event.id,
                        f"событие № {event.id} не то, что записано в контрольной точке: "
                        "история переписана и пересчитана заново",
                    )
            session.expunge_all()
    if expected is not None and checked < expected.count:
        return ChainVerdict(
            False,
            checked,
            None,
            f"в журнале {checked} событий, а по контрольной точке их не меньше {expected.count}: "
            "последние события удалены",
        )
    if expected is not None and checked > expected.count:
        first = _nth_event_id(db, expected.count)
        return ChainVerdict(
            False,
            checked,
            first,
            f"после контрольной точки есть {checked - expected.count} событий, которых приложение не "
            "подтвердило: они добавлены в базу в обход приложения (или контрольная точка взята с "
            "рабочего места, которое их ещё не видело)",
        )
    return ChainVerdict(True, checked)


def _nth_event_id(db: Database, offset: int) -> int | None:
    with db.session() as session:
        return session.scalar(sa.select(AuditEvent.id).order_by(AuditEvent.id).offset(offset).limit(1))


# -- checkpoint outside the table (issue 14) -----------------------------------------------------
#
# The hash chain alone shows a changed or removed *middle* event. It cannot show that the newest
# events were deleted, that the whole history was re-hashed, or that a well-formed event was
# appended by someone with database access: the algorithm is public. So after every commit that
# appended events, the app writes the chain's head (event count, last id, last hash) to a file in
# the settings directory, signed with an HMAC key kept next to it (created 0600). ``verify_chain``
# then checks the database against that head; an exported receipt does the same for an auditor.

KEY_FILE = "audit-hmac.key"
_APPENDED_KEY = "otklik.audit_appended"
_COMMITTING_KEY = "otklik.audit_committing"


class CheckpointError(Exception):
    """The checkpoint or receipt file is unreadable or its signature does not match."""


@dataclass(frozen=True)
class Head:
    count: int
    last_id: int
    last_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "last_id": self.last_id, "last_hash": self.last_hash}


def database_fingerprint(url: str) -> str:
    """Names a database without its password: the checkpoint of one database is never used for another."""
    from sqlalchemy.engine import make_url

    safe = make_url(url).render_as_string(hide_password=True) if url else ""
    return hashlib.sha256(safe.encode()).hexdigest()[:16]


class ChainCheckpoint:
    """The signed head of one database's chain, in ``directory``."""

    def __init__(self, directory: Path, url: str) -> None:
        self.directory = directory
        self.database = database_fingerprint(url)
        self.path = directory / f"audit-checkpoint-{self.database}.json"
        self._lock = threading.Lock()

    def key(self) -> bytes:
        file = self.directory / KEY_FILE
        if not file.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first
            else:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32))
        return bytes.fromhex(file.read_text(encoding="ascii").strip())

    def sign(self, body: dict[str, Any]) -> str:
        payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self.key(), payload, hashlib.sha256).hexdigest()

    def read(self) -> Head | None:
        if not self.path.exists():
            return None
        return self.check(self.path.read_text(encoding="utf-8"))

    def check(self, text: str) -> Head:
        """A checkpoint or receipt's head, if its signature is ours and it names this database."""
        try:
            data = json.loads(text)
            body = {k: v for k, v in data.items() if k != "hmac"}
            head = Head(int(body["count"]), int(body["last_id"]), str(body["last_hash"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointError("файл контрольной точки повреждён") from exc
        if body.get("database") != self.database:
            raise CheckpointError("контрольная точка относится к другой базе данных")
        if not hmac.compare_digest(str(data.get("hmac", "")), self.sign(body)):
            raise CheckpointError("подпись контрольной точки не совпадает: файл изменён или ключ другой")
        return head

    def signed(self, head: Head, at: dt.datetime, kind: str = "checkpoint") -> dict[str, Any]:
        body = {
            "kind": kind,
            "database": self.database,
            "at": at.astimezone(dt.UTC).isoformat(),
        } | head.as_dict()
        return body | {"hmac": self.sign(body)}

    def advance(self, head: Head, at: dt.datetime) -> None:
        """Move the checkpoint forward (never back: a late writer does not undo a newer head)."""
        with self._lock:
            try:
                current = self.read()
            except CheckpointError:
                current = None  # verify reports it; the app keeps recording
            if current is not None and current.count >= head.count:
                return
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.signed(head, at), handle)
            os.replace(temporary, self.path)


def chain_head(db: Database) -> Head:
    with db.session() as session:
        count = session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0
        last = session.execute(
            sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
    return Head(count, last[0], last[1]) if last else Head(0, 0, GENESIS_HASH)


def install_checkpoint(db: Database, checkpoint: ChainCheckpoint) -> None:
    """After every commit that appended audit events, advance the checkpoint (set up by the bootstrap)."""
    known: dict[str, Head] = {}

    def before_commit(session: Session) -> None:
        appended = session.info.pop(_APPENDED_KEY, None)
        if appended is not None and appended[0] is session.get_transaction():
            session.info[_COMMITTING_KEY] = appended

    def after_commit(session: Session) -> None:
        appended = session.info.pop(_COMMITTING_KEY, None)
        if appended is None:
            return
        _transaction, first_prev, count, last_hash = appended
        previous = known.get("head")
        if previous is not None and previous.last_hash == first_prev:
            # Only this workstation appended since its last checkpoint: no need to count the table.
            with db.session() as reader:
                last_id = reader.scalar(sa.select(AuditEvent.id).where(AuditEvent.hash == last_hash))
            head = Head(previous.count + count, last_id or 0, last_hash)
        else:
            head = chain_head(db)  # first commit, or another workstation appended in between
        known["head"] = head
        try:
            checkpoint.advance(head, dt.datetime.now(dt.UTC))
        except OSError:
            log.warning("audit checkpoint not written to %s", checkpoint.path, exc_info=True)

    def after_rollback(session: Session) -> None:
        session.info.pop(_APPENDED_KEY, None)
        session.info.pop(_COMMITTING_KEY, None)

    sa_event.listen(db.session_factory, "before_commit", before_commit)
    sa_event.listen(db.session_factory, "after_commit", after_commit)
    sa_event.listen(db.session_factory, "after_rollback", after_rollback)
