"""The demo's simulator is a faithful peer (issue 12): hundreds of random events, zero failures."""

from __future__ import annotations

import sqlalchemy as sa

from desktop_app.adapters.incident.simulator import FaultSpec, parse_faults, start_simulator
from desktop_app.models.entities import Message, QuarantineEntry, SyncState, ThreadEntry
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.intake import IntakeService
from tests.gateway.conftest import fast_gateway


def _adopt_like_the_demo(services: AppServices, store) -> None:
    """What ``views/background.py`` does with the demo database: author as a plain string."""
    with services.db.session() as session:
        for message in session.scalars(sa.select(Message)):
            store.adopt_message(
                message.external_id,
                channel_kind=message.channel_kind.value,
                platform=message.platform,
                author=message.author_name,
                post_url=message.post_url,
                text=message.text,
            )


def test_several_hundred_random_events_through_the_real_adapter(services: AppServices) -> None:
    """Before: an edit of an adopted message raised KeyError 'attachments' in the simulator on every
    pass, and a reply to one had a plain-string author (AttributeError in the adapter)."""
    with start_simulator(seed=61, initial_messages=15) as history:
        gateway = fast_gateway(history.base_url)
        assert (
            IntakeService(services.db, gateway, services.now, lifecycle=services.lifecycle).sync_once().failed
            == 0
        )
    with services.db.session() as session, session.begin():
        session.execute(sa.delete(SyncState))  # the demo's history is seeded, not fed: a fresh feed
    with start_simulator(seed=62) as sim:
        _adopt_like_the_demo(services, sim.store)
        sim.store.awaiting_reply.extend(list(sim.store.messages)[:5])  # replies to the history first
        service = IntakeService(
            services.db, fast_gateway(sim.base_url), services.now, page_size=50, lifecycle=services.lifecycle
        )
        totals = {"new": 0, "failed": 0}
        for round_no in range(8):
            for _ in range(50):
                sim.store.random_event()
            if round_no == 0:
                for incident_id in list(sim.store.messages)[:3]:  # edits of adopted history
                    sim.store.update_message(incident_id, sim.store.messages[incident_id]["text"] + " UPD")
            result = service.sync_once()
            assert result.error == "" and result.failed == 0, result
            totals["new"] += result.new
        new_in_sim = len(sim.store.messages) - 15
        assert totals["new"] == new_in_sim
        with services.db.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == len(sim.store.messages)
            replies = sum(1 for item in sim.store.feed if item["parent_id"])
            assert session.scalar(sa.select(sa.func.count()).select_from(ThreadEntry)) == replies
            assert session.scalar(sa.select(sa.func.count()).select_from(QuarantineEntry)) == 0


def test_feed_faults_orphans_are_stored_and_bad_items_quarantined(services: AppServices) -> None:
    with start_simulator(seed=63, faults="orphan_reply=0.2,bad_item=0.1") as sim:
        for _ in range(200):
            sim.store.random_event()
        service = IntakeService(
            services.db, fast_gateway(sim.base_url), services.now, page_size=37, lifecycle=services.lifecycle
        )
        result = service.sync_once()
        assert result.error == ""
        with services.db.session() as session:
            stored = set(session.scalars(sa.select(Message.external_id)))
            open_ids = set(
                session.scalars(sa.select(QuarantineEntry.item_id).where(QuarantineEntry.status == "open"))
            )
            assert session.scalar(sa.select(sa.func.count()).select_from(ThreadEntry)) == sum(
                1 for item in sim.store.feed if item["parent_id"]
            )
        assert stored == set(sim.store.messages)  # every good message exactly once
        assert open_ids == set(sim.store.bad_ids) and sim.store.bad_ids  # every bad one quarantined
        assert result.recovered > 0  # orphan replies stored when their parent arrived


def test_new_fault_names_parse() -> None:
    spec = parse_faults("orphan_reply=0.1,bad_item=0.05,slow_body=0.01,malformed_success=0.2")
    assert spec == FaultSpec(orphan_reply=0.1, bad_item=0.05, slow_body=0.01, malformed_success=0.2)
    assert "bad_item=0.05" in spec.describe()


def test_slow_body_fault_is_cut_off_by_the_pass_deadline(services: AppServices) -> None:
    from desktop_app.services.intake import IntakeLimits

    with start_simulator(seed=64, initial_messages=3, faults="slow_body=1") as sim:
        service = IntakeService(
            services.db, fast_gateway(sim.base_url, timeout=1.5, retries=0), services.now,
            limits=IntakeLimits(deadline_seconds=1.5), lifecycle=services.lifecycle
                  )  # fmt: skip
        result = service.sync_once()
        assert result.error and sim.injected_faults()["slow_body"] >= 1
        sim.set_faults(None)
        assert service.sync_once().new == 3
