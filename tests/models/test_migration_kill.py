"""Issue 14: a SQLite migration killed half-way leaves the database as it was, and the next start
migrates it cleanly (the DDL runs inside one transaction)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from desktop_app.models import Base
from desktop_app.models.database import (
    Database,
    alembic_config,
    current_revision,
    head_revision,
    include_object,
    open_database,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kills the process with SIGKILL")

# Runs the real upgrade in a child process and kills it (SIGKILL: no cleanup of any kind) just
# before the n-th CREATE statement reaches SQLite.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from desktop_app.models.database import open_database

    seen = 0

    @event.listens_for(Engine, "before_cursor_execute")
    def kill(conn, cursor, statement, *args):
        global seen
        if statement.lstrip().upper().startswith("CREATE"):
            seen += 1
            if seen == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)

    open_database(sys.argv[1])
    """
)


def _killed_upgrade(url: str, nth_create: int) -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(nth_create)], cwd=root, capture_output=True, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]


def _assert_at_head_and_in_sync(url: str) -> None:
    db = open_database(url)  # the next start: must migrate without an error
    try:
        assert current_revision(db) == head_revision(url)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include_object, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.dispose()


@pytest.mark.parametrize("nth_create", [12])
def test_first_migration_killed_midway_then_the_next_start_migrates(tmp_path: Path, nth_create: int) -> None:
    url = f"sqlite:///{tmp_path / 'otklik.sqlite3'}"
    _killed_upgrade(url, nth_create)
    db = Database(url)
    try:
        assert current_revision(db) is None
        assert "app_settings" not in sa.inspect(db.engine).get_table_names()  # nothing half-made
    finally:
        db.dispose()
    _assert_at_head_and_in_sync(url)


def test_later_migration_killed_midway_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'otklik.sqlite3'}"
    db = Database(url)
    with db.engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO departments (name, short_name, competence_keywords, is_active) VALUES ('ЖКХ', '', '', 1)"
            )
        )
    db.dispose()
    _killed_upgrade(url, 2)  # inside the later migrations (0004, 0003): one transaction for all
    db = Database(url)
    try:
        assert current_revision(db) == "0001"
    finally:
        db.dispose()
    _assert_at_head_and_in_sync(url)
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM departments")).scalars().all() == ["ЖКХ"]
    finally:
        db.dispose()
