#!/usr/bin/env bash
# .ci/run and testbed/run-e2e.sh: CI refuses an RA2_E2E_PHASES that leaves a phase out, before
# anything is built; run-e2e.sh refuses an unknown or empty selection everywhere.
source "$(dirname "$0")/lib.sh"
echo ".ci/run and testbed/run-e2e.sh phases"

# make is a stub: were .ci/run to go on, it would record the call instead of building anything.
stub make 'echo "make $* (stub)"'
ci_run() { (cd "$REPO" && PATH="$STUBS:$PATH" RA2_E2E_PHASES="$1" .ci/run); }
ran_make() { [[ $(calls_of make) != 0 ]]; }
made() { ci_run "$1"; local rc=$?; ran_make && echo "make was called"; return $rc; }

if [[ $(PATH="/usr/local/bin:/usr/local/go/bin:$STUBS:$PATH" command -v make) != "$STUBS/make" ]]; then
  not_ok "setup: a make on /usr/local/bin would shadow the stub" "$(command -v make)"
  finish; exit
fi
expect_failure "CI with RA2_E2E_PHASES=basic: refused" "leaves out phase ha: CI runs every phase" made basic
expect_no_match "CI with RA2_E2E_PHASES=basic: make test never starts" "make was called" made basic
expect_failure "CI with RA2_E2E_PHASES='basic network-intensive': refused" "leaves out phase ha" made "basic network-intensive"
expect_success "control: CI with every phase named runs make test" "make test \(stub\)" made "ha basic network-intensive"
expect_success "control: CI with RA2_E2E_PHASES unset runs make test" "make test \(stub\)" \
  bash -c "cd '$REPO' && unset RA2_E2E_PHASES && PATH='$STUBS:$PATH' .ci/run"

check() { (cd "$REPO" && unset RA2_E2E_REQUIRE_ALL_PHASES && RA2_E2E_PHASES="$1" testbed/run-e2e.sh --check-phases); }
expect_success "run-e2e.sh outside CI: a subset is allowed" "phases: basic" check basic
expect_failure "run-e2e.sh: an unknown phase is refused" "unknown phase 'basci'" check basci
expect_failure "run-e2e.sh: blank phases are refused" "names no phase" check " "
finish
