"""Issue 18: the operator links a similar message as one incident from the card (real thread pool); the
card shows the group, routing suggests the linked department, the executor's editor offers the answer."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.models.entities import AuditEvent
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.common.incident_section import LINK_TEXT, UNLINK_TEXT
from desktop_app.views.context import ViewContext
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.executor.workspace import ExecutorWorkspace
from desktop_app.views.operations import Operations
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import World
from tests.views.conftest import make_context
from tests.views.editor.support import fake_validation

ANSWER = "Здравствуйте, Иван! Яму на улице Мира у дома 5 заделают до 1 июня. Спасибо за обращение."


def test_link_from_the_card_then_the_executor_starts_from_the_linked_answer(
    qtbot, real_validate, view_context: ViewContext, world: World, tmp_path: Path
) -> None:
    services, workflow = world.services, world.services.workflow
    earlier = world.arrive("Огромная яма на улице Мира у дома 5, когда заделают?")
    workflow.route_message(world.operator, earlier, world.version(earlier), world.roads.id)
    workflow.submit_draft(world.roads_executor, earlier, world.version(earlier), DraftKind.ANSWER, ANSWER)
    workflow.approve_and_publish(
        world.operator, earlier, world.version(earlier), ReviewChecks(True, True, True)
    )
    current = world.arrive("На улице Мира снова яма у дома 5, машины бьют колёса!")

    view_context.ops = Operations(services.changes)  # the real pool
    workspace = OperatorWorkspace(view_context, validate=real_validate, use_tray=False)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 800)
    workspace.show()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=5000)
    workspace.select_message(current)
    section = workspace.panel.incident
    workspace.panel.tabs.setCurrentWidget(section)  # the «Похожие» tab, as the operator opens it
    qtbot.waitUntil(lambda: earlier in section.buttons(section.similar_view), timeout=5000)
    assert not section.title_label.isVisibleTo(workspace)  # not linked yet: no incident shown
    button = section.buttons(section.similar_view)[earlier]
    assert button.text() == LINK_TEXT and button.accessibleName()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.dialog is not None, timeout=2000)
    assert "Огромная яма на улице Мира" in section.dialog.about_label.text()
    section.dialog.comment_edit.setText("одна яма у дома 5")
    qtbot.mouseClick(section.dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: section.title_label.text() == "Связаны в один инцидент: 2 сообщения", timeout=5000
    )
    assert section.title_label.isVisibleTo(workspace)
    assert section.dialog is None  # closed on success
    row = section.group_view.topLevelItem(0)
    assert row.data(0, Qt.ItemDataRole.UserRole) == earlier
    assert "Ответ: Здравствуйте, Иван! Яму на улице Мира у дома 5 заделают" in row.text(0)
    assert "одна яма у дома 5" in row.text(0)
    # The card re-reads itself after the change (the similar list a moment after the group).
    qtbot.waitUntil(lambda: workspace.panel.tabs.tabText(3) == "Похожие (1) · инцидент: 2", timeout=5000)
    qtbot.waitUntil(
        lambda: section.buttons(section.similar_view)[earlier].text() == UNLINK_TEXT, timeout=5000
    )
    with services.db.session() as session:
        logged = session.execute(
            sa.select(AuditEvent.message_id, AuditEvent.actor_login).where(
                AuditEvent.action == "link_incident"
            )
        ).all()
    assert sorted(logged) == sorted([(current, "operator"), (earlier, "operator")])
    # The card's history says it in Russian.
    qtbot.waitUntil(
        lambda: any(
            workspace.panel.history_view.topLevelItem(i).text(2).startswith("связано с похожими")
            for i in range(workspace.panel.history_view.topLevelItemCount())
        ),
        timeout=5000,
    )

    # Opening a linked message from the group: it is not in «Новые», so its card shows alone.
    assert view_context.ops.wait(5000)  # the card's re-reads are done: its rows are the latest
    row = section.group_view.topLevelItem(0)
    section.group_view.setCurrentItem(row)
    section.group_view.itemActivated.emit(row, 0)
    qtbot.waitUntil(
        lambda: workspace.panel.detail() is not None and workspace.panel.detail().row.id == earlier
    )
    assert workspace.selected_row() is None and not workspace.route_action.isEnabled()

    # Routing the linked message: the department of the incident comes first, the operator confirms.
    workspace.select_message(current)
    qtbot.waitUntil(
        lambda: workspace.panel.detail() is not None and workspace.panel.detail().row.id == current
    )
    workspace.open_route_dialog()
    qtbot.waitUntil(lambda: workspace.dialog is not None, timeout=5000)
    dialog = workspace.dialog
    assert dialog.department_ids()[0] == world.roads.id
    assert "связанные сообщения этого инцидента" in dialog.department_list.item(1).text()
    assert world.message(current).state is MessageState.NEW  # suggested, not routed
    dialog.accept()
    qtbot.waitUntil(lambda: world.message(current).state is MessageState.ROUTED, timeout=5000)
    assert view_context.ops.wait(5000)

    # The executor: the card shows the incident read-only, the editor offers the linked answer.
    executor_context = make_context(services, world.roads_executor, inline=False)
    executor = ExecutorWorkspace(
        executor_context,
        validation=fake_validation(services),
        recovery=RecoveryStore(tmp_path / "recovery", world.roads_executor.user_id),
        check_delay_ms=30,
        autosave_delay_ms=60_000,
        use_tray=False,
    )
    qtbot.addWidget(executor)
    executor.resize(1366, 768)
    executor.show()
    executor.select_message(current)
    editor = executor.editor
    qtbot.waitUntil(lambda: editor.linked_answer_button.isVisibleTo(executor), timeout=5000)
    card = executor.message_panel.incident
    qtbot.waitUntil(lambda: card.title_label.text() == "Связаны в один инцидент: 2 сообщения", timeout=5000)
    assert not card.buttons(card.group_view) and not card.buttons(card.similar_view)  # read-only
    assert editor.text().startswith("Здравствуйте, Иван!")  # the prefilled greeting of this author
    editor._fill_linked_answer_menu()
    (action,) = editor.linked_answer_menu.actions()
    assert action.text().startswith("Иван Петров: Здравствуйте, Иван! Яму на улице Мира")
    action.trigger()
    assert editor.text() == (
        "Здравствуйте, Иван!\nЯму на улице Мира у дома 5 заделают до 1 июня. Спасибо за обращение."
    )
    assert world.message(current).state is MessageState.ROUTED  # nothing answered automatically
    executor_context.ops.wait(5000)
