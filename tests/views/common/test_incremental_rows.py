"""The table applies a change row by row (issue 17): order kept, selection on the same message."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from desktop_app.domain.lifecycle import MessageState
from desktop_app.views.common.message_table import Column, deadline_events, queue_order
from tests.support.factories import Clock, msk
from tests.views.common.rows import synthetic_rows
from tests.views.common.test_message_table import make_model


def _ordered(count: int) -> list:
    return sorted(synthetic_rows(count), key=queue_order)


def test_a_changed_row_moves_and_the_selection_stays_on_its_message(qtbot) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    rows = _ordered(2000)
    model.set_rows(rows[:300], deadline_events(rows[:300]))
    model.append_rows(rows[300:], deadline_events(rows[300:]))  # a big queue arrives in chunks
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectionModel().setCurrentIndex(
        model.index(500, Column.AUTHOR),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    selected = model.row_at(500).id
    moved = dataclasses.replace(rows[10], stage_due=rows[-1].stage_due + dt.timedelta(hours=1))
    routed = dataclasses.replace(rows[20], state=MessageState.ROUTED, version=2)
    gone = rows[30].id
    model.apply_rows([moved, routed], {moved.id, routed.id, gone})
    assert model.rowCount() == 1999 and model.row_of(gone) == -1
    assert model.row_at(model.row_of(routed.id)).state is MessageState.ROUTED  # updated in place
    assert model.row_of(moved.id) == model.rowCount() - 1  # moved to its new place in the order
    keys = [queue_order(r) for r in model.rows()]
    assert keys == sorted(keys)
    current = view.selectionModel().currentIndex()
    assert model.row_at(current.row()).id == selected  # the selection followed its message


def test_a_sorted_and_filtered_table_takes_a_new_row_in_place(qapp) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    rows = _ordered(400)
    model.set_rows(rows)
    model.sort(Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    model.set_filter_text("фонари")
    shown = model.rowCount()
    new = dataclasses.replace(rows[0], id=10_000, preview="Когда починят фонари у школы?", author_name="Аа")
    model.apply_rows([new], {new.id})
    assert model.rowCount() == shown + 1 and model.row_at(0).id == 10_000
    model.apply_rows([], {10_000})
    assert model.rowCount() == shown and model.row_of(10_000) == -1
