"""Issue 18, point 11: the reviewer sees what changed between the draft's versions."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.services.queries import Queue
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.common.diff import ADDED, REMOVED, SAME, word_diff
from desktop_app.views.context import ViewContext
from tests.support.factories import World

FIRST = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют летом. Спасибо за обращение."
SECOND = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Спасибо за обращение."


def test_word_diff() -> None:
    assert word_diff("a b c", "a x c") == [(SAME, "a "), (REMOVED, "b"), (ADDED, "x"), (SAME, " c")]


def test_the_review_dialog_shows_the_changes_since_the_returned_version(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    workflow = world.services.workflow
    workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, FIRST
    )
    workflow.return_for_rework(
        world.operator, message_id, world.version(message_id), "Нужен срок.", ReviewChecks(True, True, False)
    )
    workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, SECOND
    )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog.diff_view is not None
    tabs = dialog.findChild(type(dialog.diff_view.parentWidget().parentWidget()), "draft_versions")
    assert tabs.tabText(1) == "Изменения с версии 1"
    assert dialog.diff_view.toPlainText() == FIRST.replace("летом", "летомдо 1 июня")
    # «летом» is struck out, «до 1 июня» underlined: found by the character formats.
    cursor = dialog.diff_view.document().find("летом")
    assert cursor.charFormat().fontStrikeOut()
    cursor = dialog.diff_view.document().find("июня")
    assert cursor.charFormat().fontUnderline()
    assert not dialog.diff_view.document().find("Здравствуйте").charFormat().fontStrikeOut()
    assert isinstance(cursor, QTextCursor)
    dialog.reject()


def test_no_diff_for_a_first_version(make_workspace, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    workflow = world.services.workflow
    workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, FIRST
    )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog.diff_view is None
    dialog.reject()
