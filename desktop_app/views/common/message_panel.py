"""One message's whole record on the right of a workstation.

API (stable): ``MessagePanel(context, parent=None)``

- ``show_message(message_id)`` loads ``queries.message_detail`` through ``context.ops``;
- ``set_detail(detail)`` shows a ``MessageDetail`` already loaded; ``clear()`` shows nothing;
- ``detail() -> MessageDetail | None`` the record shown;
- widgets for tests and embedding: ``text_view`` (QPlainTextEdit), ``author_label``, ``platform_label``,
  ``state_label``, ``link_label``, ``open_link_button``, ``attachments`` (QListWidget with thumbnails),
  ``thread_view``, ``stages_view``, ``history_view``, ``tabs``, ``presence_label`` (who else has it open),
  ``similar_view`` and ``incident`` (the «Похожие» tab: the message's incident group, link buttons).

Untrusted text (the message, the author's name, file names, thread replies, comments) is shown only as
plain text: QPlainTextEdit, QLabel with ``Qt.TextFormat.PlainText``, item views (which never render HTML).

Signals:
    detail_loaded(object): a ``MessageDetail`` was shown.
    load_failed(str): loading failed; the Russian reason.
    open_requested(int): the user asked to open a linked message (unconnected: the panel shows it).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QMetaMethod, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.lifecycle import DraftKind, MessageState
from desktop_app.domain.worktime.deadlines import DeadlineStatus
from desktop_app.services.changes import Changes
from desktop_app.services.presence import describe
from desktop_app.services.queries import AttachmentInfo, MessageDetail
from desktop_app.services.similar import SimilarMessage
from desktop_app.services.texts import DRAFT_KIND_NAMES, STAGE_NAMES, STATE_NAMES
from desktop_app.views.common.countdown import STATUS_TITLES, format_instant, plain_tooltip, status_colours
from desktop_app.views.common.dialogs import error_text
from desktop_app.views.common.incident_section import IncidentSection
from desktop_app.views.common.platforms import platform_badge, platform_name
from desktop_app.views.common.theme import Tone, style_box, style_text
from desktop_app.views.context import ViewContext

CHANNEL_NAMES = {
    "social_network": "социальная сеть",
    "video_hosting": "видеохостинг",
    "messenger": "мессенджер",
}

HISTORY_ACTIONS: dict[str, str] = {
    "message_arrived": "поступило из «Системы Инцидент»",
    "route": "направлено исполнителю",
    "redirect": "перенаправлено",
    "close_not_needed": "закрыто: не требует ответа",
    "save_draft": "черновик сохранён",
    "submit_draft": "проект ответа отправлен на проверку",
    "hand_back": "возвращено в отдел по обращениям граждан",
    "approve_and_publish": "одобрено и отправлено к публикации",
    "return_for_rework": "возвращено на доработку",
    "reassign": "передано другому подразделению",
    "outbound_confirmed": "«Система Инцидент» подтвердила",
    "outbound_failed": "«Система Инцидент» отказала",
    "author_replied": "автор ответил",
    "manual_publication_confirmed": "публикация подтверждена вручную",
    "add_attachment": "добавлено вложение",
    "remove_attachment": "удалено вложение",
    "paste_message": "добавлено вручную (вставка поста)",
    # issue 13
    "delivery_attempt": "попытка отправки в «Систему Инцидент»",
    "delivery_failed": "отправка не удалась, будет повторена",
    "post_edited": "автор изменил текст (прежний сохранён)",
    "follow_up_opened": "автор написал после ответа",
    "deadline_moved_by_calendar": "срок перенесён изменением календаря",
    # issue 18
    "link_incident": "связано с похожими сообщениями в один инцидент",
    "unlink_incident": "отвязано от инцидента",
}
DETAIL_KEYS: dict[str, str] = {
    "comment": "комментарий",
    "reason": "причина",
    "target": "куда",
    "kind": "вид",
    "error": "ошибка",
    "url": "ссылка",
    "external_id": "номер",
    "attempt": "попытка",
}
THUMBNAIL = QSize(96, 72)

# States whose reason is the reason of the state itself (closed, redirected, returned, handed back).
_REASON_STATES = {
    MessageState.NEW,
    MessageState.CLOSED,
    MessageState.REDIRECTING,
    MessageState.REDIRECTED,
    MessageState.REWORK,
}
_ASSIGNED_STATES = {MessageState.ROUTED, MessageState.REWORK, MessageState.UNDER_REVIEW, MessageState.INTERIM}


def current_reason(detail: MessageDetail) -> str:
    """The state's reason while it still holds (issue 18, point 9).

    ``state_reason`` keeps the last reason given (a rework comment stays on record after the answer is
    published); on the card it is shown only while the state it explains lasts. Under review it is a
    refusal of the Incident system only when that came after the last submission.
    """
    state = detail.row.state
    if not detail.state_reason:
        return ""
    if state in _REASON_STATES:
        return detail.state_reason
    if state is MessageState.UNDER_REVIEW:
        last = next(
            (e.action for e in reversed(detail.history) if e.action in ("submit_draft", "outbound_failed")),
            "",
        )
        return detail.state_reason if last == "outbound_failed" else ""
    return ""


def routing_comment(detail: MessageDetail) -> tuple[str, str] | None:
    """(who, comment) of the operator's last routing or reassignment with a comment (issue 18, point 2)."""
    if detail.row.state not in _ASSIGNED_STATES:
        return None
    for event in reversed(detail.history):
        if event.action in ("route", "reassign"):
            comment = str(event.details.get("comment") or "").strip()
            return (event.actor or "отдел по обращениям граждан", comment) if comment else None
    return None


_SAFE_SCHEMES = ("http", "https")


def _plain_label(text: str = "", *, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if object_name:
        label.setObjectName(object_name)
    return label


def history_details(details: dict[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        if key in DETAIL_KEYS and value not in ("", None):
            parts.append(f"{DETAIL_KEYS[key]}: {value}")
    return "; ".join(parts)


class MessagePanel(QWidget):
    """The selected message: text, author, link, attachments, thread, stage deadlines, audit history.

    Signals:
        detail_loaded(object): a ``MessageDetail`` was shown.
        load_failed(str): loading failed; the Russian reason.
    """

    detail_loaded = Signal(object)
    load_failed = Signal(str)
    open_requested = Signal(int)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._detail: MessageDetail | None = None
        self._requested: int | None = None
        self.setObjectName("message_panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(6)

        self.placeholder = _plain_label("Выберите сообщение в списке", object_name="panel_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style_text(self.placeholder, Tone.MUTED, "padding: 40px;")
        layout.addWidget(self.placeholder)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        layout.addWidget(self.body, 1)

        header = QHBoxLayout()
        self.badge = QLabel()
        header.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(1)
        self.author_label = _plain_label(object_name="author")
        self.author_label.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.platform_label = _plain_label(object_name="platform")
        style_text(self.platform_label, Tone.MUTED)
        names.addWidget(self.author_label)
        names.addWidget(self.platform_label)
        header.addLayout(names, 1)
        self.state_label = _plain_label(object_name="state")
        self.state_label.setWordWrap(False)
        style_box(self.state_label, Tone.NOTICE, "padding: 2px 10px; font-weight: 600;", radius=9)
        header.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(header)

        link_row = QHBoxLayout()
        self.link_label = _plain_label(object_name="post_url")
        style_text(self.link_label, Tone.LINK)
        self.link_label.setWordWrap(False)
        self.open_link_button = QPushButton("Открыть оригинал")
        self.open_link_button.setObjectName("open_post")
        self.open_link_button.setToolTip("Открыть публикацию автора в браузере")
        self.open_link_button.clicked.connect(self.open_post)
        link_row.addWidget(self.link_label, 1)
        link_row.addWidget(self.open_link_button)
        body.addLayout(link_row)

        self.reason_label = _plain_label(object_name="state_reason")
        style_box(self.reason_label, Tone.WARNING, "padding: 4px 6px;")
        body.addWidget(self.reason_label)

        # The operator's comment for the executor, in full (it used to be «коммен…» in the history).
        self.routing_label = _plain_label(object_name="routing_comment")
        self.routing_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        style_box(self.routing_label, Tone.NOTICE, "padding: 4px 6px;")
        self.routing_label.hide()
        body.addWidget(self.routing_label)

        # Who else works on this message right now («открыто у: Иванова»), from the presence table.
        self.presence_label = _plain_label(object_name="presence")
        style_box(self.presence_label, Tone.OK, "padding: 2px 6px;")
        self.presence_label.hide()
        body.addWidget(self.presence_label)

        self.text_view = QPlainTextEdit()
        self.text_view.setAccessibleName("Текст сообщения")
        self.text_view.setObjectName("message_text")
        self.text_view.setReadOnly(True)
        self.text_view.setFrameShape(QFrame.Shape.StyledPanel)
        self.text_view.setMinimumHeight(110)
        body.addWidget(self.text_view, 3)

        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachments.setIconSize(THUMBNAIL)
        self.attachments.setFlow(QListWidget.Flow.LeftToRight)
        self.attachments.setWrapping(False)
        self.attachments.setFixedHeight(THUMBNAIL.height() + 44)
        self.attachments.setMovement(QListWidget.Movement.Static)
        self.attachments.setSpacing(4)
        body.addWidget(self.attachments)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Сведения о сообщении")
        self.tabs.setDocumentMode(True)
        self.stages_view = self._tree(["Этап", "Начало", "Срок", "Состояние"], "stages")
        self.thread_view = self._tree(["Когда", "Кто", "Текст"], "thread")
        self.stages_view.setAccessibleName("Этапы и сроки")
        self.thread_view.setAccessibleName("Переписка с автором")
        self.history_view = self._tree(["Когда", "Кто", "Действие", "Подробности"], "history")
        self.history_view.setAccessibleName("История действий с сообщением")
        # The stage pills follow a change of the system's theme at once, not at the next selection.
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.paletteChanged.connect(self._recolour_stages)
        self.tabs.addTab(self.stages_view, "Сроки")
        self.tabs.addTab(self.thread_view, "Переписка")
        self.tabs.addTab(self.history_view, "История")
        # Other recent messages about the same address or topic, with their answers (issue 18).
        self.similar_view = self._tree(["Когда", "Автор", "Почему похоже", "Сообщение и ответ"], "similar")
        self.similar_view.setAccessibleName("Похожие сообщения за последние недели")
        # Above them, the incident the operator linked this message into, and the link buttons.
        self.incident = IncidentSection(context, self.similar_view)
        self.incident.open_requested.connect(self._open_linked)
        self.incident.group_loaded.connect(lambda _group: self._similar_tab_title())
        self._similar_count = 0
        self.tabs.addTab(self.incident, "Похожие")
        body.addWidget(self.tabs, 4)
        self.clear()

    @staticmethod
    def _tree(headers: list[str], name: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(False)
        tree.setWordWrap(True)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The free-text column takes the rest of the width (no horizontal scrolling).
        header.setSectionResizeMode(
            len(headers) - 1 if len(headers) != 4 or name != "stages" else 0, QHeaderView.ResizeMode.Stretch
        )
        if name == "similar":
            # «Почему похоже» lists shared words and the author may be long: sized to their contents
            # they left the message and its answer no room in a narrow card. Fixed widths that wrap.
            em = tree.fontMetrics().averageCharWidth()
            for column, chars in ((1, 12), (2, 12)):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, em * chars)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        return tree

    # -- API ---------------------------------------------------------------------------------------

    def detail(self) -> MessageDetail | None:
        return self._detail

    def clear(self) -> None:
        self._detail = None
        self._requested = None
        self.body.hide()
        self.placeholder.show()
        self._announce(None)

    def show_message(self, message_id: int) -> None:
        self._requested = message_id
        queries, actor = self.context.services.queries, self.context.actor
        self.context.ops.query(
            self,
            lambda: queries.message_detail(actor, message_id),
            lambda detail: self._loaded(message_id, detail),
            self._failed,
            slot="detail",  # a later selection wins over a slow earlier load
        )

    def apply_changes(self, changes: Changes) -> None:
        """Re-read the shown message only when a committed change concerns it (issue 17)."""
        shown = self._detail.row.id if self._detail is not None else None
        if shown is None:
            return
        if changes.everything or changes.touches(shown) or shown in changes.drafts:
            self.show_message(shown)
        elif shown in changes.presence:
            self.load_presence(shown)

    # -- presence --------------------------------------------------------------------------------

    def _announce(self, message_id: int | None) -> None:
        """Tell the other workstations which message this panel shows (None: none)."""
        if getattr(self, "_announced", None) == message_id:
            return
        self._announced = message_id
        presence, actor = self.context.services.presence, self.context.actor
        self.context.ops.write(self, lambda: presence.show(actor, message_id), quiet=True)

    def load_presence(self, message_id: int) -> None:
        presence = self.context.services.presence
        self.context.ops.query(
            self,
            lambda: presence.others([message_id]),
            lambda found: self._show_presence(message_id, describe(found.get(message_id, []))),
            lambda _error: None,  # presence is a courtesy: a failed read leaves the card as it is
            slot="presence",
        )

    def _show_presence(self, message_id: int, text: str) -> None:
        if self._detail is None or self._detail.row.id != message_id:
            return
        self.presence_label.setText(text)
        self.presence_label.setVisible(bool(text))

    def _loaded(self, message_id: int, detail: MessageDetail) -> None:
        if self._requested == message_id:  # a later selection wins over a slow earlier load
            self.set_detail(detail)

    def _failed(self, error: BaseException) -> None:
        self.clear()
        self.load_failed.emit(error_text(error))

    @staticmethod
    def _colour_stage(item: QTreeWidgetItem) -> None:
        fg, bg = status_colours(DeadlineStatus(item.data(3, Qt.ItemDataRole.UserRole)))
        item.setForeground(3, fg)
        item.setBackground(3, bg)

    def _recolour_stages(self, _palette: object = None) -> None:
        if not shiboken6.isValid(self.stages_view):
            return
        for index in range(self.stages_view.topLevelItemCount()):
            self._colour_stage(self.stages_view.topLevelItem(index))

    def set_detail(self, detail: MessageDetail) -> None:
        self._detail = detail
        self._requested = detail.row.id
        self._announce(detail.row.id)
        self.load_presence(detail.row.id)
        row = detail.row
        calendar = self.context.services.calendar.calendar()
        now = self.context.services.now()
        self.placeholder.hide()
        self.body.show()
        self.badge.setPixmap(platform_badge(row.platform, 22))
        self.author_label.setText(row.author_name or "Автор не указан")
        channel = CHANNEL_NAMES.get(row.channel_kind.value, row.channel_kind.value)
        posted = format_instant(calendar, detail.posted_at) if detail.posted_at else "—"
        self.platform_label.setText(
            f"{platform_name(row.platform)} · {channel} · № {row.external_id}\n"
            f"опубликовано {posted} · поступило {format_instant(calendar, row.arrived_at)}"
        )
        self.state_label.setText(STATE_NAMES[row.state])
        self.link_label.setText(detail.post_url or "ссылки на оригинал нет")
        self.link_label.setToolTip(plain_tooltip(detail.post_url))
        self.open_link_button.setEnabled(QUrl(detail.post_url).scheme() in _SAFE_SCHEMES)
        reason = current_reason(detail)
        self.reason_label.setText(f"Причина: {reason}" if reason else "")
        self.reason_label.setVisible(bool(reason))
        routed = routing_comment(detail)
        self.routing_label.setText(
            f"Комментарий при направлении ({routed[0]}): {routed[1]}" if routed else ""
        )
        self.routing_label.setVisible(routed is not None)
        self.text_view.setPlainText(detail.text)

        self.attachments.clear()
        self.attachments.setVisible(bool(detail.attachments))
        for info in detail.attachments:
            self._add_attachment(info)

        self.stages_view.clear()
        for stage in detail.stages:
            status = stage.status(now)
            item = QTreeWidgetItem(
                [
                    STAGE_NAMES.get(stage.stage.value, stage.stage.value),
                    format_instant(calendar, stage.started_at),
                    format_instant(calendar, stage.due),
                    STATUS_TITLES[status]
                    + (f" ({format_instant(calendar, stage.completed_at)})" if stage.completed_at else ""),
                ]
            )
            item.setToolTip(0, STAGE_NAMES.get(stage.stage.value, stage.stage.value))
            item.setData(3, Qt.ItemDataRole.UserRole, status.value)
            self._colour_stage(item)
            if status is DeadlineStatus.OVERDUE:
                item.setToolTip(3, "Срок этапа прошёл, этап не завершён")
            self.stages_view.addTopLevelItem(item)

        self.thread_view.clear()
        for entry in detail.thread:
            item = QTreeWidgetItem(
                [format_instant(calendar, entry.at), entry.author or "—", entry.text.replace("\n", " ")]
            )
            item.setToolTip(2, plain_tooltip(entry.text))
            self.thread_view.addTopLevelItem(item)
        for replaced_at, old_text in detail.post_versions:  # issue 13: every edited version stays
            item = QTreeWidgetItem(
                [format_instant(calendar, replaced_at), "прежний текст автора", old_text.replace("\n", " ")]
            )
            item.setToolTip(2, plain_tooltip(old_text))
            self.thread_view.addTopLevelItem(item)
        for kind, text, confirmed_at, _url in detail.publications:
            label = DRAFT_KIND_NAMES.get(_draft_kind(kind), kind)  # type: ignore[call-overload]
            when = format_instant(calendar, confirmed_at) if confirmed_at else "ожидает подтверждения"
            item = QTreeWidgetItem([when, f"администрация ({label})", text.replace("\n", " ")])
            item.setToolTip(2, plain_tooltip(text))
            self.thread_view.addTopLevelItem(item)
        self.tabs.setTabText(1, f"Переписка ({self.thread_view.topLevelItemCount()})")

        self.history_view.clear()
        for event in detail.history:
            item = QTreeWidgetItem(
                [
                    format_instant(calendar, event.at),
                    event.actor or "система",
                    HISTORY_ACTIONS.get(event.action, event.action),
                    history_details(event.details),
                ]
            )
            self.history_view.addTopLevelItem(item)
        self.tabs.setTabText(2, f"История ({len(detail.history)})")
        self._load_similar(detail.row.id)
        self.detail_loaded.emit(detail)

    def _load_similar(self, message_id: int) -> None:
        similar, actor = self.context.services.similar, self.context.actor
        self.similar_view.clear()
        self._similar_count = 0
        self.incident.load(message_id)
        self._similar_tab_title()
        self.context.ops.query(
            self,
            lambda: similar.find(actor, message_id),
            lambda found: self._show_similar(message_id, found),
            lambda _error: None,  # a hint, not the card: its failure is only logged by the layer
            slot="similar",
        )

    def _show_similar(self, message_id: int, found: list[SimilarMessage]) -> None:
        if self._requested != message_id:
            return
        calendar = self.context.services.calendar.calendar()
        self.similar_view.clear()
        for item in found:
            text = item.preview + (f"\nОтвет: {' '.join(item.answer.split())}" if item.answer else "")
            row = QTreeWidgetItem(
                [format_instant(calendar, item.arrived_at), item.author_name or "—", item.why, text]
            )
            row.setToolTip(3, plain_tooltip(text))
            row.setData(0, Qt.ItemDataRole.UserRole, item.id)
            self.similar_view.addTopLevelItem(row)
        self._similar_count = len(found)
        self._similar_tab_title()
        self.incident.show_similar(message_id, found)

    def _similar_tab_title(self) -> None:
        title = f"Похожие ({self._similar_count})" if self._similar_count else "Похожие"
        group = self.incident.group()
        if group is not None:
            title += f" · инцидент: {group.size}"
        self.tabs.setTabText(3, title)

    def _open_linked(self, message_id: int) -> None:
        """A linked message was activated: the workstation opens it, or (unconnected) this panel."""
        if self.isSignalConnected(QMetaMethod.fromSignal(self.open_requested)):
            self.open_requested.emit(message_id)
        else:
            self.show_message(message_id)

    def _add_attachment(self, info: AttachmentInfo) -> None:
        item = QListWidgetItem(info.filename)
        item.setToolTip(plain_tooltip(f"{info.filename}\n{info.media_type}, {max(info.size // 1024, 1)} КБ"))
        item.setData(Qt.ItemDataRole.UserRole, info.id)
        item.setSizeHint(QSize(THUMBNAIL.width() + 16, THUMBNAIL.height() + 36))
        self.attachments.addItem(item)
        if not info.media_type.startswith("image/"):
            return
        queries, actor = self.context.services.queries, self.context.actor
        self.context.ops.query(
            self,
            lambda: queries.attachment_content(actor, info.id),
            lambda data: self._thumbnail(item, info.id, data),
            lambda _error: None,  # no thumbnail: the file name stays
        )

    def _thumbnail(self, item: QListWidgetItem, attachment_id: int, data: bytes) -> None:
        if not shiboken6.isValid(item):
            return  # the list was refilled meanwhile
        if self._detail is None or attachment_id not in {a.id for a in self._detail.attachments}:
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(data):
            scaled = pixmap.scaled(
                THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            item.setIcon(QIcon(scaled))
            item.setData(Qt.ItemDataRole.UserRole + 1, True)

    def open_post(self) -> None:
        if self._detail is None:
            return
        url = QUrl(self._detail.post_url)
        if url.scheme() in _SAFE_SCHEMES:
            QDesktopServices.openUrl(url)


def _draft_kind(value: str) -> DraftKind | str:
    try:
        return DraftKind(value)
    except ValueError:
        return value
