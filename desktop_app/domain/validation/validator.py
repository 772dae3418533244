"""Draft validation entry point used by the GUI's validation panel and ``otklik validate`` (R7, R8, R10)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence

from desktop_app.domain.validation import texts
from desktop_app.domain.validation.dictionary import (
    OrganisationDictionary,
    is_compound_of_known_words,
    is_proper_name,
    proper_name_spans,
)
from desktop_app.domain.validation.format import FormatChecker
from desktop_app.domain.validation.greeting import GreetingChecker
from desktop_app.domain.validation.language import tokenize
from desktop_app.domain.validation.proofreading import (
    KnownWord,
    Proofreader,
    ProofreadingMatch,
    ProofreadingUnavailableError,
    SelectiveSuggester,
)
from desktop_app.domain.validation.quality import QualityAdvisor
from desktop_app.domain.validation.questions import QuestionAnalyzer
from desktop_app.domain.validation.report import (
    Issue,
    IssueSection,
    QualitySection,
    SpellingMatch,
    SpellingSection,
    ValidationReport,
)
from desktop_app.domain.validation.rulepack import RulePack
from desktop_app.domain.validation.semantics import WordVectors, shared_word_vectors
from desktop_app.domain.validation.syntax import SyntaxParser, shared_syntax_parser

_UNSET = object()

# Profiles by draft kind (issue 13, R7–R9). An interim answer says what is being done and by when;
# a clarification request asks the author something. Plain word stems and patterns: they only warn.
_QUESTION = re.compile(r"\?|\b(уточните|сообщите|укажите|пришлите|подскажите|напишите)\b", re.IGNORECASE)
_ACTION = re.compile(
    r"\b(провод|передан|передал|провер|рассматрива|рассмотр|изуча|направл|запрош|организ|готов|выезж|выед|устран|"
    r"решает|решаем|занима|ведёт|ведет|работа|выполн|принят|поручен|включ|запланир|обследу)\w*",
    re.IGNORECASE,
)
_BY_WHEN = re.compile(
    r"\b(до|к|не позднее|в течение|в срок|после|через)\s+\S+|\d{1,2}\.\d{1,2}|"
    r"\b(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*|"
    r"\b(сегодня|завтра|недел\w*|рабоч\w* дн\w*|дн(я|ей)|срок\w*)",
    re.IGNORECASE,
)


def kind_rule_issues(kind: str, draft_text: str) -> tuple[Issue, ...]:
    """What the kind itself requires of the draft (not coverage: that is the questions' check)."""
    issues: list[Issue] = []
    if kind == "clarification" and not _QUESTION.search(draft_text):
        issues.append(Issue("clarification_no_question", texts.CLARIFICATION_NO_QUESTION))
    if kind == "interim":
        if not _ACTION.search(draft_text):
            issues.append(Issue("interim_no_action", texts.INTERIM_NO_ACTION))
        if not _BY_WHEN.search(draft_text):
            issues.append(Issue("interim_no_deadline", texts.INTERIM_NO_DEADLINE))
    return tuple(issues)


class DraftValidator:
    """Runs the greeting, spelling, question-coverage and format checks on a draft.

    Construct once and reuse: the proofreader and word vectors are expensive. ``validate()`` is
    thread-safe as long as the proofreader is (all bundled engines are).
    """

    def __init__(
        self,
        proofreader: Proofreader,
        dictionary_words: Iterable[str] = (),
        *,
        rule_pack: RulePack | None = None,
        format_checker: FormatChecker | None = None,
        greeting_checker: GreetingChecker | None = None,
        vectors: WordVectors | object | None = _UNSET,
        syntax: SyntaxParser | object | None = _UNSET,
        quality: QualityAdvisor | None = None,
        accept_proper_names: bool = True,
        accept_compounds: bool = True,
    ) -> None:
        self.proofreader = proofreader
        self.dictionary = OrganisationDictionary(dictionary_words)
        # Capitalised words in quotes or after a legal form are names, not typos (``is_proper_name``).
        self.accept_proper_names = accept_proper_names
        # «ветклиника», «госстройнадзор»: compounds of known words are not typos (``is_compound_of_known_words``).
        self.accept_compounds = accept_compounds
        self.rule_pack = rule_pack or RulePack.default()
        self.format_checker = format_checker or FormatChecker()
        self.greeting_checker = greeting_checker or GreetingChecker()
        resolved = shared_word_vectors() if vectors is _UNSET else vectors
        word_vectors = resolved if isinstance(resolved, WordVectors) else None
        if syntax is _UNSET:  # slovnet reuses navec's model: no second copy in memory
            syntax = shared_syntax_parser(word_vectors.navec if word_vectors is not None else None)
        self.questions = QuestionAnalyzer(
            word_vectors, syntax=syntax if isinstance(syntax, SyntaxParser) else None
        )
        self.quality = quality or QualityAdvisor()  # advisory hints beyond R7

    def set_dictionary_words(self, words: Iterable[str]) -> None:
        """Replace the organisation dictionary (admins edit it in the database)."""
        self.dictionary = OrganisationDictionary(words)

    def validate(
        self,
        message_text: str,
        draft_text: str,
        author_name: str | None = None,
        platform: str | None = None,
        attachments: Sequence[str] = (),
        kind: str = "answer",
    ) -> ValidationReport:
        """Check ``draft_text`` as an answer to ``message_text``.

        ``attachments`` are attachment kinds (``photo``, ``video``, ``document`` or ``file``).
        ``kind`` picks the profile: ``answer`` must answer every question of ``message_text`` (pass
        the whole thread, so a final answer after an interim one is checked against all of it);
        ``interim`` must say what is being done and by when; ``clarification`` must ask something.
        Raises :class:`UnknownPlatformError` for an unknown platform code.
        """
        timings: dict[str, float] = {}
        started = time.perf_counter()
        format_issues = self.format_checker.check(draft_text, platform, attachments)  # R10
        greeting_issues = self.greeting_checker.check(draft_text, author_name)  # R7 (1)
        timings["greeting_format"] = (time.perf_counter() - started) * 1000
        mark = time.perf_counter()
        spelling = self.check_spelling(draft_text)  # R7 (2)
        timings["spelling"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        questions = self.questions.analyse(message_text, draft_text)  # R7 (3), R8
        timings["questions"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        demanded = sum(1 for q in questions if not q.rhetorical)
        hints = self.quality.check(message_text, draft_text, platform, attachments, demanded)
        timings["quality"] = (time.perf_counter() - mark) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        return ValidationReport(
            greeting=IssueSection(greeting_issues),
            spelling=spelling,
            questions=tuple(questions),
            format=IssueSection(format_issues),
            timings_ms=timings,
            quality=QualitySection(tuple(hints)),
            profile=kind if kind in ("interim", "clarification") else "answer",
            kind_rules=IssueSection(kind_rule_issues(kind, draft_text)),
        )

    def check_spelling(self, draft_text: str) -> SpellingSection:
        """Engine matches minus dictionary words and ignored rules, plus the rule pack."""
        names = proper_name_spans(draft_text) if self.accept_proper_names else []
        try:
            if isinstance(self.proofreader, SelectiveSuggester):
                result = self.proofreader.proofread_with_known(
                    draft_text, self._known_everywhere(draft_text, names)
                )
            else:
                result = self.proofreader.proofread(draft_text)
        except ProofreadingUnavailableError as exc:
            # Every bundled setup falls back to the embedded engine; this is a last resort.
            return SpellingSection(
                engine=self.proofreader.name,
                matches=(),
                notice=texts.SPELLING_ENGINE_FAILED.format(reason=exc),
            )
        source = result.engine
        kept: list[SpellingMatch] = []
        for match in result.matches:
            if match.rule_id in self.rule_pack.ignored_engine_rules:
                continue
            fragment = draft_text[match.offset : match.offset + match.length]
            if match.is_spelling and (
                self._accepted_anywhere(fragment) or is_proper_name(fragment, match.offset, names)
            ):
                continue
            kept.append(_to_spelling_match(match, fragment, source))
        for extra in self.rule_pack.check(draft_text, tokenize(draft_text)):
            if any(_overlaps(extra, other) for other in kept):
                continue  # the engine already flagged this fragment
            kept.append(extra)
        kept.sort(key=lambda m: (m.offset, m.length))
        return SpellingSection(engine=result.engine, matches=tuple(kept), notice=result.notice)

    def _accepted_anywhere(self, fragment: str) -> bool:
        """An unknown word this validator lets pass wherever it stands (organisation words, compounds)."""
        return self.dictionary.accepts(fragment) or (
            self.accept_compounds and is_compound_of_known_words(fragment)
        )

    def _known_everywhere(self, draft_text: str, names: list[tuple[int, int]]) -> KnownWord:
        """Words whose spelling matches this check drops at every place they occur in ``draft_text``.

        The engine may skip searching their replacements; a proper name counts only when each of its
        occurrences is inside a name (a word in quotes here may be a slip elsewhere in the draft).
        """
        verdicts: dict[str, bool] = {}

        def known(word: str) -> bool:
            verdict = verdicts.get(word)
            if verdict is None:
                verdict = self._accepted_anywhere(word) or _named_wherever_it_stands(word, draft_text, names)
                verdicts[word] = verdict
            return verdict

        return known


def _named_wherever_it_stands(word: str, text: str, names: list[tuple[int, int]]) -> bool:
    if not word or not names:
        return False
    offsets: list[int] = []
    start = text.find(word)
    while start >= 0:
        offsets.append(start)
        start = text.find(word, start + 1)
    return bool(offsets) and all(is_proper_name(word, offset, names) for offset in offsets)


def _to_spelling_match(match: ProofreadingMatch, fragment: str, source: str) -> SpellingMatch:
    return SpellingMatch(
        offset=match.offset,
        length=match.length,
        text=fragment,
        rule_id=match.rule_id,
        message=match.message,
        replacements=tuple(match.replacements[:5]),
        source=source,
        category=match.category,
    )


def _overlaps(a: SpellingMatch, b: SpellingMatch) -> bool:
    return a.offset < b.offset + b.length and b.offset < a.offset + a.length
