"""The executor's draft editor (R6, R8, R9, R10; issue 8): live checks, autosave, recovery, submit.

A view of :class:`desktop_app.services.draft_session.DraftSession` (issue 17): the session decides
what to save with which revision, what a conflict is, what the recovery copy says and what a submit
sends; the editor shows it, runs the session's jobs through the operation layer and times them.

Typing never waits for anything: checks run ``check_delay_ms`` after the last keystroke through the
operation layer (``context.ops``) and a result for an older text is dropped (generation counter); the working text is
saved ``autosave_delay_ms`` after the last keystroke and whenever the text area loses focus, always
with the draft revision last seen, so a concurrent edit elsewhere is a shown conflict, never an
overwrite. A local recovery copy is written before every database save.
"""

from __future__ import annotations

import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.domain.validation import ValidationReport
from desktop_app.services.draft_session import EDITABLE_STATES, DraftSession, SaveJob, failed_checks
from desktop_app.services.drafting import DraftAttachment
from desktop_app.services.incidents import IncidentGroupView, LinkedMessage, answer_as_start
from desktop_app.services.presence import EDITING
from desktop_app.services.queries import MessageDetail
from desktop_app.services.templates import CHECK_BLANKS, TemplateInfo, merge_template, unfilled_blanks
from desktop_app.services.texts import STATE_NAMES
from desktop_app.services.validation import (
    CHECK_QUESTIONS,
    ValidationService,
    attachment_kind,
)
from desktop_app.services.workflow import DraftSaved
from desktop_app.views.common.dialogs import error_text
from desktop_app.views.context import ViewContext
from desktop_app.views.editor.attachments import (
    AttachmentStrip,
    Candidate,
    candidate_for,
    check_candidates,
    thumbnail_image,
)
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.editor.text_edit import DraftTextEdit
from desktop_app.views.editor.validation_panel import CHECK_NAMES, ValidationPanel

log = logging.getLogger(__name__)

KIND_TITLES: dict[DraftKind, str] = {
    DraftKind.ANSWER: "Ответ",
    DraftKind.INTERIM: "Промежуточный ответ (окончательный — в течение 7 рабочих дней)",
    DraftKind.CLARIFICATION: "Запрос уточнения у автора",
}
BANNER_STYLE = "QFrame#{name} {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"


def _plain_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _banner(name: str, bg: str, border: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(BANNER_STYLE.format(name=name, bg=bg, border=border))
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 6)
    frame.hide()
    return frame, layout


class DraftEditor(QWidget):
    """Draft of one message: kind, text, attachments, validation panel, autosave, submit to ОпОГ.

    Call :meth:`load_message` with a ``MessageDetail``; :meth:`refresh` with a newer one of the same
    message (state changes, rework comments) keeps the text being typed.

    Signals:
        submitted(int): the draft of this message id went to ОпОГ for review (R6, R8).
        saved(int): the working text reached the database; the new draft revision.
        report_ready(object): a ``ValidationReport`` for the current text is shown.
        conflict_shown(str): another workstation changed the draft; its text is shown, nothing overwritten.
        word_proposed(str): a word was proposed for the organisation dictionary.
    """

    submitted = Signal(int)
    saved = Signal(int)
    report_ready = Signal(object)
    conflict_shown = Signal(str)
    word_proposed = Signal(str)

    def __init__(
        self,
        context: ViewContext,
        validation: ValidationService,
        *,
        recovery: RecoveryStore | None = None,
        check_delay_ms: int = 600,
        autosave_delay_ms: int = 3000,
        recovery_delay_ms: int = 800,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.validation = validation
        self.recovery = recovery or RecoveryStore.default(context.actor.user_id)
        self.detail: MessageDetail | None = None
        self.report: ValidationReport | None = None
        self.session: DraftSession | None = None
        self._generation = 0
        self._loading = False
        self._editable = False
        self._templates: list[TemplateInfo] = []
        self._linked_answers: tuple[LinkedMessage, ...] = ()
        self._prefill = ""
        self._pending_failed: list[str] = []

        self._build()
        self._check_timer = self._single_shot(check_delay_ms, self.check_now)
        self._autosave_timer = self._single_shot(autosave_delay_ms, self.save_now)
        self._recovery_timer = self._single_shot(recovery_delay_ms, self._write_recovery)
        self.set_message_none()

    @staticmethod
    def _single_shot(interval: int, slot) -> QTimer:  # type: ignore[no-untyped-def]
        timer = QTimer()
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = _plain_label("", "draft_title")
        self.title_label.setStyleSheet("font-weight: bold;")

        self.rework_banner, rework_layout = _banner("rework_banner", "#fff4d6", "#e0b040")
        self.rework_label = _plain_label("", "rework_comment")
        rework_layout.addWidget(self.rework_label)

        self.notice_banner, notice_layout = _banner("notice_banner", "#e8f1fb", "#90b4dc")
        self.notice_label = _plain_label("", "recovery_notice")
        notice_layout.addWidget(self.notice_label)

        self.conflict_banner, conflict_layout = _banner("conflict_banner", "#fdecea", "#d9534f")
        self.conflict_label = _plain_label("", "conflict_text")
        self.conflict_other = QPlainTextEdit()
        self.conflict_other.setReadOnly(True)
        self.conflict_other.setMaximumHeight(110)
        self.reload_button = QPushButton("Взять текст с другого рабочего места")
        self.keep_mine_button = QPushButton("Оставить мой текст новой версией")
        # One button a line: the banner must not widen the editor past a 1366-px screen (issue 18).
        row = QVBoxLayout()
        row.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.keep_mine_button, 0, Qt.AlignmentFlag.AlignLeft)
        conflict_layout.addWidget(self.conflict_label)
        conflict_layout.addWidget(self.conflict_other)
        conflict_layout.addLayout(row)
        self.reload_button.clicked.connect(self.take_other_text)
        self.keep_mine_button.clicked.connect(self.keep_my_text)

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("draft_kind")
        for kind, title in KIND_TITLES.items():
            self.kind_combo.addItem(title, kind.value)
        self.kind_combo.setToolTip(
            "Промежуточный ответ: окончательный проект ответа нужно подготовить в течение 7 рабочих дней (п. 9).\n"
            "Запрос уточнения: вопрос автору, если без его ответа нельзя ответить по существу."
        )
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        # Its longest title must not set the editor's minimum width (1366-px screens, issue 18).
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo.setMinimumContentsLength(16)
        self.template_button = QToolButton()
        self.template_button.setText("Вставить шаблон")
        self.template_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.template_menu = QMenu(self.template_button)
        self.template_button.setMenu(self.template_menu)
        self.template_menu.aboutToShow.connect(self._fill_template_menu)
        # Issue 18: one problem, one answer — the answer of a message linked into the same incident
        # as a starting text. Shown only when such an answer exists; the executor edits it as usual.
        self.linked_answer_button = QToolButton()
        self.linked_answer_button.setObjectName("linked_answer")
        self.linked_answer_button.setText("Взять ответ из связанного сообщения")
        self.linked_answer_button.setAccessibleName("Взять ответ из связанного сообщения")
        self.linked_answer_button.setToolTip(
            "Сообщение связано в один инцидент с другими: начать с уже данного им ответа"
        )
        self.linked_answer_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.linked_answer_menu = QMenu(self.linked_answer_button)
        self.linked_answer_button.setMenu(self.linked_answer_menu)
        self.linked_answer_menu.aboutToShow.connect(self._fill_linked_answer_menu)
        self.linked_answer_button.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel("Вид:"))
        top.addWidget(self.kind_combo, 1)
        top.addWidget(self.template_button)
        top.addWidget(self.linked_answer_button)

        self.text_edit = DraftTextEdit()
        self.text_edit.textChanged.connect(self._text_changed)
        self.text_edit.focus_lost.connect(self.save_now)
        self.text_edit.files_dropped.connect(self.add_files)
        self.text_edit.add_word_requested.connect(self.propose_word)

        self.counter_label = _plain_label("", "char_counter")
        self.save_label = _plain_label("", "save_status")
        self.save_label.setStyleSheet("color: palette(mid);")
        status_row = QHBoxLayout()
        status_row.addWidget(self.counter_label)
        status_row.addStretch(1)
        status_row.addWidget(self.save_label)

        self.attachments = AttachmentStrip()
        self.attachments.add_requested.connect(self.choose_files)
        self.attachments.remove_requested.connect(self.remove_attachment)

        self.warning_banner, warning_layout = _banner("submit_warning", "#fff4d6", "#e0b040")
        self.warning_label = _plain_label("", "submit_warning_text")
        self.submit_anyway_button = QPushButton("Всё равно отправить на проверку")
        self.back_to_draft_button = QPushButton("Вернуться к черновику")
        row = QVBoxLayout()
        row.addWidget(self.submit_anyway_button, 0, Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.back_to_draft_button, 0, Qt.AlignmentFlag.AlignLeft)
        warning_layout.addWidget(self.warning_label)
        warning_layout.addLayout(row)
        self.submit_anyway_button.clicked.connect(self.submit_despite_warnings)
        self.back_to_draft_button.clicked.connect(self._back_to_draft)

        self.error_label = _plain_label("", "editor_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.submit_button = QPushButton("Отправить на проверку в ОпОГ")
        self.submit_button.setObjectName("submit_draft")
        self.submit_button.clicked.connect(self.submit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error_label, 1)
        bottom.addWidget(self.submit_button)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title_label)
        column.addWidget(self.rework_banner)
        column.addWidget(self.notice_banner)
        column.addWidget(self.conflict_banner)
        column.addLayout(top)
        column.addWidget(self.text_edit, 1)
        column.addLayout(status_row)
        self.blanks_label = _plain_label("", "template_blanks")
        self.blanks_label.setStyleSheet("color: #b00020;")
        self.blanks_label.hide()
        column.addWidget(self.blanks_label)
        column.addWidget(self.attachments)
        column.addWidget(self.warning_banner)
        column.addLayout(bottom)

        self.panel = ValidationPanel()
        self.panel.jump_requested.connect(self.text_edit.select_span)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.panel.setMinimumWidth(300)  # its check lists must stay readable beside a wide draft
        splitter.setSizes([600, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- state ----------------------------------------------------------------------------------

    @property
    def message_id(self) -> int | None:
        return self.detail.row.id if self.detail else None

    @property
    def revision(self) -> int | None:
        return self.session.revision if self.session is not None else None

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def kind(self) -> DraftKind:
        return DraftKind(self.kind_combo.currentData())

    def set_kind(self, kind: DraftKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def is_dirty(self) -> bool:
        return (
            self.detail is not None
            and self.session is not None
            and self.session.is_dirty(self.text(), self.kind())
        )

    def set_message_none(self) -> None:
        """Show no message (nothing selected, or the message left the department)."""
        self._stop_timers()
        self._generation += 1
        self.detail = None
        self.session = None
        self.report = None
        self._loading = True
        try:
            self.text_edit.clear()
        finally:
            self._loading = False
        self.text_edit.set_matches(())
        self.panel.clear()
        self.attachments.list.clear()
        for widget in (self.rework_banner, self.notice_banner, self.conflict_banner, self.warning_banner):
            widget.hide()
        self.counter_label.setText("")
        self.save_label.setText("")
        self._show_linked_answers(None)
        self._set_editable(False)
        self.title_label.setText("Выберите сообщение в списке слева.")

    def _set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.text_edit.setReadOnly(not editable)
        self.kind_combo.setEnabled(editable)
        self.template_button.setEnabled(editable)
        self.linked_answer_button.setEnabled(editable)
        self.submit_button.setEnabled(editable)
        self.attachments.set_editable(editable)

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    # -- loading ----------------------------------------------------------------------------------

    def load_message(self, detail: MessageDetail) -> None:
        """Show ``detail``'s draft: the database text, or a newer local recovery copy, or a greeting."""
        if self.detail is not None and self.detail.row.id != detail.row.id:
            self.save_now()
        self._stop_timers()
        self._generation += 1  # a check still running belongs to the previous message
        self.detail = detail
        self.report = None
        self._prefill = ""
        for banner in (self.notice_banner, self.conflict_banner, self.warning_banner):
            banner.hide()
        self.error_label.hide()
        self.panel.clear()
        self.text_edit.set_matches(())

        self.session = DraftSession(
            self.context.services.workflow,
            self.recovery,
            self.context.actor,
            detail,
            self.validation.greeting_for,
        )
        opened = self.session.open(detail)
        text, kind, editable = opened.text, opened.kind, opened.editable
        if opened.prefilled:
            self._prefill = text
        if opened.notice:
            self._show_notice(opened.notice)
        if self.session.conflict is not None:
            self._show_conflict()

        self._loading = True
        try:
            self.set_kind(kind)
            self.text_edit.setPlainText(text)
        finally:
            self._loading = False
        self._set_editable(editable)
        self._update_kind_choices()
        self._update_title()
        self._update_rework_banner()
        self._update_counter()
        self._show_saved_state()
        cursor = self.text_edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.text_edit.setTextCursor(cursor)
        self._load_attachments()
        self._load_templates()
        self._load_linked_answers()
        if editable:
            self.check_now()
            if self.is_dirty() and self.session.conflict is None:
                self._autosave_timer.start()

    def refresh(self, detail: MessageDetail) -> None:
        """A newer record of the shown message (state, rework comment); keeps the text being typed."""
        if self.detail is None or detail.row.id != self.detail.row.id:
            self.load_message(detail)
            return
        was_editable = self._editable
        editable = detail.row.state in EDITABLE_STATES
        if editable and not was_editable:
            self.load_message(detail)  # e.g. returned for rework: start from the database text
            return
        self.detail = detail
        self._set_editable(editable)
        self._update_kind_choices()
        self._update_title()
        self._update_rework_banner()
        self._load_linked_answers()  # a link made meanwhile on another workstation

    def _update_title(self) -> None:
        assert self.detail is not None
        row = self.detail.row
        state = STATE_NAMES[row.state]
        line = f"Черновик ответа автору «{row.author_name}» · {state}"
        if row.state not in EDITABLE_STATES:
            line += " — редактирование недоступно"
        self.title_label.setText(line)

    def _update_kind_choices(self) -> None:
        assert self.detail is not None
        model = self.kind_combo.model()
        index = self.kind_combo.findData(DraftKind.INTERIM.value)
        item = model.item(index)  # type: ignore[attr-defined]
        # R9: after an interim answer only the final answer (or a clarification) is possible.
        # Issue 13: once an interim answer is posted, whatever the state (rework, another department).
        interim_posted = any(
            k == DraftKind.INTERIM.value and at for k, _t, at, _u in self.detail.publications
        )
        item.setEnabled(self.detail.row.state is not MessageState.INTERIM and not interim_posted)

    def _update_rework_banner(self) -> None:
        assert self.detail is not None
        returned = [r for r in self.detail.reviews if r.decision == "returned"]
        if self.detail.row.state is MessageState.REWORK and returned:
            last = returned[-1]
            lines = [
                f"Возвращено на доработку ({last.reviewer}). Доработку нужно отправить в течение "
                "30 рабочих минут (п. 8).",
                f"Замечание: {last.comment}",
            ]
            for earlier in reversed(returned[:-1]):
                lines.append(f"Раньше ({earlier.reviewer}): {earlier.comment}")
            self.rework_label.setText("\n".join(lines))
            self.rework_banner.show()
        else:
            self.rework_banner.hide()

    def _load_attachments(self) -> None:
        message_id = self.message_id
        assert message_id is not None
        self.attachments.list.clear()
        self.attachments.show_errors(())
        drafting = self.context.services.drafting
        queries = self.context.services.queries
        actor = self.context.actor

        def fetch() -> list[tuple[DraftAttachment, QImage | None]]:
            result = []
            for attachment in drafting.attachments(actor, message_id):
                image = None
                if attachment.media_type.startswith("image/"):
                    image = thumbnail_image(queries.attachment_content(actor, attachment.id))
                result.append((attachment, image))
            return result

        def done(items: list[tuple[DraftAttachment, QImage | None]]) -> None:
            if not self._alive() or self.message_id != message_id:
                return
            self.attachments.list.clear()
            for attachment, image in items:
                self.attachments.add_attachment(attachment, image)
            self._attachments_changed()

        self.context.ops.query(self, fetch, done, self._show_error, slot="attachments")

    def _load_templates(self) -> None:
        def done(templates: list[TemplateInfo]) -> None:
            if self._alive():
                self._templates = templates

        self.context.ops.query(self, self.context.services.templates.list, done, lambda _e: None)

    def _stop_timers(self) -> None:
        for timer in (self._check_timer, self._autosave_timer, self._recovery_timer):
            timer.stop()

    # -- typing -------------------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if self._loading:
            return
        self._generation += 1  # any check still running is for an older text now
        self.warning_banner.hide()
        self._update_counter()
        if self.detail is None or not self._editable:
            return
        self._check_timer.start()
        self._recovery_timer.start()
        self._autosave_timer.start()
        self.save_label.setText("Есть несохранённые изменения…")
        self._announce_editing()

    def _announce_editing(self) -> None:
        """Tell the other workstations «редактирует: …» once per opened draft (presence, issue 17)."""
        session = self.session
        if session is None or session.announced:
            return
        session.announced = True
        presence, actor, message_id = self.context.services.presence, self.context.actor, session.message_id
        self.context.ops.write(None, lambda: presence.show(actor, message_id, EDITING), quiet=True)

    def _kind_changed(self) -> None:
        if self._loading or self.detail is None:
            return
        self._generation += 1
        self.warning_banner.hide()
        self._check_timer.start()
        self._autosave_timer.start()

    def _attachment_kinds(self) -> list[str]:
        return [attachment_kind(media_type) for media_type in self.attachments.media_types()]

    def _attachments_changed(self) -> None:
        self._update_counter()
        if self.detail is not None and self._editable:
            self._generation += 1
            self._check_timer.start()

    def _update_counter(self) -> None:
        if self.detail is None:
            self.counter_label.setText("")
            return
        text = self.text()
        rules = self.validation.platform_rules(self.detail.row.platform)
        if rules is None:
            self.counter_label.setText(f"Знаков: {len(text)}")
            self.counter_label.setStyleSheet("")
            return
        length = rules.length(text)
        limit = rules.max_chars
        caption = ""
        if self.attachments.list.count() and rules.caption_max_chars is not None:
            limit, caption = rules.caption_max_chars, " (подпись к вложениям)"
        if limit is None:
            self.counter_label.setText(f"Знаков: {length} · {rules.title}: без ограничения длины")
            self.counter_label.setStyleSheet("")
            return
        self.counter_label.setText(f"Знаков: {length} из {limit}{caption} · {rules.title}")
        self.counter_label.setStyleSheet("color: #b00020; font-weight: bold;" if length > limit else "")

    # -- live validation --------------------------------------------------------------------------

    def check_now(self) -> None:
        """Validate the current text on the pool; a result for an older text is discarded."""
        if self.detail is None:
            return
        self._check_timer.stop()
        generation = self._generation
        detail = self.detail
        text = self.text()
        kinds = self._attachment_kinds()
        kind = self.kind().value  # the kind's profile (issue 13)
        self.panel.set_checking(True)
        validation = self.validation

        def run() -> ValidationReport:
            return validation.validate(
                detail.thread_text, text, detail.row.author_name, detail.row.platform, kinds, kind
            )

        self.context.ops.query(
            self,
            run,
            lambda report: self._check_done(generation, report),
            lambda error: self._check_failed(generation, error),
        )

    def _check_done(self, generation: int, report: ValidationReport) -> None:
        if not self._alive() or generation != self._generation:
            return  # stale: the text changed while this check ran
        self.report = report
        self.panel.show_report(report)
        self.text_edit.set_matches(report.spelling.matches)
        self._show_blanks()
        self.report_ready.emit(report)

    def _show_blanks(self) -> None:
        blanks = unfilled_blanks(self.text())
        self.blanks_label.setText(
            "Не заполнено место шаблона: "
            + ", ".join(f"«{b}»" for b in blanks[:3])
            + " — впишите, что нужно."
            if blanks
            else ""
        )
        self.blanks_label.setVisible(bool(blanks))

    def _check_failed(self, generation: int, error: BaseException) -> None:
        if self._alive() and generation == self._generation:
            self.panel.set_error(error_text(error))

    @property
    def generation(self) -> int:
        return self._generation

    # -- dictionary ---------------------------------------------------------------------------------

    def propose_word(self, word: str) -> None:
        """«Добавить в словарь организации»: the word waits for an administrator's approval."""
        drafting = self.context.services.drafting
        actor = self.context.actor

        def done(created: bool) -> None:
            self.validation.refresh_dictionary()
            if not self._alive():
                return
            self._show_notice(
                f"Слово «{word}» предложено для словаря организации; после утверждения администратором "
                "проверка перестанет его отмечать."
                if created
                else f"Слово «{word}» уже предложено для словаря организации."
            )
            self.word_proposed.emit(word)

        self.context.ops.write(self, lambda: drafting.propose_word(actor, word), done, self._show_error)

    # -- templates ----------------------------------------------------------------------------------

    def _fill_template_menu(self) -> None:
        self.template_menu.clear()
        kind = self.kind().value
        ordered = sorted(self._templates, key=lambda t: (t.kind != kind, t.title))
        if not ordered:
            empty = self.template_menu.addAction("Шаблонов нет")
            empty.setEnabled(False)
        for template in ordered:
            action = self.template_menu.addAction(template.title)
            action.triggered.connect(lambda _=False, t=template.id: self.insert_template(t))

    def insert_template(self, template_id: int) -> None:
        """Insert a template with placeholders filled; replaces the text if it is only the greeting."""
        if self.detail is None or not self._editable:
            return
        row = self.detail.row
        templates = self.context.services.templates
        self.context.ops.query(
            self,
            lambda: templates.render(template_id, row.author_name, row.platform, row.department_name),
            self._insert_rendered,
            self._show_error,
        )

    def _insert_rendered(self, body: str) -> None:
        if not self._alive():
            return
        current = self.text()
        if not current.strip() or current == self._prefill:
            self.text_edit.selectAll()
            self.text_edit.insertPlainText(body)
            return
        cursor = self.text_edit.textCursor()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        merged = merge_template(current[:start], current[end:], body, self.validation.starts_with_greeting)
        if merged:
            self.text_edit.insertPlainText(merged)

    # -- the answer of a linked message (issue 18) ------------------------------------------------

    def _load_linked_answers(self) -> None:
        message_id = self.message_id
        if message_id is None:
            return
        incidents, actor = self.context.services.incidents, self.context.actor

        def done(group: IncidentGroupView | None) -> None:
            if self._alive() and self.message_id == message_id:
                self._show_linked_answers(group)

        self.context.ops.query(
            self, lambda: incidents.group_of(actor, message_id), done, lambda _e: None, slot="incident"
        )

    def _show_linked_answers(self, group: IncidentGroupView | None) -> None:
        self._linked_answers = group.answers if group is not None else ()
        self.linked_answer_button.setVisible(bool(self._linked_answers))

    def linked_answers(self) -> tuple[LinkedMessage, ...]:
        """Answers of the linked messages the editor offers (the confirmed ones first)."""
        return self._linked_answers

    def _fill_linked_answer_menu(self) -> None:
        self.linked_answer_menu.clear()
        for linked in self._linked_answers:
            answer = " ".join(linked.answer.split())
            title = (
                f"{linked.author_name or 'автор не указан'}: {answer[:70]}{'…' if len(answer) > 70 else ''}"
            )
            action = self.linked_answer_menu.addAction(title)  # a QMenu item is plain text
            action.setToolTip(answer)
            action.triggered.connect(lambda _=False, m=linked.id: self.take_linked_answer(m))

    def take_linked_answer(self, linked_id: int) -> None:
        """Start from a linked message's answer, greeting this author; a typed text is kept around it."""
        if self.detail is None or not self._editable:
            return
        linked = next((m for m in self._linked_answers if m.id == linked_id), None)
        if linked is None:
            return
        greeting = self.validation.greeting_for(self.detail.row.author_name)
        start = answer_as_start(linked.answer, greeting, self.validation.starts_with_greeting)
        current = self.text()
        if not current.strip() or current.strip() == self._prefill.strip():
            self.text_edit.selectAll()
            self.text_edit.insertPlainText(start)
            return
        # Something is typed already: nothing of it is lost, the answer joins it like a template.
        cursor = self.text_edit.textCursor()
        begin, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        merged = merge_template(current[:begin], current[end:], start, self.validation.starts_with_greeting)
        if merged:
            self.text_edit.insertPlainText(merged)

    # -- autosave and recovery ----------------------------------------------------------------------

    def _write_recovery(self) -> None:
        if self.detail is None or not self._editable or self.session is None:
            return
        self.session.write_recovery(self.text(), self.kind())

    def save_now(self) -> None:
        """Save the working text if it changed: the session writes the recovery copy first, then
        ``save_draft`` runs through the operation layer with the revision the session last saw."""
        self._autosave_timer.stop()
        if self.detail is None or not self._editable or self.session is None:
            return
        job = self.session.begin_save(self.text(), self.kind())
        if self.session.conflict is None:
            self._recovery_timer.stop()  # the copy was just written
        if job is None:
            return
        # Not owned by the editor: the session (and its recovery copy) learns the outcome even if the
        # editor is gone; the editor shows it only while it still shows that session.
        self.context.ops.write(
            None, job.run, lambda saved: self._saved(job, saved), lambda e: self._save_failed(job, e)
        )

    def _saved(self, job: SaveJob, saved: DraftSaved) -> None:
        again = job.session.save_done(job, saved.revision)
        if not self._alive() or self.session is not job.session:
            return
        self._show_saved_state()
        self.saved.emit(saved.revision)
        if again or self.is_dirty():
            self._autosave_timer.start()

    def _save_failed(self, job: SaveJob, error: BaseException) -> None:
        failure = job.session.save_failed(error)
        if not self._alive() or self.session is not job.session:
            return
        if failure.conflict:
            self._fetch_conflict(job.session)
            return
        self.save_label.setText(failure.message)
        self._autosave_timer.start()

    def _show_saved_state(self) -> None:
        if self.detail is None:
            self.save_label.setText("")
        elif self.is_dirty():
            self.save_label.setText("Есть несохранённые изменения…")
        elif self.detail.draft is not None or self.revision is not None:
            self.save_label.setText("Черновик сохранён.")
        else:
            self.save_label.setText("")

    # -- conflicts ------------------------------------------------------------------------------------

    def _fetch_conflict(self, session: DraftSession) -> None:
        queries = self.context.services.queries
        actor = self.context.actor

        def done(detail: MessageDetail) -> None:
            if not self._alive() or self.session is not session:
                return
            draft = detail.draft
            session.conflict_found(draft.working_text if draft else "", draft.revision if draft else None)
            self._show_conflict()

        message_id = session.message_id
        self.context.ops.query(
            self, lambda: queries.message_detail(actor, message_id), done, self._show_error
        )

    def _show_conflict(self) -> None:
        assert self.session is not None and self.session.conflict is not None
        conflict = self.session.conflict
        self.conflict_label.setText(conflict.explanation)
        self.conflict_other.setPlainText(conflict.other_text)
        self.conflict_banner.show()
        self.save_label.setText("Автосохранение приостановлено до вашего выбора.")
        self.conflict_shown.emit(conflict.other_text)

    def take_other_text(self) -> None:
        """Conflict: replace my text with the other workstation's (mine stays in the recovery copy)."""
        if self.session is None or self.detail is None:
            return
        other = self.session.take_other_text()
        if other is None:
            return
        self.conflict_banner.hide()
        self.text_edit.selectAll()
        self.text_edit.insertPlainText(other)
        self._autosave_timer.stop()
        self._show_saved_state()

    def keep_my_text(self) -> None:
        """Conflict: save my text as the next revision, on top of the other one (explicit choice)."""
        if self.session is None or not self.session.keep_my_text():
            return
        self.conflict_banner.hide()
        self.save_now()

    # -- attachments ----------------------------------------------------------------------------------

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Фото и видео к ответу",
            str(Path.home()),
            "Фото и видео (*.jpg *.jpeg *.png *.gif *.webp *.heic *.mp4 *.mov *.avi *.mkv *.webm)",
        )
        if files:
            self.add_files(files)

    def add_files(self, paths: list[str]) -> None:
        """Check the files against the platform (type, count, size) and attach the accepted ones."""
        if self.detail is None or not self._editable:
            return
        candidates: list[Candidate] = []
        errors: list[str] = []
        for path in paths:
            try:
                candidates.append(candidate_for(path))
            except OSError:
                errors.append(f"«{Path(path).name}»: файл не удаётся прочитать.")
        rules = self.validation.platform_rules(self.detail.row.platform)
        accepted, refused = check_candidates(candidates, rules, self.attachments.list.count())
        self.attachments.show_errors(errors + refused)
        message_id = self.detail.row.id
        drafting = self.context.services.drafting
        actor = self.context.actor
        for candidate in accepted:

            def upload(c: Candidate = candidate) -> tuple[DraftAttachment, QImage | None]:
                content = Path(c.path).read_bytes()
                attachment = drafting.add_attachment(actor, message_id, c.filename, content)
                image = thumbnail_image(content) if c.media_type.startswith("image/") else None
                return attachment, image

            self.context.ops.write(
                self, upload, lambda result, m=message_id: self._attached(m, *result), self._attach_failed
            )

    def _attached(self, message_id: int, attachment: DraftAttachment, image: QImage | None) -> None:
        if not self._alive() or self.message_id != message_id:
            return
        self.attachments.add_attachment(attachment, image)
        self._attachments_changed()

    def _attach_failed(self, error: BaseException) -> None:
        if self._alive():
            current = self.attachments.error_label.text()
            self.attachments.show_errors([line for line in (current, error_text(error)) if line])

    def remove_attachment(self, attachment_id: int) -> None:
        if self.detail is None or not self._editable:
            return
        message_id = self.detail.row.id
        drafting = self.context.services.drafting
        actor = self.context.actor

        def done(_: object) -> None:
            if self._alive() and self.message_id == message_id:
                self.attachments.remove_item(attachment_id)
                self._attachments_changed()

        self.context.ops.write(
            self,
            lambda: drafting.remove_attachment(actor, message_id, attachment_id),
            done,
            self._attach_failed,
        )

    # -- submit -----------------------------------------------------------------------------------------

    def submit(self) -> None:
        """Validate, warn (not block) about failed checks, then send the draft to ОпОГ (R6, R7, R8)."""
        if self.detail is None or not self._editable:
            return
        self.error_label.hide()
        self._check_timer.stop()
        detail = self.detail
        text = self.text()
        kinds = self._attachment_kinds()
        kind = self.kind().value
        validation = self.validation
        generation = self._generation
        self.submit_button.setEnabled(False)

        def checked(report: ValidationReport) -> None:
            if not self._alive():
                return
            self.submit_button.setEnabled(self._editable)
            if generation == self._generation:
                self.report = report
                self.panel.show_report(report)
                self.text_edit.set_matches(report.spelling.matches)
            failed = self.failed_checks(report)
            if unfilled_blanks(text):
                failed.append(CHECK_BLANKS)  # «на ________» left from a template (issue 18)
            if failed:
                self._show_submit_warning(report, failed)
            else:
                self._send(failed)

        self.context.ops.query(
            self,
            lambda: validation.validate(
                detail.thread_text, text, detail.row.author_name, detail.row.platform, kinds, kind
            ),
            checked,
            self._submit_check_failed,
        )

    def failed_checks(self, report: ValidationReport) -> list[str]:
        """Failed check codes for this kind (the rule lives in the draft session's module, R9)."""
        return failed_checks(self.kind(), report)

    def _submit_check_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self.submit_button.setEnabled(self._editable)
        # The checker itself failed: say so, but do not stop the executor from sending (not a block).
        self._pending_failed = ["validation_unavailable"]
        self.warning_label.setText(
            f"Проверка черновика не выполнена: {error_text(error)}\nМожно отправить без проверки."
        )
        self.warning_banner.show()

    def _show_submit_warning(self, report: ValidationReport, failed: list[str]) -> None:
        lines = ["Черновик не прошёл проверки:"]
        for code in failed:
            lines.append(f"• {CHECK_NAMES[code]}")
        for issue in report.greeting.issues[:2]:
            lines.append(f"   {issue.message}")
        if report.spelling.matches:
            words = ", ".join(f"«{m.text}»" for m in report.spelling.matches[:5])
            lines.append(f"   ошибки: {words}")
        for question in report.uncovered_questions[:3]:
            if CHECK_QUESTIONS in failed:
                lines.append(f"   нет ответа: «{question.text}»")
        for issue in report.format.issues[:3]:
            lines.append(f"   {issue.message}")
        for blank in unfilled_blanks(self.text())[:3]:
            lines.append(f"   не заполнено: «{blank}»")
        lines.append("ОпОГ увидит, какие проверки не пройдены. Отправить всё равно?")
        self._pending_failed = failed
        self.warning_label.setText("\n".join(lines))
        self.warning_banner.show()

    def submit_despite_warnings(self) -> None:
        self.warning_banner.hide()
        self._send(list(self._pending_failed))

    def _back_to_draft(self) -> None:
        self.warning_banner.hide()
        self.text_edit.setFocus()

    def _send(self, failed: list[str]) -> None:
        if self.detail is None or self.session is None:
            return
        message_id, version = self.detail.row.id, self.detail.row.version
        self._stop_timers()
        job = self.session.begin_submit(
            self.text(), self.kind(), version, failed, self.attachments.attachment_ids()
        )
        self.submit_button.setEnabled(False)

        def done(_version_id: int) -> None:
            job.session.submit_done(job)  # the recovery copy goes: the draft is in the database
            if not self._alive() or self.session is not job.session:
                return
            self._set_editable(False)
            self.warning_banner.hide()
            self.save_label.setText("Отправлено на проверку в ОпОГ.")
            self.submitted.emit(message_id)

        def failed_to_send(error: BaseException) -> None:
            if self._alive():
                self.submit_button.setEnabled(self._editable)
                self._show_error(error)

        # Not owned by the editor: a sent draft's recovery copy is cleared even if the editor is gone.
        self.context.ops.write(None, job.run, done, failed_to_send)

    # -- messages -------------------------------------------------------------------------------------

    def _show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_banner.show()

    def _show_error(self, error: BaseException) -> None:
        if not self._alive():
            return
        self.error_label.setText(error_text(error))
        self.error_label.show()

    def flush(self) -> None:
        """Save now (called when the workspace hides or the window closes)."""
        self.save_now()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.save_now()
        super().hideEvent(event)
