"""Shared fixtures: one embedded engine and one validator per session (the engine costs ~2 s)."""

from __future__ import annotations

import pytest

from desktop_app.adapters.proofreading import EmbeddedProofreader
from desktop_app.domain.validation import DraftValidator, default_dictionary_words
from tests.validation.fake_languagetool import FakeLanguageToolServer


@pytest.fixture(scope="session")
def embedded() -> EmbeddedProofreader:
    engine = EmbeddedProofreader()
    engine.start()
    assert engine.wait_ready(60)
    return engine


@pytest.fixture(scope="session")
def validator(embedded: EmbeddedProofreader) -> DraftValidator:
    return DraftValidator(embedded, default_dictionary_words())


@pytest.fixture
def fake_lt():
    with FakeLanguageToolServer() as server:
        yield server
