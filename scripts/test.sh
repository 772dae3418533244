#!/usr/bin/env bash
# Set up (idempotently) and run the whole test suite: lint, tests on SQLite and PostgreSQL, smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check desktop_app tests benchmarks docs installer
.venv/bin/ruff format --check desktop_app tests benchmarks docs installer
.venv/bin/python -m pytest "$@"
.venv/bin/otklik --smoke-test
