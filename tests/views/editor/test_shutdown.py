"""Shutdown during an autosave, on the real thread pool (issue 17)."""

from __future__ import annotations

import threading

from desktop_app.app import shutdown
from desktop_app.views.editor.draft_editor import DraftEditor
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.operations import Operations
from tests.views.editor.test_draft_editor import _type, _working_text
from tests.views.test_operations import Gate


def test_shutdown_waits_for_the_final_autosave_before_the_engine_closes(
    qtbot, monkeypatch, setup, validation
) -> None:
    ops = Operations(setup.services.changes)  # the real pool
    context = setup.context_for(setup.world.roads_executor)
    context.ops = ops
    message_id = setup.routed_message("Когда починят фонарь?")
    editor = DraftEditor(
        context, validation, recovery=RecoveryStore(setup.recovery_dir, context.actor.user_id)
    )
    qtbot.addWidget(editor)
    editor.load_message(setup.services.queries.message_detail(context.actor, message_id))
    _type(editor, " Фонарь заменят завтра.")
    gate = Gate()
    workflow = setup.services.workflow
    monkeypatch.setattr(workflow, "save_draft", gate.wrap(workflow.save_draft))
    editor.close()  # closing the window: the editor saves on hide
    editor.save_now()
    assert gate.entered.wait(5)
    threading.Timer(0.3, gate.open).start()  # the save is slow: the database is far away
    shutdown(setup.services, ops, None)  # drains the operations, then disposes the engine
    assert _working_text(setup, message_id).endswith("Фонарь заменят завтра.")
    assert ops.pending() == 0
