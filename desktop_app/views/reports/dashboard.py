"""The supervisor's dashboard (R3–R11, decree item 3): figures, charts, drill-down, exports.

Every query and every export runs off the UI thread through :meth:`ReportsDialog._run`, the one
place this view uses the task runner. A click on a tile, a bar, a point, a funnel step or a table
cell opens the messages behind that figure, as read-only plain text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import OtklikError
from desktop_app.services.dashboard import Dashboard, Drill, Grouping, MessageRef, ReportPeriod, format_value
from desktop_app.services.reports import TimelinessRow
from desktop_app.views.context import ViewContext
from desktop_app.views.reports.charts import ChartWidget, Hit, department_chart, funnel_chart, trend_chart
from desktop_app.views.rows_model import RowsTableModel

TILE_COLUMNS = 4
EXPORT_FILTERS = {
    "xlsx": "Книга Excel (*.xlsx)",
    "csv": "Таблица CSV (*.csv)",
    "pdf": "Документ PDF (*.pdf)",
}


class DrillDialog(QDialog):
    """The messages behind one figure: one line per message, plain text, read-only."""

    def __init__(self, title: str, refs: list[MessageRef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refs = refs
        self.setWindowTitle(title)
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        caption = QLabel(f"{title}: сообщений — {len(refs)}")
        caption.setTextFormat(Qt.TextFormat.PlainText)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(f"Сообщения: {title}")
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(self.line(ref) for ref in refs) or "Сообщений нет.")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def line(ref: MessageRef) -> str:
        return (
            f"№ {ref.id} · {ref.external_id} · {ref.arrived_at:%d.%m.%Y %H:%M} · {ref.platform} · "
            f"{ref.department} · {ref.state}"
        )


class ReportsDialog(QDialog):
    """The dashboard of a period beside the previous period of the same length.

    Signals:
        loaded(Dashboard): the figures of the chosen period arrived and are shown.
        drilled(DrillDialog): the list of messages behind a figure is open.
        exported(str): an export was written to the given path.
        failed(str): a load, drill-down or export failed (the Russian message shown).
    """

    loaded = Signal(object)
    drilled = Signal(object)
    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.board: Dashboard | None = None
        self.drill_dialog: DrillDialog | None = None
        self.setWindowTitle("Отчёт руководителя")
        self.resize(1240, 900)
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls())
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.tiles_grid = QGridLayout()
        body_layout.addLayout(self.tiles_grid)
        self.tiles: dict[str, QPushButton] = {}
        charts = QHBoxLayout()
        self.department_chart = ChartWidget(lambda _p, _r, _i: [])
        self.trend_chart = ChartWidget(lambda _p, _r, _i: [])
        self.funnel_chart = ChartWidget(lambda _p, _r, _i: [])
        self._chart_drills: dict[ChartWidget, Callable[[Hit], Drill]] = {}
        for chart, title in (
            (self.department_chart, "Подразделения"),
            (self.trend_chart, "По неделям"),
            (self.funnel_chart, "Путь сообщения"),
        ):
            chart.setMinimumHeight(280)
            chart.setAccessibleName(title)
            chart.clicked.connect(lambda hit, chart=chart: self._chart_clicked(chart, hit))
            charts.addWidget(chart)
        body_layout.addLayout(charts)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Таблицы отчёта")
        self.tables: dict[str, tuple[QTableView, RowsTableModel, Grouping | None]] = {}
        body_layout.addWidget(self.tabs)
        self._timeliness_tab()
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.load()

    # -- controls -----------------------------------------------------------------------------------

    def _controls(self) -> QHBoxLayout:
        controls = QHBoxLayout()
        today = self.context.services.now().astimezone(self._zone()).date()
        self.since_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.until_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.since_edit.setAccessibleName("Начало периода")
        self.until_edit.setAccessibleName("Конец периода")
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        controls.addWidget(QLabel("Период с"))
        controls.addWidget(self.since_edit)
        controls.addWidget(QLabel("по"))
        controls.addWidget(self.until_edit)
        self.show_button = QPushButton("Показать")
        self.show_button.clicked.connect(self.load)
        controls.addWidget(self.show_button)
        self.previous_label = QLabel("")
        self.previous_label.setTextFormat(Qt.TextFormat.PlainText)
        controls.addWidget(self.previous_label)
        controls.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, title in (("xlsx", "В Excel…"), ("csv", "В CSV…"), ("pdf", "В PDF…")):
            button = QPushButton(title)
            button.clicked.connect(lambda _checked=False, kind=kind: self.export(kind))
            button.setEnabled(False)
            controls.addWidget(button)
            self.export_buttons[kind] = button
        return controls

    def _zone(self) -> dt.tzinfo:
        import zoneinfo

        return zoneinfo.ZoneInfo(self.context.services.settings.administration.timezone)

    def period(self) -> ReportPeriod:
        """The chosen period (raises a Russian :class:`InputError` when it ends before it starts)."""
        a, b = self.since_edit.date(), self.until_edit.date()
        return ReportPeriod(dt.date(a.year(), a.month(), a.day()), dt.date(b.year(), b.month(), b.day()))

    # -- the one place that runs work off the UI thread -------------------------------------------------

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        # The operation layer (issue 17): dropped if the dialog closes, failures shown by ``_failed``.
        self.context.ops.query(self, fn, on_done, self._failed)

    # -- loading ----------------------------------------------------------------------------------------

    def load(self) -> None:
        try:
            period = self.period()
        except OtklikError as exc:
            self._failed(exc)
            return
        services, actor = self.context.services, self.context.actor
        now = services.now()
        self.show_button.setEnabled(False)
        self.status.setText("Считаю показатели…")
        self._run(lambda: services.reports.dashboard(actor, period, now), self._show)

    def _show(self, board: Dashboard) -> None:
        self.board = board
        self.show_button.setEnabled(True)
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.status.setText(
            f"Период {board.period.describe()}. Нажмите на показатель, столбец или строку, "
            "чтобы увидеть сообщения за ним."
        )
        self.previous_label.setText(f"предыдущий период: {board.previous_period.describe()}")
        self._show_tiles(board)
        for chart, spec in (
            (self.department_chart, department_chart(board)),
            (self.trend_chart, trend_chart(board)),
            (self.funnel_chart, funnel_chart(board)),
        ):
            paint, drill = spec
            chart.set_painter(paint)
            self._chart_drills[chart] = drill
            chart.repaint()
        self._show_tables(board)
        self.loaded.emit(board)

    def _show_tiles(self, board: Dashboard) -> None:
        for i, figure in enumerate(board.figures):
            tile = self.tiles.get(figure.key)
            if tile is None:
                tile = QPushButton()
                tile.setObjectName(f"tile_{figure.key}")
                tile.setMinimumHeight(74)
                # Long titles are clipped rather than widening the grid past the window.
                tile.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                tile.clicked.connect(lambda _checked=False, key=figure.key: self.open_figure(key))
                self.tiles[figure.key] = tile
                self.tiles_grid.addWidget(tile, i // TILE_COLUMNS, i % TILE_COLUMNS)
            previous = "сейчас" if figure.key == "overdue_now" else f"пред.: {figure.previous_text}"
            tile.setText(f"{figure.title}\n{figure.text}\n{previous}")
            tile.setToolTip(f"{figure.clause} положения. Нажмите, чтобы увидеть сообщения.")
            tile.setEnabled(figure.drill is not None)

    def _show_tables(self, board: Dashboard) -> None:
        for key, grouping in board.groupings.items():
            if key not in self.tables:
                headers = [_FIRST_COLUMN.get(key, "Группа"), *(c.title for c in grouping.columns)]
                extractors: list[Callable[[Any], str]] = [lambda row: row.label]
                for column in grouping.columns:
                    extractors.append(
                        lambda row, column=column: format_value(column.unit, row.values.get(column.key))
                    )
                model = RowsTableModel(headers, extractors)
                view = QTableView()
                view.setAccessibleName(f"Таблица: {grouping.title}")
                view.setModel(model)
                view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
                view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
                view.doubleClicked.connect(lambda index, key=key: self._cell_activated(key, index))
                self.tables[key] = (view, model, grouping)
                self.tabs.insertTab(self.tabs.count() - 1, view, grouping.title)
                self.tabs.setCurrentIndex(0)
            view, model, _old = self.tables[key]
            self.tables[key] = (view, model, grouping)
            model.set_rows(grouping.rows)
        person = board.groupings["person"]
        self.model.set_rows(
            [
                TimelinessRow(
                    row.parts[0],
                    row.parts[1],
                    int(row.values["met"] or 0),
                    int(row.values["late"] or 0),
                    int(row.values["overdue"] or 0),
                )
                for row in person.rows
            ]
        )

    def _timeliness_tab(self) -> None:
        """Who met and who missed which stage deadline (R11), as the stage records attribute it."""
        self.model = RowsTableModel(
            ["Ответственный", "Этап", "В срок", "С опозданием", "Просрочено сейчас", "Доля в срок"],
            [
                lambda r: r.responsible,
                lambda r: r.stage,
                lambda r: str(r.met),
                lambda r: str(r.late),
                lambda r: str(r.open_overdue),
                lambda r: f"{r.on_time_share:.0%}",
            ],
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        table = QTableView()
        table.setAccessibleName("Сроки по сотрудникам")
        table.setModel(self.model)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        note = QLabel(
            "Этап засчитывается тем, кого называет запись этапа (п. 11): исполнителю и подразделению; "
            "срок ответа (8 часов) — и исполнителю, и сотруднику отдела, разместившему ответ; этап, "
            "вовремя переданный другому, не засчитывается никому. Даты — по началу этапа."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.tabs.addTab(page, "Ответственность (п. 11)")

    # -- drill-down -------------------------------------------------------------------------------------

    def open_figure(self, key: str) -> None:
        if self.board is None:
            return
        figure = self.board.figure(key)
        if figure.drill is not None:
            self.open_drill(figure.drill, figure.title)

    def _chart_clicked(self, chart: ChartWidget, hit: Hit) -> None:
        drill = self._chart_drills.get(chart)
        if drill is not None and self.board is not None:
            target = drill(hit)
            self.open_drill(target, _drill_title(self.board, target))

    def _cell_activated(self, key: str, index: QModelIndex) -> None:
        _view, _model, grouping = self.tables[key]
        if grouping is None or self.board is None or index.column() == 0:
            return
        row = grouping.rows[index.row()]
        column = grouping.columns[index.column() - 1]
        target = grouping.drill(self.board.base_drill, row, column)
        if target is not None:
            self.open_drill(target, f"{row.label}: {column.title}")

    def open_drill(self, drill: Drill, title: str) -> None:
        services, actor = self.context.services, self.context.actor
        self._run(
            lambda: services.reports.drill_down(actor, drill), lambda refs: self._show_drill(title, refs)
        )

    def _show_drill(self, title: str, refs: list[MessageRef]) -> None:
        self.drill_dialog = DrillDialog(title, refs, self)
        self.drill_dialog.open()
        self.drilled.emit(self.drill_dialog)

    # -- exports ----------------------------------------------------------------------------------------

    def export(self, kind: str, path: Path | None = None) -> None:
        """Write the shown period to XLSX, CSV or PDF (asks where when ``path`` is not given)."""
        board = self.board
        if board is None:
            return
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self, "Сохранить отчёт", f"отчёт-{board.period.first:%Y%m%d}-{board.period.last:%Y%m%d}.{kind}",
                EXPORT_FILTERS[kind],
            )  # fmt: skip
            if not name:
                return
            path = Path(name)
        services, actor = self.context.services, self.context.actor
        self.status.setText(f"Сохраняю {path.name}…")

        def work() -> str:
            if kind == "xlsx":
                from desktop_app.services.report_export import write_xlsx

                lines = services.reports.board.message_lines(actor, board.period, board.now)
                write_xlsx(board, path, messages=lines)
            elif kind == "csv":
                from desktop_app.services.report_export import write_csv

                write_csv(board, path)
            else:
                from desktop_app.views.reports.pdf import write_pdf

                write_pdf(board, path)
            return str(path)

        self._run(work, self._exported)

    def _exported(self, path: str) -> None:
        self.status.setText(f"Отчёт сохранён: {path}")
        self.exported.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.show_button.setEnabled(True)
        if isinstance(exc, OtklikError):
            text = str(exc)
        elif isinstance(exc, OSError):
            text = f"Не удалось записать файл: {exc.strerror or exc}"
        else:
            text = "Не удалось построить отчёт: непредвиденная ошибка (подробности — в журнале программы)."
        self.status.setText(text)
        self.failed.emit(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Отклик", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()


_FIRST_COLUMN = {
    "department": "Подразделение",
    "person": "Ответственный — этап",
    "platform": "Площадка",
    "channel": "Канал",
    "stage": "Этап",
}


def _drill_title(board: Dashboard, drill: Drill) -> str:
    names = {
        "received": "Поступило",
        "late": "Просрочено (8 часов)",
        "in_time": "Ответ в течение 8 часов",
        "answered": "Дан ответ",
        "funnel_routed": "Направлено исполнителю",
        "funnel_submitted": "Проект на проверке",
    }
    title = names.get(drill.figure, drill.figure)
    if drill.group == "department":
        row = next((r for r in board.groupings["department"].rows if r.key == drill.key), None)
        return f"{title}: {row.label if row else ''}"
    if drill.group == "week":
        return f"{title}: неделя {drill.key}"
    return title
