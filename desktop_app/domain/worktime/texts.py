"""Every Russian user-facing string of the working-time package (one catalogue, no logic elsewhere)."""

from __future__ import annotations

WEEKDAYS_SHORT: tuple[str, ...] = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")

MONTHS_NOMINATIVE: tuple[str, ...] = (
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n``: 1 час, 2 часа, 5 часов."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def duration_phrase(amount: int, unit: str) -> str:
    """«1 рабочий час», «30 рабочих минут», «7 рабочих дней»."""
    if unit == "m":
        words = plural(amount, "рабочая минута", "рабочие минуты", "рабочих минут")
    elif unit == "h":
        words = plural(amount, "рабочий час", "рабочих часа", "рабочих часов")
    else:
        words = plural(amount, "рабочий день", "рабочих дня", "рабочих дней")
    return f"{amount} {words}"


def calendar_hours_phrase(hours: int) -> str:
    return f"{hours} {plural(hours, 'календарный час', 'календарных часа', 'календарных часов')}"


# --- errors -------------------------------------------------------------------------------------------

NAIVE_DATETIME = "Момент времени «{value}» указан без часового пояса; укажите смещение, например +03:00."
UNKNOWN_TIMEZONE = "Неизвестный часовой пояс «{tz}»."
YEAR_MISSING = (
    "Нет данных производственного календаря за {year} год: импортируйте календарь на {year} год "
    "или разрешите предварительный расчёт по статье 112 ТК РФ."
)
BAD_DURATION = "Неверная длительность «{value}»: ожидается целое положительное число с единицей m, h или d (например, 30m, 6h, 7d)."
BAD_INSTANT = "Неверный момент времени «{value}»: ожидается дата и время в формате ISO 8601, например 2026-05-12T09:10:00+03:00."
BAD_INTERVAL = "Неверный интервал рабочего времени «{value}»: {reason}."
INTERVAL_ORDER = "начало должно быть раньше конца, время в пределах 00:00–24:00"
INTERVAL_OVERLAP = "интервалы дня пересекаются или идут не по порядку"
BAD_TIME = "Неверное время «{value}»: ожидается ЧЧ:ММ."
EMPTY_WEEK = "В недельном графике нет ни одного рабочего интервала."
WEEK_LENGTH = "Недельный график должен описывать 7 дней (пн–вс), а описано {n}."
BAD_YEAR_DATA = "Данные календаря на {year} год: {reason}."
DATE_OUTSIDE_YEAR = "дата {day} не относится к {year} году"
BAD_DATE = "неверная дата «{value}»"
DUPLICATE_CUSTOM = "день {day} задан дважды"
DUPLICATE_YEAR = "год указан дважды"
BAD_FIELD = "поле «{field}» должно быть {expected}"

# --- importers -----------------------------------------------------------------------------------------

IMPORT_FAILED = "Файл календаря не принят: {reason}."
XML_SYNTAX = "строка {line}: XML повреждён ({error})"
XML_DOCTYPE = "строка {line}: объявления DOCTYPE не допускаются"
XML_ROOT = "корневой элемент должен быть <calendar>, а найден <{tag}>"
XML_YEAR = "строка {line}: неверный год «{value}» в атрибуте year"
XML_DAY_ATTR = "строка {line}: у элемента <day> нет атрибута «{attr}»"
XML_DAY_DATE = "строка {line}: неверная дата дня «{value}» (ожидается ММ.ДД)"
XML_DAY_TYPE = "строка {line}, день {day}: неизвестный тип t=«{value}» (допускается 1, 2 или 3)"
XML_DAY_DUP = "строка {line}: день {day} указан повторно"
XML_WORKING_NOT_WEEKEND = "строка {line}, день {day}: t=3 (рабочий выходной) указан для будничного дня"
XML_NO_DAYS = "в файле нет раздела <days>"
JSON_SYNTAX = "JSON повреждён (строка {line}, позиция {col}: {error})"
JSON_NOT_OBJECT = "ожидается объект JSON с полями year и months"
JSON_YEAR = "неверный год «{value}»"
JSON_MONTHS = "поле months должно быть списком из 12 месяцев"
JSON_MONTH = "элемент months №{index}: {reason}"
JSON_MONTH_NUMBER = "неверный номер месяца «{value}»"
JSON_MONTH_DUP = "месяц {month} указан повторно"
JSON_MONTH_MISSING = "нет данных за месяц {month}"
JSON_DAYS_FIELD = "поле days должно быть строкой"
DAY_TOKEN = "{where}: неверный день «{token}»"
DAY_RANGE = "{where}: дня «{token}» нет в этом месяце"
EMPTY_MONTH = "{where}: не указано ни одного нерабочего дня"
DAY_DUP = "{where}: день «{token}» указан повторно"
WHERE_MONTH = "{month} {year}"
WHERE_CSV = "строка {line}, столбец «{column}»"
CSV_EMPTY = "файл пуст"
CSV_ENCODING = "файл не в кодировке UTF-8 ({error})"
CSV_SYNTAX = "строка {line}: CSV повреждён ({error})"
CSV_HEADER = "строка 1: нет столбца «{column}»"
CSV_YEAR = "строка {line}: неверный год «{value}»"
CSV_YEAR_DUP = "строка {line}: год {year} указан повторно"
CSV_COLUMNS = "строка {line}: ожидается {expected} столбцов, а найдено {found}"
CSV_NO_ROWS = "в файле нет ни одной строки с данными"
CSV_NO_YEAR = "в файле нет строки за {year} год"
TOTAL_MISMATCH = "{where}: указано рабочих дней {stated}, а по списку дней получается {computed}"

# --- explanations (tooltips) ------------------------------------------------------------------------

EXPLAIN_ARRIVED = "поступило {start}"
EXPLAIN_CLOCK_FROM = " (нерабочее время, отсчёт с {clock})"
EXPLAIN_DUE = " → срок {due}: {duration}"
EXPLAIN_DAYS_FROM = " (считая со следующего дня)"
EXPLAIN_WEEKEND_ONE = "{days} — выходной"
EXPLAIN_WEEKEND_MANY = "{days} — выходные"
EXPLAIN_HOLIDAY_ONE = "{days} — нерабочий праздничный день"
EXPLAIN_HOLIDAY_MANY = "{days} — нерабочие праздничные дни"
EXPLAIN_CUSTOM_OFF = "{day} — нерабочий день ({reason})"
EXPLAIN_CUSTOM_HOURS = "{day} — особый график ({reason})"
EXPLAIN_SHORTENED = "{day} — сокращённый день (до {end})"
EXPLAIN_WORKING_WEEKEND = "{day} — рабочий выходной"
EXPLAIN_WEEKEND_SHORTENED = "{day} — рабочий выходной, сокращённый день (до {end})"
EXPLAIN_RANGE = "с {first} по {last}"
EXPLAIN_PROVISIONAL = "календарь на {year} год предварительный (только праздники ст. 112 ТК РФ)"
EXPLAIN_CALENDAR = "поступило {start} → срок {due}: {duration}"
CUSTOM_DEFAULT_REASON = "решение администрации"

STAGE_NAMES: dict[str, str] = {
    "route": "распределение исполнителю",
    "redirect": "перенаправление",
    "draft": "подготовка проекта ответа",
    "review": "проверка и публикация",
    "rework": "доработка",
    "overall": "ответ в целом",
    "final_after_interim": "окончательный ответ после промежуточного",
}

STATUS_NAMES: dict[str, str] = {
    "on_time": "в срок",
    "warning": "срок истекает",
    "overdue": "просрочено",
    "met": "выполнено в срок",
    "met_late": "выполнено с опозданием",
}

# --- command line (otklik worktime) -------------------------------------------------------------------

CLI_USAGE = """использование:
  otklik worktime add DURATION FROM [FROM ...]
  otklik worktime add DURATION -          (моменты FROM из стандартного ввода, по одному в строке)
  otklik worktime between FROM TO

DURATION: <n>m рабочих минут, <n>h рабочих часов, <n>d рабочих дней.
FROM, TO: ISO 8601; без смещения — в часовом поясе администрации ({tz}).
Коды выхода: 0 — успешно, 2 — неверные аргументы, 3 — год вне данных календаря."""
CLI_UNKNOWN_COMMAND = "неизвестная команда «{value}»; ожидается add или between"
CLI_NO_COMMAND = "не указана команда; ожидается add или between"
CLI_ADD_ARGS = "команде add нужны DURATION и хотя бы один FROM (или «-» для чтения из стандартного ввода)"
CLI_BETWEEN_ARGS = "команде between нужны ровно два момента: FROM и TO"
CLI_UNEXPECTED_OPTION = "неизвестный параметр «{value}»"
CLI_STDIN_LINE = "строка {line} стандартного ввода: {reason}"
