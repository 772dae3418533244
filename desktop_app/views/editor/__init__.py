"""The executor's draft editor and the validation panel it shares with the operator's review screen.

- ``ValidationPanel(parent=None, *, read_only=False)`` — ``show_report(report)``, ``clear()``,
  ``failed_checks()``; signals ``jump_requested(int, int)``, ``match_activated(int)``.
- ``CHECK_NAMES`` — Russian names of the failed-check codes recorded with a submission.
- ``DraftEditor(context, validation, *, recovery=None, ...)`` — see ``draft_editor``.
"""

from desktop_app.views.editor.validation_panel import CHECK_NAMES, ValidationPanel

__all__ = ["CHECK_NAMES", "ValidationPanel"]
