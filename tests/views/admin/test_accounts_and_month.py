"""Issue 18, point 10: accounts edited, deactivated, password reset (audited); the calendar's month grid."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate
from PySide6.QtGui import QPalette

from desktop_app.domain.lifecycle import Role
from desktop_app.errors import OtklikError
from desktop_app.models.entities import AuditEvent
from desktop_app.views.common.theme import Tone, text_colour
from tests.support.factories import PASSWORD
from tests.views.admin.test_admin_workspace import admin_view  # noqa: F401  (fixture)


def _audit_actions(world) -> list[str]:  # type: ignore[no-untyped-def]
    with world.services.db.session() as session:
        return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_administrator_edits_deactivates_and_resets_a_password(admin_view) -> None:  # noqa: F811
    view, world = admin_view
    auth = world.services.auth
    view.select_user("roads")
    assert view.edit_box.isEnabled()
    assert view.edit_name.text() == "Сотрудник roads"

    view.edit_name.setText("Петрова Анна Сергеевна")
    view.edit_department.setCurrentIndex(view.edit_department.findData(world.housing.id))
    view.save_user_button.click()
    assert "сохранены" in view.user_result.text()
    roads = next(u for u in view.users_model.rows() if u.login == "roads")
    assert roads.full_name == "Петрова Анна Сергеевна" and roads.department_id == world.housing.id

    view.edit_password.setText("новый-пароль-1")
    view.reset_password_button.click()
    assert "старый больше не действует" in view.user_result.text()
    assert view.edit_password.text() == ""
    with pytest.raises(OtklikError):
        auth.login("roads", PASSWORD)
    world.services.now.advance(minutes=1)  # past the throttle after a failed login
    assert auth.login("roads", "новый-пароль-1").full_name == "Петрова Анна Сергеевна"

    assert view.toggle_user_button.text() == "Отключить"
    view.toggle_user_button.click()
    with pytest.raises(OtklikError, match="Неверное имя пользователя или пароль"):
        auth.login("roads", "новый-пароль-1")
    world.services.now.advance(minutes=1)
    assert view.selected_user().login == "roads"  # the selection stays on the person
    assert view.toggle_user_button.text() == "Включить"
    assert view.users_model.index(view.users_table.currentIndex().row(), 4).data() == "отключён"
    view.toggle_user_button.click()
    assert auth.login("roads", "новый-пароль-1")

    actions = _audit_actions(world)
    for action in ("update_user", "reset_password", "deactivate_user", "activate_user"):
        assert action in actions
    with world.services.db.session() as session:
        details = [str(e.after) for e in session.scalars(sa.select(AuditEvent))]
    assert not any("новый-пароль-1" in d for d in details)  # the password is never on record


def test_refusals_are_said_in_russian(admin_view) -> None:  # noqa: F811
    view, _world = admin_view
    view.select_user("admin")
    view.toggle_user_button.click()
    assert view.last_error == "Нельзя отключить собственную учётную запись."
    view.edit_role.setCurrentIndex(view.edit_role.findData(Role.OPERATOR.value))
    view.save_user_button.click()
    assert view.last_error == "Это единственный администратор: сначала назначьте другого."
    view.select_user("roads")
    view.edit_password.setText("123")
    view.reset_password_button.click()
    assert view.last_error == "Пароль должен быть не короче 8 символов."
    view.edit_role.setCurrentIndex(view.edit_role.findData(Role.EXECUTOR.value))
    view.edit_department.setCurrentIndex(-1)
    view.save_user_button.click()
    assert view.last_error == "Для исполнителя укажите структурное подразделение."


def test_the_month_grid_marks_holidays_and_describes_a_day(admin_view) -> None:  # noqa: F811
    view, _world = admin_view
    view.setCurrentIndex(2)
    grid = view.month_grid
    assert (grid.yearShown(), grid.monthShown()) == (2026, 5)
    may_9 = grid.dateTextFormat(QDate(2026, 5, 9))
    may_12 = grid.dateTextFormat(QDate(2026, 5, 12))
    holiday = text_colour(Tone.DANGER, role=QPalette.ColorRole.Base)
    assert may_9.foreground().color() == holiday  # Victory Day, a holiday: red from the palette
    assert may_12.foreground().color() != holiday
    grid.setSelectedDate(QDate(2026, 5, 12))
    assert view.day_label.text() == "12.05.2026: рабочий день, 09:00–13:00, 14:00–18:00"
    grid.setSelectedDate(QDate(2026, 5, 1))
    assert view.day_label.text().startswith("01.05.2026: праздник")
    grid.setCurrentPage(2026, 6)
    assert view.day_description(dt.date(2026, 6, 12)).startswith("12.06.2026: праздник")
