"""Rotating log file in the user's log dir, readable by its owner only.

No citizen's text or personal data is written: the engine hides statement parameters
(``hide_parameters=True``) and services log ids, never texts (tests/services/test_secrets.py).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from desktop_app import paths


def configure_logging(level: int = logging.INFO, directory: Path | None = None) -> Path | None:
    """Log to ``otklik.log`` (rotated at 2 MB, 5 files kept); return the file, or None if unwritable."""
    directory = directory or paths.log_dir()
    root = logging.getLogger()
    root.setLevel(level)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        log_file = directory / "otklik.log"
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        if os.name == "posix":
            # Only the owner reads the log: it names logins and message numbers (issue 14).
            os.chmod(log_file, 0o600)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return log_file
