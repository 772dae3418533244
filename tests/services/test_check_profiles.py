"""Check profiles by draft kind and hard/soft platform limits (issue 13, R7–R10)."""

from __future__ import annotations

import threading

import pytest

from desktop_app.domain.validation import DraftValidator
from desktop_app.domain.validation.format import FormatChecker
from desktop_app.domain.validation.proofreading import ProofreadingResult
from desktop_app.services.validation import CHECK_KIND, CHECK_QUESTIONS, failed_check_codes

MESSAGE = "Когда отремонтируют дорогу на улице Мира? И уберут ли мусор во дворе дома 5?"


class SilentProofreader:
    """Finds no spelling errors: these tests are about the profiles, not the engine."""

    name = "stub"

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.ready.set()

    def start(self) -> None:
        pass

    def proofread(self, text: str) -> ProofreadingResult:
        return ProofreadingResult("stub", ())

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def validator() -> DraftValidator:
    return DraftValidator(SilentProofreader(), vectors=None)


def test_a_clarification_must_ask_something_and_need_not_answer_everything(validator: DraftValidator) -> None:
    asks = validator.validate(
        MESSAGE,
        "Здравствуйте, Иван! Уточните, пожалуйста, номер дома?",
        "Иван Петров",
        "vk",
        kind="clarification",
    )
    assert asks.ok and asks.uncovered_questions == ()
    assert CHECK_QUESTIONS not in failed_check_codes(asks)
    silent = validator.validate(
        MESSAGE, "Здравствуйте, Иван! Мы получили ваше сообщение.", "Иван Петров", "vk", kind="clarification"
    )
    assert not silent.ok
    assert [i.code for i in silent.kind_rules.issues] == ["clarification_no_question"]
    assert failed_check_codes(silent) == [CHECK_KIND]
    assert silent.to_json_dict()["kind"]["profile"] == "clarification"


def test_an_interim_answer_must_say_what_is_being_done_and_by_when(validator: DraftValidator) -> None:
    good = validator.validate(
        MESSAGE,
        "Здравствуйте, Иван! Обращение передано в дорожную службу, окончательный ответ дадим до 20 мая.",
        "Иван Петров",
        "vk",
        kind="interim",
    )
    assert good.ok and good.uncovered_questions == ()
    vague = validator.validate(
        MESSAGE, "Здравствуйте, Иван! Спасибо за сообщение.", "Иван Петров", "vk", kind="interim"
    )
    assert [i.code for i in vague.kind_rules.issues] == ["interim_no_action", "interim_no_deadline"]
    assert not vague.ok


def test_the_final_answer_after_an_interim_one_is_checked_against_all_questions(
    validator: DraftValidator,
) -> None:
    thread = MESSAGE + "\n\nИ ещё: когда поставят новый фонарь у подъезда?"
    final = validator.validate(
        thread,
        "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня. Мусор во дворе дома 5 уберут завтра.",
        "Иван Петров",
        "vk",
        kind="answer",
    )
    assert final.uncovered_questions, "the author's later question must be answered too"
    assert CHECK_QUESTIONS in failed_check_codes(final)


def test_hard_limits_are_what_the_platform_cannot_carry_soft_ones_only_warn() -> None:
    checker = FormatChecker()
    text = "Здравствуйте! " + "а" * 4955  # 4969 characters
    assert len(text) == 4969
    assert any("Telegram" in p for p in checker.hard_problems(text, "telegram"))
    assert checker.hard_problems("Здравствуйте! Фото прилагаем.", "youtube", ["photo"])
    # A long caption next to a photo is a soft warning: the check reports it, publishing is allowed.
    caption = "Здравствуйте! " + "б" * 1100
    assert checker.hard_problems(caption, "telegram", ["photo"]) == []
    assert "too_long_caption" in [i.code for i in checker.check(caption, "telegram", ["photo"])]
    assert checker.hard_problems(text, "unknown-platform") == []
