"""First start: create the administrator account (INTERFACES.md: the setup wizard's first step)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.errors import OtklikError
from desktop_app.services.bootstrap import AppServices


class FirstStartDialog(QDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle("Отклик — первый запуск")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"База данных: {services.db.describe()}\n"
            "Создайте учётную запись администратора. Затем администратор заведёт подразделения и сотрудников."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login_edit = QLineEdit("admin")
        self.name_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Имя пользователя:", self.login_edit)
        form.addRow("ФИО:", self.name_edit)
        form.addRow("Пароль:", self.password_edit)
        form.addRow("Пароль ещё раз:", self.repeat_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Создать")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def create(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self.error_label.setText("Пароли не совпадают.")
            return
        try:
            self._services.auth.create_first_admin(
                self.login_edit.text(), self.name_edit.text(), self.password_edit.text()
            )
        except OtklikError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()
