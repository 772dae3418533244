"""Issue 18, point 6: the search box says what it does, Enter searches the whole database, a word's start is enough."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from tests.support.factories import World


def test_enter_searches_the_whole_database_by_the_start_of_a_word(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    new = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    routed = world.arrive("Прошу отремонтировать крышу дома 7 на улице Ленина.")
    world.services.workflow.route_message(world.operator, routed, world.version(routed), world.housing.id)
    closed = world.arrive("Спасибо за ремонт моста!")
    world.services.workflow.close_not_needed(world.operator, closed, world.version(closed), "Благодарность")
    other = world.arrive("Во дворе не горят фонари.")
    workspace = make_workspace(view_context)
    assert workspace.queue is Queue.NEW
    placeholder = workspace.search_edit.placeholderText()
    assert "этой очереди" in placeholder and "Enter" in placeholder and "всей базе" in placeholder

    workspace.search_edit.setText("отремонт")  # the start of «отремонтируют», «отремонтировать»
    qtbot.keyClick(workspace.search_edit, Qt.Key.Key_Return)
    ids = {r.id for r in workspace.model.rows()}
    assert ids == {new, routed}  # from «Новые» and «У исполнителей»: the whole database
    assert workspace.queue is Queue.ALL
    assert "по всей базе" in workspace.count_label.text()
    assert world.message(routed).state is MessageState.ROUTED

    workspace.search_edit.setText("мост")
    qtbot.keyClick(workspace.search_edit, Qt.Key.Key_Return)
    assert {r.id for r in workspace.model.rows()} == {closed}  # «моста»: closed ones too

    workspace.search_edit.clear()
    assert other in {r.id for r in workspace.model.rows()}
