"""«Не принятые сообщения»: feed items the intake set aside (R5, issue 12), for administrators.

Each line shows the Incident id, the reason in Russian and when it was first seen; the payload is
shown as plain text (untrusted). «Повторить» tries to store it now; «Отклонить» closes it for good
with the administrator's comment (recorded in the audit trail, R11).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import OtklikError
from desktop_app.services.quarantine import QuarantineRow, RetryOutcome
from desktop_app.views.context import ViewContext
from desktop_app.views.rows_model import RowsTableModel


class QuarantineView(QWidget):
    """The administrators' list of quarantined feed items, with retry and dismiss."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._zone = zoneinfo.ZoneInfo(context.services.settings.administration.timezone)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Сообщения из Системы Инцидент, которые не удалось принять. Программа повторяет их при "
            "каждой синхронизации; ответ на ещё не полученное сообщение принимается, как только оно придёт."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.model = RowsTableModel(
            ["Номер в Системе Инцидент", "Причина", "Впервые получено", "Попыток"],
            [
                lambda r: r.item_id or "без номера",
                lambda r: r.reason,
                lambda r: r.first_seen_at.astimezone(self._zone).strftime("%d.%m.%Y %H:%M"),
                lambda r: str(r.attempts),
            ],
        )
        self.table = QTableView()
        self.table.setAccessibleName("Не принятые сообщения")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_payload())
        layout.addWidget(self.table, 2)
        self.payload = QPlainTextEdit()
        self.payload.setAccessibleName("Содержимое не принятого сообщения")
        self.payload.setReadOnly(True)
        self.payload.setPlaceholderText("Данные выбранного сообщения в том виде, как они пришли")
        layout.addWidget(self.payload, 1)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("Повторить")
        self.retry_button.clicked.connect(self.retry_selected)
        self.comment = QLineEdit()
        self.comment.setAccessibleName("Комментарий администратора")
        self.comment.setPlaceholderText("Почему сообщение не нужно принимать (для журнала)")
        self.dismiss_button = QPushButton("Отклонить")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.comment, 1)
        buttons.addWidget(self.dismiss_button)
        layout.addLayout(buttons)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        context.signals.data_changed.connect(self.refresh)
        self.refresh()

    def _run(self, fn: Any, on_done: Any, *, write: bool = False) -> None:
        # Through the one operation layer: dropped if this panel goes, writes serialised (issue 17).
        if write:
            self.context.ops.write(self, fn, on_done, self._failed)
        else:
            self.context.ops.query(self, fn, on_done, self._failed, slot="quarantine")

    def _failed(self, exc: BaseException) -> None:
        # Our own refusals are Russian sentences; anything else is detail for the log only.
        self.status.setText(str(exc) if isinstance(exc, OtklikError) else "Не удалось выполнить действие.")

    def refresh(self) -> None:
        services, actor = self.context.services, self.context.actor
        self._run(lambda: services.quarantine.open_entries(actor), self._set_rows)

    def _set_rows(self, rows: list[QuarantineRow]) -> None:
        self.model.set_rows(rows)
        self.retry_button.setEnabled(bool(rows))
        self.dismiss_button.setEnabled(bool(rows))
        if rows:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_payload()

    def selected(self) -> QuarantineRow | None:
        index = self.table.currentIndex()
        rows = self.model._rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def _show_payload(self) -> None:
        row = self.selected()
        self.payload.setPlainText(row.payload_preview if row else "")

    def retry_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        services, actor = self.context.services, self.context.actor

        def done(outcome: RetryOutcome) -> None:
            if outcome.stored:
                self.status.setText(f"Сообщение {row.item_id} принято.")
                self.context.signals.data_changed.emit()
            else:
                self.status.setText(f"Сообщение {row.item_id} по-прежнему не принимается: {outcome.reason}.")
                self.refresh()

        self._run(lambda: services.quarantine.retry(actor, row.id), done, write=True)

    def dismiss_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        comment = self.comment.text().strip()
        if not comment:
            self.status.setText("Укажите, почему сообщение не нужно принимать: это попадёт в журнал.")
            return
        services, actor = self.context.services, self.context.actor

        def done(_: object) -> None:
            self.comment.clear()
            self.status.setText(f"Сообщение {row.item_id or 'без номера'} отклонено.")
            self.context.signals.data_changed.emit()

        self._run(lambda: services.quarantine.dismiss(actor, row.id, comment), done, write=True)
