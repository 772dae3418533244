"""A throwaway PostgreSQL server on loopback for the test session.

``OTKLIK_TEST_POSTGRES_URL`` wins when set (e.g. by CI). Otherwise the server binaries of the
Debian ``postgresql`` package are used to init a cluster in a temporary folder, on a free port,
running as the ``postgres`` system user when we are root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _pg_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """Yield a SQLAlchemy URL of a fresh server, or None when no server can be had."""
    given = os.environ.get("OTKLIK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bin_dir = _pg_bin_dir()
    if bin_dir is None:
        yield None
        return
    run_as: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="otklik-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = workdir / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "otklik", "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -k {workdir} -c fsync=off -c synchronous_commit=off"
    )
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(workdir / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield f"postgresql+psycopg://otklik@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(workdir, ignore_errors=True)
