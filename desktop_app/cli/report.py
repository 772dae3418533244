"""``otklik report``: the supervisor's report of a period as XLSX, CSV or PDF (INTERFACES.md "Reports").

    otklik report --from YYYY-MM-DD --to YYYY-MM-DD [--by department|person|platform|stage]
                  --format xlsx|csv|pdf --out FILE [--url DATABASE_URL]

Dates are inclusive, in the administration's time zone. Exit 0 on success; 2 for bad arguments (a
Russian message naming the value); 1 when the database cannot be read. Qt is imported only for PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from desktop_app.cli import CliContext, fail
from desktop_app.cli.arguments import ArgumentError, RussianArgumentParser

EXIT_OK = 0
EXIT_DATABASE = 1
EXIT_BAD_ARGUMENTS = 2
FORMATS = ("xlsx", "csv", "pdf")


_ARGPARSE_TRANSLATIONS = (
    ("the following arguments are required:", "не указаны обязательные параметры:"),
    ("unrecognized arguments:", "неизвестные параметры:"),
    ("expected one argument", "нужно указать значение"),
    ("argument ", "параметр "),
    ("invalid choice:", "недопустимое значение:"),
    ("choose from", "допустимо:"),
)


def _date(value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ожидалась дата ГГГГ-ММ-ДД, а указано «{value}»") from None


def build_parser() -> argparse.ArgumentParser:
    from desktop_app.services.dashboard import GROUPINGS

    parser = RussianArgumentParser(
        translations=_ARGPARSE_TRANSLATIONS,
        prog="otklik report",
        description="Отчёт руководителя за период: показатели, группировки и список сообщений.",
    )
    parser.add_argument("--from", dest="first", required=True, type=_date, metavar="ГГГГ-ММ-ДД",
                        help="первый день периода (включительно)")  # fmt: skip
    parser.add_argument("--to", dest="last", required=True, type=_date, metavar="ГГГГ-ММ-ДД",
                        help="последний день периода (включительно)")  # fmt: skip
    parser.add_argument("--by", choices=GROUPINGS, help="одна группировка вместо всех")
    parser.add_argument("--format", dest="fmt", required=True, choices=FORMATS, help="формат файла")
    parser.add_argument("--out", required=True, metavar="FILE", help="куда записать отчёт")
    parser.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    return parser


def _check_out(value: str) -> Path:
    path = Path(value)
    if path.is_dir():
        raise ArgumentError(f"«{value}» — это папка, а нужен путь к файлу отчёта")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ArgumentError(f"папка «{parent}» для файла отчёта «{value}» не существует")
    if not os.access(parent, os.W_OK):
        raise ArgumentError(f"в папку «{parent}» нельзя записать файл отчёта «{value}»")
    return path


def run(argv: list[str], context: CliContext) -> int:
    """Entry point of ``otklik report``."""
    try:
        args = build_parser().parse_args(argv)
    except ArgumentError as exc:
        return fail(str(exc), EXIT_BAD_ARGUMENTS)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    from desktop_app.errors import OtklikError

    try:
        from desktop_app.services.dashboard import ReportPeriod

        if args.last < args.first:
            raise ArgumentError(
                f"дата --to «{args.last.isoformat()}» раньше даты --from «{args.first.isoformat()}»"
            )
        period = ReportPeriod(args.first, args.last)
        out = _check_out(args.out)
        settings = context.settings
    except ArgumentError as exc:
        return fail(str(exc), EXIT_BAD_ARGUMENTS)
    except OtklikError as exc:
        return fail(str(exc), EXIT_BAD_ARGUMENTS)
    return _write(args, period, out, settings)


def _write(args: argparse.Namespace, period, out: Path, settings) -> int:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from desktop_app.errors import OtklikError
    from desktop_app.models.database import open_database
    from desktop_app.services.bootstrap import build_services
    from desktop_app.services.dashboard import COMMAND_LINE
    from desktop_app.services.report_export import write_csv, write_xlsx

    try:
        db = open_database(args.url or settings.database.effective_url(), migrate=False)
    except OtklikError as exc:
        return fail(str(exc), EXIT_DATABASE)
    # The command line acts for the supervisor (decree item 3): whoever may run it may read the report.
    actor = COMMAND_LINE
    try:
        services = build_services(settings, db)
        now = services.now()
        board = services.reports.dashboard(actor, period, now)
        if args.fmt == "xlsx":
            messages = services.reports.board.message_lines(actor, period, now)
            write_xlsx(board, out, by=args.by, messages=messages)
        elif args.fmt == "csv":
            write_csv(board, out, by=args.by)
        else:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from PySide6.QtGui import QGuiApplication

            from desktop_app.views.reports.pdf import write_pdf

            _app = QGuiApplication.instance() or QGuiApplication(["otklik"])
            write_pdf(board, out, by=args.by)
    except (sa.exc.DBAPIError, sa.exc.NoSuchTableError, sa.exc.OperationalError) as exc:
        first_line = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        return fail(f"базу данных не удаётся прочитать: {first_line}", EXIT_DATABASE)
    except OtklikError as exc:
        return fail(str(exc), EXIT_DATABASE)
    except OSError as exc:
        return fail(f"файл отчёта «{out}» не удаётся записать: {exc.strerror or exc}", EXIT_DATABASE)
    finally:
        db.dispose()
    print(f"Отчёт за {period.describe()} записан: {out}")
    return EXIT_OK
