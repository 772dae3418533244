"""Questions and requests in a citizen's message and whether the draft answers them (R7 (3), R8).

Extraction: razdel sentences; explicit questions («?», «ли», an interrogative opening a clause
without «?»), implicit ones (requests: «прошу…», plural imperatives, «необходимо…»), rhetorical
ones («Сколько можно?», «Доколе?» — acknowledged, never demanded); joined questions («когда … и будет
ли …?», «куда и к кому …?») split into one item per clause.

Coverage, per question: its focus (the predicate and its objects from the slovnet dependency parse,
plus the topic of the preceding sentences for «Когда их починят?»), its expected answer type (time,
number, cause, responsible party, a place or contact for the citizen, yes/no, action) and the draft
window (one sentence or two adjacent) whose words match the focus — exact lemma, 5-letter prefix,
paraphrase group or navec similarity — *and* that supplies the type in a clause about that focus.
Numbers and street names from the question must reappear in the draft. Every verdict carries its
evidence (the window and a Russian sentence saying why) and a confidence; below
``report.UNCERTAIN_BELOW`` the panel shows «проверьте».
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from desktop_app.domain.validation.coverage_model import (
    CoverageModel,
    answer_likeness,
    load_answer_words,
    load_default_model,
    table_lookup,
)
from desktop_app.domain.validation.language import (
    Sentence,
    fold,
    lemma,
    load_json,
    parses,
    sentences,
)
from desktop_app.domain.validation.language import tokenize as _tokenize
from desktop_app.domain.validation.report import AnswerSentence, QuestionItem
from desktop_app.domain.validation.semantics import WordVectors
from desktop_app.domain.validation.syntax import Clause, SyntaxParser, Word, clauses, flat_parse


@functools.lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Any, ...]:
    """razdel tokens, cached: an edit re-checks the same sentences (p50 budget, benchmarks/)."""
    return tuple(_tokenize(text))


# Abbreviations official drafts use for words citizens write in full (R7 (3): addresses must match).
_ABBREVIATIONS = {
    "ул": "улица",
    "д": "дом",
    "пр": "проспект",
    "пер": "переулок",
    "кв": "квартира",
    "мкр": "микрорайон",
    "ук": "компания",
}
# A number followed by one of these is a quantity («40 минут», «3 раза»), not an address or a route.
_QUANTITY_RE = re.compile(
    r"\s*(?:минут|час|дн|день|сут|недел|месяц|год|лет|раз|градус|рубл|руб|тыс|%|процент|человек|детей|метр|"
    r"км|м\b|штук|шт|сантиметр|см\b|этаж|класс)",
    re.IGNORECASE,
)
_CONTENT_POS = {"NOUN", "ADJF", "ADJS", "VERB", "INFN", "PRTF", "PRTS", "NUMR", "COMP"}
_LONG_ADVERB = 6  # «бесплатно», «холодно», «скользко» carry the matter; «уже», «так» do not
_NUMBER_RE = re.compile(r"\d+(?:[/-]?[а-яА-Я]\b)?")
_DATE_RE = re.compile(r"\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b20\d\d\b|\b\d{1,2}:\d{2}\b")
_LEGAL_REF_RE = re.compile(r"(?i)\bот\s+\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*г\.?)?(?:\s*№\s*[\w/-]+)?|№\s*[\w/-]+")
_NOT_FOCUS = frozenset(
    ["должный", "обязанный", "вообще", "нужный", "необходимый", "вправе", "что-то", "что-нибудь", "как-то"]
)
_PROCEDURE_VERBS = frozenset(
    ["оформить", "получить", "записаться", "подать", "оформлять", "получать", "подавать"]
)
_ASK_VERBS = frozenset(
    [
        "подсказать",
        "сказать",
        "объяснить",
        "уточнить",
        "сообщить",
        "интересовать",
        "знать",
        "узнать",
        "хотеться",
        "понять",
    ]
)
_MODAL_VERBS = frozenset(
    [
        "успеть",
        "мочь",
        "можно",
        "собираться",
        "планировать",
        "планироваться",
        "хотеть",
        "стать",
        "быть",
        "будет",
        "начать",
        "нужно",
        "должный",
        "обязанный",
        "намереваться",
        "предполагаться",
        "дать",
    ]
)
_GOVERNED_RELS = {"xcomp", "ccomp", "conj", "advcl", "csubj", "nsubj", "obj", "parataxis"}
_ASKS_AUTHOR_RE = re.compile(
    r"(?i)(?:^|[,:;]\s*)(?:уточните|укажите|подскажите|пришлите|приложите|направьте\s+(?:нам|фото)|сообщите,\s+пожалуйста)\b"
)
_START_RE = re.compile(r"(?i)\b(?:начат\w*|начал\w*|приступил\w*|стартовал\w*)\b")
_PAPERWORK_LEMMAS = frozenset(
    [
        "передать",
        "переданный",
        "направить",
        "направленный",
        "перенаправить",
        "переадресовать",
        "рассмотреть",
        "рассмотренный",
        "зарегистрировать",
        "принять",
        "принятый",
        "взять",
        "контроль",
        "изучить",
        "поступить",
        # A norm is not an action on the matter: «ответственность предусмотрена Кодексом».
        "предусмотреть",
        "предусмотренный",
    ]
)
_PAPERWORK_RE = re.compile(
    r"(?i)\b(?:рассмотрен\w*|передан\w*|направлен\w*|перенаправлен\w*|принят\w*\s+к\s+сведению|"
    r"на\s+контрол\w*|взят\w*\s+на\s+контроль|зарегистрирован\w*|изуча\w+|прорабатыва\w+)"
)
# Non-commitments: a promise to consider or to tell later answers neither «когда?» nor «будет ли?».
_HEDGE_RE = re.compile(
    r"(?i)\b(?:будет|будут)\s+рассмотрен\w*|\bрассмотр(?:им|ит|ят)\s+возможност\w*|"
    r"\bрассматрива\w+\s+возможност\w*|\bвозможност\w+\s+\w+\s+(?:будет\s+)?(?:рассмотрен|изуч)\w*|"
    r"\b(?:будет|будут)\s+(?:доведен|сообщен|направлен)\w*\s+(?:\w+\s+)?дополнительно|"
    r"\bсообщ(?:им|ат)\s+(?:\w+\s+)?дополнительно|\bдополнительно\s+сообщ\w+|"
    r"\bсрок\w*\s+(?:\w+\s+){0,3}(?:определ|уточн)\w*\s+(?:после|по\s+итогам|позднее|дополнительно)[^,.;]*|"
    r"\bпо\s+мере\s+(?:поступления\s+)?финансировани\w+|\bпри\s+наличии\s+(?:финансировани|средств)\w*|"
    r"\bпри\s+формировании\s+(?:программ|бюджет|план)\w*|"
    # The term of our reply is not the action's (session 6): «окончательный ответ мы дадим до 9 декабря»,
    # «ответ будет направлен Вам до 20 декабря», «о сроках ремонта сообщим до 8 декабря».
    r"\b(?:окончательн\w+\s+|письменн\w+\s+)?ответ\s+(?:\w+\s+){0,2}(?:дад(?:им|ут)|дади\w*|"
    r"(?:будет\s+)?(?:дан|направлен|подготовлен)\w*|направ(?:им|ят)|подготов(?:им|ят))\b[^,.;]*|"
    r"\bо\s+срок\w*\s+(?:\w+\s+){0,3}(?:сообщ|информир|уведом)\w*[^,.;]*|"
    r"\b(?:сообщ|проинформир|уведом)\w*\s+(?:\w+\s+){0,2}о\s+срок\w*[^,.;]*"
)
# A pronoun pointing back at the matter named before the question («Когда его повернут?»).
_ANAPHOR_RE = re.compile(
    r"(?i)\b(?:его|её|ее|их|него|неё|нее|них|ним|ней|это|этого|этим|этом|такое|такого|он|она|оно|они)\b"
)
# «Рекомендуем обратиться в Роспотребнадзор»: a named body the citizen can go to (not «в соответствующие
# органы»); the case of the first letter after the preposition is what tells them apart.
_NAMED_BODY_RE = re.compile(r"(?i:\bобра(?:тит|щат|щайт)\w*\s+(?:\w+\s+)?(?:в|во|к)\s+)(?:[А-ЯЁ]|«)")
# «Вы можете обратиться в административную комиссию», «Оформить компенсацию можно в органах социальной
# защиты», «подать заявку … в ООО «Водоканал»»: the author is told to go or apply to a particular body
# (an institution noun, an abbreviation or a quoted name) — not «в соответствующие органы», and not what
# we did with the paper («информация передана в …»: no verb of the author's here).
_APPLY_TO_BODY_RE = re.compile(
    r"(?i)\b(?:обрат(?:ит|иться|итесь)\w*|обращ(?:ат|айт)\w*|пода(?:ть|вать|йте)|направ(?:ить|ьте|ляйте)|"
    r"позвон\w*|звонит\w*|напиш\w*|написать|сообщ(?:ить|ите|айте)|пожаловаться|жаловаться|"
    r"оформ(?:ить|ите|ляется)|получ(?:ить|ите)|записаться|запишитесь)\b"
    r"(?:\s+[\w«»-]+){0,5}?\s+(?:в|во|к|на)\s+"
    r"(?!соответствующ|компетентн|уполномоченн|надлежащ|нужн|друг|ин(?:ые|ую|ой)\b|надзорн|контролирующ|профильн|"
    r"\w*снабжающ|специализированн)"
    r"(?:[\w-]+\s+){0,2}?(?:комисси|инспекци|орган(?!изац)|отдел|управлени|служб|департамент|комитет|фонд|центр|"
    r"поликлиник|больниц|прокуратур|полици|суд|администраци|при[её]мн|регистратур|участков|диспетчер|"
    r"соцзащит|социальн\w+\s+защит|отделени|филиал|(?-i:[А-ЯЁ]{2,})\b|«)"
)
# A cause stated without a cause word: what an inspection found («выявили завоздушивание стояка») or
# the period a measure is for («перенесён на период реконструкции»).
_FINDING_CAUSE_RE = re.compile(
    r"(?i)\b(?:выявл\w+|выявил\w*|обнаружен\w*|обнаружил\w*|установлено,\s+что|"
    r"на\s+(?:период|время)\s+(?:проведения\s+)?(?:ремонт|реконструкц|строительств|работ|замен)\w*)"
)
_NORM_REFERENCE_RE = re.compile(r"(?i)\b(?:в\s+соответствии\s+с|согласно)\b")
_AUTHORISE = frozenset(
    ["разрешить", "согласовать", "утвердить", "ввести", "установить", "назначить", "принять", "решить"]
)
_ACT_BY_BODY_RE = re.compile(
    r"(?i)\b(?:постановлени|решени|приказ|распоряжени|разрешени)\w*\s+(?:\w+\s+){0,2}"
    r"(?:администраци|департамент|управлени|комитет|министерств|комисси|глав\w|дум|совет|правительств)"
)
_PAPER_HEAD_RE = re.compile(
    r"(?:принять|принятый|зарегистрир|рассмотр|направ|перенаправ|передать|переданный|утверд|согласов|"
    r"подписа|выдать|выданный|поступить|поступ)"
)
_FORWARD_HEAD_RE = re.compile(r"(?:направ|перенаправ|передать|переданный|переадрес|зарегистрир|рассмотр)")
_RECEIVE_VERBS = frozenset(["принимать", "принять", "вести", "регистрировать", "зарегистрировать"])
_REPORTS_RE = re.compile(r"(?i)\b(?:сообщени|заявк|заявлени|вызов|обращени|жалоб|приём|прием)\w*")
# «их работу», «его ремонт»: a pronoun standing for the matter named before (not «из них», «это»).
_POSSESSIVE_ANAPHOR_RE = re.compile(r"(?i)(?<!из\s)\b(?:его|её|ее|их)\b")
_ANAPHOR_START_RE = re.compile(r"(?i)\s*(?:его|её|ее|их|он|она|оно|они)\b")
_PREPOSITIONS = frozenset(
    ["к", "в", "во", "до", "с", "со", "о", "об", "на", "за", "по", "от", "для", "из", "у"]
)
_DURATION_RE = re.compile(
    r"(?i)\b(?:\d+|одн\w*|дв\w+|тр\w+|четыр\w+|пят\w*|десят\w*|нескольк\w+)\s+(?:рабоч\w+\s+)?"
    r"(?:дн|дня|недел|месяц|час|сут)\w*|\b(?:в\s+)?(?:этом|следующем|текущем)\s+году\b|\bежедневно\b"
)
_STREET_MARKERS = re.compile(
    r"\b(?:ул(?:\.|иц[аеыу])|пр(?:\.|оспект[аеу]?)|пер(?:\.|еул(?:ок|ке|ка))|пл(?:\.|ощад[ьи])|"
    r"мкр\.?|микрорайон[аеу]?|бульвар[аеу]?|б-р|шоссе|проезд[аеу]?)\s+(?P<name>[А-ЯЁ0-9][\wЁё-]*)"
)
# «…, если подам сейчас?», «Если терапевт не придёт, кому звонить?»: the condition clause of a question.
_IF_CLAUSE_RE = re.compile(r"(?i)(?:^|(?<=[\s,(]))если\b(?:[^,?!.]*,\s*(?:а|и)\s)?[^,?!.]*")
# Interrogatives that open a question even when a comma follows (``_classify``).
_ASKING_OPENINGS = frozenset({"кто", "кому", "кого", "куда"})
# A dot after a word of three letters or more, then a lower-case word (``_message_sentences``).
_LOWER_AFTER_DOT_RE = re.compile(r"(?<=[а-яёА-ЯЁa-zA-Z0-9]{3}[.])\s+(?=[а-яё])")
_OPENING_FILLERS = {"а", "и", "но", "так", "ну", "вот", "скажите", "подскажите", "интересно", "объясните"}
_WANT_TO_KNOW = re.compile(
    r"\b(?:узнать|подскажите|скажите|объясните|сообщите|интересует|интересно|уточните)\b", re.IGNORECASE
)
_QUESTION_WORDS = (
    r"когда|где|куда|откуда|кто|кому|кого|почему|зачем|отчего|сколько|как|каким|какой|какая|какое|какие|"
    r"каких|какого|что|чем|чья|чей|к\s+кому|в\s+какие|до\s+какого|по\s+какой|"
    # «… и в какой срок?», «… и с какого числа?»: a preposition before the interrogative.
    r"(?:в|во|с|со|до|по|к|на|за|из|от|у|о|об|при)\s+(?:как(?:ой|ого|ому|ие|их|им|ая|ую|ое|ом)|кому|кого|чему|чего|чей|чьей|чьё|чье|сколько)"
)
# A conjunction that joins two questions («…, и кто разрешил?»), as opposed to a bare comma.
_JOINING_WORD_RE = re.compile(r"(?i)\b(?:и|а|или|также)\b")
# «…, и будет ли …?», «… и когда …?»: a second question joined to the first (a clause of its own).
_JOIN_RE = re.compile(
    rf"(?:,\s*|\s+)(?:и|а|или|также|и\s+также|а\s+также|ну\s+и)\s+(?=(?:{_QUESTION_WORDS})\b|\w+\s+ли\b)"
    rf"|,\s+(?=(?:{_QUESTION_WORDS})\b[^,]*\?)|;\s+(?=[А-ЯЁа-яё])",
    re.IGNORECASE,
)
# «Куда и к кому обращаться?», «Когда и кто …?»: two interrogatives sharing one predicate.
_PAIR_RE = re.compile(
    rf"^(?P<lead>(?:а\s+|и\s+|так\s+)?)(?P<first>{_QUESTION_WORDS})\s+и\s+(?P<second>(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)

_DEFAULT_MODEL = object()  # ``QuestionAnalyzer(model=DEFAULT_MODEL)``: the shipped combiner
DEFAULT_MODEL = _DEFAULT_MODEL

# Window scores at or above this are "answers" (calibrated on the development part, see docs).
COVERAGE_THRESHOLD = 0.5
TYPED_THRESHOLD = 0.3
SOFT_MATCH_SIMILARITY = 0.55
PARAPHRASE_WEIGHT = 0.8
DERIVATION_WEIGHT = 0.85
KEY_WORDS = 3
# A send-back whose best sentence scores within this of the combiner's threshold is shown «проверьте».
CHECK_BAND = 0.1
# A question the rules pass stays passed only if the combiner gives its best sentence at least this,
# and is shown «проверьте» below ``RULE_LUKEWARM``.
RULE_AGREES = 0.15
RULE_LUKEWARM = 0.25
# Session 5's soft pass (a near answer, ``p`` ≥ 0.35, on a sentence repeating the question's own words,
# passed shown «проверьте») was dropped in session 11: on twenty-eight writers it passed more unanswered
# questions than answered ones (10 against 7) — repeating the question's words is what a sentence about
# another side of the same matter does too.
# «Когда …?» sent back although the best sentence promises an action with its term (``s_time_future``)
# and the combiner gives it at least this: passed, shown «проверьте» — is it the same action? (session 5)
TERM_PASS = 0.25
# When the rules found a house number or street of the question missing from the draft («у дома 45»),
# the combiner overrules them only with this margin above its threshold: the sentence may be about
# another address (session 6; ``test_number_must_reappear``).
MISSING_MARGIN = 0.1
# «Почему …?» sent back although the best sentence states a cause in a clause the rules take for the
# question's (``s_supplies``: «причиной стало …», «из-за …», «…, чтобы …») and the combiner gives it at
# least this: a cause is told in other words than the complaint far more often than a cause of something
# else is offered (session 6) — passed, shown «проверьте».
CAUSE_PASS = 0.4
# … and so is one whose best sentence is strongly about the matter itself (``s_topic`` ≥ ``CAUSE_TOPIC``)
# with ``p`` ≥ ``CAUSE_TOPIC_PASS``: an explanation with no cause word («площадки покрылись наледью, …
# находиться на улице небезопасно») — session 6; 0.3 since session 11 (twenty-eight writers: the two cause
# passes at 0.2 passed 20 unanswered questions against 17 answered ones).
CAUSE_TOPIC = 0.7
CAUSE_TOPIC_PASS = 0.3
# The cause pass for every other answer type (session 6, second round): a send-back whose best sentence
# supplies the expected type in a clause the rules take for the question's (``s_supplies``: a body named
# for «кто?», a step promised for a request, an address for «где?») and gets ``p`` ≥ this is passed, shown
# «проверьте». On writers the analyzer was not tuned to, such sentences are far more often an answer in
# other words than an answer to something else (leave-one-writer-out, docs/VALIDATION.md).
TYPE_PASS = 0.4
# A message's only «почему?» sent back although a draft sentence states a cause (no norm recited, no
# paperwork) with ``p`` ≥ this: passed, shown «проверьте» (session 7, leave-one-writer-out; docs).
SOLE_CAUSE_PASS = 0.1
# … and the message's only «кто?» on a sentence naming a party (``s_type``; not where we forwarded the
# paper, no paperwork) with ``p`` ≥ this (0.2 passed too many parties of another job: named −0.05).
SOLE_AGENT_PASS = 0.3
# The term pass (``TERM_PASS``) for the message's only «когда?» (session 7: 0.2, as 0.15 named one skipped
# question fewer on seen2026k; session 11, on twenty-eight writers: 0.15 sends back fewer complete drafts,
# −0.006, for −0.003 named).
SOLE_TERM_PASS = 0.15

# Expected answer types.
TIME, NUMBER, CAUSE, AGENT, WHERE_TO_GO, YES_NO, ACTION, ANY = (
    "time",
    "number",
    "cause",
    "agent",
    "where_to_go",
    "yes_no",
    "action",
    "any",
)
_TYPE_NAMES = {
    TIME: "срок",
    NUMBER: "число",
    CAUSE: "причина",
    AGENT: "кто отвечает",
    WHERE_TO_GO: "куда обратиться (адрес, телефон, сайт)",
    YES_NO: "ответ «да» или «нет»",
    ACTION: "что будет сделано",
    ANY: "ответ по существу",
}
# ``RULE_AGREES`` per answer type (session 11, leave one writer out on twenty-eight writers): a rule's
# pass of «кто?», «почему?» or an open question is more often the party, cause or matter of another job
# of the same topic (the wrong focus) than a pass of «когда?» or «будет ли?», so the combiner must find
# it likelier to keep it; below ``RULE_LUKEWARM`` a kept pass is still shown «проверьте».
RULE_AGREES_BY_TYPE = {AGENT: 0.35, CAUSE: 0.35, ANY: 0.3}


@dataclass(frozen=True)
class _Question:
    sentence: Sentence  # the whole message sentence
    start: int  # the question's own span in the message (a clause for joined questions)
    stop: int
    text: str
    kind: str
    interrogative: str | None
    expected: str = ANY
    conditional: bool = False
    focus_text: str = ""  # where the focus comes from (the sentence, for «Куда» of «Куда и к кому…»)
    # «…, если я не инвалид?»: the condition's content words — not the focus; a yes/no answer must
    # address them (a term is what «успеют ли до …?» needs, not this).
    condition: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Window:
    start: int
    stop: int
    text: str
    lemmas: frozenset[str]
    clauses: tuple[tuple[int, int, frozenset[str], str, str], ...] = field(
        default=()
    )  # (start, stop, lemmas, head, text)
    single: bool = True  # one sentence (False: two adjacent ones)

    def clauses_or_whole(self) -> tuple[tuple[int, int, frozenset[str], str, str], ...]:
        """The clauses, or the whole window as one clause when it was not parsed into clauses."""
        return self.clauses or ((self.start, self.stop, self.lemmas, "", self.text),)


@dataclass(frozen=True)
class _Verdict:
    covered: bool
    answer: AnswerSentence | None
    confidence: float
    reason: str
    missing: tuple[str, ...] = ()
    signals: Mapping[str, Any] = field(default_factory=dict)  # what the learned combiner reads


class QuestionAnalyzer:
    """Finds questions/requests in a message and maps each to the draft sentence answering it."""

    def __init__(
        self,
        vectors: WordVectors | None = None,
        lexicon: Mapping[str, Any] | None = None,
        syntax: SyntaxParser | None = None,
        coverage_lexicon: Mapping[str, Any] | None = None,
        model: CoverageModel | object | None = _DEFAULT_MODEL,
        answer_words: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        data = lexicon or load_json("questions.json")
        extra = coverage_lexicon or load_json("coverage.json")
        self.vectors = vectors
        self.syntax = syntax
        # The learned combiner (coverage_model.py); None: the rule verdict alone.
        self.model: CoverageModel | None = load_default_model() if model is _DEFAULT_MODEL else model  # type: ignore[assignment]
        # Which words answering sentences use, per expected type (``coverage_answer_words.json``, learned
        # by ``--fit-coverage``; session 9): the combiner's ``s_alike`` signals. The evaluation swaps
        # ``answer_lookup`` for a table learned without the writer it scores.
        self.answer_lookup = table_lookup(load_answer_words() if answer_words is None else answer_words)
        self.last_features: list[dict[str, float] | None] = []
        # The last ``analyse``'s questions, rule verdicts and features, for ``finish`` (the evaluation).
        self.last_prepared: tuple[Sequence[Any], Sequence[Any], Sequence[Any]] = ([], [], [])
        self._lemma_cache: dict[str, frozenset[str]] = {}
        self._similar: dict[tuple[str, frozenset[str]], float] = {}
        # Oblique forms of «кто/что» ask as much as the nominative (R7 (3): «Кому жаловаться?»).
        self.interrogatives = frozenset(data["interrogatives"]) | {"кому", "кого", "кем", "чему", "чего"}
        self.request_lemmas = frozenset(data["request_lemmas"])
        self.request_phrases = tuple(fold(p) for p in data["request_phrases"])
        self.imperative_exclude = frozenset(data["imperative_exclude"])
        self.generic = frozenset(fold(w) for w in data["generic_lemmas"])
        self.time_markers = frozenset(fold(w) for w in data["time_markers"])
        self.action_markers = frozenset(fold(w) for w in data["action_markers"])
        self.closing_markers = tuple(fold(w) for w in data["closing_sentence_markers"])
        flags = re.IGNORECASE
        self.rhetorical = [re.compile(p, flags) for p in extra["rhetorical_patterns"]]
        self.where_verbs = frozenset(extra["where_to_go_verbs"])
        self.time_phrases = tuple(extra["time_phrases"])
        self.cause_phrases = tuple(extra["cause_phrases"])
        self.agent_phrases = tuple(extra["agent_phrases"])
        self.number_phrases = tuple(extra["number_phrases"])
        # The noun after «какой» (any case) that names the answer type: «в какой срок», «в каком количестве».
        self.type_nouns = {kind: frozenset(nouns) for kind, nouns in extra["type_nouns"].items()}
        self.contact = [re.compile(p, flags) for p in extra["contact_patterns"]]
        self.forwarded = [re.compile(p, flags) for p in extra["forwarded_patterns"]]
        # Abbreviations (УК, МУП) are case-sensitive; the rest is not.
        self.agent = [re.compile(p) if "УК|" in p else re.compile(p, flags) for p in extra["agent_patterns"]]
        self.cause = [re.compile(p, flags) for p in extra["cause_patterns"]]
        self.condition = [re.compile(p, flags) for p in extra["condition_patterns"]]
        self.yes_no_answer = [re.compile(p, flags) for p in extra["yes_no_answer_patterns"]]
        self.generic_predicates = frozenset(extra["generic_predicates"])
        self.start_predicates = frozenset(extra["start_predicates"])
        self.end_predicates = frozenset(extra["end_predicates"])
        self.time_markers = self.time_markers - frozenset(extra["weak_time_markers"])
        self.agent_predicates = frozenset(extra["agent_predicates"])
        self.agent_pure_predicates = frozenset(extra["agent_pure_predicates"])
        self.work_nouns = frozenset(extra["work_nouns"])
        self.paraphrase: dict[str, frozenset[int]] = {}
        for index, group in enumerate(extra["paraphrase_groups"]):
            for word in group:
                key = fold(word)
                self.paraphrase[key] = self.paraphrase.get(key, frozenset()) | {index}

    # --- extraction -------------------------------------------------------------------------

    def extract(self, message: str) -> list[QuestionItem]:
        """Every question and request in message order (``covered`` is False until analysed)."""
        return [
            QuestionItem(
                q.text, q.kind, q.kind == "rhetorical", q.start, q.stop - q.start, expected=q.expected
            )
            for q in self._extract(message)
        ]

    def _extract(self, message: str) -> list[_Question]:
        found: list[_Question] = []
        for sentence in self._message_sentences(message):
            kind, _ = self._classify(sentence.text)
            if not kind:
                continue
            if kind == "explicit" and self._is_rhetorical(sentence.text):
                found.append(
                    _Question(sentence, sentence.start, sentence.stop, sentence.text, "rhetorical", None)
                )
                continue
            if kind == "explicit":
                found.extend(self._split(sentence))
            else:
                found.append(self._question(sentence, sentence.start, sentence.stop, kind, sentence.text))
        return found

    def _message_sentences(self, message: str) -> list[Sentence]:
        """The message's sentences, a question that goes on in lower case after a dot cut off its own.

        «… дети голодные приходят. кто контролирует питание и куда пожаловаться»: posts often start a
        question in lower case after «.», razdel keeps it in the complaint's sentence, and an
        interrogative no longer opens it — the question was never extracted and passed silently (R7 (3),
        session 10: a third of the questions the extractor missed on the tuning writers). Cut only where
        an interrogative opens the rest, and not after a short abbreviation («ул. садовой»)."""
        out: list[Sentence] = []
        for sentence in sentences(message):
            text, begin = sentence.text, 0
            for match in _LOWER_AFTER_DOT_RE.finditer(text):
                rest = [fold(t.text) for t in tokenize(text[match.end() :]) if t.is_word]
                opening = next((w for w in rest if w not in _OPENING_FILLERS), "")
                if opening not in self.interrogatives or opening == "что":
                    continue
                head = text[begin : match.start()].rstrip()
                if head:
                    out.append(Sentence(head, sentence.start + begin, sentence.start + begin + len(head)))
                begin = match.end()
            tail = text[begin:]
            out.append(Sentence(tail, sentence.start + begin, sentence.stop) if begin else sentence)
        return out

    def _is_rhetorical(self, text: str) -> bool:
        folded = fold(text.strip())
        folded = re.sub(r"^(?:ну|а|и|так|вот|скажите|простите)[,!]?\s+", "", folded)
        return any(p.search(folded) for p in self.rhetorical)

    def _split(self, sentence: Sentence) -> list[_Question]:
        """One item per joined question: «Когда починят и будет ли …?», «Куда и к кому обращаться?»."""
        text = sentence.text
        pair = _PAIR_RE.match(text)
        if pair:
            first_stop = pair.start("first") + len(pair.group("first"))
            second_start = pair.start("second")
            return [
                self._question(sentence, sentence.start, sentence.start + first_stop, "explicit", text),
                self._question(sentence, sentence.start + second_start, sentence.stop, "explicit", text),
            ]
        cuts = [0]
        for match in _JOIN_RE.finditer(text):
            left = text[cuts[-1] : match.start()]
            asks = self._asks(left) or (
                _JOINING_WORD_RE.search(match.group(0)) is not None and self._asks_yes_no(left)
            )
            if asks and len([t for t in tokenize(left) if t.is_word]) >= 2:
                cuts.append(match.end())
        parts: list[_Question] = []
        for index, begin in enumerate(cuts):
            end = len(text) if index + 1 == len(cuts) else _trim_end(text, cuts[index + 1])
            chunk = text[begin:end]
            lead = len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            if not chunk:
                continue
            absolute = sentence.start + begin + lead
            # A part without its own content takes the sentence's focus.
            focus = chunk if len(self.content_lemmas(chunk)) >= 1 else text
            parts.append(self._question(sentence, absolute, absolute + len(chunk), "explicit", focus, chunk))
        return parts or [self._question(sentence, sentence.start, sentence.stop, "explicit", text)]

    def _asks_yes_no(self, text: str) -> bool:
        """A yes/no question without «ли» joined to a second one: «Это законно … и кто …?», «Подрядчик
        будет переделывать и когда?», «Можно ли … и куда …?» — an evaluation opened by «это», a predicative
        («можно», «должен», «обязан»), or a future «будет» + infinitive. Not a statement of the complaint
        («Двор не убран и когда уберут?», «Мы платим … и кто ответит?»): that is no question of its own."""
        words = [t.text for t in tokenize(text) if t.is_word]
        lowered = [fold(w) for w in words]
        rest = [w for w in lowered if w not in _OPENING_FILLERS]
        if rest and rest[0] == "это" and len(rest) <= 8:
            return True
        tags = [parses(w)[0].tag if parses(w) else None for w in words]
        if any(t is not None and ({"PRED"} & t.grammemes or "ADJS" in t) for t in tags):
            return True
        return any(
            t is not None
            and "futr" in t
            and fold(parses(words[i])[0].normal_form) == "быть"
            and i + 1 < len(tags)
            and tags[i + 1] is not None
            and "INFN" in tags[i + 1]
            for i, t in enumerate(tags)
        )

    def _asks(self, text: str) -> bool:
        words = [fold(t.text) for t in tokenize(text) if t.is_word]
        return "ли" in words or any(w in self.interrogatives for w in words)

    def _question(
        self, sentence: Sentence, start: int, stop: int, kind: str, focus_text: str, text: str | None = None
    ) -> _Question:
        own = text if text is not None else sentence.text[start - sentence.start : stop - sentence.start]
        if kind == "implicit":
            return _Question(sentence, start, stop, own, kind, None, ACTION, False, focus_text)
        folded = fold(own)
        words = [fold(t.text) for t in tokenize(own) if t.is_word]
        interrogative = next((w for w in words if w in self.interrogatives), None)
        if interrogative == "долго" and not re.search(r"\b(?:как|сколько)\s+(?:ещё\s+|еще\s+)?долго", folded):
            interrogative = None  # «Это законно так долго?» asks yes or no, not how long
        expected = self._expected(folded, words, interrogative, fold(focus_text))
        conditional = expected == YES_NO and any(p.search(folded) for p in self.condition)
        found = _IF_CLAUSE_RE.search(own)
        condition = frozenset(self.content_lemmas(found.group(0))) if found else frozenset()
        return _Question(
            sentence, start, stop, own, kind, interrogative, expected, conditional, focus_text, condition
        )

    def _expected(self, folded: str, words: Sequence[str], interrogative: str | None, context: str) -> str:
        lemmas = {lemma(w) for w in words} | {lemma(t.text) for t in tokenize(context) if t.is_word}
        if interrogative in {"куда", "кому", "где"} and self._citizen_goes(
            [*words, *(t.text for t in tokenize(context) if t.is_word)]
        ):
            return WHERE_TO_GO
        kind = self._type_noun(words, interrogative)
        if kind is not None:
            return kind
        if interrogative == "как" and lemmas & _PROCEDURE_VERBS:
            # «Как оформить субсидию?», «Как записаться к врачу?»: where and how the citizen applies.
            return WHERE_TO_GO
        if re.search(r"\bк\s+кому\b", folded):
            return WHERE_TO_GO
        if interrogative in {"когда", "долго"} or any(p in folded for p in self.time_phrases):
            return TIME
        if any(re.search(rf"\b{re.escape(p)}\b", folded) for p in self.cause_phrases):
            return CAUSE
        if interrogative in {"кто", "чей", "чья", "чьё"} or any(
            re.search(rf"\b{re.escape(p)}\b", folded) for p in self.agent_phrases[1:]
        ):
            return AGENT
        if any(re.search(rf"\b{re.escape(p)}\b", folded) for p in self.number_phrases):
            return NUMBER
        if interrogative in {None, "разве", "неужели"}:
            return YES_NO  # «Будет ли …?», «Пустят до Нового года или нет?», «Разве не положено …?»
        if interrogative in {"что", "как", "каким"} or interrogative is None:
            return ACTION if interrogative != "как" else ANY
        return ANY

    def _type_noun(self, words: Sequence[str], interrogative: str | None) -> str | None:
        """«В каком количестве?», «на какую сумму?», «на какой год?», «какая служба …?»: after «какой» in
        any case the noun it qualifies names the answer type (the phrase lists hold only some forms)."""
        if interrogative is None or lemma(interrogative) != "какой":
            return None
        at = list(words).index(interrogative)
        for word in words[at + 1 : at + 3]:
            noun = lemma(word)
            for kind, nouns in self.type_nouns.items():
                if noun in nouns:
                    return kind
        return None

    def _citizen_goes(self, words: Sequence[str]) -> bool:
        """A verb of going or applying done by the author: «куда обращаться», «куда мне идти», «кому
        звонить», «куда сдать» — not what others do («куда идут наши деньги», «куда девают снег»)."""
        for word in words:
            for parse in parses(word)[:2]:
                if fold(parse.normal_form) not in self.where_verbs:
                    continue
                grammemes = set(parse.tag.grammemes)
                if grammemes & {"INFN", "1per", "impr"}:
                    return True
        return False

    def _classify(self, text: str) -> tuple[str | None, str | None]:
        words = [t.text for t in tokenize(text) if t.is_word]
        lowered = [fold(w) for w in words]
        if not lowered:
            return None, None
        interrogative = next((w for w in lowered if w in self.interrogatives), None)
        if "?" in text:
            return "explicit", interrogative
        if "ли" in lowered[1:]:
            return "explicit", interrogative
        opening = next((w for w in lowered if w not in _OPENING_FILLERS), "")
        rest = [w for w in lowered if w not in _OPENING_FILLERS]
        if len(rest) > 2 and rest[0] in _PREPOSITIONS and rest[1] in self.interrogatives and "," not in text:
            return "explicit", rest[1]  # «К кому обращаться насчёт крыс», «В какой срок …» without «?»
        if opening in self.interrogatives and opening != "что" and "," not in text.rstrip(",."):
            return "explicit", opening
        if opening in _ASKING_OPENINGS and len(text.split(",", 1)[0].split()) >= 2:
            # «Куда жаловаться, директор только разводит руками», «Кто подрядчик, а то …»: «кто» / «куда»
            # open a question before a comma, while «когда» / «где» / «как» there often open a clause of
            # time or place («Когда пришли, никого не было») — session 10, questions never extracted.
            return "explicit", opening
        if opening in {"почему", "зачем", "отчего"}:
            return "explicit", opening  # «Почему так долго, раньше за 3 дня делали»: no «?», still asked
        if opening == "что" and len(lowered) > 1 and lowered[1] != "за" and "," not in text:
            return "explicit", opening
        if _WANT_TO_KNOW.search(text) and interrogative:
            return "explicit", interrogative
        if self._is_request(text, words, lowered):
            return "implicit", None
        if opening in {"доколе"} or self._is_rhetorical(text):
            return "explicit", opening
        return None, None

    def _is_request(self, text: str, words: Sequence[str], lowered: Sequence[str]) -> bool:
        folded = fold(text)
        if any(phrase in folded for phrase in self.request_phrases):
            return True
        for word in words:
            for parse in parses(word)[:2]:
                grammemes = set(parse.tag.grammemes)
                normal = fold(parse.normal_form)
                if normal in self.request_lemmas and {"1per", "pres"} <= grammemes:
                    return True
                if {"impr", "plur"} <= grammemes and normal not in self.imperative_exclude:
                    return True
        if lowered[0] in {"необходимо", "нужно", "надо"} and len(words) > 1:
            return any("INFN" in p.tag for w in words[1:3] for p in parses(w)[:1])
        return False

    # --- focus ------------------------------------------------------------------------------

    def content_lemmas(self, text: str) -> set[str]:
        cached = self._lemma_cache.get(text)
        if cached is not None:
            return set(cached)
        result = self._content_lemmas(text)
        if len(self._lemma_cache) > 4096:
            self._lemma_cache.clear()
        self._lemma_cache[text] = frozenset(result)
        return result

    def _content_lemmas(self, text: str) -> set[str]:
        result: set[str] = set()
        for token in tokenize(text):
            if token.is_word:
                found = parses(token.text)
                pos = found[0].tag.POS if found else None
                key = _ABBREVIATIONS.get(fold(token.text)) or lemma(token.text)
                content = pos in _CONTENT_POS or pos is None or (pos == "ADVB" and len(key) >= _LONG_ADVERB)
                if len(key) >= 3 and key not in self.generic and content:
                    result.add(key)
            elif token.text.isdigit():
                result.add(token.text)
        return result

    def _parse(self, text: str) -> tuple[Word, ...]:
        if self.syntax is not None:
            try:
                return self.syntax.parse(text)
            except Exception:  # a parser failure must not stop the check: fall back to one clause
                self.syntax = None
        return flat_parse(text)

    def focus(self, question: _Question) -> tuple[set[str], str | None]:
        """The question's content lemmas (predicate and objects) and its predicate lemma.

        ``self.last_direct`` says whether the predicate is the sentence's root («Кто проверяет …?») rather
        than a verb under «должен», «успеют ли», «подскажите» («Кто должен менять …?»).
        """
        text = question.focus_text or question.text
        words = self._parse(text)
        own = self.content_lemmas(question.text) if question.focus_text == question.text else set()
        # The predicate: the root, or — past «подскажите», «успеют ли», «можно ли» — the verb it governs.
        skip = self.generic | _ASK_VERBS | _MODAL_VERBS
        root = next((w for w in words if w.head < 0), None)
        predicate: str | None = None
        queue = [root] if root is not None else []
        seen: set[int] = set()
        while queue and predicate is None:
            node = queue.pop(0)
            if node.index in seen:
                continue
            seen.add(node.index)
            if node.lemma in _ASK_VERBS or node.lemma in _MODAL_VERBS:
                # «Успеют разобраться …», «Подскажите, когда …»: the governed verb is the predicate.
                queue += [w for w in words if w.head == node.index and w.rel in _GOVERNED_RELS]
                continue
            if node.lemma in self.generic or len(node.lemma) < 3:
                break  # «разобраться», «сделать»: a generic predicate — the objects carry the focus
            if node.is_predicate or node is root:
                predicate = node.lemma
        if predicate is None and (root is None or root.lemma in _ASK_VERBS):
            predicate = next(
                (w.lemma for w in words if w.is_predicate and w.lemma not in skip and len(w.lemma) >= 3),
                None,
            )
        self.last_direct = root is not None and predicate == root.lemma
        focus = (own or self.content_lemmas(text)) - _NOT_FOCUS
        if (
            question.kind == "implicit"
            and root is not None
            and self.syntax is not None
            and (root.lemma in self.request_lemmas or any("impr" in p.tag for p in parses(root.text)[:1]))
        ):
            # «Уберите, пожалуйста, дети ходят мимо»: a request's focus is its predicate and arguments;
            # a clause giving the reason («дети ходят мимо») is not what must be answered.
            main = next((c for c in clauses(words) if c.head is root), None)
            if main is not None and len(main.words) < len(words):
                core = self.content_lemmas(" ".join(w.text for w in main.words)) - _NOT_FOCUS
                if core:
                    focus = core
        # «Успеют ли до конца полугодия?», «…, если я не инвалид?»: the condition is not the focus, it is
        # checked separately.
        for pattern in self.condition:
            for match in pattern.finditer(text):
                focus -= self.content_lemmas(match.group(0))
        if question.condition and focus - question.condition:
            focus -= question.condition
        return focus, predicate

    # --- coverage ---------------------------------------------------------------------------

    def analyse(self, message: str, draft: str) -> list[QuestionItem]:
        """Questions of ``message`` with ``covered``, the evidence and a confidence."""
        questions = self._extract(message)
        if not questions:
            self.last_features, self.last_prepared = [], ([], [], [])
            return []
        message_sentences = self._message_sentences(message)
        windows = self._windows(draft)
        draft_lemmas = {lemma(t.text) for t in tokenize(draft) if t.is_word}
        draft_numbers = set(_NUMBER_RE.findall(draft))
        verdicts: list[_Verdict | None] = []
        for question in questions:
            if question.kind == "rhetorical":
                verdicts.append(None)
                continue
            verdicts.append(self._cover(question, message_sentences, windows, draft_lemmas, draft_numbers))
        # Yes/no questions («Можно ли увеличить число рейсов?»): a promise on the topic of the message
        # answers them («Автобус № 5 будет ходить чаще») — but not a sentence that already answers another
        # question, or «Когда починят фонари?» would also answer «А лавочку?».
        taken = [
            (v.answer.offset, v.answer.offset + v.answer.length)
            for v in verdicts
            if v is not None and v.covered and v.answer is not None
        ]
        for index, (question, verdict) in enumerate(zip(questions, verdicts, strict=True)):
            if verdict is None or verdict.covered or verdict.missing or question.expected != YES_NO:
                continue
            answer = self._topic_answer(question, message_sentences, windows, taken)
            if (
                answer is not None
                and (not question.conditional or self._has_time(answer.text))
                and self._addresses_condition(question, self.content_lemmas(answer.text))
            ):
                verdicts[index] = _Verdict(
                    True,
                    answer,
                    0.62,
                    "Ответ обещает или сообщает действие по теме вопроса.",
                    signals={**verdict.signals, "second_pass": True},
                )
                taken.append((answer.offset, answer.offset + answer.length))
        demanded = sum(1 for v in verdicts if v is not None)
        features: list[dict[str, float] | None] = []
        for question, verdict in zip(questions, verdicts, strict=True):
            if verdict is None:
                features.append(None)
                continue
            features.append(self._features(question, verdict, windows, draft, demanded))
        self.last_features = features  # read by the evaluation to fit the combiner (tests/validation)
        self.last_prepared = (questions, verdicts, features)  # the evaluation re-combines these (tests)
        return self.finish(questions, verdicts, features)

    def finish(
        self,
        questions: Sequence[_Question],
        verdicts: Sequence[_Verdict | None],
        features: Sequence[dict[str, Any] | None],
    ) -> list[QuestionItem]:
        """The rules' verdicts and their features, combined with ``self.model``, as the items shown.

        Separate from ``analyse`` so that the evaluation's leave-one-writer-out scores each rotation's
        combiner on verdicts the rules computed once (the rules have no fitted part)."""
        items: list[QuestionItem] = []
        # «Почему …?», «Когда …?», «Кто …?» asked once: a sentence of the draft that supplies that type is
        # more likely its answer than another question's (the passes in ``_combine``; session 7).
        asked = [q.expected for q, v in zip(questions, verdicts, strict=True) if v is not None]
        sole = frozenset(t for t in (CAUSE, TIME, AGENT) if asked.count(t) == 1)
        if self.model is not None:
            # The sentence the rules found for another question of the same type is that question's
            # answer: a term pass on it for this one is the wrong focus («Дорогу отремонтируют до 1 июня»
            # for «когда поставят фонарь?»; the answer-word signal made such rows look like answers).
            found = [
                (q.expected, (v.answer.offset, v.answer.length))
                if v is not None and v.covered and v.answer is not None
                else None
                for q, v in zip(questions, verdicts, strict=True)
            ]
            verdicts = [
                v
                if v is None or f is None
                else self._combine(
                    q,
                    v,
                    f,
                    sole,
                    frozenset(s[1] for j, s in enumerate(found) if j != i and s and s[0] == q.expected),
                )
                for i, (q, v, f) in enumerate(zip(questions, verdicts, features, strict=True))
            ]
        for question, verdict in zip(questions, verdicts, strict=True):
            length = question.stop - question.start
            if verdict is None:
                items.append(
                    QuestionItem(
                        question.text,
                        "rhetorical",
                        True,
                        question.start,
                        length,
                        None,
                        (),
                        0.8,
                        "Риторический вопрос: ответа по существу не требует.",
                        "any",
                    )
                )
                continue
            items.append(
                QuestionItem(
                    question.text,
                    question.kind,
                    verdict.covered,
                    question.start,
                    length,
                    verdict.answer,
                    verdict.missing,
                    verdict.confidence,
                    verdict.reason,
                    question.expected,
                )
            )
        return items

    def _features(
        self,
        question: _Question,
        verdict: _Verdict,
        windows: Sequence[_Window],
        draft: str,
        demanded: int,
    ) -> dict[str, float]:
        """The signals the learned combiner weighs (``coverage_model.py``); names are its JSON's."""
        sig = verdict.signals
        own: set[str] = set(sig.get("own", ()))
        context: set[str] = set(sig.get("context", ()))
        predicate = sig.get("predicate")
        scored = sig.get("scored", [])
        top = scored[0][1] if scored else None
        expected = question.expected
        f: dict[str, float] = {
            "rule_covered": float(verdict.covered),
            "rule_confidence": verdict.confidence,
            "second_pass": float(bool(sig.get("second_pass"))),
            "topic_best": scored[0][0] if scored else 0.0,
            "typed_found": float(sig.get("typed") is not None),
            "on_topic": float(bool(sig.get("on_topic"))),
            "missing": float(bool(sig.get("missing"))),
            "conditional": float(question.conditional),
            "implicit": float(question.kind == "implicit"),
            "anaphor": float(bool(_ANAPHOR_RE.search(question.text))),
            "focus_size": float(min(len(own), 6)),
            "demanded": float(min(demanded, 5)),
            "body_sentences": float(min(sum(1 for w in windows if w.single), 12)),
        }
        for name in (TIME, NUMBER, CAUSE, AGENT, WHERE_TO_GO, YES_NO, ACTION, ANY):
            f[f"exp_{name}"] = float(expected == name)
        soft_own = soft_all = cos_own = cos_all = 0.0
        best_soft: _Window | None = None
        best_soft_score = 0.0
        own_vec = self.vectors.centroid(frozenset(own)) if self.vectors is not None and own else None
        all_vec = (
            self.vectors.centroid(frozenset(own | context))
            if self.vectors is not None and (own or context)
            else None
        )
        for window in windows:
            if not window.lemmas:
                continue
            s_own = self._soft(own, window.lemmas) if own else 0.0
            s_all = self._soft(own | context, window.lemmas) if own or context else 0.0
            if window.single and s_own + s_all > best_soft_score:
                best_soft_score = s_own + s_all
                best_soft = window
            soft_own, soft_all = max(soft_own, s_own), max(soft_all, s_all)
            if self.vectors is not None:
                vec = self.vectors.centroid(window.lemmas)
                if vec is not None:
                    if own_vec is not None:
                        cos_own = max(cos_own, float(vec @ own_vec))
                    if all_vec is not None:
                        cos_all = max(cos_all, float(vec @ all_vec))
        f.update(soft_own=soft_own, soft_all=soft_all, cos_own=cos_own, cos_all=cos_all)
        body = " ".join(w.text for w in windows if w.single) or draft
        top_text = top.text if top is not None else ""
        f["type_anywhere"] = float(self._type_in(expected, body))
        f["type_in_top"] = float(bool(top_text) and self._type_in(expected, top_text))
        f["hedge_top"] = float(bool(top_text) and _strip_hedges(top_text, predicate) != top_text)
        f["paperwork_top"] = float(bool(_PAPERWORK_RE.search(top_text)))
        f["future_top"] = float(_has_future_or_done(top_text, skip=_PAPERWORK_LEMMAS))
        f["forwarded_top"] = float(any(p.search(top_text) for p in self.forwarded))
        f["predicate_in_top"] = float(
            bool(predicate) and top is not None and self._gain({predicate}, top.lemmas) > 0
        )
        f["hedge_any"] = float(_strip_hedges(body, predicate) != body)
        f["_best_soft"] = best_soft  # type: ignore[assignment]  # evidence for a combined verdict
        f["_pairs"] = self._pair_features(question, sig, windows, own_vec, all_vec)  # type: ignore[assignment]
        return f

    def _pair_features(
        self,
        question: _Question,
        sig: Mapping[str, Any],
        windows: Sequence[_Window],
        own_vec: Any,
        all_vec: Any,
    ) -> list[tuple[_Window, dict[str, float]]]:
        """Per (question, draft sentence) signals: the sentence-level combiner's rows."""
        own: set[str] = set(sig.get("own", ()))
        context: set[str] = set(sig.get("context", ()))
        predicate = sig.get("predicate")
        singles = [w for w in windows if w.single]
        expected = question.expected
        out: list[tuple[_Window, dict[str, float]]] = []
        scored = {id(w): score for score, w in sig.get("scored", [])}
        for position, window in enumerate(singles):
            if not window.lemmas:
                continue
            text = window.text
            cos_own = cos_all = 0.0
            if self.vectors is not None:
                vec = self.vectors.centroid(window.lemmas)
                if vec is not None:
                    cos_own = float(vec @ own_vec) if own_vec is not None else 0.0
                    cos_all = float(vec @ all_vec) if all_vec is not None else 0.0
            supplies = False
            if own or context:
                try:
                    supplies = self._supplies(question, own, predicate, context, window)[0]
                except Exception:  # a rule failing on odd text must not stop the check
                    supplies = False
            f = {
                "s_topic": scored.get(id(window), 0.0),
                "s_soft_own": self._soft(own, window.lemmas) if own else 0.0,
                "s_soft_ctx": self._soft(context, window.lemmas) if context else 0.0,
                "s_cos_own": cos_own,
                "s_cos_all": cos_all,
                "s_supplies": float(supplies),
                "s_type": float(self._type_in(expected, text)),
                "s_time": float(self._has_time(_strip_hedges(text, None))),
                "s_predicate": float(bool(predicate) and self._gain({predicate}, window.lemmas) > 0),
                "s_paperwork": float(bool(_PAPERWORK_RE.search(text))),
                "s_hedge": float(_strip_hedges(text, predicate) != text),
                "s_future": float(_has_future_or_done(text, skip=_PAPERWORK_LEMMAS)),
                "s_forwarded": float(any(p.search(text) for p in self.forwarded)),
                "s_first": float(position == 0),
                "s_words": float(min(len(window.lemmas), 25)) / 5,
                "s_conditional": float(question.conditional),
                "s_implicit": float(question.kind == "implicit"),
            }
            for name in (TIME, NUMBER, CAUSE, AGENT, WHERE_TO_GO, YES_NO, ACTION, ANY):
                f[f"s_exp_{name}"] = float(expected == name)
            # How much the sentence's words are those answers of this type use, whatever the question's
            # words («планируется», «подрядчик», «телефон» vs «обращение», «рассмотрено»): a signal of
            # what an answer looks like that the lexicons' patterns do not spell out (session 9).
            f["s_alike"], f["s_alike_max"] = answer_likeness(self.answer_lookup, expected, window.lemmas)
            # A term attached to a promised action («спустят воздух … сегодня до 18:00», «появятся в
            # апреле»): what a «когда?» answer in other words looks like, while a date of another matter
            # is mostly a past one («проверку провели 3 марта», «ремонт начат 1 сентября»).
            timed = [
                (head, fragment, lemmas)
                for _a, _b, lemmas, head, fragment in window.clauses_or_whole()
                if self._has_time(_strip_hedges(fragment, predicate))
            ]
            f["s_time_future"] = float(any(_has_future(fragment) for _head, fragment, _l in timed))
            # The only term is a paper's («решение принято 20 апреля», «заявка зарегистрирована …»).
            f["s_time_paper"] = float(
                bool(timed) and all(_PAPER_HEAD_RE.match(head) for head, _f, _l in timed)
            )

            # Hard gates, not learned: «когда?» and «успеют ли до …?» need a term in the sentence, «куда
            # обращаться?» a contact — the traps; measured not to cost transfer (docs).
            if (expected == TIME or question.conditional) and not f["s_time"]:
                continue
            if expected == WHERE_TO_GO and not f["s_type"]:
                continue
            if not self._addresses_condition(question, window.lemmas):
                continue
            out.append((window, f))
        return out

    def _type_in(self, expected: str, text: str) -> bool:
        if expected == TIME:
            return self._has_time(_strip_hedges(text, None))
        if expected == NUMBER:
            return _has_number(text)
        if expected == CAUSE:
            return self._has_cause(text)
        if expected == AGENT:
            return any(p.search(text) for p in self.agent)
        if expected == WHERE_TO_GO:
            return self._tells_where(text)
        if expected in {YES_NO, ACTION}:
            return _has_future_or_done(text, skip=_PAPERWORK_LEMMAS)
        return True

    def _tells_where(self, text: str) -> bool:
        """A contact, or a particular body the author is told to go or apply to."""
        return (
            any(p.search(text) for p in self.contact)
            or bool(_NAMED_BODY_RE.search(text))
            or bool(_APPLY_TO_BODY_RE.search(text))
        )

    def _soft(self, wanted: set[str], lemmas: frozenset[str]) -> float:
        """Mean over ``wanted`` of its best match in ``lemmas`` (exact, prefix, root, paraphrase, navec)."""
        total = 0.0
        for lem in wanted:
            if lem in lemmas:
                total += 1.0
                continue
            best = 0.0
            if len(lem) >= 5 and any(o.startswith(lem[:5]) for o in lemmas):
                best = 0.9
            elif lem in self.paraphrase and any(
                self.paraphrase[lem] & self.paraphrase.get(o, frozenset()) for o in lemmas
            ):
                best = PARAPHRASE_WEIGHT
            elif any(same_root(lem, o) for o in lemmas):
                best = DERIVATION_WEIGHT
            elif self.vectors is not None:
                key = (lem, lemmas)
                similarity = self._similar.get(key)
                if similarity is None:
                    similarity = self.vectors.max_similarity(lem, lemmas)
                    self._similar[key] = similarity
                best = similarity
            total += best
        return total / len(wanted) if wanted else 0.0

    def _combine(
        self,
        question: _Question,
        verdict: _Verdict,
        features: Mapping[str, Any],
        sole: frozenset[str] = frozenset(),
        others_answers: frozenset[tuple[int, int]] = frozenset(),
    ) -> _Verdict:
        """The rules' verdict and the learned combiner's (``coverage_model.py``) together.

        ``p`` is the combiner's probability that the draft's best sentence answers the question. A
        question passes when ``p`` ≥ the model's threshold (even if the rules found no answer: a
        paraphrase, an answer type the lexicons do not know), or when the rules pass it and ``p`` is at
        least ``RULE_AGREES`` (``RULE_AGREES_BY_TYPE`` for some answer types; a rule's answer the combiner
        finds implausible is sent back). Chosen by leave-one-writer-out over the development subsets
        (docs/VALIDATION.md). ``sole``: the answer types the message asks only once (the sole-type passes,
        session 7)."""
        assert self.model is not None
        pairs = features.get("_pairs") or []
        p, sentence, row = max(
            ((self.model.probability(f), w, f) for w, f in pairs),
            key=lambda x: x[0],
            default=(0.0, None, {}),
        )
        t = self.model.threshold
        evidence = (
            AnswerSentence(sentence.start, sentence.stop - sentence.start, sentence.text, p)
            if isinstance(sentence, _Window)
            else None
        )
        floor = RULE_AGREES_BY_TYPE.get(question.expected, RULE_AGREES)
        if verdict.covered and p >= max(RULE_LUKEWARM, floor):
            return verdict
        if verdict.covered and p >= floor:
            # The rules found the answer; the combiner is lukewarm: passed, shown «проверьте».
            return replace(verdict, confidence=min(verdict.confidence, 0.6))
        if verdict.covered:
            reason = (
                "Предложение по теме есть, но по совокупности признаков (тип ответа, предмет, "
                "оговорки) оно вряд ли отвечает на вопрос."
            )
            return replace(verdict, covered=False, confidence=0.65, reason=reason)
        # What the sentence leaves out besides the answer type itself («у дома 45»), for the reason.
        named_missing = bool(verdict.missing) and verdict.missing != (_TYPE_NAMES[question.expected],)
        unnamed = " (в нём не названы " + ", ".join(verdict.missing) + ")" if named_missing else ""
        # «Когда заменят окна?» ← «Замена дверей … запланирована на июль»: a sentence that reads like a
        # term answer (``s_alike``, session 9) still gives the term of another thing — the rules'
        # wrong-focus check (session 7's soft pass heard it too until session 11 dropped that pass).
        other_term = question.expected == TIME and self._term_of_other_thing(verdict, sentence)
        # «Кто отвечает …?» / «Куда обратиться?» is not answered by where *we* sent the paper («обращение
        # направлено в МКУ …»): no pass on a forwarding sentence (issue 15's fifth kind) — since session 11
        # not the combiner's own pass either, which the sentence's words about the matter can carry.
        forwarded = question.expected in {AGENT, WHERE_TO_GO} and row.get("s_forwarded", 0.0) >= 1.0
        if (
            p >= t + (MISSING_MARGIN if named_missing else 0.0)
            and evidence is not None
            and not other_term
            and not forwarded
        ):
            # The rules and the combiner disagree: passed, but always shown «проверьте» with the sentence.
            reason = "Предложение по смыслу похоже на ответ, хотя правила его не распознали" + unnamed
            return replace(verdict, covered=True, answer=evidence, confidence=0.6, reason=reason + ".")
        if (
            question.expected == CAUSE
            and (
                (p >= CAUSE_PASS and row.get("s_supplies", 0.0) >= 1.0)
                or (p >= CAUSE_TOPIC_PASS and row.get("s_topic", 0.0) >= CAUSE_TOPIC)
            )
            and evidence is not None
            and not _NORM_REFERENCE_RE.search(evidence.text)  # a norm recited is no cause (an «отписка»)
        ):
            reason = "Предложение, возможно, объясняет причину другими словами, чем вопрос, — проверьте, что это причина того, о чём спрашивают."
            return replace(verdict, covered=True, answer=evidence, confidence=0.55, reason=reason)
        if question.expected == CAUSE and CAUSE in sole and not unnamed:
            # The message asks «почему?» once and the draft explains something in words of its own:
            # the explanation is, on writers the analyzer was not tuned to, mostly that answer (session 7).
            explained = [
                (w, f)
                for w, f in pairs
                if self._has_cause(w.text)
                and not _NORM_REFERENCE_RE.search(w.text)
                and not f.get("s_paperwork")
            ]
            reason = "Единственное объяснение в ответе, возможно, и есть причина, о которой спрашивают, — проверьте."
            passed = self._sole_pass(verdict, explained, SOLE_CAUSE_PASS, reason)
            if passed is not None:
                return passed
        if question.expected == AGENT and AGENT in sole and not unnamed and not forwarded:
            # The message asks «кто?» once and the draft names a party in words of its own (session 7).
            named = [
                (w, f)
                for w, f in pairs
                if f.get("s_type") and not f.get("s_forwarded") and not f.get("s_paperwork")
            ]
            reason = "Вопрос «кто?» в обращении один, а ответ называет, кто это делает, — проверьте, что это ответ именно на него."
            passed = self._sole_pass(verdict, named, SOLE_AGENT_PASS, reason)
            if passed is not None:
                return passed
        if (
            question.expected != CAUSE  # the cause pass above, with its guard against a recited norm
            and p >= TYPE_PASS
            and row.get("s_supplies", 0.0) >= 1.0
            and not unnamed  # «у дома 45» not repeated: the sentence may be about another address
            and not forwarded
            and evidence is not None
        ):
            reason = (
                f"В предложении есть то, о чём спрашивают ({_TYPE_NAMES[question.expected]}), но другими "
                "словами, чем в вопросе, — проверьте, что это ответ именно на него."
            )
            return replace(verdict, covered=True, answer=evidence, confidence=0.55, reason=reason)
        if (
            question.expected == TIME
            and p >= (SOLE_TERM_PASS if TIME in sole else TERM_PASS)
            and row.get("s_time_future", 0.0) >= 1.0
            and not unnamed  # «у дома 45» not repeated: the term may be another house's
            and evidence is not None
            and (evidence.offset, evidence.length) not in others_answers  # ``others_answers``: ``finish``
        ):
            # A promised action with its term, in other words than the question's: the reviewer checks
            # that it is the action asked about (wrong focus) instead of the draft going back.
            reason = "Предложение называет срок обещанного действия — проверьте, что это то действие, о котором спрашивают."
            return replace(verdict, covered=True, answer=evidence, confidence=0.55, reason=reason)
        if p >= t - CHECK_BAND and evidence is not None:
            # Nearly an answer: still sent back, but shown «проверьте» with the sentence to look at.
            return replace(
                verdict, answer=verdict.answer or evidence, confidence=min(verdict.confidence, 0.6)
            )
        return verdict

    def _topic_answer(
        self,
        question: _Question,
        message_sentences: Sequence[Sentence],
        windows: Sequence[_Window],
        taken: Sequence[tuple[int, int]],
    ) -> AnswerSentence | None:
        topic = set(self.content_lemmas(question.text))
        for sent in [s for s in message_sentences if s.stop <= question.sentence.start][-2:]:
            topic |= self.content_lemmas(sent.text)
        if not topic:
            return None
        best: tuple[float, _Window] | None = None
        for window in windows:
            if any(window.start < stop and start < window.stop for start, stop in taken):
                continue
            if not _has_future_or_done(window.text):
                continue
            score = min(1.0, self._gain(topic, window.lemmas) / min(len(topic), KEY_WORDS))
            if score >= COVERAGE_THRESHOLD and (best is None or score > best[0] + 1e-9):
                best = (score, window)
        if best is None:
            return None
        return AnswerSentence(best[1].start, best[1].stop - best[1].start, best[1].text, best[0])

    def _windows(self, draft: str) -> list[_Window]:
        draft_sentences = [s for s in sentences(draft) if not self._is_formula(s.text)]
        parsed = [self._sentence_clauses(s) for s in draft_sentences]
        windows: list[_Window] = []
        for index, sent in enumerate(draft_sentences):
            windows.append(
                _Window(
                    sent.start, sent.stop, sent.text, frozenset(self.content_lemmas(sent.text)), parsed[index]
                )
            )
            if index + 1 < len(draft_sentences):
                nxt = draft_sentences[index + 1]
                text = draft[sent.start : nxt.stop]
                windows.append(
                    _Window(
                        sent.start,
                        nxt.stop,
                        text,
                        frozenset(self.content_lemmas(text)),
                        parsed[index] + parsed[index + 1],
                        single=False,
                    )
                )
        return windows

    def _sentence_clauses(self, sent: Sentence) -> tuple[tuple[int, int, frozenset[str], str, str], ...]:
        """Clauses of one draft sentence; a subordinate clause («…, чтобы …», «после того как …») also
        counts as part of the clause it depends on, a coordinated one («…, а поставка ожидается …») not."""
        words = self._parse(sent.text)
        found = clauses(words)
        owner = {w.index: c.head.index for c in found for w in c.words}
        result = []
        if sum(1 for w in words if w.head < 0) > 1 and len(found) > 1:
            # Several roots: the parse fell apart, so its clause boundaries mean nothing — one clause.
            return ((sent.start, sent.stop, frozenset(self.content_lemmas(sent.text)), "", sent.text),)
        for clause in found:
            members = list(clause.words)
            for other in found:
                head = other.head
                if other is clause or head.rel in {"conj", "parataxis", "root"} or head.head < 0:
                    continue
                if owner.get(head.head) == clause.head.index:
                    members.extend(other.words)
            if clause.head.rel == "conj" and not any(w.rel.startswith("nsubj") for w in clause.words):
                # «Ремонт … включён в программу и пройдёт в июле»: a conjoined verb shares the subject.
                parent = owner.get(clause.head.head)
                members.extend(
                    w
                    for w in words
                    if w.rel.startswith("nsubj") and owner.get(w.index) == parent
                    for w in _subtree(words, w)
                )
            members.sort(key=lambda w: w.index)
            merged = Clause(clause.head, tuple(members))
            result.append(
                (
                    sent.start + clause.start,
                    sent.start + clause.stop,
                    _clause_lemmas(merged),
                    clause.head.lemma,
                    " ".join(w.text for w in members),
                )
            )
        return tuple(result)

    def _is_formula(self, text: str) -> bool:
        """Greeting-only and closing sentences never count as answers."""
        folded = fold(text)
        if any(folded.startswith(m) for m in self.closing_markers):
            return True
        if _ASKS_AUTHOR_RE.search(text) or text.rstrip().endswith("?"):
            # «Уточните, пожалуйста, адрес…», «Подскажите, на каком участке …?»: a request for details, a
            # question back to the author, answers nothing yet.
            return True
        words = [t for t in tokenize(text) if t.is_word]
        # «Здравствуйте, Диана!» and «Диана, здравствуйте!» alike.
        return len(words) <= 4 and bool(
            re.match(r"(?i)(?:[а-яё]+(?:\s+[а-яё]+)?,\s*)?(?:здравствуй|добр(ый|ое|ого)|уважаем)", text)
        )

    def _cover(
        self,
        question: _Question,
        message_sentences: Sequence[Sentence],
        windows: Sequence[_Window],
        draft_lemmas: set[str],
        draft_numbers: set[str],
    ) -> _Verdict:
        signals: dict[str, Any] = {}
        verdict = self._cover_rules(
            question, message_sentences, windows, draft_lemmas, draft_numbers, signals
        )
        return replace(verdict, signals=signals)

    def _cover_rules(
        self,
        question: _Question,
        message_sentences: Sequence[Sentence],
        windows: Sequence[_Window],
        draft_lemmas: set[str],
        draft_numbers: set[str],
        signals: dict[str, Any],
    ) -> _Verdict:
        own, predicate = self.focus(question)
        # «Прошу принять меры!», «Когда их починят?», a paraphrase of the complaint: the topic is also in
        # the sentences before the question (and, for a joined question, the clause before it).
        context: set[str] = set()
        previous = [s for s in message_sentences if s.stop <= question.sentence.start][-2:]
        for sent in previous:
            context |= self.content_lemmas(sent.text)
        if question.start > question.sentence.start:
            context |= self.content_lemmas(question.sentence.text[: question.start - question.sentence.start])
        context -= own
        missing: list[str] = []
        for found in _NUMBER_RE.finditer(question.text):
            number = found.group(0)
            if number not in draft_numbers and not _QUANTITY_RE.match(question.text, found.end()):
                missing.append(number)
        for street in _STREET_MARKERS.finditer(question.text):
            name = street.group("name")
            if not name[:1].isdigit() and lemma(name) not in draft_lemmas:
                missing.append(name)
        # Best window by focus score; then whether it supplies the expected type for that focus.
        scored = sorted(
            ((self._score(own, context, w.lemmas), w) for w in windows),
            key=lambda x: (-x[0], x[1].stop - x[1].start),
        )
        # A typed question (when, why, who, where …) is decided by the type in a clause about its focus,
        # so a looser topic match is enough; yes/no, action and open questions need the topic itself.
        typed = question.expected in {TIME, NUMBER, CAUSE, AGENT, WHERE_TO_GO, YES_NO}
        threshold = TYPED_THRESHOLD if typed else COVERAGE_THRESHOLD
        on_topic = [(score, w) for score, w in scored if score >= threshold]
        if question.expected == WHERE_TO_GO:
            # Where the citizen can go: a contact for the citizen anywhere answers it, on topic or not.
            on_topic += [(score, w) for score, w in scored if score < threshold]
        best_typed: tuple[float, _Window, str] | None = None
        for score, window in on_topic:
            found, why = self._supplies(question, own, predicate, context, window)
            if found:
                best_typed = (score, window, why)
                break
        signals.update(
            own=own,
            context=context,
            predicate=predicate,
            direct=getattr(self, "last_direct", True),
            scored=scored,
            typed=best_typed,
            on_topic=bool(on_topic)
            if question.expected != WHERE_TO_GO
            else any(score >= threshold for score, _ in on_topic),
            missing=bool(missing),
        )
        type_name = _TYPE_NAMES[question.expected]
        if best_typed is not None and not missing:
            score, window, why = best_typed
            confidence = 0.6 + 0.35 * min(1.0, max(0.0, score - threshold) / (1 - threshold))
            if question.expected in {ANY, ACTION} and score < 0.7:
                confidence = min(confidence, 0.62)
            answer = AnswerSentence(window.start, window.stop - window.start, window.text, score)
            return _Verdict(True, answer, confidence, why)
        if best_typed is not None:
            score, window, _ = best_typed
            answer = AnswerSentence(window.start, window.stop - window.start, window.text, score)
            reason = "В ответе не названы " + ", ".join(missing) + " из вопроса."
            return _Verdict(False, answer, 0.75, reason, tuple(missing))
        if on_topic:
            score, window = on_topic[0]
            answer = AnswerSentence(window.start, window.stop - window.start, window.text, score)
            why = self._missing_type_reason(question, window)
            # On topic but without the type: more often a real gap than not, yet worth a second look.
            confidence = 0.7 if question.expected not in {ACTION, ANY, YES_NO} else 0.6
            return _Verdict(False, None, confidence, why, tuple(missing) or (type_name,))
        best_score = scored[0][0] if scored else 0.0
        confidence = 0.9 if best_score < COVERAGE_THRESHOLD * 0.6 else 0.7
        return _Verdict(
            False,
            None,
            confidence,
            f"В ответе нет предложения об этом ({type_name}).",
            tuple(missing) or (type_name,),
        )

    def _missing_type_reason(self, question: _Question, window: _Window) -> str:
        name = _TYPE_NAMES[question.expected]
        if question.expected == WHERE_TO_GO and any(p.search(window.text) for p in self.forwarded):
            return "Ответ сообщает, куда передано обращение, но не говорит, куда обратиться автору."
        if question.conditional:
            return "Вопрос с условием (срок), а ответ условие не затрагивает."
        return f"Предложение по теме есть, но в нём нет того, о чём спрашивают: {name}."

    def _supplies(
        self, question: _Question, focus: set[str], predicate: str | None, context: set[str], window: _Window
    ) -> tuple[bool, str]:
        """Does the window supply the expected type *for this focus*? With the reason."""
        text = window.text
        expected = question.expected
        if expected == ACTION:
            # «Информация передана в МБУ …» is what we did with the paper, not with the matter.
            lemmas = {lemma(t.text) for t in tokenize(text) if t.is_word} - _PAPERWORK_LEMMAS
            ok = bool(lemmas & self.action_markers) or _has_future_or_done(text, skip=_PAPERWORK_LEMMAS)
            return ok, "Ответ сообщает, что сделано или будет сделано."
        if expected == ANY:
            return True, "Ответ говорит о том же предмете."
        if expected == YES_NO:
            # Any statement on the focus says yes or no; paperwork («передано», «на контроле») does not.
            objects = focus - {predicate} if predicate else set(focus)
            # «Можно ли повернуть его в сторону?»: «его» is the lamp named before — the window may name
            # that matter instead of the question's own words.
            anaphoric = bool(_ANAPHOR_RE.search(question.text)) and self._gain(context, window.lemmas) > 0
            if (
                objects
                and self._gain(objects | ({predicate} if predicate else set()), window.lemmas) <= 0
                and not anaphoric
            ):
                return False, ""
            if not self._addresses_condition(question, window.lemmas):
                return False, ""  # «Положена ли помощь, если я не инвалид?» — the answer must say for whom
            if question.conditional and not (
                self._time_for(question, focus, predicate, context, window)
                or (
                    self._has_time(text)
                    and self._gain(focus, window.lemmas) > 0
                    and not _START_RE.search(text)
                )
                or self._works_term(window, predicate)
            ):
                return False, ""
            bare = _strip_hedges(text, predicate)
            if bare != text and not _has_future_or_done(bare, skip=_PAPERWORK_LEMMAS):
                return False, ""  # «будет рассмотрено при формировании программы» is neither yes nor no
            ok = (
                _has_future_or_done(text, skip=_PAPERWORK_LEMMAS)
                or any(p.search(fold(text)) for p in self.yes_no_answer)
                or not _PAPERWORK_RE.search(text)
            )
            if ok and question.conditional and not self._has_time(text):
                return False, ""
            return ok, "Ответ даёт «да» или «нет» по предмету вопроса" + (
                " и называет срок." if question.conditional else "."
            )
        if expected == WHERE_TO_GO:
            told = self._tells_where(text)
            return told, "Ответ называет, куда обратиться автору (адрес, телефон или сайт)."
        detector = {
            TIME: self._has_time,
            NUMBER: _has_number,
            CAUSE: self._has_cause,
            AGENT: lambda t: any(p.search(t) for p in self.agent),
        }[expected]
        if expected in {CAUSE, TIME} and predicate and self._denies(predicate, text):
            # «Почему отменили проезд?» — «проезд не отменён»: the answer rejects the premise.
            return True, "Ответ опровергает то, о чём спрашивают."
        if not detector(text):
            return False, ""
        if expected == CAUSE:  # «…, потому что …» is a clause of its own: the window on topic is enough
            return True, "Ответ объясняет причину."
        # The type must sit in a clause about the question's focus («когда?» answered by the date of the
        # repair, not of the inspection): a clause whose words match the focus, or whose predicate is
        # generic («работы проведут в мае») next to a sentence that does.
        objects = focus - {predicate} if predicate else set(focus)
        # «Кто отвечает / должен / следит …?»: the matter, not the predicate, is the focus.
        if expected == AGENT:
            # «Кто вообще подрядчик?»: a role noun names the answer type, not the matter — the matter
            # is then the topic before the question.
            objects = {w for w in objects if not any(p.search(w) for p in self.agent[:-1])}
        if expected == AGENT and (predicate is None or predicate in self.agent_predicates):
            wanted = objects or set(context)
        else:
            wanted = set(focus) | ({predicate} if predicate else set())
        # The clause must be about the same action: «Кто проверяет перевозчиков?» is not answered by who
        # issues their permits, «Когда откроют движение?» not by the date it was closed.
        direct = getattr(self, "last_direct", True) or expected != AGENT
        check_predicate = (
            direct
            and predicate is not None
            and predicate not in self.generic_predicates
            and predicate not in self.agent_pure_predicates
            and expected in {TIME, AGENT}
        )
        for _start, _stop, lemmas, head, fragment in window.clauses_or_whole():
            if not detector(fragment):
                continue
            if expected == TIME and not detector(_strip_hedges(fragment, predicate)):
                continue  # «Информация о сроках будет доведена дополнительно» names no term
            if predicate in self.end_predicates and head in self.start_predicates:
                continue  # «Когда закончится ремонт?» is not answered by the date it began
            if (
                expected == TIME
                and _PAPER_HEAD_RE.match(head)
                and not (predicate and _PAPER_HEAD_RE.match(predicate))
            ):
                # «Решение об установке горки принято 14 марта», «заявка зарегистрирована 12 февраля»: the
                # date of the paper, not of the action asked about (unless the question asks about a paper).
                continue
            if expected == AGENT and _FORWARD_HEAD_RE.match(head):
                continue  # «Обращение направлено в МБУ для проверки»: whom we wrote to, not who is responsible
            if (
                expected == AGENT
                and predicate in self.agent_pure_predicates
                and head in _RECEIVE_VERBS
                and _REPORTS_RE.search(fragment)
            ):
                continue  # «Заявки принимает ЕДДС» says where to report, not who is responsible
            if check_predicate and self._gain({predicate}, lemmas) <= 0:
                # «Кто разрешил платную парковку?» — «парковка введена постановлением администрации»:
                # who authorised a thing is named by the act that introduced it.
                authorised = (
                    expected == AGENT
                    and predicate in _AUTHORISE
                    and _ACT_BY_BODY_RE.search(fragment)
                    and self._gain(objects, lemmas) > 0
                )
                if not authorised:
                    continue
            if (
                expected == TIME
                and check_predicate
                and self._other_matter(objects, lemmas, window.lemmas, context, head, predicate)
            ):
                # «Когда отремонтируют лифт?» — «Капитальный ремонт кровли запланирован на 2027 год»: the
                # same action on another thing (session 6; the wrong focus of issue 15).
                continue
            local = self._gain(wanted, lemmas) > 0 if wanted else self._gain(context, lemmas) > 0
            if not local and not objects:
                # «Включат до выходных?»: only a verb of its own — the matter is in the sentences before.
                local = self._gain(context, lemmas) >= 1.5
            if not local and _POSSESSIVE_ANAPHOR_RE.search(question.text):
                # «Кто контролирует их работу?»: «их» is the matter named before — a clause about that
                # matter is about the question's focus.
                local = self._gain(context, lemmas) > 0
            if not local and _ANAPHOR_START_RE.match(fragment):
                # «… резидентное разрешение. Его стоимость — 1000 рублей»: the clause's pronoun points
                # back at the matter the (on-topic) window named just before.
                local = self._gain(wanted | context, window.lemmas) > 0
            # «Работы проведут в мае»: a generic clause about "the works" takes its focus from the window.
            general = head in self.generic_predicates and not (
                set(lemmas)
                - self.generic
                - self.time_markers
                - context
                - self.work_nouns
                - {head}
                - {w for w in lemmas if w.isdigit()}
            )
            if not wanted - _NOT_FOCUS and not objects:
                general = True  # «Успеете до весны?»: nothing but the condition — the topic decides
            if local or (general and self._gain(wanted | context, window.lemmas) > 0):
                why = {
                    TIME: "Ответ называет срок для того же действия.",
                    NUMBER: "Ответ называет число по предмету вопроса.",
                    CAUSE: "Ответ объясняет причину.",
                    AGENT: "Ответ называет, кто отвечает за это.",
                }[expected]
                return True, why
        return False, ""

    def _other_matter(
        self,
        objects: set[str],
        lemmas: frozenset[str],
        window_lemmas: frozenset[str],
        context: set[str],
        head: str,
        predicate: str | None,
    ) -> bool:
        """The clause names a thing of its own and none of the question's things: another matter.

        Only nouns count on either side («лифт» against «кровля»), the window may name the question's
        thing for the clause («Лифт осмотрен. Ремонт проведут 5 декабря.»), and words of the message's
        topic or of "the works" («работы», «подрядчик») are not another matter."""
        wanted = {w for w in objects if _is_noun(w)}
        if not wanted or self._gain(wanted, window_lemmas) > 0:
            return False
        topic = frozenset(context | ({predicate} if predicate else set()))
        return any(
            _is_noun(w)
            and w != head
            and w not in self.work_nouns
            and w not in self.generic
            and w not in self.time_markers
            and self._gain({w}, topic) <= 0
            for w in lemmas
        )

    def _sole_pass(
        self,
        verdict: _Verdict,
        candidates: Sequence[tuple[Any, Mapping[str, Any]]],
        floor: float,
        reason: str,
    ) -> _Verdict | None:
        """The sole-type passes (session 7): the best-scored candidate sentence, if the combiner gives it
        at least ``floor``, answers the question — passed with ``reason``, shown «проверьте»."""
        assert self.model is not None
        scored = [(self.model.probability(f), w) for w, f in candidates]
        if not scored:
            return None
        p, window = max(scored, key=lambda x: x[0])
        if p < floor:
            return None
        answer = AnswerSentence(window.start, window.stop - window.start, window.text, p)
        return replace(verdict, covered=True, answer=answer, confidence=0.55, reason=reason)

    def _term_of_other_thing(self, verdict: _Verdict, window: Any) -> bool:
        """The sentence's term belongs to another thing than the question's («Замена дверей … на июль» for
        «Когда заменят окна?»): the rules' wrong-focus check, heard by the combiner's own pass."""
        if not isinstance(window, _Window):
            return False
        sig = verdict.signals
        predicate = sig.get("predicate")
        objects = set(sig.get("own", ())) - ({predicate} if predicate else set())
        context = set(sig.get("context", ()))
        return any(
            self._has_time(_strip_hedges(fragment, predicate))
            and self._other_matter(objects, lemmas, window.lemmas, context, head, predicate)
            for _a, _b, lemmas, head, fragment in window.clauses_or_whole()
        )

    def _works_term(self, window: _Window, predicate: str | None) -> bool:
        """«Работы будут завершены до 1 марта» after a sentence on the matter: a promised term of "the
        works" in a two-sentence window on topic (for «успеют ли до …?» only)."""
        if window.single:
            return False
        for _a, _b, _lemmas, head, fragment in window.clauses:
            if (
                (head in self.generic_predicates or head in self.end_predicates)
                and head not in self.start_predicates
                and self._has_time(_strip_hedges(fragment, predicate))
                and _has_future(fragment)
            ):
                return True
        return False

    def _addresses_condition(self, question: _Question, lemmas: frozenset[str] | set[str]) -> bool:
        """A yes/no question with «если …» is answered only by a sentence about that condition."""
        if question.expected != YES_NO or not question.condition:
            return True
        return self._gain(set(question.condition), frozenset(lemmas)) > 0

    def _denies(self, predicate: str, text: str) -> bool:
        """«не отменён», «не планируется»: ``text`` negates the question's own predicate."""
        words = [t.text for t in tokenize(text) if t.is_word]
        for index, word in enumerate(words[:-1]):
            if fold(word) in {"не", "нет"}:
                after = lemma(words[index + 1])
                if after == predicate or same_root(after, predicate):
                    return True
        return False

    def _has_cause(self, text: str) -> bool:
        """A cause in ``text``; «в соответствии с регламентом», «согласно Правилам» alone cite a norm
        (the formal reply, «отписка»), they do not say why."""
        if _FINDING_CAUSE_RE.search(text):
            return True
        bare = _NORM_REFERENCE_RE.sub(" ", text)
        return any(p.search(bare) for p in self.cause)

    def _time_for(
        self, question: _Question, focus: set[str], predicate: str | None, context: set[str], window: _Window
    ) -> bool:
        """A time in a clause about the question's focus (for «Успеют ли до …?»)."""
        timed = replace(question, expected=TIME, conditional=False)
        return self._supplies(timed, focus, predicate, context, window)[0]

    def _has_time(self, text: str) -> bool:
        text = _LEGAL_REF_RE.sub(" ", text)  # «Федеральный закон от 24.06.1998 № 89-ФЗ» is no deadline
        lemmas = {lemma(t.text) for t in tokenize(text) if t.is_word}
        return bool(lemmas & self.time_markers or _DATE_RE.search(text) or _DURATION_RE.search(text))

    def _score(self, own: set[str], context: set[str], lemmas: frozenset[str]) -> float:
        """Share of the question's key words the window repeats (or nearly: prefix, paraphrase, navec).

        A long question needs ``KEY_WORDS`` of its words back; a short one («Когда их починят?»)
        is half its own words and half its topic from the preceding sentences.
        """
        if not lemmas:
            return 0.0
        own_part = min(1.0, self._gain(own, lemmas) / min(len(own), KEY_WORDS)) if own else None
        if not context:
            return own_part or 0.0
        context_part = min(1.0, self._gain(context, lemmas) / min(len(context), KEY_WORDS))
        if own_part is None:
            return context_part
        return (own_part + context_part) / 2

    def _gain(self, wanted: set[str], lemmas: frozenset[str]) -> float:
        gained = 0.0
        for lem in wanted:
            if lem in lemmas:
                gained += 1.0
            elif len(lem) >= 5 and any(other.startswith(lem[:5]) for other in lemmas):
                gained += 0.9
            elif lem in self.paraphrase and any(
                self.paraphrase[lem] & self.paraphrase.get(o, frozenset()) for o in lemmas
            ):
                gained += PARAPHRASE_WEIGHT
            elif any(same_root(lem, other) for other in lemmas):
                gained += DERIVATION_WEIGHT  # «отлавливать» ~ «отлов», «убирать» ~ «уборка»
            elif self.vectors is not None:
                key = (lem, lemmas)
                similarity = self._similar.get(key)
                if similarity is None:
                    similarity = self.vectors.max_similarity(lem, lemmas)
                    if len(self._similar) > 50_000:
                        self._similar.clear()
                    self._similar[key] = similarity
                if similarity >= SOFT_MATCH_SIMILARITY:
                    gained += similarity
        return gained


# Derivational suffixes stripped before roots are compared (verb ↔ action noun, R7 (3) paraphrase).
_SUFFIXES = tuple(
    sorted(
        [
            "ировать",
            "ывать",
            "ивать",
            "овать",
            "евать",
            "ать",
            "ять",
            "ить",
            "еть",
            "уть",
            "ыть",
            "ти",
            "чь",
            "ение",
            "ание",
            "тие",
            "ство",
            "ние",
            "ка",
            "ок",
            "ие",
            "ия",
            "ный",
            "ной",
            "ий",
            "ый",
            "ой",
            "а",
            "я",
            "о",
            "е",
            "ь",
            "й",
            "ы",
            "и",
        ],
        key=len,
        reverse=True,
    )
)
_VOWELS = re.compile("[аеёиоуыэюя]")
_MIN_ROOT = 4


@functools.lru_cache(maxsize=8192)
def _root_shape(word: str) -> str:
    """The word's stem with every vowel replaced by one mark: «убирать» and «уборка» → «VбVр».

    Russian roots alternate vowels between a verb and its action noun (убир-/убор-, отлав-/отлов-);
    consonants and vowel positions stay, and prefixes are kept, so «открыть» and «закрыть» differ.
    """
    stem = word[:-2] if word.endswith(("ся", "сь")) and len(word) > 5 else word
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            stem = stem[: -len(suffix)]
            break
    return _VOWELS.sub("V", stem)


def same_root(a: str, b: str) -> bool:
    """A verb and a noun (or two forms) of one root: «отлавливать»/«отлов», «вывозить»/«вывоз»."""
    if a == b or not a.isalpha() or not b.isalpha():
        return a == b
    x, y = _root_shape(a), _root_shape(b)
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= _MIN_ROOT and long_.startswith(short)


def _strip_hedges(text: str, predicate: str | None) -> str:
    """``text`` without its non-commitments («сообщим дополнительно», «будет рассмотрено»); a hedge whose
    verb is the question's own predicate stays («Когда рассмотрят заявление?» — «будет рассмотрено 10
    декабря» is the answer)."""

    def keep(match: re.Match[str]) -> str:
        # The hedge's verb, not a noun in it: «Сроки выплаты определят после …» hedges «Когда выплатят?».
        words = [
            lemma(t.text)
            for t in tokenize(match.group(0))
            if t.is_word and not any(p.tag.POS == "NOUN" for p in parses(t.text)[:1])
        ]
        if predicate and any(w == predicate or same_root(w, predicate) for w in words):
            return match.group(0)
        return " "

    return _HEDGE_RE.sub(keep, text)


def _subtree(words: Sequence[Word], top: Word) -> list[Word]:
    """``top`` and every word under it."""
    result, frontier = [top], [top.index]
    while frontier:
        index = frontier.pop()
        for word in words:
            if word.head == index and word not in result:
                result.append(word)
                frontier.append(word.index)
    return result


def _clause_lemmas(clause: Clause) -> frozenset[str]:
    return frozenset(
        _ABBREVIATIONS.get(fold(w.text)) or w.lemma
        for w in clause.words
        if len(w.lemma) >= 3 or w.text.isdigit()
    )


def _trim_end(text: str, cut: int) -> int:
    """End of the part before a join: back over the joining word and punctuation."""
    match = re.search(
        r"(?:[,;]?\s*(?:и|а|или|также|и\s+также|а\s+также|ну\s+и)?\s*)$", text[:cut], re.IGNORECASE
    )
    return match.start() if match else cut


@functools.lru_cache(maxsize=8192)
def _is_noun(word: str) -> bool:
    """Whether a lemma reads first as a noun («лифт», «кровля»; not «отремонтировать», «новый»)."""
    found = parses(word)
    return bool(found) and found[0].tag.POS == "NOUN"


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", text)) or any(
        "NUMR" in p.tag for t in tokenize(text) if t.is_word for p in parses(t.text)[:1]
    )


def _has_future(text: str) -> bool:
    """«спустят», «будет очищена», «появятся»: a promised action (not paperwork: «будет рассмотрено»)."""
    for token in tokenize(text):
        if not token.is_word:
            continue
        for parse in parses(token.text)[:1]:
            if fold(parse.normal_form) in _PAPERWORK_LEMMAS:
                continue
            if {"VERB", "perf", "futr"} <= set(parse.tag.grammemes):
                return True
        if fold(token.text) in {"будет", "будут"}:
            return True
    return False


def _has_future_or_done(text: str, skip: frozenset[str] = frozenset()) -> bool:
    """«будет выполнен», «отремонтируют», «проведена»: a promised or completed action."""
    for token in tokenize(text):
        if not token.is_word:
            continue
        for parse in parses(token.text)[:1]:
            if skip and fold(parse.normal_form) in skip:
                continue
            grammemes = set(parse.tag.grammemes)
            if {"VERB", "perf", "futr"} <= grammemes or {"PRTS", "perf"} <= grammemes:
                return True
            if fold(token.text) in {"будет", "будут", "запланирован", "запланирована", "запланированы"}:
                return True
    return False
