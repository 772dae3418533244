"""Draft validation for the GUI (R7, R8, R10): one proofreading engine per app, shared by all views.

Qt-free. ``ValidationService.start()`` warms the engine and the validator in background threads so
the first check the executor triggers is fast; ``validate()`` is thread-safe (views call it from
the task runner's pool) and blocks until the warm-up finished. Organisation dictionary words come
from ``DraftingService.dictionary_words()`` and are re-read after ``refresh_dictionary()`` or when
older than ``dictionary_max_age`` seconds, so a word an administrator approved on another
workstation is accepted within a minute.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from desktop_app.domain.validation import (
    DraftValidator,
    GreetingChecker,
    Proofreader,
    UnknownPlatformError,
    ValidationReport,
    default_dictionary_words,
    parse_author_name,
)
from desktop_app.domain.validation.format import FormatChecker, PlatformRules

log = logging.getLogger(__name__)

# Codes recorded in ``DraftVersion.failed_checks`` when a draft is submitted despite warnings (R7).
CHECK_GREETING = "greeting"
CHECK_SPELLING = "spelling"
CHECK_QUESTIONS = "questions"
CHECK_FORMAT = "format"
CHECK_KIND = "kind"  # the interim / clarification profile's own rules (issue 13)
CHECK_CODES = (CHECK_GREETING, CHECK_SPELLING, CHECK_QUESTIONS, CHECK_FORMAT, CHECK_KIND)


def failed_check_codes(report: ValidationReport) -> list[str]:
    """Which of the checks the report fails, in a fixed order (what ``submit_draft`` records)."""
    failed: list[str] = []
    if not report.greeting.ok:
        failed.append(CHECK_GREETING)
    if not report.spelling.ok:
        failed.append(CHECK_SPELLING)
    if report.uncovered_questions:
        failed.append(CHECK_QUESTIONS)
    if not report.format.ok:
        failed.append(CHECK_FORMAT)
    if not report.kind_rules.ok:
        failed.append(CHECK_KIND)
    return failed


def attachment_kind(media_type: str) -> str:
    """The validation's attachment kind for a media type: ``photo``, ``video`` or ``file``."""
    if media_type.startswith("image/"):
        return "photo"
    if media_type.startswith("video/"):
        return "video"
    return "file"


def media_type_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _default_proofreader(settings: Any, dictionary_words: Callable[[], Iterable[str]]) -> Proofreader:
    from desktop_app.adapters.proofreading import create_proofreader

    # A local LanguageTool gets the organisation dictionary as its ignore list at each start (R7 (2)).
    return create_proofreader(settings, dictionary_words=dictionary_words)


class ValidationService:
    """The app's draft checker: greeting, spelling (engine + dictionary), questions, format."""

    def __init__(
        self,
        settings: Any,
        dictionary_words: Callable[[], Iterable[str]] = lambda: (),
        *,
        proofreader: Proofreader | None = None,
        dictionary_max_age: float = 60.0,
        validator_factory: Callable[[Proofreader, list[str]], DraftValidator] | None = None,
    ) -> None:
        self._settings = settings
        self._dictionary_source = dictionary_words
        self._proofreader = proofreader
        self._validator_factory = validator_factory or (lambda engine, words: DraftValidator(engine, words))
        self.dictionary_max_age = dictionary_max_age
        self._lock = threading.Lock()
        self._validator: DraftValidator | None = None
        self._dictionary_loaded_at = 0.0
        self._dictionary_stale = True
        self._format = FormatChecker()
        self._greeting: GreetingChecker | None = None
        self._warm_thread: threading.Thread | None = None
        self.warm_error: BaseException | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def proofreader(self) -> Proofreader:
        with self._lock:
            if self._proofreader is None:
                self._proofreader = _default_proofreader(self._settings, self._engine_dictionary_words)
            return self._proofreader

    def start(self) -> None:
        """Warm the engine and build the validator in the background; returns at once."""
        if self._warm_thread is not None:
            return
        self.proofreader.start()
        self._warm_thread = threading.Thread(target=self._warm_up, name="validation-warm-up", daemon=True)
        self._warm_thread.start()

    def _warm_up(self) -> None:
        try:
            self._ensure_validator()
        except Exception as exc:  # reported again by the first validate()
            log.exception("validation warm-up failed")
            self.warm_error = exc

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the validator and engine are warm (starting the warm-up if needed)."""
        self.start()
        assert self._warm_thread is not None
        self._warm_thread.join(timeout)
        if self._warm_thread.is_alive():
            return False
        engine_wait = getattr(self.proofreader, "wait_ready", None)
        return bool(engine_wait(timeout)) if engine_wait else self.proofreader.ready.wait(timeout)

    def close(self) -> None:
        with self._lock:
            if self._proofreader is not None:
                self._proofreader.close()

    @property
    def engine_name(self) -> str:
        """The engine this service is set up for (``languagetool`` or ``embedded``); a report's
        ``spelling.engine`` says which one actually ran a check."""
        return self.proofreader.name

    # -- dictionary ---------------------------------------------------------------------------

    def _engine_dictionary_words(self) -> list[str]:
        words = list(default_dictionary_words())
        try:
            words.extend(self._dictionary_source())
        except Exception:  # the engine starts without the database's words; the filter adds them later
            log.warning("organisation dictionary unavailable for LanguageTool", exc_info=True)
        return words

    def refresh_dictionary(self) -> None:
        """Re-read the organisation dictionary before the next check (words were approved)."""
        self._dictionary_stale = True

    def _dictionary_words(self) -> list[str]:
        words = list(default_dictionary_words())
        try:
            words.extend(self._dictionary_source())
        except Exception:  # a database hiccup must not stop the check; retried next time
            log.warning("organisation dictionary unavailable", exc_info=True)
            self._dictionary_stale = True
            return words
        self._dictionary_stale = False
        return words

    def _ensure_validator(self) -> DraftValidator:
        engine = self.proofreader
        with self._lock:
            if self._validator is None:
                self._validator = self._validator_factory(engine, self._dictionary_words())
                self._dictionary_loaded_at = time.monotonic()
            elif self._dictionary_stale or (
                time.monotonic() - self._dictionary_loaded_at > self.dictionary_max_age
            ):
                self._validator.set_dictionary_words(self._dictionary_words())
                self._dictionary_loaded_at = time.monotonic()
            return self._validator

    # -- checks -------------------------------------------------------------------------------

    def validate(
        self,
        message_text: str,
        draft_text: str,
        author_name: str | None = None,
        platform: str | None = None,
        attachments: Sequence[str] = (),
        kind: str = "answer",
    ) -> ValidationReport:
        """Check the draft. ``attachments`` are kinds (see :func:`attachment_kind`); ``kind`` the profile.

        An unknown platform code is checked without platform rules (the rest still applies).
        """
        validator = self._ensure_validator()
        known = platform if platform and platform in self._format.platforms else None
        return validator.validate(
            message_text,
            draft_text,
            author_name=author_name,
            platform=known,
            attachments=attachments,
            kind=kind,
        )

    def platform_rules(self, platform: str | None) -> PlatformRules | None:
        """Length limit, counting unit and attachment rules of the platform, or None if unknown."""
        if not platform:
            return None
        try:
            return self._format.platform(platform)
        except UnknownPlatformError:
            return None

    def starts_with_greeting(self, text: str) -> bool:
        """The draft opens with a greeting from greetings.json (one list, not a copy in the editor)."""
        if self._greeting is None:
            self._greeting = GreetingChecker()
        return self._greeting.opens_with_greeting(text)

    def greeting_for(self, author_name: str | None) -> str:
        """The opening line of a new draft: «Здравствуйте, Иван!», or «Здравствуйте!» for a nickname."""
        if self._greeting is None:
            self._greeting = GreetingChecker()
        first = parse_author_name(author_name, self._greeting.names).first
        return f"Здравствуйте, {first}!" if first else "Здравствуйте!"
