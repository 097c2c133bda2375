#!/usr/bin/env bash
# The one test command: sets up (scripts/setup.sh), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
status=0
python -m pytest tests "$@" || status=$?
exit $status
