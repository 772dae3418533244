"""Issue 18, points 2 and 9: the routing comment on the executor's card; no stale or ballooning banners."""

from __future__ import annotations

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.common.message_panel import MessagePanel
from tests.views.editor.support import Setup
from tests.views.executor.test_workspace import ANSWER, QUESTION, _workspace

COMMENT = (
    "Автор — председатель совета дома, просит ответить до пятницы; <b>яма</b> у подъезда 3, "
    "фото приложены к первому сообщению. Согласуйте сроки с подрядчиком «Елецдорстрой» и укажите их в ответе."
)
TEXT = "Здравствуйте, Иван! " + ANSWER


def _route(setup: Setup, comment: str = COMMENT) -> int:
    world = setup.world
    message_id = world.arrive(QUESTION)
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id, comment
    )
    return message_id


def _submit(setup: Setup, message_id: int, text: str = TEXT) -> None:
    world = setup.world
    world.services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, text
    )


def _return(setup: Setup, message_id: int, comment: str = "Нет срока ремонта.") -> None:
    world = setup.world
    world.services.workflow.return_for_rework(
        world.operator, message_id, world.version(message_id), comment, ReviewChecks(True, True, False)
    )


def test_the_routing_comment_is_on_the_executor_card_in_full(qtbot, setup: Setup, validation) -> None:
    message_id = _route(setup)
    workspace = _workspace(qtbot, setup, validation)
    workspace.show()
    workspace.select_message(message_id)
    label = workspace.message_panel.routing_label
    assert label.isVisibleTo(workspace)
    assert COMMENT in label.text()  # all of it, not «коммен…»
    assert label.text().startswith("Комментарий при направлении (Сотрудник operator):")
    assert label.textFormat().name == "PlainText"  # «<b>» is shown as typed, not as markup


def test_no_routing_note_without_a_comment(qtbot, setup: Setup, validation) -> None:
    message_id = _route(setup, comment="")
    workspace = _workspace(qtbot, setup, validation)
    workspace.show()
    workspace.select_message(message_id)
    assert not workspace.message_panel.routing_label.isVisibleTo(workspace)


def test_the_rework_reason_leaves_the_card_once_resubmitted_and_published(qtbot, setup: Setup) -> None:
    world = setup.world
    message_id = _route(setup)
    _submit(setup, message_id)
    _return(setup, message_id)
    panel = MessagePanel(setup.context_for(world.operator))
    qtbot.addWidget(panel)
    panel.show()
    queries = setup.services.queries

    panel.set_detail(queries.message_detail(world.operator, message_id))
    assert panel.reason_label.isVisible() and "Нет срока ремонта." in panel.reason_label.text()

    _submit(setup, message_id, TEXT + " Ремонт — до 1 июня.")
    panel.set_detail(queries.message_detail(world.operator, message_id))
    assert world.message(message_id).state is MessageState.UNDER_REVIEW
    assert not panel.reason_label.isVisible()  # the rework is over

    world.services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    panel.set_detail(queries.message_detail(world.operator, message_id))
    assert not panel.reason_label.isVisible()
    assert not panel.routing_label.isVisible()  # no longer with the executor


def test_the_returned_strip_goes_after_resubmitting_and_stays_one_line(
    qtbot, setup: Setup, validation
) -> None:
    message_id = _route(setup)
    workspace = _workspace(qtbot, setup, validation)
    workspace.resize(1200, 700)
    workspace.show()
    qtbot.waitExposed(workspace)
    _submit(setup, message_id)
    _return(setup, message_id)
    workspace.reload()
    strip = workspace.strip
    assert strip.isVisible() and strip.full_text().startswith("Возвращено на доработку")

    _submit(setup, message_id, TEXT + " Ремонт — до 1 июня.")
    workspace.reload()
    assert not strip.isVisible()  # the «возвращено» strip is stale once resubmitted

    long_text = "Новое сообщение для подразделения: " + "очень длинный текст сообщения\n" * 60
    workspace.notifier.notify(long_text)
    qtbot.wait(10)
    assert strip.isVisible()
    assert strip.height() <= strip.fontMetrics().height() * 2 + 6  # it used to grow to ~140 px
    assert "\n" not in strip.label.text()

    dialog = workspace.notifier.show_history()  # deletes itself on close
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(texts) == len(workspace.notifier.notices) == 2
    assert "Новое сообщение для подразделения" in texts[0]  # newest first
    assert any("Возвращено на доработку" in t for t in texts)
    assert strip.history_button.text() == f"Все ({len(texts)})"
    dialog.accept()
