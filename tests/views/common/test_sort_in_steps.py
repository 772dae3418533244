"""A header click on a big queue sorts in steps between events (issue 17: 100,000 rows sorted in one
call held the UI thread for 0.3–0.4 s; nothing painted, the clock stood still, clicks waited).

What the user must see: the table keeps answering while it sorts, the rows then appear in exactly
the column's order (the same as a small queue's immediate sort), the selection stays on the same
message, and a refresh, a chunk of the load or a filter arriving meanwhile is not lost.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer

from desktop_app.views.common import message_table
from desktop_app.views.common.message_table import (
    Column,
    MessageTableModel,
    MessageTableView,
    _sort_key,
    queue_order,
    sort_steps,
)
from tests.support.factories import Clock, msk
from tests.views.common.rows import synthetic_rows
from tests.views.common.test_message_table import make_model

CLOCK = Clock(msk(2026, 5, 12, 10, 0))


def _shuffled(count: int) -> list:
    rows = synthetic_rows(count)
    random.Random(count).shuffle(rows)
    return rows


def _expected(rows, column: Column, order: Qt.SortOrder) -> list[int]:
    at_once = make_model(CLOCK)
    at_once.sort_in_steps_above = len(rows)  # sorted in one call: the reference order
    at_once.set_rows(rows)
    at_once.sort(column, order)
    return [r.id for r in at_once.rows()]


@pytest.mark.parametrize("count", [0, 1, 7, 2048, 2049, 9000, 30_000])
@pytest.mark.parametrize("column", [Column.AUTHOR, Column.STAGE_LEFT, Column.TEXT, Column.PLATFORM])
def test_the_steps_sort_exactly_as_one_sort(count: int, column: Column) -> None:
    rows = _shuffled(count)
    by_id = {r.id: r for r in rows}
    key = _sort_key(column)
    for descending in (False, True):
        steps = list(sort_steps(rows, key, descending, by_id))
        assert all(step is None for step in steps[:-1])
        assert [r.id for r in steps[-1]] == [r.id for r in sorted(rows, key=key, reverse=descending)]
        if count > 9000:
            assert len(steps) > 20  # cut into many steps, not one sort


def test_no_step_compares_more_than_a_slice_of_keys(monkeypatch) -> None:
    # Each merge is split at a pivot until its halves are small: with tiny slices the merges are
    # split many levels deep, and the order must still be exact.
    monkeypatch.setattr(message_table, "_KEY_STEP", 5)
    monkeypatch.setattr(message_table, "_MERGE_STEP", 8)
    monkeypatch.setattr(message_table, "_MAP_STEP", 3)
    joined: list[int] = []
    real_merge = message_table._merge_steps

    def spying(first, second, out):
        if len(first) + len(second) <= 8:
            joined.append(len(first) + len(second))
        return real_merge(first, second, out)

    monkeypatch.setattr(message_table, "_merge_steps", spying)
    rows = _shuffled(500)
    key = _sort_key(Column.AUTHOR)
    *_, result = sort_steps(rows, key, True, {r.id: r for r in rows})
    assert [r.id for r in result] == [r.id for r in sorted(rows, key=key, reverse=True)]
    assert joined and max(joined) <= 8


def _big_model(qtbot, rows, threshold: int | None = 1000) -> tuple[MessageTableModel, MessageTableView]:
    """A shown, sortable table of ``rows``, sorted in steps above ``threshold`` (None: the default)."""
    model = make_model(CLOCK)
    if threshold is not None:
        model.sort_in_steps_above = threshold
    model.set_rows(rows)
    view = MessageTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    return model, view


def test_a_big_queue_sorts_while_the_event_loop_keeps_running(qtbot) -> None:
    # The default threshold: 20,000 rows is a queue a department really has.
    rows = _shuffled(20_000)
    model, view = _big_model(qtbot, rows, threshold=None)
    assert len(rows) > model.sort_in_steps_above
    before = [r.id for r in model.rows()]
    beats: list[int] = []
    clock = QTimer()
    clock.setInterval(1)
    clock.timeout.connect(lambda: beats.append(1))
    clock.start()

    with qtbot.waitSignal(model.sort_applied, timeout=20_000):
        view.sortByColumn(Column.AUTHOR, Qt.SortOrder.DescendingOrder)  # the header click
        assert model.sorting()
        assert [r.id for r in model.rows()] == before  # the old order until the new one is ready
    clock.stop()
    assert len(beats) >= 2  # the clock ticked while it sorted: the UI was never held for the sort
    assert not model.sorting()
    assert [r.id for r in model.rows()] == _expected(rows, Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    assert view.horizontalHeader().sortIndicatorSection() == Column.AUTHOR


def test_the_selection_stays_on_the_same_message(qtbot) -> None:
    rows = _shuffled(3000)
    model, view = _big_model(qtbot, rows)
    picked = model.rows()[1234]
    view.selectionModel().setCurrentIndex(
        model.index(1234, Column.AUTHOR),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        view.sortByColumn(Column.TEXT, Qt.SortOrder.AscendingOrder)
    current = view.selectionModel().currentIndex()
    assert model.row_at(current.row()).id == picked.id
    assert [r.id for r in model.rows()] == _expected(rows, Column.TEXT, Qt.SortOrder.AscendingOrder)


def test_a_refresh_during_the_sort_is_in_the_sorted_rows(qtbot) -> None:
    rows = _shuffled(3000)
    model, view = _big_model(qtbot, rows)
    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        view.sortByColumn(Column.AUTHOR, Qt.SortOrder.AscendingOrder)
        assert model.sorting()
        # Another workstation renamed an author and a message left the queue, mid-sort.
        renamed = dataclasses.replace(rows[10], author_name="Аарон Первый", version=2)
        gone = rows[20]
        model.apply_rows([renamed], {renamed.id, gone.id})
    current = [renamed if r.id == renamed.id else r for r in rows if r.id != gone.id]
    assert [r.id for r in model.rows()] == _expected(current, Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    assert model.rows()[0].id == renamed.id
    assert model.row_of(gone.id) == -1


def test_a_filter_and_more_rows_during_the_sort_are_shown_sorted(qtbot) -> None:
    rows = _shuffled(3000)
    more = synthetic_rows(3400)[3000:]
    model, view = _big_model(qtbot, rows)
    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        view.sortByColumn(Column.PLATFORM, Qt.SortOrder.DescendingOrder)
        model.append_rows(more)  # the next chunk of the load arrives
        assert model.rowCount() == 3400  # shown at once (below), placed when the sort is done
    assert [r.id for r in model.rows()] == _expected(
        rows + more, Column.PLATFORM, Qt.SortOrder.DescendingOrder
    )

    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        view.sortByColumn(Column.AUTHOR, Qt.SortOrder.DescendingOrder)
        assert model.apply_filter(model.filter_job("мусор")())  # typed while it sorts
    shown = [r.id for r in model.rows()]
    texts = {r.id: r.preview for r in rows + more}
    wanted = _expected(rows + more, Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    assert shown == [i for i in wanted if "мусор" in texts[i]]


def test_a_second_click_replaces_the_first_sort(qtbot) -> None:
    rows = _shuffled(3000)
    model, view = _big_model(qtbot, rows)
    applied: list[int] = []
    model.sort_applied.connect(lambda: applied.append(view.horizontalHeader().sortIndicatorSection()))
    view.sortByColumn(Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    view.sortByColumn(Column.TEXT, Qt.SortOrder.DescendingOrder)  # before the first is done
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    assert applied == [Column.TEXT]  # the first order is never shown
    assert [r.id for r in model.rows()] == _expected(rows, Column.TEXT, Qt.SortOrder.DescendingOrder)


def test_new_rows_of_a_sorted_big_queue_are_sorted_in_steps(qtbot) -> None:
    # An executor switches scope (all the rows replaced) while the queue is sorted by a column: the
    # new rows were sorted inside set_rows, in one call on the UI thread. Now they are shown in the
    # queue's order at once and sorted in steps, like a header click.
    model, view = _big_model(qtbot, _shuffled(3000))
    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        view.sortByColumn(Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    other = sorted(synthetic_rows(4000)[500:], key=queue_order)  # another scope, as the service lists it
    with qtbot.waitSignal(model.sort_applied, timeout=10_000):
        model.set_rows(other)
        assert model.sorting()
        assert [r.id for r in model.rows()] == [r.id for r in other]  # the queue's order meanwhile
        assert model.row_of(other[5].id) == 5
    assert not model.sorting()
    assert [r.id for r in model.rows()] == _expected(other, Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    assert model.row_of(model.rows()[7].id) == 7
    assert view.horizontalHeader().sortIndicatorSection() == Column.AUTHOR
