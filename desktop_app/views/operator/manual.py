"""Manual mode dialogs (issue 5.4): paste a post, publish an approved answer by hand.

An administration without Incident-system API access still works by the regulation: the operator
copies the approved text, posts it on the network, and confirms with the link of the published
answer; only then is the message «ответ дан» (R2).
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from desktop_app.services.manual import ManualPublication
from desktop_app.views.operator.dialogs import FormDialog, plain_label

PASTE_HINT = (
    "Вставьте пост, скопированный из «Системы Инцидент» или из соцсети. Поля распознаются по строкам\n"
    "«Автор: …», «Ссылка: …», «Площадка: …», «Текст: …»; без них первая ссылка считается ссылкой на пост."
)


class PasteMessageDialog(FormDialog):
    """Register a post pasted by hand as a new message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Вставить сообщение", "Добавить сообщение", parent)
        self.resize(620, 460)
        self.layout_.addWidget(plain_label(PASTE_HINT))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("Текст сообщения")
        self.text_edit.setObjectName("pasted_text")
        self.layout_.addWidget(self.text_edit, 1)
        self.layout_.addWidget(plain_label("Номер в «Системе Инцидент» (если есть):"))
        self.incident_edit = QLineEdit()
        self.incident_edit.setAccessibleName("Номер инцидента")
        self.incident_edit.setObjectName("incident_id")
        self.layout_.addWidget(self.incident_edit)
        self.finish_layout()

    def pasted_text(self) -> str:
        return self.text_edit.toPlainText()

    def incident_id(self) -> str:
        return self.incident_edit.text().strip()

    def problem(self) -> str:
        return "" if self.pasted_text().strip() else "Вставьте текст сообщения."


class ManualPublishDialog(FormDialog):
    """Copy the approved text, open the post, and confirm with the link of the published answer."""

    def __init__(self, publication: ManualPublication, parent: QWidget | None = None) -> None:
        super().__init__(f"Опубликовать вручную: {publication.action_name}", "Подтвердить публикацию", parent)
        self.publication = publication
        self.resize(640, 480)
        self.layout_.addWidget(plain_label(f"Автор: {publication.author_name}"))
        self.text_view = QPlainTextEdit(publication.text)
        self.text_view.setAccessibleName("Текст ответа для публикации")
        self.text_view.setReadOnly(True)
        self.text_view.setObjectName("approved_text")
        self.layout_.addWidget(self.text_view, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Скопировать текст")
        self.copy_button.clicked.connect(self.copy_text)
        buttons.addWidget(self.copy_button)
        self.open_button = QPushButton("Открыть пост")
        self.open_button.setEnabled(publication.post_url.startswith(("https://", "http://")))
        self.open_button.clicked.connect(self.open_post)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(plain_label("Ссылка на опубликованный ответ (обязательно):"))
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("published_url")
        self.url_edit.setPlaceholderText("https://…")
        self.layout_.addWidget(self.url_edit)
        self.finish_layout()

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.publication.text)
        self.copy_button.setText("Текст скопирован")

    def open_post(self) -> None:
        QDesktopServices.openUrl(QUrl(self.publication.post_url))

    def published_url(self) -> str:
        return self.url_edit.text().strip()

    def problem(self) -> str:
        url = self.published_url()
        if not url.startswith(("https://", "http://")):
            return "Вставьте ссылку на опубликованный ответ: она начинается с https://."
        return ""
