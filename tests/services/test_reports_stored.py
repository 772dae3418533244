"""What the dashboard reads from the record instead of recomputing it (issue 19, migration 0011).

Only the street address a text names is stored (``messages.address_key``): it is a pure function of
the text, kept by the model whenever the text is written. Answer times and stage outcomes stay
computed from the stage records on every report, so a calendar change or a stage that closes after
midnight needs no stored figure to be brought up to date. These tests compare the stored key and the
figures built on it with the direct computation from the texts.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import sqlalchemy as sa
from alembic import command

from desktop_app.domain.addresses import address_key
from desktop_app.domain.lifecycle import ChannelKind
from desktop_app.models.database import Database, alembic_config, open_database
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.dashboard import REPEAT_WINDOW_DAYS, ReportPeriod
from tests.services.report_history import arrive
from tests.support.factories import Clock, World, msk

PLACES = ("на ул. Мира, 5", "на улице Мира д. 5", "по проспекту Ленина 12", "во дворе", "на пл. Победы",
          "у дома", "в мкр. Дашково-Песочня 3")  # fmt: skip


def _direct_repeat_addresses(services: AppServices, period: ReportPeriod) -> list[int]:
    """Repeat-address messages by parsing every text now (the definition, not the stored key)."""
    tz = zoneinfo.ZoneInfo(services.settings.administration.timezone)
    since, until = period.bounds(tz)
    with services.db.session() as session:
        rows = session.execute(
            sa.select(Message.id, Message.arrived_at, Message.text).order_by(Message.arrived_at, Message.id)
        ).all()
    last: dict[str, dt.datetime] = {}
    found = []
    for message_id, arrived, text in rows:
        key = address_key(text)
        if key is None:
            continue
        previous = last.get(key)
        window = dt.timedelta(days=REPEAT_WINDOW_DAYS)
        if since <= arrived < until and previous is not None and arrived - previous <= window:
            found.append(message_id)
        last[key] = arrived
    return found


def test_stored_address_keys_give_the_figures_the_texts_give(
    services: AppServices, world: World, clock: Clock
) -> None:
    """Random texts, some edited later (the author corrected the post): stored key = direct key."""
    rng = random.Random(1911)
    clock.set(msk(2026, 4, 20, 9, 0))
    ids = []
    for n in range(40):
        clock.advance(minutes=rng.choice((30, 300, 900, 2000)))
        text = f"Здравствуйте! Не убран снег {rng.choice(PLACES)}."
        ids.append(arrive(services, f"ADDR-{n}", f"Автор {n % 7}", "vk", ChannelKind.SOCIAL_NETWORK, text))
    with services.db.session() as session, session.begin():
        for message_id in rng.sample(ids, 12):
            message = session.get(Message, message_id)
            message.text = f"Исправлено: яма {rng.choice(PLACES)}"
    with services.db.session() as session:
        for message_id, text, stored in session.execute(
            sa.select(Message.id, Message.text, Message.address_key)
        ):
            assert stored == address_key(text), (message_id, text)
    period = ReportPeriod(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    now = msk(2026, 6, 2, 12, 0)
    board = services.reports.dashboard(world.supervisor, period, now)
    expected = _direct_repeat_addresses(services, period)
    assert expected, "the random history has repeat addresses"
    assert board.figure("repeat_address").value == len(expected)
    drill = board.figure("repeat_address").drill
    assert [ref.id for ref in services.reports.drill_down(world.supervisor, drill)] == expected


def test_the_migration_backfills_the_address_of_existing_messages(tmp_path) -> None:
    """A database at 0008 with messages gets each one's key from its text on upgrade to 0011."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0008")
    db = Database(url)
    arrived = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    with db.engine.begin() as conn:
        for n, text in enumerate(
            ("Яма на улице Мира, д. 5", "Во дворе темно", "На проспекте Ленина 12 не горят фонари")
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO messages (id, external_id, channel_kind, platform, author_name,"
                    " author_profile_url, post_url, text, arrived_at, state, state_reason, created_at,"
                    " updated_at, version) VALUES (:id, :ext, 'social_network', 'vk', 'А', '', '', :text,"
                    " :at, 'new', '', :at, :at, 1)"
                ),
                {"id": n + 1, "ext": f"OLD-{n}", "text": text, "at": arrived},
            )
    db.dispose()
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            keys = dict(conn.execute(sa.text("SELECT id, address_key FROM messages")).all())
    finally:
        db.dispose()
    assert keys == {1: "ул мира 5", 2: None, 3: "пр ленина 12"}


def test_a_clock_restarted_long_after_arrival_counts_in_its_period(
    services: AppServices, world: World, clock: Clock
) -> None:
    """The clocks take their message's columns from the messages read for the period and the 30 days
    before; a message that arrived earlier still (the author wrote again months later, R5) is read
    apart. Its new 8-hour clock, late by the period's end, counts in the period's figures and drills."""
    from desktop_app.domain.worktime.deadlines import Stage

    clock.set(msk(2026, 2, 2, 10, 0))
    old = arrive(services, "OLD-CLOCK", "Автор", "ok", ChannelKind.SOCIAL_NETWORK, "Яма на улице Мира, 5")
    clock.set(msk(2026, 5, 12, 10, 0))
    fresh = arrive(services, "NEW-CLOCK", "Другой", "vk", ChannelKind.SOCIAL_NETWORK, "Во дворе темно")
    with services.db.session() as session, session.begin():
        message = session.get(Message, old)
        services.deadlines.close_stages(
            session, message, {Stage.ROUTE, Stage.OVERALL}, msk(2026, 2, 2, 11, 0), world.operator.user_id
        )
        services.deadlines.open_stage(session, message, Stage.OVERALL, msk(2026, 5, 13, 9, 0))
    period = ReportPeriod(dt.date(2026, 5, 11), dt.date(2026, 5, 17))
    now = msk(2026, 5, 19, 12, 0)
    board = services.reports.dashboard(world.supervisor, period, now)
    ids = services.reports.board.drill_ids
    late = board.figure("late")
    assert ids(world.supervisor, late.drill) == sorted([old, fresh])
    assert late.value == 2
    platforms = {row.key: row.values["late"] for row in board.groupings["platform"].rows}
    assert platforms == {"ok": 1, "vk": 1}
    assert board.figure("received").value == 1  # the old message arrived in February
