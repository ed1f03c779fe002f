#!/usr/bin/env bash
# testbed/lib/verify.sh: a connectivity observation is reached, blocked (curl exit 7 or 28) or not
# observed (kubectl exec failed, curl failed otherwise); only the first two count. Blocked only after
# BLOCKED_STREAK blocked observations in a row; reached after one answer.
source "$(dirname "$0")/lib.sh"
echo "testbed/lib/verify.sh connectivity"

# A kubectl whose `exec` answers from $ANSWERS, one line per call (the last repeats):
#   exec-fail | curl:<exit code>[:<body>]. Everything else succeeds silently.
stub kubectl '
if [[ " $* " == *" version "* ]]; then echo "{\"clientVersion\":{\"gitVersion\":\"v1.35.4\"}}"; exit 0; fi
[[ " $* " == *" exec "* ]] || exit 0
n=$(grep -c " exec " "$STUB_CALLS")
answer=$(sed -n "${n}p" "$ANSWERS"); [ -n "$answer" ] || answer=$(tail -n 1 "$ANSWERS")
case "$answer" in
  exec-fail) echo "error: unable to upgrade connection: container not found (\"agnhost\")" >&2; exit 1 ;;
  curl:*) IFS=: read -r _ code body <<<"$answer"; echo "curl-exit=$code"; printf %s "${body:-curl: ($code) failed}" ;;
esac'
export ANSWERS="$STUBS/answers"
export RA2_VERIFY_OBSERVE_INTERVAL=0.1
# Waits that must end by an observation get a deadline no loaded machine reaches (they end at once);
# waits that must run out get a short one.
ENOUGH=120

# in_verify ANSWER... -- CMD...: CMD with verify.sh sourced, kubectl exec answering ANSWERs in turn.
in_verify() {
  local answers=()
  while [[ $1 != -- ]]; do answers+=("$1"); shift; done; shift
  printf '%s\n' "${answers[@]}" >"$ANSWERS"
  (
    source "$REPO/testbed/lib/common.sh"
    kubeconfig=/dev/null NS=ns
    source "$REPO/testbed/lib/verify.sh"
    set +e
    "$@"
  )
}
outcome() { http_observe client http://10.0.0.1:8080/hostname; echo "outcome=$? body=$BODY observed=$OBSERVED"; }
# blocked_then_count / reached_then_count SECONDS: "rc=<wait's exit> <last observation> observations=<count>".
observations() { grep -c ' exec ' "$STUB_CALLS"; }
blocked_then_count() {
  await_blocked "$1" client http://10.0.0.1:8080/hostname
  echo "rc=$? $OBSERVED observations=$(observations)"
}
reached_then_count() {
  await_reached "$1" client http://10.0.0.1:8080/hostname server
  echo "rc=$? $OBSERVED observations=$(observations)"
}

expect_success "exec failure: not observed" "outcome=2 .*not observed: kubectl exec into client failed: .*unable to upgrade" \
  in_verify exec-fail -- outcome
expect_success "curl timed out (28): blocked" "outcome=1 .*blocked" in_verify curl:28 -- outcome
expect_success "curl refused (7): blocked" "outcome=1 .*blocked" in_verify curl:7 -- outcome
expect_success "curl could not resolve (6): not observed" "outcome=2 .*curl in client exited 6" in_verify curl:6 -- outcome
expect_success "an answer: reached" "outcome=0 body=server " in_verify curl:0:server -- outcome

expect_success "one timeout then an answer: reached at the second observation" "rc=0 reached.*observations=2$" \
  in_verify curl:28 curl:0:server -- reached_then_count $ENOUGH
expect_success "blocked only after 3 in a row (an answer starts the count again)" "rc=0 blocked.*observations=6$" \
  in_verify curl:28 curl:28 curl:0:server curl:28 -- blocked_then_count $ENOUGH
expect_success "an exec failure between blocked observations starts the count again" "rc=0 blocked.*observations=5$" \
  in_verify curl:28 exec-fail curl:28 -- blocked_then_count $ENOUGH
expect_success "exec always failing: never blocked; says it could not observe" "rc=1 not observed: kubectl exec" \
  in_verify exec-fail -- blocked_then_count 2
# 10 s: the answer must come within the deadline; 2 s ran out before the second observation under load 80.
expect_success "a single blocked observation then answers: not blocked" "rc=1 reached" \
  in_verify curl:28 curl:0:server -- blocked_then_count 10
finish
