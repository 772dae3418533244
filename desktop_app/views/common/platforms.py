"""Platform names and small letter badges (drawn with QPainter, no image files).

API: ``platform_name(code) -> str`` (Russian display name), ``platform_badge(code, size=18) -> QPixmap``
(cached; needs a QGuiApplication).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

from desktop_app.views.common.theme import contrast

# code: (display name, badge letters, badge colour)
PLATFORMS: dict[str, tuple[str, str, str]] = {
    "vk": ("ВКонтакте", "VK", "#0077ff"),
    "ok": ("Одноклассники", "OK", "#ee8208"),
    "vk_video": ("VK Видео", "VV", "#0050b3"),
    "rutube": ("Rutube", "RT", "#14191f"),
    "youtube": ("YouTube", "YT", "#e62117"),
    "telegram": ("Telegram", "TG", "#229ed9"),
    "max": ("MAX", "MX", "#6b3cf0"),
    "dzen": ("Дзен", "ДЗ", "#222222"),
    "instagram": ("Instagram", "IG", "#c13584"),
    "whatsapp": ("WhatsApp", "WA", "#25a244"),
    "viber": ("Viber", "VB", "#7360f2"),
}


def platform_name(code: str) -> str:
    return PLATFORMS.get(code, (code or "—", "", ""))[0]


@cache
def platform_badge(code: str, size: int = 18) -> QPixmap:
    _, letters, colour = PLATFORMS.get(code, (code, (code[:2] or "?").upper(), "#6b7280"))
    ratio = 2.0  # drawn at double resolution so it stays crisp on HiDPI screens
    pixmap = QPixmap(int(size * 1.6 * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    rect = QRectF(0, 0, size * 1.6, size)
    painter.drawRoundedRect(rect, size * 0.3, size * 0.3)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.55))
    painter.setFont(font)
    # Letters white or near-black, whichever reads better on the brand colour (OK's orange needs dark).
    fill, white, ink = QColor(colour), QColor("#ffffff"), QColor("#1a1a1a")
    painter.setPen(white if contrast(white, fill) >= contrast(ink, fill) else ink)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letters)
    painter.end()
    return pixmap
