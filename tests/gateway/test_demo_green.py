"""The demo under its own simulator stays green (issue 12): history edits and replies included."""

from __future__ import annotations

import sqlalchemy as sa

from desktop_app.models.entities import Message
from desktop_app.services import quarantine
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.demo import seed_demo
from desktop_app.views.background import Background
from desktop_app.views.context import AppSignals
from desktop_app.views.operations import Operations


def _count(services: AppServices) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count(Message.id))) or 0


def test_the_demo_feed_stays_green_through_hundreds_of_events(qtbot, services: AppServices) -> None:
    """Hundreds of events are ~ten 30-minute demos at its rate of one a minute. Before: the first edit
    of a seeded message broke every pass (KeyError 'attachments'), a reply to one too (author a string)."""
    seed_demo(services)
    signals = AppSignals()
    statuses: list[tuple[str, bool]] = []
    signals.sync_status.connect(lambda text, healthy: statuses.append((text, healthy)))
    background = Background(services, signals, Operations(services.changes), demo=True)
    background.start()
    try:
        qtbot.waitUntil(lambda: bool(statuses), timeout=15_000)
        store = background._simulator.store
        store.awaiting_reply.extend(list(store.messages)[:10])  # authors of the history reply first
        for incident_id in list(store.messages)[:5]:
            store.update_message(incident_id, store.messages[incident_id]["text"] + " UPD")
        for _ in range(300):
            store.random_event()
        background.wake_intake()
        qtbot.waitUntil(lambda: _count(services) == len(store.messages), timeout=30_000)
        qtbot.waitUntil(lambda: "синхронизировано" in statuses[-1][0], timeout=15_000)
        assert all(healthy for _text, healthy in statuses), [t for t, ok in statuses if not ok]
        assert quarantine.open_count(services.db) == 0
    finally:
        background.stop()
