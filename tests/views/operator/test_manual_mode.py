"""Manual mode in the operator's workstation: paste, import, publish by hand (issue 5.4)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.context import ViewContext
from tests.support.factories import World

PASTED = "Автор: Ольга Котова\nСсылка: https://vk.com/wall-1_2\nТекст: Когда уберут снег во дворе?"


def _manual(view_context: ViewContext) -> ViewContext:
    settings = view_context.services.settings
    view_context.services.settings = replace(settings, incident=replace(settings.incident, mode="manual"))
    return view_context


def test_pasted_post_appears_in_the_new_queue(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    workspace = make_workspace(view_context)
    assert workspace.paste_action.isVisible() and not workspace.manual_publish_action.isVisible()
    dialog = workspace.open_paste_dialog()
    dialog.accept()
    assert dialog.error.text() == "Вставьте текст сообщения." and dialog.isVisible()
    dialog.text_edit.setPlainText(PASTED)
    dialog.accept()
    assert not dialog.isVisible()
    rows = workspace.model.all_rows()
    assert [(r.author_name, r.platform) for r in rows] == [("Ольга Котова", "vk")]


def test_import_reports_row_errors_and_imports_nothing(
    make_workspace, view_context: ViewContext, world: World, tmp_path: Path
) -> None:
    workspace = make_workspace(view_context)
    bad = tmp_path / "export.csv"
    bad.write_text(
        "ID;Площадка;Автор;Текст;Дата поступления\n"
        "INC-1;vk;Иван;Яма у школы;12.05.2026 09:15\n"
        "INC-2;vk;Пётр;Нет света;не дата\n",
        encoding="utf-8",
    )
    workspace.import_file(bad)
    assert (
        "строка 3:" in workspace.last_error.text()
        and "ни одно сообщение не добавлено" in workspace.last_error.text()
    )
    workspace.last_error.done(QMessageBox.StandardButton.Ok)
    assert workspace.model.all_rows() == []
    bad.write_text(
        "ID;Площадка;Автор;Текст;Дата поступления\nINC-1;vk;Иван;Яма у школы;12.05.2026 09:15\n",
        encoding="utf-8",
    )
    workspace.import_file(bad)
    assert [r.external_id for r in workspace.model.all_rows()] == ["INC-1"]


def test_manual_publication_is_confirmed_with_the_link(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    services = _manual(view_context).services
    message_id = services.manual.add_pasted(world.operator, PASTED)
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, "Здравствуйте, Ольга!"
    )
    services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    workspace = make_workspace(view_context)
    assert workspace.manual_publish_action.isVisible()
    from desktop_app.services.queries import Queue

    workspace.set_queue(Queue.PUBLISHING)
    assert workspace.select_message(message_id)
    dialog = workspace.open_manual_publish_dialog()
    assert dialog is not None and dialog.text_view.toPlainText() == "Здравствуйте, Ольга!"
    dialog.copy_text()
    assert QGuiApplication.clipboard().text() == "Здравствуйте, Ольга!"
    dialog.url_edit.setText("опубликовано")
    dialog.accept()
    assert "https://" in dialog.error.text() and world.message(message_id).state is MessageState.PUBLISHING
    dialog.url_edit.setText("https://vk.com/wall-1_2?reply=5")
    dialog.accept()
    assert world.message(message_id).state is MessageState.ANSWERED
