"""Done when (issue 19): a supervisor opens the dashboard, clicks through to the late messages of a
department, and exports the period to XLSX and PDF; both files open and show the dashboard's figures.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QImage

from desktop_app.services.bootstrap import AppServices
from desktop_app.views.context import ViewContext
from desktop_app.views.operations import Operations
from desktop_app.views.reports import ReportsDialog
from desktop_app.views.reports.charts import LATE, Hit
from tests.services.report_history import expected_figures, seed_history
from tests.support.factories import Clock, World, msk

FIRST, LAST = dt.date(2026, 5, 11), dt.date(2026, 5, 17)
NOW = msk(2026, 5, 19, 12, 0)


def _numbers(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def seeded(services: AppServices, world: World, clock: Clock):
    truth = seed_history(services, world, clock, seed=7)
    clock.set(NOW)
    return truth


def _open(qtbot, context: ViewContext) -> ReportsDialog:
    dialog = ReportsDialog(context)
    qtbot.addWidget(dialog)
    dialog.since_edit.setDate(QDate(FIRST.year, FIRST.month, FIRST.day))
    dialog.until_edit.setDate(QDate(LAST.year, LAST.month, LAST.day))
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    return dialog


def test_supervisor_clicks_through_to_late_messages_and_exports(
    qtbot, supervisor_context: ViewContext, services: AppServices, world: World, seeded, tmp_path: Path
) -> None:
    expected = expected_figures(services, FIRST, LAST, NOW, seeded)
    dialog = _open(qtbot, supervisor_context)
    board = dialog.board
    assert board is not None and board.period.first == FIRST
    assert "04.05.2026 – 10.05.2026" in dialog.previous_label.text()
    tile = dialog.tiles["late"]
    assert tile.text().splitlines()[1] == str(expected["late"])

    # The bar «Просрочено» of the roads department opens exactly its late messages.
    dialog.department_chart.repaint()
    rows = [r for r in board.groupings["department"].rows if r.values.get("received") or r.values.get("late")]
    index = next(i for i, r in enumerate(rows) if r.key == str(world.roads.id))
    point = dialog.department_chart.centre_of(Hit("late", index))
    assert point is not None
    with qtbot.waitSignal(dialog.drilled, timeout=10_000) as drilled:
        qtbot.mouseClick(dialog.department_chart, Qt.MouseButton.LeftButton, pos=point.toPoint())
    listing = drilled.args[0]
    shown = [int(m) for m in re.findall(r"^№ (\d+) ·", listing.text.toPlainText(), re.MULTILINE)]
    late_roads = sorted(expected["late_ids_by_department"][str(world.roads.id)])
    assert late_roads
    assert sorted(shown) == late_roads
    assert listing.text.isReadOnly()
    assert world.roads.name in listing.windowTitle()

    # A tile opens its messages too.
    with qtbot.waitSignal(dialog.drilled, timeout=10_000) as drilled:
        qtbot.mouseClick(dialog.tiles["repeat_author"], Qt.MouseButton.LeftButton)
    assert len(drilled.args[0].refs) == expected["repeat_author"]

    # XLSX: read back with openpyxl, every figure as the dashboard shows it.
    xlsx = tmp_path / "период.xlsx"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export("xlsx", xlsx)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[:2] == ["Сводка", "Подразделения"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=2, values_only=True)}
    for figure in board.figures:
        value = summary[figure.title]
        assert (value is None and figure.value is None) or value == pytest.approx(figure.value), figure.key
    assert summary["Просрочено за период (8 часов)"] == expected["late"]
    for name in book.sheetnames:
        assert book[name].freeze_panes == "A2" and book[name].auto_filter.ref
    departments = {row[0]: row for row in book["Подразделения"].iter_rows(min_row=2, values_only=True)}
    assert departments[world.roads.name][4] == len(late_roads)
    messages = list(book["Сообщения"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in messages) == sorted(
        m for m in seeded.address_of if FIRST <= _arrival_day(services, m) <= LAST
    )
    assert all(isinstance(row[2], dt.datetime) for row in messages)

    # PDF: its first page rendered with pdftoppm, its text read with pdftotext.
    pdf = tmp_path / "период.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export("pdf", pdf)
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: run scripts/setup.sh --test")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = QImage(str(next(tmp_path.glob("page*.png"))))
    assert not page.isNull() and page.width() > 300
    red = sum(
        1
        for x in range(0, page.width(), 2)
        for y in range(0, page.height(), 2)
        if _near(page.pixelColor(x, y), LATE)
    )
    assert red > 20  # the department chart's «просрочено» bars are on the first page
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    text = _numbers(text)
    for figure in board.figures:
        assert figure.title in text, figure.title
        line = next(line for line in text.split(figure.title)[1:2])
        assert line.strip().startswith(figure.text), (figure.key, line[:40])


def _near(color: QColor, target: QColor) -> bool:
    return (
        abs(color.red() - target.red()) < 40
        and abs(color.green() - target.green()) < 40
        and abs(color.blue() - target.blue()) < 40
    )


def _arrival_day(services: AppServices, message_id: int) -> dt.date:
    from desktop_app.models.entities import Message
    from tests.support.factories import MSK

    with services.db.session() as session:
        return session.get(Message, message_id).arrived_at.astimezone(MSK).date()


def test_dashboard_loads_off_the_ui_thread(
    qtbot, supervisor_context: ViewContext, seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real thread pool the figures arrive by signal and the window stays responsive."""
    supervisor_context.ops = Operations(supervisor_context.services.changes)  # the real pool
    dialog = _open(qtbot, supervisor_context)
    assert dialog.board is not None
    assert dialog.tiles["received"].text().splitlines()[1] == str(int(dialog.board.figure("received").value))
    supervisor_context.ops.wait()


def test_the_window_answers_while_the_dashboard_is_computed(
    qtbot, supervisor_context: ViewContext, seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The computation is held until the UI thread has handled a timer: on the UI thread it would wait
    for itself and the figures would never come (the year of 100,000 messages takes seconds)."""
    import threading

    from PySide6.QtCore import QTimer

    supervisor_context.ops = Operations(supervisor_context.services.changes)  # the real pool
    reports = supervisor_context.services.reports
    ui_ticked = threading.Event()
    worker_threads: list[threading.Thread] = []
    compute = reports.dashboard

    def held(*args, **kwargs):
        worker_threads.append(threading.current_thread())
        assert ui_ticked.wait(10), "the UI thread did not run while the dashboard was computed"
        return compute(*args, **kwargs)

    monkeypatch.setattr(reports, "dashboard", held)
    dialog = ReportsDialog(supervisor_context)
    qtbot.addWidget(dialog)
    dialog.since_edit.setDate(QDate(FIRST.year, FIRST.month, FIRST.day))
    dialog.until_edit.setDate(QDate(LAST.year, LAST.month, LAST.day))
    dialog.show()
    qtbot.waitExposed(dialog)
    QTimer.singleShot(50, ui_ticked.set)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
        assert not dialog.show_button.isEnabled()  # the click returned at once, the work is running
    assert worker_threads and worker_threads[0] is not threading.main_thread()
    assert dialog.status.text() != "Считаю показатели…"
    supervisor_context.ops.wait()


def test_a_period_ending_before_it_starts_is_explained_in_russian(qtbot, supervisor_context) -> None:
    dialog = ReportsDialog(supervisor_context)
    qtbot.addWidget(dialog)
    dialog.since_edit.setDate(QDate(2026, 5, 20))
    dialog.until_edit.setDate(QDate(2026, 5, 10))
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.load()
    assert "раньше его начала" in failed.args[0]
    assert "Error" not in dialog.status.text()


def test_charts_follow_a_dark_palette_and_the_pdf_stays_on_white_paper(
    qtbot, supervisor_context: ViewContext, seeded, tmp_path: Path
) -> None:
    """Issue 18's leftover: the charts drew black on white on a dark desktop."""
    from desktop_app.views.common import theme

    dialog = _open(qtbot, supervisor_context)
    dark = theme.dark_palette()
    dialog.department_chart.setPalette(dark)
    image = dialog.department_chart.grab().toImage()
    corner = image.pixelColor(2, 2)
    assert corner == dark.color(dark.ColorRole.Base)  # the chart's paper is the palette's, not white
    colours = {
        image.pixelColor(x, y).rgb() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
    }
    assert QColor(Qt.GlobalColor.black).rgb() not in colours  # no black text left on the dark paper
    # The same chart on the PDF page keeps black on white, whatever the screen shows.
    pdf = tmp_path / "тёмная.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export("pdf", pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "dark")], check=True
    )
    page = QImage(str(next(tmp_path.glob("dark*.png"))))
    assert page.pixelColor(3, 3) == QColor(Qt.GlobalColor.white)
