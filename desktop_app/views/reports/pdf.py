"""The dashboard as a PDF (Qt's ``QPdfWriter``): the figures, the three charts, the grouping tables.

Page 1 carries the period, every figure beside the previous period and the department bars;
page 2 the weekly trend and the stage funnel; then the tables (departments, stages, people,
platforms, channels), continued over as many pages as they need. Painting needs a
``QGuiApplication`` (the CLI creates an offscreen one) and may run off the UI thread.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter

from desktop_app.services.dashboard import Dashboard, format_value
from desktop_app.services.report_export import generated_note, grouping_table
from desktop_app.views.reports.charts import PAPER, ChartPaint, department_chart, funnel_chart, trend_chart

TITLE = "Отклик — отчёт руководителя"
RESOLUTION = 96  # device pixels per inch: the layout below is in these pixels


class _Pages:
    """A cursor down the pages of a PDF."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.painter = painter
        self.area = QRectF(painter.viewport())
        self.y = self.area.top()

    @property
    def line(self) -> float:
        return QFontMetricsF(self.painter.font(), self.painter.device()).height() * 1.25

    def room(self) -> float:
        return self.area.bottom() - self.y

    def new_page(self) -> None:
        self.writer.newPage()
        self.y = self.area.top()

    def ensure(self, height: float) -> None:
        if self.room() < height:
            self.new_page()

    def text(self, text: str, *, bold: bool = False, size: float | None = None) -> None:
        font = QFont(self.painter.font())
        font.setBold(bold)
        if size:
            font.setPointSizeF(size)
        self.painter.save()
        self.painter.setFont(font)
        height = QFontMetricsF(font, self.painter.device()).height() * 1.3
        self.ensure(height)
        self.painter.drawText(QRectF(self.area.left(), self.y, self.area.width(), height),
                              Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)  # fmt: skip
        self.painter.restore()
        self.y += height

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table with its header repeated on every page it runs over."""
        total = sum(widths)
        columns = [w / total * self.area.width() for w in widths]
        metrics = QFontMetricsF(self.painter.font(), self.painter.device())
        header_height = metrics.height() * 2.4

        def header() -> None:
            font = QFont(self.painter.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)  # long Russian headers over narrow number columns
            self.painter.save()
            self.painter.setFont(font)
            x = self.area.left()
            self.painter.fillRect(
                QRectF(x, self.y, self.area.width(), header_height), Qt.GlobalColor.lightGray
            )
            for text, width in zip(headers, columns, strict=True):
                self.painter.drawText(QRectF(x + 2, self.y, width - 4, header_height),
                                      Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, text)  # fmt: skip
                x += width
            self.painter.restore()
            self.y += header_height

        self.ensure(header_height + self.line)
        header()
        for row in rows:
            if self.room() < self.line:
                self.new_page()
                header()
            x = self.area.left()
            for i, (text, width) in enumerate(zip(row, columns, strict=True)):
                align = Qt.AlignmentFlag.AlignLeft if i == 0 else Qt.AlignmentFlag.AlignRight
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 4)
                self.painter.drawText(QRectF(x + 2, self.y, width - 4, self.line),
                                      align | Qt.AlignmentFlag.AlignVCenter, shown)  # fmt: skip
                x += width
            self.y += self.line
        self.y += self.line / 2


def write_pdf(board: Dashboard, path: Path, *, by: str | None = None) -> Path:
    """Write the dashboard to ``path`` atomically (a failed export leaves no half-written file).

    ``by`` keeps one grouping's table (the CLI's ``--by``); otherwise every grouping is printed.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or Path("."))
    os.close(fd)
    temporary = Path(name)
    try:
        _paint(board, temporary, by)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _paint(board: Dashboard, path: Path, by: str | None) -> None:
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{TITLE}: {board.period.describe()}")
    writer.setCreator("Отклик")
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(8.5)
        painter.setFont(font)
        pages = _Pages(writer, painter)
        pages.text(TITLE, bold=True, size=14)
        pages.text(generated_note(board))
        pages.y += pages.line / 2
        pages.table(
            ["Показатель", "За период", "Предыдущий", "Пункт"],
            [[f.title, f.text, f.previous_text, f.clause] for f in board.figures],
            [7.5, 1.6, 1.6, 1.1],
        )
        chart_height = max(pages.room(), 260.0)
        _chart(pages, department_chart(board)[0], chart_height)
        pages.new_page()
        _chart(pages, trend_chart(board)[0], 330)
        pages.y += pages.line
        _chart(pages, funnel_chart(board)[0], 300)
        for key in (by,) if by else ("department", "stage", "person", "platform", "channel"):
            grouping = board.groupings[key]
            headers, raw, units = grouping_table(grouping)
            rows = [
                [str(v) if u == "text" else format_value(u, v) for v, u in zip(row, units, strict=True)]
                for row in raw
            ]
            pages.ensure(pages.line * 6)
            pages.text(grouping.title, bold=True, size=11)
            pages.table(headers, rows, [3.2, *([1.25] * (len(headers) - 1))])
    finally:
        painter.end()


def _chart(pages: _Pages, paint: ChartPaint, height: float) -> None:
    pages.ensure(height)
    rect = QRectF(pages.area.left(), pages.y, pages.area.width(), height)
    paint(pages.painter, rect, PAPER)  # paper is white whatever the screen's palette
    pages.y += height
