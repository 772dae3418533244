from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.changes import Changes
from desktop_app.services.queries import Queue
from desktop_app.views.common import theme
from desktop_app.views.common.message_table import STATUS_ROLE, Column
from desktop_app.views.context import ViewContext
from desktop_app.views.operator.dialogs import SUGGESTED_ROLE
from desktop_app.views.operator.queues import COUNT_ROLE, QUEUE_NAMES
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import Clock, World, msk
from tests.views.conftest import make_context

ANSWER = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Спасибо за обращение."


def _submitted(world: World, text: str = "Когда отремонтируют дорогу на улице Мира?") -> int:
    message_id = world.arrive(text)
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    world.services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER
    )
    return message_id


def _queue_count(workspace: OperatorWorkspace, queue: Queue) -> int:
    model = workspace.queue_model
    return model.index(model.row_of(queue), 0).data(COUNT_ROLE)


def test_queues_counts_and_models(
    qtmodeltester, make_workspace, view_context: ViewContext, world: World
) -> None:
    world.arrive()
    world.arrive("Спасибо за новый асфальт!")
    _submitted(world)
    workspace = make_workspace(view_context)
    assert workspace.model.rowCount() == 2
    assert _queue_count(workspace, Queue.NEW) == 2
    assert _queue_count(workspace, Queue.AWAITING_REVIEW) == 1
    assert _queue_count(workspace, Queue.ALL) == 3
    names = [workspace.queue_model.index(i, 0).data() for i in range(workspace.queue_model.rowCount())]
    assert names == [QUEUE_NAMES[q] for q in Queue]
    qtmodeltester.check(workspace.queue_model, force_py=True)
    view_context.signals.data_changed.emit()  # counts update in place under the tester


def test_workspace_table_model_under_the_tester(
    qtmodeltester, make_workspace, view_context: ViewContext, world: World
) -> None:
    world.arrive()
    _submitted(world)
    workspace = make_workspace(view_context)
    qtmodeltester.check(workspace.model, force_py=True)
    workspace.set_queue(Queue.AWAITING_REVIEW)  # a reload under the tester
    assert [r.state for r in workspace.model.rows()] == [MessageState.UNDER_REVIEW]
    view_context.signals.tick.emit()


def test_route_dialog_lists_suggestions_first_and_routes(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("На улице Мира огромная яма, асфальт разбит, дорога разрушена.")
    workspace = make_workspace(view_context)
    assert workspace.select_message(message_id)
    assert workspace.panel.detail() is not None and workspace.panel.detail().row.id == message_id
    assert workspace.route_action.isEnabled()
    dialog = workspace.open_route_dialog()
    assert dialog is not None and dialog.isVisible()
    first = dialog.department_list.currentItem()
    assert first.data(SUGGESTED_ROLE) is True
    assert dialog.selected_department() == world.roads.id
    assert "совпадения:" in first.text()
    assert dialog.department_ids()[0] == world.roads.id
    assert world.housing.id in dialog.department_ids()  # all departments follow
    dialog.comment_edit.setText("срочно")
    dialog.accept()
    assert world.message(message_id).state is MessageState.ROUTED
    assert world.message(message_id).department_id == world.roads.id
    assert workspace.model.row_of(message_id) == -1  # left the «Новые» queue
    assert _queue_count(workspace, Queue.WITH_EXECUTORS) == 1


def test_route_shortcut_opens_the_dialog(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive()
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    workspace.activateWindow()
    qtbot.waitActive(workspace)
    workspace.table.setFocus()
    # Focus arrives through the (offscreen) window system: a key sent before it lands goes nowhere.
    qtbot.waitUntil(workspace.table.hasFocus, timeout=3000)
    assert workspace.route_action.shortcut().toString() == "Ctrl+D"
    # Through the window, as a real key press arrives (shortcuts are resolved there).
    qtbot.keyClick(workspace.window().windowHandle(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert workspace.dialog is not None and workspace.dialog.windowTitle() == "Направить исполнителю"
    workspace.dialog.reject()
    assert world.message(message_id).state is MessageState.NEW


def test_redirect_requires_a_reason(make_workspace, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive("На федеральной трассе М-4 у поворота на Елец яма. Куда смотрит Росавтодор?")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_redirect_dialog()
    assert dialog is not None
    assert "Росавтодор" in dialog.target()  # the advisor's suggestion is pre-filled
    dialog.reason_edit.setPlainText("")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == "Укажите причину перенаправления: без неё перенаправить нельзя (п. 4)."
    assert world.message(message_id).state is MessageState.NEW
    dialog.template_box.setCurrentIndex(1)
    dialog.template_box.activated.emit(1)  # the suggested reason from the routing advice
    assert "федеральных автомобильных дорог" in dialog.reason()
    dialog.accept()
    assert world.message(message_id).state is MessageState.REDIRECTING


def test_service_refusal_is_shown_in_plain_russian(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive()
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    row = workspace.selected_row()
    assert row is not None
    workspace.redirect(row, "ОМВД России по г. Ельцу", "   ")
    box = workspace.last_error
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == "Укажите причину перенаправления: без неё перенаправить нельзя (п. 4)."
    box.done(QMessageBox.StandardButton.Ok)


def test_stale_row_conflict_is_reported(make_workspace, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive()
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    row = workspace.selected_row()
    world.services.workflow.close_not_needed(world.operator, message_id, world.version(message_id), "дубль")
    workspace.route(row, world.roads.id)
    assert "изменил другой сотрудник" in workspace.last_error.text()
    assert workspace.model.row_of(message_id) == -1  # refreshed after the refusal


def test_close_requires_a_reason_then_closes(make_workspace, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive("Купите новые окна со скидкой 50% по ссылке в профиле")
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_close_dialog()
    dialog.accept()
    assert dialog.error.text() == "Выберите или напишите, почему сообщение не требует ответа."
    dialog.select_reason("Спам или реклама")
    assert dialog.reason() == "Спам или реклама"
    dialog.accept()
    message = world.message(message_id)
    assert message.state is MessageState.CLOSED and message.state_reason == "Спам или реклама"


def test_review_return_for_rework_requires_a_comment(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = _submitted(world)
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog is not None
    assert dialog.draft_view.toPlainText() == ANSWER
    assert dialog.draft_view.isReadOnly()
    assert "Автоматическая проверка" in dialog.report_status.text()
    dialog.request_rework()
    assert dialog.error.text() == "Напишите исполнителю, что нужно доработать (п. 8)."
    assert world.message(message_id).state is MessageState.UNDER_REVIEW
    dialog.greeting_check.setChecked(True)
    dialog.comment_edit.setPlainText("Укажите точную дату начала работ.")
    dialog.rework_button.click()
    message = world.message(message_id)
    assert message.state is MessageState.REWORK
    assert message.state_reason == "Укажите точную дату начала работ."
    assert not dialog.isVisible()


def test_review_publish_needs_all_three_checks(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = _submitted(world)
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog is not None
    assert not dialog.publish_button.isEnabled()
    dialog.greeting_check.setChecked(True)
    dialog.spelling_check.setChecked(True)
    assert not dialog.publish_button.isEnabled()
    dialog.questions_check.setChecked(True)
    assert dialog.publish_button.isEnabled()
    dialog.publish_button.click()
    assert world.message(message_id).state is MessageState.PUBLISHING
    workspace.set_queue(Queue.PUBLISHING)
    assert workspace.select_message(message_id)
    state = workspace.model.index(workspace.model.row_of(message_id), Column.STATE).data()
    assert state == "отправляется"
    assert workspace.panel.state_label.text() == "отправляется"


def test_supervisor_only_reassigns(make_workspace, supervisor_context: ViewContext, world: World) -> None:
    message_id = world.arrive()
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    workspace = make_workspace(supervisor_context)
    assert not workspace.route_action.isVisible() and not workspace.review_action.isVisible()
    workspace.set_queue(Queue.WITH_EXECUTORS)
    workspace.select_message(message_id)
    assert workspace.reassign_action.isEnabled()
    dialog = workspace.open_reassign_dialog()
    assert dialog is not None
    assert dialog.department_box.findData(world.roads.id) == -1  # not the current department
    dialog.select_department(world.housing.id)
    dialog.accept()
    assert dialog.error.text() == "Укажите причину передачи в другое подразделение."
    dialog.comment_edit.setPlainText("Это вопрос отопления")
    dialog.accept()
    assert world.message(message_id).department_id == world.housing.id
    row = workspace.model.row_of(message_id)
    assert workspace.model.index(row, Column.DEPARTMENT).data() == "Управление ЖКХ"


def test_filter_instantly_and_search_the_database_on_enter(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    pothole = world.arrive("Яма на улице Мира.\nА ещё во дворе не горят фонари.")
    heating = world.arrive("Нет отопления в подъезде.")
    workspace = make_workspace(view_context)
    workspace.search_edit.setText("яма")  # typed (QTest cannot type Cyrillic)
    assert [r.id for r in workspace.model.rows()] == [pothole]
    workspace.search_edit.clear()
    assert workspace.model.rowCount() == 2
    workspace.search_edit.setText("фонари")  # only in the second line: not in the table
    assert workspace.model.rowCount() == 0
    qtbot.keyClick(workspace.search_edit, Qt.Key.Key_Return)
    assert [r.id for r in workspace.model.rows()] == [pothole]
    assert "поиск по всей базе" in workspace.count_label.text()
    workspace.search_edit.clear()
    assert {r.id for r in workspace.model.rows()} == {pothole, heating}


def test_countdown_cells_at_the_test_clock(
    make_workspace, view_context: ViewContext, world: World, clock: Clock
) -> None:
    message_id = world.arrive()  # 10:00: route due 11:00, warning from 10:48
    clock.set(msk(2026, 5, 12, 10, 18))
    workspace = make_workspace(view_context)
    row = workspace.model.row_of(message_id)
    stage = workspace.model.index(row, Column.STAGE_LEFT)
    overall = workspace.model.index(row, Column.OVERALL_LEFT)
    assert stage.data() == "0:42" and stage.data(STATUS_ROLE) == DeadlineStatus.ON_TIME
    assert overall.data() == "7:42"  # 8 working hours from 10:00, 18 minutes gone
    tip = overall.data(Qt.ItemDataRole.ToolTipRole)
    assert "Начало: вт 12.05 10:00" in tip and "Расчёт: " in tip
    stage_tip = stage.data(Qt.ItemDataRole.ToolTipRole)
    assert "Этап: направление исполнителю" in stage_tip and "Начало: вт 12.05 10:00" in stage_tip
    assert "Расчёт: поступило вт 10:00 → срок вт 11:00: 1 рабочий час" in stage_tip
    clock.set(msk(2026, 5, 12, 11, 20))
    view_context.signals.tick.emit()
    assert stage.data() == "−0:20" and stage.data(STATUS_ROLE) == DeadlineStatus.OVERDUE


def test_tick_notifies_about_deadlines_within_working_hours_only(
    make_workspace, view_context: ViewContext, world: World, clock: Clock
) -> None:
    world.arrive()
    workspace = make_workspace(view_context)
    clock.set(msk(2026, 5, 12, 10, 48))
    view_context.signals.tick.emit()
    assert workspace.strip.isVisible()
    assert workspace.strip.label.text().startswith("Истекает срок этапа «направление исполнителю»")
    clock.set(msk(2026, 5, 12, 11, 0, 1))
    view_context.signals.tick.emit()
    assert workspace.strip.label.text().startswith("Просрочен срок этапа «направление исполнителю»")
    shown = len(workspace.notifier.history)
    clock.set(msk(2026, 5, 12, 20, 0))  # evening: nobody is at work
    view_context.signals.new_messages.emit(3)
    assert len(workspace.notifier.history) == shown
    clock.set(msk(2026, 5, 13, 9, 5))
    view_context.signals.new_messages.emit(3)
    assert workspace.notifier.history[-1] == "Поступило новых сообщений: 3"


def test_sync_status_is_visible(make_workspace, view_context: ViewContext, world: World) -> None:
    workspace = make_workspace(view_context)
    view_context.signals.sync_status.emit("«Система Инцидент»: обновлено 10:00", True)
    assert workspace.freshness_label.text() == "«Система Инцидент»: обновлено 10:00"
    view_context.signals.sync_status.emit("«Система Инцидент»: нет связи 5 мин", False)
    swatch = theme.applied(workspace.freshness_label)
    assert swatch is not None and swatch.fg == theme.text_colour(theme.Tone.DANGER)  # red, from the palette


def test_live_refresh_after_another_workstation_keeps_selection(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    first = world.arrive()
    second = world.arrive("Нет отопления в подъезде.")
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.ALL)
    workspace.select_message(second)
    # Another operator routes the first message on their workstation.
    world.services.workflow.route_message(world.operator, first, world.version(first), world.roads.id)
    view_context.signals.data_changed.emit()
    assert workspace.selected_row() is not None and workspace.selected_row().id == second
    row = workspace.model.row_of(first)
    assert workspace.model.index(row, Column.STATE).data() == "у исполнителя"
    assert _queue_count(workspace, Queue.NEW) == 1


def test_with_the_real_thread_pool(
    qtbot, monkeypatch, real_validate, view_context: ViewContext, world: World
) -> None:
    from desktop_app.views.operations import Operations

    view_context.ops = Operations(view_context.services.changes)  # the real pool
    message_id = world.arrive()
    workspace = OperatorWorkspace(view_context, validate=real_validate, use_tray=False)
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=5000)
    workspace.select_message(message_id)
    qtbot.waitUntil(lambda: workspace.panel.detail() is not None, timeout=5000)
    workspace.open_route_dialog()
    qtbot.waitUntil(lambda: workspace.dialog is not None, timeout=5000)
    workspace.dialog.accept()
    qtbot.waitUntil(lambda: world.message(message_id).state is MessageState.ROUTED, timeout=5000)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 0, timeout=5000)
    assert view_context.ops.wait(5000)


def test_a_refused_dialog_stays_open_with_the_users_input(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive()
    workspace = make_workspace(view_context)
    workspace.select_message(message_id)
    dialog = workspace.open_close_dialog()
    assert dialog is not None
    dialog.reason_edit.setPlainText("Дубль сообщения INC-1")
    # Another workstation acts first: the service refuses, the dialog keeps the typed reason.
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    dialog.accept()
    assert "изменил другой сотрудник" in workspace.last_error.text()
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.reason() == "Дубль сообщения INC-1"
    workspace.last_error.done(QMessageBox.StandardButton.Ok)
    dialog.reject()


def test_ticks_faster_than_a_count_read_run_one_read_at_a_time(
    qtbot, make_workspace, services: AppServices, world: World
) -> None:
    """Issue 17: each tick and change started a count read of its own; when they came faster than a
    read took, the reads piled up on the pool beside the UI thread (ten at once in the benchmark's
    tick phase). One read runs at a time, one more follows if asked meanwhile, and the counts shown
    are the database's."""
    context = make_context(services, world.operator, inline=False)
    try:
        workspace = make_workspace(context)
        qtbot.waitUntil(lambda: Queue.NEW in workspace.queue_model.counts(), timeout=5000)
        context.ops.wait(5000)  # the first count read is done
        before = workspace.queue_model.counts()[Queue.NEW]
        queries = services.queries
        original = queries.counts_since
        running, most, calls = [0], [0], [0]
        release = threading.Event()
        guard = threading.Lock()

        def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
            with guard:
                running[0] += 1
                calls[0] += 1
                most[0] = max(most[0], running[0])
            release.wait(5)
            try:
                return original(*args, **kwargs)
            finally:
                with guard:
                    running[0] -= 1

        queries.counts_since = slow  # type: ignore[method-assign]
        try:
            world.arrive()  # another workstation's arrival: the counts must come to show it
            for _ in range(6):
                workspace.on_tick()
            qtbot.wait(100)
            assert most[0] == 1 and calls[0] == 1, "a count read started while one was running"
            release.set()
            qtbot.waitUntil(lambda: workspace.queue_model.counts()[Queue.NEW] == before + 1, timeout=5000)
            context.ops.wait(5000)
            assert most[0] == 1 and calls[0] == 2  # the asked-again read, once
        finally:
            queries.counts_since = original  # type: ignore[method-assign]
            release.set()
    finally:
        context.ops.shutdown(5000)


def test_counts_read_from_counts_no_longer_trusted_are_read_whole_again(
    qtbot, make_workspace, services: AppServices, world: World
) -> None:
    """A change of unknown scope while a count read runs: that read (from the old counts) is not
    shown, and the one after it counts everything."""
    context = make_context(services, world.operator, inline=False)
    try:
        workspace = make_workspace(context)
        qtbot.waitUntil(lambda: Queue.NEW in workspace.queue_model.counts(), timeout=5000)
        context.ops.wait(5000)
        before = workspace.queue_model.counts()[Queue.NEW]
        queries = services.queries
        original = queries.counts_since
        bases: list[object] = []
        release = threading.Event()

        def slow(state, *args, **kwargs):  # type: ignore[no-untyped-def]
            bases.append(state)
            release.wait(5)
            return original(state, *args, **kwargs)

        queries.counts_since = slow  # type: ignore[method-assign]
        try:
            workspace.on_tick()  # a read from the counts shown
            qtbot.waitUntil(lambda: len(bases) == 1, timeout=5000)
            world.arrive()
            workspace.apply_changes(Changes.all())  # unknown scope: count whole
            release.set()
            context.ops.wait(5000)
            assert bases[0] is not None and bases[-1] is None
            assert workspace.queue_model.counts()[Queue.NEW] == before + 1
        finally:
            queries.counts_since = original  # type: ignore[method-assign]
            release.set()
    finally:
        context.ops.shutdown(5000)
