#!/usr/bin/env bash
# Builds the Kubernetes commands from the k8s.io/kubernetes module into the versioned cache.
# Without arguments: KUBERNETES_VERSION (wrapper module go/k8s) and agnhost. With `newest`:
# KUBERNETES_VERSION_NEWEST (go/k8s-newest), the node's commands only (agnhost stays one).
source "$(dirname "$0")/lib/common.sh"
[[ ${1:-} == newest ]] && use_newest_kubernetes
BIN_DIR=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
require_pinned "$TESTBED_DIR/go/$K8S_MODULE" k8s.io/kubernetes "$KUBERNETES_VERSION"
cd "$TESTBED_DIR/go/$K8S_MODULE"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitCommit=module-$KUBERNETES_VERSION \
 -X $pkg.gitTreeState=clean -X $pkg.gitMajor=$(echo "$KUBERNETES_VERSION" | cut -d. -f1 | tr -d v) \
 -X $pkg.gitMinor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2) -X $pkg.buildDate=1970-01-01T00:00:00Z"
ldflags="$ldflags ${ldflags//component-base\/version/client-go\/pkg\/version}"
# The missing commands in one `go build`: one package graph, so their shared packages compile once
# and the go command schedules one graph instead of seven.
missing=()
for cmd in kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  [[ -x "$BIN_DIR/$cmd" ]] || missing+=("$cmd")
done
if ((${#missing[@]})); then
  log "building ${missing[*]} $KUBERNETES_VERSION"
  rm -rf "$BIN_DIR/.tmp" && mkdir -p "$BIN_DIR/.tmp"
  go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/.tmp/" "${missing[@]/#/k8s.io/kubernetes/cmd/}"
  for cmd in "${missing[@]}"; do mv "$BIN_DIR/.tmp/$cmd" "$BIN_DIR/$cmd"; done
  rmdir "$BIN_DIR/.tmp"
fi
if [[ $K8S_MODULE == k8s && ! -x "$BIN_DIR/agnhost" ]]; then
  log "building agnhost"
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/agnhost.tmp" k8s.io/kubernetes/test/images/agnhost
  mv "$BIN_DIR/agnhost.tmp" "$BIN_DIR/agnhost"
fi
log "kubernetes binaries ready in $BIN_DIR"
