#!/usr/bin/env bash
# End-to-end test of the Sonobuoy plugin on a live cluster. Exits non-zero,
# saying why, when any of these does not hold:
#   1. `sonobuoy run --plugin sonobuoy/ra2.yaml --wait` completes and its results
#      list each selected catalog row exactly once;
#   2. `sonobuoy delete --wait` leaves no namespace and no cluster-scoped object
#      labelled app.kubernetes.io/managed-by=ra2-conformance by the plugin's run
#      (ra2.anuket.io/run=<its run id>, read from its results; other runs' objects,
#      e.g. of tests running at the same time on the cluster, are only listed);
#   3. `ra2 run` with the same options but one check at a time (--parallel 1;
#      the plugin runs its checks concurrently, RA2_PARALLEL's default), from
#      this machine (or the one RA2_E2E_SERIAL_RESULTS hands over), gives every row
#      the same status, so concurrency is shown
#      not to change a verdict (JUnit terms: passed, failed, skipped; a SHOULD or MAY failure
#      is a skip for Sonobuoy), and exits with the outcome its results call for:
#      1 when a MUST row failed, else 3 when a MUST row was not observed, else 0,
#      the same outcome as the plugin's;
#   4. `sonobuoy results --mode detailed` shows a reason for every skipped row (in
#      system-out: Sonobuoy drops the JUnit skip message), and the tarball holds the
#      HTML report;
#   5. `ra2 results TARBALL` prints the outcome the plugin's ra2-results.json says,
#      last, and exits with its exit code.
#
#   scripts/sonobuoy-e2e.sh KUBECONFIG [RA2_KEY=VALUE ...]
#   scripts/sonobuoy-e2e.sh .testbed/ra2-basic.kubeconfig RA2_PROFILE=basic RA2_FOCUS='ra2.k8s.*'
#
# The images must be where the cluster's nodes find them (a registry, or
# `kind load docker-image`; set RA2_E2E_KIND_CLUSTER=NAME to have this script
# load them into that kind cluster). Environment:
#   SONOBUOY             sonobuoy binary (default: the one scripts/build-sonobuoy.sh builds, else PATH)
#   SONOBUOY_IMAGE       aggregator/worker image (default docker.io/sonobuoy/sonobuoy:v0.57.3)
#   RA2_PLUGIN_IMAGE     the plugin image (default: the manifest's)
#   RA2_E2E_WAIT_MINUTES sonobuoy run --wait (default 90)
#   RA2_E2E_KEEP=DIR     keep the results and logs in DIR
#   RA2_E2E_SERIAL_RESULTS=FILE  the JSON results of a `ra2 run --parallel 1` made on this cluster
#                        just before, with the same options: compared instead of running one
#                        here (run-e2e.sh hands over its basic e2e full run); its exit code is
#                        the one its test checked, and its options must be the plugin's
# Every kubectl the checks rely on must answer: a failing or silent one fails the script (never
# "nothing left"). Sourcing the script defines its functions without running it (test/scripts/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[sonobuoy-e2e] %s\n' "$*" >&2; }
die() { printf 'sonobuoy-e2e: FAIL: %s\n' "$*" >&2; exit 1; }

RA2=(node "$ROOT/dist/cli/ra2/main.js")
LABEL=app.kubernetes.io/managed-by=ra2-conformance

# kube ARGS...: kubectl's output; a failing kubectl ends the script, naming the command and its error.
kube() {
  local out err
  err=$(mktemp)
  if ! out=$(kubectl "$@" 2>"$err"); then
    local cause; cause=$(tr '\n' ' ' <"$err"); rm -f "$err"
    die "kubectl $* failed: ${cause:-no error message}"
  fi
  rm -f "$err"
  [ -z "$out" ] || printf '%s\n' "$out"
}

# --- leftovers: namespaces and cluster-scoped objects with the suite's labels ---
# Fails (non-zero, the cause on stderr) when kubectl fails or lists no cluster-scoped kind at all.
leftovers() { # SELECTOR
  local kinds kind
  kube get namespaces -l "$1" -o name
  kinds=$(kube api-resources --namespaced=false --verbs=list -o name) || exit 1
  [ -n "$kinds" ] || die "kubectl api-resources lists no cluster-scoped resource: cannot look for leftovers"
  for kind in $kinds; do
    [ "$kind" = namespaces ] && continue
    kube get "$kind" -l "$1" -o name
  done
}
# Namespaces end asynchronously; give finalisation a while before calling them leftovers.
expect_no_leftovers() { # WHEN RUN_ID
  local when=$1 selector="$LABEL,ra2.anuket.io/run=$2" found others
  local deadline=$((SECONDS + ${RA2_E2E_LEFTOVER_SECONDS:-240}))
  while :; do
    found=$(leftovers "$selector") || exit 1
    [ -z "$found" ] && break
    [ $SECONDS -ge $deadline ] && die "left behind $when by run $2: $(echo "$found" | tr '\n' ' ')"
    sleep 5
  done
  log "nothing of run $2 left $when"
  others=$(leftovers "$LABEL") || exit 1
  [ -z "$others" ] || log "note: objects of other runs exist: $(echo "$others" | tr '\n' ' ')"
}

# expect_outcome_exit CODE RESULTS_JSON: ra2 run's exit CODE is the one its own results call for,
# worked out here from the MUST rows (not read from the suite): 1 when one failed, else 3 when one
# was not observed (skipped other than as not applicable, in error, interrupted, no check yet),
# else 0; and the JSON's `outcome` and `exitCode` say the same. 2 (usage, environment, an
# interrupted run) or any other code fails.
expect_outcome_exit() {
  local code=$1 json=$2 problem
  case "$code" in 0 | 1 | 3) ;; *) die "ra2 run exited $code: it did not get to an outcome" ;; esac
  problem=$(node - "$json" "$code" <<'EOF'
const fs = require('node:fs');
const [file, code] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const must = report.results.filter((r) => r.level === 'must');
const notObserved = (r) =>
  r.status === 'error' || r.status === 'not-implemented' ||
  (r.status === 'skipped' && (r.interruption != null || r.applicability !== 'not-applicable'));
const outcome = must.some((r) => r.status === 'failed') ? 'not-conformant'
  : must.some(notObserved) ? 'incomplete' : 'conformant';
const exit = { conformant: 0, 'not-conformant': 1, incomplete: 3 }[outcome];
const problems = [];
if (Number(code) !== exit) problems.push(`ra2 run exited ${code}; its MUST rows call for ${exit} (${outcome})`);
if (report.outcome !== outcome) problems.push(`ra2 run's results say outcome ${report.outcome}; its MUST rows call for ${outcome}`);
if (report.exitCode !== exit) problems.push(`ra2 run's results say exitCode ${report.exitCode}; its MUST rows call for ${exit}`);
console.log(problems.join('; '));
EOF
  ) || die "cannot read the outcome of ra2 run from $json"
  [ -z "$problem" ] || die "$problem"
  log "ra2 run exited $code, the exit its MUST rows call for"
}

# expect_skip_reasons DETAILED_JSONL: every row `sonobuoy results --mode detailed` calls skipped
# says why. Sonobuoy (v0.57.3, pkg/client/results/junit.go) drops the JUnit <skipped message=...>
# and the properties and keeps <system-out>, which the plugin opens with "level: ...", "kind: ..."
# and "skipped, not applicable: REASON" or "skipped, not observed: REASON"; a SHOULD/MAY failure,
# written as a skip, with "SHOULD-level failure: ..." and its "observed: ...". A skipped row
# without such lines, or no rows at all, fails.
expect_skip_reasons() {
  local problem
  problem=$(node - "$1" <<'EOF'
const fs = require('node:fs');
const items = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const says = (text, pattern) => pattern.test(text ?? '');
const reasonOf = (item) => {
  const out = item.details?.['system-out'];
  if (says(out, /^skipped, (not applicable|not observed): \S/m)) return true;
  if (says(out, /^(SHOULD|MAY)-level failure: /m) && says(out, /^observed: \S/m)) return true;
  return says(item.details?.skipped, /\S/); // should a later Sonobuoy keep the skip message
};
const skipped = items.filter((item) => item.status === 'skipped');
const without = skipped.filter((item) => !reasonOf(item)).map((item) => item.name);
if (items.length === 0) console.log('sonobuoy shows no results at all');
else if (without.length) console.log(`${without.length} of ${skipped.length} skipped rows show no reason in sonobuoy's detailed results: ${without.join(', ')}`);
else console.error(`[sonobuoy-e2e] all ${skipped.length} skipped rows of sonobuoy's detailed results say why (system-out)`);
EOF
  ) || die "cannot read sonobuoy's detailed results $1"
  [ -z "$problem" ] || die "$problem"
}

# expect_ra2_results TARBALL RESULTS_JSON: `ra2 results TARBALL` ends with the outcome the
# plugin's results JSON says and exits with its exitCode.
expect_ra2_results() {
  local tarball=$1 json=$2 want outcome exit out code last
  want=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.outcome} ${r.exitCode}`)' "$json") ||
    die "cannot read the outcome of the plugin's results $json"
  read -r outcome exit <<<"$want"
  out=$("${RA2[@]}" results "$tarball" 2>&1) && code=0 || code=$?
  last=$(tail -n 1 <<<"$out")
  [ "$code" = "$exit" ] ||
    die "ra2 results exited $code; the plugin's results say outcome $outcome, exitCode $exit (ra2 results: $last)"
  [[ $last == "Outcome: $outcome (exit $exit): "* ]] ||
    die "ra2 results ends with '$last'; the plugin's results say outcome $outcome (exit $exit)"
  log "ra2 results: outcome $outcome, exit $code, as the plugin's results say"
}

# outcome_of RESULTS_JSON: the run's outcome, as its results say.
outcome_of() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).outcome)' "$1"; }

# expect_same_outcome PLUGIN_JSON RA2_JSON: the plugin and ra2 run came to the same outcome.
expect_same_outcome() {
  local plugin direct
  plugin=$(outcome_of "$1") || die "cannot read the outcome of $1"
  direct=$(outcome_of "$2") || die "cannot read the outcome of $2"
  [ "$plugin" = "$direct" ] || die "the plugin's outcome is $plugin, ra2 run's is $direct"
  log "the plugin and ra2 run agree: outcome $plugin"
}

# expect_same_rows DETAILED PLUGIN_JSON RA2_JSON CATALOG SELECTION: every row has the status in
# Sonobuoy's detailed results that ra2 run gives it. A mismatch names both sides' own status (error
# apart from failed) and message, from the plugin's ra2-results.json and ra2 run's JSON.
expect_same_rows() {
  node - "$@" <<'EOF'
const fs = require('node:fs');
const [detailedFile, pluginFile, ra2File, catalogFile, selection] = process.argv.slice(2);
const problems = [];
const junitStatus = { passed: 'passed', failed: 'failed', error: 'failed', skipped: 'skipped', 'not-implemented': 'skipped' };

const sonobuoy = new Map();
for (const line of fs.readFileSync(detailedFile, 'utf8').split('\n').filter(Boolean)) {
  const item = JSON.parse(line);
  const id = /^\[(ra2\.[^\]]+)\]/.exec(item.name ?? '')?.[1];
  if (!id) { problems.push(`sonobuoy result without an ra2 id: ${item.name}`); continue; }
  if (sonobuoy.has(id)) problems.push(`${id} listed twice by sonobuoy`);
  sonobuoy.set(id, { status: item.status, message: item.details?.['failure'] ?? item.details?.['skipped'] ?? '' });
}
const ra2 = JSON.parse(fs.readFileSync(ra2File, 'utf8'));
// The plugin's own JSON tells an error from a failure, which Sonobuoy's JUnit status does not.
const plugin = new Map(JSON.parse(fs.readFileSync(pluginFile, 'utf8')).results.map((r) => [r.id, r]));
const side = (r) => (r ? `${r.status}: ${String(r.message ?? '').slice(0, 600)}` : 'no row');
// The plugin writes a SHOULD or MAY failure (blocking=false) as a skip, so Sonobuoy does not call it failed.
const sonobuoyStatus = (r) => (r.status === 'failed' && !r.blocking ? 'skipped' : junitStatus[r.status]);
const expected = new Map(ra2.results.map((r) => [r.id, { status: sonobuoyStatus(r), row: r }]));
// `ra2 list`: one "[id] title [LEVEL]\tkind" line per row, each maybe followed by "  observes: ..."
const catalog = fs.readFileSync(catalogFile, 'utf8').split('\n').flatMap((l) => /^\[([^\]]+)\]/.exec(l)?.[1] ?? []);

if (selection === 'whole-catalog' && sonobuoy.size !== catalog.length)
  problems.push(`sonobuoy lists ${sonobuoy.size} results; the catalog has ${catalog.length} rows`);
for (const id of expected.keys()) if (!sonobuoy.has(id)) problems.push(`${id}: missing from sonobuoy results`);
for (const id of sonobuoy.keys()) if (!expected.has(id)) problems.push(`${id}: in sonobuoy results but not in ra2 run`);
for (const [id, want] of expected) {
  const got = sonobuoy.get(id);
  if (!got) continue;
  if (got.status !== want.status) {
    problems.push(
      `${id}: sonobuoy ${got.status}, ra2 run ${want.status}\n    the plugin: ${side(plugin.get(id))}\n    ra2 run: ${side(want.row)}`,
    );
  }
}
const count = (s) => [...sonobuoy.values()].filter((v) => v.status === s).length;
console.error(`[sonobuoy-e2e] ${sonobuoy.size} results: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
if (problems.length) {
  console.error(`sonobuoy-e2e: FAIL:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.error('[sonobuoy-e2e] every row has the status ra2 run gives it');
EOF
}

# options_for RA2_KEY=VALUE...: the same options for the plugin (plugin_env: --plugin-env flags) and
# for ra2 run (ra2_flags); selection is some when a focus or skip leaves rows out.
options_for() {
  local kv key value name
  plugin_env=()
  ra2_flags=(--profile auto)
  selection=whole-catalog
  for kv in "$@"; do
    key=${kv%%=*}
    value=${kv#*=}
    [ "$key" != "$kv" ] || die "expected KEY=VALUE, got $kv"
    plugin_env+=(--plugin-env "ra2.$key=$value")
    case "$key" in
      RA2_PROFILE) ra2_flags+=(--profile "$value") ;;
      RA2_FOCUS) [ -z "$value" ] || { ra2_flags+=(--focus "$value"); selection=some; } ;;
      RA2_SKIP) [ -z "$value" ] || { ra2_flags+=(--skip "$value"); selection=some; } ;;
      RA2_DISRUPTIVE) case "$value" in true | 1 | yes) ra2_flags+=(--disruptive) ;; esac ;;
      RA2_PROBE_IMAGE) ra2_flags+=(--probe-image "$value") ;;
      RA2_IMAGE_PREFIX) [ -z "$value" ] || ra2_flags+=(--image-prefix "$value") ;;
      RA2_TIMEOUT) ra2_flags+=(--timeout "$value") ;;
      RA2_PARALLEL) ;; # the plugin's only: ra2 run below is always serial
      RA2_RELEASE) ra2_flags+=(--release "$value") ;;
      RA2_TIMEOUT_*) # RA2_TIMEOUT_LOAD_BALANCER=20s -> --wait load-balancer=20s
        name=${key#RA2_TIMEOUT_}
        name=${name//_/-}
        ra2_flags+=(--wait "${name,,}=$value") ;;
      RA2_DEADLINE) ;; # plugin-only (the CLI has no whole-run deadline)
      *) die "unknown key $key (docs/sonobuoy.md lists the keys)" ;;
    esac
  done
}

# expect_serial_run_of_same_options PLUGIN_JSON RA2_JSON: RA2_JSON's run took one check at a time
# and was told what the plugin was (profile, selection, release, waits, images), so the two may be
# compared row by row.
expect_serial_run_of_same_options() {
  local problem
  problem=$(node - "$1" "$2" <<'EOF'
const fs = require('node:fs');
const [pluginFile, ra2File] = process.argv.slice(2);
const options = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).metadata?.options ?? {};
const plugin = options(pluginFile);
const ra2 = options(ra2File);
const fields = ['release', 'profile', 'focus', 'skip', 'disruptive', 'allNodes', 'timeouts', 'probeImage', 'imagePrefix'];
const problems = [];
if (ra2.parallel !== 1) problems.push(`it ran ${ra2.parallel ?? 'an unknown number of'} checks at once, not 1`);
for (const field of fields) {
  const [a, b] = [JSON.stringify(plugin[field] ?? null), JSON.stringify(ra2[field] ?? null)];
  if (a !== b) problems.push(`its ${field} is ${b}, the plugin's ${a}`);
}
console.log(problems.join('; '));
EOF
  ) || die "cannot read the options of $1 and $2"
  [ -z "$problem" ] || die "ra2 run's results in $2 cannot be compared with the plugin's: $problem"
  log "ra2 run's results in $2: one check at a time, the plugin's options"
}

# serial_run: `ra2 run` with ra2_flags, one check at a time (its output in $work/ra2-run.log, its
# results in $work/ra2.json); its exit and outcome are the ones its results call for, the plugin's
# outcome, and it leaves nothing behind.
serial_run() {
  local code=0 start=$SECONDS
  # Serial on purpose: the plugin ran its checks concurrently, so rows that
  # agree show that running checks at once changes no verdict.
  ra2_flags+=(--parallel 1)
  log "ra2 run ${ra2_flags[*]} (one check at a time; the plugin ran them concurrently)"
  "${RA2[@]}" run --kubeconfig "$KUBECONFIG_FILE" "${ra2_flags[@]}" --json "$work/ra2.json" >"$work/ra2-run.log" 2>&1 || code=$?
  log "ra2 run took $((SECONDS - start))s (exit $code)"
  case "$code" in 0 | 1 | 3) ;; *) die "ra2 run exited $code: $(tail -3 "$work/ra2-run.log")" ;; esac
  expect_outcome_exit "$code" "$work/ra2.json"
  expect_same_outcome "$results_json" "$work/ra2.json"
  ra2_run=$(node -p "require('$work/ra2.json').runId ?? ''")
  [ -n "$ra2_run" ] || die "$work/ra2.json names no runId: cannot look for the run's leftovers"
  expect_no_leftovers "after ra2 run" "$ra2_run"
}

main() {
  [ $# -ge 1 ] || { awk 'NR == 1 { next } /^#/ { print; next } { exit }' "$0" >&2; exit 2; }
  KUBECONFIG_FILE=$(readlink -f "$1")
  shift
  [ -f "$KUBECONFIG_FILE" ] || die "kubeconfig $KUBECONFIG_FILE does not exist"
  export KUBECONFIG="$KUBECONFIG_FILE"

  SONOBUOY_VERSION=v0.57.3
  SONOBUOY=${SONOBUOY:-/var/cache/ra2-testbed/sonobuoy-$SONOBUOY_VERSION/sonobuoy}
  [ -x "$SONOBUOY" ] || SONOBUOY=$(command -v sonobuoy) || die "no sonobuoy binary (scripts/build-sonobuoy.sh builds one)"
  SONOBUOY_IMAGE=${SONOBUOY_IMAGE:-docker.io/sonobuoy/sonobuoy:$SONOBUOY_VERSION}
  MANIFEST="$ROOT/sonobuoy/ra2.yaml"
  PLUGIN_IMAGE=${RA2_PLUGIN_IMAGE:-$(awk '$1 == "image:" {print $2; exit}' "$MANIFEST")}
  WAIT_MINUTES=${RA2_E2E_WAIT_MINUTES:-90}
  [ -f "$ROOT/dist/cli/ra2/main.js" ] || die "dist/ is not built (npm run build)"
  command -v kubectl >/dev/null || die "no kubectl on PATH (testbed/build-k8s-binaries.sh builds one)"

  work=${RA2_E2E_KEEP:-$(mktemp -d)}
  mkdir -p "$work"
  [ -n "${RA2_E2E_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

  options_for "$@"

  if [ -n "${RA2_E2E_KIND_CLUSTER:-}" ]; then
    log "kind load docker-image --name $RA2_E2E_KIND_CLUSTER $PLUGIN_IMAGE $SONOBUOY_IMAGE"
    kind load docker-image --name "$RA2_E2E_KIND_CLUSTER" "$PLUGIN_IMAGE" "$SONOBUOY_IMAGE" >&2
  fi

  if "$SONOBUOY" status >/dev/null 2>&1; then
    die "a Sonobuoy run already exists on this cluster; remove it first (sonobuoy delete --wait)"
  fi

  # --- 1. the plugin through Sonobuoy ------------------------------------------
  start=$SECONDS
  log "sonobuoy run --plugin sonobuoy/ra2.yaml ${plugin_env[*]} (wait up to ${WAIT_MINUTES}m)"
  run_ok=true
  "$SONOBUOY" run --plugin "$MANIFEST" "${plugin_env[@]}" \
    --plugin-image "ra2:$PLUGIN_IMAGE" \
    --sonobuoy-image "$SONOBUOY_IMAGE" --image-pull-policy IfNotPresent \
    --wait="$WAIT_MINUTES" --wait-output silent >&2 || run_ok=false
  "$SONOBUOY" status --json >"$work/status.json" 2>/dev/null || true
  log "sonobuoy run took $((SECONDS - start))s; status: $(cat "$work/status.json")"
  tarball=$(cd "$work" && "$SONOBUOY" retrieve 2>/dev/null) || tarball=
  if [ -z "$tarball" ] || [ ! -f "$work/$tarball" ]; then
    "$SONOBUOY" logs >"$work/sonobuoy.log" 2>&1 || true
    "$SONOBUOY" delete --wait >&2 || true
    die "sonobuoy retrieve gave no results (run ok: $run_ok); logs in $work/sonobuoy.log"
  fi
  "$SONOBUOY" results "$work/$tarball" --plugin ra2 >&2 || true
  "$SONOBUOY" results "$work/$tarball" --plugin ra2 --mode detailed >"$work/sonobuoy-detailed.jsonl"
  mkdir -p "$work/tarball"
  tar -xzf "$work/$tarball" -C "$work/tarball"
  results_json=$(find "$work/tarball/plugins/ra2" -name ra2-results.json | head -1)
  [ -n "$results_json" ] || die "the tarball has no plugins/ra2/.../ra2-results.json"
  [ -n "$(find "$work/tarball/plugins/ra2" -name ra2-report.html)" ] ||
    die "the tarball has no plugins/ra2/.../ra2-report.html"
  expect_skip_reasons "$work/sonobuoy-detailed.jsonl"
  expect_ra2_results "$work/$tarball" "$results_json"
  plugin_run=$(node -p "require('$results_json').runId ?? ''")
  [ -n "$plugin_run" ] || die "$results_json names no runId: cannot look for the plugin's leftovers"
  log "the plugin's run: $plugin_run"

  # --- 2. sonobuoy delete --wait leaves nothing of ours ----------------------------
  log "sonobuoy delete --wait"
  "$SONOBUOY" delete --wait >&2
  expect_no_leftovers "after sonobuoy delete --wait" "$plugin_run"

  # --- 3. ra2 run with the same options, one check at a time (or the one handed over) ---
  serial_results=${RA2_E2E_SERIAL_RESULTS:-}
  if [ -n "$serial_results" ]; then
    [ -f "$serial_results" ] || die "RA2_E2E_SERIAL_RESULTS=$serial_results does not exist"
    cp "$serial_results" "$work/ra2.json"
    expect_serial_run_of_same_options "$results_json" "$work/ra2.json"
    expect_same_outcome "$results_json" "$work/ra2.json"
  else
    serial_run
  fi

  # --- compare ----------------------------------------------------------------------
  "${RA2[@]}" list >"$work/catalog.tsv"
  expect_same_rows "$work/sonobuoy-detailed.jsonl" "$results_json" "$work/ra2.json" "$work/catalog.tsv" "$selection"
  log "PASS"
}

[[ "${BASH_SOURCE[0]}" != "$0" ]] || main "$@"
