"""The queue table shared by the operator's and the executor's workstations.

API (stable):

- ``Column`` — the columns, in order: platform badge, author, first line, department, state, stage,
  stage countdown, overall (R3, 8-hour) countdown.
- ``MessageTableModel(calendar, now, parent=None, explain=None)`` over ``MessageRow`` objects
  (``desktop_app.services.queries``). ``calendar`` and ``now`` are callables (``services.calendar.calendar``
  and ``services.now``), so tests drive the clock. Sorting and the text filter run inside the model
  (a proxy would call back into Python per row and is too slow for 100,000 rows):

  - ``set_rows(rows)`` replace everything; ``rows()`` the visible rows; ``all_rows()`` everything loaded;
  - ``append_rows(rows)`` more rows of the same load, after the loaded ones (screen-by-screen loading);
  - ``apply_rows(rows, ids)`` incremental refresh: of the message ``ids`` re-read, ``rows`` are their
    current versions (inserted in order, or updated in place); ids without a row leave the table.
    Rows are removed and inserted one by one, so the selection stays on the same message;
  - ``set_presence({message_id: "открыто у: …"})`` who else has a row's message open (state column);
  - ``row_at(row) -> MessageRow | None``, ``row_of(message_id) -> int`` (−1 when not shown);
  - ``set_filter_text(text)`` instant filter on author, text, department, external id; ``filter_text()``;
  - ``sort(column, order)`` (``QTableView.setSortingEnabled(True)`` calls it; countdowns sort by due);
    more than ``sort_in_steps_above`` rows are sorted in steps between events (``sorting()`` meanwhile,
    ``sort_applied`` when the new order is shown);
  - ``tick(first, last)`` re-read the clock and repaint those countdown cells of rows ``first..last``
    (pass ``visible_rows(view)``) whose text or colour changed (a countdown reads in minutes, so
    most ticks repaint nothing); the model is not reset;
  - ``transitions(previous, current)`` deadlines of loaded rows that entered «срок истекает» or
    «просрочено» between two instants (for notifications).
  - roles: ``ROW_ROLE`` (the ``MessageRow``), ``ID_ROLE`` (message id), ``STATUS_ROLE``
    (the ``DeadlineStatus`` value string of a countdown cell, ``""`` without a deadline), ``SORT_ROLE``.
  - ``explain(row, column) -> str`` optional hook adding the engine's explanation to countdown tooltips.

- ``CountdownDelegate`` paints countdown cells as coloured pills (colours from ``countdown.status_colours``).
- ``visible_rows(view) -> tuple[int, int] | None`` the first and last row a ``QTableView`` shows.

Signals of ``MessageTableModel``:
    filter_applied(int shown, int total): after set_rows / set_filter_text.
    sort_applied(): after ``sort`` showed the rows in the new order.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import heapq
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from desktop_app.domain.worktime.deadlines import DeadlineStatus, Stage
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.errors import OtklikError
from desktop_app.heap import settle_heap
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

if TYPE_CHECKING:
    from desktop_app.views.operations import Operations


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
_COLUMNS = tuple(Column)
_PLAIN_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
    )
)

# Roles as plain ints: data() runs for every role of every visible cell on each paint, and each
# ``Qt.ItemDataRole.X`` lookup goes through the enum machinery (a third of a repaint's Python time).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
# (instant, message id, stage code, status it enters, the due instant of that clock). Only atomic
# values (the status as its plain string): the garbage collector stops tracking such tuples, so
# 400,000 of them never make a full collection longer (issue 17: those collections were the stalls).
DeadlineEvent = tuple[dt.datetime, int, str, str, dt.datetime]
_OVERDUE = str(DeadlineStatus.OVERDUE.value)
_WARNING = str(DeadlineStatus.WARNING.value)
_TICK_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    STATUS_ROLE,
]


_UNKNOWN = object()  # a countdown cell not computed since the last tick (never shown)


def _face(countdown: Countdown | None) -> tuple[int, DeadlineStatus] | None:
    """What a countdown cell shows (its text and colour follow from these two)."""
    return None if countdown is None else (countdown.minutes, countdown.status)


def stage_title(row: MessageRow) -> str:
    return STAGE_NAMES.get(row.current_stage or "", "") if row.current_stage else "—"


def _haystack(row: MessageRow) -> str:
    return f"{row.author_name}\n{row.preview}\n{row.department_name}\n{row.external_id}".casefold()


def filter_index(rows: Iterable[MessageRow]) -> dict[int, str]:
    """What the instant filter searches in each row (message id → casefolded text), for the worker
    that read the rows to list: the model then never lists them for a whole queue at the first
    keystroke (100,000 casefolds: 0.3–0.9 s of the first filter's wait, issue 17)."""
    return {row.id: _haystack(row) for row in rows}


def _indexed(rows: Sequence[MessageRow], index: dict[int, str]) -> list[str]:
    """``rows``' haystacks, from ``index`` where it has them."""
    found = index.get
    return [h if (h := found(row.id)) is not None else _haystack(row) for row in rows]


@dataclass(frozen=True)
class FilterResult:
    generation: int  # of the loaded rows it was computed from
    text: str
    rows: list[MessageRow]
    haystacks: list[str] | None  # listed by the job (None: it searched the model's own)


def _matching(
    rows: Sequence[MessageRow], haystacks: Sequence[str], text: str, sort: tuple[Column, Qt.SortOrder] | None
) -> list[MessageRow]:
    words = text.casefold().split()
    if len(words) == 1:
        word = words[0]
        found = [r for r, h in zip(rows, haystacks, strict=True) if word in h]
    elif words:
        found = [r for r, h in zip(rows, haystacks, strict=True) if all(w in h for w in words)]
    else:
        found = list(rows)
    if sort is not None:
        column, order = sort
        found = _sorted(found, _sort_key(column), order == Qt.SortOrder.DescendingOrder)
    return found


_SORT_SLICE = 4096  # rows sorted by one C call (a few milliseconds holding the GIL)


def _sorted(rows: list[MessageRow], key: Callable[[MessageRow], Any], descending: bool) -> list[MessageRow]:
    """``sorted(rows, key=key, reverse=descending)`` without holding the GIL for long.

    ``list.sort`` compares in C: 100,000 rows out of order (the queue sorted by author, the filter
    cleared) held the GIL for 0.1–0.2 s on the filter's worker, and the UI thread waited all that time
    (issue 17). Slices are sorted apart and merged by ``heapq.merge``, whose loop is Python (the
    interpreter switches threads in it); slices already in order, the usual case (the queue's own
    order), are joined as they are. Every key ends with the message id, so the order is total and
    the result is the same as one sort's.
    """
    if len(rows) <= _SORT_SLICE:
        return sorted(rows, key=key, reverse=descending)
    slices = [
        sorted(rows[n : n + _SORT_SLICE], key=key, reverse=descending)
        for n in range(0, len(rows), _SORT_SLICE)
    ]
    bounds = [(key(part[0]), key(part[-1])) for part in slices]
    if all(
        (later[0] <= earlier[1]) if descending else (later[0] >= earlier[1])
        for earlier, later in itertools.pairwise(bounds)
    ):
        return [row for part in slices for row in part]
    return list(heapq.merge(*slices, key=key, reverse=descending))


SORT_IN_STEPS_ABOVE = 10_000  # rows: a bigger sort runs in steps between events (issue 17)
_SORT_BUDGET = 0.005  # seconds of sorting steps per turn of the event loop
_KEY_STEP = 2048  # rows whose keys are listed and sorted by one step
_MERGE_STEP = 8192  # keys merged by one C call (a few milliseconds, datetime keys the slowest)
_MAP_STEP = 8192  # sorted keys turned back into rows per step


def sort_steps(
    rows: Sequence[MessageRow],
    key: Callable[[MessageRow], Any],
    descending: bool,
    by_id: dict[int, MessageRow],
) -> Iterator[list[MessageRow] | None]:
    """``sorted(rows, key=key, reverse=descending)`` cut into steps of a few milliseconds each.

    Yields ``None`` after each step and the sorted rows last. A header click on 100,000 rows sorted
    in one call held the UI thread for 0.3-0.4 s (issue 17: 116-134 ms to list the keys, the rest
    comparing them in C); run a step at a time between events, no step is over ~5 ms and the UI
    keeps painting. Every key ends with the message id (a total order), so the keys alone are
    sorted and merged (each merge split at a pivot into halves of at most ``_MERGE_STEP`` keys) and
    the rows are found again by id (``by_id``).
    """
    runs: list[list[Any]] = []
    for n in range(0, len(rows), _KEY_STEP):
        part = [key(r) for r in rows[n : n + _KEY_STEP]]
        part.sort()
        runs.append(part)
        yield None
    while len(runs) > 1:
        merged: list[list[Any]] = []
        for j in range(0, len(runs) - 1, 2):
            out: list[Any] = []
            yield from _merge_steps(runs[j], runs[j + 1], out)
            merged.append(out)
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    keys = runs[0] if runs else []
    if descending:
        keys.reverse()  # the order is total: descending is ascending reversed
    result: list[MessageRow] = []
    for n in range(0, len(keys), _MAP_STEP):
        result.extend([by_id[k[-1]] for k in keys[n : n + _MAP_STEP]])
        yield None
    yield result


def _merge_steps(first: list[Any], second: list[Any], out: list[Any]) -> Iterator[None]:
    """Merge two sorted lists of distinct keys onto ``out``, one bounded C call per step."""
    if len(first) + len(second) <= _MERGE_STEP or not first or not second:
        joined = first + second
        joined.sort()  # two runs: timsort merges them in one linear pass
        out.extend(joined)
        yield None
        return
    if len(first) < len(second):
        first, second = second, first
    middle = len(first) // 2
    split = bisect.bisect_left(second, first[middle])  # keys before the pivot go to the first half
    yield from _merge_steps(first[:middle], second[:split], out)
    yield from _merge_steps(first[middle:], second[split:], out)


def deadline_events(rows: Iterable[MessageRow]) -> list[DeadlineEvent]:
    """Every instant at which a row's countdown changes status, sorted (for :meth:`transitions`)."""
    events: list[DeadlineEvent] = []
    for row in rows:
        if row.current_stage and row.stage_due is not None:
            events.append((row.stage_due, row.id, row.current_stage, _OVERDUE, row.stage_due))
            if row.stage_warn_from is not None:
                events.append((row.stage_warn_from, row.id, row.current_stage, _WARNING, row.stage_due))
        if row.overall_due is not None and row.overall_closed_at is None:
            events.append((row.overall_due, row.id, "overall", _OVERDUE, row.overall_due))
            if row.overall_warn_from is not None:
                events.append((row.overall_warn_from, row.id, "overall", _WARNING, row.overall_due))
    events.sort(key=_event_instant)
    return events


def _find(rows: list[MessageRow], row: MessageRow, key: Callable[[MessageRow], Any], descending: bool) -> int:
    """Where ``row`` (by id) is in ``rows``, kept in ``key`` order (keys end with the id, so the order
    is total): a binary search, with a plain scan when the list turns out not to be in that order
    (e.g. rows a test gave in its own order)."""
    value = key(row)
    n = _bisect(rows, value, key, descending, right=False)
    while n < len(rows) and key(rows[n]) == value:
        if rows[n].id == row.id:
            return n
        n += 1
    return next((n for n, r in enumerate(rows) if r.id == row.id), -1)


def _bisect(
    rows: Sequence[MessageRow], value: Any, key: Callable[[MessageRow], Any], descending: bool, *, right: bool
) -> int:
    """``bisect_left``/``bisect_right`` of ``value`` in ``rows`` ordered by ``key`` (either direction)."""
    if not descending:
        return (bisect.bisect_right if right else bisect.bisect_left)(rows, value, key=key)
    low, high = 0, len(rows)
    while low < high:  # rows[i] sorts before value iff its key is greater (descending)
        middle = (low + high) // 2
        current = key(rows[middle])
        if current > value or (right and current == value):
            low = middle + 1
        else:
            high = middle
    return low


def _event_instant(event: DeadlineEvent) -> dt.datetime:
    return event[0]


def _still_due(row: MessageRow, stage: str, due: dt.datetime) -> bool:
    if stage == "overall":
        return row.overall_due == due and row.overall_closed_at is None
    return row.current_stage == stage and row.stage_due == due


class _Chute:
    """Frees big lists off the UI thread, a slice at a time, so the GIL is never held for long."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[list[Any]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def put(self, items: list[Any]) -> None:
        self._queue.put(items)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="otklik-free-rows", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            given = self._queue.get()
            # A list comes when a new load replaces the rows, just before the UI thread paints the
            # new first screen: wait until that paint is over. While the paint runs, every call into
            # the model waits for the GIL this thread holds (issue 17: the queue switch's stall).
            time.sleep(0.15)
            # The copy is made here, not on the UI thread (100,000 references: milliseconds there);
            # the given list is left as it is: a caller may still hold it.
            items = list(given)
            del given
            while items:
                del items[-2000:]
                time.sleep(0)  # let the UI thread take the GIL between slices


_CHUTE = _Chute()


# A big queue is read screen by screen (issue 17): the first rows in queue order (a LIMIT read,
# shown at once), then the rest in chunks, each read off the UI thread and appended.
FIRST_SCREEN = 300  # rows of the first read: more than any screen shows
CHUNK = 5000  # rows per later read: a few tens of milliseconds on a worker thread
_SETTLE_AFTER = 2000  # rows: a load this big is moved out of the collector's way


def discard_later(*lists: list[Any] | None) -> None:
    """Let big lists go without freeing their items on the calling (UI) thread: the chute's thread
    copies the references and frees the items in slices (the lists themselves are left alone: a
    caller may still hold one, and must not change it afterwards; the model only replaces its lists)."""
    for items in lists:
        if items and len(items) > 5000:
            _CHUTE.put(items)


def queue_order(row: MessageRow) -> tuple[bool, dt.datetime, dt.datetime, int]:
    """The order the database returns a queue in (``MessageQueries.list_queue``), ending with the id."""
    return (row.stage_due is None, row.stage_due or _FAR, row.arrived_at, row.id)


def _sort_key(column: Column) -> Callable[[MessageRow], Any]:
    """A column's sort key, ending with the id: a total order, so a row is found by binary search."""
    if column is Column.STAGE_LEFT:
        # = queue_order: a queue loaded in chunks from the database continues this order, so no
        # chunk makes the UI thread re-sort the rows already shown.
        return lambda r: (r.stage_due or _FAR, r.arrived_at, r.id)
    if column is Column.OVERALL_LEFT:
        return lambda r: (r.overall_closed_at is not None, r.overall_due or _FAR, r.id)
    if column is Column.PLATFORM:
        return lambda r: (r.platform, r.id)
    if column is Column.AUTHOR:
        return lambda r: (r.author_name.casefold(), r.id)
    if column is Column.TEXT:
        return lambda r: (r.preview.casefold(), r.id)
    if column is Column.DEPARTMENT:
        return lambda r: (r.department_name.casefold(), r.id)
    if column is Column.STATE:
        return lambda r: (STATE_NAMES[r.state], r.id)
    return lambda r: (stage_title(r), r.id)


def _sort_value(column: Column, row: MessageRow) -> Any:
    """What ``SORT_ROLE`` shows: the sort key without its id tie-break."""
    value = _sort_key(column)(row)[:-1]
    return value[0] if len(value) == 1 else value


@dataclass
class _SortJob:
    """A header click's sort under way: of which rows (the very list, and their generation)."""

    wanted: tuple[Column, Qt.SortOrder]
    source: list[MessageRow]
    generation: int
    steps: Iterator[list[MessageRow] | None]
    result: list[MessageRow] | None = None  # sorted, shown in the next turn

    def fits(self, model: MessageTableModel) -> bool:
        """The rows it sorts are still the ones shown."""
        return self.source is model._rows and self.generation == model._generation


class MessageTableModel(QAbstractTableModel):
    """Queue rows with live working-time countdowns.

    Signals:
        filter_applied(int, int): rows shown and rows loaded, after the rows or the filter change.
    """

    filter_applied = Signal(int, int)
    sort_applied = Signal()

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
        self._presence: dict[int, str] = {}
        self._by_id: dict[int, MessageRow] = {}
        self._events: list[list[DeadlineEvent]] = []  # a load's chunks, each sorted
        self._refresh_events: list[list[DeadlineEvent]] = []  # refreshes', merged as they come
        self._events_dirty = False
        self._generation = 0  # grows whenever the loaded rows change (a filter result is for one)
        # The rows shown without a filter, kept when a filter replaced them, with the (generation,
        # sort) they are for: clearing the filter shows them again without sorting every row anew.
        self._unfiltered: list[MessageRow] | None = None
        self._unfiltered_for: tuple[int, tuple[Column, Qt.SortOrder] | None] = (-1, None)
        # The column that says who else has a row's message open (the executor hides «Состояние»).
        self.presence_column = Column.STATE
        # A header click on a big queue sorts in steps between events (``sort``).
        self.sort_in_steps_above = SORT_IN_STEPS_ABOVE
        self._sort_job: _SortJob | None = None
        self._sort_timer = QTimer(self)
        self._sort_timer.setSingleShot(True)
        self._sort_timer.setInterval(0)
        self._sort_timer.timeout.connect(self._sort_step)

    # -- loading, filtering, sorting --------------------------------------------------------------

    def append_rows(
        self,
        rows: Iterable[MessageRow],
        events: list[DeadlineEvent] | None = None,
        search_index: dict[int, str] | None = None,
    ) -> None:
        """More rows of the same load, after the ones already there (a big queue arrives screen by
        screen: the first screen is shown at once, the rest follows without blocking the UI).

        ``events``: ``deadline_events(rows)``, ``search_index``: ``filter_index(rows)``, when a worker
        thread already listed them.
        """
        rows = list(rows)
        if not rows:
            return
        self._generation += 1
        self._all.extend(rows)
        self._by_id.update((r.id, r) for r in rows)
        self._add_events(rows, events)
        if self._haystacks is not None:
            self._haystacks.extend(_indexed(rows, search_index or {}))
        shown = [r for r in rows if self._passes(r)] if self._filter else rows
        if shown and self._sort is not None:
            column, order = self._sort
            key = _sort_key(column)
            descending = order == Qt.SortOrder.DescendingOrder
            shown = sorted(shown, key=key, reverse=descending)
            last = key(self._rows[-1]) if self._rows else None
            in_order = last is None or (key(shown[0]) <= last if descending else key(shown[0]) >= last)
            if not in_order:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
                self._rows.extend(shown)
                self.endInsertRows()
                # The new rows find their places (in steps for a big queue); the selection stays.
                self.sort(column, order)
                shown = []
            # else: the chunk continues the order (the usual case: queue order is by stage due)
        if shown:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._rows.extend(shown)
            self.endInsertRows()
        if len(rows) >= _SETTLE_AFTER:
            settle_heap()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def apply_rows(self, rows: Iterable[MessageRow], ids: Iterable[int]) -> None:
        """Incremental refresh of the message ``ids``: ``rows`` are those still in the queue (issue 17).

        Cost on the UI thread: a binary search per changed row in the shown and the loaded rows (both
        are kept in a total order), one list insert or delete, and one ``dataChanged`` (the row stays
        in place) or one row removal and insertion (it moved) per changed row; never a reset, never a
        pass over the other rows. The view keeps its selection and scroll position.
        """
        rows = list(rows)
        fresh = {row.id: row for row in rows}
        touched = set(ids) | set(fresh)
        if not touched:
            return
        self._generation += 1
        self._now = self._now_source()
        for row_id in touched:
            self._cache.pop((row_id, Column.STAGE_LEFT), None)
            self._cache.pop((row_id, Column.OVERALL_LEFT), None)
        key = self._row_key()
        descending = self._descending()
        olds = [self._by_id[i] for i in touched if i in self._by_id]
        shown = [
            (n, old)
            for old in olds
            if self._passes(old) and (n := _find(self._rows, old, key, descending)) >= 0
        ]
        for n, old in sorted(shown, key=lambda item: item[0], reverse=True):
            new = fresh.get(old.id)
            if new is not None and key(new) == key(old) and self._passes(new):
                self._rows[n] = new  # same place: repaint the row only
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(Column) - 1))
                del fresh[old.id]
                continue
            self.beginRemoveRows(QModelIndex(), n, n)
            del self._rows[n]
            self.endRemoveRows()
        haystacks = self._haystacks
        for old in olds:
            n = _find(self._all, old, queue_order, False)
            if n >= 0:
                del self._all[n]
                if haystacks is not None:
                    del haystacks[n]
        for row in rows:
            n = bisect.bisect_right(self._all, queue_order(row), key=queue_order)
            self._all.insert(n, row)
            if haystacks is not None:
                haystacks.insert(n, _haystack(row))  # the filter's index follows, never rebuilt
        for row_id in touched:
            self._by_id.pop(row_id, None)
        self._by_id.update((r.id, r) for r in rows)
        self._add_events(rows, None)
        for row in sorted(fresh.values(), key=key, reverse=descending):
            if not self._passes(row):
                continue
            n = _bisect(self._rows, key(row), key, descending, right=True)
            self.beginInsertRows(QModelIndex(), n, n)
            self._rows.insert(n, row)
            self.endInsertRows()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def _row_key(self) -> Callable[[MessageRow], Any]:
        return _sort_key(self._sort[0]) if self._sort is not None else queue_order

    def _descending(self) -> bool:
        return self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder

    def _passes(self, row: MessageRow) -> bool:
        words = self._filter.casefold().split()
        if not words:
            return True
        haystack = _haystack(row)
        return all(w in haystack for w in words)

    def set_presence(self, presence: dict[int, str]) -> None:
        """Who else has each message open; repaints only the rows whose note changed (found by
        binary search: the cost is the number of changed notes, not of rows)."""
        changed = {i for i in set(presence) | set(self._presence) if presence.get(i) != self._presence.get(i)}
        self._presence = dict(presence)
        column = self.presence_column
        for message_id in changed:
            n = self.row_of(message_id)
            if n >= 0:
                self.dataChanged.emit(self.index(n, column), self.index(n, column))

    def presence_of(self, message_id: int) -> str:
        return self._presence.get(message_id, "")

    def _add_events(self, rows: list[MessageRow], events: list[DeadlineEvent] | None) -> None:
        if self._events_dirty:
            return  # listed from every row on the next transitions() anyway
        added = events if events is not None else deadline_events(rows)
        if events is not None:
            self._events.append(added)  # a chunk of a load: kept apart, never merged on the UI thread
            return
        # A refresh's few events: merged with the previous refreshes' like a binary counter, so each
        # event is merged O(log n) times in all and the lists a tick searches stay few.
        small = self._refresh_events
        small.append(added)
        while len(small) > 1 and len(small[-2]) <= 2 * len(small[-1]):
            last = small.pop()
            small[-1] = list(heapq.merge(small[-1], last, key=_event_instant))

    def set_rows(
        self,
        rows: Iterable[MessageRow],
        events: list[DeadlineEvent] | None = None,
        search_index: dict[int, str] | None = None,
    ) -> None:
        """Replace every row. ``events`` / ``search_index``: ``deadline_events(rows)`` /
        ``filter_index(rows)`` when a worker listed them; with an index the filter's haystacks are
        kept up from here on (later chunks bring theirs), without one the first filter lists them."""
        # Freeing 100,000 rows takes ~0.1 s: the old lists go to a thread that frees them in slices.
        discard_later(self._all, self._rows, self._haystacks, self._unfiltered, *self._events)
        self._unfiltered = None  # would keep the replaced rows alive
        self._by_id = {}
        self.beginResetModel()
        self._all = list(rows)
        self._by_id = {r.id: r for r in self._all}
        self._events = [events] if events is not None else []
        self._refresh_events = []
        self._generation += 1
        self._events_dirty = events is None and len(self._all) > 0
        # Listed by the worker that read each chunk (``search_index``), or else by the first filter.
        self._haystacks = _indexed(self._all, search_index) if search_index is not None else None
        self._calendar = self._calendar_source()
        self._now = self._now_source()
        self._cache.clear()
        # A big queue sorted by a column (an executor's change of scope): shown in the queue's own
        # order first, then sorted in steps like a header click — one sort here held the UI thread for
        # 0.3-0.4 s at 100,000 rows (issue 17).
        wanted = self._sort if len(self._all) > self.sort_in_steps_above else None
        if wanted is not None:
            self._sort = None
        self._rows = self._select()
        self.endResetModel()
        if wanted is not None:
            self.sort(*wanted)
        if len(self._all) >= _SETTLE_AFTER:
            settle_heap()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def rows(self) -> Sequence[MessageRow]:
        return self._rows

    def all_rows(self) -> Sequence[MessageRow]:
        return self._all

    def row_at(self, row: int) -> MessageRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, message_id: int) -> int:
        """The shown row of a message (−1: not shown): a binary search in the sort order."""
        row = self._by_id.get(message_id)
        if row is None or not self._passes(row):
            return -1
        return _find(self._rows, row, self._row_key(), self._descending())

    def filter_text(self) -> str:
        return self._filter

    def set_filter_text(self, text: str) -> None:
        text = text.strip()
        if text == self._filter:
            return
        self._keep_unfiltered()
        self.beginResetModel()
        self._filter = text
        self._rows = self._select()
        self.endResetModel()
        self.filter_applied.emit(len(self._rows), len(self._all))

    def _keep_unfiltered(self) -> None:
        """Before a filter replaces the unfiltered rows: keep them for when it is cleared."""
        if not self._filter.split():
            self._unfiltered, self._unfiltered_for = self._rows, (self._generation, self._sort)

    def _kept_unfiltered(self) -> list[MessageRow] | None:
        """The unfiltered rows kept, if they are still the loaded rows in the current order."""
        if self._unfiltered is not None and self._unfiltered_for == (self._generation, self._sort):
            return self._unfiltered
        self._unfiltered = None  # stale: let it go
        return None

    def filter_job(self, text: str) -> Callable[[], FilterResult]:
        """The work of ``set_filter_text`` as a function for a worker thread (big queues, issue 17):
        it reads an immutable snapshot of the loaded rows; :meth:`apply_filter` shows its result."""
        text = text.strip()
        generation = self._generation
        kept = None if text.split() else self._kept_unfiltered()
        if kept is not None:
            # The filter cleared: the rows shown before it, already in order (no worker sorting
            # 100,000 rows while the UI thread paints, each waiting for the other's GIL).
            return lambda: FilterResult(generation, text, kept, None)
        snapshot = tuple(self._all)
        haystacks = tuple(self._haystacks) if self._haystacks is not None else None
        sort = self._sort

        def run() -> FilterResult:
            # No copy of haystacks the model already has: each 100,000-item container made here is
            # one more that the cyclic collector walks (on the UI thread) until it is old.
            listed = [_haystack(r) for r in snapshot] if haystacks is None else None
            stacks: Sequence[str] = haystacks if haystacks is not None else listed or []
            return FilterResult(generation, text, _matching(snapshot, stacks, text, sort), listed)

        return run

    def apply_filter(self, result: FilterResult) -> bool:
        """Show a worker's filter result; False (nothing done) when the rows changed meanwhile."""
        if result.generation != self._generation:
            return False  # O(1): no comparison of 100,000 rows on the UI thread
        if result.haystacks is not None:
            self._haystacks = result.haystacks  # of these very rows (same generation)
        if result.text == self._filter:
            return True
        self._keep_unfiltered()
        self.beginResetModel()
        self._filter = result.text
        self._rows = result.rows
        self.endResetModel()
        self.filter_applied.emit(len(self._rows), len(self._all))
        return True

    def _select(self) -> list[MessageRow]:
        kept = None if self._filter.split() else self._kept_unfiltered()
        if kept is not None:
            return kept
        if self._filter.split() and self._haystacks is None:
            self._haystacks = [_haystack(r) for r in self._all]
        return _matching(self._all, self._haystacks or [], self._filter, self._sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the shown rows by ``column`` (a header click). Up to ``sort_in_steps_above`` rows at
        once; more in steps of a few milliseconds between events (``sort_steps``), the rows shown in
        their old order meanwhile; ``sort_applied`` tells when the new order is shown."""
        if not 0 <= column < len(Column):
            return
        wanted = (Column(column), order)
        key, descending = _sort_key(wanted[0]), order == Qt.SortOrder.DescendingOrder
        if len(self._rows) <= self.sort_in_steps_above:
            self._sort_job = None
            self._sort_timer.stop()
            self._show_sorted(wanted, sorted(self._rows, key=key, reverse=descending))
            return
        if self._sort_job is not None and self._sort_job.wanted == wanted and self._sort_job.fits(self):
            return  # already under way for these rows
        steps = sort_steps(self._rows, key, descending, self._by_id)
        self._sort_job = _SortJob(wanted, self._rows, self._generation, steps)
        self._sort_timer.start()

    def sorting(self) -> bool:
        """A sort is under way (the rows shown are still in the previous order)."""
        return self._sort_job is not None

    def _sort_step(self) -> None:
        job = self._sort_job
        if job is None:
            return
        if not job.fits(self):
            # The rows changed under the sort (a refresh, a chunk, a filter): sort the new ones.
            self._sort_job = None
            self.sort(*job.wanted)
            return
        if job.result is None:
            deadline = time.perf_counter() + _SORT_BUDGET
            while (result := next(job.steps)) is None:
                if time.perf_counter() >= deadline:
                    break
            else:
                job.result = result
            # The keys are new tuples. Automatic collection is off (collector.py), so the timer's
            # next young collection would walk every key made since, up to 100,000 at once (22-61
            # ms measured); collected here, each key is walked once, in this turn's few thousand,
            # and untracked (tuples of plain values).
            gc.collect(0)
            # The new order is shown in a turn of its own: its layout and paint after this turn's
            # steps would make one stall of both.
            self._sort_timer.start()
            return
        self._sort_job = None
        self._show_sorted(job.wanted, job.result)

    def _show_sorted(self, wanted: tuple[Column, Qt.SortOrder], rows: list[MessageRow]) -> None:
        """Show ``rows`` (the shown rows sorted by ``wanted``), the selection on the same messages."""
        key, descending = _sort_key(wanted[0]), wanted[1] == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        moved = [(p, self._rows[p.row()]) for p in self.persistentIndexList() if p.isValid()]
        self._sort = wanted
        self._rows = rows
        if moved:
            # The selection's few rows found by binary search in the sorted rows (a map of every
            # row's new place was 24 ms of a 100,000-row header click on the UI thread, issue 17).
            found: dict[int, int] = {}
            for _index, row in moved:
                if row.id not in found:
                    found[row.id] = _find(self._rows, row, key, descending)
            self.changePersistentIndexList(
                [p for p, _ in moved], [self.index(found[r.id], p.column()) for p, r in moved]
            )
        self.layoutChanged.emit()
        self.sort_applied.emit()

    # -- the clock ---------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self._now

    def tick(self, first: int | None = None, last: int | None = None) -> None:
        """Re-read the clock; repaint the countdown cells of rows ``first..last`` (all when omitted)
        whose text or colour changed.

        The clock is read every second but a countdown reads in minutes, so most ticks repaint
        nothing: each repainted pill is Python painting on the UI thread (issue 17: a tick that
        repainted every visible pill every second was one of the UI thread's longest slices).
        """
        self._now = self._now_source()
        self._calendar = self._calendar_source()
        before, self._cache = self._cache, {}
        if not self._rows:
            return
        first = 0 if first is None else max(first, 0)
        last = len(self._rows) - 1 if last is None else min(last, len(self._rows) - 1)
        if first > last:
            return
        rows = self._rows
        for column in COUNTDOWN_COLUMNS:
            start = -1  # the first row of a run of changed cells in this column
            for n in range(first, last + 1):
                row = rows[n]
                shown = before.get((row.id, column), _UNKNOWN)  # what the cell shows now
                now = self.countdown(row, column)
                if shown is _UNKNOWN or _face(shown) != _face(now):  # type: ignore[arg-type]
                    if start < 0:
                        start = n
                elif start >= 0:
                    self.dataChanged.emit(self.index(start, column), self.index(n - 1, column), _TICK_ROLES)
                    start = -1
            if start >= 0:
                self.dataChanged.emit(self.index(start, column), self.index(last, column), _TICK_ROLES)

    def transitions(
        self, previous: dt.datetime, current: dt.datetime
    ) -> list[tuple[MessageRow, str, DeadlineStatus]]:
        """Deadlines (stage code, new status) of loaded rows that changed status in (previous, current]."""
        # Sorted event lists and a binary search: a tick costs nothing per loaded row (issue 17).
        found: list[tuple[MessageRow, str, DeadlineStatus]] = []
        seen: set[tuple[int, str]] = set()
        if self._events_dirty:
            self._events = [deadline_events(self._all)]
            self._refresh_events = []
            self._events_dirty = False
        for events in (*self._events, *self._refresh_events):
            n = bisect.bisect_left(events, previous, key=_event_instant)
            while n < len(events) and events[n][0] <= current:
                instant, row_id, stage, status, due = events[n]
                n += 1
                row = self._by_id.get(row_id)
                if row is None or (row_id, stage) in seen or not _still_due(row, stage, due):
                    continue  # the row left or its clock moved since these events were listed
                if status == _OVERDUE and previous <= due < current:
                    # overdue means strictly after the due instant
                    found.append((row, stage, DeadlineStatus.OVERDUE))
                    seen.add((row_id, stage))
                elif status == _WARNING and previous < instant <= current <= due:
                    found.append((row, stage, DeadlineStatus.WARNING))
                    seen.add((row_id, stage))
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
        return _ITEM_FLAGS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # The hot path of every paint (7 roles × every visible cell): no enum construction, early outs.
        number = index.row()
        rows = self._rows
        if not 0 <= number < len(rows):
            return None
        row = rows[number]
        column = _COLUMNS[index.column()]
        if column in COUNTDOWN_COLUMNS:
            return self._countdown_data(row, column, role)
        if role in _PLAIN_ROLES:
            return None  # font, alignment, colours, check state: the view's defaults
        if role == _DISPLAY:
            if column is self.presence_column and row.id in self._presence:
                return f"{self._display(row, column)} · {self._presence[row.id]}"
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        if role == _DECORATION and column is Column.PLATFORM:
            return platform_badge(row.platform)
        if role == _TOOLTIP:
            # Untrusted text: a tooltip that looks like HTML would be rendered as HTML.
            if column is Column.PLATFORM:
                return plain_tooltip(platform_name(row.platform))
            if column is Column.TEXT:
                return plain_tooltip(row.preview)
            if column in (Column.AUTHOR, Column.DEPARTMENT, Column.STATE, Column.STAGE):
                return plain_tooltip(self._display(row, column) or "")
        if role == SORT_ROLE:
            return _sort_value(column, row)
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
        if role == _ALIGNMENT:
            return _CENTER
        value = self.countdown(row, column)
        if role == _DISPLAY:
            return value.text if value else "—"
        if role == SORT_ROLE:
            return _sort_value(column, row)
        if role == STATUS_ROLE:
            # A plain str through QVariant (DeadlineStatus(value) converts), "" without a deadline: never
            # None, because PySide6 6.12 on Python 3.11 loses a reference to None each time Python code
            # receives an invalid QVariant from data() (the delegate asks every tick).
            return value.status.value if value else ""
        if value is None:
            return None
        if role == _FOREGROUND:
            return status_colours(value.status)[0]
        if role == _BACKGROUND:
            return status_colours(value.status)[1]
        if role == _TOOLTIP:
            if column is Column.STAGE_LEFT:
                title, start = stage_title(row), row.stage_started_at
            else:
                title, start = STAGE_NAMES["overall"], row.arrived_at
            explanation = self._explain(row, column) if self._explain else ""
            return plain_tooltip(countdown_tooltip(self._calendar, title, value, start, explanation))
        return None


class CountdownDelegate(QStyledItemDelegate):
    """Paints a countdown cell as a rounded pill in its status colours, tabular digits.

    A pill is drawn once per text, status, size, font and palette into a pixmap and then copied:
    a repaint of the visible countdowns (every minute, on a scroll, a filter, a reset) is a copy per
    cell, not an antialiased shape and a text layout per cell in Python (issue 17: painting the
    pills was a third of a full repaint's time on the UI thread).
    """

    _CACHE_LIMIT = 2000  # pills kept (a few hundred distinct texts in practice)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts: dict[str, tuple[QFont, QFontMetrics]] = {}
        self._pills: dict[tuple[Any, ...], QPixmap] = {}
        self._font: QFont | None = None  # the last view font seen, and its key (QFont.key() is slow)
        self._font_key = ""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        status = index.data(STATUS_ROLE)
        text = index.data(_DISPLAY) or ""
        # Only the cell's panel (selection, alternate row) from the style: no initStyleOption, which
        # asks the model for a dozen roles per cell on every paint (the pill below is all we draw).
        opt = QStyleOptionViewItem(option)
        opt.text = ""
        opt.backgroundBrush = Qt.BrushStyle.NoBrush
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if self._font is None or option.font != self._font:
            self._font, self._font_key = QFont(option.font), option.font.key()
        rect = option.rect
        ratio = painter.device().devicePixelRatioF()
        key = (text, status, rect.width(), rect.height(), self._font_key, option.palette.cacheKey(), ratio)
        pill = self._pills.get(key)
        if pill is None:
            if len(self._pills) >= self._CACHE_LIMIT:
                self._pills.clear()
            pill = self._pills[key] = self._draw_pill(text, status, option, ratio)
        painter.drawPixmap(rect.topLeft(), pill)

    def _draw_pill(self, text: str, status: str, option: QStyleOptionViewItem, ratio: float) -> QPixmap:
        """The cell's pill on a transparent pixmap the size of the cell."""
        size = option.rect.size()
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cached = self._fonts.get(self._font_key)
        if cached is None:  # one bold font and its metrics per view font
            font = QFont(option.font)
            font.setBold(True)
            font.setStyleHint(QFont.StyleHint.Monospace)
            cached = self._fonts[self._font_key] = (font, QFontMetrics(font))
        font, metrics = cached
        painter.setFont(font)
        width = max(metrics.horizontalAdvance(text) + 16, 52)
        height = min(size.height() - 6, metrics.height() + 6)
        local = QRect(0, 0, size.width(), size.height())
        pill = QRectF(
            local.center().x() - width / 2 + 1,
            local.center().y() - height / 2 + 1,
            width,
            height,
        )
        if status:
            fg, bg = status_colours(DeadlineStatus(status))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(fg)
        else:
            painter.setPen(option.palette.color(option.palette.ColorRole.PlaceholderText))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width() + 20, 84), size.height() + 6)


class MessageTableView(QTableView):
    """The queue's table view: rows added or removed below the screen do not repaint the rows on screen.

    Qt answers every change of the row count with a delayed ``doItemsLayout``, which repaints the
    whole viewport. A big queue arrives in 20 chunks (issue 17), each appended after the rows shown;
    each such repaint asks the model for every visible cell (a few thousand calls into Python) while
    the next chunk is read on a worker thread, and that fight for the GIL made each repaint 20–55 ms
    of the UI thread's CPU: the longest stalls of the first load. An incremental refresh moves a
    changed row (a removal and an insertion), usually far below the screen, and paid the same full
    repaint. When everything that happened since the last layout is rows inserted or removed past
    the last visible row, only the geometry (the scroll bar's range) is updated; anything else (a
    reset, a sort, rows landing on or leaving the screen) lays out and repaints as Qt does.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._only_below = True  # since the last layout: only rows added or removed past the visible ones
        self._watched: QAbstractItemModel | None = None

    def setModel(self, model: QAbstractItemModel | None) -> None:
        if self._watched is not None:
            for signal, slot in self._signals(self._watched):
                signal.disconnect(slot)
        super().setModel(model)
        self._watched = model
        if model is not None:
            for signal, slot in self._signals(model):
                signal.connect(slot)
        self._only_below = False

    def _signals(self, model: QAbstractItemModel) -> list[tuple[Any, Callable[..., None]]]:
        return [
            (model.rowsAboutToBeInserted, self._rows_below),
            (model.rowsAboutToBeRemoved, self._rows_below),
            (model.rowsMoved, self._anything_else),
            (model.columnsInserted, self._anything_else),
            (model.columnsRemoved, self._anything_else),
            (model.modelReset, self._anything_else),
            (model.layoutChanged, self._anything_else),
        ]

    def _rows_below(self, parent: QModelIndex, first: int, _last: int) -> None:
        # Before the change: the rows on screen now are what the user sees until the next paint.
        last_shown = self.rowAt(self.viewport().height() - 1)
        if parent.isValid() or last_shown < 0 or first <= last_shown:
            self._only_below = False  # the viewport is not full, or the rows land on screen

    def _anything_else(self, *_args: Any) -> None:
        self._only_below = False

    def doItemsLayout(self) -> None:
        only_below, self._only_below = self._only_below, True
        if only_below and self.isVisible():
            self.updateGeometries()  # the scroll bar learns the new row count; the cells are unchanged
            return
        super().doItemsLayout()


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


def filter_off_ui_thread(
    ops: Operations, owner: QObject, model: MessageTableModel, text: str, current: Callable[[], str]
) -> None:
    """The instant filter of a queue table, computed on a pool thread (issue 17: a department's or the
    whole city's queue); the newest text wins, and rows that arrived meanwhile are filtered again
    with ``current()``, the search field's text by then."""
    job = model.filter_job(text)

    def shown(result: FilterResult) -> None:
        if not model.apply_filter(result):
            filter_off_ui_thread(ops, owner, model, current(), current)

    ops.query(owner, job, shown, slot="filter")
