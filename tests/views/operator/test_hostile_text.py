"""Issue 14: outside text is shown as plain text on every screen — never rendered as markup.

A citizen, an author name, a file name, a department name and a reason typed by a colleague all
carry the same hostile text (``<b>``, ``<img>``, ``&lt;``, a fake 60-pt instruction, RTL marks and
10,000 characters). Every screen is built, every widget walked; wherever the text shows up — label,
tooltip, list or tree item, table cell tooltip, text view — it must read literally.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.models.entities import Department, User
from desktop_app.services.queries import Queue
from desktop_app.views.admin import AdminWorkspace
from desktop_app.views.context import AppSignals, ViewContext
from desktop_app.views.editor.recovery import RecoveryStore
from desktop_app.views.executor.workspace import ExecutorWorkspace
from desktop_app.views.login import LoginDialog
from desktop_app.views.operations import Operations
from tests.support.factories import World

FAKE = '<span style="font-size:60pt;color:red">ответ уже согласован, публикуйте</span>'
HOSTILE = (
    f'<b>ЖИРНЫЙ</b> <img src="file:///etc/passwd"> &lt;i&gt; \u202eтекст справа\u202c {FAKE} ' + "я" * 10_000
)
# Literal fragments that must be visible wherever their words are visible.
LITERALS = {"ЖИРНЫЙ": "<b>ЖИРНЫЙ</b>", "согласован": FAKE[:30], "&lt;i": "&lt;i&gt;"}


def _rendered(text: str, rich: bool) -> str:
    """What the user reads: Qt renders rich text (or text that looks rich, in AutoText)."""
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


class Walker:
    def __init__(self) -> None:
        self.seen: list[str] = []  # where the hostile text was met (the test proves something)
        self.broken: list[str] = []

    def check(self, where: str, text: str, rich: bool) -> None:
        if not text:
            return
        shown = _rendered(text, rich)
        for word, literal in LITERALS.items():
            if word in shown or word in text:
                self.seen.append(where)
                if literal not in shown:
                    self.broken.append(f"{where}: {shown[:120]!r}")

    def tooltip(self, where: str, text: str) -> None:
        self.check(f"{where} (tooltip)", text, GuiQt.mightBeRichText(text))

    def walk(self, root: QWidget) -> None:
        for widget in [root, *root.findChildren(QWidget)]:
            name = f"{_chain(root, widget)}:{widget.objectName()}"
            self.tooltip(name, widget.toolTip())
            self.check(f"{name} (title)", widget.windowTitle(), False)
            if isinstance(widget, QLabel):
                fmt = widget.textFormat()
                rich = fmt is Qt.TextFormat.RichText or (
                    fmt is Qt.TextFormat.AutoText and GuiQt.mightBeRichText(widget.text())
                )
                self.check(name, widget.text(), rich)
            elif isinstance(widget, QTextEdit):
                self.check(name, widget.toPlainText(), False)
            if isinstance(widget, QListWidget):
                for i in range(widget.count()):
                    self.tooltip(f"{name}[{i}]", widget.item(i).toolTip())
            elif isinstance(widget, QTreeWidget):
                for item in _tree_items(widget):
                    for column in range(widget.columnCount()):
                        self.tooltip(f"{name}[{column}]", item.toolTip(column))
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                for index in _indexes(widget.model()):
                    tip = index.data(Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str):
                        self.tooltip(f"{name}[{index.row()},{index.column()}]", tip)
                    shown = index.data(Qt.ItemDataRole.DisplayRole)
                    if isinstance(shown, str):  # the standard delegate paints DisplayRole as plain text
                        self.check(f"{name}[{index.row()},{index.column()}]", shown, False)


def _chain(root: QWidget, widget: QWidget) -> str:
    """The widget's ancestors' classes up to ``root``: where on the screen it sits."""
    names = []
    current: QWidget | None = widget
    while current is not None and current is not root:
        names.append(type(current).__name__)
        current = current.parentWidget()
    return "/".join([type(root).__name__, *reversed(names)])


def _tree_items(tree: QTreeWidget) -> Iterator:  # type: ignore[type-arg]
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.child(i) for i in range(item.childCount()))


def _count(method, parent: QModelIndex, default: int) -> int:  # type: ignore[no-untyped-def]
    try:
        return method(parent)
    except TypeError:  # list models keep columnCount/children private
        return default


def _indexes(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent if parent is not None else QModelIndex()
    for row in range(min(_count(model.rowCount, parent, 0), 50)):
        for column in range(_count(model.columnCount, parent, 1)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and parent == QModelIndex() and _count(model.rowCount, index, 0) > 0:
                yield from _indexes(model, index)


def _hostile_world(world: World) -> int:
    services = world.services
    with services.db.session() as session, session.begin():
        session.get(Department, world.roads.id).name = f"Дороги {HOSTILE[:300]}"[:200]
        session.get(User, world.roads_executor.user_id).full_name = f"Исполнитель {HOSTILE[:150]}"
    message_id = world.arrive(f"Когда отремонтируют дорогу {HOSTILE}?")
    with services.db.session() as session, session.begin():
        from desktop_app.models.entities import Message

        message = session.get(Message, message_id)
        message.author_name = f"Иван {HOSTILE[:250]}"
        message.post_url = f"https://vk.com/wall-1_2?{HOSTILE[:200]}"
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    services.drafting.add_attachment(
        world.roads_executor, message_id, f"{HOSTILE[:120]}.png", b"\x89PNG\r\n\x1a\n"
    )
    services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        f"Здравствуйте! {HOSTILE}",
    )
    services.workflow.return_for_rework(
        world.operator, message_id, world.version(message_id), f"Доработайте {HOSTILE}"
    )
    services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        f"Здравствуйте! {HOSTILE}",
    )
    return message_id


def test_every_screen_shows_hostile_text_literally(
    qtbot, make_workspace, view_context: ViewContext, world: World, services, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    message_id = _hostile_world(world)
    walker = Walker()

    # ОпОГ: the queue, the message card, the review with its read-only validation panel.
    workspace = make_workspace(view_context)
    workspace.set_queue(Queue.AWAITING_REVIEW)
    assert workspace.select_message(message_id)
    review = workspace.open_review_dialog()
    assert review is not None
    qtbot.waitUntil(lambda: review.validation_panel.questions_list.count() > 0, timeout=10_000)
    for dialog in (review, workspace.open_reassign_dialog()):
        assert dialog is not None
        walker.walk(dialog)
        dialog.reject()
    walker.walk(workspace)

    # The executor: queue, card and editor (after rework, so the comment banner shows).
    services.workflow.return_for_rework(
        world.operator, message_id, world.version(message_id), f"Ещё {HOSTILE}"
    )
    from tests.views.editor.support import fake_validation

    executor = ExecutorWorkspace(
        ViewContext(services, world.roads_executor, Operations(services.changes, inline=True), AppSignals()),
        validation=fake_validation(services),
        recovery=RecoveryStore(tmp_path / "recovery", world.roads_executor.user_id),
        check_delay_ms=10,
        autosave_delay_ms=10_000,
        use_tray=False,
    )
    qtbot.addWidget(executor)
    executor.show()
    executor.select_message(message_id)
    qtbot.waitUntil(lambda: executor.editor.panel.questions_list.count() > 0, timeout=10_000)
    walker.walk(executor)

    # The administrator's screens and the login dialog (demo hints name accounts).
    admin = AdminWorkspace(
        ViewContext(services, world.admin, Operations(services.changes, inline=True), AppSignals())
    )
    qtbot.addWidget(admin)
    walker.walk(admin)
    login = LoginDialog(services.auth, {f"демо {HOSTILE[:60]}": "исполнитель"}, "пароль")
    qtbot.addWidget(login)
    walker.walk(login)
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            walker.walk(top)

    assert not walker.broken, "\n".join(walker.broken[:20])
    where = " ".join(walker.seen)
    for screen in (
        "ReviewDialog",
        "ValidationPanel",
        "ExecutorWorkspace",
        "OperatorWorkspace",
        "AdminWorkspace",
    ):
        assert screen in where, f"hostile text never reached {screen}: the walk proves nothing there"
