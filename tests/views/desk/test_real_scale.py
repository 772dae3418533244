"""Issue 18, point 7 for real: each main screen at 1366×768 (100 %) and 1920×1080 at 150 %.

The test runs a child Python process on Qt's offscreen platform with a screen of that size and Qt's own
scaling (``QT_SCALE_FACTOR=1.5``, a desktop's 150 %: 1920×1080 device pixels, 1280×720 logical, fonts
and metrics scaled by Qt), builds every role's window maximised — and again on the screen less a desktop
panel — and asserts that it fits and that every visible widget lies inside it (the same checker as
``test_screen_sizes``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CONFIGS = {
    "1366×768 at 100 %": ((1366, 768), {}),
    "1920×1080 at 150 % (scale factor)": ((1920, 1080), {"QT_SCALE_FACTOR": "1.5"}),
}


def run_child(tmp_path: Path, template: Path, size: tuple[int, int], extra: dict[str, str]) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "Экран", "x": 0, "y": 0, "width": size[0], "height": size[1],
                     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
                ]
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_SCALE", "QT_FONT_DPI", "QT_SCREEN"))}
    env.update(extra)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["PYTHONPATH"] = str(ROOT)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tests.views.desk.fit_child", str(template), str(work)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(CONFIGS))
def test_main_screens_fit_a_real_screen(tmp_path: Path, sqlite_template: Path, name: str) -> None:
    size, extra = CONFIGS[name]
    result = run_child(tmp_path, sqlite_template, size, extra)
    if "QT_SCALE_FACTOR" in extra:  # Qt really scaled: 1920×1080 device pixels are 1280×720 logical
        assert result["device_pixel_ratio"] == 1.5 and result["screen"] == [1280, 720]
    else:
        assert result["screen"] == list(size)
    problems = {}
    for role, screen in result["screens"].items():
        for shown in (screen, screen["maximised"]):
            width, height = shown["target"]
            if shown["window"][0] > width or shown["window"][1] > height or shown["clipped"]:
                problems[role] = screen
    for dialog, shown in result["dialogs"].items():  # route, close and review dialogs on the same screen
        if not shown["fits"] or not shown["on_screen"] or shown["clipped"]:
            problems[dialog] = shown
    assert problems == {}
    assert set(result["dialogs"]) == {"route", "close", "review"}
    assert set(result["screens"]) == {"operator", "roads_executor", "supervisor", "admin"}
