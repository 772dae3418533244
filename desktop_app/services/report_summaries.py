"""The dashboard's per-day summaries, kept exactly in every write's transaction (issue 19).

A message contributes to three summary tables (``report_message_days``, ``report_stage_days``,
``report_clock_days``, see ``models/entities.py``): its arrival day's counts, its **closed** stage
records' outcomes and its **closed** 8-hour clocks with their answer time in working seconds. What it
contributed last is stored with it (``report_message_facts.facts``), so keeping the summaries is one
rule for every workflow path: at commit, every message the transaction touched (its row or one of its
stage records: the only rows the summaries are computed from) is recomputed from the base tables as the
transaction sees them, and the difference to what it contributed before is added to the summaries.
Nothing depends on «now»: open stage records are read live by the dashboard (they are few).

Repeat complaints depend on the message before (same author or address within 30 days), so the
messages right after a touched message's old and new place are recomputed too.

A change of the working calendar (a year imported, a custom day) marks the summaries stale from its
first day (``dirty_from``); answer times of clocks that closed before that day cannot change. The
next dashboard recomputes those messages before it reads (:meth:`ReportSummaries.ensure_current`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
import weakref
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from desktop_app.domain.lifecycle import MessageState
from desktop_app.domain.worktime.deadlines import Outcome, Stage
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.database import Database
from desktop_app.models.entities import (
    CalendarDayOverride,
    CalendarYear,
    ChangeLogEntry,
    Message,
    ReportClockDay,
    ReportMessageDay,
    ReportMessageFacts,
    ReportStageDay,
    ReportSummaryState,
    StageDeadline,
)
from desktop_app.services.changes import KEEP_LOG

M = Message
S = StageDeadline
F = ReportMessageFacts

NO_ANSWER = frozenset(
    s.value for s in (MessageState.REDIRECTING, MessageState.REDIRECTED, MessageState.CLOSED)
)
REPEAT_GAP_US = 30 * 86400 * 1_000_000  # dashboard.REPEAT_WINDOW_DAYS, in microseconds
MESSAGE_COUNTS = ("received", "needing", "routed", "submitted", "interim", "redirected", "answered", "rework",
                  "repeat_author", "repeat_address")  # fmt: skip
_REBUILD_ABOVE = 3000  # stale messages above which a calendar change rebuilds everything instead
_CHUNK = 500  # ids per read (well under every driver's bound-parameter limit)
_LOCK = 0x6F746B6C  # the change feed's commit lock (changes._LOG_LOCK): summary writers commit in turn
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# What a message's contributions are computed from (``ReportSummaries.contributions``).
_MESSAGE_COLUMNS = (M.arrived_at, M.platform, M.channel_kind, M.department_id, M.state, M.author_profile_url,
                    M.author_name, M.address_key)  # fmt: skip
_STAGE_COLUMNS = (S.stage, S.started_at, S.completed_at, S.met, S.outcome, S.responsible_user_id,
                  S.responsible_department_id, S.holder, S.operator_id)  # fmt: skip


def _us(at: dt.datetime) -> int:
    delta = at - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _seconds(at: dt.datetime) -> int:
    """Whole epoch seconds (floor), as the dashboard's database expression computes them."""
    return _us(at) // 1_000_000


def spans(day: int) -> tuple[tuple[str, int], ...]:
    """The summary rows a day's cell is added to: ``d`` the day, ``w`` its Monday-to-Sunday week, ``m``
    its month, each keyed by its first day's ordinal. A period sums whole months (or weeks) from their
    rows and the days at its edges from day rows: a year reads a few thousand rows, not every day's."""
    date = dt.date.fromordinal(day)
    return ("d", day), ("w", day - date.weekday()), ("m", date.replace(day=1).toordinal())


def period_parts(first: dt.date, last: dt.date, span: str) -> tuple[list[int], list[tuple[int, int]]]:
    """``[first, last]`` as whole weeks (``span`` "w") or months ("m") — their keys — and the day ranges
    left at the edges (inclusive ordinals)."""
    keys: list[int] = []
    days: list[tuple[int, int]] = []
    day = first
    while day <= last:
        if span == "w":
            start, end = day - dt.timedelta(days=day.weekday()), day + dt.timedelta(days=6 - day.weekday())
        else:
            start = day.replace(day=1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if start == day and end <= last:
            keys.append(start.toordinal())
        else:
            stop = min(end, last)
            if days and days[-1][1] == day.toordinal() - 1:
                days[-1] = (days[-1][0], stop.toordinal())
            else:
                days.append((day.toordinal(), stop.toordinal()))
        day = end + dt.timedelta(days=1)
    return keys, days


def stage_status(outcome: str | None, met: bool | None) -> str:
    """A closed stage record's outcome as the dashboard counts it (``dashboard._status``)."""
    if outcome == Outcome.TRANSFERRED.value:
        return "transferred"
    return "met" if met else "late"


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


class _Facts:
    """The base rows of a set of messages, read in chunks."""

    def __init__(self, session: Session, ids: Iterable[int]) -> None:
        self.messages: dict[int, tuple[Any, ...]] = {}
        self.stages: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        connection = session.connection()
        ids = sorted(set(ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for row in connection.execute(sa.select(M.id, *_MESSAGE_COLUMNS).where(M.id.in_(chunk))):
                self.messages[row[0]] = tuple(row[1:])
            for row in connection.execute(
                sa.select(S.message_id, *_STAGE_COLUMNS).where(S.message_id.in_(chunk))
            ):
                self.stages[row[0]].append(tuple(row[1:]))


def author_key(platform: str, profile: str | None, name: str | None) -> str:
    """The repeat-author key (``dashboard._repeats_of``): the profile link, else the name, per platform."""
    return f"{platform}:{profile or name}"


class ReportSummaries:
    """Keeps the summaries of one database (installed once on its session factory by the bootstrap)."""

    def __init__(self, db: Database, calendar: Callable[[], WorkCalendar], timezone: str) -> None:
        self._db = db
        self._calendar = calendar
        self._tz = zoneinfo.ZoneInfo(timezone)
        # Per open session (weak: a session dropped without commit or rollback leaves nothing behind).
        self._touched: weakref.WeakKeyDictionary[Session, set[int]] = weakref.WeakKeyDictionary()
        self._calendar_from: weakref.WeakKeyDictionary[Session, int] = weakref.WeakKeyDictionary()
        factory = db.session_factory
        event.listen(factory, "after_flush", self._after_flush)
        event.listen(factory, "before_commit", self._before_commit)
        event.listen(factory, "after_commit", self._forget)
        event.listen(factory, "after_rollback", self._forget)

    def day(self, at: dt.datetime) -> int:
        return at.astimezone(self._tz).date().toordinal()

    # -- session events --------------------------------------------------------------------------

    def _after_flush(self, session: Session, _context: Any) -> None:
        touched = self._touched.setdefault(session, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Message):
                if obj.id is not None:
                    touched.add(obj.id)
            elif isinstance(obj, CalendarYear | CalendarDayOverride):
                first = dt.date(obj.year, 1, 1) if isinstance(obj, CalendarYear) else obj.day
                old = self._calendar_from.get(session)
                self._calendar_from[session] = min(first.toordinal(), old or first.toordinal())
            elif isinstance(obj, StageDeadline) and isinstance(obj.message_id, int):
                touched.add(obj.message_id)  # the only other rows the summaries are computed from

    def _before_commit(self, session: Session) -> None:
        if session.new or session.dirty or session.deleted:
            session.flush()
        touched = self._touched.get(session)
        calendar_from = self._calendar_from.get(session)
        if not touched and calendar_from is None:
            return
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        state = connection.execute(sa.select(ReportSummaryState.dirty_from)).first()
        if state is None:
            return  # not built yet: the first build reads everything as committed
        if calendar_from is not None:
            dirty = calendar_from if state[0] is None else min(state[0], calendar_from)
            connection.execute(sa.update(ReportSummaryState).values(dirty_from=dirty))
        if touched:
            self.refresh(session, touched)

    def _forget(self, session: Session) -> None:
        self._touched.pop(session, None)
        self._calendar_from.pop(session, None)

    # -- computing a message's contributions -------------------------------------------------------

    def contributions(
        self,
        message: tuple[Any, ...],
        stages: list[tuple[Any, ...]],
        repeats: tuple[int, int],
        calendar: WorkCalendar,
    ) -> list[list[Any]]:
        """The summary cells one message adds to: ``[table, *key, *counts]`` (JSON-ready lists)."""
        arrived, platform, channel, department, state, *_author = message
        channel, state = _value(channel), _value(state)
        department = department or 0
        needs = state not in NO_ANSWER
        kinds = Counter(stage for stage, *_ in stages)
        answered = any(stage == Stage.OVERALL.value and done is not None for stage, _s, done, *_ in stages)
        counted = needs and answered
        cells: list[list[Any]] = [
            ["m", self.day(arrived), platform, channel, department,
             1, int(needs), int(kinds[Stage.DRAFT.value] > 0), int(kinds[Stage.REVIEW.value] > 0),
             int(needs and kinds[Stage.FINAL_AFTER_INTERIM.value] > 0), int(kinds[Stage.REDIRECT.value] > 0),
             int(counted), kinds[Stage.REWORK.value] if counted else 0, repeats[0], repeats[1]]
        ]  # fmt: skip
        for stage, started, done, met, outcome, user, dep, holder, operator in stages:
            if done is None:
                continue  # open: its outcome depends on «now», read live
            status = stage_status(outcome, met)
            cells.append(
                ["s", self.day(started), stage, user or 0, dep or 0, holder or "", operator or 0, status, 1]
            )
            if stage == Stage.OVERALL.value and needs:
                seconds = calendar.between_seconds_epoch(_seconds(started), _seconds(done))
                cells.append(["c", self.day(started), platform, channel, department, status, seconds, 1])
        return cells

    # -- keeping: recompute touched messages and apply the difference --------------------------------

    def refresh(self, session: Session, message_ids: Iterable[int]) -> int:
        """Recompute ``message_ids`` (and the messages whose repeat flag they decide); returns how many."""
        connection = session.connection()
        ids = set(message_ids)
        old = self._stored(connection, ids)
        facts = _Facts(session, ids)
        # The new keys and arrival first, so the neighbours and flags below see every touched message.
        keys: dict[int, tuple[int, str, str | None]] = {}
        for message_id, (arrived, platform, _c, _d, _s, profile, name, address) in facts.messages.items():
            keys[message_id] = (_us(arrived), author_key(platform, profile, name), address)
        # Whose previous message may change: the next one after each touched message's old place (read
        # before the keys move) and after its new place (read after): a chain of touched messages is
        # followed through, since each of them is looked up in turn.
        neighbours: set[int] = set()
        for message_id in ids & old.keys():
            neighbours |= self._next_ids(connection, message_id, *old[message_id][1:4])
        self._write_keys(connection, keys, ids - keys.keys(), old)
        for message_id, place in keys.items():
            neighbours |= self._next_ids(connection, message_id, *place)
        extra = neighbours - ids
        if extra:
            old.update(self._stored(connection, extra))
            more = _Facts(session, extra)
            facts.messages.update(more.messages)
            facts.stages.update(more.stages)
            for message_id in extra:
                arrived, platform, _c, _d, _s, profile, name, address = more.messages[message_id]
                keys[message_id] = (_us(arrived), author_key(platform, profile, name), address)
        calendar = self._calendar()
        delta: Counter[tuple[Any, ...]] = Counter()
        for message_id in ids | extra:
            before = old.get(message_id, ("[]",))[0]
            for cell in json.loads(before):
                self._add(delta, cell, -1)
            if message_id not in facts.messages:
                continue
            repeats = self._repeat_flags(connection, message_id, keys[message_id])
            cells = self.contributions(
                facts.messages[message_id], facts.stages.get(message_id, []), repeats, calendar
            )
            for cell in cells:
                self._add(delta, cell, 1)
            connection.execute(
                sa.update(F)
                .where(F.message_id == message_id)
                .values(facts=json.dumps(cells, ensure_ascii=False))
            )
        self._apply(connection, delta)
        return len(ids | extra)

    @staticmethod
    def _stored(connection: sa.Connection, ids: set[int]) -> dict[int, tuple[Any, ...]]:
        out = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            for row in connection.execute(
                sa.select(F.message_id, F.facts, F.arrived_us, F.author_key, F.address_key).where(
                    F.message_id.in_(ordered[start : start + _CHUNK])
                )
            ):
                out[row[0]] = tuple(row[1:])
        return out

    @staticmethod
    def _write_keys(
        connection: sa.Connection,
        keys: dict[int, tuple[int, str, str | None]],
        gone: set[int],
        old: dict[int, tuple[Any, ...]],
    ) -> None:
        for message_id, (arrived_us, author, address) in keys.items():
            values = {"arrived_us": arrived_us, "author_key": author, "address_key": address}
            if message_id in old:
                if old[message_id][1:4] != (arrived_us, author, address):
                    connection.execute(sa.update(F).where(F.message_id == message_id).values(**values))
            else:
                connection.execute(sa.insert(F).values(message_id=message_id, facts="[]", **values))
        if gone:
            connection.execute(sa.delete(F).where(F.message_id.in_(sorted(gone))))

    @staticmethod
    def _next_ids(
        connection: sa.Connection, message_id: int, arrived_us: int, author: str, address: str | None
    ) -> set[int]:
        """The messages right after ``(arrived_us, message_id)`` with the same author or address."""
        found = set()
        for column, key in ((F.author_key, author), (F.address_key, address)):
            if key is None:
                continue
            row = connection.execute(
                sa.select(F.message_id)
                .where(
                    column == key,
                    F.message_id != message_id,
                    sa.or_(
                        F.arrived_us > arrived_us,
                        sa.and_(F.arrived_us == arrived_us, F.message_id > message_id),
                    ),
                )
                .order_by(F.arrived_us, F.message_id)
                .limit(1)
            ).first()
            if row is not None:
                found.add(row[0])
        return found

    @staticmethod
    def _repeat_flags(
        connection: sa.Connection, message_id: int, key: tuple[int, str, str | None]
    ) -> tuple[int, int]:
        """(same author, same address) wrote within 30 days before: the immediately previous message."""
        arrived_us, author, address = key
        flags = []
        for column, value in ((F.author_key, author), (F.address_key, address)):
            if value is None:
                flags.append(0)
                continue
            previous = connection.execute(
                sa.select(F.arrived_us)
                .where(
                    column == value,
                    sa.or_(
                        F.arrived_us < arrived_us,
                        sa.and_(F.arrived_us == arrived_us, F.message_id < message_id),
                    ),
                )
                .order_by(F.arrived_us.desc(), F.message_id.desc())
                .limit(1)
            ).scalar()
            flags.append(int(previous is not None and arrived_us - previous <= REPEAT_GAP_US))
        return flags[0], flags[1]

    @staticmethod
    def _add(delta: Counter[tuple[Any, ...]], cell: list[Any], sign: int) -> None:
        """Add a day cell to ``delta`` at each span: the day, its week and its month (see ``spans``)."""
        table, day = cell[0], cell[1]
        for span in spans(day):
            if table == "m":
                for i, value in enumerate(cell[5:]):
                    if value:
                        delta[("m", *span, *cell[2:5], i)] += sign * value
            else:
                delta[(table, *span, *cell[2:-1])] += sign * cell[-1]

    @staticmethod
    def _apply(connection: sa.Connection, delta: Counter[tuple[Any, ...]]) -> None:
        """Add the deltas to the summary rows (creating rows as needed; rows falling to 0 are deleted)."""
        by_day: dict[tuple[Any, ...], list[int]] = {}
        tables: dict[str, list[tuple[tuple[Any, ...], int]]] = defaultdict(list)
        for key, n in delta.items():
            if not n:
                continue
            if key[0] == "m":
                by_day.setdefault(key[1:6], [0] * len(MESSAGE_COUNTS))[key[6]] += n
            else:
                tables[key[0]].append((key[1:], n))
        # A row whose count fell may have fallen to nothing: deleted by its key (never a table scan).
        # One cached statement per table, executed for all its rows at once.
        dialect = connection.dialect.name
        for model, names, counts, rows in (
            (ReportMessageDay, _MESSAGE_KEYS, MESSAGE_COUNTS,
             [(key, dict(zip(MESSAGE_COUNTS, counts, strict=True))) for key, counts in by_day.items()]),
            (ReportStageDay, _KEYS["s"], ("n",), [(key, {"n": n}) for key, n in tables["s"]]),
            (ReportClockDay, _KEYS["c"], ("n",), [(key, {"n": n}) for key, n in tables["c"]]),
        ):  # fmt: skip
            if not rows:
                continue
            upsert, delete = _statements(dialect, model, names, counts)
            connection.execute(upsert, [{**dict(zip(names, key, strict=True)), **add} for key, add in rows])
            fell = [dict(zip(names, key, strict=True)) for key, add in rows if add[counts[0]] < 0]
            if fell:
                connection.execute(delete, fell)

    # -- building and checking ---------------------------------------------------------------------

    def built(self, session: Session) -> bool:
        return session.connection().execute(sa.select(ReportSummaryState.id)).first() is not None

    def ensure_current(self) -> None:
        """Build the summaries on first use; recompute the answer times a calendar change made stale."""
        with self._db.session() as session:
            state = session.connection().execute(sa.select(ReportSummaryState.dirty_from)).first()
        if state is not None and state[0] is None:
            return
        if self._db.engine.dialect.name == "sqlite" and self._build_beside_writers():
            return
        with self._db.session() as session, session.begin():
            connection = session.connection()
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
            state = connection.execute(sa.select(ReportSummaryState.dirty_from)).first()
            if state is None:
                self.rebuild(session)
            elif state[0] is not None:
                stale = self._stale(connection, state[0])
                if len(stale) > _REBUILD_ABOVE:
                    self.rebuild(session)  # a whole year re-imported: one pass beats a message at a time
                else:
                    self.refresh(session, stale)
                    connection.execute(sa.update(ReportSummaryState).values(dirty_from=None))

    def _stale(self, connection: sa.Connection, dirty_from: int) -> set[int]:
        since = dt.datetime.combine(dt.date.fromordinal(dirty_from), dt.time(), self._tz)
        return set(
            connection.execute(
                sa.select(S.message_id).where(S.stage == Stage.OVERALL.value, S.completed_at >= since)
            ).scalars()
        )

    def _build_beside_writers(self) -> bool:
        """SQLite: a full build computed in a read transaction (which does not stop the other
        workstations' writes, WAL), then stored in a short write transaction that also recomputes every
        message the change log shows was changed meanwhile. False: nothing to build this way."""
        started = time.monotonic()
        with self._db.session() as session:
            connection = session.connection()
            state = connection.execute(sa.select(ReportSummaryState.dirty_from)).first()
            if state is not None and (
                state[0] is None or len(self._stale(connection, state[0])) <= _REBUILD_ABOVE
            ):
                return False  # built, or a few stale messages: the locked path is short
            last_change = connection.scalar(sa.select(sa.func.max(ChangeLogEntry.id))) or 0
            rows: list[dict[str, Any]] = []
            totals = self.compute_all(session, lambda facts: rows.extend(_fact_rows(facts)))
        if time.monotonic() - started > KEEP_LOG.total_seconds() / 2:
            return False  # the change log may have been pruned meanwhile: build under the lock instead
        with self._db.session() as session, session.begin():
            connection = session.connection()
            self._store(connection, rows, totals)
            changed = set(
                connection.execute(
                    sa.select(ChangeLogEntry.message_id).where(
                        ChangeLogEntry.id > last_change, ChangeLogEntry.message_id.is_not(None)
                    )
                ).scalars()
            )
            if changed:
                self.refresh(session, changed)
        return True

    def rebuild(self, session: Session) -> None:
        """Build every summary from the base tables in ``session``'s transaction (the backfill)."""
        connection = session.connection()
        self._clear(connection)

        def write(facts: dict[int, tuple[tuple[int, str, str | None], list[list[Any]]]]) -> None:
            rows = _fact_rows(facts)
            for start in range(0, len(rows), 5000):
                connection.execute(sa.insert(F), rows[start : start + 5000])

        totals = self.compute_all(session, write)
        self._store(connection, [], totals, clear=False)

    @staticmethod
    def _clear(connection: sa.Connection) -> None:
        for table in (
            ReportMessageFacts,
            ReportMessageDay,
            ReportStageDay,
            ReportClockDay,
            ReportSummaryState,
        ):
            connection.execute(sa.delete(table))

    def _store(
        self,
        connection: sa.Connection,
        rows: list[dict[str, Any]],
        totals: Counter[tuple[Any, ...]],
        clear: bool = True,
    ) -> None:
        if clear:
            self._clear(connection)
        for start in range(0, len(rows), 5000):
            connection.execute(sa.insert(F), rows[start : start + 5000])
        self._insert_totals(connection, totals)
        connection.execute(
            sa.insert(ReportSummaryState).values(id=1, built_at=dt.datetime.now(dt.UTC), dirty_from=None)
        )

    def compute_all(
        self,
        session: Session,
        each_chunk: Callable[[dict[int, tuple[tuple[int, str, str | None], list[list[Any]]]]], None]
        | None = None,
    ) -> Counter[tuple[Any, ...]]:
        """The sums of every message's contributions from the base tables (as :meth:`_add` keys);
        ``each_chunk`` receives each chunk's messages with their keys and contributions."""
        connection = session.connection()
        order = connection.execute(
            sa.select(M.id, M.arrived_at, M.platform, M.author_profile_url, M.author_name, M.address_key)
        ).all()
        keyed = sorted(
            (
                (_us(at), m, author_key(p, profile, name), address)
                for m, at, p, profile, name, address in order
            )
        )
        last_author: dict[str, int] = {}
        last_address: dict[str, int] = {}
        repeats: dict[int, tuple[int, int]] = {}
        keys: dict[int, tuple[int, str, str | None]] = {}
        for at, m, author, address in keyed:
            previous = last_author.get(author)
            by_author = int(previous is not None and at - previous <= REPEAT_GAP_US)
            last_author[author] = at
            by_address = 0
            if address is not None:
                previous = last_address.get(address)
                by_address = int(previous is not None and at - previous <= REPEAT_GAP_US)
                last_address[address] = at
            repeats[m] = (by_author, by_address)
            keys[m] = (at, author, address)
        calendar = self._calendar()
        # Summed per day cell first (a day's cells repeat), spread over the spans once at the end.
        by_day: dict[tuple[Any, ...], list[int]] = {}
        ids = sorted(keys)
        step = 20_000
        for start in range(0, len(ids), step):
            low, high = ids[start], ids[min(start + step, len(ids)) - 1]
            messages = {
                row[0]: tuple(row[1:])
                for row in connection.execute(
                    sa.select(M.id, *_MESSAGE_COLUMNS).where(M.id.between(low, high))
                )
            }
            stages: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for row in connection.execute(
                sa.select(S.message_id, *_STAGE_COLUMNS).where(S.message_id.between(low, high))
            ):
                stages[row[0]].append(tuple(row[1:]))
            facts = {}
            for m, message in messages.items():
                cells = self.contributions(message, stages.get(m, []), repeats[m], calendar)
                for cell in cells:
                    if cell[0] == "m":
                        key, values = tuple(cell[:5]), cell[5:]
                    else:
                        key, values = tuple(cell[:-1]), cell[-1:]
                    found = by_day.get(key)
                    if found is None:
                        by_day[key] = list(values)
                    else:
                        for i, value in enumerate(values):
                            found[i] += value
                facts[m] = (keys[m], cells)
            if each_chunk is not None:
                each_chunk(facts)
        totals: Counter[tuple[Any, ...]] = Counter()
        for key, values in by_day.items():
            self._add(totals, [*key, *values], 1)
        return totals

    @staticmethod
    def _insert_totals(connection: sa.Connection, totals: Counter[tuple[Any, ...]]) -> None:
        by_day: dict[tuple[Any, ...], list[int]] = {}
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for key, n in totals.items():
            if not n:
                continue
            if key[0] == "m":
                by_day.setdefault(key[1:6], [0] * len(MESSAGE_COUNTS))[key[6]] += n
            else:
                rows[key[0]].append({**dict(zip(_KEYS[key[0]], key[1:], strict=True)), "n": n})
        message_rows = [
            {**dict(zip(_MESSAGE_KEYS, key, strict=True)),
             **dict(zip(MESSAGE_COUNTS, counts, strict=True))}
            for key, counts in by_day.items()
        ]  # fmt: skip
        for table, batch in (
            (ReportMessageDay, message_rows),
            (ReportStageDay, rows["s"]),
            (ReportClockDay, rows["c"]),
        ):
            for start in range(0, len(batch), 5000):
                connection.execute(sa.insert(table), batch[start : start + 5000])

    def differences(self, session: Session) -> list[str]:
        """The self-check: every summary row against a full recomputation from the base tables."""
        totals = self.compute_all(session)
        expected: Counter[tuple[Any, ...]] = Counter({k: n for k, n in totals.items() if n})
        stored: Counter[tuple[Any, ...]] = Counter()
        connection = session.connection()
        for row in connection.execute(sa.select(ReportMessageDay)):
            for i, name in enumerate(MESSAGE_COUNTS):
                value = getattr(row, name)
                if value:
                    stored[("m", row.span, row.day, row.platform, row.channel, row.department_id, i)] = value
        for table, model in (("s", ReportStageDay), ("c", ReportClockDay)):
            for row in connection.execute(sa.select(model)):
                if row.n:
                    stored[(table, *(getattr(row, name) for name in _KEYS[table]))] = row.n
        out = []
        for key in sorted(set(expected) | set(stored), key=repr):
            if expected.get(key, 0) != stored.get(key, 0):
                out.append(f"{key}: summary {stored.get(key, 0)}, recomputed {expected.get(key, 0)}")
        return out


def _fact_rows(facts: dict[int, tuple[tuple[int, str, str | None], list[list[Any]]]]) -> list[dict[str, Any]]:
    return [
        {"message_id": m, "arrived_us": k[0], "author_key": k[1], "address_key": k[2],
         "facts": json.dumps(cells, ensure_ascii=False)}
        for m, (k, cells) in facts.items()
    ]  # fmt: skip


_MESSAGE_KEYS = ("span", "day", "platform", "channel", "department_id")
_KEYS = {
    "s": ("span", "day", "stage", "user_id", "department_id", "holder", "operator_id", "status"),
    "c": ("span", "day", "platform", "channel", "department_id", "status", "seconds"),
}


@functools.cache
def _statements(
    dialect: str, model: type, names: tuple[str, ...], counts: tuple[str, ...]
) -> tuple[Any, Any]:
    """(add the counts to the row with this key, inserting it when absent; delete the row when its
    first count is 0) for ``model``, with bound parameters named after the columns."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).values({name: sa.bindparam(name) for name in (*names, *counts)})
    upsert = statement.on_conflict_do_update(
        index_elements=list(names), set_={name: table.c[name] + statement.excluded[name] for name in counts}
    )
    delete = sa.delete(table).where(
        *(table.c[name] == sa.bindparam(name) for name in names), table.c[counts[0]] == 0
    )
    return upsert, delete
