"""Render installer/otklik.svg to PNG (Linux desktop entry, 256 px) and ICO (Windows, several sizes).

Usage: python installer/make_icons.py OUTPUT_DIR. Uses Qt's SVG renderer (PySide6-Essentials), so it needs no
extra tools; runs headless (QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

SVG = Path(__file__).resolve().parent / "otklik.svg"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "build/icons")
    out.mkdir(parents=True, exist_ok=True)
    _app = QGuiApplication([])
    for size in (16, 32, 48, 64, 128, 256):
        render(size).save(str(out / f"otklik-{size}.png"), "PNG")
    render(256).save(str(out / "otklik.png"), "PNG")
    if b"ico" in [bytes(fmt) for fmt in QImageWriter.supportedImageFormats()]:
        render(256).save(str(out / "otklik.ico"), "ICO")
    print(f"icons: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
