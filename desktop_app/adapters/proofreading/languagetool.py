"""LanguageTool over its HTTP API (``/v2/check``), R7 (2).

Only an administration's own server or the local one the app manages: text of citizens' messages
is never sent to the public LanguageTool service. We speak the API directly (httpx, one kept-alive
connection) rather than through language-tool-python: one request per check, no download or Java
logic on the path, and the same request parameters every time — LanguageTool caches one pipeline
per parameter set, and a new set costs ≈0.5–5 s to build.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterable
from typing import Any

import httpx

from desktop_app.adapters.proofreading.embedded import clean_message
from desktop_app.adapters.proofreading.suggestions import rank_replacements
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
WARM_UP_TIMEOUT_SECONDS = 180.0  # the first check builds the Russian pipeline: 5–20 s on a busy machine
# Sent once after connecting with the same parameters as every check, so the first real check
# finds the pipeline built (the server's pipelinePrewarming cannot be used with Russian alone).
WARM_UP_TEXT = (
    "Здравствуйте, Иван! Ваше обращение расмотрено администрацией городского округа. Ремонт дороги на "
    "улице Ленина будет выполнен подрядной организацией до 1 июня, работы взяты на контроль отделом ЖКХ. "
    "Согласно графика, в течении недели специалисты проведут обследование, после чего вам сообщат о "
    "результатах. Если сроки не будут соблюдены, обратитесь к нам повторно по телефону 8 (800) 100-00-00. "
    "Благодарим за обращение и внимание к благоустройству города!"
)  # a typical answer: the first real check then also finds the JIT warm for most rules


def is_public_service(url: str) -> bool:
    """True for api.languagetool.org and other hosts of the public (online) service."""
    host = (urllib.parse.urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    return any(host == public or host.endswith("." + public) for public in PUBLIC_HOSTS)


def _endpoint(url: str, path: str) -> str:
    return urllib.parse.urljoin(url.rstrip("/") + "/", path)


def probe_server(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Raise :class:`ProofreadingUnavailableError` unless ``url`` answers as a LanguageTool server.

    ``/v2/healthcheck`` first (cheap); servers without it are asked for ``/v2/languages``.
    """
    try:
        response = httpx.get(_endpoint(url, "v2/healthcheck"), timeout=timeout, trust_env=False)
        if response.status_code == 404:
            response = httpx.get(_endpoint(url, "v2/languages"), timeout=timeout, trust_env=False)
            response.raise_for_status()
            response.json()
        else:
            response.raise_for_status()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProofreadingUnavailableError(texts.LANGUAGETOOL_UNREACHABLE.format(url=url, error=exc)) from exc


class RemoteLanguageToolProofreader:
    """A LanguageTool server (the administration's, or the one we started).

    ``disabled_rules`` go with every request (the rule pack's ``ignored_engine_rules``); ``rerank``
    orders spelling suggestions closest first (:mod:`suggestions`).
    """

    name = "languagetool"

    def __init__(
        self,
        url: str,
        language: str = "ru-RU",
        timeout: float = CHECK_TIMEOUT_SECONDS,
        *,
        disabled_rules: Iterable[str] = (),
        rerank: bool = True,
        warm_up: bool = False,
    ) -> None:
        if is_public_service(url):
            raise ProofreadingUnavailableError(texts.PUBLIC_SERVICE_REFUSED.format(url=url))
        self.url = url
        self.language = language
        self.timeout = timeout
        self.disabled_rules = tuple(sorted(set(disabled_rules)))
        self.rerank = rerank
        self.warm_up_on_connect = warm_up
        self.ready = threading.Event()
        self._client: httpx.Client | None = None
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
        """Probe the server and open the connection; with ``warm_up`` send one warm-up check."""
        with self._lock:
            if self._client is not None:
                return
            probe_server(self.url)
            self._client = httpx.Client(timeout=self.timeout, trust_env=False)
        if self.warm_up_on_connect:
            self._check(WARM_UP_TEXT, WARM_UP_TIMEOUT_SECONDS)
        self.ready.set()

    def parameters(self, text: str) -> dict[str, str]:
        params = {"text": text, "language": self.language}
        if self.disabled_rules:
            params["disabledRules"] = ",".join(self.disabled_rules)
        return params

    def proofread(self, text: str) -> ProofreadingResult:
        self.connect()
        if not text:
            return ProofreadingResult(self.name, ())
        return ProofreadingResult(self.name, self._check(text, self.timeout))

    def _check(self, text: str, timeout: float) -> tuple[ProofreadingMatch, ...]:
        client = self._client
        if client is None:  # closed meanwhile
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error="closed")
            )
        try:
            response = client.post(
                _endpoint(self.url, "v2/check"), data=self.parameters(text), timeout=timeout
            )
            response.raise_for_status()
            raw = response.json().get("matches", [])
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error=_short(exc))
            ) from exc
        return tuple(convert_match(m, text, rerank=self.rerank) for m in raw)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


def _short(exc: BaseException) -> str:
    """The error without the request's text (a citizen's data never goes into a notice)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "нет ответа (тайм-аут)"
    if isinstance(exc, httpx.TransportError):
        return "нет соединения"
    return "неверный ответ"


def convert_match(match: dict[str, Any], text: str, *, rerank: bool = True) -> ProofreadingMatch:
    """A ``/v2/check`` match → :class:`ProofreadingMatch` with code-point offsets.

    LanguageTool counts ``offset``/``length`` in UTF-16 units: an emoji before (or inside) the
    match shifts them, so they are converted over the checked text.
    """
    offset, length = utf16_span_to_codepoints(text, int(match.get("offset", 0)), int(match.get("length", 0)))
    rule = match.get("rule") or {}
    category = (rule.get("category") or {}).get("id", "")
    issue_type = str(rule.get("issueType") or "")
    replacements = tuple(str(r.get("value", "")) for r in match.get("replacements") or () if r.get("value"))
    is_typo = issue_type == "misspelling" or str(category).upper() == "TYPOS"
    if rerank and is_typo:
        replacements = rank_replacements(text[offset : offset + length], replacements)
    return ProofreadingMatch(
        offset=offset,
        length=length,
        rule_id=str(rule.get("id", "")),
        message=clean_message(str(match.get("message", ""))),
        replacements=replacements,
        short_message=str(match.get("shortMessage") or ""),
        category=str(category or ""),
        issue_type=issue_type,
    )
