"""Issue 18, point 5: nothing chosen for the operator — close reasons, route target, the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from tests.support.factories import World


def test_close_dialog_preselects_nothing_for_an_ordinary_message(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Сегодня в парке прошёл субботник, много людей пришло.")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_close_dialog()
    qtbot.waitExposed(dialog)
    # The list getting the keyboard focus (Tab) used to make «Спам или реклама» the reason.
    dialog.reason_list.setFocus(Qt.FocusReason.TabFocusReason)
    assert dialog.reason() == ""
    assert dialog.reason_list.selectedItems() == []
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog.accept()  # Enter
    assert dialog.isVisible()
    assert "Выберите или напишите" in dialog.error.text()
    assert world.message(message_id).state is MessageState.NEW


def test_thank_you_gets_the_fitting_reason(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Огромное спасибо дорожникам за новый асфальт на улице Мира!")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_close_dialog()
    assert dialog.reason() == "Благодарность, ответ не требуется"
    assert dialog.reason_list.selectedItems()[0].text().endswith("подходит по тексту")
    dialog.accept()
    message = world.message(message_id)
    assert message.state is MessageState.CLOSED
    assert message.state_reason == "Благодарность, ответ не требуется"


def test_a_polite_question_is_not_a_thank_you(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Спасибо за асфальт! А когда отремонтируют тротуар?")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_close_dialog()
    assert dialog.reason() == ""
    dialog.reject()


def test_route_dialog_without_a_suggestion_routes_nowhere_on_enter(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Добрый день. Хотелось бы узнать про планы на следующий год.")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_route_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.department_list.setFocus(Qt.FocusReason.TabFocusReason)  # a current row nobody chose
    assert dialog.selected_department() is None
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Return)  # Enter
    assert dialog.isVisible()
    assert dialog.error.text() == "Выберите подразделение-исполнитель."
    assert world.message(message_id).state is MessageState.NEW
    dialog.select_department(world.housing.id)
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Return)
    assert world.message(message_id).department_id == world.housing.id


def test_route_dialog_preselects_the_suggested_department(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("На улице Мира огромная яма, асфальт разбит.")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_route_dialog()
    assert dialog.selected_department() == world.roads.id
    dialog.reject()


def test_selection_stays_on_the_same_message_after_an_action(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    first = world.arrive("На улице Мира огромная яма, асфальт разбит.")
    second = world.arrive("Во дворе дома 5 не горят фонари, просим починить.")
    third = world.arrive("В подъезде дома 7 течёт крыша, когда починят?")
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.ALL)
    assert workspace.select_message(second)
    dialog = workspace.open_route_dialog()
    dialog.select_department(world.housing.id)
    dialog.accept()
    assert world.message(second).state is MessageState.ROUTED
    # «Все»: the message stays in the queue, and so does the selection and the card.
    assert workspace.selected_row() is not None and workspace.selected_row().id == second
    assert workspace.panel.detail().row.id == second

    workspace.set_queue(Queue.NEW)
    assert workspace.select_message(first)
    dialog = workspace.open_route_dialog()
    dialog.accept()
    assert world.message(first).state is MessageState.ROUTED
    # The routed message left «Новые»: no other message is selected in its place (a second Enter
    # must not route the neighbour), and the actions are off until the operator picks one.
    assert workspace.selected_row() is None
    assert not workspace.route_action.isEnabled()
    assert workspace.model.row_of(third) >= 0
    assert workspace.open_route_dialog() is None
