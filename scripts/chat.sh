#!/usr/bin/env bash
# Sets up what is missing, trains the model if the data changed, starts the servers and opens a chat in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/antifraud chat "$@"
