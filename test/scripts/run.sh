#!/usr/bin/env bash
# Runs every test/scripts/*.test.sh: each breaks a tool an acceptance or e2e script relies on
# (a stub on PATH that fails or prints nothing) and shows the script fails, naming the cause.
# No cluster, Docker or kind is needed; the whole set takes seconds.
set -uo pipefail
cd "$(dirname "$0")"
failed=()
for test in ./*.test.sh; do
  echo "== $test"
  bash "$test" || failed+=("$test")
done
if (( ${#failed[@]} )); then echo "script tests failed: ${failed[*]}" >&2; exit 1; fi
echo "script tests: all passed"
