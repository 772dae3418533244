#!/usr/bin/env bash
# Set up (idempotently) and open Отклик on a fresh embedded demo database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/otklik --demo "$@"
