#!/usr/bin/env bash
# Builds the add-on binaries from their Go modules: etcd, CoreDNS, crictl, kube-router,
# local-path-provisioner, and the pause process (C, from the Kubernetes module). With `newest`:
# only the etcd, CoreDNS and pause of KUBERNETES_VERSION_NEWEST (the rest is shared by both nodes).
source "$(dirname "$0")/lib/common.sh"
[[ ${1:-} == newest ]] && use_newest_kubernetes

# go_install NAME PACKAGE@VERSION: modules without replace directives install as they are.
go_install() {
  local name=$1 target=$2 dir
  dir=$(cache_dir "$name-${target##*@}")
  [[ -x "$dir/$name" ]] && return
  log "building $name from $target"
  GOFLAGS= GOBIN="$dir" go install -trimpath -ldflags "-s -w" "$target"
}

build_etcd() {
  local dir; dir=$(cache_dir "etcd-$ETCD_VERSION")
  [[ -x "$dir/etcd" && -x "$dir/etcdctl" ]] && return
  log "building etcd and etcdctl $ETCD_VERSION"
  require_pinned "$TESTBED_DIR/go/$ETCD_MODULE" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  (cd "$TESTBED_DIR/go/$ETCD_MODULE" \
    && go build -trimpath -ldflags "-s -w" -o "$dir/etcd" go.etcd.io/etcd/server/v3 \
    && go build -trimpath -ldflags "-s -w" -o "$dir/etcdctl" go.etcd.io/etcd/etcdctl/v3)
}

# kube-router is built from its module with the test bed's patches applied (testbed/patches/kube-router-*),
# so its cache and image tag carry KUBE_ROUTER_BUILD as well as the upstream version.
build_kube_router() {
  local dir src patch; dir=$(cache_dir "kube-router-$KUBE_ROUTER_VERSION-$KUBE_ROUTER_BUILD")
  [[ -x "$dir/kube-router" ]] && return
  log "building kube-router $KUBE_ROUTER_VERSION with $(ls "$TESTBED_DIR"/patches/kube-router-*.patch | wc -l) patch(es)"
  src=$(mktemp -d)
  cp -r "$(module_dir "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION")/." "$src"
  chmod -R u+w "$src"
  for patch in "$TESTBED_DIR"/patches/kube-router-*.patch; do
    patch -s -d "$src" -p1 < "$patch" || die "kube-router patch $(basename "$patch") does not apply"
  done
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$dir/kube-router" ./cmd/kube-router)
  rm -rf "$src"
}

# The sandbox's pause process is C; it is built statically from the source in the Kubernetes module.
build_pause() {
  local dir src; dir=$(cache_dir "pause-$PAUSE_VERSION")
  [[ -x "$dir/pause" ]] && return
  src=$(cd "$TESTBED_DIR/go/$K8S_MODULE" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c
  [[ -f "$src" ]] || die "pause.c not found in the Kubernetes module ($src)"
  log "building pause $PAUSE_VERSION"
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-ra2" -o "$dir/pause" "$src"
  strip "$dir/pause"
}

build_etcd
go_install coredns "github.com/coredns/coredns@$COREDNS_VERSION"
build_pause
if [[ $K8S_MODULE == k8s ]]; then
  go_install crictl "sigs.k8s.io/cri-tools/cmd/crictl@$CRI_TOOLS_VERSION"
  build_kube_router
  go_install local-path-provisioner "github.com/rancher/local-path-provisioner@$LOCAL_PATH_PROVISIONER_VERSION"
fi
log "add-on binaries ready"
