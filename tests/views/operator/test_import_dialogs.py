"""Issue 14: the operator's import asks before decoding a Windows-1251 file, and shows progress
with «Отмена» (cancelling rolls the whole file back)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QMessageBox, QPushButton

from desktop_app.models.entities import Message
from desktop_app.views.context import ViewContext
from desktop_app.views.operations import Operations
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import World

HEADER = "ID;Площадка;Автор;Текст;Дата поступления\n"


def _count(world: World) -> int:
    with world.services.db.session() as session:
        return session.scalar(sa.select(sa.func.count(Message.id))) or 0


@pytest.mark.parametrize("confirm", [True, False])
def test_cp1251_file_is_imported_only_after_the_operator_confirms(
    make_workspace, view_context: ViewContext, world: World, tmp_path: Path, monkeypatch, confirm: bool
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "windows.csv"
    path.write_bytes((HEADER + "INC-1;vk;Ольга;Яма у школы;12.05.2026 09:15\n").encode("cp1251"))
    workspace: OperatorWorkspace = make_workspace(view_context)
    asked: list[str] = []
    monkeypatch.setattr(workspace, "confirm_encoding", lambda text: asked.append(text) or confirm)
    workspace.import_file(path)
    assert asked and "Windows-1251" in asked[0]
    if confirm:
        assert [r.author_name for r in workspace.model.all_rows()] == ["Ольга"]
    else:
        assert _count(world) == 0
        assert "Windows-1251" in workspace.last_error.text()
        workspace.last_error.done(QMessageBox.StandardButton.Ok)


def test_import_progress_can_be_cancelled_and_nothing_is_added(
    qtbot, make_workspace, view_context: ViewContext, world: World, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    view_context.ops = Operations(world.services.changes)  # the real pool: the dialog stays responsive
    path = tmp_path / "big.csv"
    path.write_text(
        HEADER + "".join(f"INC-{n};vk;Автор {n};Яма номер {n};12.05.2026 09:15\n" for n in range(6000)),
        encoding="utf-8",
    )
    # The worker waits at its first progress report until «Отмена» is pressed, so the click always
    # comes before the file is accepted, however loaded the machine (cancel works until acceptance).
    clicked = threading.Event()
    desk = view_context.services.manual
    real_import = desk.import_file

    def import_held_at_first_report(actor, file, encoding, progress, cancelled):  # type: ignore[no-untyped-def]
        def report(done: int, total: int) -> None:
            progress(done, total)
            clicked.wait(30)

        return real_import(actor, file, encoding, report, cancelled)

    monkeypatch.setattr(desk, "import_file", import_held_at_first_report)
    workspace: OperatorWorkspace = make_workspace(view_context)
    workspace.import_file(path)
    dialog = workspace.import_progress
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.maximum() > 0, timeout=20_000)  # progress reached the dialog
    dialog.findChild(QPushButton).click()  # «Отмена»
    clicked.set()
    qtbot.waitUntil(lambda: workspace.last_error is not None, timeout=60_000)
    assert "отменена" in workspace.last_error.text()
    workspace.last_error.done(QMessageBox.StandardButton.Ok)
    assert _count(world) == 0
