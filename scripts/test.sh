#!/usr/bin/env bash
# Set up (idempotently) and run the whole test suite: lint, tests on SQLite and PostgreSQL, smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check desktop_app tests benchmarks docs installer
.venv/bin/ruff format --check desktop_app tests benchmarks docs installer
# Two workers, one per core of the 2-core reference machine; a file's tests stay on one worker (its
# module fixtures, e.g. the evaluation of the whole dev corpus or the real LanguageTool JVM, are built
# once). Each worker starts its own throwaway PostgreSQL server (tests/support/pg_server.py).
.venv/bin/python -m pytest -n "${OTKLIK_TEST_WORKERS:-2}" --dist loadfile "$@"
.venv/bin/otklik --smoke-test
