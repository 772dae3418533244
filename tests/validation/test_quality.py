"""Answer-quality hints (advisory, the panel's fourth section): each fires where it should and not elsewhere."""

from __future__ import annotations

import pytest

from desktop_app.domain.validation import DraftValidator
from desktop_app.domain.validation.quality import MESSAGES, QualityAdvisor

MESSAGE = "Во дворе дома 4 на улице Садовой упало дерево. Уберите его, пожалуйста."


def codes(
    draft: str, platform: str | None = "vk", attachments: tuple[str, ...] = (), questions: int = 1
) -> set[str]:
    return {h.code for h in QualityAdvisor().check(MESSAGE, draft, platform, attachments, questions)}


def test_formal_reply_is_a_draft_without_action_term_or_party() -> None:
    assert "formal_reply" in codes(
        "Здравствуйте, Ирина! Ваше обращение рассмотрено. Информация принята к сведению."
    )
    assert "formal_reply" in codes("Здравствуйте, Ирина! Благодарим за обращение.")
    assert "formal_reply" not in codes(
        "Здравствуйте, Ирина! Упавшее дерево во дворе дома 4 на улице Садовой уберёт МБУ «Благоустройство» до 6 июня."
    )
    # A reply to a plain «спасибо» is not an «отписка».
    assert "formal_reply" not in codes("Здравствуйте, Ирина! Спасибо за добрые слова.", questions=0)
    # Nor is a request for details.
    assert "formal_reply" not in codes("Здравствуйте, Ирина! Уточните, пожалуйста, номер дома.")


def test_full_name_of_a_legal_act() -> None:
    full = (
        "Здравствуйте, Ирина! Порядок установлен Федеральным законом от 24.06.1998 № 89-ФЗ «Об отходах "
        "производства и потребления». Дерево уберут до 6 июня."
    )
    assert "legal_act_full_name" in codes(full)
    short = "Здравствуйте, Ирина! По закону об отходах дерево уберёт подрядчик до 6 июня."
    assert "legal_act_full_name" not in codes(short)


def test_participle_chain() -> None:
    chain = (
        "Здравствуйте, Ирина! Вопросы, связанные с содержанием зелёных насаждений, расположенных на территориях, "
        "закреплённых за управляющими организациями, рассматриваются уполномоченными органами в установленном порядке."
    )
    assert "participle_chain" in codes(chain)
    assert "participle_chain" not in codes(
        "Здравствуйте, Ирина! Дерево во дворе дома 4 уберёт подрядчик до 6 июня, а пень выкорчуют летом."
    )


def test_sent_elsewhere_without_a_contact() -> None:
    assert "sent_elsewhere_no_contact" in codes(
        "Здравствуйте, Ирина! Вам следует обратиться в управляющую компанию."
    )
    assert "sent_elsewhere_no_contact" not in codes(
        "Здравствуйте, Ирина! Вам следует обратиться в управляющую компанию «Уют» по телефону 8 (3452) 39-12-12."
    )
    assert "sent_elsewhere_no_contact" not in codes(
        "Здравствуйте, Ирина! Дерево уберут до 6 июня. Если вопросы останутся, обращайтесь к нам повторно."
    )


@pytest.mark.parametrize(
    ("platform", "attachments", "expected"),
    [("vk", (), True), ("vk", ("photo",), False), ("youtube", (), False), ("rutube", (), False)],
)
def test_works_done_without_a_photo_where_the_platform_allows_one(platform, attachments, expected) -> None:
    draft = "Здравствуйте, Ирина! Упавшее дерево во дворе дома 4 на улице Садовой убрано 6 июня."
    assert ("works_done_no_photo" in codes(draft, platform, attachments)) is expected
    assert "works_done_no_photo" not in codes(
        "Здравствуйте, Ирина! Упавшее дерево во дворе дома 4 будет убрано до 6 июня.", platform, attachments
    )


def test_hints_are_advisory_and_explain_themselves(validator: DraftValidator) -> None:
    report = validator.validate(
        MESSAGE,
        "Здравствуйте, Ирина! Упавшее дерево во дворе дома 4 на улице Садовой убрано 6 июня.",
        author_name="Ирина",
        platform="vk",
    )
    assert [h.code for h in report.quality.hints] == ["works_done_no_photo"]
    assert report.ok  # advisory: never changes the verdict
    for message in MESSAGES.values():
        assert message.endswith(".") and message.count(". ") == 0  # one Russian sentence each
