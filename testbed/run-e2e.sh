#!/usr/bin/env bash
# The project's end-to-end tests. Each phase brings up the clusters it needs, runs its tests
# against them and takes them down again, also when a test fails.
#   basic:  test bed acceptance (verify-basic.sh), the suite's e2e tests (the alpha-API
#           cluster's one file first, then that cluster goes), and the Sonobuoy plugin e2e;
#   ha:     the HA test bed acceptance (etcd members, failover through dockerode);
#   network-intensive: its acceptance (verify-network-intensive.sh) and the suite's
#           network-intensive rows against it.
# RA2_E2E_PHASES selects phases (default: all of them); with RA2_E2E_REQUIRE_ALL_PHASES set (CI)
# a selection that leaves a phase out is refused. `run-e2e.sh --check-phases` only checks the selection.
# Every phase uses the kubectl the test bed builds (first on PATH, its version logged first).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/background-builds.sh"
REPO_DIR=$(cd "$TESTBED_DIR/.." && pwd)
cd "$REPO_DIR"
ALL_PHASES="basic ha network-intensive"
phases=${RA2_E2E_PHASES:-$ALL_PHASES}

# check_phases: at least one phase, each a known one, and all of them when RA2_E2E_REQUIRE_ALL_PHASES is set.
check_phases() {
  local p
  [[ -n ${phases//[[:space:]]/} ]] || die "RA2_E2E_PHASES='$phases' names no phase (phases: $ALL_PHASES)"
  for p in $phases; do
    [[ " $ALL_PHASES " == *" $p "* ]] || die "unknown phase '$p' in RA2_E2E_PHASES (phases: $ALL_PHASES)"
  done
  [[ -n "${RA2_E2E_REQUIRE_ALL_PHASES:-}" ]] || return 0
  for p in $ALL_PHASES; do
    [[ " ${phases//[[:space:]]/ } " == *" $p "* ]] \
      || die "RA2_E2E_PHASES='$phases' leaves out phase $p: CI runs every phase (unset RA2_E2E_PHASES)"
  done
}
check_phases
[[ "${1:-}" != --check-phases ]] || { log "phases: $phases"; exit 0; }
use_pinned_kubectl
up=()
# After a failed phase, one line per cluster still up: how many error lines kube-router logged and
# the newest (a policy verdict that flaked is first diagnosed from its aborted syncs). One line,
# because CI's log keeps only its tail, where the failed test's message must stay readable.
cni_errors() {
  local c kubeconfig lines
  for c in "${up[@]}"; do
    kubeconfig=$(kubeconfig_of "$c" 2>/dev/null) || continue
    lines=$(kubectl --kubeconfig "$kubeconfig" -n kube-system logs -l k8s-app=kube-router \
      --prefix --tail=-1 --request-timeout=20s 2>&1 | grep -E '\] E[0-9]{4} |Aborting' || true)
    log "kube-router on $c: $(grep -c . <<<"$lines") error line(s)${lines:+; newest: ${lines##*$'\n'}}"
  done
}
down_all() {
  local rc=$? c
  ((rc == 0)) || cni_errors || true
  stop_background_builds
  for c in "${up[@]}"; do "$TESTBED_DIR/cluster.sh" down "$c" || true; done
}
trap down_all EXIT
bring_up() { up+=("$1"); retry 2 "$TESTBED_DIR/cluster.sh" up "$1"; }
# bring_up_beside NAME: bring_up in the background, awaited with await_background_build cluster-NAME.
# The cluster's own processes run in its node containers at their usual priority: nice applies to
# kind and kubectl only. Not for the ha bed: Docker gives a container that starts again the
# network's first free address (measured), so had ha come up while basic held the first ones, the
# node its failover test restarts would come back, basic gone, under another address.
bring_up_beside() {
  up+=("$1")
  start_background_build "cluster-$1" bash -c 'source "$0"; retry 2 "$1" up "$2"' \
    "$TESTBED_DIR/lib/common.sh" "$TESTBED_DIR/cluster.sh" "$1"
}
kubeconfig_of() { "$TESTBED_DIR/cluster.sh" kubeconfig "$1"; }
phase() { log "=== phase $1 ==="; }

# Every phase starts from clusters made for it. A test bed cluster left by an earlier, killed run
# is removed first: restarted with the Docker engine, such a cluster shares the kind network with the
# new ones under addresses Docker handed out again (a CI run saw IPv6 pod traffic between basic's
# workers fail while a leftover network-intensive cluster was up).
remove_leftover_clusters() {
  local existing config name
  existing=$(kind get clusters 2>&1) || die "kind get clusters failed, so leftover clusters cannot be removed: $existing"
  for config in "$REPO_DIR"/kind-configs/*.yaml; do
    name=$(awk '/^name:/ {print $2; exit}' "$config")
    grep -qx -- "$name" <<<"$existing" || continue
    log "removing cluster $name, left by an earlier run"
    "$TESTBED_DIR/cluster.sh" down "$(basename "$config" .yaml)"
  done
}

run_basic_phase() {
  phase basic
  bring_up_beside alpha-api
  bring_up basic
  "$TESTBED_DIR/verify-basic.sh" basic
  # The alpha-API cluster serves one test file: it is taken down before the others run.
  npm run --silent build
  await_background_build cluster-alpha-api
  RA2_E2E_ALPHA_KUBECONFIG=$(kubeconfig_of alpha-api) npx mocha --config .mocharc.e2e-alpha.json
  "$TESTBED_DIR/cluster.sh" down alpha-api
  # test/e2e/: among them least-privilege.test.ts, the whole catalog under sonobuoy/rbac-least-privilege.yaml,
  # and run-basic.test.ts, the whole catalog one check at a time, whose results the Sonobuoy e2e reuses.
  local serial_json
  serial_json=$(mktemp --suffix=-serial-run.json)
  RA2_E2E_SERIAL_JSON=$serial_json RA2_E2E_KUBECONFIG=$(kubeconfig_of basic) \
    npx mocha --config .mocharc.e2e.json --ignore dist/test/e2e/alpha-api.test.js
  # The Sonobuoy plugin, run by a real `sonobuoy run`, with its images loaded into the cluster, and
  # compared row by row with that serial run. basic has no load-balancer implementation: ra2.k8s.015
  # fails the same after 20 s as after its default 90 s (the e2e's NO_LOAD_BALANCER_WAIT).
  await_background_build sonobuoy
  scripts/build-plugin-image.sh
  RA2_E2E_KIND_CLUSTER=ra2-basic RA2_E2E_SERIAL_RESULTS=$serial_json \
    scripts/sonobuoy-e2e.sh "$(kubeconfig_of basic)" RA2_TIMEOUT_LOAD_BALANCER=20s
  rm -f "$serial_json"
  "$TESTBED_DIR/cluster.sh" down basic
}

run_ha_phase() {
  phase ha
  bring_up ha
  npm run --silent build
  RA2_TESTBED_HA_KUBECONFIG=$(kubeconfig_of ha) npx mocha --config .mocharc.testbed.json
  "$TESTBED_DIR/cluster.sh" down ha
}

run_network-intensive_phase() {
  phase network-intensive
  await_background_build ni-add-ons
  bring_up network-intensive
  "$TESTBED_DIR/verify-network-intensive.sh" network-intensive
  RA2_E2E_NI_KUBECONFIG=$(kubeconfig_of network-intensive) npm run --silent test:network-intensive
  "$TESTBED_DIR/cluster.sh" down network-intensive
}

remove_leftover_clusters
[[ " $phases " != *" basic "* ]] || start_background_build sonobuoy scripts/build-sonobuoy.sh
[[ " $phases " != *" network-intensive "* ]] || start_background_build ni-add-ons "$TESTBED_DIR/build-ni.sh"
"$TESTBED_DIR/test-bad-states.sh"
for p in $phases; do "run_${p}_phase"; done
log "end-to-end tests passed: $phases"
