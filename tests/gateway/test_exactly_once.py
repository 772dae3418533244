"""Exactly once also on a malformed success (issue 12, R2): only an explicit 4xx refuses."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from desktop_app.adapters.incident.gateway import PublicationRequest
from desktop_app.adapters.incident.simulator import start_simulator
from desktop_app.adapters.incident.simulator.server import MALFORMED_SUCCESS_BODIES
from desktop_app.domain.lifecycle import MessageState, OutboxStatus
from desktop_app.models.entities import OutboxItem
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.outbox import OutboxWorker
from desktop_app.services.workflow import ReviewChecks
from tests.gateway.conftest import fast_gateway, message_ids
from tests.gateway.test_outbox import CountingGateway, _items, _prepare
from tests.support.factories import Clock, World

ALL_CHECKS = ReviewChecks(greeting=True, spelling=True, questions=True)


def _drain(worker: OutboxWorker, services: AppServices, clock: Clock, rounds: int = 30) -> None:
    for _ in range(rounds):
        worker.send_due()
        if all(i.status is not OutboxStatus.PENDING for i in _items(services)):
            return
        clock.advance(minutes=20)  # past any backoff


@pytest.mark.parametrize("variant", range(len(MALFORMED_SUCCESS_BODIES)))
def test_a_malformed_201_is_never_a_refusal(
    services: AppServices, world: World, clock: Clock, variant: int
) -> None:
    """Before: a 201 with a naive ``accepted_at`` failed the item, the message went back to review
    and re-approval posted the answer a second time."""
    with start_simulator(seed=51, initial_messages=1) as sim:
        (message_id,) = _prepare(services, world, sim, 1)
        sim._server.malformed_no = variant - 1  # the next malformed body is this variant
        sim.set_faults("malformed_success=1")
        gateway = CountingGateway(fast_gateway(sim.base_url, retries=0))
        worker = OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle)
        worker.send_due()
        sim.set_faults(None)  # the lookup answers normally
        _drain(worker, services, clock)
        (item,) = _items(services)
        assert item.status is OutboxStatus.CONFIRMED
        assert Counter(r.key for r in sim.publications()) == Counter({item.idempotency_key: 1})
        assert gateway.sent[item.idempotency_key] == 1  # never re-posted
        assert item.external_id == sim.publications()[0].id
        assert world.message(message_id).state is MessageState.ANSWERED


def test_every_malformed_success_holds_one_publication_per_answer(
    services: AppServices, world: World, clock: Clock
) -> None:
    with start_simulator(seed=52, initial_messages=5) as sim:
        _prepare(services, world, sim, 5)
        sim.set_faults("malformed_success=0.7,drop_after_accept=0.2")
        worker = OutboxWorker(
            services.db, fast_gateway(sim.base_url, retries=1), services.now, lifecycle=services.lifecycle
        )
        _drain(worker, services, clock, rounds=60)
        items = _items(services)
        assert [i.status for i in items] == [OutboxStatus.CONFIRMED] * 5
        assert Counter(r.key for r in sim.publications()) == Counter({i.idempotency_key: 1 for i in items})
        assert sim.injected_faults().get("malformed_success", 0) > 0


def _legacy_failure(services: AppServices, sim, message_id: int) -> OutboxItem:
    """What the old worker left behind: the post went out, its 201 did not parse, the item FAILED."""
    (item,) = _items(services)
    payload = item.payload
    fast_gateway(sim.base_url).publish(
        PublicationRequest(payload["incident_id"], "answer", payload["text"]), item.idempotency_key
    )
    with services.db.session() as session, session.begin():
        row = session.get(OutboxItem, item.id)
        assert row is not None
        row.status = OutboxStatus.FAILED
        row.attempts = 1
        row.last_error = (
            "Система Инцидент передала время «2026-05-12T10:00:00» без часового пояса (accepted_at)."
        )
        session.flush()
        services.lifecycle.outbound_failed(session, row, row.last_error, services.now())
    assert row.refusal_code is None
    return row


def test_reapproval_after_an_unresolved_send_reuses_its_key(
    services: AppServices, world: World, clock: Clock
) -> None:
    with start_simulator(seed=53, initial_messages=1) as sim:
        (message_id,) = _prepare(services, world, sim, 1)
        old = _legacy_failure(services, sim, message_id)
        assert world.message(message_id).state is MessageState.UNDER_REVIEW
        services.workflow.approve_and_publish(
            world.operator, message_id, world.version(message_id), ALL_CHECKS
        )
        items = _items(services)
        assert len(items) == 2 and items[1].idempotency_key == old.idempotency_key
        assert items[0].idempotency_key.startswith(old.idempotency_key[:32] + "~")
        gateway = CountingGateway(fast_gateway(sim.base_url))
        OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle).send_due()
        assert gateway.status_checks == 1 and sum(gateway.sent.values()) == 0  # asked, not re-sent
        assert len(sim.publications()) == 1
        assert _items(services)[1].status is OutboxStatus.CONFIRMED
        assert world.message(message_id).state is MessageState.ANSWERED


def test_an_explicit_refusal_is_final_and_a_reapproval_gets_a_new_key(
    services: AppServices, world: World, clock: Clock
) -> None:
    with start_simulator(seed=54, initial_messages=1) as sim:
        (message_id,) = _prepare(services, world, sim, 1)
        incident_id = next(iter(sim.store.messages))
        saved = sim.store.messages.pop(incident_id)  # 404: the post is gone
        worker = OutboxWorker(
            services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
        )
        assert worker.send_due() == 1
        (refused,) = _items(services)
        assert refused.status is OutboxStatus.FAILED and refused.refusal_code == 404
        sim.store.messages[incident_id] = saved
        services.workflow.approve_and_publish(
            world.operator, message_id, world.version(message_id), ALL_CHECKS
        )
        second = _items(services)[1]
        assert second.idempotency_key != refused.idempotency_key and second.attempts == 0
        assert worker.send_due() == 1 and len(sim.publications()) == 1


def test_a_lookup_refusal_is_not_a_send_refusal(services: AppServices, world: World, clock: Clock) -> None:
    """A 4xx of ``GET /outbound/{key}`` says nothing about the action: the item stays pending."""
    with start_simulator(seed=55, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
        with services.db.session() as session, session.begin():
            session.execute(sa.update(OutboxItem).values(attempts=1))  # as after a dropped connection

        class LookupRefused(CountingGateway):
            def outbound_status(self, key: str):  # type: ignore[override]
                from desktop_app.adapters.incident.gateway import IncidentPermanentError

                raise IncidentPermanentError("Система Инцидент отклонила запрос (код 400).", 400)

        worker = OutboxWorker(
            services.db, LookupRefused(fast_gateway(sim.base_url)), services.now, lifecycle=services.lifecycle
        )
        assert worker.send_due() == 0
        (item,) = _items(services)
        assert item.status is OutboxStatus.PENDING and "состояние отправки" in item.last_error
        assert message_ids(services)
