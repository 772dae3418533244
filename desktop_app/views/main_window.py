"""The main window: menu, status bar (database, Incident-system connection, user), role workspace."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.domain.lifecycle import Role
from desktop_app.services.presence import HEARTBEAT
from desktop_app.services.texts import ROLE_NAMES
from desktop_app.views.common.countdown import plain_tooltip
from desktop_app.views.common.dialogs import show_message
from desktop_app.views.common.theme import Tone, install_focus_ring, style_text
from desktop_app.views.context import ChangeFeedBridge, ViewContext
from desktop_app.views.ui_state import UiState


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def database_caption(db: object) -> str:
    """What the status bar says about the database: where it is, not its file path (issue 18)."""
    if getattr(db, "dialect", "") == "sqlite":
        return "База данных: на этом компьютере"
    url = getattr(getattr(db, "engine", None), "url", None)
    host = getattr(url, "host", None) or "этот компьютер"
    return f"База данных: общая, сервер {host}"


def build_workspace(context: ViewContext) -> QWidget:
    """The work area for the user's role (operators and supervisors share the queues)."""
    if context.actor.role is Role.EXECUTOR:
        from desktop_app.views.executor.workspace import ExecutorWorkspace

        return ExecutorWorkspace(context)
    if context.actor.role is Role.ADMIN:
        from desktop_app.views.admin import AdminWorkspace

        return AdminWorkspace(context)
    from desktop_app.views.operator.workspace import OperatorWorkspace

    return OperatorWorkspace(context)


class MainWindow(QMainWindow):
    """Signals:
    logout_requested: «Сменить пользователя» (the session closes this window and shows the login).
    """

    logout_requested = Signal()

    def __init__(
        self, context: ViewContext, *, watch_changes: bool = True, ui_state: UiState | None = None
    ) -> None:
        super().__init__()
        install_focus_ring()  # idempotent; also when a test or a tool builds the window without the app
        self.context = context
        self.ui_state = ui_state  # geometry, splitters and columns between runs (issue 18)
        actor = context.actor
        self.setWindowTitle(f"Отклик — {actor.full_name} ({ROLE_NAMES[actor.role]})")
        self.resize(1360, 820)

        self.workspace = build_workspace(context)
        self.setCentralWidget(self.workspace)

        self.database_label = _plain_label(database_caption(context.services.db))
        self.database_label.setToolTip(plain_tooltip(context.services.db.describe()))  # the path, on demand
        self.database_label.setObjectName("database_status")
        self.connection_label = _plain_label("«Система Инцидент»: нет данных о синхронизации")
        self.connection_label.setObjectName("connection_status")
        # A long freshness text is cut at the window's edge, not widening the window (issue 18).
        self.connection_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.connection_label.setMinimumWidth(120)
        self.user_label = _plain_label(f"{actor.full_name} · {ROLE_NAMES[actor.role]}")
        status = self.statusBar()
        status.addWidget(self.connection_label, 1)
        # The busy state of the operation layer: a write is being saved (issue 17).
        self.busy_label = _plain_label("Сохранение…")
        self.busy_label.setObjectName("busy_status")
        self.busy_label.hide()
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.database_label)
        status.addPermanentWidget(self.user_label)
        context.signals.sync_status.connect(self.show_sync_status)
        context.ops.busy_changed.connect(self.busy_label.setVisible)
        context.ops.failure.connect(self.show_failure)  # the one place unhandled failures are told

        self._build_menu()
        self._restored = False
        if ui_state is not None:
            ui_state.restore_geometry(self)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(context.signals.tick.emit)
        self._tick.start()
        self.feed = ChangeFeedBridge(context, parent=self)
        # Presence heartbeat: the others keep seeing «открыто у: …» only while this window lives.
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(int(HEARTBEAT.total_seconds() * 1000))
        presence = context.services.presence
        self._heartbeat.timeout.connect(lambda: context.ops.write(None, presence.heartbeat, quiet=True))
        if watch_changes:
            self.feed.start()
            self._heartbeat.start()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        refresh = QAction("Обновить", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.context.signals.data_changed.emit)
        refresh.triggered.connect(self.context.signals.sync_requested.emit)
        file_menu.addAction(refresh)
        file_menu.addSeparator()
        # A shared workstation changes hands (issue 18, point 1).
        self.logout_action = QAction("Сменить пользователя…", self)
        self.logout_action.setObjectName("logout")
        self.logout_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.logout_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.logout_action.triggered.connect(self.logout_requested.emit)
        file_menu.addAction(self.logout_action)
        self.addAction(self.logout_action)
        quit_action = QAction("Выход", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        if self.context.actor.role in (Role.SUPERVISOR, Role.ADMIN):
            reports_menu = self.menuBar().addMenu("&Отчёты")
            timeliness = QAction("Соблюдение сроков…", self)
            timeliness.triggered.connect(self.open_reports)
            reports_menu.addAction(timeliness)
        help_menu = self.menuBar().addMenu("&Справка")
        shortcuts = QAction("Сочетания клавиш…", self)
        shortcuts.setObjectName("shortcut_sheet")
        shortcuts.setShortcut(QKeySequence("F1"))
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        self.addAction(shortcuts)  # the key works wherever the focus is in the window
        about = QAction("О программе", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def shortcut_list(self) -> list[tuple[str, str]]:
        """(action, keys) of every action of this window that has a shortcut — read from the actions
        themselves, so the sheet never disagrees with what the keys do."""
        found: dict[str, str] = {}
        for action in self.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            title = action.text().replace("&", "").rstrip("…").strip()
            if keys and title and title not in found:
                found[title] = keys
        return sorted(found.items())

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("Сочетания клавиш")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(dialog)
        table = QTableWidget(0, 2)
        table.setObjectName("shortcuts")
        table.setAccessibleName("Сочетания клавиш")
        table.setHorizontalHeaderLabels(["Действие", "Клавиши"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for title, keys in self.shortcut_list():
            row = table.rowCount()
            table.insertRow(row)
            table.setItem(row, 0, QTableWidgetItem(title))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(table)
        close = QPushButton("Закрыть")
        close.clicked.connect(dialog.accept)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        dialog.resize(520, 420)
        self.shortcut_dialog = dialog
        dialog.open()
        return dialog

    def open_reports(self) -> None:
        from desktop_app.views.reports import ReportsDialog

        dialog = ReportsDialog(self.context, self)
        dialog.open()

    def show_sync_status(self, text: str, healthy: bool) -> None:
        self.connection_label.setText(text)
        self.connection_label.setToolTip(plain_tooltip(text))
        style_text(self.connection_label, None if healthy else Tone.DANGER)

    def show_failure(self, text: str) -> None:
        """Central failure facility: a window-modal box with the Russian sentence (detail is in the log)."""
        self.last_failure_box = show_message(self, text)
        self.statusBar().showMessage(text, 15_000)

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("О программе")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Отклик {__version__}\n\nРабочее место для ответов на сообщения граждан из открытых источников "
            "через «Систему Инцидент».\nЛицензия GPL-3.0-only."
        )
        box.exec()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self.ui_state is not None and not self._restored:
            self._restored = True
            self.ui_state.restore(self)

    def closeEvent(self, event) -> None:
        if self.ui_state is not None:
            self.ui_state.save(self)
        self.feed.stop()
        self._heartbeat.stop()
        self._tick.stop()
        super().closeEvent(event)
