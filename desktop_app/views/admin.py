"""The administrator's workspace: accounts, departments, working calendar, organisation dictionary."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import OverallClock, Stage
from desktop_app.errors import OtklikError
from desktop_app.services.errors import InputError
from desktop_app.services.texts import ROLE_NAMES, STAGE_NAMES
from desktop_app.views.common.dialogs import error_text
from desktop_app.views.context import ViewContext
from desktop_app.views.rows_model import RowsTableModel

_UNITS_RU = {"m": "мин", "h": "ч", "d": "дн"}
_UNITS_IN = {"m": "m", "мин": "m", "м": "m", "h": "h", "ч": "h", "d": "d", "дн": "d", "д": "d"}
_BUDGET_RE = re.compile(r"^\s*(\d{1,7})\s*([a-zа-яё]+)\.?\s*$", re.IGNORECASE)


def budget_text(budget: object) -> str:
    """«30 мин», «6 ч», «7 дн»: the stage budgets in Russian units (issue 18, point 8)."""
    raw = str(budget)
    amount, unit = raw[:-1], raw[-1:]
    return f"{amount} {_UNITS_RU.get(unit, unit)}"


def budget_value(text: str) -> str:
    """«30 мин» / «30м» / «6 ч» → the stored form (30m, 6h); unrecognised text is returned unchanged."""
    match = _BUDGET_RE.match(text)
    if match is None:
        return text.strip()
    unit = _UNITS_IN.get(match.group(2).casefold())
    return f"{int(match.group(1))}{unit}" if unit else text.strip()


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class AdminWorkspace(QTabWidget):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.addTab(self._users_tab(), "Сотрудники")
        self.addTab(self._departments_tab(), "Подразделения")
        self.addTab(self._calendar_tab(), "Рабочий календарь")
        self.addTab(self._policy_tab(), "Сроки этапов")
        self.addTab(self._dictionary_tab(), "Словарь организации")
        context.signals.data_changed.connect(self.refresh)
        self.refresh()

    # -- helpers -------------------------------------------------------------------------------

    def _read(self, fn: Callable[[], Any], on_done: Callable[[Any], None], slot: str) -> None:
        self.context.ops.query(self, fn, on_done, self._show_error, slot=slot)

    def _call(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """A change: serialised with every other write; its refusal is shown here, in Russian."""
        self.context.ops.write(self, fn, on_done, self._show_error)

    def _show_error(self, exc: BaseException) -> None:
        text = error_text(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, "Отклик", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.last_error = text

    def refresh(self) -> None:
        services, actor = self.context.services, self.context.actor
        self._read(lambda: services.admin.users(actor), self.users_model.set_rows, "users")
        self._read(services.admin.departments, self._set_departments, "departments")
        self._read(services.calendar.years_overview, self.years_model.set_rows, "years")
        self._read(services.calendar.custom_days, self.custom_days_model.set_rows, "custom_days")
        self._read(services.drafting.pending_words, self._set_pending, "pending_words")

    # -- users ---------------------------------------------------------------------------------

    def _users_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.users_model = RowsTableModel(
            ["Имя пользователя", "ФИО", "Роль", "Подразделение"],
            [
                lambda u: u.login,
                lambda u: u.full_name,
                lambda u: ROLE_NAMES[u.role],
                lambda u: u.department_name,
            ],
        )
        table = QTableView()
        table.setModel(self.users_model)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        form = QFormLayout()
        self.new_login = QLineEdit()
        self.new_name = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_role = QComboBox()
        for role in Role:
            self.new_role.addItem(ROLE_NAMES[role], role.value)
        self.new_department = QComboBox()
        form.addRow("Имя пользователя:", self.new_login)
        form.addRow("ФИО:", self.new_name)
        form.addRow("Пароль:", self.new_password)
        form.addRow("Роль:", self.new_role)
        form.addRow("Подразделение:", self.new_department)
        layout.addLayout(form)
        add = QPushButton("Добавить сотрудника")
        add.clicked.connect(self.add_user)
        layout.addWidget(add, alignment=Qt.AlignmentFlag.AlignRight)
        return tab

    def add_user(self) -> None:
        services, actor = self.context.services, self.context.actor
        role = Role(self.new_role.currentData())
        department_id = self.new_department.currentData() if role is Role.EXECUTOR else None
        login, name, password = self.new_login.text(), self.new_name.text(), self.new_password.text()

        def done(_: object) -> None:
            for edit in (self.new_login, self.new_name, self.new_password):
                edit.clear()
            self.refresh()

        self._call(lambda: services.auth.create_user(actor, login, name, password, role, department_id), done)

    # -- departments ---------------------------------------------------------------------------

    def _departments_tab(self) -> QWidget:
        tab = QWidget()
        layout = QHBoxLayout(tab)
        self.departments_list = QListWidget()
        self.departments_list.currentItemChanged.connect(self._show_department)
        layout.addWidget(self.departments_list, 1)
        right = QVBoxLayout()
        form = QFormLayout()
        self.department_name = QLineEdit()
        self.department_short = QLineEdit()
        self.department_keywords = QPlainTextEdit()
        self.department_keywords.setPlaceholderText("Ключевые слова компетенции, по одному в строке")
        form.addRow("Название:", self.department_name)
        form.addRow("Краткое название:", self.department_short)
        form.addRow("Компетенция:", self.department_keywords)
        right.addLayout(form)
        save = QPushButton("Сохранить подразделение")
        save.clicked.connect(self.save_department)
        right.addWidget(save, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addLayout(right, 2)
        return tab

    def _set_departments(self, departments: list[Any]) -> None:
        self._departments = {d.id: d for d in departments}
        self.departments_list.clear()
        self.new_department.clear()
        for department in departments:
            item = QListWidgetItem(department.name)
            item.setData(Qt.ItemDataRole.UserRole, department.id)
            self.departments_list.addItem(item)
            self.new_department.addItem(department.name, department.id)

    def _show_department(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        department = self._departments[item.data(Qt.ItemDataRole.UserRole)]
        self.department_name.setText(department.name)
        self.department_short.setText(department.short_name)
        self.department_keywords.setPlainText("\n".join(department.keywords))

    def save_department(self) -> None:
        services, actor = self.context.services, self.context.actor
        name, short = self.department_name.text(), self.department_short.text()
        keywords = self.department_keywords.toPlainText().splitlines()
        self._call(
            lambda: services.admin.save_department(actor, name, short, keywords), lambda _: self.refresh()
        )

    # -- calendar ------------------------------------------------------------------------------

    def _calendar_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            _plain(
                "Сроки считаются по производственному календарю. Календарь следующего года можно загрузить "
                "из файла xmlcalendar (XML или JSON) или открытых данных data.gov.ru (CSV). Открытые сроки "
                "пересчитываются, завершённые — нет."
            )
        )
        self.years_model = RowsTableModel(
            ["Год", "Источник", "Статус"],
            [lambda y: str(y[0]), lambda y: y[1], lambda y: "предварительный" if y[2] else "официальный"],
        )
        years = QTableView()
        years.setModel(self.years_model)
        years.verticalHeader().hide()
        years.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        years.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(years, 1)
        import_button = QPushButton("Загрузить календарь из файла…")
        import_button.clicked.connect(self.choose_calendar_file)
        layout.addWidget(import_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.custom_days_model = RowsTableModel(
            ["Особый день", "Рабочее время", "Причина"],
            [lambda d: d[0].strftime("%d.%m.%Y"), lambda d: d[1], lambda d: d[2]],
        )
        custom_days = QTableView()
        custom_days.setModel(self.custom_days_model)
        custom_days.verticalHeader().hide()
        custom_days.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        custom_days.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(custom_days, 1)
        form = QFormLayout()
        today = self.context.services.now().astimezone(
            zoneinfo.ZoneInfo(self.context.services.settings.administration.timezone)
        )
        self.custom_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.custom_date.setDisplayFormat("dd.MM.yyyy")
        self.custom_date.setCalendarPopup(True)
        self.custom_intervals = QLineEdit()
        self.custom_intervals.setPlaceholderText("например 09:00-12:00, 13:00-16:00; пусто — нерабочий день")
        self.custom_note = QLineEdit()
        form.addRow("Особый день:", self.custom_date)
        form.addRow("Рабочие интервалы:", self.custom_intervals)
        form.addRow("Причина:", self.custom_note)
        layout.addLayout(form)
        save = QPushButton("Сохранить особый день")
        save.clicked.connect(self.save_custom_day)
        layout.addWidget(save, alignment=Qt.AlignmentFlag.AlignLeft)
        self.calendar_result = _plain("")
        layout.addWidget(self.calendar_result)
        return tab

    def choose_calendar_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Производственный календарь", "", "Календарь (*.xml *.json *.csv)"
        )
        if path:
            self.import_calendar_file(Path(path))

    def import_calendar_file(self, path: Path) -> None:
        services, actor = self.context.services, self.context.actor
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._show_error(OtklikError(f"Не удаётся прочитать файл «{path.name}»: {exc.strerror}."))
            return

        def done(moved: list[tuple[int, int]]) -> None:
            self.calendar_result.setText(
                "Загружено: "
                + "; ".join(f"{year} год, пересчитано открытых сроков — {count}" for year, count in moved)
            )
            self.refresh()

        self._call(lambda: services.calendar.import_file(actor, path.name, content), done)

    def save_custom_day(self) -> None:
        services, actor = self.context.services, self.context.actor
        qdate = self.custom_date.date()
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        intervals: list[tuple[str, str]] = []
        for part in self.custom_intervals.text().replace(";", ",").split(","):
            if not part.strip():
                continue
            start, sep, end = part.strip().partition("-")
            if not sep:
                self._show_error(
                    OtklikError(f"Интервал «{part.strip()}» записан неверно: нужно ЧЧ:ММ-ЧЧ:ММ.")
                )
                return
            intervals.append((start.strip(), end.strip()))
        note = self.custom_note.text()

        def done(moved: int) -> None:
            self.calendar_result.setText(
                f"Особый день {day:%d.%m.%Y} сохранён; пересчитано открытых сроков — {moved}."
            )
            self.refresh()

        self._call(lambda: services.calendar.set_custom_day(actor, day, intervals, note), done)

    # -- deadline policy (R3–R9) ---------------------------------------------------------------

    def _policy_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            _plain(
                "Сроки по Положению: направление — 1 ч, перенаправление — 30 мин, проект ответа — 6 ч, "
                "проверка — 30 мин, доработка — 30 мин, ответ автору — 8 ч, окончательный ответ после "
                "промежуточного — 7 дн. Запись: «30 мин» — рабочие минуты, «6 ч» — рабочие часы, «7 дн» — "
                "рабочие дни. Новые сроки действуют "
                "для этапов, начатых после сохранения; на других рабочих местах — в течение минуты."
            )
        )
        form = QFormLayout()
        policy = self.context.services.policy.current()
        self.budget_edits: dict[Stage, QLineEdit] = {}
        for stage in Stage:
            edit = QLineEdit(budget_text(policy.budget(stage)))
            edit.setPlaceholderText("например, 30 мин, 6 ч, 7 дн")
            edit.setObjectName(f"budget_{stage.value}")
            self.budget_edits[stage] = edit
            form.addRow(f"{STAGE_NAMES[stage.value].capitalize()}:", edit)
        self.overall_clock = QComboBox()
        self.overall_clock.addItem("рабочие часы (по календарю)", OverallClock.WORKING.value)
        self.overall_clock.addItem("календарные часы", OverallClock.CALENDAR.value)
        self.overall_clock.setCurrentIndex(self.overall_clock.findData(policy.overall_clock.value))
        form.addRow("Общий срок ответа считается в:", self.overall_clock)
        self.warn_percent = QSpinBox()
        self.warn_percent.setRange(0, 100)
        self.warn_percent.setSuffix(" %")
        self.warn_percent.setValue(round(policy.warn_fraction * 100))
        form.addRow("Предупреждать за последние:", self.warn_percent)
        self.warn_minutes = QSpinBox()
        self.warn_minutes.setRange(0, 480)
        self.warn_minutes.setSuffix(" мин")
        self.warn_minutes.setValue(policy.warn_min_minutes)
        form.addRow("…но не менее чем за:", self.warn_minutes)
        layout.addLayout(form)
        save = QPushButton("Сохранить сроки")
        save.clicked.connect(self.save_policy)
        layout.addWidget(save, alignment=Qt.AlignmentFlag.AlignLeft)
        self.policy_result = _plain("")
        layout.addWidget(self.policy_result)
        layout.addStretch(1)
        return tab

    def save_policy(self) -> None:
        services, actor = self.context.services, self.context.actor
        budgets = {stage: budget_value(edit.text()) for stage, edit in self.budget_edits.items()}
        for stage, value in budgets.items():
            if not re.fullmatch(r"\d+[mhd]", value):
                # Said here in the units the administrator sees (the domain's message names m/h/d).
                self._show_error(
                    InputError(
                        f"Срок этапа «{STAGE_NAMES[stage.value]}»: укажите число и единицу — мин, ч или дн "
                        "(например, 30 мин, 6 ч, 7 дн)."
                    )
                )
                return
        clock = str(self.overall_clock.currentData())
        fraction = self.warn_percent.value() / 100
        minimum = self.warn_minutes.value()
        self._call(
            lambda: services.policy.save(actor, budgets, clock, fraction, minimum),
            lambda _policy: self.policy_result.setText("Сроки этапов сохранены."),
        )

    # -- dictionary ----------------------------------------------------------------------------

    def _dictionary_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            _plain("Слова, предложенные сотрудниками для словаря организации (улицы, сокращения, имена):")
        )
        self.pending_list = QListWidget()
        layout.addWidget(self.pending_list)
        buttons = QHBoxLayout()
        approve = QPushButton("Утвердить")
        approve.clicked.connect(lambda: self.decide_word(True))
        reject = QPushButton("Отклонить")
        reject.clicked.connect(lambda: self.decide_word(False))
        buttons.addWidget(approve)
        buttons.addWidget(reject)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return tab

    def _set_pending(self, words: list[tuple[int, str]]) -> None:
        self.pending_list.clear()
        for word_id, word in words:
            item = QListWidgetItem(word)
            item.setData(Qt.ItemDataRole.UserRole, word_id)
            self.pending_list.addItem(item)

    def decide_word(self, approve: bool) -> None:
        item = self.pending_list.currentItem()
        if item is None:
            return
        services, actor = self.context.services, self.context.actor
        word_id = item.data(Qt.ItemDataRole.UserRole)
        self._call(lambda: services.drafting.approve_word(actor, word_id, approve), lambda _: self.refresh())
