"""The table applies a change row by row (issue 17): order kept, selection on the same message."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
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


def _random_change(rng, rows: dict, next_id: list[int]):
    """A random committed change as the feed reports it: (current rows of the ids, the ids)."""
    kind = rng.randrange(4)
    if kind == 0 or not rows:  # arrived
        next_id[0] += 1
        base = rng.choice(list(rows.values())) if rows else synthetic_rows(1)[0]
        new = dataclasses.replace(base, id=next_id[0], author_name=rng.choice(["Аа", "Яя", "Мм"]))
        return [new], {new.id}
    victim = rows[rng.choice(list(rows))]
    if kind == 1:  # left the queue
        return [], {victim.id}
    if kind == 2:  # its deadline moved (it moves in the order); ties with others are common
        shift = dt.timedelta(minutes=rng.choice([-60, 0, 30, 120]))
        return [
            dataclasses.replace(victim, stage_due=victim.stage_due + shift, version=victim.version + 1)
        ], {victim.id}
    return [dataclasses.replace(victim, state=MessageState.ROUTED, version=victim.version + 1)], {victim.id}


@pytest.mark.parametrize(
    ("sort", "text"),
    [
        (None, ""),
        ((Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder), ""),
        ((Column.AUTHOR, Qt.SortOrder.DescendingOrder), ""),
        ((Column.STAGE_LEFT, Qt.SortOrder.DescendingOrder), "мусор"),
    ],
)
def test_random_refreshes_leave_the_table_as_a_fresh_load_would_without_a_reset(qapp, sort, text) -> None:
    rng = random.Random(17)
    clock = Clock(msk(2026, 5, 12, 9, 30))
    model = make_model(clock)
    rows = {r.id: r for r in _ordered(300)}
    model.set_rows(sorted(rows.values(), key=queue_order))
    if sort is not None:
        model.sort(*sort)
    model.set_filter_text(text)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    next_id = [10_000]
    for _ in range(200):
        changed, ids = _random_change(rng, rows, next_id)
        for i in ids:
            rows.pop(i, None)
        rows.update((r.id, r) for r in changed)
        model.apply_rows(changed, ids)
    assert not resets  # row signals only: the view keeps selection and scroll
    fresh = make_model(clock)
    fresh.set_rows(sorted(rows.values(), key=queue_order))
    if sort is not None:
        fresh.sort(*sort)
    fresh.set_filter_text(text)
    assert [r.id for r in model.rows()] == [r.id for r in fresh.rows()]
    assert sorted(r.id for r in model.all_rows()) == sorted(rows)
    for row in rng.sample(list(fresh.rows()), 20):
        assert model.row_of(row.id) == fresh.row_of(row.id)


def test_presence_repaints_only_the_rows_whose_note_changed(qapp) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 9, 30)))
    rows = _ordered(500)
    model.set_rows(rows)
    model.sort(Column.AUTHOR, Qt.SortOrder.DescendingOrder)
    painted: list[int] = []
    model.dataChanged.connect(lambda first, last, *_: painted.extend(range(first.row(), last.row() + 1)))
    model.set_presence({rows[7].id: "открыто у: Иванова"})
    assert painted == [model.row_of(rows[7].id)]
    assert "открыто у: Иванова" in model.index(painted[0], Column.STATE).data()
