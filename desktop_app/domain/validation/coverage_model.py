"""A learned combiner for question coverage (R7 (3), R8): logistic regression over the analyzer's signals.

The rules in ``questions.py`` compute, per question, signals of whether the draft answers it — the rule
verdict, the topic score of the best window, whether the expected type sits in a clause about the focus,
navec similarity of the question's focus to each draft sentence, hedges, paperwork, missing numbers.
Which of them to trust, and how much, is what failed to transfer to a new writer; this module weighs
them with a logistic regression fitted offline on the development corpus's labels
(``tests/validation/evaluation.py --fit-coverage`` writes ``resources/validation/coverage_model.json``;
``--cross-writer`` measures it leave-one-writer-out). At run time it is a dot product in numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.domain.validation.language import resource_dir

MODEL_FILE = "coverage_model.json"
# Stumps compare features rounded to this many decimals: sums over a set of lemmas (navec centroids, soft
# matches) differ in the last bit with the process's hash seed, and a row exactly on a split would change
# sides between runs — the leave-one-writer-out figure moved by 0.003 with the seed (session 9).
ROUNDING = 6


@dataclass(frozen=True)
class CoverageModel:
    """P(question answered | signals): standardised features, weights, bias and a decision threshold."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    note: str = ""
    level: str = "question"  # "sentence": rows are (question, draft sentence); P(answered) is their max
    # Gradient-boosted stumps instead of the linear part when present: (feature index, split, value at or
    # below the split, value above); the log-odds are ``bias`` plus the stumps' values.
    stumps: tuple[tuple[int, float, float, float], ...] = ()

    def probability(self, features: Mapping[str, float]) -> float:
        x = [float(features.get(n, 0.0)) for n in self.names]
        if self.stumps:
            x = [round(v, ROUNDING) for v in x]
            z = self.bias + sum(low if x[j] <= split else high for j, split, low, high in self.stumps)
        else:
            v = (np.array(x) - np.array(self.mean)) / np.array(self.scale)
            z = float(v @ np.array(self.weights)) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json_dict(self) -> dict[str, object]:
        return {
            "note": self.note,
            "names": list(self.names),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "level": self.level,
            "stumps": [[j, round(t, 6), round(lo, 6), round(hi, 6)] for j, t, lo, hi in self.stumps],
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, object]) -> CoverageModel:
        return cls(
            tuple(data["names"]),  # type: ignore[arg-type]
            tuple(float(v) for v in data["mean"]),  # type: ignore[attr-defined]
            tuple(float(v) for v in data["scale"]),  # type: ignore[attr-defined]
            tuple(float(v) for v in data["weights"]),  # type: ignore[attr-defined]
            float(data["bias"]),  # type: ignore[arg-type]
            float(data.get("threshold", 0.5)),  # type: ignore[arg-type]
            str(data.get("note", "")),
            str(data.get("level", "question")),
            tuple((int(j), float(t), float(lo), float(hi)) for j, t, lo, hi in data.get("stumps", [])),  # type: ignore[attr-defined]
        )

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_json_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


def load_default_model() -> CoverageModel | None:
    """The shipped model, or None when the file is absent (coverage then uses the rule verdict alone)."""
    path = resource_dir() / MODEL_FILE
    if not path.exists():
        return None
    return CoverageModel.from_json_dict(json.loads(path.read_text(encoding="utf-8")))


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    names: Sequence[str],
    l2: float = 1.0,
    threshold: float = 0.5,
    note: str = "",
    level: str = "question",
) -> CoverageModel:
    """L2-regularised logistic regression by Newton's method (a few hundred rows: exact in milliseconds)."""
    x = np.array([[float(r.get(n, 0.0)) for n in names] for r in rows], dtype=float)
    y = np.array([1.0 if v else 0.0 for v in labels])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    z1 = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(z1.shape[1])
    reg = np.full(z1.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z1 @ w, -30, 30)))
        grad = z1.T @ (p - y) + reg * w
        hess = (z1.T * (p * (1 - p))) @ z1 + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return CoverageModel(
        tuple(names),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in w[:-1]),
        float(w[-1]),
        threshold,
        note,
        level,
    )


def fit_stumps(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    names: Sequence[str],
    rounds: int = 100,
    rate: float = 0.1,
    min_leaf: int = 10,
    threshold: float = 0.5,
    note: str = "",
    level: str = "question",
) -> CoverageModel:
    """Gradient-boosted stumps on the logistic loss (Newton steps, L2 of 1 on leaf values); splits are
    each feature's distinct values, or 12 quantiles of it — deterministic, a second or two to fit."""
    x = np.array([[round(float(r.get(n, 0.0)), ROUNDING) for n in names] for r in rows], dtype=float)
    y = np.array([1.0 if v else 0.0 for v in labels])
    share = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
    base = math.log(share / (1 - share))
    f = np.full(len(y), base)
    splits = []
    for j in range(x.shape[1]):
        values = np.unique(x[:, j])
        if len(values) > 12:
            values = np.unique(np.quantile(x[:, j], np.linspace(0.05, 0.95, 12)))
        splits.append(np.unique(np.round(values, ROUNDING)))  # as the JSON stores them
    stumps: list[tuple[int, float, float, float]] = []
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-f))
        g, h = y - p, p * (1 - p) + 1e-9
        best: tuple[float, int, float, float, float] | None = None
        for j in range(x.shape[1]):
            for split in splits[j]:
                low = x[:, j] <= split
                if low.sum() < min_leaf or (~low).sum() < min_leaf:
                    continue
                gl, hl, gr, hr = g[low].sum(), h[low].sum(), g[~low].sum(), h[~low].sum()
                gain = gl * gl / (hl + 1) + gr * gr / (hr + 1)
                if best is None or gain > best[0]:
                    best = (gain, j, float(split), gl / (hl + 1), gr / (hr + 1))
        if best is None:
            break
        _, j, split, vl, vr = best
        f += rate * np.where(x[:, j] <= split, vl, vr)
        stumps.append((j, split, rate * vl, rate * vr))
    zeros = tuple(0.0 for _ in names)
    return CoverageModel(
        tuple(names), zeros, tuple(1.0 for _ in names), zeros, base, threshold, note, level, tuple(stumps)
    )


# --- answer words: a corpus-learned table of which words an answering sentence uses (session 9) -------

ANSWER_WORDS_FILE = "coverage_answer_words.json"
# A word enters the table when it occurs in at least this many labelled (question, sentence) rows of one
# expected answer type, answers and non-answers together (rarer words say nothing but their topic).
ANSWER_WORDS_MIN_ROWS = 3


def answer_word_value(in_answers: int, in_others: int, answers: int, others: int) -> float:
    """Log-odds that a sentence holding the word answers a question of the type: the word's share of
    answering sentences over its share of the others, each smoothed by a half."""
    return math.log((in_answers + 0.5) / (answers + 1)) - math.log((in_others + 0.5) / (others + 1))


def answer_likeness(
    lookup: Callable[[str, str], float | None], expected: str, lemmas: Iterable[str]
) -> tuple[float, float]:
    """Mean and highest table value of the sentence's content lemmas for a question of type ``expected``
    (numbers and words outside the table skipped; 0, 0 when none is in it)."""
    values = [v for lem in lemmas if not lem.isdigit() and (v := lookup(expected, lem)) is not None]
    if not values:
        return 0.0, 0.0
    # fsum: exact whatever the order of the lemma set (which changes with the process's hash seed) —
    # a last-bit difference would move a row across a stump's split between runs.
    return math.fsum(values) / len(values), max(values)


def load_answer_words() -> dict[str, dict[str, float]]:
    """The shipped table {expected type: {lemma: log-odds}}; empty when the file is absent."""
    path = resource_dir() / ANSWER_WORDS_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind: {k: float(v) for k, v in words.items()} for kind, words in data["types"].items()}


def table_lookup(table: Mapping[str, Mapping[str, float]]) -> Callable[[str, str], float | None]:
    return lambda expected, lem: table.get(expected, {}).get(lem)
