"""Command-line entry point: ``otklik`` and ``python -m desktop_app``.

Without a sub-command the desktop app starts; a sub-command (``worktime``, ``validate``, ``db``,
``audit``, ``simulator``, ``sync``, ``import``) runs without a window. Each sub-command lives in its
own module under ``desktop_app.cli`` with ``run(argv, context) -> int`` and owns its argument parser,
so the GUI's Qt is never imported for them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.errors import OtklikError
from desktop_app.settings import Settings, load_settings

COMMANDS: dict[str, str] = {
    "worktime": "desktop_app.cli.worktime",
    "validate": "desktop_app.cli.validate",
    "db": "desktop_app.cli.db",
    "audit": "desktop_app.cli.audit",
    "simulator": "desktop_app.cli.simulator",
    "sync": "desktop_app.cli.sync",
    "import": "desktop_app.cli.import_messages",
    "report": "desktop_app.cli.report",
}


@dataclass
class CliContext:
    """What every sub-command gets: the ``--config`` path and lazily loaded settings."""

    config_path: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
            for warning in self._settings.warnings:  # e.g. a password readable by others (issue 14)
                print(f"otklik: предупреждение: {warning}", file=sys.stderr)
        return self._settings


def fail(message: str, code: int = 2) -> int:
    """Print a user-facing error to stderr and return ``code``."""
    print(f"otklik: ошибка: {message}", file=sys.stderr)
    return code


def _split_global_options(argv: list[str]) -> tuple[Path | None, list[str]]:
    """Take ``--config PATH`` from the front of ``argv`` (it may precede a sub-command)."""
    config: Path | None = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--config" and i + 1 < len(argv):
            config = Path(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--config="):
            config = Path(arg.split("=", 1)[1])
            i += 1
            continue
        rest.append(arg)
        i += 1
    return config, rest


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otklik",
        description="Отклик — ответы на сообщения граждан из открытых источников.",
        epilog="Команды: " + ", ".join(COMMANDS) + " (otklik КОМАНДА --help).",
    )
    parser.add_argument("--config", metavar="PATH", help="файл настроек TOML")
    parser.add_argument("--demo", action="store_true", help="открыть на новой демонстрационной базе")
    parser.add_argument(
        "--smoke-test", action="store_true", help="собрать главное окно на временной базе и выйти"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    config_path, rest = _split_global_options(args)
    context = CliContext(config_path=config_path)
    if rest and rest[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[rest[0]])
        try:
            return int(module.run(rest[1:], context))
        except OtklikError as exc:
            return fail(str(exc), 1)
    options = _gui_parser().parse_args(args)
    from desktop_app.app import run_gui  # Qt is imported only for the GUI

    try:
        return run_gui(
            context.config_path, lambda: context.settings, demo=options.demo, smoke_test=options.smoke_test
        )
    except OtklikError as exc:
        return fail(str(exc), 1)
