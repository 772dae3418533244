"""Organisation dictionary: words the spelling check must accept (R7, point 2).

Street and department names, abbreviations (МКД, ЖКХ, ЕДДС), people's names. Administrators
extend it in the database; here it is just an iterable of words or phrases.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from desktop_app.domain.validation.language import WORD_RE, fold, lemma, morph, resource_dir

# A dictionary stem may take a case ending of up to this many letters («Горводоканала»).
_MAX_ENDING = 3
_MIN_STEM = 4


_DEFAULT_FILES = ("organisation_dictionary.txt", "municipal_vocabulary.txt")


def default_dictionary_words() -> list[str]:
    """Words from ``resources/validation/organisation_dictionary.txt`` and ``municipal_vocabulary.txt``
    (comments skipped)."""
    words: list[str] = []
    for name in _DEFAULT_FILES:
        lines = (resource_dir() / name).read_text(encoding="utf-8").splitlines()
        words.extend(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return words


# Issue 15 (spelling precision): an organisation's own name is not a typo. Most unknown words the
# speller flagged on the evaluation corpus were such names — «Дорсервис», УК «Жилкомфорт», МУП
# «Зеленстрой» — written the way Russian writes them: capitalised, in quotes, or after the legal form.
_QUOTED_RE = re.compile(r"«[^«»\n]{1,80}»|„[^„“\n]{1,80}“|\"[^\"\n]{1,80}\"")
_LEGAL_FORM_RE = re.compile(
    r"(?<![А-Яа-яЁё])(?:ООО|ОАО|ЗАО|ПАО|АО|НКО|АНО|МУП|МКУ|МБУ|МАУ|МУ|ГУП|ГБУ|ГБУЗ|ГАУ|ГКУ|ФГУП|ФГБУ|"
    r"МБОУ|МАОУ|МБДОУ|МАДОУ|УК|ТСЖ|ТСН|ЖСК|СНТ|ИП)\s+[А-ЯЁ][А-Яа-яЁё-]*"
)


def proper_name_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names something in quotes or after a legal form (character spans)."""
    return [m.span() for m in _QUOTED_RE.finditer(text)] + [m.span() for m in _LEGAL_FORM_RE.finditer(text)]


def is_proper_name(fragment: str, offset: int, spans: list[tuple[int, int]]) -> bool:
    """A capitalised word inside one of ``spans`` (``proper_name_spans`` of the text)."""
    if not fragment[:1].isupper():
        return False
    end = offset + len(fragment)
    return any(start <= offset and end <= stop for start, stop in spans)


_COMPOUND_FILE = "compound_first_parts.txt"
_MIN_COMPOUND_REST = 4  # «вет» + «клинике»; a shorter rest is as likely a slip as a word


@functools.cache
def _compound_first_parts() -> tuple[str, ...]:
    lines = (resource_dir() / _COMPOUND_FILE).read_text(encoding="utf-8").splitlines()
    return tuple(
        sorted((s.strip() for s in lines if s.strip() and not s.startswith("#")), key=len, reverse=True)
    )


@functools.lru_cache(maxsize=20_000)
def _known(word: str) -> bool:
    return morph().word_is_known(word)


def _first_part_and_known(word: str, depth: int = 2) -> bool:
    for first in _compound_first_parts():
        rest = word[len(first) :]
        if (
            word.startswith(first)
            and len(rest) >= _MIN_COMPOUND_REST
            and (_known(rest) or (depth > 1 and _first_part_and_known(rest, depth - 1)))
        ):
            return True
    return False


def is_compound_of_known_words(fragment: str) -> bool:
    """A compound the speller's dictionary lacks but Russian builds from known words (R7 (2)).

    Hyphenated, every part a word («архитектурно-художественной», «песчано-соляной»); or a combining
    form from ``compound_first_parts.txt`` before a known word («ветклинике», «госстройнадзора»). A slip
    in the known part («спецыалист», «аварийно-востановительный») is still a slip.
    """
    word = fold(fragment)
    if not word or not WORD_RE.fullmatch(word):
        return False
    parts = word.split("-")
    if len(parts) > 1:
        return all(len(p) >= 2 and (_known(p) or _first_part_and_known(p)) for p in parts)
    return _first_part_and_known(word)


class OrganisationDictionary:
    """Case- and ё-insensitive word set with lemma and case-ending tolerance."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._words: set[str] = set()
        for entry in words:
            for word in WORD_RE.findall(str(entry)):
                self._words.add(fold(word))

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.accepts_word(word)

    def accepts_word(self, word: str) -> bool:
        key = fold(word)
        if not key:
            return False
        if key in self._words or lemma(word) in self._words:
            return True
        for cut in range(1, _MAX_ENDING + 1):
            stem = key[:-cut]
            if len(stem) >= _MIN_STEM and stem in self._words:
                return True
        return False

    def accepts(self, fragment: str) -> bool:
        """True when every word of ``fragment`` is in the dictionary (and there is at least one)."""
        words = WORD_RE.findall(fragment)
        return bool(words) and all(self.accepts_word(w) for w in words)
