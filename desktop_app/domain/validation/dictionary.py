"""Organisation dictionary: words the spelling check must accept (R7, point 2).

Street and department names, abbreviations (МКД, ЖКХ, ЕДДС), people's names. Administrators
extend it in the database; here it is just an iterable of words or phrases.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.domain.validation.language import WORD_RE, fold, lemma, resource_dir

# A dictionary stem may take a case ending of up to this many letters («Горводоканала»).
_MAX_ENDING = 3
_MIN_STEM = 4


def default_dictionary_words() -> list[str]:
    """Words from ``resources/validation/organisation_dictionary.txt`` (comments skipped)."""
    lines = (resource_dir() / "organisation_dictionary.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


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
