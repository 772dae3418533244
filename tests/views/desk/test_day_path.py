"""Issue 18, «done when»: a day's path through all four roles in one GUI test, on the real thread pool.

Operator routes with a comment → change of user → the executor reads the comment on the card, writes
and submits → the operator reviews (with the diff-free first version) and publishes → the supervisor
sees it answered → the administrator deactivates an account. Every step through real widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services.queries import Queue
from desktop_app.views.context import AppSignals
from desktop_app.views.operations import Operations
from desktop_app.views.session import DeskSession
from tests.support.factories import PASSWORD
from tests.views.editor.support import Setup

QUESTION = "Когда отремонтируют дорогу на улице Победы? Там яма у дома 4."
ANSWER = (
    "Здравствуйте, Иван! Дорогу на улице Победы у дома 4 отремонтируют до 1 июня: яму заделает подрядчик. "
    "Спасибо за обращение."
)


def _log_in(qtbot, session: DeskSession, login: str):  # type: ignore[no-untyped-def]
    dialog = session.login
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    dialog.login_edit.setText(login)
    dialog.password_edit.setText(PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    window = session.window
    assert window is not None and window.context.actor.login == login
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    session.ops.wait()
    return window


def test_a_working_day_of_all_four_roles(qtbot, desk: Setup) -> None:
    services, world = desk.services, desk.world
    message_id = world.arrive(QUESTION)
    ops = Operations(services.changes)  # the real pool
    session = DeskSession(services, ops, AppSignals(), watch_changes=False, maximize=False)
    session.show_login()

    # 1. The operator routes it with a comment for the executor.
    window = _log_in(qtbot, session, "operator")
    workspace = window.workspace
    assert workspace.select_message(message_id)
    ops.wait()
    workspace.open_route_dialog()
    qtbot.waitUntil(lambda: workspace.dialog is not None)
    route = workspace.dialog
    assert route.selected_department() == world.roads.id  # the advisor's suggestion, «яма»
    route.comment_edit.setText("Автор — председатель ТСЖ, ответить до пятницы")
    route.accept()
    ops.wait()
    assert world.message(message_id).state is MessageState.ROUTED
    window.logout_action.trigger()

    # 2. The executor sees the comment on the card, writes the answer and submits it.
    window = _log_in(qtbot, session, "roads")
    workspace = window.workspace
    workspace.select_message(message_id)
    ops.wait()
    note = workspace.message_panel.routing_label
    qtbot.waitUntil(note.isVisible)
    assert "председатель ТСЖ, ответить до пятницы" in note.text()
    editor = workspace.editor
    qtbot.waitUntil(lambda: editor.detail is not None and editor.text_edit.isEnabled())
    editor.text_edit.setPlainText(ANSWER)
    editor.submit()
    qtbot.waitUntil(
        lambda: (
            editor.warning_banner.isVisible() or world.message(message_id).state is MessageState.UNDER_REVIEW
        )
    )
    if editor.warning_banner.isVisible():
        editor.submit_despite_warnings()
    ops.wait()
    qtbot.waitUntil(lambda: world.message(message_id).state is MessageState.UNDER_REVIEW)
    window.logout_action.trigger()
    ops.wait()

    # 3. The operator reviews and publishes.
    window = _log_in(qtbot, session, "operator")
    workspace = window.workspace
    workspace.set_queue(Queue.AWAITING_REVIEW)
    ops.wait()
    assert workspace.select_message(message_id)
    workspace.open_review_dialog()
    qtbot.waitUntil(lambda: workspace.dialog is not None)
    review = workspace.dialog
    assert review.draft_view.toPlainText() == ANSWER
    for box in (review.greeting_check, review.spelling_check, review.questions_check):
        box.setChecked(True)
    review.publish_button.click()
    ops.wait()
    assert world.message(message_id).state is MessageState.PUBLISHING
    window.logout_action.trigger()

    # 4. The supervisor sees it on its way in «Все».
    window = _log_in(qtbot, session, "chief")
    workspace = window.workspace
    workspace.set_queue(Queue.ALL)
    ops.wait()
    assert message_id in {r.id for r in workspace.model.rows()}
    window.logout_action.trigger()

    # 5. The administrator deactivates the housing executor, who then cannot log in.
    window = _log_in(qtbot, session, "admin")
    admin = window.workspace
    ops.wait()
    admin.select_user("housing")
    admin.toggle_user_button.click()
    ops.wait()
    window.logout_action.trigger()
    dialog = session.login
    qtbot.addWidget(dialog)
    dialog.login_edit.setText("housing")
    dialog.password_edit.setText(PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert session.window is None
    assert dialog.error_label.text() == "Неверное имя пользователя или пароль."
    dialog.reject()
    assert ops.wait()
