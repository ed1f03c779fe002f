#!/usr/bin/env bash
# Measures the suite against the scale bed (kind-configs/scale.yaml: 3 real nodes + KWOK's simulated
# fleet) and records the figures in docs/benchmarks.md (a dated section):
#  - the inspect-only rows (`ra2 list` kind "inspect"): wall time, runner peak RSS, no row in error;
#  - a full run: wall time, runner peak RSS, rows in error, and every node a probe pod was bound to
#    (watched from the API while the run goes), which must all be real nodes.
# Usage: scripts/benchmark-scale.sh [KEEP]   (KEEP=keep leaves the bed up afterwards)
# The bed is brought up if it is not (cluster.sh up scale: about 10 min warm on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks.md
work=$(mktemp -d /tmp/ra2-bench-scale.XXXX)
ra2() { node dist/cli/ra2/main.js "$@"; }
log() { printf '[benchmark-scale] %s\n' "$*" >&2; }

npm run --silent build
testbed/cluster.sh up scale
kubeconfig=$(testbed/cluster.sh kubeconfig scale)
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
nodes=$(kc get nodes --no-headers | wc -l)
simulated=$(kc get nodes -l type=kwok --no-headers | wc -l)
pods=$(kc get pods -A --no-headers | wc -l)
log "bed: $nodes nodes ($simulated simulated), $pods pods"

# run NAME ARGS...: one ra2 run under GNU time; prints "seconds peak_kib rows_in_error".
run() {
  local name=$1; shift
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$work/$name.time" node dist/cli/ra2/main.js run --kubeconfig "$kubeconfig" \
    --json "$work/$name.json" "$@" > "$work/$name.log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  (( rc <= 1 )) || { log "$name: ra2 run exited $rc: $(tail -3 "$work/$name.log")"; return 1; }
  printf '%s %s %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')" \
    "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")" \
    "$(jq '[.results[] | select(.status == "error")] | length' "$work/$name.json")"
}

inspect_ids=$(ra2 list | awk -F'\t' '/^\[ra2\./ && $2 ~ /^inspect/ { print substr($1, 2, index($1, "]") - 2) }' | paste -sd, -)
read -r inspect_s inspect_kib inspect_errors < <(run inspect --focus "$inspect_ids")
log "inspect-only: ${inspect_s}s, peak ${inspect_kib} KiB, ${inspect_errors} in error"

# Every node a probe pod of the full run is bound to, seen from the API while the run goes.
kc get pods -A -l app.kubernetes.io/managed-by=ra2-conformance --watch -o jsonpath='{.spec.nodeName}{"\n"}' \
  > "$work/probe-nodes" 2>/dev/null &
watcher=$!
read -r full_s full_kib full_errors < <(run full)
kill "$watcher" 2>/dev/null || true
probe_nodes=$(sort -u "$work/probe-nodes" | grep -v '^$' | paste -sd' ' -)
on_simulated=$(sort -u "$work/probe-nodes" | grep -c '^sim-node-' || true)
log "full: ${full_s}s, peak ${full_kib} KiB, ${full_errors} in error; probe pods on: $probe_nodes"
{
  echo
  echo "## $(date -u +%Y-%m-%d): scale bed ($nodes nodes, $simulated simulated by KWOK; $pods pods) on $(nproc) cores"
  echo
  echo "Measured by scripts/benchmark-scale.sh; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| inspect-only rows ($(tr ',' '\n' <<<"$inspect_ids" | wc -l) ids), wall | ${inspect_s} s |"
  echo "| inspect-only rows, runner peak RSS | $((inspect_kib / 1024)) MiB |"
  echo "| inspect-only rows in error | ${inspect_errors} |"
  echo "| full run (default settings), wall | ${full_s} s |"
  echo "| full run, runner peak RSS | $((full_kib / 1024)) MiB |"
  echo "| full run rows in error | ${full_errors} |"
  echo "| nodes probe pods were bound to | ${probe_nodes:-none} (${on_simulated} simulated) |"
} >> "$out"
log "recorded in $out (run files in $work)"
[[ "${1:-}" == keep ]] || testbed/cluster.sh down scale
