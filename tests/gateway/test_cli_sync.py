"""``otklik sync --once`` against the simulator (INTERFACES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.adapters.incident.simulator import start_simulator
from desktop_app.cli import main


def _config(tmp_path: Path, database_url: str, base_url: str) -> Path:
    config = tmp_path / "otklik.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[incident]\nmode = "http"\nbase_url = "{base_url}"\n'
        "timeout_seconds = 2\n",
        encoding="utf-8",
    )
    return config


def test_sync_once_prints_counts(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with start_simulator(seed=41, initial_messages=3) as sim:
        config = _config(tmp_path, database_url, sim.base_url)
        assert main(["--config", str(config), "sync", "--once"]) == 0
        assert capsys.readouterr().out.strip() == "новых: 3, обновлённых: 0, с ошибками: 0"
        first = next(iter(sim.store.messages))
        sim.store.update_message(first, "Новый текст")
        sim.store.add_message()
        assert main(["--config", str(config), "sync", "--once"]) == 0
        assert capsys.readouterr().out.strip() == "новых: 1, обновлённых: 1, с ошибками: 0"


def test_sync_once_fails_with_exit_1_when_unreachable(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, database_url, "http://127.0.0.1:9")
    assert main(["--config", str(config), "sync", "--once"]) == 1
    assert "Нет связи с Системой Инцидент" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["one-byte-a-second", "endless"])
def test_sync_once_returns_within_its_deadline_against_a_hostile_server(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Before: a server sending a byte a second hung ``sync --once`` although timeout_seconds=2.
    (The deadline is the HTTP side's: one database is enough; the hostile intake runs on both.)"""
    import json
    import shutil
    import time

    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite3")
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    from tests.gateway.hostile import Answer, HostileServer, good_item

    body = json.dumps({"items": [good_item(1)], "next_cursor": "1", "has_more": False}).encode()
    answer = (
        Answer(body=body, trickle=1.0) if kind == "one-byte-a-second" else Answer(body=b"{", endless=True)
    )
    with HostileServer(script=lambda _seen: answer) as server:
        config = _config(tmp_path, database_url, server.base_url)
        config.write_text(
            config.read_text(encoding="utf-8") + "sync_deadline_seconds = 3\nmax_page_bytes = 4000000\n",
            encoding="utf-8",
        )
        started = time.monotonic()
        code = main(["--config", str(config), "sync", "--once"])
        elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 1 and elapsed < 6, elapsed
    assert "Систем" in captured.err and "Инцидент" in captured.err
    assert "Error" not in captured.err and "Traceback" not in captured.err


def test_sync_once_reports_quarantined_items_and_exits_0(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.gateway.hostile import HostileServer, good_item

    with HostileServer([good_item(1), good_item(2, author="строка"), good_item(3)]) as server:
        config = _config(tmp_path, database_url, server.base_url)
        assert main(["--config", str(config), "sync", "--once"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "новых: 2, обновлённых: 0, с ошибками: 1"
    assert "H-2" in lines[1] and "«author»" in lines[1]
    assert "администратора" in lines[2]
