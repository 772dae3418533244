"""DraftSession without Qt (issue 17): autosave, revisions, conflicts, recovery files and submit."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.draft_session import DraftSession, RecoveryStore, failed_checks
from desktop_app.services.errors import ConflictError
from tests.support.factories import World


def _greeting(author: str) -> str:
    return "Здравствуйте!"


@pytest.fixture
def routed(services: AppServices, world: World) -> int:
    message_id = world.arrive("Когда починят фонарь на улице Мира?")
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    return message_id


def _session(services: AppServices, world: World, message_id: int, folder: Path) -> DraftSession:
    detail = services.queries.message_detail(world.roads_executor, message_id)
    session = DraftSession(
        services.workflow, RecoveryStore(folder, 7), world.roads_executor, detail, _greeting
    )
    session.opened = session.open(detail)  # type: ignore[attr-defined]
    return session


def test_a_new_draft_starts_with_the_greeting_and_its_first_save_expects_no_draft(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    session = _session(services, world, routed, tmp_path)
    assert session.opened.text == "Здравствуйте!\n\n" and session.opened.prefilled  # type: ignore[attr-defined]
    assert session.begin_save("Здравствуйте!\n\n", DraftKind.ANSWER) is None  # a greeting alone: no save
    job = session.begin_save("Здравствуйте! Фонарь заменят.", DraftKind.ANSWER)
    assert job is not None and job.revision is None  # None: "no draft expected"
    assert not session.recovery.load(routed).synced  # the copy is on disk before the database save
    saved = job.run()
    assert not session.save_done(job, saved.revision)
    assert session.revision == saved.revision
    assert session.recovery.load(routed).synced
    assert not session.is_dirty("Здравствуйте! Фонарь заменят.", DraftKind.ANSWER)


def test_typing_during_a_save_saves_again_afterwards(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    session = _session(services, world, routed, tmp_path)
    job = session.begin_save("Первый текст", DraftKind.ANSWER)
    assert job is not None
    assert session.begin_save("Первый текст и ещё", DraftKind.ANSWER) is None  # one save at a time
    assert session.save_done(job, job.run().revision)  # …so the editor saves again
    again = session.begin_save("Первый текст и ещё", DraftKind.ANSWER)
    assert again is not None and again.revision == session.revision


def test_another_workstations_edit_is_a_conflict_never_an_overwrite(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    start = _session(services, world, routed, tmp_path / "start")
    first = start.begin_save("Начало ответа", DraftKind.ANSWER)
    assert first is not None
    start.save_done(first, first.run().revision)
    mine = _session(services, world, routed, tmp_path / "a")  # both open revision 1
    theirs = _session(services, world, routed, tmp_path / "b")
    job = theirs.begin_save("Текст с другого рабочего места", DraftKind.ANSWER)
    assert job is not None
    theirs.save_done(job, job.run().revision)
    mine_job = mine.begin_save("Мой текст", DraftKind.ANSWER)
    assert mine_job is not None and mine_job.revision == first.session.revision
    with pytest.raises(ConflictError) as refused:
        mine_job.run()
    failure = mine.save_failed(refused.value)
    assert failure.conflict
    detail = services.queries.message_detail(world.roads_executor, routed)
    assert detail.draft is not None and detail.draft.working_text == "Текст с другого рабочего места"
    conflict = mine.conflict_found(detail.draft.working_text, detail.draft.revision)
    assert "Выберите" in conflict.explanation
    assert mine.begin_save("Мой текст", DraftKind.ANSWER) is None  # paused until the user chooses
    assert mine.recovery.load(routed).text == "Мой текст"  # …but the copy keeps my text
    assert mine.keep_my_text()
    job = mine.begin_save("Мой текст", DraftKind.ANSWER)
    assert job is not None and job.revision == detail.draft.revision
    mine.save_done(job, job.run().revision)
    assert services.queries.message_detail(world.roads_executor, routed).draft.working_text == "Мой текст"


def test_a_first_save_over_a_draft_made_elsewhere_meanwhile_is_a_conflict(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    mine = _session(services, world, routed, tmp_path / "a")  # no draft when both opened
    theirs = _session(services, world, routed, tmp_path / "b")
    job = theirs.begin_save("Текст с другого рабочего места", DraftKind.ANSWER)
    assert job is not None
    theirs.save_done(job, job.run().revision)
    mine_job = mine.begin_save("Мой текст", DraftKind.ANSWER)
    assert mine_job is not None and mine_job.revision is None  # the session says: no draft expected
    with pytest.raises(ConflictError):
        mine_job.run()


def test_taking_the_other_text_adopts_its_revision(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    session = _session(services, world, routed, tmp_path)
    session.conflict_found("Их текст", 5)
    assert session.take_other_text() == "Их текст"
    assert session.revision == 5 and session.conflict is None
    assert not session.is_dirty("Их текст", DraftKind.ANSWER)


def test_an_unsaved_recovery_copy_comes_back_and_a_moved_database_makes_a_conflict(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    first = _session(services, world, routed, tmp_path)
    job = first.begin_save("Сохранённый текст", DraftKind.ANSWER)
    assert job is not None
    first.save_done(job, job.run().revision)
    first.write_recovery("Сохранённый текст и не успевшее", DraftKind.ANSWER)  # then the process died
    reopened = _session(services, world, routed, tmp_path)
    assert reopened.opened.text == "Сохранённый текст и не успевшее"  # type: ignore[attr-defined]
    assert reopened.opened.notice.startswith("Восстановлен текст")  # type: ignore[attr-defined]
    other = _session(services, world, routed, tmp_path / "other")
    other_job = other.begin_save("Правка коллеги", DraftKind.ANSWER)
    assert other_job is not None
    other.save_done(other_job, other_job.run().revision)  # the database moved on meanwhile
    again = _session(services, world, routed, tmp_path)
    assert again.conflict is not None and again.conflict.other_text == "Правка коллеги"
    assert again.opened.text == "Сохранённый текст и не успевшее"  # type: ignore[attr-defined]


def test_a_database_failure_keeps_the_text_on_disk_and_says_so(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    session = _session(services, world, routed, tmp_path)
    job = session.begin_save("Текст", DraftKind.ANSWER)
    assert job is not None
    failure = session.save_failed(OSError("connection refused"))
    assert not failure.conflict and "сохранён на этом компьютере" in failure.message
    assert "OSError" not in failure.message and "refused" not in failure.message
    assert session.recovery.load(routed).text == "Текст" and not session.saving


def test_submit_sends_the_draft_and_clears_the_recovery_copy(
    services: AppServices, world: World, routed: int, tmp_path: Path
) -> None:
    session = _session(services, world, routed, tmp_path)
    version = world.version(routed)
    job = session.begin_submit("Здравствуйте! Фонарь заменят завтра.", DraftKind.ANSWER, version, [], [])
    assert session.recovery.load(routed) is not None
    job.run()
    session.submit_done(job)
    assert session.recovery.load(routed) is None
    assert world.message(routed).state is MessageState.UNDER_REVIEW
    assert not session.is_dirty("что угодно", DraftKind.ANSWER)  # sent: nothing more to save


def test_interim_answers_need_not_answer_every_question() -> None:
    # The parts of a ValidationReport that failed_check_codes reads: only an uncovered question.
    report = SimpleNamespace(
        greeting=SimpleNamespace(ok=True),
        spelling=SimpleNamespace(ok=True),
        uncovered_questions=("Когда починят фонарь?",),
        format=SimpleNamespace(ok=True),
        kind_rules=SimpleNamespace(ok=True),
    )
    assert failed_checks(DraftKind.ANSWER, report) == ["questions"]  # type: ignore[arg-type]
    assert failed_checks(DraftKind.INTERIM, report) == []  # type: ignore[arg-type]
    assert failed_checks(DraftKind.CLARIFICATION, report) == []  # type: ignore[arg-type]
