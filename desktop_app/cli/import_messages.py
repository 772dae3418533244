"""``otklik import FILE``: messages from an Incident-system export (xlsx, csv, json), all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.settings import audit_checkpoint_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otklik import",
        description="Загрузить сообщения из выгрузки Системы Инцидент (.xlsx, .csv, .json): всё или ничего.",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="файл выгрузки")
    parser.add_argument("--url", metavar="URL", help="база данных вместо настроенной")
    parser.add_argument(
        "--encoding",
        metavar="КОДИРОВКА",
        help="кодировка csv/json, если не UTF-8 (например cp1251): без неё такой файл не загружается",
    )
    parser.add_argument("--quiet", action="store_true", help="не показывать ход загрузки")
    return parser


def _progress(done: int, total: int) -> None:
    """The import's progress on stderr, one line rewritten in place (issue 14)."""
    percent = 100 * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(f"\rзагрузка: {percent}% ({done} из {total})", end=end, file=sys.stderr, flush=True)


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
        # The lifecycle (deadline clocks, audit) the import is given comes from the bootstrap.
        services = build_services(settings, db, audit_dir=audit_checkpoint_dir(settings))
        result = import_file(
            db,
            options.file,
            settings.administration.timezone,
            services.now,
            encoding=options.encoding,
            progress=None if options.quiet else _progress,
            lifecycle=services.lifecycle,
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
