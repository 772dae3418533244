"""Every path of the lifecycle through the services, on SQLite and PostgreSQL (issue 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from desktop_app.domain.lifecycle import DraftKind, MessageState, OutboundAction, OutboxStatus
from desktop_app.domain.worktime.duration import WorkDuration
from desktop_app.models.entities import OutboxItem, Publication, Review, StageDeadline
from desktop_app.services import audit
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from desktop_app.services.workflow import ReviewChecks
from tests.support.factories import Clock, World, msk

ALL_CHECKS = ReviewChecks(greeting=True, spelling=True, questions=True)
ANSWER = "Здравствуйте, Иван! Ремонт дороги на улице Мира запланирован на июнь."


def confirm_outbox(
    services: AppServices, message_id: int, url: str = "https://vk.com/wall-1_2"
) -> OutboxItem:
    """What the outbox worker does once the Incident system confirms (tested with the gateway)."""
    with services.db.session() as session, session.begin():
        item = session.scalars(
            sa.select(OutboxItem).where(
                OutboxItem.message_id == message_id, OutboxItem.status == OutboxStatus.PENDING
            )
        ).one()
        item.status = OutboxStatus.CONFIRMED
        item.external_id = f"PUB-{item.id}"
        item.external_url = url
        item.confirmed_at = services.now()
        services.lifecycle.outbound_confirmed(session, item, services.now())
        return item


def stages(services: AppServices, message_id: int) -> list[StageDeadline]:
    with services.db.session() as session:
        return list(
            session.scalars(
                sa.select(StageDeadline)
                .where(StageDeadline.message_id == message_id)
                .order_by(StageDeadline.id)
            )
        )


def route(world: World, message_id: int, department_id: int | None = None) -> None:
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), department_id or world.roads.id
    )


def submit(world: World, message_id: int, kind: DraftKind = DraftKind.ANSWER, text: str = ANSWER) -> int:
    return world.services.workflow.submit_draft(
        world.roads_executor, message_id, world.version(message_id), kind, text
    )


def test_arrival_starts_route_and_overall_clocks(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    message = world.message(message_id)
    assert message.state is MessageState.NEW
    # R5: route within 1 working hour; R3: answer within 8 working hours (10:00 + 8h with lunch → next day 10:00).
    assert message.stage_due_at == msk(2026, 5, 12, 11, 0)
    assert message.overall_due_at == msk(2026, 5, 13, 10, 0)
    assert message.current_stage == "route"


def test_answer_path_end_to_end(world: World, services: AppServices, clock: Clock) -> None:
    message_id = world.arrive()
    clock.advance(minutes=20)
    route(world, message_id)
    message = world.message(message_id)
    assert message.state is MessageState.ROUTED
    # R6: the draft is due 6 working hours after routing: 10:20 + 6h over lunch = 17:20.
    assert message.stage_due_at == msk(2026, 5, 12, 17, 20)

    clock.advance(hours=2)
    submit(world, message_id)
    assert world.message(message_id).state is MessageState.UNDER_REVIEW
    assert world.message(message_id).stage_due_at == msk(2026, 5, 12, 12, 50)  # R7: 30 working minutes

    clock.advance(minutes=10)
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    assert world.message(message_id).state is MessageState.PUBLISHING  # until the gateway confirms (R2)

    clock.advance(minutes=1)
    confirm_outbox(services, message_id)
    message = world.message(message_id)
    assert message.state is MessageState.ANSWERED
    assert message.overall_closed_at == msk(2026, 5, 12, 12, 31)  # R3 ends at the confirmation
    assert [(s.stage, s.met) for s in stages(services, message_id)] == [
        ("route", True),
        ("overall", True),
        ("draft", True),
        ("review", True),
    ]
    assert audit.verify_chain(services.db).intact


def test_rework_loop_is_recorded_round_by_round(world: World, services: AppServices, clock: Clock) -> None:
    message_id = world.arrive()
    route(world, message_id)
    for round_number in (1, 2):
        submit(world, message_id, text=f"Здравствуйте, Иван! Вариант {round_number}.")
        clock.advance(minutes=5)
        services.workflow.return_for_rework(
            world.operator,
            message_id,
            world.version(message_id),
            "Нет ответа на вопрос о сроках ремонта.",
            ReviewChecks(greeting=True, spelling=True, questions=False),
        )
        message = world.message(message_id)
        assert message.state is MessageState.REWORK
        # R8: rework is due 30 working minutes after the return.
        assert message.stage_due_at == services.calendar.calendar().add(clock(), WorkDuration.minutes(30))
        clock.advance(minutes=10)
    submit(world, message_id)
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    with services.db.session() as session:
        reviews = session.scalars(
            sa.select(Review).where(Review.message_id == message_id).order_by(Review.id)
        ).all()
    assert [r.decision.value for r in reviews] == ["returned", "returned", "approved"]
    assert reviews[0].questions_confirmed is False
    detail = services.queries.message_detail(world.operator, message_id)
    assert [v[0] for v in detail.draft.versions] == [1, 2, 3]
    assert [s.stage.value for s in detail.stages].count("rework") == 2


def test_return_requires_a_comment_and_publish_requires_all_three_checks(
    world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id)
    version = world.version(message_id)
    with pytest.raises(InputError, match="доработать"):
        services.workflow.return_for_rework(world.operator, message_id, version, "   ")
    with pytest.raises(InputError, match="три проверки"):
        services.workflow.approve_and_publish(
            world.operator, message_id, version, ReviewChecks(greeting=True, spelling=False, questions=True)
        )
    assert world.message(message_id).state is MessageState.UNDER_REVIEW
    assert world.version(message_id) == version  # nothing half-written


def test_interim_answer_gives_seven_working_days_for_the_final(
    world: World, services: AppServices, clock: Clock
) -> None:
    clock.set(msk(2026, 4, 29, 10, 0))  # Wednesday before the May holidays
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id, DraftKind.INTERIM, "Здравствуйте, Иван! Вопрос изучается, ответим позже.")
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    confirm_outbox(services, message_id)
    message = world.message(message_id)
    assert message.state is MessageState.INTERIM
    # R9: counted from the day after (30.04 shortened, 4.05, 5.05, 6.05, 7.05, 8.05 shortened, 12.05):
    assert message.stage_due_at == msk(2026, 5, 12, 18, 0)
    assert message.current_stage == "final_after_interim"

    with pytest.raises(InputError, match="Промежуточный ответ уже дан"):
        submit(world, message_id, DraftKind.INTERIM)
    submit(world, message_id, DraftKind.ANSWER)
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    confirm_outbox(services, message_id)
    assert world.message(message_id).state is MessageState.ANSWERED
    with services.db.session() as session:
        kinds = session.scalars(sa.select(Publication.kind).order_by(Publication.id)).all()
    assert kinds == [DraftKind.INTERIM, DraftKind.ANSWER]


def test_clarification_waits_for_the_author_and_the_reply_reopens_it(
    world: World, services: AppServices, clock: Clock
) -> None:
    from desktop_app.models.entities import Message, ThreadEntry

    message_id = world.arrive()
    route(world, message_id)
    submit(
        world, message_id, DraftKind.CLARIFICATION, "Здравствуйте, Иван! Уточните, пожалуйста, номер дома."
    )
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    confirm_outbox(services, message_id)
    assert world.message(message_id).state is MessageState.CLARIFICATION
    assert world.message(message_id).overall_closed_at is not None  # R3 is met by the clarification

    clock.advance(hours=3)
    with services.db.session() as session, session.begin():
        message = session.get(Message, message_id)
        entry = ThreadEntry(
            message_id=message_id,
            external_id="REPLY-1",
            author_name="Иван Петров",
            text="Дом 15.",
            arrived_at=clock(),
        )
        session.add(entry)
        session.flush()
        services.lifecycle.author_replied(session, message, entry, clock())
    message = world.message(message_id)
    assert message.state is MessageState.ROUTED
    assert message.current_stage == "draft"
    assert services.queries.message_detail(world.roads_executor, message_id).thread[0].text == "Дом 15."


def test_redirect_needs_a_reason_and_is_confirmed_by_the_gateway(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = world.arrive("На трассе М-4 яма, кто отвечает?")
    version = world.version(message_id)
    with pytest.raises(InputError, match="причину"):
        services.workflow.redirect_message(world.operator, message_id, version, "Росавтодор", "")
    clock.advance(minutes=40)
    services.workflow.redirect_message(
        world.operator, message_id, version, "Росавтодор", "Федеральная трасса не в ведении администрации."
    )
    assert world.message(message_id).state is MessageState.REDIRECTING
    item = confirm_outbox(services, message_id)
    assert item.action is OutboundAction.REDIRECT
    assert item.payload["reason"] == "Федеральная трасса не в ведении администрации."
    assert world.message(message_id).state is MessageState.REDIRECTED
    redirect_stage = next(s for s in stages(services, message_id) if s.stage == "redirect")
    assert redirect_stage.met is False  # R4: 40 minutes is later than 30 working minutes
    message = world.message(message_id)
    assert (message.current_stage, message.stage_due_at) == (None, None)  # no clock left running


def test_close_not_needed(world: World, services: AppServices) -> None:
    message_id = world.arrive("Спасибо за новую остановку!")
    with pytest.raises(InputError):
        services.workflow.close_not_needed(world.operator, message_id, world.version(message_id), "")
    services.workflow.close_not_needed(world.operator, message_id, world.version(message_id), "Благодарность")
    message = world.message(message_id)
    assert (message.state, message.state_reason) == (MessageState.CLOSED, "Благодарность")


def test_executor_hands_back_a_misrouted_message_and_the_overall_clock_keeps_running(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = world.arrive()
    overall_due = world.message(message_id).overall_due_at
    route(world, message_id, world.housing.id)
    clock.advance(minutes=30)
    services.workflow.hand_back(
        world.housing_executor, message_id, world.version(message_id), "Дороги — не ЖКХ"
    )
    message = world.message(message_id)
    assert message.state is MessageState.NEW
    assert message.department_id is None
    assert message.overall_due_at == overall_due
    assert message.stage_due_at == msk(2026, 5, 12, 11, 30)  # a fresh 1-hour routing clock
    route(world, message_id, world.roads.id)
    assert world.message(message_id).state is MessageState.ROUTED


def test_reassign_by_supervisor_moves_the_message(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    route(world, message_id, world.housing.id)
    with pytest.raises(PermissionDeniedError):
        services.workflow.reassign(
            world.roads_executor, message_id, world.version(message_id), world.roads.id, "x"
        )
    services.workflow.reassign(
        world.supervisor, message_id, world.version(message_id), world.roads.id, "Дороги"
    )
    assert world.message(message_id).department_id == world.roads.id
    assert services.queries.message_detail(world.roads_executor, message_id).row.department_name.startswith(
        "Упр"
    )
    with pytest.raises(NotFoundError):
        services.queries.message_detail(world.housing_executor, message_id)


def test_permissions_are_enforced_by_the_service(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    version = world.version(message_id)
    with pytest.raises(PermissionDeniedError, match="исполнитель"):
        services.workflow.route_message(world.roads_executor, message_id, version, world.roads.id)
    with pytest.raises(PermissionDeniedError):
        services.workflow.route_message(world.supervisor, message_id, version, world.roads.id)
    route(world, message_id, world.roads.id)
    with pytest.raises(PermissionDeniedError, match="не в ваше подразделение"):
        services.workflow.submit_draft(
            world.housing_executor, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER
        )
    with pytest.raises(PermissionDeniedError):
        services.workflow.submit_draft(
            world.operator, message_id, world.version(message_id), DraftKind.ANSWER, ANSWER
        )
    # Executors see only their department's messages.
    assert [r.id for r in services.queries.list_queue(world.roads_executor, _all(), services.now())] == [
        message_id
    ]
    assert services.queries.list_queue(world.housing_executor, _all(), services.now()) == []


def _all():
    from desktop_app.services.queries import Queue

    return Queue.ALL


def test_illegal_transitions_are_refused_with_the_state_named(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    with pytest.raises(InvalidTransitionError, match="поступило"):
        services.workflow.approve_and_publish(
            world.operator, message_id, world.version(message_id), ALL_CHECKS
        )
    route(world, message_id)
    with pytest.raises(InvalidTransitionError, match="у исполнителя"):
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)


def test_second_workstation_gets_a_conflict_and_nothing_is_duplicated(
    world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    seen_version = world.version(message_id)
    services.workflow.route_message(world.operator, message_id, seen_version, world.roads.id)
    with pytest.raises(ConflictError, match="другой сотрудник"):
        services.workflow.route_message(world.operator, message_id, seen_version, world.housing.id)
    assert len(services.queries.assignments(world.operator, message_id)) == 1

    submit(world, message_id)
    review_version = world.version(message_id)
    services.workflow.approve_and_publish(world.operator, message_id, review_version, ALL_CHECKS)
    with pytest.raises(ConflictError):
        services.workflow.approve_and_publish(world.operator, message_id, review_version, ALL_CHECKS)
    with services.db.session() as session:
        assert session.scalar(sa.select(sa.func.count(OutboxItem.id))) == 1
        assert session.scalar(sa.select(sa.func.count(Publication.id))) == 1


def test_stale_write_between_check_and_commit_is_a_conflict(world: World, services: AppServices) -> None:
    """The version column catches a race the up-front check cannot see."""
    from desktop_app.models.entities import Message

    message_id = world.arrive()
    with services.db.session() as first, services.db.session() as second:
        a = first.get(Message, message_id)
        b = second.get(Message, message_id)
        a.state_reason = "first"
        first.commit()
        b.state_reason = "second"
        with pytest.raises(sa.orm.exc.StaleDataError):
            second.commit()


def test_draft_autosave_refuses_to_overwrite_another_workstations_edit(
    world: World, services: AppServices
) -> None:
    message_id = world.arrive()
    route(world, message_id)
    first = services.workflow.save_draft(
        world.roads_executor, message_id, DraftKind.ANSWER, "Здравствуйте", None
    )
    second = services.workflow.save_draft(
        world.roads_executor, message_id, DraftKind.ANSWER, "Здравствуйте, Иван", first.revision
    )
    assert second.revision == first.revision + 1
    with pytest.raises(ConflictError, match="другом рабочем месте"):
        services.workflow.save_draft(
            world.roads_executor, message_id, DraftKind.ANSWER, "Старый текст", first.revision
        )
    detail = services.queries.message_detail(world.roads_executor, message_id)
    assert detail.draft.working_text == "Здравствуйте, Иван"


def test_calendar_change_recomputes_open_deadlines_but_not_closed_ones(
    world: World, services: AppServices, clock: Clock
) -> None:
    done = world.arrive()
    route(world, done)  # closes the route stage of the first message
    open_id = world.arrive()
    assert world.message(open_id).stage_due_at == msk(2026, 5, 12, 11, 0)
    # A sanitary day: from 10:00 only 10:30–18:00 is worked today.
    moved = services.calendar.set_custom_day(
        world.admin, dt.date(2026, 5, 12), [("10:30", "18:00")], "Санитарный час"
    )
    assert moved >= 1
    assert world.message(open_id).stage_due_at == msk(2026, 5, 12, 11, 30)
    closed_route = next(s for s in stages(services, done) if s.stage == "route")
    assert closed_route.due_at == msk(2026, 5, 12, 11, 0)
    with pytest.raises(PermissionDeniedError):
        services.calendar.set_custom_day(world.operator, dt.date(2026, 5, 13), [], "")


def test_audit_chain_detects_a_tampered_row(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    route(world, message_id)
    verdict = audit.verify_chain(services.db)
    assert verdict.intact and verdict.checked >= 2
    with services.db.engine.begin() as conn:
        if services.db.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        second_id = conn.exec_driver_sql("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 1").scalar()
        conn.exec_driver_sql(f"UPDATE audit_events SET actor_login = 'someone' WHERE id = {second_id}")
    verdict = audit.verify_chain(services.db)
    assert not verdict.intact
    assert verdict.first_broken_id == second_id


def test_login_with_argon2_password(world: World, services: AppServices) -> None:
    from desktop_app.services.errors import AuthenticationError
    from tests.support.factories import PASSWORD

    actor = services.auth.login("operator", PASSWORD)
    assert actor.user_id == world.operator.user_id
    with pytest.raises(AuthenticationError, match="Неверное"):
        services.auth.login("operator", "wrong")


def test_importing_next_years_calendar_moves_open_deadlines(
    world: World, services: AppServices, clock: Clock
) -> None:
    """An administrator imports an xmlcalendar file that makes 12 May 2026 a day off (issue 3, done-when)."""
    message_id = world.arrive()
    assert world.message(message_id).stage_due_at == msk(2026, 5, 12, 11, 0)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><calendar year="2026" lang="ru">'
        '<holidays><holiday id="1" title="Новогодние каникулы"/></holidays><days>'
        + "".join(f'<day d="01.{d:02d}" t="1" h="1"/>' for d in range(1, 10))
        + '<day d="02.23" t="1" h="2"/><day d="03.08" t="1"/><day d="03.09" t="1"/>'
        '<day d="04.30" t="2"/><day d="05.01" t="1"/><day d="05.08" t="2"/><day d="05.11" t="1"/>'
        '<day d="05.12" t="1"/><day d="06.11" t="2"/><day d="06.12" t="1"/><day d="11.03" t="2"/>'
        '<day d="11.04" t="1"/><day d="12.31" t="1"/></days></calendar>'
    )
    with pytest.raises(PermissionDeniedError):
        services.calendar.import_file(world.operator, "calendar.xml", xml.encode())
    moved = services.calendar.import_file(world.admin, "calendar.xml", xml.encode())
    assert moved and moved[0][0] == 2026 and moved[0][1] >= 1
    # R5 now counts from the next working minute: Wednesday 13 May 09:00 + 1 h.
    assert world.message(message_id).stage_due_at == msk(2026, 5, 13, 10, 0)
    from desktop_app.domain.worktime.errors import CalendarImportError

    with pytest.raises(CalendarImportError):
        services.calendar.import_file(
            world.admin, "broken.xml", b"<calendar year='2026'><days><day d='13.45' t='1'/>"
        )
    assert world.message(message_id).stage_due_at == msk(2026, 5, 13, 10, 0)


def test_timeliness_report_attributes_each_stage_to_the_person_who_acted(
    world: World, services: AppServices, clock: Clock
) -> None:
    late = world.arrive()
    clock.advance(hours=2)  # routed after 2 working hours: R5 missed by the operator
    route(world, late)
    on_time = world.arrive()
    route(world, on_time)
    clock.advance(hours=1)
    submit(world, on_time)
    with pytest.raises(PermissionDeniedError):
        services.reports.timeliness(world.operator, msk(2026, 5, 1), msk(2026, 6, 1), clock())
    rows = services.reports.timeliness(world.supervisor, msk(2026, 5, 1), msk(2026, 6, 1), clock())
    by_key = {(r.responsible, r.stage): r for r in rows}
    routing = by_key[(world.operator.full_name, "направление исполнителю")]
    assert (routing.met, routing.late) == (1, 1)
    drafting = by_key[(world.roads_executor.full_name, "подготовка проекта ответа")]
    assert (drafting.met, drafting.late) == (1, 0)
    assert ("Управление дорог и транспорта", "подготовка проекта ответа") not in by_key  # not due yet
    # Next morning the first message's draft (routed 12:00, due 10:00) is overdue and still open.
    rows = services.reports.timeliness(
        world.supervisor, msk(2026, 5, 1), msk(2026, 6, 1), msk(2026, 5, 13, 11, 0)
    )
    overdue = {(r.responsible, r.stage): r for r in rows}[
        ("Управление дорог и транспорта", "подготовка проекта ответа")
    ]
    assert (overdue.open_overdue, overdue.on_time_share) == (1, 0.0)


def test_overall_clock_in_calendar_hours_by_setting(database, clock: Clock) -> None:
    """R3: 8 working hours by default; the policy setting switches the overall clock to calendar hours."""
    from desktop_app.services.bootstrap import build_services
    from desktop_app.settings import DeadlineSettings, Settings

    clock.set(msk(2026, 5, 12, 17, 0))
    services = build_services(
        Settings(deadlines=DeadlineSettings(overall_clock="calendar")), database, now=clock
    )
    world = World(services)
    message = world.message(world.arrive())
    assert message.overall_due_at == msk(2026, 5, 13, 1, 0)  # 17:00 + 8 calendar hours
    assert message.stage_due_at == msk(2026, 5, 12, 18, 0)  # R5 still counts working time


def test_policy_saved_by_the_administrator_is_shared_through_the_database(
    world: World, services: AppServices, database, clock: Clock
) -> None:
    from desktop_app.domain.worktime.deadlines import Stage
    from desktop_app.services.bootstrap import build_services
    from desktop_app.settings import Settings

    with pytest.raises(PermissionDeniedError):
        services.policy.save(world.operator, {Stage.DRAFT: "4h"}, "working", 0.2, 10)
    services.policy.save(world.admin, {Stage.DRAFT: "4h"}, "working", 0.2, 10)
    other_workstation = build_services(Settings(), database, now=clock)
    assert str(other_workstation.policy.current().budget(Stage.DRAFT)) == "4h"
    message_id = world.arrive()
    route(world, message_id)
    assert world.message(message_id).stage_due_at == msk(2026, 5, 12, 15, 0)  # 10:00 + 4 h over lunch
