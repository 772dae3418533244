"""Queue table benchmark: MessageTableModel with 100,000 rows, against a plain QStandardItemModel.

    .venv/bin/python benchmarks/bench_queue.py [--rows 100000] [--json]

Measures (no database): model load (set rows + the data of the first screenful), sort by stage due,
a text filter, one countdown tick of the visible rows (the tick plus the countdown cells' data a
repaint asks for), and the resident-memory growth (``/proc/self/statm``). The same operations on a
QStandardItemModel (+ QSortFilterProxyModel for the filter) give the ratio. Targets: load ≤ 1.5 s,
tick ≤ 5 ms, filter ≤ 150 ms, memory ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
import time
import zoneinfo
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.services.queries import MessageRow
from desktop_app.views.common.countdown import compute_countdown
from desktop_app.views.common.message_table import (
    STATUS_ROLE,
    Column,
    CountdownDelegate,
    MessageTableModel,
    visible_rows,
)

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
TARGETS = {"load_s": 1.5, "tick_ms": 5.0, "filter_ms": 150.0, "memory_mb": 400.0}
WORDS = ("яма", "мусор", "отопление", "фонари", "автобус", "парк", "снег", "подъезд", "тротуар", "крыша")
AUTHORS = ("Иван Петров", "Мария Соколова", "Олег Кузнецов", "Анна Белова", "kot_vasya", "Елена Смирнова")
DEPARTMENTS = ("Управление ЖКХ", "Управление дорожного хозяйства", "Управление благоустройства", "")
PLATFORMS = ("vk", "ok", "telegram", "max", "youtube", "rutube")


_KEEP: list[object] = []


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic_rows(count: int, now: dt.datetime) -> list[MessageRow]:
    rows = []
    for n in range(count):
        arrived = now - dt.timedelta(minutes=(n * 7) % 600)
        word = WORDS[n % len(WORDS)]
        rows.append(
            MessageRow(
                id=n + 1,
                version=1,
                external_id=f"INC-{n + 1:06d}",
                platform=PLATFORMS[n % len(PLATFORMS)],
                channel_kind=ChannelKind.SOCIAL_NETWORK,
                author_name=AUTHORS[n % len(AUTHORS)],
                preview=f"Сообщение {n}: {word} на улице №{n % 97}, прошу принять меры",
                department_name=DEPARTMENTS[n % len(DEPARTMENTS)],
                state=MessageState.NEW if n % 3 else MessageState.ROUTED,
                arrived_at=arrived,
                current_stage="route" if n % 3 else "draft",
                stage_started_at=arrived,
                stage_budget="1h" if n % 3 else "6h",
                stage_due=arrived + dt.timedelta(minutes=60 + n % 300),
                stage_warn_from=arrived + dt.timedelta(minutes=48 + n % 300),
                overall_due=arrived + dt.timedelta(hours=8),
                overall_warn_from=arrived + dt.timedelta(hours=7),
                overall_closed_at=None,
            )
        )
    return rows


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def first_paint(view: QTableView, model) -> None:
    """Attach the model and paint one screen: every role the view and delegates read, from C++.

    (Reading data() from Python would also work for our model, but PySide6 6.12 on Python 3.11 loses a
    reference to None for every empty QVariant returned to Python; the view's own paint is realistic.)
    """
    view.setModel(model)
    view.viewport().repaint()


def make_view() -> QTableView:
    view = QTableView()
    view.resize(1200, 800)
    view.show()
    QApplication.processEvents()
    return view


def bench_model(rows: list[MessageRow], calendar: WorkCalendar, now: dt.datetime) -> dict[str, float]:
    gc.collect()
    before = rss_mb()
    model = MessageTableModel(lambda: calendar, lambda: now)
    view = make_view()
    view.setItemDelegateForColumn(Column.STAGE_LEFT, CountdownDelegate(view))
    view.setItemDelegateForColumn(Column.OVERALL_LEFT, CountdownDelegate(view))
    load = timed(lambda: (model.set_rows(rows), first_paint(view, model)))
    memory = rss_mb() - before
    sort = timed(lambda: model.sort(Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder))
    filter_first = timed(lambda: model.set_filter_text("отопление"))
    shown = model.rowCount()
    model.set_filter_text("")
    filter_again = timed(lambda: model.set_filter_text("фонари"))
    model.set_filter_text("")

    span = visible_rows(view)
    assert span is not None

    def tick() -> None:
        model.tick(*span)
        for r in range(span[0], span[1] + 1):  # what the repaint of those cells reads
            for column in (Column.STAGE_LEFT, Column.OVERALL_LEFT):
                index = model.index(r, column)
                model.data(index, Qt.ItemDataRole.DisplayRole)
                model.data(index, STATUS_ROLE)

    def tick_and_paint() -> None:
        model.tick(*span)
        view.viewport().repaint()

    tick()
    ticks = sorted(timed(tick) for _ in range(20))
    paints = sorted(timed(tick_and_paint) for _ in range(10))
    view.close()
    return {
        "load_s": load,
        "tick_with_repaint_ms": paints[len(paints) // 2] * 1000,
        "sort_ms": sort * 1000,
        "filter_ms": filter_first * 1000,
        "filter_cached_ms": filter_again * 1000,
        "filter_rows": shown,
        "tick_ms": ticks[len(ticks) // 2] * 1000,
        "tick_rows": span[1] - span[0] + 1,
        "memory_mb": memory,
    }


def bench_standard(rows: list[MessageRow], calendar: WorkCalendar, now: dt.datetime) -> dict[str, float]:
    gc.collect()
    before = rss_mb()
    model = QStandardItemModel(0, len(Column))

    def load() -> None:
        for row in rows:
            stage = compute_countdown(calendar, now, row.stage_due, row.stage_warn_from)
            overall = compute_countdown(calendar, now, row.overall_due, row.overall_warn_from)
            items = [
                QStandardItem(row.platform),
                QStandardItem(row.author_name),
                QStandardItem(row.preview),
                QStandardItem(row.department_name),
                QStandardItem(row.state.value),
                QStandardItem(row.current_stage or ""),
                QStandardItem(stage.text if stage else ""),
                QStandardItem(overall.text if overall else ""),
            ]
            items[6].setData(row.stage_due.timestamp() if row.stage_due else 0.0, Qt.ItemDataRole.UserRole)
            model.appendRow(items)
        first_paint(view, model)

    view = make_view()
    load_time = timed(load)
    memory = rss_mb() - before
    model.setSortRole(Qt.ItemDataRole.UserRole)
    sort = timed(lambda: model.sort(Column.STAGE_LEFT, Qt.SortOrder.AscendingOrder))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    filter_time = timed(lambda: (proxy.setFilterFixedString("отопление"), proxy.rowCount()))
    shown = proxy.rowCount()

    span = visible_rows(view)
    assert span is not None

    def tick() -> None:
        for r in range(span[0], span[1] + 1):
            row = rows[r]
            stage = compute_countdown(calendar, now, row.stage_due, row.stage_warn_from)
            overall = compute_countdown(calendar, now, row.overall_due, row.overall_warn_from)
            model.item(r, Column.STAGE_LEFT).setText(stage.text if stage else "")
            model.item(r, Column.OVERALL_LEFT).setText(overall.text if overall else "")

    tick()
    ticks = sorted(timed(tick) for _ in range(20))
    view.close()
    # Tearing down 800,000 wrapped QStandardItems takes minutes and is not what we measure: keep them.
    _KEEP.extend([model, proxy, view])
    return {
        "load_s": load_time,
        "sort_ms": sort * 1000,
        "filter_ms": filter_time * 1000,
        "filter_rows": shown,
        "tick_ms": ticks[len(ticks) // 2] * 1000,
        "memory_mb": memory,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Queue table benchmark (100,000 rows).")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    calendar = WorkCalendar.builtin()
    now = dt.datetime(2026, 5, 12, 11, 20, tzinfo=MSK)
    started = time.perf_counter()
    rows = synthetic_rows(options.rows, now)
    ours = bench_model(rows, calendar, now)
    plain = bench_standard(rows, calendar, now)
    result: dict[str, float | int | bool] = {"rows": options.rows}
    result.update({f"model_{k}": round(v, 3) for k, v in ours.items()})
    result.update({f"standard_{k}": round(v, 3) for k, v in plain.items()})
    for key in ("load_s", "sort_ms", "filter_ms", "tick_ms", "memory_mb"):
        if ours[key] > 0:
            result[f"ratio_standard_to_model_{key.rsplit('_', 1)[0]}"] = round(plain[key] / ours[key], 2)
    result["targets_met"] = all(ours[k] <= limit for k, limit in TARGETS.items())
    result["total_s"] = round(time.perf_counter() - started, 1)
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    sys.stdout.flush()
    del app
    os._exit(0)  # skip the teardown of the comparison model (see _KEEP)


if __name__ == "__main__":
    raise SystemExit(main())
