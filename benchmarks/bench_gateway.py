"""Gateway throughput: intake of 10,000 messages and publication of 1,000 answers over loopback.

Runs the embedded simulator and the real HTTP adapter into a temporary SQLite database and prints
``name: value`` lines (``--json``: one JSON object). Targets: each under 10 s.

The 10,000/1,000 figures measure the gateway's own work (HTTP, upsert, attachments, cursor, claims,
confirmations) with the lifecycle hooks replaced by no-ops; ``intake_with_lifecycle_*`` measures 1,000
messages with the real hooks (deadline clocks and audit events) to show their share.
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
from desktop_app.domain.lifecycle import OutboundAction, OutboxStatus  # noqa: E402
from desktop_app.models.database import open_database  # noqa: E402
from desktop_app.models.entities import Message, OutboxItem  # noqa: E402
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


def _intake(db_url: str, messages: int, seed: int) -> tuple[float, Any]:
    db = open_database(db_url)
    build_services(Settings(), db)
    with start_simulator(seed=seed, initial_messages=messages) as sim:
        gateway = HttpIncidentGateway(sim.base_url)
        started = time.perf_counter()
        result = IntakeService(db, gateway, page_size=500).sync_once()
        elapsed = time.perf_counter() - started
        gateway.close()
    db.dispose()
    assert result.new == messages and result.failed == 0, result
    return elapsed, result


def _publish(db_url: str, answers: int) -> float:
    db = open_database(db_url)
    now = dt.datetime.now(dt.UTC)
    with start_simulator(seed=5, initial_messages=answers) as sim:
        gateway = HttpIncidentGateway(sim.base_url)
        IntakeService(db, gateway).sync_once()
        with db.session() as session, session.begin():
            for message in session.scalars(sa.select(Message).limit(answers)):
                session.add(
                    OutboxItem(
                        idempotency_key=uuid.uuid4().hex,
                        message_id=message.id,
                        action=OutboundAction.ANSWER,
                        payload=publication_payload(message, "Здравствуйте! Ваше обращение рассмотрено.", []),
                        status=OutboxStatus.PENDING,
                        next_attempt_at=now,
                    )
                )
        worker = OutboxWorker(db, gateway, batch_size=500)
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
    assert confirmed == answers
    db.dispose()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=1_000)
    parser.add_argument("--lifecycle-sample", type=int, default=1_000)
    options = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if options.lifecycle_sample:
            seconds, _ = _intake(f"sqlite:///{tmp}/lifecycle.sqlite3", options.lifecycle_sample, seed=2)
            figures[f"intake_with_lifecycle_{options.lifecycle_sample}_seconds"] = round(seconds, 2)
            figures["intake_with_lifecycle_ms_per_message"] = round(
                1000 * seconds / options.lifecycle_sample, 2
            )
        saved = _no_hooks()
        try:
            seconds, result = _intake(f"sqlite:///{tmp}/intake.sqlite3", options.messages, seed=1)
            figures[f"intake_{options.messages}_seconds"] = round(seconds, 2)
            figures["intake_messages_per_second"] = round(options.messages / seconds)
            figures["intake_replies"] = result.replies
            seconds = _publish(f"sqlite:///{tmp}/publish.sqlite3", options.answers)
            figures[f"publish_{options.answers}_seconds"] = round(seconds, 2)
            figures["publish_answers_per_second"] = round(options.answers / seconds)
        finally:
            for name, hook in saved.items():
                setattr(workflow_hooks, name, hook)
    if options.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
