"""Issue 14: two editors opened before any draft existed — the second first save shows the conflict."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from desktop_app.views.editor.draft_editor import DraftEditor
from desktop_app.views.editor.recovery import RecoveryStore
from tests.views.editor.support import Setup


def _editor(qtbot, setup: Setup, validation, message_id: int) -> DraftEditor:  # type: ignore[no-untyped-def]
    editor = DraftEditor(
        setup.context,
        validation,
        recovery=RecoveryStore(setup.recovery_dir / str(id(object())), setup.context.actor.user_id),
        check_delay_ms=40,
        autosave_delay_ms=10_000,
        recovery_delay_ms=10_000,
    )
    qtbot.addWidget(editor)
    editor.load_message(setup.services.queries.message_detail(setup.context.actor, message_id))
    return editor


def _type_at_end(editor: DraftEditor, text: str) -> None:
    cursor = editor.text_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.text_edit.setTextCursor(cursor)
    editor.text_edit.insertPlainText(text)


def test_second_first_save_shows_the_conflict_banner(qtbot, setup: Setup, validation) -> None:  # type: ignore[no-untyped-def]
    message_id = setup.routed_message("Когда отремонтируют дорогу?")
    first = _editor(qtbot, setup, validation, message_id)
    second = _editor(qtbot, setup, validation, message_id)  # opened before any draft existed
    assert first.revision is None and second.revision is None
    _type_at_end(first, "Дорогу отремонтируют в июне.")
    first.save_now()
    _type_at_end(second, "Ремонт запланирован.")
    second.save_now()
    assert not second.conflict_banner.isHidden()
    assert second.conflict_other.toPlainText() == first.text()
    detail = setup.services.queries.message_detail(setup.context.actor, message_id)
    assert detail.draft is not None and detail.draft.working_text == first.text()
    second.keep_my_text()  # an explicit choice saves on top of the other revision
    detail = setup.services.queries.message_detail(setup.context.actor, message_id)
    assert detail.draft.working_text == second.text()
