"""The less common lifecycle paths, clock by clock and person by person (issue 13, R3–R11).

Each path runs through the real services and the real outbox worker with a hand-moved clock. Due
instants are checked against ``tests/worktime/reference_impl.py`` — a minute-by-minute walker over
the official calendar, independent of the engine — and each test also checks the state, the queue
the message is in, who answers for the stage (person and department), met/late, and the audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.adapters.incident.gateway import (
    IncidentPermanentError,
    IncidentTransientError,
    OutboundResult,
    PublicationRequest,
    RedirectRequest,
)
from desktop_app.domain.lifecycle import REVIEW_CONFIRMATIONS, DraftKind, MessageState
from desktop_app.models.entities import (
    AuditEvent,
    Message,
    OutboxItem,
    PostTextVersion,
    StageDeadline,
    ThreadEntry,
)
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.errors import InputError
from desktop_app.services.outbox import OutboxWorker
from desktop_app.services.queries import Queue
from desktop_app.services.workflow import ReviewChecks
from desktop_app.settings import DeadlineSettings, Settings
from tests.support.factories import MSK, Clock, World, msk
from tests.worktime.reference_impl import MinuteReference

ALL_CHECKS = ReviewChecks(greeting=True, spelling=True, questions=True)
ANSWER = "Здравствуйте, Иван! Ремонт дороги на улице Мира запланирован на июнь."
INTERIM = "Здравствуйте, Иван! Обращение передано в дорожную службу, окончательный ответ дадим до 20 мая."
CLARIFY = "Здравствуйте, Иван! Уточните, пожалуйста, номер дома?"
APPEALS = "Отдел по обращениям граждан"
REFERENCE_FILE = (
    Path(__file__).resolve().parents[1] / "worktime" / "data" / "ru-production-calendar-2025-2027.json"
)


@pytest.fixture(scope="module")
def ref() -> MinuteReference:
    return MinuteReference(json.loads(REFERENCE_FILE.read_text(encoding="utf-8")))


def due_minutes(ref: MinuteReference, start: dt.datetime, minutes: int) -> dt.datetime:
    """The independent due instant: ``minutes`` working minutes after ``start`` (Moscow)."""
    local = start.astimezone(MSK).replace(tzinfo=None, second=0, microsecond=0)
    return ref.add_minutes(local, minutes).replace(tzinfo=MSK)


def due_days(ref: MinuteReference, start: dt.datetime, days: int) -> dt.datetime:
    return ref.add_days(start.astimezone(MSK).replace(tzinfo=None), days).replace(tzinfo=MSK)


class FakeGateway:
    """The Incident system as the outbox sees it: up, down (transient) or refusing (4xx)."""

    manual = False

    def __init__(self) -> None:
        self.mode = "up"
        self.sent: list[object] = []

    def _answer(self, request: object, key: str) -> OutboundResult:
        if self.mode == "down":
            raise IncidentTransientError("Система Инцидент не отвечает")
        if self.mode == "refuse":
            raise IncidentPermanentError("Организация-получатель не найдена", 422)
        self.sent.append(request)
        return OutboundResult(f"OUT-{key[:6]}", f"https://vk.com/wall-1_{len(self.sent)}")

    def redirect(self, request: RedirectRequest, idempotency_key: str) -> OutboundResult:
        return self._answer(request, idempotency_key)

    def publish(self, request: PublicationRequest, idempotency_key: str) -> OutboundResult:
        return self._answer(request, idempotency_key)

    def outbound_status(self, idempotency_key: str) -> OutboundResult | None:
        return None

    def fetch(self, cursor: str, limit: int = 500):  # pragma: no cover - not used here
        raise NotImplementedError

    def close(self) -> None:
        pass


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def worker(services: AppServices, gateway: FakeGateway, clock: Clock) -> OutboxWorker:
    return OutboxWorker(
        services.db,
        gateway,
        clock,
        backoff_base_seconds=1.0,
        backoff_cap_seconds=1.0,
        lifecycle=services.lifecycle,
    )


# --- helpers ------------------------------------------------------------------------------------


def rows(services: AppServices, message_id: int, stage: str | None = None) -> list[StageDeadline]:
    with services.db.session() as session:
        stmt = (
            sa.select(StageDeadline).where(StageDeadline.message_id == message_id).order_by(StageDeadline.id)
        )
        if stage:
            stmt = stmt.where(StageDeadline.stage == stage)
        return list(session.scalars(stmt))


def events(
    services: AppServices, message_id: int | None = None, action: str | None = None
) -> list[AuditEvent]:
    with services.db.session() as session:
        stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
        if message_id is not None:
            stmt = stmt.where(AuditEvent.message_id == message_id)
        if action is not None:
            stmt = stmt.where(AuditEvent.action == action)
        return list(session.scalars(stmt))


def queue_ids(services: AppServices, actor, queue: Queue, now: dt.datetime | None = None) -> list[int]:
    return [r.id for r in services.queries.list_queue(actor, queue, now or services.now())]


def route(world: World, message_id: int, department_id: int | None = None) -> None:
    world.services.workflow.route_message(
        world.operator, message_id, world.version(message_id), department_id or world.roads.id
    )


def submit(
    world: World, message_id: int, kind: DraftKind = DraftKind.ANSWER, text: str = ANSWER, executor=None
) -> int:
    return world.services.workflow.submit_draft(
        executor or world.roads_executor, message_id, world.version(message_id), kind, text
    )


def approve(world: World, message_id: int, checks: ReviewChecks = ALL_CHECKS) -> int:
    return world.services.workflow.approve_and_publish(
        world.operator, message_id, world.version(message_id), checks
    )


def author_reply(
    services: AppServices, message_id: int, text: str, arrived_at: dt.datetime, now: dt.datetime
) -> None:
    """What intake does with an author's reply in the thread (arrived_at: in the Incident system)."""
    with services.db.session() as session, session.begin():
        message = session.get(Message, message_id)
        entry = ThreadEntry(
            message_id=message_id,
            external_id=f"REPLY-{message_id}-{arrived_at.timestamp():.0f}",
            author_name="Иван Петров",
            text=text,
            arrived_at=arrived_at,
            from_author=True,
        )
        session.add(entry)
        session.flush()
        services.lifecycle.author_replied(session, message, entry, now)


def arrive_on(world: World, platform: str) -> int:
    message_id = world.arrive()
    with world.services.db.session() as session, session.begin():
        session.get(Message, message_id).platform = platform
    return message_id


def missed(services: AppServices, world: World, now: dt.datetime):
    return services.reports.missed(world.supervisor, msk(2026, 1, 1), msk(2027, 1, 1), now)


def timeliness(
    services: AppServices, world: World, now: dt.datetime
) -> dict[tuple[str, str], tuple[int, int, int]]:
    found = services.reports.timeliness(world.supervisor, msk(2026, 1, 1), msk(2027, 1, 1), now)
    return {(r.responsible, r.stage): (r.met, r.late, r.open_overdue) for r in found}


# --- R3/R4: a refused redirect ------------------------------------------------------------------


def test_refused_redirect_restores_the_routing_and_overall_clocks(
    world: World, services: AppServices, clock: Clock, gateway: FakeGateway, worker: OutboxWorker, ref
) -> None:
    arrived = clock()  # Tue 12 May 2026 10:00
    message_id = world.arrive("На трассе М-4 яма.")
    clock.advance(minutes=10)
    services.workflow.redirect_message(
        world.operator, message_id, world.version(message_id), "Росавтодор", "Федеральная трасса."
    )
    gateway.mode = "refuse"
    assert worker.send_due() == 1

    message = world.message(message_id)
    assert message.state is MessageState.NEW
    assert "отклонила" in message.state_reason
    assert message_id in queue_ids(services, world.operator, Queue.NEW)
    # Both clocks run on from arrival, as computed independently: R5 1 working hour, R3 8.
    assert message.current_stage == "route"
    assert message.stage_due_at == due_minutes(ref, arrived, 60)
    assert message.overall_due_at == due_minutes(ref, arrived, 480) and message.overall_closed_at is None
    assert [(r.stage, r.completed_at, r.met) for r in rows(services, message_id)] == [
        ("route", None, None),
        ("overall", None, None),
    ]
    # ... and they do show as overdue once past due, charged to ОпОГ.
    later = clock.advance(hours=1, minutes=30)
    assert message_id in queue_ids(services, world.operator, Queue.OVERDUE, later)
    lapsed = [(m.stage, m.person, m.department) for m in missed(services, world, later)]
    assert lapsed == [("направление исполнителю", "", APPEALS)]
    refused = events(services, message_id, "outbound_failed")
    assert refused and "Организация-получатель" in refused[-1].after["error"]
    assert events(services, message_id, "delivery_attempt")


def test_a_redirect_is_judged_when_the_incident_system_confirms_it(
    world: World, services: AppServices, clock: Clock, gateway: FakeGateway, worker: OutboxWorker, ref
) -> None:
    arrived = clock()
    message_id = world.arrive("На трассе М-4 яма.")
    clock.advance(minutes=20)
    services.workflow.redirect_message(
        world.operator, message_id, world.version(message_id), "Росавтодор", "Федеральная трасса."
    )
    gateway.mode = "down"
    worker.send_due()
    assert world.message(message_id).overall_closed_at is None  # still only asked for
    clock.advance(minutes=20)  # 10:40: the Incident system is back
    gateway.mode = "up"
    worker.send_due()
    message = world.message(message_id)
    assert message.state is MessageState.REDIRECTED
    (redirect,) = rows(services, message_id, "redirect")
    assert redirect.due_at == due_minutes(ref, arrived, 30)
    assert (redirect.completed_at, redirect.met, redirect.responsible_user_id) == (
        msk(2026, 5, 12, 10, 40),
        False,
        world.operator.user_id,
    )
    assert events(services, message_id, "delivery_failed")[0].after["error"] == "Система Инцидент не отвечает"


# --- R9: reassigning an interim message -----------------------------------------------------------


def _interim_posted(world: World, services: AppServices, worker: OutboxWorker) -> int:
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id, DraftKind.INTERIM, INTERIM)
    approve(world, message_id)
    assert worker.send_due() == 1
    assert world.message(message_id).state is MessageState.INTERIM
    return message_id


def test_reassigning_an_interim_message_keeps_the_seven_day_clock(
    world: World, services: AppServices, clock: Clock, worker: OutboxWorker, ref
) -> None:
    message_id = _interim_posted(world, services, worker)
    posted = clock()
    r9_due = due_days(ref, posted, 7)
    assert world.message(message_id).stage_due_at == r9_due
    clock.advance(days=1)  # Wed 13 May: in time
    services.workflow.reassign(
        world.supervisor, message_id, world.version(message_id), world.housing.id, "ЖКХ"
    )

    message = world.message(message_id)
    assert (message.state, message.department_id) == (MessageState.INTERIM, world.housing.id)
    assert (message.current_stage, message.stage_due_at) == ("final_after_interim", r9_due)
    assert message_id in queue_ids(services, world.housing_executor, Queue.ALL)
    assert message_id in queue_ids(services, world.operator, Queue.INTERIM)
    old, new = rows(services, message_id, "final_after_interim")
    # Handed on in time: neither met nor missed, never credited to the supervisor who moved it.
    assert (old.outcome, old.met, old.responsible_department_id) == ("transferred", None, world.roads.id)
    assert (new.started_at, new.due_at, new.completed_at) == (old.started_at, r9_due, None)
    assert new.responsible_department_id == world.housing.id
    assert not any(world.supervisor.full_name == who for who, _stage in timeliness(services, world, clock()))
    (event,) = events(services, message_id, "reassign")
    assert event.after["stages"] == [
        {"stage": "final_after_interim", "outcome": "transferred", "department_id": world.roads.id}
    ]
    # The new department cannot send a second interim answer (R9): only the final one.
    with pytest.raises(InputError, match="Промежуточный ответ уже дан"):
        submit(world, message_id, DraftKind.INTERIM, INTERIM, executor=world.housing_executor)
    submit(world, message_id, DraftKind.ANSWER, ANSWER, executor=world.housing_executor)
    assert rows(services, message_id, "final_after_interim")[-1].met is True


def test_reassign_charges_a_lapsed_stage_to_the_department_that_let_it_lapse(
    world: World, services: AppServices, clock: Clock, ref
) -> None:
    routed = clock()
    message_id = world.arrive()
    route(world, message_id, world.housing.id)
    draft_due = due_minutes(ref, routed, 360)
    clock.set(msk(2026, 5, 13, 10, 0))  # the 6 working hours ran out yesterday at 17:00
    assert draft_due == msk(2026, 5, 12, 17, 0)
    services.workflow.reassign(
        world.supervisor, message_id, world.version(message_id), world.roads.id, "Дороги"
    )

    lapsed, fresh = rows(services, message_id, "draft")
    assert (lapsed.due_at, lapsed.met, lapsed.outcome) == (draft_due, False, "late")
    assert (lapsed.responsible_department_id, lapsed.responsible_user_id) == (world.housing.id, None)
    assert (
        fresh.due_at == due_minutes(ref, clock(), 360) and fresh.responsible_department_id == world.roads.id
    )
    message = world.message(message_id)
    assert (message.state, message.department_id) == (MessageState.ROUTED, world.roads.id)
    assert message_id in queue_ids(services, world.roads_executor, Queue.ALL)
    report = timeliness(services, world, clock())
    assert report[("Управление ЖКХ", "подготовка проекта ответа")] == (0, 1, 0)
    assert not any(who == world.supervisor.full_name for who, _ in report)
    names = {(m.stage, m.person, m.department) for m in missed(services, world, clock())}
    assert ("подготовка проекта ответа", "", "Управление ЖКХ") in names
    assert events(services, message_id, "reassign")[0].after["stages"][0]["outcome"] == "late"


# --- R3/R7 judged when the answer is posted --------------------------------------------------------


def test_r3_and_r7_are_judged_at_the_gateways_confirmation_not_the_approval_click(
    world: World, services: AppServices, clock: Clock, gateway: FakeGateway, worker: OutboxWorker, ref
) -> None:
    arrived = clock()  # Tue 10:00 → R3 due Wed 10:00
    message_id = world.arrive()
    clock.advance(minutes=5)
    route(world, message_id)
    clock.set(msk(2026, 5, 12, 16, 10))
    submit(world, message_id)
    submitted = clock()
    clock.set(msk(2026, 5, 12, 16, 30))
    approve(world, message_id)
    gateway.mode = "down"
    worker.send_due()
    assert world.message(message_id).state is MessageState.PUBLISHING
    assert message_id in queue_ids(services, world.operator, Queue.PUBLISHING)
    clock.set(msk(2026, 5, 13, 11, 0))
    gateway.mode = "up"
    with services.db.session() as session:  # the retry is due now
        session.execute(sa.update(OutboxItem).values(next_attempt_at=clock()))
        session.commit()
    assert worker.send_due() == 1

    message = world.message(message_id)
    assert message.state is MessageState.ANSWERED
    (overall,) = rows(services, message_id, "overall")
    (review,) = rows(services, message_id, "review")
    assert overall.due_at == due_minutes(ref, arrived, 480) == msk(2026, 5, 13, 10, 0)
    assert (overall.completed_at, overall.met, message.overall_closed_at) == (clock(), False, clock())
    assert review.due_at == due_minutes(ref, submitted, 30)
    assert (review.completed_at, review.met, review.responsible_user_id) == (
        clock(),
        False,
        world.operator.user_id,
    )
    # Clause 11: the missed 8 hours name the executor with their department and the operator.
    names = {(m.stage, m.person, m.department) for m in missed(services, world, clock())}
    assert (
        "ответ автору (8 часов)",
        world.roads_executor.full_name,
        "Управление дорог и транспорта",
    ) in names
    assert ("ответ автору (8 часов)", world.operator.full_name, APPEALS) in names
    assert ("проверка и размещение", world.operator.full_name, APPEALS) in names
    report = timeliness(services, world, clock())
    assert report[(world.roads_executor.full_name, "ответ автору (8 часов)")] == (0, 1, 0)
    assert report[(world.operator.full_name, "ответ автору (8 часов)")] == (0, 1, 0)
    # The trail: the failed delivery, the three confirmations, the hash of what was posted.
    assert events(services, message_id, "delivery_failed")
    (approved,) = events(services, message_id, "approve_and_publish")
    assert approved.after["confirmations"] == dict.fromkeys(REVIEW_CONFIRMATIONS[DraftKind.ANSWER], True)
    (confirmed,) = events(services, message_id, "outbound_confirmed")
    assert confirmed.after["text_sha256"] == hashlib.sha256(ANSWER.encode()).hexdigest()


# --- clarification -------------------------------------------------------------------------------


def _clarification_approved(world: World, services: AppServices) -> int:
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id, DraftKind.CLARIFICATION, CLARIFY)
    approve(world, message_id)
    return message_id


def test_a_reply_that_arrives_while_the_clarification_is_being_sent_reopens_it(
    world: World, services: AppServices, clock: Clock, gateway: FakeGateway, worker: OutboxWorker, ref
) -> None:
    message_id = _clarification_approved(world, services)
    gateway.mode = "down"
    worker.send_due()
    replied = clock.advance(minutes=20)
    author_reply(services, message_id, "Дом 15.", replied, clock.advance(minutes=5))
    assert world.message(message_id).author_added_at is not None
    gateway.mode = "up"
    with services.db.session() as session:
        session.execute(sa.update(OutboxItem).values(next_attempt_at=clock()))
        session.commit()
    worker.send_due()

    message = world.message(message_id)
    assert message.state is MessageState.ROUTED  # not waiting for an author who already answered
    assert message_id in queue_ids(services, world.roads_executor, Queue.ALL)
    assert message.stage_due_at == due_minutes(ref, replied, 360)
    assert message.overall_due_at == due_minutes(ref, replied, 480) and message.overall_closed_at is None
    draft = rows(services, message_id, "draft")[-1]
    assert (draft.responsible_department_id, draft.responsible_user_id) == (
        world.roads.id,
        world.roads_executor.user_id,
    )
    assert events(services, message_id, "outbound_confirmed")[-1].after["reopened"] is True


def test_the_authors_reply_reopens_with_clocks_from_its_arrival_in_the_incident_system(
    world: World, services: AppServices, clock: Clock, worker: OutboxWorker, ref
) -> None:
    message_id = _clarification_approved(world, services)
    worker.send_due()
    confirmed = clock()
    message = world.message(message_id)
    assert message.state is MessageState.CLARIFICATION
    # Nobody has answered yet: the wait is visible, since the request was posted.
    (row,) = services.queries.list_queue(world.operator, Queue.AWAITING_AUTHOR, clock())
    assert (row.id, row.waiting_for_author_since) == (message_id, confirmed)

    reached_incident = msk(2026, 5, 12, 14, 30)
    clock.set(msk(2026, 5, 12, 15, 10))  # fetched 40 minutes later
    author_reply(services, message_id, "Дом 15.", reached_incident, clock())
    message = world.message(message_id)
    assert message.state is MessageState.ROUTED
    assert message.stage_due_at == due_minutes(ref, reached_incident, 360)
    assert message.overall_due_at == due_minutes(ref, reached_incident, 480)
    assert message.overall_closed_at is None
    first, second = rows(services, message_id, "overall")
    assert first.met is True and second.completed_at is None
    assert second.holder == "department" and second.responsible_department_id == world.roads.id
    assert events(services, message_id, "author_replied")[-1].after["reopened"] is True


# --- clause 11 attribution -----------------------------------------------------------------------


def test_an_open_overdue_overall_clock_with_the_executor_is_charged_to_their_department(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = world.arrive()
    clock.advance(minutes=5)
    route(world, message_id)
    later = msk(2026, 5, 13, 11, 0)
    report = timeliness(services, world, later)
    assert report[("Управление дорог и транспорта", "ответ автору (8 часов)")] == (0, 0, 1)
    assert (APPEALS, "ответ автору (8 часов)") not in report
    assert message_id in queue_ids(services, world.operator, Queue.OVERDUE, later)


def test_a_hand_back_is_not_an_on_time_draft_and_a_redirect_after_it_counts_from_the_hand_back(
    world: World, services: AppServices, clock: Clock, worker: OutboxWorker, ref
) -> None:
    message_id = world.arrive("Яма на федеральной трассе М-4.")
    clock.advance(minutes=5)
    route(world, message_id, world.housing.id)
    handed_back = clock.set(msk(2026, 5, 12, 11, 0)) or clock()
    services.workflow.hand_back(world.housing_executor, message_id, world.version(message_id), "Не ЖКХ")
    (draft,) = rows(services, message_id, "draft")
    assert (draft.outcome, draft.met) == ("transferred", None)
    assert (world.housing_executor.full_name, "подготовка проекта ответа") not in timeliness(
        services, world, clock()
    )
    assert message_id in queue_ids(services, world.operator, Queue.NEW)

    clock.set(msk(2026, 5, 12, 11, 20))
    services.workflow.redirect_message(
        world.operator, message_id, world.version(message_id), "Росавтодор", "Федеральная трасса."
    )
    worker.send_due()
    (redirect,) = rows(services, message_id, "redirect")
    assert redirect.started_at == handed_back
    assert redirect.due_at == due_minutes(ref, handed_back, 30)
    assert redirect.met is True and world.message(message_id).state is MessageState.REDIRECTED


# --- R10: hard limits, exactly what is sent ----------------------------------------------------------


def test_platform_hard_limits_block_publishing(world: World, services: AppServices) -> None:
    message_id = arrive_on(world, "telegram")
    route(world, message_id)
    submit(world, message_id, text="Здравствуйте, Иван! " + "Ремонт запланирован. " * 235)
    version = world.version(message_id)
    with pytest.raises(InputError, match=r"Опубликовать нельзя.*Telegram"):
        approve(world, message_id)
    assert world.message(message_id).state is MessageState.UNDER_REVIEW
    assert world.version(message_id) == version
    with services.db.session() as session:
        assert session.scalar(sa.select(sa.func.count(OutboxItem.id))) == 0


def test_photos_on_youtube_are_refused_and_a_removed_attachment_is_never_sent(
    world: World, services: AppServices, worker: OutboxWorker, gateway: FakeGateway
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    for platform, refused in (("youtube", True), ("vk", False)):
        message_id = arrive_on(world, platform)
        route(world, message_id)
        kept = services.drafting.add_attachment(world.roads_executor, message_id, "яма.png", png)
        dropped = services.drafting.add_attachment(world.roads_executor, message_id, "ещё.png", png + b"1")
        services.workflow.submit_draft(
            world.roads_executor,
            message_id,
            world.version(message_id),
            DraftKind.ANSWER,
            ANSWER,
            attachment_ids=[kept.id, dropped.id],
        )
        if refused:
            with pytest.raises(InputError, match="YouTube» не позволяет прикладывать файлы"):
                approve(world, message_id)
            continue
        services.drafting.remove_attachment(world.roads_executor, message_id, dropped.id)
        material = services.workflow.review_material(world.operator, message_id)
        assert [a.filename for a in material.attachments] == ["яма.png"]  # what the check sees
        assert material.attachment_kinds == ("photo",)
        approve(world, message_id)
        worker.send_due()
        (sent,) = gateway.sent
        assert [a.filename for a in sent.attachments] == ["яма.png"]  # ... is what is sent


# --- author input after submission ------------------------------------------------------------------


def test_a_reply_during_review_is_flagged_and_the_check_sees_the_whole_thread(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id)
    author_reply(services, message_id, "И когда уберут мусор во дворе?", clock(), clock.advance(minutes=3))
    (row,) = services.queries.list_queue(world.operator, Queue.AWAITING_REVIEW, clock())
    assert row.author_added and row.state is MessageState.UNDER_REVIEW
    material = services.workflow.review_material(world.operator, message_id)
    assert material.author_added and "когда уберут мусор" in material.thread_text
    assert events(services, message_id, "author_replied")[-1].after["author_added"] is True
    # The executor's next version has seen it: the flag goes.
    services.workflow.return_for_rework(
        world.operator, message_id, world.version(message_id), "Ответьте и про мусор."
    )
    assert services.queries.list_queue(world.roads_executor, Queue.ALL, clock())[0].author_added
    submit(world, message_id, text=ANSWER + " Мусор уберут завтра.")
    assert not services.queries.list_queue(world.operator, Queue.AWAITING_REVIEW, clock())[0].author_added


@pytest.mark.parametrize("mode", ["reopen", "new_message"])
def test_a_reply_after_the_answer_opens_a_follow_up_with_its_own_routing_clock(
    database, clock: Clock, mode: str, ref
) -> None:
    services = build_services(
        Settings(deadlines=DeadlineSettings(reply_after_answer=mode)), database, now=clock
    )
    world = World(services)
    worker = OutboxWorker(services.db, FakeGateway(), clock, lifecycle=services.lifecycle)
    message_id = world.arrive()
    route(world, message_id)
    submit(world, message_id)
    approve(world, message_id)
    worker.send_due()
    assert world.message(message_id).state is MessageState.ANSWERED
    replied = msk(2026, 5, 12, 15, 0)
    clock.set(msk(2026, 5, 12, 15, 2))
    author_reply(services, message_id, "А тротуар отремонтируют?", replied, clock())

    new_ids = queue_ids(services, world.operator, Queue.NEW)
    assert len(new_ids) == 1
    follow_up = world.message(new_ids[0])
    assert follow_up.current_stage == "route"
    assert follow_up.stage_due_at == due_minutes(ref, replied, 60)
    assert follow_up.overall_due_at == due_minutes(ref, replied, 480)
    if mode == "reopen":
        assert follow_up.id == message_id and follow_up.author_added_at is not None
    else:
        assert follow_up.id != message_id and follow_up.text == "А тротуар отремонтируют?"
        assert world.message(message_id).state is MessageState.ANSWERED
    (event,) = events(services, message_id, "follow_up_opened")
    assert event.after["mode"] == mode and event.after["follow_up_id"] == follow_up.id


def test_an_edited_post_keeps_every_version(world: World, services: AppServices, clock: Clock) -> None:
    from desktop_app.adapters.incident.gateway import IncomingItem
    from desktop_app.services.intake import apply_item

    message_id = world.arrive("Когда починят фонарь?")
    external_id = world.message(message_id).external_id
    route(world, message_id)
    submit(world, message_id)
    for text in ("Когда починят фонарь у дома 5?", "Когда починят фонарь у дома 7?"):
        item = IncomingItem(
            id=external_id,
            channel_kind="social_network",
            platform="vk",
            author_name="Иван Петров",
            author_profile_url="",
            post_url="",
            text=text,
            posted_at=None,
            arrived_at=clock(),
        )
        with services.db.session() as session, session.begin():
            apply_item(session, item, clock.advance(minutes=1), lifecycle=services.lifecycle)
    with services.db.session() as session:
        kept = session.scalars(sa.select(PostTextVersion.text).order_by(PostTextVersion.id)).all()
    assert kept == ["Когда починят фонарь?", "Когда починят фонарь у дома 5?"]
    assert world.message(message_id).text == "Когда починят фонарь у дома 7?"
    edits = events(services, message_id, "post_edited")
    assert [e.after["old_sha256"] for e in edits] == [hashlib.sha256(t.encode()).hexdigest() for t in kept]
    assert services.queries.message_detail(world.operator, message_id).row.author_added


# --- R11: the trail ------------------------------------------------------------------------------


def test_a_calendar_change_puts_each_moved_deadline_in_the_trail(world: World, services: AppServices) -> None:
    message_id = world.arrive()
    services.calendar.set_custom_day(
        world.admin, dt.date(2026, 5, 12), [("10:30", "18:00")], "Санитарный час"
    )
    (event,) = events(services, message_id, "deadline_moved_by_calendar")
    moves = {m["stage"]: (m["due_before"], m["due_after"]) for m in event.after["moves"]}
    assert moves["route"] == (
        msk(2026, 5, 12, 11, 0).astimezone(dt.UTC).isoformat(),
        msk(2026, 5, 12, 11, 30).astimezone(dt.UTC).isoformat(),
    )


def test_an_import_records_who_imported_which_file_and_its_hash(
    world: World, services: AppServices, tmp_path: Path
) -> None:
    path = tmp_path / "выгрузка.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "INC-900",
                    "platform": "vk",
                    "author_name": "Ольга",
                    "text": "Когда починят фонари?",
                    "arrived_at": "2026-05-12T09:45:00+03:00",
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = services.manual.import_file(world.operator, path)
    assert result.ok and result.imported == 1
    (event,) = events(services, action="import_messages")
    assert (event.actor_id, event.actor_login) == (world.operator.user_id, "operator")
    assert event.after == {
        "filename": "выгрузка.json",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "imported": 1,
    }


def test_review_confirmations_follow_the_draft_kind(
    world: World, services: AppServices, clock: Clock
) -> None:
    message_id = _clarification_approved(world, services)
    (event,) = events(services, message_id, "approve_and_publish")
    assert list(event.after["confirmations"]) == list(REVIEW_CONFIRMATIONS[DraftKind.CLARIFICATION])
    assert "Автору задан уточняющий вопрос" in event.after["confirmations"]
    assert all("все вопросы" not in label for label in REVIEW_CONFIRMATIONS[DraftKind.INTERIM])
