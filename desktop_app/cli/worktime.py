"""``otklik worktime``: deadlines and working minutes on the built-in calendar (INTERFACES.md).

Exit codes: 0 ok; 2 bad arguments (message names the bad value); 3 an instant in a year the
calendar has no data for (message names the year).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Iterable

from desktop_app.cli import CliContext, fail
from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.duration import parse_duration
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.domain.worktime.errors import CalendarYearMissingError, DurationParseError

EXIT_OK = 0
EXIT_BAD_ARGUMENTS = 2
EXIT_OUTSIDE_CALENDAR = 3


class _BadArgument(Exception):
    """A bad command-line value; ``str()`` is the Russian message."""


def _epoch(text: str, tz: dt.tzinfo) -> int:
    """ISO 8601 to whole epoch seconds; no offset means the administration's zone (never UTC)."""
    value = text.strip()
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _BadArgument(texts.BAD_INSTANT.format(value=value)) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=tz)
    try:
        return math.floor(instant.timestamp())
    except (OverflowError, ValueError, OSError):
        raise CalendarYearMissingError(instant.year) from None


def _stdin_values() -> Iterable[tuple[int, str]]:
    for number, line in enumerate(sys.stdin, start=1):
        if line.strip():
            yield number, line


def _add(calendar: WorkCalendar, args: list[str]) -> int:
    if len(args) < 2:
        raise _BadArgument(texts.CLI_ADD_ARGS)
    try:
        duration = parse_duration(args[0])
    except DurationParseError as exc:
        raise _BadArgument(str(exc)) from None
    due_of = calendar.adder(duration)
    tz = calendar.tz
    from_epoch = calendar.from_epoch
    values: Iterable[tuple[int | None, str]]
    values = _stdin_values() if args[1:] == ["-"] else ((None, v) for v in args[1:])
    lines: list[str] = []
    append = lines.append
    # Results are printed only when every FROM is valid: all or nothing.
    for number, value in values:
        try:
            start = _epoch(value, tz)
        except _BadArgument as exc:
            if number is None:
                raise
            raise _BadArgument(texts.CLI_STDIN_LINE.format(line=number, reason=exc)) from None
        append(from_epoch(due_of(start)).isoformat(timespec="seconds"))
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _between(calendar: WorkCalendar, args: list[str]) -> int:
    if len(args) != 2:
        raise _BadArgument(texts.CLI_BETWEEN_ARGS)
    a, b = (_epoch(v, calendar.tz) for v in args)
    seconds = calendar.between_seconds_epoch(a, b)
    minutes = seconds // 60 if seconds >= 0 else -((-seconds) // 60)
    print(minutes)
    return EXIT_OK


def run(argv: list[str], context: CliContext) -> int:
    """Entry point of ``otklik worktime``."""
    if argv and argv[0] in ("-h", "--help"):
        print(texts.CLI_USAGE.format(tz=context.settings.administration.timezone))
        return EXIT_OK
    try:
        if not argv:
            raise _BadArgument(texts.CLI_NO_COMMAND)
        command, args = argv[0], argv[1:]
        if command not in ("add", "between"):
            raise _BadArgument(texts.CLI_UNKNOWN_COMMAND.format(value=command))
        for arg in args:
            if arg.startswith("--"):
                raise _BadArgument(texts.CLI_UNEXPECTED_OPTION.format(value=arg))
        settings = context.settings
        calendar = WorkCalendar.builtin(
            settings.administration.timezone,
            allow_provisional=settings.calendar.allow_provisional_years,
        )
        if command == "add":
            return _add(calendar, args)
        return _between(calendar, args)
    except _BadArgument as exc:
        return fail(str(exc), EXIT_BAD_ARGUMENTS)
    except CalendarYearMissingError as exc:
        return fail(str(exc), EXIT_OUTSIDE_CALENDAR)
