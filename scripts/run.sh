#!/usr/bin/env bash
# Sets up, then opens the course in JupyterLab (or, with --demo, runs a headless demo of the host).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
if [ "${1:-}" = "--demo" ]; then
  exec python -m mailkit demo
fi
args=(--notebook-dir=notebooks --ServerApp.ip=127.0.0.1)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
exec jupyter lab "${args[@]}" "$@"
