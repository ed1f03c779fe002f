#!/usr/bin/env bash
# Turns a freshly made cluster into the network-intensive test bed: install.sh CLUSTER KUBECONFIG.
# Gives every worker five extra interfaces, loads the add-on images into the nodes and installs
# each add-on (testbed/ni/<component>.sh, see CONTRACT.md). Idempotent: safe on a reused cluster.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTBED_DIR/lib/image.sh"
cluster=${1:?usage: install.sh CLUSTER KUBECONFIG}; kubeconfig=${2:?usage: install.sh CLUSTER KUBECONFIG}
# RA2_NI_COMPONENTS="multus nfd" installs only those (for debugging one add-on).
read -r -a NI_COMPONENTS <<< "${RA2_NI_COMPONENTS:-multus nfd device_plugin metallb ingress}"
EXTRA_NETWORKS=5
for c in "${NI_COMPONENTS[@]}"; do source "$TESTBED_DIR/ni/${c//_/-}.sh"; done
export IMAGE_PREFIX KUBERNETES_VERSION DEBIAN_SUITE MULTUS_VERSION WHEREABOUTS_VERSION NFD_VERSION METALLB_VERSION TRAEFIK_VERSION

kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
# render FILE: FILE with every ${VAR} replaced by its value in the environment.
render() { perl -pe 's/\$\{(\w+)\}/exists $ENV{$1} ? $ENV{$1} : die "unset variable $1 in $ARGV\n"/ge' "$1"; }

workers() { kind get nodes --name "$cluster" | grep -v control-plane | sort; }

# Docker networks <cluster>-net1..5 (internal: nothing routes off this machine), connected to every
# worker in order, so that each worker sees them as eth1..eth5.
attach_extra_networks() {
  local n net node
  for n in $(seq 1 "$EXTRA_NETWORKS"); do
    net="$cluster-net$n"
    docker network inspect "$net" >/dev/null 2>&1 \
      || docker network create --internal --subnet "10.250.$n.0/24" --ip-range "10.250.$n.0/25" "$net" >/dev/null
    for node in $(workers); do
      docker inspect -f '{{json .NetworkSettings.Networks}}' "$node" | jq -e --arg n "$net" 'has($n)' >/dev/null \
        || docker network connect "$net" "$node"
    done
  done
  for node in $(workers); do
    for n in $(seq 1 "$EXTRA_NETWORKS"); do
      docker exec "$node" ip -4 -o addr show dev "eth$n" | grep -q "10.250.$n." \
        || die "$node: eth$n is not on $cluster-net$n (10.250.$n.0/24)"
    done
  done
  log "workers $(workers | xargs) have eth1..eth$EXTRA_NETWORKS on $cluster-net1..$EXTRA_NETWORKS"
}

# One `kind load` for every image: one archive, whose shared layers are saved once, imported once
# per node, instead of an archive and an import per image and node.
load_images() {
  local img images=()
  for c in "${NI_COMPONENTS[@]}"; do
    for img in $("${c}_images"); do
      docker image inspect "$img" >/dev/null 2>&1 || die "image $img is missing: run testbed/build-ni.sh first"
      images+=("$img")
    done
  done
  kind load docker-image --name "$cluster" "${images[@]}" >/dev/null \
    || die "loading the add-on images (${images[*]}) into $cluster failed"
  log "loaded the ${#images[@]} add-on images into $cluster"
}

attach_extra_networks
load_images
for c in "${NI_COMPONENTS[@]}"; do
  t=$SECONDS; "install_$c"; log "installed $c in $((SECONDS - t))s"
done
log "network-intensive add-ons ready on $cluster"
