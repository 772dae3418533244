"""The executor's list is read as the operator's queue is (issue 17), on the real thread pool:
the first screen first, the rest in chunks appended after it, and a re-read («Обновить») applies
only the rows that differ — the table is never reset, so the selection stays where the user put it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.services.bootstrap import AppServices
from desktop_app.views.executor import workspace as executor_module
from desktop_app.views.executor.workspace import ExecutorWorkspace
from tests.support.factories import World
from tests.views.conftest import make_context
from tests.views.editor.support import fake_validation

WAIT_MS = 5000


def _routed(services: AppServices, world: World, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        message_id = world.arrive()
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
        ids.append(message_id)
    return ids


@pytest.fixture
def make_workspace(qtbot, services: AppServices, world: World) -> Iterator:  # type: ignore[no-untyped-def]
    contexts = []

    def make() -> ExecutorWorkspace:
        context = make_context(services, world.roads_executor, inline=False)
        contexts.append(context)
        workspace = ExecutorWorkspace(context, validation=fake_validation(services), use_tray=False)
        qtbot.addWidget(workspace)
        return workspace

    yield make
    for context in contexts:
        context.ops.shutdown(5000)


def test_a_long_list_shows_its_first_screen_then_the_rest_in_chunks(
    qtbot, services: AppServices, world: World, make_workspace, monkeypatch
) -> None:
    ids = _routed(services, world, 8)
    monkeypatch.setattr(executor_module, "FIRST_SCREEN", 3)
    monkeypatch.setattr(executor_module, "CHUNK", 2)
    events: list[tuple[str, int]] = []
    workspace = make_workspace()
    workspace.first_screen_shown.connect(
        lambda n: events.append(("first screen", workspace.model.rowCount()))
    )
    workspace.model.modelReset.connect(lambda: events.append(("reset", workspace.model.rowCount())))
    workspace.model.rowsInserted.connect(lambda _p, a, b: events.append(("inserted", b - a + 1)))
    with qtbot.waitSignal(workspace.queue_loaded, timeout=WAIT_MS) as loaded:
        pass
    assert loaded.args == [8]
    # The first three rows are shown before the others are read; the others arrive in chunks of two
    # (the last one of one row), each appended after the rows shown — never a reset of a filled table.
    assert events == [("reset", 3), ("first screen", 3), ("inserted", 2), ("inserted", 2), ("inserted", 1)]
    assert sorted(row.id for row in workspace.model.rows()) == sorted(ids)
    dues = [(row.stage_due, row.arrived_at) for row in workspace.model.rows()]
    assert dues == sorted(dues)  # due first, as one read would have shown them


def test_a_reread_applies_only_what_changed_and_keeps_the_selection(
    qtbot, services: AppServices, world: World, make_workspace
) -> None:
    ids = _routed(services, world, 4)
    workspace = make_workspace()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 4, timeout=WAIT_MS)
    with qtbot.waitSignal(workspace.message_shown, timeout=WAIT_MS):
        workspace.select_message(ids[2])
    resets: list[bool] = []
    workspace.model.modelReset.connect(lambda: resets.append(True))

    # Changed behind the feed's back (as after a lost connection): one message handed to another
    # department, one more routed here. «Обновить» reads the list again.
    services.workflow.reassign(world.supervisor, ids[0], world.version(ids[0]), world.housing.id, "ЖКХ")
    (arrived,) = _routed(services, world, 1)
    workspace.context.signals.data_changed.emit()
    model = workspace.model
    qtbot.waitUntil(lambda: model.row_of(ids[0]) < 0 and model.row_of(arrived) >= 0, timeout=WAIT_MS)
    assert model.rowCount() == 4
    assert not resets, "the executor's table was reset instead of updated row by row"
    current = workspace.table.selectionModel().currentIndex()
    assert workspace.model.row_at(current.row()).id == ids[2]  # the same message stays selected
    assert workspace.editor.message_id == ids[2]


def test_the_search_filters_a_departments_list_off_the_ui_thread(
    qtbot, services: AppServices, world: World, make_workspace, monkeypatch
) -> None:
    # A department's list can hold thousands of messages: typing in the search must not filter and
    # sort them on the UI thread (the operator's queue already filtered on a worker; issue 17).
    import threading

    from desktop_app.views.common import message_table

    ids = _routed(services, world, 3)
    lamp = world.arrive("Фонарь у школы не горит уже неделю. Когда заменят лампу?")
    services.workflow.route_message(world.operator, lamp, world.version(lamp), world.roads.id)
    threads: list[bool] = []
    matching = message_table._matching

    def recorded(*args):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return matching(*args)

    monkeypatch.setattr(message_table, "_matching", recorded)
    workspace = make_workspace()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 4, timeout=WAIT_MS)
    threads.clear()  # the load's own ordering of the rows is not the search
    with qtbot.waitSignal(workspace.model.filter_applied, timeout=WAIT_MS) as applied:
        workspace.search_edit.setText("фонарь")
    assert applied.args == [1, 4]
    assert [row.id for row in workspace.model.rows()] == [lamp]
    assert workspace.count_label.text() == "1 из 4"
    assert threads and not any(threads), "the filter ran on the UI thread"
    with qtbot.waitSignal(workspace.model.filter_applied, timeout=WAIT_MS):
        workspace.search_edit.clear()
    assert sorted(row.id for row in workspace.model.rows()) == sorted([*ids, lamp])
