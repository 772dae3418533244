"""The administrator's workspace driven through its widgets (qtbot, offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtTest import QAbstractItemModelTester

from desktop_app.domain.lifecycle import Role
from desktop_app.models.database import Database
from desktop_app.services.bootstrap import build_services
from desktop_app.settings import Settings
from desktop_app.views.admin import AdminWorkspace
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.operations import Operations
from tests.support.factories import Clock, World, msk


@pytest.fixture
def admin_view(qtbot, tmp_path: Path, sqlite_template: Path):
    import shutil

    target = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    services = build_services(Settings(), db, now=Clock(msk(2026, 5, 12, 10, 0)))
    world = World(services)
    runner = Operations(services.changes, inline=True)
    view = AdminWorkspace(ViewContext(services, world.admin, runner, AppSignals()))
    qtbot.addWidget(view)
    yield view, world
    db.dispose()


def _check(model: QAbstractItemModel) -> None:
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_administrator_adds_an_executor(admin_view) -> None:
    view, world = admin_view
    _check(view.users_model)
    before = view.users_model.rowCount()
    view.new_login.setText("petrov")
    view.new_name.setText("Петров Пётр Петрович")
    view.new_password.setText("длинный-пароль")
    view.new_role.setCurrentIndex(view.new_role.findData(Role.EXECUTOR.value))
    view.new_department.setCurrentIndex(view.new_department.findData(world.roads.id))
    view.add_user()
    assert view.users_model.rowCount() == before + 1
    assert view.new_login.text() == ""
    world.services.auth.login("petrov", "длинный-пароль")


def test_short_password_is_refused_with_a_russian_message(admin_view, monkeypatch) -> None:
    view, _world = admin_view
    view.new_login.setText("x")
    view.new_name.setText("Икс")
    view.new_password.setText("123")
    view.add_user()
    assert "не короче" in view.last_error


def _xmlcalendar_json(year: int) -> str:
    """A provisional-style year in xmlcalendar JSON: weekends plus the art. 112 holidays."""
    import calendar
    import datetime as dt
    import json

    fixed = {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
    months = []
    for month in range(1, 13):
        days = [
            str(day)
            for day in range(1, calendar.monthrange(year, month)[1] + 1)
            if dt.date(year, month, day).weekday() >= 5 or (month, day) in fixed
        ]
        months.append({"month": month, "days": ",".join(days)})
    return json.dumps({"year": year, "months": months})


def test_calendar_file_import_and_a_broken_file(admin_view, tmp_path: Path) -> None:
    view, _world = admin_view
    _check(view.years_model)
    good = tmp_path / "calendar.json"
    good.write_text(_xmlcalendar_json(2028), encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text("<calendar year='2028'><days><day d='02.31' t='1'/>", encoding="utf-8")
    view.import_calendar_file(broken)
    assert "2028" not in [
        view.years_model.data(view.years_model.index(r, 0)) for r in range(view.years_model.rowCount())
    ]
    assert view.last_error
    view.import_calendar_file(good)
    assert "2028 год" in view.calendar_result.text()
    years = [view.years_model.data(view.years_model.index(r, 0)) for r in range(view.years_model.rowCount())]
    assert "2028" in years


def test_custom_day_moves_open_deadlines(admin_view) -> None:
    from PySide6.QtCore import QDate

    view, world = admin_view
    message_id = world.arrive()
    view.custom_date.setDate(QDate(2026, 5, 12))
    view.custom_intervals.setText("10:30-18:00")
    view.custom_note.setText("Санитарный час")
    view.save_custom_day()
    assert "пересчитано открытых сроков — 2" in view.calendar_result.text()
    model = view.custom_days_model
    assert [model.data(model.index(0, c)) for c in range(3)] == [
        "12.05.2026",
        "10:30–18:00",
        "Санитарный час",
    ]
    assert world.message(message_id).stage_due_at == msk(2026, 5, 12, 11, 30)


def test_dictionary_word_approval(admin_view) -> None:
    view, world = admin_view
    world.services.drafting.propose_word(world.roads_executor, "Черокманова")
    view.refresh()
    assert view.pending_list.count() == 1
    view.pending_list.setCurrentRow(0)
    view.decide_word(True)
    assert view.pending_list.count() == 0
    assert "Черокманова" in world.services.drafting.dictionary_words()


def test_deadline_policy_is_edited_and_applies_to_new_stages(admin_view) -> None:
    from desktop_app.domain.worktime.deadlines import Stage

    view, world = admin_view
    assert view.budget_edits[Stage.ROUTE].text() == "1 ч"
    view.budget_edits[Stage.ROUTE].setText("два часа")
    view.save_policy()
    assert "направление исполнителю" in view.last_error
    view.budget_edits[Stage.ROUTE].setText("2 ч")
    view.save_policy()
    assert view.policy_result.text() == "Сроки этапов сохранены."
    message_id = world.arrive()  # 10:00 Tuesday: routing is now due in 2 working hours
    assert world.message(message_id).stage_due_at == msk(2026, 5, 12, 12, 0)


def test_a_forged_audit_event_is_shown_to_the_administrator(
    qtbot, tmp_path: Path, sqlite_template: Path
) -> None:
    """Issue 14: an event appended behind the app's back is named on the administrator's screen."""
    import shutil

    from tests.support.audit_forgery import forge_append

    target = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    try:
        services = build_services(
            Settings(), db, now=Clock(msk(2026, 5, 12, 10, 0)), audit_dir=tmp_path / "settings"
        )
        world = World(services)
        world.arrive()
        forged = forge_append(db)
        world.arrive()  # the next legitimate action finds it
        view = AdminWorkspace(
            ViewContext(services, world.admin, Operations(services.changes, inline=True), AppSignals())
        )
        qtbot.addWidget(view)
        assert not view.audit_warning.isHidden()
        assert f"событие № {forged}" in view.audit_warning.text()
        assert "в обход приложения" in view.audit_warning.text()
    finally:
        db.dispose()
