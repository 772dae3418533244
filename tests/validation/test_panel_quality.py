"""The validation panel's evidence, «проверьте» and fourth (advisory) section, as the executor and reviewer see them."""

from __future__ import annotations

from desktop_app.domain.validation import (
    AnswerSentence,
    IssueSection,
    QualityHint,
    QualitySection,
    QuestionItem,
    SpellingSection,
    ValidationReport,
)
from desktop_app.views.editor import ValidationPanel

DRAFT = "Здравствуйте, Анна! Яму на улице Мира засыпали 5 мая. Вам следует обратиться в управляющую компанию."


def _report() -> ValidationReport:
    answer = DRAFT.index("Яму")
    return ValidationReport(
        greeting=IssueSection(),
        spelling=SpellingSection("embedded"),
        questions=(
            QuestionItem(
                "Сколько можно?", "rhetorical", True, 0, 14, confidence=0.8, reason="Риторический вопрос."
            ),
            QuestionItem(
                "Когда засыпят яму?",
                "explicit",
                True,
                15,
                18,
                AnswerSentence(answer, 33, "Яму на улице Мира засыпали 5 мая.", 0.9),
                confidence=0.93,
                reason="Ответ называет срок для того же действия.",
                expected="time",
            ),
            QuestionItem(
                "Как детям ходить в школу?",
                "explicit",
                False,
                34,
                25,
                confidence=0.6,
                reason="Предложение по теме есть, но в нём нет ответа.",
            ),
        ),
        format=IssueSection(),
        quality=QualitySection(
            (
                QualityHint(
                    "sent_elsewhere_no_contact",
                    "Автора направляют в другую организацию без контакта.",
                    55,
                    47,
                ),
            )
        ),
    )


def test_panel_shows_evidence_check_and_advice_in_both_modes(qtbot) -> None:
    for read_only in (False, True):  # the executor's editor and the operator's review screen
        panel = ValidationPanel(read_only=read_only)
        qtbot.addWidget(panel)
        panel.show_report(_report())
        lines = [panel.questions_list.item(i).text() for i in range(panel.questions_list.count())]
        assert lines[0].startswith("• не требует ответа")
        assert "ответ: «Яму на улице Мира засыпали 5 мая.»" in lines[1]
        assert "почему: Ответ называет срок для того же действия." in lines[1]
        assert lines[2].startswith("? проверьте")
        # Rhetorical questions are not counted; the unsure one is named.
        assert "Отвечено 1 из 2" in panel.questions_label.text()
        assert "Проверьте вручную: 1" in panel.questions_label.text()
        assert panel.quality_box.title().startswith("4.")
        assert panel.quality_list.count() == 1
        assert "без контакта" in panel.quality_list.item(0).text()
        assert panel.quality_label.textFormat().name == "PlainText"
        with qtbot.waitSignal(panel.jump_requested) as jump:
            panel._item_clicked(panel.quality_list.item(0))
        assert jump.args == [55, 47]
        panel.clear()
        assert panel.quality_list.count() == 0
