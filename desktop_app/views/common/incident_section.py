"""The card's «Похожие» tab: the incident this message is linked into, then the similar messages (issue 18).

API: ``IncidentSection(context, similar_view, parent=None)`` — wraps the panel's similar tree.

- ``load(message_id)`` reads the message's incident group (``IncidentService.group_of``);
- ``show_similar(message_id, found)`` adds to each similar row a button «Связать в один инцидент»
  (or «Отвязать» when it is in this message's incident) — for operators and supervisors only:
  executors see the incident read-only;
- widgets for tests: ``title_label`` («Связаны в один инцидент: N сообщений»), ``group_view`` (one
  row a linked message: author, when, state and department, then its text and answer), ``dialog``
  (the comment dialog shown, or None); ``buttons(tree)`` the action buttons by message id.

The card is narrow (a third of a 1366-px screen): each action button sits on a line of its own under
its message (a child row spanning the width), never in a column scrolled out of sight.

Linking and unlinking ask for an optional comment and run through ``context.ops``; a refusal is shown
as its Russian sentence and the section re-reads what is true now. Untrusted text (posts, names,
answers, comments) is plain text: item views and plain-text labels only.

Signals:
    open_requested(int): the user activated a linked message (double-click or Enter): open it.
    group_loaded(object): the group shown (``IncidentGroupView`` or None).
    changed(): a link or unlink of this section was committed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.incidents import LINKERS, IncidentGroupView
from desktop_app.services.similar import SimilarMessage
from desktop_app.services.texts import STATE_NAMES
from desktop_app.views.common.countdown import format_instant, plain_tooltip
from desktop_app.views.common.dialogs import show_error
from desktop_app.views.common.plain_text import plain_label
from desktop_app.views.context import ViewContext

ID_ROLE = Qt.ItemDataRole.UserRole
AUTHOR_ROLE = Qt.ItemDataRole.UserRole + 1
LINK_TEXT = "Связать в один инцидент"
UNLINK_TEXT = "Отвязать"


class CommentDialog(QDialog):
    """Asks for the optional comment of a link or an unlink; shows what it is about in plain text.

    Signals:
        submitted(str): the comment (may be empty); perform the action.
    """

    submitted = Signal(str)

    def __init__(self, title: str, about: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setObjectName("incident_dialog")
        layout = QVBoxLayout(self)
        self.about_label = plain_label(about, "incident_about")
        layout.addWidget(self.about_label)
        layout.addWidget(plain_label("Комментарий (необязательно):"))
        self.comment_edit = QLineEdit()
        self.comment_edit.setObjectName("incident_comment")
        self.comment_edit.setAccessibleName("Комментарий к связи сообщений")
        self.comment_edit.setPlaceholderText("например: одна и та же яма у дома 5")
        self.comment_edit.setMaxLength(1000)
        layout.addWidget(self.comment_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setAccessibleName(ok_text)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Отмена")
        cancel.setAccessibleName("Отмена")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 200)

    def accept(self) -> None:
        self.ok_button.setEnabled(False)  # one action per press; the caller closes on success
        self.submitted.emit(self.comment_edit.text())

    def refused(self) -> None:
        self.ok_button.setEnabled(True)


class IncidentSection(QWidget):
    """See the module docstring."""

    open_requested = Signal(int)
    group_loaded = Signal(object)
    changed = Signal()

    def __init__(
        self, context: ViewContext, similar_view: QTreeWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("incident_section")
        self._message_id: int | None = None
        self._group: IncidentGroupView | None = None
        self._similar: list[SimilarMessage] = []
        self.dialog: CommentDialog | None = None
        self.can_link = context.actor.role in LINKERS  # executors: read-only (the service checks again)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        self.title_label: QLabel = plain_label("", "incident_title")
        self.title_label.setAccessibleName("Связанные сообщения инцидента")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        layout.addWidget(self.title_label)

        self.group_view = QTreeWidget()
        self.group_view.setObjectName("incident_group")
        self.group_view.setAccessibleName("Сообщения, связанные в один инцидент")
        self.group_view.setColumnCount(1)
        self.group_view.setHeaderHidden(True)
        self.group_view.setRootIsDecorated(False)
        self.group_view.setItemsExpandable(False)
        self.group_view.setWordWrap(True)
        self.group_view.setUniformRowHeights(False)
        self.group_view.setMaximumHeight(220)
        self.group_view.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.group_view.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.group_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.group_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.group_view.setToolTip("Дважды щёлкните сообщение или нажмите Enter, чтобы открыть его")
        self.group_view.itemActivated.connect(self._activated)
        layout.addWidget(self.group_view)

        self.similar_title = plain_label("Похожие сообщения за последние недели:", "similar_title")
        layout.addWidget(self.similar_title)
        self.similar_view = similar_view
        similar_view.setItemsExpandable(False)
        layout.addWidget(similar_view, 1)
        self._show_group(None)

    # -- reading ---------------------------------------------------------------------------------

    def group(self) -> IncidentGroupView | None:
        return self._group

    def load(self, message_id: int) -> None:
        if message_id != self._message_id:
            self._show_group(None)
        self._message_id = message_id
        incidents, actor = self.context.services.incidents, self.context.actor
        self.context.ops.query(
            self,
            lambda: incidents.group_of(actor, message_id),
            lambda group: self._loaded(message_id, group),
            lambda _error: None,  # a courtesy of the card: its failure is only logged by the layer
            slot="incident",
        )

    def _loaded(self, message_id: int, group: IncidentGroupView | None) -> None:
        if message_id == self._message_id:
            self._show_group(group)
            self._refresh_buttons()

    def _show_group(self, group: IncidentGroupView | None) -> None:
        self._group = group
        self.group_view.clear()
        self.title_label.setVisible(group is not None)
        self.group_view.setVisible(group is not None)
        if group is None:
            self.title_label.setText("")
            self.group_loaded.emit(None)
            return
        calendar = self.context.services.calendar.calendar()
        self.title_label.setText(group.title)
        self.title_label.setToolTip(
            plain_tooltip(f"Связал(а): {group.created_by}, {format_instant(calendar, group.created_at)}")
        )
        for linked in group.messages:
            # One column: the card is a third of a 1366-px screen; nothing scrolls out of sight.
            where = STATE_NAMES[linked.state]
            if linked.department_name:
                where += f", {linked.department_name}"
            when = format_instant(calendar, linked.arrived_at)
            text = f"{linked.author_name or 'Автор не указан'} · {when} · {where}\n{linked.preview}"
            if linked.answer:
                text += f"\nОтвет: {' '.join(linked.answer.split())}"
            if linked.comment:
                text += f"\nКомментарий к связи ({linked.linked_by}): {linked.comment}"
            item = QTreeWidgetItem([text])
            item.setData(0, ID_ROLE, linked.id)
            item.setData(0, AUTHOR_ROLE, linked.author_name or "")
            item.setToolTip(0, plain_tooltip(text))
            self.group_view.addTopLevelItem(item)
            if self.can_link:
                self._button(self.group_view, item, UNLINK_TEXT, linked.id, linked=True)
        self.group_loaded.emit(group)

    def show_similar(self, message_id: int, found: list[SimilarMessage]) -> None:
        """The panel filled its similar rows for ``message_id``: add their link buttons."""
        if message_id != self._message_id:
            self._message_id = message_id
            self.load(message_id)
        self._similar = list(found)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        if not self.can_link:
            return
        in_group = {m.id for m in self._group.messages} if self._group is not None else set()
        for index in range(self.similar_view.topLevelItemCount()):
            item = self.similar_view.topLevelItem(index)
            other = item.data(0, ID_ROLE)
            if other is None:
                continue
            linked = int(other) in in_group
            self._button(
                self.similar_view, item, UNLINK_TEXT if linked else LINK_TEXT, int(other), linked=linked
            )

    def _button(
        self, tree: QTreeWidget, item: QTreeWidgetItem, text: str, other: int, *, linked: bool
    ) -> None:
        """The action of ``item``'s message on a line of its own under it (fits a narrow card)."""
        child = item.child(0)
        if child is not None:  # a link or unlink changed the action: replace it at once
            old = tree.itemWidget(child, 0)
            if old is not None:
                tree.removeItemWidget(child, 0)
                old.hide()
        if child is None:
            child = QTreeWidgetItem()
            child.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable: the line is the button
            item.addChild(child)
            child.setFirstColumnSpanned(True)
        item.setExpanded(True)
        button = QPushButton(text)
        button.setObjectName("unlink_incident" if linked else "link_incident")
        author = item.data(0, AUTHOR_ROLE) or item.text(1)
        button.setAccessibleName(
            f"Отвязать от инцидента сообщение автора {author}"
            if linked
            else f"Связать в один инцидент с сообщением автора {author}"
        )
        button.setProperty("message_id", other)
        if linked:
            button.clicked.connect(lambda _=False, m=other: self.ask_unlink(m))
        else:
            button.clicked.connect(lambda _=False, m=other: self.ask_link(m))
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(4, 1, 4, 3)
        row.addWidget(button)
        row.addStretch(1)
        child.setSizeHint(0, holder.sizeHint())
        tree.setItemWidget(child, 0, holder)

    @staticmethod
    def buttons(tree: QTreeWidget) -> dict[int, QPushButton]:
        """{message id: its action button} of ``tree`` (tests and keyboard users' helpers)."""
        found = {}
        for index in range(tree.topLevelItemCount()):
            child = tree.topLevelItem(index).child(0)
            holder = tree.itemWidget(child, 0) if child is not None else None
            button = holder.findChild(QPushButton) if holder is not None else None
            if button is not None:
                found[int(button.property("message_id"))] = button
        return found

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        message_id = item.data(0, ID_ROLE)
        if message_id is not None:
            self.open_requested.emit(int(message_id))

    # -- linking ---------------------------------------------------------------------------------

    def _about(self, other: int) -> str:
        for tree in (self.similar_view, self.group_view):
            for index in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(index)
                if item.data(0, ID_ROLE) == other:
                    text = item.text(3) or item.text(0).partition("\n")[2]
                    author = item.data(0, AUTHOR_ROLE) or item.text(1)
                    return f"{author}: {text.splitlines()[0] if text else ''}"
        return ""

    def ask_link(self, other: int) -> CommentDialog | None:
        if self._message_id is None:
            return None
        dialog = CommentDialog(
            "Связать в один инцидент",
            "Связать это сообщение с сообщением\n«"
            + self._about(other)
            + "»\nкак одну проблему (один инцидент)?",
            "Связать",
            self,
        )
        message_id = self._message_id
        dialog.submitted.connect(lambda comment: self.link(message_id, other, comment))
        return self._open(dialog)

    def ask_unlink(self, other: int) -> CommentDialog | None:
        if self._message_id is None:
            return None
        dialog = CommentDialog(
            "Отвязать от инцидента",
            "Отвязать от инцидента сообщение\n«" + self._about(other) + "»?",
            "Отвязать",
            self,
        )
        dialog.submitted.connect(lambda comment: self.unlink(other, comment))
        return self._open(dialog)

    def _open(self, dialog: CommentDialog) -> CommentDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def link(self, message_id: int, other: int, comment: str = "") -> None:
        incidents, actor = self.context.services.incidents, self.context.actor
        self._write(lambda: incidents.link(actor, message_id, other, comment))

    def unlink(self, other: int, comment: str = "") -> None:
        incidents, actor = self.context.services.incidents, self.context.actor
        self._write(lambda: incidents.unlink(actor, other, comment))

    def _write(self, call) -> None:  # type: ignore[no-untyped-def]
        dialog = self.dialog

        def done(_result: object) -> None:
            if dialog is not None and shown(dialog):
                dialog.done(QDialog.DialogCode.Accepted)
            self._reload()
            self.changed.emit()

        def failed(error: BaseException) -> None:
            box_parent = dialog if dialog is not None and shown(dialog) else self
            show_error(box_parent, error)  # the Russian sentence; the dialog keeps the comment
            if dialog is not None and shown(dialog):
                dialog.refused()
            self._reload()  # a conflict: show what is true now

        self.context.ops.write(self, call, done, failed)

    def _reload(self) -> None:
        if self._message_id is not None:
            self.load(self._message_id)


def shown(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget) and widget.isVisible()
