"""Issue 14: no account guessed — throttling, lockout, audited failures, equal work for unknown logins."""

from __future__ import annotations

import statistics
import time

import pytest
import sqlalchemy as sa

from desktop_app.models.entities import AuditEvent
from desktop_app.services.auth import AuthService
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.errors import AuthenticationError
from desktop_app.settings import LoginSettings
from tests.support.factories import PASSWORD, Clock, World

LIMITS = LoginSettings(max_failures=3, lockout_minutes=15, base_delay_seconds=1.0, max_delay_seconds=4.0)


def _auth(
    services: AppServices, clock: Clock, workstation: str = "ws-1", limits: LoginSettings = LIMITS
) -> AuthService:
    return AuthService(services.db, clock, login_settings=limits, workstation=workstation)


def _events(services: AppServices) -> list[tuple[str, str, dict]]:
    with services.db.session() as session:
        return [
            (e.action, e.actor_login, e.after or {})
            for e in session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action.like("login%")).order_by(AuditEvent.id)
            )
        ]


def test_each_failure_doubles_the_wait_before_the_next_attempt(
    world: World, services: AppServices, clock: Clock
) -> None:
    auth = _auth(services, clock)
    with pytest.raises(AuthenticationError, match="Неверное"):
        auth.login("operator", "не тот")
    with pytest.raises(AuthenticationError, match="подождите 1 с"):
        auth.login("operator", PASSWORD)  # even the right password waits: guessing is slowed, not skipped
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError, match="Неверное"):
        auth.login("operator", "опять не тот")
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError, match="подождите 1 с"):
        auth.login("operator", PASSWORD)  # the second failure waits 2 s
    clock.advance(seconds=1)
    assert auth.login("operator", PASSWORD).login == "operator"
    with pytest.raises(AuthenticationError, match="Неверное"):  # success reset the series: no wait
        auth.login("operator", "не тот")


def test_lockout_after_n_failures_then_it_expires(world: World, services: AppServices, clock: Clock) -> None:
    auth = _auth(services, clock)
    for _ in range(LIMITS.max_failures):
        with pytest.raises(AuthenticationError, match="Неверное"):
            auth.login("operator", "угадываю")
        clock.advance(seconds=5)
    with pytest.raises(AuthenticationError, match="временно заблокирован"):
        auth.login("operator", PASSWORD)
    # Another workstation does not lift a login's lockout.
    with pytest.raises(AuthenticationError, match="временно заблокирован"):
        _auth(services, clock, "ws-2").login("operator", PASSWORD)
    clock.advance(minutes=15)
    assert auth.login("operator", PASSWORD).login == "operator"
    actions = [action for action, _login, _after in _events(services)]
    assert actions == [
        "login_failed",
        "login_failed",
        "login_locked",
        "login_locked",
        "login_locked",
        "login",
    ]


def test_one_workstation_trying_many_logins_is_slowed_and_locked(
    world: World, services: AppServices, clock: Clock
) -> None:
    limits = LoginSettings(
        max_failures=50, max_failures_per_workstation=4, base_delay_seconds=1.0, max_delay_seconds=2.0
    )
    auth = _auth(services, clock, "ws-guess", limits)
    with pytest.raises(AuthenticationError, match="Неверное"):
        auth.login("ivanov", "x")
    with pytest.raises(AuthenticationError, match="подождите"):
        auth.login("petrov", "x")  # another login from the same workstation waits too
    for n in range(3):
        clock.advance(seconds=3)
        with pytest.raises(AuthenticationError, match="Неверное"):
            auth.login(f"user{n}", "x")
    clock.advance(seconds=3)
    with pytest.raises(AuthenticationError, match="временно заблокирован"):
        auth.login("operator", PASSWORD)
    assert _auth(services, clock, "ws-other", limits).login("operator", PASSWORD).login == "operator"


def test_failed_logins_are_audited_without_the_password(
    world: World, services: AppServices, clock: Clock
) -> None:
    auth = _auth(services, clock)
    with pytest.raises(AuthenticationError):
        auth.login("нет-такого", "секрет-123")
    with pytest.raises(AuthenticationError):
        auth.login("нет-такого", "секрет-123")
    events = _events(services)
    assert [(a, login) for a, login, _ in events] == [
        ("login_failed", "нет-такого"),
        ("login_throttled", "нет-такого"),
    ]
    assert events[0][2] == {"workstation": "ws-1", "failures": 1}
    assert "секрет-123" not in repr(events)


def test_unknown_and_known_logins_take_the_same_time(
    world: World, services: AppServices, clock: Clock
) -> None:
    def timed(login: str, n: int) -> float:
        auth = _auth(services, clock, f"ws-{login}-{n}")  # a fresh workstation: no throttling in the way
        clock.advance(minutes=1)
        started = time.perf_counter()
        with pytest.raises(AuthenticationError, match="Неверное"):
            auth.login(login, "не тот пароль")
        return time.perf_counter() - started

    known = statistics.median(timed("operator", n) for n in range(3))
    unknown = statistics.median(timed(f"nobody{n}", n) for n in range(3))
    assert 0.5 < unknown / known < 2.0, (unknown, known)
