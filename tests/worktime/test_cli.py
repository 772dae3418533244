"""``otklik worktime`` through a real subprocess (INTERFACES.md "Working time")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON = Path(sys.executable)  # the interpreter running the tests: this checkout's environment


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    result = dict(os.environ)
    # no settings file of the developer's account can leak in
    result.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    return result


def otklik(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYTHON), "-m", "desktop_app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_add_several_from_values(env: dict[str, str]) -> None:
    result = otklik(
        env,
        "worktime",
        "add",
        "1h",
        "2026-05-15T17:50",
        "2026-05-15T17:50+00:00",
        "2026-05-12T10:00:30+03:00",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2026-05-18T09:50:00+03:00",  # no offset: Moscow time, not UTC
        "2026-05-18T10:00:00+03:00",  # 17:50 UTC = 20:50 Moscow
        "2026-05-12T11:00:30+03:00",
    ]


def test_add_days_and_minutes(env: dict[str, str]) -> None:
    result = otklik(env, "worktime", "add", "7d", "2026-04-29T10:00")
    assert result.stdout == "2026-05-12T18:00:00+03:00\n"
    result = otklik(env, "worktime", "add", "30m", "2026-05-12T17:30")
    assert result.stdout == "2026-05-12T18:00:00+03:00\n"


def test_add_from_stdin(env: dict[str, str]) -> None:
    lines = ["2026-05-12T17:30", "", "2026-12-30T17:00+03:00", "2026-05-15T14:50:00Z"]
    result = otklik(env, "worktime", "add", "2h", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2026-05-13T10:30:00+03:00",
        "2027-01-11T10:00:00+03:00",
        "2026-05-18T10:50:00+03:00",  # 14:50Z = Friday 17:50 Moscow
    ]


def test_add_from_stdin_many_lines_fast(env: dict[str, str]) -> None:
    lines = [
        f"2026-{m:02d}-{d:02d}T{h:02d}:17:05" for m in range(1, 13) for d in range(1, 29) for h in range(24)
    ]
    result = otklik(env, "worktime", "add", "6h", "-", stdin="\n".join(lines * 12) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines) * 12
    assert all(line.endswith("+03:00") for line in out)


def test_bad_line_on_stdin_names_it_and_prints_nothing(env: dict[str, str]) -> None:
    result = otklik(env, "worktime", "add", "1h", "-", stdin="2026-05-12T10:00\nзавтра\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "строка 2" in result.stderr and "«завтра»" in result.stderr


def test_between(env: dict[str, str]) -> None:
    result = otklik(env, "worktime", "between", "2026-05-15T17:50", "2026-05-18T09:50")
    assert (result.returncode, result.stdout) == (0, "60\n")
    result = otklik(env, "worktime", "between", "2026-05-18T09:50+03:00", "2026-05-15T14:50Z")
    assert (result.returncode, result.stdout) == (0, "-60\n")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["worktime", "add", "5x", "2026-05-12T10:00"], "«5x»"),
        (["worktime", "add", "1h", "2026-05-32T10:00"], "«2026-05-32T10:00»"),
        (["worktime", "add", "1h"], "FROM"),
        (["worktime", "between", "2026-05-12T10:00"], "FROM и TO"),
        (["worktime", "between", "2026-05-12T10:00", "вчера"], "«вчера»"),
        (["worktime", "subtract", "1h", "2026-05-12T10:00"], "«subtract»"),
        (["worktime"], "команда"),
    ],
)
def test_bad_arguments_exit_2(env: dict[str, str], args: list[str], named: str) -> None:
    result = otklik(env, *args)
    assert result.returncode == 2
    assert named in result.stderr
    assert result.stdout == ""


def test_year_without_data_exit_3(env: dict[str, str]) -> None:
    result = otklik(env, "worktime", "add", "1h", "2028-03-01T10:00")
    assert result.returncode == 3
    assert "2028" in result.stderr
    result = otklik(env, "worktime", "add", "1h", "2027-12-30T17:30")  # due would fall in 2028
    assert result.returncode == 3 and "2028" in result.stderr


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0001-01-01T00:00+03:00", "9999-12-31T23:59-05:00"])
def test_extreme_years_exit_3(env: dict[str, str], value: str) -> None:
    result = otklik(env, "worktime", "add", "1h", value)
    assert result.returncode == 3, result.stderr
    assert "Нет данных производственного календаря" in result.stderr


def test_provisional_years_when_allowed(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[calendar]\nallow_provisional_years = true\n", encoding="utf-8")
    result = otklik(env, "--config", str(config), "worktime", "add", "1h", "2028-01-05T10:00")
    assert (result.returncode, result.stdout) == (0, "2028-01-10T10:00:00+03:00\n")


def test_administration_time_zone_from_settings(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('[administration]\ntimezone = "Asia/Yekaterinburg"\n', encoding="utf-8")
    result = otklik(
        env, "--config", str(config), "worktime", "add", "30m", "2026-05-12T10:00", "2026-05-12T10:00+03:00"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["2026-05-12T10:30:00+05:00", "2026-05-12T12:30:00+05:00"]


def test_help(env: dict[str, str]) -> None:
    result = otklik(env, "worktime", "--help")
    assert result.returncode == 0 and "otklik worktime add" in result.stdout
