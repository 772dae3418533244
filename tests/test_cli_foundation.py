"""The foundation's command line: db upgrade, audit verify, smoke test, settings errors (issue 2)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def otklik(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
    )


def test_db_upgrade_then_audit_verify_detects_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The settings directory (audit key and checkpoint) of this test only, never the user's own.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    url = f"sqlite:///{tmp_path / 'o.sqlite3'}"
    result = otklik("db", "upgrade", "--url", url, env=env)
    assert result.returncode == 0, result.stderr
    assert "обновлена" in result.stdout
    assert (
        "Сводки отчётов построены" in result.stdout
    )  # the dashboard's summaries, built once here (issue 19)
    with sqlite3.connect(tmp_path / "o.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM report_summary_state").fetchone() == (1,)
    checked = otklik("db", "check-summaries", "--url", url, env=env)
    assert checked.returncode == 0 and "сходятся" in checked.stdout, checked.stderr
    with sqlite3.connect(tmp_path / "o.sqlite3") as conn:  # a summary row no message is behind
        conn.execute("INSERT INTO report_stage_days VALUES ('d', 739700, 'route', 0, 0, '', 0, 'met', 1)")
    checked = otklik("db", "check-summaries", "--url", url, env=env)
    assert checked.returncode == 1 and "расходятся" in checked.stdout
    with sqlite3.connect(tmp_path / "o.sqlite3") as conn:
        conn.execute("DELETE FROM report_stage_days")
    assert otklik("audit", "verify", "--url", url, env=env).returncode == 0

    from desktop_app import paths
    from desktop_app.models.database import Database
    from desktop_app.services import audit

    db = Database(url)
    audit.install_checkpoint(db, audit.ChainCheckpoint(paths.config_dir(), url))  # as the app: signed
    import datetime as dt

    with db.session() as session, session.begin():
        for action in ("one", "two", "three"):
            audit.record(
                session, action=action, entity_type="x", entity_id=None, occurred_at=dt.datetime.now(dt.UTC)
            )
    db.dispose()
    assert otklik("audit", "verify", "--url", url, env=env).returncode == 0
    with sqlite3.connect(tmp_path / "o.sqlite3") as conn:
        conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET action = 'forged' WHERE action = 'two'")
    result = otklik("audit", "verify", "--url", url, env=env)
    assert result.returncode == 1
    assert "№ 2" in result.stdout


def test_smoke_test_prints_smoke_ok_offscreen() -> None:
    result = otklik("--smoke-test", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "SMOKE OK"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[database\nurl = 1", "повреждён"),
        ('[incident]\nmode = "carrier-pigeon"', "«incident.mode»"),
        ('[administration]\ntimezone = "Mars/Olympus"', "«administration.timezone»"),
    ],
)
def test_malformed_settings_give_a_russian_message_naming_the_key(
    tmp_path: Path, content: str, expected: str
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(content, encoding="utf-8")
    result = otklik("--config", str(config), "db", "upgrade")
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_database_url_exits_non_zero_without_touching_data(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('[database]\nurl = "postgresql://nobody@127.0.0.1:1/none"\n', encoding="utf-8")
    result = otklik("--config", str(config), "db", "upgrade")
    assert result.returncode == 1
    assert "Не удаётся подключиться" in result.stderr
    assert "Traceback" not in result.stderr


def test_gui_start_with_a_broken_database_shows_the_message_and_exits_non_zero(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('[database]\nurl = "mysql://x@localhost/y"\n', encoding="utf-8")
    result = otklik("--config", str(config))
    assert result.returncode == 1
    assert "не поддерживается" in result.stderr


def test_domain_and_models_import_no_qt() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        "import desktop_app.domain, desktop_app.models, desktop_app.services\n"
        "for pkg in (desktop_app.domain, desktop_app.models, desktop_app.services):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith(('PySide6', 'PyQt', 'shiboken')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
