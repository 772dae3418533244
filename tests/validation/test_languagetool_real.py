"""The real LanguageTool (R7 (2)): the Russian-only server that scripts/setup.sh fetches.

One JVM for the whole module (``lt`` fixture, ≈5–20 s to the first answer), started the way the app
starts it (``create_proofreader`` with ``engine = "languagetool"``). Where the jars or Java are missing
the tests skip locally and fail in CI (``CI=true``): CI must test the engine users get.
The test that kills the server runs last, as it costs a restart.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.adapters.proofreading import (
    FallbackProofreader,
    ManagedLanguageToolProofreader,
    RemoteLanguageToolProofreader,
    create_proofreader,
    find_java,
    installed_languagetool_dir,
)
from desktop_app.cli import main
from desktop_app.domain.validation import DraftValidator, default_dictionary_words

# A village name no Russian dictionary knows: the organisation dictionary teaches it to LanguageTool.
VILLAGE = "Кривоборье"
UNKNOWN_VILLAGE = "Кривоборовка"


def _settings(**overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "engine": "languagetool",
        "languagetool_url": "",
        "languagetool_dir": "",
        "java_path": "",
        "java_memory_mb": 512,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


@pytest.fixture(scope="module")
def lt(embedded, tmp_path_factory) -> FallbackProofreader:
    if not (installed_languagetool_dir() and find_java()):
        message = "LanguageTool jars or Java 17 missing: run scripts/setup.sh (installer/languagetool/lib)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    log = tmp_path_factory.mktemp("languagetool") / "server.log"
    proofreader = create_proofreader(
        _settings(),
        embedded=embedded,
        dictionary_words=lambda: [*default_dictionary_words(), VILLAGE],
        log_path=log,
    )
    assert isinstance(proofreader, FallbackProofreader)
    proofreader.start()  # what the app does once its window is up
    assert proofreader.wait_ready(180)
    assert proofreader.primary is not None, (
        f"LanguageTool did not start: {proofreader.failure}\n{log.read_text()}"
    )
    yield proofreader
    server = proofreader.primary.server if proofreader.primary is not None else None
    proofreader.close()  # the embedded engine's close() releases nothing: the session keeps it
    assert server is None or not server.is_running()


def _spans(result, text: str) -> dict[str, str]:
    return {text[m.offset : m.offset + m.length]: m.rule_id for m in result.matches}


def test_real_server_runs_loopback_and_answers(lt) -> None:
    primary = lt.primary
    assert isinstance(primary, ManagedLanguageToolProofreader)
    assert primary.url.startswith("http://127.0.0.1:")
    result = lt.proofread("Здравствуйте! Ваше обращение расмотрено.")
    assert result.engine == "languagetool" and result.notice is None
    assert _spans(result, "Здравствуйте! Ваше обращение расмотрено.") == {
        "расмотрено": "MORFOLOGIK_RULE_RU_RU"
    }


def test_utf16_offsets_with_emoji(lt) -> None:
    """LanguageTool counts UTF-16 units: each emoji before a match shifts it by one more unit."""
    text = "😀😀 Ваше обращение расмотрено 👍🏻, работы будут выполнены в течении недели 🚧."
    result = lt.proofread(text)
    spans = _spans(result, text)
    assert spans["расмотрено"] == "MORFOLOGIK_RULE_RU_RU"
    assert any(fragment.startswith("в течении") for fragment in spans)
    for match in result.matches:
        assert "\ud83d" not in text[match.offset : match.offset + match.length]  # never half an emoji


def test_right_word_first_among_suggestions(lt) -> None:
    """«расмотрено»: LanguageTool's own order puts «рассмотрено» fourth; we put the closest word first."""
    text = "Ваше обращение расмотрено."
    (typo,) = lt.proofread(text).matches
    assert typo.replacements[0] == "рассмотрено"
    raw = RemoteLanguageToolProofreader(lt.primary.url, rerank=False)
    try:
        (raw_typo,) = raw.proofread(text).matches
    finally:
        raw.close()
    assert "рассмотрено" in raw_typo.replacements and raw_typo.replacements[0] != "рассмотрено"


def test_suggestion_quality_on_officials_slips(lt) -> None:
    """tests/validation/spelling_evaluation.py's slips: the shipped order beats LanguageTool's own."""
    from desktop_app.domain.validation import RulePack
    from tests.validation.spelling_evaluation import SLIPS, SpellingScore

    def rates(proofreader) -> SpellingScore:
        validator = DraftValidator(proofreader, (), rule_pack=RulePack([]), vectors=None)
        score = SpellingScore(slips=len(SLIPS))
        for sentence, typed, right in SLIPS:
            start = sentence.find(typed)
            hit = [
                m
                for m in validator.check_spelling(sentence).matches
                if m.offset <= start < m.offset + m.length
            ]
            replacements = list(hit[0].replacements) if hit else []
            score.first += replacements[:1] == [right]
            score.top3 += right in replacements[:3]
        return score

    raw = RemoteLanguageToolProofreader(lt.primary.url, rerank=False)
    try:
        alone, shipped = rates(raw), rates(lt)
    finally:
        raw.close()
    assert shipped.first_rate >= 0.9 and shipped.top3_rate >= 0.9
    assert shipped.first > alone.first


def test_organisation_dictionary_is_languagetools_ignore_list(lt) -> None:
    text = f"Дорогу в селе {VILLAGE} и в деревне {UNKNOWN_VILLAGE} отремонтируют до 1 июня."
    spans = _spans(lt.proofread(text), text)
    assert VILLAGE not in spans  # in spelling_custom.txt of the running server
    assert spans.get(UNKNOWN_VILLAGE) == "MORFOLOGIK_RULE_RU_RU"  # the same speller flags its neighbour
    # A word approved after the server started is accepted by the dictionary filter on top.
    validator = DraftValidator(lt, [*default_dictionary_words(), UNKNOWN_VILLAGE], vectors=None)
    assert [m.text for m in validator.check_spelling(text).matches] == []


def test_rule_pack_on_top_and_disabled_rules(lt) -> None:
    text = "Согласно графика работы будут выполнены в течении недели, расмотрено."
    validator = DraftValidator(lt, default_dictionary_words(), vectors=None)
    section = validator.check_spelling(text)
    assert section.engine == "languagetool"
    sources = {m.text: (m.source, m.rule_id) for m in section.matches}
    assert sources["расмотрено"] == ("languagetool", "MORFOLOGIK_RULE_RU_RU")
    assert any(rule.startswith("OTKLIK_SOGLASNO") for _, rule in sources.values())  # the pack adds it
    # disabledRules travels with each request: the server itself stops reporting the rule.
    quiet = RemoteLanguageToolProofreader(lt.primary.url, disabled_rules=["MORFOLOGIK_RULE_RU_RU"])
    try:
        assert "MORFOLOGIK_RULE_RU_RU" not in {m.rule_id for m in quiet.proofread(text).matches}
    finally:
        quiet.close()


def test_auto_prefers_the_installed_languagetool(embedded) -> None:
    auto = create_proofreader(_settings(engine="auto"), embedded=embedded)
    assert isinstance(auto, FallbackProofreader)  # not started: nothing runs until start()/proofread()
    assert auto.primary is None
    assert create_proofreader(_settings(engine="embedded"), embedded=embedded) is embedded
    missing = create_proofreader(_settings(engine="auto", languagetool_dir="", java_path="/nonexistent/java"))
    assert isinstance(missing, FallbackProofreader)  # a configured Java is taken as given


def test_cli_reports_languagetool_and_the_right_word_first(lt, tmp_path: Path, capsys) -> None:
    """``otklik validate --engine languagetool --json`` (here against the module's server by URL)."""
    (tmp_path / "m.txt").write_text("Когда отремонтируют дорогу на улице Ленина?", encoding="utf-8")
    (tmp_path / "d.txt").write_text(
        "Здравствуйте, Иван! Дорогу на улице Ленина отремонтируют до 1 июня. Заявка расмотрено.",
        encoding="utf-8",
    )
    config = tmp_path / "settings.toml"
    config.write_text(
        f'[proofreading]\nengine = "embedded"\nlanguagetool_url = "{lt.primary.url}"\n', "utf-8"
    )
    argv = ["--config", str(config), "validate", "--message", str(tmp_path / "m.txt")]
    argv += ["--draft", str(tmp_path / "d.txt"), "--author", "Иван", "--engine", "languagetool", "--json"]
    assert main(argv) == 0
    spelling = json.loads(capsys.readouterr().out)["spelling"]
    assert spelling["engine"] == "languagetool" and "notice" not in spelling
    (typo,) = [m for m in spelling["matches"] if m["text"] == "расмотрено"]
    assert typo["replacements"][0] == "рассмотрено"


def test_server_killed_mid_check_falls_back_then_restarts(lt) -> None:
    """The JVM dies during a check: that check is answered by the embedded engine with a notice,
    the server is started again in the background, and the next checks use LanguageTool again."""
    server = lt.primary.server
    pid, starts = server.pid, server.starts
    text = (
        "Ваше обращение расмотрено. "
        + "Работы будут выполнены в срок, контроль за исполнением сохранён. " * 300
    )
    killer = threading.Timer(0.05, os.kill, (pid, signal.SIGKILL))
    killer.start()
    result = lt.proofread(text)
    killer.join()
    assert result.engine == "embedded"
    assert "LanguageTool" in (result.notice or "")
    assert any(text[m.offset : m.offset + m.length] == "расмотрено" for m in result.matches)
    deadline = time.monotonic() + 180
    while lt.primary is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert lt.primary is not None, lt.failure
    assert server.starts == starts + 1 and server.pid not in (None, pid)
    again = lt.proofread("Ваше обращение расмотрено.")
    assert again.engine == "languagetool" and again.notice is None
