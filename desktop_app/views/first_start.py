"""First start of a workstation (INTERFACES.md): the database, the administrator, the departments."""

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
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from desktop_app.errors import OtklikError
from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.demo import load_seed
from desktop_app.views.common.theme import Tone, style_text


def _plain(text: str, *, error: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if error:
        style_text(label, Tone.DANGER)
    return label


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Выход")
    buttons.rejected.connect(dialog.reject)
    return buttons


class DatabaseSetupDialog(QDialog):
    """Where this workstation keeps its data: its own SQLite file, or the department's PostgreSQL."""

    def __init__(self, sqlite_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Отклик — первый запуск: база данных")
        self._sqlite_url = sqlite_url
        self.url = ""
        layout = QVBoxLayout(self)
        layout.addWidget(_plain("Где хранить сообщения, черновики и журнал действий?"))
        self.sqlite_choice = QRadioButton("На этом компьютере (встроенная база SQLite)")
        self.sqlite_choice.setChecked(True)
        self.postgres_choice = QRadioButton("В общей базе отдела (PostgreSQL) — для нескольких рабочих мест")
        layout.addWidget(self.sqlite_choice)
        layout.addWidget(self.postgres_choice)
        self.postgres_form = QWidget()
        form = QFormLayout(self.postgres_form)
        self.host_edit = QLineEdit()
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit("otklik")
        self.user_edit = QLineEdit("otklik")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Сервер:", self.host_edit)
        form.addRow("Порт:", self.port_spin)
        form.addRow("База данных:", self.database_edit)
        form.addRow("Пользователь:", self.user_edit)
        form.addRow("Пароль:", self.password_edit)
        layout.addWidget(self.postgres_form)
        self.postgres_form.setEnabled(False)
        self.postgres_choice.toggled.connect(self.postgres_form.setEnabled)
        self.check_button = QPushButton("Проверить подключение")
        self.check_button.clicked.connect(self.check_connection)
        layout.addWidget(self.check_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.result_label = _plain("")
        layout.addWidget(self.result_label)
        buttons = _buttons(self, "Далее")
        buttons.accepted.connect(self.choose)
        layout.addWidget(buttons)

    def chosen_url(self) -> str:
        if self.sqlite_choice.isChecked():
            return self._sqlite_url
        return URL.create(
            "postgresql+psycopg",
            username=self.user_edit.text().strip() or None,
            password=self.password_edit.text() or None,
            host=self.host_edit.text().strip() or None,
            port=self.port_spin.value(),
            database=self.database_edit.text().strip() or None,
        ).render_as_string(hide_password=False)

    def _problem(self) -> str:
        if self.postgres_choice.isChecked() and not self.host_edit.text().strip():
            return "Укажите сервер PostgreSQL (имя или адрес)."
        if self.postgres_choice.isChecked() and not self.database_edit.text().strip():
            return "Укажите имя базы данных."
        return ""

    def check_connection(self) -> bool:
        problem = self._problem()
        if problem:
            self._show(problem, ok=False)
            return False
        try:
            database = Database(self.chosen_url())
            try:
                database.check_connection()
            finally:
                database.dispose()
        except OtklikError as exc:
            self._show(str(exc), ok=False)
            return False
        self._show("Подключение установлено.", ok=True)
        return True

    def _show(self, text: str, *, ok: bool) -> None:
        self.result_label.setText(text)
        style_text(self.result_label, Tone.OK if ok else Tone.DANGER)

    def choose(self) -> None:
        if self.postgres_choice.isChecked() and not self.check_connection():
            return
        self.url = self.chosen_url()
        self.accept()


class FirstStartDialog(QDialog):
    """The administrator's account and the administration's departments, on an empty database."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle("Отклик — первый запуск")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _plain(
                f"База данных: {services.db.describe()}\n"
                "Создайте учётную запись администратора и отметьте структурные подразделения — исполнителей. "
                "Сотрудников и ключевые слова подразделений администратор добавит потом."
            )
        )
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
        layout.addWidget(_plain("Структурные подразделения:"))
        self.departments = QListWidget()
        self.departments.setAccessibleName("Подразделения администрации")
        for department in load_seed()["departments"]:
            item = QListWidgetItem(department["name"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, department)
            self.departments.addItem(item)
        layout.addWidget(self.departments)
        self.error_label = _plain("", error=True)
        layout.addWidget(self.error_label)
        buttons = _buttons(self, "Создать")
        buttons.accepted.connect(self.create)
        layout.addWidget(buttons)

    def checked_departments(self) -> list[dict[str, object]]:
        return [
            self.departments.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.departments.count())
            if self.departments.item(row).checkState() == Qt.CheckState.Checked
        ]

    def create(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self.error_label.setText("Пароли не совпадают.")
            return
        try:
            admin = self._services.auth.create_first_admin(
                self.login_edit.text(), self.name_edit.text(), self.password_edit.text()
            )
            for department in self.checked_departments():
                self._services.admin.save_department(
                    admin, str(department["name"]), str(department["short"]), list(department["keywords"])
                )
        except OtklikError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()
