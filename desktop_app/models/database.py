"""Engine, session factory and migrations.

One ``sessionmaker(expire_on_commit=False)`` per database; services open one session per user action
(``with db.session() as s, s.begin(): ...``) and never share a session between threads.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.errors import DatabaseUnavailableError
from desktop_app.models.base import utc_now

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailableError(f"Адрес базы данных «{url}» записан неверно.") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailableError(
            f"База данных «{parsed.get_backend_name()}» не поддерживается: используйте SQLite или PostgreSQL."
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("psycopg2", "default"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_db_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            # hide_parameters: a failed statement's message never carries citizens' text into logs or
            # stored error text (issue 14).
            engine = sa.create_engine(parsed, connect_args={"timeout": 10}, hide_parameters=True)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(
                parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5}, hide_parameters=True
            )
    except (NoSuchModuleError, OSError) as exc:
        raise DatabaseUnavailableError(f"Не удаётся открыть базу данных «{_safe(parsed)}»: {exc}.") from exc
    return engine


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


class Database:
    """A database the app works on: engine plus the one session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        # The services' change feed hooked to this session factory (set once by the bootstrap).
        self.change_feed: Any = None
        # The dashboard's per-day summaries kept on this session factory (set once by the bootstrap).
        self.report_summaries: Any = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """Human-readable name of the database for the status bar."""
        url = self.engine.url
        if self.dialect == "sqlite":
            return f"SQLite: {url.database}"
        return f"PostgreSQL: {url.host or 'localhost'}/{url.database}"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()

    def check_connection(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except DBAPIError as exc:
            raise DatabaseUnavailableError(
                f"Не удаётся подключиться к базе данных «{_safe(self.engine.url)}»: {_first_line(exc)}"
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


# Tables and indexes created by raw SQL in migrations (full-text search) that the models do not describe.
UNMODELLED_TABLES = ("messages_fts", "publications_fts")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave the full-text search objects out of model/migration comparison."""
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLES):
        return False
    return not (type_ == "index" and name and name.startswith("ix_fts_"))


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def backup_sqlite(db: Database) -> Path | None:
    """Copy a SQLite file aside before migrating it; return the copy's path."""
    database = db.engine.url.database
    if db.dialect != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    if not source.exists() or source.stat().st_size == 0:
        return None
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.name}.{stamp}.bak")
    # The sqlite3 backup API copies a consistent snapshot even with WAL files around.
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    log.info("backed up %s to %s before migrating", source, target)
    return target


def _sqlite_transactional_ddl(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so CREATE TABLE would commit
    # on its own: take transaction control from the driver and begin explicitly (see "begin" below).
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA busy_timeout=10000")


def _migration_engine(db: Database) -> tuple[Engine, bool]:
    """The engine migrations run on, and whether it is a private one to dispose of afterwards.

    On a SQLite file every migration runs in one real transaction (``BEGIN IMMEDIATE`` … ``COMMIT``),
    DDL included: a failure or a killed process leaves the schema exactly as it was (issue 14).
    """
    database = db.engine.url.database
    if db.dialect != "sqlite" or not database or database == ":memory:":
        return db.engine, False
    engine = sa.create_engine(
        db.engine.url, connect_args={"timeout": 10}, hide_parameters=True, poolclass=sa.pool.NullPool
    )
    event.listen(engine, "connect", _sqlite_transactional_ddl)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine, True


def upgrade(db: Database, *, backup: bool = True) -> bool:
    """Bring the schema to the head revision; return True when anything was applied.

    All pending migrations run in one transaction (on SQLite too, DDL included), so the schema is
    either the old one or the new one — never half of it.
    """
    from alembic import command

    db.check_connection()
    current = current_revision(db)
    head = head_revision(db.url)
    if current == head:
        return False
    copy = backup_sqlite(db) if backup and current is not None else None
    cfg = alembic_config(db.url)
    engine, private = _migration_engine(db)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except Exception:
        if copy is not None:
            log.error("migration failed and was rolled back; the copy made before it: %s", copy)
        raise
    finally:
        if private:
            engine.dispose()
    return True


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open and (by default) migrate a database; a failure leaves existing data untouched."""
    db = Database(url)
    try:
        if migrate:
            upgrade(db)
        else:
            db.check_connection()
    except DatabaseUnavailableError:
        db.dispose()
        raise
    except DBAPIError as exc:
        db.dispose()
        raise DatabaseUnavailableError(
            f"Ошибка базы данных при обновлении схемы: {_first_line(exc)}"
        ) from exc
    return db


def app_role_statements(role: str, owner: str) -> list[str]:
    """PostgreSQL: grants for the role the app connects as, which does not own the tables (issue 14).

    The owner (who runs ``otklik db upgrade``) keeps DDL; the app role may read and write the data,
    append to the audit trail but never change or delete it, and cannot switch its triggers off
    (only a table's owner can). ``ALTER DEFAULT PRIVILEGES`` covers tables later migrations add.
    """
    if not role.replace("_", "").isalnum() or not owner.replace("_", "").isalnum():
        raise ValueError("role names: letters, digits and underscores only")
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
