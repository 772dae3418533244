"""The ОпОГ operator's workstation (issue 7); supervisors get the same screen with reassignment.

Left: queues with live counts. Middle: search and the queue table with working-time countdowns.
Right: the selected message's whole record. Actions (toolbar, context menu, shortcuts) call the
workflow services through ``context.ops`` (the operation layer); refusals are shown as the services
word them. Committed changes (here or on another workstation) refresh only the rows they touched.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import ALLOWED_ROLES, Action, MessageState, Role, is_allowed
from desktop_app.domain.validation import ValidationReport
from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.errors import OtklikError
from desktop_app.services.changes import Changes
from desktop_app.services.importing import EncodingConfirmationNeeded, ImportResult
from desktop_app.services.manual import ManualPublication
from desktop_app.services.presence import PresenceService, describe
from desktop_app.services.queries import MessageDetail, MessageRow, Queue
from desktop_app.services.queue_counts import CountState
from desktop_app.services.routing import RoutingAdvice
from desktop_app.services.saved_filters import SavedFilter
from desktop_app.services.templates import TemplateInfo
from desktop_app.services.texts import STAGE_NAMES
from desktop_app.services.workflow import ReviewChecks, ReviewMaterial
from desktop_app.views.common.countdown import plain_tooltip
from desktop_app.views.common.dialogs import error_text, show_error, show_message
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.common.message_table import (
    CHUNK,
    FIRST_SCREEN,
    Column,
    CountdownDelegate,
    DeadlineEvent,
    MessageTableModel,
    MessageTableView,
    deadline_events,
    explain_countdown,
    filter_index,
    filter_off_ui_thread,
    visible_rows,
)
from desktop_app.views.common.notifications import NotificationStrip, Notifier
from desktop_app.views.common.theme import Tone, style_text
from desktop_app.views.context import ViewContext
from desktop_app.views.editor.attachments import thumbnail_image
from desktop_app.views.operations import alive
from desktop_app.views.operator.dialogs import (
    PHOTO_SIZE,
    CloseDialog,
    FormDialog,
    ReassignDialog,
    RedirectDialog,
    ReviewDialog,
    RouteDialog,
)
from desktop_app.views.operator.manual import ManualPublishDialog, PasteMessageDialog
from desktop_app.views.operator.queues import QUEUE_NAMES, QueueDelegate, QueueListModel

# message (whole thread), draft, author, platform, attachment kinds, draft kind
ValidateFn = Callable[[str, str, str, str, tuple[str, ...], str], ValidationReport]

SHORTCUTS: dict[str, str] = {
    "route": "Ctrl+D",
    "redirect": "Ctrl+Shift+D",
    "close": "Ctrl+Shift+C",
    "review": "Ctrl+Shift+R",
    "reassign": "Ctrl+Shift+A",
    "search": "Ctrl+F",
    "import": "Ctrl+I",
    "paste": "Ctrl+Shift+V",
    "manual_publish": "Ctrl+Shift+P",
}


# The queue, its first screen's rows, their deadline events and filter haystacks, presence notes.
Loaded = tuple[Queue, list[MessageRow], list[DeadlineEvent], dict[int, str], dict[int, str]]
# A later chunk's rows, their deadline events and filter haystacks.
Chunk = tuple[list[MessageRow], list[DeadlineEvent], dict[int, str]]


def _presence_notes(presence: PresenceService) -> dict[int, str]:
    """«открыто у: …» per message someone else has open (a handful of rows office-wide)."""
    return {message_id: describe(viewers) for message_id, viewers in presence.all_others().items()}


# Actions that may be applied to several selected messages at once (issue 18).
BULK_ACTIONS = frozenset({Action.ROUTE, Action.CLOSE, Action.REASSIGN})


def _messages(n: int) -> str:
    """«3 сообщения», «5 сообщений»."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} сообщение"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} сообщения"
    return f"{n} сообщений"


def default_validator(services: Any) -> ValidateFn:
    """The app's one validation service (the app warms it up once the window is shown)."""
    validation = services.validation

    def validate(
        message: str,
        draft: str,
        author: str,
        platform: str,
        attachments: tuple[str, ...] = (),
        kind: str = "answer",
    ) -> ValidationReport:
        return validation.validate(message, draft, author, platform, attachments, kind)

    return validate


class OperatorWorkspace(QWidget):
    """Queues, the queue table and the message panel, with the operator's actions.

    Signals:
        queue_loaded(int): the current queue was (re)loaded with this many rows.
        first_screen_shown(int): the first rows of a (re)load are shown; the rest follows in chunks.
        rows_refreshed(int): this many changed messages were re-read into the table (incremental).
        action_done(str): an action succeeded (its code: route, redirect, close, publish, rework, reassign).
        action_failed(str): an action was refused; the Russian reason.
    """

    queue_loaded = Signal(int)
    first_screen_shown = Signal(int)
    rows_refreshed = Signal(int)
    action_done = Signal(str)
    action_failed = Signal(str)

    def __init__(
        self,
        context: ViewContext,
        parent: QWidget | None = None,
        *,
        validate: ValidateFn | None = None,
        use_tray: bool = True,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.services = context.services
        self.actor = context.actor
        self._validate = validate or default_validator(context.services)
        self.queue = Queue.NEW
        self.server_search = ""
        self._selected_id: int | None = None
        self._restoring = False
        self._last_tick = self.services.now()
        self._known_new: int | None = None
        self.dialog: QDialog | None = None  # the open action dialog, for tests and screenshots
        self._full_loading = False
        self._load_generation = 0
        self._pending_ids: set[int] = set()  # changed rows still to re-read (issue 17)
        self._count_state: CountState | None = None  # the counts and the change-log row they are at
        # One count read at a time: asked again meanwhile, one more follows from its result (ticks
        # and changes faster than a read no longer pile reads up on the pool, issue 17).
        self._counting = False
        self._count_again = False
        self._count_epoch = 0  # grows when the counts must be read whole again (unknown changes)
        self.last_error: QMessageBox | None = None
        self.import_progress: QProgressDialog | None = None
        self.setObjectName("operator_workspace")

        self._build_ui(use_tray)
        self._build_actions()
        signals = context.signals
        signals.tick.connect(self.on_tick)
        signals.data_changed.connect(self.reload)
        context.ops.changed.connect(self.apply_changes)
        signals.sync_status.connect(self.show_sync_status)
        signals.new_messages.connect(self.on_new_messages)
        self.reload()

    # -- layout ------------------------------------------------------------------------------------

    def _build_ui(self, use_tray: bool) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.toolbar = QToolBar("Действия")
        self.toolbar.setObjectName("operator_actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        top = QHBoxLayout()
        top.addWidget(self.toolbar, 1)
        self.freshness_label = QLabel("«Система Инцидент»: нет данных о синхронизации")
        self.freshness_label.setObjectName("freshness")
        self.freshness_label.setTextFormat(Qt.TextFormat.PlainText)
        style_text(self.freshness_label, Tone.MUTED, "padding: 0 6px;")
        top.addWidget(self.freshness_label)
        layout.addLayout(top)

        self.strip = NotificationStrip()
        layout.addWidget(self.strip)
        self.notifier = Notifier(
            self.strip, self.services.calendar.calendar, self.services.now, self, use_tray=use_tray
        )

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("workspace_splitter")
        self.queue_model = QueueListModel(self)
        self.queue_view = QListView()
        self.queue_view.setAccessibleName("Очереди сообщений")
        self.queue_view.setAccessibleDescription("Выбор очереди; число справа — сколько в ней сообщений")
        self.queue_view.setObjectName("queues")
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setItemDelegate(QueueDelegate(self.queue_view))
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setMinimumWidth(190)
        self.queue_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_view.setUniformItemSizes(True)
        self.queue_view.setStyleSheet("QListView { font-size: 10.5pt; }")
        self.queue_view.setCurrentIndex(self.queue_model.index(self.queue_model.row_of(self.queue), 0))
        self.queue_view.selectionModel().currentRowChanged.connect(self._queue_changed)
        self.splitter.addWidget(self.queue_view)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.setSpacing(4)
        search_row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("Поиск сообщений")
        self.search_edit.setAccessibleDescription(
            "Фильтр этой очереди по мере ввода; Enter — поиск по всей базе"
        )
        self.search_edit.setObjectName("search")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            "Фильтр этой очереди по автору и тексту; Enter — поиск по всей базе, включая ответы; "
            "достаточно начала слова  (Ctrl+F)"
        )
        self.search_edit.textChanged.connect(self._search_text_changed)
        self.search_edit.returnPressed.connect(self.search_server_side)
        search_row.addWidget(self.search_edit, 1)
        # Saved filters per user (issue 18): a queue and a search under a name.
        self.filters_button = QToolButton()
        self.filters_button.setObjectName("saved_filters")
        self.filters_button.setText("Фильтры")
        self.filters_button.setAccessibleName("Сохранённые фильтры")
        self.filters_button.setToolTip("Сохранённые фильтры: очередь и поиск")
        self.filters_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filters_menu = QMenu(self.filters_button)
        self.filters_menu.aboutToShow.connect(self._fill_filters_menu)
        self.filters_button.setMenu(self.filters_menu)
        search_row.addWidget(self.filters_button)
        self.saved_filters: list[SavedFilter] = []
        saved = self.services.saved_filters
        self.context.ops.query(
            self,
            lambda: saved.list(self.actor),
            lambda found: setattr(self, "saved_filters", found),
            slot="filters",
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("row_count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        style_text(self.count_label, Tone.MUTED)
        search_row.addWidget(self.count_label)
        center_layout.addLayout(search_row)

        self.model = MessageTableModel(
            self.services.calendar.calendar, self.services.now, self, explain=self._explain
        )
        self.model.filter_applied.connect(self._show_count)
        self.table = MessageTableView()
        self.table.setAccessibleName("Сообщения очереди")
        self.table.setAccessibleDescription(
            "Стрелки выбирают сообщение; колонки сроков — оставшееся рабочее время"
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap); arrows move in it
        self.table.setObjectName("messages")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows (Ctrl/Shift+click) for the bulk actions: route, close, reassign (issue 18).
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setIconSize(self.table.iconSize().expandedTo(self.table.iconSize()))
        delegate = CountdownDelegate(self.table)
        for column in (Column.STAGE_LEFT, Column.OVERALL_LEFT):
            self.table.setItemDelegateForColumn(column, delegate)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        widths = {
            Column.PLATFORM: 40,
            Column.AUTHOR: 132,
            Column.DEPARTMENT: 112,
            Column.STATE: 96,
            Column.STAGE: 120,
            Column.STAGE_LEFT: 96,
            Column.OVERALL_LEFT: 88,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.PLATFORM, QHeaderView.ResizeMode.Fixed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        center_layout.addWidget(self.table, 1)
        self.splitter.addWidget(center)
        center.setAccessibleName("Список сообщений")

        self.panel = MessagePanel(self.context)
        self.panel.setAccessibleName("Карточка сообщения")
        self.panel.setMinimumWidth(360)
        self.panel.load_failed.connect(self._panel_failed)
        self.panel.open_requested.connect(self.open_linked)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([230, 860, 410])
        layout.addWidget(self.splitter, 1)

    def _build_actions(self) -> None:
        def make(code: str, text: str, tip: str, slot: Callable[[], Any]) -> QAction:
            action = QAction(text, self)
            action.setObjectName(f"action_{code}")
            action.setShortcut(QKeySequence(SHORTCUTS[code]))
            action.setToolTip(f"{tip} ({SHORTCUTS[code]})")
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.route_action = make(
            "route", "Направить…", "Направить исполнителю (п. 5)", self.open_route_dialog
        )
        self.redirect_action = make(
            "redirect", "Перенаправить…", "Перенаправить: вне компетенции (п. 4)", self.open_redirect_dialog
        )
        self.close_action = make(
            "close", "Не требует ответа…", "Закрыть как не требующее ответа", self.open_close_dialog
        )
        self.review_action = make(
            "review",
            "Проверить и опубликовать…",
            "Проверить проект ответа (п. 7, 8)",
            self.open_review_dialog,
        )
        self.reassign_action = make(
            "reassign", "Передать…", "Передать другому подразделению", self.open_reassign_dialog
        )
        self.search_action = make("search", "Поиск", "Перейти к поиску", self._focus_search)
        self.import_action = make(
            "import",
            "Загрузить выгрузку…",
            "Загрузить сообщения из выгрузки Системы Инцидент",
            self.choose_import_file,
        )
        self.paste_action = make(
            "paste", "Вставить сообщение…", "Добавить пост, скопированный вручную", self.open_paste_dialog
        )
        self.manual_publish_action = make(
            "manual_publish",
            "Опубликовать вручную…",
            "Ручной режим: опубликовать одобренный ответ и подтвердить ссылкой",
            self.open_manual_publish_dialog,
        )
        self.context_menu = QMenu(self)
        self._actions: dict[Action, QAction] = {
            Action.ROUTE: self.route_action,
            Action.REDIRECT: self.redirect_action,
            Action.CLOSE: self.close_action,
            Action.APPROVE_AND_PUBLISH: self.review_action,
            Action.REASSIGN: self.reassign_action,
        }
        for action in self._actions.values():
            # A supervisor sees only what the regulation lets them do (reassign).
            allowed = (
                self.actor.role in ALLOWED_ROLES[next(k for k, v in self._actions.items() if v is action)]
            )
            action.setVisible(allowed)
            if allowed:
                self.toolbar.addAction(action)
                self.context_menu.addAction(action)
        # Messages that arrive outside the gateway, and publishing by hand (manual mode, issue 5.4).
        operator = self.actor.role is Role.OPERATOR
        manual_mode = self.services.settings.incident.mode == "manual"
        self.import_action.setVisible(operator)
        self.paste_action.setVisible(operator)
        self.manual_publish_action.setVisible(operator and manual_mode)
        if operator:
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.import_action)
            self.toolbar.addAction(self.paste_action)
        if operator and manual_mode:
            self.toolbar.addAction(self.manual_publish_action)
            self.context_menu.addAction(self.manual_publish_action)
        self._order_focus()
        self.update_actions()

    def _order_focus(self) -> None:
        """Tab goes queues → search → list → the card → the actions (issue 18), every action reachable."""
        buttons = [self.toolbar.widgetForAction(a) for a in self.toolbar.actions()]
        buttons = [b for b in buttons if isinstance(b, QToolButton)]  # not the separators
        for button in buttons:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # toolbar buttons take no focus by default
        for before, after in itertools.pairwise(
            [self.queue_view, self.search_edit, self.filters_button, self.table]
        ):
            QWidget.setTabOrder(before, after)
        # The card follows the list in the chain already; the actions go after its last control.
        last: QWidget = self.table
        widget = self.table.nextInFocusChain()
        while widget is not None and widget is not self.table:
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                if not self.panel.isAncestorOf(widget):
                    break
                last = widget
            widget = widget.nextInFocusChain()
        for before, after in itertools.pairwise([last, *buttons]):
            QWidget.setTabOrder(before, after)

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
            self.context_menu.popup(self.table.viewport().mapToGlobal(position))

    # -- state -------------------------------------------------------------------------------------

    def selected_row(self) -> MessageRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_rows(self) -> list[MessageRow]:
        """Every selected row (the bulk actions); the current row alone when nothing else is selected."""
        rows = [self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows()]
        found = [r for r in rows if r is not None]
        if len(found) > 1:
            return sorted(found, key=lambda r: self.model.row_of(r.id))
        row = self.selected_row()
        return [row] if row is not None else []

    def update_actions(self) -> None:
        rows = self.selected_rows()
        for action, qaction in self._actions.items():
            bulk_ok = len(rows) == 1 or action in BULK_ACTIONS
            qaction.setEnabled(
                bool(rows)
                and bulk_ok
                and self.actor.role in ALLOWED_ROLES[action]
                and all(is_allowed(action, r.state) for r in rows)
            )
        row = rows[0] if len(rows) == 1 else None
        self.manual_publish_action.setEnabled(
            row is not None and row.state in (MessageState.PUBLISHING, MessageState.REDIRECTING)
        )

    def select_message(self, message_id: int) -> bool:
        row = self.model.row_of(message_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, Column.AUTHOR),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def open_linked(self, message_id: int) -> None:
        """A message of the shown incident (issue 18): select it here, or show its card alone.

        Outside the current queue nothing stays selected, so no action can hit the row that was.
        """
        if self.select_message(message_id):
            return
        self._restoring = True
        try:
            self.table.selectionModel().clearSelection()
            self.table.selectionModel().setCurrentIndex(
                QModelIndex(), QItemSelectionModel.SelectionFlag.Clear
            )
        finally:
            self._restoring = False
        self._selected_id = None
        self.update_actions()
        self.panel.show_message(message_id)

    def set_queue(self, queue: Queue) -> None:
        self.queue_view.setCurrentIndex(self.queue_model.index(self.queue_model.row_of(queue), 0))

    def _queue_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        queue = self.queue_model.queue_at(current.row())
        if queue is not self.queue:
            self.queue = queue
            self._selected_id = None
            self.reload()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        row = self.model.row_at(current.row()) if current.isValid() else None
        self._selected_id = row.id if row else None
        if row is None:
            self.panel.clear()
        else:
            self.panel.show_message(row.id)
        self.update_actions()

    def _panel_failed(self, text: str) -> None:
        self.strip.show_text(text, True)

    def _show_count(self, shown: int, total: int) -> None:
        text = f"{shown} из {total}" if shown != total else f"{total}"
        if self.server_search:
            text += f" · поиск по всей базе: «{self.server_search}»"
        self.count_label.setText(text)

    def _explain(self, row: MessageRow, column: Column) -> str:
        return explain_countdown(self.services.deadlines, row, column)

    # -- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload the current queue and the counts off the UI thread, keeping the selection.

        A big queue comes screen by screen (issue 17): the ids in queue order and the first screen's
        rows first (shown at once), then the rest in chunks, each read off the UI thread.
        """
        queries, actor, now = self.services.queries, self.actor, self.services.now()
        presence = self.services.presence
        queue, search = self.queue, self.server_search

        def load() -> Loaded:
            # The first screen first (a few hundred rows in order, LIMIT): shown before the queue's
            # ids are read; the rest follows in chunks (issue 17: first screen ≤ 0.5 s at 100,000).
            first = queries.queue_page(actor, queue, now, FIRST_SCREEN, search)
            return queue, first, deadline_events(first), filter_index(first), _presence_notes(presence)

        self._full_loading = True
        self._load_generation += 1
        # A newer load of the queue wins over an older one still running (issue 17: stale results).
        self.context.ops.query(self, load, self._loaded, self._load_failed, slot="queue")
        # The counts do not depend on the queue shown: the deltas since the last count (the first
        # time, or after an unknown change, one full grouped count), off the UI thread.
        self._refresh_counts()

    def _loaded(self, result: Loaded) -> None:
        queue, rows, events, index, presence = result
        if queue is not self.queue:
            return  # the user switched queues meanwhile; that load is on its way
        selected = self._selected_id
        self._restoring = True
        try:
            self.model.set_rows(rows, events, index)
            self.model.set_presence(presence)
            kept = selected is not None and self.select_message(selected)
        finally:
            self._restoring = False
        if kept and selected is not None:
            self.panel.show_message(selected)  # its history or state may have changed
        self.update_actions()
        if self.table.isVisible():
            # The first screen is laid out and painted now, before the rest of the queue is read:
            # painted while a worker runs Python, each of its thousands of calls into the model
            # waits for the GIL (a 30-90 ms slice of the UI thread at 100,000, issue 17).
            self.table.doItemsLayout()
            self.table.viewport().repaint()
        self.first_screen_shown.emit(len(rows))
        if len(rows) < FIRST_SCREEN:  # the whole queue fitted on the first screen
            if not kept:
                self._selected_id = None
                self.panel.clear()
            self._load_rest(self._load_generation, [], len(rows))
            return
        queries, actor, now, search = (
            self.services.queries,
            self.actor,
            self.services.now(),
            self.server_search,
        )
        generation, shown = self._load_generation, {r.id for r in rows}

        def rest_ids() -> list[int]:
            # A row changed since the first screen was read is re-read through the feed anyway.
            return [i for i in queries.queue_ids(actor, queue, now, search) if i not in shown]

        def got(rest: list[int]) -> None:
            if generation != self._load_generation:
                return
            waiting = self._selected_id is not None and self._selected_id in set(rest)
            if not kept and not waiting:
                self._selected_id = None
                self.panel.clear()
            self._load_rest(generation, rest, len(rows) + len(rest))

        self.context.ops.query(self, rest_ids, got, self._load_failed, slot="chunk")

    def _load_rest(self, generation: int, rest: list[int], total: int) -> None:
        if generation != self._load_generation:
            return  # a newer load started
        if not rest:
            self._full_loading = False
            if self._selected_id is not None and self.model.row_of(self._selected_id) < 0:
                self._selected_id = None
                self.panel.clear()
            self.update_actions()
            self.queue_loaded.emit(total)
            if self._pending_ids:
                self._refresh_rows()  # changes that arrived while the whole queue was being read
            return
        chunk, later = rest[:CHUNK], rest[CHUNK:]
        queries, actor = self.services.queries, self.actor

        def read() -> Chunk:
            # The worker lists what the UI thread would otherwise: the chunk's deadline events and
            # the filter's haystacks (issue 17: no pass over 100,000 rows at the first keystroke).
            rows = queries.rows_by_ids(actor, chunk)
            return rows, deadline_events(rows), filter_index(rows)

        def arrived(result: Chunk) -> None:
            rows, events, index = result
            if generation != self._load_generation:
                return
            selected = self._selected_id
            self._restoring = True
            try:
                self.model.append_rows(rows, events, index)
                found = (
                    selected is not None
                    and self.selected_row() is None
                    and any(r.id == selected for r in rows)
                    and self.select_message(selected)
                )
            finally:
                self._restoring = False
            if found and selected is not None:
                self.panel.show_message(selected)
                self.update_actions()
            self._load_rest(generation, later, total)

        self.context.ops.query(self, read, arrived, self._load_failed, slot="chunk")

    def apply_changes(self, changes: Changes) -> None:
        """A committed change (this workstation's or another's): re-read only the rows it touched."""
        if changes.everything:
            self._count_state = None  # unknown scope: count everything once more
            self._count_epoch += 1  # a read running from the old counts is not shown
            self.reload()
            return
        if changes.presence and not changes.rows:
            presence = self.services.presence
            self.context.ops.query(
                self,
                lambda: _presence_notes(presence),
                self.model.set_presence,
                lambda _e: None,
                slot="presence",
            )
            self.panel.apply_changes(changes)
            return
        if not changes.rows and not changes.drafts:
            return
        self._pending_ids |= changes.rows
        if not self._full_loading:
            self._refresh_rows()
        if self._selected_id is not None and self._selected_id not in changes.rows:
            self.panel.apply_changes(changes)  # e.g. its draft changed; the row itself did not

    def _refresh_rows(self) -> None:
        queries, actor, now = self.services.queries, self.actor, self.services.now()
        presence = self.services.presence
        queue, search, ids = self.queue, self.server_search, frozenset(self._pending_ids)

        def load() -> tuple[Queue, frozenset[int], list[MessageRow], dict[int, str]]:
            rows = queries.queue_rows(actor, queue, now, ids, search)
            return queue, ids, rows, _presence_notes(presence)

        # The newest refresh covers every pending id, so an older one may be dropped safely.
        self.context.ops.query(self, load, self._rows_refreshed, self._load_failed, slot="rows")

    def _rows_refreshed(self, result: tuple[Queue, frozenset[int], list[MessageRow], dict[int, str]]) -> None:
        queue, ids, rows, presence = result
        self._pending_ids -= ids
        if queue is not self.queue:
            self._refresh_counts()
            return
        selected = self._selected_id
        self._restoring = True
        try:
            self.model.apply_rows(rows, ids)
            self.model.set_presence(presence)
            kept = selected is not None and self.model.row_of(selected) >= 0
            current = self.selected_row()
            if kept and (current is None or current.id != selected):
                # The row moved (removed and inserted elsewhere): Qt left the current index on the
                # neighbour that took its place, so the next action would hit the wrong message.
                self.select_message(selected)
            if selected is not None and not kept:
                self.table.selectionModel().clearSelection()
                self.table.selectionModel().setCurrentIndex(
                    QModelIndex(), QItemSelectionModel.SelectionFlag.Clear
                )
        finally:
            self._restoring = False
        if selected is not None and not kept:
            self._selected_id = None
            self.panel.clear()
        elif selected is not None and selected in ids:
            self.panel.show_message(selected)
        self.update_actions()
        self.rows_refreshed.emit(len(ids))
        self._refresh_counts()  # after the rows: the counts never delay them

    def _refresh_counts(self) -> None:
        """Bring the counts up to date: the logged changes' deltas since the last count and the
        deadlines passed since (issue 17: not a grouped count of 100,000 messages per change)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        queries, actor, now, base = self.services.queries, self.actor, self.services.now(), self._count_state
        epoch = self._count_epoch

        def settled() -> None:
            self._counting = False
            if self._count_again:
                self._count_again = False
                self._refresh_counts()  # from the counts just shown: the changes since, the time now

        def shown(state: CountState) -> None:
            if epoch == self._count_epoch:
                self._count_state = state
                self.queue_model.set_counts(state.counts())
            else:
                self._count_again = True  # counted from counts no longer trusted: count whole
            settled()

        def failed(error: BaseException) -> None:
            settled()
            self.context.ops.report(error)  # as any failure without a handler of its own

        self.context.ops.query(
            self, lambda: queries.counts_since(base, actor, now), shown, failed, slot="counts"
        )

    def _load_failed(self, error: BaseException) -> None:
        self._full_loading = False
        self.strip.show_text(f"Не удалось обновить очередь: {error_text(error)}", True)

    # -- search ------------------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _search_text_changed(self, text: str) -> None:
        if self.server_search and not text.strip():
            self.server_search = ""
            self.reload()
        if self.server_search and text.strip() == self.server_search:
            return  # the database search shows matches the table's columns may not contain
        self._filter_rows(text)

    def _filter_rows(self, text: str) -> None:
        """The instant filter, computed off the UI thread (100,000 rows); the newest text wins."""
        filter_off_ui_thread(self.context.ops, self, self.model, text, self.search_edit.text)

    def search_server_side(self) -> None:
        """Enter: full-text search of the whole queue in the database (message, author, answers)."""
        self.server_search = self.search_edit.text().strip()
        self.model.set_filter_text("")  # the database search also matches text the table does not show
        if self.server_search and self.queue is not Queue.ALL:
            # «по всей базе» means every message, not the queue that happens to be open (issue 18).
            self.set_queue(Queue.ALL)
            return  # the queue change reloads with the search
        self.reload()

    # -- saved filters -----------------------------------------------------------------------------

    def _fill_filters_menu(self) -> None:
        menu = self.filters_menu
        menu.clear()
        for saved in self.saved_filters:
            action = menu.addAction(saved.name.replace("&", "&&"))
            action.setToolTip(
                plain_tooltip(f"{QUEUE_NAMES[Queue(saved.queue)]}: {saved.search or 'без поиска'}")
            )
            action.triggered.connect(lambda _checked=False, f=saved: self.apply_filter(f))
        if self.saved_filters:
            menu.addSeparator()
        menu.addAction("Сохранить текущий…", self._ask_filter_name)
        if self.saved_filters:
            remove = menu.addMenu("Удалить")
            for saved in self.saved_filters:
                action = remove.addAction(saved.name.replace("&", "&&"))
                action.triggered.connect(lambda _checked=False, name=saved.name: self.delete_filter(name))

    def apply_filter(self, saved: SavedFilter) -> None:
        self.set_queue(Queue(saved.queue))
        self.search_edit.setText(saved.search)

    def _ask_filter_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Сохранить фильтр")
        dialog.setLabelText("Название фильтра:")
        dialog.setOkButtonText("Сохранить")
        dialog.setCancelButtonText("Отмена")
        dialog.textValueSelected.connect(self.save_filter)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def save_filter(self, name: str) -> None:
        saved, actor = self.services.saved_filters, self.actor
        queue, search = self.queue.value, self.search_edit.text()
        self.context.ops.write(
            self,
            lambda: saved.save(actor, name, queue, search),
            lambda found: setattr(self, "saved_filters", found),
            lambda error: setattr(self, "last_error", show_error(self, error)),
        )

    def delete_filter(self, name: str) -> None:
        saved, actor = self.services.saved_filters, self.actor
        self.context.ops.write(
            self, lambda: saved.delete(actor, name), lambda found: setattr(self, "saved_filters", found)
        )

    # -- clock and notifications -------------------------------------------------------------------

    def on_tick(self) -> None:
        now = self.services.now()
        if self._count_state is not None:
            self._refresh_counts()  # «Просроченные» grows as deadlines pass: a range read, no scan
        span = visible_rows(self.table)
        if span is not None:
            self.model.tick(*span)
        else:
            self.model.tick(0, -1)
        previous, self._last_tick = self._last_tick, now
        if now <= previous:
            return
        for row, stage, status in self.model.transitions(previous, now):
            title = STAGE_NAMES.get(stage, stage)
            if status is DeadlineStatus.OVERDUE:
                self.notifier.notify(
                    f"Просрочен срок этапа «{title}»: {row.author_name} — {row.preview}", urgent=True
                )
            else:
                self.notifier.notify(f"Истекает срок этапа «{title}»: {row.author_name} — {row.preview}")

    def on_new_messages(self, count: int) -> None:
        if count > 0:
            self.notifier.notify(f"Поступило новых сообщений: {count}", urgent=False)

    def show_sync_status(self, text: str, healthy: bool) -> None:
        self.freshness_label.setText(text)
        if healthy:
            style_text(self.freshness_label, Tone.MUTED, "padding: 0 6px;")
        else:
            style_text(self.freshness_label, Tone.DANGER, "font-weight: 600; padding: 0 6px;")

    # -- running service calls ---------------------------------------------------------------------

    def _perform(self, code: str, call: Callable[[], Any], dialog: QDialog | None = None) -> None:
        """Run a workflow call off the UI thread; on success close the dialog and refresh."""

        # The dialog may be closed (and deleted) while the call runs: the workspace owns the operation,
        # so the success signal and the refresh still happen, and a refusal is still shown (issue 17).

        def done(_result: Any) -> None:
            if alive(dialog):
                dialog.done(QDialog.DialogCode.Accepted)
            self.action_done.emit(code)  # the table follows from the write's Changes

        def failed(error: BaseException) -> None:
            shown_on = dialog if alive(dialog) else None
            if isinstance(shown_on, ReviewDialog | FormDialog):
                shown_on.set_busy(False)  # keep the dialog and the user's input: fix and retry
            self.last_error = show_error(shown_on or self, error)
            self.action_failed.emit(error_text(error))
            self.reload()  # a conflict means someone else changed it: show the fresh state

        self.context.ops.write(self, call, done, failed)

    def _bulk_route_dialog(self, rows: list[MessageRow]) -> RouteDialog | None:
        queries = self.services.queries

        def show(departments: list[tuple[int, str]]) -> QDialog:
            dialog = RouteDialog(None, departments, self)  # no suggestion for several: the operator picks
            dialog.setWindowTitle(f"Направить исполнителю: {_messages(len(rows))}")
            dialog.submitted.connect(
                lambda: self.bulk(
                    "route",
                    rows,
                    lambda r: self._route_call(r, dialog.selected_department() or 0, dialog.comment()),
                    dialog,
                )
            )
            return self._show_dialog(dialog)

        found = self._fetch_then(queries.departments, show)
        return found if isinstance(found, RouteDialog) else None

    def _route_call(self, row: MessageRow, department_id: int, comment: str) -> None:
        self.services.workflow.route_message(self.actor, row.id, row.version, department_id, comment)

    def _close_call(self, row: MessageRow, reason: str) -> None:
        self.services.workflow.close_not_needed(self.actor, row.id, row.version, reason)

    def _reassign_call(self, row: MessageRow, department_id: int, comment: str) -> None:
        self.services.workflow.reassign(self.actor, row.id, row.version, department_id, comment)

    def bulk(
        self,
        code: str,
        rows: list[MessageRow],
        call: Callable[[MessageRow], None],
        dialog: QDialog | None = None,
    ) -> None:
        """One action on several messages, one transaction each (R11: each on record), in one write.

        A refusal of one (someone else changed it) does not stop the others; the operator is told
        which were not done and why, in Russian.
        """

        def run() -> list[tuple[MessageRow, str]]:
            refused = []
            for row in rows:
                try:
                    call(row)
                except OtklikError as exc:
                    refused.append((row, str(exc)))
            return refused

        def done(refused: list[tuple[MessageRow, str]]) -> None:
            if alive(dialog):
                dialog.done(QDialog.DialogCode.Accepted)
            self.bulk_result = refused
            if refused:
                lines = [f"Выполнено: {len(rows) - len(refused)} из {len(rows)}. Не выполнено:"]
                lines += [f"• {row.author_name}: {reason}" for row, reason in refused[:10]]
                self.last_error = show_message(self, "\n".join(lines))
            self.action_done.emit(code)

        def failed(error: BaseException) -> None:
            if isinstance(dialog, FormDialog) and alive(dialog):
                dialog.set_busy(False)
            self.last_error = show_error(dialog if alive(dialog) else self, error)
            self.action_failed.emit(error_text(error))

        self.context.ops.write(self, run, done, failed)

    def _require_row(self) -> MessageRow | None:
        rows = self.selected_rows()
        self.update_actions()
        return rows[0] if rows else None

    def _show_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    # -- actions -----------------------------------------------------------------------------------

    def _fetch_then(self, fetch: Callable[[], Any], show: Callable[[Any], QDialog]) -> QDialog | None:
        """Load what a dialog needs off the UI thread, then show it; returns it when already shown."""
        self.dialog = None

        def failed(error: BaseException) -> None:
            self.last_error = show_error(self, error)
            self.action_failed.emit(error_text(error))

        self.context.ops.query(self, fetch, show, failed, slot="dialog")
        return self.dialog  # set at once by an inline operation layer; later otherwise

    def open_route_dialog(self) -> RouteDialog | None:
        row = self._require_row()
        if row is None or not self.route_action.isEnabled():
            return None
        rows = self.selected_rows()
        if len(rows) > 1:
            return self._bulk_route_dialog(rows)
        routing, queries = self.services.routing, self.services.queries
        dialog = self._fetch_then(
            lambda: (routing.advise(row.id), queries.departments()),
            lambda result: self._route_dialog(row, *result),
        )
        return dialog if isinstance(dialog, RouteDialog) else None

    def _route_dialog(
        self, row: MessageRow, advice: RoutingAdvice, departments: list[tuple[int, str]]
    ) -> RouteDialog:
        dialog = RouteDialog(advice, departments, self)
        dialog.submitted.connect(
            lambda: self.route(row, dialog.selected_department() or 0, dialog.comment(), dialog)
        )
        self._show_dialog(dialog)
        return dialog

    def route(
        self, row: MessageRow, department_id: int, comment: str = "", dialog: QDialog | None = None
    ) -> None:
        workflow, actor = self.services.workflow, self.actor
        self._perform(
            "route",
            lambda: workflow.route_message(actor, row.id, row.version, department_id, comment),
            dialog,
        )

    def open_redirect_dialog(self) -> RedirectDialog | None:
        row = self._require_row()
        if row is None or not self.redirect_action.isEnabled():
            return None
        routing, templates = self.services.routing, self.services.templates

        def show(result: tuple[RoutingAdvice, list[TemplateInfo]]) -> QDialog:
            dialog = RedirectDialog(result[0], result[1], self)
            dialog.submitted.connect(lambda: self.redirect(row, dialog.target(), dialog.reason(), dialog))
            return self._show_dialog(dialog)

        dialog = self._fetch_then(lambda: (routing.advise(row.id), templates.list("redirect")), show)
        return dialog if isinstance(dialog, RedirectDialog) else None

    def redirect(self, row: MessageRow, target: str, reason: str, dialog: QDialog | None = None) -> None:
        workflow, actor = self.services.workflow, self.actor
        self._perform(
            "redirect", lambda: workflow.redirect_message(actor, row.id, row.version, target, reason), dialog
        )

    def open_close_dialog(self) -> CloseDialog | None:
        row = self._require_row()
        if row is None or not self.close_action.isEnabled():
            return None
        rows = self.selected_rows()
        if len(rows) > 1:
            bulk = CloseDialog(self, "\n".join(r.preview for r in rows))
            bulk.setWindowTitle(f"Не требуют ответа: {_messages(len(rows))}")
            bulk.submitted.connect(
                lambda: self.bulk("close", rows, lambda r: self._close_call(r, bulk.reason()), bulk)
            )
            self._show_dialog(bulk)
            return bulk
        dialog = CloseDialog(self, row.preview)  # a fitting reason is offered, none preselected
        dialog.submitted.connect(lambda: self.close_not_needed(row, dialog.reason(), dialog))
        self._show_dialog(dialog)
        return dialog

    def close_not_needed(self, row: MessageRow, reason: str, dialog: QDialog | None = None) -> None:
        workflow, actor = self.services.workflow, self.actor
        self._perform("close", lambda: workflow.close_not_needed(actor, row.id, row.version, reason), dialog)

    def open_reassign_dialog(self) -> ReassignDialog | None:
        row = self._require_row()
        if row is None or not self.reassign_action.isEnabled():
            return None
        queries, actor = self.services.queries, self.actor
        rows = self.selected_rows()
        if len(rows) > 1:

            def show_bulk(departments: list[tuple[int, str]]) -> QDialog:
                bulk = ReassignDialog(departments, None, self)
                bulk.setWindowTitle(f"Передать другому подразделению: {_messages(len(rows))}")
                bulk.submitted.connect(
                    lambda: self.bulk(
                        "reassign",
                        rows,
                        lambda r: self._reassign_call(r, bulk.department_id() or 0, bulk.comment()),
                        bulk,
                    )
                )
                return self._show_dialog(bulk)

            found = self._fetch_then(queries.departments, show_bulk)
            return found if isinstance(found, ReassignDialog) else None

        def show(result: tuple[MessageDetail, list[tuple[int, str]]]) -> QDialog:
            dialog = ReassignDialog(result[1], result[0].department_id, self)
            dialog.submitted.connect(
                lambda: self.reassign(row, dialog.department_id() or 0, dialog.comment(), dialog)
            )
            return self._show_dialog(dialog)

        dialog = self._fetch_then(
            lambda: (queries.message_detail(actor, row.id), queries.departments()), show
        )
        return dialog if isinstance(dialog, ReassignDialog) else None

    def reassign(
        self, row: MessageRow, department_id: int, comment: str, dialog: QDialog | None = None
    ) -> None:
        workflow, actor = self.services.workflow, self.actor
        self._perform(
            "reassign", lambda: workflow.reassign(actor, row.id, row.version, department_id, comment), dialog
        )

    def open_review_dialog(self) -> ReviewDialog | None:
        row = self._require_row()
        if row is None or not self.review_action.isEnabled():
            return None
        queries, workflow, actor = self.services.queries, self.services.workflow, self.actor

        def show(found: tuple[MessageDetail, ReviewMaterial, list[Any]]) -> QDialog:
            detail, material, photos = found
            dialog = ReviewDialog(detail, self, material)
            dialog.set_photos(photos)
            dialog.publish_requested.connect(lambda checks: self.publish(detail.row, checks, dialog))
            dialog.rework_requested.connect(
                lambda comment, checks: self.return_for_rework(detail.row, comment, checks, dialog)
            )
            self._show_dialog(dialog)
            self._run_validation(detail, dialog)
            return dialog

        def fetch() -> tuple[MessageDetail, ReviewMaterial, list[Any]]:
            material = workflow.review_material(actor, row.id)
            photos = [
                (
                    a.id,
                    a.filename,
                    thumbnail_image(queries.attachment_content(actor, a.id), PHOTO_SIZE)
                    if a.media_type.startswith("image/")
                    else None,
                )
                for a in material.attachments
            ]  # QImage, not QPixmap: safe off the UI thread
            return queries.message_detail(actor, row.id), material, photos

        dialog = self._fetch_then(fetch, show)
        return dialog if isinstance(dialog, ReviewDialog) else None

    def _run_validation(self, detail: MessageDetail, dialog: ReviewDialog) -> None:
        validate = self._validate
        material = dialog.material
        text, draft, author, platform = (
            material.thread_text if material else detail.thread_text,
            dialog.submitted_text,
            detail.row.author_name,
            detail.row.platform,
        )
        # The reviewer's check sees what will be sent: the same files and the kind's profile (R7, R10).
        kinds = material.attachment_kinds if material else ()
        kind = material.kind.value if material else "answer"

        def shown(report: ValidationReport) -> None:
            if self.dialog is dialog:
                dialog.set_report(report)

        def failed(error: BaseException) -> None:
            if self.dialog is dialog:
                dialog.set_report_error(error_text(error))

        # Owned by the dialog: closing it drops the check's result (nothing to show it in).
        self.context.ops.query(
            dialog, lambda: validate(text, draft, author, platform, kinds, kind), shown, failed
        )

    def publish(self, row: MessageRow, checks: ReviewChecks, dialog: ReviewDialog | None = None) -> None:
        """R7: publish through the Incident system; the message shows «отправляется» until confirmed (R2)."""
        if dialog is not None:
            dialog.set_busy(True)
        workflow, actor = self.services.workflow, self.actor
        self._perform(
            "publish", lambda: workflow.approve_and_publish(actor, row.id, row.version, checks), dialog
        )

    def return_for_rework(
        self, row: MessageRow, comment: str, checks: ReviewChecks, dialog: ReviewDialog | None = None
    ) -> None:
        """R8: back to the executor with what is missing; rework is due in 30 working minutes."""
        if dialog is not None:
            dialog.set_busy(True)
        workflow, actor = self.services.workflow, self.actor
        self._perform(
            "rework", lambda: workflow.return_for_rework(actor, row.id, row.version, comment, checks), dialog
        )

    def selected_state(self) -> MessageState | None:
        row = self.selected_row()
        return row.state if row else None

    # -- messages outside the gateway and manual publishing (issue 5.4) --------------------------

    def choose_import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Выгрузка Системы Инцидент", "", "Выгрузка (*.xlsx *.csv *.json)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, encoding: str | None = None) -> None:
        desk, actor = self.services.manual, self.actor
        # Issue 14: a progress dialog with «Отмена»; the worker reports into ``state`` and a timer on
        # the UI thread shows it (no Qt call from the pool thread). Cancelling rolls the file back.
        state = {"done": 0, "total": 0, "cancel": False}
        dialog = QProgressDialog("Загрузка выгрузки…", "Отмена", 0, 0, self)
        dialog.setWindowTitle("Загрузка сообщений")
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(lambda: state.__setitem__("cancel", True))
        timer = QTimer(dialog)
        timer.setInterval(100)

        def show_progress() -> None:
            if dialog.wasCanceled():
                state["cancel"] = True
            if state["total"]:
                dialog.setMaximum(int(state["total"]))
                dialog.setValue(int(state["done"]))
                dialog.setLabelText(f"Загружено строк: {state['done']} из {state['total']}")

        timer.timeout.connect(show_progress)
        timer.start()
        self.import_progress = dialog

        def finish() -> None:
            timer.stop()
            dialog.hide()
            dialog.deleteLater()

        def report(done: int, total: int) -> None:
            state["done"], state["total"] = done, total

        def done(result: ImportResult) -> None:
            finish()
            if result.ok:
                text = f"Загружено сообщений: {result.imported}; уже были в базе: {result.duplicates}."
                self.strip.show_text(text, False)
                self.action_done.emit("import")
                return
            lines = [f"строка {error.row}: {error.reason}" for error in result.errors[:30]]
            more = len(result.errors) - len(lines)
            text = "Файл не загружен: ни одно сообщение не добавлено.\n\n" + "\n".join(lines)
            if more > 0:
                text += f"\n… и ещё ошибок: {more}"
            self.last_error = show_error(self, OtklikError(text))
            self.action_failed.emit(text)

        def failed(error: BaseException) -> None:
            finish()
            if isinstance(error, EncodingConfirmationNeeded) and self.confirm_encoding(str(error)):
                self.import_file(path, error.encoding)  # the user confirmed: never decoded silently
                return
            self.last_error = show_error(self, error)
            self.action_failed.emit(error_text(error))

        self.context.ops.write(
            self,
            lambda: desk.import_file(actor, path, encoding, report, lambda: bool(state["cancel"])),
            done,
            failed,
        )

    def confirm_encoding(self, question: str) -> bool:
        """Issue 14: a non-UTF-8 export is imported only when the operator confirms the encoding."""
        box = QMessageBox(QMessageBox.Icon.Question, "Кодировка файла", question, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton("Да, это Windows-1251", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def open_paste_dialog(self) -> PasteMessageDialog:
        dialog = PasteMessageDialog(self)
        desk, actor = self.services.manual, self.actor
        dialog.submitted.connect(
            lambda: self._perform(
                "paste", lambda: desk.add_pasted(actor, dialog.pasted_text(), dialog.incident_id()), dialog
            )
        )
        self._show_dialog(dialog)
        return dialog

    def open_manual_publish_dialog(self) -> ManualPublishDialog | None:
        row = self._require_row()
        if row is None or not self.manual_publish_action.isEnabled():
            return None
        desk, actor = self.services.manual, self.actor

        def show(publication: ManualPublication) -> QDialog:
            dialog = ManualPublishDialog(publication, self)
            dialog.submitted.connect(
                lambda: self._perform(
                    "manual_publish",
                    lambda: desk.confirm(actor, publication.outbox_id, dialog.published_url()),
                    dialog,
                )
            )
            return self._show_dialog(dialog)

        dialog = self._fetch_then(lambda: desk.pending_publication(actor, row.id), show)
        return dialog if isinstance(dialog, ManualPublishDialog) else None
