#!/usr/bin/env bash
# scripts/sonobuoy-e2e.sh: the leftover check never reads a failing or silent kubectl as "nothing left";
# ra2 run's exit code is the one its MUST rows call for (0, 1 or 3), never 2.
source "$(dirname "$0")/lib.sh"
echo "scripts/sonobuoy-e2e.sh leftovers"

# in_script FUNCTION ARGS...: the script's FUNCTION, sourced in a subshell (its main does not run).
in_script() { ( source "$REPO/scripts/sonobuoy-e2e.sh"; "$@" ); }

# A kubectl that answers like an API server: CLUSTER_SCOPED kinds, LEFTOVER objects of every kind.
healthy_kubectl() {
  stub kubectl '
case "$1" in
  api-resources) printf "%s\n" namespaces clusterroles storageclasses ;;
  get) [ -z "${LEFTOVER:-}" ] || echo "$2.x/$LEFTOVER" ;;
  *) exit 1 ;;
esac'
}

missing kubectl
expect_failure "no kubectl: leftovers fails" "FAIL: kubectl get namespaces .*command not found" in_script leftovers sel

stub kubectl 'echo "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?" >&2; exit 1'
expect_failure "API server down: leftovers fails naming it" "FAIL: kubectl get namespaces .*was refused" in_script leftovers sel
expect_no_match "API server down: never 'nothing of run ... left'" "nothing of run" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"
expect_failure "API server down: expect_no_leftovers fails" "FAIL: kubectl" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"

stub kubectl '[ "$1" = api-resources ] && exit 0; exit 0'
expect_failure "api-resources lists nothing: leftovers fails" "lists no cluster-scoped resource" in_script leftovers sel

stub kubectl '
case "$1 $2" in
  "api-resources "*) printf "%s\n" namespaces clusterroles ;;
  "get clusterroles") echo "Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io is forbidden" >&2; exit 1 ;;
  *) exit 0 ;;
esac'
expect_failure "list forbidden: leftovers fails naming the kind" "FAIL: kubectl get clusterroles .*Forbidden" in_script leftovers sel

healthy_kubectl
expect_success "control: a working kubectl and nothing left" "nothing of run r1 left now" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"
expect_success "control: a leftover is listed" "^clusterroles.x/old$" env LEFTOVER=old bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; leftovers sel"
expect_failure "control: a leftover fails expect_no_leftovers" "left behind now by run r1: .*storageclasses.x/old" \
  env LEFTOVER=old RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"

echo "scripts/sonobuoy-e2e.sh ra2 run's exit code"
# results FILE OUTCOME EXIT ROW...: a results JSON with that outcome and exitCode and the rows
# given as level:status[:applicability].
results() {
  local file=$1 outcome=$2 exit=$3 rows=() row level status applicability; shift 3
  for row in "$@"; do
    IFS=: read -r level status applicability <<<"$row"
    rows+=("{\"id\":\"ra2.x.${#rows[@]}\",\"level\":\"$level\",\"status\":\"$status\"${applicability:+,\"applicability\":\"$applicability\"}}")
  done
  local joined; joined=$(IFS=,; echo "${rows[*]}")
  printf '{"outcome":"%s","exitCode":%s,"results":[%s]}\n' "$outcome" "$exit" "$joined" >"$file"
}
json=$STUBS/ra2.json

results "$json" not-conformant 1 must:failed must:skipped:not-observed should:passed
expect_success "control: a MUST row failed, exit 1" "exited 1, the exit its MUST rows call for" \
  in_script expect_outcome_exit 1 "$json"
expect_failure "a MUST row failed, exit 0: fails" "FAIL: ra2 run exited 0; its MUST rows call for 1 \(not-conformant\)" \
  in_script expect_outcome_exit 0 "$json"
expect_failure "a MUST row failed, exit 3: fails" "its MUST rows call for 1" in_script expect_outcome_exit 3 "$json"

results "$json" incomplete 3 must:passed must:error should:failed
expect_success "control: a MUST row in error, a SHOULD row failed: exit 3" "exited 3," \
  in_script expect_outcome_exit 3 "$json"
expect_failure "a MUST row in error, exit 1: fails" "exited 1; its MUST rows call for 3 \(incomplete\)" \
  in_script expect_outcome_exit 1 "$json"
results "$json" incomplete 3 must:skipped:not-observed
expect_success "control: a MUST row not observed: exit 3" "exited 3," in_script expect_outcome_exit 3 "$json"
expect_failure "a MUST row not observed, exit 0: fails" "call for 3" in_script expect_outcome_exit 0 "$json"

results "$json" conformant 0 must:passed must:skipped:not-applicable should:failed may:skipped:not-observed
expect_success "control: MUST rows passed or not applicable, SHOULD failed: exit 0" "exited 0," \
  in_script expect_outcome_exit 0 "$json"
expect_failure "conformant rows, exit 1: fails" "exited 1; its MUST rows call for 0" in_script expect_outcome_exit 1 "$json"

results "$json" conformant 0 must:failed
expect_failure "the results' outcome disagrees with their MUST rows: fails" "FAIL: ra2 run's results say outcome conformant; its MUST rows call for not-conformant" \
  in_script expect_outcome_exit 1 "$json"
results "$json" not-conformant 0 must:failed
expect_failure "the results' exitCode disagrees with their MUST rows: fails" "FAIL: ra2 run's results say exitCode 0; its MUST rows call for 1" \
  in_script expect_outcome_exit 1 "$json"

for code in 2 4 130; do
  expect_failure "exit $code: fails, the run got to no outcome" "FAIL: ra2 run exited $code: it did not get to an outcome" \
    in_script expect_outcome_exit "$code" "$json"
done
expect_failure "no results file: fails" "FAIL: cannot read the outcome of ra2 run" \
  in_script expect_outcome_exit 0 "$STUBS/missing.json"
finish
