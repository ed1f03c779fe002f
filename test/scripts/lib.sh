# Shared by the script tests (test/scripts/*.test.sh): sourced, never run. No test needs a cluster,
# Docker or kind: each puts stubs of the tools first on PATH and runs the real script or function.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STUBS=$(mktemp -d)
trap 'rm -rf "$STUBS"' EXIT
export PATH="$STUBS:$PATH"
# The test bed's scripts take kubectl from RA2_KUBECTL_DIR (testbed/lib/common.sh): the stubs.
export RA2_KUBECTL_DIR="$STUBS"
# Stubs keep what they were called with, one line per call.
export STUB_CALLS="$STUBS/calls"
: >"$STUB_CALLS"
passed=0 failed=0

# stub NAME BODY: an executable NAME on PATH that runs BODY (bash) with the caller's arguments.
stub() {
  printf '#!/usr/bin/env bash\necho "%s $*" >>"$STUB_CALLS"\n%s\n' "$1" "$2" >"$STUBS/$1"
  chmod +x "$STUBS/$1"
}
# A kubectl that cannot be found: as the shell reports a missing command.
missing() { stub "$1" "echo \"$1: command not found\" >&2; exit 127"; }
# calls_of NAME: how many times the stub NAME ran since the last reset_calls.
calls_of() { awk -v name="$1" '$1 == name {n++} END {print n + 0}' "$STUB_CALLS"; }
reset_calls() { : >"$STUB_CALLS"; }

ok() { printf '  ok: %s\n' "$1"; passed=$((passed + 1)); }
not_ok() { printf '  FAIL: %s\n%s\n' "$1" "$(sed 's/^/    | /' <<<"$2")"; failed=$((failed + 1)); }

# expect_failure NAME PATTERN CMD...: CMD exits non-zero and its output (stdout and stderr) matches
# PATTERN (extended regex): the script stops and names the cause.
expect_failure() {
  local name=$1 pattern=$2 out rc=0; shift 2
  reset_calls
  out=$("$@" 2>&1) || rc=$?
  if (( rc == 0 )); then not_ok "$name: exited 0" "$out"
  elif ! grep -qE -- "$pattern" <<<"$out"; then not_ok "$name: exit $rc, but no line matches /$pattern/" "$out"
  else ok "$name (exit $rc: $(grep -E -m1 -- "$pattern" <<<"$out"))"; fi
}
# expect_success NAME PATTERN CMD...: CMD exits 0 and its output matches PATTERN (the control case:
# with tools that work, the same script passes, so the failures above are the stubs' doing).
expect_success() {
  local name=$1 pattern=$2 out rc=0; shift 2
  reset_calls
  out=$("$@" 2>&1) || rc=$?
  if (( rc != 0 )); then not_ok "$name: exit $rc" "$out"
  elif ! grep -qE -- "$pattern" <<<"$out"; then not_ok "$name: no line matches /$pattern/" "$out"
  else ok "$name"; fi
}
# expect_no_match NAME PATTERN CMD...: CMD's output never matches PATTERN (whatever its exit code).
expect_no_match() {
  local name=$1 pattern=$2 out; shift 2
  reset_calls
  out=$("$@" 2>&1)
  if grep -qE -- "$pattern" <<<"$out"; then not_ok "$name: printed /$pattern/" "$out"; else ok "$name"; fi
}

finish() {
  printf '%s: %d passed, %d failed\n' "$(basename "$0")" "$passed" "$failed"
  (( failed == 0 ))
}
