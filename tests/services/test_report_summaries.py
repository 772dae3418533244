"""The dashboard's per-day summaries (issue 19): after any sequence of workflow actions, a calendar
change or a backfill, the figures summed from them equal the figures computed from the base tables."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, DraftKind
from desktop_app.models.database import Database, alembic_config, upgrade
from desktop_app.models.entities import Message, ReportMessageDay, ReportSummaryState
from desktop_app.services import report_summaries
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.dashboard import Dashboard, ReportPeriod
from desktop_app.services.errors import OtklikError
from desktop_app.services.report_summaries import period_parts, spans
from tests.services.report_history import ALL_CHECKS, confirm_outbox, seed_history
from tests.support.factories import Clock, World, msk

# Many authors and places, so that a late arrival often makes the next message a repeat (or not).
AUTHORS = tuple(f"Автор {n}" for n in range(12))
PLACES = tuple(
    f"на улице {street}, {house}" for street in ("Мира", "Ленина", "Советская") for house in (3, 5, 12)
)
PLATFORMS = (("vk", ChannelKind.SOCIAL_NETWORK), ("telegram", ChannelKind.MESSENGER))


def _boards(
    services: AppServices, world: World, period: ReportPeriod, now: dt.datetime
) -> tuple[Dashboard, Dashboard]:
    board = services.reports.board
    return (
        board.dashboard(world.supervisor, period, now),
        board.dashboard(world.supervisor, period, now, direct=True),
    )


def _assert_same(summed: Dashboard, direct: Dashboard) -> None:
    """Every figure, grouping row, trend point and funnel step, exactly (floats included)."""
    for a, b in zip(summed.figures, direct.figures, strict=True):
        assert (a.key, a.value, a.previous) == (b.key, b.value, b.previous)
    assert summed.groupings.keys() == direct.groupings.keys()
    for key, grouping in summed.groupings.items():
        rows = [(r.key, r.label, r.values) for r in grouping.rows]
        assert rows == [(r.key, r.label, r.values) for r in direct.groupings[key].rows], key
    assert summed.trend == direct.trend
    assert summed.funnel == direct.funnel


def _arrive(services: AppServices, external_id: str, author: str, platform: str, channel: ChannelKind, text: str,
            back: dt.timedelta) -> int:  # fmt: skip
    with services.db.session() as session, session.begin():
        message = Message(external_id=external_id, channel_kind=channel, platform=platform, author_name=author,
                          author_profile_url="", text=text, arrived_at=services.now() - back)  # fmt: skip
        session.add(message)
        session.flush()
        services.lifecycle.message_arrived(session, message, services.now())
        return message.id


def _summaries(services: AppServices):
    return services.db.report_summaries


def _check(services: AppServices) -> None:
    with services.db.session() as session:
        assert _summaries(services).differences(session) == []


def _step(
    rng: random.Random, services: AppServices, world: World, ids: list[int], clock: Clock, n: int
) -> None:
    """One random thing that happens: an arrival, routing, a draft, rework, publishing, an interim answer,
    a redirect, a reassignment, a hand-back, a closure, time passing (deadlines missed)."""
    wf = services.workflow
    choice = rng.randrange(13)
    if choice in (0, 12) or not ids:
        platform, channel = rng.choice(PLATFORMS)
        text = f"Здравствуйте! Когда уберут мусор {rng.choice(PLACES)}?"
        # choice 12: delivered late, it arrived in the Incident system hours before messages we have
        back = dt.timedelta(hours=rng.choice([2, 20, 50])) if choice == 12 else dt.timedelta()
        ids.append(
            _arrive(services, f"RND-{n}-{len(ids)}", rng.choice(AUTHORS), platform, channel, text, back)
        )
        return
    message_id = rng.choice(ids)
    version = world.version(message_id)
    department = rng.choice([world.roads, world.housing])
    executor = world.roads_executor if department is world.roads else world.housing_executor
    owner = world.message(message_id).department_id
    own = world.roads_executor if owner == world.roads.id else world.housing_executor
    try:
        if choice == 1:
            wf.route_message(world.operator, message_id, version, department.id)
        elif choice == 2:
            wf.close_not_needed(world.operator, message_id, version, "дубль")
        elif choice == 3:
            wf.reassign(world.supervisor, message_id, version, department.id, "по компетенции")
        elif choice in (4, 5):
            kind = DraftKind.INTERIM if choice == 5 else DraftKind.ANSWER
            wf.submit_draft(own, message_id, version, kind, "Здравствуйте! Мусор вывезут завтра.")
        elif choice == 6:
            wf.return_for_rework(world.operator, message_id, version, "уточните сроки", ALL_CHECKS)
        elif choice == 7:
            wf.hand_back(executor, message_id, version, "не наше")
        elif choice == 8:
            wf.approve_and_publish(world.operator, message_id, version, ALL_CHECKS)
            confirm_outbox(services, message_id)
        elif choice == 9:
            wf.redirect_message(world.operator, message_id, version, "УМВД", "вне компетенции")
            confirm_outbox(services, message_id)
        elif choice == 10:
            clock.advance(hours=rng.choice([3, 9, 30]))  # stages overrun, days turn
        else:
            clock.advance(minutes=rng.choice([5, 20, 45, 90]))
    except OtklikError:
        pass  # not allowed in its state: a refusal changes nothing


@pytest.mark.parametrize("seed", [3, 4])
def test_summaries_equal_the_direct_computation_after_random_workflow_actions(
    services: AppServices, world: World, clock: Clock, seed: int
) -> None:
    rng = random.Random(seed)
    clock.set(msk(2026, 5, 4, 9, 0))
    _summaries(services).ensure_current()  # built (empty) before the first write: from here kept on write
    ids: list[int] = []
    periods = [  # a whole week, a whole month, one day, and edges that cut weeks and months
        ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 10)),
        ReportPeriod(dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        ReportPeriod(dt.date(2026, 5, 6), dt.date(2026, 5, 6)),
        ReportPeriod(dt.date(2026, 4, 29), dt.date(2026, 6, 2)),
    ]
    for n in range(70):
        _step(rng, services, world, ids, clock, n)
        if n % 14 == 13:
            _check(services)
            for period in periods:
                _assert_same(*_boards(services, world, period, clock()))
    _check(services)
    summed, direct = _boards(services, world, periods[1], clock())
    _assert_same(summed, direct)
    assert summed.figure("received").value == len(ids)


def test_the_summaries_fail_when_a_write_bypasses_them(
    services: AppServices, world: World, clock: Clock
) -> None:
    """The self-check and the comparison can fail: a change written behind the hooks' back is found."""
    clock.set(msk(2026, 5, 4, 9, 0))
    _summaries(services).ensure_current()
    world.arrive()
    _check(services)
    with services.db.engine.begin() as connection:
        connection.execute(sa.update(ReportMessageDay).values(received=ReportMessageDay.received + 1))
    with services.db.session() as session:
        assert _summaries(services).differences(session)
    summed, direct = _boards(services, world, ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 4)), clock())
    assert summed.figure("received").value == direct.figure("received").value + 1


@pytest.mark.parametrize("rebuild_above", [3000, 0])  # the stale messages recomputed, or everything rebuilt
def test_a_calendar_change_recomputes_the_answer_times(
    services: AppServices, world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch, rebuild_above: int
) -> None:
    monkeypatch.setattr(report_summaries, "_REBUILD_ABOVE", rebuild_above)
    seed_history(services, world, clock, seed=19, count=14)
    now = msk(2026, 5, 19, 12, 0)
    clock.set(now)
    period = ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 17))
    before, _ = _boards(services, world, period, now)  # built here (first use), then kept
    # A sanitary day: 5 May becomes a day off, so answers that spanned it took fewer working hours.
    services.calendar.set_custom_day(world.admin, dt.date(2026, 5, 5), [], "санитарный день")
    with services.db.session() as session:
        assert session.scalar(sa.select(ReportSummaryState.dirty_from)) == dt.date(2026, 5, 5).toordinal()
    summed, direct = _boards(services, world, period, now)
    _assert_same(summed, direct)
    assert summed.figure("answer_avg").value != before.figure("answer_avg").value
    _check(services)


def test_the_backfill_of_a_database_from_before_the_summaries_gives_the_same_figures(
    services: AppServices, world: World, clock: Clock, database_url: str
) -> None:
    seed_history(services, world, clock, seed=7, count=14)
    now = msk(2026, 5, 19, 12, 0)
    clock.set(now)
    period = ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 17))
    # The schema as it was before: the summaries' migration undone, then applied again (empty tables).
    from alembic import command

    services.db.engine.dispose()
    cfg = alembic_config(database_url)
    command.downgrade(cfg, "0012")
    other = Database(database_url)
    try:
        with other.engine.connect() as connection:
            assert not sa.inspect(connection).has_table("report_message_days")
        assert upgrade(other, backup=False)
    finally:
        other.dispose()
    summed, direct = _boards(services, world, period, now)  # the first use builds them
    _assert_same(summed, direct)
    assert summed.figure("received").value == 14
    _check(services)


def test_a_period_is_whole_months_or_weeks_and_the_days_at_its_edges() -> None:
    def parts(
        first: dt.date, last: dt.date, span: str
    ) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
        keys, days = period_parts(first, last, span)
        return [dt.date.fromordinal(k) for k in keys], [
            (dt.date.fromordinal(a), dt.date.fromordinal(b)) for a, b in days
        ]

    d = dt.date
    assert parts(d(2026, 1, 1), d(2026, 12, 31), "m") == ([d(2026, m, 1) for m in range(1, 13)], [])
    assert parts(d(2026, 4, 29), d(2026, 6, 2), "m") == (
        [d(2026, 5, 1)],
        [(d(2026, 4, 29), d(2026, 4, 30)), (d(2026, 6, 1), d(2026, 6, 2))],
    )
    # 1 January 2026 is a Thursday: 1–4 January from day rows, then whole weeks, then 28–31 December
    weeks, days = parts(d(2026, 1, 1), d(2026, 12, 31), "w")
    assert days == [(d(2026, 1, 1), d(2026, 1, 4)), (d(2026, 12, 28), d(2026, 12, 31))]
    assert weeks[0] == d(2026, 1, 5) and len(weeks) == 51 and all(w.weekday() == 0 for w in weeks)
    assert parts(d(2026, 5, 6), d(2026, 5, 6), "w") == ([], [(d(2026, 5, 6), d(2026, 5, 6))])
    # every day of a cell is in exactly one row of each span
    assert [s for s, _ in spans(d(2026, 5, 6).toordinal())] == ["d", "w", "m"]


def test_a_build_on_sqlite_lets_the_others_write_and_misses_none_of_their_changes(
    services: AppServices, world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """SQLite: the build reads in a read transaction (the others keep writing, WAL) and then recomputes
    what the change log shows they changed meanwhile, before it stores the summaries."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL builds in one transaction: its writers are not stopped by it")
    clock.set(msk(2026, 5, 4, 9, 0))
    first = world.arrive()
    meanwhile: list[int] = []
    compute_all = report_summaries.ReportSummaries.compute_all

    def compute_while_others_write(self, session, each_chunk=None):
        totals = compute_all(self, session, each_chunk)
        if not meanwhile:  # another workstation's writes commit while the build is reading
            meanwhile.append(world.arrive("Не горят фонари на улице Мира, 5"))
            services.workflow.route_message(world.operator, first, world.version(first), world.roads.id)
        return totals

    monkeypatch.setattr(report_summaries.ReportSummaries, "compute_all", compute_while_others_write)
    summed, direct = _boards(services, world, ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 4)), clock())
    assert meanwhile and summed.figure("received").value == 2
    _assert_same(summed, direct)
    _check(services)
