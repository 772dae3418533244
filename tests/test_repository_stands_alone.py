"""A fresh clone has nothing beside it: no file the project ships may point outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./(?:shared|reference)\b|parents\[\d\]\s*/\s*\"\.\.\"")


def _shipped_text_files() -> list[Path]:
    roots = [ROOT / "README.md", ROOT / "docs", ROOT / "tests", ROOT / "desktop_app", ROOT / "scripts"]
    roots += [ROOT / "installer", ROOT / "benchmarks", ROOT / ".ci"]
    files: list[Path] = []
    for root in roots:
        candidates = [root] if root.is_file() else root.rglob("*")
        files += [p for p in candidates if p.is_file() and p.suffix in {".md", ".py", ".sh", ".txt", ""}]
    return [p for p in files if p != Path(__file__).resolve() and "__pycache__" not in p.parts]


def test_no_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _shipped_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if OUTSIDE.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_regulation_and_reference_calendar_are_in_the_repository() -> None:
    assert (ROOT / "docs" / "regulation" / "polozhenie.txt").stat().st_size > 1000
    assert (ROOT / "docs" / "regulation" / "REQUIREMENTS.md").stat().st_size > 1000
    assert (ROOT / "tests" / "worktime" / "data" / "ru-production-calendar-2025-2027.json").exists()
