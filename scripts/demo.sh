#!/usr/bin/env bash
# Installs everything and starts the demo municipality on an embedded SQLite file (var/casemgmt.sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/casemgmt demo "$@"
