"""Russian user-facing texts of draft validation (R7, R8, R10), kept in one catalogue.

The logic modules refer to these by name; rule-pack messages live in
``resources/validation/rule_pack.json`` next to their patterns.
"""

from __future__ import annotations

# Greeting (R7, point 1)
MISSING_GREETING = (
    "Ответ не начинается с приветствия. Начните с «Здравствуйте» или «Добрый день» и обратитесь к автору."
)
LOWERCASE_GREETING = "Приветствие в начале ответа пишется с прописной буквы: «{expected}»."
MISSING_COMMA = "После приветствия перед обращением нужна запятая: «{expected}»."
MISSING_NAME = "Автор указал имя «{name}»: обратитесь к нему по имени, например «Здравствуйте, {name}!»."
NAME_MISMATCH = "Имя в обращении «{found}» не совпадает с именем автора в профиле «{expected}»."
LOWERCASE_NAME = "Имя в обращении пишется с прописной буквы: «{expected}»."
GENDER_MISMATCH = "Обращение «{address}» не согласуется с именем «{name}»: нужно «{expected}»."
PATRONYMIC_MISMATCH = "Отчество в обращении «{found}» не совпадает с отчеством автора в профиле «{expected}»."

# Spelling (R7, point 2)
ENGINE_FALLBACK_NOTICE = (
    "Сервер LanguageTool недоступен ({reason}); орфография проверена встроенным модулем pylat-ru."
)
PUBLIC_SERVICE_REFUSED = (
    "Адрес «{url}» — общедоступный сервис LanguageTool. Тексты обращений граждан нельзя отправлять во внешние "
    "сервисы: укажите сервер LanguageTool администрации или используйте встроенную проверку."
)
LANGUAGETOOL_NOT_CONFIGURED = "не указан ни адрес сервера LanguageTool, ни каталог его локальной установки"
LANGUAGETOOL_UNREACHABLE = "сервер {url} не отвечает: {error}"
LANGUAGETOOL_JAR_MISSING = "в каталоге «{path}» нет файла languagetool-server.jar"
LANGUAGETOOL_JAVA_MISSING = "не найдена программа Java «{path}»"
LANGUAGETOOL_START_TIMEOUT = "локальный сервер LanguageTool не ответил за {seconds:.0f} с (журнал: {log})"
LANGUAGETOOL_EXITED = "локальный сервер LanguageTool завершился с кодом {code} (журнал: {log})"
SPELLING_ENGINE_FAILED = "Проверка орфографии не выполнена: {reason}."

# Format (R10)
EMPTY_DRAFT = "Текст ответа пуст."
CLARIFICATION_NO_QUESTION = "Запрос уточнения ничего не спрашивает у автора: задайте уточняющий вопрос."
INTERIM_NO_ACTION = "Промежуточный ответ не говорит, что делается по обращению."
INTERIM_NO_DEADLINE = "Промежуточный ответ не говорит, когда будет окончательный ответ или результат."
TOO_LONG = "Ответ длиннее допустимого для площадки «{platform}»: {length} знаков при пределе {limit}."
TOO_LONG_CAPTION = (
    "С вложениями текст уходит подписью к ним, а подпись на площадке «{platform}» ограничена {limit} знаками; "
    "в ответе {length}."
)
MARKDOWN_MARKUP = (
    "В ответе осталась разметка Markdown («{fragment}»): площадка покажет её как есть. Уберите её."
)
HTML_MARKUP = (
    "В ответе остались HTML-теги или сущности («{fragment}»): площадка покажет их как есть. Уберите их."
)
LETTERHEAD = "Канцелярские реквизиты письма («{fragment}») в ответе в соцсети не нужны."
LEGAL_CITATION = "Ссылка на нормативный акт «{fragment}» без пояснения: объясните простыми словами, что он означает для автора."
ATTACHMENT_MISSING = "В тексте упомянуты фото или видео («{fragment}»), но вложений нет."
ATTACHMENTS_NOT_SUPPORTED = (
    "Площадка «{platform}» не позволяет прикладывать файлы к ответу; вложений: {count}."
)
ATTACHMENT_KIND_NOT_SUPPORTED = "Площадка «{platform}» не принимает вложения вида «{kind}»."
TOO_MANY_ATTACHMENTS = (
    "На площадке «{platform}» к ответу можно приложить не больше {limit} файлов; вложений: {count}."
)

# Errors
UNKNOWN_PLATFORM = "Неизвестная площадка «{platform}». Допустимые значения: {known}."

ATTACHMENT_KIND_TITLES = {
    "photo": "фото",
    "video": "видео",
    "document": "документ",
    "file": "файл",
}
