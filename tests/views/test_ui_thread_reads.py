"""The UI thread never waits for the database (issue 17): every read and write runs on a pool thread.

A query on the UI thread freezes the window for as long as the database takes (seconds at 100,000
messages, or behind another workstation's write lock). This drives both workstations through what
a working day does — load, select, filter, tick, switch queues, «Обновить», another workstation's
change arriving — on the real thread pool, and records the thread of every statement sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.queries import Queue
from desktop_app.settings import Settings
from desktop_app.views.context import ChangeFeedBridge
from desktop_app.views.executor.workspace import ExecutorWorkspace
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import World
from tests.views.conftest import make_context
from tests.views.editor.support import fake_validation

WAIT_MS = 5000


@pytest.fixture
def other(services: AppServices, database_url: str) -> Iterator[AppServices]:
    """Another workstation on the same database."""
    db = Database(database_url)
    yield build_services(Settings(), db, now=services.now)
    db.dispose()


def test_neither_workstation_reads_the_database_on_the_ui_thread(
    qtbot, services: AppServices, world: World, other: AppServices
) -> None:
    ids = [world.arrive() for _ in range(4)]
    routed = ids[:2]
    for message_id in routed:
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    version = world.version(ids[2])  # the test's own read, before the recording starts
    on_ui_thread: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            on_ui_thread.append(" ".join(statement.split()[:6]))

    event.listen(services.db.engine, "before_cursor_execute", record)
    operator_context = make_context(services, world.operator, inline=False)
    executor_context = make_context(services, world.roads_executor, inline=False)
    bridges = [ChangeFeedBridge(operator_context), ChangeFeedBridge(executor_context)]
    try:
        operator = OperatorWorkspace(operator_context, use_tray=False, validate=lambda *a: None)  # type: ignore[arg-type]
        executor = ExecutorWorkspace(executor_context, validation=fake_validation(services), use_tray=False)
        for widget in (operator, executor):
            qtbot.addWidget(widget)
            widget.show()
        for bridge in bridges:
            bridge.start()
            assert bridge.ready.wait(WAIT_MS / 1000)
        qtbot.waitUntil(lambda: operator.model.rowCount() == 2, timeout=WAIT_MS)  # «Новые»
        qtbot.waitUntil(lambda: executor.model.rowCount() == 2, timeout=WAIT_MS)

        with qtbot.waitSignal(operator.queue_loaded, timeout=WAIT_MS):
            operator.set_queue(Queue.ALL)
        assert operator.select_message(ids[3])
        with qtbot.waitSignal(executor.message_shown, timeout=WAIT_MS):
            executor.select_message(routed[0])
        with qtbot.waitSignal(operator.model.filter_applied, timeout=WAIT_MS):
            operator.search_edit.setText("улиц")
        operator.search_edit.setText("")
        operator_context.signals.tick.emit()
        executor_context.signals.tick.emit()

        # Another workstation routes a message to the department: both tables follow.
        other.workflow.route_message(world.operator, ids[2], version, world.roads.id)
        qtbot.waitUntil(lambda: executor.model.row_of(ids[2]) >= 0, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: (
                (row := operator.model.row_of(ids[2])) >= 0
                and operator.model.row_at(row).state.value == "routed"
            ),  # type: ignore[union-attr]
            timeout=WAIT_MS,
        )
        # «Обновить» on both.
        with (
            qtbot.waitSignal(operator.queue_loaded, timeout=WAIT_MS),
            qtbot.waitSignal(executor.queue_loaded, timeout=WAIT_MS),
        ):
            operator_context.signals.data_changed.emit()
            executor_context.signals.data_changed.emit()
        for context in (operator_context, executor_context):
            assert context.ops.wait(WAIT_MS)
    finally:
        for bridge in bridges:
            bridge.stop()
        for context in (operator_context, executor_context):
            context.ops.shutdown(WAIT_MS)
        event.remove(services.db.engine, "before_cursor_execute", record)
    assert on_ui_thread == [], "the UI thread waited for the database:\n" + "\n".join(on_ui_thread)
