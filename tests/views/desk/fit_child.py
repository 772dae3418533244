"""Child process of ``test_real_scale``: the main screens on a real offscreen screen, printed as JSON.

    python -m tests.views.desk.fit_child TEMPLATE.sqlite3 WORKDIR

Run with ``QT_QPA_PLATFORM=offscreen:configfile=…`` (a screen of a given size) and, for 150 %,
``QT_SCALE_FACTOR=1.5`` or ``QT_FONT_DPI=144``: the scaling is Qt's own, not a smaller window. Each
role's window is maximised on the screen less a taskbar, with a message (and for the executor the editor
and its checks) shown; the result lists what does not fit.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

TASKBAR = 40  # device pixels of a desktop panel


def main(template: Path, workdir: Path) -> dict[str, object]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    font = QFont(QApplication.font())
    font.setPointSize(11)  # a common desktop default (the offscreen platform's 9 pt hides overflows)
    QApplication.setFont(font)

    from desktop_app.domain.lifecycle import DraftKind
    from desktop_app.views.i18n import install_russian
    from desktop_app.views.main_window import MainWindow
    from tests.views.desk.conftest import ANSWER
    from tests.views.desk.test_screen_sizes import clipped
    from tests.views.editor.support import fake_validation, make_setup

    install_russian(app)
    screen = app.primaryScreen()
    available = screen.availableGeometry()
    dpr = screen.devicePixelRatio()
    result: dict[str, object] = {
        "screen": [available.width(), available.height()],
        "device_pixel_ratio": dpr,
        "logical_dpi": screen.logicalDotsPerInch(),
        "screens": {},
    }
    for setup in make_setup(workdir, template):
        setup.services.validation = fake_validation(setup.services)  # type: ignore[misc]
        world = setup.world
        world.arrive("Во дворе дома 5 по улице Ленина не горят фонари. Когда починят?")
        setup.routed_message("На улице Мира огромная яма. Когда отремонтируют дорогу?")
        submitted = setup.routed_message("Когда отремонтируют тротуар на улице Победы?")
        setup.services.workflow.submit_draft(
            world.roads_executor, submitted, world.version(submitted), DraftKind.ANSWER, ANSWER
        )
        width = available.width()
        height = available.height() - math.ceil(TASKBAR / dpr)
        for role in ("operator", "roads_executor", "supervisor", "admin"):
            window = MainWindow(setup.context_for(getattr(world, role)), watch_changes=False)
            window.showMaximized()
            QApplication.processEvents()
            setup.ops.wait()
            workspace = window.workspace
            rows = workspace.model.rows() if hasattr(workspace, "model") else []
            if rows:
                workspace.select_message(rows[0].id)
                setup.ops.wait()
            if role == "roads_executor":
                workspace.editor.text_edit.setPlainText(ANSWER)
                workspace.editor.check_now()
                setup.ops.wait()
            QApplication.processEvents()
            if role == "operator":
                result["dialogs"] = dialogs(workspace, setup, submitted, available, clipped)
            maximised = {
                "window": [window.width(), window.height()],
                "target": [available.width(), available.height()],
                "clipped": clipped(window),
            }
            # The same window on the screen less a desktop panel (offscreen has none to maximise against).
            window.showNormal()
            window.setGeometry(available.x(), available.y(), width, height)
            QApplication.processEvents()
            result["screens"][role] = {  # type: ignore[index]
                "maximised": maximised,
                "window": [window.width(), window.height()],
                "target": [width, height],
                "needs": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
                "clipped": clipped(window),
            }
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    return result


def dialogs(workspace, setup, submitted: int, available, clipped) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The operator's dialogs on the same screen: each must fit it (a taller one hides its buttons)."""
    from desktop_app.services.queries import Queue

    found: dict[str, object] = {}

    def measure(name: str, dialog) -> None:  # type: ignore[no-untyped-def]
        QApplication.processEvents()
        frame = dialog.frameGeometry()
        found[name] = {
            "size": [dialog.width(), dialog.height()],
            "needs": [dialog.minimumSizeHint().width(), dialog.minimumSizeHint().height()],
            "fits": dialog.width() <= available.width() and dialog.height() <= available.height(),
            "on_screen": available.intersects(frame),
            "clipped": clipped(dialog),
        }
        dialog.reject()
        QApplication.processEvents()

    for name, opener in (("route", workspace.open_route_dialog), ("close", workspace.open_close_dialog)):
        measure(name, opener())
    workspace.set_queue(Queue.AWAITING_REVIEW)
    setup.ops.wait()
    workspace.select_message(submitted)
    setup.ops.wait()
    measure("review", workspace.open_review_dialog())
    workspace.set_queue(Queue.NEW)
    setup.ops.wait()
    return found


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
