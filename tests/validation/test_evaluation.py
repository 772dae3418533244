"""The evaluation corpus stays valid and the checks keep their figures on its development part (R7, R8).

Bars are on the development part only (the held-out part is reported, never asserted on or tuned to);
docs/VALIDATION.md gives both parts' figures and why the bars are where they are.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.validation.evaluation import (
    HINT_CODES,
    NoSpelling,
    PartResult,
    evaluate_pairs,
    load_part,
    load_raw,
    schema_errors,
)

# figure: minimum on the whole development part (all writers' pairs: docs/VALIDATION.md gives the
# figures per subset; a bar on the subset the analyzer fits best would hide over-fitting). Reset at the
# start of each session whose held-out part joins dev: session 5 (seen2026c, a fourth writer) took whole
# dev to 0.794 / 0.772 / 0.221, session 5's analyzer to 0.840 / 0.737 / 0.139; session 6 (seen2026d and
# seen2026e, session 5's two held-out writers, 0.719 verdict accuracy when measured once) took it to
# 0.816 / 0.729 / 0.166 with the combiner refitted on all six writers, and session 6's changes (chosen by
# leave-one-writer-out, docs) to 0.826 / 0.737 / 0.149; then session 6's own held-out part (seen2026f and
# seen2026g, 0.674 when measured once) joined: 0.796 / 0.704 / 0.193, the combiner refitted on eight
# writers; session 6's second round (the type pass, docs) to 0.809 / 0.692 / 0.162 (fewer complete drafts
# sent back, a skipped question passed shown «проверьте» instead of named now and then). Bars 1-2 points
# below. Greeting accuracy 0.988 -> 0.999 once «Диана, здравствуйте!» counted as
# a greeting (session 6): bar 0.95 -> 0.98 (0.991 with eight writers). Session 7: session 6's second
# held-out part (seen2026h and seen2026i, 0.724 when measured once) joined, ten writers, the combiner
# refitted: 0.787 / 0.676 / 0.203 (seen2026h 0.779, seen2026i 0.682: refitting on them barely helps);
# then two writers new today (seen2026j 0.682, seen2026k 0.591 when first measured), twelve writers,
# refitted: 0.774 / 0.649 / 0.216; after session 7's coverage changes (joined yes/no split, rhetorical
# forms, type nouns, questions back, the sole-type passes), refitted: 0.780 / 0.648 / 0.190 — bars 1-2 below.
# Session 8: session 7's held-out part (seen2026l-o, 0.689 when measured once) joined, sixteen writers:
# 0.761 / 0.644 / 0.218, refitted 0.764 / 0.649 / 0.218; then two writers new today (seen2026p 0.803,
# seen2026q 0.712 when first measured), eighteen writers, refitted: 0.762 / 0.636 / 0.214. Session 9:
# session 8's held-out part (seen2026r-u, 0.689 when measured once) joined, twenty-two writers:
# 0.751 / 0.619 / 0.221, refitted 0.747 / 0.613 / 0.222 (the fit's log loss is on sentence rows, not
# on the verdict) — bars 1-2 below. Session 9's answer-word signal (``s_alike``): 0.778 / 0.639 / 0.171.
# Session 10: session 9's held-out part (seen2026v-y, 0.701 when measured once) joined, twenty-six
# writers: 0.767 / 0.631 / 0.185, refitted 0.772 / 0.643 / 0.182 — bars 1 below.
# Session 11: session 10's held-out part (seen2026z, seen2027a-c, 0.670 when measured once) joined, thirty
# writers: 0.767 / 0.648 / 0.193, refitted 0.767 / 0.651 / 0.191 — the bars still hold. Session 11's
# combiner floors and passes (per answer type): 0.782 / 0.696 / 0.196 — bars 1-2 below.
# Session 12: session 11's held-out part (seen2027d-g, 0.625 when measured once) joined, thirty-four writers:
# 0.765 / 0.684 / 0.224, refitted 0.769 / 0.698 / 0.226 — the verdict bar 1 below.
BARS = {
    "coverage_verdict_accuracy": 0.76,
    "unanswered_named_rate": 0.68,
    "greeting_accuracy": 0.98,
    "question_extraction_recall": 0.90,
}
# Whole dev 0.171 with the answer-word signal (session 9; 0.222 before it); 0.182 with seen2026v-y (session 10);
# 0.191 on thirty writers, 0.196 with session 11's overrule floors per answer type (one point above it);
# 0.226 on thirty-four writers (session 12, seen2027d-g joined and refitted).
MAX_FALSE_SEND_BACK = 0.235
# Per hint (whole dev): 0.95 while dev held three writers; seen2026c's false hints (formal_reply 3 of 6,
# works_done_no_photo 7 of 12) brought the whole part to 0.882 and 0.794; works_done_no_photo 0.871 after
# unfinished works stopped counting as done (4 of seen2026c's 9 shown are still false: docs); 0.829 when
# seen2026d and seen2026e joined (3 more false of their 10 shown); 0.895 (38 shown) after a temporary
# measure with the works promised and background facts stopped counting (session 6); with seen2026f/g
# (eight writers) works_done_no_photo 0.830 and sent_elsewhere_no_contact 0.933 (2 false of 30); with
# seen2026h/i (ten writers) works_done_no_photo 0.763 (14 false of 59 shown), formal_reply 0.882,
# participle_chain 0.941 (2 false of 34); with seen2026j/k (twelve writers) works_done_no_photo 0.743
# (18 false of 70), formal_reply 0.873. Session 7 (temporary measures, past states, relative clauses,
# works still going on; a rule answering a rule question; whose business it is; quoted titles): bars 1–2
# points below works_done_no_photo 0.844 (10 false of 64), formal_reply 0.927 (4 of 55), participle_chain
# 0.974 (1 of 39), sent_elsewhere_no_contact 1.000 (38) and legal_act_full_name 1.000 (44, the default).
# Session 8, seen2026l-o joined (sixteen writers): works_done_no_photo 0.756 (22 false of 90), formal_reply
# 0.912 (6 of 68), participle_chain 0.962 (2 of 53), sent_elsewhere_no_contact 1.000 (45), legal 1.000 (58);
# with seen2026p/q (eighteen writers) works 0.758 (24 of 99), formal 0.901 (7 of 71), participle 0.934 (4 of 61).
# Session 8's rules (works_done_no_photo only where the works are reported finished, the term participles
# matched by their nominative, a department named by its matter a party), whole dev: works 0.926 (5 false of
# 68, recall 0.818), formal 0.914 (6 of 70), participle 0.950 (3 of 60), sent_elsewhere 1.000 (49), legal
# 1.000 (63); the bars sit 1-2 points below.
# Session 9 (twenty-two writers; gerunds that became prepositions and «не»-participles no chain links,
# works on an object the message never names other works, the works' manner no paperwork, «обратиться»
# without a modal and «подайте / обжалуйте … в …» a redirect, «поставлен на контроль» / «держит на
# контроле» formulas, «отдел МВД» a party), whole dev: works 0.959 (3 false of 74, recall 0.798), formal
# 0.920 (6 of 75), participle 0.971 (2 of 70), sent_elsewhere 1.000 (61), legal 1.000 (74); bars 1-2 below.
# Session 10, seen2026v-y joined (twenty-six writers; they were session 9's held-out part, where formal_reply
# was right 0.67 of the times shown): formal 0.893 (9 false of 84), works 0.951 (4 of 81), participle 0.976
# (2 of 82), sent_elsewhere 1.000 (70), legal 1.000 (87); formal_reply's bar 1 below.
# Session 11, seen2026z and seen2027a-c joined (thirty writers; session 10's held-out part, where four hints
# were below 0.9): formal 0.870 (13 false of 100), works 0.933 (6 of 89), participle 0.978 (2 of 93),
# sent_elsewhere 0.964 (3 of 83), legal 0.971 (3 of 102); bars 1 below.
# Session 11's rules (a lone redirect left to sent_elsewhere_no_contact, «в любые органы» and «подать
# заявление» with no body sending nobody elsewhere, works told as lawful or told by the author no works
# reported): formal 0.951 (4 false of 81), works 0.954 (4 of 87), sent_elsewhere 0.988 (1 of 81),
# participle 0.978 (2 of 93), legal 0.971 (3 of 102); bars 1 below.
MIN_HINT_PRECISION = {
    "formal_reply": 0.94,
    "works_done_no_photo": 0.94,
    "sent_elsewhere_no_contact": 0.97,
    "participle_chain": 0.96,
    "legal_act_full_name": 0.96,
}
DEFAULT_HINT_PRECISION = 0.98


@pytest.fixture(scope="module")
def dev_pass() -> tuple[PartResult, list[Any]]:
    # Coverage, greeting, format and hints do not depend on the spelling engine, which is most of the
    # time of a validation: the whole dev part runs without it (the suite stays fast), once, for both the
    # figures and the combiner's rows (spelling recall: test_evaluation_spelling.py).
    from desktop_app.domain.validation import DraftValidator, default_dictionary_words

    rows: list[Any] = []
    validator = DraftValidator(NoSpelling(), default_dictionary_words())
    return evaluate_pairs(validator, load_part("dev"), "dev", rows=rows), rows


@pytest.fixture(scope="module")
def dev(dev_pass: tuple[PartResult, list[Any]]) -> PartResult:
    return dev_pass[0]


def test_development_part_follows_the_schema_and_covers_the_traps() -> None:
    raw = load_raw("dev")
    errors = [e for pair in raw for e in schema_errors(pair)]
    assert not errors, "\n".join(errors[:20])
    assert len(raw) >= 47
    assert len({p["id"] for p in raw}) == len(raw)
    traps = {q["trap"] for p in raw for q in p["questions"]}
    assert {"wrong_focus", "paraphrase", "joined", "rhetorical", "where_to_go", "conditional"} <= traps
    assert (
        sum(1 for p in raw for q in p["questions"] if not q["answered"] and q["kind"] != "rhetorical") >= 10
    )


def test_the_held_out_part_follows_the_schema() -> None:
    # Only its shape is checked (the analyzer is not run on it here; its figures are reported, never
    # asserted): a held-out file with a misquoted question or answer would silently skew the report.
    raw = load_raw("heldout")
    errors = [e for pair in raw for e in schema_errors(pair)]
    assert not errors, "\n".join(errors[:20])
    assert len({p["id"] for p in raw}) == len(raw)
    ids = {p["id"] for p in load_raw("dev")}
    assert not ids & {p["id"] for p in raw}


def test_development_figures_meet_bars(dev: PartResult) -> None:
    # Spelling recall has its own file (test_evaluation_spelling.py), so the two passes run on both workers.
    figures = dev.figures()
    flat = {
        "coverage_verdict_accuracy": figures["coverage_verdict_accuracy"],
        "unanswered_named_rate": figures["unanswered_named_rate"],
        "greeting_accuracy": figures["greeting"]["accuracy"],
        "question_extraction_recall": figures["question_extraction"]["recall"],
    }
    notes = "\n".join(dev.notes)
    for name, bar in BARS.items():
        assert flat[name] >= bar, f"{name} {flat[name]:.3f} < {bar}\n{notes}"
    assert figures["false_send_back_rate"] <= MAX_FALSE_SEND_BACK, notes


@pytest.mark.parametrize("code", HINT_CODES)
def test_quality_hints_are_precise_on_the_development_part(dev: PartResult, code: str) -> None:
    score = dev.score(f"hint:{code}")
    bar = MIN_HINT_PRECISION.get(code, DEFAULT_HINT_PRECISION)
    assert score.precision >= bar, "\n".join(score.errors)


def test_an_empty_held_out_part_is_reported_as_such(tmp_path, monkeypatch, capsys) -> None:
    # The held-out part is written apart and may be absent from a branch: the command must still run.
    from tests.validation import evaluation

    (tmp_path / "dev").mkdir()
    monkeypatch.setattr(evaluation, "CORPUS_DIR", tmp_path)
    assert evaluation.load_part("heldout") == []
    assert evaluation.main(["--part", "heldout", "--coverage-only"]) == 0
    assert "held-out: no pairs" in capsys.readouterr().out


def test_evaluation_runs_on_every_part_present(validator) -> None:
    # The held-out part is only run here (no figure asserted): `python -m tests.validation.evaluation`
    # must keep working on it. Its pairs are never printed.
    for part in ("dev", "heldout"):
        pairs = load_part(part)
        result = evaluate_pairs(validator, pairs[:5], part)
        assert result.pairs == min(5, len(pairs))


def test_the_shipped_coverage_model_is_what_fit_coverage_writes(
    dev_pass: tuple[PartResult, list[Any]],
) -> None:
    # Reproducible: the weights in resources/validation/coverage_model.json are fitted on the dev part
    # by `python -m tests.validation.evaluation --fit-coverage` (refit it after changing the corpus or
    # the analyzer's signals). The rows come from the figures' pass (`_rules_rows`): that they refit to
    # the shipped weights also checks they are the rows `--fit-coverage` computes in its own pass.
    from desktop_app.domain.validation.coverage_model import load_default_model
    from tests.validation.evaluation import AnswerWordCounts, _cross_fitted, fit_combiner

    rows = dev_pass[1]
    shipped = load_default_model()
    assert shipped is not None and shipped.level == "sentence"
    refit = fit_combiner(_cross_fitted(rows, AnswerWordCounts(rows)), note=shipped.note)
    assert refit.names == shipped.names
    assert refit.threshold == pytest.approx(shipped.threshold)
    assert refit.weights == pytest.approx(shipped.weights, abs=1e-4)
    assert refit.bias == pytest.approx(shipped.bias, abs=1e-4)


def test_cross_writer_fits_on_the_other_writers_and_scores_the_one_left_out(
    tmp_path, monkeypatch, capsys
) -> None:
    # `--cross-writer` on a small copy of the corpus: each subset is scored by a combiner fitted on the
    # other three (rules alone alongside), and the shipped model is left as it was.
    import json

    from tests.validation import evaluation

    (tmp_path / "dev").mkdir()
    raw = [p for p in evaluation.load_raw("dev") if p["kind"] == "answer"]
    prefixes = {"original": "", **evaluation.SUBSET_PREFIXES}
    # Pairs are picked by id (seen2026 kept its session-2 ids, ``heldout-…``), written under the
    # file prefix that makes them that writer's.
    ids = {
        "original": None,
        **{name: f"{name}-" for name in evaluation.SUBSET_PREFIXES},
        "seen2026": "heldout-",
    }
    for name, prefix in prefixes.items():
        start = ids[name]
        mine = [
            p
            for p in raw
            if (p["id"].startswith(start) if start else not p["id"].startswith(("heldout-", "seen")))
        ]
        assert mine, name
        (tmp_path / "dev" / f"{prefix}roads.json").write_text(json.dumps(mine[:6], ensure_ascii=False))
    from desktop_app.domain.validation.coverage_model import load_default_model

    shipped = load_default_model()
    monkeypatch.setattr(evaluation, "CORPUS_DIR", tmp_path)
    assert evaluation.main(["--coverage-only", "--cross-writer"]) == 0
    assert load_default_model() == shipped
    out = capsys.readouterr().out
    for held in prefixes:
        assert f"{held} [rules]: coverage_verdict_accuracy" in out
        assert f"{held} [combined]: coverage_verdict_accuracy" in out


def test_every_dev_file_belongs_to_exactly_one_writer() -> None:
    # The subsets partition the dev part (no pair scored twice or never), and the former held-out part
    # of session 4 is its own writer (``seen2026c``), with its ids renamed from ``heldout4-``, and so
    # are session 5's two writers (``seen2026d`` and ``seen2026e``, from ``heldout5a-``/``heldout5b-``)
    # and session 6's four (``seen2026f``/``g`` from ``heldout6a-``/``b-``, ``seen2026h``/``i`` from
    # ``heldout7a-``/``b-``), and session 7's four (``seen2026l``/``m`` from ``heldout8a-``/``b-``,
    # ``seen2026n``/``o`` from ``heldout9a-``/``b-``); session 8's validation writers ``seen2026p``/``q``
    # (``heldout10c-``/``d-``); session 8's held-out part, measured once, joined in session 9 as
    # ``seen2026r``/``s``/``t``/``u`` (from ``heldout10a-``/``b-``, ``heldout11a-``/``b-``); session 9's,
    # joined in session 10 as ``seen2026v``/``w``/``x``/``y`` (from ``heldout12a-`` … ``heldout12d-``);
    # session 10's, joined in session 11 as ``seen2026z``, ``seen2027a``/``b``/``c`` (from ``heldout13a-`` … ``d-``);
    # session 11's, joined in session 12 as ``seen2027d``/``e``/``f``/``g`` (from ``heldout14a-`` … ``d-``).
    from tests.validation.evaluation import SUBSETS

    pairs = load_part("dev")
    for pair in pairs:
        owners = [name for name, belongs in SUBSETS.items() if belongs(pair)]
        assert len(owners) == 1, (pair.id, owners)
    fourth = [p for p in pairs if SUBSETS["seen2026c"](p)]
    assert len(fourth) == 161
    assert all(p.id.startswith("seen2026c-") for p in fourth)
    assert not any(p.id.startswith("heldout4-") for p in pairs)
    for name, count in (
        ("seen2026d", 81),
        ("seen2026e", 80),
        ("seen2026f", 80),
        ("seen2026g", 80),
        ("seen2026h", 80),
        ("seen2026i", 80),
        ("seen2026j", 80),
        ("seen2026k", 80),
        ("seen2026l", 80),
        ("seen2026m", 80),
        ("seen2026n", 80),
        ("seen2026o", 80),
        ("seen2026p", 80),
        ("seen2026q", 80),
        ("seen2026r", 80),
        ("seen2026s", 80),
        ("seen2026t", 80),
        ("seen2026u", 80),
        ("seen2026v", 80),
        ("seen2026w", 80),
        ("seen2026x", 80),
        ("seen2026y", 80),
        ("seen2026z", 80),
        ("seen2027a", 80),
        ("seen2027b", 80),
        ("seen2027c", 80),
        ("seen2027d", 80),
        ("seen2027e", 80),
        ("seen2027f", 80),
        ("seen2027g", 80),
    ):
        theirs = [p for p in pairs if SUBSETS[name](p)]
        assert len(theirs) == count
        assert all(p.id.startswith(f"{name}-") for p in theirs)
    assert not any(
        p.id.startswith(
            (
                "heldout5a-",
                "heldout5b-",
                "heldout6a-",
                "heldout6b-",
                "heldout7a-",
                "heldout7b-",
                "heldout8",
                "heldout9",
                "heldout10",
                "heldout11",
                "heldout12",
                "heldout13",
                "heldout14",
            )
        )
        for p in pairs
    )
