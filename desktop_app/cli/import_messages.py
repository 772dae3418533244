"""``otklik import FILE``: messages from an Incident-system export (xlsx, csv, json), all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otklik import",
        description="Загрузить сообщения из выгрузки Системы Инцидент (.xlsx, .csv, .json): всё или ничего.",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="файл выгрузки")
    parser.add_argument("--url", metavar="URL", help="база данных вместо настроенной")
    return parser


def run(argv: list[str], context: CliContext) -> int:
    options = _parser().parse_args(argv)
    from desktop_app.models.database import open_database
    from desktop_app.services.bootstrap import build_services
    from desktop_app.services.importing import import_file

    settings = context.settings
    if not options.file.is_file():
        return fail(f"файл «{options.file}» не найден.", 1)
    try:
        db = open_database(options.url or settings.database.effective_url())
    except OtklikError as exc:
        return fail(str(exc), 1)
    try:
        services = build_services(settings, db)  # the lifecycle (deadline clocks, audit) comes from here
        result = import_file(
            db, options.file, settings.administration.timezone, services.now, lifecycle=services.lifecycle
        )
    except OtklikError as exc:
        return fail(str(exc), 1)
    finally:
        db.dispose()
    if not result.ok:
        print(
            f"otklik: ошибка: файл «{options.file.name}» не загружен — ошибок в строках: {len(result.errors)}.",
            file=sys.stderr,
        )
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"загружено: {result.imported}, пропущено повторов: {result.duplicates}")
    return 0
