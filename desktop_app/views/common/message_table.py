"""The queue table shared by the operator's and the executor's workstations.

API (stable):

- ``Column`` — the columns, in order: platform badge, author, first line, department, state, stage,
  stage countdown, overall (R3, 8-hour) countdown.
- ``MessageTableModel(calendar, now, parent=None, explain=None)`` over ``MessageRow`` objects
  (``desktop_app.services.queries``). ``calendar`` and ``now`` are callables (``services.calendar.calendar``
  and ``services.now``), so tests drive the clock. Sorting and the text filter run inside the model
  (a proxy would call back into Python per row and is too slow for 100,000 rows):

  - ``set_rows(rows)`` replace everything; ``rows()`` the visible rows; ``all_rows()`` everything loaded;
  - ``row_at(row) -> MessageRow | None``, ``row_of(message_id) -> int`` (−1 when not shown);
  - ``set_filter_text(text)`` instant filter on author, text, department, external id; ``filter_text()``;
  - ``sort(column, order)`` (``QTableView.setSortingEnabled(True)`` calls it; countdowns sort by due);
  - ``tick(first, last)`` re-read the clock and repaint the countdown cells of rows ``first..last`` only
    (pass ``visible_rows(view)``); the model is not reset;
  - ``transitions(previous, current)`` deadlines of loaded rows that entered «срок истекает» or
    «просрочено» between two instants (for notifications).
  - roles: ``ROW_ROLE`` (the ``MessageRow``), ``ID_ROLE`` (message id), ``STATUS_ROLE``
    (the ``DeadlineStatus`` value string of a countdown cell, ``""`` without a deadline), ``SORT_ROLE``.
  - ``explain(row, column) -> str`` optional hook adding the engine's explanation to countdown tooltips.

- ``CountdownDelegate`` paints countdown cells as coloured pills (colours from ``countdown.status_colours``).
- ``visible_rows(view) -> tuple[int, int] | None`` the first and last row a ``QTableView`` shows.

Signals of ``MessageTableModel``:
    filter_applied(int shown, int total): after set_rows / set_filter_text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from desktop_app.domain.worktime.deadlines import DeadlineStatus, Stage
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.errors import OtklikError
from desktop_app.services.deadlines import DeadlineBook
from desktop_app.services.queries import MessageRow
from desktop_app.services.texts import STAGE_NAMES, STATE_NAMES
from desktop_app.views.common.countdown import (
    Countdown,
    compute_countdown,
    countdown_tooltip,
    plain_tooltip,
    status_colours,
)
from desktop_app.views.common.platforms import platform_badge, platform_name


class Column(IntEnum):
    PLATFORM = 0
    AUTHOR = 1
    TEXT = 2
    DEPARTMENT = 3
    STATE = 4
    STAGE = 5
    STAGE_LEFT = 6
    OVERALL_LEFT = 7


HEADERS: dict[Column, str] = {
    Column.PLATFORM: "",
    Column.AUTHOR: "Автор",
    Column.TEXT: "Сообщение",
    Column.DEPARTMENT: "Подразделение",
    Column.STATE: "Состояние",
    Column.STAGE: "Этап",
    Column.STAGE_LEFT: "Срок этапа",
    Column.OVERALL_LEFT: "8 часов",
}
HEADER_TIPS: dict[Column, str] = {
    Column.PLATFORM: "Площадка",
    Column.STAGE_LEFT: "Оставшееся рабочее время текущего этапа",
    Column.OVERALL_LEFT: "Оставшееся рабочее время до общего срока ответа (п. 3, 8 часов)",
}
COUNTDOWN_COLUMNS = (Column.STAGE_LEFT, Column.OVERALL_LEFT)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
_TICK_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    STATUS_ROLE,
]


def stage_title(row: MessageRow) -> str:
    return STAGE_NAMES.get(row.current_stage or "", "") if row.current_stage else "—"


def _haystack(row: MessageRow) -> str:
    return f"{row.author_name}\n{row.preview}\n{row.department_name}\n{row.external_id}".casefold()


def _sort_key(column: Column) -> Callable[[MessageRow], Any]:
    if column is Column.STAGE_LEFT:
        return lambda r: r.stage_due or _FAR
    if column is Column.OVERALL_LEFT:
        return lambda r: (r.overall_closed_at is not None, r.overall_due or _FAR)
    if column is Column.PLATFORM:
        return lambda r: r.platform
    if column is Column.AUTHOR:
        return lambda r: r.author_name.casefold()
    if column is Column.TEXT:
        return lambda r: r.preview.casefold()
    if column is Column.DEPARTMENT:
        return lambda r: r.department_name.casefold()
    if column is Column.STATE:
        return lambda r: STATE_NAMES[r.state]
    return lambda r: stage_title(r)


class MessageTableModel(QAbstractTableModel):
    """Queue rows with live working-time countdowns.

    Signals:
        filter_applied(int, int): rows shown and rows loaded, after the rows or the filter change.
    """

    filter_applied = Signal(int, int)

    def __init__(
        self,
        calendar: Callable[[], WorkCalendar],
        now: Callable[[], dt.datetime],
        parent: QWidget | None = None,
        explain: Callable[[MessageRow, Column], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._calendar_source = calendar
        self._now_source = now
        self._explain = explain
        self._all: list[MessageRow] = []
        self._haystacks: list[str] | None = None
        self._rows: list[MessageRow] = []
        self._filter = ""
        self._sort: tuple[Column, Qt.SortOrder] | None = None
        self._calendar = calendar()
        self._now = now()
        self._cache: dict[tuple[int, int], Countdown | None] = {}

    # -- loading, filtering, sorting --------------------------------------------------------------

    def set_rows(self, rows: Iterable[MessageRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._haystacks = None  # built on the first filter: loading stays cheap
        self._calendar = self._calendar_source()
        self._now = self._now_source()
        self._cache.clear()
        self._rows = self._select()
        self.endResetModel()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def rows(self) -> Sequence[MessageRow]:
        return self._rows

    def all_rows(self) -> Sequence[MessageRow]:
        return self._all

    def row_at(self, row: int) -> MessageRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, message_id: int) -> int:
        for number, row in enumerate(self._rows):
            if row.id == message_id:
                return number
        return -1

    def filter_text(self) -> str:
        return self._filter

    def set_filter_text(self, text: str) -> None:
        text = text.strip()
        if text == self._filter:
            return
        self.beginResetModel()
        self._filter = text
        self._rows = self._select()
        self.endResetModel()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def _select(self) -> list[MessageRow]:
        words = self._filter.casefold().split()
        if words:
            if self._haystacks is None:
                self._haystacks = [_haystack(r) for r in self._all]
            if len(words) == 1:
                word = words[0]
                rows = [r for r, h in zip(self._all, self._haystacks, strict=True) if word in h]
            else:
                rows = [
                    r for r, h in zip(self._all, self._haystacks, strict=True) if all(w in h for w in words)
                ]
        else:
            rows = list(self._all)
        if self._sort is not None:
            column, order = self._sort
            rows.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort = (Column(column), order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [(p, self._rows[p.row()].id) for p in persistent if p.isValid()]
        self._rows.sort(key=_sort_key(Column(column)), reverse=order == Qt.SortOrder.DescendingOrder)
        if ids:
            position = {r.id: n for n, r in enumerate(self._rows)}
            self.changePersistentIndexList(
                [p for p, _ in ids], [self.index(position[i], p.column()) for p, i in ids]
            )
        self.layoutChanged.emit()

    # -- the clock ---------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self._now

    def tick(self, first: int | None = None, last: int | None = None) -> None:
        """Re-read the clock; repaint countdown cells of rows ``first..last`` (all when omitted)."""
        self._now = self._now_source()
        self._calendar = self._calendar_source()
        self._cache.clear()
        if not self._rows:
            return
        first = 0 if first is None else max(first, 0)
        last = len(self._rows) - 1 if last is None else min(last, len(self._rows) - 1)
        if first > last:
            return
        self.dataChanged.emit(
            self.index(first, Column.STAGE_LEFT), self.index(last, Column.OVERALL_LEFT), _TICK_ROLES
        )

    def transitions(
        self, previous: dt.datetime, current: dt.datetime
    ) -> list[tuple[MessageRow, str, DeadlineStatus]]:
        """Deadlines (stage code, new status) of loaded rows that changed status in (previous, current]."""
        found: list[tuple[MessageRow, str, DeadlineStatus]] = []
        for row in self._all:
            clocks = []
            if row.current_stage and row.stage_due is not None:
                clocks.append((row.current_stage, row.stage_due, row.stage_warn_from))
            if row.overall_due is not None and row.overall_closed_at is None:
                clocks.append(("overall", row.overall_due, row.overall_warn_from))
            for stage, due, warn_from in clocks:
                if previous <= due < current:  # overdue means strictly after the due instant
                    found.append((row, stage, DeadlineStatus.OVERDUE))
                elif warn_from is not None and previous < warn_from <= current and current <= due:
                    found.append((row, stage, DeadlineStatus.WARNING))
        return found

    def countdown(self, row: MessageRow, column: Column) -> Countdown | None:
        key = (row.id, column)
        if key in self._cache:
            return self._cache[key]
        if column is Column.STAGE_LEFT:
            value = compute_countdown(
                self._calendar, self._now, row.stage_due if row.current_stage else None, row.stage_warn_from
            )
        else:
            value = compute_countdown(
                self._calendar, self._now, row.overall_due, row.overall_warn_from, row.overall_closed_at
            )
        self._cache[key] = value
        return value

    # -- Qt model interface ------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if column in COUNTDOWN_COLUMNS:
            return self._countdown_data(row, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DecorationRole and column is Column.PLATFORM:
            return platform_badge(row.platform)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Untrusted text: a tooltip that looks like HTML would be rendered as HTML.
            if column is Column.PLATFORM:
                return plain_tooltip(platform_name(row.platform))
            if column is Column.TEXT:
                return plain_tooltip(row.preview)
            if column in (Column.AUTHOR, Column.DEPARTMENT, Column.STATE, Column.STAGE):
                return plain_tooltip(self._display(row, column) or "")
        if role == SORT_ROLE:
            return _sort_key(column)(row)
        return None

    def _display(self, row: MessageRow, column: Column) -> str | None:
        if column is Column.AUTHOR:
            return row.author_name
        if column is Column.TEXT:
            return row.preview
        if column is Column.DEPARTMENT:
            return row.department_name or "—"
        if column is Column.STATE:
            # Issue 13: new words from the author after the draft was submitted, in every queue.
            return STATE_NAMES[row.state] + (" · автор дописал" if row.author_added else "")
        if column is Column.STAGE:
            since = row.waiting_for_author_since
            if since is not None:  # a clarification nobody answered yet: the wait is visible
                return f"ждём ответа автора с {since.astimezone(self._calendar.tz):%d.%m %H:%M}"
            return stage_title(row)
        return None

    def _countdown_data(self, row: MessageRow, column: Column, role: int) -> Any:
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        value = self.countdown(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return value.text if value else "—"
        if role == SORT_ROLE:
            return _sort_key(column)(row)
        if role == STATUS_ROLE:
            # A plain str through QVariant (DeadlineStatus(value) converts), "" without a deadline: never
            # None, because PySide6 6.12 on Python 3.11 loses a reference to None each time Python code
            # receives an invalid QVariant from data() (the delegate asks every tick).
            return value.status.value if value else ""
        if value is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return status_colours(value.status)[0]
        if role == Qt.ItemDataRole.BackgroundRole:
            return status_colours(value.status)[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.STAGE_LEFT:
                title, start = stage_title(row), row.stage_started_at
            else:
                title, start = STAGE_NAMES["overall"], row.arrived_at
            explanation = self._explain(row, column) if self._explain else ""
            return plain_tooltip(countdown_tooltip(self._calendar, title, value, start, explanation))
        return None


class CountdownDelegate(QStyledItemDelegate):
    """Paints a countdown cell as a rounded pill in its status colours, tabular digits."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        status = index.data(STATUS_ROLE)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.backgroundBrush = Qt.BrushStyle.NoBrush
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = max(metrics.horizontalAdvance(text) + 16, 52)
        height = min(option.rect.height() - 6, metrics.height() + 6)
        rect = QRectF(
            option.rect.center().x() - width / 2 + 1,
            option.rect.center().y() - height / 2 + 1,
            width,
            height,
        )
        if status:
            fg, bg = status_colours(DeadlineStatus(status))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(fg)
        else:
            painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width() + 20, 84), size.height() + 6)


def visible_rows(view: QTableView) -> tuple[int, int] | None:
    """First and last model rows the view shows now, or ``None`` when it shows none."""
    model = view.model()
    if model is None or model.rowCount() == 0:
        return None
    first = view.rowAt(0)
    if first < 0:
        return None
    last = view.rowAt(view.viewport().height() - 1)
    if last < 0:
        last = model.rowCount() - 1
    return first, last


def explain_countdown(deadlines: DeadlineBook, row: MessageRow, column: Column) -> str:
    """The working-time engine's explanation of a row's countdown ("" when it cannot be computed)."""
    try:
        if column is Column.STAGE_LEFT and row.current_stage and row.stage_started_at is not None:
            return deadlines.explain(Stage(row.current_stage), row.stage_started_at, row.stage_budget)
        if column is Column.OVERALL_LEFT:
            return deadlines.explain(Stage.OVERALL, row.arrived_at)
    except (OtklikError, ValueError):  # e.g. an instant beyond the calendar's data
        return ""
    return ""
