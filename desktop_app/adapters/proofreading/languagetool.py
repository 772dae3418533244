"""LanguageTool through language-tool-python in remote-server mode, R7 (2).

Only an administration's own server or the local one the app manages: text of citizens' messages
is never sent to the public LanguageTool service. ``language_tool_python.LanguageTool(language,
remote_server=URL)`` never downloads LanguageTool or starts Java; its constructor asks
``/v2/languages`` at once, so ``/v2/healthcheck`` is probed first (httpx, 3 s). What we add on top:

- the same request parameters every check (the tool's ``disabled_rules`` set is filled once and
  never changed): LanguageTool caches one pipeline per parameter set, a new set costs ≈0.5–5 s;
- ``proxies`` that switch the system proxy off — by default ``requests`` would send the text to
  ``HTTP_PROXY`` (a corporate proxy cannot reach our 127.0.0.1 server, and must not see the text);
- lengths converted to code points: the library converts ``offset`` from UTF-16 units but leaves
  ``error_length`` in UTF-16 units (3.4), wrong for a match spanning an emoji;
- one lock for all checks: ``Match`` keeps the last text's emoji positions in *class* attributes,
  so two checks converting at once could shift each other's offsets;
- its errors as Russian :class:`ProofreadingUnavailableError` without the text; an answer that is
  not JSON (LanguageTool refusing this text, e.g. over ``maxTextLength``) as
  :class:`ProofreadingRefusedError`, so only that check goes to the fallback.

Costs against a hand-written client (measured in docs/VALIDATION.md): a new TCP connection per
check (``requests.post`` without a session) and one retry on a connection error or time-out, so a
hung server is given up after twice ``timeout``.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterable
from typing import Any

import httpx
import language_tool_python
import requests
from language_tool_python.exceptions import LanguageToolError

from desktop_app.adapters.proofreading.embedded import clean_message
from desktop_app.adapters.proofreading.suggestions import rank_replacements
from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import (
    ProofreadingMatch,
    ProofreadingResult,
    ProofreadingUnavailableError,
    utf16_length,
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
NO_PROXY = {"http": None, "https": None, "all": None}  # requests: None overrides HTTP(S)_PROXY, ALL_PROXY
# Match converts offsets through class attributes (the last text seen): one conversion at a time,
# across every LanguageTool object of the process.
_MATCH_LOCK = threading.Lock()


class ProofreadingRefusedError(ProofreadingUnavailableError):
    """The server answered but would not check this text: it is alive, only this check fails."""


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


def open_tool(
    url: str, language: str, disabled_rules: Iterable[str], timeout: float
) -> language_tool_python.LanguageTool:
    """A language-tool-python client of the server at ``url`` (asks ``/v2/languages`` once)."""
    try:
        # ``host`` given: the library would otherwise resolve "localhost" even in remote mode, which
        # fails where no /etc/hosts exists (a minimal offline root) and looked like a dead server.
        tool = language_tool_python.LanguageTool(
            language, remote_server=url, host="127.0.0.1", proxies=dict(NO_PROXY)
        )
    except (LanguageToolError, ValueError, OSError) as exc:  # ValueError: language not on the server
        raise ProofreadingUnavailableError(
            texts.LANGUAGETOOL_UNREACHABLE.format(url=url, error=_short(exc))
        ) from exc
    tool.disabled_rules = set(disabled_rules)
    tool._TIMEOUT = timeout  # type: ignore[misc]  # the library's per-request time-out (300 s by default)
    return tool


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
        self._tool: language_tool_python.LanguageTool | None = None
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
        """Probe the server and open the client; with ``warm_up`` send one warm-up check."""
        with self._lock:
            if self._tool is not None:
                return
            probe_server(self.url)  # before the constructor's /v2/languages (a starting server)
            self._tool = open_tool(self.url, self.language, self.disabled_rules, self.timeout)
        if self.warm_up_on_connect:
            # A client of its own for the long time-out; its parameters are the same as every check's.
            warm = open_tool(self.url, self.language, self.disabled_rules, WARM_UP_TIMEOUT_SECONDS)
            self._check(warm, WARM_UP_TEXT)
        self.ready.set()

    def parameters(self, text: str) -> dict[str, str]:
        """What a ``/v2/check`` request carries, as the library builds it (connects first)."""
        self.connect()
        tool = self._tool
        return tool._create_params(text) if tool is not None else {}

    def proofread(self, text: str) -> ProofreadingResult:
        self.connect()
        if not text:
            return ProofreadingResult(self.name, ())
        tool = self._tool
        if tool is None:  # closed meanwhile
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error="closed")
            )
        return ProofreadingResult(self.name, self._check(tool, text))

    def _check(self, tool: language_tool_python.LanguageTool, text: str) -> tuple[ProofreadingMatch, ...]:
        try:
            with _MATCH_LOCK:
                found = tool.check(text)
            return tuple(convert_match(m, text, rerank=self.rerank) for m in found)
        except LanguageToolError as exc:
            error = texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error=_short(exc))
            if isinstance(exc.__cause__, json.JSONDecodeError):
                raise ProofreadingRefusedError(error) from exc
            raise ProofreadingUnavailableError(error) from exc
        except (KeyError, TypeError, AttributeError, ValueError) as exc:  # JSON of another shape
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_UNREACHABLE.format(url=self.url, error=_short(exc))
            ) from exc

    def close(self) -> None:
        with self._lock:
            tool, self._tool = self._tool, None
        if tool is not None:
            tool.close()  # remote mode: nothing to stop, kept for the library's bookkeeping


def _short(exc: BaseException) -> str:
    """The error without the request's text (a citizen's data never goes into a notice)."""
    cause = exc.__cause__ or exc
    if isinstance(cause, json.JSONDecodeError):
        return "сервер отказал в проверке этого текста"
    if isinstance(cause, requests.Timeout):
        return "нет ответа (тайм-аут)"
    if isinstance(cause, (requests.ConnectionError, OSError)):
        return "нет соединения"
    if isinstance(exc, ValueError) and "language" in str(exc).lower():
        return "сервер не проверяет русский язык"
    return "неверный ответ"


def convert_match(match: Any, text: str, *, rerank: bool = True) -> ProofreadingMatch:
    """A language-tool-python ``Match`` → :class:`ProofreadingMatch` with code-point offsets.

    LanguageTool counts ``offset``/``length`` in UTF-16 units. The library has turned ``offset``
    into a code-point index already; ``error_length`` it leaves in UTF-16 units, so the span is
    converted again from its UTF-16 start.
    """
    start16 = utf16_length(text[: int(match.offset)])
    offset, length = utf16_span_to_codepoints(text, start16, int(match.error_length))
    category = str(match.category or "")
    issue_type = str(match.rule_issue_type or "")
    replacements = tuple(str(r) for r in match.replacements or () if r)
    is_typo = issue_type == "misspelling" or category.upper() == "TYPOS"
    if rerank and is_typo:
        replacements = rank_replacements(text[offset : offset + length], replacements)
    return ProofreadingMatch(
        offset=offset,
        length=length,
        rule_id=str(match.rule_id or ""),
        message=clean_message(str(match.message or "")),
        replacements=replacements,
        short_message=str(getattr(match, "shortMessage", "") or ""),
        category=category,
        issue_type=issue_type,
    )
