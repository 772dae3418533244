"""No draft lost (issue 14): a first save expects no draft, and the database keeps one open draft.

Each test runs on SQLite and PostgreSQL; "two workstations" are two ``Database`` objects (two engines,
two connection pools) on the same database, as two computers would be.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.models.database import Database
from desktop_app.models.entities import Draft
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.errors import ConflictError
from desktop_app.settings import Settings
from tests.support.factories import World


def _routed(world: World, services: AppServices) -> int:
    message_id = world.arrive()
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    return message_id


def _open_drafts(services: AppServices, message_id: int) -> list[str]:
    with services.db.session() as session:
        return list(
            session.scalars(
                sa.select(Draft.working_text).where(
                    Draft.message_id == message_id, Draft.is_closed.is_(False)
                )
            )
        )


def test_second_first_save_is_a_conflict_not_an_overwrite(
    world: World, services: AppServices, database_url: str, clock
) -> None:
    message_id = _routed(world, services)
    other_db = Database(database_url)
    try:
        other = build_services(Settings(), other_db, now=clock)
        # Both workstations opened the message before any draft existed: both send "no draft expected".
        services.workflow.save_draft(
            world.roads_executor, message_id, DraftKind.ANSWER, "Текст первого", None
        )
        with pytest.raises(ConflictError, match="другом рабочем месте"):
            other.workflow.save_draft(
                world.roads_executor, message_id, DraftKind.ANSWER, "Текст второго", None
            )
    finally:
        other_db.dispose()
    assert _open_drafts(services, message_id) == ["Текст первого"]


def test_a_draft_holding_only_attachments_takes_the_first_text(world: World, services: AppServices) -> None:
    message_id = _routed(world, services)
    services.drafting.add_attachment(world.roads_executor, message_id, "яма.png", b"\x89PNG\r\n\x1a\n")
    saved = services.workflow.save_draft(world.roads_executor, message_id, DraftKind.ANSWER, "Ответ", None)
    assert saved.revision >= 1
    assert _open_drafts(services, message_id) == ["Ответ"]


def test_simultaneous_first_saves_leave_one_draft_and_conflicts(
    world: World, services: AppServices, database_url: str, clock
) -> None:
    message_id = _routed(world, services)
    workstations = [Database(database_url) for _ in range(6)]
    try:
        apps = [build_services(Settings(), db, now=clock) for db in workstations]
        barrier = threading.Barrier(len(apps))
        outcomes: list[str] = []

        def save(n: int) -> None:
            barrier.wait()
            try:
                apps[n].workflow.save_draft(
                    world.roads_executor, message_id, DraftKind.ANSWER, f"Текст {n}", None
                )
                outcomes.append(f"saved {n}")
            except ConflictError:
                outcomes.append("conflict")

        threads = [threading.Thread(target=save, args=(n,)) for n in range(len(apps))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        for db in workstations:
            db.dispose()
    saved = [o for o in outcomes if o.startswith("saved")]
    assert len(outcomes) == 6
    assert len(saved) == 1, outcomes
    assert _open_drafts(services, message_id) == [f"Текст {saved[0].split()[1]}"]


def test_the_database_refuses_a_second_open_draft(world: World, services: AppServices) -> None:
    message_id = _routed(world, services)
    with services.db.session() as session, session.begin():
        session.add(Draft(message_id=message_id, kind=DraftKind.ANSWER))
    with (
        services.db.session() as session,
        pytest.raises(sa.exc.IntegrityError),
        session.begin(),
    ):
        session.add(Draft(message_id=message_id, kind=DraftKind.ANSWER))
    with services.db.session() as session, session.begin():
        session.add(Draft(message_id=message_id, kind=DraftKind.ANSWER, is_closed=True))  # closed: fine
