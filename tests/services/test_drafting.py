from __future__ import annotations

import pytest

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import InputError, PermissionDeniedError
from tests.support.factories import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_photo_travels_with_the_submitted_draft_and_is_stored_once(
    world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    first = services.drafting.add_attachment(world.roads_executor, message_id, "яма.png", PNG)
    second = services.drafting.add_attachment(world.roads_executor, message_id, "яма-2.png", PNG)
    assert first.sha256 == second.sha256 and first.media_type == "image/png"
    services.drafting.remove_attachment(world.roads_executor, message_id, second.id)
    assert [a.filename for a in services.drafting.attachments(world.roads_executor, message_id)] == [
        "яма.png"
    ]
    services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        "Здравствуйте, Иван!",
        attachment_ids=[first.id],
    )
    from tests.services.test_workflow import ALL_CHECKS

    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    from desktop_app.models.entities import OutboxItem

    with services.db.session() as session:
        item = session.query(OutboxItem).one()
    assert item.payload["attachments"] == [
        {"attachment_id": first.id, "filename": "яма.png", "media_type": "image/png", "sha256": first.sha256}
    ]


def test_only_photos_and_videos_can_be_attached(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    with pytest.raises(InputError, match="только"):
        services.drafting.add_attachment(world.roads_executor, message_id, "приказ.docx", b"x")
    with pytest.raises(PermissionDeniedError):
        services.drafting.add_attachment(world.housing_executor, message_id, "a.png", PNG)


def test_dictionary_words_need_an_administrators_approval(world: World, services: AppServices) -> None:
    assert services.drafting.propose_word(world.roads_executor, "Черокманова")
    assert "Черокманова" not in services.drafting.dictionary_words()
    [(word_id, proposed)] = services.drafting.pending_words()
    assert proposed == "Черокманова"
    with pytest.raises(PermissionDeniedError):
        services.drafting.approve_word(world.operator, word_id)
    services.drafting.approve_word(world.admin, word_id)
    assert services.drafting.dictionary_words() == {"Черокманова"}
    assert not services.drafting.propose_word(world.admin, "Черокманова")
