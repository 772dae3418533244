"""``otklik validate`` (INTERFACES.md "Draft validation")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import desktop_app.adapters.proofreading as proofreading_adapters
from desktop_app.cli import main

REQUIRED = {"ok", "greeting", "spelling", "questions", "format"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    message = tmp_path / "message.txt"
    message.write_text(
        "Когда уберут снег во дворе дома 5 на улице Ленина? Прошу принять меры!", encoding="utf-8"
    )
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "Здравствуйте, Иван! Снег во дворе дома 5 на улице Ленина уберут до 3 декабря, трактор направлен.",
        encoding="utf-8",
    )
    config = tmp_path / "settings.toml"
    config.write_text('[proofreading]\nengine = "embedded"\n', encoding="utf-8")
    return {"message": message, "draft": draft, "config": config, "tmp": tmp_path}


@pytest.fixture
def shared_engine(monkeypatch, embedded) -> None:
    """Reuse the session's embedded engine instead of building a new one per CLI call."""
    original = proofreading_adapters.create_proofreader

    def create(settings):
        return original(settings, embedded=embedded)

    monkeypatch.setattr(proofreading_adapters, "create_proofreader", create)
    monkeypatch.setattr(type(embedded), "close", lambda self: None)


def test_json_report_shape(files, shared_engine, capsys) -> None:
    code = main(
        [
            "--config", str(files["config"]), "validate",
            "--message", str(files["message"]), "--draft", str(files["draft"]),
            "--author", "Иван Петров", "--platform", "vk", "--attachments", "0", "--json",
        ]
    )  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == REQUIRED | {"kind", "quality"}  # fields are added, never removed (INTERFACES.md)
    assert data["ok"] is True
    assert data["greeting"] == {"ok": True, "issues": []}
    assert data["spelling"]["engine"] == "embedded" and data["spelling"]["matches"] == []
    assert [(q["kind"], q["covered"]) for q in data["questions"]] == [("explicit", True), ("implicit", True)]
    assert set(data["questions"][0]) >= {"text", "kind", "covered", "answer", "evidence", "confidence"}
    first = data["questions"][0]
    assert first["evidence"] == "Снег во дворе дома 5 на улице Ленина уберут до 3 декабря, трактор направлен."
    assert 0.0 <= first["confidence"] <= 1.0
    assert data["quality"] == {"hints": []}
    assert data["format"] == {"ok": True, "issues": []}


def test_bad_verdict_still_exits_zero(files, shared_engine, capsys) -> None:
    files["draft"].write_text("Снег уберут. Фото прилагаем. Обращение расмотрено.", encoding="utf-8")
    code = main(["--config", str(files["config"]), "validate", "--message", str(files["message"]),
                 "--draft", str(files["draft"]), "--author", "Иван", "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert [i["code"] for i in data["greeting"]["issues"]] == ["missing_greeting"]
    assert [i["code"] for i in data["format"]["issues"]] == ["attachment_missing"]
    match = data["spelling"]["matches"][0]
    assert match["text"] == "расмотрено" and match["rule_id"].startswith("MORFOLOGIK")
    assert set(match) >= {"offset", "length", "text", "rule_id", "message", "replacements"}


def test_unreachable_languagetool_falls_back(files, shared_engine, capsys) -> None:
    files["config"].write_text(
        '[proofreading]\nengine = "languagetool"\nlanguagetool_url = "http://127.0.0.1:9"\n', encoding="utf-8"
    )
    code = main(["--config", str(files["config"]), "validate", "--message", str(files["message"]),
                 "--draft", str(files["draft"]), "--json"])  # fmt: skip
    assert code == 0
    spelling = json.loads(capsys.readouterr().out)["spelling"]
    assert spelling["engine"] == "embedded"
    assert "LanguageTool" in spelling["notice"]


def test_human_readable_output(files, shared_engine, capsys) -> None:
    assert main(["--config", str(files["config"]), "validate", "--message", str(files["message"]),
                 "--draft", str(files["draft"])]) == 0  # fmt: skip
    assert "Черновик готов к публикации" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra",
    [
        ["--draft", "{tmp}/missing.txt"],
        ["--draft", "{tmp}/binary.txt"],
        ["--draft", "{draft}", "--platform", "myspace"],
        ["--draft", "{draft}", "--attachments", "-1"],
        ["--draft", "{draft}", "--attachments", "две"],
        [],
        ["--draft", "{draft}", "--bogus"],
    ],
)
def test_bad_arguments_exit_2_with_russian_message(files, capsys, extra: list[str]) -> None:
    (files["tmp"] / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    argv = ["validate", "--message", str(files["message"])] + [
        a.format(tmp=files["tmp"], draft=files["draft"]) for a in extra
    ]
    assert main(["--config", str(files["config"]), *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("otklik: ошибка:")
    assert any("а" <= ch <= "я" for ch in captured.err.split(":", 2)[2])


def test_subprocess_exit_code_for_missing_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "validate", "--message", str(tmp_path / "no.txt"),
         "--draft", str(tmp_path / "no.txt"), "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "не найден" in result.stderr


def test_domain_imports_no_qt_or_sqlalchemy() -> None:
    code = (
        "import sys, desktop_app.domain.validation, desktop_app.adapters.proofreading, desktop_app.cli.validate;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_report_carries_quality_hints_and_evidence_of_a_missing_answer(
    files, shared_engine, capsys
) -> None:
    files["message"].write_text("У школы № 2 бегает стая собак. Кому жаловаться?", encoding="utf-8")
    files["draft"].write_text(
        "Здравствуйте, Иван! Вопрос не входит в компетенцию администрации. Вам следует обратиться в управляющую "
        "компанию.",
        encoding="utf-8",
    )
    code = main(["--config", str(files["config"]), "validate", "--message", str(files["message"]),
                 "--draft", str(files["draft"]), "--author", "Иван", "--platform", "vk", "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    [question] = data["questions"]
    assert question["covered"] is False and question["evidence"] is None
    assert question["status"] in {"unanswered", "check"}
    codes = [h["code"] for h in data["quality"]["hints"]]
    assert "sent_elsewhere_no_contact" in codes
    assert all(h["message"] for h in data["quality"]["hints"])
    assert data["ok"] is False  # the missing answer decides, not the advisory hints
