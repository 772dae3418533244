"""The embedded engine searches no replacements for words the validator drops anyway (R7 (2), issue 15).

Searching replacements for an unknown word is about half of pylat-ru's time on a new draft, and most
unknown words are names the validator lets pass (in quotes, after «ООО», in the organisation
dictionary). Skipping them must not change a single match the reviewer sees.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from desktop_app.adapters.proofreading import FallbackProofreader
from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader
from desktop_app.domain.validation import (
    DraftValidator,
    ProofreadingUnavailableError,
    default_dictionary_words,
)
from desktop_app.domain.validation.proofreading import ProofreadingResult
from tests.validation.evaluation import CORPUS_DIR


class WithoutSkipping:
    """The same engine seen through the plain ``Proofreader`` protocol only."""

    name = "embedded"

    def __init__(self, engine: EmbeddedProofreader) -> None:
        self.engine = engine
        self.ready = engine.ready

    def start(self) -> None:
        self.engine.start()

    def proofread(self, text: str) -> ProofreadingResult:
        return self.engine.proofread(text)

    def close(self) -> None:
        pass


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Words pylat-ru's speller searched replacements for during the test."""
    from pylat_ru.morfologik.speller import Speller

    words: list[str] = []
    search = Speller.find_replacement_candidates

    def recording(self: Speller, word: str) -> object:
        words.append(word)
        return search(self, word)

    monkeypatch.setattr(Speller, "find_replacement_candidates", recording)
    yield words


def spelling(report_or_section: object) -> list[tuple[str, tuple[str, ...]]]:
    section = getattr(report_or_section, "spelling", report_or_section)
    return [(m.text, m.replacements) for m in section.matches]


def test_a_name_the_validator_accepts_costs_no_replacement_search(embedded, searched) -> None:
    draft = (
        "Здравствуйте, Мария! Светильники на улице Пушкина заменит МУП «Горсветремонтаж» до 5 июня, "
        "обьезд организован по соседней улице."
    )
    report = DraftValidator(embedded, default_dictionary_words(), vectors=None).validate("Когда?", draft)
    (misspelt,) = spelling(report)
    assert misspelt[0] == "обьезд" and "объезд" in misspelt[1]  # the slip keeps its replacements
    assert "обьезд" in searched
    assert not [w for w in searched if "Горсвет" in w]  # the name in quotes was never searched


def test_a_word_named_in_quotes_but_written_elsewhere_too_keeps_its_replacements(embedded) -> None:
    # «Дорстрой» names a company in quotes; the same word at the sentence start outside quotes is not
    # a name there, so the validator keeps that match and it must come with replacements.
    draft = "Здравствуйте! Ремонт выполнит ООО «Дорстройй». Дорстройй приступит к работам в мае."
    selective = DraftValidator(embedded, default_dictionary_words(), vectors=None).check_spelling(draft)
    plain = DraftValidator(WithoutSkipping(embedded), default_dictionary_words(), vectors=None)
    assert spelling(selective) == spelling(plain.check_spelling(draft))
    assert [text for text, _ in spelling(selective)] == ["Дорстройй"]


def test_a_cached_sentence_without_replacements_is_checked_again_where_its_word_is_not_known(
    embedded,
) -> None:
    # The sentence cache is shared by every validator of the engine: a sentence cached while one
    # validator's dictionary knew «обьезд» must not reach another validator without replacements.
    sentence = "Обьезд по улице Садовой откроют к вечеру пятницы."
    lenient = DraftValidator(embedded, [*default_dictionary_words(), "обьезд"], vectors=None)
    strict = DraftValidator(embedded, default_dictionary_words(), vectors=None)
    assert spelling(lenient.check_spelling(sentence)) == []
    ((text, replacements),) = spelling(strict.check_spelling(sentence))
    assert text == "Обьезд" and "Объезд" in replacements


def test_the_fallback_engine_skips_too_when_languagetool_is_down(embedded, searched) -> None:
    def down() -> object:
        raise ProofreadingUnavailableError("LanguageTool не отвечает")

    proofreader = FallbackProofreader(down, embedded)
    draft = "Здравствуйте! Двор уберёт ООО «Чистодворсервис», обьезд открыт."
    report = DraftValidator(proofreader, default_dictionary_words(), vectors=None).validate("", draft)
    assert [text for text, _ in spelling(report)] == ["обьезд"]
    assert not [w for w in searched if "Чистодвор" in w]


def test_skipping_changes_no_match_the_validator_keeps_on_corpus_drafts(embedded) -> None:
    # Drafts of several writers with misspellings and names: the same spans, rules and replacements.
    drafts = []
    for name in ("seen2026m-waste", "seen2026q-snow", "seen2026v-bills", "seen2026x-water"):
        pairs = json.loads((CORPUS_DIR / "dev" / f"{name}.json").read_text(encoding="utf-8"))
        drafts += [p["draft"] for p in pairs[:3]]
    words = default_dictionary_words()
    selective = DraftValidator(embedded, words, vectors=None)
    plain = DraftValidator(WithoutSkipping(embedded), words, vectors=None)

    def findings(validator: DraftValidator, draft: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
        embedded.clear_cache()  # each check afresh: neither side may reuse the other's sentences
        return [
            (m.offset, m.length, m.rule_id, m.replacements) for m in validator.check_spelling(draft).matches
        ]

    found = 0
    for draft in drafts:
        ours = findings(selective, draft)
        assert ours == findings(plain, draft)
        found += len(ours)
    assert found  # the drafts have findings: the comparison is not vacuous


def test_a_word_with_a_soft_hyphen_keeps_its_replacements(embedded) -> None:
    # The speller sees «Обьезд» (the soft hyphen dropped), which this dictionary knows, so its search
    # is skipped; but the draft's fragment «Обь\u00adезд» is not that word, the validator keeps the
    # match, and it must come with the replacement a plain check gives.
    words = [*default_dictionary_words(), "обьезд"]
    draft = "Здравствуйте! Обь\u00adезд по улице Садовой откроют к вечеру пятницы, обьезд бесплатный."
    selective = DraftValidator(embedded, words, vectors=None).check_spelling(draft)
    plain = DraftValidator(WithoutSkipping(embedded), words, vectors=None).check_spelling(draft)
    assert spelling(selective) == spelling(plain) == [("Обь\u00adезд", ("Объезд",))]
