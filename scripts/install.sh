#!/usr/bin/env bash
# Installs casemgmt into .venv (Python 3.11+) and its pinned front-end assets into node_modules (npm).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
npm ci --no-audit --no-fund --loglevel=error
