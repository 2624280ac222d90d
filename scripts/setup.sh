#!/usr/bin/env bash
# Creates or updates the two Python environments from the committed lock files. Idempotent: when the lock files
# have not changed it does nothing and returns in well under a second.
#   .venv       the app (action server, CLI, tests): requirements/app.lock + this package
#   .venv-rasa  Rasa 3.6 (pinned for Python 3.10, installed on 3.11 without re-resolving): requirements/rasa.lock
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$candidate; break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "setup: Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "setup: installing python3-venv ..." >&2
  if command -v apt-get >/dev/null 2>&1; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; fi
fi

quiet_pip() {  # pip, without the noise of unreachable extra indexes; pip's own exit status is returned
  local out status=0
  out=$("$@" 2>&1) || status=$?
  if [ -n "$out" ]; then
    printf '%s\n' "$out" | grep -vE "^WARNING: (Location|Running pip as|You are using pip|There was an error checking)|^\[notice\]" || true
  fi
  return "$status"
}

stamp() { cat "$@" | sha256sum | cut -c1-32; }

ensure_env() {  # ensure_env DIR STAMP INSTALL_FN
  local dir=$1 want=$2 fn=$3
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ] && [ -x "$dir/bin/python" ]; then
    return 0
  fi
  echo "setup: creating $dir (first run or lock file changed) ..." >&2
  rm -rf "$dir"
  "$PY" -m venv "$dir"
  quiet_pip "$dir/bin/python" -m pip install -q --upgrade "pip==24.3.1"
  local started=$SECONDS
  "$fn" "$dir"
  echo "$want" > "$dir/.installed"
  echo "setup: $dir ready in $((SECONDS - started)) s" >&2
}

install_app() {
  quiet_pip "$1/bin/python" -m pip install -q --prefer-binary -r requirements/app.lock
  quiet_pip "$1/bin/python" -m pip install -q --no-deps -e .
}

install_rasa() {
  echo "setup: installing Rasa 3.6.21 and its pinned dependencies (about 3 minutes, 2.8 GB) ..." >&2
  quiet_pip "$1/bin/python" -m pip install -q --no-deps --ignore-requires-python --prefer-binary -r requirements/rasa.lock
  RASA_TELEMETRY_ENABLED=false "$1/bin/python" -c "import rasa, jieba" >/dev/null 2>&1 || { echo "setup: Rasa does not import" >&2; exit 1; }
}

ensure_env .venv "$(stamp requirements/app.lock pyproject.toml)" install_app
ensure_env .venv-rasa "$(stamp requirements/rasa.lock)" install_rasa

# The browser tests (tests/bot/web) drive Debian's Chromium with Playwright (`playwright install` cannot download
# here), and the screenshots need a CJK font to show Chinese and an emoji font for the replies' 🚨 and 📞.
# `antifraud serve --workers N` (bot/layout.py) puts its Rasa workers behind HAProxy and locks conversations in Redis.
# Installed once, when missing.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "cjk" || ! fc-list 2>/dev/null | grep -qi "emoji" \
  || ! PATH="$PATH:/usr/sbin" command -v haproxy >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing chromium, fonts (browser tests), haproxy and redis-server (scaled-out layout) ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji haproxy redis-server >/dev/null
  else
    echo "setup: chromium, a CJK font, haproxy or redis-server is missing; the browser and layout tests will skip (CI=true fails them)" >&2
  fi
fi
