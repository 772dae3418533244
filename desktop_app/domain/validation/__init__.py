"""Draft validation (R7, R8, R10): greeting, spelling and grammar, question coverage, format.

Qt-free and SQLAlchemy-free. Engines implementing :class:`Proofreader` live in
``desktop_app.adapters.proofreading``.
"""

from desktop_app.domain.validation.dictionary import OrganisationDictionary, default_dictionary_words
from desktop_app.domain.validation.format import FormatChecker, UnknownPlatformError
from desktop_app.domain.validation.greeting import GreetingChecker, parse_author_name
from desktop_app.domain.validation.proofreading import (
    Proofreader,
    ProofreadingMatch,
    ProofreadingResult,
    ProofreadingUnavailableError,
)
from desktop_app.domain.validation.questions import QuestionAnalyzer
from desktop_app.domain.validation.report import (
    AnswerSentence,
    Issue,
    IssueSection,
    QualityHint,
    QualitySection,
    QuestionItem,
    SpellingMatch,
    SpellingSection,
    ValidationReport,
)
from desktop_app.domain.validation.rulepack import RulePack
from desktop_app.domain.validation.validator import DraftValidator

__all__ = [
    "AnswerSentence",
    "DraftValidator",
    "FormatChecker",
    "GreetingChecker",
    "Issue",
    "IssueSection",
    "OrganisationDictionary",
    "Proofreader",
    "ProofreadingMatch",
    "ProofreadingResult",
    "ProofreadingUnavailableError",
    "QualityHint",
    "QualitySection",
    "QuestionAnalyzer",
    "QuestionItem",
    "RulePack",
    "SpellingMatch",
    "SpellingSection",
    "UnknownPlatformError",
    "ValidationReport",
    "default_dictionary_words",
    "parse_author_name",
]
