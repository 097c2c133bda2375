#!/usr/bin/env bash
# Sets up everything mailkit needs on a fresh Debian/Ubuntu machine: system packages (when root),
# a virtual environment in .venv with mailkit and its test tools, and the JupyterLab extension.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(m4 sendmail-cf procmail swaks curl fetchmail mutt isync s-nail telnet net-tools
              chromium fonts-nanum dovecot-imapd dovecot-pop3d bind9-dnsutils)
# Node.js (for the JupyterLab extension) may come from elsewhere than Debian; only ask for it when absent.
command -v node >/dev/null || APT_PACKAGES+=(nodejs npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    # policy-rc.d stops package scripts from starting dovecot's own daemons on 110/143.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "setup: some Debian packages could not be installed; tests that need them will skip"
  else
    echo "setup: not root or no apt-get; missing Debian packages (tests needing them skip): ${missing[*]}"
  fi
fi

# --- the real sendmail 8.17, the reference the differential tests compare against (tests/rules) ---
# Its package scripts would start a daemon on ports 25/587: a policy-rc.d answering 101 ("action
# forbidden") keeps them from starting anything while it installs; ours is removed afterwards (a
# policy-rc.d already there, as in Docker images, is left as it was).
SENDMAIL_PACKAGES=(sendmail-bin sendmail-doc)
sm_missing=()
for p in "${SENDMAIL_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || sm_missing+=("$p")
done
if ((${#sm_missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing the reference sendmail (daemon kept stopped): ${sm_missing[*]}"
    own_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${sm_missing[@]}" >/dev/null \
      || echo "setup: sendmail-bin could not be installed; the differential tests will skip"
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    # Whatever the package scripts did, no sendmail may stay listening (its pid file names it).
    if [ -f /run/sendmail/mta/sendmail.pid ]; then
      kill "$(head -n1 /run/sendmail/mta/sendmail.pid)" 2>/dev/null || true
    fi
    if command -v ss >/dev/null && ss -ltn '( sport = :25 or sport = :587 )' | grep -q LISTEN; then
      echo "setup: warning: something listens on port 25 or 587 after installing sendmail-bin"
    fi
  else
    echo "setup: not root or no apt-get; sendmail-bin missing (the differential tests skip)"
  fi
fi

# --- JupyterLab extension + UI-test tools (npm); before pip, which packs the built extension ---
if command -v node >/dev/null && command -v npm >/dev/null; then
  npm_ci() {  # npm ci in $1 unless its node_modules already match its package-lock.json
    if [ ! -f "$1/node_modules/.package-lock.json" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
      (cd "$1" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  }
  npm_ci labextension && npm_ci ui-tests || echo "setup: npm ci failed; the extension's tests will fail or skip"
  # Build now when jupyter-builder is at hand; otherwise `pip install -e` below builds it (the
  # hatch-jupyter-builder hook has jupyter-builder in its build environment).
  if command -v jupyter-builder >/dev/null; then
    (cd labextension && npm run --silent build >/dev/null) \
      || echo "setup: the JupyterLab extension could not be built; the Lab shows mailkit's outputs as text"
  fi
else
  echo "setup: no node/npm: the JupyterLab extension is not built (its tests and the UI tests skip)"
fi
# --- end npm ---

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# pip's output only when it fails: this machine's pip configuration names index folders that may
# be absent, and its warnings about them would fill the demo's first screen.
pip_quiet() {
  local log; log=$(mktemp)
  if "$@" >"$log" 2>&1; then rm -f "$log"; else cat "$log" >&2; rm -f "$log"; return 1; fi
}
pip_quiet .venv/bin/python -m pip install -q --upgrade pip
pip_quiet .venv/bin/python -m pip install -q -e ".[test]"
echo "setup: done (.venv ready)"
