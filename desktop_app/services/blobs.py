"""File content stored once per SHA-256 checksum (attachments of messages and drafts)."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from desktop_app.models.entities import AttachmentBlob

_PENDING_KEY = "otklik.pending_blobs"


def store_blob(session: Session, content: bytes) -> str:
    """Store ``content`` unless already stored; return its checksum.

    No flush: blobs added earlier in the same transaction are remembered in ``session.info``, so a
    page of intake with many photos costs one batched INSERT instead of a flush per photo.
    """
    digest = hashlib.sha256(content).hexdigest()
    transaction = session.get_transaction()
    remembered = session.info.get(_PENDING_KEY)
    if remembered is None or remembered[0] is not transaction:  # a new transaction forgets the old one
        remembered = (transaction, set())
        session.info[_PENDING_KEY] = remembered
    pending: set[str] = remembered[1]
    if digest in pending:
        return digest
    with session.no_autoflush:
        exists = session.get(AttachmentBlob, digest) is not None
    if not exists:
        session.add(AttachmentBlob(sha256=digest, content=content, size=len(content)))
    pending.add(digest)
    return digest
