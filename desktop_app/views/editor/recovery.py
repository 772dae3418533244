"""Crash-recovery copies of drafts on the local disk (issue 8.6: nothing typed is ever lost).

One JSON file per user and message in ``<data dir>/recovery/``. The editor writes it before every
database save (and shortly after typing stops), atomically (temporary file + ``os.replace`` + fsync),
so neither a killed process nor a database outage loses text. ``synced`` says the same text reached
the database at ``revision``; an unsynced copy whose base revision is still the database's current
one is newer than the database text and is restored when the message is reopened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveredDraft:
    message_id: int
    kind: str
    text: str
    base_revision: int | None  # the draft revision the text was edited from (None: no draft yet)
    synced: bool  # this exact text is in the database at ``base_revision``
    written_at: str  # local wall-clock time, ISO 8601, for the user


class RecoveryStore:
    """Per-message recovery files of one user; Qt-free, used from the UI thread."""

    def __init__(self, directory: Path, user_id: int) -> None:
        self.directory = Path(directory)
        self.user_id = user_id

    @classmethod
    def default(cls, user_id: int) -> RecoveryStore:
        from desktop_app.paths import data_dir

        return cls(data_dir() / "recovery", user_id)

    def path(self, message_id: int) -> Path:
        return self.directory / f"draft-u{self.user_id}-m{message_id}.json"

    def write(self, message_id: int, kind: str, text: str, base_revision: int | None, synced: bool) -> bool:
        """Write the copy; False (logged) when the disk refuses — the database save still runs."""
        record = RecoveredDraft(
            message_id, kind, text, base_revision, synced, dt.datetime.now().astimezone().isoformat()
        )
        target = self.path(message_id)
        temporary = target.with_suffix(".tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(asdict(record), handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError:
            log.warning("cannot write the recovery copy %s", target, exc_info=True)
            return False
        return True

    def load(self, message_id: int) -> RecoveredDraft | None:
        try:
            data = json.loads(self.path(message_id).read_text(encoding="utf-8"))
            return RecoveredDraft(
                message_id=int(data["message_id"]),
                kind=str(data["kind"]),
                text=str(data["text"]),
                base_revision=None if data.get("base_revision") is None else int(data["base_revision"]),
                synced=bool(data.get("synced")),
                written_at=str(data.get("written_at", "")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("unreadable recovery copy for message %s", message_id, exc_info=True)
            return None

    def clear(self, message_id: int) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(message_id).unlink()
