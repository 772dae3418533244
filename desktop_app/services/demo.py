"""The demo database of ``otklik --demo`` (issue 4.9): a city administration with history.

Messages are driven through the real workflow with a clock set in the recent past, so every
state, deadline and audit event in the demo is one the product itself would have produced.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from desktop_app.domain.lifecycle import ChannelKind, DraftKind, MessageState, OutboxStatus, Role
from desktop_app.models.entities import AppSetting, Department, DictionaryWord, Message, OutboxItem, Template
from desktop_app.paths import resources_dir
from desktop_app.services.actor import Actor
from desktop_app.services.auth import AuthService, hash_password
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.templates import SIGNATURE_KEY
from desktop_app.services.workflow import ReviewChecks, WorkflowService

ALL_CHECKS = ReviewChecks(True, True, True)


def load_seed() -> dict[str, Any]:
    return json.loads((resources_dir() / "demo" / "seed.json").read_text(encoding="utf-8"))


class _ShiftedClock:
    def __init__(self, value: dt.datetime) -> None:
        self.value = value

    def __call__(self) -> dt.datetime:
        return self.value


def seed_demo(services: AppServices) -> dict[str, str]:
    """Fill an empty database; returns {login: role title} of the demo accounts."""
    seed = load_seed()
    password = seed["password"]
    db = services.db
    with db.session() as session, session.begin():
        by_short: dict[str, Department] = {}
        for item in seed["departments"]:
            department = Department(
                name=item["name"], short_name=item["short"], competence_keywords="\n".join(item["keywords"])
            )
            session.add(department)
            by_short[item["short"]] = department
        for item in seed["templates"]:
            session.add(Template(title=item["title"], body=item["body"], kind=item["kind"]))
        for word in seed["dictionary"]:
            session.add(DictionaryWord(word=word, category="демо", approved=True))
        session.add(AppSetting(key=SIGNATURE_KEY, value=services.settings.administration.name))
        session.flush()
        department_ids = {short: d.id for short, d in by_short.items()}

    # Every demo account has the same password: hash it once (argon2 takes ~0.15 s a hash).
    shared_hash = hash_password(password)
    auth = AuthService(services.db, services.now, password_hasher=lambda _password: shared_hash)
    admin = auth.create_first_admin(seed["users"][0]["login"], seed["users"][0]["full_name"], password)
    actors: dict[str, Actor] = {}
    for item in seed["users"][1:]:
        department_id = department_ids.get(item.get("department", ""))
        actors[item["login"]] = auth.create_user(
            admin, item["login"], item["full_name"], password, Role(item["role"]), department_id
        )
    operator = actors["operator"]
    executors = {a.department_id: a for a in actors.values() if a.role is Role.EXECUTOR}

    now = services.now()
    for number, item in enumerate(seed["messages"], start=1):
        _seed_message(services, number, item, now, operator, executors, department_ids)
    return {login: role for login, role in [(u["login"], u["role"]) for u in seed["users"]]}


def _seed_message(
    services: AppServices,
    number: int,
    item: dict[str, Any],
    now: dt.datetime,
    operator: Actor,
    executors: dict[int | None, Actor],
    department_ids: dict[str, int],
) -> None:
    arrived = now - dt.timedelta(minutes=item["minutes_ago"])
    clock = _ShiftedClock(arrived)
    workflow = WorkflowService(services.db, services.deadlines, clock)
    with services.db.session() as session, session.begin():
        message = Message(
            external_id=f"DEMO-{number:04d}",
            channel_kind=ChannelKind(item["kind"]),
            platform=item["platform"],
            author_name=item["author"],
            author_profile_url=f"https://{item['platform']}.example/u{number}",
            post_url=f"https://{item['platform']}.example/post{number}",
            text=item["text"],
            posted_at=arrived - dt.timedelta(minutes=3),
            arrived_at=arrived,
        )
        session.add(message)
        session.flush()
        services.lifecycle.message_arrived(session, message, arrived)
        message_id = message.id
    state = MessageState(item["state"])
    step = max(1, item["minutes_ago"] // 6)

    def advance() -> None:
        clock.value = min(clock.value + dt.timedelta(minutes=step), now)

    def version() -> int:
        with services.db.session() as session:
            return session.get(Message, message_id).version

    if state is MessageState.NEW:
        return
    if state is MessageState.REDIRECTED:
        advance()
        workflow.redirect_message(operator, message_id, version(), item["target"], item["reason"])
        _confirm(services, message_id, clock.value)
        return
    if state is MessageState.CLOSED:
        advance()
        workflow.close_not_needed(operator, message_id, version(), item["reason"])
        return
    department_id = department_ids[item["department"]]
    executor = executors.get(department_id) or replace(
        operator, role=Role.EXECUTOR, department_id=department_id
    )
    advance()
    workflow.route_message(operator, message_id, version(), department_id)
    if state is MessageState.ROUTED:
        return
    kind = {
        MessageState.INTERIM: DraftKind.INTERIM,
        MessageState.CLARIFICATION: DraftKind.CLARIFICATION,
    }.get(state, DraftKind.ANSWER)
    advance()
    workflow.submit_draft(executor, message_id, version(), kind, item["draft"])
    if state is MessageState.UNDER_REVIEW:
        return
    advance()
    if state is MessageState.REWORK:
        workflow.return_for_rework(
            operator, message_id, version(), item["comment"], ReviewChecks(True, True, False)
        )
        return
    workflow.approve_and_publish(operator, message_id, version(), ALL_CHECKS)
    advance()
    _confirm(services, message_id, clock.value)


def _confirm(services: AppServices, message_id: int, at: dt.datetime) -> None:
    """Mark the demo's outbound action as confirmed by the Incident system (history, not traffic)."""
    with services.db.session() as session, session.begin():
        item = session.scalars(
            sa.select(OutboxItem).where(
                OutboxItem.message_id == message_id, OutboxItem.status == OutboxStatus.PENDING
            )
        ).one()
        item.status = OutboxStatus.CONFIRMED
        item.confirmed_at = at
        item.external_id = f"PUB-DEMO-{item.id}"
        item.external_url = f"https://vk.example/answer{item.id}"
        services.lifecycle.outbound_confirmed(session, item, at)
