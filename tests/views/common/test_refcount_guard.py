from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

from desktop_app.views.common.refcount_guard import protect_none


def test_many_void_calls_do_not_exhaust_none(qtbot) -> None:
    # PySide6 6.12.0 on CPython 3.11 drops a reference to None per void call; 20,000 calls would abort.
    assert protect_none() is (sys.version_info < (3, 12))
    label = QLabel()
    qtbot.addWidget(label)
    for _ in range(20_000):
        label.setText("x")
    assert label.text() == "x"
