"""The real HTTP adapter against the embedded simulator over loopback (R1, R2)."""

from __future__ import annotations

import datetime as dt
import random
import zlib

import httpx
import pytest

from desktop_app.adapters.incident.gateway import (
    IncidentAuthError,
    IncidentConfigError,
    IncidentPermanentError,
    IncidentTransientError,
    OutgoingAttachment,
    PublicationRequest,
    RedirectRequest,
)
from desktop_app.adapters.incident.http import HttpIncidentGateway
from desktop_app.adapters.incident.simulator import SimulatorHandle, start_simulator
from tests.gateway.conftest import fast_gateway


def _all_items(gateway: HttpIncidentGateway, page: int = 4) -> list:
    items, cursor = [], ""
    while True:
        result = gateway.fetch(cursor, page)
        items.extend(result.items)
        cursor = result.next_cursor
        if not result.has_more:
            return items


def _valid_png(data: bytes) -> bool:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if zlib.crc32(kind + body) != int.from_bytes(data[pos + 8 + length : pos + 12 + length], "big"):
            return False
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return len(zlib.decompress(idat)) == height * (1 + 3 * width)


def test_feed_pages_carry_everything_r1_needs() -> None:
    with start_simulator(seed=3, initial_messages=40) as sim:
        gateway = fast_gateway(sim.base_url)
        items = _all_items(gateway, page=7)
        assert len(items) == len(sim.store.feed) >= 40
        messages = [i for i in items if not i.is_reply]
        assert len(messages) == 40
        assert len({m.id for m in messages}) == 40
        assert {m.platform for m in messages} >= {"vk", "ok", "telegram"}
        assert {m.channel_kind for m in messages} == {"social_network", "video_hosting", "messenger"}
        for m in messages:
            assert m.author_name and m.author_profile_url.startswith("https://")
            assert m.post_url.startswith("https://") and m.text
            assert m.arrived_at.tzinfo is not None and m.arrived_at.utcoffset() == dt.timedelta(0)
            assert m.posted_at is not None and m.posted_at < m.arrived_at
        with_photos = [a for m in messages for a in m.attachments]
        assert with_photos, "the generator attaches photos to some posts"
        assert all(a.media_type == "image/png" and a.content and _valid_png(a.content) for a in with_photos)
        gateway.close()


def test_attachments_can_be_downloaded_by_url() -> None:
    with start_simulator(seed=3, initial_messages=30) as sim:
        gateway = HttpIncidentGateway(sim.base_url, inline_attachments=False)
        items = _all_items(gateway, page=50)
        attachments = [a for i in items for a in i.attachments]
        assert attachments and all(
            a.url.startswith(sim.base_url) and _valid_png(a.content) for a in attachments
        )
        gateway.close()


def test_same_seed_same_messages() -> None:
    with (
        start_simulator(seed=11, initial_messages=15) as a,
        start_simulator(seed=11, initial_messages=15) as b,
    ):
        texts_a = [(i.id, i.text, i.author_name) for i in _all_items(fast_gateway(a.base_url))]
        texts_b = [(i.id, i.text, i.author_name) for i in _all_items(fast_gateway(b.base_url))]
        assert texts_a == texts_b


def test_rate_generates_new_messages_over_time() -> None:
    with start_simulator(seed=1, rate=6000) as sim:  # 100 per second
        gateway = fast_gateway(sim.base_url)
        first = gateway.fetch("", 1000)
        import time

        time.sleep(0.3)
        second = gateway.fetch(first.next_cursor, 1000)
        assert len(second.items) > 0


def test_publish_is_idempotent_by_key(simulator: SimulatorHandle) -> None:
    gateway = fast_gateway(simulator.base_url)
    incident_id = next(iter(simulator.store.messages))
    request = PublicationRequest(
        incident_id,
        "answer",
        "Здравствуйте! Яму заделали.",
        (OutgoingAttachment("фото.png", "image/png", b"png"),),
    )
    first = gateway.publish(request, "key-1")
    second = gateway.publish(request, "key-1")
    assert first.external_id == second.external_id and first.external_url == second.external_url
    assert len(simulator.publications()) == 1
    assert simulator.publications()[0].body["attachments"][0]["filename"] == "фото.png"
    assert gateway.outbound_status("key-1") == first
    assert gateway.outbound_status("never-sent") is None
    with pytest.raises(IncidentPermanentError, match="другими данными"):
        gateway.publish(PublicationRequest(incident_id, "answer", "Другой текст"), "key-1")


def test_redirect_with_reason(simulator: SimulatorHandle) -> None:
    gateway = fast_gateway(simulator.base_url)
    incident_id = next(iter(simulator.store.messages))
    result = gateway.redirect(RedirectRequest(incident_id, "Управление Росреестра", "Вопрос о земле"), "r-1")
    assert result.external_id
    record = simulator.publications()[0]
    assert record.action == "redirect" and record.body["reason"] == "Вопрос о земле"


def test_refusals_are_permanent(simulator: SimulatorHandle) -> None:
    gateway = fast_gateway(simulator.base_url)
    with pytest.raises(IncidentPermanentError, match="не найдено") as info:
        gateway.publish(PublicationRequest("INC-404", "answer", "Текст"), "k-404")
    assert info.value.status_code == 404
    incident_id = next(iter(simulator.store.messages))
    with pytest.raises(IncidentPermanentError, match="пуст"):
        gateway.publish(PublicationRequest(incident_id, "answer", "  "), "k-empty")
    assert simulator.publications() == []


def test_wrong_token_is_an_auth_error() -> None:
    with start_simulator(seed=1, initial_messages=1, token="right-token") as sim:
        with pytest.raises(IncidentAuthError, match="токен"):
            fast_gateway(sim.base_url, token="wrong-token").fetch("")
        with pytest.raises(IncidentAuthError):
            fast_gateway(sim.base_url).fetch("")
        assert len(fast_gateway(sim.base_url, token="right-token").fetch("").items) == 1
    with pytest.raises(IncidentConfigError, match="латиница"):
        HttpIncidentGateway("http://127.0.0.1:9", token="токен")


def test_retries_5xx_then_gives_up_with_transient_error() -> None:
    with start_simulator(seed=1, initial_messages=1, faults="error5xx=1") as sim:
        sleeps: list[float] = []
        gateway = HttpIncidentGateway(
            sim.base_url, retries=3, backoff_base=0.5, sleep=sleeps.append, rng=random.Random(1)
        )
        with pytest.raises(IncidentTransientError, match="временно недоступна"):
            gateway.fetch("")
        # Full-jitter exponential backoff: each pause within [0, 0.5·2^(n-1)].
        assert len(sleeps) == 3
        assert all(0 <= s <= 0.5 * 2**i for i, s in enumerate(sleeps))


def test_timeouts_and_connection_errors_are_transient() -> None:
    with start_simulator(seed=1, initial_messages=1, faults="timeout=1,hang=2s") as sim:
        gateway = fast_gateway(sim.base_url, timeout=0.2, retries=1)
        with pytest.raises(IncidentTransientError, match="не ответила вовремя"):
            gateway.fetch("")
    gateway = fast_gateway("http://127.0.0.1:9", retries=1)
    with pytest.raises(IncidentTransientError, match="Нет связи"):
        gateway.fetch("")


def test_429_honours_retry_after() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(429, headers={"Retry-After": "3"}, json={})
        return httpx.Response(200, json={"items": [], "next_cursor": "", "has_more": False})

    sleeps: list[float] = []
    gateway = HttpIncidentGateway(
        "http://incident.test", transport=httpx.MockTransport(handler), sleep=sleeps.append
    )
    assert gateway.fetch("").items == ()
    assert sleeps and sleeps[0] >= 3


def test_time_without_offset_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        item = {
            "id": "1", "channel_kind": "messenger", "platform": "max", "author": {"name": "А"},
            "text": "т", "arrived_at": "2026-05-12T10:00:00", "attachments": [],
        }  # fmt: skip
        return httpx.Response(200, json={"items": [item], "next_cursor": "1", "has_more": False})

    gateway = HttpIncidentGateway("http://incident.test", transport=httpx.MockTransport(handler))
    page = gateway.fetch("")  # the item is set aside with the reason, the page still reads
    assert page.items == () and page.next_cursor == "1"
    (rejected,) = page.rejected
    assert rejected.item_id == "1" and "без часового пояса" in rejected.reason
