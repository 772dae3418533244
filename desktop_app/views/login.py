"""Login dialog; on the demo database it lists the demo accounts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import OtklikError
from desktop_app.services.actor import Actor
from desktop_app.services.auth import AuthService
from desktop_app.views.common.theme import Tone, style_text

ROLE_TITLES = {
    "operator": "отдел по обращениям граждан",
    "executor": "исполнитель",
    "supervisor": "руководитель",
    "admin": "администратор",
}


class LoginDialog(QDialog):
    def __init__(
        self,
        auth: AuthService,
        demo_accounts: dict[str, str] | None = None,
        demo_password: str = "",
        parent: QWidget | None = None,
        demo_departments: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Отклик — вход")
        self._auth = auth
        self.actor: Actor | None = None
        layout = QVBoxLayout(self)
        title = QLabel("Отклик")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        layout.addWidget(title)
        subtitle = QLabel("Ответы на сообщения граждан из открытых источников")
        subtitle.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(subtitle)
        form = QFormLayout()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Имя пользователя:", self.login_edit)
        form.addRow("Пароль:", self.password_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        style_text(self.error_label, Tone.DANGER)
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        if demo_accounts:
            hint = QLabel(f"Демонстрационные учётные записи (пароль «{demo_password}»):")
            hint.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(hint)
            self.accounts = QListWidget()
            self.accounts.setAccessibleName("Демонстрационные учётные записи")
            self.accounts.setObjectName("demo_accounts")
            for login, role in demo_accounts.items():
                title = ROLE_TITLES.get(role, role)
                department = (demo_departments or {}).get(login)
                if department:  # which executor answers for what (issue 18)
                    title = f"{title}: {department}"
                item = QListWidgetItem(f"{login} — {title}")
                item.setData(Qt.ItemDataRole.UserRole, login)
                self.accounts.addItem(item)
            self.accounts.itemClicked.connect(
                lambda item: self._pick(item.data(Qt.ItemDataRole.UserRole), demo_password)
            )
            self.accounts.setMinimumHeight(self.accounts.sizeHintForRow(0) * len(demo_accounts) + 8)
            layout.addWidget(self.accounts)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Войти")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Выход")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 0)

    def _pick(self, login: str, password: str) -> None:
        self.login_edit.setText(login)
        self.password_edit.setText(password)

    def try_login(self) -> None:
        try:
            self.actor = self._auth.login(self.login_edit.text(), self.password_edit.text())
        except OtklikError as exc:
            self.error_label.setText(str(exc))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return
        self.accept()
