"""Issue 18: colours come from the palette, so the system's dark palette works.

Every screen is built under a light and a dark application palette; the text of every label, banner,
badge and coloured table cell must read against what is behind it (WCAG contrast ≥ 4.5, computed from the
colours Qt actually uses), and no style sheet under ``desktop_app/views`` may carry a literal colour.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget

from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.views.common import theme
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.editor.validation_panel import ValidationPanel
from tests.views.desk.screens import every_screen
from tests.views.editor.support import Setup

VIEWS = Path(__file__).resolve().parents[3] / "desktop_app" / "views"
_COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|(?:color|background(?:-color)?|border(?:-color)?)\s*:[^;]*\b"
    r"(?:red|green|blue|white|black|gray|grey|yellow|orange|darkred|navy|silver|maroon)\b"
)


def literal_colour_styles(path: Path) -> list[str]:
    """``setStyleSheet`` calls (and the constants they format) whose text names a colour literally."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "setStyleSheet"):
            continue
        pieces = [node.args[0]] if node.args else []
        for piece in list(pieces):
            pieces.extend(ast.walk(piece))
        texts = []
        for piece in pieces:
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                texts.append(piece.value)
            elif isinstance(piece, ast.Name) and piece.id in constants:
                texts.extend(c.value for c in ast.walk(constants[piece.id]) if isinstance(c, ast.Constant))
        if any(isinstance(t, str) and _COLOUR.search(t) for t in texts):
            found.append(f"{path.relative_to(VIEWS.parent.parent)}:{node.lineno}")
    return found


def test_no_style_sheet_under_views_names_a_colour() -> None:
    found = [hit for path in sorted(VIEWS.rglob("*.py")) for hit in literal_colour_styles(path)]
    assert found == []


def test_the_scan_catches_literal_colours(tmp_path: Path) -> None:
    """Guard: the forms the views used before (direct, f-string, a formatted constant) are all found."""
    sample = VIEWS / "_scan_sample.py"
    sample.write_text(
        'STYLE = "QFrame#{name} {{ background: {bg}; border: 1px solid #e0b040; }}"\n'
        'label.setStyleSheet("color: #b00020;")\n'
        'label.setStyleSheet(f"color: {x}; background: rgb(1, 2, 3)")\n'
        "frame.setStyleSheet(STYLE.format(name=n, bg=b))\n"
        'ok.setStyleSheet("font-weight: bold;")\n'
        'named.setStyleSheet("QLabel { color: red; }")\n',
        encoding="utf-8",
    )
    try:
        assert [hit.rsplit(":", 1)[1] for hit in literal_colour_styles(sample)] == ["2", "3", "4", "6"]
    finally:
        sample.unlink()


def light_palette() -> QPalette:
    return QApplication.style().standardPalette()


PALETTES = {"светлая": light_palette, "тёмная": theme.dark_palette}


@pytest.fixture(params=list(PALETTES), ids=["light", "dark"])
def palette(request, qapp: QApplication) -> Iterator[QPalette]:
    before = QApplication.palette()
    chosen = PALETTES[request.param]()
    QApplication.setPalette(chosen)
    yield chosen
    QApplication.setPalette(before)


def _brush_colour(value: object) -> QColor | None:
    if isinstance(value, QBrush):
        return value.color() if value.style() != Qt.BrushStyle.NoBrush else None
    return value if isinstance(value, QColor) else None


def _behind(widget: QWidget, palette: QPalette) -> QColor:
    """What a label's text is drawn on: the nearest themed box around it, else the window."""
    current: QWidget | None = widget
    while current is not None:
        swatch = theme.applied(current)
        if swatch is not None and swatch.bg != palette.color(QPalette.ColorRole.Window):
            return swatch.bg
        current = current.parentWidget()
    return palette.color(QPalette.ColorRole.Window)


def unreadable(root: QWidget, palette: QPalette) -> tuple[list[str], int, int]:
    """Labels and coloured cells below 4.5:1; also how many themed widgets and coloured cells were seen."""
    found, themed, cells = [], 0, 0
    for widget in [root, *root.findChildren(QWidget)]:
        swatch = theme.applied(widget)
        if swatch is not None:
            themed += 1
            if theme.contrast(swatch.fg, swatch.bg) < theme.READABLE:
                found.append(f"{widget.objectName()}: {swatch.fg.name()} on {swatch.bg.name()}")
        if isinstance(widget, QLabel) and widget.text() and widget.isEnabled():  # WCAG exempts disabled
            widget.ensurePolished()
            fg = widget.palette().color(widget.foregroundRole())  # the colour Qt paints the text in
            bg = _behind(widget, palette)
            if theme.contrast(fg, bg) < theme.READABLE:
                found.append(
                    f"QLabel:{widget.objectName()} «{widget.text()[:30]}»: {fg.name()} on {bg.name()}"
                )
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                rows, columns = min(model.rowCount(QModelIndex()), 40), model.columnCount(QModelIndex())
            except TypeError:
                continue
            for r in range(rows):
                for c in range(columns):
                    index = model.index(r, c)
                    fg = _brush_colour(index.data(Qt.ItemDataRole.ForegroundRole))
                    bg = _brush_colour(index.data(Qt.ItemDataRole.BackgroundRole))
                    if fg is None and bg is None:
                        continue
                    if fg == palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text):
                        continue  # greyed on purpose (another month's days in a calendar): WCAG exempts
                    cells += 1
                    fg = fg or palette.color(QPalette.ColorRole.Text)
                    bg = bg or palette.color(QPalette.ColorRole.Base)
                    if theme.contrast(fg, bg) < theme.READABLE:
                        found.append(f"cell {widget.objectName()}[{r},{c}]: {fg.name()} on {bg.name()}")
    return found, themed, cells


def test_every_screen_reads_in_the_light_and_the_dark_palette(open_window, desk: Setup, palette) -> None:
    problems: dict[str, list[str]] = {}
    themed = cells = 0
    for screen, root in every_screen(desk, open_window):
        found, t, c = unreadable(root, palette)
        themed, cells = themed + t, cells + c
        if found:
            problems[screen] = found
    assert problems == {}
    assert themed >= 20 and cells >= 3  # banners, pills, countdown cells were really measured


@pytest.mark.parametrize("status", list(DeadlineStatus))
@pytest.mark.parametrize("make", list(PALETTES.values()), ids=["light", "dark"])
def test_countdown_and_badge_colours_read_and_follow_the_palette(qapp, status, make) -> None:  # type: ignore[no-untyped-def]
    palette = make()
    swatch = theme.status_swatch(status, palette)
    assert theme.contrast(swatch.fg, swatch.bg) >= theme.READABLE
    for tone in theme.Tone:  # queue badges, banners, pills
        for box in (theme.tinted(tone, palette), theme.strong(tone, palette)):
            assert theme.contrast(box.fg, box.bg) >= theme.READABLE, tone
        assert (
            theme.contrast(theme.text_colour(tone, palette), palette.color(QPalette.ColorRole.Window)) >= 4.5
        )
    if theme.is_dark(palette) and status is not DeadlineStatus.OVERDUE:
        assert swatch.bg.lightnessF() < 0.4  # a deep tint on a dark desk, not a light pill glaring from it


def test_a_palette_change_restyles_what_is_on_screen(qtbot, desk: Setup, qapp: QApplication) -> None:
    """The system switches to its dark theme while the program runs: banners follow at once."""
    before = QApplication.palette()
    QApplication.setPalette(light_palette())
    try:
        panel = MessagePanel(desk.context_for(desk.world.operator))
        qtbot.addWidget(panel)
        panel.show()
        light = theme.applied(panel.routing_label)
        assert light is not None and light.bg.lightnessF() > 0.8
        QApplication.setPalette(theme.dark_palette())
        QApplication.processEvents()
        dark = theme.applied(panel.routing_label)
        assert dark is not None and dark.bg.lightnessF() < 0.4
        assert dark.bg.name() in panel.routing_label.styleSheet()
        assert theme.contrast(dark.fg, dark.bg) >= theme.READABLE
    finally:
        QApplication.setPalette(before)


def test_check_lists_follow_a_palette_change(qtbot, qapp: QApplication) -> None:
    """The validation panel's coloured remarks are refilled in the new palette's colours."""
    from tests.validation.test_panel_quality import _report  # a report with an advisory hint

    before = QApplication.palette()
    QApplication.setPalette(light_palette())
    try:
        panel = ValidationPanel()
        qtbot.addWidget(panel)
        panel.show()
        panel.show_report(_report())
        item = panel.quality_list.item(0)
        light = item.foreground().color()
        QApplication.setPalette(theme.dark_palette())
        QApplication.processEvents()
        dark = panel.quality_list.item(0).foreground().color()
        assert dark != light
        base = theme.dark_palette().color(QPalette.ColorRole.Base)
        assert theme.contrast(dark, base) >= theme.READABLE
    finally:
        QApplication.setPalette(before)


def test_the_cards_stage_pills_follow_a_palette_change(qtbot, desk: Setup, qapp: QApplication) -> None:
    """The «Сроки» tab is recoloured when the theme changes, not only at the next selection."""
    before = QApplication.palette()
    QApplication.setPalette(light_palette())
    try:
        message_id = desk.routed_message()
        panel = MessagePanel(desk.context_for(desk.world.operator))
        qtbot.addWidget(panel)
        panel.show()
        panel.set_detail(desk.services.queries.message_detail(desk.world.operator, message_id))
        items = [panel.stages_view.topLevelItem(i) for i in range(panel.stages_view.topLevelItemCount())]
        assert items
        QApplication.setPalette(theme.dark_palette())
        QApplication.processEvents()
        for item in items:
            status = DeadlineStatus(item.data(3, Qt.ItemDataRole.UserRole))
            assert item.background(3).color() == theme.status_swatch(status, theme.dark_palette()).bg
            assert theme.contrast(item.foreground(3).color(), item.background(3).color()) >= theme.READABLE
    finally:
        QApplication.setPalette(before)


def test_platform_badges_are_readable(qapp: QApplication) -> None:
    """Badge letters read on every brand colour (white on Odnoklassniki's orange did not: 2.6:1)."""
    from desktop_app.views.common.platforms import PLATFORMS, platform_badge

    for code, (_name, _letters, colour) in PLATFORMS.items():
        image = platform_badge(code, 18).toImage()
        fill = QColor(colour)
        # The letters are the pixels furthest from the fill inside the badge.
        far = max(
            (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())),
            key=lambda c: abs(c.lightnessF() - fill.lightnessF()) if c.alpha() == 255 else -1,
        )
        assert theme.contrast(far, fill) >= 3.0, code  # large bold letters: WCAG's 3:1
