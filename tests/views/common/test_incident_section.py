"""Issue 18: the card's incident section — a refused link is a Russian sentence, the card then shows what is true."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.views.common.incident_section import UNLINK_TEXT
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.context import ViewContext
from tests.support.factories import World


def _boxes(dialog: QWidget) -> list[QMessageBox]:
    """The refusal boxes shown over ``dialog`` (not a box another test left open)."""
    return [w for w in dialog.findChildren(QMessageBox) if w.isVisible()]


def test_a_link_refused_after_another_workstation_acted_explains_and_refreshes(
    qtbot, view_context: ViewContext, world: World
) -> None:
    similar = world.arrive("Огромная яма на улице Мира у дома 5.")
    other_a = world.arrive("Когда откроют новый детский сад?")
    other_b = world.arrive("Почему не вывозят мусор уже неделю?")
    current = world.arrive("На улице Мира снова яма!")
    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_message(current)
    section = panel.incident
    panel.tabs.setCurrentWidget(section)
    dialog = section.ask_link(similar)
    assert dialog is not None
    dialog.comment_edit.setText("одна яма")

    # Meanwhile on other workstations both messages went into two different incidents.
    incidents = world.services.incidents
    incidents.link(world.supervisor, current, other_a)
    incidents.link(world.supervisor, similar, other_b)
    dialog.accept()

    (box,) = _boxes(dialog)
    assert "разные инциденты" in box.text() and "Error" not in box.text()
    box.close()
    assert section.dialog is dialog and dialog.comment_edit.text() == "одна яма"  # nothing typed is lost
    assert dialog.ok_button.isEnabled()
    dialog.reject()
    # The card re-read the truth: this message is in an incident with «other_a».
    assert section.title_label.text() == "Связаны в один инцидент: 2 сообщения"
    assert section.group_view.topLevelItem(0).data(0, 0x0100) == other_a

    # Unlinking it from the card: audited, and the section is empty again.
    unlink = section.ask_unlink(other_a)
    assert unlink is not None
    assert section.buttons(section.group_view)[other_a].text() == UNLINK_TEXT
    unlink.accept()
    assert section.group() is None and not section.title_label.isVisibleTo(panel)
    assert incidents.group_of(world.operator, current) is None


def test_an_executor_sees_the_incident_without_link_buttons(qtbot, services, world: World) -> None:
    from tests.views.conftest import make_context

    mine = world.arrive("Яма на улице Мира у дома 5.")
    other = world.arrive("Яма на улице Мира у дома 7.")
    for message_id in (mine, other):
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    services.incidents.link(world.operator, mine, other, "<b>одна</b> яма")
    panel = MessagePanel(make_context(services, world.roads_executor))
    qtbot.addWidget(panel)
    panel.show_message(mine)
    section = panel.incident
    assert section.title_label.text() == "Связаны в один инцидент: 2 сообщения"
    assert section.group_view.topLevelItemCount() == 1
    assert "<b>одна</b> яма" in section.group_view.topLevelItem(0).text(0)  # shown literally
    assert not section.buttons(section.group_view) and not section.buttons(section.similar_view)
    assert section.ask_link(other) is not None  # even if reached, the service refuses:
    section.dialog.accept()
    (box,) = _boxes(section.dialog)
    assert "сотрудники отдела по обращениям граждан" in box.text()
    box.close()
    section.dialog.reject()
