"""A local, Russian-only LanguageTool server the app starts and stops itself (R7 (2)).

We run ``java -Xmx… -cp 'lib/*' org.languagetool.server.HTTPServer --config server.properties
--port P`` on a free loopback port (without ``--public`` LanguageTool listens on localhost only),
wait for ``/v2/healthcheck``, and kill the whole process group on :meth:`stop`, at interpreter
exit and — on Linux — when this process dies (PR_SET_PDEATHSIG). ``server.properties`` turns
pipeline caching on with a long expiry (the default 10 s would rebuild the Russian pipeline,
≈5 s, after every pause in typing) and a sentence cache. ``pipelinePrewarming`` is *not* set: it
builds English pipelines, which a Russian-only set does not have, and the server would not start;
the proofreader sends one warm-up check instead (``RemoteLanguageToolProofreader.warm_up``).

The organisation dictionary is handed to LanguageTool as its spelling ignore list: the words go to
``ru/hunspell/spelling_custom.txt`` in a resource folder put first on the class path, which the
Russian speller reads at start-up (its HTTP API takes no word list without a premium account).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx

from desktop_app.adapters.proofreading import messages
from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import ProofreadingUnavailableError

DEFAULT_STARTUP_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1
SERVER_CLASS = "org.languagetool.server.HTTPServer"
# Pipelines are cached for a day (a desktop app: one user, one language, long pauses between drafts).
SERVER_PROPERTIES = {
    "pipelineCaching": "true",
    "pipelineExpireTimeInSeconds": "86400",
    "maxPipelinePoolSize": "4",
    "cacheSize": "2000",
    "cacheTTLSeconds": "86400",
    "maxTextLength": "50000",
    "maxCheckThreads": "2",
}
SPELLING_RESOURCE = Path("org/languagetool/resource/ru/hunspell/spelling_custom.txt")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGKILL the child when the parent dies, so no orphaned JVM is left."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def languagetool_classpath(directory: str | Path | None) -> list[str] | None:
    """Class-path entries of a LanguageTool installation, or None if ``directory`` holds none.

    Two layouts: the jars that ``installer/languagetool/pom.xml`` copies (``languagetool-server-6.8.jar``
    and its dependencies, taken as ``dir/*``), or the standalone download (``languagetool-server.jar``).
    """
    if not directory:
        return None
    path = Path(directory)
    if (path / "languagetool-server.jar").is_file():
        return [str(path / "languagetool-server.jar")]
    if path.is_dir() and any(path.glob("languagetool-server-*.jar")):
        return [str(path / "*")]
    return None


def find_java(configured: str = "") -> str:
    """The Java to run: the configured path, ``$JAVA_HOME/bin/java``, ``java`` on PATH, or ""."""
    if configured:
        return configured
    java_home = os.environ.get("JAVA_HOME", "")
    for candidate in (
        [Path(java_home) / "bin" / "java", Path(java_home) / "bin" / "java.exe"] if java_home else []
    ):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("java")
    if found:
        return found
    debian = Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")  # openjdk-17-jre-headless, not on PATH yet
    return str(debian) if debian.is_file() else ""


def process_rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


class ManagedLanguageToolServer:
    """Start/stop a LanguageTool server JVM; ``url`` is valid after :meth:`start`.

    ``command`` overrides the Java command line (tests of the process handling use a Python
    stand-in); ``{port}`` in it is replaced with the chosen port. ``spelling_words`` (called at every
    start) are the organisation dictionary's words for LanguageTool's ignore list.
    """

    def __init__(
        self,
        languagetool_dir: str | Path,
        java_path: str = "java",
        memory_mb: int = 512,
        *,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
        log_path: Path | None = None,
        command: Sequence[str] | None = None,
        host: str = "127.0.0.1",
        port_chooser: Callable[[], int] | None = None,
        spelling_words: Callable[[], Iterable[str]] | None = None,
        work_dir: Path | None = None,
    ) -> None:
        self.languagetool_dir = Path(languagetool_dir) if languagetool_dir else None
        self.java_path = java_path or "java"
        self.memory_mb = memory_mb
        self.startup_timeout = startup_timeout
        self.log_path = log_path or _default_log_path()
        self.command_override = list(command) if command else None
        self.host = host
        self._port_chooser = port_chooser or (lambda: free_port(host))
        self._spelling_words = spelling_words
        self._work_dir = work_dir
        self._own_work_dir: str | None = None
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0  # how many JVMs this object started (restarts included)
        self._lock = threading.Lock()
        self._atexit_registered = False

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        process = self.process
        return process.pid if process is not None and process.poll() is None else None

    def work_dir(self) -> Path:
        """Where server.properties and the spelling resource go (a private temporary folder by default)."""
        if self._work_dir is not None:
            return self._work_dir
        if self._own_work_dir is None:
            self._own_work_dir = tempfile.mkdtemp(prefix="otklik-languagetool-")
        return Path(self._own_work_dir)

    def write_config(self) -> tuple[Path, Path]:
        """Write server.properties and the spelling resource folder; returns both paths."""
        work = self.work_dir()
        work.mkdir(parents=True, exist_ok=True)
        properties = work / "server.properties"
        properties.write_text("".join(f"{k}={v}\n" for k, v in SERVER_PROPERTIES.items()), encoding="utf-8")
        resources = work / "resources"
        spelling = resources / SPELLING_RESOURCE
        spelling.parent.mkdir(parents=True, exist_ok=True)
        words = sorted(set(_spelling_entries(self._spelling_words() if self._spelling_words else ())))
        spelling.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
        return properties, resources

    def command(self, port: int) -> list[str]:
        if self.command_override is not None:
            return [part.replace("{port}", str(port)) for part in self.command_override]
        classpath = languagetool_classpath(self.languagetool_dir)
        if classpath is None:
            raise ProofreadingUnavailableError(
                messages.LANGUAGETOOL_JARS_MISSING.format(path=self.languagetool_dir)
            )
        properties, resources = self.write_config()
        return [
            self.java_path,
            f"-Xmx{int(self.memory_mb)}m",
            "-XX:+UseSerialGC",  # one small heap, one user: less memory and fewer threads than G1
            "-Dfile.encoding=UTF-8",
            "-cp",
            os.pathsep.join([str(resources), *classpath]),
            SERVER_CLASS,
            "--config",
            str(properties),
            "--port",
            str(port),
        ]

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> str:
        """Start the server (again, if it died) and wait until it answers; returns its URL."""
        with self._lock:
            if self.is_running():
                return self.url
            self._reap()
            port = self._port_chooser()
            command = self.command(port)
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            _rotate(self.log_path)
            log_file = self.log_path.open("ab")
            try:
                self.process = self._spawn(command, log_file)
            finally:
                log_file.close()
            self.port = port
            self.starts += 1
            if not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True
        self._wait_ready()
        return self.url

    def _spawn(self, command: list[str], log_file: Any) -> subprocess.Popen[bytes]:
        """Start the JVM from a thread that lives as long as the JVM.

        Linux sends PR_SET_PDEATHSIG when the *thread* that forked the child ends, not the process:
        a JVM started from a short-lived connect thread would be killed the moment it finished.
        """
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        spawned = threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                process = subprocess.Popen(
                    command,
                    cwd=str(self.work_dir()) if self.command_override is None else None,
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: killpg takes the JVM and its children
                    preexec_fn=preexec,
                )
            except OSError as exc:
                outcome["error"] = exc
                spawned.set()
                return
            outcome["process"] = process
            spawned.set()
            process.wait()

        threading.Thread(target=run, name="languagetool-process", daemon=True).start()
        spawned.wait()
        if "error" in outcome:
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_JAVA_MISSING.format(path=command[0])
            ) from outcome["error"]
        return outcome["process"]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        health = f"{self.url}/v2/healthcheck"
        while True:
            process = self.process
            if process is None or process.poll() is not None:
                code = process.returncode if process else None
                self.stop()
                raise ProofreadingUnavailableError(self._exit_reason(code))
            try:
                if httpx.get(health, timeout=1.0, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise ProofreadingUnavailableError(
                    texts.LANGUAGETOOL_START_TIMEOUT.format(seconds=self.startup_timeout, log=self.log_path)
                )
            time.sleep(0.1)

    def _exit_reason(self, code: int | None) -> str:
        """A Russian reason; names the too-old Java the log shows, the usual cause."""
        try:
            log = self.log_path.read_text(encoding="utf-8", errors="replace")[-20000:]
        except OSError:
            log = ""
        if "UnsupportedClassVersionError" in log:
            return messages.JAVA_TOO_OLD.format(java=self.java_path)
        return texts.LANGUAGETOOL_EXITED.format(code=code, log=self.log_path)

    def _reap(self) -> None:
        """Forget a process that died by itself (killing what is left of its group)."""
        process = self.process
        if process is not None and process.poll() is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                _signal_group(process, kill=True)
            self.process = None

    def stop(self) -> None:
        """Terminate the process group, then kill it if it does not exit within 5 s."""
        with self._lock:
            process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    _signal_group(process, kill=False)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        _signal_group(process, kill=True)
                    process.wait(timeout=5)
            else:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    _signal_group(process, kill=True)  # leftovers of an exited leader
        if self._own_work_dir is not None:
            shutil.rmtree(self._own_work_dir, ignore_errors=True)
            self._own_work_dir = None

    def __enter__(self) -> ManagedLanguageToolServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], *, kill: bool) -> None:
    """Terminate/kill the JVM's process group (POSIX) or the process itself (Windows has no killpg)."""
    if hasattr(os, "killpg"):
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    elif process.poll() is None:
        process.kill() if kill else process.terminate()


LOG_MAX_BYTES = 2_000_000


def _default_log_path() -> Path:
    """``languagetool.log`` beside the app's own log (user's state dir), else the temp folder."""
    try:
        from desktop_app import paths

        directory = paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return directory / "languagetool.log"
    except OSError:
        return Path(tempfile.gettempdir()) / f"otklik-languagetool-{os.getpid()}.log"


def _rotate(log: Path) -> None:
    """Keep one previous log (``.1``) once the log passes 2 MB: the JVM logs every request."""
    with contextlib.suppress(OSError):
        if log.stat().st_size > LOG_MAX_BYTES:
            log.replace(log.with_name(log.name + ".1"))


def _spelling_entries(words: Iterable[str]) -> Iterable[str]:
    """One token per line as LanguageTool's spelling files want it (phrases split into words)."""
    for entry in words:
        for word in str(entry).split():
            word = word.strip(".,;:!?«»\"'()")
            if word and "#" not in word:
                yield word
