from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView

from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.views.common.countdown import status_colours
from desktop_app.views.common.message_table import (
    ID_ROLE,
    STATUS_ROLE,
    Column,
    CountdownDelegate,
    MessageTableModel,
    filter_index,
    visible_rows,
)
from tests.support.factories import Clock, msk
from tests.views.common.rows import synthetic_rows

CALENDAR = WorkCalendar.builtin()


def make_model(clock: Clock) -> MessageTableModel:
    return MessageTableModel(lambda: CALENDAR, clock)


def test_model_passes_the_item_model_tester(qtmodeltester, qapp) -> None:
    clock = Clock(msk(2026, 5, 12, 10, 0))
    model = make_model(clock)
    model.set_rows(synthetic_rows(30))
    qtmodeltester.check(model, force_py=True)
    model.sort(Column.STAGE_LEFT, Qt.SortOrder.DescendingOrder)
    model.set_filter_text("мусор")
    model.tick()
    qtmodeltester.check(model, force_py=True)


def test_countdown_text_colour_and_tooltip_at_a_given_clock(qapp) -> None:
    clock = Clock(msk(2026, 5, 12, 9, 18))
    model = make_model(clock)
    model.set_rows(synthetic_rows(1))  # arrived 09:00, route due 10:00, warning from 09:48
    cell = model.index(0, Column.STAGE_LEFT)
    assert cell.data() == "0:42"
    assert cell.data(STATUS_ROLE) == DeadlineStatus.ON_TIME
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Этап: направление исполнителю" in tip and "Срок: вт 12.05 10:00" in tip
    assert "Осталось 42 мин рабочего времени" in tip

    clock.set(msk(2026, 5, 12, 9, 50))
    model.tick()
    assert (cell.data(), cell.data(STATUS_ROLE)) == ("0:10", DeadlineStatus.WARNING)
    assert (
        cell.data(Qt.ItemDataRole.BackgroundRole) == status_colours(DeadlineStatus.WARNING)[1]
    )  # amber, from the palette
    assert cell.data(Qt.ItemDataRole.BackgroundRole).hue() in range(30, 55)

    clock.set(msk(2026, 5, 12, 11, 15))
    model.tick()
    assert (cell.data(), cell.data(STATUS_ROLE)) == ("−1:15", DeadlineStatus.OVERDUE)
    assert (
        cell.data(Qt.ItemDataRole.BackgroundRole) == status_colours(DeadlineStatus.OVERDUE)[1]
    )  # a red fill
    assert cell.data(Qt.ItemDataRole.BackgroundRole).hue() in (*range(340, 360), *range(0, 10))
    assert "Просрочено на 1 ч 15 мин" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_sort_by_due_and_filter_keep_rows_consistent(qapp) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 10, 0)))
    model.set_rows(synthetic_rows(20))
    model.sort(Column.STAGE_LEFT, Qt.SortOrder.DescendingOrder)
    dues = [r.stage_due for r in model.rows()]
    assert dues == sorted(dues, reverse=True)
    model.set_filter_text("ОТОПЛЕНИЯ")
    assert model.rowCount() == 5
    assert all("отопления" in r.preview for r in model.rows())
    dues = [r.stage_due for r in model.rows()]
    assert dues == sorted(dues, reverse=True)  # the sort survives the filter
    model.set_filter_text("соколова мусор")  # every word must match
    assert {r.author_name for r in model.rows()} == {"Мария Соколова"}
    model.set_filter_text("")
    assert model.rowCount() == 20
    assert model.row_of(7) >= 0 and model.index(model.row_of(7), 0).data(ID_ROLE) == 7


def test_a_worker_listed_index_filters_like_the_rows_themselves(qapp) -> None:
    """The loading workers' index (issue 17) may list more rows than are shown (the executor's scope
    shows some of what it read) or fewer (a chunk without one): each row's own text is searched."""
    rows = synthetic_rows(24)
    plain, indexed = make_model(Clock(msk(2026, 5, 12, 10, 0))), make_model(Clock(msk(2026, 5, 12, 10, 0)))
    plain.set_rows(rows[:8])
    plain.append_rows(rows[8:16])
    plain.append_rows(rows[16:])
    indexed.set_rows(rows[:8], None, filter_index(rows[:12]))  # more than the rows given
    indexed.append_rows(rows[8:16], None, filter_index(rows[12:16]))  # fewer: the rest listed here
    indexed.append_rows(rows[16:])  # none
    for text in ("ОТОПЛЕНИЯ", "соколова мусор", "INC-2", "№1", ""):
        plain.set_filter_text(text)
        job = indexed.filter_job(text)()  # what the worker runs
        assert indexed.apply_filter(job)
        assert [r.id for r in indexed.rows()] == [r.id for r in plain.rows()], text
    assert indexed.rowCount() == 24


def test_a_big_filtered_queue_keeps_the_columns_order(qapp) -> None:
    """The filter's worker sorts a big result in slices (issue 17: one sort of 100,000 rows held the
    GIL for 0.1–0.2 s): what is shown is still exactly the column's order, whichever column and way."""
    rows = synthetic_rows(10_000)  # out of every column's order: the slices must be merged
    model = make_model(Clock(msk(2026, 5, 12, 10, 0)))
    model.set_rows(rows)
    for column, order in (
        (Column.AUTHOR, Qt.SortOrder.DescendingOrder),
        (Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder),
        (Column.PLATFORM, Qt.SortOrder.AscendingOrder),
    ):
        model.sort(column, order)
        for text in ("мусор", ""):
            assert model.apply_filter(model.filter_job(text)())
            shown = [(r.author_name, r.stage_due, r.arrived_at, r.platform, r.id) for r in model.rows()]
            expected = [r for r in rows if not text or text in r.preview]
            if column is Column.AUTHOR:
                expected.sort(key=lambda r: (r.author_name.casefold(), r.id), reverse=True)
            elif column is Column.STAGE_LEFT:
                expected.sort(key=lambda r: (r.stage_due, r.arrived_at, r.id))
            else:
                expected.sort(key=lambda r: (r.platform, r.id))
            assert shown == [(r.author_name, r.stage_due, r.arrived_at, r.platform, r.id) for r in expected]


def test_clearing_the_filter_shows_the_queue_as_it_is_now(qapp) -> None:
    """Clearing the filter shows the unfiltered rows kept from before it (issue 17: no sort of
    100,000 rows on the worker while the UI thread paints) — but only while they are still what a
    fresh load would show: after a refresh, a new row or a new sort order it is the queue as it is."""
    rows = synthetic_rows(40)
    clock = Clock(msk(2026, 5, 12, 10, 0))

    def fresh(current: list, column: Column, order: Qt.SortOrder) -> list[int]:
        model = make_model(clock)
        model.set_rows(current)
        model.sort(column, order)
        return [r.id for r in model.rows()]

    def typed(model: MessageTableModel, text: str) -> None:  # as the workspace does: on a worker
        assert model.apply_filter(model.filter_job(text)())

    model = make_model(clock)
    model.set_rows(rows)
    model.sort(Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    typed(model, "мусор")
    typed(model, "")
    assert [r.id for r in model.rows()] == fresh(rows, Column.AUTHOR, Qt.SortOrder.AscendingOrder)

    typed(model, "мусор")
    changed = dataclasses.replace(rows[3], preview="Новый текст", author_name="Аа", version=2)
    model.apply_rows([changed], {changed.id})  # a refresh while filtered
    typed(model, "")
    current = [changed if r.id == changed.id else r for r in rows]
    assert [r.id for r in model.rows()] == fresh(current, Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    assert model.rows()[0].author_name == "Аа"

    typed(model, "мусор")
    model.sort(Column.PLATFORM, Qt.SortOrder.DescendingOrder)  # re-sorted while filtered
    model.set_filter_text("")  # the synchronous path too
    assert [r.id for r in model.rows()] == fresh(current, Column.PLATFORM, Qt.SortOrder.DescendingOrder)

    model.set_filter_text("мусор")
    model.append_rows(synthetic_rows(45)[40:])  # more rows of the load while filtered
    typed(model, "")
    assert model.rowCount() == 45


def test_tick_repaints_only_visible_countdown_cells_whose_text_changed(qtbot) -> None:
    clock = Clock(msk(2026, 5, 12, 10, 0, 10))
    model = make_model(clock)
    model.set_rows(synthetic_rows(500))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(model.index(200, 0), QTableView.ScrollHint.PositionAtTop)
    span = visible_rows(view)
    assert span is not None
    first, last = span
    assert first == 200 and 200 < last < 230
    model.tick(*span)  # the cells now show the countdowns of 10:00:10

    changes: list[tuple[int, int, int, int]] = []
    resets = []
    model.dataChanged.connect(lambda a, b, roles: changes.append((a.row(), b.row(), a.column(), b.column())))
    model.modelReset.connect(lambda: resets.append(1))
    clock.advance(seconds=1)  # the same minute: every countdown reads the same, nothing to repaint
    model.tick(*span)
    assert changes == []

    clock.advance(seconds=50)  # 10:01:01: every visible countdown lost a minute
    model.tick(*span)
    assert changes and resets == []
    repainted = {
        (n, column)
        for top, bottom, left, right in changes
        for n in range(top, bottom + 1)
        for column in range(left, right + 1)
    }
    assert repainted == {
        (n, c) for n in range(first, last + 1) for c in (Column.STAGE_LEFT, Column.OVERALL_LEFT)
    }
    assert (
        model.index(first, Column.OVERALL_LEFT).data()
        == model.countdown(model.rows()[first], Column.OVERALL_LEFT).text
    )


def test_transitions_report_warning_and_overdue_once(qapp) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 9, 0)))
    model.set_rows(synthetic_rows(1))
    assert model.transitions(msk(2026, 5, 12, 9, 47), msk(2026, 5, 12, 9, 48)) == [
        (model.rows()[0], "route", DeadlineStatus.WARNING)
    ]
    found = model.transitions(
        msk(2026, 5, 12, 10, 0),
        msk(
            2026,
            5,
            12,
            10,
            0,
        )
        + dt.timedelta(seconds=1),
    )
    assert [(stage, status) for _, stage, status in found] == [("route", DeadlineStatus.OVERDUE)]
    assert model.transitions(msk(2026, 5, 12, 10, 1), msk(2026, 5, 12, 10, 2)) == []


def test_delegate_paints_without_errors(qtbot) -> None:
    model = make_model(Clock(msk(2026, 5, 12, 9, 50)))
    model.set_rows(synthetic_rows(3))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(Column.STAGE_LEFT, CountdownDelegate(view))
    view.resize(900, 200)
    image = view.grab().toImage()
    assert not image.isNull()


def test_the_painted_pill_follows_the_countdown_colour(qtbot) -> None:
    """Pills are drawn once and copied afterwards: a cell whose status changes gets the new pill."""
    clock = Clock(msk(2026, 5, 12, 9, 18))
    model = make_model(clock)
    model.set_rows(synthetic_rows(1))  # route due 10:00, warning from 09:48
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(Column.STAGE_LEFT, CountdownDelegate(view))
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)

    def pill_is(status: DeadlineStatus) -> bool:
        rect = view.visualRect(model.index(0, Column.STAGE_LEFT))
        point = rect.center() - QPoint(22, 0)  # inside the pill, left of its text
        seen = view.viewport().grab().toImage().pixelColor(point)
        wanted = status_colours(status)[1]
        return all(abs(a - b) <= 1 for a, b in zip(seen.getRgb(), wanted.getRgb(), strict=True))

    assert pill_is(DeadlineStatus.ON_TIME)
    clock.set(msk(2026, 5, 12, 9, 50))
    model.tick()
    assert pill_is(DeadlineStatus.WARNING)
    clock.set(msk(2026, 5, 12, 9, 18))  # back: the first pill again, from the cache
    model.tick()
    assert pill_is(DeadlineStatus.ON_TIME)


def test_pills_of_the_same_text_keep_their_own_colours(qtbot) -> None:
    from dataclasses import replace

    model = make_model(Clock(msk(2026, 5, 13, 10, 0)))
    on_time, late = synthetic_rows(2)
    # Both answered: «✓» in both cells, but one within the 8 hours and one after them.
    on_time = replace(on_time, overall_closed_at=on_time.overall_due - dt.timedelta(hours=1))
    late = replace(late, overall_closed_at=late.overall_due + dt.timedelta(hours=1))
    model.set_rows([on_time, late])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(Column.OVERALL_LEFT, CountdownDelegate(view))
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    for row, status in ((on_time, DeadlineStatus.MET), (late, DeadlineStatus.MET_LATE)):
        cell = model.index(model.row_of(row.id), Column.OVERALL_LEFT)
        assert cell.data() == "✓" and cell.data(STATUS_ROLE) == status
        seen = image.pixelColor(view.visualRect(cell).center() - QPoint(22, 0))
        wanted = status_colours(status)[1]
        assert all(abs(a - b) <= 1 for a, b in zip(seen.getRgb(), wanted.getRgb(), strict=True))


def test_tooltips_of_hostile_text_are_shown_literally(qapp) -> None:
    from dataclasses import replace

    model = make_model(Clock(msk(2026, 5, 12, 10, 0)))
    hostile = replace(synthetic_rows(1)[0], preview="<b>жирный</b> <img src=x>", author_name="<i>Хакер</i>")
    model.set_rows([hostile])
    assert model.index(0, Column.TEXT).data() == "<b>жирный</b> <img src=x>"
    tip = model.index(0, Column.TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;жирный&lt;/b&gt; &lt;img src=x&gt;" in tip and "<b>" not in tip
    assert "&lt;i&gt;Хакер&lt;/i&gt;" in model.index(0, Column.AUTHOR).data(Qt.ItemDataRole.ToolTipRole)


def test_a_header_click_keeps_the_selected_message_selected(qtbot) -> None:
    """Sorting by another column moves the rows; the selection (and the current row) follow the
    message, not the row number."""
    rows = synthetic_rows(500)
    model = make_model(Clock(msk(2026, 5, 12, 10, 0)))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows(rows)
    view.selectRow(321)
    chosen = model.rows()[321].id
    for column, order in (
        (Column.AUTHOR, Qt.SortOrder.DescendingOrder),
        (Column.PLATFORM, Qt.SortOrder.AscendingOrder),
    ):
        model.sort(column, order)
        selected = [model.rows()[i.row()].id for i in view.selectionModel().selectedRows()]
        assert selected == [chosen]
        assert model.rows()[view.currentIndex().row()].id == chosen
    assert [r.id for r in model.rows()] == [r.id for r in sorted(rows, key=lambda r: (r.platform, r.id))]
