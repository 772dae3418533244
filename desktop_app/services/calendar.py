"""The administration's working calendar: built-in data, imported years and custom days.

Imported years and custom days live in the database so every workstation computes the same
deadlines; a change recomputes the open deadlines and never the closed ones (issue 4.3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable

import sqlalchemy as sa

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.data import builtin_spec
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.domain.worktime.importers import (
    parse_datagov_csv,
    parse_xmlcalendar_json,
    parse_xmlcalendar_xml,
)
from desktop_app.domain.worktime.model import CustomDay, Interval, YearData
from desktop_app.models.database import Database
from desktop_app.models.entities import CalendarDayOverride, CalendarYear
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.deadlines import DeadlineBook
from desktop_app.services.errors import InputError


class CalendarService:
    """Builds the :class:`WorkCalendar` from the database (cached) and lets admins change it."""

    def __init__(
        self, db: Database, timezone: str, allow_provisional: bool, now: Callable[[], dt.datetime]
    ) -> None:
        self._db = db
        self._timezone = timezone
        self._allow_provisional = allow_provisional
        self._now = now
        self._lock = threading.Lock()
        self._cached: WorkCalendar | None = None
        self.book: DeadlineBook | None = None  # set by the bootstrap, used to recompute deadlines

    def calendar(self) -> WorkCalendar:
        with self._lock:
            if self._cached is None:
                self._cached = self._build()
            return self._cached

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    def _build(self, session: sa.orm.Session | None = None) -> WorkCalendar:
        if session is None:
            with self._db.session() as own_session:
                return self._build(own_session)
        spec = builtin_spec(self._timezone, allow_provisional=self._allow_provisional)
        for row in session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year)):
            spec = spec.with_year(YearData.from_data(row.data))
        for override in session.scalars(sa.select(CalendarDayOverride).order_by(CalendarDayOverride.day)):
            year = spec.year_data(override.day.year)
            if year is None:
                continue
            intervals = tuple(Interval.parse(a, b) for a, b in (override.intervals or []))
            spec = spec.with_year(year.with_custom_day(CustomDay(override.day, intervals, override.note)))
        return WorkCalendar(spec)

    def years_overview(self) -> list[tuple[int, str, bool]]:
        """(year, source, provisional) of every year the calendar has data for."""
        spec = self.calendar().spec
        return [
            (y.year, y.source or "встроенный производственный календарь", y.provisional) for y in spec.years
        ]

    def custom_days(self) -> list[tuple[dt.date, str, str]]:
        """(day, working intervals or «нерабочий день», reason) of every administrator's own day."""
        with self._db.session() as session:
            rows = session.scalars(sa.select(CalendarDayOverride).order_by(CalendarDayOverride.day))
            return [
                (
                    row.day,
                    ", ".join(f"{a}–{b}" for a, b in row.intervals or []) or "нерабочий день",
                    row.note,
                )
                for row in rows
            ]

    @staticmethod
    def _admin(session: sa.orm.Session, actor: Actor) -> Actor:
        """The administrator as the database knows them now (issue 14: not the role from login)."""
        return access.acting_as(
            session, actor, (Role.ADMIN,), "Рабочий календарь изменяет только администратор."
        )

    def import_year(self, actor: Actor, data: YearData, source: str) -> int:
        """Store an imported year (already parsed whole by the importer); returns deadlines moved."""
        with self._db.session() as session, session.begin():
            moved = self._store_year(session, self._admin(session, actor), data, source)
        self.invalidate()  # again after commit: a reader may have cached the old calendar meanwhile
        return moved

    def _store_year(
        self, session: sa.orm.Session, actor: Actor, data: YearData, source: str, sha256: str = ""
    ) -> int:
        now = self._now()
        row = session.get(CalendarYear, data.year)
        before = row.data if row else None
        if row is None:
            row = CalendarYear(year=data.year, data=data.to_data(), source=source)
            session.add(row)
        row.data = data.to_data()
        row.source = source
        row.imported_at = now
        row.imported_by_id = actor.user_id
        session.flush()
        audit.record_by(
            session,
            actor,
            action="import_calendar_year",
            entity_type="calendar_year",
            entity_id=data.year,
            occurred_at=now,
            before={"year": data.year, "present": before is not None},
            after={"year": data.year, "source": source, "sha256": sha256},
        )
        return self._recompute(session)

    def import_file(self, actor: Actor, filename: str, content: bytes) -> list[tuple[int, int]]:
        """Import an xmlcalendar XML/JSON or data.gov.ru CSV file: all years or none.

        Returns (year, open deadlines moved) per imported year.
        """
        with self._db.session() as session:
            self._admin(session, actor)  # refused before the file is parsed
        suffix = filename.lower().rsplit(".", 1)[-1]
        if suffix == "xml":
            years = [parse_xmlcalendar_xml(content)]
        elif suffix == "json":
            years = [parse_xmlcalendar_json(content)]
        elif suffix == "csv":
            years = list(parse_datagov_csv(content).values())
        else:
            raise InputError(f"Файл «{filename}»: поддерживаются календари в форматах XML, JSON и CSV.")
        source = f"импорт из файла {filename}"
        digest = hashlib.sha256(content).hexdigest()  # R11: which file exactly was imported
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            moved = [(data.year, self._store_year(session, actor, data, source, digest)) for data in years]
        self.invalidate()
        return moved

    def set_custom_day(self, actor: Actor, day: dt.date, intervals: list[tuple[str, str]], note: str) -> int:
        """An administrator's own day (e.g. a sanitary day: no intervals = day off)."""
        now = self._now()
        for start, end in intervals:
            Interval.parse(start, end)  # validate before writing anything
        with self._db.session() as session, session.begin():
            actor = self._admin(session, actor)
            row = session.get(CalendarDayOverride, day)
            if row is None:
                row = CalendarDayOverride(day=day, kind="custom", intervals=[], note="")
                session.add(row)
            row.kind = "custom" if intervals else "day_off"
            row.intervals = [list(pair) for pair in intervals]
            row.note = note
            session.flush()
            audit.record_by(
                session,
                actor,
                action="set_custom_day",
                entity_type="calendar_day",
                entity_id=None,
                occurred_at=now,
                after={"day": day.isoformat(), "intervals": row.intervals, "note": note},
            )
            moved = self._recompute(session)
        self.invalidate()
        return moved

    def _recompute(self, session: sa.orm.Session) -> int:
        """Recompute open deadlines on the calendar as this transaction sees it; drop the cache."""
        session.flush()
        self.invalidate()
        if self.book is None:
            return 0
        return self.book.recompute_open(session, self._build(session), self._now())
