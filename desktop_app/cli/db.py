"""``otklik db upgrade [--url URL]``: apply migrations to the configured or given database.

``otklik db check-summaries [--url URL]``: compare the dashboard's summaries with a full recomputation
from the base tables (exit 0 when they agree, 1 with the differing rows otherwise; issue 19).
"""

from __future__ import annotations

import argparse
import time

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.models.database import current_revision, open_database
from desktop_app.services import audit
from desktop_app.services.bootstrap import build_services
from desktop_app.settings import audit_checkpoint_dir


def run(argv: list[str], context: CliContext) -> int:
    parser = argparse.ArgumentParser(prog="otklik db", description="Обслуживание базы данных.")
    sub = parser.add_subparsers(dest="command", required=True)
    upgrade = sub.add_parser("upgrade", help="применить миграции схемы")
    upgrade.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    check = sub.add_parser("check-summaries", help="сверить сводки отчётов с полным пересчётом")
    check.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    args = parser.parse_args(argv)
    url = args.url or context.settings.database.effective_url()
    if args.command == "check-summaries":
        return _check_summaries(url, context)
    try:
        db = open_database(url)
    except OtklikError as exc:
        return fail(str(exc), 1)
    try:
        # Issue 14: the boundary of the unsigned (pre-0009) audit events is sealed into this
        # workstation's signed checkpoint right away, before anyone can move it in the database.
        audit.seal(db, audit.ChainCheckpoint(audit_checkpoint_dir(context.settings), url))
        print(f"База данных обновлена до версии схемы {current_revision(db)}: {db.describe()}")
        # Issue 19: the dashboard's summaries are built here, by the administrator, rather than on the
        # supervisor's first report (a million messages take minutes); afterwards every write keeps them.
        services = build_services(context.settings, db)
        started = time.monotonic()
        with db.session() as session:
            built = services.db.report_summaries.built(session)
        if not built:
            services.db.report_summaries.ensure_current()
            print(f"Сводки отчётов построены за {time.monotonic() - started:.0f} с.")
    finally:
        db.dispose()
    return 0


def _check_summaries(url: str, context: CliContext) -> int:
    try:
        db = open_database(url, migrate=False)
    except OtklikError as exc:
        return fail(str(exc), 1)
    try:
        summaries = build_services(context.settings, db).db.report_summaries
        with db.session() as session:
            if not summaries.built(session):
                return fail("Сводки отчётов ещё не построены (их строит «otklik db upgrade»).", 1)
            differences = summaries.differences(session)
    finally:
        db.dispose()
    if differences:
        print(f"Сводки отчётов расходятся с пересчётом: {len(differences)} строк.")
        for line in differences[:20]:
            print(line)
        return 1
    print("Сводки отчётов сходятся с полным пересчётом.")
    return 0
