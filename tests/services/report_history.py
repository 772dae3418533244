"""A seeded history driven through the real services, and the dashboard's figures computed from it
by a different route: plain Python over the ORM rows and the independent minute-walker
(``tests/worktime/reference_impl.py``), never through the report code.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, DraftKind, MessageState, OutboxStatus
from desktop_app.models.entities import Department, Message, OutboxItem, StageDeadline, User
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.deadlines import attributed_parties
from desktop_app.services.workflow import ReviewChecks
from tests.support.factories import MSK, Clock, World, msk
from tests.worktime.conftest import REFERENCE_FILE
from tests.worktime.reference_impl import MinuteReference

ALL_CHECKS = ReviewChecks(True, True, True)
PLATFORMS = (("vk", ChannelKind.SOCIAL_NETWORK), ("ok", ChannelKind.SOCIAL_NETWORK),
             ("telegram", ChannelKind.MESSENGER), ("youtube", ChannelKind.VIDEO_HOSTING))  # fmt: skip
AUTHORS = ("Иван Петров", "Мария Соколова", "Олег Кузнецов", "Анна Белова", "Пётр Орлов", "Елена Смирнова")
# Each address with the spellings people use: the generator knows which messages name the same place.
ADDRESSES = {
    "мира 5": ("на улице Мира, 5", "ул. Мира д. 5", "улица Мира, дом 5"),
    "ленина 12": ("на улице Ленина, 12", "ул. Ленина, д. 12"),
    "советская 3": ("на улице Советская, 3", "ул. Советская д. 3"),
}
OPOG = "Отдел по обращениям граждан"


@dataclass
class Seeded:
    """What the generator did: the ground truth the independent computation may use."""

    address_of: dict[int, str | None] = field(default_factory=dict)


def confirm_outbox(services: AppServices, message_id: int) -> None:
    """The Incident system confirms the pending outbound action (what the outbox worker does)."""
    with services.db.session() as session, session.begin():
        item = session.scalars(
            sa.select(OutboxItem).where(
                OutboxItem.message_id == message_id, OutboxItem.status == OutboxStatus.PENDING
            )
        ).one()
        item.status = OutboxStatus.CONFIRMED
        item.confirmed_at = services.now()
        item.external_id = f"pub-{item.id}"
        item.external_url = f"https://vk.example/reply{item.id}"
        services.lifecycle.outbound_confirmed(session, item, services.now())


def arrive(services: AppServices, external_id: str, author: str, platform: str, channel: ChannelKind,
           text: str) -> int:  # fmt: skip
    with services.db.session() as session, session.begin():
        message = Message(
            external_id=external_id,
            channel_kind=channel,
            platform=platform,
            author_name=author,
            author_profile_url="",
            text=text,
            arrived_at=services.now(),
        )
        session.add(message)
        session.flush()
        services.lifecycle.message_arrived(session, message, services.now())
        return message.id


def seed_history(services: AppServices, world: World, clock: Clock, seed: int, count: int = 36) -> Seeded:
    """``count`` messages over two weeks (4–17 May 2026), each down a path chosen by ``seed``."""
    rng = random.Random(seed)
    truth = Seeded()
    wf = services.workflow
    start = msk(2026, 5, 4, 8, 0)
    executors = {world.roads.id: world.roads_executor, world.housing.id: world.housing_executor}
    for n in range(count):
        clock.set(start + dt.timedelta(minutes=n * 530 + rng.randrange(0, 60)))
        platform, channel = rng.choice(PLATFORMS)
        key = rng.choice([*ADDRESSES, None, None])
        place = rng.choice(ADDRESSES[key]) if key else "во дворе"
        text = f"Здравствуйте! Когда уберут мусор {place}? Прошу принять меры."
        message_id = arrive(services, f"SEED-{seed}-{n}", rng.choice(AUTHORS), platform, channel, text)
        truth.address_of[message_id] = key
        path = rng.random()

        def version(message_id: int = message_id) -> int:
            return world.version(message_id)

        clock.advance(minutes=rng.choice((10, 40, 75, 200)))
        if n >= count - 3:  # the newest are still open: one new, the others with the executor
            if n == count - 1:
                continue
            wf.route_message(world.operator, message_id, version(), world.roads.id)
            continue
        if path < 0.1:
            wf.redirect_message(world.operator, message_id, version(), "УМВД", "вне компетенции")
            confirm_outbox(services, message_id)
            continue
        if path < 0.15:
            wf.close_not_needed(world.operator, message_id, version(), "благодарность")
            continue
        department = rng.choice([world.roads.id, world.housing.id])
        executor = executors[department]
        wf.route_message(world.operator, message_id, version(), department)
        interim = path > 0.85
        kind = DraftKind.INTERIM if interim else DraftKind.ANSWER
        clock.advance(minutes=rng.choice((30, 120, 300, 420)))
        wf.submit_draft(executor, message_id, version(), kind, "Здравствуйте! Мусор вывезут завтра.")
        for _round in range(rng.choice((0, 0, 0, 1, 2))):
            clock.advance(minutes=rng.choice((5, 20, 45)))
            wf.return_for_rework(world.operator, message_id, version(), "укажите срок")
            clock.advance(minutes=rng.choice((15, 25, 50)))
            wf.submit_draft(executor, message_id, version(), kind, "Здравствуйте! Мусор вывезут до пятницы.")
        clock.advance(minutes=rng.choice((5, 15, 40)))
        wf.approve_and_publish(world.operator, message_id, version(), ALL_CHECKS)
        clock.advance(minutes=rng.choice((1, 3, 90)))
        confirm_outbox(services, message_id)
        if interim:
            clock.advance(hours=rng.choice((20, 200)))
            wf.submit_draft(executor, message_id, version(), DraftKind.ANSWER, "Здравствуйте! Мусор вывезен.")
            clock.advance(minutes=10)
            wf.approve_and_publish(world.operator, message_id, version(), ALL_CHECKS)
            confirm_outbox(services, message_id)
    return truth


# -- the independent computation -------------------------------------------------------------------


def minute_walker() -> MinuteReference:
    return MinuteReference(json.loads(REFERENCE_FILE.read_text(encoding="utf-8")))


def _local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(MSK).replace(tzinfo=None)


def expected_figures(
    services: AppServices, first: dt.date, last: dt.date, now: dt.datetime, truth: Seeded
) -> dict[str, object]:
    """Every figure of the dashboard by the definitions in docs/REPORTS.md, from the ORM rows."""
    since = dt.datetime(first.year, first.month, first.day, tzinfo=MSK)
    until = dt.datetime(last.year, last.month, last.day, tzinfo=MSK) + dt.timedelta(days=1)
    walker = minute_walker()
    with services.db.session() as session:
        messages = {m.id: m for m in session.scalars(sa.select(Message))}
        stages = list(session.scalars(sa.select(StageDeadline)))
        users = list(session.scalars(sa.select(User)))
        people = {u.id: u.full_name for u in users}
        user_departments = {u.id: u.department_id for u in users}
        departments = {d.id: d.name for d in session.scalars(sa.select(Department))}
    no_answer = {MessageState.REDIRECTED, MessageState.REDIRECTING, MessageState.CLOSED}
    in_period = {i: m for i, m in messages.items() if since <= m.arrived_at < until}
    by_message: dict[int, list[StageDeadline]] = defaultdict(list)
    for row in stages:
        by_message[row.message_id].append(row)

    clocks = [
        row
        for row in stages
        if row.stage == "overall"
        and since <= row.started_at < until
        and messages[row.message_id].state not in no_answer
    ]
    answered = [r for r in clocks if r.completed_at is not None]
    in_time = [r for r in answered if r.met]
    late = [
        r
        for r in clocks
        if (r.completed_at is not None and not r.met) or (r.completed_at is None and now > r.due_at)
    ]
    hours = [walker.between(_local(r.started_at), _local(r.completed_at)) / 60 for r in answered]
    needing = [m for m in in_period.values() if m.state not in no_answer]
    answered_ids = {r.message_id for r in answered}
    rework_rounds = sum(1 for r in stages if r.stage == "rework" and r.message_id in answered_ids)

    def has(message_id: int, stage: str) -> bool:
        return any(r.stage == stage for r in by_message[message_id])

    # Repeats: the same author (platform + name here: no profile links) within 30 days before.
    ordered = sorted(messages.values(), key=lambda m: (m.arrived_at, m.id))
    repeat_author, repeat_address = [], []
    for m in ordered:
        if not since <= m.arrived_at < until:
            continue
        window = [
            o
            for o in ordered
            if o.arrived_at < m.arrived_at or (o.arrived_at == m.arrived_at and o.id < m.id)
        ]
        window = [o for o in window if m.arrived_at - o.arrived_at <= dt.timedelta(days=30)]
        if any(o.platform == m.platform and o.author_name == m.author_name for o in window):
            repeat_author.append(m.id)
        key = truth.address_of.get(m.id)
        if key and any(truth.address_of.get(o.id) == key for o in window):
            repeat_address.append(m.id)

    stage_outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    person_late: Counter[str] = Counter()
    department_missed: Counter[str] = Counter()
    late_ids_by_department: dict[str, set[int]] = defaultdict(set)
    for row in stages:
        if not since <= row.started_at < until or row.outcome == "transferred":
            continue  # a stage handed on in time is nobody's met or missed (issue 13)
        if row.completed_at is not None:
            outcome = "met" if row.met else "late"
        else:
            outcome = "overdue" if now > row.due_at else "open"
        stage_outcomes[row.stage][outcome] += 1
        if outcome in ("late", "overdue"):
            # Who answers for it, as the stage record says (clause 11: issue 13's one rule).
            for party in attributed_parties(row):
                if party.user_id:
                    who = people[party.user_id]
                elif party.department_id:
                    who = departments[party.department_id]
                else:
                    who = OPOG
                person_late[who] += 1
                charged = party.department_id or user_departments.get(party.user_id)
                department_missed[str(charged) if charged else OPOG] += 1
    for r in late:
        late_ids_by_department[str(messages[r.message_id].department_id)].add(r.message_id)

    def share(a: int, b: int) -> float | None:
        return a / b if b else None

    return {
        "received": len(in_period),
        "received_by_platform": Counter(m.platform for m in in_period.values()),
        "received_by_channel": Counter(m.channel_kind.value for m in in_period.values()),
        "received_by_department": Counter(m.department_id for m in in_period.values()),
        "answered": len(answered),
        "in_time": len(in_time),
        "late": len(late),
        "late_ids": sorted({r.message_id for r in late}),
        "late_ids_by_department": late_ids_by_department,
        "in_time_share": share(len(in_time), len(in_time) + len(late)),
        "answer_avg": statistics.fmean(hours) if hours else None,
        "answer_median": statistics.median(hours) if hours else None,
        "overdue_now": len({r.message_id for r in stages if r.completed_at is None and now > r.due_at}),
        "rework_per_answer": share(rework_rounds, len(answered_ids)),
        "interim_share": share(sum(1 for m in needing if has(m.id, "final_after_interim")), len(needing)),
        "redirect_share": share(sum(1 for m in in_period.values() if has(m.id, "redirect")), len(in_period)),
        "repeat_author": len(repeat_author),
        "repeat_author_ids": repeat_author,
        "repeat_address": len(repeat_address),
        "repeat_address_ids": repeat_address,
        "stage_outcomes": stage_outcomes,
        "stage_compliance": {
            stage: share(c["met"], c["met"] + c["late"] + c["overdue"]) for stage, c in stage_outcomes.items()
        },
        "person_late": person_late,
        "department_missed": department_missed,
    }
