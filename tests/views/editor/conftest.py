"""Fixtures of the editor tests: SQLite only (views sit above the data layer), inline operation layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.services.validation import ValidationService
from tests.views.editor.support import Setup, fake_validation, make_setup


@pytest.fixture
def setup(tmp_path: Path, sqlite_template: Path) -> Iterator[Setup]:
    yield from make_setup(tmp_path, sqlite_template)


@pytest.fixture
def validation(setup: Setup) -> ValidationService:
    return fake_validation(setup.services)
