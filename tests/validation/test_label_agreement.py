"""The second reading of two dev writers (tests/validation/label_agreement.py) is of the corpus's own spans."""

from __future__ import annotations

import pytest

from tests.validation.evaluation import load_raw
from tests.validation.label_agreement import compare, second_readings


def _pair(pair_id: str, *questions: tuple[str, str, bool]) -> dict:
    return {
        "id": pair_id,
        "questions": [
            {"text": text, "kind": kind, "answered": answered} for text, kind, answered in questions
        ],
    }


def _reading(pair_id: str, *questions: tuple[str, bool, bool]) -> dict:
    return {
        "id": pair_id,
        "questions": [
            {"text": text, "rhetorical": rhetorical, "answered": answered}
            for text, rhetorical, answered in questions
        ],
    }


def test_a_second_reader_who_finds_a_skipped_question_in_a_complete_draft_sends_it_back() -> None:
    first = [
        _pair("a", ("Когда починят?", "explicit", True), ("Доколе?", "rhetorical", False)),
        _pair("b", ("Кто отвечает?", "explicit", False)),
    ]
    second = [
        _reading("a", ("Когда починят?", False, False), ("Доколе?", True, False)),
        _reading("b", ("Кто отвечает?", False, False)),
    ]
    figures = compare(first, second).figures()
    assert figures["coverage_verdict_accuracy"] == 0.5  # a: complete for one reader, not for the other
    assert figures["false_send_back_rate"] == 1.0
    assert figures["unanswered_named_rate"] == 1.0  # b's skipped question: both readers see it
    assert figures["rhetorical_agreement"] == 1.0


def test_a_reading_of_other_spans_is_refused() -> None:
    with pytest.raises(ValueError, match="other question spans"):
        compare([_pair("a", ("Когда?", "explicit", True))], [_reading("a", ("Почему?", False, True))])


def test_the_shipped_second_reading_is_of_the_dev_corpus_and_whole() -> None:
    readings = second_readings()
    assert len(readings) == 160  # seen2026r and seen2026s, every pair
    figures = compare(load_raw("dev"), readings).figures()
    assert figures["pairs"] == 160
