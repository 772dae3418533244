"""Choosing the engine from settings, with fallback to the embedded engine (R7 (2)).

``engine``: ``auto`` (the default) takes LanguageTool when one is configured (``languagetool_url``)
or installed (``languagetool_dir``, the installer's bundle, or ``installer/languagetool/lib`` of a
source checkout, which ``scripts/setup.sh`` fills) and Java is found, else the embedded engine;
``languagetool`` insists on LanguageTool (the report carries a notice when it falls back);
``embedded`` is pylat-ru alone. The report's ``spelling.engine`` always names the engine that ran.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from desktop_app.adapters.proofreading import messages
from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader
from desktop_app.adapters.proofreading.languagetool import (
    ProofreadingRefusedError,
    RemoteLanguageToolProofreader,
)
from desktop_app.adapters.proofreading.managed import (
    ManagedLanguageToolServer,
    find_java,
    languagetool_classpath,
)
from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import (
    KnownWord,
    Proofreader,
    ProofreadingResult,
    ProofreadingUnavailableError,
    SelectiveSuggester,
)

log = logging.getLogger(__name__)

ENGINES = ("auto", "languagetool", "embedded")
# A source checkout: scripts/setup.sh copies the Russian-only LanguageTool here (installer/languagetool/pom.xml).
SOURCE_TREE_LANGUAGETOOL = Path(__file__).resolve().parents[3] / "installer" / "languagetool" / "lib"


class FallbackProofreader:
    """Use ``primary`` (LanguageTool); when it is unavailable, check with ``fallback`` (embedded)
    and put a visible notice into the result.

    ``primary_factory`` builds and connects the primary (it may start a JVM and warm it up): in a
    background thread after :meth:`start`, or on the first check. Checks wait for that first
    connection (up to ``wait_seconds``), never for a restart: when the primary fails mid-check the
    check is answered by the fallback at once and the primary is rebuilt in the background (a dead
    managed server is started again), at most ``max_attempts`` times per ``attempt_window`` seconds.
    The fallback is only warmed when it is needed, so a working LanguageTool costs no pylat-ru memory.
    """

    name = "languagetool"

    def __init__(
        self,
        primary_factory: Callable[[], Proofreader],
        fallback: Proofreader,
        *,
        on_close: Callable[[], None] | None = None,
        wait_seconds: float = 90.0,
        max_attempts: int = 4,
        attempt_window: float = 600.0,
    ) -> None:
        self._primary_factory = primary_factory
        self.fallback = fallback
        self.primary: Proofreader | None = None
        self.ready = threading.Event()
        self._on_close = on_close
        self._lock = threading.Lock()
        self._failure: str | None = None
        self._attempts: deque[float] = deque()
        self._thread: threading.Thread | None = None
        self._first_attempt_done = threading.Event()
        self._closed = False
        self.wait_seconds = wait_seconds
        self.max_attempts = max_attempts
        self.attempt_window = attempt_window

    @property
    def failure(self) -> str | None:
        """Why the primary is not in use right now (None while it is)."""
        return self._failure

    def start(self) -> None:
        """Connect the primary in a background thread; returns at once."""
        self._connect_in_background()

    def _connect_in_background(self) -> bool:
        with self._lock:
            if self._closed or self.primary is not None:
                return False
            if self._thread is not None and self._thread.is_alive():
                return True
            now = time.monotonic()
            while self._attempts and now - self._attempts[0] > self.attempt_window:
                self._attempts.popleft()
            if len(self._attempts) >= self.max_attempts:
                return False
            self._attempts.append(now)
            self._thread = threading.Thread(target=self._connect, name="proofreader-connect", daemon=True)
            self._thread.start()
            return True

    def _connect(self) -> None:
        try:
            primary = self._primary_factory()
            if hasattr(primary, "connect"):
                primary.connect()
            with self._lock:
                closed = self._closed
                if not closed:
                    self.primary = primary
                    self._failure = None
            if closed:  # the app quit while LanguageTool was starting: stop what was started
                primary.close()
                if self._on_close is not None:
                    self._on_close()
        except ProofreadingUnavailableError as exc:
            log.warning("LanguageTool unavailable, using the embedded engine: %s", exc)
            self._failure = str(exc)
            self.fallback.start()  # warm the fallback now that it is needed
        except Exception:  # never let a connect thread die silently
            log.exception("LanguageTool start failed")
            # An unexpected error's text is not for the user (English, maybe a path): detail is in the log.
            self._failure = (
                "LanguageTool не запустился из-за непредвиденной ошибки (подробности в журнале программы)"
            )
            self.fallback.start()
        finally:
            self._first_attempt_done.set()
            self.ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the first connection attempt finished (and the fallback is warm if used)."""
        self.start()
        if not self._first_attempt_done.wait(timeout):
            return False
        if self.primary is None and hasattr(self.fallback, "wait_ready"):
            return bool(self.fallback.wait_ready(timeout))
        return True

    def proofread(self, text: str) -> ProofreadingResult:
        return self.proofread_with_known(text, None)

    def proofread_with_known(self, text: str, known: KnownWord | None) -> ProofreadingResult:
        """As ``proofread``; ``known`` reaches whichever engine checks (see ``SelectiveSuggester``)."""
        if not self._first_attempt_done.is_set():
            self._connect_in_background()
            self._first_attempt_done.wait(self.wait_seconds)
        primary = self.primary
        if primary is None and self._connect_in_background():
            pass  # a restart is under way in the background; this check goes to the fallback
        elif primary is not None:
            try:
                return _check(primary, text, known)
            except ProofreadingUnavailableError as exc:
                if isinstance(exc, ProofreadingRefusedError) or isinstance(
                    exc.__cause__, httpx.HTTPStatusError
                ):
                    # The server answered but refused this text (e.g. over maxTextLength): it is alive,
                    # so only this check goes to the fallback.
                    result = _check(self.fallback, text, known)
                    notice = texts.ENGINE_FALLBACK_NOTICE.format(reason=exc)
                    return ProofreadingResult(result.engine, result.matches, notice)
                with self._lock:
                    if self.primary is primary:
                        self.primary = None
                self._failure = messages.LANGUAGETOOL_DIED if _is_dead(primary) else str(exc)
                log.warning("LanguageTool failed mid-check, restarting it: %s", exc)
                primary.close()
                server = getattr(primary, "server", None)
                if server is not None and server.is_running():
                    server.stop()  # alive but not answering a check: start it afresh
                self._connect_in_background()
        result = _check(self.fallback, text, known)
        notice = texts.ENGINE_FALLBACK_NOTICE.format(reason=self._failure or "")
        return ProofreadingResult(result.engine, result.matches, notice)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            primary, self.primary = self.primary, None
        if primary is not None:
            primary.close()
        if self._on_close is not None:
            self._on_close()
        self.fallback.close()


def _check(engine: Proofreader, text: str, known: KnownWord | None) -> ProofreadingResult:
    if known is not None and isinstance(engine, SelectiveSuggester):
        return engine.proofread_with_known(text, known)
    return engine.proofread(text)


def _is_dead(primary: Proofreader) -> bool:
    server = getattr(primary, "server", None)
    return server is not None and not server.is_running()


class ManagedLanguageToolProofreader(RemoteLanguageToolProofreader):
    """The local server this app runs, with its process (``server``) attached for restarts and RSS."""

    def __init__(self, server: ManagedLanguageToolServer, **options: Any) -> None:
        self.server = server
        super().__init__(server.start(), warm_up=True, **options)


def _bundle_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


def bundled_languagetool_dir() -> str:
    """LanguageTool shipped inside the installer's bundle (``installer/build.sh``), or ""."""
    root = _bundle_root()
    candidate = root / "languagetool" if root else None
    return str(candidate) if candidate and languagetool_classpath(candidate) else ""


def bundled_java() -> str:
    """The Java runtime shipped inside the bundle (``--java``), or "" (then the system's Java)."""
    root = _bundle_root()
    if root is None:
        return ""
    for name in ("java", "java.exe"):
        candidate = root / "jre" / "bin" / name
        if candidate.is_file():
            return str(candidate)
    return ""


def installed_languagetool_dir(configured: str = "") -> str:
    """Where the LanguageTool jars are: the setting, the bundle, or the source checkout; "" if none."""
    if configured:
        return configured
    bundled = bundled_languagetool_dir()
    if bundled:
        return bundled
    if _bundle_root() is None and languagetool_classpath(SOURCE_TREE_LANGUAGETOOL):
        return str(SOURCE_TREE_LANGUAGETOOL)
    return ""


def _default_ignored_rules() -> frozenset[str]:
    from desktop_app.domain.validation.rulepack import RulePack

    return RulePack.default().ignored_engine_rules


def create_proofreader(
    settings: Any,
    *,
    embedded: EmbeddedProofreader | None = None,
    engine: str | None = None,
    dictionary_words: Callable[[], Iterable[str]] | None = None,
    log_path: Path | None = None,
) -> Proofreader:
    """Engine per ``settings.proofreading`` (a ``ProofreadingSettings``-like object).

    ``engine`` overrides the setting (``otklik validate --engine``). ``dictionary_words`` feed a
    managed server's spelling ignore list (read at each start). A public LanguageTool host is refused.
    """
    config = getattr(settings, "proofreading", settings)
    choice = engine or getattr(config, "engine", "auto") or "auto"
    if choice not in ENGINES:
        raise ValueError(f"unknown proofreading engine {choice!r}")
    fallback = embedded or EmbeddedProofreader()
    if choice == "embedded":
        return fallback
    url = (getattr(config, "languagetool_url", "") or "").strip()
    directory = installed_languagetool_dir((getattr(config, "languagetool_dir", "") or "").strip())
    java = find_java((getattr(config, "java_path", "") or "").strip() or bundled_java())
    ignored = _default_ignored_rules()
    if url:
        return FallbackProofreader(
            lambda: RemoteLanguageToolProofreader(url, disabled_rules=ignored, warm_up=True), fallback
        )
    if directory and java:
        server = ManagedLanguageToolServer(
            directory,
            java_path=java,
            memory_mb=int(getattr(config, "java_memory_mb", 512) or 512),
            spelling_words=dictionary_words or _default_dictionary,
            log_path=log_path,
        )
        return FallbackProofreader(
            lambda: ManagedLanguageToolProofreader(server, disabled_rules=ignored),
            fallback,
            on_close=server.stop,
        )
    if choice == "auto":
        return fallback  # nothing of LanguageTool here: the embedded engine, without a notice
    reason = messages.JAVA_NOT_FOUND if directory else messages.LANGUAGETOOL_NOT_INSTALLED

    def not_available() -> Proofreader:
        raise ProofreadingUnavailableError(reason)

    return FallbackProofreader(not_available, fallback)


def _default_dictionary() -> list[str]:
    from desktop_app.domain.validation import default_dictionary_words

    return default_dictionary_words()
