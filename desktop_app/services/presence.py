"""Who else has a message open or is editing its draft (issue 17): a heartbeat table.

Each workstation writes one row per message it shows (``open``) or edits (``editing``) and refreshes
``seen_at`` with a heartbeat; a row older than :data:`STALE_AFTER` is ignored and later deleted, so a
workstation that crashed stops showing up by itself. Opening and closing go through the change feed
(the others see them within a second); the heartbeat itself does not.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from desktop_app.models.database import Database
from desktop_app.models.entities import Presence
from desktop_app.services.actor import Actor

HEARTBEAT = dt.timedelta(seconds=10)
STALE_AFTER = dt.timedelta(seconds=35)  # three missed heartbeats

OPEN = "open"
EDITING = "editing"


@dataclass(frozen=True, slots=True)
class Viewer:
    user_name: str
    activity: str  # OPEN or EDITING


def describe(viewers: Iterable[Viewer]) -> str:
    """«открыто у: Иванова; редактирует: Петров» — empty when nobody else."""
    editing = sorted({v.user_name for v in viewers if v.activity == EDITING})
    open_ = sorted({v.user_name for v in viewers if v.activity != EDITING} - set(editing))
    parts = []
    if editing:
        parts.append("редактирует: " + ", ".join(editing))
    if open_:
        parts.append("открыто у: " + ", ".join(open_))
    return "; ".join(parts)


class PresenceService:
    """One per workstation: ``workstation`` tells its rows from the others' (two windows of one user too)."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime], workstation: str | None = None) -> None:
        self._db = db
        self._now = now
        self.workstation = workstation or uuid.uuid4().hex

    def show(self, actor: Actor, message_id: int | None, activity: str = OPEN) -> None:
        """This workstation now shows ``message_id`` (None: nothing) with ``activity``."""
        now = self._now()
        with self._db.session() as session, session.begin():
            mine = {
                p.message_id: p
                for p in session.scalars(sa.select(Presence).where(Presence.workstation == self.workstation))
            }
            for other_id, row in mine.items():
                if other_id != message_id:
                    session.delete(row)
            if message_id is None:
                return
            row = mine.get(message_id)
            if row is None:
                session.add(
                    Presence(
                        workstation=self.workstation,
                        message_id=message_id,
                        user_id=actor.user_id,
                        user_name=actor.full_name,
                        activity=activity,
                        seen_at=now,
                    )
                )
            elif row.activity != activity:
                row.activity = activity
                row.seen_at = now

    def heartbeat(self) -> None:
        """Keep this workstation's rows fresh and drop everybody's stale ones (not a feed change)."""
        now = self._now()
        with self._db.engine.begin() as connection:
            connection.execute(
                sa.update(Presence).where(Presence.workstation == self.workstation).values(seen_at=now)
            )
            connection.execute(sa.delete(Presence).where(Presence.seen_at < now - STALE_AFTER))

    def leave(self) -> None:
        """At exit: this workstation shows nothing any more."""
        with self._db.session() as session, session.begin():
            for row in session.scalars(sa.select(Presence).where(Presence.workstation == self.workstation)):
                session.delete(row)

    def others(self, message_ids: Iterable[int]) -> dict[int, list[Viewer]]:
        """Who else (other workstations, fresh heartbeats) has each of ``message_ids`` open."""
        ids = list(message_ids)
        if not ids:
            return {}
        since = self._now() - STALE_AFTER
        found: dict[int, list[Viewer]] = {}
        with self._db.session() as session:
            for message_id, name, activity in session.execute(
                sa.select(Presence.message_id, Presence.user_name, Presence.activity).where(
                    Presence.message_id.in_(ids),
                    Presence.workstation != self.workstation,
                    Presence.seen_at >= since,
                )
            ):
                found.setdefault(message_id, []).append(Viewer(name, activity))
        return found

    def notes(self) -> dict[int, str]:
        """«открыто у: …» per message someone else has open: what a queue row shows (issue 17)."""
        return {message_id: describe(viewers) for message_id, viewers in self.all_others().items()}

    def all_others(self) -> dict[int, list[Viewer]]:
        """Every message someone else has open (few rows: one per open card in the office)."""
        since = self._now() - STALE_AFTER
        found: dict[int, list[Viewer]] = {}
        with self._db.session() as session:
            for message_id, name, activity in session.execute(
                sa.select(Presence.message_id, Presence.user_name, Presence.activity).where(
                    Presence.workstation != self.workstation, Presence.seen_at >= since
                )
            ):
                found.setdefault(message_id, []).append(Viewer(name, activity))
        return found
