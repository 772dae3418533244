"""Issue 18: «Похожие сообщения» on the card — same street or topic in recent weeks, with the answer."""

from __future__ import annotations

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.services.workflow import ReviewChecks
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.context import ViewContext
from tests.support.factories import World

ANSWER = "Здравствуйте, Иван! Яму на улице Мира заделают до 1 июня. Спасибо за обращение."


def test_the_card_lists_similar_messages_with_their_answers(
    qtbot, view_context: ViewContext, world: World, clock
) -> None:
    earlier = world.arrive("Огромная яма на улице Мира у дома 5, когда заделают?")
    workflow = world.services.workflow
    workflow.route_message(world.operator, earlier, world.version(earlier), world.roads.id)
    workflow.submit_draft(world.roads_executor, earlier, world.version(earlier), DraftKind.ANSWER, ANSWER)
    workflow.approve_and_publish(
        world.operator, earlier, world.version(earlier), ReviewChecks(True, True, True)
    )
    heating = world.arrive("В подъезде холодно: отопление не работает, батареи холодные.")
    clock.advance(days=3)
    world.arrive("Нет отопления во втором подъезде, батареи холодные уже неделю.")
    unrelated = world.arrive("Когда откроют новый детский сад?")
    clock.advance(days=1)
    current = world.arrive("На улице Мира снова яма, машины бьют колёса!")

    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    panel.show_message(current)
    tree = panel.similar_view
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    assert item.data(0, 0x0100) == earlier
    assert item.text(2) == "та же улица"
    assert "Ответ: Здравствуйте, Иван! Яму на улице Мира заделают до 1 июня." in item.text(3)
    assert panel.tabs.tabText(3) == "Похожие (1)"

    panel.show_message(heating)
    texts = [tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())]
    assert len(texts) == 1 and texts[0].startswith("общие слова:")
    assert "отопление" in texts[0] or "батареи" in texts[0]

    panel.show_message(unrelated)
    assert tree.topLevelItemCount() == 0
    assert panel.tabs.tabText(3) == "Похожие"


def test_the_message_and_its_answer_keep_room_in_a_narrow_card(
    qtbot, view_context: ViewContext, world: World, clock
) -> None:
    """Issue 18's leftover: sized to their contents, the first three columns pushed the text out."""
    world.arrive("Аркадий Константинович жалуется: отопление не работает, батареи холодные, подъезд ледяной.")
    clock.advance(days=1)
    current = world.arrive("Отопление не работает, батареи холодные, в подъезде ледяной холод.")
    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    panel.resize(420, 640)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_message(current)
    tree = panel.similar_view
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1)
    panel.tabs.setCurrentIndex(3)
    header = tree.header()
    width = tree.viewport().width()
    assert sum(header.sectionSize(c) for c in range(4)) <= width + 1  # nothing scrolled off
    assert header.sectionSize(3) >= 0.35 * width, [header.sectionSize(c) for c in range(4)]
