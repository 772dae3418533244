"""Manual mode: paste a post, import an export, publish by hand and confirm with the link (issue 5.4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import InputError, NotFoundError, PermissionDeniedError
from desktop_app.services.outbox import OutboxError
from desktop_app.services.workflow import ReviewChecks
from tests.support.factories import Clock, World, msk

PASTED = """Автор: Ольга Котова
Ссылка: https://vk.com/wall-123_456
Текст: Когда уберут снег во дворе дома 7 на улице Спутников?"""


def test_pasted_post_becomes_a_new_message_with_its_clocks(world: World, services: AppServices) -> None:
    message_id = services.manual.add_pasted(world.operator, PASTED, "INC-777")
    message = world.message(message_id)
    assert (message.state, message.platform, message.author_name) == (MessageState.NEW, "vk", "Ольга Котова")
    assert message.stage_due_at == msk(2026, 5, 12, 11, 0)  # R5 from the moment it was registered
    with pytest.raises(InputError, match="уже есть"):
        services.manual.add_pasted(world.operator, PASTED, "INC-777")
    with pytest.raises(InputError, match="площадку"):
        services.manual.add_pasted(world.operator, "Просто текст без ссылки и площадки")
    with pytest.raises(PermissionDeniedError):
        services.manual.add_pasted(world.roads_executor, PASTED)


def test_export_file_import_is_all_or_nothing(world: World, services: AppServices, tmp_path: Path) -> None:
    good = tmp_path / "export.csv"
    good.write_text(
        "ID;Площадка;Автор;Ссылка на сообщение;Текст;Дата поступления\n"
        "INC-1;vk;Иван Петров;https://vk.com/wall-1_1;Когда починят фонарь?;12.05.2026 09:15\n"
        "INC-2;ok;Мария;https://ok.ru/group/1/topic/2;Яма у школы;12.05.2026 09:40\n",
        encoding="utf-8",
    )
    result = services.manual.import_file(world.operator, good)
    assert (result.imported, result.duplicates, result.ok) == (2, 0, True)
    again = services.manual.import_file(world.operator, good)
    assert (again.imported, again.duplicates) == (0, 2)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ID;Площадка;Автор;Ссылка на сообщение;Текст;Дата поступления\n"
        "INC-3;vk;Анна;https://vk.com/wall-1_3;Текст;12.05.2026 09:15\n"
        "INC-4;vk;Пётр;https://vk.com/wall-1_4;Текст;вчера\n",
        encoding="utf-8",
    )
    refused = services.manual.import_file(world.operator, bad)
    assert not refused.ok and refused.imported == 0
    assert [e.row for e in refused.errors] == [3]
    assert services.queries.list_queue(world.operator, _all(), services.now(), search="Анна") == []


def _all():
    from desktop_app.services.queries import Queue

    return Queue.ALL


def test_answer_is_published_by_hand_and_confirmed_with_its_link(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = services.manual.add_pasted(world.operator, PASTED)
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), DraftKind.ANSWER, "Здравствуйте, Ольга!"
    )
    with pytest.raises(NotFoundError):
        services.manual.pending_publication(world.operator, message_id)
    services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    pending = services.manual.pending_publication(world.operator, message_id)
    assert (pending.text, pending.post_url, pending.action_name) == (
        "Здравствуйте, Ольга!",
        "https://vk.com/wall-123_456",
        "ответ",
    )
    assert world.message(message_id).state is MessageState.PUBLISHING
    with pytest.raises(OutboxError, match="ссылку"):
        services.manual.confirm(world.operator, pending.outbox_id, "опубликовал")
    clock.advance(minutes=5)
    services.manual.confirm(world.operator, pending.outbox_id, "https://vk.com/wall-123_456?reply=9")
    assert world.message(message_id).state is MessageState.ANSWERED
    detail = services.queries.message_detail(world.operator, message_id)
    assert detail.publications[0][3] == "https://vk.com/wall-123_456?reply=9"
    with pytest.raises(OutboxError, match="уже подтверждена"):
        services.manual.confirm(world.operator, pending.outbox_id, "https://vk.com/x")
