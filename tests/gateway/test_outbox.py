"""Outbox worker (R2): exactly once under faults, concurrency, refusals, backoff; manual mode."""

from __future__ import annotations

import base64
import datetime as dt
import random
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from desktop_app.adapters.incident.gateway import (
    IncidentAuthError,
    IncidentTransientError,
    OutboundResult,
    PublicationRequest,
    RedirectRequest,
)
from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.adapters.incident.manual import ManualGateway
from desktop_app.adapters.incident.simulator import SimulatorHandle, start_simulator
from desktop_app.adapters.incident.simulator.generator import png_bytes
from desktop_app.domain.lifecycle import MessageState, OutboxStatus
from desktop_app.models.entities import OutboxItem, Publication, Redirect
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.outbox import OutboxError, OutboxLoop, OutboxWorker, confirm_manual_publication
from tests.gateway.conftest import approve, fast_gateway, intake_all, message_ids
from tests.support.factories import Clock, World


class CountingGateway:
    """Wraps a gateway and counts what was actually sent."""

    def __init__(self, inner: HttpIncidentGateway) -> None:
        self.inner = inner
        self.manual = False
        self.sent: Counter[str] = Counter()
        self.status_checks = 0
        self.lock = threading.Lock()

    def fetch(self, cursor: str, limit: int = 500, *, deadline: float | None = None):  # pragma: no cover
        return self.inner.fetch(cursor, limit)

    def publish(self, request: PublicationRequest, key: str) -> OutboundResult:
        with self.lock:
            self.sent[key] += 1
        return self.inner.publish(request, key)

    def redirect(self, request: RedirectRequest, key: str) -> OutboundResult:
        with self.lock:
            self.sent[key] += 1
        return self.inner.redirect(request, key)

    def outbound_status(self, key: str) -> OutboundResult | None:
        with self.lock:
            self.status_checks += 1
        return self.inner.outbound_status(key)

    def close(self) -> None:
        self.inner.close()


def _items(services: AppServices) -> list[OutboxItem]:
    with services.db.session() as session:
        return list(session.scalars(sa.select(OutboxItem).order_by(OutboxItem.id)))


def _prepare(services: AppServices, world: World, sim: SimulatorHandle, count: int) -> list[int]:
    intake_all(services, sim.base_url)
    ids = message_ids(services)[:count]
    for message_id in ids:
        approve(world, message_id)
    return ids


def test_answer_with_photo_is_published_and_confirmed(services: AppServices, world: World) -> None:
    photo = png_bytes(random.Random(4))
    with start_simulator(seed=21, initial_messages=1) as sim:
        intake_all(services, sim.base_url)
        (message_id,) = message_ids(services)
        approve(world, message_id, photos=(photo,))
        assert world.message(message_id).state is MessageState.PUBLISHING
        (item,) = _items(services)
        assert item.payload["attachments"][0]["filename"] == "фото-1.png"
        worker = OutboxWorker(
            services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
        )
        assert worker.send_due() == 1
        (record,) = sim.publications()
        assert record.key == item.idempotency_key and record.action == "answer"
        assert base64.b64decode(record.body["attachments"][0]["content_base64"]) == photo
        (item,) = _items(services)
        assert item.status is OutboxStatus.CONFIRMED and item.external_id == record.id
        assert item.external_url == record.url and item.attempts == 1
        assert world.message(message_id).state is MessageState.ANSWERED
        with services.db.session() as session:
            publication = session.scalars(sa.select(Publication)).one()
            assert publication.confirmed_at == services.now() and publication.external_url == record.url
        assert worker.send_due() == 0 and len(sim.publications()) == 1


def test_redirect_with_reason_goes_out_once(services: AppServices, world: World) -> None:
    with start_simulator(seed=22, initial_messages=1) as sim:
        intake_all(services, sim.base_url)
        (message_id,) = message_ids(services)
        services.workflow.redirect_message(
            world.operator,
            message_id,
            world.version(message_id),
            "ГУ МЧС по Липецкой области",
            "Пожарная безопасность",
        )
        OutboxWorker(
            services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
        ).send_due()
        (record,) = sim.publications()
        assert record.action == "redirect"
        assert record.body == {
            "target_organisation": "ГУ МЧС по Липецкой области",
            "reason": "Пожарная безопасность",
        }
        assert world.message(message_id).state is MessageState.REDIRECTED
        with services.db.session() as session:
            assert session.scalars(sa.select(Redirect)).one().confirmed_at is not None


FAULTS = [
    "error5xx=0.5",
    "error429=0.5",
    "timeout=0.4,hang=1s",
    "drop_after_accept=0.6",
    "hang_after_accept=0.5,hang=1s",
    "latency=20ms,error5xx=0.2,timeout=0.15,drop_after_accept=0.3,hang=1s",
]


@pytest.mark.parametrize("faults", FAULTS)
def test_every_fault_publishes_each_answer_exactly_once(
    services: AppServices, world: World, clock: Clock, faults: str
) -> None:
    with start_simulator(seed=23, initial_messages=3) as sim:
        _prepare(services, world, sim, 3)
        sim.set_faults(faults)
        gateway = CountingGateway(fast_gateway(sim.base_url, timeout=0.3, retries=1))
        worker = OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle)
        for _ in range(40):
            worker.send_due()
            if all(i.status is OutboxStatus.CONFIRMED for i in _items(services)):
                break
            clock.advance(minutes=20)  # past any backoff (cap 15 min)
        items = _items(services)
        assert [i.status for i in items] == [OutboxStatus.CONFIRMED] * 3
        per_key = Counter(r.key for r in sim.publications())
        assert per_key == Counter({i.idempotency_key: 1 for i in items})  # exactly once on the server
        assert {i.external_id for i in items} == {r.id for r in sim.publications()}
        assert sum(sim.injected_faults().values()) > 0  # the faults really happened


def test_ambiguous_failure_asks_before_resending(services: AppServices, world: World, clock: Clock) -> None:
    with start_simulator(seed=24, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
        sim.set_faults("drop_after_accept=1")
        gateway = CountingGateway(fast_gateway(sim.base_url, retries=0))
        worker = OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle)
        assert worker.send_due() == 0
        (item,) = _items(services)
        assert item.status is OutboxStatus.PENDING and "Нет связи" in item.last_error
        assert len(sim.publications()) == 1  # the server did store it
        sim.set_faults(None)
        assert worker.send_due() == 0  # not due yet: backoff
        clock.advance(minutes=20)
        assert worker.send_due() == 1
        assert gateway.sent[item.idempotency_key] == 1 and gateway.status_checks == 1  # never re-sent
        assert _items(services)[0].status is OutboxStatus.CONFIRMED


def test_two_workstations_never_send_the_same_item(services: AppServices, world: World) -> None:
    with start_simulator(seed=25, initial_messages=6, faults="latency=10ms") as sim:
        _prepare(services, world, sim, 6)
        gateway = CountingGateway(fast_gateway(sim.base_url))
        workers = [
            OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle) for _ in range(3)
        ]
        threads = [threading.Thread(target=w.send_due) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        items = _items(services)
        assert all(i.status is OutboxStatus.CONFIRMED and i.attempts == 1 for i in items)
        assert gateway.sent == Counter({i.idempotency_key: 1 for i in items})
        assert len(sim.publications()) == 6


def test_permanent_refusal_fails_the_item_and_tells_people(services: AppServices, world: World) -> None:
    with start_simulator(seed=26, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
        (message_id,) = message_ids(services)
        sim.store.messages.clear()  # the post was deleted in the Incident system: 404
        assert (
            OutboxWorker(
                services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
            ).send_due()
            == 1
        )
        (item,) = _items(services)
        assert item.status is OutboxStatus.FAILED and "код 404" in item.last_error
        message = world.message(message_id)
        assert message.state is MessageState.UNDER_REVIEW and "отклонила" in message.state_reason


class _AlwaysDown:
    manual = False

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def publish(self, request: PublicationRequest, key: str) -> OutboundResult:
        self.calls += 1
        raise self.error

    redirect = publish  # type: ignore[assignment]

    def outbound_status(self, key: str) -> OutboundResult | None:
        raise self.error

    def close(self) -> None:
        pass


def test_backoff_schedule_with_injectable_clock(services: AppServices, world: World, clock: Clock) -> None:
    with start_simulator(seed=27, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
    gateway = _AlwaysDown(IncidentTransientError("Система Инцидент временно недоступна."))
    worker = OutboxWorker(
        services.db,
        gateway,
        services.now,
        lifecycle=services.lifecycle,
        backoff_base_seconds=10,
        backoff_cap_seconds=60,
        rng=random.Random(3),
    )
    delays = []
    for attempt in range(1, 7):
        assert worker.send_due() == 0
        (item,) = _items(services)
        assert item.attempts == attempt and item.status is OutboxStatus.PENDING
        delay = (item.next_attempt_at - clock()).total_seconds()
        ceiling = min(60, 10 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
        delays.append(delay)
        assert worker.send_due() == 0 and item.attempts == _items(services)[0].attempts  # not due: untouched
        clock.set(item.next_attempt_at)
    assert delays[-1] <= 60 and delays[2] > delays[0]


def test_auth_error_keeps_items_waiting(services: AppServices, world: World, clock: Clock) -> None:
    with start_simulator(seed=28, initial_messages=2) as sim:
        _prepare(services, world, sim, 2)
    gateway = _AlwaysDown(IncidentAuthError("Система Инцидент отклонила токен доступа."))
    worker = OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle)
    worker.send_due()
    assert gateway.calls == 1  # the pass stops at the first auth error
    assert [i.status for i in _items(services)] == [OutboxStatus.PENDING] * 2
    assert "токен" in worker.last_error


def test_manual_mode_waits_for_the_operator_link(services: AppServices, world: World) -> None:
    with start_simulator(seed=29, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
    (message_id,) = message_ids(services)
    assert (
        OutboxWorker(services.db, ManualGateway(), services.now, lifecycle=services.lifecycle).send_due() == 0
    )
    (item,) = _items(services)
    assert item.status is OutboxStatus.PENDING
    with pytest.raises(OutboxError, match="ссылку"):
        confirm_manual_publication(
            services.db,
            item.id,
            "не ссылка",
            world.operator.user_id,
            services.now,
            lifecycle=services.lifecycle,
        )
    confirm_manual_publication(
        services.db,
        item.id,
        "https://vk.com/wall-1_5?reply=9",
        world.operator.user_id,
        services.now,
        lifecycle=services.lifecycle,
    )
    (item,) = _items(services)
    assert item.status is OutboxStatus.CONFIRMED and item.external_url == "https://vk.com/wall-1_5?reply=9"
    assert world.message(message_id).state is MessageState.ANSWERED
    with pytest.raises(OutboxError, match="уже подтверждена"):
        confirm_manual_publication(
            services.db,
            item.id,
            "https://vk.com/x",
            world.operator.user_id,
            services.now,
            lifecycle=services.lifecycle,
        )


def test_outbox_loop_sends_on_wake(services: AppServices, world: World) -> None:
    with start_simulator(seed=30, initial_messages=1) as sim:
        _prepare(services, world, sim, 1)
        sent = threading.Event()
        loop = OutboxLoop(
            OutboxWorker(
                services.db,
                fast_gateway(sim.base_url),
                lambda: services.now() + dt.timedelta(seconds=1),
                lifecycle=services.lifecycle,
            ),
            interval_seconds=60,
            on_sent=lambda n: sent.set(),
        ).start()
        assert sent.wait(10)
        loop.stop()
        assert len(sim.publications()) == 1
