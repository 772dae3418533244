"""The draft checks beside the editor, and (read-only) on the operator's review screen (R7, R8, R10)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.validation import QualityHint, QuestionItem, ValidationReport
from desktop_app.services.templates import CHECK_BLANKS
from desktop_app.services.validation import (
    CHECK_FORMAT,
    CHECK_GREETING,
    CHECK_KIND,
    CHECK_QUESTIONS,
    CHECK_SPELLING,
    failed_check_codes,
)
from desktop_app.views.common.plain_text import plain_label, plain_tooltip
from desktop_app.views.common.theme import Tone, style_text, text_colour

# Russian names of the check codes recorded with a submission (also used by the review screen).
CHECK_NAMES: dict[str, str] = {
    CHECK_GREETING: "приветствие автора",
    CHECK_SPELLING: "орфография и грамматика",
    CHECK_QUESTIONS: "ответы на все вопросы",
    CHECK_FORMAT: "формат площадки и вложения",
    CHECK_KIND: "требования к виду ответа",
    CHECK_BLANKS: "незаполненные места шаблона",
}

ENGINE_NAMES = {"languagetool": "LanguageTool", "embedded": "встроенный модуль pylat-ru"}
SPAN_ROLE = Qt.ItemDataRole.UserRole  # (offset, length) into the draft, or None
MATCH_ROLE = Qt.ItemDataRole.UserRole + 1  # index into report.spelling.matches


def _plain_label(text: str = "") -> QLabel:
    return plain_label(text)


def _compact_list() -> QListWidget:
    widget = QListWidget()
    widget.setWordWrap(True)
    widget.setUniformItemSizes(False)
    widget.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
    return widget


# «проверьте» (amber): the analyzer is unsure, the reviewer decides (R7). Colours come from the palette.
CHECK_TONE = Tone.WARNING


def _item_colour(tone: Tone) -> QColor:
    """A list item's text colour: the tone, readable on the list's base colour."""
    return text_colour(tone, role=QPalette.ColorRole.Base)


_KIND_NAMES = {"explicit": "вопрос", "implicit": "просьба", "rhetorical": "риторический вопрос"}


def question_line(question: QuestionItem) -> str:
    """One question as plain text: verdict, the question, the evidence (answering sentence) and why."""
    if question.rhetorical:
        mark = "• не требует ответа"
    elif question.uncertain:
        mark = "? проверьте" + (" (похоже, отвечен)" if question.covered else " (похоже, нет ответа)")
    else:
        mark = "✔ отвечен" if question.covered else "✖ нет ответа"
    kind = _KIND_NAMES.get(question.kind, "вопрос")
    line = f"{mark} — {kind}: «{question.text}»"
    if question.answer is not None and question.covered:
        line += f"\n   ответ: «{question.answer.text}»"
    elif question.missing:
        line += "\n   не хватает: " + ", ".join(question.missing)
    if question.reason:
        line += f"\n   почему: {question.reason}"
    if not question.rhetorical:
        line += f"\n   уверенность: {round(question.confidence * 100)} %"
    return line


def hint_line(hint: QualityHint) -> str:
    return f"• {hint.message}"


class ValidationPanel(QWidget):
    """Greeting, spelling/grammar, question coverage and format of one draft.

    The executor's editor shows it live (``read_only=False``); the operator's review screen shows a
    submitted draft's report with ``read_only=True`` (no "checking…" state, hints for reviewers).
    Feed it with :meth:`show_report`; :meth:`clear` empties it. Offsets in signals are Python
    string indices into the draft (code points), as in the report.

    Signals:
        jump_requested(int, int): select this (offset, length) of the draft — a question's answering
            sentence, a spelling match or a format fragment was clicked.
        match_activated(int): index into ``report.spelling.matches`` of a clicked spelling item.
    """

    jump_requested = Signal(int, int)
    match_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self.read_only = read_only
        self.report: ValidationReport | None = None

        self.summary_label = _plain_label("Проверка ещё не выполнялась.")
        self.summary_label.setObjectName("validation_summary")
        self.status_label = _plain_label("")
        self.status_label.setObjectName("validation_status")
        self.notice_label = _plain_label("")
        self.notice_label.setObjectName("validation_notice")
        style_text(self.notice_label, Tone.WARNING)
        self.notice_label.hide()

        self.greeting_label = _plain_label("")
        self.greeting_list = _compact_list()
        self.spelling_label = _plain_label("")
        self.spelling_list = _compact_list()
        self.questions_label = _plain_label("")
        self.questions_list = _compact_list()
        self.format_label = _plain_label("")
        self.format_list = _compact_list()
        self.quality_label = _plain_label("")
        self.quality_label.setObjectName("validation_quality")
        self.quality_list = _compact_list()

        self.greeting_box = self._section("1. Приветствие", self.greeting_label, self.greeting_list)
        self.spelling_box = self._section(
            "2. Орфография и грамматика", self.spelling_label, self.spelling_list
        )
        hint = (
            "Нажмите на вопрос, чтобы выделить предложение черновика, которое на него отвечает."
            if read_only
            else "Нажмите на вопрос, чтобы перейти к предложению с ответом."
        )
        self.questions_box = self._section(
            "3. Ответы на вопросы автора", self.questions_label, self.questions_list, hint
        )
        self.format_box = self._section("Формат и вложения", self.format_label, self.format_list)
        # Advisory only (not an R7 check): never changes the verdict or blocks a submission.
        self.quality_box = self._section(
            "4. Качество ответа (советы)",
            self.quality_label,
            self.quality_list,
            "Советы не мешают отправке: они подсказывают, как сделать ответ понятнее.",
        )

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.summary_label,
            self.status_label,
            self.notice_label,
            self.greeting_box,
            self.spelling_box,
            self.questions_box,
            self.quality_box,
            self.format_box,
        ):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName("Проверки ответа")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        for widget in (
            self.greeting_list,
            self.spelling_list,
            self.questions_list,
            self.format_list,
            self.quality_list,
        ):
            widget.itemClicked.connect(self._item_clicked)
        self.clear()

    @staticmethod
    def _section(title: str, label: QLabel, items: QListWidget, hint: str = "") -> QGroupBox:
        box = QGroupBox(title)
        items.setAccessibleName("Замечания: " + title.split(". ", 1)[-1])  # «Замечания: Приветствие»
        layout = QVBoxLayout(box)
        layout.addWidget(label)
        if hint:
            hint_label = _plain_label(hint)
            style_text(hint_label, Tone.MUTED)
            layout.addWidget(hint_label)
        layout.addWidget(items)
        items.setMaximumHeight(160)
        return box

    # -- API --------------------------------------------------------------------------------

    def clear(self) -> None:
        self.report = None
        self.spelling_box.setTitle("2. Орфография и грамматика")
        self.summary_label.setText("Проверка ещё не выполнялась.")
        style_text(self.summary_label, None)
        self.status_label.setText("")
        self.notice_label.hide()
        for label in (
            self.greeting_label,
            self.spelling_label,
            self.questions_label,
            self.format_label,
            self.quality_label,
        ):
            label.setText("")
        for widget in (
            self.greeting_list,
            self.spelling_list,
            self.questions_list,
            self.format_list,
            self.quality_list,
        ):
            widget.clear()

    def set_checking(self, checking: bool) -> None:
        """Editor mode: show that a newer check is running (the old results stay visible)."""
        if self.read_only:
            return
        self.status_label.setText("Проверяется…" if checking else "")

    def set_error(self, text: str) -> None:
        self.status_label.setText(f"Проверка не выполнена: {text}")

    def failed_checks(self) -> list[str]:
        """Codes of the failed checks of the shown report (see ``CHECK_NAMES``)."""
        return failed_check_codes(self.report) if self.report is not None else []

    def changeEvent(self, event: QEvent) -> None:
        # The list items carry colours picked for the palette they were filled under: refill them when
        # the palette changes (the system switched to its dark theme), keeping the scroll position.
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.report is not None:
            self.show_report(self.report)

    def show_report(self, report: ValidationReport) -> None:
        self.report = report
        self.status_label.setText("")
        failed = failed_check_codes(report)
        if failed:
            self.summary_label.setText("Есть замечания: " + "; ".join(CHECK_NAMES[c] for c in failed) + ".")
            style_text(self.summary_label, Tone.DANGER, "font-weight: bold;")
        else:
            self.summary_label.setText("Все проверки пройдены.")
            style_text(self.summary_label, Tone.OK, "font-weight: bold;")
        # R7 (2): the reviewer sees which engine checked the spelling (LanguageTool or the fallback).
        engine = ENGINE_NAMES.get(report.spelling.engine, report.spelling.engine)
        self.spelling_box.setTitle(f"2. Орфография и грамматика ({engine})")
        notice = report.spelling.notice
        self.notice_label.setText(notice or "")
        self.notice_label.setVisible(bool(notice))
        self._fill_greeting(report)
        self._fill_spelling(report)
        self._fill_questions(report)
        self._fill_quality(report)
        self._fill_format(report)

    # -- sections ---------------------------------------------------------------------------

    @staticmethod
    def _add(
        widget: QListWidget,
        text: str,
        ok: bool,
        span: tuple[int, int] | None = None,
        color: QColor | None = None,
    ) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setForeground(QBrush(color or _item_colour(Tone.OK if ok else Tone.DANGER)))
        item.setData(SPAN_ROLE, span)
        item.setToolTip(plain_tooltip(text))  # the question is the citizen's text (issue 14)
        widget.addItem(item)
        return item

    @staticmethod
    def _status(label: QLabel, ok: bool, text: str) -> None:
        label.setText(text)
        style_text(label, Tone.OK if ok else Tone.DANGER)

    def _fill_greeting(self, report: ValidationReport) -> None:
        self.greeting_list.clear()
        ok = report.greeting.ok
        self._status(
            self.greeting_label, ok, "✔ Автор поприветствован." if ok else "✖ Проверьте приветствие."
        )
        for issue in report.greeting.issues:
            span = (issue.offset, issue.length or 0) if issue.offset is not None else None
            self._add(self.greeting_list, issue.message, False, span)
        self.greeting_list.setVisible(not ok)

    def _fill_spelling(self, report: ValidationReport) -> None:
        self.spelling_list.clear()
        matches = report.spelling.matches
        if matches:
            self._status(self.spelling_label, False, f"✖ Найдено ошибок: {len(matches)}.")
        else:
            self._status(self.spelling_label, True, "✔ Ошибок не найдено.")
        for index, match in enumerate(matches):
            line = f"«{match.text}» — {match.message}"
            if match.replacements:
                line += " Варианты: " + ", ".join(match.replacements[:3]) + "."
            item = self._add(self.spelling_list, line, False, (match.offset, match.length))
            item.setData(MATCH_ROLE, index)
        self.spelling_list.setVisible(bool(matches))

    def _fill_questions(self, report: ValidationReport) -> None:
        self.questions_list.clear()
        questions = report.questions
        demanded = [q for q in questions if not q.rhetorical]
        if not demanded:
            self._status(self.questions_label, True, "В сообщении нет вопросов и просьб, требующих ответа.")
        else:
            covered = sum(1 for q in demanded if q.covered)
            ok = covered == len(demanded)
            text = f"{'✔' if ok else '✖'} Отвечено {covered} из {len(demanded)}."
            unsure = len(report.uncertain_questions)
            if unsure:
                text += f" Проверьте вручную: {unsure}."
            self._status(self.questions_label, ok, text)
        for question in questions:
            span = (question.answer.offset, question.answer.length) if question.answer is not None else None
            if question.rhetorical:
                color = _item_colour(Tone.MUTED)
            elif question.uncertain:
                color = _item_colour(CHECK_TONE)
            else:
                color = None
            self._add(self.questions_list, question_line(question), question.covered, span, color)
        if not report.demands_coverage:
            # Issue 13: an interim answer / clarification request is held to its kind's own rules.
            ok = report.kind_rules.ok
            self._status(
                self.questions_label,
                ok,
                ("✔ " if ok else "✖ ") + "Отвечать на все вопросы не обязательно для этого вида ответа.",
            )
            for issue in report.kind_rules.issues:
                self._add(self.questions_list, issue.message, False, None)
        self.questions_list.setVisible(bool(questions) or not report.kind_rules.ok)

    def _fill_quality(self, report: ValidationReport) -> None:
        self.quality_list.clear()
        hints = report.quality.hints
        if hints:
            self.quality_label.setText(f"Советов: {len(hints)}.")
            style_text(self.quality_label, CHECK_TONE)
        else:
            self._status(self.quality_label, True, "✔ Замечаний к стилю ответа нет.")
        for hint in hints:
            span = (hint.offset, hint.length or 0) if hint.offset is not None else None
            self._add(self.quality_list, hint_line(hint), False, span, _item_colour(CHECK_TONE))
        self.quality_list.setVisible(bool(hints))

    def _fill_format(self, report: ValidationReport) -> None:
        self.format_list.clear()
        ok = report.format.ok
        self._status(self.format_label, ok, "✔ Замечаний нет." if ok else "✖ Есть замечания.")
        for issue in report.format.issues:
            span = (issue.offset, issue.length or 0) if issue.offset is not None else None
            self._add(self.format_list, issue.message, False, span)
        self.format_list.setVisible(not ok)

    def _item_clicked(self, item: QListWidgetItem) -> None:
        index = item.data(MATCH_ROLE)
        if isinstance(index, int):
            self.match_activated.emit(index)
        span = item.data(SPAN_ROLE)
        if span:
            offset, length = span
            self.jump_requested.emit(int(offset), int(length))
