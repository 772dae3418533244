"""Issue 18, point 1: a shared workstation changes hands — log-out back to the login screen."""

from __future__ import annotations

import gc
import weakref

import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.heap import settle_heap
from desktop_app.models.entities import Presence
from desktop_app.services.bootstrap import AppServices
from desktop_app.views.context import AppSignals
from desktop_app.views.login import LoginDialog
from desktop_app.views.main_window import MainWindow
from desktop_app.views.operations import Operations, alive
from desktop_app.views.session import DeskSession, _belongs_to
from tests.support.factories import PASSWORD, World


def _log_in(qtbot, dialog: LoginDialog, login: str) -> None:
    dialog.login_edit.setText(login)
    dialog.password_edit.setText(PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def _presence_rows(services: AppServices) -> int:
    with services.db.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Presence))


def test_change_of_user_closes_the_windows_and_clears_presence(
    qtbot, services: AppServices, world: World
) -> None:
    message_id = world.arrive()
    ops = Operations(services.changes)  # the real pool: the previous user's operations are drained
    session = DeskSession(services, ops, AppSignals(), watch_changes=False, maximize=False)
    login = session.show_login()
    qtbot.addWidget(login)
    _log_in(qtbot, login, "operator")
    window = session.window
    assert isinstance(window, MainWindow)
    assert window.context.actor.login == "operator"
    qtbot.waitExposed(window)
    workspace = window.workspace
    ops.wait()
    workspace.select_message(message_id)  # the card shows the message: presence «открыто у»
    ops.wait()
    assert _presence_rows(services) == 1
    assert workspace.open_close_dialog() is not None  # a dialog the operator left open
    dialogs = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QDialog) and w.isVisible() and _belongs_to(w, window)
    ]
    assert dialogs

    window.logout_action.trigger()  # Файл → Сменить пользователя… (a modal dialog blocks the shortcut)

    assert session.window is None
    assert not window.isVisible()
    assert all(not alive(d) or not d.isVisible() for d in dialogs)
    assert ops.pending() == 0
    assert _presence_rows(services) == 0  # the others stop seeing «открыто у» at once
    qtbot.waitUntil(lambda: not alive(window))
    relogin = session.login
    assert relogin is not None and relogin.isVisible()
    qtbot.addWidget(relogin)
    assert relogin.login_edit.text() == ""  # nothing of the previous user is prefilled

    _log_in(qtbot, relogin, "roads")
    assert session.window is not None
    assert session.window.context.actor.login == "roads"
    assert "Сотрудник roads" in session.window.windowTitle()
    qtbot.addWidget(session.window)
    ops.wait()


def test_the_menu_and_the_shortcut_offer_the_change_of_user(
    qtbot, services: AppServices, world: World
) -> None:
    ops = Operations(services.changes, inline=True)
    session = DeskSession(services, ops, AppSignals(), watch_changes=False, maximize=False)
    window = session.enter(world.supervisor)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "Сменить пользователя…" in texts
    seen: list[bool] = []
    session.logged_out.connect(lambda: seen.append(True))
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(
        window.windowHandle(),
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen == [True]
    assert session.login is not None and session.login.isVisible()
    qtbot.addWidget(session.login)
    session.login.reject()  # closing the login instead of logging in again quits the app


def test_the_demo_login_list_names_the_executors_departments(
    qtbot, services: AppServices, world: World
) -> None:
    ops = Operations(services.changes, inline=True)
    accounts = {"operator": "operator", "roads": "executor", "housing": "executor"}
    session = DeskSession(services, ops, AppSignals(), demo_accounts=accounts, demo_password=PASSWORD)
    dialog = session.show_login()
    qtbot.addWidget(dialog)
    items = [dialog.accounts.item(i).text() for i in range(dialog.accounts.count())]
    assert items == [
        "operator — отдел по обращениям граждан",
        "roads — исполнитель: Управление дорог и транспорта",
        "housing — исполнитель: Управление ЖКХ",
    ]
    dialog.reject()


class _Holder:
    """A user's state held in a reference cycle (freed only by the cyclic collector)."""


def _cycle() -> weakref.ref[_Holder]:
    held = _Holder()
    held.me = held  # type: ignore[attr-defined]
    return weakref.ref(held)


def _operator_window(qtbot, services: AppServices) -> tuple[DeskSession, MainWindow]:
    ops = Operations(services.changes)
    session = DeskSession(services, ops, AppSignals(), watch_changes=False, maximize=False)
    login = session.show_login()
    qtbot.addWidget(login)
    _log_in(qtbot, login, "operator")
    assert session.window is not None
    ops.wait()
    return session, session.window


def _log_out(qtbot, session: DeskSession, window: MainWindow) -> None:
    window.logout_action.trigger()
    if session.login is not None:
        qtbot.addWidget(session.login)


def test_a_change_of_user_lets_the_previous_users_frozen_cycles_be_collected(
    qtbot, services: AppServices, world: World
) -> None:
    """A queue load freezes the heap (issue 17); after a log-out the old session's cycles must go."""
    session, window = _operator_window(qtbot, services)
    gone = _cycle()  # the previous user's state
    settle_heap()
    _log_out(qtbot, session, window)
    assert gone() is None  # the log-out itself collected it
    assert gc.get_freeze_count() > 0  # and settled what stays again


def test_a_log_out_leaves_what_was_settled_before_the_log_in_settled(
    qtbot, services: AppServices, world: World
) -> None:
    """Nothing settled during the session: the log-out's collection frees the user's own cycles
    without giving the whole heap back to the collector (one full walk at each change of user)."""
    kept = _cycle()  # settled before the session began
    settle_heap()
    session, window = _operator_window(qtbot, services)
    gone = _cycle()  # the user's state, made during the session
    _log_out(qtbot, session, window)
    assert gone() is None
    assert kept() is not None  # the heap was not unfrozen
