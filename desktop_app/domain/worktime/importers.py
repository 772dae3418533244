"""Importers of public production-calendar formats: text in, :class:`YearData` out.

Pure functions. Any malformed input raises :class:`CalendarImportError` whose Russian reason
names the line / month / day; nothing is returned half-parsed, so nothing is half-applied.

Normalisation shared by the JSON and CSV formats (which list every non-working day, weekends
included): a listed Saturday/Sunday becomes a ``holiday`` only when it is an art. 112 fixed
holiday or a transferred day off (``+``); a Saturday/Sunday not listed (or listed with ``*``) is a
working weekend day. This yields exactly the shape of the built-in data.
"""

from __future__ import annotations

import calendar as std_calendar
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from typing import Any
from xml.parsers import expat

from desktop_app.domain.worktime import texts
from desktop_app.domain.worktime.errors import CalendarDataError, CalendarImportError
from desktop_app.domain.worktime.model import YearData, is_art112_holiday

_TOKEN_RE = re.compile(r"^(\d{1,2})([*+]?)$")
_MIN_YEAR, _MAX_YEAR = 1990, 2200


def _check_year(value: Any, message: str) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise CalendarImportError(message) from None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise CalendarImportError(message)
    return year


def _build(year: int, holidays: set, working_weekends: set, shortened: set, source: str) -> YearData:
    try:
        return YearData(
            year=year,
            holidays=frozenset(holidays),
            working_weekends=frozenset(working_weekends),
            shortened=frozenset(shortened),
            source=source,
        )
    except CalendarDataError as exc:
        raise CalendarImportError(str(exc).rstrip(".")) from exc


def _working_days(data: YearData) -> int:
    first = dt.date(data.year, 1, 1)
    count = 0
    day = first
    while day.year == data.year:
        if day not in data.holidays and (day.weekday() < 5 or day in data.working_weekends):
            count += 1
        day += dt.timedelta(days=1)
    return count


def _check_total(data: YearData, stated: Any, where: str) -> None:
    """Cross-check a stated number of working days, when the file gives one."""
    if stated is None or str(stated).strip() == "":
        return
    try:
        stated_n = int(str(stated).strip())
    except ValueError:
        return
    computed = _working_days(data)
    if stated_n != computed:
        raise CalendarImportError(
            texts.TOTAL_MISMATCH.format(where=where, stated=stated_n, computed=computed)
        )


class _DayLists:
    """Accumulates per-month day lists (``1,2,8*,11+``) of the JSON and CSV formats."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.holidays: set[dt.date] = set()
        self.working_weekends: set[dt.date] = set()
        self.shortened: set[dt.date] = set()

    def add_month(self, month: int, cell: str, where: str) -> None:
        days_off: set[int] = set()
        short: set[int] = set()
        last_day = std_calendar.monthrange(self.year, month)[1]
        for raw in cell.split(","):
            token = raw.strip()
            if not token:
                if cell.strip():
                    raise CalendarImportError(texts.DAY_TOKEN.format(where=where, token=raw))
                continue
            match = _TOKEN_RE.match(token)
            if match is None:
                raise CalendarImportError(texts.DAY_TOKEN.format(where=where, token=token))
            number, mark = int(match.group(1)), match.group(2)
            if not 1 <= number <= last_day:
                raise CalendarImportError(texts.DAY_RANGE.format(where=where, token=token))
            if number in days_off or number in short:
                raise CalendarImportError(texts.DAY_DUP.format(where=where, token=token))
            day = dt.date(self.year, month, number)
            if mark == "*":
                short.add(number)
                self.shortened.add(day)
            else:
                days_off.add(number)
                if day.weekday() < 5 or mark == "+" or is_art112_holiday(day):
                    self.holidays.add(day)
        if not days_off:
            # Every real month has at least eight weekend days off: an empty list is a truncated file.
            raise CalendarImportError(texts.EMPTY_MONTH.format(where=where))
        for number in range(1, last_day + 1):
            day = dt.date(self.year, month, number)
            if day.weekday() >= 5 and number not in days_off:
                self.working_weekends.add(day)

    def build(self, source: str) -> YearData:
        return _build(self.year, self.holidays, self.working_weekends, self.shortened, source)


# --- xmlcalendar XML ---------------------------------------------------------------------------------


def parse_xmlcalendar_xml(text: str | bytes) -> YearData:
    """``<calendar year=".."><days><day d="MM.DD" t="1|2|3"/>`` — only exceptions are listed.

    t=1 day off, t=2 shortened working day (on a Sat/Sun it is also a working weekend day),
    t=3 working weekend day.
    """
    parser = expat.ParserCreate()
    state: dict[str, Any] = {"year": None, "root": None, "days": False}
    holidays: set[dt.date] = set()
    working_weekends: set[dt.date] = set()
    shortened: set[dt.date] = set()
    seen: set[dt.date] = set()

    def on_doctype(*_: Any) -> None:
        raise CalendarImportError(texts.XML_DOCTYPE.format(line=parser.CurrentLineNumber))

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        if state["root"] is None:
            state["root"] = tag
            if tag != "calendar":
                raise CalendarImportError(texts.XML_ROOT.format(tag=tag))
            state["year"] = _check_year(
                attrs.get("year"), texts.XML_YEAR.format(line=line, value=attrs.get("year", ""))
            )
            return
        if tag == "days":
            state["days"] = True
            return
        if tag != "day":
            return
        year = state["year"]
        for attr in ("d", "t"):
            if attr not in attrs:
                raise CalendarImportError(texts.XML_DAY_ATTR.format(line=line, attr=attr))
        raw_day = attrs["d"]
        match = re.fullmatch(r"(\d{2})\.(\d{2})", raw_day.strip())
        try:
            if match is None:
                raise ValueError(raw_day)
            day = dt.date(year, int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise CalendarImportError(texts.XML_DAY_DATE.format(line=line, value=raw_day)) from None
        if day in seen:
            raise CalendarImportError(texts.XML_DAY_DUP.format(line=line, day=raw_day))
        seen.add(day)
        kind = attrs["t"].strip()
        if kind == "1":
            holidays.add(day)
        elif kind == "2":
            shortened.add(day)
            if day.weekday() >= 5:
                working_weekends.add(day)
        elif kind == "3":
            if day.weekday() < 5:
                raise CalendarImportError(texts.XML_WORKING_NOT_WEEKEND.format(line=line, day=raw_day))
            working_weekends.add(day)
        else:
            raise CalendarImportError(texts.XML_DAY_TYPE.format(line=line, day=raw_day, value=attrs["t"]))

    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_doctype
    parser.StartElementHandler = on_start
    try:
        parser.Parse(text.encode("utf-8") if isinstance(text, str) else text, True)
    except expat.ExpatError as exc:
        message = expat.errors.messages.get(exc.code, str(exc)) if hasattr(exc, "code") else str(exc)
        raise CalendarImportError(texts.XML_SYNTAX.format(line=exc.lineno, error=message)) from None
    if not state["days"]:
        raise CalendarImportError(texts.XML_NO_DAYS)
    return _build(state["year"], holidays, working_weekends, shortened, "xmlcalendar XML")


# --- xmlcalendar JSON --------------------------------------------------------------------------------


def parse_xmlcalendar_json(text: str | bytes) -> YearData:
    """``{"year": 2028, "months": [{"month": 1, "days": "1,2,3,8*,11+"}, ...]}`` (all 12 months).

    Plain number = day off, ``*`` = shortened working day, ``+`` = transferred day off.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarImportError(
            texts.JSON_SYNTAX.format(line=exc.lineno, col=exc.colno, error=exc.msg)
        ) from None
    except (UnicodeDecodeError, TypeError) as exc:
        raise CalendarImportError(texts.JSON_SYNTAX.format(line=1, col=1, error=exc)) from None
    if not isinstance(raw, Mapping):
        raise CalendarImportError(texts.JSON_NOT_OBJECT)
    year_raw = raw.get("year")
    if isinstance(year_raw, bool):
        raise CalendarImportError(texts.JSON_YEAR.format(value=year_raw))
    year = _check_year(year_raw, texts.JSON_YEAR.format(value=year_raw))
    months = raw.get("months")
    if not isinstance(months, list):
        raise CalendarImportError(texts.JSON_MONTHS)
    lists = _DayLists(year)
    seen: set[int] = set()
    for index, item in enumerate(months, start=1):
        if not isinstance(item, Mapping):
            raise CalendarImportError(texts.JSON_MONTH.format(index=index, reason=texts.JSON_NOT_OBJECT))
        month = item.get("month")
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            reason = texts.JSON_MONTH_NUMBER.format(value=month)
            raise CalendarImportError(texts.JSON_MONTH.format(index=index, reason=reason))
        if month in seen:
            raise CalendarImportError(texts.JSON_MONTH_DUP.format(month=month))
        seen.add(month)
        days = item.get("days", "")
        if not isinstance(days, str):
            reason = texts.JSON_DAYS_FIELD
            raise CalendarImportError(texts.JSON_MONTH.format(index=index, reason=reason))
        where = texts.WHERE_MONTH.format(month=texts.MONTHS_NOMINATIVE[month - 1], year=year)
        lists.add_month(month, days, where)
    missing = sorted(set(range(1, 13)) - seen)
    if missing:
        raise CalendarImportError(texts.JSON_MONTH_MISSING.format(month=missing[0]))
    data = lists.build("xmlcalendar JSON")
    statistic = raw.get("statistic")
    if isinstance(statistic, Mapping):
        _check_total(data, statistic.get("workdays"), str(year))
    return data


# --- data.gov.ru CSV ---------------------------------------------------------------------------------

CSV_YEAR_COLUMN = "Год/Месяц"
CSV_TOTAL_COLUMN = "Всего рабочих дней"


def parse_datagov_csv(text: str | bytes) -> dict[int, YearData]:
    """data.gov.ru production calendar: one row per year, month cells list the non-working days."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CalendarImportError(texts.CSV_ENCODING.format(error=exc)) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CalendarImportError(texts.CSV_EMPTY)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip() for cell in next(reader)]
        columns = {name: header.index(name) for name in (CSV_YEAR_COLUMN, *texts.MONTHS_NOMINATIVE)}
    except ValueError:
        missing = next(n for n in (CSV_YEAR_COLUMN, *texts.MONTHS_NOMINATIVE) if n not in header)
        raise CalendarImportError(texts.CSV_HEADER.format(column=missing)) from None
    except csv.Error as exc:
        raise CalendarImportError(texts.CSV_SYNTAX.format(line=1, error=exc)) from None
    total_index = header.index(CSV_TOTAL_COLUMN) if CSV_TOTAL_COLUMN in header else None
    result: dict[int, YearData] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CalendarImportError(
                    texts.CSV_COLUMNS.format(line=line, expected=len(header), found=len(row))
                )
            year_cell = row[columns[CSV_YEAR_COLUMN]]
            year = _check_year(year_cell, texts.CSV_YEAR.format(line=line, value=year_cell))
            if year in result:
                raise CalendarImportError(texts.CSV_YEAR_DUP.format(line=line, year=year))
            lists = _DayLists(year)
            for month, name in enumerate(texts.MONTHS_NOMINATIVE, start=1):
                where = texts.WHERE_CSV.format(line=line, column=name)
                lists.add_month(month, row[columns[name]], where)
            data = lists.build("data.gov.ru CSV")
            if total_index is not None:
                where = texts.WHERE_CSV.format(line=line, column=CSV_TOTAL_COLUMN)
                _check_total(data, row[total_index], where)
            result[year] = data
    except csv.Error as exc:
        raise CalendarImportError(texts.CSV_SYNTAX.format(line=reader.line_num, error=exc)) from None
    if not result:
        raise CalendarImportError(texts.CSV_NO_ROWS)
    return result


def parse_datagov_csv_year(text: str | bytes, year: int) -> YearData:
    """One year from a data.gov.ru CSV; the whole file is still validated."""
    years = parse_datagov_csv(text)
    if year not in years:
        raise CalendarImportError(texts.CSV_NO_YEAR.format(year=year))
    return years[year]
