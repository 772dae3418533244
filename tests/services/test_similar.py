"""«Похожие сообщения» (issue 18) for one person: only from a message they may see (R10)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from desktop_app.models.entities import User
from desktop_app.services.errors import NotFoundError, PermissionDeniedError
from tests.support.factories import World


def test_similar_messages_of_another_departments_message_are_refused(world: World) -> None:
    workflow, similar = world.services.workflow, world.services.similar
    housing_message = world.arrive("Во дворе дома 3 по улице Мира яма и нет освещения.")
    workflow.route_message(world.operator, housing_message, world.version(housing_message), world.housing.id)
    roads_message = world.arrive("На улице Мира яма у дома 5, когда заделают?")
    workflow.route_message(world.operator, roads_message, world.version(roads_message), world.roads.id)

    # The roads executor may see similar messages of their own message ...
    assert [m.id for m in similar.find(world.roads_executor, roads_message)] == []
    # ... but asking from the housing message (whose text chooses the list) is refused like a missing one.
    with pytest.raises(NotFoundError):
        similar.find(world.roads_executor, housing_message)
    # The operator sees both, each similar to the other (same street).
    assert [m.id for m in similar.find(world.operator, housing_message)] == [roads_message]


def test_a_switched_off_account_gets_no_similar_messages(world: World) -> None:
    message = world.arrive("На улице Мира яма у дома 5, когда заделают?")
    world.arrive("Яма на улице Мира у дома 7.")
    with world.services.db.session() as session, session.begin():
        session.execute(sa.update(User).where(User.id == world.operator.user_id).values(is_active=False))
    with pytest.raises(PermissionDeniedError):
        world.services.similar.find(world.operator, message)
