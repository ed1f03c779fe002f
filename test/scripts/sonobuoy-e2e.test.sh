#!/usr/bin/env bash
# scripts/sonobuoy-e2e.sh: the leftover check never reads a failing or silent kubectl as "nothing left";
# ra2 run's exit code is the one its MUST rows call for (0, 1 or 3), never 2; every skipped row of
# sonobuoy's detailed results says why; `ra2 results` on the tarball gives the plugin's outcome and
# exit code; the plugin and ra2 run agree on the outcome and row by row, a mismatch naming both sides.
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

echo "scripts/sonobuoy-e2e.sh skipped rows in sonobuoy's detailed results"
detailed=$STUBS/detailed.jsonl
# item NAME STATUS SYSTEM_OUT: one line of `sonobuoy results --mode detailed` (SYSTEM_OUT may be empty).
item() {
  node -e 'const [name, status, out] = process.argv.slice(1);
    console.log(JSON.stringify({ name, status, details: out ? { "system-out": out } : {} }))' "$@"
}
{
  item "[ra2.k8s.001] Conformance [MUST]" passed "level: MUST
kind: inspect"
  item "[ra2.k8s.002] etcd [MUST]" skipped "level: MUST
kind: attest
skipped, not observed: no attestation for this row"
  item "[ra2.ch.001] Huge pages [MUST] [network-intensive]" skipped "level: MUST
kind: probe
skipped, not applicable: profile network-intensive only"
  item "[ra2.k8s.003] Scheduler [SHOULD]" skipped "level: SHOULD
kind: inspect
SHOULD-level failure: shown, does not fail the run
expected: two schedulers
observed: one"
} >"$detailed"
expect_success "control: every skipped row says why in system-out" "all 3 skipped rows .* say why" \
  in_script expect_skip_reasons "$detailed"
cp "$detailed" "$STUBS/bad.jsonl"
item "[ra2.k8s.004] Kubelet [MUST]" skipped "level: MUST
kind: inspect" >>"$STUBS/bad.jsonl"
item "[ra2.k8s.005] Kube-proxy [MUST]" skipped "" >>"$STUBS/bad.jsonl"
item "[ra2.k8s.006] RBAC [MUST]" skipped "skipped, not observed: " >>"$STUBS/bad.jsonl"
expect_failure "skipped rows with no reason: fails, naming each" \
  "FAIL: 3 of 6 skipped rows show no reason .*: \[ra2.k8s.004\] Kubelet \[MUST\], \[ra2.k8s.005\] Kube-proxy \[MUST\], \[ra2.k8s.006\]" \
  in_script expect_skip_reasons "$STUBS/bad.jsonl"
item "[ra2.k8s.003] Scheduler [SHOULD]" skipped "SHOULD-level failure: shown, does not fail the run" >"$STUBS/bad.jsonl"
expect_failure "a SHOULD failure as a skip without what was observed: fails" "FAIL: 1 of 1 skipped rows show no reason" \
  in_script expect_skip_reasons "$STUBS/bad.jsonl"
: >"$STUBS/empty.jsonl"
expect_failure "no results at all: fails" "FAIL: sonobuoy shows no results at all" in_script expect_skip_reasons "$STUBS/empty.jsonl"
expect_failure "no detailed results file: fails" "FAIL: cannot read sonobuoy's detailed results" \
  in_script expect_skip_reasons "$STUBS/missing.jsonl"

echo "scripts/sonobuoy-e2e.sh ra2 results on the tarball"
# with_ra2 FUNCTION ARGS...: the script's FUNCTION with `ra2` the stub on PATH (not dist/).
with_ra2() { ( source "$REPO/scripts/sonobuoy-e2e.sh"; RA2=(ra2); "$@" ); }
# The stub prints a summary that ends with OUTCOME_LINE and exits CODE.
stub ra2 'echo "Results of the Sonobuoy plugin in $2"; printf "%s\n" "${OUTCOME_LINE:-}"; exit "${CODE:-0}"'
results "$json" incomplete 3 must:skipped:not-observed
expect_success "control: ra2 results prints the plugin's outcome and exits its code" \
  "ra2 results: outcome incomplete, exit 3, as the plugin's results say" \
  env OUTCOME_LINE="Outcome: incomplete (exit 3): no MUST row failed" CODE=3 bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; RA2=(ra2); expect_ra2_results t.tar.gz '$json'"
expect_failure "ra2 results exits 0 where the plugin says 3: fails" \
  "FAIL: ra2 results exited 0; the plugin's results say outcome incomplete, exitCode 3" \
  env OUTCOME_LINE="Outcome: conformant (exit 0): every" CODE=0 bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; RA2=(ra2); expect_ra2_results t.tar.gz '$json'"
expect_failure "ra2 results prints another outcome: fails" \
  "FAIL: ra2 results ends with 'Outcome: not-conformant \(exit 3\): x'; the plugin's results say outcome incomplete \(exit 3\)" \
  env OUTCOME_LINE="Outcome: not-conformant (exit 3): x" CODE=3 bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; RA2=(ra2); expect_ra2_results t.tar.gz '$json'"
expect_failure "ra2 results cannot read the tarball (exit 2): fails with its line" \
  "FAIL: ra2 results exited 2; .*\(ra2 results: ra2: t.tar.gz holds no ra2 results\)" \
  env OUTCOME_LINE="ra2: t.tar.gz holds no ra2 results" CODE=2 bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; RA2=(ra2); expect_ra2_results t.tar.gz '$json'"
expect_failure "no plugin results JSON: fails" "FAIL: cannot read the outcome of the plugin's results" \
  with_ra2 expect_ra2_results t.tar.gz "$STUBS/missing.json"

echo "scripts/sonobuoy-e2e.sh the plugin's and ra2 run's outcomes"
results "$STUBS/plugin.json" incomplete 3 must:skipped:not-observed
results "$STUBS/direct.json" incomplete 3 must:error
expect_success "control: both incomplete" "agree: outcome incomplete" \
  in_script expect_same_outcome "$STUBS/plugin.json" "$STUBS/direct.json"
results "$STUBS/direct.json" not-conformant 1 must:failed
expect_failure "the plugin incomplete, ra2 run not-conformant: fails" \
  "FAIL: the plugin's outcome is incomplete, ra2 run's is not-conformant" \
  in_script expect_same_outcome "$STUBS/plugin.json" "$STUBS/direct.json"

echo "scripts/sonobuoy-e2e.sh the plugin's and ra2 run's rows"
# rows FILE ID:STATUS:MESSAGE...: a results JSON (MUST rows) with those rows.
rows() {
  local file=$1 row id status message out=(); shift
  for row in "$@"; do
    IFS=: read -r id status message <<<"$row"
    out+=("{\"id\":\"$id\",\"level\":\"MUST\",\"blocking\":true,\"status\":\"$status\",\"message\":\"$message\"}")
  done
  printf '{"results":[%s]}\n' "$(IFS=,; echo "${out[*]}")" >"$file"
}
printf '[ra2.a.1] one [MUST]\tprobe\n[ra2.a.2] two [MUST]\tprobe\n' >"$STUBS/catalog.tsv"
printf '%s\n' '{"name":"[ra2.a.1] one","status":"passed"}' \
  '{"name":"[ra2.a.2] two","status":"failed","details":{"failure":"timed out"}}' >"$STUBS/detailed.jsonl"
rows "$STUBS/plugin.json" "ra2.a.1:passed:seen" "ra2.a.2:error:the wait for pod client ran out"
rows "$STUBS/direct.json" "ra2.a.1:passed:seen" "ra2.a.2:error:the wait for pod client ran out"
expect_success "control: the same rows" "every row has the status ra2 run gives it" \
  in_script expect_same_rows "$STUBS/detailed.jsonl" "$STUBS/plugin.json" "$STUBS/direct.json" "$STUBS/catalog.tsv" whole-catalog
rows "$STUBS/direct.json" "ra2.a.1:passed:seen" "ra2.a.2:passed:the server saw the pod address"
expect_failure "an error in the plugin, a pass in ra2 run: fails naming both sides" \
  "the plugin: error: the wait for pod client ran out" \
  in_script expect_same_rows "$STUBS/detailed.jsonl" "$STUBS/plugin.json" "$STUBS/direct.json" "$STUBS/catalog.tsv" whole-catalog
expect_failure "… and ra2 run's side" "ra2 run: passed: the server saw the pod address" \
  in_script expect_same_rows "$STUBS/detailed.jsonl" "$STUBS/plugin.json" "$STUBS/direct.json" "$STUBS/catalog.tsv" whole-catalog

echo "scripts/sonobuoy-e2e.sh the same options for the plugin and ra2 run"
# show_options KEY=VALUE...: both sides of options_for, one line each.
show_options() { options_for "$@"; echo "plugin: ${plugin_env[*]}"; echo "ra2: ${ra2_flags[*]}"; echo "selection: $selection"; }
expect_success "a wait key becomes --wait for ra2 run, and stays a plugin key" \
  "^ra2: --profile auto --wait load-balancer=20s --wait service-endpoints=2m$" \
  in_script show_options RA2_TIMEOUT_LOAD_BALANCER=20s RA2_TIMEOUT_SERVICE_ENDPOINTS=2m
expect_success "the plugin gets the wait key as given" \
  "^plugin: --plugin-env ra2.RA2_TIMEOUT_LOAD_BALANCER=20s$" in_script show_options RA2_TIMEOUT_LOAD_BALANCER=20s
expect_success "a focus leaves rows out" "^selection: some$" in_script show_options RA2_FOCUS='ra2.k8s.*'
expect_failure "an unknown key: fails naming it" "FAIL: unknown key RA2_NOPE" in_script show_options RA2_NOPE=1

echo "scripts/sonobuoy-e2e.sh the serial ra2 run"
# serial_run_with CODE: serial_run with a stub ra2 that writes no results and exits CODE.
serial_run_with() {
  work=$(mktemp -d) KUBECONFIG_FILE=k ra2_flags=(--profile auto) RA2=(ra2)
  CODE=$1 serial_run
}
stub ra2 'echo "ra2 stub line"; exit "${CODE:-0}"'
expect_failure "a serial run that exits 2 fails, naming its exit and last line" \
  "FAIL: ra2 run exited 2: ra2 stub line" in_script serial_run_with 2
expect_failure "an exit 1 without results fails on the results, not as passed" \
  "FAIL: .*ra2.json" in_script serial_run_with 1

echo "scripts/sonobuoy-e2e.sh a serial run handed over"
# options_json FILE PARALLEL WAITS: results whose metadata records these options.
options_json() {
  printf '{"metadata":{"options":{"release":"r","profile":"auto","focus":[],"skip":[],"disruptive":false,"allNodes":false,"timeouts":%s,"parallel":%s,"probeImage":"agnhost"}}}\n' "$3" "$2" >"$1"
}
options_json "$STUBS/plugin-options.json" 6 '{"loadBalancer":20000}'
options_json "$STUBS/serial-options.json" 1 '{"loadBalancer":20000}'
expect_success "control: one check at a time, the plugin's options" "one check at a time, the plugin's options" \
  in_script expect_serial_run_of_same_options "$STUBS/plugin-options.json" "$STUBS/serial-options.json"
options_json "$STUBS/concurrent-options.json" 6 '{"loadBalancer":20000}'
expect_failure "a concurrent run handed over: fails" "cannot be compared .*: it ran 6 checks at once, not 1" \
  in_script expect_serial_run_of_same_options "$STUBS/plugin-options.json" "$STUBS/concurrent-options.json"
options_json "$STUBS/default-wait.json" 1 '{}'
expect_failure "a run with other waits: fails naming them" 'its timeouts is \{\}, the plugin.s \{"loadBalancer":20000\}' \
  in_script expect_serial_run_of_same_options "$STUBS/plugin-options.json" "$STUBS/default-wait.json"
finish
