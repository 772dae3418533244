from __future__ import annotations

from desktop_app.domain.lifecycle import MessageState
from desktop_app.services import audit
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.demo import load_seed, seed_demo
from desktop_app.services.queries import Queue


def test_demo_seed_has_every_state_accounts_for_every_role_and_an_intact_audit_trail(
    services: AppServices,
) -> None:
    accounts = seed_demo(services)
    assert set(accounts.values()) == {"admin", "operator", "supervisor", "executor"}
    operator = services.auth.login("operator", load_seed()["password"])
    rows = services.queries.list_queue(operator, Queue.ALL, services.now())
    states = {r.state for r in rows}
    assert states >= {
        MessageState.NEW,
        MessageState.ROUTED,
        MessageState.UNDER_REVIEW,
        MessageState.REWORK,
        MessageState.INTERIM,
        MessageState.CLARIFICATION,
        MessageState.ANSWERED,
        MessageState.REDIRECTED,
        MessageState.CLOSED,
    }
    assert audit.verify_chain(services.db).intact
    executor = services.auth.login("roads", load_seed()["password"])
    mine = services.queries.list_queue(executor, Queue.ALL, services.now())
    assert mine and all(r.department_name.startswith("Управление дорожного") for r in mine)
    assert services.queries.list_queue(operator, Queue.ALL, services.now(), search="светофор")[
        0
    ].author_name == ("Павел Егоров")
