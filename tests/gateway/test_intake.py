"""Continuous intake (R5, R1) through the real HTTP adapter and simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading

import sqlalchemy as sa

from desktop_app.adapters.incident.gateway import (
    FetchPage,
    IncidentTransientError,
    IncomingAttachment,
    IncomingItem,
)
from desktop_app.adapters.incident.simulator import start_simulator
from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.models.entities import (
    Attachment,
    AttachmentBlob,
    AuditEvent,
    Message,
    QuarantineEntry,
    SyncState,
    ThreadEntry,
)
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.intake import IntakeLoop, IntakeService, SyncResult
from tests.gateway.conftest import approve, fast_gateway, message_ids
from tests.support.factories import World


def _count(services: AppServices, model: type) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_intake_stores_messages_attachments_and_starts_clocks(services: AppServices) -> None:
    with start_simulator(seed=5, initial_messages=25) as sim:
        service = IntakeService(
            services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle, page_size=10
        )
        heard: list[SyncResult] = []
        service.add_listener(heard.append)
        result = service.sync_once()
        replies = sum(1 for item in sim.store.feed if item["parent_id"])
        assert (result.new, result.failed, result.replies) == (25, 0, replies)
        assert heard == [result] and len(result.new_message_ids) == 25
        with services.db.session() as session:
            messages = session.scalars(sa.select(Message)).all()
            by_id = {m.external_id: m for m in messages}
            for incident_id, source in sim.store.messages.items():
                m = by_id[incident_id]
                assert m.state is MessageState.NEW
                assert (m.platform, m.author_name, m.post_url) == (
                    source["platform"],
                    source["author"]["name"],
                    source["post_url"],
                )
                assert m.arrived_at == dt.datetime.fromisoformat(source["arrived_at"])
                assert m.stage_due_at is not None  # message_arrived started the R5 clock
                photos = session.scalars(sa.select(Attachment).where(Attachment.message_id == m.id)).all()
                assert len(photos) >= len(source["attachments"])
            for blob in session.scalars(sa.select(AttachmentBlob)):
                assert hashlib.sha256(blob.content).hexdigest() == blob.sha256
            assert session.scalar(sa.select(sa.func.count()).select_from(ThreadEntry)) == replies
            state = session.scalars(sa.select(SyncState)).one()
            assert state.cursor == str(len(sim.store.feed))
            assert state.last_success_at == services.now() and state.last_error == ""
            arrived_events = session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "message_arrived")
            )
            assert arrived_events == 25
        # Nothing new: nothing counted, nothing duplicated.
        again = service.sync_once()
        assert (again.new, again.updated, again.failed) == (0, 0, 0)
        assert _count(services, Message) == 25


def test_updates_and_replies(services: AppServices, world: World) -> None:
    with start_simulator(seed=6, initial_messages=3) as sim:
        service = IntakeService(
            services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
        )
        service.sync_once()
        first, second = list(sim.store.messages)[:2]
        sim.store.update_message(first, "Исправленный текст: яма на ул. Мира, 5.")
        sim.store.add_reply(second, "Уточняю адрес: ул. Мира, 7.", photos=1)
        result = service.sync_once()
        assert (result.new, result.updated, result.replies, result.failed) == (0, 2, 1, 0)
        with services.db.session() as session:
            assert (
                session.scalars(sa.select(Message).where(Message.external_id == first))
                .one()
                .text.startswith("Исправленный")
            )
            parent = session.scalars(sa.select(Message).where(Message.external_id == second)).one()
            entry = session.scalars(sa.select(ThreadEntry).where(ThreadEntry.message_id == parent.id)).one()
            assert entry.text == "Уточняю адрес: ул. Мира, 7." and entry.from_author


def test_author_reply_reopens_a_clarification(services: AppServices, world: World) -> None:
    """Clarification published → the author replies → the message is back with the executor."""
    from desktop_app.services.outbox import OutboxWorker

    with start_simulator(seed=8, initial_messages=1) as sim:
        gateway = fast_gateway(sim.base_url)
        IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle).sync_once()
        (message_id,) = message_ids(services)
        approve(world, message_id, DraftKind.CLARIFICATION)
        assert OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle).send_due() == 1
        assert world.message(message_id).state is MessageState.CLARIFICATION
        sim.store.add_reply(sim.store.awaiting_reply.pop(0), "Дом 12, подъезд 3.")
        assert (
            IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle)
            .sync_once()
            .replies
            == 1
        )
        assert world.message(message_id).state is MessageState.ROUTED


class _ScriptedGateway:
    """A feed given as pages; can fail on demand (for the cursor and error-path tests)."""

    manual = False

    def __init__(self, items: list[IncomingItem], fail_fetch: bool = False) -> None:
        self.items = [dataclasses.replace(item, cursor=str(n + 1)) for n, item in enumerate(items)]
        self.fail_fetch = fail_fetch

    def fetch(self, cursor: str, limit: int = 500, *, deadline: float | None = None) -> FetchPage:
        if self.fail_fetch:
            raise IncidentTransientError("Нет связи с Системой Инцидент.")
        start = int(cursor or 0)
        chunk = self.items[start : start + limit]
        return FetchPage(tuple(chunk), str(start + len(chunk)), start + len(chunk) < len(self.items))

    def close(self) -> None:
        pass


def _item(n: int, **kw: object) -> IncomingItem:
    now = dt.datetime.now(dt.UTC)
    values: dict[str, object] = {
        "id": f"T-{n}", "channel_kind": "social_network", "platform": "vk", "author_name": f"Автор {n}",
        "author_profile_url": "https://vk.com/id1", "post_url": f"https://vk.com/wall-1_{n}",
        "text": f"Сообщение {n}", "posted_at": now, "arrived_at": now,
    }  # fmt: skip
    values.update(kw)
    return IncomingItem(**values)  # type: ignore[arg-type]


def _open_entries(services: AppServices) -> list[QuarantineEntry]:
    with services.db.session() as session:
        return list(
            session.scalars(
                sa.select(QuarantineEntry)
                .where(QuarantineEntry.status == "open")
                .order_by(QuarantineEntry.id)
            )
        )


def test_a_bad_item_is_quarantined_and_the_cursor_moves_on(services: AppServices) -> None:
    photo = IncomingAttachment("a1", "фото.png", "image/png", content=b"same-bytes")
    items = [
        _item(1, attachments=(photo,)),
        _item(2, attachments=(dataclasses.replace(photo, id="a2", filename="копия.png"),)),
        _item(3, channel_kind="radio"),  # bad: unknown channel kind
        _item(4),
    ]
    gateway = _ScriptedGateway(items)
    service = IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle)  # type: ignore[arg-type]
    result = service.sync_once()
    assert (result.new, result.failed, result.error) == (3, 1, "")
    assert "radio" in result.errors[0]
    with services.db.session() as session:
        assert sorted(session.scalars(sa.select(Message.external_id))) == ["T-1", "T-2", "T-4"]
        assert session.scalar(sa.select(sa.func.count()).select_from(AttachmentBlob)) == 1  # stored once
        assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 2
        state = session.scalars(sa.select(SyncState)).one()
        assert state.cursor == "4"  # past everything: one item never stops the feed (R5)
        assert state.last_error == "" and state.last_success_at == services.now()
    (entry,) = _open_entries(services)
    assert entry.item_id == "T-3" and "неизвестный вид источника «radio»" in entry.reason
    assert json.loads(entry.payload)["text"] == "Сообщение 3" and entry.first_seen_at == services.now()
    # A later pass retries it (still bad: nothing duplicated, the entry is refreshed, not repeated).
    again = service.sync_once()
    assert (again.new, again.updated, again.failed) == (0, 0, 0)
    (entry,) = _open_entries(services)
    assert entry.attempts == 2
    # The source sends the item again, corrected: stored, and the entry is closed as stored.
    gateway.items.append(dataclasses.replace(items[2], channel_kind="messenger", cursor="5"))
    fixed = service.sync_once()
    assert (fixed.new, fixed.failed) == (1, 0)
    assert _count(services, Message) == 4 and _open_entries(services) == []


def test_orphan_reply_waits_and_is_stored_when_its_parent_arrives(services: AppServices) -> None:
    gateway = _ScriptedGateway([_item(9, id="R-1", parent_id="T-late", text="Дом 5, второй подъезд.")])
    service = IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle)  # type: ignore[arg-type]
    result = service.sync_once()
    assert result.failed == 1 and "T-late" in result.errors[0] and result.error == ""
    (entry,) = _open_entries(services)
    assert entry.parent_id == "T-late" and "ещё не получено" in entry.reason
    gateway.items.append(_item(10, id="T-late", cursor="2"))
    result = service.sync_once()
    assert (result.new, result.replies, result.recovered) == (1, 1, 1)
    with services.db.session() as session:
        entry_row = session.scalars(sa.select(ThreadEntry)).one()
        assert entry_row.text == "Дом 5, второй подъезд."
        stored = session.get(QuarantineEntry, entry.id)
        assert stored is not None and stored.status == "stored" and stored.message_id is not None


def test_gateway_error_is_recorded_for_everyone(services: AppServices) -> None:
    service = IntakeService(
        services.db, _ScriptedGateway([], fail_fetch=True), services.now, lifecycle=services.lifecycle
    )  # type: ignore[arg-type]
    result = service.sync_once()
    assert result.error == "Нет связи с Системой Инцидент."
    with services.db.session() as session:
        state = session.scalars(sa.select(SyncState)).one()
        assert state.last_attempt_at == services.now() and state.last_success_at is None
        assert state.last_error == "Нет связи с Системой Инцидент."


def test_intake_loop_notifies_and_stops(services: AppServices) -> None:
    with start_simulator(seed=9, initial_messages=4) as sim:
        got = threading.Event()
        seen: list[SyncResult] = []

        def on_new(result: SyncResult) -> None:
            seen.append(result)
            got.set()

        loop = IntakeLoop(
            IntakeService(
                services.db, fast_gateway(sim.base_url), services.now, lifecycle=services.lifecycle
            ),
            0.05,
            on_new_messages=on_new,
        ).start()
        assert got.wait(10)
        sim.store.add_message()
        loop.wake()
        deadline = threading.Event()
        for _ in range(100):
            if sum(r.new for r in seen) == 5:
                break
            deadline.wait(0.05)
        loop.stop()
        assert sum(r.new for r in seen) == 5
        assert not loop._thread.is_alive()
