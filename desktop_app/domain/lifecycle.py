"""The message lifecycle of the regulation as pure data: states, roles, actions, transitions.

new → routed | redirecting → redirected | closed
routed → under_review → rework ↺ → publishing → answered | interim | clarification
interim → (final draft, R9) under_review; clarification → (author reply) routed.
"""

from __future__ import annotations

from enum import StrEnum


class MessageState(StrEnum):
    NEW = "new"  # поступило
    ROUTED = "routed"  # у исполнителя
    REDIRECTING = "redirecting"  # перенаправляется (waiting for the Incident system, R2)
    REDIRECTED = "redirected"  # перенаправлено
    CLOSED = "closed"  # не требует ответа
    UNDER_REVIEW = "under_review"  # на проверке
    REWORK = "rework"  # на доработке
    PUBLISHING = "publishing"  # отправляется
    ANSWERED = "answered"  # ответ дан
    INTERIM = "interim"  # промежуточный ответ, ждём окончательный (R9)
    CLARIFICATION = "clarification"  # запрос уточнения, ждём автора


class Role(StrEnum):
    OPERATOR = "operator"
    EXECUTOR = "executor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class ChannelKind(StrEnum):
    SOCIAL_NETWORK = "social_network"
    VIDEO_HOSTING = "video_hosting"
    MESSENGER = "messenger"


class DraftKind(StrEnum):
    ANSWER = "answer"
    INTERIM = "interim"
    CLARIFICATION = "clarification"


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


class OutboundAction(StrEnum):
    REDIRECT = "redirect"
    ANSWER = "answer"
    INTERIM = "interim"
    CLARIFICATION = "clarification"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    FAILED = "failed"  # permanently refused by the Incident system; needs a person


class Action(StrEnum):
    """User actions on a message; each is allowed from some states and for some roles."""

    ROUTE = "route"
    REDIRECT = "redirect"
    CLOSE = "close"
    SAVE_DRAFT = "save_draft"
    SUBMIT_DRAFT = "submit_draft"
    HAND_BACK = "hand_back"
    APPROVE_AND_PUBLISH = "approve_and_publish"
    RETURN_FOR_REWORK = "return_for_rework"
    REASSIGN = "reassign"


ALLOWED_FROM: dict[Action, frozenset[MessageState]] = {
    Action.ROUTE: frozenset({MessageState.NEW}),
    Action.REDIRECT: frozenset({MessageState.NEW}),
    Action.CLOSE: frozenset({MessageState.NEW}),
    Action.SAVE_DRAFT: frozenset({MessageState.ROUTED, MessageState.REWORK, MessageState.INTERIM}),
    Action.SUBMIT_DRAFT: frozenset({MessageState.ROUTED, MessageState.REWORK, MessageState.INTERIM}),
    Action.HAND_BACK: frozenset({MessageState.ROUTED, MessageState.REWORK}),
    Action.APPROVE_AND_PUBLISH: frozenset({MessageState.UNDER_REVIEW}),
    Action.RETURN_FOR_REWORK: frozenset({MessageState.UNDER_REVIEW}),
    Action.REASSIGN: frozenset(
        {MessageState.ROUTED, MessageState.REWORK, MessageState.UNDER_REVIEW, MessageState.INTERIM}
    ),
}

ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.ROUTE: frozenset({Role.OPERATOR}),
    Action.REDIRECT: frozenset({Role.OPERATOR}),
    Action.CLOSE: frozenset({Role.OPERATOR}),
    Action.SAVE_DRAFT: frozenset({Role.EXECUTOR}),
    Action.SUBMIT_DRAFT: frozenset({Role.EXECUTOR}),
    Action.HAND_BACK: frozenset({Role.EXECUTOR}),
    Action.APPROVE_AND_PUBLISH: frozenset({Role.OPERATOR}),
    Action.RETURN_FOR_REWORK: frozenset({Role.OPERATOR}),
    Action.REASSIGN: frozenset({Role.OPERATOR, Role.SUPERVISOR}),
}

PUBLISHED_STATE: dict[DraftKind, MessageState] = {
    DraftKind.ANSWER: MessageState.ANSWERED,
    DraftKind.INTERIM: MessageState.INTERIM,
    DraftKind.CLARIFICATION: MessageState.CLARIFICATION,
}

OPEN_STATES = frozenset(
    {
        MessageState.NEW,
        MessageState.ROUTED,
        MessageState.REDIRECTING,
        MessageState.UNDER_REVIEW,
        MessageState.REWORK,
        MessageState.PUBLISHING,
        MessageState.INTERIM,
    }
)


# R7's three confirmations follow the draft's kind (issue 13): the third one is what the kind must
# do — an answer answers every question, an interim answer says what is being done and by when
# (R9), a clarification request asks the author something. Greeting and spelling are the same.
REVIEW_CONFIRMATIONS: dict[DraftKind, tuple[str, str, str]] = {
    DraftKind.ANSWER: (
        "Автор поприветствован",
        "Нет грамматических и орфографических ошибок",
        "Даны ответы на все вопросы сообщения",
    ),
    DraftKind.INTERIM: (
        "Автор поприветствован",
        "Нет грамматических и орфографических ошибок",
        "Сказано, что делается и когда будет окончательный ответ",
    ),
    DraftKind.CLARIFICATION: (
        "Автор поприветствован",
        "Нет грамматических и орфографических ошибок",
        "Автору задан уточняющий вопрос",
    ),
}


def is_allowed(action: Action, state: MessageState) -> bool:
    return state in ALLOWED_FROM[action]
