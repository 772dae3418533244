"""The operation layer on the real thread pool (issue 17): owners, stale results, failures, exit."""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from desktop_app.domain.lifecycle import MessageState
from desktop_app.errors import OtklikError
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from desktop_app.views.operations import Operations
from desktop_app.views.operator.workspace import OperatorWorkspace
from tests.support.factories import World
from tests.views.conftest import make_context


class Gate:
    """Holds a service call on its worker thread until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self._open = threading.Event()

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            assert self._open.wait(10), "the test never opened the gate"
            return fn(*args, **kwargs)

        return held

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def ops(qapp: object, services: AppServices) -> Iterator[Operations]:
    operations = Operations(services.changes)  # the real pool
    yield operations
    operations.shutdown(10_000)


@pytest.fixture
def pooled(services: AppServices, world: World, ops: Operations) -> ViewContext:
    context = make_context(services, world.operator)
    context.ops = ops
    return context


def _workspace(qtbot, context: ViewContext) -> OperatorWorkspace:  # type: ignore[no-untyped-def]
    workspace = OperatorWorkspace(context, validate=lambda *a: None, use_tray=False)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(workspace)
    workspace.show()
    return workspace


def test_a_dialog_closed_while_its_action_runs_still_succeeds_and_refreshes(
    qtbot, monkeypatch, pooled: ViewContext, world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    workspace = _workspace(qtbot, pooled)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=5000)
    workspace.select_message(message_id)
    gate = Gate()
    monkeypatch.setattr(services.workflow, "close_not_needed", gate.wrap(services.workflow.close_not_needed))
    dialog = workspace.open_close_dialog()
    assert dialog is not None
    dialog.reason_edit.setPlainText("Дубль сообщения")
    dialog.accept()  # the write starts and waits at the gate
    assert gate.entered.wait(5)
    dialog.close()  # the user closes the dialog meanwhile: WA_DeleteOnClose deletes it
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)
    with qtbot.waitSignal(workspace.action_done, timeout=5000) as done:
        gate.open()
    assert done.args == ["close"]  # no RuntimeError on the deleted dialog; the success still counts
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 0, timeout=5000)  # «Новые» refreshed
    assert world.message(message_id).state is MessageState.CLOSED


def test_a_refusal_after_its_dialog_was_closed_is_still_shown(
    qtbot, monkeypatch, pooled: ViewContext, world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    workspace = _workspace(qtbot, pooled)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=5000)
    workspace.select_message(message_id)
    gate = Gate()
    monkeypatch.setattr(services.workflow, "close_not_needed", gate.wrap(services.workflow.close_not_needed))
    dialog = workspace.open_close_dialog()
    assert dialog is not None
    dialog.reason_edit.setPlainText("Дубль сообщения")
    dialog.accept()
    assert gate.entered.wait(5)
    # Another workstation routes it first; our close will be refused as a conflict.
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    dialog.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)
    with qtbot.waitSignal(workspace.action_failed, timeout=5000) as failed:
        gate.open()
    assert "изменил другой сотрудник" in failed.args[0]
    assert "изменил другой сотрудник" in workspace.last_error.text()  # shown on the workspace instead


def test_a_newer_query_for_the_same_slot_wins_over_an_older_slower_one(qtbot, ops: Operations) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    gate = Gate()
    shown: list[str] = []
    ops.query(owner, gate.wrap(lambda: "старый"), shown.append, slot="queue")
    assert gate.entered.wait(5)
    ops.query(owner, lambda: "новый", shown.append, slot="queue")
    qtbot.waitUntil(lambda: shown == ["новый"], timeout=5000)
    gate.open()
    assert ops.wait(5000)
    assert shown == ["новый"]  # the older result arrived later and was dropped


def test_an_older_reload_of_the_same_queue_does_not_overwrite_a_newer_one(
    qtbot, monkeypatch, pooled: ViewContext, world: World, services: AppServices
) -> None:
    first = world.arrive()
    workspace = _workspace(qtbot, pooled)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=5000)
    gate = Gate()
    original = services.queries.queue_page  # the reload's first read (the first screen)
    monkeypatch.setattr(services.queries, "queue_page", gate.wrap(original))
    workspace.reload()  # reads the queue as it is now (one message) and waits at the gate
    assert gate.entered.wait(5)
    monkeypatch.setattr(services.queries, "queue_page", original)
    second = world.arrive()
    workspace.reload()  # a newer reload: two messages
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 2, timeout=5000)
    gate.open()
    assert pooled.ops.wait(5000)
    assert {r.id for r in workspace.model.rows()} == {first, second}


def test_a_result_for_a_deleted_owner_is_dropped(qtbot, ops: Operations) -> None:
    owner = QWidget()
    gate = Gate()
    shown: list[object] = []
    ops.query(owner, gate.wrap(lambda: 1), shown.append)
    assert gate.entered.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=5000)
    gate.open()
    assert ops.wait(5000)
    assert shown == []


def test_an_unhandled_failure_reaches_the_central_facility_in_russian(
    qtbot, ops: Operations, caplog: pytest.LogCaptureFixture
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)

    def broken() -> None:
        raise KeyError("internal detail")

    with caplog.at_level(logging.ERROR), qtbot.waitSignal(ops.failure, timeout=5000) as told:
        ops.query(owner, broken, lambda _r: None)
    text = told.args[0]
    assert "внутренней ошибки" in text and "KeyError" not in text and "internal detail" not in text
    assert "KeyError" in caplog.text  # the detail is in the log
    with qtbot.waitSignal(ops.failure, timeout=5000) as refused:
        ops.write(owner, lambda: (_ for _ in ()).throw(OtklikError("Сообщение уже закрыто.")))
    assert refused.args == ["Сообщение уже закрыто."]


def test_writes_run_one_at_a_time_and_show_the_busy_state(qtbot, ops: Operations) -> None:
    spans: list[tuple[float, float]] = []
    busy: list[bool] = []
    ops.busy_changed.connect(busy.append)

    def write() -> None:
        started = time.monotonic()
        time.sleep(0.15)
        spans.append((started, time.monotonic()))

    for _ in range(3):
        ops.write(None, write)
    assert ops.busy
    assert ops.wait(5000)
    spans.sort()
    assert len(spans) == 3
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # never overlapping
    assert busy == [True, False]


def test_no_operation_starts_once_the_app_is_closing(qtbot, ops: Operations) -> None:
    ops.shutdown()
    ran: list[int] = []
    ops.write(None, lambda: ran.append(1))
    assert ops.wait(1000) and ran == []
    assert Queue.ALL  # (keeps the import honest for the reader: queues are what the views load)


def test_the_card_and_the_row_show_who_else_has_the_message_open(
    qtbot, view_context: ViewContext, world: World, services: AppServices, clock
) -> None:
    from desktop_app.services.changes import Changes
    from desktop_app.services.presence import PresenceService
    from desktop_app.views.common.message_table import Column

    message_id = world.arrive()
    elsewhere = PresenceService(services.db, clock, workstation="другое-рабочее-место")
    elsewhere.show(world.supervisor, message_id)
    workspace = _workspace(qtbot, view_context)  # inline operation layer: results in order
    workspace.select_message(message_id)
    assert workspace.panel.presence_label.text() == f"открыто у: {world.supervisor.full_name}"
    assert workspace.panel.presence_label.isVisible()
    row = workspace.model.row_of(message_id)
    assert f"открыто у: {world.supervisor.full_name}" in workspace.model.index(row, Column.STATE).data()
    with services.changes.collect() as box:
        elsewhere.show(world.supervisor, None)  # the other workstation closed the card
    view_context.ops.publish(box.changes)  # what the change feed delivers
    assert isinstance(box.changes, Changes) and message_id in box.changes.presence
    assert workspace.panel.presence_label.isHidden()
    assert "открыто у" not in workspace.model.index(row, Column.STATE).data()


def test_a_delivered_operation_keeps_nothing_of_the_view(qtbot, ops: Operations) -> None:
    """Once delivered, an operation holds neither its callbacks nor what they close over (widgets):
    whoever drops the last reference to it — the pool thread deleting its runnable — frees nothing
    of the view there; the view's objects go on the UI thread, at delivery."""

    class Widgetish:
        pass

    view_object = Widgetish()
    freed_on: list[str] = []
    ref = weakref.ref(view_object, lambda _ref: freed_on.append(threading.current_thread().name))
    shown: list[object] = []
    ops.query(None, lambda: 1, lambda result, kept=view_object: shown.append(result))
    (ticket,) = ops._running  # a reference that outlives the delivery, as the runnable's may
    del view_object
    assert ops.wait(5000)
    assert shown == [1]
    assert ref() is None, "the delivered operation still holds its callback's widget"
    assert freed_on == [threading.main_thread().name]
    assert ticket.done is None and ticket.failed is None and ticket.owner is None
