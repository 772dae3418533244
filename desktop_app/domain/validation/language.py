"""Shared Russian language helpers: resource loading, razdel tokens, cached pymorphy3 parses.

pymorphy3 is used directly (natasha's MorphVocab wraps pymorphy2, which breaks on Python 3.11).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymorphy3
import razdel

from desktop_app import paths

_MORPH_LOCK = threading.Lock()
_MORPH: pymorphy3.MorphAnalyzer | None = None
WORD_RE = re.compile(r"[А-Яа-яЁёA-Za-z][А-Яа-яЁёA-Za-z-]*")


def resource_dir() -> Path:
    """``resources/validation`` (source checkout or bundle)."""
    return paths.resources_dir() / "validation"


@functools.cache
def load_json(name: str) -> dict[str, Any]:
    """Load a JSON data file from ``resources/validation`` (cached, treat as read-only)."""
    with (resource_dir() / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def morph() -> pymorphy3.MorphAnalyzer:
    """The process-wide pymorphy3 analyser (built once, ~0.1 s)."""
    global _MORPH
    if _MORPH is None:
        with _MORPH_LOCK:
            if _MORPH is None:
                _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


@functools.lru_cache(maxsize=50_000)
def parses(word: str) -> tuple[Any, ...]:
    """pymorphy3 parses of a word (lower-cased), cached."""
    return tuple(morph().parse(word.lower()))


@functools.lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """Most likely normal form, with ё folded to е.

    On a tie between a substantivised neuter adjective and the adjective («холодные»: «холодное»
    NOUN 0.25 vs «холодный» ADJF 0.25) the adjective wins: «батареи холодные» is about being cold.
    """
    found = parses(word)
    if not found:
        return word.lower().replace("ё", "е")
    best = found[0]
    if best.tag.POS == "NOUN":
        rival = next((p for p in found[1:] if p.score >= best.score - 1e-9 and p.tag.POS == "ADJF"), None)
        if rival is not None and best.normal_form.endswith(("ое", "ее")):
            best = rival
    return best.normal_form.replace("ё", "е")


@dataclass(frozen=True)
class Token:
    """A razdel token with its position in the text."""

    text: str
    start: int
    stop: int

    @property
    def is_word(self) -> bool:
        return bool(WORD_RE.fullmatch(self.text))


def tokenize(text: str) -> list[Token]:
    return [Token(t.text, t.start, t.stop) for t in razdel.tokenize(text)]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    stop: int


def sentences(text: str) -> list[Sentence]:
    """razdel sentences, further split at line breaks (social posts often omit final dots)."""
    result: list[Sentence] = []
    for sent in razdel.sentenize(text):
        offset = sent.start
        # «…уже месяц? инсулин выдавать когда начнут?»: posts often go on in lower case after «?»/«!».
        for part in re.split(r"(\n+|(?<=[?!])\s+(?=[а-яё]))", sent.text):
            if part and part.strip():
                lead = len(part) - len(part.lstrip())
                stripped = part.strip()
                result.append(Sentence(stripped, offset + lead, offset + lead + len(stripped)))
            offset += len(part)
    return result


def fold(word: str) -> str:
    """Case- and ё-insensitive key."""
    return word.lower().replace("ё", "е")
