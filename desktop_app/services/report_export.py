"""Exports of the supervisor's dashboard: XLSX and CSV (Qt-free; the PDF with charts is in the views).

XLSX: one sheet per grouping plus the summary and the full message list, every sheet with a bold
frozen header and an auto-filter; written in openpyxl's write-only mode, so there is no row cap and
memory stays flat however long the period. CSV: one table (the summary, or the grouping ``by``),
UTF-8 with a byte-order mark and «;» between fields, as Russian-locale spreadsheets expect.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop_app.services.dashboard import (
    Dashboard,
    DashboardService,
    Grouping,
    format_value,
)

NUMBER_FORMATS = {
    "share": "0.0%",
    "hours": "0.00",
    "ratio": "0.00",
    "count": "0",
    "datetime": "dd.mm.yyyy hh:mm",
}
SUMMARY_HEADERS = ("Показатель", "За период", "За предыдущий период", "Пункт положения")


def summary_rows(board: Dashboard) -> list[tuple[str, float | None, float | None, str, str]]:
    """(title, value, previous, clause, unit) of every figure, in the dashboard's order."""
    return [(f.title, f.value, f.previous, f.clause, f.unit) for f in board.figures]


def grouping_table(grouping: Grouping) -> tuple[list[str], list[list[Any]], list[str]]:
    """Headers, rows (raw values) and units of a grouping's table."""
    headers = [_GROUP_LABEL.get(grouping.key, "Группа"), *(c.title for c in grouping.columns)]
    rows = [[row.label, *(row.values.get(c.key) for c in grouping.columns)] for row in grouping.rows]
    return headers, rows, ["text", *(c.unit for c in grouping.columns)]


_GROUP_LABEL = {
    "department": "Подразделение",
    "person": "Ответственный — этап",
    "platform": "Площадка",
    "channel": "Канал",
    "stage": "Этап",
}


def _groupings(board: Dashboard, by: str | None) -> list[Grouping]:
    if by is not None:
        return [board.groupings[by]]
    return list(board.groupings.values())


def _atomic_target(path: Path) -> tuple[int, Path]:
    """A temporary file beside ``path``: the export appears whole or not at all."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or Path("."))
    return fd, Path(name)


def write_xlsx(
    board: Dashboard,
    path: Path,
    *,
    by: str | None = None,
    messages: Iterable[tuple[Any, ...]] | None = None,
) -> Path:
    """The period's workbook: «Сводка», one sheet per grouping, «Недели», «Сообщения» (all rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: list[str], widths: list[float]):  # type: ignore[no-untyped-def]
        ws = workbook.create_sheet(title[:31])
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            header.append(cell)
        ws.append(header)
        return ws

    def finish(ws, columns: int, rows: int) -> None:  # type: ignore[no-untyped-def]
        ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows + 1, 1)}"

    def typed(ws, value: Any, unit: str):  # type: ignore[no-untyped-def]
        cell = WriteOnlyCell(ws, value=value)
        if unit in NUMBER_FORMATS and value is not None:
            cell.number_format = NUMBER_FORMATS[unit]
        return cell

    ws = sheet("Сводка", list(SUMMARY_HEADERS), [48, 16, 22, 16])
    rows = summary_rows(board)
    for title, value, previous, clause, unit in rows:
        ws.append([title, typed(ws, value, unit), typed(ws, previous, unit), clause])
    finish(ws, len(SUMMARY_HEADERS), len(rows))

    for grouping in _groupings(board, by):
        headers, table, units = grouping_table(grouping)
        ws = sheet(grouping.title, headers, [44, *([16] * (len(headers) - 1))])
        for row in table:
            ws.append([typed(ws, value, unit) for value, unit in zip(row, units, strict=True)])
        finish(ws, len(headers), len(table))

    headers = ["Неделя", "Поступило", "В течение 8 ч", "Просрочено (8 ч)", "Среднее, раб. ч"]
    ws = sheet("Недели", headers, [16, 14, 14, 16, 16])
    for point in board.trend:
        ws.append(
            [point.label, point.received, point.in_time, point.late, typed(ws, point.average_hours, "hours")]
        )
    finish(ws, len(headers), len(board.trend))

    message_sheet = None
    if messages is not None:
        # The message list is the one sheet that grows with the period: openpyxl writes its header
        # and one row of sample cells (so the workbook carries the cells' styles), and the rows are
        # then streamed into that sheet by _stream_message_rows at a few microseconds a cell.
        headers = list(DashboardService.MESSAGE_HEADERS)
        ws = sheet("Сообщения", headers, [9, 18, 18, 14, 16, 36, 20, 18, 12, 10, 12, 12, 12, 12])
        sample = [typed(ws, value, unit) for value, unit in zip(_SAMPLE_LINE, _MESSAGE_UNITS, strict=True)]
        ws.append(sample)
        finish(ws, len(headers), 1)
        message_sheet = len(workbook.worksheets)

    fd, temporary = _atomic_target(path)
    os.close(fd)
    try:
        workbook.save(temporary)
        if message_sheet is not None and messages is not None:
            _stream_message_rows(temporary, message_sheet, messages)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


# One representative line of the message sheet: its cells give openpyxl the styles to declare.
_SAMPLE_LINE = (
    0,
    "",
    dt.datetime(2000, 1, 1),
    "",
    "",
    "",
    "",
    dt.datetime(2000, 1, 1),
    0.0,
    "",
    0,
    "",
    "",
    0,
)
_MESSAGE_UNITS = ("count", "text", "datetime", "text", "text", "text", "text", "datetime", "hours", "text",
                  "count", "text", "text", "count")  # fmt: skip
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _stream_message_rows(path: Path, sheet_number: int, lines: Iterable[tuple[Any, ...]]) -> None:
    """Replace the sample row of the message sheet by every line, streamed into the zip entry."""
    name = f"xl/worksheets/sheet{sheet_number}.xml"
    rebuilt = path.with_name(path.name + ".rows")
    with zipfile.ZipFile(path) as source:
        xml = source.read(name).decode("utf-8")
        head, rest = xml.split('<row r="2"', 1)
        sample, tail = rest.split("</row>", 1)
        styles = [f' s="{m}"' if m else "" for m in re.findall(r'<c r="[A-Z]+2"(?: s="(\d+)")?', sample)]
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for item in source.infolist():
                if item.filename != name:
                    target.writestr(item, source.read(item.filename))
                    continue
                with target.open(name, "w", force_zip64=True) as out:
                    count = _write_rows(out, head, styles, lines)
                    columns = get_column_letter_safe(len(styles))
                    tail = re.sub(
                        r'<autoFilter ref="[^"]*"', f'<autoFilter ref="A1:{columns}{count + 1}"', tail
                    )
                    out.write(tail.encode("utf-8"))
    os.replace(rebuilt, path)


def _write_rows(out: Any, head: str, styles: list[str], lines: Iterable[tuple[Any, ...]]) -> int:
    """Rows of the message sheet as SpreadsheetML, the cell kinds known per column (_MESSAGE_UNITS)."""
    buffer: list[str] = [head]
    number = 1
    texts: dict[str, str] = {}  # platform, department, state…: a handful of values, escaped once

    def text(value: str, style: str) -> str:
        cell = texts.get(value)
        if cell is None:
            cell = f'<c{style} t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>'
            if len(texts) < 10_000:
                texts[value] = cell
        return cell

    kinds = list(zip(_MESSAGE_UNITS, styles, strict=True))
    epoch = _EXCEL_EPOCH
    for line in lines:
        number += 1
        cells = []
        append = cells.append
        for value, (kind, style) in zip(line, kinds, strict=True):
            if value is None:
                append(f"<c{style}/>")
            elif kind == "text":
                append(text(value, style))
            elif kind == "datetime":
                append(f'<c{style} t="n"><v>{(value - epoch).total_seconds() / 86400!r}</v></c>')
            else:
                append(f'<c{style} t="n"><v>{value!r}</v></c>')
        buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(buffer) >= 2000:
            out.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    out.write("".join(buffer).encode("utf-8"))
    return number - 1


def _xml_text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def get_column_letter_safe(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(max(index, 1))


def write_csv(board: Dashboard, path: Path, *, by: str | None = None) -> Path:
    """One table: the summary of figures, or the grouping ``by`` (values as the dashboard shows them)."""
    if by is None:
        headers = list(SUMMARY_HEADERS)
        table = [
            [title, format_value(unit, value), format_value(unit, previous), clause]
            for title, value, previous, clause, unit in summary_rows(board)
        ]
    else:
        headers, raw, units = grouping_table(board.groupings[by])
        table = [
            [
                value if unit == "text" else format_value(unit, value)
                for value, unit in zip(row, units, strict=True)
            ]
            for row in raw
        ]
    fd, temporary = _atomic_target(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(headers)
            writer.writerows(table)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def generated_note(board: Dashboard) -> str:
    """The line every export carries: the period and the instant «просрочено» was judged at."""
    import zoneinfo

    at = board.now.astimezone(zoneinfo.ZoneInfo(board.timezone))
    return (
        f"Период {board.period.describe()} (предыдущий {board.previous_period.describe()}); "
        f"сформировано {at:%d.%m.%Y %H:%M}"
    )
