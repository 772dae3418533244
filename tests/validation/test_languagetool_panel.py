"""The validation panel says which engine checked the spelling (issue 16, R7 (2))."""

from __future__ import annotations

from desktop_app.domain.validation import IssueSection, SpellingSection, ValidationReport
from desktop_app.views.editor import ValidationPanel


def _report(engine: str, notice: str | None = None) -> ValidationReport:
    return ValidationReport(
        greeting=IssueSection(),
        spelling=SpellingSection(engine, (), notice=notice),
        questions=(),
        format=IssueSection(),
    )


def test_panel_names_the_engine_that_ran(qtbot) -> None:
    panel = ValidationPanel()
    qtbot.addWidget(panel)
    panel.show_report(_report("languagetool"))
    assert panel.spelling_box.title() == "2. Орфография и грамматика (LanguageTool)"
    assert panel.notice_label.isHidden()
    panel.show_report(_report("embedded", "Сервер LanguageTool недоступен; проверено встроенным модулем."))
    assert panel.spelling_box.title() == "2. Орфография и грамматика (встроенный модуль pylat-ru)"
    assert not panel.notice_label.isHidden()
    panel.clear()
    assert panel.spelling_box.title() == "2. Орфография и грамматика"
