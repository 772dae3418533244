from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_app.adapters.proofreading import create_proofreader
from desktop_app.domain.validation import DraftValidator, ValidationReport, default_dictionary_words
from desktop_app.settings import ProofreadingSettings, Settings
from desktop_app.views.context import ViewContext
from desktop_app.views.operator.workspace import OperatorWorkspace


@pytest.fixture(scope="session")
def real_validate() -> Callable[..., ValidationReport]:
    """The real draft validator with the embedded engine, built once per session."""
    embedded_only = Settings(proofreading=ProofreadingSettings(engine="embedded"))  # no JVM in GUI tests
    validator = DraftValidator(create_proofreader(embedded_only), default_dictionary_words())

    def validate(
        message: str,
        draft: str,
        author: str,
        platform: str,
        attachments: tuple[str, ...] = (),
        kind: str = "answer",
    ) -> ValidationReport:
        return validator.validate(
            message,
            draft,
            author_name=author or None,
            platform=platform or None,
            attachments=attachments,
            kind=kind,
        )

    return validate


@pytest.fixture
def make_workspace(qtbot, real_validate) -> Callable[[ViewContext], OperatorWorkspace]:
    def make(context: ViewContext) -> OperatorWorkspace:
        workspace = OperatorWorkspace(context, validate=real_validate, use_tray=False)
        qtbot.addWidget(workspace)
        workspace.resize(1400, 800)
        workspace.show()
        qtbot.waitExposed(workspace)
        return workspace

    return make
