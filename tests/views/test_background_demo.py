"""The demo's background: the embedded simulator feeds messages and confirms what the operator publishes."""

from __future__ import annotations

import sqlalchemy as sa

from desktop_app.domain.lifecycle import MessageState
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.changes import Changes
from desktop_app.services.demo import load_seed, seed_demo
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.background import Background
from desktop_app.views.context import AppSignals
from desktop_app.views.operations import Operations


def _count(services: AppServices) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count(Message.id))) or 0


def test_demo_background_feeds_and_publishes_through_the_simulator(qtbot, services: AppServices) -> None:
    seed_demo(services)
    seeded = _count(services)
    signals = AppSignals()
    statuses: list[tuple[str, bool]] = []
    signals.sync_status.connect(lambda text, healthy: statuses.append((text, healthy)))
    ops = Operations(services.changes, inline=True)
    background = Background(services, signals, ops, demo=True)
    background.start()
    try:
        qtbot.waitUntil(lambda: _count(services) > seeded, timeout=15_000)  # R5: intake from the simulator
        qtbot.waitUntil(lambda: bool(statuses), timeout=5_000)
        assert statuses[-1][1] and "синхронизировано" in statuses[-1][0]

        operator = services.auth.login("operator", load_seed()["password"])
        with services.db.session() as session:
            message = session.scalars(
                sa.select(Message).where(Message.state == MessageState.UNDER_REVIEW).order_by(Message.id)
            ).first()
        assert message is not None
        services.workflow.approve_and_publish(
            operator, message.id, message.version, ReviewChecks(True, True, True)
        )
        ops.publish(Changes(messages=frozenset({message.id})))  # what the change feed does: wakes the outbox

        def answered() -> bool:
            with services.db.session() as session:
                return session.get(Message, message.id).state is MessageState.ANSWERED

        qtbot.waitUntil(answered, timeout=15_000)  # R2: published only once the simulator confirmed
    finally:
        background.stop()


def test_silent_intake_turns_the_status_red(services: AppServices, clock) -> None:

    signals = AppSignals()
    statuses: list[tuple[str, bool]] = []
    signals.sync_status.connect(lambda text, healthy: statuses.append((text, healthy)))
    background = Background(services, signals, Operations(services.changes, inline=True))
    background._last_success = clock()  # as after a successful pass
    assert background.check_freshness() and statuses == []
    clock.advance(minutes=5)
    assert not background.check_freshness()
    text, healthy = statuses[-1]
    assert not healthy and "нет обмена с 10:00 (5 мин)" in text
