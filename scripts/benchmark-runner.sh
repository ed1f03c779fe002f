#!/usr/bin/env bash
# Measures the runner on a full catalog run, as the repository runs it (dist/ with node_modules/)
# and as the plugin image runs it (scripts/bundle.mjs's bundle, from a directory with no
# node_modules/ above it), one after the other on the same cluster: wall time, peak RSS
# (/usr/bin/time -v) and the statuses, which must be the same row by row. Appends a dated
# section to docs/benchmarks.md.
# Usage: scripts/benchmark-runner.sh [KUBECONFIG [RA2 RUN FLAGS...]]
#   (KUBECONFIG: .testbed/ra2-basic.kubeconfig by default, e.g. after testbed/cluster.sh up basic)
set -euo pipefail
cd "$(dirname "$0")/.."
die() { printf 'benchmark-runner: %s\n' "$*" >&2; exit 1; }
kubeconfig=${1:-.testbed/ra2-basic.kubeconfig}
shift || true
[ -f "$kubeconfig" ] || die "no kubeconfig at $kubeconfig (testbed/cluster.sh up basic makes one)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time)"
[ -f dist/cli/ra2/main.js ] || die "dist/ is not built (npm run build)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The image's /app: package.json, catalog/releases/ and the bundle's dist/.
app=$work/app
mkdir -p "$app/catalog"
cp package.json "$app/"
cp -r catalog/releases "$app/catalog/"
node scripts/bundle.mjs "$work/bundle" 2>/dev/null
mv "$work/bundle/dist" "$app/dist"

# measure NAME MAIN: one full run; prints "wall_s rss_kb exit".
measure() {
  local name=$1 main=$2 code=0
  shift 2
  /usr/bin/time -v -o "$work/$name.time" node "$main" run --kubeconfig "$kubeconfig" "$@" \
    --json "$work/$name.json" >"$work/$name.log" 2>&1 || code=$?
  case $code in 0 | 1 | 3) ;; *) die "$name: ra2 run exited $code: $(tail -2 "$work/$name.log")" ;; esac
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.0f", s}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  echo "$wall $rss $code"
}
flags=("$@")
read -r dist_wall dist_rss dist_code < <(measure dist dist/cli/ra2/main.js "${flags[@]}")
read -r bundle_wall bundle_rss bundle_code < <(measure bundle "$app/dist/cli/ra2/main.js" "${flags[@]}")

counts() { node -p "const r = require('$1').results; ['passed','failed','skipped','error'].map((s) => r.filter((x) => x.status === s).length + ' ' + s).join(', ')"; }
same=$(node -p "
  const a = require('$work/dist.json').results, b = new Map(require('$work/bundle.json').results.map((r) => [r.id, r.status]));
  const diff = a.filter((r) => b.get(r.id) !== r.status).map((r) => r.id + ' ' + r.status + '/' + b.get(r.id));
  diff.length ? 'differ: ' + diff.join(', ') : 'the same on all ' + a.length + ' rows'")

{
  echo
  echo "## $(date -u +%Y-%m-%d): the runner on a full run, dist/ and the image's bundle ($(nproc) cores)"
  echo
  echo "scripts/benchmark-runner.sh on $(kubectl --kubeconfig "$kubeconfig" config current-context 2>/dev/null || echo "$kubeconfig"), flags: ${flags[*]:-(defaults)}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| program | wall | peak RSS | exit | statuses |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| dist/ with node_modules/ | $dist_wall s | $((dist_rss / 1024)) MiB | $dist_code | $(counts "$work/dist.json") |"
  echo "| the image's bundle | $bundle_wall s | $((bundle_rss / 1024)) MiB | $bundle_code | $(counts "$work/bundle.json") |"
  echo
  echo "Statuses row by row: $same."
} >>docs/benchmarks.md
npx prettier --write docs/benchmarks.md >/dev/null
echo "benchmark-runner: dist ${dist_wall}s $((dist_rss / 1024)) MiB, bundle ${bundle_wall}s $((bundle_rss / 1024)) MiB; statuses $same"
