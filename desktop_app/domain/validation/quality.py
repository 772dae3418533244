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
from collections.abc import Collection, Sequence
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
from desktop_app.domain.validation.report import QualityHint

FORMAL_REPLY = "formal_reply"
LEGAL_ACT_FULL_NAME = "legal_act_full_name"
PARTICIPLE_CHAIN = "participle_chain"
SENT_ELSEWHERE_NO_CONTACT = "sent_elsewhere_no_contact"
WORKS_DONE_NO_PHOTO = "works_done_no_photo"

MESSAGES = {
    FORMAL_REPLY: (
        "Ответ похож на отписку: не сказано, что именно будет сделано, кто за это отвечает и в какой срок."
    ),
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

# Platforms whose replies carry photos: those platforms.json lets attach one (R10; video platforms'
# comment replies do not) — one source for this hint and the format check.
PHOTO_PLATFORMS = frozenset(
    name
    for name, rules in load_json("platforms.json")["platforms"].items()
    if "photo" in rules["attachments"]
)

# A date, a year, a clock time or a term: «6 июня», «12.05», «2027», «до 12:00», «в течение 10 дней». A bare
# «\d+ word» is not one: «школы № 3 передана», «дома 12 яма» are numbers of a house or a school.
_DATE = re.compile(
    r"(?i)\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b20\d\d\b|\b\d{1,2}:\d{2}\b|"
    r"\b\d{1,2}(?:-?го)?\s+(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*|"
    r"\b\d+\s+(?:рабоч\w+\s+|календарн\w+\s+)?(?:дн|день|недел|месяц|час|сут|минут)\w*"
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
        "ежедневно",
        "еженедельно",
        "ежемесячно",
        "ежегодно",
        "круглосуточно",
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
        "рекомендовать",
        "порекомендовать",
        "советовать",
        "посоветовать",
        "напомнить",
        "разъяснить",
        "пояснить",
        "уведомить",
        "проинформировать",
    ]
)
# A legal act's date and number («от 29.12.2022 № 2497», «№ 89-ФЗ») and its quoted title («О порядке …»,
# «Об утверждении …»): no deadline and no party. Only those: «поликлиники № 2», «Теплоэнерго», «Госуслуги»
# are concrete, and stripping every «…» and «№ …» hid them (session 4: 4 of the 8 false «отписки» on dev).
_LEGAL_REF = re.compile(
    r"(?i)\bот\s+\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*г\.?)?(?:\s*№\s*[\w/-]+)?|№\s*\d+(?:-[а-яa-z]+)+\b|"
    r"«\s*(?:о|об|по)\s[^»]*»"
)
# The act's issuer, «приказом Министерства энергетики», «постановлением администрации города»: no party.
_ACT_ISSUER = re.compile(
    r"(?i)\b(?:приказ|постановлени|распоряжени|решени)\w*\s+(?:министерств|департамент|комитет|управлени|"
    r"правительств|администраци|комисси|думы|совета)\w*(?:\s+[а-яё]+){0,3}"
)
_NAMED_PARTY = re.compile(
    r"«[^»]{2,60}»|\b(?:МУП|МКУ|МБУ|ГБУ|ООО|АО|ПАО|ТСЖ|ЕДДС)\b|\b(?:тел\.|телефон\w*)\s*[+\d(]|"
    r"(?:\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}|\bhttps?://|\b\w+\.(?:ru|рф)\b"
)
# A figure the citizen can use: an amount, a share, a count of places («1000 рублей в год», «на 50 процентов»).
_AMOUNT = re.compile(r"(?i)\b\d[\d\s]*(?:[.,]\d+)?\s*(?:%|процент\w*|руб\w*|₽|коп\w*|тыс\w*|млн)")
# A particular body or official responsible for the matter («региональной энергетической комиссией»,
# «управление образования», «главному врачу», «заведующий детским садом», «МФЦ») — unlike a kind of
# organisation named only by its type («в соответствующие органы», «сетевой организацией», «в управляющую
# компанию»), which is what a formal reply sends the citizen to.
_INSTITUTION = re.compile(
    r"(?i)\b(?:комисси\w+|фонд\w*\s+(?:капитальн|социальн|пенсионн|обязательн)\w*|департамент\w*|министерств\w*|"
    r"комитет\w*|инспекци\w+|прокуратур\w+|полици\w+|роспотребнадзор\w*|госжилинспекци\w+|ветстанци\w+|"
    r"соцзащит\w*|социальн\w+\s+защит\w*|(?:социальн|пенсионн)\w+\s+фонд\w*|соцфонд\w*|"
    r"управлени\w+\s+(?:образовани|социальн|жкх|жилищн|культур|здравоохранени|транспорт|благоустройств|"
    r"архитектур|опеки|дорожн|капитальн|городск)\w*|главн\w+\s+врач\w*|директор\w*|начальник\w*|заведующ\w+|"
    r"мастер\w*\s+участк\w*|диспетчер\w*)|\b(?:МФЦ|СФР|ПФР|ДЮСШ|ГИБДД|УМВД|ОМВД|МЧС|ЖЭУ|РЭК|ГУП|МАУ|МБОУ|МАОУ|МБДОУ|ГБУЗ)\b"
)
# «отдел МВД России по Верхнеозёрскому округу»: a unit of the Interior Ministry is the police, a particular
# body like «полиция», «УМВД», «ОМВД» (session 9).
_POLICE_UNIT = re.compile(r"\bМВД\b")
# A department of the administration named by its matter («в отдел благоустройства», «отделом жилищного
# контроля») is a particular body, like «управление образования» (session 8).
_DEPARTMENT = re.compile(
    r"(?i)\bотдел\w*\s+(?:образовани|социальн|жкх|жилищн|культур|здравоохранени|транспорт|благоустройств|"
    r"архитектур|опеки|дорожн|капитальн|городск|муниципальн|экологи|потребительск)\w*"
)
# A person by name and patronymic («мастеру Сергею Николаевичу Белову») — not the author in the greeting.
_PERSON = re.compile(r"\b[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|инична)\w*\b")
# «Диана, здравствуйте!»: the author's name may come before the greeting.
_NAME_FIRST = r"(?:[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)?,\s*)?"
_GREETING_HEAD = re.compile(
    r"(?i)^" + _NAME_FIRST + r"(?:здравствуй\w*|добр\w+\s+(?:день|утро|вечер)|уважаем\w+)[^!?.]*!"
)
# An address the citizen can go to: «ул. Республики, 61», «на Парковой, 4», «улица Мира, д. 5».
# A direct answer to a yes/no question: «Да, это законно: …», «Нет, …».
_YES_NO = re.compile(r"^(?:да|нет)\b\s*[,:—-]", re.IGNORECASE)
_ADDRESS = re.compile(
    # a comma or «д.» before the number: «улице Профсоюзной 30 ноября» is a date, not a house
    r"\b(?:ул\.|улиц\w+|пр\.|просп\w*|пер\.)\s*[А-ЯЁ][\w-]+(?:,\s*(?:д\.\s*)?|\s+д\.\s*)\d+|"
    r"\bна\s+[А-ЯЁ][а-яё]+,\s*\d{1,3}\b"
)
# Where to find the contact when it is not in the text: «телефон указан в квитанции», «на стенде у подъезда».
_CONTACT_POINTER = re.compile(
    r"(?i)\b(?:телефон\w*|контакт\w*|адрес\w*|номер\w*)\b[^.!?]{0,30}\b(?:квитанци\w*|стенд\w*|доск\w*)|"
    r"\b(?:горяч\w+\s+лини\w+|по\s+номеру)\s*[+\d(]"
)
# The purpose of a hand-over that is itself an action on the matter («передана … для проверки»); «для
# рассмотрения», «для принятия мер» are the paperwork of a formal reply.
_ACTION_PURPOSE = re.compile(
    r"(?i)\bдля\s+(?:проверки|устранения|ремонта|обследования|выезда|замены|уборки|вывоза|отлова)\b"
)
# Work going on now («замена насоса ведётся», «ремонт идёт по графику», «проводится служебная проверка»).
_ONGOING = re.compile(
    r"(?i)\b(?:ведётся|ведется|ведутся|идёт|идет|идут|проводится|проводятся|продолжается|продолжаются)\b"
    r"(?!\s+(?:в\s+соответствии|согласно|в\s+установленном))"
)
# Verbs in the present that state a rule or a feeling, not something somebody does about the matter.
_STATIVE = frozenset(
    [
        "являться",
        "быть",
        "иметь",
        "ценить",
        "благодарить",
        "находиться",
        "относиться",
        "входить",
        "считать",
        "понимать",
        "знать",
        "просить",
        "рассматривать",
        "составлять",
        "зависеть",
        "действовать",
        "регулировать",
        "устанавливать",
        "предусматривать",
        "определять",
        "обладать",
        "располагать",
        "напоминать",
        "информировать",
        "сообщать",
        "разъяснять",
        "приносить",
        "извиняться",
        "сожалеть",
        "видеть",
        "надеяться",
        "рекомендовать",
        "советовать",
        "предлагать",
        "следовать",
        "стоить",
        "мочь",
        "хотеть",
        "требовать",
        "касаться",
        "нуждаться",
    ]
)
# Statements of a rule («установлен решением», «предусмотрено законом»): no action on the matter.
_NORM_LEMMAS = frozenset(
    ["предусмотреть", "утвердить", "определить", "регламентировать", "закрепить", "обязать", "запретить"]
)
_NORM_CONTEXT = re.compile(
    r"(?i)\bустановлен\w*\s+(?:в\s+соответствии|согласно|решени|постановлени|приказ|закон|правил|норматив|"
    r"регламент|распоряжени|тариф)"
)
# «взят на контроль», «поставлен на особый контроль»: a formula of FORMAL_MARKERS, and the formula that
# ``_concrete`` must not read as a deed (``_PUT_UNDER_CONTROL``).
_PUT_UNDER_CONTROL_PATTERN = r"\b(?:взят|поставлен)\w*\s+на\s+(?:постоянный\s+|особый\s+|личный\s+)?контроль"
# Sent elsewhere, or «not our business»: a formula of FORMAL_MARKERS, and the one ``_left_to_elsewhere``
# leaves to sent_elsewhere_no_contact when it is the draft's only one.
_REDIRECT_FORMULA = re.compile(
    r"(?i)\bобратиться\b|\bобращаться\b|\bобратитесь\b|\bне\s+входит\s+в\s+(?:компетенци|полномочи)|"
    r"\bне\s+относится\s+к\s+(?:компетенци|полномочи|ведени)|\bне\s+оказывает"
)
# The formulas of an «отписка»: the hint is shown only when one of them is there (or the body is empty) and
# nothing concrete is — strong evidence, precision over recall (a hint nobody trusts is worse than none).
FORMAL_MARKERS: tuple[re.Pattern[str], ...] = (
    # reviewed, noted, kept in view
    re.compile(
        r"(?i)\bрассмотрен\w*|\bрассматрива\w+|\bна\s+рассмотрении|\bпринят\w*\s+к\s+сведению|\bучтен\w*|\bучтён\w*"
    ),
    re.compile(r"(?i)\bна\s+(?:постоянном\s+|особом\s+|личном\s+)?контроле|" + _PUT_UNDER_CONTROL_PATTERN),
    # thanks and praise in place of an answer
    re.compile(r"(?i)\bблагодарим\b|\bспасибо\b|\bценим\b|\bмнение\s+(?:очень\s+)?важно"),
    # …and the body's own thanks in the third person («Администрация города благодарит вас за …», session 9)
    re.compile(r"(?i)\bблагодари(?:т|ят)\s+(?:вас|всех|жителей|за)\b"),
    # handed over, without a word of what will be done
    re.compile(
        r"(?i)\b(?:обращени|информаци|вопрос|жалоб|сведени)\w*[^.!?]{0,60}?\b(?:передан|направлен|доведен|"
        r"перенаправлен|переадресован)\w*"
    ),
    _REDIRECT_FORMULA,
    # the rule recited instead of the answer
    re.compile(
        r"(?i)\bв\s+соответствии\s+с\b|\bсогласно\b|\bрегулиру\w+|\bпредусмотрен\w*|\bосуществля\w+ся\b|"
        r"\bрассчитыва\w+ся\b|\bустанавлива\w+ся\b|\bявляется\s+(?:одним\s+из\s+)?(?:приоритет|обязанност)\w*|"
        r"\bприоритетн\w+\s+направлени"
    ),
)
# The author asks what the rule is: may one, must one, is it legal, can one be fined («Обязана ли я менять
# счётчики?», «Меня могут оштрафовать?», «Можно пойти в сад без медкарты?»). Then a sentence saying what
# the rule allows, forbids or requires («закон не запрещает», «приём не допускается», «замена требуется
# только …») answers the question itself — no «отписка», even though it recites a rule (session 7).
_NORM_QUESTION = re.compile(
    r"(?i)\b(?:обязан\w*|должн\w*|вправе|законн\w*|незаконн\w*|разрешен\w*|запрещен\w*|положен\w*)\s+ли\b|"
    r"\b(?:имеют?|имеет|имею)\s+ли\s+(?:\w+\s+)?прав|\bоштраф\w*|\bштраф\w*|"
    r"\b(?:можно|нельзя)\s+ли\b|\bможно\b[^.!?]{0,40}\bбез\b[^.!?]{0,40}\?"
)
_NORM_ANSWER = re.compile(
    r"(?i)\b(?:не\s+)?(?:запреща\w*|запрещ[её]н\w*|разреша\w*|разреш[её]н\w*|допуска\w*|обязан\w*|вправе|"
    r"требу\w+ся|штраф\w*|законн\w*|незаконн\w*)\b"
)
_ASKS_AUTHOR = re.compile(r"\?|\b(?:уточните|укажите|сообщите|пришлите|направьте|напишите)\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(?:спасибо|благодарим|с\s+уважением|приносим\s+извинения|извините|хорошего|всего\s+доброго)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^" + _NAME_FIRST + r"(?:здравствуй\w*|добр\w+\s+(?:день|утро|вечер)|уважаем\w+)", re.IGNORECASE
)

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
    r"(?:не\s+входит\s+в|не\s+относится\s+к)\s+(?:компетенци\w+|ведени\w+|полномочи\w+))"
)
# Sending the author to another body without the modal the list above wants — a typo («неоходимо
# обратиться», «рекомендуем обратится») or none — or with an imperative of turning to a body: «заявку
# подайте в управляющую компанию», «обжалуйте протокол в ГИБДД», «оформите карту в МФЦ» (session 9). Not a
# time or a manner after «в» («подайте в любое время», «в течение …», «в личном сообщении»). «Можно оформить
# в …», «жаловаться следует в …» stay out: on the tuning writers they also tell where the author goes with
# the place named («в кассах … на Речном вокзале») and gave false hints on a validation writer.
_NOT_A_BODY = (
    r"(?=[«А-ЯЁа-яё])(?!(?:любое|любой|личном|размере|течение|порядке|случае|срок|сроки|соответствии|рамках|"
    r"пределах|виде|форме|день|дни|год|году|месяц|дом|доме|суд)\b)"
)
# «вправе обращаться с жалобами в любые органы»: a right, with no organisation named whose contact the
# draft could give (session 11).
_ANY_BODY = re.compile(
    r"(?i)(?:\s+[\w-]+){0,3}?\s+(?:в|во|к|ко)\s+люб\w+\s+(?:орган|инстанци|организаци|учреждени|ведомств)"
)
# «необходимо подать заявление», «нужно направить жалобу» send the author elsewhere only with the body
# after them («… в МФЦ», «… через Госуслуги»), as «подайте … в …» of _TURN_TO does; «подать заявление
# заведующему детским садом» is the way to apply (session 11).
_SUBMISSION = re.compile(r"(?i)\b(?:направить|подать)\s+(?:обращение|заявление|жалобу)$")
_SUBMITTED_TO_BODY = re.compile(r"(?i)[^.!?]{0,40}?\s(?:в|во|через)\s+" + _NOT_A_BODY)
_TURN_TO = re.compile(
    r"(?i)\bобрати(?:ться|тся)\s+(?:\w+\s+){0,2}?(?:в|во|к|ко)\s+" + _NOT_A_BODY + "|"
    r"\b(?:подайте|обжалуйте|оформите|пожалуйтесь)\b[^.!?]{0,40}?\s(?:в|во|у|через)\s+" + _NOT_A_BODY
)
# Saying whose business the matter is («относится к полномочиям МКУ «Дорожное управление»», «находится в
# ведении министерства») tells who is responsible; it sends the author nowhere unless the draft also tells
# them to go there or that it is not ours (session 7: until then it counted as sending elsewhere).
_SELF_REFERENCE = re.compile(
    r"(?i)\b(?:к\s+нам|в\s+администрацию|повторно|снова|ещё\s+раз|еще\s+раз|в\s+наш\w*|к\s+нам\s+повторно)\b"
)
_CONTACT = re.compile(
    r"(?:\+7|\b8)[\s(-]*\d{3,4}[\s)-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}|\b\d{1,3}-\d{2}-\d{2}\b|https?://\S+|"
    r"\bwww\.\S+|\b[\w.-]+\.(?:ru|рф|su)\b|\b[\w.-]+@[\w.-]+\.\w+|\bпо\s+адресу\b|\bгосуслуг\w*|"
    r"\bул(?:\.|иц\w)\s*[А-ЯЁ][\w-]+,?\s*(?:д\.|дом)\s*\d+|\bкаб(?:инет|\.)\s*№?\s*\d+|\bпо\s+телефон\w*\s*[+\d(]",
    re.IGNORECASE,
)
# «установлен решением», «проведено обследование», «график восстановлен», «сбой устранён»: paperwork or a
# fault in a program, not works to photograph.
_NOT_WORKS = re.compile(
    r"\b(?:решени\w*|постановлени\w*|закон(?!ч)\w*|порядок|порядк\w*|способ\w*|обследовани\w*|проверк\w*|"
    r"график\w*|расч[её]т\w*|перерасч[её]т\w*|выплат\w*|начислени\w*|заседани\w*|собрани\w*|приказ\w*|"
    r"движени\w*|подач\w*|\w*снабжени\w*|бесед\w*|связ\w*|сбо(?:й|я|ю|ем|е|и|ев)|ошибк\w*|программ\w*|"
    r"приложени\w*|осмотр\w*|выезд\w*|замер\w*)\b"
)
# The result the author waits for is still to come: its completion promised or delayed in the same
# sentence («…, монтаж подрядчик завершит до 20 декабря», «отопление будет восстановлено к вечеру»,
# «подключение задержалось») — a step of unfinished works, nothing final to photograph yet.
_UNFINISHED = re.compile(
    r"\b(?:будет|будут)\s+(?:\w+\s+)?(?:заверш|законч|восс?тановл|возобновл|оконч)\w*|"
    r"\b(?:заверш|законч|восс?танов|возобнов)(?:ит|ат|ят)\b|\bзадерж(?:ал|ива|ат|ан)\w*|\bпродолжа\w+"
)
# The works themselves still go on in the same sentence («замена окон выполнена, сейчас идёт монтаж
# вентиляции», «работы ведутся по графику»): a finished step, not the result (session 7).
_STILL_GOING = re.compile(r"\b(?:ид[её]т|ид[её]тся|ведутся|вед[её]тся|проводятся|продолжаются)\b")
# A year's tally or a fact of an earlier year («в 2024 году установлен», «ежегодно … в 2026 году отловлено 312
# собак»): background to the answer, not the works the author is told were done (session 6).
_BACKGROUND = re.compile(r"\bв\s+20\d\d\s+году\b|\bежегодно\b|\bза\s+(?:прошлый|этот|текущий)\s+год\b")
# Done for the author's own request: a year named beside it is no background («В 2026 году по вашему
# обращению во дворе установлены скамейки», session 7).
_FOR_THIS_REQUEST = re.compile(
    r"\bпо\s+(?:вашему|вашей|вашим|вашему\s+же|данному|этому|настоящему)\s+(?:обращени|заявк|жалоб|сообщени|запрос)\w*"
)
# What «проведены/произведены/осуществлены …» must be about to be works: «проведён ремонт», «произведена замена».
_WORK_NOUN = re.compile(
    r"\b(?:работ|ремонт|замен|уборк|покос|очистк|вывоз|обрезк|спил|отсыпк|подсыпк|установк|асфальтировани|монтаж|"
    r"демонтаж|покраск|окраск|благоустройств|отлов|обработк|промывк|прочистк|расчистк|укладк|откачк)"
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
        "удалить",
        "освободить",
        "осушить",
        "подсыпать",
        "отсыпать",
        "выровнять",
        "подмести",
        "огородить",
        "окосить",
        "обкосить",
        "вычистить",
        "промыть",
        "построить",
        "благоустроить",
        "окрасить",
        "подстричь",
        "выкорчевать",
        "обработать",
        "поменять",
        "сбить",
        "посыпать",
        "укрепить",
        "произвести",
        "осуществить",
    ]
)
# Verbs that say nothing of the work by themselves: «проведена проверка», «осуществлён выезд».
_GENERIC_WORK_VERBS = frozenset(["провести", "произвести", "осуществить"])


class QualityAdvisor:
    """Computes the advisory hints for one draft."""

    def check(
        self,
        message: str,
        draft: str,
        platform: str | None = None,
        attachments: Sequence[str] = (),
        questions: int | None = None,
        codes: Collection[str] | None = None,
    ) -> list[QualityHint]:
        """Hints for ``draft``; ``questions`` is how many questions/requests the message demands
        (a reply to a plain «спасибо» is no «отписка»). ``codes`` limits the check to those hints (the
        leave-one-writer-out tool computes each hint once per set of changes that touch it)."""
        wanted = set(MESSAGES) if codes is None else set(codes)
        parts = sentences(draft)
        body = [s for s in parts if not _GREETING.match(s.text) or len(s.text.split()) > 4]
        body = [s for s in body if not _CLOSING.match(s.text)]
        hints: list[QualityHint] = []
        formal = self._formal(parts, body, message) if questions != 0 and FORMAL_REPLY in wanted else None
        if formal is not None:
            hints.append(QualityHint(FORMAL_REPLY, MESSAGES[FORMAL_REPLY], formal.start, len(formal.text)))
        legal = self._legal(draft) if LEGAL_ACT_FULL_NAME in wanted else None
        if legal is not None:
            hints.append(QualityHint(LEGAL_ACT_FULL_NAME, MESSAGES[LEGAL_ACT_FULL_NAME], *legal))
        chain = (
            next((s for s in body if _participle_chain(s.text)), None) if PARTICIPLE_CHAIN in wanted else None
        )
        if chain is not None:
            hints.append(
                QualityHint(PARTICIPLE_CHAIN, MESSAGES[PARTICIPLE_CHAIN], chain.start, len(chain.text))
            )
        elsewhere = self._sent_elsewhere(parts) if SENT_ELSEWHERE_NO_CONTACT in wanted else None
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
        if photo_possible and not has_photo and WORKS_DONE_NO_PHOTO in wanted:
            asked = _asked_works(message)
            done = next((s for s in body if _works_done(s.text, asked, message)), None)
            if done is not None:
                hints.append(
                    QualityHint(
                        WORKS_DONE_NO_PHOTO, MESSAGES[WORKS_DONE_NO_PHOTO], done.start, len(done.text)
                    )
                )
        return hints

    @staticmethod
    def _formal(parts: Sequence[Sentence], body: Sequence[Sentence], message: str = "") -> Sentence | None:
        """The sentence that makes the draft an «отписка», or None.

        Shown only on strong evidence: a formula of a formal reply (or nothing but greeting and thanks)
        and nothing concrete anywhere in the body — no action on the matter (done, promised or going on),
        no date or term, no particular body or official, no contact or address, no figure."""
        if not body:
            return parts[-1] if parts else None  # a greeting and «благодарим за обращение», nothing else
        if _ASKS_AUTHOR.search(" ".join(s.text for s in body)):
            return None  # a clarification request is not an «отписка»
        if any(_concrete(sent.text) for sent in body):
            return None
        if _NORM_QUESTION.search(message) and any(_NORM_ANSWER.search(sent.text) for sent in body):
            return None  # «Можно ли …?» — «Закон не запрещает …»: the rule is the answer (session 7)
        found = next((s for s in body if any(m.search(s.text) for m in FORMAL_MARKERS)), None)
        if found is not None and _left_to_elsewhere(parts, body):
            return None  # the redirect is sent_elsewhere_no_contact's to point at (session 11)
        return found

    @staticmethod
    def _legal(draft: str) -> tuple[int, int] | None:
        for pattern in _LEGAL_FULL:
            for match in pattern.finditer(draft):
                if _title_words(match.group(0)):
                    return match.start(), match.end() - match.start()
        return None

    @staticmethod
    def _sent_elsewhere(parts: Sequence[Sentence]) -> Sentence | None:
        if any(_CONTACT.search(s.text) or _citizen_address(s.text) for s in parts):
            return None
        for sent in parts:
            match = _SENT_ELSEWHERE.search(sent.text) or _TURN_TO.search(sent.text)
            if match is None:
                continue
            tail = sent.text[match.end() : match.end() + 40]
            if _SELF_REFERENCE.search(tail) or _CLOSING.match(sent.text):
                continue  # «обращайтесь к нам повторно»: not sending elsewhere
            if fold(match.group(0)).startswith("обращайтесь") and not re.match(r"\s+(?:в|к|на)\s", tail):
                continue
            if _ANY_BODY.match(tail):
                continue  # «вправе обращаться в любые органы»: no organisation, so no contact to give
            if _SUBMISSION.search(match.group(0)) and not _SUBMITTED_TO_BODY.match(tail):
                continue  # «необходимо подать заявление заведующему»: how to apply, not where else to go
            return sent
        return None


def _left_to_elsewhere(parts: Sequence[Sentence], body: Sequence[Sentence]) -> bool:
    """The draft's only formula is the redirect («Вам необходимо обратиться в ресурсоснабжающую организацию»)
    and sent_elsewhere_no_contact is shown on it. Whether such a draft is also an «отписка» the writers do
    not agree (session 11: of the twenty-eight tuning writers' 17 such drafts, 10 labelled one, 7 not, in
    the same words), so formal_reply goes silent there and the reviewer still gets the redirect's own hint
    on that sentence."""
    if any(m.search(s.text) for m in FORMAL_MARKERS if m is not _REDIRECT_FORMULA for s in body):
        return False
    return QualityAdvisor._sent_elsewhere(parts) is not None


def _citizen_address(text: str) -> bool:
    """An address or a pointer to the contact the citizen can use («ул. Ленина, 5», «на Республики, 61»,
    «телефон указан в квитанции», «горячая линия 122»)."""
    return bool(_ADDRESS.search(text) or _CONTACT_POINTER.search(text))


def _title_words(found: str) -> bool:
    """A title is a chain of names: «Правилами благоустройства владельцы собак обязаны убирать …» is the
    rule's content, not its title — a verb, a short adjective or a gerund among the words ends it."""
    words = [t.text for t in tokenize(found) if t.is_word]
    return not any(
        parses(word)[0].tag.POS in {"VERB", "INFN", "ADJS", "PRTS", "GRND"} for word in words[2:]
    ) or bool(re.search(r"«|российской\s+федерации|от\s+\d", found, re.IGNORECASE))


# Activity with no deed in it: «администрация ведёт работу по регулированию численности», «уделяет большое
# внимание вопросам …», «на контроле министерства» — the «отписка»'s way of sounding busy, not an action on
# the matter nor a party doing something (session 7).
_VAGUE_ACTIVITY = re.compile(
    r"(?i)\b(?:вед[её]т|ведут|проводит|проводят)\s+(?:(?:\w+\s+)?(?:систематическ|планомерн|активн|"
    r"постоянн|необходим|определённ|определенн|разъяснительн|профилактическ)\w*\s+)?работу\b|"
    r"\bуделя\w+\s+(?:\w+\s+)?внимани\w*|"
    # a body that only keeps the matter in view («на контроле министерства здравоохранения») is the
    # formula's, not a party responsible for doing something
    r"\bна\s+(?:постоянном\s+|особом\s+|личном\s+)?(?:контроле|рассмотрении)\s+(?:у\s+)?(?:\w+\s+){0,2}?"
    r"(?:министерств|департамент|комитет|управлени|отдел|администраци|комисси)\w*(?:\s+[а-яё]+){0,3}"
)


# «поставлен на контроль» is the formula's «взят на контроль», not a deed (pymorphy3: «поставить»), and
# «администрация держит вопрос на контроле» the formula «на контроле» with a verb, not work going on (session 9).
_PUT_UNDER_CONTROL = re.compile(r"(?i)" + _PUT_UNDER_CONTROL_PATTERN + r"\b")
_KEPT_UNDER_CONTROL = re.compile(
    r"(?i)\b(?:держ|остав)\w+\s+(?:\w+\s+){0,3}?на\s+(?:постоянном\s+|особом\s+|личном\s+)?контроле\b"
)


def _concrete(sentence: str) -> bool:
    """A sentence that tells the citizen something definite: a date or term, a party, a contact, a figure or
    an action on the matter."""
    # «от 29.12.2022 № 2497» is no deadline, «О порядке …» and «приказом Министерства …» no party
    text = _ACT_ISSUER.sub(" ", _LEGAL_REF.sub(" ", _GREETING_HEAD.sub(" ", sentence)))
    text = _KEPT_UNDER_CONTROL.sub(" ", _PUT_UNDER_CONTROL.sub(" ", _VAGUE_ACTIVITY.sub(" ", text)))
    if any(
        pattern.search(text)
        for pattern in (
            _DATE,
            _NAMED_PARTY,
            _CONTACT,
            _AMOUNT,
            _INSTITUTION,
            _DEPARTMENT,
            _POLICE_UNIT,
            _PERSON,
            _ADDRESS,
            _CONTACT_POINTER,
            _ACTION_PURPOSE,
            _YES_NO,
        )
    ):
        return True
    lemmas = {lemma(t.text) for t in tokenize(text) if t.is_word}
    return bool(lemmas & _TIME_LEMMAS) or _concrete_action(text) or _ongoing_action(text)


# «уберут», «заменили», «подайте заявление»; «будут убирать», «будем контролировать».
_ACTION_MOODS = frozenset(["futr", "past", "impr"])
_FUTURE_AUX = frozenset(["будет", "будут", "будем"])


def _concrete_action(text: str) -> bool:
    """A promised or completed action on the matter itself (not paperwork such as «рассмотрено», nor a rule
    such as «предусмотрено законом», «установлен решением»)."""
    norm = bool(_NORM_CONTEXT.search(text))
    previous = ""
    for token in tokenize(text):
        if not token.is_word:
            continue
        after_future, previous = previous in _FUTURE_AUX, fold(token.text)
        for parse in parses(token.text)[:1]:
            grammemes = set(parse.tag.grammemes)
            normal = fold(parse.normal_form)
            if normal in _PAPERWORK or normal in _NORM_LEMMAS or (norm and normal == "установить"):
                continue
            if {"VERB", "perf"} <= grammemes and (_ACTION_MOODS & grammemes):
                return True  # «уберут», «заменили», «подайте заявление»
            if after_future and "INFN" in grammemes and normal not in _STATIVE:
                return True  # «будут убирать», «будем контролировать»
            if {"PRTS", "perf"} <= grammemes or ({"INFN", "perf"} <= grammemes and normal in _WORK_VERBS):
                return True
            if fold(token.text) in {"запланирован", "запланирована", "запланированы"}:
                return True
    return False


def _ongoing_action(text: str) -> bool:
    """Work going on now: «ремонт идёт», «проводится проверка», «подрядчик меняет полы», «специалисты
    работают» — an active verb in the present, not negated; not a rule in the passive («рассчитывается по
    нормативу», «выполняется сетевой организацией») nor a feeling («ценим»)."""
    if _ONGOING.search(text):
        return True
    previous = ""
    for token in tokenize(text):
        if not token.is_word:
            continue
        negated, previous = previous == "не", fold(token.text)
        parse = parses(token.text)[0]
        grammemes = set(parse.tag.grammemes)
        if negated or not {"VERB", "impf", "pres", "3per", "indc"} <= grammemes:
            continue
        normal = fold(parse.normal_form)
        if normal.endswith(("ся", "сь")) or normal in _STATIVE or normal in _PAPERWORK:
            continue
        return True
    return False


# «обслуживающей», «проживающих»: active participles pymorphy3 lists only as adjectives.
_ACTIVE_PARTICIPLE = re.compile(
    r"(?i)\w{3,}(?:ющ|ящ|ащ|ущ|вш)(?:ий|ая|ее|ие|его|ей|ему|им|ими|их|ую|юю|ем|ся|аяся|иеся|ихся)$"
)


# Participles that have become plain adjectives or parts of a term: no chain of clauses.
_LEXICAL_PARTICIPLES = frozenset(
    [
        "следующий",
        "будущий",
        "настоящий",
        "бывший",
        "текущий",
        "ведущий",
        "подходящий",
        "соответствующий",
        "действующий",
        "вышестоящий",
        "руководящий",
        "блестящий",
        "выдающийся",
    ]
)
# …and those that are part of a term only before the organisation: «управляющая компания», but
# «обслуживающей более одного помещения» is a participle.
_TERM_PARTICIPLES = frozenset(
    ["управляющий", "обслуживающий", "ресурсоснабжающий", "теплоснабжающий", "энергоснабжающий"]
)
_TERM_NOUNS = frozenset(["организация", "компания", "предприятие", "служба"])


_QUOTED = re.compile(r"«[^»]*»")
# Gerunds that have become prepositions («начиная с месяца», «исходя из количества», «благодаря», «включая»,
# «не считая», «судя по», «спустя»): they open no clause of their own, so they make no chain (session 9).
_PREPOSITION_GERUNDS = re.compile(
    r"(?i)\b(?:начиная\s+(?:с|со|от)|исходя\s+из|судя\s+по|не\s+считая|благодаря|включая|спустя|"
    r"несмотря\s+на|невзирая\s+на|погодя)\b"
)


def _adjective_names(found: Sequence[Any]) -> set[str]:
    """The word's names as an adjective: pymorphy3 names a participle by its verb («управляющей» →
    «управлять»), so the lists of lexical and term participles («управляющий», «следующий») must be matched
    against the participle's own nominative (session 8: «управляющей компании» counted as a participle)."""
    names = set()
    for parse in found[:1]:
        names.add(fold(parse.normal_form))
        if parse.tag.POS == "PRTF":
            nominative = parse.inflect({"masc", "sing", "nomn"})
            if nominative is not None:
                names.add(fold(nominative.word))
    return names


def _negated_adjective(word: str, found: Sequence[Any]) -> bool:
    """«неработающим пенсионерам», «ненадлежащем содержании»: a participle written together with «не» has no
    words of its own (the spelling rule) — an adjective, which pymorphy3 lists it as; no clause (session 9)."""
    return fold(word).startswith("не") and bool(found) and all(p.tag.POS == "ADJF" for p in found)


def _participle_chain(text: str) -> bool:
    """Three or more full participles or gerunds in one sentence of at least 15 words (pymorphy3 often
    reads «связанные», «указанных» as adjectives, so any of a word's parses counts)."""
    # a quoted title («Об утверждении Правил …, превышающими установленную продолжительность») is the
    # legal_act_full_name hint's business, not the writer's own clauses (session 7)
    unquoted = _QUOTED.sub(" ", text)
    if sum(1 for t in tokenize(unquoted) if t.is_word) < 15:
        return False
    words = [t.text for t in tokenize(_PREPOSITION_GERUNDS.sub(" ", unquoted)) if t.is_word]
    count = 0
    for index, word in enumerate(words):
        found = parses(word)[:3]
        names = _adjective_names(found)
        following = lemma(words[index + 1]) if index + 1 < len(words) else ""
        if names & _LEXICAL_PARTICIPLES or (names & _TERM_PARTICIPLES and following in _TERM_NOUNS):
            continue  # «в следующем году», «управляющая компания»: plain adjectives and terms
        participle = any(p.tag.POS in {"PRTF", "GRND"} for p in found) or bool(
            _ACTIVE_PARTICIPLE.search(word) and not _negated_adjective(word, found)
        )
        if participle and len(word) > 4:
            count += 1
    return count >= 3


_TEMPORARY = re.compile(r"(?i)\b(?:огорож|огражд|обозначен|временн)\w*")


def _promises_the_rest(text: str) -> bool:
    """«Колодец огорожен, крышка будет установлена до 4 сентября»: a temporary measure taken and the works
    themselves promised in the same sentence («будет/будут» + a short passive participle) — nothing final
    to photograph yet. A finished job beside a promised remainder («Дерево распилено и вывезено, пень будет
    выкорчеван весной») still is one."""
    if not _TEMPORARY.search(text):
        return False
    words = [t.text for t in tokenize(text) if t.is_word]
    for index, word in enumerate(words[:-1]):
        if fold(word) in {"будет", "будут"}:
            for following in words[index + 1 : index + 3]:
                if any({"PRTS", "pssv"} <= set(p.tag.grammemes) for p in parses(following)[:2]):
                    return True
    return False


# A temporary or safety measure taken until the works are done («участок огорожен», «установлено временное
# ограждение», «до замены … провода подняты», «на время работ установлены знаки», «до завершения ремонта
# установлены обогреватели»): not the result the author asked for, nothing final to photograph (session 7).
_TEMPORARY_MEASURE = re.compile(
    r"\b(?:временн|огорож|огражд|сигнальн\w*\s+лент)\w*|"
    r"\bдо\s+(?:этого|тех\s+пор|замены|завершения|окончания|устранения|восстановления|ремонта|начала)\b|"
    r"\bна\s+(?:время|период)\s+(?:проведения\s+)?(?:работ|ремонта|замены|строительства)"
)
# «были отловлены 14 октября», «была заменена в прошлом году»: «был/были» with a short participle tells a
# past state that no longer holds (the story behind the message), not the works done for it (session 7).
_PAST_AUX = frozenset(["был", "была", "было", "были"])


def _clause_around(folded: str, start: int, stop: int) -> str:
    """The clause of the word at ``start:stop`` (between commas, semicolons, colons, dashes or brackets)."""
    left = max(folded.rfind(mark, 0, start) for mark in ",;:—()")
    rights = [i for i in (folded.find(mark, stop) for mark in ",;:—()") if i != -1]
    return folded[left + 1 : min(rights) if rights else len(folded)]


def _not_works_near(folded: str, clause: str) -> bool:
    """«подача воды восстановлена», «проведена проверка»: the work verb's own clause is about paperwork or a
    service, not works. Only that clause: «Ремонт колонки выполнен 9 июня, подача воды восстановлена» and
    «Департамент связался со школой: …, работы выполнены» are works done (session 7; until then one such
    word anywhere in the sentence silenced it)."""
    return bool(_NOT_WORKS.search(_MANNER.sub(" ", clause)))


# How the works were done, not what («обрезка выполнена в соответствии с графиком», «по графику», «согласно
# решению»): the paperwork word there is the works' manner or ground, not the thing done (session 9).
_MANNER = re.compile(
    r"\b(?:в\s+соответствии\s+с|согласно|по|на\s+основании)\s+(?:\w+\s+)?(?:график|решени|постановлени|"
    r"приказ|порядк|программ)\w*"
)


def _relative_clause(clause: str, word: str) -> bool:
    """«после ремонта, который подрядчик завершил 2 июня», «документ, на основании которого демонтированы
    скамейки»: a work told in a relative clause describes the background of something else (session 7)."""
    offset = clause.find(word)
    return bool(re.search(r"\bкотор\w+\b", clause[: max(offset, 0)]))


# Verbs that report works as finished («работы выполнены», «ремонт завершён», «проведена уборка»).
_REPORT_VERBS = frozenset(
    ["выполнить", "завершить", "провести", "произвести", "закончить", "окончить", "осуществить"]
)
# The works told as the ground of something else («снос выполнен на основании порубочного билета», «ремонт
# выполнен в рамках национального проекта»): an explanation, not the result of this request.
_WORKS_AS_GROUND = re.compile(r"\bна\s+основании\b|\bв\s+рамках\b")
# …or as lawful («обрезка проведена в соответствии с Правилами благоустройства»): the answer to «кто
# разрешил?», not a result to show (session 11). The works' schedule («в соответствии с графиком») is their
# manner and keeps the hint (``_MANNER``).
_WORKS_AS_LAWFUL = re.compile(
    r"\b(?:в\s+соответствии\s+с|согласно)\s+(?:\w+\s+)?(?:правил|закон|требовани|норм|регламент|санпин|гост)"
)


def _asked_works(message: str) -> frozenset[str]:
    """The works the author asks for, as verbs («уберите дерево», «когда отремонтируют?», «прошу спилить»):
    a deed told with the same verb («дерево убрано 6 июня») is the result of this request (session 8)."""
    asked = set()
    previous = ""
    for token in tokenize(message):
        if token.is_word:
            negated, previous = previous == "не", fold(token.text)
            for parse in parses(token.text)[:1]:
                normal = fold(parse.normal_form)
                if (
                    parse.tag.POS in {"VERB", "INFN"}
                    and normal in _WORK_VERBS
                    and normal not in _REPORT_VERBS
                    and (negated or not _told_as_done(parse))
                ):
                    asked.add(normal)
    return frozenset(asked)


def _told_as_done(parse: Any) -> bool:
    """«вывезли снег и свалили на берег», «опять обрезали липы»: the author's own account of a deed (the
    past indicative) is what the message complains of, not works it asks for — unless denied: «снег не
    убрали» asks for the works (session 11)."""
    return {"VERB", "past", "indc"} <= set(parse.tag.grammemes)


def _other_object(clause: str, message: str) -> bool:
    """«ремонт кровли завершён» for a question about the gym, «замена светильников выполнена» for a timer
    fault: the named work's object (the nouns right after «ремонт», «замену», «расчистку») is nowhere in
    the message — works done, but other ones than the author asked about (session 9). Works with no object
    named («Работы выполнены») are not judged."""
    clause = _QUOTED.sub(" ", clause)  # «Управление благоустройства» is a name, not the works
    match = _WORK_NOUN.search(clause)
    if match is None or not message:
        return False
    nouns = []
    rest = clause[match.end() :]
    rest = rest[len(re.match(r"\w*", rest).group(0)) :]  # past the end of the work noun («замен|у»)
    for token in tokenize(rest)[:5]:
        if not token.is_word:
            break
        found = parses(token.text)[:1]
        if found and found[0].tag.POS == "PREP":
            break
        if found and found[0].tag.POS == "NOUN" and "gent" in found[0].tag:
            nouns.append(fold(found[0].normal_form))
            break  # the head of the object: «ремонт кровли школы» is about the roof
    if not nouns:
        return False
    asked = {fold(lemma(t.text)) for t in tokenize(message) if t.is_word}
    return not any(noun in asked for noun in nouns)


def _works_reported(folded: str, clause: str, normal: str) -> bool:
    """The clause reports the works themselves as finished: a verb of completion whose subject or object is
    the works — «Работы выполнены», «работы по откачке воды выполнены 20 января», «ремонт тротуара выполнен
    25 ноября», «выполнена уборка снега» — what the schema calls «работы выполнены»; or any deed the draft
    ties to the author's own request («по вашей заявке заменён светильник»). A single deed told as a fact
    («знак установлен 2 марта», «собаки отловлены», «остановка обработана смесью») is as often the
    background of an explanation, or a job other than the one asked about, as the result of this request:
    precision first, the hint stays silent there (session 8: such facts were 18 of the sixteen tuning
    writers' 22 false hints)."""
    if _FOR_THIS_REQUEST.search(folded):
        return True
    if normal not in _REPORT_VERBS or _WORKS_AS_GROUND.search(clause) or _WORKS_AS_LAWFUL.search(clause):
        return False
    if _WORK_NOUN.search(clause):
        return True
    return any(
        lemma(t.text) == "работа" and not re.search(r"режим\w*\s+$", clause[: t.start])
        for t in tokenize(clause)
        if t.is_word
    )


def _works_done(text: str, asked: frozenset[str] = frozenset(), message: str = "") -> bool:
    """«Работы выполнены», «яма засыпана», «подрядчик заменил светильник»: completed works, not a promise."""
    folded = fold(text)
    if re.search(r"\bне\s+(?:выполнен|завершен|проведен)", folded):
        return False
    if _UNFINISHED.search(folded):
        return False
    if _BACKGROUND.search(folded) and not _FOR_THIS_REQUEST.search(folded):
        return False  # «в 2024 году установлен»; but «в 2026 году по вашей заявке …» is for the author
    if _STILL_GOING.search(folded):
        return False  # «замена пола выполнена, сейчас идёт монтаж вентиляции»: a step of works going on
    if _promises_the_rest(text) or _TEMPORARY_MEASURE.search(folded):
        return False
    previous, future = "", False
    for token in tokenize(text):
        if not token.is_word:
            future = future and token.text not in {",", ";", ":", "—", "(", ")"}
            continue
        word = fold(token.text)
        after_denial, after_past, previous = previous == "не", previous in _PAST_AUX, word
        future = future or word in {"будет", "будут"}
        if after_denial or future:
            continue  # «будет распилена и вывезена», «не убран»: a promise or a denial, not completed works
        for parse in parses(token.text)[:2]:  # «удалён»: pymorphy3 reads «удалённый» (remote) first
            grammemes = set(parse.tag.grammemes)
            normal = fold(parse.normal_form)
            if normal not in _WORK_VERBS:
                continue
            if normal in _GENERIC_WORK_VERBS and not _WORK_NOUN.search(folded):
                continue  # «провёл беседу», «проведена проверка»: not works to photograph
            if normal == "установить" and re.match(r",?\s*что\b", folded[token.stop :]):
                continue  # «специалисты установили, что …»: found out, not installed
            clause = _clause_around(folded, token.start, token.stop)
            if _not_works_near(folded, clause) or _relative_clause(clause, folded[token.start : token.stop]):
                continue  # «проведена проверка», «подача воды восстановлена», «ремонт, который завершён»
            if not _works_reported(folded, clause, normal) and normal not in asked:
                continue  # «знак установлен 2 марта»: a fact, not the works reported done (session 8)
            if (
                normal not in asked
                and not _FOR_THIS_REQUEST.search(folded)
                and _other_object(clause, message)
            ):
                continue  # «ремонт кровли завершён» for a question about the gym: other works (session 9)
            if {"PRTS", "perf"} <= grammemes and after_past:
                continue  # «были отловлены 14 октября»: a past state, the story behind the message
            if {"PRTS", "perf"} <= grammemes or {"VERB", "perf", "past"} <= grammemes:
                return True
    return False
