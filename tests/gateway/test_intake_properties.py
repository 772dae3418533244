"""Property: whatever mix of good and bad items the feed sends, in pages of any size, every good item
is stored exactly once and every bad one is quarantined with a reason (issue 12), on both databases."""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.adapters.incident.simulator.server import BAD_ITEM_VARIANTS
from desktop_app.models.entities import Message, QuarantineEntry, SyncState, ThreadEntry
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.intake import IntakeService
from tests.gateway.hostile import HostileServer, good_item

_examples = itertools.count()

# An item of the mix: ("good",), ("bad", variant), ("reply",) to an earlier good one,
# ("early_reply",) fed before its parent, ("orphan",) to a parent that never comes.
KINDS = st.one_of(
    st.just(("good",)),
    st.tuples(st.just("bad"), st.integers(0, len(BAD_ITEM_VARIANTS) - 1)),
    st.just(("reply",)),
    st.just(("early_reply",)),
    st.just(("orphan",)),
)


def _feed(prefix: str, kinds: list[tuple[Any, ...]]) -> tuple[list[dict[str, Any]], set[str], set[str], int]:
    """The raw feed, the ids of good messages, the ids that must be quarantined, and good replies."""
    feed: list[dict[str, Any]] = []
    good: set[str] = set()
    bad: set[str] = set()
    replies = 0
    for n, kind in enumerate(kinds):
        item_id = f"{prefix}-{n}"
        if kind[0] == "good":
            feed.append(good_item(n, id=item_id))
            good.add(item_id)
        elif kind[0] == "bad":
            item = good_item(n, id=item_id)
            BAD_ITEM_VARIANTS[kind[1]](item)
            feed.append(item)
            bad.add(item_id)
        elif kind[0] == "reply" and good:
            feed.append(good_item(n, id=f"{item_id}-R", parent_id=sorted(good)[0], text="Ответ автора."))
            replies += 1
        elif kind[0] == "early_reply":
            feed.append(good_item(n, id=f"{item_id}-R", parent_id=item_id, text="Ответ раньше поста."))
            feed.append(good_item(n, id=item_id))
            good.add(item_id)
            replies += 1
        elif kind[0] == "orphan":
            feed.append(good_item(n, id=f"{item_id}-R", parent_id=f"{prefix}-never-{n}"))
            bad.add(f"{item_id}-R")
    return feed, good, bad, replies


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kinds=st.lists(KINDS, min_size=1, max_size=40), page=st.integers(1, 15))
def test_good_items_stored_once_bad_ones_quarantined(
    services: AppServices, kinds: list[tuple[Any, ...]], page: int
) -> None:
    prefix = f"P{next(_examples)}"
    feed, good, bad, replies = _feed(prefix, kinds)
    with services.db.session() as session, session.begin():
        session.execute(sa.delete(SyncState))  # each example is a fresh feed
    with HostileServer(feed) as server:
        gateway = HttpIncidentGateway(server.base_url, retries=0, timeout_seconds=5)
        service = IntakeService(
            services.db, gateway, services.now, page_size=page, max_pages=1000, lifecycle=services.lifecycle
        )
        result = service.sync_once()
        assert result.error == "" and result.failed == len(bad) and len(result.errors) == len(bad)
        assert service.sync_once().new == 0  # a second pass duplicates nothing
    like = f"{prefix}-%"
    with services.db.session() as session:
        stored = list(session.scalars(sa.select(Message.external_id).where(Message.external_id.like(like))))
        assert sorted(stored) == sorted(good)  # each good message exactly once
        entries = session.scalars(
            sa.select(QuarantineEntry).where(
                QuarantineEntry.item_id.like(like), QuarantineEntry.status == "open"
            )
        ).all()
        assert {e.item_id for e in entries} == bad and len(entries) == len(bad)
        assert all(e.reason and e.payload for e in entries)
        thread = session.scalar(
            sa.select(sa.func.count()).select_from(ThreadEntry).where(ThreadEntry.external_id.like(like))
        )
        assert thread == replies
