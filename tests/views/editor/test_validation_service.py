"""The Qt-free ValidationService behind the editor and the review screen."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from desktop_app.services.validation import (
    ValidationService,
    attachment_kind,
    failed_check_codes,
)
from desktop_app.settings import Settings
from tests.views.editor.support import FakeProofreader, Setup

MESSAGE = "Когда отремонтируют дорогу на улице Мира?"
GOOD = "Здравствуйте, Иван! Дорогу на улице Мира отремонтируют до 1 июня."


def test_greeting_for_names_and_nicknames(validation: ValidationService) -> None:
    assert validation.greeting_for("Иван Петров") == "Здравствуйте, Иван!"
    assert validation.greeting_for("Петрова Мария") == "Здравствуйте, Мария!"
    assert validation.greeting_for("kot_vasya") == "Здравствуйте!"
    assert validation.greeting_for("") == "Здравствуйте!"


def test_report_codes_and_unknown_platform(validation: ValidationService) -> None:
    report = validation.validate(MESSAGE, GOOD, "Иван Петров", "vk")
    assert report.ok and failed_check_codes(report) == []
    bad = validation.validate(MESSAGE, "ваше обращение расмотрено", "Иван Петров", "no_such_platform")
    assert failed_check_codes(bad) == ["greeting", "spelling", "questions"]
    too_long = validation.validate(MESSAGE, GOOD + " Спасибо." * 600, "Иван Петров", "telegram")
    assert "format" in failed_check_codes(too_long)
    assert attachment_kind("image/png") == "photo" and attachment_kind("video/mp4") == "video"
    assert validation.platform_rules("telegram").length("🙂") == 2
    assert validation.platform_rules("nowhere") is None


def test_dictionary_words_refresh_and_a_failing_source_does_not_stop_checks(setup: Setup) -> None:
    words: list[str] = []
    calls = {"n": 0}

    def source() -> list[str]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database is down")
        return list(words)

    service = ValidationService(Settings(), source, proofreader=FakeProofreader())
    draft = "Здравствуйте, Иван! Работы выполнит Дорремстрой."
    assert [m.text for m in service.validate(MESSAGE, draft).spelling.matches] == []
    draft = "Здравствуйте, Иван! Работы выполнит вместе с Дорремстроем."
    assert [m.text for m in service.validate(MESSAGE, draft).spelling.matches] == ["Дорремстроем"]
    words.append("Дорремстрой")
    service.refresh_dictionary()
    assert service.validate(MESSAGE, draft).spelling.matches  # source failed: old words, still checks
    assert service.validate(MESSAGE, draft).spelling.matches == ()  # retried: the word is accepted


def test_validate_is_thread_safe(validation: ValidationService) -> None:
    drafts = [GOOD, "Здравствуйте! Ваше обращение расмотрено.", GOOD + " Спасибо."] * 4
    expected = [validation.validate(MESSAGE, d, "Иван Петров", "vk").to_json_dict() for d in drafts]
    with ThreadPoolExecutor(4) as pool:
        got = list(
            pool.map(lambda d: validation.validate(MESSAGE, d, "Иван Петров", "vk").to_json_dict(), drafts)
        )
    assert got == expected
