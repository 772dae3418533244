"""``otklik validate``: check a draft answer against the citizen's message (R7, R8, R10).

Prints the report (``--json``: one JSON object, INTERFACES.md "Draft validation"). Exit code 0
whatever the verdict; 2 for bad arguments or unreadable files. Works offline and without Java:
``--engine languagetool`` starts the local LanguageTool (or uses the configured server) and, when
that is impossible, falls back to the embedded engine with a notice; ``spelling.engine`` names the
engine that ran.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.cli import fail
from desktop_app.cli.arguments import ArgumentError, RussianArgumentParser

if TYPE_CHECKING:
    from desktop_app.cli import CliContext
    from desktop_app.domain.validation import ValidationReport


_ARGPARSE_TRANSLATIONS = (
    ("the following arguments are required:", "не указаны обязательные параметры:"),
    ("unrecognized arguments:", "неизвестные параметры:"),
    ("expected one argument", "нужно указать значение"),
    ("argument ", "параметр "),
    ("ignored explicit argument", "лишнее значение"),
    ("invalid choice:", "недопустимое значение"),
    ("choose from", "возможные значения:"),
)


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ожидалось целое число, а указано «{value}»") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"число вложений не может быть отрицательным: {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = RussianArgumentParser(
        translations=_ARGPARSE_TRANSLATIONS,
        prog="otklik validate",
        description="Проверка черновика ответа: приветствие, орфография, ответы на вопросы, формат площадки.",
    )
    parser.add_argument("--message", required=True, metavar="FILE", help="текст сообщения гражданина (UTF-8)")
    parser.add_argument("--draft", required=True, metavar="FILE", help="текст черновика ответа (UTF-8)")
    parser.add_argument("--author", metavar="NAME", help="имя автора из профиля соцсети")
    parser.add_argument("--platform", metavar="PLATFORM", help="площадка: vk, ok, telegram, max, …")
    parser.add_argument("--attachments", type=_non_negative, default=0, metavar="N", help="число вложений")
    parser.add_argument(
        "--kind",
        choices=("answer", "interim", "clarification"),
        default="answer",
        help="вид проекта: ответ, промежуточный ответ или запрос уточнения",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "languagetool", "embedded"),
        default=None,
        help="модуль орфографии: auto (LanguageTool, если установлен, иначе встроенный), languagetool, embedded;"
        " по умолчанию — из настроек",
    )
    parser.add_argument("--json", action="store_true", help="вывести отчёт одним объектом JSON")
    return parser


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArgumentError(f"файл {what} «{path}» не найден") from None
    except UnicodeDecodeError:
        raise ArgumentError(f"файл {what} «{path}» не в кодировке UTF-8") from None
    except OSError as exc:
        raise ArgumentError(f"файл {what} «{path}» не удаётся прочитать: {exc.strerror}") from None


def run(argv: list[str], context: CliContext) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        build_parser().print_help()
        return 0
    try:
        options = build_parser().parse_args(argv)
        message = _read(options.message, "сообщения")
        draft = _read(options.draft, "черновика")
    except ArgumentError as exc:
        return fail(f"{exc}. Справка: otklik validate --help")

    from desktop_app.adapters.proofreading import create_proofreader
    from desktop_app.domain.validation import DraftValidator, UnknownPlatformError, default_dictionary_words

    if options.platform:
        from desktop_app.domain.validation import FormatChecker

        try:
            FormatChecker().platform(options.platform)
        except UnknownPlatformError as exc:
            return fail(str(exc))
    # --engine overrides [proofreading] engine; a LanguageTool the CLI starts is stopped on close().
    proofreader = create_proofreader(_with_engine(context.settings, options.engine))
    try:
        validator = DraftValidator(proofreader, default_dictionary_words())
        report = validator.validate(
            message,
            draft,
            author_name=options.author or None,
            platform=options.platform or None,
            attachments=("file",) * options.attachments,
            kind=options.kind,
        )
    finally:
        proofreader.close()
    if options.json:
        json.dump(report.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_report(report))
    return 0


def _with_engine(settings: Any, engine: str | None) -> Any:
    """The settings with ``[proofreading] engine`` replaced by ``--engine`` (when given)."""
    if engine is None or not hasattr(settings, "proofreading"):
        return settings
    return dataclasses.replace(
        settings, proofreading=dataclasses.replace(settings.proofreading, engine=engine)
    )


def format_report(report: ValidationReport) -> str:
    """A short human-readable Russian summary for the terminal."""
    mark = {True: "да", False: "НЕТ"}
    lines = [f"Черновик готов к публикации: {mark[report.ok]}"]
    lines.append(f"Приветствие в порядке: {mark[report.greeting.ok]}")
    lines += [f"  - {issue.message}" for issue in report.greeting.issues]
    lines.append(f"Орфография и грамматика ({report.spelling.engine}): {mark[report.spelling.ok]}")
    if report.spelling.notice:
        lines.append(f"  ! {report.spelling.notice}")
    for match in report.spelling.matches:
        hint = f" → {', '.join(match.replacements[:3])}" if match.replacements else ""
        lines.append(f"  - «{match.text}» (позиция {match.offset}): {match.message}{hint}")
    lines.append(f"Вопросы и просьбы: {len(report.questions)}, без ответа: {len(report.uncovered_questions)}")
    for question in report.questions:
        if question.rhetorical:
            status = "не требует ответа"
        elif question.uncertain:
            status = "ПРОВЕРЬТЕ"
        else:
            status = "есть ответ" if question.covered else "НЕТ ОТВЕТА"
        lines.append(f"  - [{status}] {question.text}")
        if question.evidence and question.covered:
            lines.append(f"      ответ: {question.evidence}")
        if question.reason:
            lines.append(
                f"      почему: {question.reason} (уверенность {round(question.confidence * 100)} %)"
            )
    lines.append(f"Формат в порядке: {mark[report.format.ok]}")
    lines += [f"  - {issue.message}" for issue in report.format.issues]
    if report.quality.hints:
        lines.append(f"Советы по качеству ответа (не мешают отправке): {len(report.quality.hints)}")
        lines += [f"  - {hint.message}" for hint in report.quality.hints]
    return "\n".join(lines) + "\n"
