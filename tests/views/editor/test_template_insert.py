"""Issue 18, point 4: a template goes in with care — separator, one greeting, no repeats, blanks flagged."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from desktop_app.services.templates import merge_template, unfilled_blanks
from tests.views.editor.support import Setup
from tests.views.editor.test_draft_editor import QUESTION, open_editor  # noqa: F401  (fixture)

TEMPLATE = (
    "Здравствуйте, {first_name}!\nРаботы на теплотрассе будут завершены на ________. Спасибо за обращение."
)


def _at_end(editor) -> None:  # type: ignore[no-untyped-def]
    cursor = editor.text_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.text_edit.setTextCursor(cursor)


def test_a_template_at_the_cursor_has_a_separator_one_greeting_and_no_repeat(
    setup: Setup,
    open_editor,  # noqa: F811
) -> None:
    template_id = setup.services.templates.save(setup.world.operator, "Теплотрасса", TEMPLATE)
    editor = open_editor(setup.routed_message(QUESTION))
    editor.text_edit.setPlainText(
        "Здравствуйте, Иван! Сообщаем, что ремонт ведётся на теплотрассе. Спасибо за обращение."
    )
    _at_end(editor)
    editor.insert_template(template_id)
    text = editor.text()
    assert text.count("Здравствуйте") == 1  # no second greeting
    assert text.count("Спасибо за обращение") == 1  # no repeated sentence
    assert "теплотрассе.Работы" not in text and "обращение.Работы" not in text
    assert text == (
        "Здравствуйте, Иван! Сообщаем, что ремонт ведётся на теплотрассе. Спасибо за обращение. "
        "Работы на теплотрассе будут завершены на ________."
    )


def test_a_blank_left_from_a_template_is_flagged_before_submitting(
    qtbot,
    setup: Setup,
    open_editor,  # noqa: F811
) -> None:
    template_id = setup.services.templates.save(setup.world.operator, "Теплотрасса", TEMPLATE)
    editor = open_editor(setup.routed_message(QUESTION))
    editor.show()
    editor.insert_template(template_id)
    editor.check_now()
    qtbot.waitUntil(lambda: editor.blanks_label.isVisible())
    assert "«на ________»" in editor.blanks_label.text()
    editor.submit()
    qtbot.waitUntil(lambda: editor.warning_banner.isVisible())
    assert "незаполненные места шаблона" in editor.warning_label.text()
    assert "не заполнено: «на ________»" in editor.warning_label.text()
    assert editor.detail.row.state.value == "routed"  # not sent without the executor's decision

    editor.text_edit.setPlainText(editor.text().replace("на ________", "до 1 июня"))
    editor.check_now()
    qtbot.waitUntil(lambda: not editor.blanks_label.isVisible())


def test_merge_rules() -> None:
    greets = lambda text: text.startswith("Здравствуйте")  # noqa: E731
    assert merge_template("Текст.", "", "Ещё.", greets) == " Ещё."
    assert merge_template("Текст.", "", "Раз.\nДва.", greets) == "\nРаз.\nДва."
    assert merge_template("", "", "Здравствуйте, Иван! Раз.", greets) == "Здравствуйте, Иван! Раз."
    assert merge_template("Здравствуйте, Анна!\n", "", "Здравствуйте, Анна!\nРаз.", greets) == "Раз."
    assert merge_template("Раз. Два.", "", "Два.", greets) == ""
    assert merge_template("Начало", "конец", "вставка", greets) == " вставка "
    assert unfilled_blanks("Сделаем на ________ и {unknown}.") == ["на ________", "{unknown}"]
    assert unfilled_blanks("Сделаем до 1 июня.") == []
