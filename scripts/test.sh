#!/usr/bin/env bash
# Installs everything and runs the whole test suite (SQLite by default; PostgreSQL when
# CASEMGMT_TEST_DATABASE_URL is set, e.g. postgresql+asyncpg://root@127.0.0.1:5432/test), one pytest-xdist worker
# per core, each with its own database (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/pytest -n auto "$@"
