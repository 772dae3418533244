"""Questions and requests in a citizen's message and whether the draft answers them (R7 (3), R8).

Extraction: razdel sentences; explicit questions («?», «ли», an interrogative opening a clause
without «?»), implicit ones (requests: «прошу…», plural imperatives, «необходимо…»).
Coverage: for every question the best draft window (one sentence or two adjacent) by lemma overlap
with navec soft matching; numbers and street names from the question must reappear in the draft,
a «когда» question needs a time in the answer, a «сколько» question a number, a request an action.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.domain.validation.language import (
    Sentence,
    fold,
    lemma,
    load_json,
    parses,
    sentences,
    tokenize,
)
from desktop_app.domain.validation.report import AnswerSentence, QuestionItem
from desktop_app.domain.validation.semantics import WordVectors

# Abbreviations official drafts use for words citizens write in full (R7 (3): addresses must match).
_ABBREVIATIONS = {
    "ул": "улица",
    "д": "дом",
    "пр": "проспект",
    "пер": "переулок",
    "кв": "квартира",
    "мкр": "микрорайон",
}
_CONTENT_POS = {"NOUN", "ADJF", "ADJS", "VERB", "INFN", "PRTF", "PRTS", "NUMR", "COMP"}
_NUMBER_RE = re.compile(r"\d+(?:[/-]?[а-яА-Я]\b)?")
_DATE_RE = re.compile(r"\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b20\d\d\b")
_STREET_MARKERS = re.compile(
    r"\b(?:ул(?:\.|иц[аеыу])|пр(?:\.|оспект[аеу]?)|пер(?:\.|еул(?:ок|ке|ка))|пл(?:\.|ощад[ьи])|"
    r"мкр\.?|микрорайон[аеу]?|бульвар[аеу]?|б-р|шоссе|проезд[аеу]?)\s+(?P<name>[А-ЯЁ0-9][\wЁё-]*)"
)
_OPENING_FILLERS = {"а", "и", "но", "так", "ну", "вот", "скажите", "подскажите", "интересно", "объясните"}
_WANT_TO_KNOW = re.compile(
    r"\b(?:узнать|подскажите|скажите|объясните|сообщите|интересует|интересно|уточните)\b", re.IGNORECASE
)
_CAUSE_RE = re.compile(
    r"\b(?:так как|поскольку|потому|из-за|в связи с|по причине|причин\w*|связан\w*|вследствие|ввиду|"
    r"объясня\w*|дело в том)\b",
    re.IGNORECASE,
)

# Window scores at or above this are "answers" (calibrated on tests/validation/cases.py, see docs).
COVERAGE_THRESHOLD = 0.5
SOFT_MATCH_SIMILARITY = 0.55
KEY_WORDS = 3


@dataclass(frozen=True)
class _Question:
    sentence: Sentence
    kind: str
    interrogative: str | None


@dataclass(frozen=True)
class _Window:
    start: int
    stop: int
    text: str
    lemmas: frozenset[str]


class QuestionAnalyzer:
    """Finds questions/requests in a message and maps each to the draft sentence answering it."""

    def __init__(self, vectors: WordVectors | None = None, lexicon: Mapping[str, Any] | None = None) -> None:
        data = lexicon or load_json("questions.json")
        self.vectors = vectors
        self.interrogatives = frozenset(data["interrogatives"])
        self.request_lemmas = frozenset(data["request_lemmas"])
        self.request_phrases = tuple(fold(p) for p in data["request_phrases"])
        self.imperative_exclude = frozenset(data["imperative_exclude"])
        self.generic = frozenset(fold(w) for w in data["generic_lemmas"])
        self.time_markers = frozenset(fold(w) for w in data["time_markers"])
        self.action_markers = frozenset(fold(w) for w in data["action_markers"])
        self.closing_markers = tuple(fold(w) for w in data["closing_sentence_markers"])

    # --- extraction -------------------------------------------------------------------------

    def extract(self, message: str) -> list[QuestionItem]:
        """Every question and request in message order (``covered`` is False until analysed)."""
        return [
            QuestionItem(q.sentence.text, q.kind, False, q.sentence.start, len(q.sentence.text))
            for q in self._extract(message)
        ]

    def _extract(self, message: str) -> list[_Question]:
        found: list[_Question] = []
        for sentence in sentences(message):
            kind, interrogative = self._classify(sentence.text)
            if kind:
                found.append(_Question(sentence, kind, interrogative))
        return found

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
        if opening in self.interrogatives and opening != "что" and "," not in text.rstrip(",."):
            return "explicit", opening
        if opening == "что" and len(lowered) > 1 and lowered[1] != "за" and "," not in text:
            return "explicit", opening
        if _WANT_TO_KNOW.search(text) and interrogative:
            return "explicit", interrogative
        if self._is_request(text, words, lowered):
            return "implicit", None
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

    # --- coverage ---------------------------------------------------------------------------

    def content_lemmas(self, text: str) -> set[str]:
        result: set[str] = set()
        for token in tokenize(text):
            if token.is_word:
                found = parses(token.text)
                pos = found[0].tag.POS if found else None
                key = _ABBREVIATIONS.get(fold(token.text)) or lemma(token.text)
                if len(key) >= 3 and key not in self.generic and (pos in _CONTENT_POS or pos is None):
                    result.add(key)
            elif token.text.isdigit():
                result.add(token.text)
        return result

    def analyse(self, message: str, draft: str) -> list[QuestionItem]:
        """Questions of ``message`` with ``covered`` and the answering draft window."""
        questions = self._extract(message)
        if not questions:
            return []
        message_sentences = sentences(message)
        windows = self._windows(draft)
        draft_lemmas = {lemma(t.text) for t in tokenize(draft) if t.is_word}
        draft_numbers = set(_NUMBER_RE.findall(draft))
        items = [self._cover(q, message_sentences, windows, draft_lemmas, draft_numbers) for q in questions]
        # Second pass, yes/no questions only («Можно ли увеличить число рейсов?»): a promise on the topic
        # of the message answers them («Автобус № 5 будет ходить чаще») — but not a sentence that
        # already answers another question, or «Когда починят фонари?» would also answer «А лавочку?».
        taken = [
            (i.answer.offset, i.answer.offset + i.answer.length) for i in items if i.covered and i.answer
        ]
        for index, (question, item) in enumerate(zip(questions, items, strict=True)):
            if not item.covered and not item.missing and self._is_yes_no(question):
                answer = self._topic_answer(question, message_sentences, windows, taken)
                if answer is not None:
                    items[index] = replace(item, covered=True, answer=answer, missing=())
                    taken.append((answer.offset, answer.offset + answer.length))
        return items

    def _topic_answer(
        self,
        question: _Question,
        message_sentences: Sequence[Sentence],
        windows: Sequence[_Window],
        taken: Sequence[tuple[int, int]],
    ) -> AnswerSentence | None:
        topic = set(self.content_lemmas(question.sentence.text))
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

    @staticmethod
    def _is_yes_no(question: _Question) -> bool:
        """A question answered by yes or no: «ли» and no interrogative word."""
        words = {fold(t.text) for t in tokenize(question.sentence.text) if t.is_word}
        return question.kind == "explicit" and question.interrogative is None and "ли" in words

    def _windows(self, draft: str) -> list[_Window]:
        draft_sentences = [s for s in sentences(draft) if not self._is_formula(s.text)]
        windows: list[_Window] = []
        for index, sent in enumerate(draft_sentences):
            windows.append(
                _Window(sent.start, sent.stop, sent.text, frozenset(self.content_lemmas(sent.text)))
            )
            if index + 1 < len(draft_sentences):
                nxt = draft_sentences[index + 1]
                text = draft[sent.start : nxt.stop]
                windows.append(_Window(sent.start, nxt.stop, text, frozenset(self.content_lemmas(text))))
        return windows

    def _is_formula(self, text: str) -> bool:
        """Greeting-only and closing sentences never count as answers."""
        folded = fold(text)
        if any(folded.startswith(m) for m in self.closing_markers):
            return True
        words = [t for t in tokenize(text) if t.is_word]
        return len(words) <= 4 and bool(re.match(r"(?i)(здравствуй|добр(ый|ое|ого)|уважаем)", text))

    def _cover(
        self,
        question: _Question,
        message_sentences: Sequence[Sentence],
        windows: Sequence[_Window],
        draft_lemmas: set[str],
        draft_numbers: set[str],
    ) -> QuestionItem:
        text = question.sentence.text
        own = self.content_lemmas(text)
        context: set[str] = set()
        if len(own) < 3:
            # «Прошу принять меры!»: the topic is in the sentences before the request.
            previous = [s for s in message_sentences if s.stop <= question.sentence.start][-2:]
            for sent in previous:
                context |= self.content_lemmas(sent.text) - own
        missing: list[str] = []
        for number in _NUMBER_RE.findall(text):
            if number not in draft_numbers:
                missing.append(number)
        for street in _STREET_MARKERS.finditer(text):
            name = street.group("name")
            if not name[:1].isdigit() and lemma(name) not in draft_lemmas:
                missing.append(name)
        best: tuple[float, _Window] | None = None
        for window in windows:
            if not self._meets_expectation(question, window):
                continue
            score = self._score(own, context, window.lemmas)
            if best is None or score > best[0] + 1e-9:
                best = (score, window)
        covered = bool(best and best[0] >= COVERAGE_THRESHOLD and not missing)
        if best is None:
            missing.append(self._expectation_name(question))
        answer = None
        if best is not None and best[0] >= COVERAGE_THRESHOLD:
            answer = AnswerSentence(best[1].start, best[1].stop - best[1].start, best[1].text, best[0])
        return QuestionItem(
            text,
            question.kind,
            covered,
            question.sentence.start,
            len(text),
            answer,
            tuple(m for m in missing if m),
        )

    def _meets_expectation(self, question: _Question, window: _Window) -> bool:
        lemmas = {lemma(t.text) for t in tokenize(window.text) if t.is_word}
        if question.kind == "implicit":
            return bool(lemmas & self.action_markers) or _has_future_or_done(window.text)
        word = question.interrogative
        if word in {"когда", "долго"} or (word == "какой" and "срок" in fold(question.sentence.text)):
            return bool(lemmas & self.time_markers) or bool(_DATE_RE.search(window.text))
        if word == "сколько":
            return bool(re.search(r"\d", window.text)) or any(
                "NUMR" in p.tag for t in tokenize(window.text) if t.is_word for p in parses(t.text)[:1]
            )
        if word in {"почему", "зачем", "отчего"}:
            return bool(_CAUSE_RE.search(window.text))
        return True

    @staticmethod
    def _expectation_name(question: _Question) -> str:
        return question.interrogative or ""

    def _score(self, own: set[str], context: set[str], lemmas: frozenset[str]) -> float:
        """Share of the question's key words the window repeats (or nearly: prefix, navec).

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
            elif self.vectors is not None:
                similarity = max((self.vectors.similarity(lem, other) for other in lemmas), default=0.0)
                if similarity >= SOFT_MATCH_SIMILARITY:
                    gained += similarity
        return gained


def _has_future_or_done(text: str) -> bool:
    """«будет выполнен», «отремонтируют», «проведена»: a promised or completed action."""
    for token in tokenize(text):
        if not token.is_word:
            continue
        for parse in parses(token.text)[:1]:
            grammemes = set(parse.tag.grammemes)
            if {"VERB", "perf", "futr"} <= grammemes or {"PRTS", "perf"} <= grammemes:
                return True
            if fold(token.text) in {"будет", "будут", "запланирован", "запланирована", "запланированы"}:
                return True
    return False
