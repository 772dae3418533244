"""Proofreading engines (R7 (2)): embedded, LanguageTool over real HTTP, managed server, fallback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.adapters.proofreading import (
    FallbackProofreader,
    ManagedLanguageToolServer,
    RemoteLanguageToolProofreader,
    create_proofreader,
    free_port,
    is_public_service,
)
from desktop_app.domain.validation import DraftValidator, Proofreader, ProofreadingUnavailableError
from desktop_app.domain.validation.proofreading import utf16_length, utf16_span_to_codepoints

FAKE = Path(__file__).with_name("fake_languagetool.py")


def test_embedded_engine(embedded) -> None:
    assert isinstance(embedded, Proofreader)
    assert embedded.ready.is_set()
    text = "Здравствуйте! 😀 Ваше обращение расмотрено."
    result = embedded.proofread(text)
    assert result.engine == "embedded"
    (match,) = [m for m in result.matches if m.is_spelling]
    assert text[match.offset : match.offset + match.length] == "расмотрено"
    assert "рассмотрено" in match.replacements
    assert "<suggestion>" not in "".join(m.message for m in result.matches)


def test_utf16_helpers() -> None:
    text = "а😀б"
    assert utf16_length(text) == 4
    assert utf16_span_to_codepoints(text, 1, 2) == (1, 1)
    assert utf16_span_to_codepoints(text, 3, 1) == (2, 1)
    assert utf16_span_to_codepoints(text, 0, 4) == (0, 3)


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://api.languagetool.org/v2", True),
        ("https://languagetool.org/api/", True),
        ("api.languagetoolplus.com", True),
        ("http://lt.admin.local:8081", False),
        ("http://127.0.0.1:8081", False),
        ("http://languagetool.org.example.ru", False),
    ],
)
def test_public_hosts_detected(url: str, public: bool) -> None:
    assert is_public_service(url) is public


def test_public_service_refused() -> None:
    with pytest.raises(ProofreadingUnavailableError, match="общедоступный"):
        RemoteLanguageToolProofreader("https://api.languagetool.org")


def test_remote_languagetool_over_http_with_emoji(fake_lt) -> None:
    engine = RemoteLanguageToolProofreader(fake_lt.url)
    text = "😀😀 Ваше обращение расмотрено, ура 😀 ура! ЕДДС"
    result = engine.proofread(text)
    engine.close()
    assert result.engine == "languagetool"
    spans = {m.rule_id + ":" + text[m.offset : m.offset + m.length] for m in result.matches}
    assert spans == {
        "MORFOLOGIK_RULE_RU_RU:расмотрено",
        "MORFOLOGIK_RULE_RU_RU:ЕДДС",
        "WORD_REPEAT_RULE:ура 😀 ура",
    }
    typo = next(m for m in result.matches if m.rule_id.startswith("MORFOLOGIK"))
    assert typo.replacements == ("рассмотрено",)
    assert typo.issue_type == "misspelling" and typo.category == "TYPOS"


def test_validator_with_languagetool_and_dictionary(fake_lt) -> None:
    engine = RemoteLanguageToolProofreader(fake_lt.url)
    validator = DraftValidator(engine, ["ЕДДС"], vectors=None)
    report = validator.validate("Когда?", "Здравствуйте! 😀 Обращение расмотрено ЕДДС в течении дня.")
    engine.close()
    assert report.spelling.engine == "languagetool"
    assert report.spelling.notice is None
    texts = [m.text for m in report.spelling.matches]
    assert texts == ["расмотрено", "в течении"]  # ЕДДС suppressed, rule pack added on top
    data = report.to_json_dict()
    assert data["spelling"]["matches"][0]["offset"] == "Здравствуйте! 😀 Обращение ".__len__()


def test_unreachable_server_falls_back_with_notice(embedded) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    proofreader = FallbackProofreader(lambda: RemoteLanguageToolProofreader(url), embedded)
    validator = DraftValidator(proofreader, vectors=None)
    report = validator.validate("", "Здравствуйте! Обращение расмотрено.")
    data = report.to_json_dict()["spelling"]
    assert data["engine"] == "embedded"
    assert "недоступен" in data["notice"]
    assert [m["text"] for m in data["matches"]] == ["расмотрено"]


def test_an_unexpected_start_failure_is_told_in_russian(embedded) -> None:
    # Not a ProofreadingUnavailableError: its English text (and path) must stay in the log.
    def broken() -> RemoteLanguageToolProofreader:
        raise RuntimeError("boom in /home/operator/secret")

    proofreader = FallbackProofreader(broken, embedded)
    result = DraftValidator(proofreader, vectors=None).validate("", "Здравствуйте! Обращение расмотрено.")
    notice = result.to_json_dict()["spelling"]["notice"]
    assert "непредвиденной ошибки" in notice
    assert "boom" not in notice and "RuntimeError" not in notice and "/home" not in notice


def test_factory_choices(embedded, fake_lt) -> None:
    settings = SimpleNamespace(
        engine="embedded", languagetool_url="", languagetool_dir="", java_path="", java_memory_mb=256
    )
    assert create_proofreader(settings, embedded=embedded) is embedded
    settings.engine = "languagetool"
    settings.languagetool_url = fake_lt.url
    chosen = create_proofreader(settings, embedded=embedded)
    assert chosen.proofread("расмотрено").engine == "languagetool"
    settings.languagetool_url = "https://api.languagetool.org"
    refused = create_proofreader(settings, embedded=embedded).proofread("расмотрено")
    assert refused.engine == "embedded" and "общедоступный" in (refused.notice or "")
    settings.languagetool_url = ""
    settings.languagetool_dir = "/nonexistent/LanguageTool"
    missing = create_proofreader(settings, embedded=embedded).proofread("расмотрено")
    assert missing.engine == "embedded" and "languagetool-server.jar" in (missing.notice or "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_managed_server_lifecycle(tmp_path: Path) -> None:
    chosen: list[int] = []

    def port_chooser() -> int:
        chosen.append(free_port())
        return chosen[-1]

    server = ManagedLanguageToolServer(
        tmp_path,
        command=[sys.executable, str(FAKE), "--port", "{port}", "--delay", "0.5"],
        log_path=tmp_path / "lt.log",
        port_chooser=port_chooser,
        startup_timeout=20,
    )
    url = server.start()
    assert url == f"http://127.0.0.1:{chosen[0]}"
    pid = server.process.pid
    assert os.getpgid(pid) == pid  # own process group
    engine = RemoteLanguageToolProofreader(url)
    assert [m.rule_id for m in engine.proofread("расмотрено").matches] == ["MORFOLOGIK_RULE_RU_RU"]
    server.stop()
    assert not _pid_alive(pid)
    assert not server.is_running()


def test_managed_server_builds_java_command(tmp_path: Path) -> None:
    (tmp_path / "languagetool-server.jar").write_bytes(b"")
    server = ManagedLanguageToolServer(tmp_path, java_path="/usr/bin/java", memory_mb=768)
    command = server.command(8123)
    assert command[:2] == ["/usr/bin/java", "-Xmx768m"]
    assert "org.languagetool.server.HTTPServer" in command
    assert command[command.index("--port") + 1] == "8123"


def test_managed_server_readiness_timeout_kills_child(tmp_path: Path) -> None:
    server = ManagedLanguageToolServer(
        tmp_path, command=[sys.executable, "-c", "import time; time.sleep(60)"], startup_timeout=1.0
    )
    started = time.monotonic()
    with pytest.raises(ProofreadingUnavailableError, match="не ответил"):
        server.start()
    assert time.monotonic() - started < 10
    assert server.process is None


def test_managed_server_that_exits_is_reported(tmp_path: Path) -> None:
    server = ManagedLanguageToolServer(tmp_path, command=[sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(ProofreadingUnavailableError, match="кодом 3"):
        server.start()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_managed_server_dies_with_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        import sys, time
        from desktop_app.adapters.proofreading import ManagedLanguageToolServer
        server = ManagedLanguageToolServer({str(tmp_path)!r},
            command=[sys.executable, {str(FAKE)!r}, "--port", "{{port}}"], startup_timeout=20)
        server.start()
        open({str(pid_file)!r}, "w").write(str(server.process.pid))
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.1)
    child = int(pid_file.read_text())
    assert _pid_alive(child)
    parent.send_signal(signal.SIGKILL)  # no atexit: only PDEATHSIG can clean up
    parent.wait()
    deadline = time.monotonic() + 5
    while _pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _pid_alive(child)


def test_languagetool_bundled_with_the_installer_is_found(tmp_path, monkeypatch) -> None:
    """installer/build.sh --languagetool DIR --java DIR puts them into the bundle; the app finds them."""
    import sys as _sys

    from desktop_app.adapters.proofreading import factory

    assert factory.bundled_languagetool_dir() == ""  # not inside a bundle
    (tmp_path / "languagetool").mkdir()
    (tmp_path / "languagetool" / "languagetool-server.jar").write_bytes(b"PK")
    (tmp_path / "jre" / "bin").mkdir(parents=True)
    (tmp_path / "jre" / "bin" / "java").write_text("#!/bin/sh\n")
    monkeypatch.setattr(_sys, "_MEIPASS", str(tmp_path), raising=False)
    assert factory.bundled_languagetool_dir() == str(tmp_path / "languagetool")
    assert factory.bundled_java() == str(tmp_path / "jre" / "bin" / "java")


def test_managed_server_outlives_the_thread_that_started_it(tmp_path: Path) -> None:
    """PR_SET_PDEATHSIG fires when the forking *thread* ends: the app starts LanguageTool from a
    short-lived connect thread, and the JVM must not die with it."""
    server = ManagedLanguageToolServer(
        tmp_path, command=[sys.executable, str(FAKE), "--port", "{port}"], startup_timeout=20
    )
    starter = threading.Thread(target=server.start)
    starter.start()
    starter.join(30)
    try:
        time.sleep(0.5)
        assert server.is_running()
        engine = RemoteLanguageToolProofreader(server.url)
        assert [m.rule_id for m in engine.proofread("расмотрено").matches] == ["MORFOLOGIK_RULE_RU_RU"]
        engine.close()
    finally:
        server.stop()


def test_server_configuration_and_ignore_list(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "languagetool-server-6.8.jar").write_bytes(b"PK")
    server = ManagedLanguageToolServer(
        lib,
        java_path="java",
        memory_mb=384,
        work_dir=tmp_path / "run",
        spelling_words=lambda: ["ЕДДС", "МУП «Горсвет»"],
    )
    command = server.command(8123)
    assert "-Xmx384m" in command and "--public" not in command
    classpath = command[command.index("-cp") + 1].split(os.pathsep)
    assert classpath == [str(tmp_path / "run" / "resources"), str(lib / "*")]  # our resources first
    properties = (tmp_path / "run" / "server.properties").read_text().splitlines()
    assert "pipelineCaching=true" in properties
    assert "pipelineExpireTimeInSeconds=86400" in properties  # the default 10 s rebuilds the pipeline
    assert any(line.startswith("cacheSize=") for line in properties)
    assert not any(line.startswith("pipelinePrewarming") for line in properties)  # needs English
    spelling = tmp_path / "run" / "resources" / "org/languagetool/resource/ru/hunspell/spelling_custom.txt"
    assert set(spelling.read_text(encoding="utf-8").split()) == {"ЕДДС", "Горсвет", "МУП"}


def test_classpath_layouts(tmp_path: Path) -> None:
    from desktop_app.adapters.proofreading import languagetool_classpath

    assert languagetool_classpath(tmp_path) is None
    (tmp_path / "languagetool-server-6.8.jar").write_bytes(b"PK")
    assert languagetool_classpath(tmp_path) == [str(tmp_path / "*")]
    (tmp_path / "languagetool-server.jar").write_bytes(b"PK")  # the standalone download
    assert languagetool_classpath(tmp_path) == [str(tmp_path / "languagetool-server.jar")]


def test_auto_without_languagetool_is_the_embedded_engine(embedded, tmp_path, monkeypatch) -> None:
    from desktop_app.adapters.proofreading import factory

    monkeypatch.setattr(factory, "SOURCE_TREE_LANGUAGETOOL", tmp_path / "absent")
    settings = SimpleNamespace(engine="auto", languagetool_url="", languagetool_dir="", java_path="")
    assert create_proofreader(settings, embedded=embedded) is embedded  # no notice: nothing was asked for
    settings.engine = "languagetool"
    insisted = create_proofreader(settings, embedded=embedded).proofread("расмотрено")
    assert insisted.engine == "embedded" and "LanguageTool не установлен" in (insisted.notice or "")


def test_fallback_is_not_warmed_while_languagetool_works(fake_lt) -> None:
    class Lazy:
        name = "embedded"
        ready = threading.Event()
        started = False

        def start(self) -> None:
            self.started = True

        def proofread(self, text):  # pragma: no cover - must not be called
            raise AssertionError("fallback used")

        def close(self) -> None:
            pass

    lazy = Lazy()
    proofreader = FallbackProofreader(lambda: RemoteLanguageToolProofreader(fake_lt.url), lazy)
    proofreader.start()
    assert proofreader.wait_ready(20)
    assert proofreader.proofread("расмотрено").engine == "languagetool"
    assert not lazy.started  # pylat-ru's ≈200 MB are spent only when LanguageTool is unavailable
    proofreader.close()


@pytest.mark.parametrize(
    ("typed", "engine_order", "first"),
    [
        ("расмотрено", ["досмотрено", "насмотрено", "посмотрено", "рассмотрено"], "рассмотрено"),
        ("коммисия", ["комиссия", "коммисии"], "комиссия"),
        ("обращенние", ["обращение", "обращении"], "обращение"),
        ("выполненно", ["выполнено", "выполненною"], "выполнено"),
    ],
)
def test_suggestions_closest_first(typed: str, engine_order: list[str], first: str) -> None:
    from desktop_app.adapters.proofreading import rank_replacements

    ranked = rank_replacements(typed, engine_order)
    assert ranked[0] == first
    assert sorted(ranked) == sorted(engine_order)


def test_closing_while_languagetool_starts_stops_it(tmp_path: Path) -> None:
    """The app quits during the JVM's start: the server started meanwhile is stopped, not left running."""
    server = ManagedLanguageToolServer(
        tmp_path,
        command=[sys.executable, str(FAKE), "--port", "{port}", "--delay", "1.0"],
        startup_timeout=20,
    )

    class Lazy:
        name = "embedded"
        ready = threading.Event()

        def start(self) -> None:
            pass

        def close(self) -> None:
            pass

    def slow_start() -> RemoteLanguageToolProofreader:
        time.sleep(0.5)  # the connect thread reaches the JVM's start only after the app quit
        return RemoteLanguageToolProofreader(server.start())

    proofreader = FallbackProofreader(slow_start, Lazy(), on_close=server.stop)
    proofreader.start()
    time.sleep(0.1)
    proofreader.close()
    assert proofreader.wait_ready(20)
    assert not server.is_running()


def test_a_refused_text_keeps_languagetool(embedded) -> None:
    """An HTTP error answer (the server is alive) sends only that check to the fallback, no restart."""
    import httpx

    from desktop_app.domain.validation import ProofreadingResult

    class Refusing:
        name = "languagetool"
        ready = threading.Event()
        calls = 0

        def connect(self) -> None:
            pass

        def proofread(self, text: str) -> ProofreadingResult:
            self.calls += 1
            if len(text) > 20:
                request = httpx.Request("POST", "http://127.0.0.1/v2/check")
                error = httpx.HTTPStatusError(
                    "413", request=request, response=httpx.Response(413, request=request)
                )
                raise ProofreadingUnavailableError("сервер отказал: HTTP 413") from error
            return ProofreadingResult("languagetool", ())

        def close(self) -> None:
            pass

    refusing = Refusing()
    built: list[int] = []

    def factory() -> Refusing:
        built.append(1)
        return refusing

    proofreader = FallbackProofreader(factory, embedded)
    long_result = proofreader.proofread("Ваше обращение расмотрено, спасибо.")
    assert long_result.engine == "embedded" and "HTTP 413" in (long_result.notice or "")
    assert proofreader.proofread("Коротко.").engine == "languagetool"
    assert built == [1]  # the same server, never rebuilt


def test_the_apps_dictionary_reaches_languagetools_ignore_list(monkeypatch, embedded) -> None:
    """ValidationService hands the organisation dictionary (file + database) to the engine it builds."""
    import desktop_app.adapters.proofreading as adapters
    from desktop_app.services.validation import ValidationService

    seen: dict[str, object] = {}

    def create(settings, **options):
        seen.update(options)
        return embedded

    monkeypatch.setattr(adapters, "create_proofreader", create)
    service = ValidationService(SimpleNamespace(), lambda: ["Кривоборье"])
    assert service.proofreader is embedded
    words = seen["dictionary_words"]()
    assert "Кривоборье" in words and "ЕДДС" in words


def test_language_tool_python_sends_the_rule_pack_and_the_same_parameters(fake_lt) -> None:
    """Through language-tool-python: the warm-up and every check carry the same parameters, with
    the rule pack's disabledRules (LanguageTool builds one pipeline per parameter set)."""
    from desktop_app.adapters.proofreading.languagetool import WARM_UP_TEXT
    from tests.validation.fake_languagetool import Handler

    Handler.forms_seen.clear()
    engine = RemoteLanguageToolProofreader(fake_lt.url, disabled_rules=["RULE_B", "RULE_A"], warm_up=True)
    engine.connect()
    engine.proofread("Обращение расмотрено.")
    engine.proofread("😀 Ещё одно обращение.")
    engine.close()
    forms = list(Handler.forms_seen)
    assert [form["text"] for form in forms] == [
        WARM_UP_TEXT,
        "Обращение расмотрено.",
        "😀 Ещё одно обращение.",
    ]
    settings = [{key: value for key, value in form.items() if key != "text"} for form in forms]
    assert settings[0] == settings[1] == settings[2]
    assert settings[0]["language"] == "ru-RU"
    assert set(settings[0]["disabledRules"].split(",")) == {"RULE_A", "RULE_B"}


def test_a_system_proxy_never_carries_the_text(fake_lt, monkeypatch) -> None:
    """requests would send the check to HTTP_PROXY: a corporate proxy must not see citizens' text
    (and cannot reach our loopback server). Checks go straight to the server."""
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    engine = RemoteLanguageToolProofreader(fake_lt.url)
    result = engine.proofread("Обращение расмотрено.")
    engine.close()
    assert result.notice is None
    assert [m.rule_id for m in result.matches] == ["MORFOLOGIK_RULE_RU_RU"]


def test_no_name_lookup_is_needed_to_reach_the_server(fake_lt, monkeypatch) -> None:
    """A minimal offline root has no /etc/hosts: "localhost" does not resolve. The client must still
    reach the server by its address (found by the .deb's clean-root check)."""
    import socket

    def no_resolver(name: str) -> str:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "gethostbyname", no_resolver)
    engine = RemoteLanguageToolProofreader(fake_lt.url)
    result = engine.proofread("Обращение расмотрено.")
    engine.close()
    assert result.notice is None
    assert [m.rule_id for m in result.matches] == ["MORFOLOGIK_RULE_RU_RU"]


def test_a_text_the_real_client_is_refused_keeps_the_server(fake_lt, embedded) -> None:
    """The server answers 413 with a plain-text body (language-tool-python: not JSON): only that
    check goes to the embedded engine, with a Russian notice free of the text; the server stays."""
    built: list[RemoteLanguageToolProofreader] = []

    def factory() -> RemoteLanguageToolProofreader:
        built.append(RemoteLanguageToolProofreader(fake_lt.url))
        return built[-1]

    proofreader = FallbackProofreader(factory, embedded)
    refused = proofreader.proofread("ОЧЕНЬ ДЛИННЫЙ текст: обращение расмотрено.")
    assert refused.engine == "embedded"
    assert "отказал" in (refused.notice or "") and "ДЛИННЫЙ" not in (refused.notice or "")
    assert "Error" not in (refused.notice or "") and "LanguageToolError" not in (refused.notice or "")
    again = proofreader.proofread("Обращение расмотрено.")
    assert again.engine == "languagetool" and again.notice is None
    assert len(built) == 1
    proofreader.close()


def test_concurrent_checks_keep_their_own_offsets(fake_lt, monkeypatch) -> None:
    """language-tool-python's Match keeps the last text's emoji positions in class attributes (set
    the text first, then its positions): checks from several threads, two per text, must still
    each get offsets over their own text."""
    import language_tool_python.match as ltp_match

    scan = ltp_match.four_byte_char_positions

    def slow_scan(text: str) -> list[int]:  # a long draft on a busy machine: widen the window
        time.sleep(0.003)
        return scan(text)

    monkeypatch.setattr(ltp_match, "four_byte_char_positions", slow_scan)
    engine = RemoteLanguageToolProofreader(fake_lt.url)
    errors: list[str] = []

    def work(emoji: int) -> None:
        text = "😀" * emoji + " обращение расмотрено"
        for _ in range(15):
            for match in engine.proofread(text).matches:
                if text[match.offset : match.offset + match.length] != "расмотрено":
                    errors.append(f"{emoji}: {text[match.offset : match.offset + match.length]!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 0, 3, 3, 6, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.close()
    assert errors == []
