"""The proofreading interface every spelling/grammar engine implements (R7, point 2).

Engines live in ``desktop_app.adapters.proofreading``; the domain only sees this protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from desktop_app.errors import OtklikError


class ProofreadingUnavailableError(OtklikError):
    """The engine cannot check text (server down, refused URL, failed start)."""


@dataclass(frozen=True)
class ProofreadingMatch:
    """One engine finding; ``offset``/``length`` are Python string indices (code points)."""

    offset: int
    length: int
    rule_id: str
    message: str
    replacements: tuple[str, ...] = ()
    short_message: str = ""
    category: str = ""
    issue_type: str = ""

    @property
    def is_spelling(self) -> bool:
        """True for unknown-word (typo) findings, the ones an organisation dictionary may suppress."""
        return (
            self.issue_type == "misspelling"
            or self.category.upper() == "TYPOS"
            or self.rule_id.upper().startswith(("MORFOLOGIK", "HUNSPELL"))
        )


@dataclass(frozen=True)
class ProofreadingResult:
    """What one check produced and which engine actually ran it."""

    engine: str  # "embedded" or "languagetool"
    matches: tuple[ProofreadingMatch, ...]
    notice: str | None = None  # e.g. a fallback notice shown in the report


@runtime_checkable
class Proofreader(Protocol):
    """A spelling/grammar engine.

    ``start()`` begins warming up in the background and returns at once; ``ready`` is set when
    the first check will be fast. ``proofread()`` is thread-safe and blocks until the engine is up.
    """

    name: str
    ready: threading.Event

    def start(self) -> None: ...

    def proofread(self, text: str) -> ProofreadingResult: ...

    def close(self) -> None: ...


KnownWord = Callable[[str], bool]


@runtime_checkable
class SelectiveSuggester(Protocol):
    """An engine that can leave out the replacements of words its caller accepts anyway (R7 (2)).

    ``proofread_with_known(text, known)`` finds exactly what ``proofread(text)`` finds; a spelling match
    whose whole text ``known`` accepts may come without replacements (the caller drops such matches:
    organisation words, proper names), every other match is complete. Searching replacements for an
    unknown word is most of a pure-Python engine's time, and most unknown words are names.
    """

    def proofread_with_known(self, text: str, known: KnownWord) -> ProofreadingResult: ...


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (how LanguageTool, Telegram and VK count)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_to_codepoint_map(text: str) -> Sequence[int]:
    """``result[u]`` is the code-point index for UTF-16 offset ``u`` (one extra entry for the end).

    An offset in the middle of a surrogate pair maps to the character that contains it.
    """
    mapping: list[int] = []
    for index, ch in enumerate(text):
        mapping.append(index)
        if ord(ch) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping


def utf16_span_to_codepoints(text: str, offset: int, length: int) -> tuple[int, int]:
    """Convert a UTF-16 (offset, length) span over ``text`` to a code-point (offset, length) span."""
    mapping = utf16_to_codepoint_map(text)
    last = len(mapping) - 1
    start = mapping[min(max(offset, 0), last)]
    end_unit = min(max(offset + length, 0), last)
    end = mapping[end_unit]
    if end_unit > 0 and end_unit < last and mapping[end_unit - 1] == end:
        end += 1  # the span ends inside a surrogate pair: include the whole character
    return start, max(end - start, 0)
