"""Figures of every validation check over the evaluation corpus, per part (R7, R8, R10).

    .venv/bin/python -m tests.validation.evaluation [--part dev|heldout] [--errors] [--json] [--coverage-only]
    .venv/bin/python -m tests.validation.evaluation --coverage-only --cross-writer   # leave one writer out
        [--apart seen2026p,seen2026q]   # also the mean without a session's validation writers
    .venv/bin/python -m tests.validation.evaluation --coverage-only --fit-coverage   # refit the combiner

The corpus (``tests/validation/corpus/<part>/*.json``, schema in docs/VALIDATION.md) has a development
part the checks may be tuned on and a held-out part that is only reported: never tune on its errors
(``--errors`` is refused for it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_app.domain.validation import DraftValidator, ValidationReport

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
PARTS = ("dev", "heldout")
HINT_CODES = (
    "formal_reply",
    "legal_act_full_name",
    "participle_chain",
    "sent_elsewhere_no_contact",
    "works_done_no_photo",
)
TOPICS = {
    "roads",
    "yards",
    "heating",
    "water",
    "waste",
    "transport",
    "schools",
    "kindergartens",
    "clinics",
    "animals",
    "trees",
    "snow",
    "drains",
    "noise",
    "parking",
    "bills",
    "management_companies",
    "social_payments",
    "lighting",
    "other",
}
PLATFORMS = {"vk", "ok", "telegram", "max", "vk_video", "rutube", "youtube"}
TRAPS = {"none", "wrong_focus", "paraphrase", "joined", "rhetorical", "where_to_go", "conditional"}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str
    answered: bool
    answer_sentence: str | None
    trap: str


@dataclass(frozen=True)
class Pair:
    id: str
    topic: str
    platform: str
    author: str | None
    message: str
    draft: str
    kind: str
    attachments: int
    questions: tuple[Question, ...]
    greeting_ok: bool
    spelling_errors: tuple[str, ...]
    quality_hints: tuple[str, ...]
    format_ok: bool | None = None  # optional (the legacy pairs carry it)
    origin: str = ""  # the corpus file's name (``seen2026-roads``): dev subsets by writer
    attachment_kinds: tuple[str, ...] | None = None  # optional; default: ``attachments`` photos

    @property
    def attachment_list(self) -> tuple[str, ...]:
        return self.attachment_kinds if self.attachment_kinds is not None else ("photo",) * self.attachments

    @property
    def coverage_ok(self) -> bool:
        """Every demanded (non-rhetorical) question is answered."""
        return all(q.answered for q in self.questions if q.kind != "rhetorical")


def schema_errors(raw: dict[str, Any]) -> list[str]:
    """What in one raw pair breaks the corpus schema (empty when it is valid)."""
    errors: list[str] = []
    pid = raw.get("id", "?")
    required = [
        "id",
        "topic",
        "platform",
        "author",
        "message",
        "draft",
        "kind",
        "attachments",
        "questions",
        "greeting_ok",
        "spelling_errors",
        "quality_hints",
    ]
    for key in required:
        if key not in raw:
            errors.append(f"{pid}: no {key}")
    if errors:
        return errors
    if raw["topic"] not in TOPICS:
        errors.append(f"{pid}: topic {raw['topic']!r}")
    if raw["platform"] not in PLATFORMS:
        errors.append(f"{pid}: platform {raw['platform']!r}")
    if raw["kind"] not in {"answer", "interim", "clarification"}:
        errors.append(f"{pid}: kind {raw['kind']!r}")
    for q in raw["questions"]:
        if q.get("text", "") not in raw["message"]:
            errors.append(f"{pid}: question text not in message: {q.get('text')!r}")
        if q.get("kind") not in {"explicit", "implicit", "rhetorical"}:
            errors.append(f"{pid}: question kind {q.get('kind')!r}")
        if q.get("trap") not in TRAPS:
            errors.append(f"{pid}: trap {q.get('trap')!r}")
        sentence = q.get("answer_sentence")
        if sentence is not None and sentence not in raw["draft"]:
            errors.append(f"{pid}: answer sentence not in draft: {sentence!r}")
    for fragment in raw["spelling_errors"]:
        if fragment not in raw["draft"]:
            errors.append(f"{pid}: spelling fragment not in draft: {fragment!r}")
    for code in raw["quality_hints"]:
        if code not in HINT_CODES:
            errors.append(f"{pid}: hint {code!r}")
    return errors


def _pair(raw: dict[str, Any], origin: str = "") -> Pair:
    return Pair(
        origin=origin,
        id=raw["id"],
        topic=raw["topic"],
        platform=raw["platform"],
        author=raw.get("author"),
        message=raw["message"],
        draft=raw["draft"],
        kind=raw["kind"],
        attachments=int(raw["attachments"]),
        questions=tuple(
            Question(
                q["text"], q["kind"], bool(q["answered"]), q.get("answer_sentence"), q.get("trap", "none")
            )
            for q in raw["questions"]
        ),
        greeting_ok=bool(raw["greeting_ok"]),
        spelling_errors=tuple(raw["spelling_errors"]),
        quality_hints=tuple(raw["quality_hints"]),
        format_ok=raw.get("format_ok"),
        attachment_kinds=tuple(raw["attachment_kinds"]) if "attachment_kinds" in raw else None,
    )


def load_raw(part: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted((CORPUS_DIR / part).glob("*.json")):
        items.extend(json.loads(path.read_text(encoding="utf-8")))
    return items


def load_part(part: str) -> list[Pair]:
    pairs: list[Pair] = []
    for path in sorted((CORPUS_DIR / part).glob("*.json")):
        pairs.extend(_pair(raw, path.stem) for raw in json.loads(path.read_text(encoding="utf-8")))
    return pairs


# Development subsets by writer (docs/VALIDATION.md): the pairs the analyzer was developed on, and the
# former held-out parts (each by an independent writer, measured once — in sessions 2, 3, 4, 5 and 6 (two
# writers each in the last two) — then moved into dev).
SUBSET_PREFIXES = {
    "seen2026": "seen2026-",
    "seen2026b": "seen2026b-",
    "seen2026c": "seen2026c-",
    "seen2026d": "seen2026d-",
    "seen2026e": "seen2026e-",
    "seen2026f": "seen2026f-",
    "seen2026g": "seen2026g-",
    "seen2026h": "seen2026h-",
    "seen2026i": "seen2026i-",
    "seen2026j": "seen2026j-",
    "seen2026k": "seen2026k-",
    "seen2026l": "seen2026l-",
    "seen2026m": "seen2026m-",
    "seen2026n": "seen2026n-",
    "seen2026o": "seen2026o-",
    "seen2026p": "seen2026p-",
    "seen2026q": "seen2026q-",
    "seen2026r": "seen2026r-",
    "seen2026s": "seen2026s-",
    "seen2026t": "seen2026t-",
    "seen2026u": "seen2026u-",
    "seen2026v": "seen2026v-",
    "seen2026w": "seen2026w-",
    "seen2026x": "seen2026x-",
    "seen2026y": "seen2026y-",
    "seen2026z": "seen2026z-",
    "seen2027a": "seen2027a-",
    "seen2027b": "seen2027b-",
    "seen2027c": "seen2027c-",
    "seen2027d": "seen2027d-",
    "seen2027e": "seen2027e-",
    "seen2027f": "seen2027f-",
    "seen2027g": "seen2027g-",
}
SUBSETS = {
    "original": lambda pair: not pair.origin.startswith(tuple(SUBSET_PREFIXES.values())),
    **{
        name: (lambda pair, prefix=prefix: pair.origin.startswith(prefix))
        for name, prefix in SUBSET_PREFIXES.items()
    },
}


@dataclass
class Score:
    """Counts of detecting a problem (the positive class a reviewer must not miss)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 1.0

    def add(self, expected: bool, predicted: bool, note: str) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.errors.append(f"FP {note}")
        elif expected:
            self.fn += 1
            self.errors.append(f"FN {note}")
        else:
            self.tn += 1


@dataclass
class PartResult:
    part: str
    pairs: int = 0
    scores: dict[str, Score] = field(default_factory=dict)
    # Question level.
    unanswered: int = 0
    unanswered_named: int = 0
    unanswered_named_or_check: int = 0
    answered_total: int = 0
    answered_wrongly_flagged: int = 0
    rhetorical_total: int = 0
    rhetorical_not_demanded: int = 0
    checks_shown: int = 0
    questions_total: int = 0
    by_trap: dict[str, list[int]] = field(default_factory=dict)  # trap -> [right, total]
    notes: list[str] = field(default_factory=list)

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score())

    @property
    def named_rate(self) -> float:
        return self.unanswered_named / self.unanswered if self.unanswered else 1.0

    @property
    def false_send_back_rate(self) -> float:
        s = self.scores.get("coverage_verdict", Score())
        negatives = s.fp + s.tn
        return s.fp / negatives if negatives else 0.0

    def figures(self) -> dict[str, Any]:
        cov = self.score("coverage_verdict")
        data: dict[str, Any] = {
            "pairs": self.pairs,
            "coverage_verdict_accuracy": round(cov.accuracy, 3),
            "unanswered_named_rate": round(self.named_rate, 3),
            "unanswered_named_or_check_rate": round(
                self.unanswered_named_or_check / self.unanswered if self.unanswered else 1.0, 3
            ),
            "unanswered_questions": self.unanswered,
            "false_send_back_rate": round(self.false_send_back_rate, 3),
            "answered_question_wrongly_flagged_rate": round(
                self.answered_wrongly_flagged / self.answered_total if self.answered_total else 0.0, 3
            ),
            "rhetorical_not_demanded_rate": round(
                self.rhetorical_not_demanded / self.rhetorical_total if self.rhetorical_total else 1.0, 3
            ),
            "check_shown_share": round(
                self.checks_shown / self.questions_total if self.questions_total else 0.0, 3
            ),
            "by_trap": {k: f"{v[0]}/{v[1]}" for k, v in sorted(self.by_trap.items())},
        }
        for name in ("greeting", "spelling", "question_extraction", "format", "overall"):
            if name in self.scores:
                s = self.scores[name]
                data[name] = {"precision": round(s.precision, 3), "recall": round(s.recall, 3)}
        if "greeting" in self.scores:
            data["greeting"]["accuracy"] = round(self.scores["greeting"].accuracy, 3)
        for code in HINT_CODES:
            s = self.score(f"hint:{code}")
            data[f"hint_{code}"] = {
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "shown": s.tp + s.fp,
                "labelled": s.tp + s.fn,
            }
        return data


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_questions(pair: Pair, predicted: Sequence[Any]) -> list[int | None]:
    """For each labelled question, the index of the predicted item it is (largest span overlap), or None."""
    used: set[int] = set()
    found: list[int | None] = []
    for question in pair.questions:
        start = pair.message.find(question.text)
        span = (start, start + len(question.text))
        candidates = [
            (_overlap(span, (q.offset, q.offset + q.length)), i)
            for i, q in enumerate(predicted)
            if i not in used
        ]
        best = max(candidates, default=(0, -1))
        index = best[1] if best[0] > 0 else None
        if index is not None:
            used.add(index)
        found.append(index)
    return found


def score_pair(pair: Pair, report: ValidationReport, result: PartResult) -> None:
    result.pairs += 1
    result.score("greeting").add(
        not pair.greeting_ok, not report.greeting.ok, f"{pair.id}: {report.greeting}"
    )
    if pair.format_ok is not None:
        result.score("format").add(not pair.format_ok, not report.format.ok, f"{pair.id}: {report.format}")
    _score_spelling(pair, report, result.score("spelling"))
    extraction = result.score("question_extraction")
    predicted = report.questions
    matched = match_questions(pair, predicted)
    used = {i for i in matched if i is not None}
    for question, index in zip(pair.questions, matched, strict=True):
        right = False
        if question.kind == "rhetorical":
            result.rhetorical_total += 1
            demanded = index is not None and not predicted[index].rhetorical and not predicted[index].covered
            right = not demanded
            result.rhetorical_not_demanded += int(right)
            if not right:
                result.notes.append(f"rhetorical demanded {pair.id}: {question.text!r}")
        elif index is None:
            extraction.fn += 1
            extraction.errors.append(f"FN {pair.id}: {question.text!r}")
            if not question.answered:
                result.unanswered += 1
                result.notes.append(f"unanswered not found {pair.id}: {question.text!r}")
            else:
                result.answered_total += 1
                right = True  # nothing flagged: the draft passes, as it should
        else:
            extraction.tp += 1
            item = predicted[index]
            result.questions_total += 1
            result.checks_shown += int(item.uncertain)
            if question.answered:
                result.answered_total += 1
                wrongly = not item.covered
                result.answered_wrongly_flagged += int(wrongly)
                right = not wrongly
                if wrongly:
                    result.notes.append(f"answered flagged {pair.id}: {question.text!r} ({item.reason})")
            else:
                result.unanswered += 1
                result.unanswered_named += int(not item.covered)
                result.unanswered_named_or_check += int(not item.covered or item.uncertain)
                right = not item.covered
                if not right:
                    evidence = item.evidence or ""
                    result.notes.append(f"unanswered passed {pair.id}: {question.text!r} <- {evidence!r}")
        trap = result.by_trap.setdefault(question.trap, [0, 0])
        trap[0] += int(right)
        trap[1] += 1
    for i, q in enumerate(predicted):
        if i not in used and not q.rhetorical:
            extraction.fp += 1
            extraction.errors.append(f"FP {pair.id}: {q.text!r}")
    predicted_cov_ok = not [q for q in report.questions if not q.covered]
    if pair.kind == "answer":
        # Only an answer must cover every question (issue 13's profiles): interim answers and
        # clarification requests are never sent back for coverage, so they are left out of the verdict.
        result.score("coverage_verdict").add(not pair.coverage_ok, not predicted_cov_ok, pair.id)
    verdict = (
        pair.greeting_ok and not pair.spelling_errors and pair.coverage_ok and pair.format_ok is not False
    )
    result.score("overall").add(not verdict, not report.ok, pair.id)
    shown = {h.code for h in report.quality.hints}
    for code in HINT_CODES:
        result.score(f"hint:{code}").add(code in pair.quality_hints, code in shown, pair.id)


def _score_spelling(pair: Pair, report: ValidationReport, spelling: Score) -> None:
    expected_spans = []
    for fragment in pair.spelling_errors:
        start = pair.draft.find(fragment)
        expected_spans.append((start, start + len(fragment)))
    predicted_spans = [(m.offset, m.offset + m.length) for m in report.spelling.matches]
    for span in expected_spans:
        if any(_overlap(span, p) for p in predicted_spans):
            spelling.tp += 1
        else:
            spelling.fn += 1
            spelling.errors.append(f"FN {pair.id}: {pair.draft[span[0] : span[1]]!r}")
    for match, span in zip(report.spelling.matches, predicted_spans, strict=True):
        if not any(_overlap(span, e) for e in expected_spans):
            spelling.fp += 1
            spelling.errors.append(f"FP {pair.id}: {match.text!r} {match.rule_id}")


def validate_pair(validator: DraftValidator, pair: Pair) -> ValidationReport:
    """The report the product would show for the pair's draft."""
    return validator.validate(
        pair.message,
        pair.draft,
        author_name=pair.author,
        platform=pair.platform,
        attachments=pair.attachment_list,
        kind=pair.kind,
    )


def evaluate_pairs(
    validator: DraftValidator,
    pairs: Iterable[Pair],
    part: str,
    rows: list[_Row] | None = None,
    by_writer: dict[str, PartResult] | None = None,
) -> PartResult:
    """The part's figures; from the same validations, when given, ``rows`` receives the combiner's rows
    of the rules (what ``_coverage_rows`` computes) and ``by_writer`` each dev writer's figures."""
    result = PartResult(part)
    for pair in pairs:
        report = validate_pair(validator, pair)
        score_pair(pair, report, result)
        if by_writer is not None:
            writer = writer_of(pair)
            score_pair(pair, report, by_writer.setdefault(writer, PartResult(f"{part}/{writer}")))
        if rows is not None:
            rows.extend(_rules_rows(validator, pair))
    return result


def _rules_rows(validator: DraftValidator, pair: Pair) -> list[_Row]:
    """The combiner's rows of the pair just validated: the rules' verdicts re-finished without the model
    (the rules' features do not depend on it), so a test needs no second analysis of the part."""
    questions, verdicts, features = validator.questions.last_prepared
    with _rules_alone(validator) as analyzer:
        items = analyzer.finish(questions, verdicts, features)
    return _pair_rows(pair, items, features)


@contextlib.contextmanager
def _rules_alone(validator: DraftValidator) -> Iterator[Any]:
    """The validator's question analyzer without its combiner (``model`` None) for the block."""
    analyzer = validator.questions
    saved, analyzer.model = analyzer.model, None
    try:
        yield analyzer
    finally:
        analyzer.model = saved


def evaluate(
    validator: DraftValidator, parts: Sequence[str] = PARTS, by_writer: dict[str, PartResult] | None = None
) -> dict[str, PartResult]:
    """Figures per part present on disk; ``by_writer``, when given, also receives each dev writer's."""
    return {
        part: evaluate_pairs(validator, load_part(part), part, by_writer=by_writer if part == "dev" else None)
        for part in parts
        if load_raw(part)
    }


# --- the learned coverage combiner: fitting and leave-one-writer-out ---------------------------------


def _same_sentence(text: str, labelled: str | None) -> bool:
    if not labelled:
        return False
    a, b = text.strip(), labelled.strip()
    return a in b or b in a


def writer_of(pair: Pair) -> str:
    """The dev subset (writer) a pair belongs to."""
    return next(name for name, belongs in SUBSETS.items() if belongs(pair))


@dataclass
class _Row:
    """One combiner row with what the answer-word table is counted and looked up by."""

    features: dict[str, float]
    positive: bool
    writer: str
    expected: str
    lemmas: frozenset[str]


class AnswerWordCounts:
    """Per writer: in how many labelled rows of each expected type a lemma occurs, answers and others.

    The table the analyzer ships (``coverage_answer_words.json``) is these counts over every writer; a
    row the combiner is fitted or scored on gets its ``s_alike`` signals from the counts *without its own
    writer* (and, in a ``--cross-writer`` rotation, without the held writer too), so no row's signal has
    seen its own label — the leave-one-writer-out figure stays honest (docs/VALIDATION.md, session 9)."""

    def __init__(self, rows: Iterable[_Row]) -> None:
        from collections import Counter

        self.words: dict[str, Counter[tuple[str, str, bool]]] = {}
        self.rows: dict[str, Counter[tuple[str, bool]]] = {}
        for row in rows:
            words = self.words.setdefault(row.writer, Counter())
            self.rows.setdefault(row.writer, Counter())[(row.expected, row.positive)] += 1
            for lem in row.lemmas:
                if not lem.isdigit():
                    words[(row.expected, lem, row.positive)] += 1
        self.total_words: Counter[tuple[str, str, bool]] = Counter()
        self.total_rows: Counter[tuple[str, bool]] = Counter()
        for writer in self.words:
            self.total_words.update(self.words[writer])
            self.total_rows.update(self.rows[writer])

    def _count(self, key: Any, total: Any, per: Any, exclude: Sequence[str]) -> int:
        return total[key] - sum(per[w][key] for w in exclude if w in per)

    def lookup(self, exclude: Sequence[str] = ()) -> Any:
        """``(expected, lemma) -> log-odds or None`` from the counts without the ``exclude`` writers."""
        from desktop_app.domain.validation.coverage_model import ANSWER_WORDS_MIN_ROWS, answer_word_value

        rows = {key: self._count(key, self.total_rows, self.rows, exclude) for key in list(self.total_rows)}

        def value(expected: str, lem: str) -> float | None:
            a = self._count((expected, lem, True), self.total_words, self.words, exclude)
            b = self._count((expected, lem, False), self.total_words, self.words, exclude)
            if a + b < ANSWER_WORDS_MIN_ROWS:
                return None
            return answer_word_value(a, b, rows.get((expected, True), 0), rows.get((expected, False), 0))

        return value

    def table(self) -> dict[str, dict[str, float]]:
        """The shipped table: every writer's counts, the words of at least ``ANSWER_WORDS_MIN_ROWS`` rows."""
        value = self.lookup()
        out: dict[str, dict[str, float]] = {}
        for expected, lem, _positive in sorted(self.total_words):
            v = value(expected, lem)
            if v is not None:
                out.setdefault(expected, {})[lem] = round(v, 4)
        return out


def _set_alike(features: dict[str, float], expected: str, lemmas: Iterable[str], lookup: Any) -> None:
    from desktop_app.domain.validation.coverage_model import answer_likeness

    features["s_alike"], features["s_alike_max"] = answer_likeness(lookup, expected, lemmas)


def _cross_fitted(
    rows: Sequence[_Row], counts: AnswerWordCounts, held: str = ""
) -> list[tuple[dict[str, float], bool]]:
    """The rows with ``s_alike`` from the counts without each row's own writer (and ``held``)."""
    lookups: dict[str, Any] = {}
    out: list[tuple[dict[str, float], bool]] = []
    for row in rows:
        if row.writer not in lookups:
            lookups[row.writer] = counts.lookup([w for w in (held, row.writer) if w])
        _set_alike(row.features, row.expected, row.lemmas, lookups[row.writer])
        out.append((row.features, row.positive))
    return out


def coverage_rows(validator: DraftValidator, pairs: Iterable[Pair]) -> list[tuple[dict[str, float], bool]]:
    """(features, is the answer) per (labelled demanded question, draft sentence) — the combiner's data.

    A sentence is a positive when it is the question's labelled ``answer_sentence``; every other sentence
    of the draft is a negative (all of them when the draft leaves the question unanswered). The analyzer runs with its rules alone
    (``model`` None) and questions are matched to labels as ``score_pair`` matches them; ``s_alike`` is
    cross-fitted (``AnswerWordCounts``)."""
    rows = _coverage_rows(validator, pairs)
    return _cross_fitted(rows, AnswerWordCounts(rows))


def _coverage_rows(validator: DraftValidator, pairs: Iterable[Pair]) -> list[_Row]:
    rows: list[_Row] = []
    with _rules_alone(validator) as analyzer:
        for pair in pairs:
            items = analyzer.analyse(pair.message, pair.draft)
            rows.extend(_pair_rows(pair, items, analyzer.last_features))
    return rows


def answer_words_table(validator: DraftValidator, pairs: Iterable[Pair]) -> dict[str, dict[str, float]]:
    """The answer-word table ``--fit-coverage`` writes (every writer's labelled rows)."""
    return AnswerWordCounts(_coverage_rows(validator, pairs)).table()


def _pair_rows(pair: Pair, items: Sequence[Any], features: Sequence[Any]) -> list[_Row]:
    """The combiner's rows of one pair (``coverage_rows``) from the rules' items and features."""
    rows: list[_Row] = []
    writer = writer_of(pair)
    for question, index in zip(pair.questions, match_questions(pair, items), strict=True):
        if question.kind == "rhetorical" or index is None or features[index] is None:
            continue
        for window, row in features[index]["_pairs"]:
            positive = question.answered and _same_sentence(window.text, question.answer_sentence)
            rows.append(_Row(row, positive, writer, items[index].expected, window.lemmas))
    return rows


# Chosen by the mean leave-one-writer-out verdict accuracy (docs/VALIDATION.md) among: logistic
# regression (l2 ∈ {1, 3, 10, 30, 100}) and boosted stumps (100 × 0.1, 200 × 0.05); thresholds 0.2–0.6;
# the rules' floor (``questions.RULE_AGREES``) 0–0.15; session 5 (four writers): threshold 0.3–0.6, floor
# 0–0.25, the soft pass (0.3–0.4 on a sentence repeating the focus; dropped in session 11) — docs.
COMBINER = "stumps"  # or "logistic"
COMBINER_L2 = 10.0
COMBINER_THRESHOLD = 0.5


def fit_combiner(rows: Sequence[tuple[dict[str, float], bool]], note: str = "", kind: str = "") -> Any:
    from desktop_app.domain.validation.coverage_model import fit, fit_stumps

    names = sorted(rows[0][0]) if rows else []
    features, labels = [r for r, _ in rows], [y for _, y in rows]
    if (kind or COMBINER) == "stumps":
        return fit_stumps(features, labels, names, threshold=COMBINER_THRESHOLD, note=note, level="sentence")
    return fit(
        features, labels, names, l2=COMBINER_L2, threshold=COMBINER_THRESHOLD, note=note, level="sentence"
    )


def cross_writer(validator: DraftValidator) -> dict[str, dict[str, PartResult]]:
    """Leave one writer out: fit the combiner on the other dev subsets, score the one left out (each in turn).

    Returns, per held-out subset, the rules alone (``rules``) and the combiner fitted without it
    (``combined``), both scored by ``score_pair`` exactly as the evaluation scores everything else. The
    rules have no fitted part, so each pair is validated once with the rules alone and every rotation
    only re-combines those verdicts with its own combiner (``QuestionAnalyzer.finish``) — the figures
    ``evaluate_pairs`` would give with that combiner, in a fraction of the time."""
    pairs = load_part("dev")
    by_subset = {name: [p for p in pairs if belongs(p)] for name, belongs in SUBSETS.items()}
    prepared: dict[str, tuple[ValidationReport, Any]] = {}
    rows: dict[str, list[_Row]] = {}
    rules: dict[str, PartResult] = {}
    with _rules_alone(validator) as analyzer:  # each rotation sets its own combiner, restored after
        for name, chosen in by_subset.items():
            rules[name] = PartResult(f"dev/{name}")
            rows[name] = []
            for pair in chosen:
                report = validate_pair(validator, pair)
                prepared[pair.id] = (report, analyzer.last_prepared)
                score_pair(pair, report, rules[name])
                rows[name].extend(_pair_rows(pair, report.questions, analyzer.last_features))
        counts = AnswerWordCounts(r for rr in rows.values() for r in rr)
        out: dict[str, dict[str, PartResult]] = {}
        for held, chosen in by_subset.items():
            # The answer-word table is re-learned without the held writer too (``AnswerWordCounts``).
            training = [r for name, rr in rows.items() if name != held for r in rr]
            analyzer.model = fit_combiner(_cross_fitted(training, counts, held))
            lookup = counts.lookup([held])
            combined = PartResult(f"dev/{held}")
            for pair in chosen:
                report, (questions, verdicts, features) = prepared[pair.id]
                for question, f in zip(questions, features, strict=True):
                    for window, row in (f or {}).get("_pairs", ()):
                        _set_alike(row, question.expected, window.lemmas, lookup)
                items = analyzer.finish(questions, verdicts, features) if questions else []
                score_pair(pair, replace(report, questions=tuple(items)), combined)
            out[held] = {"rules": rules[held], "combined": combined}
    return out


def _print_cross_writer(results: dict[str, dict[str, PartResult]], apart: Sequence[str] = ()) -> None:
    keys = ("coverage_verdict_accuracy", "unanswered_named_rate", "false_send_back_rate", "check_shown_share")
    print("== leave-one-writer-out (fit on the other dev subsets, score this one) ==")
    for held, runs in results.items():
        for label, result in runs.items():
            figures = result.figures()
            line = ", ".join(f"{k} {figures[k]}" for k in keys)
            print(f"{held} [{label}]: {line}; by_trap {figures['by_trap']}")
    # The figure changes are chosen by (docs/VALIDATION.md): mean and worst rotation of each run.
    # ``apart``: a session's validation writers, whose errors are not read — the mean of the writers the
    # changes were tuned on is printed without them as well (the figure a change is kept by).
    groups = [("", list(results))]
    if apart:
        groups.append((" without " + ", ".join(apart), [n for n in results if n not in apart]))
    for suffix, names in groups:
        for label in ("rules", "combined"):
            figures = [results[n][label].figures() for n in names if label in results[n]]
            if not figures:
                continue
            summary = ", ".join(f"{k} {sum(f[k] for f in figures) / len(figures):.3f}" for k in keys[:3])
            worst = min(f["coverage_verdict_accuracy"] for f in figures)
            print(f"mean [{label}]{suffix}: {summary}; worst coverage_verdict_accuracy {worst:.3f}")


class NoSpelling:
    """A proofreader that finds nothing: ``--coverage-only`` skips the slow engine (spelling not scored)."""

    name = "none"

    def __init__(self) -> None:
        import threading

        self.ready = threading.Event()
        self.ready.set()

    def start(self) -> None:
        pass

    def proofread(self, text: str) -> Any:
        from desktop_app.domain.validation.proofreading import ProofreadingResult

        return ProofreadingResult("none", ())

    def close(self) -> None:
        pass


def _print(title: str, result: PartResult, errors: bool, coverage_only: bool) -> None:
    print(f"== {title} ==")
    for name, value in result.figures().items():
        if coverage_only and name in {"spelling", "overall"}:
            continue  # no engine ran: these figures would be meaningless
        print(f"{name}: {value}")
    if errors:
        for note in result.notes:
            print("   ", note)
        for name, score in result.scores.items():
            if coverage_only and name in {"spelling", "overall"}:
                continue
            for error in score.errors:
                print(f"    [{name}] {error}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=PARTS, action="append")
    parser.add_argument("--errors", action="store_true", help="list the dev part's errors (never held-out)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--coverage-only",
        action="store_true",
        help="no spelling engine (fast): greeting, questions, format and hints only",
    )
    parser.add_argument(
        "--cross-writer",
        action="store_true",
        help="coverage leave-one-writer-out over the dev subsets (rules alone vs the fitted combiner)",
    )
    parser.add_argument(
        "--fit-coverage",
        action="store_true",
        help="fit the coverage combiner on the whole dev part and write resources/validation/coverage_model.json",
    )
    parser.add_argument(
        "--apart",
        default="",
        help="with --cross-writer: comma-separated validation subsets also left out of a second mean",
    )
    options = parser.parse_args(argv)

    from desktop_app.domain.validation import default_dictionary_words

    if options.coverage_only:
        engine: Any = NoSpelling()
    else:
        from desktop_app.adapters.proofreading import EmbeddedProofreader

        engine = EmbeddedProofreader()
    validator = DraftValidator(engine, default_dictionary_words())
    if options.cross_writer:
        apart = [name for name in options.apart.split(",") if name]
        unknown = [name for name in apart if name not in SUBSETS]
        if unknown:
            parser.error("unknown subset for --apart: " + ", ".join(unknown))
        _print_cross_writer(cross_writer(validator), apart)
        return 0
    if options.fit_coverage:
        from desktop_app.domain.validation.coverage_model import ANSWER_WORDS_FILE, MODEL_FILE
        from desktop_app.domain.validation.language import resource_dir

        raw_rows = _coverage_rows(validator, load_part("dev"))
        counts = AnswerWordCounts(raw_rows)
        rows = _cross_fitted(raw_rows, counts)  # what ``coverage_rows`` gives
        model = fit_combiner(
            rows,
            note=f"python -m tests.validation.evaluation --fit-coverage: {len(rows)} (question, sentence) dev rows",
        )
        model.save(resource_dir() / MODEL_FILE)
        print(f"coverage_model: {len(rows)} sentence rows, {len(model.names)} features -> {MODEL_FILE}")
        table = counts.table()
        note = "python -m tests.validation.evaluation --fit-coverage: log-odds that a sentence with the word answers a question of the type (labelled dev rows)"
        (resource_dir() / ANSWER_WORDS_FILE).write_text(
            json.dumps({"note": note, "types": table}, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        print(f"answer words: {sum(len(t) for t in table.values())} -> {ANSWER_WORDS_FILE}")
        return 0
    parts = options.part or list(PARTS)
    # The development part also by writer: tune on one subset, check on the other (docs/VALIDATION.md);
    # each pair is validated once for both.
    by_writer: dict[str, PartResult] = {}
    results = evaluate(validator, parts, by_writer)
    subsets = {name: by_writer[name] for name in SUBSETS if name in by_writer}
    if options.json:
        data = {p: r.figures() for p, r in results.items()}
        data.update({f"dev/{n}": r.figures() for n, r in subsets.items()})
        for part in parts:
            data.setdefault(part, None)  # a part with no pairs on disk
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    for part in parts:
        if part not in results:
            print(f"{'held-out' if part == 'heldout' else part}: no pairs")
            continue
        _print(part, results[part], options.errors and part == "dev", options.coverage_only)
        if part == "dev":
            for name, result in subsets.items():
                _print(f"dev/{name}", result, False, options.coverage_only)
    return 0


if __name__ == "__main__":  # python -m tests.validation.evaluation
    raise SystemExit(main())
