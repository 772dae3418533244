"""A big queue's later chunks, appended below the screen, do not repaint the rows on screen (issue 17).

Every such repaint asked the model for every visible cell while the next chunk was read on a worker
thread: the first load's longest UI-thread stalls at 100,000 messages. What the user sees must stay
right: the scroll bar grows, the selection stays, rows that land on screen are painted, and the
finished table equals a fresh full load.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt

from desktop_app.views.common.message_table import (
    Column,
    MessageTableModel,
    MessageTableView,
    deadline_events,
    queue_order,
)
from tests.support.factories import Clock, msk
from tests.views.common.rows import synthetic_rows
from tests.views.common.test_message_table import make_model


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _shown_view(qtbot, model: MessageTableModel, height: int = 400) -> tuple[MessageTableView, PaintCounter]:
    view = MessageTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, height)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)  # the first layout and paint
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    return view, counter


def _settle(qtbot) -> None:
    qtbot.wait(30)  # Qt's delayed layout and the backing store's update run on the event loop


def test_chunks_below_the_screen_leave_the_visible_rows_unpainted_and_the_table_right(qtbot) -> None:
    rows = sorted(synthetic_rows(3000), key=queue_order)
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    model.set_rows(rows[:300], deadline_events(rows[:300]))  # the first screen
    view, counter = _shown_view(qtbot, model)
    view.selectionModel().setCurrentIndex(
        model.index(3, Column.AUTHOR),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    selected = model.row_at(3).id
    _settle(qtbot)
    counter.paints = 0
    scroll = view.verticalScrollBar()
    before = scroll.maximum()
    for start in range(300, 3000, 500):  # the rest arrives in chunks, as the workspace reads it
        chunk = rows[start : start + 500]
        model.append_rows(chunk, deadline_events(chunk))
        _settle(qtbot)
    assert counter.paints == 0  # nothing on screen changed: no repaint of the visible cells
    assert scroll.maximum() > before  # but the scroll bar knows about every row
    assert model.row_at(view.selectionModel().currentIndex().row()).id == selected

    fresh = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    fresh.set_rows(rows)
    assert [r.id for r in model.rows()] == [r.id for r in fresh.rows()]  # = a fresh full load

    view.scrollToBottom()  # the appended rows are there to see
    _settle(qtbot)
    assert counter.paints > 0
    last = view.rowAt(view.viewport().height() - 1)
    assert last == model.rowCount() - 1
    assert view.model().index(last, Column.AUTHOR).data() == rows[-1].author_name


def test_rows_landing_on_screen_and_other_changes_are_still_painted(qtbot) -> None:
    rows = sorted(synthetic_rows(600), key=queue_order)
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    model.set_rows(rows[:3])  # fewer rows than the viewport holds
    view, counter = _shown_view(qtbot, model, height=500)
    counter.paints = 0
    model.append_rows(rows[3:300])  # they land on screen
    _settle(qtbot)
    assert counter.paints > 0
    assert view.rowAt(view.viewport().height() - 1) > 3  # the new rows fill the screen

    model.append_rows(rows[300:])  # below the screen: no repaint
    _settle(qtbot)
    counter.paints = 0
    model.sort(Column.AUTHOR, Qt.SortOrder.DescendingOrder)  # a reorder repaints as before
    _settle(qtbot)
    assert counter.paints > 0
    first = min(rows, key=lambda r: (r.author_name.casefold(), r.id), default=None)
    assert (
        first is not None
        and view.model().index(model.rowCount() - 1, Column.AUTHOR).data() == first.author_name
    )

    counter.paints = 0
    model.apply_rows([], {model.row_at(0).id})  # a visible row leaves
    _settle(qtbot)
    assert counter.paints > 0

    counter.paints = 0
    model.set_rows(rows[:50])  # a reset
    _settle(qtbot)
    assert counter.paints > 0 and model.rowCount() == 50


def test_a_refresh_moving_a_row_below_the_screen_repaints_nothing_on_screen(qtbot) -> None:
    """An incremental refresh of a row far down the queue (removed, inserted elsewhere below)."""
    from dataclasses import replace

    rows = sorted(synthetic_rows(600), key=queue_order)
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    model.set_rows(rows)
    model.sort(Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder)
    view, counter = _shown_view(qtbot, model)
    _settle(qtbot)
    counter.paints = 0
    moved = model.row_at(400)
    assert moved is not None
    later = replace(moved, version=moved.version + 1, stage_due=model.row_at(500).stage_due)
    model.apply_rows([later], {moved.id})  # routed elsewhere: a new deadline further down
    _settle(qtbot)
    assert counter.paints == 0
    assert model.row_of(moved.id) > 400 and model.row_at(model.row_of(moved.id)).version == later.version

    on_screen = replace(later, version=later.version + 1, stage_due=model.row_at(0).stage_due)
    model.apply_rows([on_screen], {moved.id})  # now due first: it lands on screen
    _settle(qtbot)
    assert counter.paints > 0 and model.row_of(moved.id) <= view.rowAt(view.viewport().height() - 1)


def test_discarded_lists_are_freed_elsewhere_and_left_as_they_were(qapp) -> None:
    """The freeing thread copies the references itself: a list a caller still holds is not emptied."""
    import time

    rows = synthetic_rows(6000)
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    model.set_rows(rows)
    held = model.all_rows()  # e.g. a screen still reading the previous load
    model.set_rows(rows[:10])
    time.sleep(0.2)  # the freeing thread has had its chance
    assert [r.id for r in held] == [r.id for r in rows]
