"""Issue 18, point 11: bulk actions — select several messages, then route, close or reassign them."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from tests.support.factories import World


def _select(workspace, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    selection = QItemSelection()
    for message_id in ids:
        index = workspace.model.index(workspace.model.row_of(message_id), 0)
        selection.select(index, index)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    workspace.table.selectionModel().select(selection, flags)


def test_route_several_messages_at_once(make_workspace, view_context: ViewContext, world: World) -> None:
    ids = [world.arrive(f"Яма на улице Мира, дом {n}.") for n in (1, 2, 3)]
    keep = world.arrive("Во дворе не горят фонари.")
    workspace = make_workspace(view_context)
    _select(workspace, ids)
    assert len(workspace.selected_rows()) == 3
    assert workspace.route_action.isEnabled()
    assert not workspace.redirect_action.isEnabled()  # one by one: each has its own reason
    dialog = workspace.open_route_dialog()
    assert dialog.windowTitle() == "Направить исполнителю: 3 сообщения"
    assert dialog.selected_department() is None  # nothing preselected for several
    dialog.select_department(world.roads.id)
    dialog.comment_edit.setText("ямочный ремонт")
    dialog.accept()
    for message_id in ids:
        message = world.message(message_id)
        assert message.state is MessageState.ROUTED and message.department_id == world.roads.id
    assert world.message(keep).state is MessageState.NEW
    assert [r.id for r in workspace.model.rows()] == [keep]


def test_bulk_close_reports_the_ones_someone_else_changed(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    ids = [world.arrive(f"Реклама окон, скидка {n}0%") for n in (1, 2)]
    workspace = make_workspace(view_context)
    _select(workspace, ids)
    # Meanwhile another operator routes the second one.
    world.services.workflow.route_message(world.operator, ids[1], world.version(ids[1]), world.roads.id)
    dialog = workspace.open_close_dialog()
    assert dialog.windowTitle() == "Не требуют ответа: 2 сообщения"
    dialog.select_reason("Спам или реклама")
    dialog.accept()
    assert world.message(ids[0]).state is MessageState.CLOSED
    assert world.message(ids[1]).state is MessageState.ROUTED  # not closed over the other's action
    assert len(workspace.bulk_result) == 1
    assert "Выполнено: 1 из 2" in workspace.last_error.text()
    workspace.last_error.close()


def test_bulk_reassign(make_workspace, view_context: ViewContext, world: World) -> None:
    ids = [world.arrive(f"Яма у дома {n}.") for n in (1, 2)]
    for message_id in ids:
        world.services.workflow.route_message(
            world.operator, message_id, world.version(message_id), world.roads.id
        )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.WITH_EXECUTORS)
    _select(workspace, ids)
    dialog = workspace.open_reassign_dialog()
    assert dialog is not None
    dialog.select_department(world.housing.id)
    dialog.comment_edit.setPlainText("двор, а не дорога")
    dialog.accept()
    assert {world.message(i).department_id for i in ids} == {world.housing.id}
