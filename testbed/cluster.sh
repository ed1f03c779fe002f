#!/usr/bin/env bash
# Brings a test bed cluster up or down: cluster.sh up|down|kubeconfig NAME (NAME is a file in kind-configs/).
#  up:   reuses a healthy cluster of the same name, replaces a broken one, never leaves a half-made one.
#  down: deletes the cluster; succeeds if there is none.
source "$(dirname "$0")/lib/common.sh"
REPO_DIR=$(cd "$TESTBED_DIR/.." && pwd)
action=${1:-}; name=${2:-basic}
config="${RA2_KIND_CONFIG_DIR:-$REPO_DIR/kind-configs}/$name.yaml"
[[ -f "$config" ]] || die "no cluster definition $config"
cluster=$(awk '/^name:/ {print $2; exit}' "$config")
KUBECONFIG_DIR=${RA2_KUBECONFIG_DIR:-$REPO_DIR/.testbed}
kubeconfig="$KUBECONFIG_DIR/$cluster.kubeconfig"
# A definition may name its node image (`image:` on its nodes, one for all: the ha bed runs the newest
# minor's node); otherwise the node of KUBERNETES_VERSION. kind's --image applies it to every node.
config_image=$(awk '$1 == "image:" {print $2; exit}' "$config")
image=${NODE_IMAGE_OVERRIDE:-${config_image:-$NODE_IMAGE}}
# The cluster's Kubernetes version, for a kubectl within its skew: the test bed node image's tag.
kube_version=$KUBERNETES_VERSION
[[ $image == "$IMAGE_PREFIX/node:"* ]] && kube_version=${image##*:}
# Huge pages each definition needs reserved on the host (the network-intensive bed asks for some).
min_hugepages=$(awk '/^# ra2-testbed: min-hugepages=/ {split($0, a, "="); print a[2]}' "$config")
# Add-on sets installed after the cluster settles (network-intensive: testbed/ni/install.sh).
addons=$(awk '/^# ra2-testbed: addons=/ {split($0, a, "="); print a[2]}' "$config")

kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$cluster"; }

cluster_healthy() {
  kind get kubeconfig --name "$cluster" > "$kubeconfig" 2>/dev/null || return 1
  local total ready
  # The scale bed's simulated nodes (type=kwok) are not the config's: only the real ones count.
  total=$(kc get nodes -l 'type!=kwok' --no-headers 2>/dev/null | wc -l)
  ready=$(kc get nodes -l 'type!=kwok' --no-headers 2>/dev/null | awk '$2 == "Ready"' | wc -l)
  (( total == $(grep -c -- '- role:' "$config") && ready == total ))
}

preflight() {
  docker info >/dev/null 2>&1 || die "the Docker engine is not running: run testbed/prepare-host.sh (or start dockerd)"
  docker image inspect "$image" >/dev/null 2>&1 || [[ -n "${NODE_IMAGE_OVERRIDE:-}" ]] \
    || die "node image $image is missing: run 'make images' first"
  local pages; pages=$(cat /proc/sys/vm/nr_hugepages)
  (( pages >= ${min_hugepages:-0} )) \
    || die "too few huge pages: $cluster needs ${min_hugepages} x 2MiB reserved, the host has $pages (run testbed/prepare-host.sh)"
  local port; port=$(awk '/apiServerPort:/ {print $2; exit}' "$config")
  if [[ -n "$port" ]] && ss -Hltn "sport = :$port" | grep -q .; then
    die "port $port (API server of $cluster) is taken by another process: $(ss -Hltnp "sport = :$port" | grep -o 'users:.*' | head -1)"
  fi
}

# Nodes Ready and every kube-system pod Running: kind's --wait covers only the control plane.
wait_settled() {
  local pods deadline=$((SECONDS + ${RA2_SETTLE_TIMEOUT:-300}))
  log "waiting up to ${RA2_SETTLE_TIMEOUT:-300}s for all nodes Ready and kube-system pods Running"
  while (( SECONDS < deadline )); do
    # One list, read whole: `kubectl | grep -q` ends kubectl by SIGPIPE once the list outgrows the
    # pipe (the scale bed's 2,000 simulated DaemonSet pods), and pipefail took that for "not settled".
    if cluster_healthy && pods=$(kc get pods -n kube-system --no-headers 2>/dev/null) && [[ -n $pods ]] \
       && awk '$3 != "Running" { bad = 1 } END { exit bad }' <<<"$pods"; then
      return 0
    fi
    sleep 5
  done
  kc get nodes -o wide >&2 || true
  kc get pods -A -o wide >&2 || true
  return 1
}

install_addons() {
  case "$addons" in
    "") ;;
    network-intensive) "$TESTBED_DIR/ni/install.sh" "$cluster" "$kubeconfig" \
      || die "installing the network-intensive add-ons on $cluster failed (the cluster is kept for inspection)" ;;
    scale) "$TESTBED_DIR/scale/install.sh" "$cluster" "$kubeconfig" \
      || die "installing KWOK's simulated fleet on $cluster failed (the cluster is kept for inspection)" ;;
    *) die "unknown add-on set '$addons' in $config" ;;
  esac
}

up() {
  mkdir -p "$KUBECONFIG_DIR"
  if cluster_exists; then
    if [[ -z "${RA2_RECREATE:-}" ]] && cluster_healthy; then
      log "reusing healthy cluster $cluster"; wait_settled || die "cluster $cluster exists but did not settle"
      install_addons; return
    fi
    log "replacing cluster $cluster (unhealthy, or RA2_RECREATE set)"
    kind delete cluster --name "$cluster" >/dev/null
  fi
  preflight
  log "creating cluster $cluster from $config with $image"
  if ! kind create cluster --config "$config" --image "$image" --kubeconfig "$kubeconfig" --wait 5m; then
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
    die "creating cluster $cluster failed (deleted what was made; see the kind output above)"
  fi
  if ! wait_settled; then
    [[ -n "${RA2_KEEP_BROKEN:-}" ]] || kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
    die "cluster $cluster did not settle: nodes or kube-system pods not ready"
  fi
  install_addons
  log "cluster $cluster is up; KUBECONFIG=$kubeconfig"
}

# Thaws every frozen cgroup (cgroup v1 freezer) of the cluster's node containers. A node container
# stopped while runc had a pod's cgroup frozen (the ha failover test stops one) keeps that cgroup
# frozen after it starts again, and Docker then cannot kill it: "did not receive an exit event".
thaw_nodes() {
  local id state
  for id in $(docker ps -aq --no-trunc --filter "label=io.x-k8s.kind.cluster=$cluster"); do
    for state in $(find "/sys/fs/cgroup/freezer/docker/$id" -name freezer.state -exec grep -l FROZEN {} + 2>/dev/null); do
      log "thawing $state"; echo THAWED > "$state" || true
    done
  done
}

down() {
  if cluster_exists; then
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || { thaw_nodes; kind delete cluster --name "$cluster" >/dev/null; }
    log "deleted cluster $cluster"
  else
    log "no cluster $cluster"
  fi
  rm -f "$kubeconfig"
  # the extra Docker networks testbed/ni/install.sh made for this cluster's nodes
  docker network ls -q --filter "name=^$cluster-net" | xargs -r docker network rm >/dev/null
}

case "$action" in
  up) use_pinned_kubectl "$kube_version"; up ;;
  down) down ;;
  kubeconfig) echo "$kubeconfig" ;;
  *) die "usage: cluster.sh up|down|kubeconfig NAME" ;;
esac
