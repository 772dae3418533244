"""The executor hears about a clarification the author answered (issue 13): the draft clock runs again."""

from __future__ import annotations

import sqlalchemy as sa

from desktop_app.domain.lifecycle import DraftKind, MessageState, OutboxStatus
from desktop_app.models.entities import Message, OutboxItem, ThreadEntry
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.executor.workspace import ExecutorWorkspace


def test_the_executor_is_notified_when_the_author_answers_a_clarification(qtbot, setup, validation) -> None:
    world, services = setup.world, setup.world.services
    workspace = ExecutorWorkspace(
        setup.context,
        validation=validation,
        recovery=RecoveryStore(setup.recovery_dir, setup.context.actor.user_id),
        check_delay_ms=30,
        autosave_delay_ms=10_000,
        use_tray=False,
    )
    qtbot.addWidget(workspace)
    message_id = world.arrive("Во дворе яма, когда заделают?")
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.CLARIFICATION,
        "Здравствуйте, Иван! Уточните, пожалуйста, адрес двора?",
    )
    services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    now = services.now()
    with services.db.session() as session, session.begin():
        item = session.scalars(sa.select(OutboxItem)).one()
        item.status, item.confirmed_at = OutboxStatus.CONFIRMED, now
        services.lifecycle.outbound_confirmed(session, item, now)
    workspace.reload()
    assert world.message(message_id).state is MessageState.CLARIFICATION
    with services.db.session() as session, session.begin():
        entry = ThreadEntry(
            message_id=message_id,
            external_id="R-1",
            author_name="Иван Петров",
            text="Мира, 5.",
            arrived_at=now,
        )
        session.add(entry)
        session.flush()
        services.lifecycle.author_replied(session, session.get(Message, message_id), entry, now)
    workspace.reload()
    assert workspace.notifier.history[-1].startswith("Автор ответил на запрос уточнения: Иван Петров")
    assert workspace.strip.isVisibleTo(workspace)
