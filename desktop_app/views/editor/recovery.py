"""Crash-recovery copies of drafts (issue 8.6): owned by the draft session (services, issue 17).

Kept here so the views that build a :class:`RecoveryStore` keep their import.
"""

from desktop_app.services.draft_session import RecoveredDraft, RecoveryStore

__all__ = ["RecoveredDraft", "RecoveryStore"]
