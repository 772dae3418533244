"""The queue list on the left of the workstation: Russian names and live counts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.services.queries import Queue
from desktop_app.views.common.theme import Tone, strong, tinted

QUEUE_NAMES: dict[Queue, str] = {
    Queue.NEW: "Новые",
    Queue.WITH_EXECUTORS: "У исполнителей",
    Queue.AWAITING_REVIEW: "На проверке",
    Queue.RETURNED: "На доработке",
    Queue.PUBLISHING: "Отправляются",
    Queue.INTERIM: "Промежуточный ответ",
    Queue.AWAITING_AUTHOR: "Ждут ответа автора",
    Queue.OVERDUE: "Просроченные",
    Queue.ALL: "Все сообщения",
}
QUEUE_TIPS: dict[Queue, str] = {
    Queue.NEW: "Поступили из «Системы Инцидент» и ждут распределения (1 рабочий час, п. 5)",
    Queue.WITH_EXECUTORS: "Направлены исполнителям, включая возвращённые на доработку",
    Queue.AWAITING_REVIEW: "Проекты ответов ждут проверки (30 рабочих минут, п. 7)",
    Queue.RETURNED: "Возвращены исполнителям на доработку (30 рабочих минут, п. 8)",
    Queue.PUBLISHING: "Ответы и перенаправления ждут подтверждения «Системы Инцидент»",
    Queue.INTERIM: "Дан промежуточный ответ; окончательный — в течение 7 рабочих дней (п. 9)",
    Queue.AWAITING_AUTHOR: "Запрошено уточнение у автора",
    Queue.OVERDUE: "Открытые сообщения с истёкшим сроком этапа или общим сроком",
    Queue.ALL: "Все сообщения, включая закрытые",
}
QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2


class QueueListModel(QAbstractListModel):
    """One row per ``Queue``; ``set_counts`` updates the numbers in place (no reset)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._queues = list(Queue)
        self._counts: dict[Queue, int] = {}

    def queue_at(self, row: int) -> Queue:
        return self._queues[row]

    def row_of(self, queue: Queue) -> int:
        return self._queues.index(queue)

    def counts(self) -> dict[Queue, int]:
        return dict(self._counts)

    def set_counts(self, counts: dict[Queue, int]) -> None:
        self._counts = dict(counts)
        if self._queues:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._queues) - 1, 0),
                [Qt.ItemDataRole.DisplayRole, COUNT_ROLE, Qt.ItemDataRole.AccessibleTextRole],
            )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._queues)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._queues):
            return None
        queue = self._queues[index.row()]
        count = self._counts.get(queue)
        if role == Qt.ItemDataRole.DisplayRole:
            return QUEUE_NAMES[queue]
        if role == COUNT_ROLE:
            return -1 if count is None else count  # never None (see message_table.STATUS_ROLE)
        if role == QUEUE_ROLE:
            return queue.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return QUEUE_TIPS[queue]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{QUEUE_NAMES[queue]}: {count if count is not None else 'нет данных'}"
        return None


class QueueDelegate(QStyledItemDelegate):
    """Queue name on the left, its count as a pill on the right (red for a non-empty «Просроченные»)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        count = index.data(COUNT_ROLE)
        queue = Queue(index.data(QUEUE_ROLE))
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.rect = option.rect.adjusted(0, 0, -44, 0)
        style = opt.widget.style() if opt.widget else None
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        full.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, full.widget)
            opt.backgroundBrush = Qt.BrushStyle.NoBrush
            opt.state &= ~QStyle.StateFlag.State_HasFocus
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if count is None or count < 0:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        text = str(count)
        width = max(painter.fontMetrics().horizontalAdvance(text) + 14, 26)
        height = painter.fontMetrics().height() + 2
        rect = QRect(
            option.rect.right() - width - 8, option.rect.center().y() - height // 2 + 1, width, height
        )
        urgent = queue is Queue.OVERDUE and count > 0
        # Colours from the palette (issue 18): red when overdue, the highlight for new, else a soft tint.
        if urgent:
            swatch = strong(Tone.DANGER)
        elif queue is Queue.NEW and count > 0:
            swatch = strong(Tone.NOTICE)
        else:
            swatch = tinted(Tone.MUTED)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(swatch.bg)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(swatch.fg)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height() + 10, 30))
