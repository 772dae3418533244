"""The executor's workstation (R6, R8, R9): the department's messages, the message, the draft editor."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import MessageState
from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.services.changes import Changes
from desktop_app.services.queries import MessageDetail, MessageRow, Queue
from desktop_app.services.texts import STAGE_NAMES
from desktop_app.services.validation import ValidationService
from desktop_app.views.common import message_table
from desktop_app.views.common.dialogs import error_text
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.common.message_table import (
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
from desktop_app.views.editor.draft_editor import DraftEditor
from desktop_app.views.editor.recovery import RecoveryStore

# Messages that need the executor's work now: new routing, rework (R8), final answer after interim (R9).
WORK_STATES = frozenset({MessageState.ROUTED, MessageState.REWORK, MessageState.INTERIM})
SCOPE_WORK = "work"
SCOPE_ALL = "all"
HAND_BACKABLE = frozenset({MessageState.ROUTED, MessageState.REWORK})
# Read like the operator's queue (issue 17): the first screen, then the rest in chunks.
FIRST_SCREEN = message_table.FIRST_SCREEN
CHUNK = message_table.CHUNK
# A re-read that finds more changed rows than this shows them at once (one reset) rather than
# as thousands of single-row insertions and removals.
RESET_ABOVE = 2000


def _plain_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class HandBackDialog(QDialog):
    """Asks why the message is not the department's; «Вернуть» stays disabled until a reason is typed.

    Signals:
        reason_given(str): the executor confirmed with this reason.
    """

    reason_given = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Вернуть сообщение в отдел по обращениям граждан")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Причина возврата в ОпОГ")
        self.reason_edit.setPlaceholderText("Например: вопрос относится к управлению ЖКХ, а не к нашему.")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Вернуть в ОпОГ")
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _plain_label(
                "Сообщение направлено не по адресу? Укажите причину — ОпОГ направит его в нужное "
                "подразделение. Общий срок ответа (8 часов) продолжает идти."
            )
        )
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.reason_edit.toPlainText().strip()))
        )
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)

    def _confirm(self) -> None:
        reason = self.reason_edit.toPlainText().strip()
        if reason:
            self.reason_given.emit(reason)
            self.accept()


class ExecutorWorkspace(QWidget):
    """Messages routed to the executor's department, due first, beside the message and its draft.

    The list uses the operator's ``MessageTableModel`` (same countdowns); the service already
    limits an executor to the department's messages. It is read as the operator's queue is
    (issue 17): the first screen first, the rest in chunks off the UI thread; later changes row by
    row, without a model reset.

    Signals:
        message_shown(int): the record and draft of this message id are shown.
        handed_back(int): the message was returned to ОпОГ as misrouted.
        first_screen_shown(int): the first rows of the first load are shown; the rest follows in chunks.
        queue_loaded(int): the department's list was read (first load or re-read): this many messages.
        rows_refreshed(int): this many changed messages were re-read into the list (incremental).
    """

    message_shown = Signal(int)
    handed_back = Signal(int)
    first_screen_shown = Signal(int)
    queue_loaded = Signal(int)
    rows_refreshed = Signal(int)

    def __init__(
        self,
        context: ViewContext,
        *,
        validation: ValidationService | None = None,
        recovery: RecoveryStore | None = None,
        parent: QWidget | None = None,
        use_tray: bool = True,
        **editor_options: int,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.services = context.services
        self.validation = validation or context.services.validation
        self._known_states: dict[int, MessageState] | None = None  # None until the first load
        self._last_tick = self.services.now()
        self._rows: dict[int, MessageRow] = {}  # the department's messages, both scopes
        self._current: int | None = None
        self._pending_ids: set[int] = set()  # changed rows still to re-read (issue 17)
        self._loading = False  # a load or re-read is running: changes wait for it (no stale rows)
        self._loaded_once = False
        self._generation = 0  # of the newest load; an older one's chunks are dropped

        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Какие сообщения показать")
        self.scope_combo.setObjectName("scope")
        self.scope_combo.addItem("Требуют работы", SCOPE_WORK)
        self.scope_combo.addItem("Все сообщения подразделения", SCOPE_ALL)
        self.scope_combo.currentIndexChanged.connect(self._apply_scope)
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("Поиск сообщений")
        self.search_edit.setPlaceholderText("Поиск: автор, текст, номер")
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = _plain_label("", "count")
        self.count_label.setWordWrap(False)

        self.model = MessageTableModel(
            self.services.calendar.calendar,
            self.services.now,
            self,
            explain=lambda row, column: explain_countdown(self.services.deadlines, row, column),
        )
        self.model.filter_applied.connect(
            lambda shown, total: self.count_label.setText(f"{shown} из {total}")
        )
        self.search_edit.textChanged.connect(
            lambda text: filter_off_ui_thread(self.context.ops, self, self.model, text, self.search_edit.text)
        )
        self.table = MessageTableView()
        self.table.setAccessibleName("Сообщения подразделения")
        self.table.setAccessibleDescription(
            "Стрелки выбирают сообщение; колонки сроков — оставшееся рабочее время"
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap); arrows move in it
        self.table.setObjectName("messages")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder)  # what is due first
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setColumnHidden(Column.DEPARTMENT, True)  # always the executor's own department
        self.table.setColumnHidden(Column.STATE, True)  # the stage column says what is due
        self.model.presence_column = Column.STAGE  # «редактирует: …» where the executor looks
        delegate = CountdownDelegate(self.table)
        for column in (Column.STAGE_LEFT, Column.OVERALL_LEFT):
            self.table.setItemDelegateForColumn(column, delegate)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.message_panel = MessagePanel(context)
        self.message_panel.open_requested.connect(self.select_message)  # a linked message (issue 18)
        self.hand_back_button = QPushButton("Вернуть в ОпОГ: не наше…")
        self.hand_back_button.setObjectName("hand_back")
        self.hand_back_button.setToolTip("Сообщение направлено не по адресу: вернуть с указанием причины")
        self.hand_back_button.clicked.connect(self.open_hand_back_dialog)
        self.hand_back_button.setEnabled(False)
        self.error_label = _plain_label("", "workspace_error")
        style_text(self.error_label, Tone.DANGER)
        self.error_label.hide()

        self.editor = DraftEditor(context, self.validation, recovery=recovery, **editor_options)
        self.editor.setAccessibleName("Редактор ответа")
        self.editor.submitted.connect(self._submitted)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.scope_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.count_label)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.message_panel, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.error_label, 1)
        actions.addWidget(self.hand_back_button)
        middle_layout.addLayout(actions)

        # The list above the message it opens, both beside the editor: the draft gets the width.
        reading = QSplitter(Qt.Orientation.Vertical)
        reading.setAccessibleName("Список и карточка сообщения")
        left.setAccessibleName("Список сообщений")
        middle.setAccessibleName("Карточка сообщения")
        reading.addWidget(left)
        reading.addWidget(middle)
        reading.setStretchFactor(0, 2)
        reading.setStretchFactor(1, 3)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(reading)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 940])
        self.strip = NotificationStrip()
        self.notifier = Notifier(
            self.strip, self.services.calendar.calendar, self.services.now, self, use_tray=use_tray
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.strip)
        layout.addWidget(splitter)

        context.signals.tick.connect(self.on_tick)
        context.signals.data_changed.connect(self.reload)
        context.ops.changed.connect(self.apply_changes)
        self.reload()

    # -- list ------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the department's messages off the UI thread (and the shown message again, keeping
        the text being typed).

        The first time screen by screen, as the operator's queue (issue 17): the first rows in
        queue order are shown at once, the rest follows in chunks. Later («Обновить», a change of
        unknown scope) the list is read again and only the rows that differ are applied, row by row:
        no model reset, so the selection and the scroll stay.
        """
        self._loading = True
        self._generation += 1
        if self._loaded_once:
            self._reread(self._generation)
        else:
            self._load_first_screen(self._generation)
        if self._current is not None:
            self._load_detail(self._current, refresh=True)

    def _in_scope(self, rows: list[MessageRow]) -> list[MessageRow]:
        if self.scope_combo.currentData() == SCOPE_ALL:
            return rows
        return [r for r in rows if r.state in WORK_STATES]

    def _load_first_screen(self, generation: int) -> None:
        queries, actor, now = self.services.queries, self.context.actor, self.services.now()
        presence = self.services.presence

        def load() -> tuple[list[MessageRow], list[DeadlineEvent], dict[int, str], dict[int, str]]:
            first = queries.queue_page(actor, Queue.ALL, now, FIRST_SCREEN)
            return first, deadline_events(first), filter_index(first), presence.notes()

        def shown(
            result: tuple[list[MessageRow], list[DeadlineEvent], dict[int, str], dict[int, str]],
        ) -> None:
            rows, events, index, notes = result
            if generation != self._generation:
                return
            self._rows = {r.id: r for r in rows}
            self.model.set_rows(self._in_scope(rows), events, index)  # other rows' are skipped
            self.model.set_presence(notes)
            self._keep_selection()
            self.first_screen_shown.emit(self.model.rowCount())
            if len(rows) < FIRST_SCREEN:  # the whole list fitted on the first screen
                self._load_done(generation)
                return
            first_ids = set(self._rows)

            def rest_ids() -> list[int]:
                # A row changed since the first screen was read is re-read once the load is done.
                return [i for i in queries.queue_ids(actor, Queue.ALL, now) if i not in first_ids]

            self.context.ops.query(
                self,
                rest_ids,
                lambda rest: self._load_rest(generation, rest),
                self._load_failed,
                slot="chunk",
            )

        self.context.ops.query(self, load, shown, self._load_failed, slot="queue")

    def _load_rest(self, generation: int, rest: list[int]) -> None:
        if generation != self._generation:
            return  # a newer load started
        if not rest:
            self._load_done(generation)
            return
        chunk, later = rest[:CHUNK], rest[CHUNK:]
        queries, actor = self.services.queries, self.context.actor

        def read() -> tuple[list[MessageRow], list[DeadlineEvent], dict[int, str]]:
            rows = queries.rows_by_ids(actor, chunk)  # events and haystacks listed here, not on the UI
            return rows, deadline_events(rows), filter_index(rows)

        def arrived(result: tuple[list[MessageRow], list[DeadlineEvent], dict[int, str]]) -> None:
            rows, events, index = result
            if generation != self._generation:
                return
            self._rows.update((r.id, r) for r in rows)
            self.model.append_rows(self._in_scope(rows), events, index)  # after the rows shown: no reset
            self._keep_selection()
            self._load_rest(generation, later)

        self.context.ops.query(self, read, arrived, self._load_failed, slot="chunk")

    def _reread(self, generation: int) -> None:
        """Read the whole list again; apply only the messages whose row differs (or came, or went)."""
        queries, actor, now = self.services.queries, self.context.actor, self.services.now()
        presence = self.services.presence
        before = dict(self._rows)  # a snapshot for the worker (the rows themselves are immutable)

        def load() -> tuple[dict[int, MessageRow], frozenset[int], dict[int, str]]:
            fresh = {r.id: r for r in queries.list_queue(actor, Queue.ALL, now)}
            changed = {i for i, row in fresh.items() if before.get(i) != row}
            changed.update(i for i in before if i not in fresh)
            return fresh, frozenset(changed), presence.notes()

        def apply(result: tuple[dict[int, MessageRow], frozenset[int], dict[int, str]]) -> None:
            fresh, changed, notes = result
            if generation != self._generation:
                return
            if len(changed) > RESET_ABOVE:
                self._announce_arrivals([fresh[i] for i in changed if i in fresh], changed)
                self._rows = fresh  # most of the list changed: shown at once
                self._apply_scope()
            else:
                self._apply_rows(changed, [fresh[i] for i in changed if i in fresh])
            self.model.set_presence(notes)
            self._load_done(generation)

        self.context.ops.query(self, load, apply, self._load_failed, slot="queue")

    def _load_done(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._loaded_once = True
        if self._known_states is None:  # what the first load found is known, not new (R6)
            self._known_states = {i: r.state for i, r in self._rows.items()}
        self.queue_loaded.emit(len(self._rows))
        if self._pending_ids:
            self._refresh_rows()  # changes that arrived while the list was being read

    def apply_changes(self, changes: Changes) -> None:
        """A committed change here or elsewhere: re-read only the changed rows and apply them row by
        row (no reset: selection and scroll stay); presence alone re-reads only who has what open;
        the card only when it is the shown message (issue 17)."""
        if changes.everything:
            self.reload()
            return
        if changes.rows:
            self._pending_ids |= changes.rows
            if not self._loading:
                self._refresh_rows()  # else after the load: its chunks may be older than the change
        elif changes.presence:
            presence = self.services.presence
            self.context.ops.query(
                self, presence.notes, self.model.set_presence, lambda _e: None, slot="presence"
            )
        if self._current is not None and changes.of_message(self._current):
            self._load_detail(self._current, refresh=True)

    def _refresh_rows(self) -> None:
        queries, actor, now = self.services.queries, self.context.actor, self.services.now()
        presence, ids = self.services.presence, frozenset(self._pending_ids)

        def load() -> tuple[frozenset[int], list[MessageRow], dict[int, str]]:
            return ids, queries.queue_rows(actor, Queue.ALL, now, ids), presence.notes()

        # The newest refresh covers every pending id, so an older one may be dropped safely.
        self.context.ops.query(self, load, self._rows_refreshed, self._failed, slot="rows")

    def _rows_refreshed(self, result: tuple[frozenset[int], list[MessageRow], dict[int, str]]) -> None:
        ids, rows, presence = result
        if self._loading:
            return  # a load started meanwhile: these ids stay pending and are re-read after it
        self._pending_ids -= ids
        self._apply_rows(ids, rows)
        self.model.set_presence(presence)
        self.rows_refreshed.emit(len(ids))

    def _apply_rows(self, ids: frozenset[int], rows: list[MessageRow]) -> None:
        """The messages ``ids`` as re-read (``rows``: those still the department's), row by row."""
        self._announce_arrivals(rows, ids)
        for message_id in ids:
            self._rows.pop(message_id, None)
        self._rows.update((r.id, r) for r in rows)
        self.model.apply_rows(self._in_scope(rows), ids)
        self._keep_selection()

    def _announce_arrivals(self, rows: list[MessageRow], ids: frozenset[int]) -> None:
        """R6/R8: tell the executor when a message arrives or comes back for rework (30 minutes!).

        ``ids``: the messages re-read (``rows`` are those still the department's). Nothing is
        announced before the first load is complete: what it finds is not news."""
        known = self._known_states
        if known is None:
            return
        for row in rows:
            before = known.get(row.id)
            if row.state is MessageState.REWORK and before is not MessageState.REWORK:
                self.notifier.notify(
                    f"Возвращено на доработку: {row.author_name} — доработать за 30 рабочих минут",
                    urgent=True,
                    key=("rework", row.id),
                )
            elif row.state is MessageState.ROUTED and before is MessageState.CLARIFICATION:
                # Issue 13: the author answered our clarification request — the draft clock runs.
                self.notifier.notify(
                    f"Автор ответил на запрос уточнения: {row.author_name} — {row.preview}", urgent=True
                )
            elif before is MessageState.REWORK and row.state is not MessageState.REWORK:
                self.notifier.withdraw(("rework", row.id))  # resubmitted: the strip is stale now
            elif row.state is MessageState.ROUTED and before is None:
                self.notifier.notify(f"Новое сообщение для подразделения: {row.author_name} — {row.preview}")
        for message_id in ids:
            known.pop(message_id, None)
        known.update((row.id, row.state) for row in rows)

    def _apply_scope(self) -> None:
        """Show the chosen scope of the rows read (a different list: one reset, no database read)."""
        self.model.set_rows(self._in_scope(list(self._rows.values())))  # sorted by the view's column
        self._keep_selection()

    def _keep_selection(self) -> None:
        """The shown message stays selected when its row moved (a removal and an insertion)."""
        keep = self._current
        if keep is None:
            return
        row = self.model.row_of(keep)
        current = self.table.selectionModel().currentIndex()
        if row >= 0 and (not current.isValid() or current.row() != row):
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)

    def on_tick(self) -> None:
        span = visible_rows(self.table)
        if span is not None:
            self.model.tick(*span)
        now = self.services.now()
        previous, self._last_tick = self._last_tick, now
        if now <= previous:
            return
        for row, stage, status in self.model.transitions(previous, now):
            title = STAGE_NAMES.get(stage, stage)
            if status is DeadlineStatus.OVERDUE:
                self.notifier.notify(f"Просрочен срок этапа «{title}»: {row.author_name}", urgent=True)
            else:
                self.notifier.notify(f"Истекает срок этапа «{title}»: {row.author_name}")

    def select_message(self, message_id: int) -> None:
        row = self.model.row_of(message_id)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show(message_id)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row = self.model.row_at(indexes[0].row())
        if row is not None and row.id != self._current:
            self._show(row.id)

    # -- the shown message ---------------------------------------------------------------------

    def _show(self, message_id: int) -> None:
        self.editor.save_now()  # switching messages is a focus change: save first (issue 8.6)
        self._current = message_id
        self._load_detail(message_id, refresh=False)

    def _load_detail(self, message_id: int, *, refresh: bool) -> None:
        queries, actor = self.services.queries, self.context.actor

        def done(detail: MessageDetail) -> None:
            if self._current != message_id:
                return  # a later selection won
            self.message_panel.set_detail(detail)
            if refresh:
                self.editor.refresh(detail)
            else:
                self.editor.load_message(detail)
            self.hand_back_button.setEnabled(detail.row.state in HAND_BACKABLE)
            self.error_label.hide()
            self.message_shown.emit(message_id)

        self.context.ops.query(
            self, lambda: queries.message_detail(actor, message_id), done, self._failed, slot="detail"
        )

    def _submitted(self, message_id: int) -> None:
        self.notifier.withdraw(("rework", message_id))  # «возвращено» is over once resubmitted
        self.apply_changes(Changes(messages=frozenset({message_id})))  # its row, not the whole list

    # -- hand back (misrouted message) -----------------------------------------------------------

    def open_hand_back_dialog(self) -> HandBackDialog:
        dialog = HandBackDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reason_given.connect(self.hand_back)
        dialog.open()
        return dialog

    def hand_back(self, reason: str) -> None:
        """Return the shown message to ОпОГ with the reason; its draft clock closes, 8 hours go on."""
        detail = self.editor.detail
        if detail is None:
            return
        message_id, version = detail.row.id, detail.row.version
        workflow, actor = self.services.workflow, self.context.actor

        def done(_: object) -> None:
            self.editor.recovery.clear(message_id)
            self._current = None
            self.message_panel.clear()
            self.editor.set_message_none()
            self.hand_back_button.setEnabled(False)
            self.handed_back.emit(message_id)  # the list follows from the write's changes

        self.context.ops.write(
            self, lambda: workflow.hand_back(actor, message_id, version, reason), done, self._failed
        )

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        self.error_label.setText(error_text(error))
        self.error_label.show()
