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
