"""Why a message needs no answer: the frequent reasons and which one fits a message's text (issue 18).

The operator always chooses; a reason is offered (never silently preselected) only when the text
fits it — a thank-you without a question or request gets «Благодарность, ответ не требуется».
"""

from __future__ import annotations

import re

SPAM = "Спам или реклама"
THANKS = "Благодарность, ответ не требуется"
REPEAT = "Повтор уже полученного сообщения"
NO_QUESTION = "Не содержит вопроса или просьбы к администрации"

CLOSE_REASONS = (THANKS, NO_QUESTION, REPEAT, SPAM)

_THANKS = re.compile(r"\b(спасибо|благодар\w*|признательн\w*)", re.IGNORECASE)
# A question or a request still wants an answer, however polite (R4: every question is answered).
_ASKS = re.compile(
    r"\?|\b(прошу|просим|пожалуйста|когда|почему|зачем|сколько|требуем|помогите|примите|разберитесь)\b",
    re.IGNORECASE,
)


def suggest_close_reason(text: str) -> str | None:
    """The reason that fits ``text``, or None when nothing clearly fits (the operator writes one)."""
    if _THANKS.search(text) and not _ASKS.search(text):
        return THANKS
    return None
