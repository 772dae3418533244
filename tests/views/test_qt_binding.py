"""The Qt binding must not leak or drop references: PySide6 6.12.0 on Python 3.11 aborts the app.

Every void call there lost one reference to None; after a few thousand the interpreter died with
«none_dealloc». pyproject.toml excludes that release; this test fails on any binding with the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel


class _EmptyModel(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> None:
        return None


def test_void_calls_and_empty_data_keep_the_reference_count_of_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    model = _EmptyModel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        model.index(0, 0).data()
    assert abs(sys.getrefcount(None) - before) < 50
