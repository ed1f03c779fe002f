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
# in_pod POD SCRIPT...: SCRIPT run by sh inside POD; stdout only.
in_pod() { local pod=$1; shift; kc exec -n "$NS" "$pod" -- sh -c "$*" 2>/dev/null; }
