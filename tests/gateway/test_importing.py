"""Import of the Incident system's export (xlsx, csv, json), all or nothing; pasting one post."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from desktop_app.cli import main
from desktop_app.domain.lifecycle import ChannelKind, MessageState
from desktop_app.models.database import Database
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.importing import ImportFileError, import_file, parse_pasted_post

HEADERS = [
    "ID", "Площадка", "Автор", "Ссылка на автора", "Ссылка на сообщение", "Текст", "Дата публикации",
    "Дата поступления",
]  # fmt: skip
ROWS = [
    ["INC-1", "ВКонтакте", "Ольга Морозова", "https://vk.com/id5", "https://vk.com/wall-1_1",
     "Когда починят фонари на ул. Мира?", "12.05.2026 09:40", "12.05.2026 09:45"],
    ["INC-2", "telegram", "elets48", "", "https://t.me/elets/2", "Прошу убрать мусор.",
     "", "2026-05-12T10:00:00+03:00"],
    ["INC-3", "Рутуб", "Иван", "", "", "Снег не чистят!", "", "2026-05-12 11:30"],
]  # fmt: skip
TZ = "Europe/Moscow"


def _messages(db: Database) -> dict[str, Message]:
    with db.session() as session:
        return {m.external_id: m for m in session.scalars(sa.select(Message))}


def _xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, headers: list[str], rows: list[list[object]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_xlsx_import_with_naive_times_in_the_administration_zone(
    services: AppServices, tmp_path: Path
) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][7] = dt.datetime(2026, 5, 12, 11, 30)  # a real Excel date cell, naive
    headers = ["id", "ПЛОЩАДКА", "автор", "Ссылка на автора", "ссылка  на сообщение", "Текст:", "Дата публикации", "Дата поступления"]  # fmt: skip
    result = import_file(
        services.db,
        _xlsx(tmp_path / "export.xlsx", headers, rows),
        TZ,
        services.now,
        lifecycle=services.lifecycle,
    )
    assert (result.imported, result.duplicates, result.errors) == (3, 0, ())
    messages = _messages(services.db)
    first = messages["INC-1"]
    assert first.platform == "vk" and first.channel_kind is ChannelKind.SOCIAL_NETWORK
    assert first.arrived_at == dt.datetime(2026, 5, 12, 6, 45, tzinfo=dt.UTC)  # 09:45 Moscow, not UTC
    assert first.posted_at == dt.datetime(2026, 5, 12, 6, 40, tzinfo=dt.UTC)
    assert messages["INC-2"].arrived_at == dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)
    assert messages["INC-2"].channel_kind is ChannelKind.MESSENGER
    assert (
        messages["INC-3"].platform == "rutube" and messages["INC-3"].channel_kind is ChannelKind.VIDEO_HOSTING
    )
    assert messages["INC-3"].arrived_at == dt.datetime(2026, 5, 12, 8, 30, tzinfo=dt.UTC)
    assert all(m.state is MessageState.NEW and m.stage_due_at is not None for m in messages.values())


def test_csv_import_and_duplicates_are_skipped(services: AppServices, tmp_path: Path) -> None:
    path = _csv(tmp_path / "export.csv", HEADERS, [*ROWS, ROWS[0]])
    first = import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert (first.imported, first.duplicates) == (3, 1)
    again = import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert (again.imported, again.duplicates, again.errors) == (0, 4, ())
    assert len(_messages(services.db)) == 3


def test_json_import_accepts_russian_and_wire_keys(services: AppServices, tmp_path: Path) -> None:
    items = [
        dict(zip(HEADERS, ROWS[0], strict=True)),
        {
            "id": "INC-9", "platform": "max", "author": {"name": "Анна", "profile_url": "https://max.ru/u/1"},
            "text": "Нет отопления.", "arrived_at": "2026-05-12T10:00:00+03:00", "channel_kind": "messenger",
        },
    ]  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"messages": items}, ensure_ascii=False), encoding="utf-8")
    result = import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert result.imported == 2
    assert _messages(services.db)["INC-9"].author_profile_url == "https://max.ru/u/1"


def test_malformed_rows_import_nothing_and_are_reported(services: AppServices, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Фейсбук"  # unknown platform
    rows[2][7] = "31.02.2026 10:00"  # no such date
    rows.append(["INC-4", "vk", "", "", "ftp://x", "Текст", "", "12.05.2026 12:00"])
    path = _xlsx(tmp_path / "bad.xlsx", HEADERS, rows)
    result = import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert not result.ok and result.imported == 0
    reasons = {e.row: e.reason for e in result.errors}
    assert set(reasons) == {3, 4, 5}  # row 1 is the header
    assert "Фейсбук" in reasons[3] and "31.02.2026" in reasons[4]
    assert "Автор" in reasons[5] and "ftp://x" in reasons[5]
    assert _messages(services.db) == {}


def test_missing_columns_and_unknown_format(services: AppServices, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="Дата поступления"):
        import_file(
            services.db,
            _csv(tmp_path / "x.csv", HEADERS[:-1], [r[:-1] for r in ROWS]),
            TZ,
            lifecycle=services.lifecycle,
        )
    other = tmp_path / "x.txt"
    other.write_text("что-то")
    with pytest.raises(ImportFileError, match="формат"):
        import_file(services.db, other, TZ, lifecycle=services.lifecycle)


def test_cli_import_exit_codes(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "otklik.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    good = _csv(tmp_path / "good.csv", HEADERS, ROWS, delimiter=",")
    assert main(["--config", str(config), "import", str(good)]) == 0
    assert "загружено: 3, пропущено повторов: 0" in capsys.readouterr().out
    bad = _csv(tmp_path / "bad.csv", HEADERS, [["INC-7", "vk", "Автор", "", "", "", "", "вчера"]])
    assert main(["--config", str(config), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "строка 2:" in err and "Текст" in err and "вчера" in err
    assert main(["--config", str(config), "import", str(tmp_path / "нет.xlsx")]) == 1


def test_parse_pasted_post_with_labels() -> None:
    post = parse_pasted_post(
        "Автор: Мария Соколова\nСсылка: https://ok.ru/group/1/topic/2\nТекст: Когда отремонтируют крышу?\nТечёт второй год."
    )
    assert post.author_name == "Мария Соколова" and post.platform == "ok"
    assert post.post_url == "https://ok.ru/group/1/topic/2"
    assert post.text == "Когда отремонтируют крышу?\nТечёт второй год."
    assert post.channel_kind is ChannelKind.SOCIAL_NETWORK


def test_parse_pasted_post_free_form() -> None:
    post = parse_pasted_post(
        "Дмитрий Волков\nhttps://t.me/elets_online/123\nНа ул. Мира не горят фонари. Когда починят?"
    )
    assert (post.author_name, post.platform, post.post_url) == (
        "Дмитрий Волков",
        "telegram",
        "https://t.me/elets_online/123",
    )
    assert post.text == "На ул. Мира не горят фонари. Когда починят?"
    only_text = parse_pasted_post("Яма на дороге у школы!")
    assert (
        only_text.author_name == ""
        and only_text.text == "Яма на дороге у школы!"
        and only_text.platform == ""
    )
