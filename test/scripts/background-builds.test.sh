#!/usr/bin/env bash
# testbed/lib/background-builds.sh: builds run beside the e2e phases. A failed one stops the phase
# that needs it with one line naming it; its output is prefixed; a run that ends stops what is left.
source "$(dirname "$0")/lib.sh"
echo "background builds (testbed/lib/background-builds.sh)"
in_runner() {
  bash -c "source '$REPO/testbed/lib/common.sh'; source '$REPO/testbed/lib/background-builds.sh'; $1"
}
expect_failure "a failed build stops its waiter, naming it" \
  "building ni-add-ons failed: see the lines prefixed \[ni-add-ons\]" \
  in_runner 'start_background_build ni-add-ons bash -c "echo compiling; exit 3"; await_background_build ni-add-ons; echo "went on"'
expect_no_match "a failed build: nothing after the wait runs" "went on" \
  in_runner 'start_background_build ni-add-ons false; await_background_build ni-add-ons; echo "went on"'
expect_success "control: a build that succeeds, its lines prefixed, is awaited" \
  "\[sonobuoy\] built.*|sonobuoy ready" \
  in_runner 'start_background_build sonobuoy echo built; await_background_build sonobuoy'
expect_success "control: the build runs at the lowest CPU priority" "^\[sonobuoy\] 19$" \
  in_runner 'start_background_build sonobuoy bash -c "ps -o ni= -p \$\$ | tr -d \" \""; await_background_build sonobuoy'
# Under sched_autogroup a task's nice counts only within its session's group: the build needs a
# session of its own, its group at nice 19 as well. The probe prints its session and its group.
cat >"$STUBS/session-probe" <<'PROBE'
#!/usr/bin/env bash
echo "session $(ps -o sid= -p $$ | tr -d ' '), $(cat /proc/self/autogroup)"
PROBE
chmod +x "$STUBS/session-probe"
if [[ $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) == 1 ]]; then
  runner_session=$(ps -o sid= -p $$ | tr -d ' ')
  expect_success "control: the build has a session of its own, its autogroup at nice 19" \
    "^\[sonobuoy\] session ([0-9]+), /autogroup-[0-9]+ nice 19$" \
    in_runner 'start_background_build sonobuoy session-probe; await_background_build sonobuoy'
  expect_no_match "control: the build's session is not the runner's" "^\[sonobuoy\] session $runner_session," \
    in_runner 'start_background_build sonobuoy session-probe; await_background_build sonobuoy'
else
  echo "  skipped: the build's own session and group (this kernel has no sched_autogroup: nice alone applies)"
fi
# The build's child is a sleep of an odd length, so that pgrep finds it and nothing else.
expect_success "stopping the builds ends them and their children" "^stopped$" \
  in_runner "start_background_build slow bash -c 'sleep 37.25; echo finished'; sleep 1; stop_background_builds; sleep 1; pgrep -f '^sleep 37.25' >/dev/null || echo stopped"
finish
