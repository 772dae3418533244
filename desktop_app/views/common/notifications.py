"""Notifications of the workstation (R5): new messages, deadlines about to expire and expired.

Shown only within working hours (``calendar.is_working_instant(now)``): outside them nobody is there to
act, and a stack of stale pop-ups in the morning helps nobody (the queues and colours show the state).
Each notification goes to the in-window strip and, when the desktop has one, to the tray.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.views.common.countdown import format_instant, plain_tooltip
from desktop_app.views.common.theme import Tone, style_box


@dataclass(frozen=True)
class Notice:
    at: dt.datetime
    text: str
    urgent: bool
    key: Hashable | None = None


class NotificationHistory(QDialog):
    """Every notification of this session, newest first (issue 18, point 9)."""

    def __init__(
        self, notices: list[Notice], format_time: Callable[[dt.datetime], str], parent: QWidget | None
    ):
        super().__init__(parent)
        self.setWindowTitle("Уведомления")
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("История уведомлений")
        self.list.setObjectName("notification_history")
        self.list.setAccessibleName("Уведомления")
        self.list.setWordWrap(True)
        for notice in reversed(notices):
            item = QListWidgetItem(f"{format_time(notice.at)} — {notice.text}")
            if notice.urgent:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        if not notices:
            self.list.addItem("Уведомлений не было.")
        layout.addWidget(self.list)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)


class NotificationStrip(QFrame):
    """A one-line strip above the table with the latest notification, its history and a close button.

    One line whatever the text (elided, full text in the tooltip), so it never pushes the table down
    (it used to grow to ~140 px); «Все (n)» lists every notification of the session.

    Signals:
        history_requested(): the user asked for the list of notifications.
    """

    history_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notification_strip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 3, 1)
        self.label = QLabel()
        self.label.setObjectName("notification_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(False)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.label, 1)
        self.history_button = QToolButton()
        self.history_button.setObjectName("notification_history_button")
        self.history_button.setAutoRaise(True)
        self.history_button.setText("Все")
        self.history_button.setToolTip("Все уведомления за сеанс")
        self.history_button.setAccessibleName("Все уведомления")
        self.history_button.clicked.connect(self.history_requested.emit)
        layout.addWidget(self.history_button)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Скрыть уведомление")
        close.setAccessibleName("Скрыть уведомление")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._full = ""
        self.setMaximumHeight(self.fontMetrics().height() * 2 + 6)
        self.hide()

    def show_text(self, text: str, urgent: bool, count: int = 0) -> None:
        self._full = " ".join(text.split())  # one line: the author's line breaks stay in the tooltip
        self.label.setToolTip(plain_tooltip(text))
        font = self.label.font()
        font.setBold(urgent)
        self.label.setFont(font)
        # Amber when urgent, the highlight's tint otherwise; from the palette, following a change of it.
        tone = Tone.WARNING if urgent else Tone.NOTICE
        style_box(self, tone, selector="QFrame#notification_strip", radius=0)
        self.history_button.setText(f"Все ({count})" if count else "Все")
        self._elide()
        self.show()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.label.width(), 80)
        self.label.setText(
            self.label.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        )


class Notifier(QObject):
    """Routes notifications to the strip and the tray, within working hours only.

    Signals:
        notified(str, bool): a notification was shown (text, urgent).
    """

    notified = Signal(str, bool)

    def __init__(
        self,
        strip: NotificationStrip,
        calendar: Callable[[], WorkCalendar],
        now: Callable[[], dt.datetime],
        parent: QObject | None = None,
        *,
        use_tray: bool = True,
    ) -> None:
        super().__init__(parent)
        self.strip = strip
        self._calendar = calendar
        self._now = now
        self.tray: QSystemTrayIcon | None = None
        if use_tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(QIcon.fromTheme("mail-message-new"), self)
            self.tray.setToolTip("Отклик")
            self.tray.show()
        self.history: list[str] = []
        self.notices: list[Notice] = []
        self._shown: Notice | None = None
        self.dialog: NotificationHistory | None = None
        strip.history_requested.connect(self.show_history)

    def working_now(self) -> bool:
        return self._calendar().is_working_instant(self._now())

    def notify(self, text: str, *, urgent: bool = False, key: Hashable | None = None) -> bool:
        """Show ``text`` unless it is outside working hours; returns whether it was shown.

        ``key`` names what the notification is about (e.g. a message's rework), so it can be
        withdrawn once that is over (:meth:`withdraw`).
        """
        if not self.working_now():
            return False
        self.history.append(text)
        notice = Notice(self._now(), text, urgent, key)
        self.notices.append(notice)
        self._shown = notice
        self.strip.show_text(text, urgent, len(self.notices))
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Warning if urgent else QSystemTrayIcon.MessageIcon.Information
            # Some notification servers render a markup subset: keep the author's text literal.
            safe = text.replace("<", "‹").replace(">", "›").replace("&", "＆")
            self.tray.showMessage("Отклик", safe, icon, 8000)
        self.notified.emit(text, urgent)
        return True

    def withdraw(self, key: Hashable) -> None:
        """What ``key`` was about is over (the rework was resubmitted): take it off the strip."""
        if self._shown is not None and self._shown.key == key:
            self._shown = None
            self.strip.hide()

    def show_history(self) -> NotificationHistory:
        calendar = self._calendar()
        self.dialog = NotificationHistory(
            self.notices, lambda at: format_instant(calendar, at), self.strip.window()
        )
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.open()
        return self.dialog
