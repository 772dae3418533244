"""Issue 18, point 6: the search box says what it does, Enter searches the whole database, a word's start is enough."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services.changes import Changes
from desktop_app.services.queries import Queue
from desktop_app.views.common import message_table
from desktop_app.views.context import ViewContext
from desktop_app.views.operator import workspace as workspace_module
from tests.support.factories import World


def test_enter_searches_the_whole_database_by_the_start_of_a_word(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    new = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    routed = world.arrive("Прошу отремонтировать крышу дома 7 на улице Ленина.")
    world.services.workflow.route_message(world.operator, routed, world.version(routed), world.housing.id)
    closed = world.arrive("Спасибо за ремонт моста!")
    world.services.workflow.close_not_needed(world.operator, closed, world.version(closed), "Благодарность")
    other = world.arrive("Во дворе не горят фонари.")
    workspace = make_workspace(view_context)
    assert workspace.queue is Queue.NEW
    placeholder = workspace.search_edit.placeholderText()
    assert "этой очереди" in placeholder and "Enter" in placeholder and "всей базе" in placeholder

    workspace.search_edit.setText("отремонт")  # the start of «отремонтируют», «отремонтировать»
    qtbot.keyClick(workspace.search_edit, Qt.Key.Key_Return)
    ids = {r.id for r in workspace.model.rows()}
    assert ids == {new, routed}  # from «Новые» and «У исполнителей»: the whole database
    assert workspace.queue is Queue.ALL
    assert "по всей базе" in workspace.count_label.text()
    assert world.message(routed).state is MessageState.ROUTED

    workspace.search_edit.setText("мост")
    qtbot.keyClick(workspace.search_edit, Qt.Key.Key_Return)
    assert {r.id for r in workspace.model.rows()} == {closed}  # «моста»: closed ones too

    workspace.search_edit.clear()
    assert other in {r.id for r in workspace.model.rows()}


def test_a_queue_read_in_chunks_is_filtered_without_listing_every_row_again(
    qtbot, make_workspace, view_context: ViewContext, world: World, monkeypatch
) -> None:
    """Issue 17: the first keystroke in a 100,000-row queue listed every row's search text (0.3–0.9 s
    before anything was filtered). The workers that read the first screen and each chunk list theirs;
    the filter only searches them, and finds what a change re-read since then says."""
    pothole = world.arrive("Яма на улице Мира.")
    others = [world.arrive(f"Не вывозят мусор, дом {n}.") for n in range(5)]
    monkeypatch.setattr(workspace_module, "FIRST_SCREEN", 2)
    monkeypatch.setattr(workspace_module, "CHUNK", 2)
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.ALL)
    assert workspace.model.rowCount() == len(others) + 1  # first screen and three chunks
    listed: list[int] = []
    original = message_table._haystack

    def counted(row):  # type: ignore[no-untyped-def]
        listed.append(row.id)
        return original(row)

    monkeypatch.setattr(message_table, "_haystack", counted)
    workspace.search_edit.setText("ЯМА")
    assert [r.id for r in workspace.model.rows()] == [pothole]
    assert listed == [], "the filter listed rows' search text the loading workers had listed"

    # Another workstation's change is re-read and applied: its new text is searched from then on.
    world.services.workflow.route_message(
        world.operator, others[0], world.version(others[0]), world.housing.id
    )
    workspace.apply_changes(Changes(messages=frozenset({others[0]})))
    workspace.search_edit.setText("мусор")
    assert {r.id for r in workspace.model.rows()} == set(others)
    assert workspace.model.row_of(others[0]) >= 0
    assert set(listed) <= {others[0]}  # only the re-read row's text was listed again
    workspace.search_edit.clear()
    assert workspace.model.rowCount() == len(others) + 1
