"""The deadline policy shared by every workstation (R3–R9): stage budgets, R3 clock, warnings.

Stored in the database so a department on one PostgreSQL counts the same deadlines everywhere; the
settings file's ``[deadlines] overall_clock`` is only the default until an administrator saves one.
Deadlines already running keep the budget they started with (it is on record with the stage).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping

from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import DeadlinePolicy, OverallClock, Stage
from desktop_app.domain.worktime.duration import parse_duration
from desktop_app.errors import OtklikError
from desktop_app.models.database import Database
from desktop_app.models.entities import AppSetting
from desktop_app.services import access, audit
from desktop_app.services.actor import Actor
from desktop_app.services.errors import InputError
from desktop_app.services.texts import STAGE_NAMES

POLICY_KEY = "deadline_policy"
ADMIN_ONLY = "Сроки этапов изменяет только администратор."
REFRESH_SECONDS = 60.0  # another workstation's change reaches this one within a minute


class PolicyService:
    def __init__(self, db: Database, default_overall_clock: str, now: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._default_clock = default_overall_clock
        self._now = now
        self._lock = threading.Lock()
        self._cached: DeadlinePolicy | None = None
        self._loaded_at = 0.0

    def current(self) -> DeadlinePolicy:
        with self._lock:
            if self._cached is None or time.monotonic() - self._loaded_at > REFRESH_SECONDS:
                self._cached = self._load()
                self._loaded_at = time.monotonic()
            return self._cached

    def _load(self) -> DeadlinePolicy:
        with self._db.session() as session:
            stored = session.get(AppSetting, POLICY_KEY)
            if stored is not None:
                return DeadlinePolicy.from_data(stored.value)
        return DeadlinePolicy().with_overall_clock(self._default_clock)

    def save(
        self,
        actor: Actor,
        budgets: Mapping[Stage, str],
        overall_clock: str,
        warn_fraction: float,
        warn_min_minutes: int,
    ) -> DeadlinePolicy:
        """An administrator's new policy; it applies to deadlines that start from now on."""
        with self._db.session() as session:
            access.acting_as(session, actor, (Role.ADMIN,), ADMIN_ONLY)  # issue 14: as the person is now
        parsed = {}
        for stage, text in budgets.items():
            try:
                parsed[Stage(stage)] = parse_duration(text)
            except OtklikError as exc:
                raise InputError(f"Срок этапа «{STAGE_NAMES[Stage(stage).value]}»: {exc}") from exc
        try:
            policy = DeadlinePolicy(
                budgets=parsed,
                overall_clock=OverallClock(overall_clock),
                warn_fraction=warn_fraction,
                warn_min_minutes=warn_min_minutes,
            )
        except (OtklikError, ValueError) as exc:
            raise InputError(f"Политика сроков не сохранена: {exc}") from exc
        now = self._now()
        with self._db.session() as session, session.begin():
            actor = access.acting_as(session, actor, (Role.ADMIN,), ADMIN_ONLY)
            row = session.get(AppSetting, POLICY_KEY)
            before = row.value if row else None
            if row is None:
                row = AppSetting(key=POLICY_KEY, value=policy.to_data())
                session.add(row)
            row.value = policy.to_data()
            audit.record_by(
                session,
                actor,
                action="save_deadline_policy",
                entity_type="policy",
                entity_id=None,
                occurred_at=now,
                before=before,
                after=policy.to_data(),
            )
        with self._lock:
            self._cached = policy
            self._loaded_at = time.monotonic()
        return policy
