"""``otklik db upgrade [--url URL]``: apply migrations to the configured or given database."""

from __future__ import annotations

import argparse

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.models.database import current_revision, open_database


def run(argv: list[str], context: CliContext) -> int:
    parser = argparse.ArgumentParser(prog="otklik db", description="Обслуживание базы данных.")
    sub = parser.add_subparsers(dest="command", required=True)
    upgrade = sub.add_parser("upgrade", help="применить миграции схемы")
    upgrade.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    args = parser.parse_args(argv)
    url = args.url or context.settings.database.effective_url()
    try:
        db = open_database(url)
    except OtklikError as exc:
        return fail(str(exc), 1)
    try:
        print(f"База данных обновлена до версии схемы {current_revision(db)}: {db.describe()}")
    finally:
        db.dispose()
    return 0
