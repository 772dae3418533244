"""Queue counts kept by deltas (issue 17): after any sequence of changes, equal to a full recount."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.errors import OtklikError
from desktop_app.services.queries import Queue
from desktop_app.services.queue_counts import QueueCounter
from desktop_app.services.workflow import ReviewChecks
from desktop_app.settings import Settings
from tests.support.factories import World

ALL_CHECKS = ReviewChecks(greeting=True, spelling=True, questions=True)


def _step(rng: random.Random, services: AppServices, world: World, ids: list[int], clock) -> None:
    """One random thing that happens in an office: arrivals, routing, answers, time passing."""
    workflow = services.workflow
    choice = rng.randrange(9)
    if choice == 0 or not ids:
        ids.append(world.arrive())
        return
    message_id = rng.choice(ids)
    version = world.version(message_id)
    department = rng.choice([world.roads, world.housing])
    executor = world.roads_executor if department is world.roads else world.housing_executor
    try:
        if choice == 1:
            workflow.route_message(world.operator, message_id, version, department.id)
        elif choice == 2:
            workflow.close_not_needed(world.operator, message_id, version, "дубль")
        elif choice == 3:
            workflow.reassign(world.supervisor, message_id, version, department.id, "по компетенции")
        elif choice == 4:
            owner = world.message(message_id).department_id
            if owner is not None:
                actor = world.roads_executor if owner == world.roads.id else world.housing_executor
                workflow.submit_draft(
                    actor, message_id, version, DraftKind.ANSWER, "Здравствуйте! Яму заделают в мае."
                )
        elif choice == 5:
            workflow.return_for_rework(world.operator, message_id, version, "уточните сроки", ALL_CHECKS)
        elif choice == 6:
            workflow.hand_back(executor, message_id, version, "не наше")
        elif choice == 7:
            clock.advance(minutes=rng.choice([5, 20, 45, 90]))
        else:
            clock.advance(minutes=-rng.choice([1, 10]))  # a clock set back (a corrected PC clock)
    except OtklikError:
        pass  # not allowed in its state: a refusal changes nothing, as on a real desk


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_kept_by_deltas_equal_a_full_recount_after_random_changes(
    services: AppServices, world: World, clock, seed: int
) -> None:
    rng = random.Random(seed)
    counter = QueueCounter(services.db)
    ids = [world.arrive() for _ in range(3)]
    actors = [world.operator, world.roads_executor, world.housing_executor]
    states = {a.login: counter.full(a, clock()) for a in actors}
    for _ in range(45):
        _step(rng, services, world, ids, clock)
        if rng.random() < 0.5:
            continue  # several changes between two refreshes, as when a burst arrives
        for actor in actors:
            states[actor.login] = counter.advance(states[actor.login], actor, clock())
            expected = services.queries.queue_counts(actor, clock())
            assert states[actor.login].counts() == expected, (actor.login, seed)
    # and the counts are the queues' lengths (the recount itself is right)
    states["operator"] = counter.advance(states["operator"], world.operator, clock())
    for queue in Queue:
        assert states["operator"].counts()[queue] == len(
            services.queries.list_queue(world.operator, queue, clock())
        )


def test_a_change_made_on_another_workstation_moves_the_counts_without_a_recount(
    services: AppServices, world: World, clock, database_url: str
) -> None:
    first, second = world.arrive(), world.arrive()
    counter = QueueCounter(services.db)
    state = counter.full(world.operator, clock())
    assert state.counts()[Queue.NEW] == 2
    other_db = Database(database_url)
    try:
        other = build_services(Settings(), other_db, now=clock)
        other.workflow.route_message(world.operator, first, world.version(first), world.roads.id)
    finally:
        other_db.dispose()
    statements: list[str] = []
    sa.event.listen(services.db.engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
    state = counter.advance(state, world.operator, clock())
    assert state.counts()[Queue.NEW] == 1 and state.counts()[Queue.WITH_EXECUTORS] == 1
    assert not any("GROUP BY" in s.upper() for s in statements)  # the delta, not a grouped scan
    assert second  # still new


def test_deadlines_passing_move_overdue_without_any_change(
    services: AppServices, world: World, clock
) -> None:
    world.arrive()
    counter = QueueCounter(services.db)
    state = counter.full(world.operator, clock())
    assert state.counts()[Queue.OVERDUE] == 0
    clock.advance(hours=2)  # routing has one working hour (R5)
    state = counter.advance(state, world.operator, clock())
    assert (
        state.counts()[Queue.OVERDUE]
        == 1
        == services.queries.queue_counts(world.operator, clock())[Queue.OVERDUE]
    )


def test_the_first_screen_and_the_ids_come_in_the_queue_order(
    services: AppServices, world: World, clock
) -> None:
    """Read as two index ranges (with a stage deadline, then without): the same order as one sort."""
    ids = []
    for minutes in (30, 0, 10, 0):
        clock.advance(minutes=minutes)
        ids.append(world.arrive())
    services.workflow.close_not_needed(world.operator, ids[1], world.version(ids[1]), "дубль")  # no deadline
    services.workflow.route_message(world.operator, ids[2], world.version(ids[2]), world.roads.id)
    queries = services.queries
    for queue in (Queue.ALL, Queue.NEW, Queue.OVERDUE):
        order = [r.id for r in queries.list_queue(world.operator, queue, clock())]
        assert queries.queue_ids(world.operator, queue, clock()) == order
        assert [r.id for r in queries.queue_page(world.operator, queue, clock(), 100)] == order
        assert [r.id for r in queries.queue_page(world.operator, queue, clock(), 2)] == order[:2]
    assert queries.queue_ids(world.operator, Queue.ALL, clock())[-1] == ids[1]  # undated last


def test_a_workstation_away_longer_than_the_log_is_kept_counts_everything_again(
    services: AppServices, world: World, clock
) -> None:
    from desktop_app.models.entities import ChangeLogEntry

    first = world.arrive()
    counter = QueueCounter(services.db)
    state = counter.full(world.operator, clock())
    services.workflow.route_message(world.operator, first, world.version(first), world.roads.id)
    world.arrive()
    with services.db.session() as session, session.begin():  # pruned while this one was away
        newest = session.scalar(sa.select(sa.func.max(ChangeLogEntry.id)))
        session.execute(sa.delete(ChangeLogEntry).where(ChangeLogEntry.id < newest))
    state = counter.advance(state, world.operator, clock())
    assert state.counts() == services.queries.queue_counts(world.operator, clock())
