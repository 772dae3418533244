"""Suite-wide fixtures: headless Qt, and migrated databases on SQLite and a real PostgreSQL.

Every data-layer test that takes ``database`` runs twice: on SQLite and on PostgreSQL. A migrated
template is made once per session and copied per test, so each test starts from an empty schema.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.models.database import Database
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.settings import Settings
from tests.support.factories import Clock, World, msk
from tests.support.pg_server import throwaway_postgres

IN_CI = os.environ.get("CI", "").lower() == "true"
_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        if url is None:
            if IN_CI:
                pytest.fail(
                    "CI=true but no PostgreSQL server could be started: PostgreSQL tests may not be skipped"
                )
            pytest.skip("no PostgreSQL server binaries on this machine (install the postgresql package)")
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> str:
    """A database migrated to head, used as the template of every test database."""
    import sqlalchemy as sa

    from desktop_app.models.database import open_database

    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS otklik_template"))
        conn.execute(sa.text("CREATE DATABASE otklik_template"))
    admin.dispose()
    url = postgres_server_url.rsplit("/", 1)[0] + "/otklik_template"
    open_database(url).dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_app.models.database import open_database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _fresh_postgres_url(server_url: str) -> str:
    import sqlalchemy as sa

    name = f"otklik_test_{os.getpid()}_{next(_counter)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE otklik_template"))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "otklik.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    request.getfixturevalue("postgres_template")
    return _fresh_postgres_url(request.getfixturevalue("postgres_server_url"))


@pytest.fixture
def database(database_url: str) -> Iterator[object]:
    from desktop_app.models.database import Database

    db = Database(database_url)
    yield db
    db.dispose()


# Service-level fixtures shared by tests/services and tests/views: a settable clock, the wired
# services on the ``database`` fixture, and a small administration (departments, one person a role).


@pytest.fixture
def clock() -> Clock:
    # Tuesday 12 May 2026, 10:00 Moscow: an ordinary working morning after the May holidays.
    return Clock(msk(2026, 5, 12, 10, 0))


@pytest.fixture
def services(database: Database, clock: Clock) -> AppServices:
    return build_services(Settings(), database, now=clock)


@pytest.fixture
def world(services: AppServices) -> World:
    return World(services)
