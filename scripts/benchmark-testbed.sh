#!/usr/bin/env bash
# Measures the test bed and records the figures in docs/benchmarks.md (a dated section):
# warm rebuild, cluster-up and teardown of CLUSTER (median of RUNS), and the memory a
# running CLUSTER takes (host memory in use, sampled while up, minus the baseline).
# Usage: scripts/benchmark-testbed.sh [RUNS [CLUSTER]]   (CLUSTER: basic by default, or
# network-intensive, whose up includes its add-ons; a cold build is measured by RA2_BENCH_COLD=1,
# which builds into an empty cache directory: expect 30-60 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cluster=${2:-basic}
build() { testbed/build-all.sh && if [[ $cluster == network-intensive ]]; then testbed/build-ni.sh; fi; }
out=docs/benchmarks.md
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
used_mb() { free -m | awk '/^Mem:/ {print $3}'; }

cold=""
if [[ -n "${RA2_BENCH_COLD:-}" ]]; then
  cache=$(mktemp -d /var/tmp/ra2-bench-cache.XXXX)
  t0=$(now); RA2_TESTBED_CACHE=$cache GOCACHE=$cache/go-build RA2_REBUILD=1 testbed/build-all.sh; t1=$(now)
  cold=$(secs "$t0" "$t1"); rm -rf "$cache"
fi

t0=$(now); build >/dev/null 2>&1; t1=$(now); warm=$(secs "$t0" "$t1")
testbed/cluster.sh down "$cluster" >/dev/null 2>&1
baseline=$(used_mb)
ups=() downs=() peak=0
for i in $(seq "$runs"); do
  t0=$(now); testbed/cluster.sh up "$cluster" >/dev/null 2>&1; t1=$(now); ups+=("$(secs "$t0" "$t1")")
  for _ in $(seq 12); do m=$(used_mb); (( m > peak )) && peak=$m; sleep 5; done
  t0=$(now); testbed/cluster.sh down "$cluster" >/dev/null 2>&1; t1=$(now); downs+=("$(secs "$t0" "$t1")")
done
up_median=$(printf '%s\n' "${ups[@]}" | median)
down_median=$(printf '%s\n' "${downs[@]}" | median)
{
  echo
  echo "## $(date -u +%Y-%m-%d): $cluster on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB ($(uname -r))"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  [[ -n "$cold" ]] && echo "| cold build (empty cache, build-all.sh) | ${cold} s |"
  echo "| warm rebuild (build-all.sh$([[ $cluster == network-intensive ]] && echo ' and build-ni.sh'), everything cached) | ${warm} s |"
  echo "| $cluster up (cluster.sh up: nodes Ready, kube-system Running, add-ons installed), median of $runs | ${up_median} s (runs: ${ups[*]}) |"
  echo "| $cluster teardown, median of $runs | ${down_median} s (runs: ${downs[*]}) |"
  echo "| host memory in use by a running $cluster (peak while up, minus the baseline of ${baseline} MiB) | $((peak - baseline)) MiB |"
} >> "$out"
echo "recorded in $out"
