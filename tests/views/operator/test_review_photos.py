"""Issue 18, point 3: the reviewer sees the attached photos, not only their names."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.services.queries import Queue
from desktop_app.views.context import ViewContext
from tests.support.factories import World

ANSWER = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Спасибо за обращение."


def _png(width: int = 640, height: int = 480) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d32"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_the_review_dialog_shows_the_photos_and_opens_one_large(
    qtbot, make_workspace, view_context: ViewContext, world: World
) -> None:
    message_id = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    drafting = world.services.drafting
    photo = drafting.add_attachment(world.roads_executor, message_id, "после ремонта.png", _png())
    world.services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        ANSWER,
        attachment_ids=[photo.id],
    )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    assert workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.photos.isVisible()
    assert dialog.photos.count() == 1
    item = dialog.photos.item(0)
    assert item.text() == "после ремонта.png"
    icon = item.icon().pixmap(dialog.photos.iconSize()).toImage()
    assert not icon.isNull()
    centre = icon.pixelColor(icon.width() // 2, icon.height() // 2)
    assert centre.name() == "#2e7d32"  # the photo itself, not a file icon

    rect = dialog.photos.visualItemRect(item)
    qtbot.mouseClick(dialog.photos.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.photos.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewer = dialog.photo_viewer
    assert viewer is not None and viewer.isVisible()
    assert "после ремонта.png" in viewer.windowTitle()
    viewer.close()
    dialog.reject()


def test_no_photo_strip_without_attachments(make_workspace, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive("Когда отремонтируют дорогу на улице Мира?")
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id
    )
    world.services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER
    )
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    workspace.select_message(message_id)
    dialog = workspace.open_review_dialog()
    assert not dialog.photos.isVisibleTo(dialog)
    dialog.reject()
