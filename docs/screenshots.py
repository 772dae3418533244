"""Render the operator's main screens to PNG, offscreen, on the demo database.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Screens: login (with the executors' departments), the operator workspace on the demo queues at
1366×768, a selected message with its similar messages, the route and close dialogs, the review dialog,
the shortcut sheet, the executor's editor, the administrator's accounts and month grid. The clock is fixed (Tuesday 12 May 2026, 11:20 Moscow) so the countdowns and colours
are the same on every run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.domain.lifecycle import MessageState
from desktop_app.models.database import open_database
from desktop_app.services.bootstrap import build_services
from desktop_app.services.demo import load_seed, seed_demo
from desktop_app.services.queries import Queue
from desktop_app.settings import Settings
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.login import LoginDialog
from desktop_app.views.main_window import MainWindow
from desktop_app.views.operations import Operations
from tests.support.factories import Clock, msk


def save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(f"saved {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "screenshots")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    font = QFont("DejaVu Sans", 10)
    app.setFont(font)
    from desktop_app.views.i18n import install_russian

    install_russian(app)  # Qt's own texts in Russian, as the app does

    clock = Clock(msk(2026, 5, 12, 11, 20))
    folder = Path(tempfile.mkdtemp(prefix="otklik-screens-"))
    settings = Settings()
    services = build_services(settings, open_database(f"sqlite:///{folder / 'demo.sqlite3'}"), now=clock)
    accounts = seed_demo(services)
    password = load_seed()["password"]

    login = LoginDialog(
        services.auth, accounts, password, demo_departments=services.admin.departments_of(list(accounts))
    )
    login.login_edit.setText("operator")
    login.password_edit.setText(password)
    login.show()
    save(login, options.out / "login.png")
    login.try_login()
    actor = login.actor
    assert actor is not None

    context = ViewContext(
        services=services, actor=actor, ops=Operations(services.changes, inline=True), signals=AppSignals()
    )
    window = MainWindow(context, watch_changes=False)
    window.resize(1366, 728)  # a 1366×768 screen less the taskbar (issue 18)
    window.show()
    context.signals.sync_status.emit("«Система Инцидент»: обновлено в 11:19, новых нет", True)
    workspace = window.workspace
    workspace.set_queue(Queue.ALL)
    workspace.table.clearSelection()
    save(window, options.out / "operator-workspace.png")

    workspace.set_queue(Queue.NEW)
    rows = workspace.model.rows()
    target = next((r for r in rows if "ям" in r.preview.lower()), rows[0])
    workspace.select_message(target.id)
    context.signals.new_messages.emit(2)
    save(window, options.out / "operator-selected-message.png")
    workspace.panel.tabs.setCurrentIndex(3)
    save(workspace.panel, options.out / "similar-messages.png")
    # Issue 18: a message with similar ones, the first of them linked as one incident by the operator.
    linkable = next((r for r in workspace.model.rows() if services.similar.find(actor, r.id)), None)
    if linkable is not None:
        workspace.select_message(linkable.id)
        workspace.panel.tabs.setCurrentIndex(3)
        first = services.similar.find(actor, linkable.id)[0]
        workspace.panel.incident.link(linkable.id, first.id, "одна проблема")
        save(workspace.panel, options.out / "incident-linked.png")
        services.incidents.unlink(actor, first.id)  # the other screens show the demo as seeded
    workspace.panel.tabs.setCurrentIndex(0)

    close = workspace.open_close_dialog()
    assert close is not None
    save(close, options.out / "close-dialog.png")
    close.reject()

    dialog = workspace.open_route_dialog()
    assert dialog is not None
    save(dialog, options.out / "route-dialog.png")
    dialog.reject()

    workspace.set_queue(Queue.AWAITING_REVIEW)
    review_rows = [r for r in workspace.model.rows() if r.state is MessageState.UNDER_REVIEW]
    if review_rows:
        workspace.select_message(review_rows[0].id)
        review = workspace.open_review_dialog()
        assert review is not None
        review.greeting_check.setChecked(True)
        review.resize(1200, 760)
        save(review, options.out / "review-dialog.png")
        review.reject()
    sheet = window.show_shortcuts()
    save(sheet, options.out / "shortcut-sheet.png")
    sheet.accept()
    window.close()

    # The executor: a routed message, a draft with a typo and a missed question, checked live.
    executor = services.auth.login("blago", password)
    executor_context = ViewContext(
        services=services, actor=executor, ops=Operations(services.changes, inline=True), signals=AppSignals()
    )
    executor_window = MainWindow(executor_context, watch_changes=False)
    executor_window.resize(1366, 728)
    executor_window.show()
    executor_workspace = executor_window.workspace
    routed = next(r for r in executor_workspace.model.rows() if r.state is MessageState.ROUTED)
    executor_workspace.select_message(routed.id)
    editor = executor_workspace.editor
    editor.text_edit.setPlainText(
        "Здравствуйте, Сергей Николаевич!\n\nОсвещение во дворе дома 3 по улице Пушкина востановят "
        "в течении недели: подрядчик заменит светильники.\n\nАдминистрация городского округа город Елец"
    )
    editor.check_now()
    save(executor_window, options.out / "executor-editor.png")
    executor_window.close()

    # The administrator: the working calendar with its years and custom days.
    admin = services.auth.login("admin", password)
    admin_context = ViewContext(
        services=services, actor=admin, ops=Operations(services.changes, inline=True), signals=AppSignals()
    )
    admin_window = MainWindow(admin_context, watch_changes=False)
    admin_window.resize(1366, 728)
    admin_window.show()
    admin_window.workspace.setCurrentIndex(0)
    admin_window.workspace.select_user("roads")
    save(admin_window, options.out / "admin-accounts.png")
    admin_window.workspace.setCurrentIndex(2)
    save(admin_window, options.out / "admin-calendar.png")
    admin_window.close()
    services.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
