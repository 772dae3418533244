"""The executor's workstation: department list due first, message beside the editor, hand-back,
the rework round trip through the operator's services, and one end-to-end check with the real engine."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QAbstractItemModelTester

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.models.entities import DraftVersion
from desktop_app.services.validation import ValidationService
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.common.message_table import Column
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.executor.workspace import ExecutorWorkspace
from tests.views.editor.support import Setup

QUESTION = "Когда отремонтируют дорогу на улице Мира?"
ANSWER = "Дорогу на улице Мира отремонтируют до 1 июня."


def _workspace(qtbot, setup: Setup, validation: ValidationService) -> ExecutorWorkspace:  # type: ignore[no-untyped-def]
    workspace = ExecutorWorkspace(
        setup.context,
        validation=validation,
        recovery=RecoveryStore(setup.recovery_dir, setup.context.actor.user_id),
        check_delay_ms=30,
        autosave_delay_ms=10_000,
        use_tray=False,
    )
    qtbot.addWidget(workspace)
    return workspace


def _append(workspace: ExecutorWorkspace, text: str) -> None:
    edit = workspace.editor.text_edit
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    edit.insertPlainText(text)


def test_only_the_departments_messages_due_first_with_countdowns(qtbot, setup, validation) -> None:
    later = setup.routed_message(QUESTION)
    setup.clock.advance(minutes=20)
    sooner_housing = setup.world.arrive("В подъезде не горит свет. Прошу заменить лампу.")
    setup.services.workflow.route_message(
        setup.world.operator,
        sooner_housing,
        setup.world.version(sooner_housing),
        setup.world.housing.id,
    )
    reworked = setup.routed_message("Яма у школы №5. Когда заделают?")
    workflow, world = setup.services.workflow, setup.world
    workflow.submit_draft(
        world.roads_executor, reworked, world.version(reworked), DraftKind.ANSWER, "Заделаем."
    )
    workflow.return_for_rework(world.operator, reworked, world.version(reworked), "Когда именно?")
    under_review = setup.routed_message("Когда покрасят остановку?")
    workflow.submit_draft(
        world.roads_executor, under_review, world.version(under_review), DraftKind.ANSWER, "Покрасим."
    )
    workspace = _workspace(qtbot, setup, validation)
    QAbstractItemModelTester(workspace.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    # Rework is due 30 working minutes after the return (R8): first; the housing message is not shown.
    assert [row.id for row in workspace.model.rows()] == [reworked, later]
    assert workspace.model.index(0, Column.STAGE_LEFT).data() == "0:30"
    assert workspace.model.index(1, Column.STAGE_LEFT).data() == "5:40"  # 6 working hours minus 20 min
    setup.clock.advance(minutes=5)
    workspace.model.tick(0, workspace.model.rowCount() - 1)
    assert workspace.model.index(1, Column.STAGE_LEFT).data() == "5:35"
    workspace.scope_combo.setCurrentIndex(workspace.scope_combo.findData("all"))
    assert {row.id for row in workspace.model.rows()} == {reworked, later, under_review}


def test_selecting_a_message_shows_it_beside_its_editor(qtbot, setup, validation) -> None:
    message_id = setup.routed_message(QUESTION)
    workspace = _workspace(qtbot, setup, validation)
    with qtbot.waitSignal(workspace.message_shown):
        workspace.table.selectionModel().select(
            workspace.model.index(0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert workspace.message_panel.text_view.toPlainText() == QUESTION
    assert workspace.editor.message_id == message_id
    assert workspace.editor.text() == "Здравствуйте, Иван!\n\n"
    assert workspace.hand_back_button.isEnabled()


def test_misrouted_message_is_handed_back_with_a_reason(qtbot, setup, validation) -> None:
    message_id = setup.routed_message("В подъезде дома 3 не работает отопление.")
    workspace = _workspace(qtbot, setup, validation)
    workspace.select_message(message_id)
    dialog = workspace.open_hand_back_dialog()
    assert not dialog.ok_button.isEnabled()  # the reason is required
    dialog.reason_edit.setPlainText("Отопление — управление ЖКХ.")
    with qtbot.waitSignal(workspace.handed_back):
        dialog.ok_button.click()
    message = setup.world.message(message_id)
    assert message.state is MessageState.NEW and message.state_reason == "Отопление — управление ЖКХ."
    assert workspace.model.rowCount() == 0
    assert workspace.editor.detail is None and workspace.editor.text() == ""


def test_round_trip_submit_rework_comment_resubmit(qtbot, setup, validation) -> None:
    message_id = setup.routed_message(QUESTION)
    workspace = _workspace(qtbot, setup, validation)
    workspace.select_message(message_id)
    _append(workspace, "Ваше обращение рассмотрено.")
    workspace.editor.submit()
    workspace.editor.submit_anyway_button.click()  # the question is not answered yet: warned, sent
    assert setup.world.message(message_id).state is MessageState.UNDER_REVIEW
    assert workspace.model.rowCount() == 0  # it left «у исполнителя»
    assert workspace.editor.text_edit.isReadOnly()

    # ОпОГ returns it (R8) through the services, as the operator's review screen does.
    comment = "Нет ответа на вопрос, когда отремонтируют дорогу."
    setup.services.workflow.return_for_rework(
        setup.world.operator,
        message_id,
        setup.world.version(message_id),
        comment,
        ReviewChecks(greeting=True, spelling=True, questions=False),
    )
    setup.context.signals.data_changed.emit()  # the change watcher notices it
    assert [row.id for row in workspace.model.rows()] == [message_id]
    assert not workspace.editor.rework_banner.isHidden()
    assert comment in workspace.editor.rework_label.text()
    assert not workspace.editor.text_edit.isReadOnly()
    assert workspace.editor.text().endswith("Ваше обращение рассмотрено.")

    _append(workspace, " " + ANSWER)
    qtbot.waitUntil(lambda: workspace.editor.report.questions[0].covered, timeout=3000)
    workspace.editor.submit()
    assert workspace.editor.warning_banner.isHidden()  # all checks pass now: sent at once
    assert setup.world.message(message_id).state is MessageState.UNDER_REVIEW
    with setup.services.db.session() as session:
        versions = session.scalars(sa.select(DraftVersion).order_by(DraftVersion.number)).all()
        assert [v.failed_checks for v in versions] == [["questions"], []]
        assert versions[1].text.endswith(ANSWER)


@pytest.mark.slow
def test_end_to_end_with_the_embedded_engine(qtbot, setup) -> None:
    """The real pylat-ru engine, warmed in the background, underlines a real typo."""
    from dataclasses import replace

    from desktop_app.settings import ProofreadingSettings

    embedded_only = replace(setup.services.settings, proofreading=ProofreadingSettings(engine="embedded"))
    validation = ValidationService(embedded_only, setup.services.drafting.dictionary_words)
    validation.start()
    assert validation.wait_ready(120)
    message_id = setup.routed_message(QUESTION)
    workspace = _workspace(qtbot, setup, validation)
    workspace.select_message(message_id)
    _append(workspace, "Ваше обращение расмотрено. " + ANSWER)
    qtbot.waitUntil(lambda: bool(workspace.editor.text_edit.underlined_spans()), timeout=20_000)
    text = workspace.editor.text()
    offset, length = workspace.editor.text_edit.underlined_spans()[0]
    assert text[offset : offset + length] == "расмотрено"
    assert workspace.editor.report.questions[0].covered
    assert workspace.editor.report.spelling.engine == "embedded"


def test_main_window_builds_the_executor_workspace(qtbot, setup, validation) -> None:
    from desktop_app.views.main_window import MainWindow

    setup.services.validation = validation  # type: ignore[attr-defined]  # the app's shared service
    message_id = setup.routed_message(QUESTION)
    window = MainWindow(setup.context, watch_changes=False)
    qtbot.addWidget(window)
    assert isinstance(window.workspace, ExecutorWorkspace)
    assert [row.id for row in window.workspace.model.rows()] == [message_id]
    assert window.workspace.validation is validation


def test_executor_is_told_about_new_and_returned_messages(qtbot, setup, validation) -> None:
    """R6/R8: a routed message and a return for rework (30 working minutes) show up as notifications."""
    world = setup.world
    workspace = _workspace(qtbot, setup, validation)
    assert workspace.notifier.history == []
    message_id = world.arrive(QUESTION)
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    workspace.reload()
    assert workspace.notifier.history[-1].startswith("Новое сообщение для подразделения: Иван Петров")
    world.services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        "Здравствуйте, Иван! " + ANSWER,
    )
    world.services.workflow.return_for_rework(
        world.operator,
        message_id,
        world.version(message_id),
        "Нет срока ремонта.",
        ReviewChecks(True, True, False),
    )
    workspace.reload()
    assert "Возвращено на доработку" in workspace.notifier.history[-1]
    assert workspace.strip.isVisibleTo(workspace)
