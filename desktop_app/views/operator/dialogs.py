"""Dialogs of the operator's actions: route, redirect, close, reassign, review (R4, R5, R7, R8).

Every dialog is non-blocking friendly: the workspace shows it with ``open()`` and acts on ``accepted``;
tests fill the exposed widgets and call ``accept()``. A dialog checks that required fields are filled
and shows the Russian reason inline; the services check again (and their refusal is shown in a box).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import REVIEW_CONFIRMATIONS, DraftKind
from desktop_app.domain.validation import ValidationReport
from desktop_app.services.close_reasons import CLOSE_REASONS, suggest_close_reason
from desktop_app.services.queries import MessageDetail
from desktop_app.services.routing import RoutingAdvice
from desktop_app.services.templates import TemplateInfo
from desktop_app.services.texts import DRAFT_KIND_NAMES
from desktop_app.services.workflow import ReviewChecks, ReviewMaterial
from desktop_app.views.common.countdown import plain_tooltip
from desktop_app.views.common.diff import show_diff
from desktop_app.views.common.theme import Tone, style_box, style_text, text_colour

DEPARTMENT_ROLE = Qt.ItemDataRole.UserRole
SUGGESTED_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
PHOTO_SIZE = QSize(200, 150)  # large enough to judge a photo, small enough for 1366×768


def plain_label(text: str = "", *, wrap: bool = True, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


def error_label() -> QLabel:
    label = plain_label(name="inline_error")
    style_text(label, Tone.DANGER, "font-weight: 600;")
    label.hide()
    return label


def read_only_text(text: str, name: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setPlainText(text)
    return view


class FormDialog(QDialog):
    """A dialog with an inline error line and OK/Cancel; subclasses implement ``problem()``.

    OK does not close it: it emits ``submitted`` and waits busy, so a refusal by the services
    leaves the user's input in place; the caller closes it with ``done(Accepted)`` on success.

    Signals:
        submitted(): the form is filled in; perform the action.
    """

    submitted = Signal()

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(8)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit()

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)


class RouteDialog(FormDialog):
    """R5: pick the executor department; the advisor's suggestions come first, each with its reason."""

    def __init__(
        self,
        advice: RoutingAdvice | None,
        departments: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Направить исполнителю", "Направить", parent)
        self.resize(620, 460)
        self.layout_.addWidget(plain_label("Подразделение-исполнитель:"))
        self.department_list = QListWidget()
        self.department_list.setAccessibleName("Подразделение-исполнитель")
        self.department_list.setObjectName("departments")
        self.department_list.setAlternatingRowColors(True)
        self.department_list.setWordWrap(True)
        suggested = list(advice.departments) if advice else []
        suggested_ids = {s.department_id for s in suggested}
        if suggested:
            self._header("Предлагается по тексту сообщения")
            bold = QFont()
            bold.setBold(True)
            for suggestion in suggested:
                item = QListWidgetItem(f"{suggestion.name}\n    {suggestion.reason}")
                item.setData(DEPARTMENT_ROLE, suggestion.department_id)
                item.setData(SUGGESTED_ROLE, True)
                item.setFont(bold)
                item.setToolTip(plain_tooltip(f"Почему: {suggestion.reason}"))
                self.department_list.addItem(item)
        self._header("Все подразделения")
        for department_id, name in departments:
            if department_id in suggested_ids:
                continue
            item = QListWidgetItem(name)
            item.setData(DEPARTMENT_ROLE, department_id)
            item.setData(SUGGESTED_ROLE, False)
            self.department_list.addItem(item)
        self.layout_.addWidget(self.department_list, 1)
        if advice and advice.redirect:
            hint = plain_label(
                f"Похоже, вопрос вне компетенции администрации: {advice.redirect.target}. "
                "Возможно, сообщение нужно перенаправить.",
                name="redirect_hint",
            )
            style_box(hint, Tone.WARNING, "padding: 6px;")
            self.layout_.addWidget(hint)
        form = QFormLayout()
        self.comment_edit = QLineEdit()
        self.comment_edit.setObjectName("comment")
        self.comment_edit.setPlaceholderText("необязательно: что важно знать исполнителю")
        form.addRow("Комментарий:", self.comment_edit)
        self.layout_.addLayout(form)
        self.finish_layout()
        # Only a suggested department is preselected (issue 18): with no suggestion nothing is, so
        # Enter asks the operator to choose instead of routing to the first department of the list.
        if suggested:
            self.select_department(suggested[0].department_id)
        else:
            self.comment_edit.setFocus()
        self.department_list.itemDoubleClicked.connect(lambda _item: self.accept())

    def _header(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(DEPARTMENT_ROLE, 0)  # read back by Python: never an empty QVariant
        item.setData(SUGGESTED_ROLE, False)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setForeground(text_colour(Tone.MUTED, role=QPalette.ColorRole.Base))
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        item.setFont(font)
        self.department_list.addItem(item)

    def department_ids(self) -> list[int]:
        """Departments in the order shown (suggested first)."""
        ids = []
        for i in range(self.department_list.count()):
            value = self.department_list.item(i).data(DEPARTMENT_ROLE)
            if value:
                ids.append(int(value))
        return ids

    def select_department(self, department_id: int) -> None:
        for i in range(self.department_list.count()):
            if self.department_list.item(i).data(DEPARTMENT_ROLE) == department_id:
                self.department_list.setCurrentRow(i)
                return

    def selected_department(self) -> int | None:
        # The selection, not the current item (a focused list has a current row nobody chose).
        items = self.department_list.selectedItems()
        value = items[0].data(DEPARTMENT_ROLE) if items else None
        return int(value) if value else None

    def comment(self) -> str:
        return self.comment_edit.text().strip()

    def problem(self) -> str:
        return "" if self.selected_department() else "Выберите подразделение-исполнитель."


class RedirectDialog(FormDialog):
    """R4: out of the administration's competence — target organisation and reason, both required."""

    def __init__(
        self, advice: RoutingAdvice | None, templates: Sequence[TemplateInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__("Перенаправить сообщение", "Перенаправить", parent)
        self.resize(600, 420)
        self.layout_.addWidget(
            plain_label(
                "Сообщение вне компетенции администрации перенаправляется в течение 30 рабочих минут с указанием причин (п. 4)."
            )
        )
        form = QFormLayout()
        self.target_edit = QComboBox()
        self.target_edit.setObjectName("target")
        self.target_edit.setEditable(True)
        self.target_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_edit.lineEdit().setPlaceholderText("организация, в которую перенаправляется сообщение")
        if advice and advice.redirect:
            self.target_edit.addItem(advice.redirect.target)
        self.target_edit.setCurrentText(advice.redirect.target if advice and advice.redirect else "")
        form.addRow("Куда:", self.target_edit)
        self.template_box = QComboBox()
        self.template_box.setObjectName("reason_templates")
        self.template_box.addItem("— выберите шаблон причины —", "")
        if advice and advice.redirect:
            self.template_box.addItem(f"Предложение: {advice.redirect.reason[:70]}", advice.redirect.reason)
        for template in templates:
            self.template_box.addItem(template.title, template.body)
        self.template_box.activated.connect(self._use_template)
        form.addRow("Шаблон:", self.template_box)
        self.layout_.addLayout(form)
        self.layout_.addWidget(plain_label("Причина перенаправления (обязательно):"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setAccessibleName("Причина перенаправления")
        self.reason_edit.setPlaceholderText("почему вопрос не относится к компетенции администрации")
        self.layout_.addWidget(self.reason_edit, 1)
        self.finish_layout()

    def _use_template(self, index: int) -> None:
        text = self.template_box.itemData(index)
        if text:
            self.reason_edit.setPlainText(text)

    def target(self) -> str:
        return self.target_edit.currentText().strip()

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def problem(self) -> str:
        if not self.target():
            return "Укажите организацию, в которую перенаправляется сообщение."
        if not self.reason():
            return "Укажите причину перенаправления: без неё перенаправить нельзя (п. 4)."
        return ""


class CloseDialog(FormDialog):
    """Close a message that needs no answer; the reason is required and goes on record.

    Nothing is preselected (issue 18): the operator picks a reason or writes one; only a reason that
    fits the text (a thank-you) is filled in, marked as a suggestion.
    """

    def __init__(self, parent: QWidget | None = None, message_text: str = "") -> None:
        super().__init__("Не требует ответа", "Закрыть сообщение", parent)
        self.resize(520, 340)
        self.layout_.addWidget(plain_label("Частые причины:"))
        self.reason_list = QListWidget()
        self.reason_list.setObjectName("close_reasons")
        self.reason_list.setAccessibleName("Частые причины")
        self.suggested = suggest_close_reason(message_text)
        for reason in CLOSE_REASONS:
            item = QListWidgetItem(reason + (" — подходит по тексту" if reason == self.suggested else ""))
            item.setData(TEXT_ROLE, reason)
            self.reason_list.addItem(item)
        self.reason_list.setMaximumHeight(100)
        # The selection, not the current item: a list given the keyboard focus makes its first row
        # current without selecting it, which used to fill in «Спам или реклама» for every message.
        self.reason_list.itemSelectionChanged.connect(self._picked)
        self.layout_.addWidget(self.reason_list)
        self.layout_.addWidget(plain_label("Причина (обязательно):"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setAccessibleName("Причина")
        self.layout_.addWidget(self.reason_edit, 1)
        self.finish_layout()
        if self.suggested:
            self.select_reason(self.suggested)
        self.reason_edit.setFocus()

    def _picked(self) -> None:
        items = self.reason_list.selectedItems()
        if items:
            self.reason_edit.setPlainText(items[0].data(TEXT_ROLE))

    def select_reason(self, reason: str) -> None:
        for i in range(self.reason_list.count()):
            if self.reason_list.item(i).data(TEXT_ROLE) == reason:
                self.reason_list.setCurrentRow(i)
                return

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def problem(self) -> str:
        return "" if self.reason() else "Выберите или напишите, почему сообщение не требует ответа."


class ReassignDialog(FormDialog):
    """Move a message to another department; the draft clock restarts there. Reason required."""

    def __init__(
        self,
        departments: Sequence[tuple[int, str]],
        current_department_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Передать другому подразделению", "Передать", parent)
        self.resize(520, 300)
        form = QFormLayout()
        self.department_box = QComboBox()
        self.department_box.setObjectName("department")
        for department_id, name in departments:
            if department_id != current_department_id:
                self.department_box.addItem(name, department_id)
        form.addRow("Новое подразделение:", self.department_box)
        self.layout_.addLayout(form)
        self.layout_.addWidget(plain_label("Причина передачи (обязательно):"))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("comment")
        self.comment_edit.setAccessibleName("Причина передачи")
        self.layout_.addWidget(self.comment_edit, 1)
        self.finish_layout()

    def select_department(self, department_id: int) -> None:
        self.department_box.setCurrentIndex(self.department_box.findData(department_id))

    def department_id(self) -> int | None:
        if self.department_box.currentIndex() < 0:
            return None
        value = self.department_box.currentData()
        return int(value) if value else None

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def problem(self) -> str:
        if self.department_id() is None:
            return "Выберите подразделение."
        return "" if self.comment() else "Укажите причину передачи в другое подразделение."


def report_summary(report: ValidationReport) -> str:
    """Plain-text summary of a validation report (used when the validation panel is unavailable)."""
    lines = [
        "Приветствие: "
        + ("в порядке" if report.greeting.ok else "; ".join(i.message for i in report.greeting.issues)),
        "Орфография и грамматика: "
        + ("ошибок не найдено" if report.spelling.ok else f"замечаний: {len(report.spelling.matches)}"),
    ]
    for match in report.spelling.matches[:10]:
        lines.append(f"  «{match.text}»: {match.message}")
    uncovered = report.uncovered_questions
    lines.append(
        f"Вопросы: {len(report.questions) - len(uncovered)} из {len(report.questions)} с ответом"
        if report.questions
        else "Вопросы: в сообщении не найдены"
    )
    for question in uncovered:
        lines.append(f"  без ответа: «{question.text}»")
    if not report.format.ok:
        lines.append("Формат: " + "; ".join(i.message for i in report.format.issues))
    return "\n".join(lines)


def _validation_panel() -> QWidget | None:
    """The editor's ValidationPanel in read-only mode, when that package is present."""
    try:
        from desktop_app.views.editor.validation_panel import ValidationPanel
    except ImportError:
        return None
    return ValidationPanel(read_only=True)


class ReviewDialog(QDialog):
    """R7/R8: the submitted draft, its checks, the three confirmations; publish or return for rework.

    «Опубликовать» is enabled only when all three R7 checks are ticked; «Вернуть на доработку» needs a
    comment naming what is missing (R8).

    Signals:
        publish_requested(object): ``ReviewChecks`` (all three confirmed).
        rework_requested(str, object): the comment and the ``ReviewChecks`` as ticked.
    """

    publish_requested = Signal(object)
    rework_requested = Signal(str, object)

    def __init__(
        self, detail: MessageDetail, parent: QWidget | None = None, material: ReviewMaterial | None = None
    ) -> None:
        super().__init__(parent)
        self.detail = detail
        self.material = material
        self.setWindowTitle(f"Проверка проекта ответа — {detail.row.author_name}")
        self.setModal(True)
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        draft = detail.draft
        submitted = draft.versions[-1][1] if draft and draft.versions else ""
        kind = DRAFT_KIND_NAMES.get(draft.kind, "") if draft else ""
        if material is not None:  # exactly what «Опубликовать» sends (issue 13)
            submitted, kind = material.text, DRAFT_KIND_NAMES.get(material.kind, kind)
        self.submitted_text = submitted

        split = QSplitter(Qt.Orientation.Horizontal)
        texts = QWidget()
        texts_layout = QVBoxLayout(texts)
        texts_layout.setContentsMargins(0, 0, 0, 0)
        texts_layout.addWidget(
            plain_label(f"Сообщение автора — {detail.row.author_name}", name="author_caption")
        )
        # The whole thread: the checks and the reviewer see every word the author wrote.
        self.message_view = read_only_text(material.thread_text if material else detail.text, "message_text")
        self.message_view.setAccessibleName("Сообщение автора")
        self.message_view.setMaximumHeight(180)
        texts_layout.addWidget(self.message_view)
        if (material and material.author_added) or detail.row.author_added:
            added = plain_label(
                "Автор дописал после отправки проекта: проверьте, отвечает ли проект и на новое.",
                name="author_added",
            )
            style_text(added, Tone.WARNING, "font-weight: 600;")
            texts_layout.addWidget(added)
        round_number = draft.versions[-1][0] if draft and draft.versions else 0
        texts_layout.addWidget(plain_label(f"Проект ответа ({kind}), версия {round_number}:"))
        self.draft_view = read_only_text(submitted, "draft_text")
        self.draft_view.setAccessibleName("Проект ответа")
        # What changed since the previous version (issue 18): a returned draft is checked again quickly.
        self.diff_view: QTextEdit | None = None
        previous_text = draft.versions[-2][1] if draft and len(draft.versions) >= 2 else None
        if previous_text is not None:
            versions = QTabWidget()
            versions.setObjectName("draft_versions")
            versions.addTab(self.draft_view, "Проект")
            self.diff_view = QTextEdit()
            self.diff_view.setObjectName("version_diff")
            self.diff_view.setReadOnly(True)
            self.diff_view.setAcceptRichText(False)
            show_diff(self.diff_view, previous_text, submitted)
            versions.addTab(self.diff_view, f"Изменения с версии {draft.versions[-2][0]}")
            texts_layout.addWidget(versions, 1)
        else:
            texts_layout.addWidget(self.draft_view, 1)
        if material is not None:
            files = ", ".join(a.filename for a in material.attachments)
            texts_layout.addWidget(
                plain_label(
                    f"Будут отправлены вложения: {files}" if files else "Вложений нет.", name="outgoing"
                )
            )
        # The photos themselves (issue 18, point 3): the reviewer checks what the author will see.
        self.photos = QListWidget()
        self.photos.setObjectName("review_photos")
        self.photos.setAccessibleName("Вложения проекта ответа")
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(PHOTO_SIZE)
        self.photos.setFlow(QListWidget.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setMovement(QListWidget.Movement.Static)
        self.photos.setFixedHeight(PHOTO_SIZE.height() + 40)
        self.photos.setToolTip("Двойной щелчок или Enter — открыть крупно")
        self.photos.itemActivated.connect(self._open_photo)  # double click or Enter
        self.photos.hide()
        texts_layout.addWidget(self.photos)
        self.photo_viewer: QDialog | None = None
        if detail.reviews:
            last = detail.reviews[-1]
            previous = plain_label(
                f"Предыдущая проверка: {last.reviewer}: {last.comment}", name="previous_review"
            )
            style_text(previous, Tone.MUTED)
            texts_layout.addWidget(previous)
        split.addWidget(texts)
        texts.setAccessibleName("Сообщение и проект ответа")

        checks_box = QWidget()
        checks_layout = QVBoxLayout(checks_box)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        self.validation_panel = _validation_panel()
        self.summary_view: QPlainTextEdit | None = None
        if self.validation_panel is None:
            self.summary_view = read_only_text("Проверка выполняется…", "validation_summary")
            checks_layout.addWidget(plain_label("Автоматическая проверка:"))
            checks_layout.addWidget(self.summary_view, 1)
        else:
            checks_layout.addWidget(self.validation_panel, 1)
        self.report_status = plain_label("Проверка выполняется…", name="report_status")
        style_text(self.report_status, Tone.MUTED)
        checks_layout.addWidget(self.report_status)

        confirm = QGroupBox("Подтвердите перед публикацией (п. 7)")
        confirm_layout = QVBoxLayout(confirm)
        # The confirmations follow the draft's kind (issue 13): an interim answer or a clarification
        # request is not asked to «answer every question».
        labels = (
            material.confirmations
            if material is not None
            else REVIEW_CONFIRMATIONS[draft.kind if draft else DraftKind.ANSWER]
        )
        self.greeting_check = QCheckBox(labels[0])
        self.spelling_check = QCheckBox(labels[1])
        self.questions_check = QCheckBox(labels[2])
        for box in (self.greeting_check, self.spelling_check, self.questions_check):
            confirm_layout.addWidget(box)
            box.toggled.connect(self._update_buttons)
        checks_layout.addWidget(confirm)
        checks_layout.addWidget(plain_label("Комментарий исполнителю (обязателен при возврате, п. 8):"))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("rework_comment")
        self.comment_edit.setAccessibleName("Комментарий исполнителю")
        self.comment_edit.setPlaceholderText("что нужно доработать: какие вопросы остались без ответа")
        self.comment_edit.setMaximumHeight(90)
        checks_layout.addWidget(self.comment_edit)
        split.addWidget(checks_box)
        checks_box.setAccessibleName("Проверки и решение")
        split.setSizes([560, 520])
        layout.addWidget(split, 1)

        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.rework_button = QPushButton("Вернуть на доработку")
        self.rework_button.setObjectName("rework")
        self.publish_button = QPushButton("Опубликовать")
        self.publish_button.setObjectName("publish")
        self.publish_button.setDefault(True)
        self.publish_button.setStyleSheet("QPushButton:enabled { font-weight: 600; }")
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        self.rework_button.clicked.connect(self.request_rework)
        self.publish_button.clicked.connect(self.request_publish)
        buttons.addWidget(self.rework_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.publish_button)
        layout.addLayout(buttons)
        self._busy = False
        self._update_buttons()

    def set_photos(self, photos: Sequence[tuple[int, str, QImage | None]]) -> None:
        """(attachment id, file name, preview or None for a video or a file) of the outgoing attachments."""
        self.photos.clear()
        for attachment_id, filename, image in photos:
            item = QListWidgetItem(filename)
            item.setData(DEPARTMENT_ROLE, attachment_id)
            item.setToolTip(plain_tooltip(filename))
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
                item.setData(TEXT_ROLE, image)
            self.photos.addItem(item)
        self.photos.setVisible(bool(photos))

    def _open_photo(self, item: QListWidgetItem) -> None:
        image = item.data(TEXT_ROLE)
        if not isinstance(image, QImage):
            return
        viewer = QDialog(self)
        viewer.setWindowTitle(f"Вложение — {item.text()}")
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(viewer)
        picture = QLabel()
        picture.setObjectName("photo")
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setPixmap(QPixmap.fromImage(image))
        layout.addWidget(picture)
        self.photo_viewer = viewer
        viewer.open()

    def checks(self) -> ReviewChecks:
        return ReviewChecks(
            self.greeting_check.isChecked(), self.spelling_check.isChecked(), self.questions_check.isChecked()
        )

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.publish_button.setEnabled(not self._busy and self.checks().all_confirmed)
        self.rework_button.setEnabled(not self._busy)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def set_report(self, report: ValidationReport) -> None:
        if self.validation_panel is not None:
            self.validation_panel.show_report(report)  # type: ignore[attr-defined]
        if self.summary_view is not None:
            self.summary_view.setPlainText(report_summary(report))
        self.report_status.setText(
            "Автоматическая проверка замечаний не нашла; подтвердите пункты сами."
            if report.ok
            else "Автоматическая проверка нашла замечания — проверьте их перед публикацией."
        )
        uncovered = report.uncovered_questions
        if uncovered and not self.comment_edit.toPlainText().strip():
            self.comment_edit.setPlaceholderText(
                "Нет ответа на: " + "; ".join(f"«{q.text}»" for q in uncovered[:3])
            )

    def set_report_error(self, text: str) -> None:
        self.report_status.setText(f"Автоматическая проверка недоступна: {text}. Проверьте текст вручную.")
        if self.summary_view is not None:
            self.summary_view.setPlainText("Автоматическая проверка недоступна.")

    def request_publish(self) -> None:
        if not self.checks().all_confirmed:
            self.show_error("Перед публикацией подтвердите все три проверки.")
            return
        self.error.hide()
        self.publish_requested.emit(self.checks())

    def request_rework(self) -> None:
        comment = self.comment_edit.toPlainText().strip()
        if not comment:
            self.show_error("Напишите исполнителю, что нужно доработать (п. 8).")
            self.comment_edit.setFocus()
            return
        self.error.hide()
        self.rework_requested.emit(comment, self.checks())
