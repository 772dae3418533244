"""A local LanguageTool installation the app starts and stops itself (R7 (2)).

language-tool-python's own launcher polls a busy port, waits only 15 s and may spawn a second
JVM; we start ``languagetool-server.jar`` on a free port with an ``-Xmx`` limit and a log file,
wait for ``/v2/languages`` (a cold server needs 9–14 s), and kill the whole process group on
``stop()``, at interpreter exit, and — on Linux — when this process dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from desktop_app.domain.validation import texts
from desktop_app.domain.validation.proofreading import ProofreadingUnavailableError

DEFAULT_STARTUP_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1


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


class ManagedLanguageToolServer:
    """Start/stop a LanguageTool server JVM; ``url`` is valid after :meth:`start`.

    ``command`` overrides the Java command line (tests use a Python stand-in); ``{port}`` in it
    is replaced with the chosen port.
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
    ) -> None:
        self.languagetool_dir = Path(languagetool_dir) if languagetool_dir else None
        self.java_path = java_path or "java"
        self.memory_mb = memory_mb
        self.startup_timeout = startup_timeout
        self.log_path = log_path or Path(tempfile.gettempdir()) / f"otklik-languagetool-{os.getpid()}.log"
        self.command_override = list(command) if command else None
        self.host = host
        self._port_chooser = port_chooser or (lambda: free_port(host))
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._atexit_registered = False

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    def command(self, port: int) -> list[str]:
        if self.command_override is not None:
            return [part.replace("{port}", str(port)) for part in self.command_override]
        jar = (self.languagetool_dir or Path()) / "languagetool-server.jar"
        if not jar.is_file():
            raise ProofreadingUnavailableError(
                texts.LANGUAGETOOL_JAR_MISSING.format(path=self.languagetool_dir)
            )
        return [
            self.java_path,
            f"-Xmx{int(self.memory_mb)}m",
            "-cp",
            str(jar),
            "org.languagetool.server.HTTPServer",
            "--port",
            str(port),
            "--allow-origin",
            "*",
        ]

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> str:
        """Start the server and wait until it answers; returns its URL."""
        with self._lock:
            if self.is_running():
                return self.url
            port = self._port_chooser()
            command = self.command(port)
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log_file = self.log_path.open("ab")
            preexec = _die_with_parent if sys.platform.startswith("linux") else None
            try:
                self.process = subprocess.Popen(
                    command,
                    cwd=str(self.languagetool_dir)
                    if self.languagetool_dir and self.languagetool_dir.is_dir()
                    else None,
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: killpg takes the JVM and its children
                    preexec_fn=preexec,
                )
            except OSError as exc:
                raise ProofreadingUnavailableError(
                    texts.LANGUAGETOOL_JAVA_MISSING.format(path=command[0])
                ) from exc
            finally:
                log_file.close()
            self.port = port
            if not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True
        self._wait_ready()
        return self.url

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        languages = f"{self.url}/v2/languages"
        while True:
            process = self.process
            if process is None or process.poll() is not None:
                code = process.returncode if process else None
                self.stop()
                raise ProofreadingUnavailableError(
                    texts.LANGUAGETOOL_EXITED.format(code=code, log=self.log_path)
                )
            try:
                if httpx.get(languages, timeout=1.0, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise ProofreadingUnavailableError(
                    texts.LANGUAGETOOL_START_TIMEOUT.format(seconds=self.startup_timeout, log=self.log_path)
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the process group, then kill it if it does not exit within 5 s."""
        with self._lock:
            process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # leftovers of an exited leader

    def __enter__(self) -> ManagedLanguageToolServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
