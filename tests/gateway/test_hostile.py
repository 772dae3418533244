"""The intake against a hostile peer (issue 12), through the real HTTP adapter, on SQLite and PostgreSQL.

One bad item never stops the feed: it is quarantined with its payload and a Russian reason and the
cursor moves on. Every pass is bounded. The token goes to the configured origin only.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import sqlalchemy as sa

from desktop_app.adapters.incident.http import NO_CONNECTION_TEXT, HttpIncidentGateway
from desktop_app.adapters.incident.simulator.generator import png_bytes
from desktop_app.adapters.incident.simulator.server import BAD_ITEM_VARIANTS
from desktop_app.adapters.incident.wire import FeedLimits
from desktop_app.models.entities import Attachment, Message, QuarantineEntry, SyncState, ThreadEntry
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.intake import IntakeLimits, IntakeService
from tests.gateway.hostile import Answer, HostileServer, Seen, good_item

TOKEN = "secret-token-42"


def _gateway(base_url: str, **kw: Any) -> HttpIncidentGateway:
    kw.setdefault("timeout_seconds", 2.0)
    return HttpIncidentGateway(base_url, TOKEN, retries=1, sleep=lambda _s: None, **kw)


def _service(services: AppServices, gateway: HttpIncidentGateway, **kw: Any) -> IntakeService:
    return IntakeService(services.db, gateway, services.now, **kw, lifecycle=services.lifecycle)


def _count(services: AppServices, model: type, *where: Any) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def _open(services: AppServices) -> list[QuarantineEntry]:
    with services.db.session() as session:
        return list(
            session.scalars(
                sa.select(QuarantineEntry)
                .where(QuarantineEntry.status == "open")
                .order_by(QuarantineEntry.id)
            )
        )


def _bad(variant: int, n: int) -> dict[str, Any]:
    item = good_item(n)
    BAD_ITEM_VARIANTS[variant](item)
    return item


def test_505_messages_after_an_orphan_reply_arrive_in_one_pass(services: AppServices) -> None:
    """Before: the orphan blocked the cursor and the 6 messages past the first page never came."""
    orphan = good_item(0, id="H-0-R1", parent_id="H-never", text="Это ответ на пропавшее сообщение.")
    with HostileServer([orphan] + [good_item(n) for n in range(1, 506)]) as server:
        service = _service(services, _gateway(server.base_url))
        result = service.sync_once()
        assert (result.new, result.failed, result.error) == (505, 1, "")
        assert _count(services, Message) == 505
        (entry,) = _open(services)
        assert entry.item_id == "H-0-R1" and entry.parent_id == "H-never"
        assert "H-never" in entry.reason and json.loads(entry.payload) == orphan
        with services.db.session() as session:
            assert session.scalars(sa.select(SyncState)).one().cursor == "506"
        # The parent arrives later: the waiting reply is stored in that same pass.
        server.feed.append(good_item(999, id="H-never"))
        later = service.sync_once()
        assert (later.new, later.replies, later.recovered) == (1, 1, 1)
        assert _open(services) == [] and _count(services, ThreadEntry) == 1


def test_one_bad_item_among_500_leaves_500_stored_and_1_quarantined(services: AppServices) -> None:
    feed = [good_item(n) for n in range(250)] + [_bad(2, 250)] + [good_item(n) for n in range(251, 501)]
    with HostileServer(feed) as server:
        result = _service(services, _gateway(server.base_url)).sync_once()
    assert (result.new, result.failed, result.error) == (500, 1, "")
    assert _count(services, Message) == 500
    (entry,) = _open(services)
    assert entry.item_id == "H-250" and "«author»" in entry.reason


@pytest.mark.parametrize(
    ("variant", "fragment"),
    [
        (0, "без часового пояса"),
        (1, "вне календаря"),
        (2, "«author» должно быть объектом"),
        (3, "а не числом"),
        (4, "не в кодировке base64"),
        (5, "не в кодировке base64"),
        (6, "«attachments» должно быть списком"),
    ],
)
def test_each_bad_field_is_quarantined_with_a_russian_reason(
    services: AppServices, variant: int, fragment: str
) -> None:
    feed = [good_item(1), _bad(variant, 2), good_item(3)]
    with HostileServer(feed) as server:
        result = _service(services, _gateway(server.base_url)).sync_once()
    assert (result.new, result.failed, result.error) == (2, 1, "")
    (entry,) = _open(services)
    assert fragment in entry.reason and entry.item_id == "H-2"
    assert "Error" not in entry.reason and "Traceback" not in entry.reason
    assert _count(services, Attachment) == 0  # garbage base64 is never a 0-byte "photo"


def test_items_that_are_not_a_list_are_kept_whole_and_the_cursor_moves_on(services: AppServices) -> None:
    def script(seen: Seen) -> Answer | None:
        if seen.path == "/api/v1/feed" and not seen.query.get("cursor", [""])[0]:
            return Answer(body={"items": "сломано", "next_cursor": "7", "has_more": False})
        return None

    with HostileServer(script=script) as server:
        result = _service(services, _gateway(server.base_url)).sync_once()
    assert (result.failed, result.error) == (1, "")
    (entry,) = _open(services)
    assert "«items»" in entry.reason and json.loads(entry.payload) == "сломано"
    with services.db.session() as session:
        assert session.scalars(sa.select(SyncState)).one().cursor == "7"


def test_over_the_caps_is_quarantined(services: AppServices) -> None:
    photo = png_bytes(__import__("random").Random(1))
    big = good_item(2, text="а" * 501)
    heavy = good_item(3, attachments=[{"id": "A", "filename": "большое.png", "media_type": "image/png",
                                       "content_base64": base64.b64encode(b"x" * 5000).decode()}])  # fmt: skip
    fine = good_item(4, attachments=[{"id": "B", "filename": "фото.png", "media_type": "image/png",
                                      "content_base64": base64.b64encode(photo).decode()}])  # fmt: skip
    limits = FeedLimits(max_text_chars=500, max_attachment_bytes=4000)
    with HostileServer([good_item(1), big, heavy, fine]) as server:
        result = _service(services, _gateway(server.base_url, limits=limits)).sync_once()
    assert (result.new, result.failed) == (2, 2)
    reasons = {e.item_id: e.reason for e in _open(services)}
    assert "текст длиннее 500 символов" in reasons["H-2"]
    assert "больше" in reasons["H-3"] and "КБ" in reasons["H-3"]
    assert _count(services, Attachment) == 1


def test_a_long_cursor_is_kept_and_the_feed_resumes_from_it(services: AppServices) -> None:
    """Before: a 300-character cursor failed on PostgreSQL and the feed was re-read every pass."""
    long_cursor = "c" * 300
    asked: list[str] = []

    def script(seen: Seen) -> Answer | None:
        cursor = seen.query.get("cursor", [""])[0]
        asked.append(cursor)
        if cursor == "":
            return Answer(body={"items": [good_item(1)], "next_cursor": long_cursor, "has_more": False})
        assert cursor == long_cursor
        return Answer(body={"items": [], "next_cursor": long_cursor, "has_more": False})

    with HostileServer(script=script) as server:
        service = _service(services, _gateway(server.base_url))
        assert service.sync_once().new == 1
        assert service.sync_once().error == ""
    assert asked == ["", long_cursor]


def test_a_cursor_that_does_not_advance_ends_the_pass_with_an_error(services: AppServices) -> None:
    def script(seen: Seen) -> Answer | None:
        return Answer(body={"items": [good_item(1)], "next_cursor": "same", "has_more": True})

    with HostileServer(script=script) as server:
        service = _service(services, _gateway(server.base_url))
        first = service.sync_once()  # "" -> "same": progress
        second = service.sync_once()  # "same" -> "same" with has_more: an endless loop before
        feed_requests = len(server.requests_to("/api/v1/feed"))
    assert first.new == 1
    assert "не продвигает ленту" in second.error and feed_requests <= 4
    assert _count(services, Message) == 1


def test_an_endless_feed_stops_at_the_page_limit(services: AppServices) -> None:
    def script(seen: Seen) -> Answer | None:
        n = int(seen.query.get("cursor", ["0"])[0] or 0)
        return Answer(body={"items": [good_item(n)], "next_cursor": str(n + 1), "has_more": True})

    with HostileServer(script=script) as server:
        result = _service(services, _gateway(server.base_url), max_pages=5).sync_once()
    assert result.new == 5 and result.error == "" and "страниц" in result.incomplete


@pytest.mark.parametrize("kind", ["trickle", "endless"])
def test_the_pass_deadline_holds_against_a_slow_or_endless_body(services: AppServices, kind: str) -> None:
    """Before: a byte a second never tripped the 2 s read timeout and the pass hung."""
    body = json.dumps({"items": [good_item(1)], "next_cursor": "1", "has_more": False}).encode()
    answer = (
        Answer(body=body, trickle=1.0) if kind == "trickle" else Answer(body=b'{"items": [', endless=True)
    )
    with HostileServer(script=lambda _seen: answer) as server:
        limits = IntakeLimits(deadline_seconds=2.0)
        gateway = _gateway(server.base_url, timeout_seconds=1.5, max_page_bytes=2 * 1024 * 1024)
        started = time.monotonic()
        result = _service(services, gateway, limits=limits).sync_once()
        elapsed = time.monotonic() - started
    assert elapsed < 4.0, elapsed
    assert result.error and result.new == 0
    assert "Система Инцидент" in result.error and "Error" not in result.error


def test_the_token_goes_to_the_configured_host_only(services: AppServices) -> None:
    """Before: an attachment on another host was fetched with ``Authorization: Bearer <token>``."""
    photo = png_bytes(__import__("random").Random(2))
    with HostileServer() as foreign, HostileServer() as own:
        foreign.files["/evil.png"] = photo
        own.files["/api/v1/attachments/1"] = photo

        def redirect(seen: Seen) -> Answer | None:
            if seen.path == "/api/v1/attachments/moved":
                return Answer(302, b"", {"Location": f"{foreign.base_url}/evil.png"})
            return None

        own.script = redirect
        own.feed = [
            good_item(1, attachments=[{"id": "a", "filename": "1.png", "media_type": "image/png",
                                       "url": f"{foreign.base_url}/evil.png"}]),
            good_item(2, attachments=[{"id": "b", "filename": "2.png", "media_type": "image/png",
                                       "url": "/api/v1/attachments/moved"}]),
            good_item(3, attachments=[{"id": "c", "filename": "3.png", "media_type": "image/png",
                                       "url": f"{own.base_url}/api/v1/attachments/1"}]),
        ]  # fmt: skip
        result = _service(services, _gateway(own.base_url, inline_attachments=False)).sync_once()
        assert (result.new, result.failed) == (3, 0)
        assert len(foreign.seen) == 2
        assert all(
            "Authorization" not in s.headers and "authorization" not in s.headers for s in foreign.seen
        )
        assert all(s.headers.get("Authorization") == f"Bearer {TOKEN}" for s in own.seen)
        with services.db.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 3


def test_foreign_attachments_can_be_refused_by_a_setting(services: AppServices) -> None:
    with HostileServer() as foreign, HostileServer() as own:
        foreign.files["/x.png"] = b"png"
        own.feed = [good_item(1, attachments=[{"id": "a", "filename": "x.png", "media_type": "image/png",
                                               "url": f"{foreign.base_url}/x.png"}])]  # fmt: skip
        gateway = _gateway(own.base_url, inline_attachments=False, foreign_attachments="refuse")
        result = _service(services, gateway).sync_once()
        assert result.failed == 1 and foreign.seen == []
    (entry,) = _open(services)
    assert "incident.foreign_attachments" in entry.reason


def test_connection_errors_are_russian_sentences_without_class_names() -> None:
    gateway = _gateway("http://127.0.0.1:9")
    with pytest.raises(Exception) as info:
        gateway.fetch("")
    assert str(info.value) == NO_CONNECTION_TEXT
    assert "Error" not in str(info.value) and "(" not in str(info.value)


def test_an_unexpected_failure_in_a_loop_shows_no_class_name() -> None:
    from desktop_app.services.periodic import PeriodicLoop

    shown: list[str] = []

    class Broken(PeriodicLoop):
        failure_text = "Ошибка получения сообщений из Системы Инцидент: {error}"

        def run_once(self) -> None:
            raise KeyError("attachments")

    loop = Broken("broken", 60, on_error=shown.append).start()
    for _ in range(100):
        if shown:
            break
        time.sleep(0.02)
    loop.stop()
    assert shown and "KeyError" not in shown[0] and "attachments" not in shown[0]
    assert "журнале" in shown[0]


def test_a_huge_text_is_quarantined_without_holding_it_in_memory(services: AppServices) -> None:
    """Before: a 300 MB text was stored (2.4 GB of memory); now the page over the cap is read again
    item by item with long strings dropped while reading, and the item is quarantined."""
    import tracemalloc

    huge = good_item(2, text="я" * 3_000_000)  # 6 MB of UTF-8, against a 1 MB page cap here
    with HostileServer([good_item(1), huge, good_item(3)]) as server:
        gateway = _gateway(
            server.base_url, max_page_bytes=1024 * 1024, limits=FeedLimits(max_text_chars=10_000)
        )
        intake = _service(services, gateway)
        # The server runs in this process: its pages are encoded before tracing starts, so the peak
        # is the client's own (unprepared, the server's 12 MB per answer made the bound flaky).
        server.prepare_pages((intake.page_size, 1))
        tracemalloc.start()
        result = intake.sync_once()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        asked = [s.query for s in server.seen if s.path == "/api/v1/feed"]
    assert all((q.get("cursor", [""])[0], int(q["limit"][0])) in server.prepared_pages for q in asked), asked
    assert (result.new, result.failed, result.error) == (2, 1, "")
    (entry,) = _open(services)
    assert entry.item_id == "H-2" and "текст длиннее 10000 символов" in entry.reason
    assert len(entry.payload) < 10_000
    assert peak < 6_000_000, peak  # less than the huge text itself (6 MB): it was never held
