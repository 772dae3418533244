"""Supervisor's timeliness report (R11): who met and who missed which stage deadlines."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.reports import TimelinessRow
from desktop_app.views.common.dialogs import error_text
from desktop_app.views.context import ViewContext
from desktop_app.views.rows_model import RowsTableModel


class ReportsDialog(QDialog):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Соблюдение сроков")
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        today = context.services.now().astimezone(self._zone()).date()
        self.since_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.until_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        controls.addWidget(QLabel("С"))
        controls.addWidget(self.since_edit)
        controls.addWidget(QLabel("по"))
        controls.addWidget(self.until_edit)
        show = QPushButton("Показать")
        show.clicked.connect(self.load)
        controls.addWidget(show)
        controls.addStretch(1)
        layout.addLayout(controls)
        self.model = RowsTableModel(
            ["Ответственный", "Этап", "В срок", "С опозданием", "Просрочено сейчас", "Доля в срок"],
            [
                lambda r: r.responsible,
                lambda r: r.stage,
                lambda r: str(r.met),
                lambda r: str(r.late),
                lambda r: str(r.open_overdue),
                lambda r: f"{r.on_time_share:.0%}",
            ],
        )
        table = QTableView()
        table.setModel(self.model)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        note = QLabel(
            "Этап засчитывается сотруднику, который его завершил; открытый этап — подразделению или отделу. "
            "Даты — по началу этапа."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.load()

    def _zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.context.services.settings.administration.timezone)

    def _instant(self, date: QDate, next_day: bool = False) -> dt.datetime:
        day = dt.date(date.year(), date.month(), date.day()) + dt.timedelta(days=1 if next_day else 0)
        return dt.datetime(day.year, day.month, day.day, tzinfo=self._zone())

    def load(self) -> None:
        services, actor = self.context.services, self.context.actor
        since = self._instant(self.since_edit.date())
        until = self._instant(self.until_edit.date(), next_day=True)
        self.context.ops.query(
            self,
            lambda: services.reports.timeliness(actor, since, until, services.now()),
            self._show,
            self._failed,
            slot="timeliness",  # a newer period wins over an older one still being counted
        )

    def _show(self, rows: list[TimelinessRow]) -> None:
        self.model.set_rows(rows)

    def _failed(self, exc: BaseException) -> None:
        text = error_text(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, "Отклик", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
