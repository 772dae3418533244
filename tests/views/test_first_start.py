"""First start: choosing the database, then the administrator and the departments."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.lifecycle import Role
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.first_start import DatabaseSetupDialog, FirstStartDialog


def test_embedded_database_is_the_default(qtbot) -> None:
    dialog = DatabaseSetupDialog("sqlite:////tmp/x/otklik.sqlite3")
    qtbot.addWidget(dialog)
    dialog.choose()
    assert dialog.result() == DatabaseSetupDialog.DialogCode.Accepted
    assert dialog.url == "sqlite:////tmp/x/otklik.sqlite3"


def test_shared_postgresql_is_checked_before_it_is_chosen(qtbot, postgres_server_url: str) -> None:
    dialog = DatabaseSetupDialog("sqlite:///unused")
    qtbot.addWidget(dialog)
    dialog.postgres_choice.setChecked(True)
    dialog.choose()
    assert dialog.url == "" and "сервер PostgreSQL" in dialog.result_label.text()
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(1)
    dialog.choose()
    assert dialog.url == "" and "Не удаётся подключиться" in dialog.result_label.text()
    from sqlalchemy.engine import make_url

    server = make_url(postgres_server_url)
    dialog.port_spin.setValue(server.port or 5432)
    dialog.database_edit.setText(server.database or "")
    dialog.user_edit.setText(server.username or "")
    dialog.choose()
    assert make_url(dialog.url).port == server.port
    assert dialog.result() == DatabaseSetupDialog.DialogCode.Accepted


def test_administrator_and_departments_are_created(qtbot, services: AppServices) -> None:
    dialog = FirstStartDialog(services)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Морозова Ирина Павловна")
    dialog.password_edit.setText("надёжный-пароль")
    dialog.repeat_edit.setText("другой-пароль")
    dialog.create()
    assert dialog.error_label.text() == "Пароли не совпадают."
    dialog.repeat_edit.setText("надёжный-пароль")
    dialog.departments.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.create()
    assert dialog.result() == FirstStartDialog.DialogCode.Accepted
    admin = services.auth.login("admin", "надёжный-пароль")
    assert admin.role is Role.ADMIN
    names = [d.name for d in services.admin.departments()]
    assert dialog.departments.item(0).text() not in names
    assert len(names) == dialog.departments.count() - 1
