"""Charts of the dashboard drawn with QPainter: department bars, weekly trend, stage funnel.

PySide6-Essentials has no QtCharts, and a plotting library from PyPI (matplotlib, pyqtgraph) would
add tens of megabytes to the bundle for three simple charts. Drawing with QPainter costs no
dependency, paints the same code on a widget and on the PDF page (``QPdfWriter``), and lets every
bar and point report which figure it shows, so a click opens the messages behind it.

Each ``paint_*`` function draws into a rectangle of any ``QPainter`` and returns the hit areas
``(QRectF, Hit)``; :class:`ChartWidget` keeps them and emits ``clicked(Hit)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.services.dashboard import Dashboard, Drill

RECEIVED = QColor("#8fa9c8")
IN_TIME = QColor("#3c8d5a")
LATE = QColor("#c0392b")
FUNNEL = QColor("#4a78a8")


@dataclass(frozen=True)
class ChartInk:
    """The colours a chart is drawn in besides its series': paper, text and axes.

    On screen they follow the palette (a dark desktop gets a dark chart, issue 18); the PDF keeps
    black on white paper.
    """

    paper: QColor
    text: QColor
    axis: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartInk:
        text = palette.color(QPalette.ColorRole.Text)
        paper = palette.color(QPalette.ColorRole.Base)
        axis = QColor(
            (text.red() + paper.red()) // 2,
            (text.green() + paper.green()) // 2,
            (text.blue() + paper.blue()) // 2,
        )
        return cls(paper, text, axis)


PAPER = ChartInk(QColor(Qt.GlobalColor.white), QColor(Qt.GlobalColor.black), QColor(0x60, 0x60, 0x60))


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor
    values: Sequence[float]
    figure: str  # the drill figure a click on this series opens


@dataclass(frozen=True)
class Hit:
    """What a click landed on: the series' drill figure and the category's index."""

    figure: str
    index: int


HitAreas = list[tuple[QRectF, Hit]]
ChartPaint = Callable[[QPainter, QRectF, ChartInk], HitAreas]


def _title(painter: QPainter, rect: QRectF, title: str, ink: ChartInk) -> QRectF:
    font = QFont(painter.font())
    font.setBold(True)
    painter.save()
    painter.setFont(font)
    height = QFontMetricsF(font, painter.device()).height() * 1.4
    painter.setPen(ink.text)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), height), Qt.AlignmentFlag.AlignLeft, title)
    painter.restore()
    return rect.adjusted(0, height, 0, 0)


def _legend(painter: QPainter, rect: QRectF, series: Sequence[Series], ink: ChartInk) -> QRectF:
    metrics = QFontMetricsF(painter.font(), painter.device())
    height = metrics.height() * 1.3
    x = rect.left()
    for item in series:
        box = metrics.height() * 0.7
        painter.fillRect(QRectF(x, rect.top() + (height - box) / 2, box, box), item.color)
        x += box + 4
        painter.setPen(ink.text)
        painter.drawText(QRectF(x, rect.top(), metrics.horizontalAdvance(item.name) + 2, height),
                         Qt.AlignmentFlag.AlignVCenter, item.name)  # fmt: skip
        x += metrics.horizontalAdvance(item.name) + 16
    return rect.adjusted(0, height, 0, 0)


def _frame(
    painter: QPainter,
    rect: QRectF,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    ink: ChartInk,
) -> tuple[QRectF, QFontMetricsF, float] | None:
    """Title and legend of a chart with axes; the plot's rectangle, font metrics and peak value.

    None (after saying so in the chart) when there is nothing to plot.
    """
    rect = _legend(painter, _title(painter, rect, title, ink), series, ink)
    if not labels:
        painter.setPen(ink.text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Нет данных за период")
        return None
    peak = max([v for s in series for v in s.values] + [1])
    return rect, QFontMetricsF(painter.font(), painter.device()), peak


def paint_bars(
    painter: QPainter,
    rect: QRectF,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    ink: ChartInk = PAPER,
) -> HitAreas:
    """Horizontal grouped bars, one group per label (department names are long)."""
    hits: HitAreas = []
    frame = _frame(painter, rect, title, labels, series, ink)
    if frame is None:
        return hits
    rect, metrics, peak = frame
    label_width = min(max(metrics.horizontalAdvance(label) for label in labels) + 8, rect.width() * 0.4)
    group_height = rect.height() / len(labels)
    bar_height = max(group_height * 0.8 / max(len(series), 1), 1.0)
    plot_left = rect.left() + label_width
    plot_width = rect.width() - label_width - metrics.horizontalAdvance("000000")
    for i, label in enumerate(labels):
        top = rect.top() + i * group_height
        painter.setPen(ink.text)
        painter.drawText(
            QRectF(rect.left(), top, label_width - 6, group_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 6),
        )
        for j, item in enumerate(series):
            value = item.values[i]
            y = top + group_height * 0.1 + j * bar_height
            width = plot_width * value / peak
            bar = QRectF(plot_left, y, max(width, 1.0), bar_height * 0.9)
            painter.fillRect(bar, item.color)
            painter.drawText(
                QRectF(bar.right() + 3, y, 60, bar_height), Qt.AlignmentFlag.AlignVCenter, f"{value:g}"
            )
            hits.append((QRectF(plot_left, y, max(width, 12.0), bar_height), Hit(item.figure, i)))
    painter.setPen(QPen(ink.axis))
    painter.drawLine(QPointF(plot_left, rect.top()), QPointF(plot_left, rect.bottom()))
    return hits


def paint_trend(
    painter: QPainter,
    rect: QRectF,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    ink: ChartInk = PAPER,
) -> HitAreas:
    """A line per series over the weeks, with a dot per week (a click opens that week's messages)."""
    hits: HitAreas = []
    frame = _frame(painter, rect, title, labels, series, ink)
    if frame is None:
        return hits
    rect, metrics, peak = frame
    axis_left = rect.left() + metrics.horizontalAdvance("00000")
    plot = QRectF(
        axis_left, rect.top() + 4, rect.right() - axis_left - 8, rect.height() - metrics.height() * 1.6
    )
    painter.setPen(QPen(ink.axis))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    painter.drawText(QRectF(rect.left(), plot.top() - 2, axis_left - rect.left() - 4, metrics.height()),
                     Qt.AlignmentFlag.AlignRight, f"{peak:g}")  # fmt: skip
    painter.drawText(QRectF(rect.left(), plot.bottom() - metrics.height(), axis_left - rect.left() - 4,
                            metrics.height()), Qt.AlignmentFlag.AlignRight, "0")  # fmt: skip
    count = len(labels)
    step = plot.width() / max(count - 1, 1)

    def point(i: int, value: float) -> QPointF:
        x = plot.left() + (i * step if count > 1 else plot.width() / 2)
        return QPointF(x, plot.bottom() - plot.height() * value / peak)

    every = max(1, int(count / max(plot.width() / (metrics.horizontalAdvance("00.00–00.00") + 8), 1)) + 1)
    painter.setPen(ink.text)
    for i, label in enumerate(labels):
        if i % every == 0:
            x = point(i, 0).x()
            text = label.split("–")[0]
            width = metrics.horizontalAdvance(text) + 4
            painter.drawText(QRectF(x - width / 2, plot.bottom() + 2, width, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter, text)  # fmt: skip
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for item in series:
        pen = QPen(item.color)
        pen.setWidthF(2.0)
        painter.setPen(pen)
        points = [point(i, v) for i, v in enumerate(item.values)]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        painter.setBrush(item.color)
        for i, p in enumerate(points):
            painter.drawEllipse(p, 3.0, 3.0)
            hits.append((QRectF(p.x() - 6, p.y() - 6, 12, 12), Hit(item.figure, i)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    return hits


def paint_funnel(
    painter: QPainter, rect: QRectF, title: str, steps: Sequence[tuple[str, int, str]], ink: ChartInk = PAPER
) -> HitAreas:
    """The stage funnel: centred bars narrowing from «поступило» to «в течение 8 часов»."""
    rect = _title(painter, rect, title, ink)
    hits: HitAreas = []
    if not steps:
        return hits
    peak = max([value for _t, value, _f in steps] + [1])
    height = rect.height() / len(steps)
    for i, (name, value, figure) in enumerate(steps):
        width = max(rect.width() * value / peak, 2.0)
        bar = QRectF(rect.center().x() - width / 2, rect.top() + i * height + 2, width, height - 4)
        color = QColor(FUNNEL)
        color.setAlpha(255 - i * 30)
        painter.fillRect(bar, color)
        painter.setPen(ink.text)
        painter.drawText(QRectF(rect.left(), bar.top(), rect.width(), bar.height()), Qt.AlignmentFlag.AlignCenter,
                         f"{name}: {value}")  # fmt: skip
        hits.append((QRectF(rect.left(), bar.top(), rect.width(), bar.height()), Hit(figure, i)))
    return hits


class ChartWidget(QWidget):
    """A chart on screen; a click on a bar, a point or a funnel step emits ``clicked(Hit)``.

    Signals:
        clicked(Hit): the user clicked a part of the chart that stands for a figure.
    """

    clicked = Signal(object)

    def __init__(self, paint: ChartPaint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paint = paint
        self.hits: HitAreas = []
        self.setMinimumSize(QSize(320, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_painter(self, paint: ChartPaint) -> None:
        self._paint = paint
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        ink = ChartInk.from_palette(self.palette())
        painter.fillRect(self.rect(), ink.paper)
        self.hits = self._paint(painter, QRectF(self.rect()).adjusted(8, 6, -8, -6), ink)
        painter.end()

    def layout_hits(self) -> HitAreas:
        """Where every part is for the widget's current size (laid out off screen, as painted)."""
        image = QImage(max(self.width(), 1), max(self.height(), 1), QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        painter.setFont(self.font())
        self.hits = self._paint(painter, QRectF(self.rect()).adjusted(8, 6, -8, -6), PAPER)
        painter.end()
        return self.hits

    def hit_at(self, point: QPointF) -> Hit | None:
        for area, hit in self.layout_hits():
            if area.contains(point):
                return hit
        return None

    def centre_of(self, hit: Hit) -> QPointF | None:
        """Where ``hit`` is drawn: lets a test (or an accessibility tool) click a given bar."""
        for area, candidate in self.layout_hits():
            if candidate == hit:
                return area.center()
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self.hit_at(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(hit)
            return
        super().mousePressEvent(event)


# -- the dashboard's three charts, with the drill of every clickable part --------------------------


def department_chart(
    board: Dashboard,
) -> tuple[ChartPaint, Callable[[Hit], Drill]]:
    rows = [r for r in board.groupings["department"].rows if r.values.get("received") or r.values.get("late")]
    labels = [r.label for r in rows]
    series = [
        Series("Поступило", RECEIVED, [float(r.values.get("received") or 0) for r in rows], "received"),
        Series("Просрочено (8 ч)", LATE, [float(r.values.get("late") or 0) for r in rows], "late"),
    ]

    def paint(painter: QPainter, rect: QRectF, ink: ChartInk = PAPER) -> HitAreas:
        return paint_bars(painter, rect, "Подразделения: поступило и просрочено", labels, series, ink)

    def drill(hit: Hit) -> Drill:
        return replace(board.base_drill, figure=hit.figure, group="department", key=rows[hit.index].key)

    return paint, drill


def trend_chart(board: Dashboard) -> tuple[ChartPaint, Callable[[Hit], Drill]]:
    labels = [p.label for p in board.trend]
    series = [
        Series("Поступило", RECEIVED, [float(p.received) for p in board.trend], "received"),
        Series("В течение 8 ч", IN_TIME, [float(p.in_time) for p in board.trend], "in_time"),
        Series("Просрочено", LATE, [float(p.late) for p in board.trend], "late"),
    ]

    def paint(painter: QPainter, rect: QRectF, ink: ChartInk = PAPER) -> HitAreas:
        return paint_trend(painter, rect, "По неделям", labels, series, ink)

    def drill(hit: Hit) -> Drill:
        return replace(board.base_drill, figure=hit.figure, group="week", key=labels[hit.index])

    return paint, drill


def funnel_chart(board: Dashboard) -> tuple[ChartPaint, Callable[[Hit], Drill]]:
    steps = [(s.title, s.value, s.figure) for s in board.funnel]

    def paint(painter: QPainter, rect: QRectF, ink: ChartInk = PAPER) -> HitAreas:
        return paint_funnel(painter, rect, "Путь сообщения", steps, ink)

    def drill(hit: Hit) -> Drill:
        return replace(board.base_drill, figure=hit.figure)

    return paint, drill
