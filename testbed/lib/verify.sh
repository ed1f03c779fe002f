# Shared by the test bed's acceptance scripts (verify-*.sh): sourced after common.sh, never run.
# The caller sets NS (its own namespace) and kubeconfig before calling anything here.
PROBE="$IMAGE_PREFIX/agnhost:$KUBERNETES_VERSION"
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
# http_get FROM_POD URL: what FROM_POD fetches from URL (stdout only: kubectl exec may print websocket notices on stderr).
http_get() { kc exec -n "$NS" "$1" -- curl -sS --max-time 5 "$2" 2>/dev/null || true; }
