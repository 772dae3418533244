"""Fixtures of the gateway tests: the embedded simulator on loopback, the real lifecycle services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.adapters.incident.simulator import SimulatorHandle, start_simulator
from desktop_app.domain.lifecycle import DraftKind
from desktop_app.models.database import Database
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.intake import IntakeService
from desktop_app.services.workflow import ReviewChecks
from desktop_app.settings import Settings
from tests.support.factories import Clock, World

ALL_CHECKS = ReviewChecks(greeting=True, spelling=True, questions=True)


@pytest.fixture
def simulator() -> Iterator[SimulatorHandle]:
    handle = start_simulator(seed=7, initial_messages=6)
    yield handle
    handle.stop()


def fast_gateway(
    base_url: str, *, timeout: float = 2.0, token: str = "", retries: int = 3
) -> HttpIncidentGateway:
    """The real HTTP adapter with backoff sleeps skipped (the schedule itself is tested separately)."""
    return HttpIncidentGateway(
        base_url, token, timeout_seconds=timeout, retries=retries, sleep=lambda _s: None
    )


@pytest.fixture
def clock() -> Clock:
    # The simulator stamps arrivals with the real time; the lifecycle clock starts just after it.
    return Clock(dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1))


@pytest.fixture
def services(database: Database, clock: Clock) -> AppServices:
    return build_services(Settings(), database, now=clock)


@pytest.fixture
def world(services: AppServices) -> World:
    return World(services)


def intake_all(services: AppServices, base_url: str) -> None:
    gateway = fast_gateway(base_url)
    try:
        result = IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle).sync_once()
        assert result.failed == 0 and not result.error, result
    finally:
        gateway.close()


def message_ids(services: AppServices) -> list[int]:
    with services.db.session() as session:
        return list(session.scalars(sa.select(Message.id).order_by(Message.id)))


def approve(
    world: World, message_id: int, kind: DraftKind = DraftKind.ANSWER, photos: tuple[bytes, ...] = ()
) -> None:
    """Route, draft, submit and approve: the lifecycle writes the outbox item (status pending)."""
    from desktop_app.services.drafting import DraftingService

    workflow = world.services.workflow
    workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    drafting = DraftingService(world.services.db, world.services.now)
    attachment_ids = tuple(
        drafting.add_attachment(world.roads_executor, message_id, f"фото-{n}.png", photo).id
        for n, photo in enumerate(photos, start=1)
    )
    workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        kind,
        "Здравствуйте! Ремонт дороги запланирован на июнь, подрядчик уже выбран.",
        attachment_ids=attachment_ids,
    )
    workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
