"""Answer-quality hints beyond R7: advisory, never blocking (the panel's fourth section).

Each hint explains itself in one Russian sentence. The checks follow the plain-language guidance regional
governments publish for answers to citizens: say what will be done, by whom and when (no «отписка»);
cite a law briefly, not by its full title; avoid chains of participles and passive forms; when sending the
citizen elsewhere, give the contact; show completed works with a photo where the platform allows it.
Codes: ``formal_reply``, ``legal_act_full_name``, ``participle_chain``, ``sent_elsewhere_no_contact``,
``works_done_no_photo``. Precision on the evaluation corpus is in docs/VALIDATION.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop_app.domain.validation.language import Sentence, fold, lemma, parses, sentences, tokenize
from desktop_app.domain.validation.report import QualityHint

FORMAL_REPLY = "formal_reply"
LEGAL_ACT_FULL_NAME = "legal_act_full_name"
PARTICIPLE_CHAIN = "participle_chain"
SENT_ELSEWHERE_NO_CONTACT = "sent_elsewhere_no_contact"
WORKS_DONE_NO_PHOTO = "works_done_no_photo"

MESSAGES = {
    FORMAL_REPLY: "Ответ похож на отписку: в нём нет ни конкретного действия, ни срока, ни ответственного.",
    LEGAL_ACT_FULL_NAME: (
        "Полное название нормативного акта трудно читать: достаточно короткой ссылки или пересказа сути."
    ),
    PARTICIPLE_CHAIN: (
        "В предложении подряд несколько причастий и страдательных оборотов: скажите проще — кто, что и когда сделает."
    ),
    SENT_ELSEWHERE_NO_CONTACT: (
        "Автора направляют в другую организацию, но не дают её адреса, телефона или ссылки."
    ),
    WORKS_DONE_NO_PHOTO: (
        "Ответ сообщает о выполненных работах без фото, хотя площадка позволяет приложить снимок результата."
    ),
}

# Platforms whose replies carry photos (video platforms' comment replies do not).
PHOTO_PLATFORMS = frozenset({"vk", "ok", "telegram", "max", "dzen"})

_DATE = re.compile(
    r"\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b20\d\d\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s+[а-я]{3,}"
)
_TIME_LEMMAS = frozenset(
    [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
        "неделя",
        "месяц",
        "квартал",
        "весна",
        "лето",
        "осень",
        "зима",
        "сегодня",
        "завтра",
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
        "течение",
        "ближайший",
        "сутки",
    ]
)
# Paperwork, not work: «рассмотрено», «передано», «принято к сведению», «взято на контроль».
_PAPERWORK = frozenset(
    [
        "рассмотреть",
        "передать",
        "направить",
        "переадресовать",
        "перенаправить",
        "зарегистрировать",
        "принять",
        "взять",
        "учесть",
        "изучить",
        "получить",
        "поступить",
        "ознакомиться",
        "благодарить",
        "ценить",
        "ответить",
        "сообщить",
        "довести",
    ]
)
_LEGAL_REF = re.compile(
    r"(?i)\bот\s+\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*г\.?)?(?:\s*№\s*[\w/-]+)?|№\s*[\w/-]+|«[^»]*»"
)
_NAMED_PARTY = re.compile(
    r"«[^»]{2,60}»|\b(?:МУП|МКУ|МБУ|ГБУ|ООО|АО|ПАО|ТСЖ|ЕДДС)\b|\b(?:тел\.|телефон\w*)\s*[+\d(]|"
    r"(?:\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}|\bhttps?://|\b\w+\.(?:ru|рф)\b"
)
_CONCRETE_PARTY = re.compile(
    r"\b(?:управляющ\w+\s+компани\w*|подрядчик\w*|бригад\w*|специалист\w*|служб\w+\s+\w+|отдел\w*\s+\w+|"
    r"региональн\w+\s+оператор\w*|перевозчик\w*|водоканал\w*|горсвет\w*|инспектор\w*|участков\w+)",
    re.IGNORECASE,
)
_ASKS_AUTHOR = re.compile(r"\?|\b(?:уточните|укажите|сообщите|пришлите|направьте|напишите)\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(?:спасибо|благодарим|с\s+уважением|приносим\s+извинения|извините|хорошего|всего\s+доброго)",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:здравствуй\w*|добр\w+\s+(?:день|утро|вечер)|уважаем\w+)", re.IGNORECASE)

_ACT_WORD = (
    r"(?:федеральн\w+\s+закон\w*|закон\w*|постановлени\w+|приказ\w*|распоряжени\w+|указ\w*|кодекс\w*|"
    r"решени\w+\s+(?:городской|районной|думы|совета)\w*|правил\w+|положени\w+)"
)
_LEGAL_FULL = [
    # «Федеральным законом от 02.05.2006 № 59-ФЗ «О порядке рассмотрения обращений граждан …»»
    re.compile(
        rf"(?i)\b{_ACT_WORD}(?:[^.!?\n«]|\.(?=\d)){{0,120}}?«\s*(?:о|об|по|правила|порядок|положение)\s+[^»]{{20,}}»"
    ),
    # «Постановлением Правительства Российской Федерации от 06.05.2011 № 354»
    re.compile(r"(?i)\bпостановлени\w+\s+правительства\s+российской\s+федерации\s+от\s+\d"),
    # «Правилами предоставления коммунальных услуг собственникам и пользователям помещений в многоквартирных домах»
    re.compile(
        r"(?i)\bправил\w*\s+(?:предоставления|содержания|благоустройства|пользования)\s+(?:\w+\s+){4,}"
    ),
    # «Кодекса Российской Федерации об административных правонарушениях», «Жилищного кодекса Российской Федерации»
    re.compile(
        r"(?i)\bкодекс\w*\s+российской\s+федерации(?:\s+об?\s+\w+)?|\w+ого\s+кодекса\s+российской\s+федерации"
    ),
]

_SENT_ELSEWHERE = re.compile(
    r"(?i)\b(?:(?:вам\s+)?(?:следует|необходимо|нужно|надо|рекомендуем|рекомендуется|предлагаем|можете|вправе|"
    r"стоит|советуем)\s+(?:\w+\s+)?(?:обратиться|обращаться|направить\s+(?:обращение|заявление|жалобу)|"
    r"позвонить|написать|подать\s+(?:заявление|жалобу))|обратитесь|обращайтесь|"
    r"(?:не\s+входит\s+в|не\s+относится\s+к|относится\s+к|находится\s+в|в)\s+(?:компетенци\w+|ведени\w+|полномочи\w+))"
)
_SELF_REFERENCE = re.compile(
    r"(?i)\b(?:к\s+нам|в\s+администрацию|повторно|снова|ещё\s+раз|еще\s+раз|в\s+наш\w*|к\s+нам\s+повторно)\b"
)
_CONTACT = re.compile(
    r"(?:\+7|\b8)[\s(-]*\d{3,4}[\s)-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}|\b\d{1,3}-\d{2}-\d{2}\b|https?://\S+|"
    r"\bwww\.\S+|\b[\w.-]+\.(?:ru|рф|su)\b|\b[\w.-]+@[\w.-]+\.\w+|\bпо\s+адресу\b|\bгосуслуг\w*|"
    r"\bул(?:\.|иц\w)\s*[А-ЯЁ][\w-]+,?\s*(?:д\.|дом)\s*\d+|\bкаб(?:инет|\.)\s*№?\s*\d+|\bпо\s+телефон\w*\s*[+\d(]",
    re.IGNORECASE,
)
# «установлен решением», «проведено обследование», «график восстановлен»: paperwork, not works to photograph.
_NOT_WORKS = re.compile(
    r"\b(?:решени\w*|постановлени\w*|закон\w*|порядок|порядк\w*|способ\w*|обследовани\w*|проверк\w*|"
    r"график\w*|расч[её]т\w*|перерасч[её]т\w*|выплат\w*|начислени\w*|заседани\w*|собрани\w*|приказ\w*|"
    r"движени\w*|подач\w*|\w*снабжени\w*|бесед\w*|связ\w*)\b"
)
_WORK_VERBS = frozenset(
    [
        "выполнить",
        "завершить",
        "провести",
        "закончить",
        "отремонтировать",
        "устранить",
        "убрать",
        "очистить",
        "вывезти",
        "заменить",
        "установить",
        "восстановить",
        "засыпать",
        "заасфальтировать",
        "покосить",
        "скосить",
        "спилить",
        "обрезать",
        "покрасить",
        "починить",
        "ликвидировать",
        "демонтировать",
        "откачать",
        "прочистить",
        "отловить",
        "уложить",
        "залатать",
        "заделать",
        "расчистить",
        "нанести",
        "смонтировать",
        "подрезать",
        "вырубить",
        "опилить",
    ]
)


class QualityAdvisor:
    """Computes the advisory hints for one draft."""

    def check(
        self,
        message: str,
        draft: str,
        platform: str | None = None,
        attachments: Sequence[str] = (),
        questions: int | None = None,
    ) -> list[QualityHint]:
        """Hints for ``draft``; ``questions`` is how many questions/requests the message demands
        (a reply to a plain «спасибо» is no «отписка»)."""
        parts = sentences(draft)
        body = [s for s in parts if not _GREETING.match(s.text) or len(s.text.split()) > 4]
        body = [s for s in body if not _CLOSING.match(s.text)]
        hints: list[QualityHint] = []
        if questions != 0 and self._formal(draft, body):
            hints.append(QualityHint(FORMAL_REPLY, MESSAGES[FORMAL_REPLY]))
        legal = self._legal(draft)
        if legal is not None:
            hints.append(QualityHint(LEGAL_ACT_FULL_NAME, MESSAGES[LEGAL_ACT_FULL_NAME], *legal))
        chain = next((s for s in body if _participle_chain(s.text)), None)
        if chain is not None:
            hints.append(
                QualityHint(PARTICIPLE_CHAIN, MESSAGES[PARTICIPLE_CHAIN], chain.start, len(chain.text))
            )
        elsewhere = self._sent_elsewhere(parts)
        if elsewhere is not None:
            hints.append(
                QualityHint(
                    SENT_ELSEWHERE_NO_CONTACT,
                    MESSAGES[SENT_ELSEWHERE_NO_CONTACT],
                    elsewhere.start,
                    len(elsewhere.text),
                )
            )
        photo_possible = platform in PHOTO_PLATFORMS
        has_photo = any(
            kind in {"photo", "file"} for kind in attachments
        )  # CLI counts unknown kinds as files
        if photo_possible and not has_photo:
            done = next((s for s in body if _works_done(s.text)), None)
            if done is not None:
                hints.append(
                    QualityHint(
                        WORKS_DONE_NO_PHOTO, MESSAGES[WORKS_DONE_NO_PHOTO], done.start, len(done.text)
                    )
                )
        return hints

    @staticmethod
    def _formal(draft: str, body: Sequence[Sentence]) -> bool:
        """No concrete action, term or responsible party anywhere in the draft's body."""
        if not body:
            return True  # a greeting and «благодарим за обращение», nothing else
        if _ASKS_AUTHOR.search(" ".join(s.text for s in body)):
            return False  # a clarification request is not an «отписка»
        for sent in body:
            text = _LEGAL_REF.sub(" ", sent.text)  # «от 29.12.2022 № 2497» is no deadline
            if _DATE.search(text) or _NAMED_PARTY.search(text) or _CONTACT.search(text):
                return False
            lemmas = {lemma(t.text) for t in tokenize(text) if t.is_word}
            if lemmas & _TIME_LEMMAS or (_CONCRETE_PARTY.search(text) and _concrete_action(text)):
                return False
            if _concrete_action(text):
                return False
        return True

    @staticmethod
    def _legal(draft: str) -> tuple[int, int] | None:
        for pattern in _LEGAL_FULL:
            match = pattern.search(draft)
            if match:
                return match.start(), match.end() - match.start()
        return None

    @staticmethod
    def _sent_elsewhere(parts: Sequence[Sentence]) -> Sentence | None:
        if any(_CONTACT.search(s.text) for s in parts):
            return None
        for sent in parts:
            match = _SENT_ELSEWHERE.search(sent.text)
            if match is None:
                continue
            tail = sent.text[match.end() : match.end() + 40]
            if _SELF_REFERENCE.search(tail) or _CLOSING.match(sent.text):
                continue  # «обращайтесь к нам повторно»: not sending elsewhere
            if fold(match.group(0)).startswith("обращайтесь") and not re.match(r"\s+(?:в|к|на)\s", tail):
                continue
            return sent
        return None


def _concrete_action(text: str) -> bool:
    """A promised or completed action on the matter itself (not paperwork such as «рассмотрено»)."""
    for token in tokenize(text):
        if not token.is_word:
            continue
        for parse in parses(token.text)[:1]:
            grammemes = set(parse.tag.grammemes)
            normal = fold(parse.normal_form)
            if normal in _PAPERWORK:
                continue
            if {"VERB", "perf"} <= grammemes and ({"futr"} & grammemes or {"past"} & grammemes):
                return True
            if {"PRTS", "perf"} <= grammemes or ({"INFN", "perf"} <= grammemes and normal in _WORK_VERBS):
                return True
            if fold(token.text) in {"запланирован", "запланирована", "запланированы"}:
                return True
    return False


# «обслуживающей», «проживающих»: active participles pymorphy3 lists only as adjectives.
_ACTIVE_PARTICIPLE = re.compile(
    r"(?i)\w{3,}(?:ющ|ящ|ащ|ущ|вш)(?:ий|ая|ее|ие|его|ей|ему|им|ими|их|ую|юю|ем|ся|аяся|иеся|ихся)$"
)


def _participle_chain(text: str) -> bool:
    """Three or more full participles or gerunds in one sentence of at least 15 words (pymorphy3 often
    reads «связанные», «указанных» as adjectives, so any of a word's parses counts)."""
    words = [t.text for t in tokenize(text) if t.is_word]
    if len(words) < 15:
        return False
    count = 0
    for word in words:
        found = parses(word)[:3]
        participle = any(p.tag.POS in {"PRTF", "GRND"} for p in found) or bool(
            _ACTIVE_PARTICIPLE.search(word)
        )
        if participle and len(word) > 4:
            count += 1
    return count >= 3


def _works_done(text: str) -> bool:
    """«Работы выполнены», «яма засыпана», «подрядчик заменил светильник»: completed works, not a promise."""
    folded = fold(text)
    if re.search(r"\bне\s+(?:выполнен|завершен|проведен)", folded) or _NOT_WORKS.search(folded):
        return False
    previous = ""
    for token in tokenize(text):
        if not token.is_word:
            continue
        after_future, previous = previous in {"будет", "будут", "не"}, fold(token.text)
        if after_future:
            continue  # «будет засыпана», «не убран»: a promise or a denial, not completed works
        for parse in parses(token.text)[:1]:
            grammemes = set(parse.tag.grammemes)
            normal = fold(parse.normal_form)
            if normal not in _WORK_VERBS:
                continue
            if normal == "провести" and not re.search(r"\bработ", folded):
                continue  # «провёл беседу», «проведена проверка»: not works to photograph
            if {"PRTS", "perf"} <= grammemes or {"VERB", "perf", "past"} <= grammemes:
                return True
    return False
