"""``otklik audit verify``: check the audit trail's hash chain (R11)."""

from __future__ import annotations

import argparse

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.models.database import open_database
from desktop_app.services.audit import verify_chain


def run(argv: list[str], context: CliContext) -> int:
    parser = argparse.ArgumentParser(prog="otklik audit", description="Журнал действий (п. 11).")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="проверить целостность цепочки событий")
    verify.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    args = parser.parse_args(argv)
    try:
        db = open_database(args.url or context.settings.database.effective_url(), migrate=False)
    except OtklikError as exc:
        return fail(str(exc), 2)
    try:
        verdict = verify_chain(db)
    finally:
        db.dispose()
    if verdict.intact:
        print(f"Журнал действий цел: проверено событий — {verdict.checked}.")
        return 0
    print(
        f"Журнал действий нарушен: первое повреждённое событие № {verdict.first_broken_id} "
        f"({verdict.reason}); до него проверено событий — {verdict.checked}."
    )
    return 1
