"""The administrator's workspace: accounts, departments, working calendar, organisation dictionary."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
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
from desktop_app.views.admin_quarantine import QuarantineView
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
        self.quarantine = QuarantineView(context)  # R5, issue 12
        self.addTab(self.quarantine, "Не принятые сообщения")
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
        self._read(lambda: services.admin.users(actor), self._set_users, "users")
        self._read(services.admin.departments, self._set_departments, "departments")
        self._read(services.calendar.years_overview, self.years_model.set_rows, "years")
        self._read(services.calendar.custom_days, self.custom_days_model.set_rows, "custom_days")
        self._read(services.drafting.pending_words, self._set_pending, "pending_words")
        if services.audit_watch is not None:
            watch = services.audit_watch
            self._read(lambda: watch.warning(actor), self._set_audit_warning, "audit_warning")
        self.show_month(self.month_grid.yearShown(), self.month_grid.monthShown())

    def _set_audit_warning(self, text: str) -> None:
        self.audit_warning.setText(text)
        self.audit_warning.setVisible(bool(text))

    # -- users ---------------------------------------------------------------------------------

    def _users_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        # Issue 14: an event forged into the audit trail, or a foreign audit key, is told here.
        self.audit_warning = _plain("")
        self.audit_warning.setObjectName("audit_warning")
        self.audit_warning.setAccessibleName("Предупреждение о журнале действий")
        self.audit_warning.setVisible(False)
        layout.addWidget(self.audit_warning)
        self.users_model = RowsTableModel(
            ["Имя пользователя", "ФИО", "Роль", "Подразделение", "Доступ"],
            [
                lambda u: u.login,
                lambda u: u.full_name,
                lambda u: ROLE_NAMES[u.role],
                lambda u: u.department_name,
                lambda u: "действует" if u.is_active else "отключён",
            ],
        )
        self.users_table = QTableView()
        self.users_table.setObjectName("users")
        self.users_table.setAccessibleName("Сотрудники")
        self.users_table.setModel(self.users_model)
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.users_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_user())
        layout.addWidget(self.users_table, 1)

        # The selected person (issue 18, point 10): name, role, department, access, password.
        edit_box = QGroupBox("Выбранный сотрудник")
        edit_form = QFormLayout(edit_box)
        self.edit_name = QLineEdit()
        self.edit_name.setObjectName("edit_full_name")
        self.edit_role = QComboBox()
        self.edit_role.setObjectName("edit_role")
        for role in Role:
            self.edit_role.addItem(ROLE_NAMES[role], role.value)
        self.edit_department = QComboBox()
        self.edit_department.setObjectName("edit_department")
        self.edit_password = QLineEdit()
        self.edit_password.setObjectName("edit_password")
        self.edit_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit_password.setPlaceholderText("новый пароль, не короче 8 символов")
        edit_form.addRow("ФИО:", self.edit_name)
        edit_form.addRow("Роль:", self.edit_role)
        edit_form.addRow("Подразделение:", self.edit_department)
        edit_form.addRow("Новый пароль:", self.edit_password)
        edit_buttons = QHBoxLayout()
        self.save_user_button = QPushButton("Сохранить изменения")
        self.save_user_button.setObjectName("save_user")
        self.save_user_button.clicked.connect(self.save_user)
        self.reset_password_button = QPushButton("Сбросить пароль")
        self.reset_password_button.setObjectName("reset_password")
        self.reset_password_button.clicked.connect(self.reset_password)
        self.toggle_user_button = QPushButton("Отключить")
        self.toggle_user_button.setObjectName("toggle_user")
        self.toggle_user_button.clicked.connect(self.toggle_user)
        for button in (self.save_user_button, self.reset_password_button, self.toggle_user_button):
            edit_buttons.addWidget(button)
        edit_buttons.addStretch(1)
        edit_form.addRow(edit_buttons)
        self.user_result = _plain("")
        self.user_result.setObjectName("user_result")
        edit_form.addRow(self.user_result)
        self.edit_box = edit_box
        edit_box.setEnabled(False)

        add_box = QGroupBox("Новый сотрудник")
        form = QFormLayout(add_box)
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
        add = QPushButton("Добавить сотрудника")
        add.clicked.connect(self.add_user)
        form.addRow(add)
        forms = QHBoxLayout()
        forms.addWidget(edit_box, 1)
        forms.addWidget(add_box, 1)
        layout.addLayout(forms)
        return tab

    def selected_user(self) -> Any | None:
        index = self.users_table.selectionModel().currentIndex()
        rows = self.users_model.rows()
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def select_user(self, login: str) -> None:
        for n, user in enumerate(self.users_model.rows()):
            if user.login == login:
                self.users_table.selectRow(n)
                return

    def _show_user(self) -> None:
        user = self.selected_user()
        self.edit_box.setEnabled(user is not None)
        if user is None:
            return
        self.edit_box.setTitle(f"Выбранный сотрудник: {user.login}")
        self.edit_name.setText(user.full_name)
        self.edit_role.setCurrentIndex(self.edit_role.findData(user.role.value))
        index = self.edit_department.findData(user.department_id) if user.department_id else -1
        self.edit_department.setCurrentIndex(index)
        self.edit_password.clear()
        self.toggle_user_button.setText("Отключить" if user.is_active else "Включить")
        self.user_result.setText("")

    def _set_users(self, users: list[Any]) -> None:
        selected = self.selected_user()
        self.users_model.set_rows(users)
        if selected is not None:
            self.select_user(selected.login)

    def _user_done(self, text: str) -> Callable[[object], None]:
        def done(_: object) -> None:
            self.refresh()
            self.user_result.setText(text)

        return done

    def save_user(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        services, actor = self.context.services, self.context.actor
        name, role = self.edit_name.text(), Role(self.edit_role.currentData())
        department_id = self.edit_department.currentData() if role is Role.EXECUTOR else None
        self._call(
            lambda: services.admin.update_user(actor, user.id, name, role, department_id),
            self._user_done(f"Изменения сотрудника {user.login} сохранены."),
        )

    def reset_password(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        services, actor = self.context.services, self.context.actor
        password = self.edit_password.text()
        self.edit_password.clear()  # never kept on screen
        self._call(
            lambda: services.admin.reset_password(actor, user.id, password),
            self._user_done(f"Пароль сотрудника {user.login} изменён; старый больше не действует."),
        )

    def toggle_user(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        services, actor = self.context.services, self.context.actor
        active = not user.is_active
        self._call(
            lambda: services.admin.set_active(actor, user.id, active),
            self._user_done(
                f"Учётная запись {user.login} "
                + ("снова действует." if active else "отключена: вход невозможен.")
            ),
        )

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
        self.edit_department.clear()
        for department in departments:
            self.edit_department.addItem(department.name, department.id)
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
        # The month as a grid (issue 18, point 10): weekends, holidays, shortened and special days.
        month_row = QHBoxLayout()
        self.month_grid = QCalendarWidget()
        self.month_grid.setObjectName("month_grid")
        self.month_grid.setAccessibleName("Рабочий календарь на месяц")
        self.month_grid.setGridVisible(True)
        self.month_grid.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.month_grid.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.month_grid.currentPageChanged.connect(lambda year, month: self.show_month(year, month))
        self.month_grid.selectionChanged.connect(self._describe_selected_day)
        month_row.addWidget(self.month_grid, 2)
        legend = QVBoxLayout()
        self.day_label = _plain("")
        self.day_label.setObjectName("day_plan")
        legend.addWidget(self.day_label)
        legend.addWidget(
            _plain(
                "Выделены: нерабочие дни (выходные и праздники) — красным, сокращённые — курсивом, "
                "особые дни и рабочие выходные — жирным."
            )
        )
        legend.addStretch(1)
        month_row.addLayout(legend, 1)
        layout.addLayout(month_row, 2)
        self._month_plans: dict[dt.date, Any] = {}
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
        self.month_grid.setSelectedDate(QDate(today.year, today.month, today.day))
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

    def show_month(self, year: int, month: int) -> None:
        """Read the month's day plans off the UI thread and colour the grid."""
        calendar_service = self.context.services.calendar

        def plans() -> list[Any]:
            calendar = calendar_service.calendar()
            first = dt.date(year, month, 1)
            days = (dt.date(year + month // 12, month % 12 + 1, 1) - first).days
            found = []
            for n in range(days):
                try:
                    found.append(calendar.day_plan(first + dt.timedelta(days=n)))
                except OtklikError:  # a year without calendar data: shown plain, said in the legend
                    return []
            return found

        self._read(plans, self._paint_month, "month")

    def _paint_month(self, plans: list[Any]) -> None:
        grid = self.month_grid
        grid.setDateTextFormat(QDate(), QTextCharFormat())  # clear the previous month's marks
        self._month_plans = {p.day: p for p in plans}
        palette = grid.palette()
        for plan in plans:
            fmt = QTextCharFormat()
            if not plan.is_working:
                fmt.setForeground(QColor("#b00020"))
            if plan.shortened:
                fmt.setFontItalic(True)
            if plan.kind.value == "custom" or plan.working_weekend:
                fmt.setFontWeight(QFont.Weight.Bold)
                fmt.setForeground(palette.color(QPalette.ColorRole.Link))
            grid.setDateTextFormat(QDate(plan.day.year, plan.day.month, plan.day.day), fmt)
        if not plans:
            self.day_label.setText("Для этого года нет производственного календаря.")
        else:
            self._describe_selected_day()

    def day_description(self, day: dt.date) -> str:
        plan = self._month_plans.get(day)
        if plan is None:
            return ""
        if plan.is_working:
            hours = ", ".join(
                f"{i.start // 60:02d}:{i.start % 60:02d}–{i.end // 60:02d}:{i.end % 60:02d}"
                for i in plan.intervals
            )
            kind = "рабочий день"
            if plan.working_weekend:
                kind = "рабочий выходной"
            elif plan.shortened:
                kind = "сокращённый рабочий день"
            elif plan.kind.value == "custom":
                kind = "особый рабочий день"
            text = f"{day:%d.%m.%Y}: {kind}, {hours}"
        else:
            kind = {"holiday": "праздник", "weekend": "выходной", "custom": "особый нерабочий день"}
            text = f"{day:%d.%m.%Y}: {kind.get(plan.kind.value, 'нерабочий день')}"
        return text + (f" ({plan.reason})" if plan.reason else "")

    def _describe_selected_day(self) -> None:
        qdate = self.month_grid.selectedDate()
        self.day_label.setText(self.day_description(dt.date(qdate.year(), qdate.month(), qdate.day())))

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
