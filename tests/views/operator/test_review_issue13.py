"""The review dialog checks what will be sent, with the kind's confirmations, and shows «автор дописал»."""

from __future__ import annotations

import sqlalchemy as sa
from PySide6.QtWidgets import QMessageBox

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.models.entities import Message, ThreadEntry
from desktop_app.services.queries import Queue
from desktop_app.views.common.message_table import Column
from desktop_app.views.context import ViewContext
from tests.support.factories import World

ANSWER = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Спасибо за обращение."
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def _routed(world: World, platform: str = "vk") -> int:
    message_id = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    with world.services.db.session() as session, session.begin():
        session.get(Message, message_id).platform = platform
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    return message_id


def _reply(world: World, message_id: int, text: str) -> None:
    now = world.services.now()
    with world.services.db.session() as session, session.begin():
        entry = ThreadEntry(
            message_id=message_id,
            external_id=f"R-{message_id}",
            author_name="Иван",
            text=text,
            arrived_at=now,
        )
        session.add(entry)
        session.flush()
        world.services.lifecycle.author_replied(session, session.get(Message, message_id), entry, now)


def test_author_added_is_flagged_in_the_queue_and_the_dialog_checks_the_whole_thread(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = _routed(world)
    world.services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER
    )
    _reply(world, message_id, "А когда уберут мусор во дворе дома 5?")
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    assert workspace.select_message(message_id)
    state = workspace.model.index(workspace.model.row_of(message_id), Column.STATE).data()
    assert state == "на проверке · автор дописал"
    dialog = workspace.open_review_dialog()
    assert dialog is not None
    flag = dialog.findChild(type(dialog.report_status), "author_added")
    assert flag is not None and "Автор дописал" in flag.text()
    assert "уберут мусор" in dialog.message_view.toPlainText()
    # The check ran on the whole thread: the new question is not answered by the draft.
    assert "Автоматическая проверка нашла замечания" in dialog.report_status.text()
    assert dialog.questions_check.text() == "Даны ответы на все вопросы сообщения"


def test_the_reviewers_check_sees_the_attachments_and_the_kinds_confirmations(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = _routed(world, "youtube")
    photo = world.services.drafting.add_attachment(world.roads_executor, message_id, "яма.png", PNG)
    world.services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.INTERIM,
        "Здравствуйте, Иван! Обращение передано в дорожную службу, ответим до 20 мая.",
        attachment_ids=[photo.id],
    )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    assert workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog is not None
    outgoing = dialog.findChild(type(dialog.report_status), "outgoing")
    assert outgoing.text() == "Будут отправлены вложения: яма.png"
    # YouTube replies carry no files: the reviewer's check says so (it used to say «Замечаний нет»).
    assert "нашла замечания" in dialog.report_status.text()
    assert dialog.questions_check.text() == "Сказано, что делается и когда будет окончательный ответ"
    for box in (dialog.greeting_check, dialog.spelling_check, dialog.questions_check):
        box.setChecked(True)
    dialog.publish_button.click()
    # The hard limit refuses, in plain Russian; the dialog stays open for a return for rework.
    assert "YouTube" in workspace.last_error.text() and "Опубликовать нельзя" in workspace.last_error.text()
    assert dialog.isVisible()
    workspace.last_error.done(QMessageBox.StandardButton.Ok)
    with world.services.db.session() as session:
        assert (
            session.scalar(sa.select(Message.state).where(Message.id == message_id)).value == "under_review"
        )


def test_a_clarification_waiting_for_its_author_shows_since_when(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    from desktop_app.domain.lifecycle import OutboxStatus
    from desktop_app.models.entities import OutboxItem
    from desktop_app.services.workflow import ReviewChecks

    message_id = _routed(world)
    world.services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.CLARIFICATION,
        "Здравствуйте, Иван! Уточните, пожалуйста, номер дома?",
    )
    world.services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    now = world.services.now()  # Tue 12 May 2026 10:00 Moscow
    with world.services.db.session() as session, session.begin():
        item = session.scalars(sa.select(OutboxItem)).one()
        item.status, item.confirmed_at = OutboxStatus.CONFIRMED, now
        world.services.lifecycle.outbound_confirmed(session, item, now)
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_AUTHOR)
    assert workspace.select_message(message_id)
    stage = workspace.model.index(workspace.model.row_of(message_id), Column.STAGE).data()
    assert stage == "ждём ответа автора с 12.05 10:00"
