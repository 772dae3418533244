"""Notifications of the workstation (R5): new messages, deadlines about to expire and expired.

Shown only within working hours (``calendar.is_working_instant(now)``): outside them nobody is there to
act, and a stack of stale pop-ups in the morning helps nobody (the queues and colours show the state).
Each notification goes to the in-window strip and, when the desktop has one, to the tray.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSystemTrayIcon, QToolButton, QWidget

from desktop_app.domain.worktime.engine import WorkCalendar


class NotificationStrip(QFrame):
    """A one-line strip above the table with the latest notification and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notification_strip")
        self.setStyleSheet(
            "#notification_strip { background: #fff4d6; border: 1px solid #f0d58c; border-radius: 4px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 3, 3)
        self.label = QLabel()
        self.label.setObjectName("notification_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Скрыть уведомление")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self.hide()

    def show_text(self, text: str, urgent: bool) -> None:
        self.label.setText(text)
        self.label.setStyleSheet("color: #9b1c1c; font-weight: 600;" if urgent else "color: #5b4400;")
        self.show()


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

    def working_now(self) -> bool:
        return self._calendar().is_working_instant(self._now())

    def notify(self, text: str, *, urgent: bool = False) -> bool:
        """Show ``text`` unless it is outside working hours; returns whether it was shown."""
        if not self.working_now():
            return False
        self.history.append(text)
        self.strip.show_text(text, urgent)
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Warning if urgent else QSystemTrayIcon.MessageIcon.Information
            # Some notification servers render a markup subset: keep the author's text literal.
            safe = text.replace("<", "‹").replace(">", "›").replace("&", "＆")
            self.tray.showMessage("Отклик", safe, icon, 8000)
        self.notified.emit(text, urgent)
        return True
