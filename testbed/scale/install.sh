#!/usr/bin/env bash
# Turns a running test bed cluster into the scale bed: install.sh CLUSTER KUBECONFIG.
# KWOK (sigs.k8s.io/kwok, built from its Go module) runs in the cluster and keeps RA2_SCALE_NODES
# simulated nodes (default 1000) Ready, with the labels, taints and capacity of a real fleet, and
# fakes the RA2_SCALE_PODS pods (default 3000) scheduled onto them. Nothing runs on a simulated
# node: the suite's probes must land on the cluster's real nodes only.
# RA2_SCALE_TIMEOUT bounds each wait for the fleet, in seconds (default 1800).
# Simulated node addresses are unused addresses of the kind network, and pod addresses come from
# the cluster's own pod range, so anything that tries to reach them stays on this machine.
# Idempotent: nodes and pods are applied by name; safe on a reused cluster.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTBED_DIR/lib/image.sh"
cluster=${1:?usage: install.sh CLUSTER KUBECONFIG}; kubeconfig=${2:?usage: install.sh CLUSTER KUBECONFIG}
nodes=${RA2_SCALE_NODES:-1000}; pods=${RA2_SCALE_PODS:-3000}
(( nodes >= 1 && nodes <= 4000 )) || die "RA2_SCALE_NODES=$nodes: between 1 and 4000 (addresses come from 172.18.192.0/18)"
KWOK_IMAGE="$IMAGE_PREFIX/kwok:$KWOK_VERSION"
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
# render FILE: FILE with every ${VAR} replaced by its value in the environment.
render() { perl -pe 's/\$\{(\w+)\}/exists $ENV{$1} ? $ENV{$1} : die "unset variable $1 in $ARGV\n"/ge' "$1"; }

# The controller binary, and its stages (what a simulated node and pod go through) from the same
# module, so the bed carries no copy of them.
build_kwok() {
  local dir src; dir=$(cache_dir "kwok-$KWOK_VERSION")
  # The image has no libc: a binary built with cgo (a cache from before common.sh set CGO_ENABLED=0)
  # fails to start with "no such file or directory", so only a static one is kept.
  if [[ ! -x "$dir/kwok" ]] || ! go version -m "$dir/kwok" | grep -q 'CGO_ENABLED=0'; then
    log "building kwok $KWOK_VERSION"
    GOFLAGS= GOBIN="$dir" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  fi
  src=$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")/kustomize/stage
  { for f in "$src"/node/fast/node-initialize.yaml "$src"/node/heartbeat-with-lease/*.yaml "$src"/pod/fast/*.yaml; do
      [[ -f $f ]] || die "kwok stage $f is missing from the module"
      echo '---'; cat "$f"
    done; } > "$dir/stages.yaml"
  image "$KWOK_IMAGE" "$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE" /usr/local/bin/kwok "$dir/kwok"
}

install_kwok() {
  local dir; dir=$(cache_dir "kwok-$KWOK_VERSION")
  kind load docker-image --name "$cluster" "$KWOK_IMAGE" >/dev/null || die "loading $KWOK_IMAGE into $cluster failed"
  kc create namespace kwok-system --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc -n kwok-system create configmap kwok-stages --from-file=stages.yaml="$dir/stages.yaml" \
    --dry-run=client -o yaml | kc apply -f - >/dev/null
  KWOK_IMAGE=$KWOK_IMAGE render "$TESTBED_DIR/scale/kwok.yaml" | kc apply -f - >/dev/null
  kc -n kwok-system rollout status deployment/kwok --timeout=180s >/dev/null \
    || die "kwok did not become ready: $(kc -n kwok-system get pods -o wide 2>&1 | tail -n +2)"
}

wait_for() {
  local what=$1 want=$2 count; shift 2
  local deadline=$((SECONDS + ${RA2_SCALE_TIMEOUT:-1800}))
  while (( SECONDS < deadline )); do
    count=$("$@") || count=0
    (( count >= want )) && { log "$what: $count"; return 0; }
    sleep 10
  done
  die "$what: $count of $want after ${RA2_SCALE_TIMEOUT:-1800}s"
}

ready_simulated_nodes() {
  kc get nodes -l type=kwok -o json \
    | jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'
}
running_simulated_pods() {
  kc get pods -n ra2-scale-fleet --field-selector=status.phase=Running -o name | wc -l
}

# kube-router peers every node with every other by default (a full BGP mesh). With a thousand
# simulated nodes it spent both cores on sessions to addresses nothing answers on, and KWOK brought
# nodes Ready at about 10 a minute (155 of 1,000 after 15 minutes); peering by ASN, with the real
# nodes annotated with one, brought the remaining 845 Ready within a minute. Done before the
# simulated nodes exist, so the rolling update only crosses the real ones.
peer_real_nodes_only() {
  local args
  args=$(kc -n kube-system get daemonset kube-router -o jsonpath='{.spec.template.spec.containers[0].args[0]}') \
    || die "the scale bed needs kube-router (the test bed's CNI) in kube-system"
  [[ $args == *--nodes-full-mesh=false* ]] && return 0
  log "kube-router: BGP among the real nodes only (ASN 64512), not with simulated ones"
  kc annotate --overwrite nodes -l 'type!=kwok' kube-router.io/node.asn=64512 >/dev/null
  args=$(jq -cn --arg a "$args" '$a | sub("--run-router=true"; "--run-router=true --nodes-full-mesh=false")')
  kc -n kube-system patch daemonset kube-router --type=json \
    -p "[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/args/0\", \"value\": $args}]" >/dev/null
  kc -n kube-system rollout status daemonset/kube-router --timeout=300s >/dev/null \
    || die "kube-router did not roll out with --nodes-full-mesh=false"
}

build_kwok
install_kwok
peer_real_nodes_only
# Created, not applied: server-side apply refuses a status with two InternalIP addresses (it keys the
# list by type), which is what every dual-stack kubelet reports; a node made by an earlier install stays.
create_nodes() {
  local errors
  errors=$("$TESTBED_DIR/scale/nodes.sh" "$nodes" | kc create -f - -o name 2>&1 >/dev/null | grep -v 'AlreadyExists\|already exists' || true)
  [[ -z $errors ]] || die "could not create the simulated nodes: $(head -n 3 <<<"$errors")"
}
log "creating $nodes simulated nodes"
create_nodes
wait_for "simulated nodes Ready" "$nodes" ready_simulated_nodes
PODS=$pods render "$TESTBED_DIR/scale/fleet.yaml" | kc apply -f - >/dev/null
wait_for "simulated workload pods Running" "$pods" running_simulated_pods
log "scale bed ready: $nodes simulated nodes, $pods pods on them, on $cluster"
