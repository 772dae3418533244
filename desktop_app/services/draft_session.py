"""One message's draft on this workstation (issue 17): autosave, revisions, conflicts, recovery, submit.

Qt-free and synchronous: the editor (a view) tells the session what the user typed and runs the
session's jobs (``SaveJob.run``, ``SubmitJob.run``) off the UI thread; the session decides what to
save, with which revision, what a refusal means and what the local recovery copy says.

Rules it owns (issue 8.6, R6–R9):

* every database save carries the draft revision this workstation last saw — ``None`` meaning "no
  draft expected" — so a concurrent edit elsewhere is a conflict, never an overwrite;
* a recovery copy is written before every database save and marked synced once the save is in;
* during a conflict autosave pauses (only the recovery copy is written) until the user chooses;
* interim answers and clarification requests need not answer every question (R9).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.domain.validation import ValidationReport
from desktop_app.errors import OtklikError
from desktop_app.services.actor import Actor
from desktop_app.services.errors import ConflictError
from desktop_app.services.queries import MessageDetail
from desktop_app.services.validation import CHECK_QUESTIONS, failed_check_codes

log = logging.getLogger(__name__)

EDITABLE_STATES = frozenset({MessageState.ROUTED, MessageState.REWORK, MessageState.INTERIM})


@dataclass(frozen=True)
class RecoveredDraft:
    message_id: int
    kind: str
    text: str
    base_revision: int | None  # the draft revision the text was edited from (None: no draft yet)
    synced: bool  # this exact text is in the database at ``base_revision``
    written_at: str  # local wall-clock time, ISO 8601, for the user


class RecoveryStore:
    """Crash-recovery copies of drafts on the local disk (issue 8.6: nothing typed is ever lost).

    One JSON file per user and message, written atomically (temporary file + ``os.replace`` +
    fsync), so neither a killed process nor a database outage loses text.
    """

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


def failed_checks(kind: DraftKind, report: ValidationReport) -> list[str]:
    """Failed check codes for this kind: interim answers and clarification requests do not have to
    answer every question (R9), so question coverage only counts for a final answer."""
    failed = failed_check_codes(report)
    if kind is not DraftKind.ANSWER and CHECK_QUESTIONS in failed:
        failed.remove(CHECK_QUESTIONS)
    return failed


@dataclass(frozen=True)
class Conflict:
    """Another workstation's text the user must choose against (nothing is overwritten meanwhile)."""

    other_text: str
    other_revision: int | None
    explanation: str


CONFLICT_ON_SAVE = (
    "Черновик этого сообщения изменён на другом рабочем месте. Ваш текст не записан поверх: "
    "ниже — текст с другого рабочего места, в редакторе — ваш. Выберите, какой оставить."
)
CONFLICT_ON_OPEN = (
    "На этом компьютере остался несохранённый текст, а черновик в базе с тех пор изменён. "
    "Ниже — текст из базы; в редакторе — ваш текст."
)


@dataclass(frozen=True)
class Opened:
    """What the editor shows when the message opens."""

    text: str
    kind: DraftKind
    editable: bool
    notice: str = ""  # «Восстановлен текст…»
    prefilled: bool = False  # the text is only the greeting the session put there


@dataclass
class SaveJob:
    session: DraftSession
    text: str
    kind: DraftKind
    revision: int | None
    run: Callable[[], Any] = field(repr=False, default=lambda: None)


@dataclass
class SubmitJob:
    session: DraftSession
    text: str
    kind: DraftKind
    run: Callable[[], Any] = field(repr=False, default=lambda: None)


@dataclass(frozen=True)
class SaveFailure:
    conflict: bool  # the database moved on: fetch the other text and show the conflict
    message: str = ""  # otherwise the sentence for the status line (the text is safe on this disk)


class DraftSession:
    """The draft of one message being edited on this workstation."""

    def __init__(
        self,
        workflow: Any,
        recovery: RecoveryStore,
        actor: Actor,
        detail: MessageDetail,
        greeting: Callable[[str], str],
    ) -> None:
        self._workflow = workflow
        self.recovery = recovery
        self.actor = actor
        self.message_id = detail.row.id
        self._greeting = greeting
        self.revision: int | None = None
        self.saved_text = ""
        self.saved_kind = DraftKind.ANSWER
        self.conflict: Conflict | None = None
        self.saving = False
        self._save_again = False
        self._force_save = False
        self.closed = False  # submitted: nothing more to save
        self.announced = False  # the others were told this draft is being edited (presence)

    # -- opening -------------------------------------------------------------------------------

    def open(self, detail: MessageDetail) -> Opened:
        """The database text, or a newer local recovery copy, or a greeting; a conflict if both moved."""
        draft = detail.draft
        db_text = draft.working_text if draft else ""
        self.revision = draft.revision if draft else None
        kind = draft.kind if draft else DraftKind.ANSWER
        if detail.row.state is MessageState.INTERIM and kind is DraftKind.INTERIM:
            kind = DraftKind.ANSWER  # R9: after an interim answer the final answer is due
        text = db_text
        self.saved_text = db_text
        self.saved_kind = kind if draft else DraftKind.ANSWER
        self.conflict = None
        editable = detail.row.state in EDITABLE_STATES
        notice = ""
        recovered = self.recovery.load(detail.row.id)
        if recovered is not None and editable and not recovered.synced and recovered.text != db_text:
            if recovered.base_revision == self.revision or (draft is not None and not db_text.strip()):
                text = recovered.text
                kind = DraftKind(recovered.kind) if recovered.kind in DraftKind._value2member_map_ else kind
                notice = (
                    "Восстановлен текст, который не успел сохраниться в базе "
                    f"(копия на этом компьютере от {recovered.written_at[:19].replace('T', ' ')})."
                )
            else:
                # The database moved on since this copy was made: show both, overwrite nothing.
                self.conflict = Conflict(db_text, self.revision, CONFLICT_ON_OPEN)
                text = recovered.text
        prefilled = False
        if editable and not text.strip():
            text = self._greeting(detail.row.author_name) + "\n\n"
            self.saved_text = text  # a greeting alone is not worth an autosave
            prefilled = True
        return Opened(text, kind, editable, notice, prefilled)

    # -- typing and autosave -----------------------------------------------------------------------

    def is_dirty(self, text: str, kind: DraftKind) -> bool:
        return not self.closed and (self._force_save or text != self.saved_text or kind != self.saved_kind)

    def write_recovery(self, text: str, kind: DraftKind) -> None:
        if self.is_dirty(text, kind):
            self.recovery.write(self.message_id, kind.value, text, self.revision, False)

    def begin_save(self, text: str, kind: DraftKind) -> SaveJob | None:
        """A save to run now, or None: nothing changed, a save is running (it will save again), or a
        conflict waits for the user (then only the recovery copy is written)."""
        if not self.is_dirty(text, kind):
            return None
        self.recovery.write(self.message_id, kind.value, text, self.revision, False)
        if self.conflict is not None:
            return None
        if self.saving:
            self._save_again = True
            return None
        self.saving = True
        workflow, actor, message_id, revision = self._workflow, self.actor, self.message_id, self.revision
        return SaveJob(
            self,
            text,
            kind,
            revision,
            # ``revision`` None: "no draft expected" — a draft made elsewhere meanwhile is a conflict.
            lambda: workflow.save_draft(actor, message_id, kind, text, revision),
        )

    def save_done(self, job: SaveJob, revision: int) -> bool:
        """The save is in; True when the editor should save again (typed on, or asked meanwhile)."""
        self.saving = False
        self.revision = revision
        self._force_save = False
        self.saved_text = job.text
        self.saved_kind = job.kind
        self.recovery.write(self.message_id, job.kind.value, job.text, revision, True)
        again, self._save_again = self._save_again, False
        return again

    def save_failed(self, error: BaseException) -> SaveFailure:
        self.saving = False
        self._save_again = False
        if isinstance(error, ConflictError):
            return SaveFailure(conflict=True)
        # The recovery copy on this computer holds the text; the next autosave retries.
        reason = str(error) if isinstance(error, OtklikError) else "база данных недоступна."
        log.warning("draft autosave failed: %s", error)
        return SaveFailure(
            conflict=False,
            message=f"Не удалось сохранить в базу: {reason} Текст сохранён на этом компьютере, "
            "повторим автоматически.",
        )

    # -- conflicts -----------------------------------------------------------------------------------

    def conflict_found(self, other_text: str, other_revision: int | None) -> Conflict:
        self.conflict = Conflict(other_text, other_revision, CONFLICT_ON_SAVE)
        return self.conflict

    def take_other_text(self) -> str | None:
        """Conflict: the other workstation's text becomes mine (mine stays in the recovery copy)."""
        if self.conflict is None:
            return None
        other = self.conflict
        self.conflict = None
        self.revision = other.other_revision
        self.saved_text = other.other_text
        self.recovery.write(
            self.message_id, self.saved_kind.value, other.other_text, other.other_revision, True
        )
        return other.other_text

    def keep_my_text(self) -> bool:
        """Conflict: save my text as the next revision, on top of the other one (explicit choice)."""
        if self.conflict is None:
            return False
        self.revision = self.conflict.other_revision
        self.conflict = None
        self._force_save = True  # save even if the texts happen to match
        return True

    # -- submit ----------------------------------------------------------------------------------------

    def begin_submit(
        self, text: str, kind: DraftKind, version: int, failed: list[str], attachment_ids: list[int]
    ) -> SubmitJob:
        """Send the draft to ОпОГ (R6, R8); the recovery copy holds the text until it is in."""
        self.recovery.write(self.message_id, kind.value, text, self.revision, False)
        workflow, actor, message_id = self._workflow, self.actor, self.message_id
        return SubmitJob(
            self,
            text,
            kind,
            lambda: workflow.submit_draft(actor, message_id, version, kind, text, failed, attachment_ids),
        )

    def submit_done(self, job: SubmitJob) -> None:
        self.recovery.clear(self.message_id)
        self.saved_text, self.saved_kind = job.text, job.kind
        self.closed = True
