"""How far a second, independent reader agrees with the corpus labels: the ceiling of issue 15's figures.

    .venv/bin/python -m tests.validation.label_agreement [--json]

``corpus/second_reading/<writer>.json`` holds, for every pair of one dev writer, a second labeller's
reading of the same question spans (rhetorical or demanded, answered or not, the answering sentence),
made from the schema and the texts alone, without the writer's labels. The figures below are the
coverage figures of ``evaluation.py`` with the second reading in the analyzer's place: if two careful
readers disagree on a draft, no analyzer can be measured above their agreement.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from tests.validation.evaluation import CORPUS_DIR, load_raw

SECOND_READING = CORPUS_DIR / "second_reading"


@dataclass
class Agreement:
    pairs: int = 0
    questions: int = 0
    rhetorical_same: int = 0
    demanded_by_both: int = 0
    answered_same: int = 0
    both_yes: int = 0
    first_yes_only: int = 0
    second_yes_only: int = 0
    verdict_same: int = 0
    unanswered: int = 0
    unanswered_named: int = 0
    complete: int = 0
    complete_sent_back: int = 0

    def figures(self) -> dict[str, float | int]:
        n = self.demanded_by_both
        observed = self.answered_same / n if n else 1.0
        first_yes, second_yes = self.both_yes + self.first_yes_only, self.both_yes + self.second_yes_only
        chance = (first_yes * second_yes + (n - first_yes) * (n - second_yes)) / (n * n) if n else 1.0
        return {
            "pairs": self.pairs,
            "questions": self.questions,
            "coverage_verdict_accuracy": round(self.verdict_same / self.pairs, 3),
            "unanswered_named_rate": round(self.unanswered_named / self.unanswered, 3),
            "false_send_back_rate": round(self.complete_sent_back / self.complete, 3),
            "rhetorical_agreement": round(self.rhetorical_same / self.questions, 3),
            "answered_agreement": round(observed, 3),
            "answered_kappa": round((observed - chance) / (1 - chance), 3) if chance < 1 else 1.0,
        }


def _demanded_answered(rhetorical: bool, answered: bool) -> tuple[bool, bool]:
    return not rhetorical, (not rhetorical) and answered


def compare(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> Agreement:
    """The corpus labels (``first``) against a second reading of the same pairs (``second``)."""
    by_id = {pair["id"]: pair for pair in first}
    result = Agreement()
    for reading in second:
        pair = by_id[reading["id"]]
        spans = [q["text"] for q in pair["questions"]]
        if spans != [q["text"] for q in reading["questions"]]:
            raise ValueError(f"{reading['id']}: the second reading is of other question spans")
        result.pairs += 1
        first_complete = second_complete = True
        for mine, theirs in zip(pair["questions"], reading["questions"], strict=True):
            result.questions += 1
            demanded_1, answered_1 = _demanded_answered(mine["kind"] == "rhetorical", bool(mine["answered"]))
            demanded_2, answered_2 = _demanded_answered(bool(theirs["rhetorical"]), bool(theirs["answered"]))
            result.rhetorical_same += demanded_1 == demanded_2
            first_complete &= answered_1 or not demanded_1
            second_complete &= answered_2 or not demanded_2
            if demanded_1 and demanded_2:
                result.demanded_by_both += 1
                result.answered_same += answered_1 == answered_2
                result.both_yes += answered_1 and answered_2
                result.first_yes_only += answered_1 and not answered_2
                result.second_yes_only += answered_2 and not answered_1
            if demanded_1 and not answered_1:
                result.unanswered += 1
                result.unanswered_named += demanded_2 and not answered_2
        result.verdict_same += first_complete == second_complete
        if first_complete:
            result.complete += 1
            result.complete_sent_back += not second_complete
    return result


def second_readings() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(SECOND_READING.glob("*.json")):
        items.extend(json.loads(path.read_text(encoding="utf-8")))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = compare(load_raw("dev"), second_readings()).figures()
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
