"""Issue 18: similar messages linked as one incident — the operator's choice, audited, on both databases."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from desktop_app.domain.lifecycle import DraftKind, MessageState, Role
from desktop_app.models.entities import AuditEvent, ChangeLogEntry, IncidentGroup, IncidentLink, User
from desktop_app.services import audit
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from desktop_app.services.incidents import answer_as_start
from desktop_app.services.workflow import ReviewChecks
from tests.support.factories import World

ANSWER = "Здравствуйте, Иван! Яму на улице Мира заделают до 1 июня. Спасибо за обращение."


def _answered(services: AppServices, world: World, text: str, department_id: int) -> int:
    """A message routed, answered by its department and published (awaiting confirmation)."""
    message_id = world.arrive(text)
    workflow = services.workflow
    executor = world.roads_executor if department_id == world.roads.id else world.housing_executor
    workflow.route_message(world.operator, message_id, world.version(message_id), department_id)
    workflow.submit_draft(executor, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER)
    workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), ReviewChecks(True, True, True)
    )
    return message_id


def _events(services: AppServices, action: str) -> list[AuditEvent]:
    with services.db.session() as session:
        return list(
            session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def test_the_operator_links_two_messages_and_both_cards_show_the_group(
    services: AppServices, world: World
) -> None:
    earlier = _answered(services, world, "Огромная яма на улице Мира у дома 5.", world.roads.id)
    current = world.arrive("На улице Мира снова яма!")
    incidents = services.incidents
    assert incidents.group_of(world.operator, current) is None

    with services.changes.collect() as box:
        result = incidents.link(world.operator, current, earlier, "  одна и та же яма  ")
    assert result.message_ids == tuple(sorted((current, earlier)))
    assert {current, earlier} <= box.changes.messages  # other workstations refresh both cards

    group = incidents.group_of(world.operator, current)
    assert group is not None and group.size == 2
    assert group.title == "Связаны в один инцидент: 2 сообщения"
    (linked,) = group.messages
    assert linked.id == earlier
    assert linked.state is MessageState.PUBLISHING
    assert linked.answer == ANSWER and not linked.answer_confirmed
    assert linked.department_name == world.roads.name
    assert linked.comment == "одна и та же яма" and linked.linked_by == "Сотрудник operator"
    back = incidents.group_of(world.supervisor, earlier)
    assert back is not None and [m.id for m in back.messages] == [current]
    assert back.messages[0].answer == ""

    events = _events(services, "link_incident")
    assert {e.message_id for e in events} == {current, earlier}
    for e in events:  # who, which messages, the comment
        assert e.actor_login == "operator"
        assert e.after["messages"] == sorted([current, earlier])
        assert e.after["comment"] == "одна и та же яма"
    with services.db.session() as session:
        logged = set(session.scalars(sa.select(ChangeLogEntry.message_id)))
    assert {current, earlier} <= logged

    third = world.arrive("Яма на улице Мира, дом 7.")
    incidents.link(world.supervisor, third, current)  # joins the existing group
    group = incidents.group_of(world.operator, third)
    assert group is not None and group.title == "Связаны в один инцидент: 3 сообщения"
    assert audit.verify_chain(services.db).intact


def test_the_actor_is_re_read_on_every_link(services: AppServices, world: World) -> None:
    a, b = (world.arrive(f"Яма на улице Мира, дом {n}.") for n in range(2))
    with services.db.session() as session, session.begin():
        session.get(User, world.operator.user_id).is_active = False  # switched off after login
    with pytest.raises(PermissionDeniedError, match="отключена"):
        services.incidents.link(world.operator, a, b)
    with services.db.session() as session, session.begin():
        user = session.get(User, world.operator.user_id)
        user.is_active, user.role, user.department_id = True, Role.EXECUTOR, world.housing.id
    with pytest.raises(NotFoundError):  # now an executor of housing: the new messages are not theirs
        services.incidents.link(world.operator, a, b)
    assert services.incidents.group_of(world.supervisor, a) is None


def test_refusals_are_russian_sentences(services: AppServices, world: World) -> None:
    a, b, c, d = (world.arrive(f"Яма на улице Мира, дом {n}.") for n in range(4))
    incidents = services.incidents
    with pytest.raises(InputError, match="само с собой"):
        incidents.link(world.operator, a, a)
    incidents.link(world.operator, a, b)
    with pytest.raises(InputError, match="уже связаны"):
        incidents.link(world.operator, b, a)
    incidents.link(world.operator, c, d)
    with pytest.raises(InputError, match="разные инциденты"):
        incidents.link(world.operator, a, c)
    with pytest.raises(NotFoundError):
        incidents.link(world.operator, a, 999_999)
    with pytest.raises(PermissionDeniedError, match="Администратор"):
        incidents.group_of(world.admin, a)


def test_two_links_racing_leave_the_message_in_one_group(services: AppServices, world: World) -> None:
    """Both workstations read «not linked», then both write: one wins, the other gets a conflict."""
    shared, left, right = (world.arrive(f"Нет отопления в доме {n} по улице Мира.") for n in range(3))
    barrier = threading.Barrier(2, timeout=10)
    waited: set[int] = set()

    def both_have_read(session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
        if id(session) not in waited and session.new:
            waited.add(id(session))
            barrier.wait()  # each read the message as unlinked before either writes

    event.listen(services.db.session_factory, "before_flush", both_have_read)
    outcomes: list[object] = []

    def link(other: int) -> None:
        try:
            outcomes.append(services.incidents.link(world.operator, shared, other, "гонка"))
        except Exception as exc:  # the outcome is what the test checks
            outcomes.append(exc)

    threads = [threading.Thread(target=link, args=(other,)) for other in (left, right)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(services.db.session_factory, "before_flush", both_have_read)

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(errors) == 1, outcomes
    assert isinstance(errors[0], ConflictError)
    assert "изменил другой сотрудник" in str(errors[0])
    with services.db.session() as session:
        links = session.execute(sa.select(IncidentLink.message_id, IncidentLink.group_id)).all()
        groups = session.scalars(sa.select(IncidentGroup.id)).all()
    assert len(groups) == 1  # the loser's group went with its transaction
    assert sorted(m for m, _g in links) in (sorted([shared, left]), sorted([shared, right]))
    assert len(_events(services, "link_incident")) == 2
    assert audit.verify_chain(services.db).intact


def test_a_stale_group_loses_to_the_change_made_first(services: AppServices, world: World) -> None:
    """One workstation dissolves the group while another adds to it: the adder gets a conflict."""
    a, b, c = (world.arrive(f"Яма на улице Мира, дом {n}.") for n in range(3))
    services.incidents.link(world.operator, a, b)
    fired: list[bool] = []

    def dissolve_first(_session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
        if not fired:  # the adder has read the group; the other workstation now dissolves it
            fired.append(True)
            services.incidents.unlink(world.supervisor, b, "не то")

    event.listen(services.db.session_factory, "before_flush", dissolve_first)
    try:
        with pytest.raises(ConflictError, match="изменил другой сотрудник"):
            services.incidents.link(world.operator, a, c)
    finally:
        event.remove(services.db.session_factory, "before_flush", dissolve_first)
    assert fired
    assert services.incidents.group_of(world.operator, a) is None
    assert services.incidents.group_of(world.operator, c) is None


def test_unlink_is_audited_and_a_group_of_one_is_dissolved(services: AppServices, world: World) -> None:
    a, b, c = (world.arrive(f"Яма на улице Мира, дом {n}.") for n in range(3))
    incidents = services.incidents
    incidents.link(world.operator, a, b)
    incidents.link(world.operator, a, c)
    with services.changes.collect() as box:
        left = incidents.unlink(world.supervisor, c, "другая яма")
    assert left is not None and left.message_ids == tuple(sorted((a, b)))
    assert {a, b, c} <= box.changes.messages
    (event_,) = _events(services, "unlink_incident")
    assert (event_.message_id, event_.actor_login) == (c, "chief")
    assert event_.before["messages"] == sorted([a, b, c])
    assert event_.after == {
        "group_id": None,
        "messages": sorted([a, b]),
        "unlinked": c,
        "comment": "другая яма",
    }
    assert incidents.group_of(world.operator, c) is None
    group = incidents.group_of(world.operator, a)
    assert group is not None and [m.id for m in group.messages] == [b]

    assert incidents.unlink(world.operator, b) is None  # the last pair: nothing left to link
    assert incidents.group_of(world.operator, a) is None
    assert {e.message_id for e in _events(services, "unlink_incident")} == {a, b, c}
    with services.db.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(IncidentGroup)) == 0
    with pytest.raises(ConflictError, match="уже не связано"):
        incidents.unlink(world.operator, b)
    verdict = audit.verify_chain(services.db)
    assert verdict.intact and verdict.checked > 0


def test_an_executor_sees_only_their_departments_linked_messages_and_cannot_link(
    services: AppServices, world: World
) -> None:
    roads = _answered(services, world, "Яма на улице Мира у дома 5.", world.roads.id)
    housing = _answered(services, world, "На улице Мира прорвало трубу, яма с водой.", world.housing.id)
    fresh = world.arrive("Яма на улице Мира, дом 7.")
    services.workflow.route_message(world.operator, fresh, world.version(fresh), world.roads.id)
    incidents = services.incidents
    incidents.link(world.operator, fresh, roads)
    incidents.link(world.operator, fresh, housing)

    seen = incidents.group_of(world.roads_executor, fresh)
    assert seen is not None and [m.id for m in seen.messages] == [roads]  # the housing one stays hidden
    assert seen.answers[0].answer == ANSWER
    with pytest.raises(NotFoundError):  # another department's message does not exist for them
        incidents.group_of(world.housing_executor, fresh)
    with pytest.raises(NotFoundError):
        incidents.link(world.housing_executor, fresh, housing)
    with pytest.raises(NotFoundError):
        incidents.unlink(world.housing_executor, roads)
    with pytest.raises(PermissionDeniedError, match="сотрудники отдела по обращениям"):
        incidents.unlink(world.roads_executor, roads)  # their own department's, but read-only
    assert incidents.group_of(world.operator, fresh).size == 3  # type: ignore[union-attr]


def test_routing_suggests_first_the_department_of_the_linked_messages(
    services: AppServices, world: World
) -> None:
    earlier = _answered(services, world, "Во дворе дома 5 по улице Мира сломана лавочка.", world.housing.id)
    # The text says «дорога» and «яма» (the roads department's keywords), the incident says housing.
    current = world.arrive("Возле лавочки во дворе яма на дороге, улица Мира 5.")
    before = services.routing.advise(current)
    assert before.departments[0].department_id == world.roads.id
    services.incidents.link(world.operator, current, earlier)
    advice = services.routing.advise(current)
    assert advice.departments[0].department_id == world.housing.id
    assert "связанные сообщения этого инцидента: 1" in advice.departments[0].reason
    assert world.message(current).state is MessageState.NEW  # a suggestion: nothing was routed


def test_a_linked_answer_starts_the_draft_with_this_authors_greeting() -> None:
    def greets(text: str) -> bool:
        return text.startswith("Здравствуйте")

    start = answer_as_start(ANSWER, "Здравствуйте, Мария!", greets)
    assert start == "Здравствуйте, Мария!\nЯму на улице Мира заделают до 1 июня. Спасибо за обращение."
    assert answer_as_start("Яму заделают.", "Здравствуйте!", greets) == "Здравствуйте!\nЯму заделают."
