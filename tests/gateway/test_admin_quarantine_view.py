"""«Не принятые сообщения» driven through its widgets (qtbot, offscreen, the real thread pool)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtTest import QAbstractItemModelTester

from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.models.database import Database
from desktop_app.models.entities import AuditEvent, QuarantineEntry, ThreadEntry
from desktop_app.services.bootstrap import build_services
from desktop_app.services.intake import IntakeService
from desktop_app.settings import Settings
from desktop_app.views.admin import AdminWorkspace
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from tests.gateway.hostile import HostileServer, good_item
from tests.support.factories import Clock, World, msk


@pytest.fixture
def quarantined(qtbot, tmp_path: Path, sqlite_template: Path):
    target = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    services = build_services(Settings(), db, now=Clock(msk(2026, 5, 12, 10, 0)))
    world = World(services)
    feed = [
        good_item(1, id="R-1", parent_id="P-1", text="Уточняю: дом 5."),  # the parent comes by hand later
        good_item(2, id="B-2", author="<b>строка</b>"),
    ]
    with HostileServer(feed) as server:
        gateway = HttpIncidentGateway(server.base_url, retries=0)
        assert IntakeService(db, gateway, services.now, lifecycle=services.lifecycle).sync_once().failed == 2
    ops = Operations(services.changes)  # the real thread pool
    view = AdminWorkspace(ViewContext(services, world.admin, ops, AppSignals()))
    qtbot.addWidget(view)
    yield view.quarantine, world
    ops.wait()
    db.dispose()


def test_administrator_sees_retries_and_dismisses(qtbot, quarantined) -> None:
    panel, world = quarantined
    QAbstractItemModelTester(panel.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    reasons = [panel.model.index(r, 1).data() for r in range(2)]
    assert "исходное сообщение P-1 ещё не получено" in reasons[0] and "«author»" in reasons[1]
    assert '"Уточняю: дом 5."' in panel.payload.toPlainText()  # the payload, as plain text

    # Retry while the parent is still missing: it stays, with the reason said in Russian.
    panel.retry_selected()
    qtbot.waitUntil(lambda: "по-прежнему не принимается" in panel.status.text())
    # The parent arrives (pasted by an operator); retry stores the reply.
    world.services.manual.add_pasted(
        world.operator, "Площадка: vk\nАвтор: Иван\nТекст: Яма у дома 5.", incident_id="P-1"
    )
    panel.table.selectRow(0)
    panel.retry_selected()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert "R-1 принято" in panel.status.text()
    with world.services.db.session() as session:
        assert session.scalars(sa.select(ThreadEntry.text)).one() == "Уточняю: дом 5."

    # Dismiss needs a reason, and is audited with who and why (R11).
    panel.table.selectRow(0)
    panel.dismiss_selected()
    assert "Укажите" in panel.status.text() and panel.model.rowCount() == 1
    panel.comment.setText("Тестовая запись поставщика")
    panel.dismiss_selected()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    with world.services.db.session() as session:
        entry = session.scalars(sa.select(QuarantineEntry).where(QuarantineEntry.item_id == "B-2")).one()
        assert entry.status == "dismissed" and entry.resolved_by_id == world.admin.user_id
        event = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "quarantine_dismissed")
        ).one()
        assert (
            event.actor_id == world.admin.user_id and event.after["comment"] == "Тестовая запись поставщика"
        )


def test_only_administrators_see_the_list(quarantined) -> None:
    from desktop_app.services.errors import PermissionDeniedError

    _panel, world = quarantined
    with pytest.raises(PermissionDeniedError, match="администратору"):
        world.services.quarantine.open_entries(world.operator)
