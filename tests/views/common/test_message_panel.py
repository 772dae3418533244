from __future__ import annotations

import hashlib

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from desktop_app.models.entities import Attachment, AttachmentBlob, Message
from desktop_app.views.common.message_panel import MessagePanel
from desktop_app.views.context import ViewContext
from tests.support.factories import World

HOSTILE = '<b>жирный</b> <img src="file:///etc/passwd"> <a href="javascript:alert(1)">ссылка</a>'


def _png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _attach(world: World, message_id: int, content: bytes, filename: str, media_type: str) -> None:
    digest = hashlib.sha256(content).hexdigest()
    with world.services.db.session() as session, session.begin():
        if session.get(AttachmentBlob, digest) is None:
            session.add(AttachmentBlob(sha256=digest, content=content, size=len(content)))
            session.flush()
        session.add(
            Attachment(
                sha256=digest,
                filename=filename,
                media_type=media_type,
                size=len(content),
                message_id=message_id,
            )
        )


def test_hostile_text_is_shown_literally(qtbot, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive(HOSTILE, post_url="https://vk.com/wall-1_2")
    with world.services.db.session() as session, session.begin():
        session.get(Message, message_id).author_name = "<i>Хакер</i>"
    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.detail_loaded):
        panel.show_message(message_id)
    assert panel.text_view.toPlainText() == HOSTILE
    assert panel.author_label.text() == "<i>Хакер</i>"
    labels = panel.findChildren(QLabel)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels if label.text())
    assert panel.link_label.text() == "https://vk.com/wall-1_2"
    assert panel.open_link_button.isEnabled()


def test_unsafe_link_cannot_be_opened(qtbot, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive(post_url="javascript:alert(1)")
    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    panel.show_message(message_id)
    assert panel.link_label.text() == "javascript:alert(1)"
    assert not panel.open_link_button.isEnabled()


def test_attachments_stages_and_history_in_russian(qtbot, view_context: ViewContext, world: World) -> None:
    message_id = world.arrive()
    _attach(world, message_id, _png(), "яма.png", "image/png")
    _attach(world, message_id, b"%PDF-1.4", "<b>акт</b>.pdf", "application/pdf")
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), world.roads.id, "срочно"
    )
    panel = MessagePanel(view_context)
    qtbot.addWidget(panel)
    panel.show_message(message_id)

    assert panel.attachments.count() == 2
    photo, document = panel.attachments.item(0), panel.attachments.item(1)
    assert photo.text() == "яма.png" and not photo.icon().isNull()
    assert document.text() == "<b>акт</b>.pdf"

    stages = [panel.stages_view.topLevelItem(i).text(0) for i in range(panel.stages_view.topLevelItemCount())]
    assert "направление исполнителю" in stages and "подготовка проекта ответа" in stages
    route = panel.stages_view.findItems("направление исполнителю", Qt.MatchFlag.MatchExactly, 0)[0]
    assert route.text(3).startswith("выполнено в срок")

    history = [panel.history_view.topLevelItem(i) for i in range(panel.history_view.topLevelItemCount())]
    assert [h.text(2) for h in history] == ["поступило из «Системы Инцидент»", "направлено исполнителю"]
    assert history[1].text(1) == "Сотрудник operator"
    assert history[1].text(3) == "комментарий: срочно"
    assert history[1].text(0) == "вт 12.05 10:00"
