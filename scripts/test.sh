#!/usr/bin/env bash
# Sets up what is missing and runs every test: knowledge base, privacy, Rasa data validation, the NLU evaluation on
# held-out data (fails below macro-F1 0.85 for scam type), Rasa test stories, and the full stack end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/antifraud train
exec .venv/bin/python -m pytest "$@"
