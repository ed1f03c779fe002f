#!/usr/bin/env bash
# Builds the Kubernetes commands from the k8s.io/kubernetes module into the versioned cache.
source "$(dirname "$0")/lib/common.sh"
BIN_DIR=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
cd "$TESTBED_DIR/go/k8s"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitCommit=module-$KUBERNETES_VERSION \
 -X $pkg.gitTreeState=clean -X $pkg.gitMajor=$(echo "$KUBERNETES_VERSION" | cut -d. -f1 | tr -d v) \
 -X $pkg.gitMinor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2) -X $pkg.buildDate=1970-01-01T00:00:00Z"
ldflags="$ldflags ${ldflags//component-base\/version/client-go\/pkg\/version}"
for cmd in kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  [[ -x "$BIN_DIR/$cmd" ]] && continue
  log "building $cmd $KUBERNETES_VERSION"
  go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
  mv "$BIN_DIR/$cmd.tmp" "$BIN_DIR/$cmd"
done
if [[ ! -x "$BIN_DIR/agnhost" ]]; then
  log "building agnhost"
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/agnhost.tmp" k8s.io/kubernetes/test/images/agnhost
  mv "$BIN_DIR/agnhost.tmp" "$BIN_DIR/agnhost"
fi
log "kubernetes binaries ready in $BIN_DIR"
