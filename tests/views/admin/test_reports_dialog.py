"""The supervisor's timeliness report dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtTest import QAbstractItemModelTester

from desktop_app.models.database import Database
from desktop_app.services.bootstrap import build_services
from desktop_app.settings import Settings
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from desktop_app.views.reports import ReportsDialog
from tests.support.factories import Clock, World, msk


def test_report_shows_late_routing_for_the_operator(qtbot, tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    clock = Clock(msk(2026, 5, 12, 10, 0))
    services = build_services(Settings(), db, now=clock)
    world = World(services)
    message_id = world.arrive()
    clock.advance(hours=3)
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    runner = Operations(services.changes, inline=True)
    dialog = ReportsDialog(ViewContext(services, world.supervisor, runner, AppSignals()))
    qtbot.addWidget(dialog)
    QAbstractItemModelTester(dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    rows = [
        [dialog.model.data(dialog.model.index(r, c)) for c in range(6)]
        for r in range(dialog.model.rowCount())
    ]
    assert [world.operator.full_name, "направление исполнителю", "0", "1", "0", "0%"] in rows
    dialog.since_edit.setDate(QDate(2026, 6, 1))
    dialog.until_edit.setDate(QDate(2026, 6, 30))
    dialog.load()
    assert dialog.model.rowCount() == 0
    db.dispose()
