#!/usr/bin/env bash
# Rewrites the statuses of expectations/<bed>.yaml from a results JSON (ra2 run --json), keeping
# the file's comments and reasons, and lists every row whose verdict changed: review each reason
# before committing. Rows that ended in error or were interrupted are left as they were.
#   scripts/expectations.sh <bed> <results.json>      e.g. scripts/expectations.sh basic /tmp/basic.json
set -euo pipefail
cd "$(dirname "$0")/.."
bed=${1:-}; results=${2:-}
[[ -n "$bed" && -n "$results" ]] || { echo "usage: $0 <bed> <results.json>" >&2; exit 2; }
[[ -f "$results" ]] || { echo "$0: no results file $results" >&2; exit 2; }
[[ -f dist/test/e2e/support/expectations-write.js ]] || npm run --silent build
node dist/test/e2e/support/expectations-write.js "expectations/$bed.yaml" "$results"
npx prettier --log-level warn --write "expectations/$bed.yaml"
