"""Rule pack and organisation dictionary (R7, point 2)."""

from __future__ import annotations

import pytest

from desktop_app.domain.validation import OrganisationDictionary, RulePack


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return RulePack.default()


@pytest.mark.parametrize(
    ("text", "rule_id", "fragment", "replacement"),
    [
        ("Работы выполнят в течении недели.", "OTKLIK_V_TECHENIE", "в течении", "в течение"),
        ("Ответ дадут в течении 10 дней.", "OTKLIK_V_TECHENIE", "в течении", "в течение"),
        ("Мусор вывезут согласно графика.", "OTKLIK_SOGLASNO_DATV", "согласно графика", "согласно графику"),
        (
            "Работы ведутся согласно утверждённого плана.",
            "OTKLIK_SOGLASNO_DATV",
            None,
            "согласно утверждённому плану",
        ),
        ("По приезду бригады проверим.", "OTKLIK_PO_PRIEZDE", "По приезду", "По приезде"),
        ("по окончанию работ сообщим", "OTKLIK_PO_PRIEZDE", "по окончанию", "по окончании"),
        (
            "Работы ведутся в соответствие с планом.",
            "OTKLIK_V_SOOTVETSTVII",
            "в соответствие",
            "в соответствии",
        ),
        (
            "Здравствуйте Сергей! Ответ ниже.",
            "OTKLIK_GREETING_COMMA",
            "Здравствуйте Сергей",
            "Здравствуйте, Сергей",
        ),
        ("Добрый день Мария!", "OTKLIK_GREETING_COMMA", "Добрый день Мария", "Добрый день, Мария"),
        ("Можно оплатить за проезд картой.", "OTKLIK_OPLATIT_ZA", "оплатить за", "оплатить"),
        ("Работы перенесены в виду того, что идёт дождь.", "OTKLIK_VVIDU", "в виду", "ввиду"),
        ("Касаемо вашего вопроса сообщаем.", "OTKLIK_KASAEMO", "Касаемо", "Относительно"),
        ("Автобус будит ходить чаще.", "OTKLIK_BUDET_INF", "будит", "будет"),
        ("Рейсы будят назначать чаще.", "OTKLIK_BUDET_INF", "будят", "будут"),
    ],
)
def test_rules_fire(pack: RulePack, text: str, rule_id: str, fragment: str | None, replacement: str) -> None:
    matches = [m for m in pack.check(text) if m.rule_id == rule_id]
    assert len(matches) == 1, pack.check(text)
    match = matches[0]
    if fragment:
        assert match.text == fragment
        assert text[match.offset : match.offset + match.length] == fragment
    assert match.replacements == (replacement,)
    assert match.message


@pytest.mark.parametrize(
    "text",
    [
        "Работы выполнят в течение недели.",
        "В течении реки заметны водовороты.",
        "Мусор вывезут согласно графику.",
        "По приезде бригады проверим.",
        "Нормы привели в соответствие с законом.",
        "Работы ведутся в соответствии с планом.",
        "Здравствуйте, Сергей! Ответ ниже.",
        "Здравствуйте! Ответ ниже.",
        "Можно оплатить проезд картой.",
        "Имейте в виду, что работы идут.",
        "Шум будит жителей по ночам.",
        "Автобус будет ходить чаще.",
    ],
)
def test_rules_stay_silent_on_correct_text(pack: RulePack, text: str) -> None:
    assert pack.check(text) == []


def test_rule_pack_is_data_driven() -> None:
    pack = RulePack.from_data(
        {
            "rules": [
                {
                    "id": "X_TEST",
                    "message": "м",
                    "patterns": [{"tokens": [{"lemma": ["яма"]}], "mark": [0, 1]}],
                }
            ]
        }
    )
    assert [m.text for m in pack.check("Ямы и ямой.")] == ["Ямы", "ямой"]


def test_organisation_dictionary() -> None:
    dictionary = OrganisationDictionary(["МКД", "МУП «Горводоканал»", "улица Тургенева"])
    assert dictionary.accepts("МКД")
    assert dictionary.accepts("мкд")
    assert dictionary.accepts("Горводоканала")  # case ending
    assert dictionary.accepts("Тургенева")
    assert not dictionary.accepts("Горводакнал")
    assert not dictionary.accepts("")
    assert "Горводоканалом" in dictionary


def test_dictionary_suppresses_only_spelling(validator) -> None:
    text = "Здравствуйте, Олег! Заявка передана в Трубострой и Горводоканал."
    before = validator.check_spelling(text)
    assert any(m.text == "Трубострой" for m in before.matches)
    validator.set_dictionary_words(["Трубострой", "Горводоканал"])
    try:
        after = validator.check_spelling(text)
    finally:
        from desktop_app.domain.validation import default_dictionary_words

        validator.set_dictionary_words(default_dictionary_words())
    assert not any(m.text == "Трубострой" for m in after.matches)


def test_an_organisations_own_name_is_not_a_typo(validator) -> None:
    # Issue 15: most words the speller flagged on the evaluation corpus were names of organisations,
    # written as Russian writes them — in quotes, or after the legal form. A typo in an ordinary word
    # next to them, or in quotes but not capitalised, is still found.
    text = (
        'Здравствуйте, Олег! Работы выполнит МУП «Трубострой», вывоз — ООО "Экотрансин", '
        "подъезд обслуживает УК Домовичок. Ремонт запланирван на май, «работы выполнин» не писали."
    )
    flagged = {m.text for m in validator.check_spelling(text).matches}
    assert not flagged & {"Трубострой", "Экотрансин", "Домовичок"}
    assert {"запланирван", "выполнин"} <= flagged
    plain = "Здравствуйте, Олег! Заявку передали в Трубострой."  # a name, but written like any word
    assert "Трубострой" in {m.text for m in validator.check_spelling(plain).matches}


def test_municipal_words_the_speller_lacks_are_accepted(validator) -> None:
    # Terms of the trade that the Russian spellers do not know (resources/validation/municipal_vocabulary.txt),
    # in their other forms too; a misspelling of one is still a typo.
    text = (
        "Здравствуйте, Олег! Дождеприёмные колодцы прочищены, противогололёдной смесью обработаны "
        "тротуары, обращение принято дежурно-диспетчерской службой, оплата через паркомат. "
        "Дождеприемнеки на улице Мира будут прочищены в пт."
    )
    flagged = {m.text for m in validator.check_spelling(text).matches}
    assert not flagged & {"Дождеприёмные", "противогололёдной", "дежурно-диспетчерской", "паркомат", "пт"}
    assert "Дождеприемнеки" in flagged


def test_compounds_of_known_words_are_not_typos(validator) -> None:
    # Issue 15 (spelling precision): on fresh drafts most words the speller flagged wrongly were
    # compounds Russian builds freely — a combining form before a known word, or hyphenated known
    # words. A slip inside the known part is still a slip.
    text = (
        "Здравствуйте, Олег! Собаку осмотрели в ветклинике, стоянку электросамокатов проверит "
        "госстройнадзор, фасад получит архитектурно-художественную подсветку, тротуары посыпают "
        "песчано-соляной смесью. Спецыалист выедет в понедельник, аварийно-востановительные работы "
        "завершат к вечеру."
    )
    flagged = {m.text for m in validator.check_spelling(text).matches}
    assert not flagged & {
        "ветклинике",
        "электросамокатов",
        "госстройнадзор",
        "архитектурно-художественную",
        "песчано-соляной",
    }
    assert {"Спецыалист", "аварийно-востановительные"} <= flagged
