"""Photos and videos that travel with the answer (R10): checks before upload, thumbnails, removal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.validation.format import PlatformRules
from desktop_app.services.drafting import MAX_ATTACHMENT_BYTES, DraftAttachment
from desktop_app.services.validation import attachment_kind, media_type_of
from desktop_app.views.common.plain_text import plain_tooltip
from desktop_app.views.common.theme import Tone, style_text

THUMBNAIL = QSize(96, 72)
MB = 1024 * 1024
# Upload limits of the platforms' own clients (photo, video). Platforms not listed: the service's cap.
SIZE_LIMITS: dict[str, dict[str, int]] = {
    "telegram": {"photo": 10 * MB, "video": 50 * MB},
    "vk": {"photo": 50 * MB, "video": 200 * MB},
    "ok": {"photo": 50 * MB, "video": 200 * MB},
    "max": {"photo": 50 * MB, "video": 200 * MB},
    "dzen": {"photo": 30 * MB},
}
KIND_TITLES = {"photo": "фото", "video": "видео"}
ID_ROLE = Qt.ItemDataRole.UserRole
MEDIA_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Candidate:
    """A file the user picked: its name, media type and size (read before upload)."""

    path: str
    filename: str
    media_type: str
    size: int


def check_candidates(
    candidates: Sequence[Candidate], rules: PlatformRules | None, already: int
) -> tuple[list[Candidate], list[str]]:
    """Split the picked files into accepted ones and Russian reasons for the refused ones."""
    accepted: list[Candidate] = []
    errors: list[str] = []
    platform = rules.title if rules else ""
    for candidate in candidates:
        kind = attachment_kind(candidate.media_type)
        name = candidate.filename
        if kind not in KIND_TITLES:
            errors.append(f"«{name}»: к ответу можно приложить только фото или видео.")
            continue
        if candidate.size == 0:
            errors.append(f"«{name}»: файл пуст.")
            continue
        if rules is not None:
            if not rules.attachments or rules.max_attachments == 0:
                errors.append(f"«{name}»: площадка «{platform}» не позволяет прикладывать файлы к ответу.")
                continue
            if kind not in rules.attachments:
                errors.append(f"«{name}»: площадка «{platform}» не принимает {KIND_TITLES[kind]} в ответе.")
                continue
            if already + len(accepted) >= rules.max_attachments:
                errors.append(
                    f"«{name}»: на площадке «{platform}» не больше {rules.max_attachments} вложений к ответу."
                )
                continue
        limit = SIZE_LIMITS.get(rules.code if rules else "", {}).get(kind, MAX_ATTACHMENT_BYTES)
        limit = min(limit, MAX_ATTACHMENT_BYTES)
        if candidate.size > limit:
            where = f" для площадки «{platform}»" if rules else ""
            errors.append(
                f"«{name}»: {KIND_TITLES[kind]} {candidate.size / MB:.1f} МБ — больше допустимых "
                f"{limit // MB} МБ{where}."
            )
            continue
        accepted.append(candidate)
    return accepted, errors


def thumbnail_image(content: bytes, size: QSize = THUMBNAIL) -> QImage | None:
    """A scaled preview of a picture (safe off the UI thread: QImage, not QPixmap)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(content))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


class AttachmentStrip(QWidget):
    """The draft's attachments as thumbnails, with «Добавить фото или видео…» and «Удалить».

    Signals:
        add_requested(): the user wants to pick files.
        remove_requested(int): remove the attachment with this id.
    """

    add_requested = Signal()
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName("Вложения к ответу")
        self.list.setObjectName("draft_attachments")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMBNAIL)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMaximumHeight(THUMBNAIL.height() + 46)
        self.list.setToolTip("Фото и видео к ответу. Файлы можно перетащить на текст ответа.")
        self.add_button = QPushButton("Добавить фото или видео…")
        self.remove_button = QPushButton("Удалить вложение")
        self.remove_button.setEnabled(False)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        style_text(self.error_label, Tone.DANGER)
        self.error_label.setObjectName("attachment_errors")
        self.error_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        layout.addWidget(self.error_label)
        self.add_button.clicked.connect(self.add_requested.emit)
        self.remove_button.clicked.connect(self._remove_selected)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.remove_button.setEnabled(item is not None)
        )

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and self.list.currentItem() is not None)

    def set_attachments(self, attachments: Sequence[DraftAttachment]) -> None:
        self.list.clear()
        for attachment in attachments:
            self.add_attachment(attachment)

    def add_attachment(self, attachment: DraftAttachment, image: QImage | None = None) -> None:
        # Item views never interpret markup: a file name is shown as plain text.
        item = QListWidgetItem(attachment.filename)
        item.setData(ID_ROLE, attachment.id)
        item.setData(MEDIA_ROLE, attachment.media_type)
        item.setToolTip(
            plain_tooltip(f"{attachment.filename}\n{attachment.media_type}, {attachment.size / MB:.1f} МБ")
        )
        if image is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))
        else:
            standard = (
                QStyle.StandardPixmap.SP_MediaPlay
                if attachment.media_type.startswith("video/")
                else QStyle.StandardPixmap.SP_FileIcon
            )
            item.setIcon(self.style().standardIcon(standard))
        self.list.addItem(item)

    def set_thumbnail(self, attachment_id: int, image: QImage) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(ID_ROLE) == attachment_id:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def attachment_ids(self) -> list[int]:
        return [int(self.list.item(row).data(ID_ROLE)) for row in range(self.list.count())]

    def media_types(self) -> list[str]:
        return [str(self.list.item(row).data(MEDIA_ROLE)) for row in range(self.list.count())]

    def remove_item(self, attachment_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == attachment_id:
                self.list.takeItem(row)
                return

    def show_errors(self, errors: Sequence[str]) -> None:
        self.error_label.setText("\n".join(errors))
        self.error_label.setVisible(bool(errors))

    def _remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.remove_requested.emit(int(item.data(ID_ROLE)))


def candidate_for(path: str) -> Candidate:
    from pathlib import Path

    file = Path(path)
    return Candidate(str(file), file.name, media_type_of(file.name), file.stat().st_size)
