"""Precision/recall bars over the evaluation set (R7, R8, R10); bars justified in docs/VALIDATION.md."""

from __future__ import annotations

import pytest

from tests.validation.cases import CASES
from tests.validation.evaluation import Score, evaluate

# check: (minimum precision, minimum recall) of detecting a problem (for extraction: finding questions).
BARS = {
    "greeting": (0.85, 0.90),
    "spelling": (0.80, 0.85),
    "question_extraction": (0.90, 0.90),
    "question_coverage": (0.70, 0.70),
    "format": (0.90, 0.90),
    "overall": (0.85, 0.85),
}


@pytest.fixture(scope="module")
def scores(validator) -> dict[str, Score]:
    return evaluate(validator)


def test_evaluation_set_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(1 for c in CASES if not c.greeting_ok) >= 5
    assert sum(1 for c in CASES if c.spelling) >= 8
    assert sum(1 for c in CASES for _, covered in c.questions if not covered) >= 5
    assert sum(1 for c in CASES if not c.format_ok) >= 5


@pytest.mark.parametrize("check", sorted(BARS))
def test_precision_and_recall_meet_bars(scores: dict[str, Score], check: str) -> None:
    score = scores[check]
    min_precision, min_recall = BARS[check]
    details = "\n".join(score.errors)
    assert score.precision >= min_precision, f"{check} precision {score.precision:.2f}\n{details}"
    assert score.recall >= min_recall, f"{check} recall {score.recall:.2f}\n{details}"
