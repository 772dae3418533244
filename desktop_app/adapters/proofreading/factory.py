"""Choosing the engine from settings, with fallback to the embedded engine (R7 (2))."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader
from desktop_app.adapters.proofreading.languagetool import RemoteLanguageToolProofreader
from desktop_app.adapters.proofreading.managed import ManagedLanguageToolServer
from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import (
    Proofreader,
    ProofreadingResult,
    ProofreadingUnavailableError,
)

log = logging.getLogger(__name__)


class FallbackProofreader:
    """Use ``primary`` (LanguageTool); when it is unavailable, check with ``fallback`` (embedded)
    and put a visible notice into the result. ``primary_factory`` builds the primary lazily (it may
    start a JVM); a failed primary is retried after ``retry_seconds``.
    """

    name = "languagetool"

    def __init__(
        self,
        primary_factory: Callable[[], Proofreader],
        fallback: Proofreader,
        *,
        on_close: Callable[[], None] | None = None,
        retry_seconds: float = 300.0,
    ) -> None:
        self._primary_factory = primary_factory
        self.fallback = fallback
        self.primary: Proofreader | None = None
        self.ready = threading.Event()
        self._on_close = on_close
        self._lock = threading.Lock()
        self._failure: str | None = None
        self._failed_at = 0.0
        self.retry_seconds = retry_seconds

    def start(self) -> None:
        """Warm the fallback and connect the primary, both in background threads."""
        self.fallback.start()
        threading.Thread(target=self._connect_quietly, name="proofreader-connect", daemon=True).start()

    def _connect_quietly(self) -> None:
        try:
            self._get_primary()
        finally:
            self.ready.set()

    def _get_primary(self) -> Proofreader | None:
        import time

        with self._lock:
            if self.primary is not None:
                return self.primary
            if self._failure and time.monotonic() - self._failed_at < self.retry_seconds:
                return None
            try:
                primary = self._primary_factory()
                if hasattr(primary, "connect"):
                    primary.connect()
                self.primary = primary
                self._failure = None
                return primary
            except ProofreadingUnavailableError as exc:
                log.warning("LanguageTool unavailable, using the embedded engine: %s", exc)
                self._failure = str(exc)
                self._failed_at = time.monotonic()
                return None

    def proofread(self, text: str) -> ProofreadingResult:
        primary = self._get_primary()
        if primary is not None:
            try:
                return primary.proofread(text)
            except ProofreadingUnavailableError as exc:
                with self._lock:
                    self.primary = None
                    self._failure = str(exc)
                    import time

                    self._failed_at = time.monotonic()
        result = self.fallback.proofread(text)
        notice = texts.ENGINE_FALLBACK_NOTICE.format(reason=self._failure or "")
        return ProofreadingResult(result.engine, result.matches, notice)

    def close(self) -> None:
        if self.primary is not None:
            self.primary.close()
        if self._on_close is not None:
            self._on_close()
        self.fallback.close()


def _bundle_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


def bundled_languagetool_dir() -> str:
    """LanguageTool shipped inside the installer's bundle (``installer/build.sh --languagetool``), or ""."""
    root = _bundle_root()
    candidate = root / "languagetool" if root else None
    return str(candidate) if candidate and (candidate / "languagetool-server.jar").is_file() else ""


def bundled_java() -> str:
    """The Java runtime shipped inside the bundle (``--java``), or "" (then ``java`` from PATH)."""
    root = _bundle_root()
    if root is None:
        return ""
    for name in ("java", "java.exe"):
        candidate = root / "jre" / "bin" / name
        if candidate.is_file():
            return str(candidate)
    return ""


def create_proofreader(settings: Any, *, embedded: EmbeddedProofreader | None = None) -> Proofreader:
    """Engine per ``settings.proofreading`` (a ``ProofreadingSettings``-like object).

    ``engine = "embedded"`` → pylat-ru. ``engine = "languagetool"`` → ``languagetool_url`` if set
    (a public LanguageTool host is refused), else a managed local server from ``languagetool_dir``
    and ``java_path``; either falls back to pylat-ru with a notice in the report.
    """
    config = getattr(settings, "proofreading", settings)
    fallback = embedded or EmbeddedProofreader()
    if getattr(config, "engine", "embedded") != "languagetool":
        return fallback
    url = (getattr(config, "languagetool_url", "") or "").strip()
    directory = (getattr(config, "languagetool_dir", "") or "").strip() or bundled_languagetool_dir()
    if url:
        return FallbackProofreader(lambda: RemoteLanguageToolProofreader(url), fallback)
    if directory:
        server = ManagedLanguageToolServer(
            directory,
            java_path=getattr(config, "java_path", "") or bundled_java() or "java",
            memory_mb=int(getattr(config, "java_memory_mb", 512) or 512),
        )

        def start_managed() -> Proofreader:
            return RemoteLanguageToolProofreader(server.start())

        return FallbackProofreader(start_managed, fallback, on_close=server.stop)

    def not_configured() -> Proofreader:
        raise ProofreadingUnavailableError(texts.LANGUAGETOOL_NOT_CONFIGURED)

    return FallbackProofreader(not_configured, fallback)
