"""Issue 18, point 11: saved filters per user — a queue and a search under a name."""

from __future__ import annotations

from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from tests.support.factories import World
from tests.views.conftest import make_context


def test_a_saved_filter_comes_back_for_its_user_only(
    make_workspace, view_context: ViewContext, world: World
) -> None:
    pothole = world.arrive("Яма на улице Мира.")
    world.arrive("Нет отопления в подъезде.")
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.NEW)
    workspace.search_edit.setText("яма")
    workspace.save_filter("  Ямы  ")
    assert [f.name for f in workspace.saved_filters] == ["Ямы"]

    workspace.set_queue(Queue.ALL)
    workspace.search_edit.clear()
    workspace._fill_filters_menu()
    titles = [a.text() for a in workspace.filters_menu.actions()]
    assert titles[0] == "Ямы" and "Сохранить текущий…" in titles
    workspace.filters_menu.actions()[0].trigger()
    assert workspace.queue is Queue.NEW
    assert workspace.search_edit.text() == "яма"
    assert [r.id for r in workspace.model.rows()] == [pothole]

    again = make_workspace(make_context(world.services, world.operator))  # another day, same person
    assert [f.name for f in again.saved_filters] == ["Ямы"]
    chief = make_workspace(make_context(world.services, world.supervisor))
    assert chief.saved_filters == []

    workspace.save_filter("   ")
    assert workspace.last_error.text() == "Назовите фильтр."
    workspace.last_error.close()
    workspace.delete_filter("Ямы")
    assert workspace.saved_filters == []
