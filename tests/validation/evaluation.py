"""Precision/recall of each validation check over the evaluation set in ``cases.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.domain.validation import DraftValidator, ValidationReport
from tests.validation.cases import CASES, Case


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, expected: bool, predicted: bool, note: str) -> None:
        """``True`` means "a problem" (the positive class a reviewer must not miss)."""
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.errors.append(f"FP {note}")
        elif expected:
            self.fn += 1
            self.errors.append(f"FN {note}")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_case(case: Case, report: ValidationReport, scores: dict[str, Score]) -> None:
    scores["greeting"].add(not case.greeting_ok, not report.greeting.ok, f"{case.name}: {report.greeting}")
    scores["format"].add(not case.format_ok, not report.format.ok, f"{case.name}: {report.format}")
    expected_spans = []
    for fragment in case.spelling:
        start = case.draft.find(fragment)
        assert start >= 0, f"{case.name}: {fragment!r} not in draft"
        expected_spans.append((start, start + len(fragment)))
    predicted_spans = [(m.offset, m.offset + m.length) for m in report.spelling.matches]
    spelling = scores["spelling"]
    for span in expected_spans:
        if any(_overlap(span, p) for p in predicted_spans):
            spelling.tp += 1
        else:
            spelling.fn += 1
            spelling.errors.append(f"FN {case.name}: {case.draft[span[0] : span[1]]!r}")
    for match, span in zip(report.spelling.matches, predicted_spans, strict=True):
        if not any(_overlap(span, e) for e in expected_spans):
            spelling.fp += 1
            spelling.errors.append(f"FP {case.name}: {match.text!r} {match.rule_id}")
    extraction, coverage = scores["question_extraction"], scores["question_coverage"]
    used: set[int] = set()
    for fragment, covered in case.questions:
        index = next(
            (
                i
                for i, q in enumerate(report.questions)
                if i not in used and fragment.lower().replace("ё", "е") in q.text.lower().replace("ё", "е")
            ),
            None,
        )
        if index is None:
            extraction.fn += 1
            extraction.errors.append(f"FN {case.name}: {fragment!r}")
            continue
        used.add(index)
        extraction.tp += 1
        coverage.add(not covered, not report.questions[index].covered, f"{case.name}: {fragment!r}")
    for i, q in enumerate(report.questions):
        if i not in used:
            extraction.fp += 1
            extraction.errors.append(f"FP {case.name}: {q.text!r}")
    verdict = case.greeting_ok and not case.spelling and case.format_ok and all(c for _, c in case.questions)
    scores["overall"].add(not verdict, not report.ok, case.name)


def evaluate(validator: DraftValidator, cases: Sequence[Case] = CASES) -> dict[str, Score]:
    names = ("greeting", "spelling", "question_extraction", "question_coverage", "format", "overall")
    scores = {name: Score() for name in names}
    for case in cases:
        report = validator.validate(
            case.message,
            case.draft,
            author_name=case.author,
            platform=case.platform,
            attachments=case.attachments,
        )
        score_case(case, report, scores)
    return scores


if __name__ == "__main__":  # python -m tests.validation.evaluation: print figures and errors
    from desktop_app.adapters.proofreading import EmbeddedProofreader
    from desktop_app.domain.validation import default_dictionary_words

    results = evaluate(DraftValidator(EmbeddedProofreader(), default_dictionary_words()))
    for name, score in results.items():
        print(
            f"{name}: precision={score.precision:.3f} recall={score.recall:.3f} tp={score.tp} fp={score.fp} fn={score.fn}"
        )
        for error in score.errors:
            print("   ", error)
