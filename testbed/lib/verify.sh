# Shared by the test bed's acceptance scripts (verify-*.sh): sourced after common.sh, never run.
# The caller sets NS (its own namespace) and kubeconfig before calling anything here.
PROBE=$PROBE_IMAGE
use_pinned_kubectl
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
# eventually SECONDS CMD...: asynchronous things (policy programming, address announcement) are polled until they hold.
eventually() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do (( SECONDS < deadline )) || return 1; sleep 2; done
}
# fresh_namespace: the script's namespace, emptied of what an interrupted run left, deleted on exit.
fresh_namespace() {
  kc delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
  kc create namespace "$NS" >/dev/null
  trap 'kc delete namespace "$NS" --wait=false --ignore-not-found >/dev/null 2>&1 || true' EXIT
}
# Connectivity has three outcomes: REACHED (an HTTP answer), BLOCKED at the network (curl exit 7,
# connection refused, or 28, timed out) or UNOBSERVED (kubectl exec failed, or curl failed otherwise).
# Only the first two say anything about the network; waits retry UNOBSERVED until their deadline.
REACHED=0 BLOCKED=1 UNOBSERVED=2
# Blocked only after this many blocked observations in a row, OBSERVE_INTERVAL seconds apart.
BLOCKED_STREAK=${RA2_VERIFY_BLOCKED_STREAK:-3}
OBSERVE_INTERVAL=${RA2_VERIFY_OBSERVE_INTERVAL:-2}
# http_observe FROM_POD URL: FROM_POD fetches URL once; returns $REACHED, $BLOCKED or $UNOBSERVED,
# sets BODY (the answer, when reached) and OBSERVED (the observation in words, for messages).
# curl's exit code travels on stdout, so it is not confused with a failure of kubectl exec itself.
http_observe() {
  local out err rc
  BODY=
  err=$(mktemp)
  # shellcheck disable=SC2016 # expanded by the pod's shell
  if ! out=$(kc exec -n "$NS" "$1" -- sh -c 'body=$(curl -sS --max-time 5 "$1" 2>&1); echo "curl-exit=$?"; printf %s "$body"' sh "$2" 2>"$err"); then
    OBSERVED="not observed: kubectl exec into $1 failed: $(tr '\n' ' ' <"$err")"
    rm -f "$err"; return "$UNOBSERVED"
  fi
  rm -f "$err"
  rc=$(sed -n '1s/^curl-exit=\([0-9]*\)$/\1/p' <<<"$out")
  out=$(sed 1d <<<"$out")
  case "$rc" in
    0) BODY=$out; OBSERVED="reached $2 (answer: ${out:-empty})"; return "$REACHED" ;;
    7 | 28) OBSERVED="blocked: $1 -> $2: $out"; return "$BLOCKED" ;;
    "") OBSERVED="not observed: no curl exit code from $1 (output: ${out:-none})"; return "$UNOBSERVED" ;;
    *) OBSERVED="not observed: curl in $1 exited $rc for $2: $out"; return "$UNOBSERVED" ;;
  esac
}
# await_reached SECONDS FROM_POD URL ANSWER: FROM_POD gets ANSWER from URL within SECONDS (one answer is enough).
await_reached() {
  local deadline=$((SECONDS + $1))
  while :; do
    if http_observe "$2" "$3" && [[ $BODY == "$4" ]]; then return 0; fi
    (( SECONDS < deadline )) || return 1
    sleep "$OBSERVE_INTERVAL"
  done
}
# await_blocked SECONDS FROM_POD URL: BLOCKED_STREAK blocked observations in a row within SECONDS;
# an answer or an observation that failed starts the count again.
await_blocked() {
  local deadline=$((SECONDS + $1)) streak=0 rc
  while :; do
    rc=0; http_observe "$2" "$3" || rc=$?
    if (( rc == BLOCKED )); then streak=$((streak + 1)); else streak=0; fi
    (( streak >= BLOCKED_STREAK )) && return 0
    (( SECONDS < deadline )) || return 1
    sleep "$OBSERVE_INTERVAL"
  done
}
# probe NAME NODE [ANNOTATIONS_JSON [RESOURCES_JSON [VOLUMES_JSON MOUNTS_JSON]]]: an agnhost netexec pod.
probe() {
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: { name: $1, namespace: $NS, labels: { app: $1 }, annotations: ${3:-{\}} }
spec:
  nodeName: $2
  containers:
    - name: agnhost
      image: $PROBE
      imagePullPolicy: Never
      args: [netexec, --http-port=8080]
      resources: ${4:-{\}}
      volumeMounts: ${6:-[]}
  volumes: ${5:-[]}
YAML
}
# ready POD...: every POD Ready within 120s, or fail with the pods and the last warnings.
ready() { kc wait -n "$NS" --for=condition=Ready "${@/#/pod/}" --timeout=120s >/dev/null \
  || fail "pods $* not Ready: $(kc get pods -n "$NS" -o wide --no-headers 2>&1 | tr '\n' ';') $(kc get events -n "$NS" --field-selector type=Warning -o custom-columns=M:.message --no-headers 2>&1 | tail -3 | tr '\n' ';')"; }
# in_pod POD SCRIPT...: SCRIPT run by sh inside POD; stdout only. When kubectl exec or SCRIPT fails,
# says so on stderr and returns non-zero (callers in a substitution must check: fail ends only the subshell).
in_pod() {
  local pod=$1 out err rc=0; shift
  err=$(mktemp)
  out=$(kc exec -n "$NS" "$pod" -- sh -c "$*" 2>"$err") || rc=$?
  (( rc == 0 )) || printf 'in pod %s, "%s" failed (exit %s): %s\n' "$pod" "$*" "$rc" "$(tr '\n' ' ' <"$err")" >&2
  rm -f "$err"
  printf '%s\n' "$out"
  return "$rc"
}
