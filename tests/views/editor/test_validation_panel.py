"""The validation panel on its own: what it lists, and that it works read-only for the review screen."""

from __future__ import annotations

from desktop_app.domain.validation import (
    AnswerSentence,
    Issue,
    IssueSection,
    QuestionItem,
    SpellingMatch,
    SpellingSection,
    ValidationReport,
)
from desktop_app.views.editor import CHECK_NAMES, ValidationPanel

DRAFT = "Здравствуйте, Иван! Яму на улице Мира заделают до пятницы. Ваше обращение расмотрено."


def _report() -> ValidationReport:
    typo = DRAFT.index("расмотрено")
    answer = DRAFT.index("Яму")
    return ValidationReport(
        greeting=IssueSection(),
        spelling=SpellingSection(
            "embedded",
            (SpellingMatch(typo, 10, "расмотрено", "MORFOLOGIK_RULE_RU_RU", "Ошибка.", ("рассмотрено",)),),
            notice="Сервер LanguageTool недоступен; проверено встроенным модулем.",
        ),
        questions=(
            QuestionItem(
                "Когда заделают яму?", "explicit", True, 0, 19, AnswerSentence(answer, 38, "Яму …", 0.9)
            ),
            QuestionItem("Прошу поставить знак.", "implicit", False, 20, 21),
        ),
        format=IssueSection((Issue("too_long", "Ответ длиннее допустимого."),)),
    )


def test_read_only_panel_lists_every_check_and_emits_jumps(qtbot) -> None:
    panel = ValidationPanel(read_only=True)
    qtbot.addWidget(panel)
    panel.set_checking(True)  # read-only: no "checking" state
    assert panel.status_label.text() == ""
    report = _report()
    panel.show_report(report)

    assert panel.failed_checks() == ["spelling", "questions", "format"]
    assert CHECK_NAMES["questions"] in panel.summary_label.text()
    assert panel.spelling_list.count() == 1
    assert "«расмотрено»" in panel.spelling_list.item(0).text()
    assert "Отвечено 1 из 2" in panel.questions_label.text()
    assert panel.questions_list.item(0).text().startswith("✔")
    assert panel.questions_list.item(1).text().startswith("✖")
    assert panel.format_list.item(0).text() == "Ответ длиннее допустимого."
    assert not panel.notice_label.isHidden()
    assert panel.summary_label.textFormat().name == "PlainText"

    with qtbot.waitSignal(panel.jump_requested) as jump:
        panel._item_clicked(panel.questions_list.item(0))
    assert jump.args == [DRAFT.index("Яму"), 38]
    with qtbot.waitSignal(panel.match_activated) as activated:
        panel._item_clicked(panel.spelling_list.item(0))
    assert activated.args == [0]
    # An uncovered question has no answering sentence: nothing to jump to.
    with qtbot.assertNotEmitted(panel.jump_requested):
        panel._item_clicked(panel.questions_list.item(1))


def test_clean_report_says_all_checks_passed(qtbot) -> None:
    panel = ValidationPanel()
    qtbot.addWidget(panel)
    panel.set_checking(True)
    assert panel.status_label.text() == "Проверяется…"
    panel.show_report(ValidationReport(IssueSection(), SpellingSection("embedded"), (), IssueSection()))
    assert panel.summary_label.text() == "Все проверки пройдены."
    assert panel.status_label.text() == ""
    assert panel.failed_checks() == []
    panel.clear()
    assert panel.report is None
