"""Saved filters per user (issue 18, point 11): a queue and a search under a name, kept in the database.

Stored as one ``app_settings`` row per user (``saved_filters:<user id>``), so no migration is needed
and the filters follow the person to any workstation. Saving and deleting are audited (R11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.models.database import Database
from desktop_app.models.entities import AppSetting
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError

MAX_FILTERS = 30


@dataclass(frozen=True)
class SavedFilter:
    name: str
    queue: str
    search: str


def _key(actor: Actor) -> str:
    return f"saved_filters:{actor.user_id}"


class SavedFilterService:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._now = now

    def list(self, actor: Actor) -> list[SavedFilter]:
        with self._db.session() as session:
            actor = access.current_actor(session, actor)  # issue 14: a switched-off account is refused
            row = session.get(AppSetting, _key(actor))
            items = row.value if row and isinstance(row.value, list) else []
            return [SavedFilter(str(i["name"]), str(i["queue"]), str(i.get("search", ""))) for i in items]

    def _write(self, actor: Actor, filters: list[SavedFilter], action: str, name: str) -> None:
        with self._db.session() as session, session.begin():
            actor = access.current_actor(session, actor)
            row = session.get(AppSetting, _key(actor))
            value = [{"name": f.name, "queue": f.queue, "search": f.search} for f in filters]
            if row is None:
                session.add(AppSetting(key=_key(actor), value=value))
            else:
                row.value = value
            audit.record_by(
                session,
                actor,
                action=action,
                entity_type="saved_filter",
                entity_id=actor.user_id,
                occurred_at=self._now(),
                after={"name": name},
            )

    def save(self, actor: Actor, name: str, queue: str, search: str) -> list[SavedFilter]:
        """Save (or replace, by name) a filter; returns the user's filters."""
        name = " ".join(name.split())
        if not name:
            raise InputError("Назовите фильтр.")
        if len(name) > 80:
            raise InputError("Название фильтра — не длиннее 80 знаков.")
        filters = [f for f in self.list(actor) if f.name != name]
        if len(filters) >= MAX_FILTERS:
            raise InputError(f"Сохранено уже {MAX_FILTERS} фильтров: удалите ненужные.")
        filters.append(SavedFilter(name, queue, search.strip()))
        filters.sort(key=lambda f: f.name.casefold())
        self._write(actor, filters, "save_filter", name)
        return filters

    def delete(self, actor: Actor, name: str) -> list[SavedFilter]:
        filters = [f for f in self.list(actor) if f.name != name]
        self._write(actor, filters, "delete_filter", name)
        return filters
