"""Shared pieces of the editor and executor view tests: a fake proofreader, a view context, messages."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.validation import ProofreadingMatch, ProofreadingResult
from desktop_app.models.database import Database
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices, build_services
from desktop_app.services.validation import ValidationService
from desktop_app.settings import Settings
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from tests.support.factories import Clock, World, msk

# Misspellings the fake engine knows, with their corrections (like MORFOLOGIK_RULE_RU_RU).
TYPOS: dict[str, tuple[str, ...]] = {
    "расмотрено": ("рассмотрено", "досмотрено"),
    "отремонтируим": ("отремонтируем",),
    "ямочнный": ("ямочный",),
    "Дорремстроем": (),
}
_WORD = re.compile(r"[А-ЯЁа-яё]+")


class FakeProofreader:
    """A tiny :class:`Proofreader`: flags the words in ``TYPOS``; counts its calls."""

    name = "embedded"

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.ready.set()
        self.calls: list[str] = []

    def start(self) -> None:
        pass

    def proofread(self, text: str) -> ProofreadingResult:
        self.calls.append(text)
        matches = tuple(
            ProofreadingMatch(
                offset=m.start(),
                length=len(m.group(0)),
                rule_id="MORFOLOGIK_RULE_RU_RU",
                message="Возможно найдена орфографическая ошибка.",
                replacements=TYPOS[m.group(0)],
                category="TYPOS",
                issue_type="misspelling",
            )
            for m in _WORD.finditer(text)
            if m.group(0) in TYPOS
        )
        return ProofreadingResult(self.name, matches)

    def close(self) -> None:
        pass


def fake_validation(services: AppServices) -> ValidationService:
    """The app's validation service over the fake engine (the real rule pack, questions, format)."""
    return ValidationService(
        services.settings, services.drafting.dictionary_words, proofreader=FakeProofreader()
    )


@dataclass
class Setup:
    services: AppServices
    world: World
    clock: Clock
    context: ViewContext
    ops: Operations
    recovery_dir: Path

    def context_for(self, actor) -> ViewContext:  # type: ignore[no-untyped-def]
        return ViewContext(self.services, actor, self.ops, self.context.signals)

    def routed_message(self, text: str | None = None, **kw: object) -> int:
        """A message the operator routed to the roads department."""
        message_id = self.world.arrive(text) if text else self.world.arrive()
        if kw:  # platform, author_name…: World.arrive fixes them, so adjust the row afterwards
            with self.services.db.session() as session, session.begin():
                message = session.get(Message, message_id)
                for name, value in kw.items():
                    setattr(message, name, value)
        self.services.workflow.route_message(
            self.world.operator, message_id, self.world.version(message_id), self.world.roads.id
        )
        return message_id


def make_setup(tmp_path: Path, sqlite_template: Path) -> Iterator[Setup]:
    target = tmp_path / "otklik.sqlite3"
    shutil.copyfile(sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    clock = Clock(msk(2026, 5, 12, 10, 0))
    services = build_services(Settings(), db, now=clock)
    world = World(services)
    ops = Operations(services.changes, inline=True)
    context = ViewContext(services, world.roads_executor, ops, AppSignals())
    yield Setup(services, world, clock, context, ops, tmp_path / "recovery")
    db.dispose()
