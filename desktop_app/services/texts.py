"""Russian names the services put into messages for the user (one catalogue)."""

from desktop_app.domain.lifecycle import Action, DraftKind, MessageState, Role

STATE_NAMES: dict[MessageState, str] = {
    MessageState.NEW: "поступило",
    MessageState.ROUTED: "у исполнителя",
    MessageState.REDIRECTING: "перенаправляется",
    MessageState.REDIRECTED: "перенаправлено",
    MessageState.CLOSED: "не требует ответа",
    MessageState.UNDER_REVIEW: "на проверке",
    MessageState.REWORK: "на доработке",
    MessageState.PUBLISHING: "отправляется",
    MessageState.ANSWERED: "ответ дан",
    MessageState.INTERIM: "промежуточный ответ",
    MessageState.CLARIFICATION: "запрос уточнения",
}

ROLE_NAMES: dict[Role, str] = {
    Role.OPERATOR: "сотрудник отдела по обращениям граждан",
    Role.EXECUTOR: "исполнитель",
    Role.SUPERVISOR: "руководитель",
    Role.ADMIN: "администратор",
}

ACTION_NAMES: dict[Action, str] = {
    Action.ROUTE: "направить исполнителю",
    Action.REDIRECT: "перенаправить",
    Action.CLOSE: "закрыть как не требующее ответа",
    Action.SAVE_DRAFT: "сохранить черновик",
    Action.SUBMIT_DRAFT: "отправить на проверку",
    Action.HAND_BACK: "вернуть в отдел по обращениям граждан",
    Action.APPROVE_AND_PUBLISH: "опубликовать",
    Action.RETURN_FOR_REWORK: "вернуть на доработку",
    Action.REASSIGN: "передать другому подразделению",
}

DRAFT_KIND_NAMES: dict[DraftKind, str] = {
    DraftKind.ANSWER: "ответ",
    DraftKind.INTERIM: "промежуточный ответ",
    DraftKind.CLARIFICATION: "запрос уточнения",
}

STAGE_NAMES: dict[str, str] = {
    "route": "направление исполнителю",
    "redirect": "перенаправление",
    "draft": "подготовка проекта ответа",
    "review": "проверка и размещение",
    "rework": "доработка",
    "overall": "ответ автору (8 часов)",
    "final_after_interim": "окончательный ответ после промежуточного",
    "awaiting_author": "ожидание ответа автора",  # not a deadline: shown while a clarification waits
}
