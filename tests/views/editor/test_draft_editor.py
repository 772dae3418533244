"""The executor's draft editor driven through its widgets (qtbot, offscreen, fake proofreader)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
import sqlalchemy as sa
from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.models.entities import DictionaryWord, DraftVersion
from desktop_app.services.validation import ValidationService
from desktop_app.views.common.theme import Tone, text_colour
from desktop_app.views.editor.draft_editor import DraftEditor
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.editor.text_edit import ADD_TO_DICTIONARY, utf16_position
from tests.views.editor.support import Setup

QUESTION = "Когда отремонтируют дорогу на улице Мира?"
ANSWER = "Дорогу на улице Мира отремонтируют до 1 июня."


@pytest.fixture
def open_editor(qtbot, setup: Setup, validation: ValidationService) -> Callable[..., DraftEditor]:
    def build(message_id: int, *, actor=None, register: bool = True, **timing: int) -> DraftEditor:  # type: ignore[no-untyped-def]
        context = setup.context_for(actor) if actor else setup.context
        options = {"check_delay_ms": 40, "autosave_delay_ms": 10_000, "recovery_delay_ms": 10_000} | timing
        editor = DraftEditor(
            context, validation, recovery=RecoveryStore(setup.recovery_dir, context.actor.user_id), **options
        )
        if register:  # a test that kills the editor deletes it itself
            qtbot.addWidget(editor)
        editor.load_message(setup.services.queries.message_detail(context.actor, message_id))
        return editor

    return build


def _working_text(setup: Setup, message_id: int) -> str:
    detail = setup.services.queries.message_detail(setup.world.roads_executor, message_id)
    return detail.draft.working_text if detail.draft else ""


def _type_at_end(editor: DraftEditor, text: str) -> None:
    cursor = editor.text_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.text_edit.setTextCursor(cursor)
    editor.text_edit.insertPlainText(text)


def _type(editor: DraftEditor, text: str) -> None:
    """Key presses carrying Cyrillic text (QTest.keyClicks handles only Latin-1)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(editor.text_edit, event)


def _point_of(editor: DraftEditor, offset: int) -> QPoint:
    cursor = QTextCursor(editor.text_edit.document())
    cursor.setPosition(utf16_position(editor.text(), offset))
    return editor.text_edit.cursorRect(cursor).center()


def test_new_draft_opens_with_a_greeting_by_first_name_or_plain_for_a_nickname(setup, open_editor) -> None:
    editor = open_editor(setup.routed_message())
    assert editor.text() == "Здравствуйте, Иван!\n\n"
    assert editor.kind() is DraftKind.ANSWER
    nickname = open_editor(setup.routed_message(author_name="kot_vasya"))
    assert nickname.text() == "Здравствуйте!\n\n"
    assert _working_text(setup, nickname.message_id) == ""  # a bare greeting is not autosaved


def test_typing_is_checked_once_after_the_pause_and_typos_are_underlined(qtbot, setup, open_editor) -> None:
    editor = open_editor(setup.routed_message(QUESTION))
    engine = editor.validation.proofreader
    calls = len(engine.calls)
    for chunk in ("Ваше ", "обращение ", "расмотрено, ", "дорогу отремонтируим."):
        _type(editor, chunk)
    assert len(engine.calls) == calls  # nothing checked while typing
    qtbot.waitUntil(lambda: len(editor.text_edit.underlined_spans()) == 2, timeout=3000)
    assert len(engine.calls) == calls + 1  # one check for the burst (debounced)
    text = editor.text()
    assert editor.text_edit.underlined_spans() == [
        (text.index("расмотрено"), len("расмотрено")),
        (text.index("отремонтируим"), len("отремонтируим")),
    ]
    assert editor.panel.spelling_list.count() == 2
    selection = editor.text_edit.extraSelections()[0]
    assert selection.format.underlineColor() == text_colour(Tone.DANGER, role=QPalette.ColorRole.Base)


def test_underlines_land_on_the_right_characters_after_an_emoji(qtbot, setup, open_editor) -> None:
    editor = open_editor(setup.routed_message(QUESTION, platform="telegram"))
    _type_at_end(editor, "🙂 Ваше обращение расмотрено.")
    qtbot.waitUntil(lambda: bool(editor.text_edit.underlined_spans()), timeout=3000)
    text = editor.text()
    ((offset, length),) = editor.text_edit.underlined_spans()
    assert text[offset : offset + length] == "расмотрено"
    selections = editor.text_edit.extraSelections()
    assert selections[0].cursor.selectedText() == "расмотрено"
    # Telegram counts UTF-16 units: the emoji counts twice.
    assert editor.counter_label.text().startswith(f"Знаков: {len(text) + 1} из 4096")


def test_right_click_suggestion_replaces_the_word(qtbot, setup, open_editor) -> None:
    editor = open_editor(setup.routed_message(QUESTION))
    _type_at_end(editor, "Ваше обращение расмотрено.")
    qtbot.waitUntil(lambda: bool(editor.text_edit.underlined_spans()), timeout=3000)
    menu = editor.text_edit.context_menu_at(_point_of(editor, editor.text().index("расмотрено") + 3))
    titles = [a.text() for a in menu.actions()]
    assert "рассмотрено" in titles and ADD_TO_DICTIONARY in titles
    next(a for a in menu.actions() if a.text() == "рассмотрено").trigger()
    assert editor.text().endswith("Ваше обращение рассмотрено.")
    qtbot.waitUntil(lambda: editor.text_edit.underlined_spans() == [], timeout=3000)
    assert editor.panel.spelling_list.count() == 0
    # Elsewhere the menu has no suggestions.
    plain = editor.text_edit.context_menu_at(_point_of(editor, 2))
    assert "рассмотрено" not in [a.text() for a in plain.actions()]


def test_add_to_dictionary_proposes_the_word_and_an_approved_word_is_no_longer_flagged(
    qtbot, setup, open_editor
) -> None:
    editor = open_editor(setup.routed_message(QUESTION))
    _type_at_end(editor, "Трубу заменят вместе с Дорремстроем.")
    qtbot.waitUntil(lambda: bool(editor.text_edit.underlined_spans()), timeout=3000)
    menu = editor.text_edit.context_menu_at(_point_of(editor, editor.text().index("Дорремстроем") + 2))
    with qtbot.waitSignal(editor.word_proposed):
        next(a for a in menu.actions() if a.text() == ADD_TO_DICTIONARY).trigger()
    with setup.services.db.session() as session:
        word = session.scalars(sa.select(DictionaryWord).where(DictionaryWord.word == "Дорремстроем")).one()
        assert not word.approved  # an executor proposes, an administrator approves
    assert "предложено" in editor.notice_label.text()
    setup.services.drafting.approve_word(setup.world.admin, word.id)
    editor.validation.refresh_dictionary()
    editor.check_now()
    assert editor.text_edit.underlined_spans() == []


def test_question_coverage_follows_the_answer_and_a_click_selects_the_answering_sentence(
    qtbot, setup, open_editor
) -> None:
    editor = open_editor(setup.routed_message(QUESTION))
    assert editor.report is not None
    assert [q.covered for q in editor.report.questions] == [False]
    assert editor.panel.questions_list.item(0).text().startswith("✖")
    _type_at_end(editor, ANSWER + " Спасибо за обращение.")
    qtbot.waitUntil(lambda: editor.report.questions[0].covered, timeout=3000)
    assert editor.panel.questions_list.item(0).text().startswith("✔")
    editor.panel._item_clicked(editor.panel.questions_list.item(0))
    assert editor.text_edit.textCursor().selectedText() == ANSWER


def test_stale_check_results_are_discarded(setup, validation, qtbot) -> None:
    class DeferredRunner:
        def __init__(self) -> None:
            self.jobs: list[tuple] = []

        def query(self, _owner, fn, on_done=None, on_error=None, *, slot=None) -> None:  # type: ignore[no-untyped-def]
            self.jobs.append((fn, on_done))

        def write(self, _owner, fn, on_done=None, on_error=None, *, quiet=False) -> None:  # type: ignore[no-untyped-def]
            self.jobs.append((fn, on_done))

    runner = DeferredRunner()
    message_id = setup.routed_message(QUESTION)
    context = setup.context_for(setup.world.roads_executor)
    context.ops = runner  # type: ignore[assignment]
    editor = DraftEditor(
        context, validation, recovery=RecoveryStore(setup.recovery_dir, 1), check_delay_ms=10_000
    )
    qtbot.addWidget(editor)
    detail = setup.services.queries.message_detail(context.actor, message_id)
    editor.load_message(detail)
    runner.jobs.clear()
    _type_at_end(editor, "Ваше обращение расмотрено.")
    editor.check_now()
    old = runner.jobs.pop()
    _type_at_end(editor, " Дорогу отремонтируим.")
    editor.check_now()
    new = runner.jobs.pop()
    new[1](new[0]())  # the newer check finishes first…
    assert len(editor.text_edit.underlined_spans()) == 2
    old[1](old[0]())  # …and the older, slower one must not replace it
    assert len(editor.text_edit.underlined_spans()) == 2
    assert len(editor.report.spelling.matches) == 2


def test_autosave_after_the_pause_and_on_focus_loss(qtbot, setup, open_editor) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id, autosave_delay_ms=60)
    _type_at_end(editor, ANSWER)
    assert _working_text(setup, message_id) == ""
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass
    assert _working_text(setup, message_id) == editor.text()
    assert editor.save_label.text() == "Черновик сохранён."

    slow = open_editor(setup.routed_message(QUESTION))  # autosave far away: only focus saves it
    _type_at_end(slow, "Яму заделают.")
    slow.text_edit.focus_lost.emit()
    assert _working_text(setup, slow.message_id) == slow.text()


def test_text_survives_a_killed_editor_from_the_database(setup, open_editor) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id, register=False)
    _type_at_end(editor, ANSWER)
    editor.save_now()
    _type_at_end(editor, " И ещё строка.")
    typed = editor.text()
    editor._write_recovery()  # the short recovery timer fired; the 3-second autosave did not
    shiboken6.delete(editor)  # the process dies: no close, no hide, no final save
    reopened = open_editor(message_id)
    assert reopened.text() == typed
    assert not reopened.notice_banner.isHidden()  # «восстановлен текст…»
    reopened.save_now()
    assert _working_text(setup, message_id) == typed


def test_database_outage_loses_nothing(setup, open_editor, monkeypatch) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id, register=False)

    def outage(*_args, **_kw):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError("UPDATE drafts", {}, Exception("database is locked"))

    monkeypatch.setattr(setup.services.workflow, "save_draft", outage)
    _type_at_end(editor, ANSWER)
    editor.save_now()
    assert "Не удалось сохранить в базу" in editor.save_label.text()
    typed = editor.text()
    shiboken6.delete(editor)
    monkeypatch.undo()
    assert _working_text(setup, message_id) == ""
    reopened = open_editor(message_id)
    assert reopened.text() == typed
    reopened.save_now()
    assert _working_text(setup, message_id) == typed
    assert RecoveryStore(setup.recovery_dir, setup.world.roads_executor.user_id).load(message_id).synced


def test_conflicting_edit_from_another_workstation_is_shown_not_overwritten(setup, open_editor) -> None:
    message_id = setup.routed_message(QUESTION)
    mine = open_editor(message_id)
    _type_at_end(mine, "Первый вариант.")
    mine.save_now()
    theirs = open_editor(message_id)  # the same executor on another computer
    _type_at_end(theirs, " Их правка.")
    theirs.save_now()
    their_text = theirs.text()

    _type_at_end(mine, " Моя правка.")
    my_text = mine.text()
    mine.save_now()
    assert not mine.conflict_banner.isHidden()
    assert mine.conflict_other.toPlainText() == their_text
    assert _working_text(setup, message_id) == their_text  # not overwritten
    _type_at_end(mine, "!")
    mine.save_now()  # autosave stays paused until the user chooses
    assert _working_text(setup, message_id) == their_text

    mine.keep_my_text()
    assert mine.conflict_banner.isHidden()
    assert _working_text(setup, message_id) == my_text + "!"

    _type_at_end(theirs, " Ещё.")
    theirs.save_now()
    assert not theirs.conflict_banner.isHidden()
    theirs.take_other_text()
    assert theirs.text() == my_text + "!"
    assert theirs.conflict_banner.isHidden()


def _png(path: Path) -> Path:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7"))
    assert image.save(str(path))
    return path


def test_attachments_add_with_thumbnail_refuse_other_types_and_remove(setup, open_editor, tmp_path) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id)
    photo = _png(tmp_path / "яма после ремонта.png")
    notes = tmp_path / "notes.txt"
    notes.write_text("не фото", encoding="utf-8")
    editor.add_files([str(photo), str(notes)])
    assert editor.attachments.list.count() == 1
    item = editor.attachments.list.item(0)
    assert item.text() == "яма после ремонта.png"
    assert not item.icon().isNull()
    assert "только фото или видео" in editor.attachments.error_label.text()
    assert [
        a.filename for a in setup.services.drafting.attachments(setup.world.roads_executor, message_id)
    ] == ["яма после ремонта.png"]

    editor.attachments.list.setCurrentRow(0)
    editor.attachments.remove_button.click()
    assert editor.attachments.list.count() == 0
    assert setup.services.drafting.attachments(setup.world.roads_executor, message_id) == []


def test_files_dropped_on_the_text_become_attachments_and_platform_rules_apply(
    setup, open_editor, tmp_path
) -> None:
    photo = _png(tmp_path / "photo.png")
    editor = open_editor(setup.routed_message(QUESTION))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    editor.text_edit.insertFromMimeData(mime)
    assert editor.attachments.list.count() == 1
    assert editor.text().endswith("\n\n")  # the file name was not pasted as text

    rutube = open_editor(setup.routed_message(QUESTION, platform="rutube"))
    rutube.add_files([str(photo)])
    assert rutube.attachments.list.count() == 0
    assert "RUTUBE" in rutube.attachments.error_label.text()


def test_template_replaces_the_bare_greeting_with_placeholders_filled(setup, open_editor) -> None:
    template_id = setup.services.templates.save(
        setup.world.operator, "Ремонт", "Здравствуйте, {first_name}!\n\nРемонт на {platform} запланирован."
    )
    editor = open_editor(setup.routed_message(QUESTION))
    editor.insert_template(template_id)
    assert editor.text() == "Здравствуйте, Иван!\n\nРемонт на vk запланирован."
    editor._fill_template_menu()
    assert [a.text() for a in editor.template_menu.actions()] == ["Ремонт"]


def test_submit_with_failing_checks_warns_and_records_them(setup, open_editor) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id)
    _type_at_end(editor, "Ваше обращение расмотрено.")
    editor._write_recovery()
    editor.submit()
    assert not editor.warning_banner.isHidden()  # a warning, not a block
    warning = editor.warning_label.text()
    assert "орфография и грамматика" in warning and "ответы на все вопросы" in warning
    assert "«расмотрено»" in warning
    assert setup.world.message(message_id).state is MessageState.ROUTED

    editor.submit_anyway_button.click()
    assert setup.world.message(message_id).state is MessageState.UNDER_REVIEW
    with setup.services.db.session() as session:
        version = session.scalars(sa.select(DraftVersion)).one()
        assert version.failed_checks == ["spelling", "questions"]
        assert version.text == editor.text()
    assert RecoveryStore(setup.recovery_dir, setup.world.roads_executor.user_id).load(message_id) is None
    assert editor.text_edit.isReadOnly()


def test_clean_interim_answer_is_sent_without_a_warning(setup, open_editor) -> None:
    message_id = setup.routed_message(QUESTION)
    editor = open_editor(message_id)
    editor.set_kind(DraftKind.INTERIM)
    _type_at_end(editor, "Ваше сообщение передано специалистам, ответим после выезда на место.")
    with_signal = []
    editor.submitted.connect(with_signal.append)
    editor.submit()
    assert editor.warning_banner.isHidden()
    assert with_signal == [message_id]
    with setup.services.db.session() as session:
        version = session.scalars(sa.select(DraftVersion)).one()
        assert version.kind is DraftKind.INTERIM and version.failed_checks == []


def test_with_the_real_thread_pool_checks_and_saves_arrive_by_signal(qtbot, setup, validation) -> None:
    from desktop_app.views.operations import Operations

    runner = Operations(setup.services.changes)  # the real pool, results queued back to the UI thread
    context = setup.context_for(setup.world.roads_executor)
    context.ops = runner
    message_id = setup.routed_message(QUESTION)
    editor = DraftEditor(
        context,
        validation,
        recovery=RecoveryStore(setup.recovery_dir, context.actor.user_id),
        check_delay_ms=30,
        autosave_delay_ms=60,
    )
    qtbot.addWidget(editor)
    editor.load_message(setup.services.queries.message_detail(context.actor, message_id))
    revisions: list[int] = []
    editor.saved.connect(revisions.append)
    _type(editor, "Ваше обращение расмотрено.")
    qtbot.waitUntil(lambda: bool(editor.text_edit.underlined_spans()), timeout=5000)
    qtbot.waitUntil(lambda: bool(revisions), timeout=5000)
    assert _working_text(setup, message_id) == editor.text()
    assert runner.wait(5000)
