"""Issue 14: careless and hostile import files — explicit encodings, limits, zip bombs, NUL bytes."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop_app.cli import main
from desktop_app.models.entities import Message
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.importing import (
    EncodingConfirmationNeeded,
    ImportFileError,
    ImportLimits,
    import_file,
)

TZ = "Europe/Moscow"
HEADERS = ["ID", "Площадка", "Автор", "Текст", "Дата поступления"]
ROWS = [
    ["INC-1", "vk", "Ольга Морозова", "Когда починят фонари на улице Мира?", "12.05.2026 09:45"],
    ["INC-2", "telegram", "Пётр", "Прошу убрать мусор во дворе.", "12.05.2026 10:00"],
]


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _count(services: AppServices) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count(Message.id))) or 0


def test_cp1251_is_imported_only_when_confirmed(services: AppServices, tmp_path: Path) -> None:
    path = _csv(tmp_path / "выгрузка.csv", ROWS, encoding="cp1251")
    with pytest.raises(EncodingConfirmationNeeded, match="Windows-1251") as asked:
        import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert _count(services) == 0  # nothing imported as mojibake
    result = import_file(
        services.db, path, TZ, services.now, encoding=asked.value.encoding, lifecycle=services.lifecycle
    )
    assert result.imported == 2
    with services.db.session() as session:
        assert (
            session.scalars(sa.select(Message.author_name).order_by(Message.id)).first() == "Ольга Морозова"
        )


def test_utf8_with_and_without_bom_needs_no_question(services: AppServices, tmp_path: Path) -> None:
    assert (
        import_file(
            services.db,
            _csv(tmp_path / "a.csv", ROWS[:1], "utf-8-sig"),
            TZ,
            services.now,
            lifecycle=services.lifecycle,
        ).imported
        == 1
    )
    assert (
        import_file(
            services.db,
            _csv(tmp_path / "b.csv", ROWS[1:], "utf-8"),
            TZ,
            services.now,
            lifecycle=services.lifecycle,
        ).imported
        == 1
    )


def test_a_file_in_no_known_encoding_is_refused_with_its_line(services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(";".join(HEADERS).encode() + b"\nINC-1;vk;\x98\x98;text;12.05.2026 09:45\n")
    with pytest.raises(ImportFileError, match="строка 2"):
        import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)


def test_the_cli_asks_for_encoding_then_imports(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "otklik.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    path = _csv(tmp_path / "win.csv", ROWS, encoding="cp1251")
    assert main(["--config", str(config), "import", str(path)]) == 1
    assert "--encoding cp1251" in capsys.readouterr().err
    assert main(["--config", str(config), "import", "--encoding", "cp1251", str(path)]) == 0
    captured = capsys.readouterr()
    assert "загружено: 2" in captured.out and "загрузка: 100%" in captured.err


def test_a_huge_cell_is_refused_naming_row_and_column(services: AppServices, tmp_path: Path) -> None:
    limits = ImportLimits(max_cell_chars=1000)
    path = _csv(tmp_path / "big.csv", [ROWS[0], ["INC-9", "vk", "Автор", "я" * 5000, "12.05.2026 10:00"]])
    with pytest.raises(ImportFileError, match="Строка 3") as refused:
        import_file(services.db, path, TZ, services.now, limits=limits, lifecycle=services.lifecycle)
    assert "1000" in str(refused.value)
    json_path = tmp_path / "big.json"
    item = {
        "ID": "INC-9",
        "Площадка": "vk",
        "Автор": "А",
        "Текст": "я" * 5000,
        "Дата поступления": "2026-05-12 10:00",
    }
    json_path.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportFileError, match="столбец «Текст»"):
        import_file(services.db, json_path, TZ, services.now, limits=limits, lifecycle=services.lifecycle)


def test_deep_json_nesting_is_a_russian_error(services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(ImportFileError, match="вложенност"):
        import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    nested = tmp_path / "nested.json"
    value: object = "x"
    for _ in range(20):
        value = {"a": value}
    item = {
        "ID": "INC-1",
        "Площадка": "vk",
        "Автор": value,
        "Текст": "т",
        "Дата поступления": "2026-05-12 10:00",
    }
    nested.write_text(json.dumps([item]), encoding="utf-8")
    result = import_file(services.db, nested, TZ, services.now, lifecycle=services.lifecycle)
    assert not result.ok and "вложенность" in result.errors[0].reason


def test_a_nul_byte_is_a_row_error_on_every_database(services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    item = {
        "ID": "INC-1",
        "Площадка": "vk",
        "Автор": "А",
        "Текст": "до\x00после",
        "Дата поступления": "2026-05-12 10:00",
    }
    path.write_text(json.dumps([item]), encoding="utf-8")
    result = import_file(services.db, path, TZ, services.now, lifecycle=services.lifecycle)
    assert not result.ok
    assert (
        result.errors[0].row == 1
        and "«Текст»" in result.errors[0].reason
        and "NUL" in result.errors[0].reason
    )
    assert _count(services) == 0


def test_a_zip_bomb_is_refused_before_it_is_unpacked(services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(64):  # 64 MB of zeros: ~64 KB on disk
                member.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ImportFileError, match="распаковывается в 64 МБ"):
        import_file(
            services.db,
            path,
            TZ,
            services.now,
            limits=ImportLimits(max_unpacked_bytes=16 * 1024 * 1024),
            lifecycle=services.lifecycle,
        )


def test_file_size_and_row_limits(services: AppServices, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "many.csv", [[f"INC-{n}", "vk", "А", "Текст", "12.05.2026 10:00"] for n in range(50)]
    )
    with pytest.raises(ImportFileError, match="больше 10 строк"):
        import_file(
            services.db,
            path,
            TZ,
            services.now,
            limits=ImportLimits(max_rows=10),
            lifecycle=services.lifecycle,
        )
    with pytest.raises(ImportFileError, match="больше 0 МБ"):
        import_file(
            services.db,
            path,
            TZ,
            services.now,
            limits=ImportLimits(max_file_bytes=100),
            lifecycle=services.lifecycle,
        )
    assert _count(services) == 0
