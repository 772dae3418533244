"""Organisation dictionary: words the spelling check must accept (R7, point 2).

Street and department names, abbreviations (МКД, ЖКХ, ЕДДС), people's names. Administrators
extend it in the database; here it is just an iterable of words or phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from desktop_app.domain.validation.language import WORD_RE, fold, lemma, resource_dir

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
