"""Importers: public formats of 2026 equal the built-in data; malformed files are rejected whole."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.domain.worktime import (
    CalendarImportError,
    YearData,
    load_builtin_years,
    parse_datagov_csv,
    parse_datagov_csv_year,
    parse_xmlcalendar_json,
    parse_xmlcalendar_xml,
)
from tests.worktime.conftest import FIXTURES


def builtin(year: int) -> YearData:
    return next(y for y in load_builtin_years() if y.year == year)


def same_calendar(imported: YearData, expected: YearData) -> None:
    assert imported.year == expected.year
    assert imported.holidays == expected.holidays
    assert imported.working_weekends == expected.working_weekends
    assert imported.shortened == expected.shortened
    assert not imported.provisional


def test_xml_2026_equals_builtin() -> None:
    imported = parse_xmlcalendar_xml((FIXTURES / "xmlcalendar-2026.xml").read_bytes())
    same_calendar(imported, builtin(2026))


def test_json_2026_equals_builtin() -> None:
    imported = parse_xmlcalendar_json((FIXTURES / "xmlcalendar-2026.json").read_text(encoding="utf-8"))
    same_calendar(imported, builtin(2026))


def test_csv_all_years_equal_builtin() -> None:
    text = (FIXTURES / "datagov-2025-2027.csv").read_text(encoding="utf-8")
    years = parse_datagov_csv(text)
    assert sorted(years) == [2025, 2026, 2027]
    for year, data in years.items():
        same_calendar(data, builtin(year))
    same_calendar(parse_datagov_csv_year(text.encode("utf-8-sig"), 2026), builtin(2026))


def test_xml_shortened_saturday_is_working_weekend() -> None:
    text = """<calendar year="2025"><days>
<day d="11.01" t="2"/>
<day d="11.03" t="1" f="11.01"/>
<day d="11.04" t="1" h="7"/>
</days></calendar>"""
    data = parse_xmlcalendar_xml(text)
    assert data.working_weekends == {dt.date(2025, 11, 1)}
    assert data.shortened == {dt.date(2025, 11, 1)}
    assert data.holidays == {dt.date(2025, 11, 3), dt.date(2025, 11, 4)}


def test_imported_year_round_trips_through_plain_data() -> None:
    imported = parse_xmlcalendar_json((FIXTURES / "xmlcalendar-2026.json").read_text(encoding="utf-8"))
    assert YearData.from_data(json.loads(json.dumps(imported.to_data()))) == imported


XML_BAD = [
    ("<calendar year='2026'><days><day d='13.01' t='1'/></days></calendar>", "неверная дата дня «13.01»"),
    ("<calendar year='2026'><days><day d='02.30' t='1'/></days></calendar>", "02.30"),
    (
        "<calendar year='2026'><days>\n<day d='01.01' t='1'/>\n<day d='01.01' t='1'/></days></calendar>",
        "строка 3",
    ),
    ("<calendar year='2026'><days><day d='05.12' t='3'/></days></calendar>", "t=3"),
    ("<calendar year='2026'><days><day d='05.12' t='7'/></days></calendar>", "t=«7»"),
    ("<calendar year='2026'><days><day t='1'/></days></calendar>", "атрибута «d»"),
    ("<calendar year='20x6'><days/></calendar>", "неверный год «20x6»"),
    ("<calendar year='2026'><days><day d='01.01' t='1'>\n</days></calendar>", "строка 2"),
    ("<calendar year='2026'></calendar>", "<days>"),
    ("<kalendar year='2026'><days/></kalendar>", "<kalendar>"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><calendar year="2026"><days/></calendar>', "DOCTYPE"),
]


@pytest.mark.parametrize(("text", "reason"), XML_BAD)
def test_xml_malformed_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(CalendarImportError, match="не принят") as info:
        parse_xmlcalendar_xml(text)
    assert reason in str(info.value)


def _fixture_months() -> list[dict]:
    return json.loads((FIXTURES / "xmlcalendar-2026.json").read_text(encoding="utf-8"))["months"]


def _json(months: list | None = None, **extra: object) -> str:
    base = {"year": 2026, "months": months if months is not None else _fixture_months()}
    base.update(extra)
    return json.dumps(base, ensure_ascii=False)


def _months_with(month: int, days: object) -> list:
    return [dict(m, days=days) if m["month"] == month else m for m in _fixture_months()]


JSON_BAD = [
    ("{not json", "JSON повреждён"),
    ("[1, 2]", "объект JSON"),
    (_json(year="две тысячи"), "неверный год"),
    (_json(months={"1": "1"}), "списком из 12"),
    (_json(_months_with(3, "1,2,x")), "Март 2026: неверный день «x»"),
    (_json(_months_with(2, "1,30")), "Февраль 2026: дня «30» нет в этом месяце"),
    (_json(_months_with(5, "1,1")), "Май 2026: день «1» указан повторно"),
    (_json(_months_with(5, "1,,2")), "Май 2026: неверный день"),
    (_json(_months_with(5, 12)), "поле days должно быть строкой"),
    (_json(_months_with(7, "")), "Июль 2026: не указано ни одного нерабочего дня"),
    (_json(_fixture_months()[:11]), "нет данных за месяц 12"),
    (_json([_fixture_months()[0]] * 2), "месяц 1 указан повторно"),
    (_json([{"month": 13, "days": "1"}]), "неверный номер месяца «13»"),
]


@pytest.mark.parametrize(("text", "reason"), JSON_BAD)
def test_json_malformed_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(CalendarImportError) as info:
        parse_xmlcalendar_json(text)
    assert reason in str(info.value)


def test_json_statistic_mismatch_is_rejected() -> None:
    raw = json.loads((FIXTURES / "xmlcalendar-2026.json").read_text(encoding="utf-8"))
    raw["statistic"]["workdays"] = 246
    with pytest.raises(
        CalendarImportError, match="указано рабочих дней 246, а по списку дней получается 247"
    ):
        parse_xmlcalendar_json(json.dumps(raw))


def _csv_lines() -> list[str]:
    return (FIXTURES / "datagov-2025-2027.csv").read_text(encoding="utf-8").splitlines()


def test_csv_bad_cell_names_line_and_column() -> None:
    lines = _csv_lines()
    lines[2] = lines[2].replace('"4,5,11,12,18,19,25,26,30*"', '"4,5,11,12,18,19,25,26,31*"')
    with pytest.raises(CalendarImportError) as info:
        parse_datagov_csv("\n".join(lines))
    assert "строка 3, столбец «Апрель»: дня «31*» нет в этом месяце" in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda ls: [ls[0].replace("Март", "Марток"), *ls[1:]], "нет столбца «Март»"),
        (lambda ls: [*ls, ls[1]], "строка 5: год 2025 указан повторно"),
        (lambda ls: [ls[0], ls[1].replace(",247,", ",248,")], "указано рабочих дней 248"),
        (lambda ls: [ls[0], ls[1] + ",1"], "строка 2: ожидается 15 столбцов"),
        (lambda ls: [ls[0], "20ab" + ls[1][4:]], "строка 2: неверный год «20ab»"),
        (lambda ls: [ls[0]], "нет ни одной строки"),
        (lambda ls: [], "файл пуст"),
    ],
)
def test_csv_malformed_is_rejected(mutate, reason: str) -> None:
    with pytest.raises(CalendarImportError) as info:
        parse_datagov_csv("\n".join(mutate(_csv_lines())))
    assert reason in str(info.value)


def test_csv_missing_year() -> None:
    with pytest.raises(CalendarImportError, match="нет строки за 2030 год"):
        parse_datagov_csv_year("\n".join(_csv_lines()), 2030)
