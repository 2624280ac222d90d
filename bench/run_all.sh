#!/usr/bin/env bash
# Runs every benchmark, one after the other (never two at once: the machine has 2 cores), from the repository root.
# Figures print as they come; each benchmark also writes bench/results/<name>.json.
# Order: training first (so the later benchmarks use a model of the current inputs), then cold start, latency
# (in-memory and SQLite tracker store), memory and `antifraud check` throughput. Usage: bench/run_all.sh [--skip-train]
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
run() {
    echo "=== $* ==="
    "$PY" "$@" || { echo "!!! $1 exited with $?"; status=1; }
    echo
}
if [[ "${1:-}" != "--skip-train" ]]; then
    run bench/train.py
else
    .venv/bin/antifraud train >/dev/null || exit 1   # make sure a model of the current inputs exists
fi
run bench/cold_start.py
run bench/latency.py
run bench/latency.py --tracker sqlite
run bench/turn_latency.py
run bench/stack_throughput.py
run bench/stack_throughput.py --rasa 2
run bench/scale_out.py
run bench/memory.py
run bench/check_throughput.py
run bench/quiz_answers.py
run bench/quiz_next.py
run bench/telegram_burst.py
exit $status
