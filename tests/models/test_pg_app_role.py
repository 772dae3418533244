"""Issue 14: on PostgreSQL the app connects as a role that does not own the tables, so it can work
but cannot switch off — or get around — the audit trail's append-only guard."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from desktop_app.models.database import Database, app_role_statements
from desktop_app.services import audit
from desktop_app.services.bootstrap import build_services
from desktop_app.settings import Settings
from tests.support.factories import World

pytestmark = pytest.mark.postgres
_roles = itertools.count()


@pytest.fixture
def app_url(postgres_template: str, postgres_server_url: str) -> str:
    from tests.conftest import _fresh_postgres_url

    owner_url = _fresh_postgres_url(postgres_server_url)
    role = f"otklik_app_{next(_roles)}_{dt.datetime.now().microsecond}"
    engine = sa.create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        owner = conn.execute(sa.text("SELECT current_user")).scalar()
        conn.exec_driver_sql(
            f"CREATE ROLE {role} LOGIN PASSWORD 'app-secret' NOSUPERUSER NOCREATEDB NOCREATEROLE"
        )
        for statement in app_role_statements(role, owner):
            conn.exec_driver_sql(statement)
    engine.dispose()
    url = sa.engine.make_url(owner_url).set(username=role, password="app-secret")
    return url.render_as_string(hide_password=False)


def test_the_app_role_works_but_cannot_disable_the_audit_guard(app_url: str) -> None:
    db = Database(app_url)
    try:
        services = build_services(Settings(), db)
        world = World(services)  # departments, users: the app writes data as usual
        message_id = world.arrive()
        services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
        assert audit.verify_chain(db).intact
        for statement in (
            "ALTER TABLE audit_events DISABLE TRIGGER USER",
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
            "DROP TRIGGER audit_events_append_only ON audit_events",
            "DELETE FROM audit_events",
            "UPDATE audit_events SET action = 'forged'",
            "TRUNCATE audit_events",
        ):
            with db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as refused:
                conn.exec_driver_sql(statement)
            assert (
                "must be owner" in str(refused.value)
                or "permission denied" in str(refused.value)
                or ("append-only" in str(refused.value))
            ), statement
    finally:
        db.dispose()
