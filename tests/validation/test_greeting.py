"""Greeting check (R7, point 1)."""

from __future__ import annotations

import pytest

from desktop_app.domain.validation import GreetingChecker, parse_author_name


@pytest.fixture(scope="module")
def checker() -> GreetingChecker:
    return GreetingChecker()


@pytest.mark.parametrize(
    ("draft", "author", "codes"),
    [
        ("Здравствуйте, Иван! Ваше обращение рассмотрено.", "Иван Петров", []),
        ("Здравствуйте Иван! Ваше обращение рассмотрено.", "Иван Петров", ["missing_comma"]),
        ("Добрый день Мария, ответ ниже.", "Мария", ["missing_comma"]),
        ("здравствуйте, иван!", "Иван Петров", ["lowercase_greeting", "lowercase_name"]),
        ("Добрый день, Мария!", "Ольга Сергеевна К.", ["name_mismatch"]),
        ("Добрый день, Ольга Сергеевна!", "Ольга Сергеевна К.", []),
        ("Добрый день, Ольга Петровна!", "Ольга Сергеевна К.", ["name_mismatch"]),
        ("Уважаемый Мария!", "Мария", ["gender_mismatch"]),
        ("Уважаемая Мария! Сообщаем…", "Мария", []),
        ("Здравствуйте, уважаемый Иван Петрович!", "Иван", []),
        ("Здравствуйте, уважаемая Иван!", "Иван", ["gender_mismatch"]),
        ("Здравствуйте!", "kot_vasya", []),
        ("Доброго времени суток!", None, []),
        ("Здравствуйте!", "Иван Петров", ["missing_name"]),
        ("Ваше обращение рассмотрено.", "Иван", ["missing_greeting"]),
        ("Ваше обращение рассмотрено.", "kot_vasya", ["missing_greeting"]),
        ("Добрый вечер, Саша!", "Александр Иванов", []),
        ("Здравствуйте, Александр!", "Саша", []),
        ("Доброе утро, Женя!", "Евгения", []),
        ("Здравствуйте! Иван, ваше обращение рассмотрено.", "Иван", []),
        ("Исх. № 15\nЗдравствуйте, Иван!", "Иван", []),
        # The name first, then the greeting (session 6): a usual opening, checked as strictly as any.
        ("Олег, добрый вечер! Двор расчистят к утру.", "Олег Смирнов", []),
        ("Вера Павловна, здравствуйте.", "Вера Павловна Н.", []),
        ("Олег, здравствуйте!", "Ирина Смирнова", ["name_mismatch"]),
        ("олег, здравствуйте!", "Олег", ["lowercase_name"]),
        ("Вера Ильинична, здравствуйте!", "Вера Павловна Н.", ["name_mismatch"]),
        ("Благодарим, здравствуйте!", "Олег", ["missing_greeting"]),
        ("Двор расчищен, добрый вечер.", "Олег", ["missing_greeting"]),
    ],
)
def test_greeting_issue_codes(
    checker: GreetingChecker, draft: str, author: str | None, codes: list[str]
) -> None:
    issues = checker.check(draft, author)
    assert [i.code for i in issues] == codes
    assert all(i.message and i.message[0].isupper() for i in issues)


def test_messages_are_specific(checker: GreetingChecker) -> None:
    (issue,) = checker.check("Здравствуйте Иван!", "Иван")
    assert "«Здравствуйте, Иван»" in issue.message
    (issue,) = checker.check("Уважаемый Мария!", "Мария")
    assert "Уважаемая Мария" in issue.message


@pytest.mark.parametrize(
    ("profile", "first", "patronymic", "gender"),
    [
        ("Иван Петров", "Иван", None, "masc"),
        ("Мария", "Мария", None, "femn"),
        ("Ольга Сергеевна К.", "Ольга", "Сергеевна", "femn"),
        ("Петров Иван", "Иван", None, "masc"),
        ("kot_vasya", None, None, None),
        ("Саша", "Саша", None, None),
        ("", None, None, None),
    ],
)
def test_author_names(checker: GreetingChecker, profile, first, patronymic, gender) -> None:
    author = parse_author_name(profile, checker.names)
    assert (author.first, author.patronymic, author.gender) == (first, patronymic, gender)
