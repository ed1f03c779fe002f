#!/usr/bin/env bash
# testbed/test-bad-states.sh: a failing `kind get clusters` is a failure ("cannot tell"), never
# "no cluster was left behind".
source "$(dirname "$0")/lib.sh"
echo "testbed/test-bad-states.sh"

# left_check: the script's own check_no_cluster_left (sourced: the bad states do not run); exits
# non-zero when it counted a failure.
left_check() {
  ( source "$REPO/testbed/test-bad-states.sh"; check_no_cluster_left; (( failures == 0 )) )
}

stub kind 'echo "ERROR: failed to list clusters: command \"docker ps -a --filter label=io.x-k8s.kind.cluster\" failed with error: exit status 1" >&2; exit 1'
expect_failure "kind get clusters fails: a failure, naming it" "FAIL: kind get clusters failed.*failed to list clusters" left_check
expect_no_match "kind get clusters fails: never 'no cluster was left behind'" "no cluster was left behind" left_check
missing kind
expect_failure "no kind: a failure" "FAIL: kind get clusters failed.*command not found" left_check

stub kind 'printf "%s\n" ra2-basic ra2-badstate-port'
expect_failure "control: a half-made cluster is found" "FAIL: 1 half-made cluster\(s\) left" left_check
stub kind 'echo "No kind clusters found." >&2'
expect_success "control: none left" "ok: no cluster was left behind" left_check
finish
