"""Another workstation's change reaches this one's queues row by row (issue 17), on the real pool.

The other workstation has its own engine and services on the same database; its commits arrive
through the change feed (``PRAGMA data_version`` + the change log). The tables must follow without a
model reset (the view would lose its selection and scroll), and the executor's rows show who else
has a message open, as the operator's do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.presence import EDITING, PresenceService
from desktop_app.services.queries import Queue
from desktop_app.settings import Settings
from desktop_app.views.common.message_table import Column
from desktop_app.views.context import ChangeFeedBridge, ViewContext
from desktop_app.views.executor.workspace import ExecutorWorkspace
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import World
from tests.views.conftest import make_context
from tests.views.editor.support import fake_validation

WAIT_MS = 5000


@pytest.fixture
def other(services: AppServices, database_url: str) -> Iterator[AppServices]:
    """The second workstation: its own engine, services and presence identity."""
    db = Database(database_url)
    yield build_services(Settings(), db, now=services.now)
    db.dispose()


def _live(context: ViewContext) -> Iterator[ChangeFeedBridge]:
    bridge = ChangeFeedBridge(context)
    bridge.start()
    assert bridge.ready.wait(5)
    yield bridge
    bridge.stop()
    context.ops.shutdown(5000)


def test_executor_rows_follow_another_workstation_with_presence_and_no_reset(
    qtbot, services: AppServices, world: World, other: AppServices, tmp_path: Path
) -> None:
    first, second = world.arrive(), world.arrive()
    for message_id in (first, second):
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    context = make_context(services, world.roads_executor, inline=False)
    workspace = ExecutorWorkspace(context, validation=fake_validation(services), use_tray=False)
    qtbot.addWidget(workspace)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 2, timeout=WAIT_MS)
    bridge = _live(context)
    next(bridge)
    try:
        resets: list[bool] = []
        workspace.model.modelReset.connect(lambda: resets.append(True))

        # A colleague opens the first message's draft on another workstation.
        theirs = PresenceService(other.db, other.now, workstation="рабочее-место-2")
        theirs.show(world.supervisor, first, EDITING)

        def stage_text() -> str:
            return workspace.model.index(workspace.model.row_of(first), Column.STAGE).data() or ""

        qtbot.waitUntil(lambda: "редактирует: " + world.supervisor.full_name in stage_text(), timeout=WAIT_MS)
        assert not workspace.table.isColumnHidden(Column.STAGE)  # shown where the executor looks

        # The operator there routes one more message to the department: one row inserted.
        third = world.arrive()
        other.workflow.route_message(world.operator, third, world.version(third), world.roads.id)
        qtbot.waitUntil(lambda: workspace.model.row_of(third) >= 0, timeout=WAIT_MS)
        assert workspace.count_label.text() == "3 из 3"
        # …and hands the second to another department: its row leaves.
        other.workflow.reassign(world.supervisor, second, world.version(second), world.housing.id, "ЖКХ")
        qtbot.waitUntil(lambda: workspace.model.row_of(second) < 0, timeout=WAIT_MS)

        theirs.show(world.supervisor, None)  # closed there: the note goes
        qtbot.waitUntil(lambda: "редактирует" not in stage_text(), timeout=WAIT_MS)
        assert not resets, "the executor's table was reset instead of updated row by row"
    finally:
        next(bridge, None)


def test_operator_counts_follow_another_workstation_without_a_reset(
    qtbot, services: AppServices, world: World, other: AppServices
) -> None:
    ids = [world.arrive() for _ in range(3)]
    context = make_context(services, world.operator, inline=False)
    workspace = OperatorWorkspace(context, use_tray=False, validate=lambda *a: None)  # type: ignore[arg-type]
    qtbot.addWidget(workspace)
    qtbot.waitUntil(lambda: workspace.queue_model.counts().get(Queue.NEW) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 3, timeout=WAIT_MS)
    bridge = _live(context)
    next(bridge)
    try:
        resets: list[bool] = []
        workspace.model.modelReset.connect(lambda: resets.append(True))
        workspace.queue_model.modelReset.connect(lambda: resets.append(True))
        other.workflow.route_message(world.operator, ids[0], world.version(ids[0]), world.roads.id)

        def counted() -> bool:
            counts = workspace.queue_model.counts()
            return counts.get(Queue.NEW) == 2 and counts.get(Queue.WITH_EXECUTORS) == 1

        qtbot.waitUntil(counted, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: workspace.model.row_of(ids[0]) < 0, timeout=WAIT_MS)  # left «Новые»
        assert workspace.queue_model.counts() == services.queries.queue_counts(world.operator, services.now())
        assert not resets
    finally:
        next(bridge, None)
