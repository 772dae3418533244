"""The validation report shared by the GUI and the CLI (R7, R8, R10).

``ValidationReport.to_json_dict()`` produces exactly the shape in INTERFACES.md ("Draft validation");
extra fields (``notice``, ``offset``, ``answer`` …) are additions the interface allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One greeting or format problem: a stable code and a Russian message for the user."""

    code: str
    message: str
    offset: int | None = None  # where in the draft, when it points at a fragment
    length: int | None = None

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.offset is not None:
            data["offset"] = self.offset
            data["length"] = self.length
        return data


@dataclass(frozen=True)
class SpellingMatch:
    """One spelling/grammar finding; offsets are Python string indices into the draft."""

    offset: int
    length: int
    text: str
    rule_id: str
    message: str
    replacements: tuple[str, ...] = ()
    source: str = ""  # "embedded", "languagetool" or "rule_pack"
    category: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "offset": self.offset,
            "length": self.length,
            "text": self.text,
            "rule_id": self.rule_id,
            "message": self.message,
            "replacements": list(self.replacements),
            "source": self.source,
            "category": self.category,
        }


@dataclass(frozen=True)
class SpellingSection:
    """R7 (2): which engine checked the draft, what it found, and any fallback notice."""

    engine: str
    matches: tuple[SpellingMatch, ...] = ()
    notice: str | None = None

    @property
    def ok(self) -> bool:
        return not self.matches

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "engine": self.engine,
            "matches": [m.to_json_dict() for m in self.matches],
        }
        if self.notice:
            data["notice"] = self.notice
        return data


@dataclass(frozen=True)
class IssueSection:
    """Greeting or format section: ok when there are no issues."""

    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues

    def to_json_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "issues": [i.to_json_dict() for i in self.issues]}


@dataclass(frozen=True)
class AnswerSentence:
    """The draft sentence judged to answer a question (offsets into the draft)."""

    offset: int
    length: int
    text: str
    score: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "offset": self.offset,
            "length": self.length,
            "text": self.text,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class QuestionItem:
    """R7 (3), R8: a question (``explicit``) or request (``implicit``) from the message."""

    text: str
    kind: str
    covered: bool
    offset: int  # into the message
    length: int
    answer: AnswerSentence | None = None
    missing: tuple[str, ...] = ()  # numbers/addresses/time the answer lacks (for the rework comment, R8)
    confidence: float = 1.0  # 0–1: how sure the analyzer is of ``covered``
    reason: str = ""  # one Russian sentence: why answered / not answered (the evidence's "why")
    expected: str = ""  # expected answer type: time, number, cause, agent, where_to_go, yes_no, action, any

    @property
    def rhetorical(self) -> bool:
        """A rhetorical question («Сколько можно?»): acknowledged, never demanded (``covered`` is true)."""
        return self.kind == "rhetorical"

    @property
    def uncertain(self) -> bool:
        """The verdict is a guess: the panel shows «проверьте» instead of passing it silently."""
        return not self.rhetorical and self.confidence < UNCERTAIN_BELOW

    @property
    def status(self) -> str:
        """``answered``, ``unanswered``, ``check`` (uncertain) or ``rhetorical``."""
        if self.rhetorical:
            return "rhetorical"
        if self.uncertain:
            return "check"
        return "answered" if self.covered else "unanswered"

    @property
    def evidence(self) -> str | None:
        """The draft sentence that answers the question, or None."""
        return self.answer.text if self.answer is not None else None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "covered": self.covered,
            "offset": self.offset,
            "length": self.length,
            "answer": self.answer.to_json_dict() if self.answer else None,
            "missing": list(self.missing),
            "evidence": self.evidence,
            "confidence": round(self.confidence, 2),
            "status": self.status,
            "reason": self.reason,
            "expected": self.expected,
        }


# Confidence below this marks a verdict «проверьте» (R7: the reviewer confirms what the check cannot).
UNCERTAIN_BELOW = 0.65


@dataclass(frozen=True)
class QualityHint:
    """Advisory answer-quality hint (never blocks): a code and one Russian sentence explaining it."""

    code: str
    message: str
    offset: int | None = None  # the draft fragment it points at, when there is one
    length: int | None = None

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.offset is not None:
            data["offset"] = self.offset
            data["length"] = self.length
        return data


@dataclass(frozen=True)
class QualitySection:
    """Answer-quality hints beyond R7; advisory, so they never change ``ValidationReport.ok``."""

    hints: tuple[QualityHint, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {"hints": [h.to_json_dict() for h in self.hints]}


@dataclass(frozen=True)
class ValidationReport:
    """Everything the validation panel shows; ``ok`` is the overall verdict (R7)."""

    greeting: IssueSection
    spelling: SpellingSection
    questions: tuple[QuestionItem, ...]
    format: IssueSection
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    quality: QualitySection = field(default_factory=QualitySection)
    # The draft kind's profile (issue 13): an answer must cover every question; an interim answer
    # and a clarification request need not, and are held to their own rules in ``kind_rules``.
    profile: str = "answer"
    kind_rules: IssueSection = field(default_factory=IssueSection)

    @property
    def demands_coverage(self) -> bool:
        return self.profile == "answer"

    @property
    def ok(self) -> bool:
        return (
            self.greeting.ok
            and self.spelling.ok
            and self.format.ok
            and self.kind_rules.ok
            and not self.uncovered_questions
        )

    @property
    def uncertain_questions(self) -> tuple[QuestionItem, ...]:
        """Verdicts the analyzer is unsure of: shown as «проверьте» for the reviewer to confirm."""
        return tuple(q for q in self.questions if q.uncertain)

    @property
    def uncovered_questions(self) -> tuple[QuestionItem, ...]:
        """Questions the draft leaves unanswered: what a R8 rework comment names (answers only)."""
        if not self.demands_coverage:
            return ()
        return tuple(q for q in self.questions if not q.covered)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "greeting": self.greeting.to_json_dict(),
            "spelling": self.spelling.to_json_dict(),
            "questions": [q.to_json_dict() for q in self.questions],
            "format": self.format.to_json_dict(),
            "quality": self.quality.to_json_dict(),
            "kind": {"profile": self.profile, **self.kind_rules.to_json_dict()},
        }
