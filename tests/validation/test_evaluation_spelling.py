"""Spelling recall over the development part's labelled misspellings (R7 (2)).

Apart from test_evaluation.py so that this pass (the embedded engine on every draft with a labelled
misspelling) and that file's whole-part coverage pass run on different test workers.
"""

from __future__ import annotations

from tests.validation.evaluation import evaluate_pairs, load_part

# Whole dev: 0.961 (session 11, 250 drafts, embedded engine); the bar has held since session 2.
MIN_SPELLING_RECALL = 0.85


def test_labelled_misspellings_of_the_development_part_are_found(validator) -> None:
    # Recall is a share of the labelled spans, so only the drafts that have some are checked.
    result = evaluate_pairs(validator, [p for p in load_part("dev") if p.spelling_errors], "dev")
    score = result.score("spelling")
    assert score.recall >= MIN_SPELLING_RECALL, "\n".join(score.errors[:20])
