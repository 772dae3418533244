"""Synthetic queue rows for model tests (no database needed)."""

from __future__ import annotations

import datetime as dt

from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.services.queries import MessageRow
from tests.support.factories import msk

AUTHORS = ("Иван Петров", "Мария Соколова", "Олег Кузнецов", "Анна Белова")
TEXTS = ("Яма на улице Мира", "Не вывозят мусор", "Нет отопления в подъезде", "Когда починят фонари?")


def synthetic_rows(count: int, start: dt.datetime | None = None) -> list[MessageRow]:
    start = start or msk(2026, 5, 12, 9, 0)
    rows = []
    for n in range(count):
        arrived = start + dt.timedelta(minutes=n % 240)
        rows.append(
            MessageRow(
                id=n + 1,
                version=1,
                external_id=f"INC-{n + 1}",
                platform=("vk", "ok", "telegram", "youtube")[n % 4],
                channel_kind=ChannelKind.SOCIAL_NETWORK,
                author_name=AUTHORS[n % len(AUTHORS)],
                preview=f"{TEXTS[n % len(TEXTS)]} №{n}",
                department_name="Управление ЖКХ" if n % 2 else "",
                state=MessageState.NEW,
                arrived_at=arrived,
                current_stage="route",
                stage_started_at=arrived,
                stage_budget="1h",
                stage_due=arrived + dt.timedelta(hours=1),
                stage_warn_from=arrived + dt.timedelta(minutes=48),
                overall_due=arrived + dt.timedelta(hours=24),
                overall_warn_from=arrived + dt.timedelta(hours=23),
                overall_closed_at=None,
            )
        )
    return rows
