"""The supervisor's dashboard (R3–R11): the measures the region rates the administration by.

The figures are summed from the per-day summaries kept at every commit (``report_summaries.py``)
plus a live read of the period's open stage records; :meth:`DashboardService.dashboard` with
``direct=True`` computes them from the base tables as described below (the self-check; the tests
compare both exactly).

Every figure is computed for a period and for the period of the same length just before it, in
SQL aggregates over the stage records (``stage_deadlines``) and the messages; only the answer time
needs the working-time engine, so those durations are computed in Python from the stage records'
start and completion (epoch seconds computed by the database). Every figure names a :class:`Drill`;
:meth:`DashboardService.drill_down` turns it into the list of messages behind the figure, selecting by
the figure's definition (the ``_received``, ``_answer_clocks``, ``_stages`` sets below, the same
conditions the aggregates group by); tests check every figure against the length of its list.

Attribution (R11) is read from the stage records only (``completed_by_id``, ``responsible_user_id``,
``responsible_department_id``, ``holder``, ``operator_id``, ``outcome``) through issue 13's
:func:`desktop_app.services.deadlines.attributed_parties`, applied to each grouped cell of stage
records; it is never recomputed from assignments. A stage handed on in time (outcome «transferred»)
is nobody's met or missed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from desktop_app.domain.addresses import address_key as address_key  # re-exported: the rule's old home
from desktop_app.domain.lifecycle import ChannelKind, MessageState, Role
from desktop_app.domain.worktime.deadlines import Outcome, Stage
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.database import Database
from desktop_app.models.entities import (
    Department,
    Message,
    ReportClockDay,
    ReportMessageDay,
    ReportStageDay,
    StageDeadline,
    User,
)
from desktop_app.services.access import acting_as
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import attributed_parties
from desktop_app.services.errors import InputError
from desktop_app.services.report_summaries import MESSAGE_COUNTS, ReportSummaries, period_parts
from desktop_app.services.reports import OPOG_NAME, party_key
from desktop_app.services.texts import STAGE_NAMES, STATE_NAMES

M = Message
S = StageDeadline

# Messages that need no answer from the administration: their 8-hour clock closes without one (R3, R4).
NO_ANSWER_STATES = (MessageState.REDIRECTING, MessageState.REDIRECTED, MessageState.CLOSED)
# Stages the regulation gives a budget, in the order of the message's path (R4–R9); overall is R3.
STAGE_ORDER = (
    Stage.ROUTE,
    Stage.REDIRECT,
    Stage.DRAFT,
    Stage.REVIEW,
    Stage.REWORK,
    Stage.FINAL_AFTER_INTERIM,
    Stage.OVERALL,
)
STAGE_CLAUSES = {
    Stage.ROUTE: "п. 5",
    Stage.REDIRECT: "п. 4",
    Stage.DRAFT: "п. 6",
    Stage.REVIEW: "п. 7",
    Stage.REWORK: "п. 8",
    Stage.FINAL_AFTER_INTERIM: "п. 9",
    Stage.OVERALL: "п. 3",
}
REPEAT_WINDOW_DAYS = 30  # a message is a repeat when the same author or address wrote within 30 days
PLATFORM_NAMES = {
    "vk": "ВКонтакте",
    "ok": "Одноклассники",
    "telegram": "Telegram",
    "max": "MAX",
    "vk_video": "VK Видео",
    "rutube": "RUTUBE",
    "youtube": "YouTube",
}
CHANNEL_NAMES = {
    ChannelKind.SOCIAL_NETWORK.value: "социальная сеть",
    ChannelKind.VIDEO_HOSTING.value: "видеохостинг",
    ChannelKind.MESSENGER.value: "мессенджер",
}
GROUPINGS = ("department", "person", "platform", "stage")  # the CLI's --by values (INTERFACES.md)


# -- period --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """Calendar days ``first``..``last`` inclusive, in the administration's time zone."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InputError(f"Конец периода {self.last:%d.%m.%Y} раньше его начала {self.first:%d.%m.%Y}.")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> ReportPeriod:
        """The period of the same length that ends the day before this one starts."""
        return ReportPeriod(self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1))

    def bounds(self, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """[since, until) as aware instants: local midnight of ``first`` to local midnight after ``last``."""
        return _midnight(self.first, tz), _midnight(self.last + dt.timedelta(days=1), tz)

    def weeks(self, tz: dt.tzinfo) -> list[Bucket]:
        """Monday-to-Sunday weeks clipped to the period (the trend line's points)."""
        buckets = []
        day = self.first
        while day <= self.last:
            end = min(day + dt.timedelta(days=7 - day.weekday()), self.last + dt.timedelta(days=1))
            label = f"{day:%d.%m}–{end - dt.timedelta(days=1):%d.%m}"
            buckets.append(Bucket(label, _midnight(day, tz), _midnight(end, tz)))
            day = end
        return buckets

    def describe(self) -> str:
        return f"{self.first:%d.%m.%Y} – {self.last:%d.%m.%Y}"


def _midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class Bucket:
    label: str
    since: dt.datetime
    until: dt.datetime


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    """What is behind a figure: the figure's key, the period, optionally one group of a grouping.

    ``now`` is the instant the dashboard was computed at, so «просрочено» means the same in the list.
    """

    figure: str
    first: dt.date
    last: dt.date
    now: dt.datetime
    group: str | None = None  # platform, channel, department, responsible, person, stage, week
    key: str | None = None

    def for_group(self, group: str, key: str | None) -> Drill:
        return replace(self, group=group, key=key)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    unit: str  # count, share, hours, ratio
    clause: str
    value: float | None
    previous: float | None
    drill: Drill | None
    previous_drill: Drill | None = None

    @property
    def text(self) -> str:
        return format_value(self.unit, self.value)

    @property
    def previous_text(self) -> str:
        return format_value(self.unit, self.previous)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    unit: str
    figure: str | None = None  # the drill figure behind this column's cells
    group: str | None = None  # the drill group when it is not the grouping's own


@dataclass(frozen=True)
class GroupRow:
    key: str | None
    label: str
    values: dict[str, float | None]
    parts: tuple[str, ...] = ()  # the label's parts (person grouping: who, stage)


@dataclass(frozen=True)
class Grouping:
    key: str
    title: str
    group: str  # the Drill.group of its rows
    columns: tuple[Column, ...]
    rows: list[GroupRow]

    def drill(self, base: Drill, row: GroupRow, column: Column) -> Drill | None:
        if column.figure is None:
            return None
        return replace(base, figure=column.figure, group=column.group or self.group, key=row.key)


@dataclass(frozen=True)
class TrendPoint:
    label: str
    received: int
    in_time: int
    late: int
    average_hours: float | None


@dataclass(frozen=True)
class FunnelStep:
    title: str
    value: int
    figure: str


@dataclass
class Dashboard:
    period: ReportPeriod
    previous_period: ReportPeriod
    now: dt.datetime
    figures: list[Figure]
    groupings: dict[str, Grouping]
    trend: list[TrendPoint]
    funnel: list[FunnelStep]
    base_drill: Drill
    timezone: str = "Europe/Moscow"

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass(frozen=True)
class MessageRef:
    """One line of a drill-down list (plain text in the view)."""

    id: int
    external_id: str
    arrived_at: dt.datetime
    platform: str
    department: str
    state: str


def format_value(unit: str, value: float | None) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return f"{value * 100:.1f} %".replace(".", ",")
    if unit == "hours":
        return f"{value:.2f} ч".replace(".", ",")
    if unit == "ratio":
        return f"{value:.2f}".replace(".", ",")
    return f"{int(value)}"


# -- the service ---------------------------------------------------------------------------------


def _status(now: dt.datetime) -> Any:
    """A stage record's outcome at ``now``: transferred (nobody's), met, late, overdue or open."""
    return sa.case(
        (S.outcome == Outcome.TRANSFERRED.value, "transferred"),
        (sa.and_(S.completed_at.is_not(None), S.met.is_(True)), "met"),
        (S.completed_at.is_not(None), "late"),
        (S.due_at < now, "overdue"),
        else_="open",
    )


_STATUSES = ("transferred", "met", "late", "overdue", "open")
_OPEN_STATUSES = ("overdue", "open")
# The attribution columns of a stage record, in the order of the index ``ix_stage_deadlines_cells``.
_CELL_COLUMNS = (S.stage, S.responsible_user_id, S.responsible_department_id, S.holder, S.operator_id)
_PARTY_COLUMNS = (
    S.stage,
    S.responsible_user_id,
    S.responsible_department_id,
    S.holder,
    S.operator_id,
    S.completed_at.is_(None),
)


@dataclass(frozen=True)
class _StageFacts:
    """What :func:`attributed_parties` reads of a stage record, from one grouped cell."""

    stage: str
    responsible_user_id: int | None
    responsible_department_id: int | None
    holder: str | None
    operator_id: int | None
    completed_at: object | None


def _attributed(
    cells: Iterable[tuple[Any, ...]], users: dict[int, int | None]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Stage records counted by (stage, status) and by the party each is attributed to (R11), from
    rows of (stage, user, department, holder, operator, status, count); a transfer is nobody's."""
    stage_cells: Counter[tuple[str, str]] = Counter()
    party_cells: Counter[tuple[str, str, str | None, int | None]] = Counter()
    for stage, user, department, holder, operator, st, n in cells:
        if not n:
            continue
        stage_cells[(stage, st)] += n
        if st == "transferred":
            continue
        for party in _parties(stage, user, department, holder, operator, st in _OPEN_STATUSES):
            party_cells[(stage, st, party_key(party), party.department_id or users.get(party.user_id))] += n
    return [(stage, st, n) for (stage, st), n in stage_cells.items()], [
        (*k, n) for k, n in party_cells.items()
    ]


def _parties(stage: str, user: Any, department: Any, holder: Any, operator: Any, is_open: Any) -> list[Any]:
    return attributed_parties(
        _StageFacts(stage, user, department, holder, operator, None if is_open else True)  # type: ignore[arg-type]
    )


def _message_groups() -> tuple[Any, ...]:
    """The message columns a stage-record set is grouped and drilled by (one list for every set)."""
    return (
        M.platform.label("platform"),
        M.channel_kind.label("channel"),
        M.department_id.label("department"),
    )


def _in(column: Any, since: dt.datetime, until: dt.datetime) -> Any:
    return sa.and_(column >= since, column < until)


def _epoch(column: Any, dialect: str) -> Any:
    """Whole epoch seconds of a stored UTC instant, computed by the database (no per-row parsing)."""
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime("%s", column), sa.Integer)
    return sa.cast(sa.func.floor(sa.func.date_part("epoch", column)), sa.BigInteger)


def _epoch_exact(column: Any, dialect: str) -> Any:
    """Epoch seconds with their fraction (repeats compare gaps to the exact 30 days)."""
    if dialect == "sqlite":
        return (sa.func.julianday(column) - 2440587.5) * 86400.0
    # date_part() is double precision; extract() is numeric since PostgreSQL 14 (a Decimal per row).
    return sa.func.date_part("epoch", column)


def _repeats_of(window: list[Any], since: dt.datetime) -> tuple[int, list[int]]:
    """Both repeat figures in one pass in arrival order over :meth:`DashboardService._window_messages`.

    The author count is :meth:`DashboardService._repeat_author`'s definition (same author key, the
    previous message by (arrival, id) within 30 days), computed on plain tuples instead of a window
    function over a computed key, which SQLite sorts slowly; the drill-down keeps the SQL definition
    and the tests check that both agree. The address is the key stored with the text (R2, R11).
    """
    gap = REPEAT_WINDOW_DAYS * 86400
    since_epoch = since.timestamp()
    last_author: dict[tuple[str, str], float] = {}
    last_address: dict[str, float] = {}
    author_repeats = 0
    address_repeats = []
    for message_id, at, _whole, platform, _channel, _department, _state, profile, name, key in window:
        at = float(at)  # PostgreSQL's extract() is Decimal
        author = (platform, profile or name)
        previous = last_author.get(author)
        if at >= since_epoch and previous is not None and at - previous <= gap:
            author_repeats += 1
        last_author[author] = at
        if key is None:
            continue
        previous = last_address.get(key)
        if at >= since_epoch and previous is not None and at - previous <= gap:
            address_repeats.append(message_id)
        last_address[key] = at
    return author_repeats, address_repeats


#: The actor of ``otklik report`` (INTERFACES.md: no login; the database's access is the authority).
COMMAND_LINE = Actor(0, "командная строка", "Отчёт из командной строки", Role.SUPERVISOR)


class DashboardService:
    """Figures, groupings, trend and funnel of a period; the messages behind each figure."""

    def __init__(
        self,
        db: Database,
        calendar: Callable[[], WorkCalendar],
        timezone: str = "Europe/Moscow",
        summaries: ReportSummaries | None = None,
    ) -> None:
        self._db = db
        self._calendar = calendar
        self._tz = zoneinfo.ZoneInfo(timezone)
        self.timezone = timezone
        # Kept by the bootstrap's write hooks; without them (a bare service) every figure is read directly.
        self._summaries = summaries

    def _require_supervisor(self, actor: Actor) -> None:
        # The person as they are now, not as they logged in: a supervisor switched off or moved to
        # another role loses the figures at once (issue 14, R11). `otklik report` has no login: whoever
        # can run it against the database may read the report, so it acts as COMMAND_LINE (by identity).
        if actor is COMMAND_LINE:
            return
        with self._db.session() as session:
            acting_as(session, actor, (Role.SUPERVISOR, Role.ADMIN), "Отчёты доступны руководителю.")

    # -- the sets behind the figures (one definition each, shared by figures and drill-downs) -------

    @staticmethod
    def _received(since: dt.datetime, until: dt.datetime) -> sa.Subquery:
        return (
            sa.select(
                M.id.label("mid"),
                M.arrived_at.label("at"),
                *_message_groups(),
                M.state.label("state"),
            )
            .where(_in(M.arrived_at, since, until))
            .subquery("received")
        )

    @staticmethod
    def _answer_clocks(since: dt.datetime, until: dt.datetime) -> sa.Subquery:
        """R3: the 8-hour clocks started in the period on messages that need an answer."""
        return (
            sa.select(
                S.message_id.label("mid"),
                S.started_at.label("at"),
                S.completed_at.label("completed_at"),
                S.due_at.label("due_at"),
                S.met.label("met"),
                *_message_groups(),
            )
            .join(M, M.id == S.message_id)
            .where(
                S.stage == Stage.OVERALL.value,
                _in(S.started_at, since, until),
                M.state.not_in(NO_ANSWER_STATES),
            )
            .subquery("clocks")
        )

    @staticmethod
    def _stages(since: dt.datetime, until: dt.datetime, now: dt.datetime) -> sa.Subquery:
        """Every stage record started in the period, with its outcome at ``now``."""
        return (
            sa.select(
                S.message_id.label("mid"),
                S.stage.label("stage"),
                S.started_at.label("at"),
                _status(now).label("status"),
                *_message_groups(),
            )
            .join(M, M.id == S.message_id)
            .where(_in(S.started_at, since, until))
            .subquery("stages")
        )

    @staticmethod
    def _overdue_now(now: dt.datetime) -> sa.Subquery:
        """Open stages past due at ``now`` (a snapshot: whatever the period)."""
        return (
            sa.select(
                S.message_id.label("mid"),
                S.stage.label("stage"),
                *_message_groups(),
            )
            .join(M, M.id == S.message_id)
            .where(S.completed_at.is_(None), S.due_at < now)
            .subquery("overdue_now")
        )

    @staticmethod
    def _clock_predicates(clocks: sa.Subquery, now: dt.datetime) -> dict[str, Any]:
        c = clocks.c
        answered = c.completed_at.is_not(None)
        late = sa.or_(sa.and_(answered, c.met.is_(False)), sa.and_(c.completed_at.is_(None), c.due_at < now))
        return {
            "answered": answered,
            "in_time": sa.and_(answered, c.met.is_(True)),
            "late": late,
            "decided": sa.or_(answered, late),
        }

    def _repeat_author(self, session: sa.orm.Session, since: dt.datetime, until: dt.datetime) -> sa.Subquery:
        """Messages in the period whose author (profile, else name, on the same platform) wrote within 30 days."""
        author = M.platform + ":" + sa.func.coalesce(sa.func.nullif(M.author_profile_url, ""), M.author_name)
        window_start = since - dt.timedelta(days=REPEAT_WINDOW_DAYS)
        ranked = (
            sa.select(
                M.id.label("mid"),
                M.arrived_at.label("at"),
                M.platform.label("platform"),
                M.channel_kind.label("channel"),
                M.department_id.label("department"),
                sa.func.lag(M.arrived_at)
                .over(partition_by=author, order_by=(M.arrived_at, M.id))
                .label("prev"),
            )
            .where(_in(M.arrived_at, window_start, until))
            .subquery("ranked")
        )
        if session.get_bind().dialect.name == "sqlite":
            gap = sa.func.julianday(ranked.c.at) - sa.func.julianday(ranked.c.prev)
            close = gap <= REPEAT_WINDOW_DAYS
        else:
            close = ranked.c.at - ranked.c.prev <= sa.text(f"interval '{REPEAT_WINDOW_DAYS} days'")
        return (
            sa.select(ranked)
            .where(ranked.c.at >= since, ranked.c.prev.is_not(None), close)
            .subquery("repeat_author")
        )

    def _repeat_address_ids(
        self, session: sa.orm.Session, since: dt.datetime, until: dt.datetime
    ) -> list[int]:
        """Messages in the period naming a street address another message named within 30 days."""
        return self._repeats(session, since, until)[1]

    def _repeats(
        self, session: sa.orm.Session, since: dt.datetime, until: dt.datetime
    ) -> tuple[int, list[int]]:
        """Both repeat figures of a period: (repeat authors' count, repeat addresses' ids)."""
        return _repeats_of(self._window_messages(session, since, until), since)

    @staticmethod
    def _window_messages(session: sa.orm.Session, since: dt.datetime, until: dt.datetime) -> list[Any]:
        """The period's messages and those of the 30 days before it, in arrival order, as plain tuples.

        ``(id, exact epoch, whole epoch seconds, platform, channel, department, state, profile, author
        name, address key)``: one read serves the received figures, the clocks' message columns and
        both repeat figures (the look-back is what a repeat compares with).
        """
        dialect = session.get_bind().dialect.name
        return (
            session.connection()
            .execute(
                sa.select(
                    M.id,
                    _epoch_exact(M.arrived_at, dialect),
                    _epoch(M.arrived_at, dialect),
                    M.platform,
                    sa.type_coerce(M.channel_kind, sa.String()),
                    M.department_id,
                    sa.type_coerce(M.state, sa.String()),
                    M.author_profile_url,
                    M.author_name,
                    M.address_key,
                )
                .where(_in(M.arrived_at, since - dt.timedelta(days=REPEAT_WINDOW_DAYS), until))
                .order_by(M.arrived_at, M.id)
            )
            .all()
        )

    # -- the dashboard ----------------------------------------------------------------------------

    def dashboard(
        self, actor: Actor, period: ReportPeriod, now: dt.datetime, *, direct: bool = False
    ) -> Dashboard:
        """The figures of ``period`` and the one before; from the per-day summaries when they are kept
        (``direct``: from the base tables, as the self-check and the tests compare)."""
        self._require_supervisor(actor)
        previous = period.previous()
        figures_of = self._direct_figures
        if self._summaries is not None and not direct:
            self._summaries.ensure_current()
            figures_of = self._summary_figures
        with self._db.session() as session:
            names = _Names.load(session)
            current = figures_of(session, period, now, names.user_departments)
            before = figures_of(session, previous, now, names.user_departments)
            overdue_now = self._overdue_now_figures(session, now)
        base = Drill("received", period.first, period.last, now)
        prev_base = Drill("received", previous.first, previous.last, now)
        figures = _figures(current, before, overdue_now, base, prev_base)
        groupings = _groupings(current, overdue_now, names)
        funnel = [
            FunnelStep("Поступило", current["received"], "received"),
            FunnelStep("Направлено исполнителю", current["funnel_routed"], "funnel_routed"),
            FunnelStep("Проект на проверке", current["funnel_submitted"], "funnel_submitted"),
            FunnelStep("Ответ размещён", current["answered"], "answered"),
            FunnelStep("В течение 8 часов", current["in_time"], "in_time"),
        ]
        return Dashboard(
            period=period,
            previous_period=previous,
            now=now,
            figures=figures,
            groupings=groupings,
            trend=current["trend"],
            funnel=funnel,
            base_drill=base,
            timezone=self.timezone,
        )

    def _summary_figures(
        self, session: sa.orm.Session, period: ReportPeriod, now: dt.datetime, users: dict[int, int | None]
    ) -> dict[str, Any]:
        """The same figures as :meth:`_direct_figures`, summed from the per-day summaries (closed
        records) plus a live read of the period's open records, whose outcome depends on ``now``."""
        since, until = period.bounds(self._tz)
        buckets = period.weeks(self._tz)
        first = period.first.toordinal()
        monday = first - period.first.weekday()  # week index of a day: (day - monday) // 7
        connection = session.connection()
        dialect = connection.dialect.name
        out: dict[str, Any] = {}

        def dep(value: int) -> int | None:
            return value or None

        # 1. Messages by arrival day (R1, R4, R5, R8, R9) and the repeats (cl. 2, 11).
        D = ReportMessageDay
        in_days = _spans(D, period, "m")
        week = (D.day - monday) // 7
        totals = dict.fromkeys(MESSAGE_COUNTS, 0)
        received_cells = []
        for platform, channel, department, *counts in connection.execute(
            sa.select(
                D.platform,
                D.channel,
                D.department_id,
                *(sa.func.sum(D.__table__.c[c]) for c in MESSAGE_COUNTS),
            )
            .where(in_days)
            .group_by(D.platform, D.channel, D.department_id)
        ):
            counts = [int(n or 0) for n in counts]
            received_cells.append((platform, channel, dep(department), counts[0]))
            for name, n in zip(MESSAGE_COUNTS, counts, strict=True):
                totals[name] += n
        received_by_week: Counter[int] = Counter(
            {int(w): int(n) for w, n in connection.execute(
                sa.select(week, sa.func.sum(D.received)).where(_spans(D, period, "w")).group_by(week))}
        )  # fmt: skip
        out["received_cells"] = received_cells
        out["received"] = totals["received"]
        out["needing_answer"] = totals["needing"]
        out["funnel_routed"] = totals["routed"]
        out["funnel_submitted"] = totals["submitted"]
        out["interim"] = totals["interim"]
        out["redirected"] = totals["redirected"]
        out["answered_messages"] = totals["answered"]
        out["rework_rounds"] = totals["rework"]
        out["repeat_author"] = totals["repeat_author"]
        out["repeat_address"] = totals["repeat_address"]

        # 2. Stage outcomes and attribution: closed records from the summaries, open ones live (R4–R9, R11).
        T = ReportStageDay
        status = _status(now)
        cells: list[tuple[Any, ...]] = [
            (stage, user or None, department or None, holder or None, operator or None, st, int(n))
            for stage, user, department, holder, operator, st, n in connection.execute(
                sa.select(T.stage, T.user_id, T.department_id, T.holder, T.operator_id, T.status, sa.func.sum(T.n))
                .where(_spans(T, period, "m"))
                .group_by(T.stage, T.user_id, T.department_id, T.holder, T.operator_id, T.status)
            )
        ]  # fmt: skip
        open_in_period = sa.and_(S.completed_at.is_(None), _in(S.started_at, since, until))
        cells += [
            (*row[:-1], int(row[-1]))
            for row in connection.execute(
                sa.select(*_CELL_COLUMNS, status, sa.func.count())
                .where(open_in_period)
                .group_by(*_CELL_COLUMNS, status)
            )
        ]
        out["stage_cells"], out["party_cells"] = _attributed(cells, users)

        # 3. The 8-hour clocks (R3): closed ones with their answer time from the summaries, the open
        # ones past due live (a clock still running and not yet due counts nowhere).
        C = ReportClockDay
        clock_cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
        durations: dict[tuple[Any, ...], Hours] = defaultdict(Hours)
        hours = Hours()
        for platform, channel, department, st, seconds, n in connection.execute(
            sa.select(C.platform, C.channel, C.department_id, C.status, C.seconds, sa.func.sum(C.n))
            .where(_spans(C, period, "m"))
            .group_by(C.platform, C.channel, C.department_id, C.status, C.seconds)
        ):
            key, n, seconds = (platform, channel, dep(department)), int(n), int(seconds)
            cell = clock_cells[key]
            if st == "met":
                cell[0] += n
                cell[1] += n
            elif st == "late":
                cell[0] += n
                cell[2] += n
            durations[key].add(seconds, n)
            hours.add(seconds, n)
        in_time_by_week: Counter[int] = Counter()
        late_by_week: Counter[int] = Counter()
        hours_by_week: dict[int, Hours] = defaultdict(Hours)
        clock_week = (C.day - monday) // 7
        for w, st, seconds, n in connection.execute(
            sa.select(clock_week, C.status, C.seconds, sa.func.sum(C.n))
            .where(_spans(C, period, "w"))
            .group_by(clock_week, C.status, C.seconds)
        ):
            w, n = int(w), int(n)
            if st == "met":
                in_time_by_week[w] += n
            elif st == "late":
                late_by_week[w] += n
            hours_by_week[w].add(int(seconds), n)
        starts = [int(b.since.timestamp()) for b in buckets]
        no_answer = {state.value for state in NO_ANSWER_STATES}
        # The stage kind is filtered here, not in SQL: so the read walks the small partial index of the
        # open records (0013) instead of every 8-hour clock of the period.
        for stage, st, platform, channel, department, state, started in connection.execute(
            sa.select(
                S.stage,
                status,
                M.platform,
                sa.type_coerce(M.channel_kind, sa.String()),
                M.department_id,
                sa.type_coerce(M.state, sa.String()),
                _epoch(S.started_at, dialect),
            )
            .join(M, M.id == S.message_id)
            .where(open_in_period)
        ):
            if stage != Stage.OVERALL.value or state in no_answer:
                continue
            cell = clock_cells[(platform, channel, department)]  # a running clock has its row, as directly
            if st == "overdue":
                cell[2] += 1
                late_by_week[bisect.bisect_right(starts, int(started)) - 1] += 1
        out["clock_cells"] = [(*key, *values) for key, values in clock_cells.items()]
        out["answered"] = sum(c[3] for c in out["clock_cells"])
        out["in_time"] = sum(c[4] for c in out["clock_cells"])
        out["late"] = sum(c[5] for c in out["clock_cells"])
        out["durations"] = durations
        out["hours"] = hours
        out["trend"] = _trend(buckets, received_by_week, in_time_by_week, late_by_week, hours_by_week)
        return out

    def _direct_figures(
        self, session: sa.orm.Session, period: ReportPeriod, now: dt.datetime, users: dict[int, int | None]
    ) -> dict[str, Any]:
        """One read of the messages, two aggregates of the stage records and one list of the 8-hour
        clocks: everything a period's figures need."""
        since, until = period.bounds(self._tz)
        buckets = period.weeks(self._tz)
        out: dict[str, Any] = {}

        def has(condition: Any) -> Any:
            return sa.func.max(sa.case((condition, 1), else_=0))

        # 1. Messages received in the period, with what their stage records show (R1, R4, R5, R8, R9).
        # The messages are read once (with the 30 days before, for the repeats); what their stage records
        # show is grouped per message over the id range of the period's messages, along the index
        # (message_id, stage, completed_at): no join, no sort. The cells are summed here.
        dialect = session.get_bind().dialect.name
        window = self._window_messages(session, since, until)
        since_epoch = int(since.timestamp())
        starts = [int(b.since.timestamp()) for b in buckets]
        no_answer = {state.value for state in NO_ANSWER_STATES}
        period_rows = [row for row in window if row[2] >= since_epoch]
        flags: dict[int, tuple[int, ...]] = {}
        if period_rows:
            lowest = min(row[0] for row in period_rows)
            highest = max(row[0] for row in period_rows)
            flags = {
                row[0]: row[1:]
                for row in session.connection()
                .execute(
                    sa.select(
                        S.message_id,
                        has(S.stage == Stage.DRAFT.value),
                        has(S.stage == Stage.REVIEW.value),
                        has(S.stage == Stage.FINAL_AFTER_INTERIM.value),
                        has(S.stage == Stage.REDIRECT.value),
                        has(sa.and_(S.stage == Stage.OVERALL.value, S.completed_at.is_not(None))),
                        sa.func.sum(sa.case((S.stage == Stage.REWORK.value, 1), else_=0)),
                    )
                    .where(S.message_id.between(lowest, highest))
                    .group_by(S.message_id)
                )
                .all()  # at once: row-by-row fetching costs more than the rows' memory
            }
        cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
        none = (0, 0, 0, 0, 0, 0)
        for message_id, _at, arrived, platform, channel, department, state, *_author in period_rows:
            routed, submitted, interim, redirected, answered, rework = flags.get(message_id, none)
            week = bisect.bisect_right(starts, arrived) - 1
            cell = cells[(platform, channel, department, int(state not in no_answer), week, routed, submitted,
                          interim, redirected, answered)]  # fmt: skip
            cell[0] += 1
            cell[1] += rework
        message_cells = [(*key, n, int(rework)) for key, (n, rework) in cells.items()]
        # (platform, channel, department, needs, week, routed, submitted, interim, redirected, answered, n, rework)
        out["received_cells"] = [(c[0], c[1], c[2], c[10]) for c in message_cells]
        out["received"] = sum(c[10] for c in message_cells)
        out["needing_answer"] = sum(c[10] for c in message_cells if c[3])
        out["funnel_routed"] = sum(c[10] for c in message_cells if c[5])
        out["funnel_submitted"] = sum(c[10] for c in message_cells if c[6])
        out["interim"] = sum(c[10] for c in message_cells if c[3] and c[7])
        out["redirected"] = sum(c[10] for c in message_cells if c[8])
        out["answered_messages"] = sum(c[10] for c in message_cells if c[3] and c[9])
        out["rework_rounds"] = sum(c[11] for c in message_cells if c[3] and c[9])
        received_by_week: Counter[int] = Counter()
        for c in message_cells:
            received_by_week[c[4]] += c[10]

        # 2. Every stage record started in the period: outcome at ``now`` and attribution (R4–R9, R11).
        # Grouped by the attribution columns only, in the order of ``ix_stage_deadlines_cells``, with one
        # count per outcome: the database walks that index already grouped instead of sorting every
        # record of the period (the outcome tells open from closed, which is all the parties need).
        status = _status(now)
        counts = [sa.func.sum(sa.case((status == st, 1), else_=0)) for st in _STATUSES]
        cells = [
            (stage, user, department, holder, operator, st, int(n or 0))  # PostgreSQL sums are Decimal
            for stage, user, department, holder, operator, *by_status in session.connection().execute(
                sa.select(*_CELL_COLUMNS, *counts)
                .where(_in(S.started_at, since, until))
                .group_by(*_CELL_COLUMNS)
            )
            for st, n in zip(_STATUSES, by_status, strict=True)
        ]
        out["stage_cells"], out["party_cells"] = _attributed(cells, users)
        # The 8-hour clocks of messages that need an answer (R3): in time = met; late = late or overdue.
        # One pass over the clocks gives both the counts and the answer times (working hours, by the
        # engine on each answered clock's start and completion): plain tuples, no ORM objects.
        calendar = self._calendar()
        between_many = calendar.between_seconds_epoch_many
        clock_cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
        in_time_by_week: Counter[int] = Counter()
        late_by_week: Counter[int] = Counter()
        answered_pairs: list[tuple[int, int]] = []
        answered_cells: list[tuple[Any, ...]] = []
        answered_weeks: list[int] = []
        clock_rows = (
            session.connection()
            .execute(
                sa.select(
                    S.message_id, status, _epoch(S.started_at, dialect), _epoch(S.completed_at, dialect)
                ).where(S.stage == Stage.OVERALL.value, _in(S.started_at, since, until))
            )
            .all()
        )  # fetched at once: row-by-row fetching costs more than the rows' memory
        # The clocks' messages: read above, except a clock restarted long after its message arrived.
        held = {row[0]: row[3:7] for row in window}
        missing = sorted({row[0] for row in clock_rows} - held.keys())
        for chunk_start in range(0, len(missing), 900):  # stay under SQLite's bound-parameter limit
            held.update(
                (row[0], tuple(row[1:]))
                for row in session.connection().execute(
                    sa.select(
                        M.id,
                        M.platform,
                        sa.type_coerce(M.channel_kind, sa.String()),
                        M.department_id,
                        sa.type_coerce(M.state, sa.String()),
                    ).where(M.id.in_(missing[chunk_start : chunk_start + 900]))
                )
            )
        for message_id, st, started, completed in clock_rows:
            platform, channel, department, state = held[message_id]
            if state in no_answer:
                continue
            week = bisect.bisect_right(starts, int(started)) - 1
            cell = clock_cells[(platform, channel, department)]
            if st == "met":
                cell[0] += 1
                cell[1] += 1
                in_time_by_week[week] += 1
            elif st == "late":
                cell[0] += 1
                cell[2] += 1
                late_by_week[week] += 1
            elif st == "overdue":
                cell[2] += 1
                late_by_week[week] += 1
            if completed is not None:
                answered_pairs.append((int(started), int(completed)))
                answered_cells.append((platform, channel, department))
                answered_weeks.append(week)
        # Answer times in working hours, by the engine in one batch (R3).
        seconds_list = between_many(answered_pairs)
        durations: dict[tuple[Any, ...], Hours] = defaultdict(Hours)
        hours_by_week: dict[int, Hours] = defaultdict(Hours)
        for key, week, seconds in zip(answered_cells, answered_weeks, seconds_list, strict=True):
            durations[key].add(seconds)
            hours_by_week[week].add(seconds)
        out["clock_cells"] = [(*key, *values) for key, values in clock_cells.items()]
        out["answered"] = sum(c[3] for c in out["clock_cells"])
        out["in_time"] = sum(c[4] for c in out["clock_cells"])
        out["late"] = sum(c[5] for c in out["clock_cells"])
        out["durations"] = durations  # (platform, channel, department) -> answer times, working hours
        out["hours"] = Hours.of(seconds_list)
        out["trend"] = _trend(buckets, received_by_week, in_time_by_week, late_by_week, hours_by_week)

        # 4. Repeats: the same author or the same address within 30 days (ratings count repeat complaints).
        out["repeat_author"], out["repeat_address_ids"] = _repeats_of(window, since)
        out["repeat_address"] = len(out["repeat_address_ids"])
        return out

    def _overdue_now_figures(self, session: sa.orm.Session, now: dt.datetime) -> dict[str, Any]:
        o = self._overdue_now(now)
        rows = (
            session.connection()
            .execute(sa.select(o.c.department, sa.func.count(sa.distinct(o.c.mid))).group_by(o.c.department))
            .all()
        )
        return {"total": sum(n for _d, n in rows), "by_department": dict(rows)}

    @staticmethod
    def _has_stage_where(r: sa.Subquery, stage: Stage, needs_answer: bool) -> list[Any]:
        where = [sa.exists().where(S.message_id == r.c.mid, S.stage == stage.value)]
        if needs_answer:
            where.append(r.c.state.not_in(NO_ANSWER_STATES))
        return where

    # -- the message list of a period (exports) ---------------------------------------------------

    MESSAGE_HEADERS = (
        "№",
        "Номер в «Инциденте»",
        "Поступило",
        "Площадка",
        "Канал",
        "Подразделение",
        "Состояние",
        "Ответ размещён",
        "Время ответа, раб. ч",
        "В течение 8 ч",
        "Возвратов на доработку",
        "Промежуточный ответ",
        "Перенаправлено",
        "Этапов с нарушением срока",
    )

    def message_lines(
        self, actor: Actor, period: ReportPeriod, now: dt.datetime
    ) -> Iterator[tuple[Any, ...]]:
        """Every message received in ``period`` with its figures, streamed (the exports have no row cap)."""
        self._require_supervisor(actor)
        since, until = period.bounds(self._tz)
        calendar = self._calendar()
        missed = sa.or_(
            sa.and_(S.completed_at.is_not(None), S.met.is_(False)),
            sa.and_(S.completed_at.is_(None), S.due_at < now),
        )
        overall = S.stage == Stage.OVERALL.value

        def flag(condition: Any) -> Any:
            return sa.func.sum(sa.case((condition, 1), else_=0))

        dialect = self._db.engine.dialect.name
        # One pass in arrival order: each message with what its stage records show.
        query = (
            sa.select(
                M.id,
                M.external_id,
                _epoch(M.arrived_at, dialect),
                M.platform,
                sa.type_coerce(M.channel_kind, sa.String()),
                M.department_id,
                sa.type_coerce(M.state, sa.String()),
                sa.func.min(sa.case((overall, _epoch(S.started_at, dialect)))).label("clock_start"),
                sa.func.min(sa.case((overall, _epoch(S.completed_at, dialect)))).label("answered_epoch"),
                flag(sa.and_(overall, S.met.is_(True))).label("in_time"),
                flag(sa.and_(overall, missed)).label("late"),
                flag(S.stage == Stage.REWORK.value).label("rework"),
                flag(S.stage == Stage.FINAL_AFTER_INTERIM.value).label("interim"),
                flag(S.stage == Stage.REDIRECT.value).label("redirect"),
                flag(missed).label("missed"),
            )
            .select_from(M)
            .outerjoin(S, S.message_id == M.id)
            .where(_in(M.arrived_at, since, until))
            .group_by(M.arrived_at, M.id)
            .order_by(M.arrived_at, M.id)
            .execution_options(yield_per=5000)
        )
        tz = self._tz
        states = {state.value: (state not in NO_ANSWER_STATES, STATE_NAMES[state]) for state in MessageState}
        channels = {kind.value: CHANNEL_NAMES.get(kind.value, kind.value) for kind in ChannelKind}
        between = calendar.between_seconds_epoch
        local = dt.datetime.fromtimestamp
        with self._db.session() as session:
            names = _Names.load(session)
            departments = {None: OPOG_NAME, **names.departments}
            # Plain values from the database (epoch seconds, enum values as text): nothing parsed per row
            # that does not need to be, so the export of 100,000 messages stays a matter of seconds.
            for (
                message_id, external_id, arrived, platform, channel, department_id, state,
                clock_start, answered, in_time_flag, late_flag, rework, interim, redirect, missed_count,
            ) in session.connection().execute(query):  # fmt: skip
                needs_answer, state_name = states[state]
                hours = answered_at = None
                if needs_answer and answered is not None and clock_start is not None:
                    hours = round(between(int(clock_start), int(answered)) / 3600, 2)
                    answered_at = local(int(answered), tz).replace(tzinfo=None)
                if not needs_answer:
                    in_time = "—"
                elif in_time_flag:
                    in_time = "да"
                elif late_flag:
                    in_time = "нет"
                else:
                    in_time = "ещё нет"
                yield (
                    message_id,
                    external_id,
                    local(int(arrived), tz).replace(tzinfo=None),
                    PLATFORM_NAMES.get(platform, platform),
                    channels.get(channel, channel),
                    departments.get(department_id, "?"),
                    state_name,
                    answered_at,
                    hours,
                    in_time,
                    int(rework or 0),
                    "да" if interim else "нет",
                    "да" if redirect else "нет",
                    int(missed_count or 0),
                )

    # -- drill-down -------------------------------------------------------------------------------

    def drill_ids(self, actor: Actor, drill: Drill) -> list[int]:
        """The ids of the messages behind ``drill``, ascending."""
        self._require_supervisor(actor)
        with self._db.session() as session:
            return self._drill_ids(session, drill)

    def drill_down(self, actor: Actor, drill: Drill) -> list[MessageRef]:
        """The messages behind ``drill`` as plain lines for the supervisor (R11)."""
        self._require_supervisor(actor)
        with self._db.session() as session:
            ids = self._drill_ids(session, drill)
            names = _Names.load(session)
            refs = []
            for chunk_start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
                chunk = ids[chunk_start : chunk_start + 900]
                for row in session.execute(
                    sa.select(M.id, M.external_id, M.arrived_at, M.platform, M.department_id, M.state).where(
                        M.id.in_(chunk)
                    )
                ):
                    refs.append(
                        MessageRef(
                            row.id,
                            row.external_id,
                            row.arrived_at.astimezone(self._tz),
                            PLATFORM_NAMES.get(row.platform, row.platform),
                            names.department(row.department_id),
                            STATE_NAMES[row.state],
                        )
                    )
        return sorted(refs, key=lambda ref: (ref.arrived_at, ref.id))

    def _drill_ids(self, session: sa.orm.Session, drill: Drill) -> list[int]:
        period = ReportPeriod(drill.first, drill.last)
        since, until = period.bounds(self._tz)
        now = drill.now
        figure = drill.figure
        if figure == "repeat_address":
            ids = set(self._repeat_address_ids(session, since, until))
            source = self._received(since, until)
            query = sa.select(source.c.mid).where(source.c.mid.in_(ids) if ids else sa.false())
            return self._finish(session, query, source, drill, period)
        if figure in (
            "received",
            "needing_answer",
            "funnel_routed",
            "funnel_submitted",
            "interim",
            "redirected",
        ):
            source = self._received(since, until)
            where: list[Any] = []
            if figure == "needing_answer":
                where.append(source.c.state.not_in(NO_ANSWER_STATES))
            stage = {
                "funnel_routed": Stage.DRAFT,
                "funnel_submitted": Stage.REVIEW,
                "interim": Stage.FINAL_AFTER_INTERIM,
                "redirected": Stage.REDIRECT,
            }.get(figure)
            if stage is not None:
                where.extend(self._has_stage_where(source, stage, figure == "interim"))
            return self._finish(session, sa.select(source.c.mid).where(*where), source, drill, period)
        if figure == "rework":
            # R8: answered messages of the period that went back for rework at least once.
            source = self._received(since, until)
            query = sa.select(source.c.mid).where(
                source.c.state.not_in(NO_ANSWER_STATES),
                sa.exists().where(
                    S.message_id == source.c.mid, S.stage == Stage.OVERALL.value, S.completed_at.is_not(None)
                ),
                sa.exists().where(S.message_id == source.c.mid, S.stage == Stage.REWORK.value),
            )
            return self._finish(session, query, source, drill, period)
        if figure in ("answered", "in_time", "late", "decided"):
            source = self._answer_clocks(since, until)
            predicates = self._clock_predicates(source, now)
            query = sa.select(source.c.mid).where(predicates[figure])
            return self._finish(session, query, source, drill, period)
        if figure in ("stage_total", "stage_met", "stage_late", "stage_overdue", "stage_missed"):
            source = self._stages(since, until, now)
            status = {
                "stage_total": None,
                "stage_met": ("met",),
                "stage_late": ("late",),
                "stage_overdue": ("overdue",),
                "stage_missed": ("late", "overdue"),
            }[figure]
            if drill.group in ("person", "responsible"):
                return self._attributed_ids(session, since, until, now, status, drill)
            where = [source.c.status.in_(status)] if status else []
            return self._finish(session, sa.select(source.c.mid).where(*where), source, drill, period)
        if figure == "overdue_now":
            source = self._overdue_now(now)
            return self._finish(session, sa.select(source.c.mid), source, drill, period)
        if figure == "repeat_author":
            source = self._repeat_author(session, since, until)
            return self._finish(session, sa.select(source.c.mid), source, drill, period)
        raise InputError(f"Неизвестный показатель отчёта: «{figure}».")

    def _attributed_ids(
        self,
        session: sa.orm.Session,
        since: dt.datetime,
        until: dt.datetime,
        now: dt.datetime,
        statuses: tuple[str, ...] | None,
        drill: Drill,
    ) -> list[int]:
        """Messages whose stage records of the period charge one person or department (R11).

        The parties come from :func:`attributed_parties`, exactly as the figures count them.
        """
        status = _status(now)
        query = sa.select(S.message_id, status, *_PARTY_COLUMNS).where(_in(S.started_at, since, until))
        if statuses:
            query = query.where(status.in_(statuses))
        users = _Names.load(session).user_departments
        if drill.group == "person":
            person, _, wanted_stage = (drill.key or "").partition("|")
            wanted_person: str | None = person or None
        ids = set()
        for message_id, st, stage, user, department, holder, operator, is_open in session.execute(query):
            if st == "transferred":
                continue
            for party in _parties(stage, user, department, holder, operator, is_open):
                if drill.group == "person":
                    hit = stage == wanted_stage and party_key(party) == wanted_person
                else:
                    charged = party.department_id or users.get(party.user_id)
                    hit = (None if charged is None else str(charged)) == drill.key
                if hit:
                    ids.add(message_id)
                    break
        return sorted(ids)

    def _finish(
        self,
        session: sa.orm.Session,
        query: sa.Select,
        source: sa.Subquery,
        drill: Drill,
        period: ReportPeriod,
    ) -> list[int]:
        if drill.group is not None:
            query = query.where(self._group_predicate(source, drill, period))
        return sorted(set(session.scalars(query)))

    def _group_predicate(self, source: sa.Subquery, drill: Drill, period: ReportPeriod) -> Any:
        group, key = drill.group, drill.key
        if group == "week":
            bucket = next(b for b in period.weeks(self._tz) if b.label == key)
            return _in(source.c.at, bucket.since, bucket.until)
        column = source.c[group]
        if key is None:
            return column.is_(None)
        if group in ("department", "responsible"):
            return column == int(key)
        if group == "channel":
            return column == ChannelKind(key)
        return column == key


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


@dataclass
class _Names:
    people: dict[int, str]
    departments: dict[int, str]
    user_departments: dict[int, int | None]

    @classmethod
    def load(cls, session: sa.orm.Session) -> _Names:
        users = session.execute(sa.select(User.id, User.full_name, User.department_id)).all()
        return cls(
            {u.id: u.full_name for u in users},
            dict(session.execute(sa.select(Department.id, Department.name)).all()),
            {u.id: u.department_id for u in users},
        )

    def department(self, department_id: int | None) -> str:
        if department_id is None:
            return OPOG_NAME
        return self.departments.get(department_id, "?")

    def person(self, key: str | None) -> str:
        if key is None:
            return OPOG_NAME
        kind, _, value = key.partition(":")
        if kind == "u":
            return self.people.get(int(value), "?")
        return self.departments.get(int(value), "?")


def _spans(table: Any, period: ReportPeriod, span: str) -> Any:
    """The summary rows of ``period``: whole months (``m``) or weeks (``w``) from their own rows, the
    days at the edges from day rows (``report_summaries.spans``)."""
    keys, days = period_parts(period.first, period.last, span)
    parts = [sa.and_(table.span == span, table.day.in_(keys))] if keys else []
    parts += [sa.and_(table.span == "d", table.day.between(a, b)) for a, b in days]
    return sa.or_(*parts)


def _trend(
    buckets: list[Bucket],
    received: Counter[int],
    in_time: Counter[int],
    late: Counter[int],
    hours: dict[int, Hours],
) -> list[TrendPoint]:
    return [
        TrendPoint(
            b.label,
            received.get(i, 0),
            in_time.get(i, 0),
            late.get(i, 0),
            hours[i].mean() if i in hours else None,
        )
        for i, b in enumerate(buckets)
    ]


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


class Hours:
    """Answer times as a histogram of working seconds, with the mean and median in working hours.

    The same floats as ``statistics.fmean`` / ``statistics.median`` of ``[seconds / 3600, …]`` give:
    the mean is the correctly rounded exact sum (what ``fsum`` returns) divided by the count, the
    median the middle value or the mean of the two middle ones. A histogram can be summed over days
    (the summaries keep one per day), a list of a million floats cannot be kept.
    """

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()

    @classmethod
    def of(cls, seconds: Iterable[int]) -> Hours:
        hours = cls()
        hours.counts.update(seconds)
        return hours

    def add(self, seconds: int, n: int = 1) -> None:
        self.counts[seconds] += n

    def extend(self, other: Hours) -> None:
        self.counts.update(other.counts)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def mean(self) -> float | None:
        n = len(self)
        if not n:
            return None
        return float(sum(Fraction(s / 3600) * k for s, k in self.counts.items() if k)) / n

    def median(self) -> float | None:
        n = len(self)
        if not n:
            return None
        wanted = (n - 1) // 2, n // 2  # positions of the middle value(s) in sorted order
        found: list[float] = []
        seen = 0
        for s in sorted(self.counts):
            seen += self.counts[s]
            while len(found) < 2 and seen > wanted[len(found)]:
                found.append(s / 3600)
        return found[0] if n % 2 else (found[0] + found[1]) / 2


def _mean(values: Hours) -> float | None:
    return values.mean()


def _median(values: Hours) -> float | None:
    return values.median()


def _figures(
    cur: dict[str, Any], prev: dict[str, Any], overdue_now: dict[str, Any], base: Drill, prev_base: Drill
) -> list[Figure]:
    def fig(
        key: str,
        title: str,
        unit: str,
        clause: str,
        value: Callable[[dict[str, Any]], float | None],
        drill: str | None,
    ) -> Figure:
        return Figure(
            key,
            title,
            unit,
            clause,
            value(cur),
            value(prev),
            replace(base, figure=drill) if drill else None,
            replace(prev_base, figure=drill) if drill else None,
        )

    def hours(d: dict[str, Any]) -> Hours:
        return d["hours"]

    figures = [
        fig("received", "Поступило сообщений", "count", "п. 2, 5", lambda d: d["received"], "received"),
        fig("answered", "Дан ответ", "count", "п. 3", lambda d: d["answered"], "answered"),
        fig("in_time", "Ответ в течение 8 часов", "count", "п. 3", lambda d: d["in_time"], "in_time"),
        fig(
            "in_time_share",
            "Доля ответов в течение 8 часов",
            "share",
            "п. 3",
            lambda d: _share(d["in_time"], d["in_time"] + d["late"]),
            "decided",
        ),
        fig("late", "Просрочено за период (8 часов)", "count", "п. 3, 11", lambda d: d["late"], "late"),
        Figure(
            "overdue_now",
            "Просрочено сейчас",
            "count",
            "пп. 3–9",
            overdue_now["total"],
            None,
            replace(base, figure="overdue_now"),
        ),
        fig(
            "answer_avg",
            "Среднее время ответа, рабочих часов",
            "hours",
            "п. 3",
            lambda d: _mean(hours(d)),
            "answered",
        ),
        fig(
            "answer_median",
            "Медиана времени ответа, рабочих часов",
            "hours",
            "п. 3",
            lambda d: _median(hours(d)),
            "answered",
        ),
        fig(
            "rework_per_answer",
            "Возвратов на доработку на один ответ",
            "ratio",
            "п. 8",
            lambda d: _share(d["rework_rounds"], d["answered_messages"]),
            "rework",
        ),
        fig(
            "interim_share",
            "Доля промежуточных ответов",
            "share",
            "п. 9",
            lambda d: _share(d["interim"], d["needing_answer"]),
            "interim",
        ),
        fig(
            "redirect_share",
            "Доля перенаправленных",
            "share",
            "п. 4",
            lambda d: _share(d["redirected"], d["received"]),
            "redirected",
        ),
        fig(
            "repeat_author",
            "Повторные от того же автора",
            "count",
            "п. 2, 11",
            lambda d: d["repeat_author"],
            "repeat_author",
        ),
        fig(
            "repeat_address",
            "Повторные по тому же адресу",
            "count",
            "п. 2, 11",
            lambda d: d["repeat_address"],
            "repeat_address",
        ),
    ]
    for stage in STAGE_ORDER:

        def compliance(d: dict[str, Any], stage: Stage = stage) -> float | None:
            met = missed = 0
            for st, status, n in d["stage_cells"]:
                if st == stage.value:
                    met += n if status == "met" else 0
                    missed += n if status in ("late", "overdue") else 0
            return _share(met, met + missed)

        figure = fig(
            f"stage_{stage.value}",
            f"В срок: {STAGE_NAMES[stage.value]}",
            "share",
            STAGE_CLAUSES[stage],
            compliance,
            "stage_missed",
        )
        figures.append(
            replace(
                figure,
                drill=figure.drill.for_group("stage", stage.value) if figure.drill else None,
                previous_drill=figure.previous_drill.for_group("stage", stage.value)
                if figure.previous_drill
                else None,
            )
        )
    return figures


# Columns of the message groupings (department, platform, channel): received and the 8-hour clock.
_MESSAGE_COLUMNS = (
    Column("received", "Поступило", "count", "received"),
    Column("answered", "Дан ответ", "count", "answered"),
    Column("in_time", "В течение 8 ч", "count", "in_time"),
    Column("late", "Просрочено (8 ч)", "count", "late"),
    Column("in_time_share", "Доля в 8 ч", "share", "decided"),
    Column("answer_avg", "Среднее, раб. ч", "hours", "answered"),
    Column("answer_median", "Медиана, раб. ч", "hours", "answered"),
)
_STAGE_COLUMNS = (
    Column("met", "В срок", "count", "stage_met"),
    Column("late", "С опозданием", "count", "stage_late"),
    Column("overdue", "Просрочено сейчас", "count", "stage_overdue"),
    Column("share", "Доля в срок", "share", "stage_missed"),
)


def _message_rows(
    cur: dict[str, Any], index: int, label: Callable[[Any], str]
) -> dict[Any, dict[str, float | None]]:
    rows: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"received": 0, "answered": 0, "in_time": 0, "late": 0, "hours": Hours()}
    )
    for cell in cur["received_cells"]:
        rows[cell[index]]["received"] += cell[3]
    for cell in cur["clock_cells"]:
        row = rows[cell[index]]
        row["answered"] += cell[3]
        row["in_time"] += cell[4]
        row["late"] += cell[5]
    for key, hours in cur["durations"].items():
        rows[key[index]]["hours"].extend(hours)
    return {
        key: {
            "received": row["received"],
            "answered": row["answered"],
            "in_time": row["in_time"],
            "late": row["late"],
            "in_time_share": _share(row["in_time"], row["in_time"] + row["late"]),
            "answer_avg": _mean(row["hours"]),
            "answer_median": _median(row["hours"]),
        }
        for key, row in rows.items()
    }


def _stage_values(counts: dict[str, int]) -> dict[str, float | None]:
    met, late, overdue = counts.get("met", 0), counts.get("late", 0), counts.get("overdue", 0)
    return {"met": met, "late": late, "overdue": overdue, "share": _share(met, met + late + overdue)}


def _groupings(cur: dict[str, Any], overdue_now: dict[str, Any], names: _Names) -> dict[str, Grouping]:
    def key_text(value: Any) -> str | None:
        return None if value is None else str(value)

    # Departments: the messages they hold, and the stages the stage records charge them with (R11).
    by_department = _message_rows(cur, 2, names.department)
    charged: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _stage, status, _person, responsible, n in cur["party_cells"]:
        charged[responsible][status] += n
    department_keys = sorted(
        set(by_department) | set(charged) | set(overdue_now["by_department"]),
        key=lambda k: (k is None, names.department(k)),
    )
    department_columns = (
        *_MESSAGE_COLUMNS,
        Column("stages_missed", "Этапов с нарушением срока", "count", "stage_missed", "responsible"),
        Column("overdue_now", "Просрочено сейчас", "count", "overdue_now"),
    )
    empty = dict.fromkeys(("received", "answered", "in_time", "late"), 0) | {
        "in_time_share": None,
        "answer_avg": None,
        "answer_median": None,
    }
    department = Grouping(
        "department",
        "Подразделения",
        "department",
        department_columns,
        [
            GroupRow(
                key_text(k),
                names.department(k),
                {
                    **by_department.get(k, empty),
                    "stages_missed": charged.get(k, {}).get("late", 0) + charged.get(k, {}).get("overdue", 0),
                    "overdue_now": overdue_now["by_department"].get(k, 0),
                },
            )
            for k in department_keys
        ],
    )

    def message_grouping(key: str, title: str, index: int, label: Callable[[Any], str]) -> Grouping:
        rows = _message_rows(cur, index, label)
        return Grouping(
            key,
            title,
            key,
            _MESSAGE_COLUMNS,
            [GroupRow(key_text(k), label(k), rows[k]) for k in sorted(rows, key=lambda k: label(k))],
        )

    platform = message_grouping("platform", "Площадки", 0, lambda k: PLATFORM_NAMES.get(k, k))
    channel = message_grouping("channel", "Каналы", 1, lambda k: CHANNEL_NAMES.get(k, k))

    stage_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    person_counts: dict[tuple[str | None, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for stage, status, n in cur["stage_cells"]:
        stage_counts[stage][status] += n
    for stage, status, person, _responsible, n in cur["party_cells"]:
        person_counts[(person, stage)][status] += n
    stage_order = {s.value: i for i, s in enumerate(STAGE_ORDER)}
    stage_grouping = Grouping(
        "stage",
        "Этапы",
        "stage",
        _STAGE_COLUMNS,
        [
            GroupRow(stage, STAGE_NAMES.get(stage, stage), _stage_values(stage_counts[stage]))
            for stage in sorted(stage_counts, key=lambda s: stage_order.get(s, 99))
        ],
    )
    person_rows = [
        GroupRow(
            f"{person or ''}|{stage}",
            f"{names.person(person)} — {STAGE_NAMES.get(stage, stage)}",
            _stage_values(counts),
            (names.person(person), STAGE_NAMES.get(stage, stage)),
        )
        for (person, stage), counts in person_counts.items()
    ]
    person_rows.sort(key=lambda row: row.label)
    person_grouping = Grouping("person", "Сотрудники", "person", _STAGE_COLUMNS, person_rows)
    return {
        "department": department,
        "person": person_grouping,
        "platform": platform,
        "channel": channel,
        "stage": stage_grouping,
    }
