"""The sending process is killed between the server's accept and the client's confirm (R2).

A subprocess runs the outbox worker; the simulator stores the post and then hangs, so the process is
SIGKILLed while it waits. A restarted worker must find exactly one publication and confirm the item
without sending again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app.adapters.incident.simulator import start_simulator
from desktop_app.domain.lifecycle import MessageState, OutboxStatus
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.outbox import OutboxWorker
from tests.gateway.conftest import fast_gateway
from tests.gateway.test_outbox import CountingGateway, _items, _prepare
from tests.support.factories import Clock, World

WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from desktop_app.adapters.incident.http import HttpIncidentGateway
    from desktop_app.models.database import Database
    from desktop_app.services.bootstrap import build_services
    from desktop_app.services.outbox import OutboxWorker
    from desktop_app.settings import Settings

    url, base_url, moment = sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
    db = Database(url)
    services = build_services(Settings(), db, now=lambda: moment)
    gateway = HttpIncidentGateway(base_url, timeout_seconds=120, retries=0)
    print("sending", flush=True)
    OutboxWorker(db, gateway, lambda: moment, lease_seconds=120, lifecycle=services.lifecycle).send_due()
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_sender_publishes_exactly_once(
    services: AppServices, world: World, clock: Clock, database_url: str
) -> None:
    with start_simulator(seed=31, initial_messages=1) as sim:
        (message_id,) = _prepare(services, world, sim, 1)
        sim.set_faults("hang_after_accept=1,hang=120s")
        root = Path(__file__).resolve().parents[2]
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url, sim.base_url, clock().isoformat()],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        try:
            deadline = time.monotonic() + 30
            while not sim.publications() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.02)
            assert sim.publications(), (
                process.stderr.read().decode() if process.poll() is not None else "timeout"
            )
            process.send_signal(signal.SIGKILL)  # the server has stored the post; the client never heard
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == -signal.SIGKILL
        (item,) = _items(services)
        assert item.status is OutboxStatus.PENDING and item.attempts == 1  # claimed, never confirmed
        assert world.message(message_id).state is MessageState.PUBLISHING

        sim.set_faults(None)
        gateway = CountingGateway(fast_gateway(sim.base_url))
        restarted = OutboxWorker(services.db, gateway, services.now, lifecycle=services.lifecycle)
        assert restarted.send_due() == 0  # the dead process's lease has not expired yet
        clock.advance(minutes=3)
        assert restarted.send_due() == 1
        assert gateway.status_checks == 1 and sum(gateway.sent.values()) == 0  # asked, did not re-send
        assert len(sim.publications()) == 1
        (item,) = _items(services)
        assert item.status is OutboxStatus.CONFIRMED and item.external_id == sim.publications()[0].id
        assert world.message(message_id).state is MessageState.ANSWERED
