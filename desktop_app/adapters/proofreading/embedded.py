"""Embedded offline engine: pylat-ru, a pure-Python port of LanguageTool's Russian rules (R7 (2)).

≈0.5 s to construct, ≈1.7 s for the first check, ≈170 ms per 500 characters afterwards, ≈210 MiB:
construct once, warm up in a background thread (``start()``), serialise checks with a lock.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import razdel

from desktop_app.adapters.proofreading.suggestions import rank_replacements
from desktop_app.domain.validation.proofreading import (
    KnownWord,
    ProofreadingMatch,
    ProofreadingResult,
    ProofreadingUnavailableError,
)
from desktop_app.heap import settle_heap

log = logging.getLogger(__name__)

CACHE_SENTENCES = 4096
_SUGGESTION_TAG = re.compile(r"</?suggestion>")
_WARM_UP_TEXT = "Здравствуйте, Иван! Ваше обращение расмотрено, работы будут выполнены в течение недели."


def clean_message(message: str) -> str:
    """LanguageTool messages mark suggestions with tags; show them as «quotes»."""
    return _SUGGESTION_TAG.sub(lambda m: "»" if m.group(0).startswith("</") else "«", message)


class EmbeddedProofreader:
    """pylat-ru behind the :class:`Proofreader` and :class:`SelectiveSuggester` protocols."""

    name = "embedded"

    def __init__(self, level: str | None = None, *, sentence_cache: bool = True, rerank: bool = True) -> None:
        from pylat_ru import LEVEL_DEFAULT

        self.level = level or LEVEL_DEFAULT
        self.rerank = rerank  # spelling suggestions closest first (suggestions.py)
        self.ready = threading.Event()
        self._engine: Any = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        # The draft editor re-validates after every edit: unchanged sentences come from this cache.
        self.sentence_cache = sentence_cache
        # sentence -> (matches, words whose replacements were not searched: valid while they stay known)
        self._cache: OrderedDict[str, tuple[tuple[ProofreadingMatch, ...], frozenset[str]]] = OrderedDict()

    def start(self) -> None:
        """Construct and warm the engine in a daemon thread; returns at once."""
        with self._lock:
            if self._thread is not None or self.ready.is_set():
                return
            self._thread = threading.Thread(target=self._warm_up, name="pylat-ru-warm-up", daemon=True)
            self._thread.start()

    def _warm_up(self) -> None:
        try:
            with self._lock:
                self._ensure_engine()
        except Exception as exc:  # reported on the next proofread()
            log.exception("pylat-ru warm-up failed")
            self._error = exc
        finally:
            self.ready.set()

    def _ensure_engine(self) -> None:
        if self._engine is None:
            from pylat_ru import LanguageToolRU

            _memoise_pure_helpers()
            engine = LanguageToolRU()
            engine.check(_WARM_UP_TEXT, level=self.level)  # the first check loads rules and dictionary
            self._engine = engine
            # ≈770,000 lists of rules and dictionary data, alive as long as the process: out of the
            # collector's way, or every full collection walks them (≈0.8 s, on the UI thread too).
            settle_heap()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until warmed up (starting the warm-up if needed)."""
        self.start()
        return self.ready.wait(timeout)

    def proofread(self, text: str) -> ProofreadingResult:
        return self.proofread_with_known(text, None)

    def proofread_with_known(self, text: str, known: KnownWord | None) -> ProofreadingResult:
        """As ``proofread``; no replacements are searched for words ``known`` accepts (R7 (2)).

        The search is ≈half of pylat-ru's time on a new draft and mostly spent on names the
        validator drops anyway (streets, companies in quotes, the organisation dictionary).
        """
        with self._lock:
            try:
                self._ensure_engine()
                if self.sentence_cache:
                    matches = self._check_by_sentence(text, known)
                else:
                    matches = self._check(text, known)[0]
            except Exception as exc:
                raise ProofreadingUnavailableError(f"pylat-ru: {exc}") from exc
        self.ready.set()
        return ProofreadingResult(self.name, matches)

    def _check(
        self, text: str, known: KnownWord | None
    ) -> tuple[tuple[ProofreadingMatch, ...], frozenset[str]]:
        """The matches of ``text`` and the words whose replacements were not searched."""
        if not text.strip():
            return (), frozenset()
        with _skipping_replacements_of(known) as skipped:
            found = self._engine.check(text, level=self.level)
        matches = tuple(_convert(m, text, self.rerank) for m in found)
        if (
            skipped
            and known is not None
            and any(_lost_replacements(m, text, known, skipped) for m in matches)
        ):
            return self._check(text, None)  # a match the caller keeps would lack replacements
        return matches, frozenset(skipped)

    def _check_by_sentence(self, text: str, known: KnownWord | None) -> tuple[ProofreadingMatch, ...]:
        """Check sentence by sentence, reusing cached results; offsets shifted to ``text``."""
        found: list[ProofreadingMatch] = []
        for sentence in razdel.sentenize(text):
            cached = self._cache.get(sentence.text)
            # A cached result without some replacements serves only while those words stay known.
            if cached is None or (cached[1] and (known is None or not all(known(w) for w in cached[1]))):
                cached = self._check(sentence.text, known)
                self._cache[sentence.text] = cached
            self._cache.move_to_end(sentence.text)
            if len(self._cache) > CACHE_SENTENCES:
                self._cache.popitem(last=False)
            found.extend(replace(m, offset=m.offset + sentence.start) for m in cached[0])
        return tuple(found)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        """Nothing to release: the engine lives in this process."""


_memoised = False


def _memoise_pure_helpers() -> None:
    """Cache two pure functions pylat-ru recomputes in its inner loops (≈15–20 % per check).

    ``_sentence_token_index`` is recomputed for every rule of the same sentence, and dictionary
    lookups repeat across drafts; both depend only on their argument, so results are unchanged
    (tests/validation compare with and without). pylat-ru is pre-alpha: if its internals move,
    this quietly does nothing.
    """
    global _memoised
    if _memoised:
        return
    _memoised = True
    try:
        import pylat_ru.grammar.engine as grammar_engine
        from pylat_ru.morfologik.dictionary import MorfologikDictionary
    except ImportError:
        return
    index_of = getattr(grammar_engine, "_sentence_token_index", None)
    if index_of is not None:
        last = threading.local()  # per thread: two engines may check in parallel

        def sentence_token_index(sentence: Any) -> Any:
            if getattr(last, "sentence", None) is not sentence:
                last.value = index_of(sentence)
                last.sentence = sentence
            return last.value

        grammar_engine._sentence_token_index = sentence_token_index
    lookup = getattr(MorfologikDictionary, "lookup", None)
    if lookup is not None:
        MorfologikDictionary.lookup = functools.lru_cache(maxsize=100_000)(lookup)
    _share_non_blank_tokens()


# sha256 of the source of pylat-ru 0.1.0a0's ``CompiledRuleVariant.match_sentence``, which
# ``_match_sentence`` repeats with one change; any other version keeps its own.
_MATCH_SENTENCE_SOURCE = "06d52e0000d98c24508a8b5c254f93242eb838a17d8e963d61a8a52d6751f22e"
_non_blank = threading.local()  # per thread: the sentence being checked and its non-blank tokens


def _share_non_blank_tokens() -> None:
    """Filter a sentence's blank tokens once per sentence, not once per rule variant (≈20 % per check).

    pylat-ru's ``match_sentence`` rebuilds the list of non-blank tokens for each of the ≈200 variants
    it tries on a sentence, though it depends on the sentence alone; a new draft's check is over the
    draft's time target with the embedded engine (docs/VALIDATION.md, "Performance")."""
    try:
        import pylat_ru.grammar.matcher as matcher
    except ImportError:
        return
    variant = getattr(matcher, "CompiledRuleVariant", None)
    method = getattr(variant, "match_sentence", None)
    try:
        source = inspect.getsource(method) if method is not None else ""
    except (OSError, TypeError):  # no source shipped: leave it
        return
    if hashlib.sha256(source.encode()).hexdigest() == _MATCH_SENTENCE_SOURCE:
        variant.match_sentence = _match_sentence  # type: ignore[union-attr]


def _non_blank_tokens(sentence: Any, raw_pos: bool) -> list[Any]:
    """The sentence's tokens without blanks (``SENT_START`` kept), as pylat-ru filters them."""
    if getattr(_non_blank, "sentence", None) is not sentence:
        _non_blank.sentence, _non_blank.lists = sentence, {}
    tokens = _non_blank.lists.get(raw_pos)
    if tokens is None:
        stream = sentence.pre_disambig_tokens if raw_pos else sentence.tokens
        tokens = [t for t in stream if t.has_pos_tag("SENT_START") or (t.token and not t.is_whitespace())]
        _non_blank.lists[raw_pos] = tokens
    return tokens


def _match_sentence(
    self: Any, sentence: Any, synthesizer: Any = None, immunized_tokens: set[int] | None = None
) -> list[Any]:
    """pylat-ru's ``CompiledRuleVariant.match_sentence`` (LGPL-2.1-or-later, from LanguageTool) with
    the non-blank tokens shared between variants; ``_match_from`` only reads them."""
    non_blank_tokens = _non_blank_tokens(sentence, self.raw_pos)
    if not non_blank_tokens:
        return []
    limit = (
        1
        if self.is_sent_start
        else max(0, len(non_blank_tokens) - len(self.tokens) + 1) + self.min_occur_correction
    )
    results: list[Any] = []
    imm_set = immunized_tokens or set()
    with self._match_lock:
        for start_idx in range(min(limit, len(non_blank_tokens))):
            m_res = self._match_from(
                tokens=non_blank_tokens,
                start_idx=start_idx,
                synthesizer=synthesizer,
                immunized_tokens=imm_set,
            )
            if m_res is not None:
                results.append(m_res)
        self.reset_dynamic_state()
    return results


# Characters pylat-ru's tokens drop before the speller sees a word (soft hyphen, stress marks).
_IGNORED_CHARACTERS = str.maketrans("", "", "\u00ad\u0301\u0300")
_selective = threading.local()  # per thread: the check in progress's ``known`` and skipped words
_selective_installed = False


@contextlib.contextmanager
def _skipping_replacements_of(known: KnownWord | None) -> Iterator[set[str]]:
    """While checking, pylat-ru's speller searches no replacements for words ``known`` accepts."""
    skipped: set[str] = set()
    if known is None or not _install_selective_suggestions():
        yield skipped
        return
    _selective.known, _selective.skipped = known, skipped
    try:
        yield skipped
    finally:
        _selective.known = _selective.skipped = None


def _install_selective_suggestions() -> bool:
    """Wrap the speller rule's replacement search (once); False where pylat-ru's internals moved."""
    global _selective_installed
    if _selective_installed:
        return True
    try:
        from pylat_ru.spelling import RussianSpellerRuleBase
    except ImportError:
        return False
    search = getattr(RussianSpellerRuleBase, "calc_speller_suggestions", None)
    if search is None:
        return False

    def calc_speller_suggestions(rule: Any, word: str) -> Any:
        known = getattr(_selective, "known", None)
        if known is not None and known(word):
            _selective.skipped.add(word)
            return []
        return search(rule, word)

    RussianSpellerRuleBase.calc_speller_suggestions = calc_speller_suggestions
    _selective_installed = True
    return True


def _lost_replacements(match: ProofreadingMatch, text: str, known: KnownWord, skipped: set[str]) -> bool:
    """A match the caller keeps (its text not ``known``) over a word whose replacements were skipped."""
    fragment = text[match.offset : match.offset + match.length]
    if not match.is_spelling or known(fragment):
        return False
    bare = fragment.translate(_IGNORED_CHARACTERS)  # the speller sees words without them
    return any(word in fragment or word in bare for word in skipped)


def _convert(match: Any, text: str, rerank: bool) -> ProofreadingMatch:
    offset, length = int(match.offset), int(match.length)
    typo = str(match.category_id).upper() == "TYPOS"
    replacements = tuple(str(r) for r in match.replacements)
    if rerank and typo:
        replacements = rank_replacements(text[offset : offset + length], replacements)
    return ProofreadingMatch(
        offset=offset,
        length=length,
        rule_id=str(match.rule_id),
        message=clean_message(str(match.message)),
        replacements=replacements,
        short_message=str(match.short_message or ""),
        category=str(match.category_id or ""),
        issue_type="misspelling" if typo else "",
    )
