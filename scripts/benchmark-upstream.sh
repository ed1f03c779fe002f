#!/usr/bin/env bash
# Side by side with upstream e2e (issue #11): on one test bed cluster, in one run of this script,
# each question below is asked twice, of upstream's e2e.test (the bed's Kubernetes version, built
# from the k8s.io/kubernetes module by testbed/build-e2e-upstream.sh) focused on the specs a user
# would run for it, and of `ra2 run --focus` on the ids that answer it. Records in
# docs/benchmarks.md, per question: each side's wall time to its verdict (process start to exit,
# upstream's suite set-up and namespace deletion included, as a user waits for them), its
# verdicts, and the ratio. Then all the selected questions at once, one process each, as a user
# asking them all would: upstream's e2e.test serially (its default), upstream through the ginkgo
# CLI with RA2_BENCH_PROCS processes (default 6, ra2's default --parallel), and ra2's default run.
# Usage: scripts/benchmark-upstream.sh [BED [keep]]   BED: basic (default) or network-intensive;
#   keep leaves the bed up. RA2_BENCH_QUESTIONS picks questions by name (default: all but
#   loadbalancer, which needs a LoadBalancer implementation: the network-intensive bed has one).
set -euo pipefail
cd "$(dirname "$0")/.."
bed=${1:-basic}
keep=${2:-}
out=docs/benchmarks.md
work=$(mktemp -d /tmp/ra2-bench-upstream.XXXX)
# shellcheck source=../testbed/lib/common.sh
source testbed/lib/common.sh
log() { printf '[benchmark-upstream] %s\n' "$*" >&2; }

# name;ra2 ids;upstream focus (a regular expression on the spec's full text);what it asks
questions=(
  "networkpolicy;ra2.k8s.014,ra2.ntw.001;Netpol NetworkPolicy between server and client should (support a 'default-deny-ingress' policy|enforce policy to allow traffic from pods within server namespace based on PodSelector|stop enforcing policies after they are deleted);a deny-all ingress policy blocks, an allow rule by pod labels lets through, a deleted policy stops blocking"
  "dualstack;ra2.ch.007,ra2.k8s.010;IPv6DualStack\\] (should have ipv4 and ipv6 internal node ip|should create service with ipv4,v6 cluster ip|Granular Checks: Services Secondary IP Family \\[LinuxOnly\\] should function for pod-Service: http);nodes have both families, a dual-stack Service gets both ClusterIPs and answers on them"
  "nodeport;ra2.k8s.017;\\[sig-network\\] Services should be able to create a functioning NodePort service;a NodePort Service answers on the nodes' addresses"
  "externalname;ra2.k8s.018;\\[sig-network\\] DNS should provide DNS for ExternalName services;cluster DNS answers an ExternalName Service as a CNAME"
  "loadbalancer;ra2.k8s.015;\\[sig-network\\] LoadBalancers .*should be able to create LoadBalancer Service without NodePort and change it;a LoadBalancer Service gets an address that answers"
  "pvc;ra2.stg.007;\\[sig-storage\\] PVC Protection Verify that PVC in active use by a pod is not removed immediately;a claim of the default StorageClass binds and a pod runs on it"
  "emptydir;ra2.stg.002;\\[sig-storage\\] EmptyDir volumes pod should support shared volumes between containers;two containers share an emptyDir"
)
selected=${RA2_BENCH_QUESTIONS:-networkpolicy dualstack nodeport externalname pvc emptydir}

npm run --silent build
e2e=$(testbed/build-e2e-upstream.sh)
testbed/cluster.sh up "$bed"
kubeconfig=$(testbed/cluster.sh kubeconfig "$bed")

# Upstream's specs ask for busybox and jessie-dnsutils, which no registry here serves: the bed's
# agnhost-base (a busybox userland with dig) stands in under their names, on the bed's nodes only.
for standin in "registry.k8s.io/e2e-test-images/busybox:1.37.0-1" \
  "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7"; do
  docker tag "$IMAGE_PREFIX/agnhost-base:$DEBIAN_SUITE" "$standin"
  kind load docker-image --name "ra2-$bed" "$standin" >/dev/null
done

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }'; }

procs=${RA2_BENCH_PROCS:-6}

# upstream NAME FOCUS [PROCS]: runs the focused specs, serially as e2e.test does by itself or, with
# PROCS, through the ginkgo CLI in that many processes; prints "seconds passed failed skipped"
# (skipped: focused specs that skipped themselves, e.g. for want of a provider).
upstream() {
  local name=$1 focus=$2 parallel=${3:-} dir="$work/upstream-$1" t0 rc=0
  local e2e_flags=(--kubeconfig "$kubeconfig" --kubectl-path "$KUBECTL_DIR/kubectl" --provider skeleton
    --report-dir "$dir")
  mkdir -p "$dir"
  t0=$(date +%s.%N)
  if [[ -n $parallel ]]; then
    "$(dirname "$e2e")/ginkgo" --procs "$parallel" --focus "$focus" --no-color --timeout 1h \
      "$e2e" -- "${e2e_flags[@]}" > "$dir/run.log" 2>&1 || rc=$?
  else
    "$e2e" "${e2e_flags[@]}" --ginkgo.focus "$focus" --ginkgo.no-color --ginkgo.timeout 1h \
      > "$dir/run.log" 2>&1 || rc=$?
  fi
  local took; took=$(seconds_since "$t0")
  # Ginkgo prints "Will run N of M specs" (the focused ones; "Ran N of M Specs" at the end of a
  # parallel run) and, at the end, "P Passed | F Failed"; a focused spec that skipped itself is in neither.
  local focused passed failed
  focused=$(grep -oE '(Will run|Ran) [0-9]+ of' "$dir/run.log" | head -1 | grep -oE '[0-9]+')
  passed=$(grep -oE '[0-9]+ Passed' "$dir/run.log" | tail -1 | cut -d' ' -f1)
  failed=$(grep -oE '[0-9]+ Failed' "$dir/run.log" | tail -1 | cut -d' ' -f1)
  [[ -n $focused && -n $passed ]] \
    || { log "$name: upstream printed no summary (exit $rc): $(tail -3 "$dir/run.log")"; return 1; }
  (( focused > 0 )) || { log "$name: the focus matched no upstream spec"; return 1; }
  printf '%s %s %s %s\n' "$took" "$passed" "${failed:-0}" "$((focused - passed - ${failed:-0}))"
}

# ra2side NAME IDS: prints "seconds verdicts" (verdicts "id~status,~id~status": one word for read).
ra2side() {
  local name=$1 ids=$2 t0 rc=0
  t0=$(date +%s.%N)
  node dist/cli/ra2/main.js run --kubeconfig "$kubeconfig" --focus "$ids" \
    --json "$work/ra2-$name.json" > "$work/ra2-$name.log" 2>&1 || rc=$?
  local took; took=$(seconds_since "$t0")
  (( rc <= 1 )) || { log "$name: ra2 run exited $rc: $(tail -3 "$work/ra2-$name.log")"; return 1; }
  printf '%s %s\n' "$took" \
    "$(jq -r '[.results[] | "\(.id) \(.status)"] | join(", ")' "$work/ra2-$name.json" | tr ' ' '~')"
}

ratio() { awk -v u="$1" -v r="$2" 'BEGIN { printf "%.1f", u / (r > 0 ? r : 1) }'; }

rows=()
total_up=0 total_ra2=0
all_focus=() all_ids=() all_names=()
for q in "${questions[@]}"; do
  IFS=';' read -r name ids focus asks <<<"$q"
  [[ " $selected " == *" $name "* ]] || continue
  all_focus+=("($focus)") all_ids+=("$ids") all_names+=("$name")
  log "$name: upstream e2e.test"
  line=$(upstream "$name" "$focus")
  read -r up_s up_pass up_fail up_skip <<<"$line"
  log "$name: upstream ${up_s}s, ${up_pass} passed, ${up_fail} failed, ${up_skip} skipped"
  log "$name: ra2 run --focus $ids"
  line=$(ra2side "$name" "$ids")
  read -r ra2_s ra2_verdicts <<<"$line"
  log "$name: ra2 ${ra2_s}s: ${ra2_verdicts//\~/ }"
  total_up=$((total_up + up_s)) total_ra2=$((total_ra2 + ra2_s))
  rows+=("| $name: $asks | ${up_pass} passed, ${up_fail} failed, ${up_skip} skipped | ${up_s} s | ${ra2_verdicts//\~/ } | ${ra2_s} s | $(ratio "$up_s" "$ra2_s")× |")
done

# All the questions at once, one process per side.
joined_focus=$(IFS='|'; echo "${all_focus[*]}")
joined_ids=$(IFS=','; echo "${all_ids[*]}")
log "all at once: upstream e2e.test, serially"
line=$(upstream all-serial "$joined_focus")
read -r serial_s serial_pass serial_fail serial_skip <<<"$line"
log "all at once: upstream through ginkgo --procs $procs"
line=$(upstream all-parallel "$joined_focus" "$procs")
read -r par_s par_pass par_fail par_skip <<<"$line"
log "all at once: ra2 run --focus $joined_ids"
line=$(ra2side all "$joined_ids")
read -r all_s all_verdicts <<<"$line"
log "all at once: upstream ${serial_s}s serially, ${par_s}s in $procs processes; ra2 ${all_s}s"

{
  echo
  echo "## $(date -u +%Y-%m-%d): upstream e2e.test and ra2, side by side on the $bed bed, $(nproc) cores"
  echo
  echo "Measured by scripts/benchmark-upstream.sh: upstream's e2e.test $KUBERNETES_VERSION (built from"
  echo "its Go module, run serially as \`e2e.test --ginkgo.focus\` runs by default) and \`ra2 run --focus\`"
  echo "(default settings) one after the other on one cluster, each question in its own process; the"
  echo "time is the process's wall time to its exit. The focus of each question is in the script."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| question | upstream verdicts | upstream | ra2 verdicts | ra2 | upstream / ra2 |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo "| all of the above | | ${total_up} s | | ${total_ra2} s | $(ratio "$total_up" "$total_ra2")× |"
  echo
  echo "The same questions (${all_names[*]}) all at once, each side in one process:"
  echo
  echo "| run | verdicts | wall | its time / ra2's |"
  echo "|---|---|---|---|"
  echo "| upstream \`e2e.test --ginkgo.focus\`, serially (its default) | ${serial_pass} passed, ${serial_fail} failed, ${serial_skip} skipped | ${serial_s} s | $(ratio "$serial_s" "$all_s")× |"
  echo "| upstream through \`ginkgo --procs $procs\` | ${par_pass} passed, ${par_fail} failed, ${par_skip} skipped | ${par_s} s | $(ratio "$par_s" "$all_s")× |"
  echo "| \`ra2 run --focus\` (default settings) | ${all_verdicts//\~/ } | ${all_s} s | 1.0× |"
} >> "$out"
npx prettier --write "$out" >/dev/null   # the tables as lint expects them
log "recorded in $out (run files in $work)"
[[ $keep == keep ]] || testbed/cluster.sh down "$bed"
