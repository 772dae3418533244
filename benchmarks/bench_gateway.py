"""Gateway throughput: intake of 10,000 messages and publication of 1,000 answers over loopback.

Runs the embedded simulator and the real HTTP adapter into a temporary SQLite database and prints
``name: value`` lines (``--json``: one JSON object). Targets: each under 10 s.

Both figures include the real lifecycle: deadline clocks and audit events for every new message,
and the publication, state change and clocks for every confirmed answer. ``intake_gateway_only_*``
repeats the intake with the lifecycle hooks replaced by no-ops, to show the lifecycle's share.
``intake_with_bad_items_*`` feeds one malformed item per 100 (the simulator's ``bad_item`` fault):
they are quarantined and the rest stored. ``--quick``: small sizes, seconds (CI runs it so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from desktop_app.adapters.incident.http import HttpIncidentGateway  # noqa: E402
from desktop_app.adapters.incident.simulator import start_simulator  # noqa: E402
from desktop_app.domain.lifecycle import DraftKind, MessageState, OutboundAction, OutboxStatus, Role  # noqa: E402
from desktop_app.models.database import open_database  # noqa: E402
from desktop_app.models.entities import (  # noqa: E402
    Draft,
    DraftVersion,
    Message,
    OutboxItem,
    Publication,
    User,
)
from desktop_app.services import workflow_hooks  # noqa: E402
from desktop_app.services.bootstrap import build_services  # noqa: E402
from desktop_app.services.intake import IntakeService  # noqa: E402
from desktop_app.services.outbox import OutboxWorker, publication_payload  # noqa: E402
from desktop_app.settings import Settings  # noqa: E402


def _no_hooks() -> dict[str, Any]:
    saved = {
        name: getattr(workflow_hooks, name)
        for name in ("message_arrived", "author_replied", "outbound_confirmed")
    }
    for name in saved:
        setattr(workflow_hooks, name, lambda *args, **kwargs: None)
    return saved


def _intake(db_url: str, messages: int, seed: int, bad_items: int = 0) -> tuple[float, Any]:
    db = open_database(db_url)
    # As the app runs: signed audit events and the checkpoint in a settings directory (issue 14).
    services = build_services(
        Settings(), db, audit_dir=Path(db_url.removeprefix("sqlite:///")).parent / "settings"
    )
    with start_simulator(seed=seed) as sim:
        sim.store.seed_backlog(messages)
        for _ in range(bad_items):
            sim.store.add_bad_item()
        gateway = HttpIncidentGateway(sim.base_url)
        started = time.perf_counter()
        result = IntakeService(
            db, gateway, page_size=500, max_pages=10_000, lifecycle=services.lifecycle
        ).sync_once()
        elapsed = time.perf_counter() - started
        gateway.close()
        bad = len(sim.store.bad_ids)
    db.dispose()
    assert result.new == messages and result.failed == bad and not result.error, result
    return elapsed, result


def _publish(db_url: str, answers: int) -> float:
    db = open_database(db_url)
    services = build_services(Settings(), db)  # the lifecycle the intake and outbox are given
    now = dt.datetime.now(dt.UTC)
    with start_simulator(seed=5, initial_messages=answers) as sim:
        gateway = HttpIncidentGateway(sim.base_url)
        IntakeService(db, gateway, lifecycle=services.lifecycle).sync_once()
        text = "Здравствуйте! Ваше обращение рассмотрено."
        with db.session() as session, session.begin():
            # The state approve_and_publish leaves: a submitted draft version, its publication and
            # the outbox row, so the real outbound_confirmed hook runs on confirmation.
            operator = User(login="bench", full_name="Бенчмарк", role=Role.OPERATOR, password_hash="-")
            session.add(operator)
            session.flush()
            for message in session.scalars(sa.select(Message).limit(answers)):
                item = OutboxItem(
                    idempotency_key=uuid.uuid4().hex,
                    message_id=message.id,
                    action=OutboundAction.ANSWER,
                    payload=publication_payload(message, text, []),
                    status=OutboxStatus.PENDING,
                    next_attempt_at=now,
                )
                draft = Draft(message_id=message.id, kind=DraftKind.ANSWER)
                session.add_all([item, draft])
                session.flush()
                version = DraftVersion(
                    draft_id=draft.id,
                    number=1,
                    kind=DraftKind.ANSWER,
                    text=text,
                    author_id=operator.id,
                    submitted=True,
                )
                session.add(version)
                session.flush()
                session.add(
                    Publication(
                        message_id=message.id,
                        draft_version_id=version.id,
                        kind=DraftKind.ANSWER,
                        text=text,
                        published_by_id=operator.id,
                        requested_at=now,
                        outbox_id=item.id,
                    )
                )
                message.state = MessageState.PUBLISHING
        worker = OutboxWorker(db, gateway, batch_size=500, lifecycle=services.lifecycle)
        started = time.perf_counter()
        while worker.send_due():
            pass
        elapsed = time.perf_counter() - started
        assert len(sim.publications()) == answers
        gateway.close()
    with db.session() as session:
        confirmed = session.scalar(
            sa.select(sa.func.count()).where(OutboxItem.status == OutboxStatus.CONFIRMED)
        )
        answered = session.scalar(sa.select(sa.func.count()).where(Message.state == MessageState.ANSWERED))
    assert confirmed == answers == answered
    db.dispose()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=1_000)
    parser.add_argument("--gateway-only-sample", type=int, default=10_000)
    parser.add_argument("--bad-items-sample", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="small sizes: runs in seconds")
    options = parser.parse_args(argv)
    if options.quick:
        options.messages, options.answers = 300, 50
        options.gateway_only_sample = options.bad_items_sample = 300
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        seconds, result = _intake(f"sqlite:///{tmp}/intake.sqlite3", options.messages, seed=1)
        figures[f"intake_{options.messages}_seconds"] = round(seconds, 2)
        figures["intake_messages_per_second"] = round(options.messages / seconds)
        figures["intake_replies"] = result.replies
        seconds = _publish(f"sqlite:///{tmp}/publish.sqlite3", options.answers)
        figures[f"publish_{options.answers}_seconds"] = round(seconds, 2)
        figures["publish_answers_per_second"] = round(options.answers / seconds)
        if options.gateway_only_sample:
            saved = _no_hooks()
            try:
                sample = options.gateway_only_sample
                seconds, _ = _intake(f"sqlite:///{tmp}/gateway-only.sqlite3", sample, seed=3)
            finally:
                for name, hook in saved.items():
                    setattr(workflow_hooks, name, hook)
            figures[f"intake_gateway_only_{sample}_seconds"] = round(seconds, 2)
        if options.bad_items_sample:
            sample = options.bad_items_sample
            seconds, result = _intake(
                f"sqlite:///{tmp}/bad-items.sqlite3", sample, seed=4, bad_items=sample // 100
            )
            figures[f"intake_with_bad_items_{sample}_seconds"] = round(seconds, 2)
            figures["intake_quarantined"] = result.failed
        figures["target_seconds"] = 10
    if options.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
