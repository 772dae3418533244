"""Format rules (R10) and questions/coverage (R7 (3), R8)."""

from __future__ import annotations

import pytest

from desktop_app.domain.validation import FormatChecker, QuestionAnalyzer, UnknownPlatformError


@pytest.fixture(scope="module")
def fmt() -> FormatChecker:
    return FormatChecker()


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_telegram_limit_counts_utf16(fmt: FormatChecker) -> None:
    text = "😀" * 2048  # 2048 code points, 4096 UTF-16 units: exactly at the limit
    assert codes(fmt.check(text, "telegram")) == []
    assert codes(fmt.check(text + "а", "telegram")) == ["too_long"]
    assert codes(fmt.check("а" * 4097, "vk")) == ["too_long"]
    assert codes(fmt.check("а" * 5000, "ok")) == []  # no published limit


def test_telegram_caption_limit_with_attachments(fmt: FormatChecker) -> None:
    assert codes(fmt.check("а" * 1500, "telegram", ["photo"])) == ["too_long_caption"]


def test_limits_are_data() -> None:
    data = {
        "platforms": {"x": {"title": "X", "max_chars": 5, "attachments": [], "max_attachments": 0}},
        "markup_patterns": {"markdown": [], "html": []},
        "letterhead_patterns": [],
        "legal_citation_patterns": [],
        "attachment_mention_patterns": [],
    }
    assert codes(FormatChecker(data).check("123456", "x")) == ["too_long"]


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("Здравствуйте! **Важно**: работы идут.", ["markdown_markup"]),
        ("Здравствуйте! Подробнее [здесь](https://example.org).", ["markdown_markup"]),
        ("Здравствуйте!<br>Работы идут.", ["html_markup"]),
        ("Здравствуйте!&nbsp;Работы идут.", ["html_markup"]),
        ("Исх. № 12-3/45\nЗдравствуйте!", ["letterhead"]),
        ("На Ваш вх. № 17 от 01.02.2025 сообщаем.", ["letterhead"]),
        ("В соответствии с Федеральным законом от 02.05.2006 № 59-ФЗ ответ дан.", ["legal_citation"]),
        ("Работы выполнены, фото прилагаем.", ["attachment_missing"]),
        ("Результат см. видео.", ["attachment_missing"]),
        ("", ["empty"]),
        ("Здравствуйте! Работы выполнены 5 мая, * звёздочка в тексте.", []),
    ],
)
def test_plain_text_rules(fmt: FormatChecker, draft: str, expected: list[str]) -> None:
    assert codes(fmt.check(draft, "vk")) == expected


def test_attachments(fmt: FormatChecker) -> None:
    assert codes(fmt.check("Фото прилагаем.", "vk", ["photo"])) == []
    assert codes(fmt.check("Ответ.", "youtube", ["photo"])) == ["attachments_not_supported"]
    assert codes(fmt.check("Ответ.", "vk", ["photo"] * 11)) == ["too_many_attachments"]
    assert codes(fmt.check("Ответ.", "ok", ["document"])) == ["attachment_kind_not_supported"]
    with pytest.raises(UnknownPlatformError, match="Неизвестная площадка"):
        fmt.check("Ответ.", "myspace")


@pytest.mark.parametrize("platform", ["vk_video", "rutube", "youtube"])
def test_a_video_platforms_reply_carries_no_photo(fmt: FormatChecker, platform: str) -> None:
    # A reply on a video platform is a comment under the video: no photo goes with it (CORPUS-SCHEMA,
    # the works-done hint's platform rule) — a photo there is refused before publication (R10).
    assert codes(fmt.check("Ответ.", platform, ["photo"])) == ["attachments_not_supported"]
    assert fmt.hard_problems("Ответ.", platform, ["photo"])


def test_fragment_offsets(fmt: FormatChecker) -> None:
    draft = "Здравствуйте! <b>Ответ</b>"
    issue = fmt.check(draft)[0]
    assert draft[issue.offset : issue.offset + issue.length] == "<b>"


MESSAGE = (
    "Добрый день! На улице Ленина у дома 15 не горят фонари. Когда их починят? "
    "Будет ли убран снег во дворе\nпочему не вывозят мусор\n"
    "Прошу принять меры. Разберитесь с управляющей компанией! Посмотрите, что творится."
)


def test_extraction_kinds_and_order(validator) -> None:
    items = validator.questions.extract(MESSAGE)
    assert [(q.text, q.kind) for q in items] == [
        ("Когда их починят?", "explicit"),
        ("Будет ли убран снег во дворе", "explicit"),
        ("почему не вывозят мусор", "explicit"),
        ("Прошу принять меры.", "implicit"),
        ("Разберитесь с управляющей компанией!", "implicit"),
    ]
    for q in items:
        assert MESSAGE[q.offset : q.offset + q.length] == q.text


def test_coverage_maps_answer_sentence(validator) -> None:
    draft = (
        "Здравствуйте, Иван! Светильники у дома 15 по ул. Ленина заменят до 20 ноября. "
        "Снег во дворе уберут завтра. Спасибо за обращение."
    )
    items = validator.questions.analyse("На улице Ленина у дома 15 не горят фонари. Когда их починят?", draft)
    (item,) = items
    assert item.covered
    assert item.answer is not None
    answer = draft[item.answer.offset : item.answer.offset + item.answer.length]
    assert answer.startswith("Светильники у дома 15")


def test_when_question_needs_a_time(validator) -> None:
    items = validator.questions.analyse(
        "Когда отремонтируют дорогу на улице Мира?", "Здравствуйте! Дорогу на улице Мира отремонтируют."
    )
    assert [q.covered for q in items] == [False]


def test_number_must_reappear(validator) -> None:
    (item,) = validator.questions.analyse(
        "Когда уберут свалку у дома 45?", "Здравствуйте! Свалку уберут до 10 мая."
    )
    assert not item.covered
    assert "45" in item.missing


def test_lexical_only_without_vectors() -> None:
    analyzer = QuestionAnalyzer(vectors=None)
    (item,) = analyzer.analyse(
        "Когда уберут снег на улице Мира?", "Здравствуйте! Снег на улице Мира уберут до пятницы."
    )
    assert item.covered
