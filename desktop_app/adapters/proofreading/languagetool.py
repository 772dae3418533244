"""LanguageTool engines via language-tool-python in remote-server mode (R7 (2)).

Only an administration's own server or a local installation the app manages: text of citizens'
messages is never sent to the public LanguageTool service.
"""

from __future__ import annotations

import threading
import urllib.parse
from typing import Any

import httpx

from desktop_app.adapters.proofreading.embedded import clean_message
from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import (
    ProofreadingMatch,
    ProofreadingResult,
    ProofreadingUnavailableError,
    utf16_span_to_codepoints,
)

PUBLIC_HOSTS = ("languagetool.org", "languagetool.com", "languagetoolplus.com")
PROBE_TIMEOUT_SECONDS = 3.0
CHECK_TIMEOUT_SECONDS = 20.0
# language-tool-python keeps the last text's astral positions in class attributes: serialise.
_LTP_LOCK = threading.Lock()


def is_public_service(url: str) -> bool:
    """True for api.languagetool.org and other hosts of the public (online) service."""
    host = (urllib.parse.urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    return any(host == public or host.endswith("." + public) for public in PUBLIC_HOSTS)


def probe_server(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Raise :class:`ProofreadingUnavailableError` unless ``url`` answers ``/v2/languages``."""
    languages = urllib.parse.urljoin(url.rstrip("/") + "/", "v2/languages")
    try:
        response = httpx.get(languages, timeout=timeout, trust_env=False)
        response.raise_for_status()
        response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProofreadingUnavailableError(texts.LANGUAGETOOL_UNREACHABLE.format(url=url, error=exc)) from exc


class RemoteLanguageToolProofreader:
    """A LanguageTool server (the administration's, or one we started) through language-tool-python."""

    name = "languagetool"

    def __init__(self, url: str, language: str = "ru-RU", timeout: float = CHECK_TIMEOUT_SECONDS) -> None:
        if is_public_service(url):
            raise ProofreadingUnavailableError(texts.PUBLIC_SERVICE_REFUSED.format(url=url))
        self.url = url
        self.language = language
        self.timeout = timeout
        self.ready = threading.Event()
        self._tool: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Connect in a background thread so a GUI does not wait for the server."""
        threading.Thread(target=self._start_quietly, name="languagetool-connect", daemon=True).start()

    def _start_quietly(self) -> None:
        try:
            self.connect()
        except ProofreadingUnavailableError:
            pass
        finally:
            self.ready.set()

    def connect(self) -> None:
        """Probe the server, then build the language-tool-python client (no download, no Java)."""
        with self._lock:
            if self._tool is not None:
                return
            probe_server(self.url)
            import language_tool_python

            try:
                tool = language_tool_python.LanguageTool(self.language, remote_server=self.url)
            except Exception as exc:
                raise ProofreadingUnavailableError(
                    texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error=exc)
                ) from exc
            tool._TIMEOUT = self.timeout  # the library's default is 300 s
            self._tool = tool
            self.ready.set()

    def proofread(self, text: str) -> ProofreadingResult:
        self.connect()
        if not text:
            return ProofreadingResult(self.name, ())
        try:
            with _LTP_LOCK:
                raw = self._tool.check(text)
        except Exception as exc:
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error=exc)
            ) from exc
        return ProofreadingResult(self.name, tuple(convert_ltp_match(m, text) for m in raw))

    def close(self) -> None:
        with self._lock:
            if self._tool is not None:
                self._tool.close()
                self._tool = None


def convert_ltp_match(match: Any, text: str) -> ProofreadingMatch:
    """Map a language-tool-python match to code-point offsets.

    The library corrects ``offset`` for astral characters before it but leaves ``errorLength`` in
    UTF-16 units; recompute both from the UTF-16 offset so emoji inside a match are right too.
    """
    code_point_offset = int(match.offset)
    utf16_offset = code_point_offset + sum(1 for ch in text[:code_point_offset] if ord(ch) > 0xFFFF)
    offset, length = utf16_span_to_codepoints(text, utf16_offset, int(match.error_length))
    return ProofreadingMatch(
        offset=offset,
        length=length,
        rule_id=str(match.rule_id),
        message=clean_message(str(match.message)),
        replacements=tuple(str(r) for r in match.replacements),
        short_message=str(getattr(match, "short_message", "") or getattr(match, "shortMessage", "") or ""),
        category=str(match.category or ""),
        issue_type=str(match.rule_issue_type or ""),
    )
