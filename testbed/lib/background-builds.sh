# Sourced by testbed/run-e2e.sh (after lib/common.sh, for log and die).
# Builds that only later phases need run beside the earlier ones at the lowest CPU priority: on a
# cold machine the Sonobuoy CLI (basic's last step) and the network-intensive add-ons (the last
# phase) compile while the basic phase's clusters wait on pods and timeouts, instead of before it;
# the clusters' processes keep their priority. Warm, each build finds its cache and ends at once.
# run-e2e.sh brings some clusters up the same way (bring_up_beside): "building cluster-alpha-api".
# nice alone is not enough where the kernel groups tasks by session (sched_autogroup, on here): a
# task's nice orders it only within its session's group, and that group, at nice 0, gets the same
# share as the Docker cgroup that holds every cluster (a cold run's compilers showed "nice 0" in
# /proc/PID/autogroup). So each build gets a session of its own whose group is at nice 19 too
# (`setsid`, then /proc/self/autogroup); where the kernel has no autogroup, nice alone works.
declare -A builds=()
start_background_build() {
  local name=$1; shift
  ( exec setsid -w bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null || true; exec nice -n 19 "$@"' \
    background-build "$@" ) > >(sed -u "s/^/[$name] /") 2> >(sed -u "s/^/[$name] /" >&2) &
  builds[$name]=$!
  log "building $name beside the tests (nice 19, lines prefixed [$name])"
}
# await_background_build NAME: waits for it; when it failed, stops the caller with one line naming it.
await_background_build() {
  local t=$SECONDS
  wait "${builds[$1]}" || die "building $1 failed: see the lines prefixed [$1] above"
  unset "builds[$1]"
  log "$1 ready (waited $((SECONDS - t)) s for it)"
}
# A build that is still going when the run ends (a phase failed) is stopped with its compilers.
kill_tree() {
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
stop_background_builds() {
  local pid
  for pid in "${builds[@]}"; do kill_tree "$pid"; done
}
