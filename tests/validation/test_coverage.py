"""Question coverage that reasons per question (R7 (3), R8): focus, answer type, evidence, confidence.

One test per failure kind issue 15 names; each fails on the analyzer that matched content words only.
"""

from __future__ import annotations

import math

import pytest

from desktop_app.domain.validation import DraftValidator, QuestionAnalyzer
from desktop_app.domain.validation.semantics import shared_word_vectors

GREETING = "Здравствуйте, Олег! "


@pytest.fixture(scope="module")
def analyzer(validator: DraftValidator) -> QuestionAnalyzer:
    return validator.questions


def _items(analyzer: QuestionAnalyzer, message: str, draft: str):
    return analyzer.analyse(message, GREETING + draft)


def _rules_alone(analyzer: QuestionAnalyzer, message: str, draft: str):
    """The rules' verdicts with the combiner set aside, the features it would score, the last question."""
    saved, analyzer.model = analyzer.model, None
    try:
        items = _items(analyzer, message, draft)
        return items, analyzer.last_features[0], analyzer._extract(message)[-1]
    finally:
        analyzer.model = saved


def _constant_model(score: float, name: str = "s_supplies"):
    """A combiner that gives every sentence ``score`` (its one feature weighs nothing)."""
    from desktop_app.domain.validation.coverage_model import CoverageModel

    return CoverageModel(
        (name,), (0.0,), (1.0,), (0.0,), math.log(score / (1 - score)), 0.5, level="sentence"
    )


def _combined(analyzer: QuestionAnalyzer, model, question, rules, missing, features, **changed):
    """``_combine``'s verdict under ``model`` on the rules' send-back naming ``missing``, the first
    sentence's features ``changed``."""
    if changed:
        window, row = features["_pairs"][0]
        features = {**features, "_pairs": [(window, {**row, **changed})]}
    saved, analyzer.model = analyzer.model, model
    try:
        return analyzer._combine(question, _rule_verdict(rules, missing), features)
    finally:
        analyzer.model = saved


def test_who_question_is_not_answered_by_who_does_another_job(analyzer) -> None:
    # The same matter, a party named — but for the repair, not for the leaks.
    message = "Сколько ещё ждать ремонта крыши в доме 9 на улице Мичурина? Кто отвечает за протечки?"
    draft = "Крышу дома 9 на улице Мичурина отремонтируют до 1 июля. Работы выполнит управляющая компания «Наш дом»."
    when, who = _items(analyzer, message, draft)
    assert when.covered
    assert not who.covered
    message = "На улице Мира огромная яма у дома 15. Кто отвечает за ремонт этой дороги?"
    other_job = "Яма у дома 15 на улице Мира будет засыпана до 20 мая. Вывоз мусора с обочины выполняет МУП «Чистый город»."
    right = (
        "Дорога на улице Мира обслуживается МКУ «Управление дорожного хозяйства», ремонт ямы у дома 15 оно "
        "проведёт до 20 мая."
    )
    [wrong_item] = _items(analyzer, message, other_job)
    [right_item] = _items(analyzer, message, right)
    assert not wrong_item.covered
    assert right_item.covered
    assert right_item.evidence == right


def test_when_question_is_not_answered_by_the_date_of_another_action(analyzer) -> None:
    message = "Во дворе дома 8 на улице Гоголя уже месяц не горят фонари. Когда их починят?"
    inspection = (
        "Проверку сетей во дворе дома 8 на улице Гоголя провели 3 марта. Подрядчик заменит светильники после "
        "поставки оборудования."
    )
    [item] = _items(analyzer, message, inspection)
    assert not item.covered
    assert "срок" in " ".join(item.missing) or "срок" in item.reason


def test_paraphrase_sharing_no_word_with_the_question_answers_it(analyzer) -> None:
    lights = "Во дворе дома 8 на улице Гоголя уже месяц не горят фонари. Когда их починят?"
    answer = "Освещение во дворе дома 8 на улице Гоголя восстановят до 15 марта: подрядчик заменит кабель."
    [item] = _items(analyzer, lights, answer)
    assert item.covered
    assert item.evidence == answer
    heating = "Батареи в квартире холодные, дома 16 градусов. Что с отоплением в доме 4 на улице Ленина?"
    heat = (
        "Подачу тепла в дом 4 на улице Ленина ограничили из-за порыва теплотрассы; аварийная бригада "
        "восстановит её сегодня к 20:00."
    )
    [item] = _items(analyzer, heating, heat)
    assert item.covered


def test_two_questions_in_one_sentence_are_two_items(analyzer) -> None:
    message = "Когда восстановят маршрут 12 и будет ли он заходить в микрорайон Северный?"
    draft = "Маршрут № 12 восстановят с 1 апреля. Перевозчик выбран по итогам конкурса."
    items = _items(analyzer, message, draft)
    assert [i.text for i in items] == [
        "Когда восстановят маршрут 12",
        "будет ли он заходить в микрорайон Северный?",
    ]
    assert [i.covered for i in items] == [True, False]
    assert message[items[1].offset : items[1].offset + items[1].length] == items[1].text

    pair = analyzer.extract("Потерял сумку в автобусе. Куда и к кому обращаться?")
    assert [q.text for q in pair] == ["Куда", "к кому обращаться?"]


def test_rhetorical_question_is_acknowledged_not_demanded(validator: DraftValidator) -> None:
    message = "Контейнеры на улице Садовой не вывозят неделю! Сколько можно? Когда вывезут мусор?"
    draft = (
        "Здравствуйте, Андрей! Мусор с площадки на улице Садовой региональный оператор вывезет сегодня до 18:00, "
        "график вывоза восстановлен."
    )
    report = validator.validate(message, draft, author_name="Андрей Ким", platform="vk")
    rhetorical, real = report.questions
    assert rhetorical.text == "Сколько можно?"
    assert rhetorical.kind == "rhetorical" and rhetorical.status == "rhetorical"
    assert real.covered
    assert report.uncovered_questions == ()
    assert report.ok
    assert analyzer_kinds(validator, "Двор не чистят с начала зимы. Доколе? Прошу убрать снег.") == [
        "rhetorical",
        "implicit",
    ]


def analyzer_kinds(validator: DraftValidator, message: str) -> list[str]:
    return [q.kind for q in validator.questions.extract(message)]


def test_where_can_i_go_is_not_answered_by_what_we_did(analyzer) -> None:
    message = "У школы № 2 бегает стая собак. Кому жаловаться?"
    forwarded = "Информация о собаках у школы № 2 направлена в службу отлова животных."
    contact = (
        "О безнадзорных собаках можно сообщить в службу отлова по телефону 8 (4852) 40-12-12 или на сайте "
        "city-otlov.ru. Заявку по школе № 2 мы уже передали, отлов проведут на этой неделе."
    )
    [item] = _items(analyzer, message, forwarded)
    assert not item.covered
    assert item.expected == "where_to_go"
    [item] = _items(analyzer, message, contact)
    assert item.covered
    assert "8 (4852) 40-12-12" in (item.evidence or "")


def test_conditional_yes_no_needs_the_condition(analyzer) -> None:
    message = "В доме 7 на улице Строителей меняют трубы отопления. Успеют ли закончить до начала отопительного сезона?"
    no_term = "Замену труб отопления в доме 7 на улице Строителей выполняет подрядчик ООО «Теплострой». Работы идут по графику."
    term = (
        "Да, замену труб отопления в доме 7 на улице Строителей подрядчик завершит до 15 сентября, до начала "
        "отопительного сезона."
    )
    [item] = _items(analyzer, message, no_term)
    assert not item.covered
    # A promise without the condition («до начала сезона») does not answer «успеют ли до …?».
    promise = "Замену труб отопления в доме 7 на улице Строителей подрядчик обязательно завершит."
    [item] = _items(analyzer, message, promise)
    assert not item.covered
    [item] = _items(analyzer, message, term)
    assert item.covered


def test_every_verdict_carries_evidence_reason_and_confidence(analyzer) -> None:
    message = (
        "Почему в квитанции за октябрь плата за отопление выросла вдвое? Кто отвечает за протечки крыши?"
    )
    draft = (
        "Начисление за октябрь увеличилось, потому что в нём учтена корректировка за прошлый год по показаниям "
        "общедомового счётчика."
    )
    why, who = _items(analyzer, message, draft)
    assert why.covered and why.evidence and why.reason and 0.6 <= why.confidence <= 1.0
    assert not who.covered and who.evidence is None and who.reason
    data = why.to_json_dict()
    assert {"evidence", "confidence", "status", "reason", "covered", "answer", "missing"} <= set(data)


def test_an_unsure_verdict_is_shown_as_check(analyzer) -> None:
    # An open question answered on topic but with nothing the analyzer can type: a guess, so «проверьте».
    message = "Во дворе дома 5 на улице Кирова сломаны качели. Как теперь гулять детям?"
    draft = "Качели во дворе дома 5 на улице Кирова осмотрены специалистами, детская площадка огорожена."
    [item] = _items(analyzer, message, draft)
    assert item.uncertain and item.status == "check"
    assert item.confidence < 0.65


def test_coverage_works_without_the_syntax_model() -> None:
    analyzer = QuestionAnalyzer(shared_word_vectors(), syntax=None)
    message = "Когда восстановят маршрут 12 и будет ли он заходить в микрорайон Северный?"
    items = analyzer.analyse(message, GREETING + "Маршрут № 12 восстановят с 1 апреля.")
    assert [i.covered for i in items] == [True, False]


def test_the_syntax_parser_runs_blas_single_threaded(validator: DraftValidator) -> None:
    # Issue 15: on a shared 2-core machine OpenBLAS's spinning threads made slovnet's small matrix
    # products 5–10× slower (coverage 215 ms instead of ≈25 ms for a new 750-character draft).
    import ctypes

    from desktop_app.domain.validation.syntax import _BLAS_SETTERS, _openblas_libraries

    assert validator.questions.syntax is not None
    libraries = _openblas_libraries()
    if not libraries:
        pytest.skip("numpy is not linked against a bundled OpenBLAS here")
    library = ctypes.CDLL(str(libraries[0]))
    getter = next(g for s, g in _BLAS_SETTERS if hasattr(library, g))
    assert getattr(library, getter)() == 1


def test_vectorised_similarity_equals_the_pairwise_one() -> None:
    vectors = shared_word_vectors()
    if vectors is None:
        pytest.skip("navec unavailable")
    others = frozenset(["освещение", "светильник", "дорога", "нетслованавеке"])
    expected = max(vectors.similarity("фонарь", o) for o in others)
    assert vectors.max_similarity("фонарь", others) == pytest.approx(expected, abs=1e-6)
    assert vectors.max_similarity("фонарь", frozenset(["нетслованавеке"])) == 0.0
    assert vectors.max_similarity("фонарь", frozenset(["фонарь"])) == 1.0


# Issue 15, session 3: general mechanisms that made the analyzer hold on text it was not shaped on.
# Each case is new wording (not a corpus pair); each fails on the analyzer before these mechanisms.
MECHANISMS = [
    pytest.param(  # a verb and its action noun share a root: «отлавливать» ~ «отлов»
        "У школы бегают собаки. Кто будет их отлавливать?",
        "Отлов собак у школы проводит ООО «Зоозащита».",
        True,
        id="derivation",
    ),
    pytest.param(  # a promise to tell later names no term
        "Семьям обещали компенсацию за школьную форму. Когда её выплатят?",
        "Сроки выплаты компенсации определят после 15 декабря, о них сообщим дополнительно.",
        False,
        id="hedge-time",
    ),
    pytest.param(  # «его» is the lamp named before the question
        "Во дворе дома 5 фонарь на опоре светит прямо в окна. Можно ли повернуть его в сторону?",
        "Фонарь на опоре во дворе дома 5 будет направлен на пешеходную дорожку.",
        True,
        id="anaphora-yes-no",
    ),
    pytest.param(
        "В кафе под нами музыка до утра. Куда писать жалобу?",
        "По вопросам нарушения тишины рекомендуем обратиться в Роспотребнадзор.",
        True,
        id="named-body-where",
    ),
    pytest.param(
        "В кафе под нами музыка до утра. Куда писать жалобу?",
        "По вопросам нарушения тишины рекомендуем обратиться в соответствующие органы.",
        False,
        id="vague-body-where",
    ),
    pytest.param(  # the role noun is the answer type, the matter is the repair before it
        "Ремонт спортзала в школе тянется с сентября. Кто вообще подрядчик?",
        "Ремонт спортивного зала школы выполняет ООО «СтройИнвест».",
        True,
        id="role-noun-agent",
    ),
    pytest.param(  # a finding states the cause without a cause word
        "Почему в квартире холодные батареи?",
        "Специалисты обследовали систему отопления дома и выявили завоздушивание стояка.",
        True,
        id="finding-cause",
    ),
    pytest.param(  # the answer rejects the premise
        "Почему пенсионерам отменили бесплатный проезд?",
        "Бесплатный проезд для пенсионеров не отменён, с 1 ноября он предоставляется по транспортной карте.",
        True,
        id="denial-cause",
    ),
    pytest.param(  # citing a norm is not a cause
        "Почему снег с дороги сгребают на тротуар?",
        "Уборка снега на улице осуществляется в соответствии с утверждённым регламентом.",
        False,
        id="norm-no-cause",
    ),
    pytest.param(  # a request's focus is its own clause, not the reason given after it
        "На Садовой сбили собаку, лежит второй день. Уберите, пожалуйста, дети ходят мимо.",
        "Труп животного на улице Садовой убран 1 декабря.",
        True,
        id="request-focus",
    ),
    pytest.param(
        "Кто разрешил платную парковку у рынка?",
        "Платная парковка у рынка введена постановлением администрации города с 1 ноября.",
        True,
        id="authorised-by-act",
    ),
    pytest.param(  # where to report is not who is responsible
        "На улице Строителей открыт люк. Кто за это отвечает?",
        "Сообщения об открытых люках принимает единая дежурная служба по телефону 112.",
        False,
        id="reception-not-responsibility",
    ),
    pytest.param(  # a norm is not an action on the matter
        "Соседи шумят каждую ночь. Что можно сделать?",
        "Ответственность за нарушение тишины предусмотрена Кодексом об административных правонарушениях.",
        False,
        id="norm-no-action",
    ),
    pytest.param(  # «Его» points back at the permit named just before
        "В центре сделали платную парковку. Будут ли резидентные абонементы и сколько стоят?",
        "Жители центра могут оформить резидентное разрешение. Его стоимость составляет 1000 рублей в год.",
        True,
        id="pronoun-clause",
    ),
]


def test_a_tie_between_a_neuter_noun_and_the_adjective_goes_to_the_adjective() -> None:
    from desktop_app.domain.validation.language import lemma

    assert lemma("холодные") == "холодный"  # «батареи холодные», not «холодное» (a cold weapon)
    assert lemma("рабочие") == "рабочий"


def test_the_learned_combiner_passes_a_paraphrase_the_rules_send_back(analyzer) -> None:
    # «Почему дети едят холодное?» answered by a cause with no cause word and no shared stem («неисправен
    # мармит, из-за этого блюда остывали» — «из-за этого» follows the finding): the rules send it back,
    # the combiner (coverage_model.json) passes it — shown «проверьте» with the sentence.
    message = "Почему в столовой гимназии дети едят холодное?"
    draft = "Проверка показала, что на раздаче неисправен мармит, из-за этого блюда остывали; его заменят до пятницы."
    [rules], _features, _question = _rules_alone(analyzer, message, draft)
    assert analyzer.model is not None and not rules.covered
    [item] = _items(analyzer, message, draft)
    assert item.covered and item.status == "check"
    assert item.evidence == draft
    # Passed by the combiner itself or, since the eight-writer refit gives it just under the threshold,
    # by the cause pass: either way passed and shown for review with the reason.
    assert "правила его не распознали" in item.reason or "проверьте" in item.reason


def test_the_combiner_never_answers_when_with_a_sentence_without_a_term(analyzer) -> None:
    # A hard gate, not learned: «когда?» needs a term in the answering sentence (issue 15, wrong focus).
    message = "Во дворе дома 6 на Заречной сломаны качели. Когда их заменят?"
    [item] = _items(analyzer, message, "Качели во дворе дома 6 на улице Заречной заменят новыми.")
    assert not item.covered
    [item] = _items(analyzer, message, "Качели во дворе дома 6 на улице Заречной заменят до 1 июня.")
    assert item.covered


def test_a_near_answer_is_sent_back_but_shown_for_review(analyzer) -> None:
    message = (
        "Кафе на первом этаже дома 9 по Лесной каждую ночь включает музыку до двух часов. "
        "Можно это прекратить?"
    )
    draft = "После рейда 28 ноября владельцу кафе вынесено предостережение, при повторном нарушении его оштрафуют."
    # The sentence supplies the type in the question's clause (a step reported): since the type pass
    # (session 6, second round) a near answer like this one is passed, still shown «проверьте» ... (the
    # combiner's score is pinned at 0.45: the session-7 refit gives this sentence 0.38, under TYPE_PASS)
    [rules], features, question = _rules_alone(analyzer, message, draft)
    assert features["_pairs"][0][1]["s_supplies"] == 1.0
    verdict = _combined(
        analyzer, _constant_model(0.45), question, rules, ("ответ «да» или «нет»",), features, s_soft_own=0.0
    )
    assert verdict.covered and verdict.confidence < 0.65 and verdict.answer.text == draft
    # ... while a near answer without the type stays a send-back, shown «проверьте» with the sentence.
    verdict = _combined(
        analyzer,
        _constant_model(0.45),
        question,
        rules,
        ("ответ «да» или «нет»",),
        features,
        s_supplies=0.0,
        s_soft_own=0.0,
    )
    assert not verdict.covered and verdict.confidence <= 0.6 and verdict.answer.text == draft


# Issue 15, session 5: mechanisms found on the fourth writer's pairs (seen2026c), kept because the
# leave-one-writer-out mean and worst rotation improved (docs/VALIDATION.md). New wording, not corpus
# pairs; each fails on the session-4 analyzer.
SESSION5 = [
    pytest.param(  # «если …» is a condition on the matter, not a term: addressed, it answers
        "Мы многодетная семья. Положена ли нам скидка на проезд, если старший ребёнок уже студент?",
        "Скидка на проезд многодетным семьям сохраняется, пока старший ребёнок учится очно в вузе или колледже.",
        True,
        id="if-condition-addressed",
    ),
    pytest.param(  # a term condition after an adjective («до весеннего паводка») still needs a term
        "На Лесной яма на дороге. Засыплют яму до весеннего паводка?",
        "Яму на улице Лесной засыплют щебнем.",
        False,
        id="term-condition-with-adjective",
    ),
    pytest.param(  # a particular body the author is told to go to, in lower case
        "В кафе под нами музыка до утра. Куда жаловаться?",
        "По вопросам шума из кафе вы можете обратиться в административную комиссию при администрации района.",
        True,
        id="apply-to-a-body",
    ),
    pytest.param(  # «их» is the company named before: a clause about it is about the focus
        "Наш дом обслуживает управляющая компания «Уют». Кто контролирует их работу?",
        "Контроль за деятельностью управляющих компаний ведёт государственная жилищная инспекция области.",
        True,
        id="possessive-anaphora-agent",
    ),
]


SESSION6 = [
    pytest.param(  # the same action on another thing is no term for the question's thing
        "В школе № 4 в спортзале разбиты окна, дует. Когда заменят окна?",
        "Замена дверей школы № 4 запланирована на июль.",
        False,
        id="same-action-other-thing",
    ),
    pytest.param(  # guard: the question's thing named, the term stands
        "В школе № 4 в спортзале разбиты окна, дует. Когда заменят окна?",
        "Замену окон в спортзале школы № 4 проведут в июле.",
        True,
        id="same-action-same-thing",
    ),
    pytest.param(  # the term of our reply is not the action's
        "В подвале дома 3 на Луговой течёт труба. Когда заменят трубу?",
        "Срок замены трубы определят по итогам осмотра, окончательный ответ мы дадим до 12 декабря.",
        False,
        id="reply-term-is-no-term",
    ),
    pytest.param(  # guard: the action's own term beside a promise to reply
        "В подвале дома 3 на Луговой течёт труба. Когда заменят трубу?",
        "Трубу в подвале дома 3 заменят до 12 декабря, письменный ответ направим по почте.",
        True,
        id="action-term-beside-reply",
    ),
]


@pytest.mark.parametrize(("message", "draft", "covered"), MECHANISMS + SESSION5 + SESSION6)
def test_general_mechanisms_decide_the_last_question(analyzer, message, draft, covered) -> None:
    item = _items(analyzer, message, draft)[-1]
    assert item.covered is covered, (item.text, item.reason, item.evidence)


def test_an_if_condition_the_answer_ignores_leaves_the_question_open(analyzer) -> None:
    message = "Мы многодетная семья. Положена ли нам скидка на проезд, если старший ребёнок уже студент?"
    [item] = _items(
        analyzer, message, "Скидка на проезд предоставляется многодетным семьям по социальной карте."
    )
    assert not item.covered
    # «Информация передана в …» is what we did, still no place for the author (where_to_go trap).
    [item] = _items(
        analyzer,
        "В кафе под нами музыка до утра. Куда жаловаться?",
        "Информация о нарушении тишины передана в административную комиссию.",
    )
    assert not item.covered


def test_where_is_asked_of_the_author_only_when_the_author_goes(analyzer) -> None:
    # «Куда идут деньги?», «куда девают снег?» ask what others do: no contact is demanded.
    kinds = {
        q.text: q.expected for q in analyzer.extract("Куда идут деньги за капремонт? Куда мне обращаться?")
    }
    assert kinds == {"Куда идут деньги за капремонт?": "any", "Куда мне обращаться?": "where_to_go"}


def test_a_cause_stated_with_therefore_is_a_cause(analyzer) -> None:
    [item] = _items(
        analyzer,
        "Почему не покрасили забор у школы?",
        "Окраску можно проводить только при температуре выше +10 градусов, поэтому забор у школы покрасят в мае.",
    )
    assert item.covered and not item.uncertain, item.reason


def test_the_combiner_sees_a_term_attached_to_a_promised_action(analyzer) -> None:
    # ``s_time_future``: «спустят воздух … сегодня до 18:00» (a promise with its term) against «провели 3
    # марта» (a date of a past action, what wrong-focus answers to «когда?» mostly carry).
    message = "В доме 22 на Гагарина холодные батареи. Когда нормализуют отопление?"
    draft = "Проверку системы провели 3 марта. Слесари спустят воздух и отрегулируют тепловой узел сегодня до 18:00."
    model, analyzer.model = analyzer.model, None
    try:
        analyzer.analyse(message, GREETING + draft)
        [features] = analyzer.last_features
    finally:
        analyzer.model = model
    rows = {window.text: row["s_time_future"] for window, row in features["_pairs"]}
    assert rows == {"Проверку системы провели 3 марта.": 0.0, draft.split(". ")[1]: 1.0}


def test_a_near_answer_about_the_same_matter_is_sent_back_shown_for_review(analyzer) -> None:
    # Session 5's soft pass, dropped in session 11: the combiner gives 0.4, below its threshold, to a
    # sentence repeating the question's words — no longer passed for that alone (on twenty-eight writers
    # it passed more unanswered questions than answered ones), but shown «проверьте» with the sentence.
    constant = _constant_model(0.45, "s_soft_own")
    message = "Во дворе дома 6 на Заречной сломаны качели. Что с ними будет?"
    draft = "Качели во дворе дома 6 на улице Заречной осмотрены мастером."
    [rules], features, question = _rules_alone(analyzer, message, draft)
    for soft in (0.8, 0.2):
        verdict = _combined(
            analyzer,
            constant,
            question,
            rules,
            ("что будет сделано",),
            features,
            s_soft_own=soft,
            s_supplies=0.0,  # not the type pass
        )
        assert not verdict.covered
        assert verdict.confidence < 0.65 and verdict.answer.text == draft


def _rule_verdict(item, missing=("что будет сделано",)):
    from desktop_app.domain.validation.questions import _Verdict

    return _Verdict(False, None, item.confidence, item.reason, missing)


def test_the_date_of_a_paper_is_no_term_for_the_action(analyzer) -> None:
    # Wrong focus (issue 15): «когда построят?» is not answered by the day the decision was taken; the
    # rules send it back (the combiner may still show it «проверьте»: it repeats the question's matter).
    message = "Во дворе дома 9 на Садовой обещали спортивную площадку. Когда её построят?"
    paper = "Решение о строительстве спортивной площадки во дворе дома 9 по улице Садовой принято на собрании 20 апреля."
    term = "Спортивную площадку во дворе дома 9 по улице Садовой построят до 1 августа."
    [rules_paper], _features, _question = _rules_alone(analyzer, message, paper)
    [rules_term], _features, _question = _rules_alone(analyzer, message, term)
    assert not rules_paper.covered and rules_term.covered
    [item] = _items(analyzer, message, paper)
    assert not item.covered or item.status == "check"


def test_whom_we_wrote_to_is_not_who_is_responsible(analyzer) -> None:
    message = "На улице Речной опасный перекрёсток. Кто отвечает за светофор на Речной?"
    [forwarded] = _items(
        analyzer,
        message,
        "Ваше обращение о светофоре на улице Речной направлено в МКУ «Горсвет» для проверки.",
    )
    [serves] = _items(analyzer, message, "Светофор на улице Речной обслуживает МКУ «Горсвет».")
    assert not forwarded.covered and serves.covered


def test_the_term_of_the_works_after_the_sentence_on_the_matter_answers_a_conditional(analyzer) -> None:
    # «Закопают до морозов?» — «Прокладка трубы … идёт по графику. Работы будут завершены до 15 ноября.»:
    # the rules read the two sentences together (the combiner, which scores single sentences, decides
    # the final verdict); the day the works begin is no such term.
    message = "На улице Лесной раскопали дорогу под трубу. Закопают до морозов?"
    before = "Прокладка трубы на улице Лесной идёт по графику. "
    [done], _features, _question = _rules_alone(
        analyzer, message, before + "Работы будут завершены до 15 ноября."
    )
    [begun], _features, _question = _rules_alone(analyzer, message, before + "Работы начнутся 15 ноября.")
    assert done.covered and not begun.covered


def test_a_promised_term_in_other_words_passes_shown_for_review(analyzer) -> None:
    # questions.TERM_PASS: «Когда нормализуют отопление?» — the best sentence promises an action with
    # its term («спустят воздух … сегодня до 18:00») and the combiner gives it 0.3, below its threshold:
    # passed, shown «проверьте» (is it the action asked about?); without a promised action it is sent back.
    from desktop_app.domain.validation.questions import TERM_PASS

    constant = _constant_model(0.3, "s_time_future")
    assert constant.probability({}) >= TERM_PASS
    message = "В доме 22 на Гагарина холодные батареи. Когда нормализуют отопление?"
    draft = "Слесари спустят воздух из стояка и отрегулируют тепловой узел сегодня до 18:00."
    [rules], features, question = _rules_alone(analyzer, message, draft)
    # The rules' send-back names only the type (no house number missing: then it would stand).
    for promised, missing, covered in (
        (1.0, ("срок",), True),
        (0.0, ("срок",), False),
        (1.0, ("22",), False),
    ):
        verdict = _combined(
            analyzer, constant, question, rules, missing, features, s_time_future=promised, s_soft_own=0.0
        )
        assert verdict.covered is covered
        if covered:
            assert verdict.confidence < 0.65 and "проверьте" in verdict.reason


def test_a_cause_told_in_other_words_passes_shown_for_review(analyzer) -> None:
    # questions.CAUSE_PASS (session 6): «Почему в подвале вода?» — the best sentence states a cause in a
    # clause the rules take for the question's («из-за прорыва …», no word of the question repeated) and
    # the combiner gives it 0.45, below its threshold: passed, shown «проверьте»; a sentence with no
    # cause in it, or a lower score, is still sent back.
    message = "Почему уже неделю в подвале дома 8 стоит вода?"
    draft = "Из-за прорыва магистрали на соседней улице грунтовые стоки подтопили технические помещения."
    [rules], features, question = _rules_alone(analyzer, message, draft)
    # ``_combined`` passes no sole-type set: as in a message asking «почему?» twice, the sole-cause pass
    # (session 7, its own test) stands aside.
    # A sentence strongly about the matter itself (s_topic 0.8) with no cause word passes from 0.3 on
    # (0.2 until session 11).
    for score, supplies, topic, covered in (
        (0.45, 1.0, 0.0, True),
        (0.45, 0.0, 0.0, False),
        (0.3, 1.0, 0.0, False),
        (0.35, 0.0, 0.8, True),
        (0.35, 0.0, 0.5, False),
        (0.25, 0.0, 0.8, False),
    ):
        verdict = _combined(
            analyzer,
            _constant_model(score),
            question,
            rules,
            ("причина",),
            features,
            s_supplies=supplies,
            s_topic=topic,
            s_soft_own=0.0,
        )
        assert verdict.covered is covered
        if covered:
            assert verdict.confidence < 0.65 and "проверьте" in verdict.reason


def test_the_combiner_overrules_a_missing_house_number_only_with_a_margin(analyzer) -> None:
    # questions.MISSING_MARGIN (session 6): the rules found «у дома 45» missing; a sentence the combiner
    # gives 0.55 (just above its threshold) may be about another house — sent back, shown «проверьте»;
    # the same score with nothing missing passes.
    message = "Когда уберут свалку у дома 45?"
    draft = "Свалку у гаражей уберут до 10 мая."
    [rules], features, question = _rules_alone(analyzer, message, draft)
    for missing, covered in ((("45",), False), (("срок",), True)):
        verdict = _combined(analyzer, _constant_model(0.55, "s_topic"), question, rules, missing, features)
        assert verdict.covered is covered, missing


def test_the_expected_type_told_in_other_words_passes_shown_for_review(analyzer) -> None:
    # questions.TYPE_PASS (session 6, second round): «Кто отвечает за освещение во дворе?» — the best
    # sentence names a body in a clause the rules take for the question's («Обслуживание светильников …
    # выполняет МБУ …», no word of the question repeated) and the combiner gives it 0.45, below its
    # threshold: passed, shown «проверьте». A sentence without the type, a lower score, or a house
    # number of the question missing from the draft is still sent back.
    message = "Кто отвечает за освещение во дворе дома 12?"
    draft = "Обслуживание светильников на придомовых территориях выполняет МБУ «Горсвет»."
    [rules], features, question = _rules_alone(analyzer, message, draft)
    # ``_combined`` passes no sole-type set: as in a message asking «кто?» twice, the sole-«кто?» pass
    # (session 7, its own test) stands aside.
    for score, supplies, missing, covered in (
        (0.45, 1.0, ("кто отвечает",), True),
        (0.45, 0.0, ("кто отвечает",), False),
        (0.3, 1.0, ("кто отвечает",), False),
        (0.45, 1.0, ("12",), False),
    ):
        verdict = _combined(
            analyzer,
            _constant_model(score),
            question,
            rules,
            missing,
            features,
            s_supplies=supplies,
            s_soft_own=0.0,
        )
        assert verdict.covered is covered, (score, supplies, missing)
        if covered:
            assert verdict.confidence < 0.65 and "проверьте" in verdict.reason


# --- session 7 (twelve writers; chosen by leave-one-writer-out, docs/VALIDATION.md) -----------------


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        # A yes/no question with no «ли», joined by «и» to a second one: two items, each with its own type.
        (
            "Это законно ставить гараж на газоне и кто должен его убрать?",
            [("Это законно ставить гараж на газоне", "yes_no"), ("кто должен его убрать?", "agent")],
        ),
        (
            "Управляющая компания будет менять трубы и когда?",
            [("Управляющая компания будет менять трубы", "yes_no"), ("когда?", "time")],
        ),
        # A preposition before the interrogative of the second question.
        (
            "Положена ли мне льгота на проезд и с какого месяца?",
            [("Положена ли мне льгота на проезд", "yes_no"), ("с какого месяца?", "time")],
        ),
        # Guards: a statement of the complaint before «и когда …?» is no question of its own.
        ("Двор так и не убран и когда уберут?", [("Двор так и не убран и когда уберут?", "time")]),
        ("Мы платим за свет в подъезде и кто за это ответит?", None),
    ],
)
def test_a_yes_no_question_joined_to_another_is_split_off(analyzer, message, parts) -> None:
    found = [(q.text, q.expected) for q in analyzer.extract(message)]
    if parts is None:
        assert len(found) == 1, found
    else:
        assert found == parts


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # «?!» with no «когда»: an exclamation asked as a question.
        (
            "Опять прорвало трубу во дворе. Кто это всё строил?! Прошу прислать бригаду.",
            ["rhetorical", "implicit"],
        ),
        # Addressed to the officials as «вы …?» (not «вы можете …?»), waiting for a disaster.
        ("Вы там вообще спите? Когда заменят лампы на Лесной?", ["rhetorical", "explicit"]),
        ("Будете ждать, пока кто-нибудь утонет в этой яме? Засыпьте яму.", ["rhetorical", "implicit"]),
        ("Неужели надо, чтобы кого-нибудь придавило? Уберите сосульки.", ["rhetorical", "implicit"]),
        # Guards: real questions stay demanded.
        ("Когда уже вывезут мусор?!", ["explicit"]),
        ("Вы можете прислать мастера в субботу?", ["explicit"]),
    ],
)
def test_exclamations_asked_as_questions_are_rhetorical(validator: DraftValidator, message, kinds) -> None:
    assert analyzer_kinds(validator, message) == kinds


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("В каком количестве высадят липы?", "number"),
        ("На какую сумму сделают перерасчёт?", "number"),
        ("На какой год перенесли ремонт моста?", "time"),
        ("Какой орган выдаёт разрешение на вырубку?", "agent"),
        ("Какие справки нужны для пособия?", "any"),  # guard: no type noun
    ],
)
def test_the_noun_after_kakoy_names_the_answer_type(analyzer, question, expected) -> None:
    [item] = analyzer.extract(question)
    assert item.expected == expected


def test_a_question_back_to_the_author_answers_nothing(analyzer) -> None:
    # «Подскажите, …?» in the draft asks the author for details: it is no answer to «Кто …?», however
    # close its words are to the question's.
    message = "На Цветочной, 4 уже месяц течёт крыша над подъездом. Кто за это платит?"
    for draft in (
        "Подскажите, пожалуйста, кто управляет домом на Цветочной, 4 и кто за это платит по договору?",
        "Подскажите, пожалуйста, номер подъезда: от него зависит, кто платит за ремонт крыши.",
    ):
        [item] = _items(analyzer, message, draft)
        assert not item.covered, draft


def test_the_only_why_question_is_answered_by_the_drafts_explanation_shown_for_review(
    analyzer, monkeypatch
) -> None:
    # questions.SOLE_CAUSE_PASS (session 7): the message asks «почему?» once, the draft explains in
    # words of its own and the combiner gives that sentence only 0.15 — passed, shown «проверьте». Two
    # «почему?» questions, a recited norm or a lower score: still sent back.
    message = "Третий день во всём доме на Школьной, 9 нет горячей воды. Почему?"
    draft = "Причиной стал износ теплообменника в котельной, аварийная бригада уже меняет его."
    norm = "В соответствии с регламентом работы котельной ведутся по утверждённому графику."
    two = "Третий день на Школьной, 9 нет горячей воды. Почему? И почему никто не предупредил жильцов?"
    monkeypatch.setattr(analyzer, "model", _constant_model(0.15))
    [item] = _items(analyzer, message, draft)
    assert item.covered and item.confidence < 0.65 and "проверьте" in item.reason
    assert not _items(analyzer, message, norm)[0].covered
    assert not any(i.covered for i in _items(analyzer, two, draft))
    monkeypatch.setattr(analyzer, "model", _constant_model(0.05))
    assert not _items(analyzer, message, draft)[0].covered


def test_the_only_who_question_is_answered_by_the_party_the_draft_names_shown_for_review(
    analyzer, monkeypatch
) -> None:
    # questions.SOLE_AGENT_PASS (session 7): one «кто?» in the message, the draft names a party in other
    # words and the combiner gives it 0.35 — passed, shown «проверьте». Where we forwarded the paper, a
    # second «кто?» or a lower score: still sent back.
    message = "Во дворе на Речной, 6 третью неделю стоит разбитая машина без колёс. Кто её уберёт?"
    draft = "Эвакуацию брошенного транспорта на Речной, 6 проведёт отдел муниципального контроля до 15 мая."
    forwarded = "Ваше обращение направлено в отдел муниципального контроля."
    two = "На Речной, 6 стоит разбитая машина. Кто её уберёт? И кто отвечает за двор?"
    monkeypatch.setattr(analyzer, "model", _constant_model(0.35))
    [item] = _items(analyzer, message, draft)
    assert item.covered and item.confidence < 0.65 and "проверьте" in item.reason
    assert not _items(analyzer, message, forwarded)[0].covered
    assert not _items(analyzer, two, draft)[1].covered
    monkeypatch.setattr(analyzer, "model", _constant_model(0.25))
    assert not _items(analyzer, message, draft)[0].covered


def test_the_only_when_question_takes_a_promised_term_at_a_lower_score(analyzer, monkeypatch) -> None:
    # questions.SOLE_TERM_PASS (session 7, lowered to 0.15 in session 11): the term pass for the message's
    # only «когда?» needs 0.15, not 0.25 — a promised action with its term at 0.17 passes, shown
    # «проверьте»; with a second «когда?» in the message the same sentence is still sent back.
    message = "На остановке «Школа» второй месяц нет навеса. Когда его вернут?"
    draft = "Новый павильон подрядчик смонтирует до 20 декабря."
    two = "На остановке «Школа» нет навеса. Когда его вернут? И когда покрасят скамейки?"
    monkeypatch.setattr(analyzer, "model", _constant_model(0.17, "s_time_future"))
    [item] = _items(analyzer, message, draft)
    assert item.covered and item.confidence < 0.65 and "проверьте" in item.reason
    assert not _items(analyzer, two, draft)[0].covered


def test_the_combiner_rescored_on_the_rules_verdicts_gives_what_analyse_gives(analyzer) -> None:
    # The leave-one-writer-out evaluation computes the rules once per pair and re-combines their verdicts
    # with each rotation's combiner (``finish``): that must be exactly what ``analyse`` shows with it.
    message = (
        "Во дворе дома 8 на улице Весенней третью неделю не горят фонари. Когда их починят? "
        "И кто вообще отвечает за освещение во дворах? Можно ли поставить ещё один фонарь у площадки?"
    )
    draft = (
        "Замена светильников во дворе дома 8 по улице Весенней будет выполнена до 15 декабря. "
        "Наружное освещение дворов обслуживает МБУ «Горсвет». "
        "Установка дополнительной опоры включена в план на 2027 год."
    )
    shown = _items(analyzer, message, draft)
    saved, analyzer.model = analyzer.model, None
    try:
        _items(analyzer, message, draft)
        questions, verdicts, features = analyzer.last_prepared
    finally:
        analyzer.model = saved
    assert len(shown) == 3
    assert analyzer.finish(questions, verdicts, features) == shown


def test_a_sentence_in_the_words_answers_use_gets_the_answer_word_signal() -> None:
    # Session 9: a table learned from the labelled corpus says which words answering sentences of a type
    # use; the combiner reads it per sentence (``s_alike``), whatever words the question has.
    from desktop_app.domain.validation import QuestionAnalyzer as Analyzer

    table = {"time": {"планироваться": 1.5, "график": 0.7, "зарегистрировать": -1.2}}
    analyzer = Analyzer(model=None, answer_words=table)
    message = "Во дворе дома 3 на Полевой разбита дорожка. Когда её отремонтируют?"
    draft = (
        "Ваше обращение о дорожке у дома 3 зарегистрировано 2 марта. "
        "Ремонт дорожки планируется в мае по графику подрядчика."
    )
    analyzer.analyse(message, GREETING + draft)
    [features] = analyzer.last_features
    rows = {window.text: row for window, row in features["_pairs"]}
    first, second = draft.split(". ")
    assert rows[first + "."]["s_alike"] == pytest.approx(-1.2)
    assert rows[second]["s_alike"] == pytest.approx((1.5 + 0.7) / 2)
    assert rows[second]["s_alike_max"] == pytest.approx(1.5)


def test_the_answer_word_signal_of_a_row_never_counts_its_own_writer() -> None:
    # The table is learned from the corpus's labels, so a row fitted or scored on must get its signal
    # from the other writers' rows only — else the leave-one-writer-out figure would score a memory.
    from tests.validation.evaluation import AnswerWordCounts, _cross_fitted, _Row

    def row(writer: str, positive: bool, *lemmas: str):
        return _Row({}, positive, writer, "time", frozenset(lemmas))

    rows = (
        [row("a", True, "отсыпка", "май")] * 3 + [row("b", True, "май")] * 3 + [row("b", False, "жалоба")] * 3
    )
    counts = AnswerWordCounts(rows)
    fitted = _cross_fitted(rows, counts)
    # «отсыпка» is only writer a's: a's rows see no table value for it, only for «май» (writer b's).
    assert fitted[0][0]["s_alike"] == fitted[0][0]["s_alike_max"] > 0
    assert counts.lookup(["b"])("time", "отсыпка") is not None
    assert counts.lookup(["a"])("time", "отсыпка") is None
    # In a --cross-writer rotation holding b out, a's rows use neither b's counts nor their own.
    held = _cross_fitted(rows[:3], counts, held="b")
    assert held[0][0]["s_alike"] == 0.0
    # The shipped table is every writer's counts.
    assert "отсыпка" in counts.table()["time"] and "жалоба" in counts.table()["time"]


def test_a_last_bit_difference_does_not_move_a_sentence_across_a_stump() -> None:
    # Sums over a set of lemmas differ in the last bit with the process's hash seed (0.1 + 0.2 against
    # 0.3): a row on a split must fall on the same side in every run, or the figures move between runs.
    from desktop_app.domain.validation.coverage_model import CoverageModel, fit_stumps

    model = CoverageModel(
        ("s_alike",), (0.0,), (1.0,), (0.0,), 0.0, level="sentence", stumps=((0, 0.3, -2.0, 2.0),)
    )
    assert model.probability({"s_alike": 0.1 + 0.2}) == model.probability({"s_alike": 0.3})
    rows = [{"s_alike": v} for v in [0.1 + 0.2] * 10 + [0.3] * 10 + [0.9] * 20]
    fitted = fit_stumps(rows, [False] * 20 + [True] * 20, ["s_alike"], rounds=1)
    assert fitted.probability({"s_alike": 0.1 + 0.2}) == fitted.probability({"s_alike": 0.3}) < 0.5


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        pytest.param(  # a question that goes on in lower case after a dot (razdel keeps one sentence)
            "В парке на Речной сломаны качели, малыши сидят на земле. когда их заменят",
            "когда их заменят",
            id="lower-case-after-dot",
        ),
        pytest.param(  # «кто» opening a question before a comma
            "Кто убирает снег у аптеки, там пройти нельзя.",
            "Кто убирает снег у аптеки, там пройти нельзя.",
            id="who-before-comma",
        ),
        pytest.param(  # «куда» opening a question before a comma
            "Куда жаловаться на шум стройки, охрана ничего не делает",
            "Куда жаловаться на шум стройки, охрана ничего не делает",
            id="where-to-before-comma",
        ),
    ],
)
def test_a_question_without_a_question_mark_is_extracted(analyzer, message, asked) -> None:
    # Session 10: questions never extracted count as silently answered; these two shapes were most of
    # the misses on the tuning writers.
    assert asked in [q.text for q in analyzer.extract(message) if q.kind != "rhetorical"]


@pytest.mark.parametrize(
    "message",
    [
        "Когда мы пришли, никого не было.",  # «когда» before a comma: a clause of time, no question
        "Трубу чинили на ул. садовой весь день.",  # an abbreviation's dot, no question
    ],
)
def test_a_clause_of_time_or_an_abbreviation_is_no_question(analyzer, message) -> None:
    assert analyzer.extract(message) == []


def test_a_rule_pass_of_who_needs_more_of_the_combiner_than_one_of_when(analyzer, monkeypatch) -> None:
    # questions.RULE_AGREES_BY_TYPE (session 11): the rules pass both questions; at a combiner score of
    # 0.3 the «когда?» pass stands (the floor is RULE_AGREES, 0.15), while the «кто?» pass is sent back —
    # a party named on the matter is often the party of another job (wrong focus); at 0.45 it stands.
    message = "У дома 4 на Заречной третий день течёт вода из трубы. Когда её починят? Кто за это отвечает?"
    draft = (
        "Трубу у дома 4 на Заречной аварийная бригада починит до 12 марта. "
        "За водопровод на Заречной отвечает МУП «Водоканал»."
    )
    saved, analyzer.model = analyzer.model, None
    try:
        assert all(item.covered for item in _items(analyzer, message, draft))
    finally:
        analyzer.model = saved
    monkeypatch.setattr(analyzer, "model", _constant_model(0.3))
    when, who = _items(analyzer, message, draft)
    assert when.covered and not who.covered
    monkeypatch.setattr(analyzer, "model", _constant_model(0.45))
    assert all(item.covered for item in _items(analyzer, message, draft))
