"""The append-only, hash-chained audit trail (R11).

Each event's hash covers its content and the previous event's hash, so changing or removing any
row breaks the chain from that row on. ``verify_chain`` finds the first broken event.

The algorithm is public, so a person with database access could append a well-formed event. Since
migration 0009 every event the app writes also carries its own signature: an HMAC under the key in
the settings directory over the same canonical content, written in the same INSERT (issue 14). An
unsigned event is accepted only as *legacy* — older than the migration, up to the boundary it
recorded and the app sealed into its signed checkpoint.
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
from dataclasses import dataclass, field, replace
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


_SIGNATURE_CONTEXT = b"otklik-audit-event-v1\n"  # never the same message as a checkpoint's HMAC


def event_signature(key: bytes, event: AuditEvent) -> str:
    """The event's own HMAC: its canonical content, previous hash included, under the audit key."""
    return hmac.new(key, _SIGNATURE_CONTEXT + _canonical(event), hashlib.sha256).hexdigest()


#: ``app_settings`` row where migration 0009 recorded the last unsigned (legacy) event's id.
LEGACY_KEY = "audit_legacy_last_id"


def stored_legacy_boundary(db: Database) -> int | None:
    """The boundary as the database holds it (None: not migrated). Sealed into the checkpoint at
    the first start, because anyone who can write the table can also write this row."""
    from desktop_app.models.entities import AppSetting

    try:
        with db.session() as session:
            row = session.get(AppSetting, LEGACY_KEY)
    except sa.exc.SQLAlchemyError:
        return None
    if row is None:
        return None
    try:
        return int(row.value)
    except (TypeError, ValueError):
        return 0  # a mangled boundary vouches for nothing


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


UNSIGNED = "событие не подписано приложением: оно добавлено в базу в обход приложения"
BAD_SIGNATURE = (
    "подпись события не совпадает: событие подделано в базе (или записано рабочим местом с другим "
    "ключом журнала — ключ должен быть один на всех рабочих местах)"
)


def verify_chain(
    db: Database,
    batch: int = 5000,
    expected: Head | None = None,
    key: bytes | None = None,
    legacy_last_id: int | None = None,
) -> ChainVerdict:
    """Walk the chain in id order; stop at the first event whose link, hash or signature does not match.

    With ``expected`` (the signed checkpoint or a receipt) the chain must still hold that head at
    that position — deleting the newest events, re-hashing the history or appending events the app
    did not write is then found too (issue 14). With ``key`` every event must carry its own valid
    signature, except legacy ones: unsigned, not after the boundary (the checkpoint's sealed one,
    else ``legacy_last_id``, else the database's) and not after any signed event.
    """
    if key is not None:
        if expected is not None and expected.legacy_last_id is not None:
            legacy_last_id = expected.legacy_last_id
        elif legacy_last_id is None:
            legacy_last_id = stored_legacy_boundary(db) or 0
    signed_seen = False
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
                if key is not None:
                    if event.signature is None:
                        if signed_seen or event.id > (legacy_last_id or 0):
                            return ChainVerdict(False, checked, event.id, UNSIGNED)
                    elif not hmac.compare_digest(event.signature, event_signature(key, event)):
                        return ChainVerdict(False, checked, event.id, BAD_SIGNATURE)
                    else:
                        signed_seen = True
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
    if expected is not None and expected.forged_id is not None:
        # The forged event has gone since (its row removed and the rest re-chained by the owner):
        # the signed checkpoint still remembers it.
        return ChainVerdict(
            False,
            checked,
            expected.forged_id,
            "контрольная точка отмечает это событие как добавленное в обход приложения",
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
    # Sealed with the head (issue 14): the last legacy (unsigned) event's id, and the first event the
    # app found unsigned or forged — kept once found, so no later checkpoint vouches for it.
    legacy_last_id: int | None = field(default=None, compare=False)
    forged_id: int | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"count": self.count, "last_id": self.last_id, "last_hash": self.last_hash}
        if self.legacy_last_id is not None:
            body["legacy_last_id"] = self.legacy_last_id
        if self.forged_id is not None:
            body["forged_id"] = self.forged_id
        return body


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
        self._key: bytes | None = None

    def existing_key(self) -> bytes | None:
        """The key if this workstation has one (verification never makes a new one)."""
        file = self.directory / KEY_FILE
        if self._key is None and not file.exists():
            return None
        return self.key()

    def key(self) -> bytes:
        if self._key is not None:
            return self._key
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
        self._key = bytes.fromhex(file.read_text(encoding="ascii").strip())
        return self._key

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
            head = Head(
                int(body["count"]),
                int(body["last_id"]),
                str(body["last_hash"]),
                None if body.get("legacy_last_id") is None else int(body["legacy_last_id"]),
                None if body.get("forged_id") is None else int(body["forged_id"]),
            )
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
            if current is not None:
                # What is sealed stays: the legacy boundary never moves, a found forgery is never dropped.
                legacy = current.legacy_last_id if current.legacy_last_id is not None else head.legacy_last_id
                forged = current.forged_id if current.forged_id is not None else head.forged_id
                base = head if head.count > current.count else current
                head = replace(base, legacy_last_id=legacy, forged_id=forged)
                if head == current and (legacy, forged) == (current.legacy_last_id, current.forged_id):
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


#: How many of the newest events a workstation checks when it first sees the chain, or sees that other
#: workstations appended: enough for any real gap between two actions, bounded so that joining a large
#: shared database never stalls an action (``otklik audit verify`` checks every event).
CONFIRM_WINDOW = 5000


def first_forged(
    db: Database,
    key: bytes,
    after_id: int,
    legacy_last_id: int,
    up_to: int,
    own: tuple[str, str] | None = None,
) -> int | None:
    """The first event in (after_id, up_to] with no valid signature (legacy ones excepted).

    ``own``: (hash before, last hash) of the events this transaction just wrote and signed — skipped.
    """
    after_id = max(after_id, up_to - CONFIRM_WINDOW)
    with db.session() as session:
        stmt = sa.select(AuditEvent).where(AuditEvent.id > after_id, AuditEvent.id <= up_to)
        if own is not None:
            before = session.scalar(sa.select(AuditEvent.id).where(AuditEvent.hash == own[0])) or 0
            last = session.scalar(sa.select(AuditEvent.id).where(AuditEvent.hash == own[1]))
            if last is not None:
                stmt = stmt.where(sa.or_(AuditEvent.id <= before, AuditEvent.id > last))
        events = session.scalars(stmt.order_by(AuditEvent.id))
        signed_seen = False
        for event in events:
            if event.signature is None:
                if signed_seen or event.id > legacy_last_id:
                    return event.id
            elif not hmac.compare_digest(event.signature, event_signature(key, event)):
                return event.id
            else:
                signed_seen = True
    return None


FORGED_WARNING = (
    "Журнал действий: событие № {id} добавлено в базу в обход приложения (у него нет подписи "
    "приложения или она не совпадает). Работа продолжается, действия сотрудников записываются как "
    "обычно, но это событие приложение подлинным не признаёт: проверьте журнал командой "
    "«otklik audit verify» и сообщите ответственному за информационную безопасность."
)
KEY_WARNING = (
    "Журнал действий: ключ подписи на этом рабочем месте не совпадает с ключом, которым подписаны "
    "события в базе. Скопируйте файл «{file}» с рабочего места, где журнал ведётся (docs/SECURITY.md), "
    "иначе события этого рабочего места будут считаться подделанными."
)


class AuditWatch:
    """What this workstation found about the audit trail, for the administrator's screen (issue 14).

    The app never refuses a person's action because of someone else's forgery (that would let one
    forged row stop the whole administration): the action is recorded and signed as usual, the
    forged event is sealed into the checkpoint as forged, and administrators see :meth:`warning`.
    """

    def __init__(self, db: Database, checkpoint: ChainCheckpoint) -> None:
        self._db = db
        self.checkpoint = checkpoint
        self.forged_id: int | None = None
        self.key_mismatch = False
        self.legacy_last_id: int | None = None

    def warning(self, actor: Actor) -> str:
        """Russian warning text for an administrator ("" when all is well)."""
        from desktop_app.domain.lifecycle import Role
        from desktop_app.services import access

        with self._db.session() as session:
            access.acting_as(session, actor, (Role.ADMIN,), "Состояние журнала действий видит администратор.")
        forged = self.forged_id
        if forged is None:
            try:
                sealed = self.checkpoint.read()
            except CheckpointError:
                sealed = None
            forged = sealed.forged_id if sealed is not None else None
        parts = []
        if forged is not None:
            parts.append(FORGED_WARNING.format(id=forged))
        if self.key_mismatch:
            parts.append(KEY_WARNING.format(file=self.checkpoint.directory / KEY_FILE))
        return "\n\n".join(parts)


def seal(db: Database, checkpoint: ChainCheckpoint, watch: AuditWatch | None = None) -> int | None:
    """At start (and after ``otklik db upgrade``): seal the legacy boundary into the signed checkpoint
    once, and check that this workstation's key is the one the database's events are signed with.

    Returns the boundary the app goes by (None: the database predates migration 0009).
    """
    try:
        current = checkpoint.read()
    except CheckpointError:
        current = None  # verify reports it; the app keeps recording
    legacy = current.legacy_last_id if current is not None else None
    if legacy is None:
        legacy = stored_legacy_boundary(db)
        if legacy is not None:
            try:
                head = chain_head(db)
                # A head is sealed only over events that are signed or legacy (never launder a forgery).
                forged = first_forged(
                    db, checkpoint.key(), current.last_id if current else 0, legacy, head.last_id
                )
                checkpoint.advance(
                    replace(head, legacy_last_id=legacy, forged_id=forged), dt.datetime.now(dt.UTC)
                )
                if watch is not None and forged is not None:
                    watch.forged_id = forged
            except (OSError, sa.exc.SQLAlchemyError):
                log.warning("audit checkpoint not sealed in %s", checkpoint.directory, exc_info=True)
    if watch is not None:
        watch.legacy_last_id = legacy
        watch.key_mismatch = _key_mismatch(db, checkpoint)
    return legacy


def _key_mismatch(db: Database, checkpoint: ChainCheckpoint) -> bool:
    """True when the newest signed event does not verify under this workstation's key."""
    try:
        with db.session() as session:
            newest = session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.signature.is_not(None))
                .order_by(AuditEvent.id.desc())
                .limit(1)
            ).first()
        if newest is None:
            return False
        return not hmac.compare_digest(newest.signature, event_signature(checkpoint.key(), newest))
    except (OSError, ValueError, sa.exc.SQLAlchemyError):
        return False


def install_checkpoint(db: Database, checkpoint: ChainCheckpoint) -> AuditWatch:
    """Sign every audit event as it is written and advance the checkpoint after every commit that
    appended events (set up by the bootstrap, so only the app's own sessions sign)."""
    watch = AuditWatch(db, checkpoint)
    legacy = seal(db, checkpoint, watch)
    known: dict[str, Head] = {}

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        # The signature goes into the event's own INSERT: an event is never committed unsigned by the app.
        pending = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.signature is None]
        if not pending:
            return
        try:
            key = checkpoint.key()
        except (OSError, ValueError):
            log.warning(
                "audit key unreadable in %s: events left unsigned", checkpoint.directory, exc_info=True
            )
            return
        for event in pending:
            event.signature = event_signature(key, event)

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
        forged = None
        try:
            if previous is not None and previous.last_hash == first_prev:
                # Only this workstation appended since its last checkpoint (and it signed what it
                # wrote): no need to count the table or check signatures.
                with db.session() as reader:
                    last_id = reader.scalar(sa.select(AuditEvent.id).where(AuditEvent.hash == last_hash))
                head = Head(previous.count + count, last_id or 0, last_hash)
            else:
                # First commit, or another workstation appended in between: what they appended is
                # checked before this checkpoint is allowed to cover it (issue 14).
                head = chain_head(db)
                if legacy is not None:
                    since = previous.last_id if previous is not None else _sealed_last_id(checkpoint)
                    forged = first_forged(
                        db, checkpoint.key(), since, legacy, head.last_id, own=(first_prev, last_hash)
                    )
        except (OSError, ValueError, sa.exc.SQLAlchemyError):
            log.warning("audit checkpoint not advanced", exc_info=True)
            return
        if forged is not None:
            if watch.forged_id is None:
                watch.forged_id = forged
            log.warning("audit event %s has no valid signature: appended behind the app's back", forged)
        head = replace(head, legacy_last_id=legacy, forged_id=forged)
        known["head"] = head
        try:
            checkpoint.advance(head, dt.datetime.now(dt.UTC))
        except OSError:
            log.warning("audit checkpoint not written to %s", checkpoint.path, exc_info=True)

    def after_rollback(session: Session) -> None:
        session.info.pop(_APPENDED_KEY, None)
        session.info.pop(_COMMITTING_KEY, None)

    sa_event.listen(db.session_factory, "before_flush", before_flush)
    sa_event.listen(db.session_factory, "before_commit", before_commit)
    sa_event.listen(db.session_factory, "after_commit", after_commit)
    sa_event.listen(db.session_factory, "after_rollback", after_rollback)
    return watch


def _sealed_last_id(checkpoint: ChainCheckpoint) -> int:
    try:
        sealed = checkpoint.read()
    except CheckpointError:
        return 0
    return sealed.last_id if sealed is not None else 0
