"""``otklik report`` exactly per docs/INTERFACES.md "Reports" (issue 19)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.dashboard import ReportPeriod
from tests.services.report_history import seed_history
from tests.support.factories import Clock, World, msk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the command's parsing and files are what is tested (the figures run on both)."""
    import shutil

    target = tmp_path / "otklik.sqlite3"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def seeded_url(services: AppServices, world: World, clock: Clock, database_url: str) -> str:
    seed_history(services, world, clock, seed=3, count=18)
    clock.set(msk(2026, 5, 19, 12, 0))
    return database_url


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_of_a_grouping_and_xlsx_of_everything(
    capsys, seeded_url: str, services: AppServices, world: World, tmp_path: Path
) -> None:
    period = ["--from", "2026-05-04", "--to", "2026-05-17", "--url", seeded_url]
    out = tmp_path / "отделы.csv"
    code, stdout, stderr = _run(capsys, *period, "--by", "department", "--format", "csv", "--out", str(out))
    assert (code, stderr) == (0, "")
    assert "04.05.2026 – 17.05.2026" in stdout
    rows = list(csv.reader(out.open(encoding="utf-8-sig"), delimiter=";"))
    assert rows[0][:2] == ["Подразделение", "Поступило"]
    board = services.reports.dashboard(
        world.supervisor, ReportPeriod(dt.date(2026, 5, 4), dt.date(2026, 5, 17)), services.now()
    )
    received = {r.label: str(int(r.values["received"])) for r in board.groupings["department"].rows}
    assert {row[0]: row[1] for row in rows[1:]} == received

    book_path = tmp_path / "отчёт.xlsx"
    code, _stdout, stderr = _run(capsys, *period, "--format", "xlsx", "--out", str(book_path))
    assert (code, stderr) == (0, "")
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert {"Сводка", "Подразделения", "Сотрудники", "Площадки", "Этапы", "Недели", "Сообщения"} <= set(
        book.sheetnames
    )
    assert len(list(book["Сообщения"].iter_rows(min_row=2))) == board.figure("received").value

    only = tmp_path / "этапы.xlsx"
    assert _run(capsys, *period, "--by", "stage", "--format", "xlsx", "--out", str(only))[0] == 0
    assert openpyxl.load_workbook(only, read_only=True).sheetnames == [
        "Сводка",
        "Этапы",
        "Недели",
        "Сообщения",
    ]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--from", "2026-13-01", "--to", "2026-05-17"], "2026-13-01"),
        (["--from", "01.05.2026", "--to", "2026-05-17"], "01.05.2026"),
        (["--from", "2026-05-20", "--to", "2026-05-01"], "2026-05-01"),
        (["--from", "2026-05-01", "--to", "2026-05-17", "--format", "doc"], "doc"),
        (["--from", "2026-05-01", "--to", "2026-05-17", "--by", "weather"], "weather"),
        (["--to", "2026-05-17"], "--from"),
    ],
)
def test_bad_arguments_exit_2_with_a_russian_message_naming_the_value(
    capsys, tmp_path: Path, args: list[str], named: str
) -> None:
    full = [*args]
    if "--format" not in full:
        full += ["--format", "csv"]
    full += ["--out", str(tmp_path / "r.csv"), "--url", f"sqlite:///{tmp_path / 'none.sqlite3'}"]
    code, _stdout, stderr = _run(capsys, *full)
    assert code == 2
    assert named in stderr and "ошибка" in stderr
    assert "Traceback" not in stderr and "Error" not in stderr
    assert not (tmp_path / "r.csv").exists()


def test_an_output_folder_that_does_not_exist_is_a_bad_argument(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "нет такой папки" / "r.csv"
    code, _out, stderr = _run(
        capsys, "--from", "2026-05-01", "--to", "2026-05-02", "--format", "csv", "--out", str(missing)
    )
    assert code == 2 and "нет такой папки" in stderr


def test_a_database_that_cannot_be_read_exits_1(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    code, _out, stderr = _run(
        capsys, "--from", "2026-05-01", "--to", "2026-05-02", "--format", "csv",
        "--out", str(tmp_path / "r.csv"), "--url", f"sqlite:///{empty}",
    )  # fmt: skip
    assert code == 1
    assert "базу данных" in stderr.lower() or "база данных" in stderr.lower()
    assert "Traceback" not in stderr and "SELECT" not in stderr
    assert not (tmp_path / "r.csv").exists()


def test_pdf_from_the_command_line(seeded_url: str, tmp_path: Path) -> None:
    """In a process of its own: the command creates its own offscreen Qt application for the PDF."""
    out = tmp_path / "отчёт.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "report", "--from", "2026-05-11", "--to", "2026-05-17",
         "--by", "department", "--format", "pdf", "--out", str(out), "--url", seeded_url],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Поступило сообщений" in text and "Подразделения" in text
