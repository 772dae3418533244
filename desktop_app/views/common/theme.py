"""Semantic colours derived from the active palette, so a dark system palette works (issue 18).

Every warning, error, «ok», notice, banner and countdown colour of the desk comes from here; widgets hold
no colour constants. A colour is computed from the application's ``QPalette``: a tone's hue is mixed with
the palette's window colour for a background and pushed towards black or white until its text reads
(WCAG contrast ≥ 4.5), so the same code gives dark text on light tints in a light palette and light text
on dark tints in a dark one.

API:

- ``Tone`` — ``OK``, ``WARNING``, ``DANGER``, ``NOTICE``, ``MUTED``, ``LINK``.
- ``text_colour(tone, palette=None, role=Window) -> QColor`` — text of that tone on the palette's ``role``.
- ``tinted(tone, palette=None) -> Swatch`` / ``strong(tone, palette=None) -> Swatch`` — (fg, bg, border) of a
  banner/pill: a pale (or, in a dark palette, deep) tint, or a saturated fill (overdue).
- ``status_swatch(status, palette=None) -> Swatch`` — the countdown colours of a ``DeadlineStatus``.
- ``style_text(widget, tone, css="")`` / ``style_box(widget, tone, css="", selector="")`` — apply a style
  sheet generated from those colours and re-apply it whenever the palette changes
  (the application's ``paletteChanged``, a widget's ``QEvent.PaletteChange``); ``tone=None`` keeps only ``css``.
- ``applied(widget) -> Swatch | None`` — the colours a widget was styled with (tests measure them).
- ``contrast(a, b) -> float`` — the WCAG 2 contrast ratio of two colours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from desktop_app.domain.worktime.deadlines import DeadlineStatus

READABLE = 4.5  # WCAG AA for normal text


class Tone(Enum):
    OK = "ok"
    WARNING = "warning"
    DANGER = "danger"
    NOTICE = "notice"  # information: the palette's own highlight hue
    MUTED = "muted"  # secondary text: the palette's text, softened
    LINK = "link"


# Hue (degrees) and saturation of the tones that have no palette role of their own.
_HUES: dict[Tone, tuple[int, float]] = {
    Tone.OK: (135, 0.55),
    Tone.WARNING: (40, 0.90),
    Tone.DANGER: (355, 0.75),
}


@dataclass(frozen=True, slots=True)
class Swatch:
    fg: QColor
    bg: QColor
    border: QColor


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved by ``t`` (0…1) towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def readable_on(colour: QColor, background: QColor, ratio: float = READABLE) -> QColor:
    """``colour`` darkened (on a light background) or lightened (on a dark one) until it reads."""
    target = QColor(Qt.GlobalColor.black) if luminance(background) > 0.18 else QColor(Qt.GlobalColor.white)
    candidate = QColor(colour)
    step = 0.0
    while contrast(candidate, background) < ratio and step < 1.0:
        step += 0.05
        candidate = mix(colour, target, step)
    return candidate if contrast(candidate, background) >= ratio else target


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def _base(tone: Tone, palette: QPalette) -> QColor:
    """The tone's pure colour in this palette (lighter in a dark palette, deeper in a light one)."""
    dark = is_dark(palette)
    if tone is Tone.NOTICE:
        return palette.color(QPalette.ColorRole.Highlight)
    if tone is Tone.LINK:
        link = palette.color(QPalette.ColorRole.Link)
        return link if not dark else mix(link, QColor(Qt.GlobalColor.white), 0.45)
    if tone is Tone.MUTED:
        text = palette.color(QPalette.ColorRole.WindowText)
        return mix(text, palette.color(QPalette.ColorRole.Window), 0.35)
    hue, saturation = _HUES[tone]
    return QColor.fromHslF(hue / 360, saturation, 0.65 if dark else 0.38)


_cache: dict[tuple[int, str, str], object] = {}


def _cached(kind: str, key: str, palette: QPalette, make: Callable[[], object]) -> object:
    slot = (palette.cacheKey(), kind, key)
    value = _cache.get(slot)
    if value is None:
        if len(_cache) > 512:
            _cache.clear()
        value = _cache[slot] = make()
    return value


def text_colour(
    tone: Tone, palette: QPalette | None = None, role: QPalette.ColorRole = QPalette.ColorRole.Window
) -> QColor:
    """Text of ``tone`` readable on the palette's ``role`` (the window; ``Base`` inside lists)."""
    pal = _palette(palette)

    def make() -> QColor:
        return readable_on(_base(tone, pal), pal.color(role))

    return QColor(_cached("text", f"{tone.value}:{role.name}", pal, make))  # type: ignore[arg-type]


def _tint(base: QColor, palette: QPalette, amount: float) -> Swatch:
    window = palette.color(QPalette.ColorRole.Window)
    dark = is_dark(palette)
    # A light tint starts from the lighter of window and base (white), so it stays clear, not muddy;
    # a dark one from the window, with more of the hue so it still reads as amber / red / green.
    ground = window if dark else max(window, palette.color(QPalette.ColorRole.Base), key=luminance)
    bg = mix(ground, base, amount * (1.6 if dark else 1.2))
    border = mix(window, base, 0.55)
    return Swatch(readable_on(base, bg), bg, border)


def tinted(tone: Tone, palette: QPalette | None = None) -> Swatch:
    pal = _palette(palette)
    return _cached("tint", tone.value, pal, lambda: _tint(_base(tone, pal), pal, 0.16))  # type: ignore[return-value]


def strong(tone: Tone, palette: QPalette | None = None) -> Swatch:
    """A saturated fill with white text (the overdue pill), deepened until the white reads."""
    pal = _palette(palette)

    def make() -> Swatch:
        hue, saturation = _HUES.get(tone, (210, 0.7))
        fill = QColor.fromHslF(hue / 360, saturation, 0.45)
        white = QColor(Qt.GlobalColor.white)
        while contrast(white, fill) < READABLE and fill.lightnessF() > 0.05:
            fill = QColor.fromHslF(hue / 360, saturation, fill.lightnessF() - 0.03)
        return Swatch(white, fill, fill)

    return _cached("strong", tone.value, pal, make)  # type: ignore[return-value]


def status_swatch(status: DeadlineStatus, palette: QPalette | None = None) -> Swatch:
    """Countdown colours: green / amber / red fill when overdue; soft tints for finished stages."""
    pal = _palette(palette)
    if status is DeadlineStatus.ON_TIME:
        return tinted(Tone.OK, pal)
    if status is DeadlineStatus.WARNING:
        return tinted(Tone.WARNING, pal)
    if status is DeadlineStatus.OVERDUE:
        return strong(Tone.DANGER, pal)

    def make() -> Swatch:
        # Finished stages recede: the tone's hue, desaturated, a lighter tint.
        base = _base(Tone.OK if status is DeadlineStatus.MET else Tone.DANGER, pal)
        soft = mix(base, pal.color(QPalette.ColorRole.WindowText), 0.35)
        return _tint(soft, pal, 0.10)

    return _cached("status", status.value, pal, make)  # type: ignore[return-value]


# -- applying to widgets ---------------------------------------------------------------------------------

_WATCHER = "qt_theme_watcher"


class _Watcher(QObject):
    """Re-applies a widget's generated style sheet when the palette changes (the system switched theme)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setObjectName(_WATCHER)
        self.build: Callable[[QPalette], tuple[str, Swatch | None]] = lambda _p: ("", None)
        self.swatch: Swatch | None = None
        self._css: str | None = None
        widget.installEventFilter(self)
        # A styled widget's own palette is fixed by its style sheet, so Qt sends it no PaletteChange when
        # the application's palette changes: the application's signal is what tells it (disconnected by
        # Qt when this watcher goes with its widget).
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.paletteChanged.connect(self._palette_changed)

    def _palette_changed(self, _palette: QPalette) -> None:
        self.apply()

    def apply(self) -> None:
        widget = self.parent()
        assert isinstance(widget, QWidget)
        css, self.swatch = self.build(QGuiApplication.palette())
        if css != self._css:  # setting a style sheet changes the palette: only when it differs, no loop
            self._css = css
            widget.setStyleSheet(css)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply()
        return False


def _watch(widget: QWidget, build: Callable[[QPalette], tuple[str, Swatch | None]]) -> None:
    watcher = widget.findChild(_Watcher, _WATCHER, Qt.FindChildOption.FindDirectChildrenOnly)
    if watcher is None:
        watcher = _Watcher(widget)
    watcher.build = build
    watcher.apply()


def style_text(widget: QWidget, tone: Tone | None, css: str = "") -> None:
    """Text of ``tone`` on the window background, plus non-colour ``css`` (weight, padding)."""

    def build(palette: QPalette) -> tuple[str, Swatch | None]:
        if tone is None:
            return css, None
        fg = text_colour(tone, palette)
        swatch = Swatch(fg, palette.color(QPalette.ColorRole.Window), fg)
        return f"color: {fg.name()}; {css}".strip(), swatch

    _watch(widget, build)


def style_box(
    widget: QWidget, tone: Tone, css: str = "", selector: str = "", *, solid: bool = False, radius: int = 4
) -> None:
    """A banner or pill: tinted (or ``solid``) background, border and readable text of ``tone``.

    ``selector`` (e.g. ``QFrame#rework_banner``) limits the box to the frame itself, so its children keep
    their own look.
    """

    def build(palette: QPalette) -> tuple[str, Swatch | None]:
        swatch = strong(tone, palette) if solid else tinted(tone, palette)
        body = (
            f"background: {swatch.bg.name()}; color: {swatch.fg.name()}; "
            f"border: 1px solid {swatch.border.name()}; border-radius: {radius}px; {css}"
        ).strip()
        return (f"{selector} {{ {body} }}" if selector else body), swatch

    _watch(widget, build)


def applied(widget: QWidget) -> Swatch | None:
    watcher = widget.findChild(_Watcher, _WATCHER, Qt.FindChildOption.FindDirectChildrenOnly)
    return watcher.swatch if watcher is not None else None


def dark_palette() -> QPalette:
    """A dark palette like the desktops' dark themes (tests and the screenshots use it)."""
    palette = QPalette()
    window, base, text = QColor(0x2B, 0x2B, 0x2E), QColor(0x1E, 0x1E, 0x21), QColor(0xE8, 0xE8, 0xEA)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(0x26, 0x26, 0x2A),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x36, 0x36, 0x3A),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.Highlight: QColor(0x3D, 0x7E, 0xD8),
        QPalette.ColorRole.HighlightedText: QColor(Qt.GlobalColor.white),
        QPalette.ColorRole.Link: QColor(0x6A, 0xA8, 0xF5),
        QPalette.ColorRole.ToolTipBase: QColor(0x3A, 0x3A, 0x3E),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(0x9A, 0x9A, 0xA0),
        QPalette.ColorRole.Light: QColor(0x4A, 0x4A, 0x50),
        QPalette.ColorRole.Midlight: QColor(0x3E, 0x3E, 0x44),
        QPalette.ColorRole.Mid: QColor(0x5A, 0x5A, 0x60),
        QPalette.ColorRole.Dark: QColor(0x18, 0x18, 0x1A),
        QPalette.ColorRole.Shadow: QColor(0x0A, 0x0A, 0x0A),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(0x80, 0x80, 0x86))
    return palette


# -- a visible keyboard focus ------------------------------------------------------------------------------

FOCUS_RING_WIDTH = 2
_NON_TEXT = 3.0  # WCAG 1.4.11: a focus indicator needs 3:1 against what is next to it


def focus_colour(palette: QPalette | None = None) -> QColor:
    """The focus ring: the palette's highlight, deepened or lightened until it stands out (3:1)."""
    pal = _palette(palette)
    return readable_on(
        pal.color(QPalette.ColorRole.Highlight), pal.color(QPalette.ColorRole.Window), _NON_TEXT
    )


class FocusRing(QWidget):
    """A frame in the highlight colour drawn over the edge of the focused control.

    Fusion marks a focused line edit but not a table, a list, a plain-text field or a tool button; the
    ring marks every one alike in any palette. It lives inside the focused widget (so a grab of that
    widget shows it), lets the mouse through and never takes focus.
    """

    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QEvent) -> None:
        from PySide6.QtGui import QPainter, QPen

        painter = QPainter(self)
        pen = QPen(focus_colour(), FOCUS_RING_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = FOCUS_RING_WIDTH / 2
        painter.drawRect(self.rect().toRectF().adjusted(half, half, -half, -half))


class _FocusFollower(QObject):
    """Moves the one ring to whichever control has the keyboard focus (``QApplication.focusChanged``)."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.setObjectName("qt_focus_follower")
        self.ring: FocusRing | None = None
        self.target: QWidget | None = None
        app.focusChanged.connect(self.follow)  # type: ignore[attr-defined]

    def _ring(self) -> FocusRing:
        from shiboken6 import isValid

        if self.ring is None or not isValid(self.ring):  # it went with a deleted control
            self.ring = FocusRing()
        return self.ring

    @staticmethod
    def _marks(widget: QWidget | None) -> bool:
        from PySide6.QtWidgets import QMenu

        if widget is None or widget.isWindow() or isinstance(widget, QMenu):
            return False
        if widget.window().windowFlags() & Qt.WindowType.Popup == Qt.WindowType.Popup:
            return False  # a combo box's open list, a calendar popup: Qt marks the current item
        return widget.width() >= 8 and widget.height() >= 8

    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        from shiboken6 import isValid

        if self.target is not None and isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = None
        ring = self._ring()
        if not self._marks(new):
            ring.hide()
            return
        assert new is not None
        self.target = new
        new.installEventFilter(self)
        ring.setParent(new)
        ring.setGeometry(new.rect())
        ring.raise_()
        ring.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() == QEvent.Type.Resize and self.ring is not None:
            self.ring.setGeometry(self.target.rect())
        return False


def install_focus_ring(app: QGuiApplication | None = None) -> None:
    """Mark the keyboard focus visibly in every window of the application (idempotent)."""
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QGuiApplication) or app.findChild(_FocusFollower, "qt_focus_follower"):
        return
    _FocusFollower(app)
