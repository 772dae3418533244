"""Every screen and dialog of the desk, opened one after another on the ``desk`` fixture's data.

``every_screen(desk, open_window)`` yields ``(name, root)`` with ``root`` shown; the walk closes it when
the caller asks for the next one. The accessibility and palette tests walk the same list, so a new
dialog added here is checked by all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop_app.services.queries import Queue
from desktop_app.views.first_start import DatabaseSetupDialog, FirstStartDialog
from desktop_app.views.login import LoginDialog
from tests.views.editor.support import Setup


def _shown(widget: QWidget) -> QWidget:
    widget.show()
    QApplication.processEvents()
    return widget


def _close(widget: QWidget) -> None:
    if isinstance(widget, QDialog):
        widget.reject()
    widget.close()
    QApplication.processEvents()


def every_screen(desk: Setup, open_window: Callable[[object], QWidget]) -> Iterator[tuple[str, QWidget]]:
    world = desk.world

    login = LoginDialog(desk.services.auth, {"operator": "оператор ОпОГ", "roads": "исполнитель"}, "")
    yield "вход", _shown(login)
    _close(login)
    database = DatabaseSetupDialog("sqlite:////tmp/otklik-a11y/otklik.sqlite3")
    yield "первый запуск: база данных", _shown(database)
    database.postgres_choice.setChecked(True)  # the server's fields shown as well
    QApplication.processEvents()
    yield "первый запуск: сервер PostgreSQL", database
    _close(database)
    first = FirstStartDialog(desk.services)
    yield "первый запуск: администратор", _shown(first)
    _close(first)

    window = open_window(world.operator)
    workspace = window.workspace
    new_id = next(r.id for r in workspace.model.rows())
    workspace.select_message(new_id)
    desk.ops.wait()
    yield "оператор", window
    tabs = workspace.panel.tabs
    for index in range(1, tabs.count()):  # the card's other tabs: history, thread, similar messages
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        yield f"оператор: карточка, {tabs.tabText(index)}", window
    tabs.setCurrentIndex(0)
    for name, opener in (
        ("направить", workspace.open_route_dialog),
        ("не требует ответа", workspace.open_close_dialog),
        ("перенаправить", workspace.open_redirect_dialog),
        ("вставить сообщение", workspace.open_paste_dialog),
    ):
        dialog = opener()
        assert dialog is not None, name
        yield f"оператор: {name}", dialog
        _close(dialog)
    workspace.set_queue(Queue.WITH_EXECUTORS)
    desk.ops.wait()
    rows = workspace.model.rows()
    if rows:
        workspace.select_message(rows[0].id)
        desk.ops.wait()
        dialog = workspace.open_reassign_dialog()
        assert dialog is not None
        yield "оператор: передать другому подразделению", dialog
        _close(dialog)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    desk.ops.wait()
    workspace.select_message(desk.submitted_id)  # type: ignore[attr-defined]
    desk.ops.wait()
    review = workspace.open_review_dialog()
    assert review is not None
    yield "оператор: проверка проекта", review
    _close(review)
    workspace.notifier.notify("Поступило новых сообщений: 1", urgent=False)
    yield "оператор: уведомление", window
    history = workspace.notifier.show_history()
    yield "оператор: история уведомлений", history
    _close(history)
    sheet = window.show_shortcuts()
    yield "оператор: сочетания клавиш", sheet
    _close(sheet)
    window.close()

    executor = open_window(world.roads_executor)
    rows = executor.workspace.model.rows()
    assert rows
    executor.workspace.select_message(rows[0].id)
    desk.ops.wait()
    editor = executor.workspace.editor
    editor.text_edit.setPlainText("Здравствуйте, Иван! Дорогу отремонтируют до 1 июня.")
    editor.check_now()
    desk.ops.wait()
    yield "исполнитель с редактором", executor
    # Every banner of the editor at once, with text (the rework reason, recovery, conflict, warnings).
    for banner, label in (
        (editor.rework_banner, editor.rework_label),
        (editor.notice_banner, editor.notice_label),
        (editor.conflict_banner, editor.conflict_label),
        (editor.warning_banner, editor.warning_label),
    ):
        label.setText("Проверьте ответ: в нём нет срока ремонта.")
        banner.show()
    QApplication.processEvents()
    yield "исполнитель: баннеры редактора", executor
    for banner in (editor.rework_banner, editor.notice_banner, editor.conflict_banner, editor.warning_banner):
        banner.hide()
    hand_back = executor.workspace.open_hand_back_dialog()
    yield "исполнитель: вернуть в ОпОГ", hand_back
    _close(hand_back)
    executor.close()

    chief = open_window(world.supervisor)
    yield "руководитель", chief
    from desktop_app.views.reports import ReportsDialog

    reports = ReportsDialog(chief.context, chief)
    yield "руководитель: отчёты", _shown(reports)
    from desktop_app.views.reports.dashboard import DrillDialog

    drill = DrillDialog("Просрочено сейчас", [], reports)  # the messages behind a figure
    yield "руководитель: сообщения за показателем", _shown(drill)
    _close(drill)
    _close(reports)
    chief.close()

    admin = open_window(world.admin)
    tabs = admin.workspace
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        yield f"администратор: {tabs.tabText(i)}", admin
    admin.close()
