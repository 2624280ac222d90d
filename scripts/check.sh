#!/usr/bin/env bash
# Static checks, run by scripts/test.sh before the tests: lint (ruff check), formatting (ruff format --check), types
# (mypy), the import contracts of pyproject.toml (lint-imports) and the quiz banks (`antifraud quiz validate --strict
# --coverage`: valid, big enough, and not gameable; docs/QUIZ_BANKS.md) and the campaign definitions (`antifraud
# campaign validate`; docs/CAMPAIGNS.md). All six run, so one run shows every problem; any failure fails the run.
# A few seconds with warm caches (.ruff_cache, .mypy_cache, .import_linter_cache).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
failed=()

check() {  # check NAME COMMAND...
  local name=$1
  shift
  echo "check: $name ($*)"
  if ! "$@"; then
    failed+=("$name")
  fi
}

check "lint" "$bin/ruff" check --output-format concise .
check "format" "$bin/ruff" format --check --output-format concise .
check "types" "$bin/mypy"
check "import contracts" "$bin/lint-imports" --no-logo
check "quiz banks" "$bin/antifraud" quiz validate --strict --coverage
check "campaigns" "$bin/antifraud" campaign validate

if [ ${#failed[@]} -gt 0 ]; then
  echo "check: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check: all passed"
