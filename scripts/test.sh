#!/usr/bin/env bash
# The one test command: sets up (scripts/setup.sh), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
status=0
python -m pytest tests "$@" || status=$?
# --- course notebooks: each one re-run in a fresh kernel and compared with its stored outputs ---
MAILKIT_CLOCK=fixed python -m pytest --nbval notebooks/ --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider -q || status=$?
# --- end course notebooks ---
# --- JupyterLab extension: jest unit tests of the renderers and tokenizers, then the real-browser
# UI tests (playwright-core + Debian chromium against a jupyter lab they start) ---
if ! command -v node >/dev/null || [ ! -d labextension/node_modules ]; then
  echo "test: skipped jest and UI tests: no node or labextension/node_modules (see scripts/setup.sh)"
else
  (cd labextension && npx jest --silent) || status=$?
  if [ ! -x "${MAILKIT_CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d ui-tests/node_modules ]; then
    echo "test: skipped UI tests: no chromium at ${MAILKIT_CHROMIUM:-/usr/bin/chromium} or no ui-tests/node_modules"
  else
    (cd ui-tests && node --test --test-reporter=spec tests/) || status=$?
  fi
fi
# --- end JupyterLab extension ---
exit $status
