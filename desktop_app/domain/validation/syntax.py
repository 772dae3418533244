"""Dependency syntax for question focus and answer clauses (R7 (3)): natasha/slovnet, offline.

slovnet's ``NewsSyntaxParser`` ships inside the natasha wheel and reuses the navec embeddings the
coverage check already loads, so the parse costs ≈1 ms a sentence. Without slovnet every token hangs
off the sentence's first word and a sentence is one clause (coverage then works as before).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.domain.validation.language import fold, lemma, parses

log = logging.getLogger(__name__)

# Relations that open a clause of their own (a coordinated or subordinate predicate).
_CLAUSE_RELS = {"root", "conj", "advcl", "ccomp", "parataxis", "acl:relcl", "csubj"}
_PREDICATE_POS = {"VERB", "INFN", "PRTS", "ADJS", "PRED", "GRND"}


@dataclass(frozen=True)
class Word:
    """One token of a parsed sentence; offsets relative to the sentence text."""

    index: int
    text: str
    start: int
    stop: int
    head: int  # index of the head token, -1 for the root
    rel: str
    lemma: str
    pos: str | None

    @property
    def is_predicate(self) -> bool:
        return self.pos in _PREDICATE_POS


@dataclass(frozen=True)
class Clause:
    """A predicate with the words that hang off it (nested clauses excluded)."""

    head: Word
    words: tuple[Word, ...]

    @property
    def start(self) -> int:
        return min(w.start for w in self.words)

    @property
    def stop(self) -> int:
        return max(w.stop for w in self.words)

    @property
    def lemmas(self) -> frozenset[str]:
        return frozenset(w.lemma for w in self.words)


# OpenBLAS entry points, newest wheels first (numpy ≥ 2 ships scipy-openblas with 64-bit symbols).
_BLAS_SETTERS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)


def _openblas_libraries() -> list[Path]:
    """numpy's bundled OpenBLAS (a wheel's ``numpy.libs``/``numpy/.libs``, or what the process mapped)."""
    import numpy

    root = Path(numpy.__file__).resolve().parent
    found = [*root.parent.glob("numpy.libs/*openblas*"), *root.glob(".libs/*openblas*")]
    maps = Path("/proc/self/maps")
    if not found and maps.exists():
        with contextlib.suppress(OSError):
            lines = maps.read_text().splitlines()
            found = sorted({Path(line.split()[-1]) for line in lines if "openblas" in line})
    return [p for p in found if p.is_file()]


def limit_blas_threads(threads: int = 1) -> int | None:
    """Run numpy's OpenBLAS single-threaded; returns the thread count now in force (None: not found).

    slovnet multiplies small matrices (a sentence × 300 dimensions). OpenBLAS splits even those over
    every core and its threads spin-wait for each other: on the shared 2-core box a new 750-character
    draft's coverage took 130–330 ms instead of 28 ms (benchmarks/bench_validation.py, issue 15).
    Nothing else in the app needs multi-threaded BLAS, so the limit is process-wide.
    """
    for path in _openblas_libraries():
        try:
            library = ctypes.CDLL(str(path))
        except OSError:
            continue
        for setter, getter in _BLAS_SETTERS:
            if hasattr(library, setter) and hasattr(library, getter):
                getattr(library, setter)(ctypes.c_int(threads))
                return int(getattr(library, getter)())
    log.debug("OpenBLAS not found: BLAS threads left as they are")
    return None


class SyntaxParser:
    """Thread-safe, cached slovnet parse of single sentences."""

    def __init__(self, navec: Any | None = None) -> None:
        from natasha import NewsEmbedding, NewsSyntaxParser, Segmenter

        limit_blas_threads(1)  # p50 budget: multi-threaded BLAS is 5–10× slower for slovnet's matrices

        self._segmenter = Segmenter()
        self._parser = NewsSyntaxParser(navec if navec is not None else NewsEmbedding())
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Word, ...]] = {}

    def parse(self, text: str) -> tuple[Word, ...]:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                return cached
            from natasha import Doc

            doc = Doc(text)
            doc.segment(self._segmenter)
            doc.parse_syntax(self._parser)
            if len(self._cache) > 5000:
                self._cache.clear()
            ids: dict[str, int] = {}
            raw = []
            for token in doc.tokens:
                ids[token.id] = len(raw)
                raw.append(token)
            words = tuple(
                _word(i, t.text, t.start, t.stop, ids.get(t.head_id, -1) if t.rel != "root" else -1, t.rel)
                for i, t in enumerate(raw)
            )
            self._cache[text] = words
            return words


def flat_parse(text: str) -> tuple[Word, ...]:
    """Fallback without slovnet: one clause headed by the first predicate."""
    from desktop_app.domain.validation.language import tokenize

    tokens = tokenize(text)
    words = [_word(i, t.text, t.start, t.stop, 0, "dep") for i, t in enumerate(tokens)]
    root = next((w.index for w in words if w.is_predicate), 0)
    return tuple(
        Word(
            w.index,
            w.text,
            w.start,
            w.stop,
            -1 if w.index == root else root,
            "root" if w.index == root else "dep",
            w.lemma,
            w.pos,
        )
        for w in words
    )


def _word(index: int, text: str, start: int, stop: int, head: int, rel: str) -> Word:
    found = parses(text)
    pos = found[0].tag.POS if found and text[:1].isalpha() else None
    return Word(index, text, start, stop, head, rel, lemma(text) if text[:1].isalpha() else fold(text), pos)


def clauses(words: Sequence[Word]) -> list[Clause]:
    """Split a parsed sentence into clauses: every word joins its nearest clause-opening ancestor."""
    if not words:
        return []
    heads = {w.index for w in words if w.head < 0 or (w.rel in _CLAUSE_RELS and w.is_predicate)}
    if not heads:
        heads = {words[0].index}
    groups: dict[int, list[Word]] = {h: [] for h in heads}
    by_index = {w.index: w for w in words}
    for word in words:
        node, seen = word, 0
        while node.index not in heads and node.head >= 0 and seen < len(words):
            node = by_index.get(node.head, node)
            seen += 1
            if node.head < 0:
                break
        owner = node.index if node.index in heads else min(heads)
        groups[owner].append(word)
    return [Clause(by_index[h], tuple(ws)) for h, ws in sorted(groups.items()) if ws]


_SHARED: SyntaxParser | None = None
_SHARED_LOCK = threading.Lock()


@functools.cache
def _failed() -> list[bool]:
    return []


def shared_syntax_parser(navec: Any | None = None) -> SyntaxParser | None:
    """Process-wide parser, or None when slovnet cannot load (coverage then uses flat clauses)."""
    global _SHARED
    if _SHARED is None and not _failed():
        with _SHARED_LOCK:
            if _SHARED is None and not _failed():
                try:
                    _SHARED = SyntaxParser(navec)
                except Exception as exc:  # offline fallback, as for navec
                    log.warning("slovnet syntax unavailable: %s", exc)
                    _failed().append(True)
    return _SHARED
